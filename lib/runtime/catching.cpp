// Catching and throwing events: boundaries, subscriptions (message, signal, condition),
// errors and escalations looking for their catcher, event subprocesses.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "jobs/iso8601.hpp"
#include "model/graph.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

using model::FlowNode;
using model::NodeKind;
using model::SequenceFlow;

void Execution::attachBoundaryEvents(Token& t, const FlowNode& n) {
  for (const auto* b : n.boundaryEvents)
    for (const auto& def : b->events) {
      if (def.type == model::EventType::conditional) subscribeCondition(t, *b, false);
      if (def.type == model::EventType::timer) createTimerJob(t, *b);
      if (def.type == model::EventType::message) subscribeMessage(t, *b, &def);
      if (def.type == model::EventType::signal) subscribeSignal(t, *b, &def);
    }
}

void Execution::subscribeMessage(Token& owner, const FlowNode& eventNode, const model::EventDefinition* def) {
  std::string ref = eventNode.messageRef;
  if (!def) def = eventNode.event(model::EventType::message);
  if (def) ref = def->ref;
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = owner.id;
  sub.kind = "message";
  sub.name = def && !def->messageExpression.empty() ? evaluateText(owner, def->messageExpression, eventNode.id)
                                                    : process_.model().messageName(ref);
  // Camunda: a <message name="invoice-${id}"> is evaluated when the catch starts waiting.
  if (sub.name.find("${") != std::string::npos && process_.hasExpression(sub.name))
    sub.name = evaluateText(owner, sub.name, eventNode.id);
  sub.element = eventNode.id;
  sub.isNew = true;
  sub.createdNow = true;
  state_.subscriptions.push_back(std::move(sub));
}

void Execution::eventGatewayFired(Token& gateway, const FlowNode& eventNode) {
  removeJobsOf(gateway.id);  // the other events lose the race
  record("element_left", &gateway, &node(gateway));
  transition(gateway, TokenState::active);
  gateway.element = eventNode.id;
  record("element_entered", &gateway, &eventNode);
  agenda_.push_back({Op::leave, gateway.id});
}

void Execution::correlate(Id subscriptionId, const Variables& variables) {
  SubscriptionRow* sub = nullptr;
  for (auto& x : state_.subscriptions)
    if (x.id == subscriptionId && !x.removed) sub = &x;
  if (!sub) throw Error(ErrorCode::not_found, "message subscription " + std::to_string(subscriptionId) + " not found");
  receive(*sub, variables);
  run();
}

void Execution::triggerBoundary(Token& host, const FlowNode& boundary) {
  Id parent = host.parent;
  if (boundary.cancelActivity) cancelToken(host);
  Token& bt = newToken(parent, boundary.id);
  record("element_entered", &bt, &boundary);
  agenda_.push_back({Op::leave, bt.id});
}

const model::Scope& Execution::scopeOf(const Token& scope) const {
  return scope.parent == 0 ? process_.process->scope : *node(scope).inner;
}

const FlowNode* Execution::findCatcher(Token& from, model::EventType type, const std::string& code, Token*& host) {
  const auto& defs = process_.model();
  // The code a catching definition waits for; nullopt catches every code.
  auto codeOf = [&](const model::EventDefinition& e) -> std::optional<std::string> {
    if (e.ref.empty()) return std::nullopt;
    if (type == model::EventType::error) {
      auto it = defs.errors.find(e.ref);
      return it == defs.errors.end() ? e.ref : it->second.errorCode;
    }
    return defs.escalationCode(e.ref);
  };
  // Specific codes win over catch-alls at the same level.
  auto pick = [&](const std::vector<const FlowNode*>& candidates) -> const FlowNode* {
    const FlowNode* catchAll = nullptr;
    for (const auto* c : candidates) {
      const auto* e = c->event(type);
      if (!e) continue;
      auto k = codeOf(*e);
      if (k && !k->empty() && *k == code) return c;
      if ((!k || k->empty()) && !catchAll) catchAll = c;
    }
    return catchAll;
  };
  // The event subprocesses the throw comes from: they cannot catch what they throw (it goes on outwards).
  std::vector<const FlowNode*> throwingFrom;
  for (Token* cur = &from; cur;) {
    bool miInstance = cur->data.contains("miInstance");
    // An event subprocess of the scope catches before the boundary events of the scope's activity.
    if (cur != &from && cur->state == TokenState::scope && !cur->data.contains("miBody") &&
        (cur->parent == 0 || node(*cur).inner)) {
      std::vector<const FlowNode*> starts;
      for (const auto* esp : scopeOf(*cur).eventSubProcesses())
        if (std::find(throwingFrom.begin(), throwingFrom.end(), esp) == throwingFrom.end())
          for (const auto* st : esp->inner->startEvents()) starts.push_back(st);
      if (const auto* st = pick(starts)) {
        host = cur;
        return st;
      }
    }
    if (cur->parent == 0) break;
    if (node(*cur).kind == NodeKind::eventSubProcess) throwingFrom.push_back(&node(*cur));
    if (!miInstance)
      if (const auto* b = pick(node(*cur).boundaryEvents)) {
        host = cur;
        return b;
      }
    cur = state_.token(cur->parent);
  }
  return nullptr;
}

