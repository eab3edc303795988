// /process-definition: list, get (by id, key, key and tenant), xml, start, submit-form, statistics.
#include <algorithm>
#include <set>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

bool likeMatch(const std::string& s, std::string pattern) {
  pattern.erase(std::remove(pattern.begin(), pattern.end(), '%'), pattern.end());
  return s.find(pattern) != std::string::npos;
}

Response listDefinitions(Call& c, bool count) {
  auto all = visibleDefinitions(c);
  auto id = param(c, "id"), key = param(c, "key"), keyLike = param(c, "keyLike"), name = param(c, "name"),
       nameLike = param(c, "nameLike"), deploymentId = param(c, "deploymentId"), category = param(c, "category");
  auto idIn = commaList(param(c, "idIn")), keysIn = commaList(param(c, "keysIn")),
       tenants = commaList(param(c, "tenantIdIn"));
  auto version = queryInt(c, "version");
  bool latest = queryBool(c, "latestVersion").value_or(false);
  bool withoutTenant = queryBool(c, "withoutTenantId").value_or(false);
  bool includeWithoutTenant = queryBool(c, "includeProcessDefinitionsWithoutTenantId").value_or(false);
  auto suspendedOnly = queryBool(c, "suspended"), activeOnly = queryBool(c, "active");
  std::map<std::pair<std::string, std::string>, int> latestVersion;
  for (const auto& [d, o] : all) {
    auto& v = latestVersion[{d.key, o.tenant}];
    v = std::max(v, d.version);
  }
  std::vector<std::pair<Definition, Engine::DefinitionOrigin>> out;
  for (const auto& [d, o] : all) {
    if (!id.empty() && idString(d.id) != id) continue;
    if (!idIn.empty() && !idIn.count(idString(d.id))) continue;
    if (!key.empty() && d.key != key) continue;
    if (!keysIn.empty() && !keysIn.count(d.key)) continue;
    if (!keyLike.empty() && !likeMatch(d.key, keyLike)) continue;
    if (!name.empty() && d.name != name) continue;
    if (!nameLike.empty() && !likeMatch(d.name, nameLike)) continue;
    if (!category.empty() && d.category != category) continue;
    if (!deploymentId.empty() && idString(o.deploymentId) != deploymentId) continue;
    if (version && d.version != *version) continue;
    if (latest && latestVersion[{d.key, o.tenant}] != d.version) continue;
    if (!tenants.empty() && !tenants.count(o.tenant) && !(includeWithoutTenant && o.tenant.empty())) continue;
    if (withoutTenant && !o.tenant.empty()) continue;
    if (suspendedOnly.value_or(false) && !d.suspended) continue;
    if (activeOnly.value_or(false) && d.suspended) continue;
    out.emplace_back(d, o);
  }
  if (count) return json(200, countOf(out.size()));
  auto sortBy = param(c, "sortBy");
  bool desc = param(c, "sortOrder") == "desc";
  auto keyOf = [&](const std::pair<Definition, Engine::DefinitionOrigin>& p) -> std::tuple<std::string, std::int64_t> {
    const auto& d = p.first;
    if (sortBy == "key") return {d.key, d.version};
    if (sortBy == "name") return {d.name, d.id};
    if (sortBy == "version") return {"", d.version};
    if (sortBy == "category") return {d.category, d.id};
    if (sortBy == "deploymentId") return {"", p.second.deploymentId};
    if (sortBy == "deployTime") return {"", d.deployedAt};
    if (sortBy == "tenantId") return {p.second.tenant, d.id};
    return {"", d.id};
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const auto& a, const auto& b) { return desc ? keyOf(b) < keyOf(a) : keyOf(a) < keyOf(b); });
  page(out, c);
  array a;
  for (const auto& [d, o] : out) a.push_back(definitionDto(d, o));
  return json(200, a);
}

// The definition a path names: {id}, key/{key}, or key/{key}/tenant-id/{tenantId}.
Definition named(Call& c) {
  const auto& p = c.request.params;
  if (p.count("id")) return visibleDefinition(c, p.at("id"));
  if (p.count("tenantId")) return latestVisible(c, p.at("key"), &p.at("tenantId"));
  return latestVisible(c, p.at("key"));
}

