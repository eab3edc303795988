#include <boost/json/serialize.hpp>
// Containers: the embedded subprocess (a scope of its own) and the
// multi-instance body (会签/或签/sequential sign-off are built on it).
#include "runtime/execution.hpp"

namespace ordo::runtime {

void enterSubProcess(Execution& ex, Token& t, const model::FlowNode& n) {
  transition(t, TokenState::scope);
  ex.openScope(t);
  t.dirty = true;
  const auto& inner = *n.inner;
  auto starts = inner.noneStarts();
  std::vector<const model::FlowNode*> entry(starts.begin(), starts.end());
  if (entry.empty())
    for (const auto& c : inner.nodes)
      if (c->incoming.empty() && c->kind != model::NodeKind::boundaryEvent && c->kind != model::NodeKind::startEvent &&
          c->kind != model::NodeKind::eventSubProcess && !c->isForCompensation)
        entry.push_back(c.get());
  if (entry.empty()) {
    ex.leave(t);  // nothing inside: the subprocess completes at once
    return;
  }
  for (const auto* s : entry) ex.schedule(ex.newToken(t.id, s->id), *s);
}

namespace {

std::int64_t counter(const Token& body, const char* name) {
  auto it = body.data.find(name);
  return it == body.data.end() ? 0 : it->value().as_int64();
}

void publishCounters(Execution& ex, Token& body) {
  ex.setLocalVariable(body, "nrOfInstances", counter(body, "nrOfInstances"));
  ex.setLocalVariable(body, "nrOfCompletedInstances", counter(body, "nrOfCompletedInstances"));
  ex.setLocalVariable(body, "nrOfActiveInstances", counter(body, "nrOfActiveInstances"));
}

}  // namespace

void enterMultiInstanceBody(Execution& ex, Token& body, const model::FlowNode& n) {
  const auto& loop = n.loop;
  boost::json::array items;
  std::int64_t count = 0;
  if (!loop.collection.empty()) {
    boost::json::value v;
    if (loop.collection.find("${") != std::string::npos || loop.collection.find("#{") != std::string::npos) {
      v = ex.evaluate(body, loop.collection, n.id);
    } else if (const auto* found = ex.lookup(body, loop.collection)) {
      v = *found;
    } else {
      throw Error(ErrorCode::expression_error,
                  "collection '" + loop.collection + "' of " + n.label() + " is not a variable", n.id);
    }
    if (!v.is_array())
      throw Error(ErrorCode::expression_error,
                  "collection '" + loop.collection + "' of " + n.label() + " is not a list", n.id);
    items = v.as_array();
    count = static_cast<std::int64_t>(items.size());
  } else if (!loop.loopCardinality.empty()) {
    auto v = ex.evaluate(body, loop.loopCardinality, n.id);
    if (v.is_int64())
      count = v.as_int64();
    else if (v.is_uint64())
      count = static_cast<std::int64_t>(v.as_uint64());
    else if (v.is_double())
      count = static_cast<std::int64_t>(v.as_double());
    else if (v.is_string())
      count = std::atoll(std::string(v.as_string()).c_str());
    else
      throw Error(ErrorCode::expression_error, "loopCardinality of " + n.label() + " is not a number", n.id);
    if (count < 0) throw Error(ErrorCode::expression_error, "loopCardinality of " + n.label() + " is negative", n.id);
  } else {
    throw Error(ErrorCode::unsupported, n.label() + " has neither a collection nor a loopCardinality", n.id);
  }
  if (count > kMaxMultiInstances)
    throw Error(ErrorCode::limit_exceeded,
                n.label() + " would run " + std::to_string(count) + " instances; at most " +
                    std::to_string(kMaxMultiInstances) + " may run in one multi-instance activity",
                n.id);
  transition(body, TokenState::scope);
  body.dirty = true;
  body.data = {{"miBody", true}, {"nrOfInstances", count}, {"nrOfCompletedInstances", 0}, {"nrOfActiveInstances", 0}};
  body.data["items"] = std::move(items);
  body.data["outputs"] = boost::json::array(static_cast<std::size_t>(count));
  publishCounters(ex, body);
  if (count == 0) {
    if (!loop.loopDataOutputRef.empty()) ex.setVariable(body, loop.loopDataOutputRef, boost::json::array());
    transition(body, TokenState::active);
    body.data = {};
    ex.leave(body);
    return;
  }
  if (loop.sequential) {
    ex.startMultiInstance(body, n, 0);
  } else {
    for (std::int64_t i = 0; i < count; ++i) ex.startMultiInstance(body, n, i);
  }
}

void Execution::startMultiInstance(Token& body, const model::FlowNode& n, std::int64_t index) {
  Token& inst = newToken(body.id, n.id);
  inst.data = {{"miInstance", true}, {"loopCounter", index}};
  setLocalVariable(inst, "loopCounter", index);
  // flowable:elementIndexVariable names the counter too (loopValueIndex).
  if (!n.loop.elementIndexVariable.empty()) setLocalVariable(inst, n.loop.elementIndexVariable, index);
  const auto& items = body.data.at("items").as_array();
  if (!n.loop.elementVariable.empty())
    setLocalVariable(inst, n.loop.elementVariable,
                     index < static_cast<std::int64_t>(items.size()) ? items[static_cast<std::size_t>(index)]
                                                                     : boost::json::value(index));
  // Each instance writes its own output item, not the process variable of that name.
  if (!n.loop.outputDataItem.empty()) setLocalVariable(inst, n.loop.outputDataItem, nullptr);
  body.data["nrOfActiveInstances"] = counter(body, "nrOfActiveInstances") + 1;
  publishCounters(*this, body);
  record("element_entered", &inst, &n);
  schedule(inst, n);
}

void Execution::finishMultiInstance(Token& inst) {
  const auto& n = node(inst);
  Token& body = *state_.token(inst.parent);
  record("element_left", &inst, &n);
  auto index = inst.data.at("loopCounter").as_int64();
  if (!n.loop.outputDataItem.empty())
    if (const auto* out = lookup(inst, n.loop.outputDataItem))
      body.data["outputs"].as_array()[static_cast<std::size_t>(index)] = *out;
  body.data["nrOfCompletedInstances"] = counter(body, "nrOfCompletedInstances") + 1;
  body.data["nrOfActiveInstances"] = counter(body, "nrOfActiveInstances") - 1;
  body.dirty = true;
  publishCounters(*this, body);
  if (!n.loop.behaviorEvents.empty()) {
    Id bodyId = body.id, instId = inst.id;
    throwBehaviorEvents(inst, n, counter(body, "nrOfCompletedInstances"));
    if (!state_.token(bodyId) || !state_.token(instId)) return;  // an interrupting catch took the activity
  }
  bool done = counter(body, "nrOfCompletedInstances") >= counter(body, "nrOfInstances");
  if (!done && !n.loop.completionCondition.empty()) done = evaluateCondition(inst, n.loop.completionCondition, n.id);
  inst.removed = true;
  removeJobsOf(inst.id);
  if (!done) {
    if (n.loop.sequential) startMultiInstance(body, n, counter(body, "nrOfCompletedInstances"));
    return;
  }
  // Completed (all, or the completion condition holds): the other instances stop (或签).
  for (auto* c : state_.children(body.id)) cancelToken(*c);
  completeMultiInstanceBody(body, n);
}

// The multi-instance behavior's events as an instance completes (BPMN 10.2.8): signals are
// broadcast, escalations go to the activity's boundary events and the scopes around it.
void Execution::throwBehaviorEvents(Token& inst, const model::FlowNode& n, std::int64_t completed) {
  Id id = inst.id;
  for (const auto& be : n.loop.behaviorEvents) {
    if (be.firstOnly && completed != 1) continue;
    if (!be.condition.empty() && !evaluateCondition(inst, be.condition, n.id)) continue;
    for (const auto& e : be.events) {
      Token* still = state_.token(id);
      if (!still) return;
      if (e.type == model::EventType::signal)
        throwSignalDefinition(*this, *still, n, e, {});
      else if (e.type == model::EventType::escalation)
        throwEscalation(*still, process_.model().escalationCode(e.ref));
    }
  }
}

void Execution::completeMultiInstanceBody(Token& body, const model::FlowNode& n) {
  keepCompensation(body, false);  // what its instances completed stays compensable in the scope around it
  if (!n.loop.loopDataOutputRef.empty()) setVariable(body, n.loop.loopDataOutputRef, body.data["outputs"]);
  state_.variables.erase(body.id);  // the counters lived on the body
  transition(body, TokenState::active);
  body.data = {};
  auto flows = selectOutgoing(body, n, false);
  record("element_left", &body, &n);
  state_.history.back().elementType = "multiInstanceBody";
  removeJobsOf(body.id);
  take(body, flows);
}

}  // namespace ordo::runtime

