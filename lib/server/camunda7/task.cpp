// /task: list, count and the POST query with Camunda's filters, get, variables,
// form variables, comments, identity links.
#include <algorithm>
#include <set>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

Task openTask(Call& c, const std::string& id, Instance* instance) {
  auto t = visibleTask(c, id, instance);
  if (t.state != Task::State::open)
    throw Error(ErrorCode::not_found, "Task with id '" + id + "' does not exist (it " + toString(t.state) + ")");
  return t;
}

namespace {

// One filter's value, from the query string (GET) or the JSON body (POST).
struct Source {
  Call& c;
  const object* b;  // null: the query string
  std::string s(const char* name) const { return b ? text(*b, name) : param(c, name); }
  std::optional<bool> flagOf(const char* name) const {
    if (!b) return queryBool(c, name);
    if (!b->contains(name) || b->at(name).is_null()) return std::nullopt;
    return flag(*b, name);
  }
  std::set<std::string> list(const char* name) const {
    std::set<std::string> out;
    if (b) {
      for (auto& v : strings(*b, name)) out.insert(v);
      return out;
    }
    return commaList(param(c, name));
  }
  std::optional<std::int64_t> integer(const char* name) const { return b ? integerField(*b, name) : queryInt(c, name); }
  std::int64_t time(const char* name) const {
    auto v = s(name);
    return v.empty() ? 0 : parseTime(v, name);
  }
};

bool like(const std::string& s, std::string pattern) {
  pattern.erase(std::remove(pattern.begin(), pattern.end(), '%'), pattern.end());
  return s.find(pattern) != std::string::npos;
}

struct Found {
  Task task;
  Instance instance;
};

std::vector<Found> matching(Call& c, const Source& src) {
  TaskQuery q;
  q.limit = 1000000;
  auto processInstanceId = src.s("processInstanceId");
  if (!processInstanceId.empty()) {
    try {
      q.instanceId = parseId(processInstanceId, "Process instance");
    } catch (const Error&) {
      return {};
    }
  }
  q.assignee = src.s("assignee");
  q.candidateUser = src.s("candidateUser");
  // Camunda's candidateUser includes the tasks of the user's groups.
  if (!q.candidateUser.empty())
    if (auto u = c.engine.user(q.candidateUser))
      for (const auto& r : u->roles) q.candidateGroups.push_back(r);
  auto group = src.s("candidateGroup");
  auto groups = src.list("candidateGroups");
  if (!group.empty()) q.candidateGroups.push_back(group);
  for (const auto& g : groups) q.candidateGroups.push_back(g);
  q.elementId = src.s("taskDefinitionKey");
  auto keys = src.list("taskDefinitionKeyIn");
  auto instanceIds = src.list("processInstanceIdIn");
  auto definitionKey = src.s("processDefinitionKey");
  auto definitionKeys = src.list("processDefinitionKeyIn");
  auto definitionId = src.s("processDefinitionId");
  auto businessKey = src.s("processInstanceBusinessKey");
  auto assigneeLike = src.s("assigneeLike");
  auto assigneeIn = src.list("assigneeIn");
  auto owner = src.s("owner");
  auto involved = src.s("involvedUser");
  auto name = src.s("name"), nameLike = src.s("nameLike");
  auto taskId = src.s("taskId");
  auto taskIds = src.list("taskIdIn");
  auto tenants = src.list("tenantIdIn");
  auto delegationState = src.s("delegationState");
  auto createdBefore = src.time("createdBefore"), createdAfter = src.time("createdAfter"),
       createdOn = src.time("createdOn");
  auto dueBefore = src.time("dueBefore"), dueAfter = src.time("dueAfter");
  auto priority = src.integer("priority"), minPriority = src.integer("minPriority"),
       maxPriority = src.integer("maxPriority");
  bool includeAssigned = src.flagOf("includeAssignedTasks").value_or(false);
  auto unassigned = src.flagOf("unassigned"), assigned = src.flagOf("assigned");
  auto active = src.flagOf("active"), suspended = src.flagOf("suspended");
  auto withoutTenant = src.flagOf("withoutTenantId");
  if (!delegationState.empty() && delegationState != "PENDING" && delegationState != "RESOLVED")
    throw Error(ErrorCode::invalid_argument,
                "delegationState: Valid values for property 'delegationState' are 'PENDING' or 'RESOLVED', but was '" +
                    delegationState + "'");
  std::map<Id, Instance> instances;
  std::vector<Found> out;
  for (auto& t : c.engine.tasks(q)) {
    auto it = instances.find(t.instanceId);
    if (it == instances.end()) it = instances.emplace(t.instanceId, c.engine.instance(t.instanceId)).first;
    const Instance& i = it->second;
    if (!seesTenant(c.who, i.tenant)) continue;
    if (!q.candidateUser.empty() && !includeAssigned && !t.assignee.empty()) continue;
    if (!keys.empty() && !keys.count(t.elementId)) continue;
    if (!instanceIds.empty() && !instanceIds.count(idString(t.instanceId))) continue;
    if (!definitionKey.empty() && i.definitionKey != definitionKey) continue;
    if (!definitionKeys.empty() && !definitionKeys.count(i.definitionKey)) continue;
    if (!definitionId.empty() && idString(i.definitionId) != definitionId) continue;
    if (!businessKey.empty() && i.businessKey != businessKey) continue;
    if (!assigneeLike.empty() && !like(t.assignee, assigneeLike)) continue;
    if (!assigneeIn.empty() && !assigneeIn.count(t.assignee)) continue;
    if (!owner.empty() && t.owner != owner) continue;
    if (!involved.empty() && t.assignee != involved && t.owner != involved &&
        std::find(t.candidateUsers.begin(), t.candidateUsers.end(), involved) == t.candidateUsers.end())
      continue;
    if (!name.empty() && t.name != name) continue;
    if (!nameLike.empty() && !like(t.name, nameLike)) continue;
    if (!taskId.empty() && idString(t.id) != taskId) continue;
    if (!taskIds.empty() && !taskIds.count(idString(t.id))) continue;
    if (!tenants.empty() && !tenants.count(i.tenant)) continue;
    if (withoutTenant.value_or(false) && !i.tenant.empty()) continue;
    if (delegationState == "PENDING" && t.delegation != "pending") continue;
    if (delegationState == "RESOLVED" && t.delegation != "resolved") continue;
    if (createdBefore && t.createdAt >= createdBefore) continue;
    if (createdAfter && t.createdAt <= createdAfter) continue;
    if (createdOn && (t.createdAt < createdOn || t.createdAt >= createdOn + 1000)) continue;
    if (dueBefore && (!t.dueAt || t.dueAt >= dueBefore)) continue;
    if (dueAfter && (!t.dueAt || t.dueAt <= dueAfter)) continue;
    if (priority && t.priority != *priority) continue;
    if (minPriority && t.priority < *minPriority) continue;
    if (maxPriority && t.priority > *maxPriority) continue;
    if (unassigned.value_or(false) && !t.assignee.empty()) continue;
    if (assigned.value_or(false) && t.assignee.empty()) continue;
    if (active.value_or(false) && i.state != Instance::State::running) continue;
    if (suspended.value_or(false) && i.state != Instance::State::suspended) continue;
    out.push_back({std::move(t), i});
  }
  std::string sortBy, sortOrder;
  if (src.b) {
    if (auto* s = src.b->if_contains("sorting");
        s && s->is_array() && !s->as_array().empty() && s->as_array().front().is_object()) {
      sortBy = text(s->as_array().front().as_object(), "sortBy");
      sortOrder = text(s->as_array().front().as_object(), "sortOrder");
    }
  } else {
    sortBy = param(c, "sortBy");
    sortOrder = param(c, "sortOrder");
  }
  if (sortBy.empty() != sortOrder.empty())
    throw Error(ErrorCode::invalid_argument,
                "sortBy: Only a single sorting parameter specified. sortBy and sortOrder required");
  static const std::set<std::string> sorts{
      "instanceId", "dueDate", "executionId",         "assignee", "created",  "description",
      "id",         "name",    "nameCaseInsensitive", "priority", "tenantId", "lastUpdated"};
  if (!sortBy.empty() && !sorts.count(sortBy))
    throw Error(ErrorCode::invalid_argument, "sortBy: Cannot set query parameter 'sortBy' to value '" + sortBy + "'");
  if (!sortOrder.empty() && sortOrder != "asc" && sortOrder != "desc")
    throw Error(ErrorCode::invalid_argument,
                "sortOrder: Cannot set query parameter 'sortOrder' to value '" + sortOrder + "' (asc or desc)");
  bool desc = sortOrder == "desc";
  auto key = [&](const Found& f) -> std::tuple<std::string, std::int64_t, Id> {
    const auto& t = f.task;
    if (sortBy == "instanceId" || sortBy == "executionId") return {"", t.instanceId, t.id};
    if (sortBy == "dueDate") return {"", t.dueAt, t.id};
    if (sortBy == "assignee") return {t.assignee, 0, t.id};
    if (sortBy == "created") return {"", t.createdAt, t.id};
    if (sortBy == "name") return {t.name, 0, t.id};
    if (sortBy == "nameCaseInsensitive") {
      std::string n = t.name;
      std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return std::tolower(ch); });
      return {n, 0, t.id};
    }
    if (sortBy == "priority") return {"", t.priority, t.id};
    if (sortBy == "tenantId") return {f.instance.tenant, 0, t.id};
    return {"", 0, t.id};
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Found& a, const Found& b) { return desc ? key(b) < key(a) : key(a) < key(b); });
  return out;
}

