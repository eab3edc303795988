// Definitions and instances: ListDeployedFlows, StartFlow, StopFlow, GetFlowInstances,
// GetFlowInstanceTasks, GetFlowInstanceOperations (and Ordo's PublishFlow).
#include <algorithm>
#include <cstdlib>

#include "server/state.hpp"
#include "server/weda/common.hpp"

namespace ordo::server::weda {

namespace {

bool hasUserTask(Engine& e, Id definition) {
  auto xml = e.definitionXml(definition);
  return xml.find("userTask") != std::string::npos;
}

value listDeployedFlows(Act& a) {
  auto type = oneOf(reqInt(a.body, "Type"), {1, 2}, "Type");
  array set;
  auto catalog = a.call.state.definitions();
  for (const auto& [d, origin] : catalog->all) {
    if (origin.deleted || (!origin.tenant.empty() && origin.tenant != a.client.tenant)) continue;
    bool published = d.publication == Definition::Publication::published;
    if (a.prod && !published) continue;
    if ((type == 2) != hasUserTask(a.engine(), d.id)) continue;
    auto form = a.engine().startForm(d.key);
    set.push_back(object{{"FlowCode", idString(d.id)},
                         {"ProcessKey", d.key},
                         {"Published", published},
                         {"Version", versionText(d.version)},
                         {"Name", d.name.empty() ? d.key : d.name},
                         {"Description", ""},
                         {"BeginElementType", form.first.empty() ? 0 : 1}});
  }
  return object{{"TotalCount", set.size()}, {"FlowSet", set}};
}

// FlowCode, ProcessKey and FlowVersion name one definition the envType serves.
Definition flowOf(Act& a) {
  auto code = reqString(a.body, "FlowCode");
  auto version = reqString(a.body, "FlowVersion");
  auto key = reqString(a.body, "ProcessKey");
  auto d = definitionOf(a, code, "FlowCode");
  if (d.key != key)
    throw WedaError("ResourceNotFound", "FlowCode: flow " + code + " is not of ProcessKey '" + key + "'",
                    ErrorCode::not_found);
  if (version != versionText(d.version) && version != std::to_string(d.version))
    throw WedaError("InvalidParameterValue",
                    "FlowVersion: flow " + code + " is version " + versionText(d.version) + ", not " + version);
  if (a.prod && d.publication != Definition::Publication::published)
    throw WedaError("ResourceNotFound", "FlowCode: flow " + code + " is not published (envType prod)",
                    ErrorCode::not_found);
  return d;
}

value startFlow(Act& a) {
  auto d = flowOf(a);
  const object* params = optObject(a.body, "StartParams");
  auto user = userOf(a, "StartUser");
  StartRequest req;
  req.definitionId = d.id;
  if (params) req.variables = *params;
  req.initiator = user;
  req.tenant = a.client.tenant;
  auto i = a.engine().start(req);
  std::string own;
  TaskQuery q;
  q.instanceId = i.id;
  q.assignee = user;
  for (const auto& t : a.engine().tasks(q)) own = idString(t.id);
  return object{{"FlowInstanceId", idString(i.id)}, {"TaskId", own}};
}

value stopFlow(Act& a) {
  auto id = reqString(a.body, "InstanceId");
  auto reason = optString(a.body, "DeleteReason").value_or("");
  auto user = userOf(a, "Operator");
  auto i = instanceOf(a, id, "InstanceId");
  a.engine().terminateInstance(i.id, actorFor(a, user), reason);
  return object{{"Result", true}};
}

value publishFlow(Act& a) {
  auto code = reqString(a.body, "FlowCode");
  auto published = optBool(a.body, "Published");
  if (!published) throw WedaError("MissingParameter", "the required parameter 'Published' is missing");
  auto user = userOf(a, "Operator");
  auto d = definitionOf(a, code, "FlowCode");
  a.engine().setDefinitionPublication(
      d.id, *published ? Definition::Publication::published : Definition::Publication::offline, actorFor(a, user));
  a.call.state.forgetDefinitions();
  return object{{"Result", true}};
}

// The sort key of GetFlowInstances' Sort field.
std::string sortKey(const std::string& sort, const Instance& i, const std::string& name, const std::string& starter) {
  auto pad = [](std::int64_t n) {
    auto s = std::to_string(n);
    return std::string(20 - std::min<std::size_t>(20, s.size()), '0') + s;
  };
  if (sort == "id" || sort == "instance_id") return pad(i.id);
  if (sort == "flow_code") return pad(i.definitionId);
  if (sort == "flow_name" || sort == "title") return name;
  if (sort == "process_key") return i.definitionKey;
  if (sort == "create_by_name") return starter;
  if (sort == "end_time") return pad(i.endedAt);
  if (sort == "is_end") return instanceEnded(i) ? "1" : "0";
  if (sort == "status") return pad(instanceStatus(i));
  return pad(i.startedAt) + pad(i.id);  // start_time
}

value getFlowInstances(Act& a) {
  auto code = optString(a.body, "FlowCode");
  auto key = optString(a.body, "ProcessKey");
  auto version = optString(a.body, "FlowVersion");
  auto starter = optString(a.body, "StartUserId");
  auto from = optInt(a.body, "StartTime"), to = optInt(a.body, "EndTime");
  auto status = optInt(a.body, "Status");
  if (status) oneOf(*status, {1, 2, 3, 4}, "Status");
  auto p = paging(a.body);
  auto sort = optString(a.body, "Sort").value_or("start_time");
  oneOf(sort,
        {"id", "flow_code", "flow_name", "instance_id", "process_key", "create_by_name", "start_time", "end_time",
         "is_end", "status", "title"},
        "Sort");
  auto order = optString(a.body, "Order").value_or("desc");
  oneOf(order, {"asc", "desc"}, "Order");
  Id codeId = 0;
  if (code && !code->empty()) codeId = definitionOf(a, *code, "FlowCode").id;
  InstanceQuery q;
  q.parentId = 0;
  if (key) q.definitionKey = *key;
  q.definitionId = codeId;
  if (starter) q.initiator = *starter;
  if (from) q.startedFrom = std::max<std::int64_t>(*from, 1);
  if (to) q.startedTo = std::max<std::int64_t>(*to, 1);
  if (version && !version->empty()) {
    // "<n>.0" or "<n>"; anything else is no version of any flow.
    auto v = *version;
    if (v.size() > 2 && v.compare(v.size() - 2, 2, ".0") == 0) v.resize(v.size() - 2);
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    q.definitionVersion = !v.empty() && *end == '\0' && n > 0 && n < 1000000000 ? static_cast<int>(n) : -1;
  }
  struct Row {
    std::string key;
    Instance i;
    std::string name, starterName;
  };
  std::vector<Row> rows;
  for (const auto& i : a.engine().instances(q)) {
    if (i.tenant != a.client.tenant || isDeleted(i) || isDraft(i)) continue;
    if (status && instanceStatus(i) != *status) continue;
    Row r{{}, i, flowName(a, i), nameOf(a.engine(), i.initiator)};
    r.key = sortKey(sort, i, r.name, r.starterName);
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) {
    if (x.key != y.key) return order == "asc" ? x.key < y.key : x.key > y.key;
    return order == "asc" ? x.i.id < y.i.id : x.i.id > y.i.id;
  });
  array result;
  for (const auto& r : pageOf(rows, p))
    result.push_back(object{{"InstanceId", idString(r.i.id)},
                            {"Description", ""},
                            {"FlowCode", idString(r.i.definitionId)},
                            {"FlowName", r.name},
                            {"FlowVersion", versionText(r.i.definitionVersion)},
                            {"StartUserName", r.starterName},
                            {"StartTime", dateOrNull(r.i.startedAt)},
                            {"EndTime", instanceEnded(r.i) ? dateOrNull(r.i.endedAt) : value(nullptr)},
                            {"Status", instanceStatus(r.i)}});
  return object{{"Result", result}, {"TotalCount", rows.size()}};
}

// The last operation on each task: its action code (GetFlowInstanceTasks' OperationResult).
std::map<Id, std::string> lastActions(Engine& e, Id instance) {
  std::map<Id, std::string> out;
  for (const auto& h : e.operations(instance))
    if (h.taskId && h.action != "urge" && h.action != "claim" && h.action != "unclaim" && h.action != "cc")
      out[h.taskId] = h.action;
  return out;
}

value getFlowInstanceTasks(Act& a) {
  auto id = reqString(a.body, "InstanceId");
  auto assignee = userOf(a, "TaskAssignee", false);
  auto ids = optStrings(a.body, "TaskIds");
  auto type = optInt(a.body, "TaskType");
  if (type) oneOf(*type, {1, 2}, "TaskType");
  auto elements = optStrings(a.body, "ElementIds");
  auto code = optString(a.body, "FlowCode");
  auto status = optInt(a.body, "TaskStatus");
  if (status) oneOf(*status, {1, 2, 3, 4, 5}, "TaskStatus");
  auto starter = userOf(a, "StartUser", false);
  auto cc = optBool(a.body, "IsCarbonCopyTask");
  auto from = optInt(a.body, "StartTime"), to = optInt(a.body, "EndTime");
  auto p = paging(a.body);
  auto i = instanceOf(a, id, "InstanceId");
  if (code && !code->empty() && *code != idString(i.definitionId))
    throw WedaError("ResourceNotFound", "FlowCode: instance " + id + " is not of flow " + *code, ErrorCode::not_found);
  TaskQuery q;
  q.instanceId = i.id;
  q.includeFinished = true;
  auto tasks = a.engine().tasks(q);
  std::sort(tasks.begin(), tasks.end(), [](const Task& x, const Task& y) { return x.id < y.id; });
  std::string firstElement = tasks.empty() ? "" : tasks.front().elementId;
  auto actions = lastActions(a.engine(), i.id);
  auto name = flowName(a, i);
  std::vector<value> rows;
  bool none = (type && *type == 2) || (cc && *cc) || (!starter.empty() && starter != i.initiator);
  for (const auto& t : tasks) {
    if (none) break;
    bool start = t.assignee == i.initiator && t.elementId == firstElement;
    int st = taskStatus(t, i, start);
    if (!assignee.empty() && t.assignee != assignee && t.completedBy != assignee) continue;
    if (ids && std::find(ids->begin(), ids->end(), idString(t.id)) == ids->end()) continue;
    if (elements && std::find(elements->begin(), elements->end(), t.elementId) == elements->end()) continue;
    if (status && st != *status) continue;
    if (from && t.createdAt < *from) continue;
    if (to && t.createdAt > *to) continue;
    int result = 0;
    if (auto it = actions.find(t.id); it != actions.end() && !isOpen(t)) result = actionCode(it->second, start);
    std::string who = t.completedBy.empty() ? t.assignee : t.completedBy;
    rows.push_back(object{{"InstanceId", idString(i.id)},
                          {"FlowCode", idString(i.definitionId)},
                          {"FlowName", name},
                          {"TaskId", idString(t.id)},
                          {"FlowStartUser", userInfo(i.initiator)},
                          {"TaskAssignee", userInfo(who)},
                          {"ElementName", t.name},
                          {"ElementId", t.elementId},
                          {"StartTime", dateOrNull(t.createdAt)},
                          {"EndTime", dateOrNull(t.endedAt)},
                          {"TaskStatus", st},
                          {"OperationResult", result},
                          {"PageTransitionUrl", ""}});
  }
  array result;
  for (auto& r : pageOf(rows, p)) result.push_back(std::move(r));
  return object{{"Result", result}, {"TotalCount", rows.size()}};
}

value getFlowInstanceOperations(Act& a) {
  auto id = reqString(a.body, "InstanceId");
  auto elements = optStrings(a.body, "ElementIds");
  auto op = userOf(a, "OperatorUser", false);
  auto p = paging(a.body);
  auto i = instanceOf(a, id, "InstanceId");
  TaskQuery q;
  q.instanceId = i.id;
  q.includeFinished = true;
  auto tasks = a.engine().tasks(q);
  std::map<Id, const Task*> byId;
  Id first = 0;
  std::string firstElement;
  for (const auto& t : tasks) {
    byId[t.id] = &t;
    if (!first || t.id < first) {
      first = t.id;
      firstElement = t.elementId;
    }
  }
  std::vector<value> rows;
  auto add = [&](const std::string& element, const std::string& elementName, std::int64_t at, const std::string& who,
                 int code, const std::string& operation, const std::string& comment,
                 const std::vector<std::string>& ccs) {
    if (elements && std::find(elements->begin(), elements->end(), element) == elements->end()) return;
    if (!op.empty() && who != op) return;
    object content{{"action", code},
                   {"operation", operation},
                   {"operationComment", comment},
                   {"ccUserIds", array(ccs.begin(), ccs.end())}};
    rows.push_back(object{{"ElementName", elementName},
                          {"ElementId", element},
                          {"CreateTime", dateText(at)},
                          {"OperatorUser", who},
                          {"Content", boost::json::serialize(content)},
                          {"Result", ""}});
  };
  // The start (operation "start", action 1) is shown on the start event the instance started at.
  auto history = a.engine().history(i.id);
  std::string startEvent;
  for (const auto& h : history)
    if (h.elementType == "startEvent" && startEvent.empty()) startEvent = h.elementId;
  for (const auto& h : history) {
    const Task* t = h.taskId && byId.count(h.taskId) ? byId[h.taskId] : nullptr;
    bool start = t && t->elementId == firstElement && t->assignee == i.initiator;
    // Every operation, and the saving of a draft (17), which the engine records as history only.
    int code = h.kind == "draft_saved" ? actionCode("draft", false)
               : h.action.empty()      ? 0
                                       : actionCode(h.action, start);
    if (!code) continue;
    std::string operation;
    if (h.action == "withdraw") operation = h.actor == i.initiator ? "发起人撤销" : "审批人撤销";
    if (h.action == "addSigners") {
      array signers;
      for (const auto& u : h.targets) signers.push_back(object{{"id", u}, {"name", nameOf(a.engine(), u)}});
      operation = boost::json::serialize(signers);
    }
    bool started = h.action == "start";
    bool byInitiator = started || h.kind == "draft_saved";
    add(started ? startEvent : h.elementId, t ? t->name : "", h.at, byInitiator ? i.initiator : h.actor, code,
        operation, h.comment, h.action == "cc" ? h.targets : std::vector<std::string>{});
  }
  array result;
  for (auto& r : pageOf(rows, p)) result.push_back(std::move(r));
  return object{{"TotalCount", rows.size()}, {"Result", result}};
}

}  // namespace

void addFlowRoutes(RouteTable& t, const DialectPtr& d) {
  action(t, d, "ListDeployedFlows", "the deployed flows (pre) or the published ones (prod)", listDeployedFlows);
  action(t, d, "StartFlow", "start an instance of a flow", startFlow);
  action(t, d, "StopFlow", "terminate an instance", stopFlow);
  action(t, d, "GetFlowInstances", "instances, filtered, sorted and paged", getFlowInstances);
  action(t, d, "GetFlowInstanceTasks", "an instance's tasks", getFlowInstanceTasks);
  action(t, d, "GetFlowInstanceOperations", "an instance's operations, oldest first", getFlowInstanceOperations);
  action(t, d, "PublishFlow", "Ordo: publish a flow version or take it offline (an administrator)", publishFlow);
}

}  // namespace ordo::server::weda
