// What a command asks of one instance: start, complete a task, fire a timer, finish an
// external task, set variables, end (terminate, reject, invalidate) or hear that a child ended.
#include <algorithm>
#include <boost/json/serialize.hpp>

#include "jobs/iso8601.hpp"
#include "model/graph.hpp"
#include "runtime/execution.hpp"

namespace ordo::runtime {

using model::FlowNode;
using model::NodeKind;
using model::SequenceFlow;

void Execution::endInstance(Instance::State state, const std::string& kind, const std::string& comment) {
  // A called instance that ends without completing ends its caller the same way; otherwise
  // the caller would wait forever for a child that is gone (an error already told it).
  bool live = state_.row.state == Instance::State::running || state_.row.state == Instance::State::suspended;
  if (state_.row.parentId && live && !parentNotice &&
      (state == Instance::State::terminated || state == Instance::State::rejected ||
       state == Instance::State::invalidated)) {
    ParentNotice notice;
    notice.parent = state_.row.parentId;
    notice.parentToken = state_.row.parentTokenId;
    notice.ended = state;
    parentNotice = notice;
  }
  auto& root = state_.rootToken();
  for (auto* c : state_.children(root.id)) cancelToken(*c);
  removeJobsOf(root.id);
  root.removed = true;
  state_.row.state = state;
  state_.row.endedAt = now();
  state_.rowDirty = true;
  record(kind, nullptr, nullptr, 0, comment);
}

void Execution::terminateAll(const std::string& reason) {
  // Flowable's terminateAll: the instance ends as completed, and so does every caller above it.
  bool live = state_.row.state == Instance::State::running || state_.row.state == Instance::State::suspended;
  if (state_.row.parentId && live && !parentNotice) {
    ParentNotice notice;
    notice.parent = state_.row.parentId;
    notice.parentToken = state_.row.parentTokenId;
    notice.ended = Instance::State::completed;
    parentNotice = notice;
  }
  endInstance(Instance::State::completed, "instance_completed", reason);
}

void Execution::terminate(const std::string& reason) {
  // The caller cancelled this instance: it is not to be told back that its child ended.
  bool told = parentNotice.has_value();
  endInstance(Instance::State::terminated, "instance_terminated", reason);
  if (!told) parentNotice.reset();
}

boost::json::value mappedValue(const model::VariableMapping& m, boost::json::value v, const FlowNode& n) {
  if (m.type.empty()) return v;
  try {
    return expr::convertTo(v, m.type);
  } catch (const expr::Error& e) {
    throw Error(ErrorCode::expression_error, "the mapping to '" + m.target + "' of " + n.label() + ": " + e.what(),
                n.id);
  }
}

// Out mappings: what the parent's call activity at `t` takes from its child's variables.
void Execution::applyOutMappings(Token& t, const FlowNode& n, const Variables& childVariables) {
  auto typed = [&](const model::VariableMapping& m, boost::json::value v) { return mappedValue(m, std::move(v), n); };
  for (const auto& m : n.call.out) {
    if (m.all) {
      for (const auto& kv : childVariables) setVariable(t, std::string(kv.key()), kv.value());
    } else if (!m.sourceExpression.empty()) {
      struct Child : expr::Variables {
        const ordo::Variables& v;
        explicit Child(const ordo::Variables& x) : v(x) {}
        const boost::json::value* find(std::string_view name) const override {
          auto it = v.find(name);
          return it == v.end() ? nullptr : &it->value();
        }
      } child(childVariables);
      try {
        setVariable(t, m.target, typed(m, process_.expression(m.sourceExpression).evaluate(child)));
      } catch (const expr::Error& e) {
        throw Error(ErrorCode::expression_error, std::string(e.what()) + " (out mapping of '" + n.id + "')", n.id);
      }
    } else if (auto it = childVariables.find(m.source); it != childVariables.end()) {
      setVariable(t, m.target.empty() ? m.source : m.target, typed(m, it->value()));
    }
  }
}

void Execution::childEnded(Id tokenId, const ParentNotice& notice) {
  Token* t = state_.token(tokenId);
  if (!t) return;  // the call activity was cancelled meanwhile
  const auto& n = node(*t);
  if (!notice.escalation.empty()) {             // the child goes on; its call activity's boundary may catch it
    applyOutMappings(*t, n, notice.variables);  // as Camunda: the out mappings apply on an escalation too
    throwEscalation(*t, notice.escalation);
    run();
    return;
  }
  t->data.erase("child");
  if (notice.ended == Instance::State::completed) {
    terminateAll("its called instance at '" + n.id + "' ended with terminateAll");
    return;
  }
  if (notice.ended) {
    endInstance(*notice.ended, std::string("instance_") + toString(*notice.ended),
                "its called instance at '" + n.id + "' was " + toString(*notice.ended));
    return;
  }
  if (notice.error) {
    applyOutMappings(*t, n, notice.variables);
    throwBpmnError(*t, notice.errorCode, "raised in the called process");
    run();
    return;
  }
  applyOutMappings(*t, n, notice.variables);
  transition(*t, TokenState::active);
  agenda_.push_back({Op::leave, t->id});
  run();
}

// ---------------------------------------------------------------- commands

void Execution::start(const Variables& variables, const std::string& initiator, const FlowNode* startEvent) {
  const auto& scope = process_.process->scope;
  Token& root = newToken(0, process_.process->id);
  transition(root, TokenState::scope);
  record("instance_started", nullptr, nullptr);
  // The start is an operation of the initiator's: the instance_started row carries it.
  if (!initiator.empty() && recordStart) state_.history.back().action = "start";
  for (const auto& kv : variables) setLocalVariable(root, std::string(kv.key()), kv.value());
  openScope(root);
  auto starts = scope.noneStarts();
  std::vector<const FlowNode*> entry(starts.begin(), starts.end());
  if (startEvent) entry.assign(1, startEvent);
  // Started by key, a process whose start events all wait for a message, signal or timer starts
  // at the first of them (Flowable's initial element; Camunda's too when it is the only one).
  if (entry.empty() && !scope.startEvents().empty()) entry.push_back(scope.startEvents()[0]);
  if (entry.empty()) {
    // No start event at all: every node without incoming flows starts (BPMN 10.5.2).
    for (const auto& n : scope.nodes)
      if (n->incoming.empty() && n->kind != NodeKind::boundaryEvent && n->kind != NodeKind::eventSubProcess &&
          !n->isForCompensation)
        entry.push_back(n.get());
  }
  if (entry.empty())
    throw Error(ErrorCode::unsupported, "process '" + process_.process->id + "' has nothing to start",
                process_.process->id);
  for (const auto* s : entry) {
    // flowable:initiator: who started the instance; null when no user did (as both engines set it).
    if (auto attr = s->extensions.find("initiator"); attr != s->extensions.end() && !attr->second.empty())
      setLocalVariable(root, attr->second,
                       initiator.empty() ? boost::json::value(nullptr) : boost::json::value(initiator));
    Token& t = newToken(root.id, s->id);
    if (startEvent && s->kind != NodeKind::startEvent) {
      startTriggered(t, *s);
      continue;
    }
    agenda_.push_back({Op::enter, t.id, s});
  }
  run();
}

// Started by the message or signal an instantiating receive task, or a catch event after an
// instantiating event-based gateway, waits for: that node has received it, and the flow goes on.
void Execution::startTriggered(Token& t, const FlowNode& n) {
  for (const auto* f : n.incoming)
    if (f->source && f->source->kind == NodeKind::eventBasedGateway && f->source->instantiate) {
      t.element = f->source->id;
      record("element_left", &t, f->source);
    }
  t.element = n.id;
  record("element_entered", &t, &n);
  record("element_left", &t, &n);
  take(t, selectOutgoing(t, n, false));
}

void Execution::completeTask(Id taskId, const Variables& variables, const std::string& user, const std::string& comment,
                             bool asOperation) {
  TaskRow* row = nullptr;
  for (auto& t : state_.tasks)
    if (t.task.id == taskId) row = &t;
  if (!row) throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
  if (row->task.state != Task::State::open)
    throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is " + toString(row->task.state),
                row->task.elementId);
  Token* t = state_.token(row->tokenId);
  if (!t) throw Error(ErrorCode::internal, "task " + std::to_string(taskId) + " has no token");
  row->task.state = Task::State::completed;
  row->task.endedAt = now();
  row->task.completedBy = user;
  row->dirty = true;
  for (const auto& kv : variables) setVariable(*t, std::string(kv.key()), kv.value());
  const auto& n = node(*t);
  if (!n.human.taskCompleterVariableName.empty())
    setVariable(*t, evaluateText(*t, n.human.taskCompleterVariableName, n.id),
                user.empty() ? boost::json::value(nullptr) : boost::json::value(user));
  record("task_completed", t, &n, taskId, comment);
  if (asOperation) state_.history.back().action = "complete";  // the row doubles as the operation
  behaviorFor(n.kind).trigger(*this, *t, n);
  run();
}

