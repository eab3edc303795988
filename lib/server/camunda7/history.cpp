// /history: process instances (every state), activity instances (from the element
// entered/left history), tasks (finished ones too), variable instances (current values).
#include <algorithm>
#include <set>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

bool ended(const Instance& i) {
  return i.state != Instance::State::running && i.state != Instance::State::suspended && i.state != Instance::State::draft;
}

std::int64_t timeParam(Call& c, const char* name) {
  auto v = param(c, name);
  return v.empty() ? 0 : parseTime(v, name);
}

// The instances the caller sees, narrowed by the history filters.
std::vector<Instance> historicInstances(Call& c) {
  InstanceQuery q;
  q.limit = 1000000;
  q.definitionKey = param(c, "processDefinitionKey");
  q.businessKey = param(c, "processInstanceBusinessKey");
  auto id = param(c, "processInstanceId"), definitionId = param(c, "processDefinitionId"),
       startedBy = param(c, "startedBy"), superInstance = param(c, "superProcessInstanceId");
  auto ids = commaList(param(c, "processInstanceIds")), keys = commaList(param(c, "processDefinitionKeyIn")),
       tenants = commaList(param(c, "tenantIdIn"));
  auto finished = queryBool(c, "finished"), unfinished = queryBool(c, "unfinished");
  auto startedBefore = timeParam(c, "startedBefore"), startedAfter = timeParam(c, "startedAfter"),
       finishedBefore = timeParam(c, "finishedBefore"), finishedAfter = timeParam(c, "finishedAfter");
  std::vector<Instance> out;
  for (auto& i : c.engine.instances(q)) {
    if (!seesTenant(c.who, i.tenant) || i.state == Instance::State::draft) continue;
    if (!id.empty() && idString(i.id) != id) continue;
    if (!ids.empty() && !ids.count(idString(i.id))) continue;
    if (!keys.empty() && !keys.count(i.definitionKey)) continue;
    if (!tenants.empty() && !tenants.count(i.tenant)) continue;
    if (!definitionId.empty() && idString(i.definitionId) != definitionId) continue;
    if (!startedBy.empty() && i.initiator != startedBy) continue;
    if (!superInstance.empty() && idString(i.parentId) != superInstance) continue;
    if (finished.value_or(false) && !ended(i)) continue;
    if (unfinished.value_or(false) && ended(i)) continue;
    if (startedBefore && i.startedAt >= startedBefore) continue;
    if (startedAfter && i.startedAt <= startedAfter) continue;
    if (finishedBefore && (!i.endedAt || i.endedAt >= finishedBefore)) continue;
    if (finishedAfter && (!i.endedAt || i.endedAt <= finishedAfter)) continue;
    out.push_back(std::move(i));
  }
  auto sortBy = param(c, "sortBy");
  bool desc = param(c, "sortOrder") == "desc";
  auto key = [&](const Instance& i) -> std::tuple<std::string, std::int64_t, Id> {
    if (sortBy == "startTime") return {"", i.startedAt, i.id};
    if (sortBy == "endTime") return {"", i.endedAt, i.id};
    if (sortBy == "duration") return {"", i.endedAt ? i.endedAt - i.startedAt : 0, i.id};
    if (sortBy == "definitionKey") return {i.definitionKey, 0, i.id};
    if (sortBy == "businessKey") return {i.businessKey, 0, i.id};
    if (sortBy == "tenantId") return {i.tenant, 0, i.id};
    return {"", 0, i.id};
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Instance& a, const Instance& b) { return desc ? key(b) < key(a) : key(a) < key(b); });
  return out;
}

std::map<Id, std::string> definitionNames(Engine& e) {
  std::map<Id, std::string> out;
  for (const auto& d : e.definitions()) out[d.id] = d.name;
  return out;
}

Response instances(Call& c, bool count) {
  auto all = historicInstances(c);
  if (count) return json(200, countOf(all.size()));
  page(all, c);
  auto names = definitionNames(c.engine);
  array a;
  for (const auto& i : all) a.push_back(historicInstanceDto(i, names[i.definitionId]));
  return json(200, a);
}

