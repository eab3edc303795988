// Engine methods for servers (engine.hpp, "for servers"): deployments recorded beside the
// definitions, the directory's listings, credentials and API tokens, jobs across instances.
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "engine/impl.hpp"

namespace ordo {

namespace {

// A read of the server's tables, in one snapshot.
template <class T, class F>
T readServer(const Engine::Impl& impl, F f) {
  return impl.read([&](store::Session& c) -> T { return f(c); });
}

// A tenant's definitions hash differently from the same XML in another tenant (or none),
// so that each tenant owns its versions: the tenant travels as a form the definition carries.
std::map<std::string, std::string> tenantMarker(const std::string& tenant) {
  if (tenant.empty()) return {};
  return {{"ordo:tenant", boost::json::serialize(boost::json::string(tenant))}};
}

}  // namespace

DeploymentRecord Engine::deployResources(const DeploymentRequest& request) {
  if (request.resources.empty())
    throw Error(ErrorCode::invalid_argument, "data: a deployment needs at least one resource");
  // Every resource is checked before any is deployed: a bad file deploys nothing.
  std::vector<std::shared_ptr<runtime::CompiledModel>> compiled;
  for (const auto& r : request.resources) {
    auto parsed = parse::parseDefinitions(r.xml, {ValidationPurpose::execution});
    auto ds = parsed.diagnostics;
    if (parsed.definitions) compiled.push_back(runtime::CompiledModel::compile(parsed.definitions, ds));
    if (!parsed.definitions || hasErrors(ds))
      throw Error(ErrorCode::parse_error, r.name + ": " + summarize(ds)).withDiagnostics(ds);
  }
  // So is every message start against what is deployed and what is deployed with it.
  impl_->read([&](store::Session& c) {
    std::map<std::string, std::string> together;
    for (std::size_t i = 0; i < compiled.size(); ++i) try {
        for (const auto& p : compiled[i]->model->processes)
          if (p->executable) refuseTakenMessageStarts(c, *compiled[i], *p, &together);
      } catch (Error& e) {
        throw Error(ErrorCode::parse_error, request.resources[i].name + ": " + e.what())
            .withDiagnostics(e.diagnostics());
      }
  });
  DeploymentRecord out;
  out.name = request.name;
  out.source = request.source;
  out.tenant = request.tenant;
  bool anyNew = false;
  for (const auto& r : request.resources) {
    auto forms = tenantMarker(request.tenant);
    forms.insert(request.forms.begin(), request.forms.end());
    auto d = deploy(r.xml, forms);
    anyNew = anyNew || d.created;
    out.resources.push_back(r.name);
    out.resourceDefinitions.push_back(d.definitions.empty() ? 0 : d.definitions.front().id);
    for (auto& def : d.definitions) out.definitions.push_back(def);
  }
  if (request.duplicateFiltering && !anyNew) {
    // Nothing changed: the latest live deployment of the same name that holds these definitions.
    auto all = deployments();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->name != request.name || it->tenant != request.tenant) continue;
      bool holdsAll = true;
      for (const auto& def : out.definitions) {
        bool found = false;
        for (const auto& mine : it->definitions) found = found || mine.id == def.id;
        holdsAll = holdsAll && found;
      }
      if (holdsAll) {
        it->created = false;
        return *it;
      }
    }
  }
  out.deployedAt = impl_->clock->nowMillis();
  out.created = true;
  out.id = impl_->command([&](store::Session& c) { return c.insertDeployment(out); });
  return out;
}

std::vector<DeploymentRecord> Engine::deployments() const {
  return readServer<std::vector<DeploymentRecord>>(*impl_, [](store::Session& c) { return c.listDeployments(); });
}

DeploymentRecord Engine::deployment(Id id) const {
  auto d = readServer<std::optional<DeploymentRecord>>(*impl_, [&](store::Session& c) { return c.deploymentById(id); });
  if (!d) throw Error(ErrorCode::not_found, "deployment " + std::to_string(id) + " not found");
  return *d;
}

void Engine::deleteDeployment(Id id, bool cascade, const std::string& user) {
  auto d = deployment(id);
  auto origins = definitionOrigins();
  // Only the definitions this deployment alone keeps alive go away with it.
  std::vector<Id> leaving;
  for (const auto& def : d.definitions) {
    bool keptByOther = false;
    for (const auto& other : deployments())
      if (other.id != id)
        for (const auto& od : other.definitions) keptByOther = keptByOther || od.id == def.id;
    if (!keptByOther) leaving.push_back(def.id);
  }
  std::vector<Id> affected;
  InstanceQuery all;
  all.limit = 1000000;
  for (const auto& inst : instances(all))
    for (Id def : leaving)
      if (inst.definitionId == def && inst.state != Instance::State::deleted) affected.push_back(inst.id);
  if (!affected.empty() && !cascade)
    throw Error(ErrorCode::wrong_state, "deployment " + std::to_string(id) + " has " + std::to_string(affected.size()) +
                                            " process instance(s); delete with cascade=true to remove them too");
  for (Id inst : affected)
    if (instance(inst).parentId == 0) deleteInstance(inst, user, false);
  impl_->command([&](store::Session& c) { c.markDeploymentDeleted(id); });
}

std::string Engine::definitionXml(Id definitionId) const {
  definition(definitionId);  // not_found
  return impl_->read([&](store::Session& c) { return c.definitionXml(definitionId); });
}

std::map<Id, Engine::DefinitionOrigin> Engine::definitionOrigins() const {
  return readServer<std::map<Id, DefinitionOrigin>>(*impl_, [](store::Session& c) { return c.definitionOrigins(); });
}

std::vector<User> Engine::users() const {
  return impl_->read([](store::Session& c) { return c.listUsers(); });
}