Response listed(Call& c, std::vector<Found> all, bool count) {
  if (count) return json(200, countOf(all.size()));
  page(all, c);
  array a;
  for (const auto& f : all) a.push_back(taskDto(f.task, f.instance));
  return json(200, a);
}

const char* kStringFilters[] = {"processInstanceId",
                                "processInstanceBusinessKey",
                                "processDefinitionId",
                                "processDefinitionKey",
                                "assignee",
                                "assigneeLike",
                                "owner",
                                "candidateUser",
                                "candidateGroup",
                                "involvedUser",
                                "taskDefinitionKey",
                                "name",
                                "nameLike",
                                "taskId",
                                "delegationState",
                                "createdBefore",
                                "createdAfter",
                                "createdOn",
                                "dueBefore",
                                "dueAfter"};
const char* kListFilters[] = {"processInstanceIdIn", "processDefinitionKeyIn", "assigneeIn",
                              "candidateGroups",     "taskDefinitionKeyIn",    "taskIdIn",
                              "tenantIdIn"};
const char* kFlagFilters[] = {"includeAssignedTasks", "unassigned", "assigned", "active", "suspended",
                              "withoutTenantId"};
const char* kIntFilters[] = {"priority", "minPriority", "maxPriority"};

void taskQueryParams(R& r) {
  for (auto* n : kStringFilters) r.query(n);
  for (auto* n : kListFilters) r.query(n, "string", "comma-separated");
  for (auto* n : kFlagFilters) r.query(n, "boolean");
  for (auto* n : kIntFilters) r.query(n, "integer");
}

