// The WeDa envelope, error codes, field readers, ids, users and code tables.
#include "server/weda/common.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "server/state.hpp"

namespace ordo::server::weda {

std::string codeOf(const Error& e) {
  if (const auto* w = dynamic_cast<const WedaError*>(&e)) return w->wedaCode();
  switch (e.code()) {
    case ErrorCode::not_found: return "ResourceNotFound";
    case ErrorCode::invalid_argument: return "InvalidParameterValue";
    case ErrorCode::parse_error: return "InvalidParameter";
    case ErrorCode::forbidden: return "UnauthorizedOperation";
    case ErrorCode::limit_exceeded: return "LimitExceeded";
    case ErrorCode::wrong_state:
    case ErrorCode::conflict:
    case ErrorCode::unsupported:
    case ErrorCode::expression_error:
    case ErrorCode::no_outgoing_flow:
    case ErrorCode::unhandled_bpmn_error:
    case ErrorCode::service_failed: return "FailedOperation";
    case ErrorCode::busy:
    case ErrorCode::interrupted:
    case ErrorCode::io_error:
    case ErrorCode::internal: return "InternalError";
  }
  return "InternalError";
}

Response errorReply(const Request& r, const std::string& code, const std::string& message) {
  return json(200, object{{"Response", object{{"RequestId", r.requestId},
                                              {"Error", object{{"Code", code}, {"Message", message}}}}}});
}

Response reply(const Request& r, value data) {
  return json(200, object{{"Response", object{{"RequestId", r.requestId},
                                              {"Error", object{{"Code", ""}, {"Message", ""}}},
                                              {"Data", std::move(data)}}}});
}

Response resultTrue(const Request& r) {
  return reply(r, object{{"Result", true}});
}

namespace {
[[noreturn]] void missing(const char* field) {
  throw WedaError("MissingParameter", std::string("the required parameter '") + field + "' is missing");
}
[[noreturn]] void wrongType(const char* field, const char* expected) {
  throw WedaError("InvalidParameter", std::string("parameter '") + field + "' must be " + expected);
}
const value* present(const object& b, const char* field) {
  const value* v = b.if_contains(field);
  return v && !v->is_null() ? v : nullptr;
}
}  // namespace

std::optional<std::string> optString(const object& b, const char* field, const char* key) {
  const value* v = present(b, key ? key : field);
  if (!v) return std::nullopt;
  if (!v->is_string()) wrongType(field, "a string");
  return std::string(v->as_string());
}

std::string reqString(const object& b, const char* field) {
  auto s = optString(b, field);
  if (!s || s->empty()) missing(field);
  return *s;
}

std::optional<std::int64_t> optInt(const object& b, const char* field, const char* key) {
  const value* v = present(b, key ? key : field);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) {
    double d = v->as_double();
    if (d == static_cast<double>(static_cast<std::int64_t>(d)) && d > -9e15 && d < 9e15)
      return static_cast<std::int64_t>(d);
  }
  wrongType(field, "an integer");
}

std::int64_t reqInt(const object& b, const char* field) {
  auto n = optInt(b, field);
  if (!n) missing(field);
  return *n;
}

std::optional<bool> optBool(const object& b, const char* field) {
  const value* v = present(b, field);
  if (!v) return std::nullopt;
  if (!v->is_bool()) wrongType(field, "true or false");
  return v->as_bool();
}

std::optional<std::vector<std::string>> optStrings(const object& b, const char* field) {
  const value* v = present(b, field);
  if (!v) return std::nullopt;
  if (!v->is_array()) wrongType(field, "a list of strings");
  std::vector<std::string> out;
  for (const auto& x : v->as_array()) {
    if (!x.is_string()) wrongType(field, "a list of strings");
    out.emplace_back(x.as_string());
  }
  return out;
}

std::vector<std::string> reqStrings(const object& b, const char* field) {
  auto l = optStrings(b, field);
  if (!l || l->empty()) missing(field);
  return *l;
}

const object* optObject(const object& b, const char* field) {
  const value* v = present(b, field);
  if (!v) return nullptr;
  if (!v->is_object()) wrongType(field, "an object");
  return &v->as_object();
}

std::int64_t oneOf(std::int64_t v, std::initializer_list<std::int64_t> allowed, const char* field) {
  std::string list;
  for (auto x : allowed) {
    if (x == v) return v;
    list += (list.empty() ? "" : ", ") + std::to_string(x);
  }
  throw WedaError("InvalidParameterValue",
                  std::string("parameter '") + field + "' is " + std::to_string(v) + ", not one of " + list);
}