namespace ordo::runtime {

void enterCallActivity(Execution& ex, Token& t, const model::FlowNode& n) {
  const auto& call = n.call;
  CallRequest request;
  request.parentToken = t.id;
  request.calledElement = call.calledElement;
  if (call.calledElement.find("${") != std::string::npos || call.calledElement.find("#{") != std::string::npos) {
    auto v = ex.evaluate(t, call.calledElement, n.id);
    if (!v.is_string())
      throw Error(ErrorCode::expression_error, "calledElement of " + n.label() + " is not a string", n.id);
    request.calledElement = std::string(v.as_string());
  }
  request.binding = call.binding;
  request.version = call.version;
  // In mappings: what the child receives (nothing unless mapped, as in Camunda and Flowable).
  auto typed = [&](const model::VariableMapping& m, boost::json::value v) { return mappedValue(m, std::move(v), n); };
  for (const auto& m : call.in) {
    if (m.all) {
      for (const auto& kv : ex.visibleVariables(t)) request.variables[kv.key()] = kv.value();
    } else if (!m.sourceExpression.empty()) {
      request.variables[m.target] = typed(m, ex.evaluate(t, m.sourceExpression, n.id));
    } else if (const auto* v = ex.lookup(t, m.source)) {
      request.variables[m.target.empty() ? m.source : m.target] = typed(m, *v);
    }
  }
  if (!call.businessKey.empty()) {
    auto v = ex.evaluate(t, call.businessKey, n.id);
    request.businessKey = v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
  } else if (call.inheritBusinessKey) {
    request.businessKey = ex.state().row.businessKey;
  }
  request.childId = ex.newId("instances");
  t.data["child"] = request.childId;
  transition(t, TokenState::scope);  // the child instance is its inside
  ex.callsRequested.push_back(std::move(request));
}

void terminateCallActivity(Execution& ex, Token& t, const model::FlowNode&) {
  if (auto child = t.data.find("child"); child != t.data.end())
    ex.childrenToCancel.push_back(child->value().as_int64());
}

}  // namespace ordo::runtime