void Execution::fireTimer(Id jobId) {
  JobRow* job = nullptr;
  for (auto& j : state_.jobs)
    if (j.id == jobId && !j.removed) job = &j;
  if (!job) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
  job->removed = true;
  Token* owner = state_.token(job->tokenId);
  if (!owner) return;
  const auto* eventNode = process_.process->node(job->element);
  if (!eventNode) throw Error(ErrorCode::internal, "timer job for unknown element '" + job->element + "'");
  // Only events that leave their owner waiting can fire again: non-interrupting boundary and event-subprocess starts.
  bool repeats = (eventNode->kind == NodeKind::boundaryEvent && !eventNode->cancelActivity) ||
                 (eventNode->kind == NodeKind::startEvent && !eventNode->interrupting);
  if (repeats) {
    JobRow fired = *job;  // copied: repeatCycle grows the job list
    repeatCycle(fired);
  }
  if (eventNode->kind == NodeKind::boundaryEvent) {
    record("timer_fired", owner, eventNode);
    triggerBoundary(*owner, *eventNode);
  } else if (eventNode->kind == NodeKind::startEvent) {
    record("timer_fired", owner, eventNode);
    triggerEventSubProcess(*owner, *eventNode);
  } else if (node(*owner).kind == NodeKind::eventBasedGateway) {
    record("timer_fired", owner, eventNode);
    eventGatewayFired(*owner, *eventNode);
  } else {
    record("timer_fired", owner, eventNode);
    agenda_.push_back({Op::leave, owner->id});
  }
  run();
}

