// Tables a server keeps beside the engine's (schema 11): deployments, credentials, API tokens,
// tenants; and operator views of jobs, external tasks and incidents across instances.
#pragma once

#include <map>
#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace ordo::store {

Id insertDeployment(Connection& c, const DeploymentRecord& d);
std::vector<DeploymentRecord> listDeployments(Connection& c, bool includeDeleted = false);
std::optional<DeploymentRecord> deploymentById(Connection& c, Id id);
std::optional<Definition> definitionInDeploymentOf(Connection& c, Id of, const std::string& key);
void markDeploymentDeleted(Connection& c, Id id);
std::map<Id, Engine::DefinitionOrigin> definitionOrigins(Connection& c);

std::vector<User> listUsers(Connection& c);
void deleteUserRows(Connection& c, const std::string& id);
std::vector<std::pair<std::string, std::string>> listRoles(Connection& c);
void deleteRoleRows(Connection& c, const std::string& id);
void saveTenant(Connection& c, const Tenant& t);
std::vector<Tenant> listTenants(Connection& c);
bool deleteTenant(Connection& c, const std::string& id);

void setPasswordHash(Connection& c, const std::string& user, const std::string& hash);
std::string passwordHash(Connection& c, const std::string& user);
Id insertApiToken(Connection& c, const std::string& user, const std::string& name, const std::string& hash,
                  std::int64_t now);
std::optional<ApiToken> apiTokenByHash(Connection& c, const std::string& hash);
std::vector<ApiToken> listApiTokens(Connection& c, const std::string& user);
bool revokeApiToken(Connection& c, Id id, std::int64_t now);

std::vector<JobInfo> listJobs(Connection& c, Id instance);
bool setJobRetries(Connection& c, Id job, int retries);
void setJobDue(Connection& c, Id job, std::int64_t due);
std::optional<JobInfo> jobById(Connection& c, Id job);
void makeJobDue(Connection& c, Id job, std::int64_t now);
std::vector<ExternalTask> listExternalTasks(Connection& c);
std::vector<Incident> listIncidents(Connection& c);
void setExternalLock(Connection& c, Id job, std::int64_t expires);
void unlockExternal(Connection& c, Id job);

}  // namespace ordo::store