// PUT .../suspended: {id} that version; key/{key} every version of the key the caller sees.
Response suspend(Call& c) {
  const auto& b = body(c);
  if (b.contains("executionDate") && !b.at("executionDate").is_null())
    throw Error(ErrorCode::unsupported, "executionDate: Ordo suspends and activates definitions at once");
  bool suspended = flag(b, "suspended"), instances = flag(b, "includeProcessInstances");
  std::vector<Id> ids;
  const auto& p = c.request.params;
  if (p.count("id")) {
    ids.push_back(visibleDefinition(c, p.at("id")).id);
  } else {
    for (const auto& [d, o] : visibleDefinitions(c))
      if (d.key == p.at("key") && (!p.count("tenantId") || o.tenant == p.at("tenantId"))) ids.push_back(d.id);
    if (ids.empty()) throw Error(ErrorCode::not_found, "no process definition with key '" + p.at("key") + "'");
  }
  for (Id id : ids) c.engine.suspendDefinition(id, suspended, c.who.user, instances);
  c.state.forgetDefinitions();
  return server::noContent();
}

Response get(Call& c) {
  auto d = named(c);
  return json(200, definitionDto(d, definitionOrigin(c, d.id)));
}

Response start(Call& c) {
  auto d = named(c);
  const auto& b = body(c);
  auto req = startRequestFor(c, d, b);
  if (b.contains("startInstructions") && !b.at("startInstructions").is_null())
    throw Error(ErrorCode::unsupported, "startInstructions: Ordo starts instances at their start event only");
  auto i = c.engine.start(req);
  auto o = instanceDto(i).as_object();
  o["links"] =
      array{object{{"method", "GET"}, {"href", "/engine-rest/process-instance/" + idString(i.id)}, {"rel", "self"}}};
  if (flag(b, "withVariablesInReturn")) o["variables"] = typedVariables(c.engine.variables(i.id));
  return json(200, o);
}

Response xml(Call& c) {
  auto d = named(c);
  return json(200, object{{"id", idString(d.id)}, {"bpmn20Xml", c.engine.definitionXml(d.id)}});
}

Response startForm(Call& c) {
  auto d = named(c);
  auto [formKey, schema] = c.engine.startForm(d.key);
  return json(200, object{{"key", strOrNull(formKey)}, {"contextPath", nullptr}});
}

// Instances per definition (running ones), with their failed jobs and incidents.
Response statistics(Call& c) {
  auto defs = visibleDefinitions(c);
  bool withIncidents = queryBool(c, "incidents").value_or(false) || queryBool(c, "failedJobs").value_or(false);
  InstanceQuery q;
  q.limit = 1000000;
  std::map<Id, std::int64_t> running, incidents;
  for (const auto& i : c.engine.instances(q)) {
    if (i.state != Instance::State::running && i.state != Instance::State::suspended) continue;
    if (!seesTenant(c.who, i.tenant)) continue;
    ++running[i.definitionId];
    if (withIncidents) incidents[i.definitionId] += c.engine.openIncidents(i.id);
  }
  array a;
  for (const auto& [d, o] : defs) {
    array inc;
    if (incidents[d.id]) inc.push_back(object{{"incidentType", "failedJob"}, {"incidentCount", incidents[d.id]}});
    a.push_back(object{{"@class", "org.camunda.bpm.engine.rest.dto.repository.ProcessDefinitionStatisticsResultDto"},
                       {"id", idString(d.id)},
                       {"instances", running[d.id]},
                       {"failedJobs", incidents[d.id]},
                       {"definition", definitionDto(d, o)},
                       {"incidents", inc}});
  }
  return json(200, a);
}