void Execution::catchAt(Token& host, const FlowNode& catcher) {
  if (catcher.kind == NodeKind::boundaryEvent)
    triggerBoundary(host, catcher);
  else
    triggerEventSubProcess(host, catcher);
}

namespace {
// camunda:errorCodeVariable and its kin: the catching event hands the caught code on as a variable.
void keepCaught(Execution& ex, Token& host, const FlowNode& catcher, model::EventType type, const std::string& code,
                const std::string& message) {
  const auto* def = catcher.event(type);
  if (!def) return;
  if (!def->codeVariable.empty()) ex.setVariable(host, def->codeVariable, boost::json::value(code));
  if (!def->messageVariable.empty())
    ex.setVariable(host, def->messageVariable, message.empty() ? boost::json::value() : boost::json::value(message));
}
}  // namespace

void Execution::throwBpmnError(Token& from, const std::string& code, const std::string& message) {
  Token* host = nullptr;
  if (const auto* c = findCatcher(from, model::EventType::error, code, host)) {
    record("error_caught", host, c, 0, code);
    keepCaught(*this, *host, *c, model::EventType::error, code, message);
    catchAt(*host, *c);
    return;
  }
  if (state_.row.parentId) {
    // A called instance hands an uncaught error to its call activity (BPMN 10.2.6).
    // Its variables go along: the call activity's out mappings apply on an error too (as Camunda).
    parentNotice = ParentNotice{state_.row.parentId, state_.row.parentTokenId, true, code, visibleVariables(from)};
    endInstance(Instance::State::terminated, "error_propagated", code);
    return;
  }
  throw Error(ErrorCode::unhandled_bpmn_error,
              "BPMN error '" + code + "' thrown at '" + from.element + "' is not caught by any error boundary event" +
                  (message.empty() ? "" : ": " + message),
              from.element);
}

bool Execution::throwEscalation(Token& from, const std::string& code) {
  Token* host = nullptr;
  const auto* c = findCatcher(from, model::EventType::escalation, code, host);
  if (!c) {
    record("escalation_uncaught", &from, process_.process->node(from.element), 0, code);
    // A called process's escalation goes on to its call activity (BPMN 10.5.6); this instance goes on.
    if (state_.row.parentId) {
      ParentNotice notice;
      notice.parent = state_.row.parentId;
      notice.parentToken = state_.row.parentTokenId;
      notice.escalation = code;
      notice.variables = visibleVariables(from);  // for the call activity's out mappings
      escalationsToParent.push_back(std::move(notice));
    }
    return false;  // BPMN: an uncaught escalation is not an error
  }
  record("escalation_caught", host, c, 0, code);
  keepCaught(*this, *host, *c, model::EventType::escalation, code, {});
  catchAt(*host, *c);
  return true;
}