std::string oneOf(const std::string& v, std::initializer_list<const char*> allowed, const char* field) {
  std::string list;
  for (const char* x : allowed) {
    if (v == x) return v;
    list += (list.empty() ? "" : ", ") + std::string(x);
  }
  throw WedaError("InvalidParameterValue", std::string("parameter '") + field + "' is '" + v + "', not one of " + list);
}

Paging paging(const object& b, const char* numberField, const char* sizeField, bool required, std::int64_t maxSize) {
  Paging p;
  auto n = required ? std::optional(reqInt(b, numberField)) : optInt(b, numberField);
  auto s = required ? std::optional(reqInt(b, sizeField)) : optInt(b, sizeField);
  if (n) p.number = *n;
  if (s) p.size = *s;
  if (p.number < 1)
    throw WedaError("InvalidParameterValue", std::string("parameter '") + numberField + "' must be at least 1");
  if (p.size < 1 || p.size > maxSize)
    throw WedaError("InvalidParameterValue",
                    std::string("parameter '") + sizeField + "' must be between 1 and " + std::to_string(maxSize));
  if (p.number > 1000000000)
    throw WedaError("InvalidParameterValue", std::string("parameter '") + numberField + "' is too large");
  return p;
}

Client clientOf(const Principal& p) {
  return Client{p.user.substr(5), p.tenant};
}

std::string userOf(const Act& a, const char* field, bool required) {
  const object* u = optObject(a.body, field);
  if (!u) {
    if (required) missing(field);
    return {};
  }
  std::string userField = std::string(field) + ".UserId", typeField = std::string(field) + ".Type";
  auto id = optString(*u, userField.c_str(), "UserId");
  if (!id || id->empty()) missing(userField.c_str());
  auto type = optInt(*u, typeField.c_str(), "Type");
  if (!type) missing(typeField.c_str());
  oneOf(*type, {1, 2, 3, 4}, typeField.c_str());
  auto user = a.engine().user(*id);
  if (!user) throw WedaError("ResourceNotFound", userField + ": no user '" + *id + "'", ErrorCode::not_found);
  if (user->tenant != a.client.tenant)
    throw WedaError("UnauthorizedOperation", userField + ": user '" + *id + "' is not of this application's tenant",
                    ErrorCode::forbidden);
  return *id;
}

Actor actorFor(const Act& a, const std::string& user) {
  return Actor::application("weda:" + a.client.id, user);
}

value userInfo(const std::string& user) {
  if (user.empty()) return nullptr;
  return object{{"UserId", user}, {"Type", 4}, {"Source", 4}};
}

std::string nameOf(Engine& e, const std::string& user) {
  if (user.empty()) return {};
  auto u = e.user(user);
  return u && !u->name.empty() ? u->name : user;
}

Id parseId(const std::string& text, const char* field) {
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || n <= 0)
    throw WedaError("ResourceNotFound", std::string(field) + ": no such id '" + text + "'", ErrorCode::not_found);
  return n;
}

std::string idString(Id id) {
  return id ? std::to_string(id) : std::string();
}

namespace {
template <class F>
auto orNotFound(const char* field, const std::string& id, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
    throw WedaError("ResourceNotFound", std::string(field) + ": no such id '" + id + "'", ErrorCode::not_found);
  }
}
}  // namespace

Instance instanceOf(const Act& a, const std::string& id, const char* field) {
  auto i = orNotFound(field, id, [&] { return a.engine().instance(parseId(id, field)); });
  if (i.tenant != a.client.tenant || isDeleted(i))
    throw WedaError("ResourceNotFound", std::string(field) + ": no such id '" + id + "'", ErrorCode::not_found);
  return i;
}

Task taskOf(const Act& a, const std::string& id, const char* field, Instance* instance) {
  auto t = orNotFound(field, id, [&] { return a.engine().task(parseId(id, field)); });
  auto i = instanceOf(a, std::to_string(t.instanceId), field);
  if (instance) *instance = i;
  return t;
}

bool definitionVisible(const Act& a, const Definition& d) {
  auto catalog = a.call.state.definitions();
  for (const auto& [def, origin] : catalog->all)
    if (def.id == d.id) {
      if (origin.deleted) return false;
      if (!origin.tenant.empty() && origin.tenant != a.client.tenant) return false;
      return true;
    }
  return false;
}