const char* camundaActivityType(const std::string& t) {
  static const std::map<std::string, const char*> types{{"startEvent", "startEvent"},
                                                        {"endEvent", "noneEndEvent"},
                                                        {"userTask", "userTask"},
                                                        {"serviceTask", "serviceTask"},
                                                        {"exclusiveGateway", "exclusiveGateway"},
                                                        {"parallelGateway", "parallelGateway"},
                                                        {"inclusiveGateway", "inclusiveGateway"}};
  auto it = types.find(t);
  return it == types.end() ? nullptr : it->second;
}

// Entered/left pairs per element, in the order they were entered.
array activityInstances(Call& c, const Instance& i, const std::string& activityId, std::optional<bool> finished) {
  array out;
  struct Open {
    std::size_t index;
    std::int64_t at;
  };
  std::map<std::string, std::vector<Open>> open;
  std::vector<object> rows;
  for (const auto& h : c.engine.history(i.id)) {
    if (h.kind == "element_entered") {
      object o{{"id", h.elementId + ":" + idString(h.id)},
               {"parentActivityInstanceId", idString(i.id)},
               {"activityId", h.elementId},
               {"activityName", nullptr},
               {"activityType",
                camundaActivityType(h.elementType) ? value(camundaActivityType(h.elementType)) : value(h.elementType)},
               {"processDefinitionKey", i.definitionKey},
               {"processDefinitionId", idString(i.definitionId)},
               {"processInstanceId", idString(i.id)},
               {"executionId", idString(i.id)},
               {"taskId", nullptr},
               {"calledProcessInstanceId", nullptr},
               {"assignee", nullptr},
               {"startTime", isoTime(h.at)},
               {"endTime", nullptr},
               {"durationInMillis", nullptr},
               {"canceled", false},
               {"completeScope", false},
               {"tenantId", strOrNull(i.tenant)},
               {"removalTime", nullptr},
               {"rootProcessInstanceId", idString(i.id)}};
      open[h.elementId].push_back({rows.size(), h.at});
      rows.push_back(std::move(o));
    } else if ((h.kind == "element_left" || h.kind == "element_cancelled") && !open[h.elementId].empty()) {
      auto entry = open[h.elementId].front();
      open[h.elementId].erase(open[h.elementId].begin());
      auto& o = rows[entry.index];
      o["endTime"] = isoTime(h.at);
      o["durationInMillis"] = h.at - entry.at;
      o["canceled"] = h.kind == "element_cancelled";
      o["completeScope"] = o["activityType"] == "noneEndEvent";
    } else if (h.taskId && (h.kind == "task_created" || h.kind == "task_assigned") && !open[h.elementId].empty()) {
      auto& o = rows[open[h.elementId].back().index];
      o["taskId"] = idString(h.taskId);
      if (!h.targets.empty()) o["assignee"] = h.targets.front();
    }
  }
  for (auto& o : rows) {
    if (!activityId.empty() && o["activityId"].as_string() != activityId) continue;
    bool isFinished = !o["endTime"].is_null();
    if (finished && *finished != isFinished) continue;
    out.push_back(std::move(o));
  }
  return out;
}

Response activities(Call& c, bool count) {
  auto instanceId = param(c, "processInstanceId");
  auto activityId = param(c, "activityId");
  std::optional<bool> finished;
  if (queryBool(c, "finished").value_or(false)) finished = true;
  if (queryBool(c, "unfinished").value_or(false)) finished = false;
  std::vector<value> all;
  if (!instanceId.empty()) {
    for (auto& v : activityInstances(c, visibleInstance(c, instanceId), activityId, finished)) all.push_back(v);
  } else {
    for (const auto& i : historicInstances(c))
      for (auto& v : activityInstances(c, i, activityId, finished)) all.push_back(v);
  }
  if (count) return json(200, countOf(all.size()));
  page(all, c);
  array a(all.begin(), all.end());
  return json(200, a);
}

