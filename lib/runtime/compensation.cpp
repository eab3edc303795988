// Compensation: handlers registered as activities complete, run in reverse on a throw.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "jobs/iso8601.hpp"
#include "model/graph.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

using model::FlowNode;
using model::NodeKind;
using model::SequenceFlow;

void Execution::subscribeCompensation(const Token& t, const FlowNode& activity) {
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = t.parent;  // compensation belongs to the scope the activity completed in
  sub.kind = "compensate";
  sub.name = activity.id;
  sub.element = activity.compensationHandler->id;
  sub.isNew = true;
  state_.subscriptions.push_back(std::move(sub));
}

void Execution::keepCompensation(Token& scope, bool withScope) {
  for (std::size_t i = 0, n = state_.subscriptions.size(); i < n; ++i) {
    auto& sub = state_.subscriptions[i];
    if (sub.removed || sub.kind != "compensate" || sub.tokenId != scope.id) continue;
    sub.removed = true;
    SubscriptionRow moved = sub;  // copied before the vector grows
    moved.id = ids_.next("subscriptions");
    moved.tokenId = scope.parent;
    // The name is the path of activities it completed in, outermost first: "subprocess/activity".
    if (withScope) moved.name = scope.element + "/" + moved.name;
    moved.isNew = true;
    moved.removed = false;
    state_.subscriptions.push_back(std::move(moved));
  }
}

namespace {
// activityRef names the compensated activity, a subprocess it completed in, or (Activiti's older form) its handler.
bool compensates(const SubscriptionRow& sub, const std::string& activityRef) {
  return activityRef.empty() || sub.name == activityRef || sub.name.rfind(activityRef + "/", 0) == 0 ||
         sub.element == activityRef;
}
}  // namespace

int Execution::compensate(Token& thrower, Id scopeToken, const std::string& activityRef, bool wait) {
  // The handlers of the activities completed in the scope, the most recent first (BPMN 10.7.2).
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < state_.subscriptions.size(); ++i) {
    const auto& sub = state_.subscriptions[i];
    if (!sub.removed && sub.kind == "compensate" && sub.tokenId == scopeToken && compensates(sub, activityRef))
      due.push_back(i);
  }
  std::sort(due.begin(), due.end(),
            [&](std::size_t a, std::size_t b) { return state_.subscriptions[a].id > state_.subscriptions[b].id; });
  std::vector<std::pair<std::string, std::string>> handlers;  // handler, activity
  for (auto i : due) {
    state_.subscriptions[i].removed = true;
    handlers.emplace_back(state_.subscriptions[i].element, state_.subscriptions[i].name);
  }
  for (const auto& [handlerId, activity] : handlers) {
    const auto* handler = process_.process->node(handlerId);
    Token& h = newToken(scopeToken, handlerId);
    h.data["compensationFor"] = wait ? thrower.id : 0;  // 0: nobody waits for it
    record("compensation_started", &h, handler, 0, activity);
    schedule(h, *handler);
  }
  if (!handlers.empty() && wait) thrower.data["compensating"] = static_cast<std::int64_t>(handlers.size());
  return static_cast<int>(handlers.size());
}

void Execution::compensationDone(Id throwerId) {
  Token* thrower = state_.token(throwerId);
  if (!thrower) return;
  auto left = thrower->data.at("compensating").as_int64() - 1;
  thrower->data["compensating"] = left;
  thrower->dirty = true;
  if (left > 0) return;
  thrower->data.erase("compensating");
  afterCompensation(*thrower);
}

void Execution::afterCompensation(Token& thrower) {
  const auto& n = node(thrower);
  transition(thrower, TokenState::active);
  if (n.kind == NodeKind::intermediateThrowEvent) {
    agenda_.push_back({Op::leave, thrower.id});
  } else if (n.eventType() == model::EventType::cancel) {
    // A transaction cancelled: its compensations ran; now its cancel boundary event takes over.
    Token* tx = state_.token(thrower.parent);
    const FlowNode* cancelBoundary = nullptr;
    for (const auto* b : node(*tx).boundaryEvents)
      if (b->event(model::EventType::cancel)) cancelBoundary = b;
    if (cancelBoundary) {
      record("transaction_cancelled", tx, &node(*tx));
      triggerBoundary(*tx, *cancelBoundary);
    } else {
      endToken(thrower);
    }
  } else {
    endToken(thrower);
  }
}

}  // namespace ordo::runtime
