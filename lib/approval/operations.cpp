// Approval operations (转办, 委派, 催办, 抄送, 终止, 作废, 中断/恢复 ...) and the inbox.
//
// Each operation is one command: it checks that the actor may act, changes the
// instance through the runtime, and records an operation in the history. A
// refusal throws (forbidden, wrong_state, limit_exceeded) and changes nothing.
#include <algorithm>

#include "approval/common.hpp"

namespace ordo::approval {

namespace {

using runtime::Execution;
using runtime::TaskRow;
using namespace approval;

}  // namespace

// Runs `f` on an open task of a running instance, inside one command.
template <class F>
void taskOperation(command::Runner& impl, Id taskId, const std::string& user, F&& f) {
  impl.command([&](store::Session& c) {
    Id instanceId = 0;
    auto task = openTask(c, taskId, instanceId);
    auto actor = impl.actor(c, user);
    impl.onInstance(c, instanceId, user, [&](Execution& ex) {
      auto& row = taskRow(ex, taskId);
      f(ex, row, actor);
    });
  });
}

void completeTask(command::Runner& run, Id taskId, const Variables& variables, const std::string& user,
                  const std::string& comment, std::int64_t expectedRevision) {
  run.command([&](store::Session& c) {
    Id instanceId = 0;
    auto task = openTask(c, taskId, instanceId);
    if (expectedRevision >= 0) run.cx().expectedRevisions[instanceId] = expectedRevision;
    if (task.delegation == "pending")
      throw Error(
          ErrorCode::wrong_state,
          "task " + std::to_string(taskId) + " is delegated to '" + task.assignee + "': the delegate resolves it",
          task.elementId);
    // The assignee needs no directory lookup; anyone else is checked against their roles.
    if (!user.empty() && task.assignee != user && !mayWorkOn(task, run.actor(c, user)))
      forbid(user, "complete task " + std::to_string(taskId) + " ('" + task.elementId + "')");
    run.onInstance(c, instanceId, user,
                   [&](Execution& ex) { ex.completeTask(taskId, variables, user, comment, !user.empty()); });
  });
}

void claimTask(command::Runner& run, Id taskId, const std::string& user) {
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (!row.task.assignee.empty())
      throw Error(ErrorCode::wrong_state,
                  "task " + std::to_string(taskId) + " is already claimed by '" + row.task.assignee + "'",
                  row.task.elementId);
    if (!mayWorkOn(row.task, a)) forbid(user, "claim task " + std::to_string(taskId) + ": not a candidate");
    ex.assignTask(row, user);
    ex.recordOperation("claim", ex.state().token(row.tokenId), taskId, {});
  });
}

void unclaimTask(command::Runner& run, Id taskId, const std::string& user) {
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (row.task.assignee.empty())
      throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is not claimed", row.task.elementId);
    if (row.task.assignee != user && !a.admin) forbid(user, "unclaim a task claimed by '" + row.task.assignee + "'");
    ex.assignTask(row, {});
    ex.recordOperation("unclaim", ex.state().token(row.tokenId), taskId, {});
  });
}

void delegateTask(command::Runner& run, Id taskId, const std::string& user, const std::string& to,
                  const std::string& comment) {
  if (to.empty()) throw Error(ErrorCode::invalid_argument, "delegate needs 'to', the user who works on the task");
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (!mayWorkOn(row.task, a)) forbid(user, "delegate task " + std::to_string(taskId));
    if (row.task.delegation == "pending")
      throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is already delegated",
                  row.task.elementId);
    ex.delegateTask(row, to, user);
    ex.recordOperation("delegate", ex.state().token(row.tokenId), taskId, comment, {to});
    ex.notify(to, "todo", taskId, row.task.name);
  });
}

void resolveTask(command::Runner& run, Id taskId, const std::string& user, const Variables& variables,
                 const std::string& comment) {
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (row.task.delegation != "pending")
      throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is not delegated", row.task.elementId);
    if (row.task.assignee != user && !a.admin) forbid(user, "resolve a task delegated to '" + row.task.assignee + "'");
    auto* t = ex.state().token(row.tokenId);
    for (const auto& kv : variables) ex.setVariable(*t, std::string(kv.key()), kv.value());
    ex.resolveTask(row);
    ex.recordOperation("resolve", t, taskId, comment, {row.task.owner});
    ex.notify(row.task.owner, "todo", taskId, row.task.name);
  });
}