Response tasks(Call& c, bool count) {
  TaskQuery q;
  q.includeFinished = true;
  q.limit = 1000000;
  auto instanceId = param(c, "processInstanceId");
  if (!instanceId.empty()) q.instanceId = visibleInstance(c, instanceId).id;
  q.assignee = param(c, "taskAssignee");
  q.elementId = param(c, "taskDefinitionKey");
  auto finished = queryBool(c, "finished"), unfinished = queryBool(c, "unfinished");
  auto taskId = param(c, "taskId"), definitionKey = param(c, "processDefinitionKey");
  std::map<Id, Instance> instances;
  std::vector<std::pair<Task, Instance>> found;
  for (auto& t : c.engine.tasks(q)) {
    auto it = instances.find(t.instanceId);
    if (it == instances.end()) it = instances.emplace(t.instanceId, c.engine.instance(t.instanceId)).first;
    if (!seesTenant(c.who, it->second.tenant)) continue;
    if (!taskId.empty() && idString(t.id) != taskId) continue;
    if (!definitionKey.empty() && it->second.definitionKey != definitionKey) continue;
    if (finished.value_or(false) && t.state == Task::State::open) continue;
    if (unfinished.value_or(false) && t.state != Task::State::open) continue;
    found.emplace_back(std::move(t), it->second);
  }
  if (count) return json(200, countOf(found.size()));
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first.id < y.first.id; });
  page(found, c);
  array a;
  for (const auto& [t, i] : found)
    a.push_back(object{{"id", idString(t.id)},
                       {"processDefinitionKey", i.definitionKey},
                       {"processDefinitionId", idString(i.definitionId)},
                       {"processInstanceId", idString(i.id)},
                       {"executionId", idString(i.id)},
                       {"activityInstanceId", nullptr},
                       {"name", strOrNull(t.name)},
                       {"description", nullptr},
                       {"deleteReason", t.state == Task::State::completed   ? value("completed")
                                        : t.state == Task::State::cancelled ? value("deleted")
                                                                 : value(nullptr)},
                       {"owner", strOrNull(t.owner)},
                       {"assignee", strOrNull(t.assignee)},
                       {"startTime", isoTime(t.createdAt)},
                       {"endTime", timeOrNull(t.endedAt)},
                       {"duration", t.endedAt ? value(t.endedAt - t.createdAt) : value(nullptr)},
                       {"taskDefinitionKey", t.elementId},
                       {"priority", t.priority},
                       {"due", timeOrNull(t.dueAt)},
                       {"parentTaskId", nullptr},
                       {"followUp", nullptr},
                       {"tenantId", strOrNull(i.tenant)},
                       {"removalTime", nullptr},
                       {"rootProcessInstanceId", idString(i.id)},
                       {"taskState", t.state == Task::State::open        ? "Created"
                                     : t.state == Task::State::completed ? "Completed"
                                                              : "Deleted"},
                       {"ordoCompletedBy", strOrNull(t.completedBy)}});
  return json(200, a);
}

Response variableInstances(Call& c, bool count) {
  auto instanceId = param(c, "processInstanceId");
  auto name = param(c, "variableName");
  std::vector<Instance> from;
  if (!instanceId.empty())
    from.push_back(visibleInstance(c, instanceId));
  else
    from = historicInstances(c);
  std::vector<value> all;
  for (const auto& i : from) {
    Variables vars;
    try {
      vars = c.engine.variables(i.id);
    } catch (const Error&) {
      continue;
    }
    for (const auto& [k, v] : vars) {
      if (!name.empty() && k != name) continue;
      auto typed = camunda7::typedValue(v).as_object();
      all.push_back(object{{"id", idString(i.id) + ":" + std::string(k)},
                           {"name", k},
                           {"type", typed["type"]},
                           {"value", typed["value"]},
                           {"valueInfo", object()},
                           {"processDefinitionKey", i.definitionKey},
                           {"processDefinitionId", idString(i.definitionId)},
                           {"processInstanceId", idString(i.id)},
                           {"executionId", idString(i.id)},
                           {"activityInstanceId", idString(i.id)},
                           {"taskId", nullptr},
                           {"tenantId", strOrNull(i.tenant)},
                           {"errorMessage", nullptr},
                           {"state", "CREATED"},
                           {"createTime", nullptr},
                           {"removalTime", nullptr},
                           {"rootProcessInstanceId", idString(i.id)}});
    }
  }
  if (count) return json(200, countOf(all.size()));
  page(all, c);
  return json(200, array(all.begin(), all.end()));
}