// Per activity of one definition: how many tokens wait there.
Response activityStatistics(Call& c) {
  auto d = named(c);
  InstanceQuery q;
  q.limit = 1000000;
  std::map<std::string, std::int64_t> at;
  for (const auto& i : c.engine.instances(q)) {
    if (i.definitionId != d.id || (i.state != Instance::State::running && i.state != Instance::State::suspended) || !seesTenant(c.who, i.tenant))
      continue;
    for (const auto& e : c.engine.waitingAt(i.id)) ++at[e];
  }
  array a;
  for (const auto& [activity, n] : at)
    a.push_back(object{{"id", activity}, {"instances", n}, {"failedJobs", 0}, {"incidents", array()}});
  return json(200, a);
}

void definitionQuery(R& r) {
  r.query("id").query("idIn", "string", "comma-separated ids").query("key").query("keysIn").query("keyLike");
  r.query("name").query("nameLike").query("category").query("deploymentId").query("version", "integer");
  r.query("latestVersion", "boolean").query("tenantIdIn").query("withoutTenantId", "boolean");
  r.query("includeProcessDefinitionsWithoutTenantId", "boolean")
      .query("suspended", "boolean")
      .query("active", "boolean");
}

}  // namespace

void addDefinitionRoutes(RouteTable& t) {
  using namespace schema;
  R l("GET", "/process-definition", "Process Definition", "List process definitions");
  definitionQuery(l);
  l.query("sortBy", "string", "key, name, version, id, category, deploymentId, deployTime, tenantId")
      .query("sortOrder", "string", "asc or desc")
      .paged();
  t.add(l.returns(arrayOf(definitionSchema())).handle([](Call& c) { return listDefinitions(c, false); }).route);
  R n("GET", "/process-definition/count", "Process Definition", "Count process definitions");
  definitionQuery(n);
  t.add(n.returns(countSchema()).handle([](Call& c) { return listDefinitions(c, true); }).route);
  t.add(R("GET", "/process-definition/statistics", "Process Definition", "Instances per definition")
            .query("failedJobs", "boolean")
            .query("incidents", "boolean")
            .returns(arrayOf(obj({{"id", str()}, {"instances", integer()}, {"failedJobs", integer()}})))
            .handle(statistics)
            .route);
  auto startBody = obj({{"variables", variables()},
                        {"businessKey", str()},
                        {"caseInstanceId", str()},
                        {"startInstructions", arrayOf(any())},
                        {"skipCustomListeners", boolean()},
                        {"skipIoMappings", boolean()},
                        {"withVariablesInReturn", boolean()}});
  auto formBody = obj({{"variables", variables()}, {"businessKey", str()}});
  for (std::string prefix : {"/process-definition/{id}", "/process-definition/key/{key}",
                             "/process-definition/key/{key}/tenant-id/{tenantId}"}) {
    t.add(R("PUT", prefix + "/suspended", "Process Definition",
            "Suspend or activate a process definition (an administrator)")
              .body(obj({{"suspended", boolean()}, {"includeProcessInstances", boolean()}, {"executionDate", any()}},
                        {"suspended"}))
              .noContent()
              .handle(suspend)
              .route);
    t.add(R("GET", prefix, "Process Definition", "Get a process definition")
              .returns(definitionSchema())
              .handle(get)
              .route);
    t.add(R("GET", prefix + "/xml", "Process Definition", "Get a process definition's BPMN 2.0 XML")
              .returns(obj({{"id", str()}, {"bpmn20Xml", str()}}))
              .handle(xml)
              .route);
    t.add(R("POST", prefix + "/start", "Process Definition", "Start a process instance")
              .body(startBody)
              .returns(instanceSchema())
              .handle(start)
              .route);
    t.add(R("POST", prefix + "/submit-form", "Process Definition", "Start a process instance with form data")
              .body(formBody)
              .returns(instanceSchema())
              .handle(start)
              .route);
    t.add(R("GET", prefix + "/startForm", "Process Definition", "Get the start form's key")
              .returns(obj({{"key", str()}, {"contextPath", str()}}))
              .handle(startForm)
              .route);
    t.add(R("GET", prefix + "/statistics", "Process Definition", "Instances waiting per activity")
              .returns(arrayOf(obj({{"id", str()}, {"instances", integer()}})))
              .handle(activityStatistics)
              .route);
  }
}

}  // namespace ordo::server::camunda7
