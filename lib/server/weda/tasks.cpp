// Task and instance operations: CompleteTask, SubmitFlowTaskList, PressTask, Revoke,
// AddCounterSignAssignee, GetPreElementList, RollBack.
#include <algorithm>

#include "server/state.hpp"
#include "server/weda/common.hpp"

namespace ordo::server::weda {

namespace {

Variables pageParams(const object& b) {
  Variables out;
  const object* params = optObject(b, "PageParams");
  if (!params) return out;
  for (const auto& kv : *params) {
    std::string field = "PageParams." + std::string(kv.key());
    if (!kv.value().is_object())
      throw WedaError("InvalidParameter", "parameter '" + field + "' must be an object {Type, Value}");
    const auto& info = kv.value().as_object();
    if (const value* t = info.if_contains("Type"); t && !t->is_null() && !t->is_string())
      throw WedaError("InvalidParameter", "parameter '" + field + ".Type' must be a string");
    const value* v = info.if_contains("Value");
    out[kv.key()] = v ? *v : value(nullptr);
  }
  return out;
}

value completeTask(Act& a) {
  auto id = reqString(a.body, "TaskId");
  auto button = oneOf(reqInt(a.body, "ButtonAction"), {1, 2, 3, 4}, "ButtonAction");
  auto comment = optString(a.body, "Comment").value_or("");
  auto vars = pageParams(a.body);
  auto user = userOf(a, "Approver");
  auto to = userOf(a, "TurnToUser", false);
  auto ccs = optStrings(a.body, "CcUserIds").value_or(std::vector<std::string>{});
  if (button == 4 && to.empty())
    throw WedaError("MissingParameter", "the required parameter 'TurnToUser' is missing (ButtonAction 4 transfers)");
  for (const auto& u : ccs) {
    auto cu = a.engine().user(u);
    if (!cu || cu->tenant != a.client.tenant)
      throw WedaError("ResourceNotFound", "CcUserIds: no user '" + u + "'", ErrorCode::not_found);
  }
  Instance i;
  auto t = taskOf(a, id, "TaskId", &i);
  auto actor = actorFor(a, user);
  // A draft (the initiator revoked an instance that starts with an approval): submit starts it again.
  if (isDraft(i)) {
    if (button != 1)
      throw WedaError("FailedOperation",
                      "TaskId: instance " + idString(i.id) + " is a draft: submit it (ButtonAction 1)",
                      ErrorCode::wrong_state);
    a.engine().submitDraft(i.id, actor, vars);
    return object{{"ToBeSubmittedFlowTaskFlag", false},
                  {"ToBeSubmittedFlowTaskInfo", array()},
                  {"OpenPageFlag", false},
                  {"ClosePageFlag", true},
                  {"RefreshPageFlag", true}};
  }
  // Checked before the cc so that a refused completion sends no cc either.
  if (!isOpen(t))
    throw WedaError("FailedOperation", "TaskId: task " + id + " is already " + toString(t.state), ErrorCode::wrong_state);
  auto u = a.engine().user(user);
  auto has = [](const std::vector<std::string>& l, const std::string& x) {
    return std::find(l.begin(), l.end(), x) != l.end();
  };
  bool holds = t.assignee == user || (u && has(u->roles, "admin")) ||
               (t.assignee.empty() && (has(t.candidateUsers, user) ||
                                       std::any_of(t.candidateGroups.begin(), t.candidateGroups.end(),
                                                   [&](const std::string& g) { return u && has(u->roles, g); })));
  if (!holds)
    throw WedaError("UnauthorizedOperation", "Approver: user '" + user + "' may not act on task " + id,
                    ErrorCode::forbidden);
  if (!ccs.empty()) a.engine().ccInstance(i.id, actor, ccs);
  array waiting;
  switch (button) {
    case 1:
    case 2:
      // The next node may let this approver choose its approvers: the completion then waits
      // for SubmitFlowTaskList with the chosen WaitFlowTaskIds.
      for (const auto& ch : a.engine().completeOrChoose(t.id, actor, vars, comment))
        waiting.push_back(object{{"Assignee", ch.user},
                                 {"AssigneeName", nameOf(a.engine(), ch.user)},
                                 {"WaitFlowTaskId", idString(ch.id)},
                                 {"ElementId", ch.node}});
      break;
    case 3: a.engine().rejectTask(t.id, actor, {}, comment); break;
    case 4: a.engine().transferTask(t.id, actor, to, comment); break;
  }
  return object{{"ToBeSubmittedFlowTaskFlag", !waiting.empty()},
                {"ToBeSubmittedFlowTaskInfo", waiting},
                {"OpenPageFlag", false},
                {"ClosePageFlag", true},
                {"RefreshPageFlag", true}};
}

value submitFlowTaskList(Act& a) {
  auto ids = reqStrings(a.body, "FlowTaskIds");
  std::vector<Id> choices;
  for (const auto& id : ids) {
    choices.push_back(parseId(id, "FlowTaskIds"));
    // Only choices of this client's tenant: the task of each must be visible.
    Id task = 0;
    try {
      task = a.engine().approverChoice(choices.back()).taskId;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::not_found) throw;
      throw WedaError("ResourceNotFound", "FlowTaskIds: no task waits to be submitted as '" + id + "'",
                      ErrorCode::not_found);
    }
    try {
      taskOf(a, idString(task), "FlowTaskIds");
    } catch (const WedaError&) {
      throw WedaError("ResourceNotFound", "FlowTaskIds: no task waits to be submitted as '" + id + "'",
                      ErrorCode::not_found);
    }
  }
  try {
    a.engine().submitChoices(choices);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::not_found && std::string(e.what()).rfind("choice", 0) == 0)
      throw WedaError("ResourceNotFound", std::string("FlowTaskIds: ") + e.what(), ErrorCode::not_found);
    if (e.code() == ErrorCode::invalid_argument)
      throw WedaError("InvalidParameterValue", std::string("FlowTaskIds: ") + e.what());
    throw;
  }
  return object{{"Result", true}};
}