void Execution::openScope(Token& scope) {
  // Data objects with a value are variables of their scope (start variables win).
  for (const auto& d : scopeOf(scope).dataObjects) {
    if (!d.initialValue || d.name.empty()) continue;
    auto have = state_.variables.find(scope.id);
    if (have != state_.variables.end() && have->second.contains(d.name)) continue;
    const auto& v = *d.initialValue;
    boost::json::value value;
    if (!v.empty()) switch (model::dataTypeOf(d.itemSubjectRef)) {
        case model::DataType::integer: value = std::stoll(v); break;
        case model::DataType::number: value = std::stod(v); break;
        case model::DataType::boolean: value = v == "true"; break;
        case model::DataType::text: value = v; break;
      }
    setLocalVariable(scope, d.name, std::move(value));
  }
  for (const auto* esp : scopeOf(scope).eventSubProcesses())
    for (const auto* st : esp->inner->startEvents()) {
      if (st->event(model::EventType::message)) subscribeMessage(scope, *st);
      if (st->event(model::EventType::signal)) subscribeSignal(scope, *st);
      if (st->event(model::EventType::timer)) createTimerJob(scope, *st);
      if (st->event(model::EventType::conditional)) subscribeCondition(scope, *st, false);
    }
}

void Execution::triggerEventSubProcess(Token& scope, const FlowNode& start) {
  const FlowNode& esp = *start.scope->owner;
  if (start.interrupting) {
    for (auto* c : state_.children(scope.id)) cancelToken(*c);
    closeEventSubProcesses(scope);  // the scope's other event subprocesses can no longer start
  } else {
    // A non-interrupting start may fire again: wait for the next one.
    if (start.event(model::EventType::message)) subscribeMessage(scope, start);
    if (start.event(model::EventType::signal)) subscribeSignal(scope, start);
  }
  Token& body = newToken(scope.id, esp.id);
  record("element_entered", &body, &esp);
  transition(body, TokenState::scope);
  Token& first = newToken(body.id, start.id);
  schedule(first, start);
}

void Execution::closeEventSubProcesses(Token& scope) {
  // Only the start events' jobs and subscriptions: the boundary events of the scope's activity stay.
  auto isStart = [&](const std::string& element) {
    const auto* n = process_.process->node(element);
    return n && n->kind == NodeKind::startEvent;
  };
  for (auto& j : state_.jobs)
    if (j.tokenId == scope.id && isStart(j.element)) j.removed = true;
  for (auto& sub : state_.subscriptions)
    if (sub.tokenId == scope.id && isStart(sub.element)) sub.removed = true;
}

void Execution::subscribeSignal(Token& owner, const FlowNode& eventNode, const model::EventDefinition* def) {
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = owner.id;
  sub.kind = "signal";
  sub.name = signalName(owner, eventNode, *(def ? def : eventNode.event(model::EventType::signal)));
  sub.element = eventNode.id;
  sub.isNew = true;
  state_.subscriptions.push_back(std::move(sub));
}

void Execution::receive(SubscriptionRow& sub, const Variables& variables) {
  sub.removed = true;
  Token* owner = state_.token(sub.tokenId);
  const auto* eventNode = process_.process->node(sub.element);
  if (!owner || !eventNode) throw Error(ErrorCode::internal, "a subscription without its token or element");
  if (sub.kind == "signal" && !eventNode->call.in.empty()) {
    // flowable:in: the catching event takes the payload's variables it names, under its names.
    for (const auto& m : eventNode->call.in) {
      if (m.target.empty()) continue;
      auto v = variables.find(m.source);
      setVariable(*owner, m.target, v == variables.end() ? boost::json::value() : v->value());
    }
  } else {
    for (const auto& kv : variables) setVariable(*owner, std::string(kv.key()), kv.value());
  }
  record(sub.kind + "_received", owner, eventNode, 0, sub.name);
  if (eventNode->kind == NodeKind::boundaryEvent) {
    bool again = !eventNode->cancelActivity && (sub.kind == "message" || sub.kind == "signal");
    std::string kind = sub.kind;  // `sub` dangles once a subscription is added
    triggerBoundary(*owner, *eventNode);
    // A non-interrupting boundary event keeps listening while its activity runs (BPMN 10.5.4).
    if (again && kind == "message") subscribeMessage(*owner, *eventNode);
    if (again && kind == "signal") subscribeSignal(*owner, *eventNode);
  } else if (eventNode->kind == NodeKind::startEvent)
    triggerEventSubProcess(*owner, *eventNode);
  else if (node(*owner).kind == NodeKind::eventBasedGateway)
    eventGatewayFired(*owner, *eventNode);
  else
    agenda_.push_back({Op::leave, owner->id});
}

