// The server's tables (store/server_tables.hpp), in SQL.
#include "store/server_tables.hpp"

#include <boost/json.hpp>

#include "store/rows.hpp"

namespace ordo::store {

namespace {

template <class F>
auto collect(Statement& q, F read) {
  std::vector<decltype(read(q))> out;
  while (q.step()) out.push_back(read(q));
  q.reset();
  return out;
}

std::string joinResources(const DeploymentRecord& d) {
  boost::json::array a;
  for (std::size_t i = 0; i < d.resources.size(); ++i)
    a.push_back(
        {{"name", d.resources[i]}, {"definition", i < d.resourceDefinitions.size() ? d.resourceDefinitions[i] : 0}});
  return boost::json::serialize(a);
}

void splitResources(const std::string& text, DeploymentRecord& d) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return;
  for (const auto& r : v.as_array()) {
    if (!r.is_object()) continue;
    const auto& o = r.as_object();
    d.resources.emplace_back(o.contains("name") && o.at("name").is_string() ? o.at("name").as_string() : "");
    d.resourceDefinitions.push_back(
        o.contains("definition") && o.at("definition").is_int64() ? o.at("definition").as_int64() : 0);
  }
}

}  // namespace

Id insertDeployment(Connection& c, const DeploymentRecord& d) {
  c.prepare("INSERT INTO server_deployments(name, source, tenant, deployed_at, resources) VALUES (?,?,?,?,?)")
      .bind(1, d.name)
      .bind(2, d.source)
      .bind(3, d.tenant)
      .bind(4, d.deployedAt)
      .bind(5, joinResources(d))
      .run();
  Id id = c.lastInsertId();
  for (const auto& def : d.definitions)
    c.prepare("INSERT OR IGNORE INTO server_deployment_definitions(deployment_id, definition_id) VALUES (?,?)")
        .bind(1, id)
        .bind(2, def.id)
        .run();
  return id;
}

namespace {
std::vector<DeploymentRecord> readDeployments(Connection& c, const std::string& where, Id id) {
  auto& q = c.prepare("SELECT id, name, source, tenant, deployed_at, resources FROM server_deployments " + where +
                      " ORDER BY id");
  if (id) q.bind(1, id);
  auto out = collect(q, [](Statement& r) {
    DeploymentRecord d;
    d.id = r.int64(0);
    d.name = r.text(1);
    d.source = r.text(2);
    d.tenant = r.text(3);
    d.deployedAt = r.int64(4);
    splitResources(r.text(5), d);
    d.created = true;
    return d;
  });
  auto& defs = c.prepare(
      "SELECT d.id, d.key, d.name, d.version, d.hash, d.deployed_at, d.category FROM server_deployment_definitions x "
      "JOIN definitions d ON d.id = x.definition_id WHERE x.deployment_id = ? ORDER BY d.id");
  for (auto& d : out) {
    defs.bind(1, d.id);
    d.definitions = collect(defs, [](Statement& r) {
      Definition def;
      def.id = r.int64(0);
      def.key = r.text(1);
      def.name = r.text(2);
      def.version = static_cast<int>(r.int64(3));
      def.hash = r.text(4);
      def.deployedAt = r.int64(5);
      def.category = r.text(6);
      return def;
    });
  }
  return out;
}
}  // namespace

std::vector<DeploymentRecord> listDeployments(Connection& c, bool includeDeleted) {
  return readDeployments(c, includeDeleted ? "" : "WHERE deleted = 0", 0);
}