value pressTask(Act& a) {
  auto id = reqString(a.body, "InstanceId");
  auto i = instanceOf(a, id, "InstanceId");
  a.engine().urgeInstance(i.id, actorFor(a, i.initiator));
  return object{{"Result", true}};
}

value revoke(Act& a) {
  auto id = reqString(a.body, "TaskId");
  auto user = userOf(a, "Revoker");
  std::optional<std::int64_t> type = optInt(a.body, "RevokerType");
  if (!type) type = optInt(a.body, "RevokeType");  // the document's example spells it so
  if (!type) throw WedaError("MissingParameter", "the required parameter 'RevokerType' is missing");
  oneOf(*type, {1, 2}, a.body.contains("RevokerType") ? "RevokerType" : "RevokeType");
  Instance i;
  taskOf(a, id, "TaskId", &i);
  if (*type == 2 && user != i.initiator)
    throw WedaError("UnauthorizedOperation",
                    "Revoker: RevokerType 2 revokes as the initiator, and user '" + user + "' did not start instance " +
                        idString(i.id),
                    ErrorCode::forbidden);
  if (*type == 1 && user == i.initiator)
    throw WedaError("FailedOperation",
                    "RevokerType: user '" + user + "' started the instance: revoke with RevokerType 2",
                    ErrorCode::wrong_state);
  a.engine().withdraw(i.id, actorFor(a, user));
  return object{{"Result", true}};
}

value addCounterSignAssignee(Act& a) {
  auto id = reqString(a.body, "TaskId");
  auto user = userOf(a, "Approver");
  auto users = reqStrings(a.body, "AssigneeIds");
  for (const auto& u : users) {
    auto au = a.engine().user(u);
    if (!au || au->tenant != a.client.tenant)
      throw WedaError("ResourceNotFound", "AssigneeIds: no user '" + u + "'", ErrorCode::not_found);
  }
  auto t = taskOf(a, id, "TaskId");
  a.engine().addSigners(t.id, actorFor(a, user), users, SignerPosition::parallel);
  return object{{"Result", true}};
}