void Engine::deleteUser(const std::string& id) {
  if (!user(id)) throw Error(ErrorCode::not_found, "user '" + id + "' not found");
  impl_->command([&](store::Session& c) { c.deleteUserRows(id); });
}

std::vector<std::pair<std::string, std::string>> Engine::roles() const {
  return impl_->read([](store::Session& c) { return c.listRoles(); });
}

void Engine::deleteRole(const std::string& id) {
  bool found = false;
  for (const auto& r : roles()) found = found || r.first == id;
  if (!found) throw Error(ErrorCode::not_found, "group '" + id + "' not found");
  impl_->command([&](store::Session& c) { c.deleteRoleRows(id); });
}

void Engine::saveTenant(const Tenant& tenant) {
  if (tenant.id.empty()) throw Error(ErrorCode::invalid_argument, "id: a tenant needs an id");
  impl_->command([&](store::Session& c) { c.saveTenant(tenant); });
}

std::vector<Tenant> Engine::tenants() const {
  return readServer<std::vector<Tenant>>(*impl_, [](store::Session& c) { return c.listTenants(); });
}

void Engine::deleteTenant(const std::string& id) {
  bool found = impl_->command([&](store::Session& c) { return c.deleteTenant(id); });
  if (!found) throw Error(ErrorCode::not_found, "tenant '" + id + "' not found");
}

void Engine::setPasswordHash(const std::string& user, const std::string& hash) {
  impl_->command([&](store::Session& c) { c.setPasswordHash(user, hash); });
}

std::string Engine::passwordHash(const std::string& user) const {
  return readServer<std::string>(*impl_, [&](store::Session& c) { return c.passwordHash(user); });
}

Id Engine::createApiToken(const std::string& user, const std::string& name, const std::string& secretHash) {
  if (!this->user(user)) throw Error(ErrorCode::not_found, "userId: user '" + user + "' not found");
  if (secretHash.empty()) throw Error(ErrorCode::invalid_argument, "an API token needs a secret hash");
  auto now = impl_->clock->nowMillis();
  return impl_->command([&](store::Session& c) { return c.insertApiToken(user, name, secretHash, now); });
}

std::optional<ApiToken> Engine::apiTokenByHash(const std::string& secretHash) const {
  return readServer<std::optional<ApiToken>>(*impl_, [&](store::Session& c) { return c.apiTokenByHash(secretHash); });
}

std::vector<ApiToken> Engine::apiTokens(const std::string& user) const {
  return readServer<std::vector<ApiToken>>(*impl_, [&](store::Session& c) { return c.listApiTokens(user); });
}

void Engine::revokeApiToken(Id id) {
  auto now = impl_->clock->nowMillis();
  bool found = impl_->command([&](store::Session& c) { return c.revokeApiToken(id, now); });
  if (!found) throw Error(ErrorCode::not_found, "token " + std::to_string(id) + " not found");
}

std::vector<JobInfo> Engine::jobs(Id instanceId) const {
  return impl_->read([&](store::Session& c) { return c.listJobs(instanceId); });
}

void Engine::setJobRetries(Id jobId, int retries) {
  if (retries < 0) throw Error(ErrorCode::invalid_argument, "retries: must be >= 0");
  bool found = impl_->command([&](store::Session& c) { return c.setJobRetries(jobId, retries); });
  if (!found) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
}

void Engine::setJobDueDate(Id jobId, std::int64_t dueAt) {
  impl_->command([&](store::Session& c) {
    auto job = c.jobById(jobId);
    if (!job) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
    if (job->kind == "external")
      throw Error(ErrorCode::wrong_state, "job " + std::to_string(jobId) + " is an external task: it has no due date",
                  job->elementId);
    c.setJobDue(jobId, dueAt);
  });
  impl_->executor.wake();  // an earlier due date may be due now
}

void Engine::executeJob(Id jobId) {
  auto now = impl_->clock->nowMillis();
  impl_->command([&](store::Session& c) {
    auto job = c.jobById(jobId);
    if (!job) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
    if (job->kind == "external")
      throw Error(ErrorCode::wrong_state, "job " + std::to_string(jobId) + " is an external task: a worker runs it",
                  job->elementId);
    if (job->retries <= 0) c.setJobRetries(jobId, 1);
    c.makeJobDue(jobId, now);
  });
  runDueJobs();
}

std::vector<ExternalTask> Engine::allExternalTasks() const {
  return impl_->read([](store::Session& c) { return c.listExternalTasks(); });
}

std::vector<Incident> Engine::allIncidents() const {
  return impl_->read([](store::Session& c) { return c.listIncidents(); });
}

void Engine::extendExternalLock(Id id, const std::string& workerId, std::int64_t lockMillis) {
  if (lockMillis <= 0) throw Error(ErrorCode::invalid_argument, "newDuration: must be > 0");
  auto now = impl_->clock->nowMillis();
  impl_->command([&](store::Session& c) {
    for (const auto& e : c.listExternalTasks())
      if (e.id == id) {
        if (e.workerId != workerId || e.lockExpiresAt <= now)
          throw Error(ErrorCode::wrong_state,
                      "external task " + std::to_string(id) + " is not locked by worker '" + workerId + "'",
                      e.elementId);
        c.setExternalLock(id, now + lockMillis);
        return;
      }
    throw Error(ErrorCode::not_found, "external task " + std::to_string(id) + " not found");
  });
}

void Engine::unlockExternalTask(Id id) {
  impl_->command([&](store::Session& c) {
    for (const auto& e : c.listExternalTasks())
      if (e.id == id) {
        c.unlockExternal(id);
        return;
      }
    throw Error(ErrorCode::not_found, "external task " + std::to_string(id) + " not found");
  });
}

}  // namespace ordo