void transferTask(command::Runner& run, Id taskId, const std::string& user, const std::string& to,
                  const std::string& comment) {
  if (to.empty()) throw Error(ErrorCode::invalid_argument, "transfer needs 'to', the new assignee");
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (!mayWorkOn(row.task, a)) forbid(user, "transfer task " + std::to_string(taskId));
    ex.assignTask(row, to);
    ex.recordOperation("transfer", ex.state().token(row.tokenId), taskId, comment, {to});
    ex.notify(to, "todo", taskId, row.task.name);
  });
}

namespace {
constexpr int kUrgesPerDay = 3;

// Refuses the urge of an open task: not the initiator, or urged kUrgesPerDay times this UTC day.
void checkUrge(command::Runner& run, store::Session& c, const Task& task, const Instance& inst,
               const std::string& user) {
  auto a = run.actor(c, user);
  if (inst.initiator != user && !a.admin) forbid(user, "urge a task of an instance they did not start");
  auto now = run.clock->nowMillis();
  auto dayStart = now - now % (24LL * 3600 * 1000);  // the UTC day: the count resets at midnight UTC
  if (c.countOperations(task.id, "urge", dayStart) >= kUrgesPerDay)
    throw Error(ErrorCode::limit_exceeded, "task " + std::to_string(task.id) + " was already urged " +
                                               std::to_string(kUrgesPerDay) + " times today");
}

void urgeRow(runtime::Execution& ex, runtime::TaskRow& row) {
  std::vector<std::string> whom;
  if (!row.task.assignee.empty())
    whom.push_back(row.task.assignee);
  else
    whom = row.task.candidateUsers;
  for (const auto& w : whom) ex.notify(w, "urge", row.task.id, row.task.name);
  ex.recordOperation("urge", ex.state().token(row.tokenId), row.task.id, {}, whom);
}
}  // namespace

void urgeTask(command::Runner& run, Id taskId, const std::string& user) {
  run.command([&](store::Session& c) {
    Id instanceId = 0;
    auto task = c.taskById(taskId, &instanceId);
    if (!task) throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
    if (task->state != Task::State::open)
      throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is already " + toString(task->state));
    checkUrge(run, c, *task, *c.instanceById(instanceId), user);
    run.onInstance(c, instanceId, user, [&](Execution& ex) { urgeRow(ex, taskRow(ex, taskId)); });
  });
}

void urgeInstance(command::Runner& run, Id instanceId, const std::string& user) {
  run.command([&](store::Session& c) {
    auto inst = c.instanceById(instanceId);
    if (!inst) throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    if (inst->state != Instance::State::running)
      throw Error(ErrorCode::wrong_state, "instance " + std::to_string(instanceId) + " is " + toString(inst->state) +
                                              ": only a running instance's tasks can be urged");
    TaskQuery q;
    q.instanceId = instanceId;
    auto open = c.queryTasks(q);
    if (open.empty())
      throw Error(ErrorCode::wrong_state, "instance " + std::to_string(instanceId) + " has no open task to urge");
    // Every task is checked before any message goes out: one over its limit urges none.
    for (const auto& t : open) checkUrge(run, c, t, *inst, user);
    run.onInstance(c, instanceId, user, [&](Execution& ex) {
      for (const auto& t : open) urgeRow(ex, taskRow(ex, t.id));
    });
  });
}

