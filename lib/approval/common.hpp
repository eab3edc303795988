// What the approval operations share: who may work on a task, refusals, finding a task.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "command/runner.hpp"

namespace ordo::approval {

inline bool contains(const std::vector<std::string>& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

// The task's assignee, a candidate (user or role) of an unassigned task, or an administrator.
// T: the stored task (ordo::Task) or the runtime's row of it (runtime::TaskRecord).
template <class T>
bool mayWorkOn(const T& t, const command::Runner::Actor& a) {
  if (a.admin) return true;
  if (!t.assignee.empty()) return t.assignee == a.id;
  // As in Flowable and Camunda: a task nobody is named for is anyone's (unless strict).
  if (t.candidateUsers.empty() && t.candidateGroups.empty()) return a.mayTakeOpenTasks;
  if (contains(t.candidateUsers, a.id)) return true;
  return std::any_of(t.candidateGroups.begin(), t.candidateGroups.end(),
                     [&](const std::string& g) { return contains(a.roles, g); });
}

[[noreturn]] inline void forbid(const std::string& user, const std::string& what) {
  throw Error(ErrorCode::forbidden, "user '" + user + "' may not " + what);
}

inline runtime::TaskRow& taskRow(runtime::Execution& ex, Id taskId) {
  for (auto& r : ex.state().tasks)
    if (r.task.id == taskId) return r;
  throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
}

// An open task by id (its instance id in `instanceId`), or not_found / wrong_state.
inline Task openTask(store::Session& c, Id taskId, Id& instanceId) {
  auto task = c.taskById(taskId, &instanceId);
  if (!task) throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
  if (task->state != Task::State::open)
    throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is already " + toString(task->state),
                task->elementId);
  return *task;
}

}  // namespace ordo::approval