// The instance's open task the previous nodes are computed from: the first one.
std::optional<Task> firstOpenTask(Engine& e, Id instance) {
  TaskQuery q;
  q.instanceId = instance;
  auto open = e.tasks(q);
  if (open.empty()) return std::nullopt;
  return *std::min_element(open.begin(), open.end(), [](const Task& x, const Task& y) { return x.id < y.id; });
}

value getPreElementList(Act& a) {
  auto id = reqString(a.body, "InstanceId");
  auto i = instanceOf(a, id, "InstanceId");
  array list;
  auto open = firstOpenTask(a.engine(), i.id);
  if (!open) return object{{"ElementInfoList", list}};
  TaskQuery q;
  q.instanceId = i.id;
  q.includeFinished = true;
  auto all = a.engine().tasks(q);
  std::sort(all.begin(), all.end(), [](const Task& x, const Task& y) { return x.id < y.id; });
  struct Node {
    std::string id, name;
    Id task = 0;
    std::int64_t at = 0;
  };
  std::vector<Node> nodes;
  for (const auto& element : a.engine().returnableNodes(open->id)) {
    Node n{element, element, 0, 0};
    for (const auto& t : all)
      if (t.elementId == element && isCompleted(t) && t.id > n.task) {
        n.task = t.id;
        n.name = t.name;
        n.at = t.endedAt;
      }
    nodes.push_back(n);
  }
  std::sort(nodes.begin(), nodes.end(), [](const Node& x, const Node& y) { return x.task > y.task; });
  bool firstOne = true;
  for (const auto& n : nodes) {
    bool start = !all.empty() && all.front().elementId == n.id && all.front().assignee == i.initiator;
    list.push_back(object{{"ElementId", n.id},
                          {"ElementName", n.name},
                          {"ActTaskId", idString(n.task)},
                          {"ApproveType", start ? 1 : 2},
                          {"LastNode", firstOne}});
    firstOne = false;
  }
  return object{{"ElementInfoList", list}};
}

value rollBack(Act& a) {
  auto user = userOf(a, "UserInfo");
  auto id = reqString(a.body, "TaskId");
  auto target = reqString(a.body, "TargetNodeId");
  auto targetTask = reqString(a.body, "TargetActTaskId");
  Instance i;
  auto t = taskOf(a, id, "TaskId", &i);
  auto tt = taskOf(a, targetTask, "TargetActTaskId");
  if (tt.instanceId != i.id || tt.elementId != target)
    throw WedaError("InvalidParameterValue",
                    "TargetActTaskId: task " + targetTask + " is not a task of node '" + target + "' of this instance");
  a.engine().returnTask(t.id, actorFor(a, user), target, optString(a.body, "Comment").value_or(""));
  return object{{"Result", true}};
}

}  // namespace

void addTaskRoutes(RouteTable& t, const DialectPtr& d) {
  action(t, d, "CompleteTask", "submit, approve, reject or transfer a task (with cc)", completeTask);
  action(t, d, "SubmitFlowTaskList", "create the next approvers' tasks the previous approver chose",
         submitFlowTaskList);
  action(t, d, "PressTask", "urge every open task of an instance (as its initiator)", pressTask);
  action(t, d, "Revoke", "revoke: the initiator while nobody acted, an approver while the next step did not", revoke);
  action(t, d, "AddCounterSignAssignee", "add signers beside the others (加签)", addCounterSignAssignee);
  action(t, d, "GetPreElementList", "the nodes the instance can be rolled back to", getPreElementList);
  action(t, d, "RollBack", "roll back to an earlier node", rollBack);
}

}  // namespace ordo::server::weda
