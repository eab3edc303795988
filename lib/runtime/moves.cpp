// The move primitive (退回, 撤回, jump) and the change-a-multi-instance-body primitive (加签/减签).
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "jobs/iso8601.hpp"
#include "model/graph.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

using model::FlowNode;
using model::NodeKind;
using model::SequenceFlow;

void Execution::moveTokens(const std::vector<Id>& cancel, Id scope, const FlowNode& target) {
  for (Id id : cancel)
    if (auto* t = state_.token(id)) cancelToken(*t);
  Token& moved = newToken(scope, target.id);
  schedule(moved, target);
  run();
}

std::pair<Id, std::vector<Id>> Execution::returnPlan(Id taskToken, const FlowNode& target) {
  Token* t = state_.token(taskToken);
  if (!t) throw Error(ErrorCode::internal, "the task has no token");
  // Climb to the token that sits in the target's scope: the task's own, its multi-instance
  // body, or the subprocess around it.
  Token* a = t;
  while (a && a->parent != 0) {
    Token* parent = state_.token(a->parent);
    bool parentIsTargetScope = parent && ((parent->parent == 0 && target.scope == &process_.process->scope) ||
                                          (parent->parent != 0 && node(*parent).inner.get() == target.scope));
    if (parentIsTargetScope && !a->data.contains("miInstance")) break;
    a = parent;
  }
  if (!a || a->parent == 0)
    throw Error(ErrorCode::wrong_state, "'" + target.id + "' is not in a scope around the current task", target.id);
  const auto& graph = *target.scope->graph;
  const auto& here = node(*a);
  if (&here != &target && !graph.reaches(&target, &here))
    throw Error(ErrorCode::wrong_state, "'" + target.id + "' does not come before '" + here.id + "'", target.id);
  std::vector<Id> cancel{a->id};
  for (auto* c : state_.children(a->parent)) {
    if (c == a) continue;
    const FlowNode* at = process_.process->node(c->element);
    // A token waiting at a join stands for the branch it came by.
    if (c->state == TokenState::joining && c->data.contains("via"))
      if (const auto* via = process_.process->flow(std::string(c->data.at("via").as_string()))) at = via->source;
    if (at && at->scope == target.scope && (at == &target || graph.reaches(&target, at))) cancel.push_back(c->id);
  }
  return {a->parent, cancel};
}

void Execution::addToMultiInstance(Id instanceToken, const std::vector<boost::json::value>& items, bool before) {
  Token* inst = state_.token(instanceToken);
  if (!inst || !inst->data.contains("miInstance"))
    throw Error(ErrorCode::wrong_state, "the task is not part of a multi-instance activity");
  Token& body = *state_.token(inst->parent);
  const auto& n = node(*inst);
  auto& list = body.data["items"].as_array();
  auto& outputs = body.data["outputs"].as_array();
  auto count = body.data.at("nrOfInstances").as_int64();
  if (!n.loop.sequential) {
    for (const auto& item : items) {
      list.push_back(item);
      outputs.push_back(nullptr);
      body.data["nrOfInstances"] = ++count;
      startMultiInstance(body, n, count - 1);
    }
  } else {
    // Sequential: the new signers come right after the current one, or before it (the current
    // one then waits for them: its instance stops and runs again after theirs).
    auto current = inst->data.at("loopCounter").as_int64();
    auto at = static_cast<std::size_t>(before ? current : current + 1);
    for (std::size_t i = 0; i < items.size(); ++i) {
      list.insert(list.begin() + static_cast<std::ptrdiff_t>(at + i), items[i]);
      outputs.insert(outputs.begin() + static_cast<std::ptrdiff_t>(at + i), nullptr);
    }
    body.data["nrOfInstances"] = count + static_cast<std::int64_t>(items.size());
    if (before) {
      cancelToken(*inst);
      body.data["nrOfActiveInstances"] = body.data.at("nrOfActiveInstances").as_int64() - 1;
      startMultiInstance(body, n, current);
    }
  }
  body.dirty = true;
  setLocalVariable(body, "nrOfInstances", body.data.at("nrOfInstances"));
  run();
}

int Execution::removeFromMultiInstance(Id instanceToken, const std::vector<boost::json::value>& items) {
  Token* inst = state_.token(instanceToken);
  if (!inst || !inst->data.contains("miInstance"))
    throw Error(ErrorCode::wrong_state, "the task is not part of a multi-instance activity");
  Id bodyId = inst->parent;
  Token& body = *state_.token(bodyId);
  const auto& n = node(*inst);
  int removed = 0;
  bool currentRemoved = false;
  auto isRemoved = [&](const boost::json::value& v) { return std::find(items.begin(), items.end(), v) != items.end(); };
  for (auto* c : state_.children(bodyId)) {
    const auto* v = n.loop.elementVariable.empty() ? nullptr : lookup(*c, n.loop.elementVariable);
    if (!v || !isRemoved(*v)) continue;
    cancelToken(*c);
    currentRemoved = true;
    if (!n.loop.sequential) ++removed;  // sequential: counted below, with its list entry
    body.data["nrOfActiveInstances"] = body.data.at("nrOfActiveInstances").as_int64() - 1;
  }
  // Sequential: the current signer (if removed) and those not reached yet leave the list.
  auto& list = body.data["items"].as_array();
  const auto completed = body.data.at("nrOfCompletedInstances").as_int64();
  if (n.loop.sequential) {
    for (auto i = static_cast<std::size_t>(completed); i < list.size();)
      if (isRemoved(list[i])) {
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
        body.data["outputs"].as_array().erase(body.data["outputs"].as_array().begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
      } else {
        ++i;
      }
  }
  auto remaining = body.data.at("nrOfInstances").as_int64() - removed;
  body.data["nrOfInstances"] = remaining;
  body.dirty = true;
  setLocalVariable(body, "nrOfInstances", remaining);
  setLocalVariable(body, "nrOfActiveInstances", body.data.at("nrOfActiveInstances"));
  if (removed == 0) return 0;
  // The completion condition looks again at the smaller body (减签 may complete it).
  bool done = completed >= remaining;
  if (!done && !n.loop.completionCondition.empty()) done = evaluateCondition(body, n.loop.completionCondition, n.id);
  if (done) {
    for (auto* c : state_.children(bodyId)) cancelToken(*c);
    completeMultiInstanceBody(body, n);
  } else if (n.loop.sequential && currentRemoved) {
    startMultiInstance(body, n, completed);  // the next signer takes the removed one's turn
  }
  run();
  return removed;
}

}  // namespace ordo::runtime
