// What the WeDa handlers share: the {"Response": {RequestId, Error, Data}} envelope, Tencent
// Cloud's error codes, reading a body field by field (MissingParameter / InvalidParameter),
// ids as strings, UserInfo, the code tables (instance Status, TaskStatus, action codes).
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <vector>

#include "server/http.hpp"

namespace ordo::server::weda {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// A refusal with its Tencent Cloud code (MissingParameter, InvalidParameter ...): an ordo::Error
// underneath, so the server's dispatch hands it to the dialect's error function as it is.
class WedaError : public Error {
 public:
  WedaError(std::string wedaCode, const std::string& message, ErrorCode code = ErrorCode::invalid_argument)
      : Error(code, message), wedaCode_(std::move(wedaCode)) {}
  const std::string& wedaCode() const { return wedaCode_; }

 private:
  std::string wedaCode_;
};

// The Tencent Cloud code of an engine error (or of a WedaError).
std::string codeOf(const Error& e);

using DialectPtr = std::shared_ptr<const Dialect>;

// The client an action is called by (from its bearer token) and the users it may act for.
struct Client {
  std::string id, tenant;
};

// What an action handler gets: the call, the parsed body, the client, envType.
struct Act {
  Call& call;
  const object& body;
  Client client;
  bool prod = false;  // envType prod: published definitions only
  Engine& engine() const { return call.engine; }
};

// The body's fields, each checked for presence and type; the message names the field.
// `key`: the member to read when it differs from the field named in messages (UserInfo.UserId).
std::optional<std::string> optString(const object& b, const char* field, const char* key = nullptr);
std::string reqString(const object& b, const char* field);
std::optional<std::int64_t> optInt(const object& b, const char* field, const char* key = nullptr);
std::int64_t reqInt(const object& b, const char* field);
std::optional<bool> optBool(const object& b, const char* field);
std::optional<std::vector<std::string>> optStrings(const object& b, const char* field);
std::vector<std::string> reqStrings(const object& b, const char* field);
const object* optObject(const object& b, const char* field);
// An integer field that must be one of `allowed`.
std::int64_t oneOf(std::int64_t v, std::initializer_list<std::int64_t> allowed, const char* field);
std::string oneOf(const std::string& v, std::initializer_list<const char*> allowed, const char* field);
// PageNumber/PageSize (defaults 1 and 10; at least 1; PageSize at most `maxSize`).
struct Paging {
  std::int64_t number = 1, size = 10;
  std::int64_t offset() const { return (number - 1) * size; }
};
Paging paging(const object& b, const char* numberField = "PageNumber", const char* sizeField = "PageSize",
              bool required = false, std::int64_t maxSize = 1000);
template <class T>
std::vector<T> pageOf(const std::vector<T>& all, const Paging& p) {
  std::vector<T> out;
  for (std::size_t i = static_cast<std::size_t>(p.offset());
       i < all.size() && out.size() < static_cast<std::size_t>(p.size); ++i)
    out.push_back(all[i]);
  return out;
}

// A UserInfo {UserId, Type}: the user must exist and belong to the client's tenant.
std::string userOf(const Act& a, const char* field, bool required = true);
// The engine actor for a user the client names.
Actor actorFor(const Act& a, const std::string& user);
// UserInfo as emitted: {UserId, Type: 4, Source: 4} (the table's Type, the example's Source).
value userInfo(const std::string& user);
std::string nameOf(Engine& e, const std::string& user);

// Ids: decimal strings; a string that is no id is an unknown id (ResourceNotFound).
Id parseId(const std::string& text, const char* field);
std::string idString(Id id);
// Entities of the client's tenant, else ResourceNotFound naming the field.
Instance instanceOf(const Act& a, const std::string& id, const char* field);
Task taskOf(const Act& a, const std::string& id, const char* field, Instance* instance = nullptr);
Definition definitionOf(const Act& a, const std::string& id, const char* field);
bool definitionVisible(const Act& a, const Definition& d);

// 2022-08-02T14:17:15.000+0000 (UTC); null for 0.
std::string dateText(std::int64_t ms);
value dateOrNull(std::int64_t ms);
value longOrNull(std::int64_t ms);
std::string versionText(int version);  // "<n>.0"

// Code tables.
int instanceStatus(const Instance& i);  // 1 terminated, 2 rejected, 3 approved, 4 running
bool instanceEnded(const Instance& i);
// The only places the dialect reads engine states (instances and tasks).
bool isOpen(const Task& t);
bool isCompleted(const Task& t);
bool isDraft(const Instance& i);
bool isDeleted(const Instance& i);
// 1 todo, 2 done, 3 invalid (cancelled without acting), 5 the initiator's start task waiting to be submitted.
int taskStatus(const Task& t, const Instance& i, bool startTask);
// The action code of an engine operation (complete 2, reject 3 ...); 0 for operations WeDa has no code for.
int actionCode(const std::string& action, bool startTask);
// The initiator's own first task of the instance (审批开始节点), if it has one.
bool isStartTask(Engine& e, const Instance& i, const Task& t);
// The flow's name (or key) of an instance.
std::string flowName(const Act& a, const Instance& i);

// The success envelope: {"Response": {"RequestId", "Error": {"Code": "", "Message": ""}, "Data"}}.
Response reply(const Request& r, value data);
Response resultTrue(const Request& r);

// Registers POST /weda/workflow/v1/{envType}/<action>.
void action(RouteTable& t, const DialectPtr& d, const char* name, const char* summary, std::function<value(Act&)> f);
// The error envelope (HTTP 200): {"Response": {"RequestId", "Error": {"Code", "Message"}}}.
Response errorReply(const Request& r, const std::string& code, const std::string& message);

// The dialect with its token store (auth.cpp), registering the token endpoint.
DialectPtr addAuthRoutes(RouteTable& t);
void addFlowRoutes(RouteTable& t, const DialectPtr& d);
void addTaskRoutes(RouteTable& t, const DialectPtr& d);
void addPageRoutes(RouteTable& t, const DialectPtr& d);
void addMessageRoutes(RouteTable& t, const DialectPtr& d);

// The authenticated client of a principal built by the dialect ("weda:<clientId>").
Client clientOf(const Principal& p);

}  // namespace ordo::server::weda