value taskQueryBody() {
  using namespace schema;
  boost::json::object props;
  for (auto* n : kStringFilters) props[n] = str();
  for (auto* n : kListFilters) props[n] = arrayOf(str());
  for (auto* n : kFlagFilters) props[n] = boolean();
  for (auto* n : kIntFilters) props[n] = integer();
  props["sorting"] = arrayOf(obj({{"sortBy", str()}, {"sortOrder", str()}}));
  return boost::json::object{{"type", "object"}, {"properties", props}};
}

value identityLinks(const Task& t, const std::string& type) {
  array a;
  auto add = [&](const std::string& user, const std::string& group, const char* kind) {
    if (type.empty() || type == kind)
      a.push_back(object{{"userId", strOrNull(user)}, {"groupId", strOrNull(group)}, {"type", kind}});
  };
  if (!t.assignee.empty()) add(t.assignee, "", "assignee");
  if (!t.owner.empty()) add(t.owner, "", "owner");
  for (const auto& u : t.candidateUsers) add(u, "", "candidate");
  for (const auto& g : t.candidateGroups) add("", g, "candidate");
  return a;
}

}  // namespace

void addTaskRoutes(RouteTable& t) {
  using namespace schema;
  R l("GET", "/task", "Task", "List tasks");
  taskQueryParams(l);
  l.query("sortBy", "string",
          "instanceId, dueDate, assignee, created, id, name, nameCaseInsensitive, priority, tenantId")
      .query("sortOrder", "string", "asc or desc")
      .paged();
  t.add(l.returns(arrayOf(taskSchema()))
            .handle([](Call& c) {
              return listed(c, matching(c, {c, nullptr}), false);
            })
            .route);
  R n("GET", "/task/count", "Task", "Count tasks");
  taskQueryParams(n);
  t.add(n.returns(countSchema()).handle([](Call& c) { return listed(c, matching(c, {c, nullptr}), true); }).route);
  t.add(R("POST", "/task", "Task", "Query tasks")
            .body(taskQueryBody())
            .paged()
            .returns(arrayOf(taskSchema()))
            .handle([](Call& c) {
              return listed(c, matching(c, {c, &body(c)}), false);
            })
            .route);
  t.add(R("POST", "/task/count", "Task", "Count tasks (query body)")
            .body(taskQueryBody())
            .returns(countSchema())
            .handle([](Call& c) {
              return listed(c, matching(c, {c, &body(c)}), true);
            })
            .route);
  t.add(R("GET", "/task/{id}", "Task", "Get a task")
            .returns(taskSchema())
            .handle([](Call& c) {
              Instance i;
              auto task = openTask(c, c.request.params.at("id"), &i);
              return json(200, taskDto(task, i));
            })
            .route);
  auto vars = [](Call& c) {
    Instance i;
    openTask(c, c.request.params.at("id"), &i);
    return json(200, typedVariables(c.engine.variables(i.id)));
  };
  t.add(R("GET", "/task/{id}/variables", "Task", "Get the variables visible from a task")
            .query("deserializeValues", "boolean")
            .returns(variables())
            .handle(vars)
            .route);
  t.add(R("GET", "/task/{id}/form-variables", "Task", "Get a task's form variables (the process variables)")
            .query("variableNames", "string", "comma-separated")
            .query("deserializeValues", "boolean")
            .returns(variables())
            .handle([](Call& c) {
              Instance i;
              openTask(c, c.request.params.at("id"), &i);
              auto all = c.engine.variables(i.id);
              auto names = param(c, "variableNames");
              if (names.empty()) return json(200, typedVariables(all));
              Variables picked;
              for (const auto& [k, v] : all)
                if (("," + names + ",").find("," + std::string(k) + ",") != std::string::npos) picked[k] = v;
              return json(200, typedVariables(picked));
            })
            .route);
  t.add(R("GET", "/task/{id}/variables/{varName}", "Task", "Get a variable visible from a task")
            .returns(schema::typedValue())
            .handle([](Call& c) {
              Instance i;
              openTask(c, c.request.params.at("id"), &i);
              auto all = c.engine.variables(i.id);
              const auto& name = c.request.params.at("varName");
              if (!all.contains(name))
                throw Error(ErrorCode::not_found, "task variable with name " + name + " does not exist");
              return json(200, camunda7::typedValue(all.at(name)));
            })
            .route);
  t.add(R("PUT", "/task/{id}/variables/{varName}", "Task", "Set a variable from a task")
            .body(schema::typedValue())
            .noContent()
            .handle([](Call& c) {
              Instance i;
              openTask(c, c.request.params.at("id"), &i);
              const auto& name = c.request.params.at("varName");
              c.engine.setVariables(i.id, Variables{{name, untypedValue(*c.body, name)}});
              return server::noContent();
            })
            .route);
  t.add(R("POST", "/task/{id}/variables", "Task", "Modify variables from a task")
            .body(obj({{"modifications", variables()}, {"deletions", arrayOf(str())}}))
            .noContent()
            .handle([](Call& c) {
              Instance i;
              openTask(c, c.request.params.at("id"), &i);
              const auto& b = body(c);
              if (!strings(b, "deletions").empty())
                throw Error(ErrorCode::unsupported,
                            "deletions: Ordo does not delete process variables; set them to null");
              auto v = untypedVariables(b.if_contains("modifications"), "modifications");
              if (!v.empty()) c.engine.setVariables(i.id, v);
              return server::noContent();
            })
            .route);
  t.add(R("GET", "/task/{id}/comment", "Task", "A task's comments (from its operations)")
            .returns(arrayOf(obj({{"id", str()}, {"userId", str()}, {"message", str()}, {"time", str()}})))
            .handle([](Call& c) {
              auto task = visibleTask(c, c.request.params.at("id"));
              array a;
              for (const auto& h : c.engine.history(task.instanceId))
                if (h.taskId == task.id && !h.comment.empty())
                  a.push_back(object{{"id", idString(h.id)},
                                     {"userId", strOrNull(h.actor)},
                                     {"taskId", idString(task.id)},
                                     {"processInstanceId", idString(task.instanceId)},
                                     {"time", isoTime(h.at)},
                                     {"message", h.comment},
                                     {"removalTime", nullptr},
                                     {"rootProcessInstanceId", idString(task.instanceId)}});
              return json(200, a);
            })
            .route);
  t.add(R("GET", "/task/{id}/identity-links", "Task", "A task's assignee, owner and candidates")
            .query("type", "string", "assignee, owner or candidate")
            .returns(arrayOf(obj({{"userId", str()}, {"groupId", str()}, {"type", str()}})))
            .handle([](Call& c) {
              auto task = openTask(c, c.request.params.at("id"), nullptr);
              return json(200, identityLinks(task, param(c, "type")));
            })
            .route);
}

}  // namespace ordo::server::camunda7