void instanceParams(R& r) {
  r.query("processInstanceId").query("processInstanceIds").query("processInstanceBusinessKey");
  r.query("processDefinitionId").query("processDefinitionKey").query("processDefinitionKeyIn");
  r.query("startedBy").query("superProcessInstanceId").query("tenantIdIn");
  r.query("finished", "boolean").query("unfinished", "boolean");
  r.query("startedBefore").query("startedAfter").query("finishedBefore").query("finishedAfter");
}

}  // namespace

void addHistoryRoutes(RouteTable& t) {
  using namespace schema;
  auto historicInstance = obj({{"id", str()}, {"state", str()}, {"startTime", str()}, {"endTime", str()}});
  R l("GET", "/history/process-instance", "History", "List historic process instances");
  instanceParams(l);
  l.query("sortBy", "string", "instanceId, startTime, endTime, duration, definitionKey, businessKey, tenantId")
      .query("sortOrder")
      .paged();
  t.add(l.returns(arrayOf(historicInstance)).handle([](Call& c) { return instances(c, false); }).route);
  R n("GET", "/history/process-instance/count", "History", "Count historic process instances");
  instanceParams(n);
  t.add(n.returns(countSchema()).handle([](Call& c) { return instances(c, true); }).route);
  t.add(R("GET", "/history/process-instance/{id}", "History", "Get a historic process instance")
            .returns(historicInstance)
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              return json(200, historicInstanceDto(i, c.engine.definition(i.definitionId).name));
            })
            .route);
  auto activityParams = [](R& r) {
    r.query("processInstanceId").query("activityId").query("finished", "boolean").query("unfinished", "boolean");
  };
  R al("GET", "/history/activity-instance", "History", "List historic activity instances");
  activityParams(al);
  t.add(al.paged()
            .returns(arrayOf(obj({{"activityId", str()}, {"startTime", str()}})))
            .handle([](Call& c) { return activities(c, false); })
            .route);
  R ac("GET", "/history/activity-instance/count", "History", "Count historic activity instances");
  activityParams(ac);
  t.add(ac.returns(countSchema()).handle([](Call& c) { return activities(c, true); }).route);
  auto taskParams = [](R& r) {
    r.query("taskId").query("processInstanceId").query("processDefinitionKey").query("taskAssignee");
    r.query("taskDefinitionKey").query("finished", "boolean").query("unfinished", "boolean");
  };
  R tl("GET", "/history/task", "History", "List historic tasks");
  taskParams(tl);
  t.add(tl.paged()
            .returns(arrayOf(obj({{"id", str()}, {"assignee", str()}, {"endTime", str()}})))
            .handle([](Call& c) { return tasks(c, false); })
            .route);
  R tc("GET", "/history/task/count", "History", "Count historic tasks");
  taskParams(tc);
  t.add(tc.returns(countSchema()).handle([](Call& c) { return tasks(c, true); }).route);
  auto variableParams = [](R& r) { r.query("processInstanceId").query("variableName"); };
  R vl("GET", "/history/variable-instance", "History", "List variable instances (current values)");
  variableParams(vl);
  t.add(vl.paged()
            .returns(arrayOf(obj({{"name", str()}, {"type", str()}})))
            .handle([](Call& c) { return variableInstances(c, false); })
            .route);
  R vc("GET", "/history/variable-instance/count", "History", "Count variable instances");
  variableParams(vc);
  t.add(vc.returns(countSchema()).handle([](Call& c) { return variableInstances(c, true); }).route);
}

}  // namespace ordo::server::camunda7