namespace {
// The initiator of the instance, or an admin.
void requireInitiator(command::Runner& impl, store::Session& c, const Instance& inst, const std::string& user,
                      const char* what) {
  if (inst.initiator == user) return;
  if (impl.actor(c, user).admin) return;
  forbid(user, std::string(what) + " instance " + std::to_string(inst.id) + ": only its initiator or an admin may");
}

// With a node: the instance must wait there, and the user must handle an open task there
// (or be an administrator, or the system); without one: its initiator or an administrator.
void requireInitiatorOrHandler(command::Runner& impl, store::Session& c, const Instance& inst, const std::string& user,
                               const std::string& atNode, const char* what) {
  if (atNode.empty()) return requireInitiator(impl, c, inst, user, what);
  TaskQuery open;
  open.instanceId = inst.id;
  open.elementId = atNode;
  auto tasks = c.queryTasks(open);
  if (tasks.empty())
    throw Error(ErrorCode::wrong_state,
                "instance " + std::to_string(inst.id) + " has no open task at node '" + atNode + "'", atNode);
  auto a = impl.actor(c, user);
  if (std::any_of(tasks.begin(), tasks.end(), [&](const Task& t) { return mayWorkOn(t, a); })) return;
  forbid(user, std::string(what) + " instance " + std::to_string(inst.id) + " at node '" + atNode +
                   "': not a handler of that node");
}

Instance existing(store::Session& c, Id id) {
  auto inst = c.instanceById(id);
  if (!inst) throw Error(ErrorCode::not_found, "instance " + std::to_string(id) + " not found");
  return *inst;
}
}  // namespace

Id entrust(command::Runner& run, const std::string& user, const std::string& to,
           const std::vector<std::string>& processes, std::int64_t validFrom, std::int64_t validUntil) {
  if (user.empty() || to.empty()) throw Error(ErrorCode::invalid_argument, "entrust needs the user and 'to'");
  if (user == to) throw Error(ErrorCode::invalid_argument, "a user cannot entrust their tasks to themselves");
  if (validFrom && validUntil && validUntil <= validFrom)
    throw Error(ErrorCode::invalid_argument, "the entrustment ends before it starts");
  return run.command([&](store::Session& c) {
    return c.addEntrustment(user, to, processes, validFrom, validUntil, run.clock->nowMillis());
  });
}

void cancelEntrust(command::Runner& run, const std::string& user, const std::string& to) {
  run.command([&](store::Session& c) {
    if (c.cancelEntrustments(user, to, run.clock->nowMillis()) == 0)
      throw Error(ErrorCode::not_found, "'" + user + "' has no entrustment to '" + to + "'");
  });
}

void acceptEntrustedTask(command::Runner& run, Id taskId, const std::string& user) {
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (row.task.delegation != "entrusted")
      throw Error(ErrorCode::wrong_state,
                  "task " + std::to_string(taskId) + " is not waiting for an entrustment to be accepted");
    if (row.task.assignee != user && !a.admin) forbid(user, "accept a task entrusted to '" + row.task.assignee + "'");
    ex.settleEntrustment(row, true);
    ex.recordOperation("acceptEntrust", ex.state().token(row.tokenId), taskId, {});
  });
}

void rejectEntrustedTask(command::Runner& run, Id taskId, const std::string& user, const std::string& comment) {
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (row.task.delegation != "entrusted")
      throw Error(ErrorCode::wrong_state,
                  "task " + std::to_string(taskId) + " is not waiting for an entrustment to be accepted");
    if (row.task.assignee != user && !a.admin) forbid(user, "reject a task entrusted to '" + row.task.assignee + "'");
    ex.settleEntrustment(row, false);
    ex.recordOperation("rejectEntrust", ex.state().token(row.tokenId), taskId, comment, {row.task.owner});
    ex.notify(row.task.owner, "todo", taskId, row.task.name);
  });
}

void terminateInstance(command::Runner& run, Id instanceId, const std::string& user, const std::string& reason,
                       const std::string& atNode) {
  run.command([&](store::Session& c) {
    auto inst = existing(c, instanceId);
    requireInitiatorOrHandler(run, c, inst, user, atNode, "terminate");
    run.onInstance(
        c, instanceId, user,
        [&](Execution& ex) {
          ex.recordOperation("terminate", nullptr, 0, reason);
          ex.endInstance(Instance::State::terminated, "instance_terminated", reason);
        },
        true);
  });
}

void invalidateInstance(command::Runner& run, Id instanceId, const std::string& user, const std::string& reason,
                        const std::string& atNode) {
  run.command([&](store::Session& c) {
    auto inst = existing(c, instanceId);
    requireInitiatorOrHandler(run, c, inst, user, atNode, "invalidate");
    run.onInstance(
        c, instanceId, user,
        [&](Execution& ex) {
          ex.recordOperation("invalidate", nullptr, 0, reason);
          ex.endInstance(Instance::State::invalidated, "instance_invalidated", reason);
        },
        true);
  });
}

