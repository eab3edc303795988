// The approval pages: DescribeProcessInstance, GetApprovalPageDetail, GetProcessCanvasInfo,
// ListProcessInstances, ListProcessInstancesCount. Every flag comes from the engine's
// instanceDetail, whose allowedActions are the checks the operations make.
#include <algorithm>

#include "server/state.hpp"
#include "server/weda/common.hpp"

namespace ordo::server::weda {

namespace {

bool has(const std::vector<std::string>& l, const char* x) {
  return std::find(l.begin(), l.end(), x) != l.end();
}

const char* listType(const std::string& pageType) {
  if (pageType == "TODO") return "todo";
  if (pageType == "DONE") return "done";
  if (pageType == "CREATE") return "started";
  if (pageType == "CC") return "cc";
  return "drafts";
}

std::string pageTypeOf(const object& b, bool required) {
  auto p = required ? std::optional(reqString(b, "PageType")) : optString(b, "PageType");
  if (!p) return {};
  return oneOf(*p, {"TODO", "DONE", "CREATE", "CC", "DRAFT"}, "PageType");
}

// The cc message of `user` on the instance (its id and time), if any.
std::optional<InboxMessage> ccOf(Engine& e, const std::string& user, Id instance) {
  if (user.empty()) return std::nullopt;
  for (const auto& m : e.inbox(user, false, 0, 1 << 30, "cc"))
    if (m.instanceId == instance) return m;
  return std::nullopt;
}

// One ProcessInstance (DescribeProcessInstance's Data, ListProcessInstances' records), as `user` sees it;
// `task` is the list's task (todo, done), else 0.
object processInstance(const Act& a, const Instance& i, const std::string& user, const Task* task) {
  auto& e = a.engine();
  auto detail = e.instanceDetail(i.id, user.empty() ? i.initiator : user);
  const auto& acts = detail.allowedActions;
  bool asked = !user.empty();
  const Task* current = nullptr;
  for (const auto& t : detail.openTasks)
    if (!current || (t.assignee == user && current->assignee != user)) current = &t;
  Task shown;
  if (task && task->id)
    shown = *task;
  else if (current)
    shown = *current;
  else {
    TaskQuery q;
    q.instanceId = i.id;
    q.includeFinished = true;
    for (const auto& t : e.tasks(q))
      if (t.id > shown.id) shown = t;
  }
  auto cc = ccOf(e, user, i.id);
  auto flow = flowName(a, i);
  auto starter = nameOf(e, i.initiator);
  std::string approver =
      current ? (current->assignee.empty() && !current->candidateUsers.empty() ? current->candidateUsers.front()
                                                                               : current->assignee)
              : std::string();
  bool ended = instanceEnded(i);
  bool startNode = shown.id && isStartTask(e, i, shown);
  object o{{"InstanceId", idString(i.id)},
           {"Name", starter + "提交的" + flow},
           {"Description", ""},
           {"StartedBy", starter},
           {"StartUserId", i.initiator},
           {"CanRevoke", asked && has(acts, "withdraw")},
           {"CcTime", cc ? value(cc->createdAt) : value(nullptr)},
           {"CcId", cc ? value(idString(cc->id)) : value(nullptr)},
           {"CurrentApprover", approver},
           {"CurrentApprove", approver},
           {"CurrentApproverName", nameOf(e, approver)},
           {"StartTime", longOrNull(i.startedAt)},
           {"EndTime", ended ? longOrNull(i.endedAt) : value(nullptr)},
           {"IsCompleted", ended},
           {"CurrentNodeId", current ? current->elementId : std::string()},
           {"CurrentNodeName", current ? current->name : std::string()},
           {"CurrentNodeType", current ? value(17) : value(nullptr)},
           {"TaskId", idString(shown.id)},
           {"FlowCode", idString(i.definitionId)},
           {"FlowVersion", versionText(i.definitionVersion)},
           {"CanApprove", asked && has(acts, "complete")},
           {"CanDelete", asked && has(acts, "delete")},
           {"UserTaskType", 1},
           {"Status", ended ? value(instanceStatus(i)) : value(nullptr)},
           {"BeSubmitNode", startNode && isOpen(shown)}};
  // The example's record fields.
  if (shown.id) {
    auto now = e.clock().nowMillis();
    o["TaskStartTime"] = longOrNull(shown.createdAt);
    o["TaskDealTime"] = longOrNull(shown.endedAt);
    o["TaskWaitTime"] = (shown.endedAt ? shown.endedAt : now) - shown.createdAt;
    o["TaskDealResult"] = taskStatus(shown, i, startNode);
  }
  o["BeRead"] = !cc || cc->read;
  o["IsSupportBatchHandle"] = false;
  return o;
}

value describeProcessInstance(Act& a) {
  auto id = reqString(a.body, "FlowTaskId");
  auto page = pageTypeOf(a.body, true);
  auto user = userOf(a, "UserInfo", page == "CC");
  // A task id: a list record's TaskId (for CREATE, CC and DRAFT records the instance's current or latest task).
  Instance i;
  Task t = taskOf(a, id, "FlowTaskId", &i);
  if (page == "CC" && !ccOf(a.engine(), user, i.id))
    throw WedaError("ResourceNotFound", "FlowTaskId: instance " + idString(i.id) + " was not cc'd to '" + user + "'",
                    ErrorCode::not_found);
  return processInstance(a, i, user, t.id ? &t : nullptr);
}

// The instance's variables as WeDa's VariableInfos: objects in ObjectMap, lists of objects
// in ObjectListMap (also spelt ObejctListMap, as the table does), scalars in ObjectMap by name.
object variableInfos(Engine& e, Id instance) {
  array lists, objects;
  for (const auto& kv : e.variables(instance)) {
    std::string k(kv.key());
    if (kv.value().is_array())
      lists.push_back(object{
          {"EntityCode", k}, {"entityCode", k}, {"OutputKey", k}, {"RecordId", ""}, {"FieldValueMapList", kv.value()}});
    else if (kv.value().is_object())
      objects.push_back(object{
          {"EntityCode", k}, {"entityCode", k}, {"OutputKey", k}, {"RecordId", ""}, {"FieldValueMap", kv.value()}});
    else
      objects.push_back(object{{"EntityCode", k},
                               {"entityCode", k},
                               {"OutputKey", k},
                               {"RecordId", ""},
                               {"FieldValueMap", object{{k, kv.value()}}}});
  }
  return object{{"ObjectListMap", lists}, {"ObejctListMap", lists}, {"ObjectMap", objects}};
}

value getApprovalPageDetail(Act& a) {
  auto instanceId = reqString(a.body, "InstanceId");
  auto code = reqString(a.body, "FlowCode");
  auto node = reqString(a.body, "NodeId");
  auto completed = optBool(a.body, "IsCompleted").value_or(true);
  (void)completed;
  auto page = pageTypeOf(a.body, true);
  auto taskId = reqString(a.body, "TaskId");
  auto ccId = optString(a.body, "Id");
  auto asked = userOf(a, "UserInfo", false);
  auto i = instanceOf(a, instanceId, "InstanceId");
  if (code != idString(i.definitionId))
    throw WedaError("ResourceNotFound", "FlowCode: instance " + instanceId + " is not of flow " + code,
                    ErrorCode::not_found);
  Instance ti;
  auto t = taskOf(a, taskId, "TaskId", &ti);
  if (ti.id != i.id)
    throw WedaError("ResourceNotFound", "TaskId: task " + taskId + " is not of instance " + instanceId,
                    ErrorCode::not_found);
  if (t.elementId != node)
    throw WedaError("InvalidParameterValue",
                    "NodeId: task " + taskId + " is at '" + t.elementId + "', not '" + node + "'");
  // Who looks: the UserInfo when given (Ordo's addition), else the task's holder, else the initiator.
  std::string user = asked;
  if (user.empty())
    user = page == "CREATE" || page == "DRAFT" ? i.initiator : !t.completedBy.empty() ? t.completedBy : t.assignee;
  if (page == "CC") {
    auto cc = ccOf(a.engine(), user, i.id);
    if (!cc || (ccId && !ccId->empty() && *ccId != idString(cc->id)))
      throw WedaError("ResourceNotFound", "Id: no cc of instance " + instanceId + " to '" + user + "'",
                      ErrorCode::not_found);
  }
  auto detail = a.engine().instanceDetail(i.id, user);
  const auto& acts = detail.allowedActions;
  bool onThis = isOpen(t) && std::any_of(detail.openTasks.begin(), detail.openTasks.end(),
                                         [&](const Task& x) { return x.id == t.id; });
  bool mine = onThis && has(acts, "complete") && (t.assignee == user || t.assignee.empty());
  bool multi = false;
  if (mine) {
    // 加签 applies to a multi-instance node: more than one task of the node open or done at once.
    TaskQuery q;
    q.instanceId = i.id;
    q.elementId = t.elementId;
    q.includeFinished = true;
    multi = a.engine().countTasks(q) > 1;
  }
  bool rollBack = mine && !a.engine().returnableNodes(t.id).empty();
  return object{{"VariableInfos", variableInfos(a.engine(), i.id)},
                {"ShowSubmitApp", mine},
                {"ShowCarbonCopy", mine || (has(acts, "cc") && !instanceEnded(i))},
                {"ShowTurnToPerson", mine && has(acts, "transfer")},
                {"ShowAddAssignee", mine && multi},
                {"ShowRollBack", rollBack},
                {"ShowRevoke", has(acts, "withdraw")},
                {"OutEntityCodes", array()}};
}

int dataType(const std::string& kind) {
  if (kind == "startEvent") return 1;
  if (kind == "endEvent") return 13;
  if (kind == "userTask") return 17;
  if (kind == "exclusiveGateway") return 3;
  if (kind == "parallelGateway") return 4;
  if (kind == "inclusiveGateway") return 5;
  return 0;
}

int nodeStatus(const std::string& s) {
  return s == "done" ? 1 : s == "active" ? 3 : 2;
}

value getProcessCanvasInfo(Act& a) {
  auto id = reqString(a.body, "InstanceId");
  auto code = reqString(a.body, "FlowCode");
  auto i = instanceOf(a, id, "InstanceId");
  if (code != idString(i.definitionId))
    throw WedaError("ResourceNotFound", "FlowCode: instance " + id + " is not of flow " + code, ErrorCode::not_found);
  auto canvas = a.engine().canvas(i.id);
  array nodes, edges;
  int n = 0;
  for (const auto& node : canvas.nodes) {
    value conf = nullptr;
    if (node.kind == "userTask") {
      array list;
      for (const auto& p : node.processors) {
        bool start = p.taskId && isStartTask(a.engine(), i, a.engine().task(p.taskId));
        int status = p.action.empty() ? 0 : actionCode(p.action, start);
        list.push_back(object{{"Name", nameOf(a.engine(), p.user)},
                              {"UserId", p.user},
                              {"Status", status},
                              {"OpTime", longOrNull(p.at)},
                              {"Comment", p.comment},
                              {"NewProcessors", nameOf(a.engine(), p.to)}});
      }
      conf = list;
    }
    nodes.push_back(object{{"Id", ++n},
                           {"ElementId", node.id},
                           {"Name", node.name},
                           {"DataType", dataType(node.kind)},
                           {"Status", nodeStatus(node.status)},
                           {"Conf", conf},
                           {"visited", node.status != "notReached"}});
  }
  for (const auto& edge : canvas.edges)
    edges.push_back(object{{"Label", edge.name},
                           {"Type", 1},
                           {"Source", edge.source},
                           {"Target", edge.target},
                           {"Status", edge.status == "done" ? 1 : 2},
                           {"visited", edge.status == "done"}});
  return object{{"Nodes", nodes}, {"Edges", edges}};
}

value listProcessInstances(Act& a) {
  auto user = userOf(a, "UserInfo");
  auto page = pageTypeOf(a.body, true);
  auto p = paging(a.body);
  auto sort = oneOf(optString(a.body, "Sort").value_or("startTime"), {"startTime", "updateTime"}, "Sort");
  auto order = oneOf(optString(a.body, "Order").value_or("desc"), {"asc", "desc"}, "Order");
  ListQuery q;
  q.user = user;
  q.type = listType(page);
  q.tenant = a.client.tenant;
  q.limit = 0;
  auto items = a.engine().list(q);
  // updateTime: the latest of the task's and the instance's times; startTime: the instance's start.
  auto key = [&](const ListItem& it) {
    if (sort == "startTime") return std::pair(it.instance.startedAt, it.instance.id);
    std::int64_t t = std::max({it.instance.startedAt, it.instance.endedAt, it.task.createdAt, it.task.endedAt});
    return std::pair(t, it.task.id ? it.task.id : it.instance.id);
  };
  std::stable_sort(items.begin(), items.end(), [&](const ListItem& x, const ListItem& y) {
    return order == "asc" ? key(x) < key(y) : key(y) < key(x);
  });
  array records;
  for (const auto& it : pageOf(items, p)) records.push_back(processInstance(a, it.instance, user, &it.task));
  auto total = static_cast<std::int64_t>(items.size());
  auto pages = (total + p.size - 1) / p.size;
  return object{{"Records", records},           {"TotalCount", total}, {"PageSize", p.size},
                {"PageNumber", p.number},       {"Pages", pages},      {"FirstPage", p.number == 1},
                {"LastPage", p.number >= pages}};
}

value listProcessInstancesCount(Act& a) {
  auto user = userOf(a, "UserInfo");
  pageTypeOf(a.body, false);
  array counts;
  for (const char* page : {"TODO", "DONE", "CREATE", "CC", "DRAFT"}) {
    ListQuery q;
    q.user = user;
    q.type = listType(page);
    q.tenant = a.client.tenant;
    counts.push_back(object{{"Total", a.engine().count(q)}, {"PageType", page}});
  }
  return object{{"TotalCounts", counts}};
}

}  // namespace

void addPageRoutes(RouteTable& t, const DialectPtr& d) {
  action(t, d, "DescribeProcessInstance", "an instance as the asking user sees it", describeProcessInstance);
  action(t, d, "GetApprovalPageDetail", "the approval page: form data and the buttons to show", getApprovalPageDetail);
  action(t, d, "GetProcessCanvasInfo", "every node with its approvers' actions, and every edge", getProcessCanvasInfo);
  action(t, d, "ListProcessInstances", "a user's TODO, DONE, CREATE, CC or DRAFT list", listProcessInstances);
  action(t, d, "ListProcessInstancesCount", "how long each of a user's lists is", listProcessInstancesCount);
}

}  // namespace ordo::server::weda
