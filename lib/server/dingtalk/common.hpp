// What the DingTalk handlers share: the dialect (access_token in the query, the
// {errcode, errmsg, request_id} envelope, always HTTP 200), the route builder, DingTalk's
// date format, ids as strings, the acting user and the instances an application sees.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <ordo/engine.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/http.hpp"
#include "server/schema.hpp"

namespace ordo::server::dingtalk {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// DingTalk's global codes (CONTRACTS.md, seed 002).
constexpr int kOk = 0;
constexpr int kBadToken = 40014;
constexpr int kBadParameter = 40035;
constexpr int kUnknownUser = 33012;
constexpr int kNoPermission = 60011;
constexpr int kBadCredential = 40089;  // gettoken: 不合法的corpid或corpsecret
constexpr int kSystemBusy = -1;        // an internal fault, never an HTTP 5xx

// A refusal with DingTalk's own code (one the engine's ErrorCode cannot say, e.g. 33012).
struct DingError : std::runtime_error {
  int code;
  DingError(int c, const std::string& message) : std::runtime_error(message), code(c) {}
};

Response envelope(const Request& req, int errcode, const std::string& errmsg, object fields = {});
std::shared_ptr<const Dialect> dialect();

// A route: D("/topapi/processinstance/get", "...").body(schema).handle(f); f answers the fields
// beside errcode, errmsg and request_id.
class D {
 public:
  D(const char* path, const char* summary);
  D& get();
  D& open();
  D& query(const char* name, bool required = true);
  D& body(value schema);
  D& handle(std::function<object(Call&)> f);
  Route route;
};

void addOfficialRoutes(RouteTable& t);
void addOwnWorkflowRoutes(RouteTable& t);

// yyyy-MM-dd HH:mm:ss in the server's local zone (CONTRACTS.md "time").
std::string dateTime(std::int64_t ms);

const object& body(const Call& c);
const object& request(const Call& c);                // the {"request": {...}} wrapper's object
std::string text(const object& o, const char* key);  // "" when absent or null
// An id DingTalk sends as a string (or a number): an engine id, else 40035 naming the field.
Id idField(const object& o, const char* key);
std::string idString(Id id);

// The application behind the access_token ("dingtalk:<appkey>"), and its tenant.
const std::string& application(const Call& c);
// The user `field` names: a known user (else 33012), acting through the application.
Actor actingUser(Call& c, const object& o, const char* field);
void requireUser(Call& c, const std::string& id, const char* field);
// An instance this application sees (its tenant): another tenant's is unknown, as a bad id is.
Instance visibleInstance(Call& c, Id id);

// A form value as a variable: JSON numbers, booleans, arrays and objects are parsed (a
// DingTalk form sends every value as a string); any other text stays a string.
value formValue(const std::string& text);
std::string valueText(const value& v);                  // a variable as a form value's text
value oneOf(std::initializer_list<const char*> types);  // a schema of several types
value wrapped(value inner);                             // {"request": inner}, required

// DingTalk's vocabulary for Ordo's states.
std::string instanceStatus(const Instance& i);  // NEW, RUNNING, TERMINATED, COMPLETED, CANCELED
std::string instanceResult(const Instance& i);  // agree, refuse, "" while running
std::string taskStatus(const Task& t);          // RUNNING, COMPLETED, CANCELED
bool isOpen(const Task& t);

}  // namespace ordo::server::dingtalk
