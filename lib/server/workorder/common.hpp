// What the work-order handlers share: the route builder, the envelopes and codes, the
// dialect (authentication and error body), local times, Flowable-style definition ids.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "server/http.hpp"
#include "server/schema.hpp"

namespace ordo::server::workorder {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// The documented status codes (接口响应状态码).
enum Code {
  kOk = 200,
  kWrongCall = 4000,     // 调用方式错误
  kNoPermission = 4001,  // 没有权限
  kDisabled = 4002,      // 账号已被禁止
  kBadToken = 4004,      // 无效的accesstoken
  kFailed = 404,         // 失败
  kBadParam = 4101,      // 参数错误
  kNoUser = 4200,        // 没找到用户
  kStoreFailed = 5003,   // 操作MYSQL失败
};
int codeOf(ErrorCode code);

// The dialect every route of it points to (one per path prefix, all alike).
std::shared_ptr<const Dialect> dialect();
std::vector<std::shared_ptr<const Dialect>> dialectPrefixes();

// A route of the dialect: W("GET", "/workflow/process/list", "...").query("pageNum", "integer", true).handle(...)
class W {
 public:
  W(const char* method, const std::string& path, const char* summary);
  W& query(const char* name, const char* type = "string", bool required = false, const char* description = nullptr);
  W& body(value schema);
  W& open();  // no header check by the dispatcher (the login checks its own)
  W& handle(std::function<Response(Call&)> f);
  Route route;
};

Response ok(const value& data, const char* msg = "操作成功");
Response rows(std::int64_t total, array rows, const char* msg = "查询成功");
Response fail(int code, const std::string& msg);

// yyyy-MM-dd HH:mm:ss in the server's local zone; null for 0.
std::string localTime(std::int64_t ms);
value localTimeOrNull(std::int64_t ms);
std::int64_t parseLocalTime(const std::string& text, const std::string& field);  // invalid_argument
// D天H小时M分S秒
std::string durationText(std::int64_t ms);

// Flowable's definitionId: <key>:<version>:<id>.
std::string definitionIdOf(const Definition& d);
// A definitionId, a plain id or a process key (its latest version), as the caller sees them.
Definition resolveDefinition(Call& c, const std::string& text, const char* field);
std::string deploymentIdOf(Call& c, Id definition);  // "" when deployed without a deployment

// Body and query fields, checked: a wrong type or a missing required field is invalid_argument naming it.
const object& bodyOf(const Call& c);
std::string textField(const object& o, const char* key, bool required = false);
bool hasField(const object& o, const char* key);
Variables objectField(const object& o, const char* key);              // an object, a JSON text of one, "" or absent
std::vector<std::string> userList(const object& o, const char* key);  // "a,b" or ["a","b"] or [{}]
std::string queryText(const Call& c, const char* name);
// pageNum / pageNo (1-based) and pageSize (1..1000); required.
void paging(const Call& c, const char* pageName, int& offset, int& limit);

Actor actorOf(const Call& c);
// A user the body names (delegate, transfer): nullopt when unknown (answered 4200).
bool userExists(Call& c, const std::string& id);

// The one place the dialect reads a task's state (rows.cpp).
bool taskOpen(const Task& t);
// The first open task of an instance, "" when none (the TaskId of start and complete).
std::string firstOpenTask(Call& c, Id instance);

// Lists and rows (rows.cpp).
object taskRow(Call& c, const ListItem& item, const std::string& list);

void addProcessRoutes(RouteTable& t);
void addTaskRoutes(RouteTable& t);
void addCatalogRoutes(RouteTable& t);
void addLoginRoute(RouteTable& t);
void addNativeRoutes(RouteTable& t);
void addReportRoutes(RouteTable& t);
void addPrintRoutes(RouteTable& t);

// Authentication (auth.cpp): the header schemes; `needToken` false for the login.
std::optional<Principal> authenticate(const Request& req, ServerState& state, std::string& why, bool needToken);
// Every client of `kind` (app, service): the config file's, then the registered ones.
std::vector<WorkOrderClient> allClients(ServerState& state, const std::string& kind);

}  // namespace ordo::server::workorder
