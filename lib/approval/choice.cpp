// 上一节点指定审批人 in two phases: a completion whose next node lets the previous approver choose
// waits with one choice per candidate; submitting some of them completes the task with those
// candidates as the next node's approvers (ordoNextApprovers).
#include <boost/json.hpp>
#include <set>

#include "approval/common.hpp"
#include "approval/service.hpp"

namespace ordo::approval {

namespace {

// The user tasks with ordo:assigneeRule="chosen" that follow `from` (through gateways).
std::vector<const model::FlowNode*> chosenSuccessors(const model::FlowNode& from) {
  std::vector<const model::FlowNode*> out, queue;
  std::set<const model::FlowNode*> seen{&from};
  for (const auto* f : from.outgoing) queue.push_back(f->target);
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const auto* n = queue[i];
    if (!n || !seen.insert(n).second) continue;
    if (n->kind == model::NodeKind::userTask) {
      if (auto it = n->extensions.find("assigneeRule"); it != n->extensions.end() && it->second == "chosen")
        out.push_back(n);
    } else if (model::isGateway(n->kind)) {
      for (const auto* f : n->outgoing) queue.push_back(f->target);
    }
  }
  return out;
}

std::vector<std::string> splitUsers(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    auto part = s.substr(i, j - i);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) out.push_back(part);
    i = j + 1;
  }
  return out;
}

// The open task `user` may complete now (the checks of completeTask).
Task completableTask(command::Runner& run, store::Session& c, Id taskId, const std::string& user, Id& instanceId) {
  auto task = openTask(c, taskId, instanceId);
  if (task.delegation == "pending")
    throw Error(ErrorCode::wrong_state,
                "task " + std::to_string(taskId) + " is delegated to '" + task.assignee + "': the delegate resolves it",
                task.elementId);
  if (task.assignee != user && !mayWorkOn(task, run.actor(c, user)))
    forbid(user, "complete task " + std::to_string(taskId) + " ('" + task.elementId + "')");
  return task;
}

}  // namespace

std::vector<ApproverChoice> completeOrChoose(command::Runner& run, Id taskId, const std::string& user,
                                             const Variables& variables, const std::string& comment) {
  if (user.empty()) throw Error(ErrorCode::invalid_argument, "completeOrChoose needs the acting user");
  std::vector<ApproverChoice> out;
  run.command([&](store::Session& c) {
    Id instanceId = 0;
    auto task = completableTask(run, c, taskId, user, instanceId);
    auto inst = c.instanceById(instanceId);
    auto dp = run.deployed(c, inst->definitionId);
    const auto* node = dp->process->node(task.elementId);
    const boost::json::object* named = nullptr;
    if (const auto* v = variables.if_contains("ordoNextApprovers"); v && v->is_object()) named = &v->as_object();
    std::vector<const model::FlowNode*> open;
    if (node)
      for (const auto* n : chosenSuccessors(*node))
        if (!named || !named->contains(n->id)) open.push_back(n);
    if (open.empty()) {
      run.onInstance(c, instanceId, user,
                     [&](runtime::Execution& ex) { ex.completeTask(taskId, variables, user, comment, true); });
      return;
    }
    c.deletePendingChoices(taskId);
    auto now = run.clock->nowMillis();
    for (const auto* n : open) {
      auto from = n->extensions.find("chooseFrom");
      auto candidates = from == n->extensions.end() ? std::vector<std::string>{} : splitUsers(from->second);
      if (candidates.empty())
        throw Error(ErrorCode::wrong_state,
                    "'" + n->id + "' lets the previous approver choose, but names no candidates (ordo:chooseFrom)",
                    n->id);
      for (const auto& u : candidates) {
        store::PendingChoice p{{run.cx().ids.next("pending_choices"), taskId, n->id, u},
                               user,
                               boost::json::serialize(variables),
                               comment,
                               now};
        c.addPendingChoice(p);
        out.push_back(p.choice);
      }
    }
  });
  return out;
}

void submitChoices(command::Runner& run, const std::vector<Id>& choiceIds) {
  if (choiceIds.empty()) throw Error(ErrorCode::invalid_argument, "submitChoices needs at least one choice");
  run.command([&](store::Session& c) {
    std::vector<store::PendingChoice> chosen;
    for (Id id : choiceIds) {
      auto p = c.pendingChoice(id);
      if (!p) throw Error(ErrorCode::not_found, "choice " + std::to_string(id) + " not found");
      if (!chosen.empty() && p->choice.taskId != chosen.front().choice.taskId)
        throw Error(ErrorCode::invalid_argument, "choices " + std::to_string(chosen.front().choice.id) + " and " +
                                                     std::to_string(id) + " are of different tasks");
      chosen.push_back(*p);
    }
    const auto& first = chosen.front();
    Id taskId = first.choice.taskId, instanceId = 0;
    completableTask(run, c, taskId, first.user, instanceId);
    auto variables = boost::json::parse(first.variables).as_object();
    boost::json::object next;
    if (const auto* v = variables.if_contains("ordoNextApprovers"); v && v->is_object()) next = v->as_object();
    for (const auto& p : chosen) {
      auto& list = next[p.choice.node];
      if (!list.is_array()) list = boost::json::array();
      bool dup = false;
      for (const auto& x : list.as_array()) dup = dup || (x.is_string() && x.as_string() == p.choice.user);
      if (!dup) list.as_array().push_back(boost::json::value(p.choice.user));
    }
    variables["ordoNextApprovers"] = next;
    c.deletePendingChoices(taskId);
    run.onInstance(c, instanceId, first.user, [&](runtime::Execution& ex) {
      ex.completeTask(taskId, variables, first.user, first.comment, true);
    });
  });
}

ApproverChoice approverChoice(command::Runner& run, Id choiceId) {
  return run.read([&](store::Session& c) {
    auto p = c.pendingChoice(choiceId);
    if (!p) throw Error(ErrorCode::not_found, "choice " + std::to_string(choiceId) + " not found");
    return p->choice;
  });
}

}  // namespace ordo::approval
