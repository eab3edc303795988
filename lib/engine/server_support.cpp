// Engine methods for servers (engine.hpp, "for servers"): deployments recorded beside the
// definitions, the directory's listings, credentials and API tokens, jobs across instances.
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "engine/impl.hpp"
#include "store/server_tables.hpp"

namespace ordo {

namespace {

// Reads of the server's tables on a database no server wrote: nothing there yet.
template <class T, class F>
T readServer(const Engine::Impl& impl, F f) {
  return impl.read([&](store::Connection& c) -> T {
    if (!store::hasServerTables(c)) return T{};
    return f(c);
  });
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
  for (const auto& r : request.resources) {
    auto parsed = parse::parseDefinitions(r.xml, {ValidationPurpose::execution});
    auto ds = parsed.diagnostics;
    if (parsed.definitions) runtime::CompiledModel::compile(parsed.definitions, ds);
    if (!parsed.definitions || hasErrors(ds))
      throw Error(ErrorCode::parse_error, r.name + ": " + summarize(ds)).withDiagnostics(ds);
  }
  DeploymentRecord out;
  out.name = request.name;
  out.source = request.source;
  out.tenant = request.tenant;
  bool anyNew = false;
  for (const auto& r : request.resources) {
    auto d = deploy(r.xml, tenantMarker(request.tenant));
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
  out.id = impl_->command([&](store::Connection& c) {
    store::createServerTables(c);
    return store::insertDeployment(c, out);
  });
  return out;
}

std::vector<DeploymentRecord> Engine::deployments() const {
  return readServer<std::vector<DeploymentRecord>>(*impl_,
                                                   [](store::Connection& c) { return store::listDeployments(c); });
}

DeploymentRecord Engine::deployment(Id id) const {
  auto d = readServer<std::optional<DeploymentRecord>>(
      *impl_, [&](store::Connection& c) { return store::deploymentById(c, id); });
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
      if (inst.definitionId == def && inst.state != "deleted") affected.push_back(inst.id);
  if (!affected.empty() && !cascade)
    throw Error(ErrorCode::wrong_state, "deployment " + std::to_string(id) + " has " + std::to_string(affected.size()) +
                                            " process instance(s); delete with cascade=true to remove them too");
  for (Id inst : affected)
    if (instance(inst).parentId == 0) deleteInstance(inst, user, false);
  impl_->command([&](store::Connection& c) { store::markDeploymentDeleted(c, id); });
}

std::string Engine::definitionXml(Id definitionId) const {
  definition(definitionId);  // not_found
  return impl_->read([&](store::Connection& c) { return store::definitionXml(c, definitionId); });
}

std::map<Id, Engine::DefinitionOrigin> Engine::definitionOrigins() const {
  return readServer<std::map<Id, DefinitionOrigin>>(*impl_,
                                                    [](store::Connection& c) { return store::definitionOrigins(c); });
}

std::vector<User> Engine::users() const {
  return impl_->read([](store::Connection& c) { return store::listUsers(c); });
}

void Engine::deleteUser(const std::string& id) {
  if (!user(id)) throw Error(ErrorCode::not_found, "user '" + id + "' not found");
  impl_->command([&](store::Connection& c) {
    store::createServerTables(c);
    store::deleteUserRows(c, id);
  });
}

std::vector<std::pair<std::string, std::string>> Engine::roles() const {
  return impl_->read([](store::Connection& c) { return store::listRoles(c); });
}

void Engine::deleteRole(const std::string& id) {
  bool found = false;
  for (const auto& r : roles()) found = found || r.first == id;
  if (!found) throw Error(ErrorCode::not_found, "group '" + id + "' not found");
  impl_->command([&](store::Connection& c) { store::deleteRoleRows(c, id); });
}

void Engine::saveTenant(const Tenant& tenant) {
  if (tenant.id.empty()) throw Error(ErrorCode::invalid_argument, "id: a tenant needs an id");
  impl_->command([&](store::Connection& c) {
    store::createServerTables(c);
    store::saveTenant(c, tenant);
  });
}

std::vector<Tenant> Engine::tenants() const {
  return readServer<std::vector<Tenant>>(*impl_, [](store::Connection& c) { return store::listTenants(c); });
}

void Engine::deleteTenant(const std::string& id) {
  bool found = impl_->command([&](store::Connection& c) {
    store::createServerTables(c);
    return store::deleteTenant(c, id);
  });
  if (!found) throw Error(ErrorCode::not_found, "tenant '" + id + "' not found");
}

void Engine::setPasswordHash(const std::string& user, const std::string& hash) {
  impl_->command([&](store::Connection& c) {
    store::createServerTables(c);
    store::setPasswordHash(c, user, hash);
  });
}

std::string Engine::passwordHash(const std::string& user) const {
  return readServer<std::string>(*impl_, [&](store::Connection& c) { return store::passwordHash(c, user); });
}

Id Engine::createApiToken(const std::string& user, const std::string& name, const std::string& secretHash) {
  if (!this->user(user)) throw Error(ErrorCode::not_found, "userId: user '" + user + "' not found");
  if (secretHash.empty()) throw Error(ErrorCode::invalid_argument, "an API token needs a secret hash");
  auto now = impl_->clock->nowMillis();
  return impl_->command([&](store::Connection& c) {
    store::createServerTables(c);
    return store::insertApiToken(c, user, name, secretHash, now);
  });
}

std::optional<ApiToken> Engine::apiTokenByHash(const std::string& secretHash) const {
  return readServer<std::optional<ApiToken>>(
      *impl_, [&](store::Connection& c) { return store::apiTokenByHash(c, secretHash); });
}

std::vector<ApiToken> Engine::apiTokens(const std::string& user) const {
  return readServer<std::vector<ApiToken>>(*impl_, [&](store::Connection& c) { return store::listApiTokens(c, user); });
}

void Engine::revokeApiToken(Id id) {
  auto now = impl_->clock->nowMillis();
  bool found = impl_->command([&](store::Connection& c) {
    store::createServerTables(c);
    return store::revokeApiToken(c, id, now);
  });
  if (!found) throw Error(ErrorCode::not_found, "token " + std::to_string(id) + " not found");
}

std::vector<JobInfo> Engine::jobs(Id instanceId) const {
  return impl_->read([&](store::Connection& c) { return store::listJobs(c, instanceId); });
}

void Engine::setJobRetries(Id jobId, int retries) {
  if (retries < 0) throw Error(ErrorCode::invalid_argument, "retries: must be >= 0");
  bool found = impl_->command([&](store::Connection& c) { return store::setJobRetries(c, jobId, retries); });
  if (!found) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
}

void Engine::setJobDueDate(Id jobId, std::int64_t dueAt) {
  impl_->command([&](store::Connection& c) {
    auto job = store::jobById(c, jobId);
    if (!job) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
    if (job->kind == "external")
      throw Error(ErrorCode::wrong_state, "job " + std::to_string(jobId) + " is an external task: it has no due date",
                  job->elementId);
    store::setJobDue(c, jobId, dueAt);
  });
  std::lock_guard lock(impl_->executorMutex);
  impl_->wakeExecutor.notify_all();  // an earlier due date may be due now
}

void Engine::executeJob(Id jobId) {
  auto now = impl_->clock->nowMillis();
  impl_->command([&](store::Connection& c) {
    auto job = store::jobById(c, jobId);
    if (!job) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
    if (job->kind == "external")
      throw Error(ErrorCode::wrong_state, "job " + std::to_string(jobId) + " is an external task: a worker runs it",
                  job->elementId);
    if (job->retries <= 0) store::setJobRetries(c, jobId, 1);
    store::makeJobDue(c, jobId, now);
  });
  runDueJobs();
}

std::vector<ExternalTask> Engine::allExternalTasks() const {
  return impl_->read([](store::Connection& c) { return store::listExternalTasks(c); });
}

std::vector<Incident> Engine::allIncidents() const {
  return impl_->read([](store::Connection& c) { return store::listIncidents(c); });
}

void Engine::extendExternalLock(Id id, const std::string& workerId, std::int64_t lockMillis) {
  if (lockMillis <= 0) throw Error(ErrorCode::invalid_argument, "newDuration: must be > 0");
  auto now = impl_->clock->nowMillis();
  impl_->command([&](store::Connection& c) {
    for (const auto& e : store::listExternalTasks(c))
      if (e.id == id) {
        if (e.workerId != workerId || e.lockExpiresAt <= now)
          throw Error(ErrorCode::wrong_state,
                      "external task " + std::to_string(id) + " is not locked by worker '" + workerId + "'",
                      e.elementId);
        store::setExternalLock(c, id, now + lockMillis);
        return;
      }
    throw Error(ErrorCode::not_found, "external task " + std::to_string(id) + " not found");
  });
}

void Engine::unlockExternalTask(Id id) {
  impl_->command([&](store::Connection& c) {
    for (const auto& e : store::listExternalTasks(c))
      if (e.id == id) {
        store::unlockExternal(c, id);
        return;
      }
    throw Error(ErrorCode::not_found, "external task " + std::to_string(id) + " not found");
  });
}

}  // namespace ordo
