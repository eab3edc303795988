// The operations written on the move and change-a-multi-instance-body primitives:
// 退回 return, 驳回 reject, jump, 加签/减签, 撤回 withdraw; and drafts (草稿).
#include <algorithm>
#include <set>

#include "approval/common.hpp"

namespace ordo::approval {

namespace {

using runtime::Execution;
using runtime::TaskRow;
using namespace approval;

// The user tasks completed in this instance, in the order they were first completed.
std::vector<std::string> completedUserTasks(const std::vector<HistoryEntry>& history) {
  std::vector<std::string> out;
  for (const auto& h : history)
    if (h.kind == "task_completed" && !contains(out, h.elementId)) out.push_back(h.elementId);
  return out;
}

// The user who rejected or returned a task acted on it: it is in their done list.
void actedOn(TaskRow& row, const std::string& user) {
  row.task.completedBy = user;
  row.dirty = true;
}

}  // namespace

// Runs `f` on an open task the user may work on, inside one command.
template <class F>
static void workOnTask(command::Runner& impl, Id taskId, const std::string& user, const char* what, F&& f) {
  impl.command([&](store::Session& c) {
    Id instanceId = 0;
    auto task = openTask(c, taskId, instanceId);
    if (!mayWorkOn(task, impl.actor(c, user))) forbid(user, std::string(what) + " task " + std::to_string(taskId));
    impl.onInstance(c, instanceId, user, [&](Execution& ex) { f(c, ex, taskRow(ex, taskId)); });
  });
}

namespace {
void returnTo(command::Runner& impl, store::Session& c, Execution& ex, TaskRow& row, const std::string& target,
              const char* action, const std::string& comment) {
  const auto* node = ex.process().process->node(target);
  if (!node) throw Error(ErrorCode::not_found, "the process has no node '" + target + "'", target);
  auto done = completedUserTasks(c.historyOf(ex.state().row.id));
  if (node->kind != model::NodeKind::userTask || !contains(done, target))
    throw Error(ErrorCode::wrong_state, "'" + target + "' is not a completed user task of this instance", target);
  auto [scope, cancel] = ex.returnPlan(row.tokenId, *node);
  auto* t = ex.state().token(row.tokenId);
  ex.recordOperation(action, t, row.task.id, comment, {target});
  ex.moveTokens(cancel, scope, *node);
  (void)impl;
}
}  // namespace

void returnTask(command::Runner& run, Id taskId, const std::string& user, const std::string& target,
                const std::string& comment) {
  if (target.empty()) throw Error(ErrorCode::invalid_argument, "return needs a target node");
  workOnTask(run, taskId, user, "return", [&](store::Session& c, Execution& ex, TaskRow& row) {
    actedOn(row, user);
    returnTo(run, c, ex, row, target, "return", comment);
  });
}

void rejectTask(command::Runner& run, Id taskId, const std::string& user, const std::string& target,
                const std::string& comment) {
  workOnTask(run, taskId, user, "reject", [&](store::Session& c, Execution& ex, TaskRow& row) {
    actedOn(row, user);
    std::string to = target;
    if (to.empty())
      if (const auto* n = ex.process().process->node(row.task.elementId))
        if (auto it = n->extensions.find("rejectTarget"); it != n->extensions.end()) to = it->second;
    if (!to.empty()) {
      returnTo(run, c, ex, row, to, "reject", comment);
      return;
    }
    ex.recordOperation("reject", ex.state().token(row.tokenId), taskId, comment);
    ex.endInstance(Instance::State::rejected, "instance_rejected", comment);
    ex.notify(ex.state().row.initiator, "ended", 0, "rejected");
  });
}

std::vector<std::string> returnableNodes(command::Runner& run, Id taskId) {
  return run.read([&](store::Session& c) {
    Id instanceId = 0;
    auto task = c.taskById(taskId, &instanceId);
    if (!task) throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
    if (task->state != Task::State::open) return std::vector<std::string>{};
    runtime::InstanceState st;
    c.loadInstance(instanceId, st);
    auto dp = run.deployed(c, st.row.definitionId);
    // A dry run: plans are made on a copy that is never saved.
    struct NoIds : runtime::IdSource {
      Id next(const char*) override { return 0; }
    } ids;
    Execution ex(st, *dp, *run.clock, ids, run);
    Id token = 0;
    for (const auto& r : st.tasks)
      if (r.task.id == taskId) token = r.tokenId;
    std::vector<std::string> out;
    for (const auto& id : completedUserTasks(c.historyOf(instanceId))) {
      const auto* n = dp->process->node(id);
      if (!n || id == task->elementId) continue;
      try {
        ex.returnPlan(token, *n);
        out.push_back(id);
      } catch (const Error&) {
        // not upstream of the task, or in a scope the task is not in
      }
    }
    return out;
  });
}

SignerPosition signerPosition(const std::string& text) {
  if (text == "parallel") return SignerPosition::parallel;
  if (text == "before") return SignerPosition::before;
  if (text == "after") return SignerPosition::after;
  throw Error(ErrorCode::invalid_argument, "position must be parallel, before or after, not '" + text + "'");
}

void addSigners(command::Runner& run, Id taskId, const std::string& user, const std::vector<std::string>& users,
                SignerPosition position) {
  if (users.empty()) throw Error(ErrorCode::invalid_argument, "addSigners needs at least one user");
  workOnTask(run, taskId, user, "add signers to", [&](store::Session&, Execution& ex, TaskRow& row) {
    std::vector<boost::json::value> items(users.begin(), users.end());
    ex.recordOperation("addSigners", ex.state().token(row.tokenId), taskId, {}, users);
    ex.addToMultiInstance(row.tokenId, items, position == SignerPosition::before);
  });
}

void removeSigners(command::Runner& run, Id taskId, const std::string& user, const std::vector<std::string>& users) {
  if (users.empty()) throw Error(ErrorCode::invalid_argument, "removeSigners needs at least one user");
  workOnTask(run, taskId, user, "remove signers from", [&](store::Session&, Execution& ex, TaskRow& row) {
    std::vector<boost::json::value> items(users.begin(), users.end());
    ex.recordOperation("removeSigners", ex.state().token(row.tokenId), taskId, {}, users);
    if (ex.removeFromMultiInstance(row.tokenId, items) == 0)
      throw Error(ErrorCode::not_found,
                  "none of these users is a signer of task " + std::to_string(taskId) + " still to act");
  });
}

void jump(command::Runner& run, Id instanceId, const std::string& user, const std::string& target) {
  run.command([&](store::Session& c) {
    if (!run.actor(c, user).admin) forbid(user, "jump: only an administrator may");
    run.onInstance(c, instanceId, user, [&](Execution& ex) {
      const auto* node = ex.process().process->node(target);
      if (!node) throw Error(ErrorCode::not_found, "the process has no node '" + target + "'", target);
      // The scope token of the target: the process, or a subprocess that is active now.
      runtime::Token* scope = nullptr;
      if (node->scope == &ex.process().process->scope) {
        scope = &ex.state().rootToken();
      } else {
        for (auto& [id, t] : ex.state().tokens)
          if (!t.removed && t.parent != 0 && t.state == runtime::TokenState::scope &&
              ex.node(t).inner.get() == node->scope)
            scope = &t;
      }
      if (!scope)
        throw Error(ErrorCode::wrong_state, "'" + target + "' lies in a subprocess that is not active", target);
      std::vector<Id> cancel;
      for (auto* child : ex.state().children(scope->id)) cancel.push_back(child->id);
      ex.recordOperation("jump", nullptr, 0, {}, {target});
      ex.moveTokens(cancel, scope->id, *node);
    });
  });
}

namespace {
const std::set<std::string> kWithdrawActs = {"complete", "reject",   "return",     "claim",        "delegate",
                                             "resolve",  "transfer", "addSigners", "removeSigners"};

// What withdraw would take back, or why it refuses (thrown): the one check both withdraw and
// mayWithdraw (the flag an approval page shows) make. Returns the node an approver takes back
// its completion of, or "" for the initiator's withdraw.
std::string withdrawTarget(command::Runner& run, store::Session& c, const Instance& inst, const std::string& user) {
  if (inst.state != Instance::State::running)
    throw Error(ErrorCode::wrong_state, "instance " + std::to_string(inst.id) + " is " + toString(inst.state) +
                                            ": only a running instance can be withdrawn");
  auto history = c.historyOf(inst.id);
  std::vector<const HistoryEntry*> acts;
  for (const auto& h : history)
    if (kWithdrawActs.count(h.action)) acts.push_back(&h);
  if (user == inst.initiator) {
    for (const auto* a : acts)
      if (a->actor != user)
        throw Error(ErrorCode::wrong_state, "'" + a->actor + "' has already acted on instance " +
                                                std::to_string(inst.id) + ": it can no longer be withdrawn");
    return {};
  }
  // An approver takes back their own completion, if it was the last act and nobody acted after it.
  if (acts.empty() || acts.back()->action != "complete" || acts.back()->actor != user)
    throw Error(ErrorCode::wrong_state, "user '" + user + "' has nothing to withdraw on instance " +
                                            std::to_string(inst.id) +
                                            ": the next step has already acted, or they did not act last");
  const std::string target = acts.back()->elementId;
  auto dp = run.deployed(c, inst.definitionId);
  // A node may forbid taking its completion back (ordo:withdrawable="false").
  if (const auto* n = dp->process->node(target))
    if (auto it = n->extensions.find("withdrawable"); it != n->extensions.end() && it->second == "false")
      throw Error(ErrorCode::forbidden, "'" + target + "' does not allow withdrawing a completion", target);
  TaskQuery open;
  open.instanceId = inst.id;
  bool next = false;
  for (const auto& t : c.queryTasks(open)) next = next || t.createdAt >= acts.back()->at;
  if (!next) throw Error(ErrorCode::wrong_state, "nothing follows the completion of '" + target + "' to take back");
  return target;
}
}  // namespace

bool mayWithdraw(command::Runner& run, Id instanceId, const std::string& user) {
  return run.read([&](store::Session& c) {
    auto inst = c.instanceById(instanceId);
    if (!inst) throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    try {
      withdrawTarget(run, c, *inst, user);
      return true;
    } catch (const Error&) {
      return false;
    }
  });
}

void withdraw(command::Runner& run, Id instanceId, const std::string& user) {
  run.command([&](store::Session& c) {
    auto inst = c.instanceById(instanceId);
    if (!inst) throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    const std::string target = withdrawTarget(run, c, *inst, user);
    if (user == inst->initiator) {
      run.onInstance(c, instanceId, user, [&](Execution& ex) {
        ex.recordOperation("withdraw", nullptr, 0, {});
        // Back to the first user task if it is the initiator's own (filling in the form);
        // a model that starts with an approval goes back to a draft.
        const auto& scope = ex.process().process->scope;
        const model::FlowNode* first = nullptr;
        auto queue = scope.noneStarts();
        std::set<const model::FlowNode*> seen(queue.begin(), queue.end());
        for (std::size_t i = 0; i < queue.size() && !first; ++i) {
          if (queue[i]->kind == model::NodeKind::userTask) first = queue[i];
          for (const auto* f : queue[i]->outgoing)
            if (seen.insert(f->target).second) queue.push_back(f->target);
        }
        auto& root = ex.state().rootToken();
        bool own = false;
        if (first && !first->human.assignee.empty()) {
          auto who = ex.evaluate(root, first->human.assignee, first->id);
          own = who.is_string() && who.as_string() == user;
        }
        if (own) {
          std::vector<Id> cancel;
          for (auto* child : ex.state().children(root.id)) cancel.push_back(child->id);
          ex.moveTokens(cancel, root.id, *first);
        } else {
          ex.endInstance(Instance::State::draft, "instance_withdrawn", {});
        }
      });
      return;
    }
    std::int64_t actedAt = 0;
    for (const auto& h : c.historyOf(instanceId))
      if (kWithdrawActs.count(h.action)) actedAt = h.at;
    run.onInstance(c, instanceId, user, [&](Execution& ex) {
      TaskRow* next = nullptr;
      for (auto& r : ex.state().tasks)
        if (r.task.state == Task::State::open && r.task.createdAt >= actedAt) next = &r;
      if (!next) throw Error(ErrorCode::wrong_state, "nothing follows the completion of '" + target + "' to take back");
      returnTo(run, c, ex, *next, target, "withdraw", {});
    });
  });
}

Instance saveDraft(command::Runner& run, const StartRequest& request) {
  if (request.initiator.empty()) throw Error(ErrorCode::invalid_argument, "a draft needs its initiator");
  return run.command([&](store::Session& c) {
    auto def = request.definitionId ? c.definitionById(request.definitionId) : c.latestDefinition(request.key);
    if (!def) throw Error(ErrorCode::not_found, "no definition '" + request.key + "' is deployed");
    auto dp = run.deployed(c, def->id);
    return run.onNewInstance(c, *dp, run.newInstance(*dp, request.businessKey, request.initiator, request.tenant),
                             request.initiator, [&](Execution& ex) { ex.saveDraft(request.variables); });
  });
}

Instance submitDraft(command::Runner& run, Id instanceId, const std::string& user, const Variables& variables) {
  return run.command([&](store::Session& c) {
    runtime::InstanceState st;
    if (!c.loadInstance(instanceId, st))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    if (st.row.state != Instance::State::draft)
      throw Error(ErrorCode::wrong_state,
                  "instance " + std::to_string(instanceId) + " is " + toString(st.row.state) + ", not a draft");
    if (st.row.initiator != user && !run.actor(c, user).admin) forbid(user, "submit a draft they did not save");
    auto dp = run.deployed(c, st.row.definitionId);
    runtime::Execution ex(st, *dp, *run.clock, run.cx().ids, run);
    ex.actor = user;
    ex.submitDraft(variables);
    run.save(c, st);
    run.collect(ex, st);
    return command::toInstance(st.row);
  });
}

}  // namespace ordo::approval
