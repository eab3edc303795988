// What the low-code handlers share: the dialect (an application credential in headers,
// entId and userId in the query, the {status, code, msg, result} envelope, always HTTP 200),
// the route builder, the acting user of an enterprise, and what that enterprise sees.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "server/http.hpp"
#include "server/schema.hpp"

namespace ordo::server::lowcode {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr const char* kPrefix = "/openservice/app-designer/openworkflow/";
constexpr int kOk = 1000000;
// Proposed codes (CONTRACTS.md seed 000): the document's 状态码 page is not in the export.
constexpr int kBadParameter = 1004000;
constexpr int kBadCredential = 1004010;
constexpr int kNoPermission = 1004030;
constexpr int kNotFound = 1004040;
constexpr int kWrongState = 1004090;
constexpr int kInternal = 1005000;

std::shared_ptr<const Dialect> dialect();

// Who acts: the enterprise (entId, the engine tenant) and its user (userId), through the application.
struct Who {
  std::string ent, user;
  Actor actor;
};

// A route: L("invalid", "...").body(schema).boolean().handle(f); f answers `result`.
class L {
 public:
  L(const char* verb, const char* summary);
  L& body(value schema);
  L& boolean();  // result is a boolean (false on failure; otherwise null)
  L& handle(std::function<value(Call&, const Who&)> f);
  Route route;
};

void addInstanceOperationRoutes(RouteTable& t);
void addQueryRoutes(RouteTable& t);
void addStartAndEntrustRoutes(RouteTable& t);

const object& body(const Call& c);
std::string text(const object& o, const char* key);  // "" when absent or null
Id idOf(const object& o, const char* key);           // an integer id (the schema checked its type)
Variables formData(const object& o);                 // formData, {} when absent
// A user of the enterprise: unknown is not found, another enterprise's no permission.
void requireMember(Call& c, const Who& who, const std::string& user, const char* field);
// An instance of the enterprise: another enterprise's is refused exactly as an unknown one.
Instance visibleInstance(Call& c, const Who& who, Id id);
Definition latestDefinition(Call& c, const Who& who, const std::string& processKey);
// The open tasks at `nodeId` (none: wrong state, naming the node); the user's own first.
std::vector<Task> openTasksAt(Call& c, Id instanceId, const std::string& nodeId, const std::string& user);
std::map<std::string, std::string> nodeNames(Call& c, Id definitionId);
array assigneesOf(const Task& t);
bool isOpen(const Task& t);

std::string dateTime(std::int64_t ms);                                   // yyyy-MM-dd HH:mm:ss, local
std::int64_t parseDateTime(const std::string& text, const char* field);  // 0 for ""

}  // namespace ordo::server::lowcode
