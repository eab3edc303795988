// What the Camunda 7 handlers share: building routes, Camunda's date format and typed
// variables, ids as Camunda's strings, tenant visibility, paging, the DTOs of the API.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <ordo/engine.hpp>
#include <set>
#include <string>
#include <vector>

#include "server/http.hpp"
#include "server/schema.hpp"

namespace ordo::server::camunda7 {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// A route in one expression: R("GET", "/task/{id}", "Task", "Get a task").query("x").handle(...).
class R {
 public:
  R(const char* method, const std::string& path, const char* tag, const char* summary);
  R& query(const char* name, const char* type = "string", const char* description = nullptr, bool required = false);
  R& body(value schema, const char* contentType = nullptr);
  R& returns(value schema, int status = 200);
  R& noContent();
  R& admin();
  R& open();
  R& large();
  R& paged();  // firstResult, maxResults
  R& handle(std::function<Response(Call&)> f);
  Route route;
};

void addDeploymentRoutes(RouteTable& t);
void addDefinitionRoutes(RouteTable& t);
void addInstanceRoutes(RouteTable& t);
void addTaskRoutes(RouteTable& t);
void addTaskOperationRoutes(RouteTable& t);
void addExternalTaskRoutes(RouteTable& t);
void addEventAndJobRoutes(RouteTable& t);
void addHistoryRoutes(RouteTable& t);
void addIdentityRoutes(RouteTable& t);
void addOrdoRoutes(RouteTable& t);

// Camunda's date format: 2013-01-23T14:42:45.000+0000 (always UTC here).
std::string isoTime(std::int64_t ms);
value timeOrNull(std::int64_t ms);
std::int64_t parseTime(const std::string& text, const std::string& field);

// Ordo's ids are integers; Camunda's are strings. Anything else is simply an unknown id.
Id parseId(const std::string& text, const std::string& what);
std::string idString(Id id);
value idOrNull(Id id);
value strOrNull(const std::string& s);

// Typed variables: {"name": {"value": ..., "type": ..., "valueInfo": {}}}.
value typedValue(const value& v);
object typedVariables(const Variables& vars);
Variables untypedVariables(const value* typed, const std::string& field);
value untypedValue(const value& typed, const std::string& field);

const object& body(const Call& c);
std::string text(const object& o, const char* key);  // "" when absent or null
std::optional<std::int64_t> integerField(const object& o, const char* key);
bool flag(const object& o, const char* key, bool otherwise = false);
std::vector<std::string> strings(const object& o, const char* key);
std::string param(const Call& c, const char* name);  // query parameter, "" when absent
std::optional<std::int64_t> queryInt(const Call& c, const char* name);
std::optional<bool> queryBool(const Call& c, const char* name);

// Tenants: an administrator sees all; anyone else their own tenant's (and tenant-less definitions).
bool seesTenant(const Principal& who, const std::string& tenant);
Instance visibleInstance(Call& c, const std::string& id);
Task visibleTask(Call& c, const std::string& id, Instance* instance = nullptr);
Definition visibleDefinition(Call& c, const std::string& id);
// A task of the runtime: open (a completed or cancelled one is 404, as in Camunda's runtime API).
Task openTask(Call& c, const std::string& id, Instance* instance);
Engine::DefinitionOrigin definitionOrigin(Call& c, Id definition);
// The definitions this caller sees (live deployments, its tenant), oldest first.
std::vector<std::pair<Definition, Engine::DefinitionOrigin>> visibleDefinitions(Call& c);
// The latest visible version of `key` (of `tenant` when given): not_found otherwise.
Definition latestVisible(Call& c, const std::string& key, const std::string* tenant = nullptr);

// The user a command acts as: the caller, or `field` of the body when the caller is an
// administrator or a service account (of the named user's tenant).
std::string actingUser(Call& c, const object& o, const char* field = "userId");
void requireSelfOrTrusted(Call& c, const std::string& user, const char* field);

// firstResult / maxResults on a list already filtered.
template <class T>
void page(std::vector<T>& items, const Call& c) {
  auto first = queryInt(c, "firstResult").value_or(0);
  auto max = queryInt(c, "maxResults").value_or(-1);
  if (first < 0) first = 0;
  if (first >= static_cast<std::int64_t>(items.size())) {
    items.clear();
    return;
  }
  items.erase(items.begin(), items.begin() + first);
  if (max >= 0 && max < static_cast<std::int64_t>(items.size())) items.resize(static_cast<std::size_t>(max));
}
value countOf(std::size_t n);
std::set<std::string> commaList(const std::string& s);
// Starting `d` with a body's variables and businessKey: the caller starts it, in the definition's
// tenant (or, for a shared definition, the caller's).
StartRequest startRequestFor(Call& c, const Definition& d, const object& b);

value definitionDto(const Definition& d, const Engine::DefinitionOrigin& origin);
value instanceDto(const Instance& i);
value taskDto(const Task& t, const Instance& i);
value historicInstanceDto(const Instance& i, const std::string& definitionName);
value deploymentDto(const DeploymentRecord& d);

// Schemas the routes share.
value definitionSchema();
value instanceSchema();
value taskSchema();
value countSchema();

}  // namespace ordo::server::camunda7
