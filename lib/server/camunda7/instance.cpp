// /process-instance: list, count and the POST query, get, delete, variables, activity
// instances, suspension.
#include <algorithm>
#include <set>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

// The filters of GET (query parameters) and POST (a JSON body) in one shape.
struct Filter {
  std::set<std::string> ids, keysIn, tenants;
  std::string businessKey, businessKeyLike, definitionId, definitionKey, superInstance;
  std::optional<bool> active, suspended, withIncident, withoutTenant;
  std::string sortBy, sortOrder;
};

std::set<std::string> setOf(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

Filter fromQuery(Call& c) {
  Filter f;
  f.ids = commaList(param(c, "processInstanceIds"));
  f.keysIn = commaList(param(c, "processDefinitionKeyIn"));
  f.tenants = commaList(param(c, "tenantIdIn"));
  f.businessKey = param(c, "businessKey");
  f.businessKeyLike = param(c, "businessKeyLike");
  f.definitionId = param(c, "processDefinitionId");
  f.definitionKey = param(c, "processDefinitionKey");
  f.superInstance = param(c, "superProcessInstance");
  f.active = queryBool(c, "active");
  f.suspended = queryBool(c, "suspended");
  f.withIncident = queryBool(c, "withIncident");
  f.withoutTenant = queryBool(c, "withoutTenantId");
  f.sortBy = param(c, "sortBy");
  f.sortOrder = param(c, "sortOrder");
  return f;
}

std::optional<bool> optFlag(const object& o, const char* key) {
  if (!o.contains(key) || o.at(key).is_null()) return std::nullopt;
  return flag(o, key);
}

Filter fromBody(Call& c) {
  const auto& b = body(c);
  Filter f;
  f.ids = setOf(strings(b, "processInstanceIds"));
  f.keysIn = setOf(strings(b, "processDefinitionKeyIn"));
  f.tenants = setOf(strings(b, "tenantIdIn"));
  f.businessKey = text(b, "businessKey");
  f.businessKeyLike = text(b, "businessKeyLike");
  f.definitionId = text(b, "processDefinitionId");
  f.definitionKey = text(b, "processDefinitionKey");
  f.superInstance = text(b, "superProcessInstance");
  f.active = optFlag(b, "active");
  f.suspended = optFlag(b, "suspended");
  f.withIncident = optFlag(b, "withIncident");
  f.withoutTenant = optFlag(b, "withoutTenantId");
  if (auto* s = b.if_contains("sorting"); s && s->is_array() && !s->as_array().empty()) {
    const auto& first = s->as_array().front().as_object();
    f.sortBy = text(first, "sortBy");
    f.sortOrder = text(first, "sortOrder");
  }
  return f;
}

std::vector<Instance> matching(Call& c, const Filter& f) {
  if (f.sortBy.empty() != f.sortOrder.empty())
    throw Error(ErrorCode::invalid_argument,
                "sortBy: Only a single sorting parameter specified. sortBy and sortOrder required");
  InstanceQuery q;
  q.businessKey = f.businessKey;
  q.definitionKey = f.definitionKey;
  q.limit = 1000000;
  std::vector<Instance> out;
  std::string pattern = f.businessKeyLike;
  pattern.erase(std::remove(pattern.begin(), pattern.end(), '%'), pattern.end());
  for (auto& i : c.engine.instances(q)) {
    if (i.state != Instance::State::running && i.state != Instance::State::suspended) continue;
    if (!seesTenant(c.who, i.tenant)) continue;
    if (!f.ids.empty() && !f.ids.count(idString(i.id))) continue;
    if (!f.keysIn.empty() && !f.keysIn.count(i.definitionKey)) continue;
    if (!f.tenants.empty() && !f.tenants.count(i.tenant)) continue;
    if (f.withoutTenant.value_or(false) && !i.tenant.empty()) continue;
    if (!pattern.empty() && i.businessKey.find(pattern) == std::string::npos) continue;
    if (!f.definitionId.empty() && idString(i.definitionId) != f.definitionId) continue;
    if (!f.superInstance.empty() && idString(i.parentId) != f.superInstance) continue;
    if (f.active.value_or(false) && i.state != Instance::State::running) continue;
    if (f.suspended.value_or(false) && i.state != Instance::State::suspended) continue;
    if (f.withIncident.value_or(false) && c.engine.openIncidents(i.id) == 0) continue;
    out.push_back(std::move(i));
  }
  bool desc = f.sortOrder == "desc";
  auto key = [&](const Instance& i) -> std::tuple<std::string, Id> {
    if (f.sortBy == "definitionKey") return {i.definitionKey, i.id};
    if (f.sortBy == "definitionId") return {"", i.definitionId};
    if (f.sortBy == "tenantId") return {i.tenant, i.id};
    if (f.sortBy == "businessKey") return {i.businessKey, i.id};
    return {"", i.id};
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Instance& a, const Instance& b) { return desc ? key(b) < key(a) : key(a) < key(b); });
  return out;
}

