// /deployment: create (multipart, as Camunda Modeler posts it), list, get, resources, delete.
#include <algorithm>

#include "server/camunda7/common.hpp"
#include "server/multipart.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

DeploymentRecord visibleDeployment(Call& c, const std::string& id) {
  Id n = parseId(id, "Deployment");
  try {
    auto d = c.engine.deployment(n);
    if (d.tenant.empty() || seesTenant(c.who, d.tenant)) return d;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
  }
  throw Error(ErrorCode::not_found, "Deployment with id '" + id + "' does not exist");
}

value withDefinitions(const DeploymentRecord& d) {
  auto o = deploymentDto(d).as_object();
  if (d.created) {
    object defs;
    for (const auto& def : d.definitions) defs[idString(def.id)] = definitionDto(def, {d.id, d.tenant, false});
    o["deployedProcessDefinitions"] = defs;
  } else {
    o["deployedProcessDefinitions"] = nullptr;
  }
  o["deployedCaseDefinitions"] = nullptr;
  o["deployedDecisionDefinitions"] = nullptr;
  o["deployedDecisionRequirementsDefinitions"] = nullptr;
  return o;
}

Response create(Call& c) {
  const std::string* ct = c.request.header("content-type");
  auto parts = parseMultipart(ct ? *ct : std::string(), c.request.body);
  DeploymentRequest req;
  req.tenant = c.who.tenant;
  bool tenantGiven = false;
  for (auto& p : parts) {
    if (p.filename.empty() && p.name != "data") {
      if (p.name == "deployment-name")
        req.name = p.data;
      else if (p.name == "deployment-source")
        req.source = p.data;
      else if (p.name == "tenant-id") {
        req.tenant = p.data;
        tenantGiven = true;
      } else if (p.name == "enable-duplicate-filtering" || p.name == "deploy-changed-only") {
        if (p.data != "true" && p.data != "false")
          throw Error(ErrorCode::invalid_argument, p.name + ": expected true or false, got '" + p.data + "'");
        req.duplicateFiltering = req.duplicateFiltering || p.data == "true";
      } else if (p.name == "deployment-activation-time") {
        throw Error(ErrorCode::unsupported, "deployment-activation-time: Ordo activates deployments at once");
      }
      // Other form fields are ignored, as Camunda ignores unknown ones.
      continue;
    }
    std::string name = p.filename.empty() ? p.name : p.filename;
    if (endsWith(name, ".bpmn") || endsWith(name, ".bpmn20.xml") || endsWith(name, ".xml")) {
      req.resources.push_back({name, std::move(p.data)});
    } else {
      throw Error(ErrorCode::unsupported, "resource '" + name +
                                              "': Ordo deploys BPMN 2.0 files only (.bpmn, .bpmn20.xml); "
                                              "DMN, CMMN and forms are not supported");
    }
  }
  if (tenantGiven && !c.who.admin && req.tenant != c.who.tenant)
    throw Error(ErrorCode::forbidden,
                "tenant-id: user '" + c.who.user + "' may not deploy to tenant '" + req.tenant + "'");
  if (req.resources.empty())
    throw Error(ErrorCode::invalid_argument, "data: a deployment needs at least one .bpmn file part");
  auto d = c.engine.deployResources(req);
  c.state.forgetDefinitions();
  return json(200, withDefinitions(d));
}

Response listDeployments(Call& c, bool count) {
  auto all = c.engine.deployments();
  std::vector<DeploymentRecord> out;
  auto id = param(c, "id"), name = param(c, "name"), nameLike = param(c, "nameLike"), source = param(c, "source");
  auto tenants = param(c, "tenantIdIn");
  bool withoutTenant = queryBool(c, "withoutTenantId").value_or(false);
  auto after = param(c, "after"), before = param(c, "before");
  std::int64_t afterMs = after.empty() ? 0 : parseTime(after, "after");
  std::int64_t beforeMs = before.empty() ? 0 : parseTime(before, "before");
  auto like = [](const std::string& s, std::string pattern) {
    pattern.erase(std::remove(pattern.begin(), pattern.end(), '%'), pattern.end());
    return s.find(pattern) != std::string::npos;
  };
  for (auto& d : all) {
    if (!d.tenant.empty() && !seesTenant(c.who, d.tenant)) continue;
    if (!id.empty() && idString(d.id) != id) continue;
    if (!name.empty() && d.name != name) continue;
    if (!nameLike.empty() && !like(d.name, nameLike)) continue;
    if (!source.empty() && d.source != source) continue;
    if (!tenants.empty() && ("," + tenants + ",").find("," + d.tenant + ",") == std::string::npos) continue;
    if (withoutTenant && !d.tenant.empty()) continue;
    if (afterMs && d.deployedAt <= afterMs) continue;
    if (beforeMs && d.deployedAt >= beforeMs) continue;
    out.push_back(d);
  }
  if (count) return json(200, countOf(out.size()));
  auto sortBy = param(c, "sortBy");
  bool desc = param(c, "sortOrder") == "desc";
  std::stable_sort(out.begin(), out.end(), [&](const DeploymentRecord& a, const DeploymentRecord& b) {
    bool less = sortBy == "name" ? a.name < b.name : sortBy == "tenantId" ? a.tenant < b.tenant : a.id < b.id;
    bool more = sortBy == "name" ? b.name < a.name : sortBy == "tenantId" ? b.tenant < a.tenant : b.id < a.id;
    return desc ? more : less;
  });
  page(out, c);
  array a;
  for (const auto& d : out) a.push_back(deploymentDto(d));
  return json(200, a);
}