namespace {
// Suspension reaches what the call activities started (and theirs): the call tree stops and goes on together.
void setCalledRunning(command::Runner& run, store::Session& c, Id parentId, const std::string& user, bool running) {
  InstanceQuery q;
  q.parentId = parentId;
  q.state = running ? Instance::State::suspended : Instance::State::running;
  for (const auto& child : c.queryInstances(q)) {
    run.onInstance(
        c, child.id, user,
        [&](Execution& ex) {
          ex.setRunning(running);
          ex.recordOperation(running ? "resume" : "suspend", nullptr, 0, "with its calling instance");
        },
        true);
    setCalledRunning(run, c, child.id, user, running);
  }
}
}  // namespace

void suspendInstance(command::Runner& run, Id instanceId, const std::string& user, const std::string& atNode) {
  run.command([&](store::Session& c) {
    auto inst = existing(c, instanceId);
    requireInitiatorOrHandler(run, c, inst, user, atNode, "suspend");
    run.onInstance(c, instanceId, user, [&](Execution& ex) {
      ex.setRunning(false);
      ex.recordOperation("suspend", nullptr, 0, {});
    });
    setCalledRunning(run, c, instanceId, user, false);
  });
}

void resumeInstance(command::Runner& run, Id instanceId, const std::string& user) {
  run.command([&](store::Session& c) {
    auto inst = existing(c, instanceId);
    requireInitiator(run, c, inst, user, "resume");
    if (inst.state != Instance::State::suspended)
      throw Error(ErrorCode::wrong_state,
                  "instance " + std::to_string(instanceId) + " is " + toString(inst.state) + ", not suspended");
    run.onInstance(
        c, instanceId, user,
        [&](Execution& ex) {
          ex.setRunning(true);
          ex.recordOperation("resume", nullptr, 0, {});
        },
        true);
    setCalledRunning(run, c, instanceId, user, true);
  });
}

void ccInstance(command::Runner& run, Id instanceId, const std::string& user, const std::vector<std::string>& users) {
  if (users.empty()) throw Error(ErrorCode::invalid_argument, "cc needs at least one user");
  run.command([&](store::Session& c) {
    auto inst = existing(c, instanceId);
    auto a = run.actor(c, user);
    bool allowed = inst.initiator == user || a.admin;
    if (!allowed) {
      TaskQuery open;
      open.instanceId = instanceId;
      open.limit = 10000;
      for (const auto& t : c.queryTasks(open)) allowed = allowed || mayWorkOn(t, a);
    }
    if (!allowed) forbid(user, "cc instance " + std::to_string(instanceId));
    run.onInstance(
        c, instanceId, user,
        [&](Execution& ex) {
          for (const auto& u : users) ex.notify(u, "cc", 0, inst.definitionKey);
          ex.recordOperation("cc", nullptr, 0, {}, users);
        },
        true);
  });
}

void addComment(command::Runner& run, Id instanceId, const std::string& user, const std::string& text) {
  if (text.empty()) throw Error(ErrorCode::invalid_argument, "a comment needs its text");
  run.command([&](store::Session& c) {
    auto inst = existing(c, instanceId);
    auto a = run.actor(c, user);
    bool allowed = a.admin || inst.initiator == user;
    if (!allowed) {
      TaskQuery all;
      all.instanceId = instanceId;
      all.includeFinished = true;
      for (const auto& t : c.queryTasks(all))
        allowed = allowed || mayWorkOn(t, a) || t.completedBy == user || t.owner == user;
    }
    if (!allowed) forbid(user, "comment on instance " + std::to_string(instanceId) + ": not one of its participants");
    run.onInstance(
        c, instanceId, user, [&](Execution& ex) { ex.recordOperation("comment", nullptr, 0, text); }, true);
  });
}

void skipTask(command::Runner& run, Id taskId, const std::string& user, const std::string& comment) {
  taskOperation(run, taskId, user, [&](Execution& ex, TaskRow& row, const command::Runner::Actor& a) {
    if (!a.admin) forbid(user, "skip a task: only an administrator may");
    ex.recordOperation("skip", ex.state().token(row.tokenId), taskId, comment);
    ex.completeTask(taskId, {}, user);
  });
}