void Execution::subscribeCondition(Token& owner, const FlowNode& eventNode, bool fired) {
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = owner.id;
  sub.kind = "conditional";
  sub.name = fired ? "fired" : "armed";  // a non-interrupting event fires again only after turning false
  sub.element = eventNode.id;
  sub.isNew = true;
  state_.subscriptions.push_back(std::move(sub));
}

bool Execution::conditionHolds(const Token& t, const FlowNode& eventNode) {
  const auto* def = eventNode.event(model::EventType::conditional);
  try {
    return evaluateCondition(t, def->condition, eventNode.id);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::expression_error) throw;
    return false;  // as in Camunda: a condition that cannot be evaluated yet (unknown variable) is false
  }
}

bool Execution::fireConditions() {
  for (std::size_t i = 0; i < state_.subscriptions.size(); ++i) {
    auto& sub = state_.subscriptions[i];
    if (sub.removed || sub.kind != "conditional") continue;
    Token* owner = state_.token(sub.tokenId);
    const auto* eventNode = process_.process->node(sub.element);
    if (!owner || !eventNode) continue;
    bool holds = conditionHolds(*owner, *eventNode);
    if (sub.name == "fired") {
      if (!holds) {  // re-arm: the next change to true fires it again
        sub.removed = true;
        subscribeCondition(*owner, *eventNode, false);
      }
      continue;
    }
    if (!holds) continue;
    bool again = (eventNode->kind == NodeKind::boundaryEvent && !eventNode->cancelActivity) ||
                 (eventNode->kind == NodeKind::startEvent && !eventNode->interrupting);
    Id ownerId = owner->id;
    receive(sub, {});
    if (again)
      if (auto* still = state_.token(ownerId)) subscribeCondition(*still, *eventNode, true);
    return true;
  }
  return false;
}

int Execution::deliverSignal(const std::string& name, const Variables& variables, bool async, bool fromInside) {
  int received = catchSignal(name, variables, async, fromInside);
  run();
  return received;
}

std::string Execution::signalName(const Token& t, const FlowNode& n, const model::EventDefinition& def) {
  auto name = def.signalExpression.empty() ? process_.model().signalName(def.ref) : def.signalExpression;
  // Camunda: a <signal name="alert-${var}"> is evaluated where the event subscribes or throws.
  if ((name.find("${") != std::string::npos || name.find("#{") != std::string::npos) && process_.hasExpression(name))
    name = evaluateText(t, name, n.id);
  return name;
}

bool Execution::instanceScoped(const model::EventDefinition& def) const {
  auto it = process_.model().signals.find(def.ref);
  return it != process_.model().signals.end() && it->second.instanceScope;
}

int Execution::catchSignal(const std::string& name, const Variables& variables, bool async, bool fromInside) {
  int received = 0;
  // Only the subscriptions present now: those a delivery creates wait for the next signal.
  auto count = state_.subscriptions.size();
  for (std::size_t i = 0; i < count; ++i) {
    auto& sub = state_.subscriptions[i];
    if (sub.removed || sub.kind != "signal" || sub.name != name || !state_.token(sub.tokenId)) continue;
    if (!fromInside) {  // an instance-scoped signal from elsewhere (another instance, the API) is not this one's
      const auto* eventNode = process_.process->node(sub.element);
      const auto* def = eventNode ? eventNode->event(model::EventType::signal) : nullptr;
      if (def && instanceScoped(*def)) continue;
    }
    if (async) {  // the subscription stays until its job delivers the signal
      createAsyncJob(*state_.token(sub.tokenId), *process_.process->node(sub.element), "signal");
      state_.jobs.back().data = {{"signal", sub.id}, {"payload", variables}};
      ++received;
      continue;
    }
    receive(sub, variables);
    ++received;
  }
  return received;
}

}  // namespace ordo::runtime