Response listed(Call& c, std::vector<Instance> all, bool count) {
  if (count) return json(200, countOf(all.size()));
  page(all, c);
  array a;
  for (const auto& i : all) a.push_back(instanceDto(i));
  return json(200, a);
}

value activityInstances(Call& c, const Instance& i) {
  array children;
  int n = 0;
  for (const auto& e : c.engine.waitingAt(i.id)) {
    std::string id = e + ":" + idString(i.id) + "-" + std::to_string(++n);
    children.push_back(object{{"id", id},
                              {"parentActivityInstanceId", idString(i.id)},
                              {"activityId", e},
                              {"activityType", nullptr},
                              {"processInstanceId", idString(i.id)},
                              {"processDefinitionId", idString(i.definitionId)},
                              {"childActivityInstances", array()},
                              {"childTransitionInstances", array()},
                              {"executionIds", array{idString(i.id)}},
                              {"activityName", nullptr},
                              {"incidentIds", array()},
                              {"incidents", array()}});
  }
  return object{{"id", idString(i.id)},
                {"parentActivityInstanceId", nullptr},
                {"activityId", idString(i.definitionId)},
                {"activityType", "processDefinition"},
                {"processInstanceId", idString(i.id)},
                {"processDefinitionId", idString(i.definitionId)},
                {"childActivityInstances", children},
                {"childTransitionInstances", array()},
                {"executionIds", array{idString(i.id)}},
                {"activityName", i.definitionKey},
                {"incidentIds", array()},
                {"incidents", array()}};
}

void instanceQuery(R& r) {
  r.query("processInstanceIds", "string", "comma-separated").query("businessKey").query("businessKeyLike");
  r.query("processDefinitionId").query("processDefinitionKey").query("processDefinitionKeyIn");
  r.query("superProcessInstance").query("active", "boolean").query("suspended", "boolean");
  r.query("withIncident", "boolean").query("tenantIdIn").query("withoutTenantId", "boolean");
}

value queryBody() {
  using namespace schema;
  return obj({{"processInstanceIds", arrayOf(str())},
              {"businessKey", str()},
              {"businessKeyLike", str()},
              {"processDefinitionId", str()},
              {"processDefinitionKey", str()},
              {"processDefinitionKeyIn", arrayOf(str())},
              {"superProcessInstance", str()},
              {"active", boolean()},
              {"suspended", boolean()},
              {"withIncident", boolean()},
              {"tenantIdIn", arrayOf(str())},
              {"withoutTenantId", boolean()},
              {"sorting", arrayOf(obj({{"sortBy", str()}, {"sortOrder", str()}}))}});
}

}  // namespace