value resourceDto(const DeploymentRecord& d, std::size_t i) {
  return object{{"id", std::to_string(i + 1)}, {"name", d.resources[i]}, {"deploymentId", idString(d.id)}};
}

std::size_t resourceIndex(const DeploymentRecord& d, const std::string& rid) {
  for (std::size_t i = 0; i < d.resources.size(); ++i)
    if (std::to_string(i + 1) == rid) return i;
  throw Error(ErrorCode::not_found,
              "Deployment resource '" + rid + "' for deployment id '" + idString(d.id) + "' does not exist");
}

void sortParams(R& r) {
  r.query("sortBy", "string", "id, name, deploymentTime, tenantId").query("sortOrder", "string", "asc or desc");
}

}  // namespace

void addDeploymentRoutes(RouteTable& t) {
  using namespace schema;
  t.add(R("POST", "/deployment/create", "Deployment", "Create a deployment (multipart/form-data)")
            .body(obj({{"deployment-name", str()},
                       {"deployment-source", str()},
                       {"tenant-id", str()},
                       {"enable-duplicate-filtering", boolean()},
                       {"deploy-changed-only", boolean()},
                       {"data", boost::json::object{{"type", "string"}, {"format", "binary"}}}}),
                  "multipart/form-data")
            .large()
            .returns(obj({{"id", str()}, {"deployedProcessDefinitions", mapOf(definitionSchema())}}))
            .handle(create)
            .route);
  R l("GET", "/deployment", "Deployment", "List deployments");
  l.query("id").query("name").query("nameLike").query("source").query("tenantIdIn").query("withoutTenantId", "boolean");
  l.query("after", "string", "deployed after this date").query("before", "string", "deployed before this date");
  sortParams(l);
  t.add(l.paged()
            .returns(arrayOf(obj({{"id", str()}, {"name", str()}})))
            .handle([](Call& c) { return listDeployments(c, false); })
            .route);
  R n("GET", "/deployment/count", "Deployment", "Count deployments");
  n.query("id").query("name").query("nameLike").query("source").query("tenantIdIn").query("withoutTenantId", "boolean");
  n.query("after").query("before");
  t.add(n.returns(countSchema()).handle([](Call& c) { return listDeployments(c, true); }).route);
  t.add(R("GET", "/deployment/{id}", "Deployment", "Get a deployment")
            .returns(obj({{"id", str()}, {"name", str()}}))
            .handle([](Call& c) { return json(200, deploymentDto(visibleDeployment(c, c.request.params.at("id")))); })
            .route);
  t.add(R("GET", "/deployment/{id}/resources", "Deployment", "List a deployment's resources")
            .returns(arrayOf(obj({{"id", str()}, {"name", str()}, {"deploymentId", str()}})))
            .handle([](Call& c) {
              auto d = visibleDeployment(c, c.request.params.at("id"));
              array a;
              for (std::size_t i = 0; i < d.resources.size(); ++i) a.push_back(resourceDto(d, i));
              return json(200, a);
            })
            .route);
  t.add(R("GET", "/deployment/{id}/resources/{resourceId}", "Deployment", "Get a deployment resource")
            .returns(obj({{"id", str()}, {"name", str()}, {"deploymentId", str()}}))
            .handle([](Call& c) {
              auto d = visibleDeployment(c, c.request.params.at("id"));
              return json(200, resourceDto(d, resourceIndex(d, c.request.params.at("resourceId"))));
            })
            .route);
  t.add(R("GET", "/deployment/{id}/resources/{resourceId}/data", "Deployment", "Get a deployment resource's content")
            .handle([](Call& c) {
              auto d = visibleDeployment(c, c.request.params.at("id"));
              auto i = resourceIndex(d, c.request.params.at("resourceId"));
              Response r;
              r.contentType = "application/octet-stream";
              r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + d.resources[i] + "\"");
              if (d.resourceDefinitions[i]) r.body = c.engine.definitionXml(d.resourceDefinitions[i]);
              return r;
            })
            .route);
  t.add(R("DELETE", "/deployment/{id}", "Deployment", "Delete a deployment")
            .query("cascade", "boolean", "also delete the process instances of its definitions")
            .query("skipCustomListeners", "boolean")
            .query("skipIoMappings", "boolean")
            .noContent()
            .handle([](Call& c) {
              auto d = visibleDeployment(c, c.request.params.at("id"));
              if (!c.who.admin && d.tenant != c.who.tenant)
                throw Error(ErrorCode::forbidden, "user '" + c.who.user + "' may not delete a shared deployment");
              c.state.forgetDefinitions();  // even when it fails half-way: what was deleted is gone
              c.engine.deleteDeployment(d.id, queryBool(c, "cascade").value_or(false), c.who.user);
              c.state.forgetDefinitions();
              return server::noContent();
            })
            .route);
}

}  // namespace ordo::server::camunda7