// The waiting token of external task `jobId`, the job done and the worker's variables set.
Token& Execution::finishExternal(Id jobId, const Variables& variables) {
  JobRow* job = nullptr;
  for (auto& j : state_.jobs)
    if (j.id == jobId && !j.removed && j.kind == "external") job = &j;
  if (!job) throw Error(ErrorCode::not_found, "external task " + std::to_string(jobId) + " not found");
  job->removed = true;
  Token* t = state_.token(job->tokenId);
  if (!t) throw Error(ErrorCode::internal, "external task " + std::to_string(jobId) + " has no token");
  for (const auto& kv : variables) setVariable(*t, std::string(kv.key()), kv.value());
  return *t;
}

void Execution::completeExternal(Id jobId, const Variables& variables) {
  agenda_.push_back({Op::leave, finishExternal(jobId, variables).id});
  run();
}

void Execution::externalBpmnError(Id jobId, const std::string& code, const Variables& variables) {
  throwBpmnError(finishExternal(jobId, variables), code, {});
  run();
}

void Execution::evaluateConditionalEvents(const Variables& variables) {
  // A fired non-interrupting conditional event waits for its condition to turn false before it
  // may fire again; an explicit evaluation forgets that, so one that still holds fires now.
  for (std::size_t i = 0, n = state_.subscriptions.size(); i < n; ++i) {
    auto& sub = state_.subscriptions[i];
    if (sub.removed || sub.kind != "conditional" || sub.name != "fired") continue;
    Token* owner = state_.token(sub.tokenId);
    const auto* eventNode = process_.process->node(sub.element);
    if (!owner || !eventNode) continue;
    sub.removed = true;
    subscribeCondition(*owner, *eventNode, false);
  }
  setVariables(variables);
}

void Execution::setVariables(const Variables& variables) {
  auto& root = state_.rootToken();
  for (const auto& kv : variables) setVariable(root, std::string(kv.key()), kv.value());
  record("variables_set", nullptr, nullptr);
  run();  // conditional events look at the new values
}

void Execution::cancelTasksOf(Token& t) {
  for (auto& task : state_.tasks)
    if (task.tokenId == t.id && task.task.state == Task::State::open) {
      task.task.state = Task::State::cancelled;
      task.task.endedAt = now();
      task.dirty = true;
      record("task_cancelled", &t, process_.process->node(task.task.elementId), task.task.id);
    }
}

void Execution::assignTask(TaskRow& row, const std::string& assignee) {
  row.task.assignee = assignee;
  row.dirty = true;
}

void Execution::delegateTask(TaskRow& row, const std::string& to, const std::string& user) {
  if (row.task.owner.empty()) row.task.owner = row.task.assignee.empty() ? user : row.task.assignee;
  row.task.assignee = to;
  row.task.delegation = "pending";
  row.dirty = true;
}

void Execution::resolveTask(TaskRow& row) {
  row.task.assignee = row.task.owner;
  row.task.delegation = "resolved";
  row.dirty = true;
}

void Execution::settleEntrustment(TaskRow& row, bool accepted) {
  if (!accepted) row.task.assignee = row.task.owner;
  row.task.delegation.clear();
  row.dirty = true;
}

void Execution::saveDraft(const Variables& formData) {
  state_.row.state = Instance::State::draft;
  state_.rowDirty = true;
  // The form data waits as the instance's variables (scope 0: no token yet).
  for (const auto& kv : formData) {
    state_.variables[0][kv.key()] = kv.value();
    state_.dirtyVariables.emplace(0, std::string(kv.key()));
  }
  record("draft_saved", nullptr, nullptr);
}

void Execution::submitDraft(const Variables& formData) {
  Variables merged;
  if (auto it = state_.variables.find(0); it != state_.variables.end()) {
    merged = it->second;
    for (const auto& kv : it->second) state_.dirtyVariables.emplace(0, std::string(kv.key()));
    state_.variables.erase(it);
  }
  for (const auto& kv : formData) merged[kv.key()] = kv.value();
  state_.row.state = Instance::State::running;
  state_.rowDirty = true;
  recordOperation("submit", nullptr, 0, {});
  recordStart = false;
  start(merged, state_.row.initiator);
}

void Execution::setRunning(bool running) {
  state_.row.state = running ? Instance::State::running : Instance::State::suspended;
  state_.rowDirty = true;
}

}  // namespace ordo::runtime
