// Events: none start (pass), end (none, terminate, error), intermediate catch (timer).
#include "runtime/execution.hpp"

namespace ordo::runtime {

namespace {
std::string escalationCode(Execution& ex, const model::FlowNode& n) {
  return ex.process().model().escalationCode(n.event(model::EventType::escalation)->ref);
}
void throwSignal(Execution& ex, Token& t, const model::FlowNode& n) {
  Variables payload;  // flowable:out: what the signal carries
  for (const auto& m : n.call.out) {
    if (m.target.empty()) continue;
    if (!m.sourceExpression.empty())
      payload[m.target] = ex.evaluate(t, m.sourceExpression, n.id);
    else if (const auto* v = ex.lookup(t, m.source))
      payload[m.target] = *v;
    else
      payload[m.target] = nullptr;
  }
  throwSignalDefinition(ex, t, n, *n.event(model::EventType::signal), std::move(payload));
}

// A throw event with several definitions throws them all (BPMN 10.4.1, Multiple): signals and
// messages in document order, the escalation last, since a catch of it may take the token away.
// Returns whether the token is still there to move on.
bool throwEach(Execution& ex, Token& t, const model::FlowNode& n) {
  Id id = t.id;
  for (const auto& def : n.events) {
    if (def.type == model::EventType::signal) throwSignal(ex, t, n);
    if (def.type == model::EventType::message) sendMessage(ex, t, n);  // capabilities: no handler here
  }
  if (n.event(model::EventType::escalation)) ex.throwEscalation(t, escalationCode(ex, n));
  return ex.state().token(id) != nullptr;
}
}  // namespace

// A signal reaches this instance's waiting events at once (before the thrower moves on),
// and every other instance when the command ends.
void throwSignalDefinition(Execution& ex, Token& t, const model::FlowNode& n, const model::EventDefinition& def,
                           Variables payload) {
  auto name = ex.signalName(t, n, def);
  ex.catchSignal(name, payload, def.async, true);
  // flowable:scope="processInstance": only this instance and those that called it receive it.
  bool scoped = ex.instanceScoped(def);
  if (!scoped || ex.state().row.parentId) ex.signalsThrown.push_back({name, std::move(payload), def.async, scoped});
}

void enterStartEvent(Execution& ex, Token& t, const model::FlowNode&) {
  ex.leave(t);
}

void enterEndEvent(Execution& ex, Token& t, const model::FlowNode& n) {
  ex.record("element_left", &t, &n);
  if (n.events.size() > 1) {
    if (throwEach(ex, t, n)) ex.endToken(t);
    return;
  }
  switch (n.eventType()) {
    case model::EventType::terminate: {
      const auto& def = *n.event(model::EventType::terminate);
      if (def.terminateAll) {  // the whole instance, and the instances that called it
        ex.terminateAll("terminate end event '" + n.id + "' (terminateAll)");
        return;
      }
      if (def.terminateMultiInstance)  // every instance of the multi-instance body around it
        for (Token* cur = &t; cur && cur->parent; cur = ex.state().token(cur->parent))
          if (cur->data.contains("miBody")) {
            for (auto* c : ex.state().children(cur->id)) ex.cancelToken(*c);
            ex.completeMultiInstanceBody(*cur, ex.node(*cur));
            return;
          }
      // Ends the scope it is in, and only that scope: the process, or the subprocess around it.
      for (auto* sibling : ex.state().children(t.parent))
        if (sibling != &t) ex.cancelToken(*sibling);
      ex.endToken(t);
      return;
    }
    case model::EventType::error: {
      const auto& e = *n.event(model::EventType::error);
      auto it = ex.process().model().errors.find(e.ref);
      std::string code = it == ex.process().model().errors.end() ? e.ref : it->second.errorCode;
      ex.throwBpmnError(t, code, {});
      return;
    }
    case model::EventType::escalation: {
      Id id = t.id;
      ex.throwEscalation(t, escalationCode(ex, n));
      if (auto* still = ex.state().token(id)) ex.endToken(*still);  // an interrupting catch took it already
      return;
    }
    case model::EventType::signal:
      throwSignal(ex, t, n);
      ex.endToken(t);
      return;
    case model::EventType::message:
      if (sendMessage(ex, t, n)) ex.endToken(t);
      return;
    case model::EventType::compensate:
    case model::EventType::cancel: {
      const auto& ref =
          n.eventType() == model::EventType::compensate ? n.event(model::EventType::compensate)->ref : std::string();
      if (ex.compensate(t, t.parent, ref) == 0)
        ex.afterCompensation(t);
      else
        ex.wait(t);
      return;
    }
    default: ex.endToken(t);
  }
}

void enterThrowEvent(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.events.size() > 1) {
    if (throwEach(ex, t, n)) ex.leave(t);
    return;
  }
  switch (n.eventType()) {
    case model::EventType::link: {
      // A link is a go-to within the scope: continue at the catch event of the same name.
      const auto& name = n.event(model::EventType::link)->linkName;
      for (const auto& c : n.scope->nodes)
        if (c->kind == model::NodeKind::intermediateCatchEvent && c->event(model::EventType::link) &&
            c->event(model::EventType::link)->linkName == name) {
          ex.record("element_left", &t, &n);
          ex.schedule(t, *c);
          return;
        }
      throw Error(ErrorCode::internal, "link '" + name + "' of " + n.label() + " has no catch event", n.id);
    }
    case model::EventType::escalation: {
      Id id = t.id;
      ex.throwEscalation(t, escalationCode(ex, n));
      if (auto* still = ex.state().token(id)) ex.leave(*still);
      return;
    }
    case model::EventType::none: ex.leave(t); return;
    case model::EventType::signal:
      throwSignal(ex, t, n);
      ex.leave(t);
      return;
    case model::EventType::message:
      if (sendMessage(ex, t, n)) ex.leave(t);
      return;
    case model::EventType::compensate: {
      const auto* def = n.event(model::EventType::compensate);
      // With waitForCompletion="false" the handlers run alongside and the event moves on.
      if (ex.compensate(t, t.parent, def->ref, def->waitForCompletion) == 0 || !def->waitForCompletion)
        ex.leave(t);
      else
        ex.wait(t);
      return;
    }
    default: throw Error(ErrorCode::unsupported, "not supported yet: " + n.label(), n.id);
  }
}