Definition definitionOf(const Act& a, const std::string& id, const char* field) {
  auto d = orNotFound(field, id, [&] { return a.engine().definition(parseId(id, field)); });
  if (!definitionVisible(a, d))
    throw WedaError("ResourceNotFound", std::string(field) + ": no such id '" + id + "'", ErrorCode::not_found);
  return d;
}

std::string dateText(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}
value dateOrNull(std::int64_t ms) {
  return ms ? value(dateText(ms)) : value(nullptr);
}
value longOrNull(std::int64_t ms) {
  return ms ? value(ms) : value(nullptr);
}
std::string versionText(int version) {
  return std::to_string(version) + ".0";
}

bool instanceEnded(const Instance& i) {
  return i.state != Instance::State::running && i.state != Instance::State::suspended && i.state != Instance::State::draft;
}

int instanceStatus(const Instance& i) {
  if (i.state == Instance::State::completed) return 3;
  if (i.state == Instance::State::rejected) return 2;
  if (instanceEnded(i)) return 1;  // terminated, invalidated, deleted
  return 4;
}

bool isOpen(const Task& t) {
  return t.state == Task::State::open;
}
bool isCompleted(const Task& t) {
  return t.state == Task::State::completed;
}
bool isDraft(const Instance& i) {
  return i.state == Instance::State::draft;
}
bool isDeleted(const Instance& i) {
  return i.state == Instance::State::deleted;
}

int taskStatus(const Task& t, const Instance& i, bool startTask) {
  if (isDraft(i)) return 4;
  if (isOpen(t)) return startTask ? 5 : 1;
  if (isCompleted(t) || !t.completedBy.empty()) return 2;
  return 3;  // cancelled without its assignee acting: another or-sign member acted, or the instance moved on
}

int actionCode(const std::string& action, bool startTask) {
  if (action == "complete" || action == "resolve") return startTask ? 1 : 2;
  if (action == "submit" || action == "start") return 1;
  if (action == "reject") return 3;
  if (action == "transfer") return 4;
  if (action == "withdraw") return 5;
  if (action == "return") return 6;
  if (action == "addSigners") return 7;
  if (action == "terminate") return 8;
  if (action == "skip") return 9;
  if (action == "cc") return 15;
  if (action == "invalidate") return 16;
  if (action == "draft") return 17;
  return 0;
}

bool isStartTask(Engine& e, const Instance& i, const Task& t) {
  if (t.assignee != i.initiator || i.initiator.empty()) return false;
  TaskQuery q;
  q.instanceId = i.id;
  q.includeFinished = true;
  auto all = e.tasks(q);
  Id first = 0;
  std::string firstElement;
  for (const auto& x : all)
    if (!first || x.id < first) {
      first = x.id;
      firstElement = x.elementId;
    }
  return firstElement == t.elementId;
}

std::string flowName(const Act& a, const Instance& i) {
  try {
    auto d = a.engine().definition(i.definitionId);
    return d.name.empty() ? d.key : d.name;
  } catch (const Error&) {
    return i.definitionKey;
  }
}

void action(RouteTable& t, const DialectPtr& d, const char* name, const char* summary, std::function<value(Act&)> f) {
  Route r;
  r.method = "POST";
  r.path = std::string("/weda/workflow/v1/{envType}/") + name;
  r.tag = "WeDa";
  r.summary = std::string("WeDa ") + name + ": " + summary;
  r.dialect = d;
  r.params.push_back(Param{"envType", "path", "string", true, "pre: every deployed definition; prod: published ones"});
  r.handler = [f = std::move(f)](Call& c) {
    const auto& env = c.request.params.at("envType");
    if (env != "pre" && env != "prod")
      throw WedaError("InvalidParameterValue", "envType is '" + env + "', not pre or prod");
    boost::system::error_code ec;
    value parsed = c.request.body.empty() ? value(object()) : boost::json::parse(c.request.body, ec);
    if (ec) throw WedaError("InvalidParameter", "the body is not valid JSON (" + ec.message() + ")");
    if (!parsed.is_object()) throw WedaError("InvalidParameter", "the body must be a JSON object");
    Act a{c, parsed.as_object(), clientOf(c.who), env == "prod"};
    return reply(c.request, f(a));
  };
  t.add(std::move(r));
}

}  // namespace ordo::server::weda