void addInstanceRoutes(RouteTable& t) {
  using namespace schema;
  R l("GET", "/process-instance", "Process Instance", "List process instances");
  instanceQuery(l);
  l.query("sortBy", "string", "instanceId, definitionKey, definitionId, tenantId, businessKey")
      .query("sortOrder", "string", "asc or desc")
      .paged();
  t.add(l.returns(arrayOf(instanceSchema()))
            .handle([](Call& c) { return listed(c, matching(c, fromQuery(c)), false); })
            .route);
  R n("GET", "/process-instance/count", "Process Instance", "Count process instances");
  instanceQuery(n);
  t.add(n.returns(countSchema()).handle([](Call& c) { return listed(c, matching(c, fromQuery(c)), true); }).route);
  t.add(R("POST", "/process-instance", "Process Instance", "Query process instances")
            .body(queryBody())
            .paged()
            .returns(arrayOf(instanceSchema()))
            .handle([](Call& c) { return listed(c, matching(c, fromBody(c)), false); })
            .route);
  t.add(R("POST", "/process-instance/count", "Process Instance", "Count process instances (query body)")
            .body(queryBody())
            .returns(countSchema())
            .handle([](Call& c) { return listed(c, matching(c, fromBody(c)), true); })
            .route);
  t.add(R("GET", "/process-instance/{id}", "Process Instance", "Get a process instance")
            .returns(instanceSchema())
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              if (i.state != Instance::State::running && i.state != Instance::State::suspended && i.state != Instance::State::draft)
                throw Error(ErrorCode::not_found, "Process instance with id '" + c.request.params.at("id") +
                                                      "' does not exist (it ended: see /history/process-instance)");
              return json(200, instanceDto(i));
            })
            .route);
  t.add(R("DELETE", "/process-instance/{id}", "Process Instance", "Delete a process instance (its history stays)")
            .query("skipCustomListeners", "boolean")
            .query("skipIoMappings", "boolean")
            .query("skipSubprocesses", "boolean")
            .query("failIfNotExists", "boolean")
            .noContent()
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              c.engine.deleteInstance(i.id, c.who.user, true);
              return server::noContent();
            })
            .route);
  t.add(R("GET", "/process-instance/{id}/variables", "Process Instance", "Get a process instance's variables")
            .query("deserializeValues", "boolean")
            .returns(variables())
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              return json(200, typedVariables(c.engine.variables(i.id)));
            })
            .route);
  t.add(R("POST", "/process-instance/{id}/variables", "Process Instance", "Modify a process instance's variables")
            .body(obj({{"modifications", variables()}, {"deletions", arrayOf(str())}}))
            .noContent()
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              const auto& b = body(c);
              if (!strings(b, "deletions").empty())
                throw Error(ErrorCode::unsupported,
                            "deletions: Ordo does not delete process variables; set them to null");
              auto vars = untypedVariables(b.if_contains("modifications"), "modifications");
              if (!vars.empty()) c.engine.setVariables(i.id, vars);
              return server::noContent();
            })
            .route);
  t.add(R("GET", "/process-instance/{id}/variables/{varName}", "Process Instance", "Get a process variable")
            .query("deserializeValue", "boolean")
            .returns(schema::typedValue())
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              auto vars = c.engine.variables(i.id);
              const auto& name = c.request.params.at("varName");
              if (!vars.contains(name))
                throw Error(ErrorCode::not_found, "process instance variable with name " + name + " does not exist");
              return json(200, camunda7::typedValue(vars.at(name)));
            })
            .route);
  t.add(R("PUT", "/process-instance/{id}/variables/{varName}", "Process Instance", "Set a process variable")
            .body(schema::typedValue())
            .noContent()
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              const auto& name = c.request.params.at("varName");
              Variables v{{name, untypedValue(*c.body, name)}};
              c.engine.setVariables(i.id, v);
              return server::noContent();
            })
            .route);
  t.add(R("GET", "/process-instance/{id}/activity-instances", "Process Instance", "Where the instance waits")
            .returns(obj({{"id", str()}, {"childActivityInstances", arrayOf(any())}}))
            .handle(
                [](Call& c) { return json(200, activityInstances(c, visibleInstance(c, c.request.params.at("id")))); })
            .route);
  t.add(R("PUT", "/process-instance/{id}/suspended", "Process Instance", "Suspend or activate a process instance")
            .body(obj({{"suspended", boolean()}}, {"suspended"}))
            .noContent()
            .handle([](Call& c) {
              auto i = visibleInstance(c, c.request.params.at("id"));
              if (flag(body(c), "suspended"))
                c.engine.suspendInstance(i.id, c.who.user);
              else
                c.engine.resumeInstance(i.id, c.who.user);
              return server::noContent();
            })
            .route);
}

}  // namespace ordo::server::camunda7