std::optional<DeploymentRecord> deploymentById(Connection& c, Id id) {
  auto all = readDeployments(c, "WHERE deleted = 0 AND id = ?", id);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::optional<Definition> definitionInDeploymentOf(Connection& c, Id of, const std::string& key) {
  std::string cols;
  for (std::string_view rest = kDefinitionCols; !rest.empty();) {  // the columns, each as def.<column>
    auto comma = rest.find(", ");
    cols += (cols.empty() ? "def." : ", def.") + std::string(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
  }
  auto& q = c.prepare("SELECT " + cols +
                      " FROM server_deployment_definitions mine JOIN server_deployments d ON d.id = mine.deployment_id "
                      "JOIN server_deployment_definitions other ON other.deployment_id = mine.deployment_id "
                      "JOIN definitions def ON def.id = other.definition_id "
                      "WHERE mine.definition_id = ? AND d.deleted = 0 AND def.key = ? "
                      "ORDER BY d.id DESC, def.version DESC LIMIT 1");
  q.bind(1, of).bind(2, key);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

void markDeploymentDeleted(Connection& c, Id id) {
  c.prepare("UPDATE server_deployments SET deleted = 1 WHERE id = ?").bind(1, id).run();
}

std::map<Id, Engine::DefinitionOrigin> definitionOrigins(Connection& c) {
  std::map<Id, Engine::DefinitionOrigin> out;
  auto& q = c.prepare(
      "SELECT x.definition_id, d.id, d.tenant, d.deleted FROM server_deployment_definitions x JOIN server_deployments "
      "d "
      "ON d.id = x.deployment_id ORDER BY d.deleted DESC, d.id DESC");
  // Later rows win: a live deployment over a deleted one, the earliest live one over later ones.
  while (q.step()) out[q.int64(0)] = {q.int64(1), q.text(2), q.int64(3) != 0};
  q.reset();
  return out;
}

std::vector<User> listUsers(Connection& c) {
  auto& q = c.prepare("SELECT id, name, department_id, tenant FROM users ORDER BY id");
  auto users = collect(q, [](Statement& r) { return User{r.text(0), r.text(1), r.text(2), {}, r.text(3)}; });
  auto& roles = c.prepare("SELECT role_id FROM user_roles WHERE user_id = ? ORDER BY role_id");
  for (auto& u : users) {
    roles.bind(1, u.id);
    u.roles = collect(roles, [](Statement& r) { return r.text(0); });
  }
  return users;
}

void deleteUserRows(Connection& c, const std::string& id) {
  c.prepare("DELETE FROM user_roles WHERE user_id = ?").bind(1, id).run();
  c.prepare("DELETE FROM users WHERE id = ?").bind(1, id).run();
  c.prepare("DELETE FROM server_credentials WHERE user_id = ?").bind(1, id).run();
  c.prepare("UPDATE server_tokens SET revoked_at = coalesce(revoked_at, 1) WHERE user_id = ?").bind(1, id).run();
}

std::vector<std::pair<std::string, std::string>> listRoles(Connection& c) {
  auto& q = c.prepare("SELECT id, name FROM roles ORDER BY id");
  return collect(q, [](Statement& r) { return std::make_pair(r.text(0), r.text(1)); });
}

void deleteRoleRows(Connection& c, const std::string& id) {
  c.prepare("DELETE FROM user_roles WHERE role_id = ?").bind(1, id).run();
  c.prepare("DELETE FROM roles WHERE id = ?").bind(1, id).run();
}

void saveTenant(Connection& c, const Tenant& t) {
  c.prepare("INSERT INTO server_tenants(id, name) VALUES (?,?) ON CONFLICT(id) DO UPDATE SET name = excluded.name")
      .bind(1, t.id)
      .bind(2, t.name)
      .run();
}

std::vector<Tenant> listTenants(Connection& c) {
  auto& q = c.prepare("SELECT id, name FROM server_tenants ORDER BY id");
  return collect(q, [](Statement& r) { return Tenant{r.text(0), r.text(1)}; });
}

bool deleteTenant(Connection& c, const std::string& id) {
  c.prepare("DELETE FROM server_tenants WHERE id = ?").bind(1, id).run();
  return c.changes() > 0;
}

void setPasswordHash(Connection& c, const std::string& user, const std::string& hash) {
  if (hash.empty()) {
    c.prepare("DELETE FROM server_credentials WHERE user_id = ?").bind(1, user).run();
    return;
  }
  c.prepare(
       "INSERT INTO server_credentials(user_id, hash) VALUES (?,?) ON CONFLICT(user_id) DO UPDATE SET hash = "
       "excluded.hash")
      .bind(1, user)
      .bind(2, hash)
      .run();
}

std::string passwordHash(Connection& c, const std::string& user) {
  auto& q = c.prepare("SELECT hash FROM server_credentials WHERE user_id = ?");
  q.bind(1, user);
  std::string out = q.step() ? q.text(0) : std::string();
  q.reset();
  return out;
}

Id insertApiToken(Connection& c, const std::string& user, const std::string& name, const std::string& hash,
                  std::int64_t now) {
  c.prepare("INSERT INTO server_tokens(user_id, name, hash, created_at) VALUES (?,?,?,?)")
      .bind(1, user)
      .bind(2, name)
      .bind(3, hash)
      .bind(4, now)
      .run();
  return c.lastInsertId();
}

namespace {
ApiToken readToken(Statement& r) {
  return ApiToken{r.int64(0), r.text(1), r.text(2), r.int64(3), r.isNull(4) ? 0 : r.int64(4)};
}
}  // namespace

std::optional<ApiToken> apiTokenByHash(Connection& c, const std::string& hash) {
  auto& q = c.prepare(
      "SELECT id, user_id, name, created_at, revoked_at FROM server_tokens WHERE hash = ? AND revoked_at IS NULL");
  q.bind(1, hash);
  std::optional<ApiToken> out;
  if (q.step()) out = readToken(q);
  q.reset();
  return out;
}

std::vector<ApiToken> listApiTokens(Connection& c, const std::string& user) {
  auto& q = c.prepare(
      "SELECT id, user_id, name, created_at, revoked_at FROM server_tokens WHERE ? = '' OR user_id = ? ORDER BY id");
  q.bind(1, user).bind(2, user);
  return collect(q, readToken);
}

bool revokeApiToken(Connection& c, Id id, std::int64_t now) {
  c.prepare("UPDATE server_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .bind(1, now)
      .bind(2, id)
      .run();
  return c.changes() > 0;
}

namespace {
const char* kJobColumns = "SELECT id, instance_id, kind, element_id, topic, error, retries, due_at FROM jobs ";
JobInfo readJob(Statement& r) {
  return JobInfo{r.int64(0),
                 r.int64(1),
                 r.text(2),
                 r.text(3),
                 r.text(4),
                 r.text(5),
                 static_cast<int>(r.int64(6)),
                 r.isNull(7) ? 0 : r.int64(7)};
}
}  // namespace

std::vector<JobInfo> listJobs(Connection& c, Id instance) {
  auto& q = c.prepare(std::string(kJobColumns) + "WHERE ? = 0 OR instance_id = ? ORDER BY id");
  q.bind(1, instance).bind(2, instance);
  return collect(q, readJob);
}

std::optional<JobInfo> jobById(Connection& c, Id job) {
  auto& q = c.prepare(std::string(kJobColumns) + "WHERE id = ?");
  q.bind(1, job);
  std::optional<JobInfo> out;
  if (q.step()) out = readJob(q);
  q.reset();
  return out;
}

bool setJobRetries(Connection& c, Id job, int retries) {
  c.prepare("UPDATE jobs SET retries = ? WHERE id = ?").bind(1, retries).bind(2, job).run();
  return c.changes() > 0;
}

void setJobDue(Connection& c, Id job, std::int64_t due) {
  c.prepare("UPDATE jobs SET due_at = ? WHERE id = ?").bind(1, due).bind(2, job).run();
}

void makeJobDue(Connection& c, Id job, std::int64_t now) {
  c.prepare("UPDATE jobs SET due_at = ?, lock_owner = NULL, lock_expires = 0 WHERE id = ?")
      .bind(1, now)
      .bind(2, job)
      .run();
}

std::vector<ExternalTask> listExternalTasks(Connection& c) {
  auto& q = c.prepare(
      "SELECT id, instance_id, element_id, topic, lock_owner, retries, lock_expires FROM jobs WHERE kind = 'external' "
      "ORDER BY id");
  return collect(q, [](Statement& r) {
    ExternalTask e;
    e.id = r.int64(0);
    e.instanceId = r.int64(1);
    e.elementId = r.text(2);
    e.topic = r.text(3);
    e.workerId = r.text(4);
    e.retries = static_cast<int>(r.int64(5));
    e.lockExpiresAt = r.int64(6);
    return e;
  });
}

std::vector<Incident> listIncidents(Connection& c) {
  auto& q = c.prepare(
      "SELECT id, instance_id, job_id, element_id, message, created_at, resolved_at FROM incidents ORDER BY id");
  return collect(q, [](Statement& r) {
    return Incident{r.int64(0), r.int64(1), r.isNull(2) ? 0 : r.int64(2), r.text(3),
                    r.text(4),  r.int64(5), r.isNull(6) ? 0 : r.int64(6)};
  });
}

void setExternalLock(Connection& c, Id job, std::int64_t expires) {
  c.prepare("UPDATE jobs SET lock_expires = ? WHERE id = ?").bind(1, expires).bind(2, job).run();
}

void unlockExternal(Connection& c, Id job) {
  c.prepare("UPDATE jobs SET lock_owner = NULL, lock_expires = 0 WHERE id = ?").bind(1, job).run();
}

}  // namespace ordo::store