void editVariables(command::Runner& run, Id instanceId, const std::string& user, const Variables& variables) {
  run.command([&](store::Session& c) {
    existing(c, instanceId);
    if (!run.actor(c, user).admin) forbid(user, "edit the form data: only an administrator may");
    run.onInstance(
        c, instanceId, user,
        [&](Execution& ex) {
          std::vector<std::string> names;
          for (const auto& kv : variables) names.emplace_back(kv.key());
          ex.recordOperation("edit", nullptr, 0, {}, names);
          ex.setVariables(variables);
        },
        true);
  });
}

void deleteInstance(command::Runner& run, Id instanceId, const std::string& user, bool keepHistory) {
  run.command([&](store::Session& c) {
    auto inst = existing(c, instanceId);
    requireInitiator(run, c, inst, user, "delete");
    // Called instances go with it.
    std::vector<Id> all{instanceId};
    for (std::size_t i = 0; i < all.size(); ++i)
      for (Id child : c.childInstances(all[i])) all.push_back(child);
    for (Id id : all) {
      if (keepHistory) {
        auto row = c.instanceById(id);
        bool live = row->state == Instance::State::running || row->state == Instance::State::suspended;
        if (live)
          run.onInstance(
              c, id, user,
              [&](Execution& ex) {
                ex.recordOperation("delete", nullptr, 0, {});
                ex.endInstance(Instance::State::deleted, "instance_deleted", {});
              },
              true);
        else
          c.markInstanceDeleted(id);
      }
      c.deleteInstanceRows(id, keepHistory);
    }
  });
}

std::vector<HistoryEntry> operations(command::Runner& run, Id instanceId) {
  auto all = run.read([&](store::Session& c) {
    if (!c.instanceById(instanceId))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    return c.historyOf(instanceId);
  });
  std::vector<HistoryEntry> out;
  for (auto& h : all)
    if (!h.action.empty()) out.push_back(std::move(h));
  return out;
}

// ---------------------------------------------------------------- identity

void saveUser(command::Runner& run, const User& u) {
  if (run.options.directory) throw Error(ErrorCode::wrong_state, "users live in the host's directory");
  if (u.id.empty()) throw Error(ErrorCode::invalid_argument, "a user needs an id");
  run.command([&](store::Session& c) { c.saveUser(u); });
}

void saveDepartment(command::Runner& run, const Department& d) {
  if (run.options.directory) throw Error(ErrorCode::wrong_state, "departments live in the host's directory");
  if (d.id.empty()) throw Error(ErrorCode::invalid_argument, "a department needs an id");
  run.command([&](store::Session& c) { c.saveDepartment(d); });
}

void saveRole(command::Runner& run, const std::string& id, const std::string& name) {
  if (run.options.directory) throw Error(ErrorCode::wrong_state, "roles live in the host's directory");
  if (id.empty()) throw Error(ErrorCode::invalid_argument, "a role needs an id");
  run.command([&](store::Session& c) { c.saveRole(id, name); });
}

std::optional<User> user(command::Runner& run, const std::string& id) {
  if (run.options.directory) return run.options.directory->user(id);
  return run.read([&](store::Session& c) { return c.userById(id); });
}

// ---------------------------------------------------------------- inbox and lists

std::vector<InboxMessage> inbox(command::Runner& run, const std::string& user, bool unreadOnly, int offset, int limit,
                                const std::string& type) {
  if (limit < 0 || offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return run.read([&](store::Session& c) { return c.inboxOf(user, unreadOnly, offset, limit, type); });
}

std::map<std::string, std::int64_t> inboxCounts(command::Runner& run, const std::string& user) {
  return run.read([&](store::Session& c) { return c.inboxCounts(user); });
}

void markRead(command::Runner& run, Id messageId, const std::string& user, bool read) {
  run.command([&](store::Session& c) {
    if (!c.markRead(messageId, user, read, run.clock->nowMillis()))
      throw Error(ErrorCode::not_found, "no message " + std::to_string(messageId) + " in the inbox of '" + user + "'");
  });
}

UserLists lists(command::Runner& run, const std::string& user) {
  return run.read([&](store::Session& c) {
    std::vector<std::string> roles;
    if (run.options.directory) {
      if (auto u = run.options.directory->user(user)) roles = u->roles;
    } else if (auto u = c.userById(user)) {
      roles = u->roles;
    }
    return c.listsOf(user, roles);
  });
}

}  // namespace ordo::approval