void enterCatchEvent(Execution& ex, Token& t, const model::FlowNode& n) {
  if (n.event(model::EventType::link)) {
    ex.leave(t);  // reached by its throw event; it only passes the token on
    return;
  }
  if (n.event(model::EventType::conditional) && ex.conditionHolds(t, n)) {
    ex.leave(t);  // already true on arrival
    return;
  }
  // With several definitions, the first event to occur wins; leaving removes the others.
  for (const auto& def : n.events) {
    switch (def.type) {
      case model::EventType::timer: ex.createTimerJob(t, n); break;
      case model::EventType::message: ex.subscribeMessage(t, n, &def); break;
      case model::EventType::signal: ex.subscribeSignal(t, n, &def); break;
      case model::EventType::conditional: ex.subscribeCondition(t, n, false); break;
      default: throw Error(ErrorCode::unsupported, "not supported yet: " + n.label(), n.id);
    }
  }
  ex.wait(t);
}

}  // namespace ordo::runtime

namespace ordo::runtime {

void enterReceiveTask(Execution& ex, Token& t, const model::FlowNode& n) {
  ex.subscribeMessage(t, n);
  ex.wait(t);
}

void enterEventBasedGateway(Execution& ex, Token& t, const model::FlowNode& n) {
  // The token waits here for whichever event after the gateway occurs first.
  for (const auto* f : n.outgoing) {
    const auto& target = *f->target;
    if (target.kind == model::NodeKind::receiveTask || target.event(model::EventType::message))
      ex.subscribeMessage(t, target);
    else if (target.event(model::EventType::signal))
      ex.subscribeSignal(t, target);
    else if (target.event(model::EventType::timer))
      ex.createTimerJob(t, target);
    else
      throw Error(ErrorCode::unsupported,
                  "event-based gateway '" + n.id + "' leads to " + target.label() + ", which Ordo cannot wait for yet",
                  n.id);
  }
  ex.wait(t);
}

}  // namespace ordo::runtime
