// The low-code dialect: an application credential in the appKey and appSecret headers
// (the document does not show its authentication), entId and userId in every query.
#include "server/lowcode/common.hpp"

#include <algorithm>
#include <ctime>
#include <mutex>
#include <set>

#include "server/lowcode/lowcode.hpp"
#include "server/state.hpp"

namespace ordo::server::lowcode {

namespace {

// Paths whose `result` is a boolean: a failure there answers false, elsewhere null.
std::set<std::string>& booleanRoutes() {
  static std::set<std::string> paths;
  return paths;
}
std::mutex booleanMutex;

bool booleanRoute(const std::string& path) {
  std::lock_guard lock(booleanMutex);
  return booleanRoutes().count(path) > 0;
}

Response reply(const Request& req, int code, const std::string& msg, value result) {
  return json(200, object{{"status", code == kOk ? 200 : 500},
                          {"code", code},
                          {"msg", msg},
                          {"result", code == kOk              ? std::move(result)
                                     : booleanRoute(req.path) ? value(false)
                                                              : value()}});
}

int codeOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return kNotFound;
    case ErrorCode::forbidden: return kNoPermission;
    case ErrorCode::wrong_state:
    case ErrorCode::conflict:
    case ErrorCode::limit_exceeded:
    case ErrorCode::no_outgoing_flow: return kWrongState;
    case ErrorCode::busy:
    case ErrorCode::interrupted:
    case ErrorCode::io_error:
    case ErrorCode::internal:
    case ErrorCode::service_failed: return kInternal;
    default: return kBadParameter;
  }
}

struct App {
  std::string key, secret;
  std::vector<std::string> ents;  // empty: any enterprise
};

std::optional<App> appOf(const ServerState& s, const std::string& key, const std::string& secret) {
  auto* d = s.options.dialects.if_contains("lowcode");
  if (!d || !d->is_object()) return std::nullopt;
  auto* list = d->as_object().if_contains("apps");
  if (!list || !list->is_array()) return std::nullopt;
  for (const auto& a : list->as_array()) {
    if (!a.is_object()) continue;
    const auto& o = a.as_object();
    auto get = [&](const char* k) {
      auto* v = o.if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (get("appKey") != key || get("appSecret") != secret || key.empty() || secret.empty()) continue;
    App app{key, secret, {}};
    if (auto* e = o.if_contains("entIds"); e && e->is_array())
      for (const auto& x : e->as_array())
        if (x.is_string()) app.ents.emplace_back(x.as_string());
    return app;
  }
  return std::nullopt;
}

}  // namespace

std::shared_ptr<const Dialect> dialect() {
  static auto d = [] {
    auto x = std::make_shared<Dialect>();
    x->name = "lowcode";
    x->prefix = kPrefix;
    x->authenticate = [](const Request& req, ServerState& s, std::string& why) -> std::optional<Principal> {
      const std::string* key = req.header("appkey");
      const std::string* secret = req.header("appsecret");
      if (!key || !secret) {
        why = "authentication: the appKey and appSecret headers are required";
        return std::nullopt;
      }
      auto app = appOf(s, *key, *secret);
      if (!app) {
        why = "authentication: no application with that appKey and appSecret";
        return std::nullopt;
      }
      const std::string* ent = req.queryParam("entId");
      if (ent && !app->ents.empty() && std::find(app->ents.begin(), app->ents.end(), *ent) == app->ents.end()) {
        why = "authentication: application '" + *key + "' may not act for enterprise '" + *ent + "'";
        return std::nullopt;
      }
      Principal p;
      p.user = "lowcode:" + *key;
      p.service = true;
      p.via = "lowcode";
      return p;
    };
    x->unauthenticated = [](const Request& req, const std::string& why) {
      return reply(req, kBadCredential, why, value());
    };
    x->error = [](const Request& req, const Error& e, bool) { return reply(req, codeOf(e.code()), e.what(), value()); };
    return x;
  }();
  return d;
}

L::L(const char* verb, const char* summary) {
  route.method = "POST";
  route.path = std::string(kPrefix) + verb;
  route.tag = "Low-code";
  route.summary = summary;
  route.dialect = dialect();
  route.params.push_back(Param{"entId", "query", "string", true, "操作企业id (the tenant)"});
  route.params.push_back(Param{"userId", "query", "string", true, "当前操作人"});
}

L& L::body(value schema) {
  route.requestSchema = std::move(schema);
  return *this;
}

L& L::boolean() {
  std::lock_guard lock(booleanMutex);
  booleanRoutes().insert(route.path);
  return *this;
}

L& L::handle(std::function<value(Call&, const Who&)> f) {
  route.handler = [f = std::move(f)](Call& c) {
    std::string ent = *c.request.queryParam("entId"), user = *c.request.queryParam("userId");
    if (ent.empty()) throw Error(ErrorCode::invalid_argument, "entId: is required");
    if (user.empty()) throw Error(ErrorCode::invalid_argument, "userId: is required");
    Who who{ent, user, Actor::application(c.who.user, user)};
    requireMember(c, who, user, "userId");
    return reply(c.request, kOk, "成功", f(c, who));
  };
  return *this;
}

const object& body(const Call& c) {
  static const object empty;
  return c.body && c.body->is_object() ? c.body->as_object() : empty;
}

std::string text(const object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected a string");
  return std::string(v->as_string());
}

Id idOf(const object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_number()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected an integer");
  return v->to_number<std::int64_t>();
}

Variables formData(const object& o) {
  auto* v = o.if_contains("formData");
  if (!v || v->is_null()) return {};
  return v->as_object();  // the schema requires an object
}

void requireMember(Call& c, const Who& who, const std::string& user, const char* field) {
  auto u = c.engine.user(user);
  if (!u) throw Error(ErrorCode::not_found, std::string(field) + ": no user '" + user + "'");
  if (u->tenant != who.ent)
    throw Error(ErrorCode::forbidden,
                std::string(field) + ": user '" + user + "' is not of enterprise '" + who.ent + "'");
}

Instance visibleInstance(Call& c, const Who& who, Id id) {
  auto unknown = Error(ErrorCode::not_found, "instanceId: no instance " + std::to_string(id));
  Instance i;
  try {
    i = c.engine.instance(id);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::not_found) throw unknown;
    throw;
  }
  if (i.tenant != who.ent || i.state == Instance::State::deleted) throw unknown;
  return i;
}

Definition latestDefinition(Call& c, const Who& who, const std::string& processKey) {
  if (processKey.empty()) throw Error(ErrorCode::invalid_argument, "processKey: is required");
  auto catalog = c.state.definitions();
  const Definition* best = nullptr;
  for (const auto& [d, origin] : catalog->all) {
    if (d.key != processKey || origin.deleted) continue;
    if (!origin.tenant.empty() && origin.tenant != who.ent) continue;
    if (!best || d.version > best->version) best = &d;
  }
  if (!best) throw Error(ErrorCode::not_found, "processKey: no process '" + processKey + "'");
  return *best;
}

bool isOpen(const Task& t) {
  return t.state == Task::State::open;
}

std::vector<Task> openTasksAt(Call& c, Id instanceId, const std::string& nodeId, const std::string& user) {
  if (nodeId.empty()) throw Error(ErrorCode::invalid_argument, "nodeId: is required");
  TaskQuery q;
  q.instanceId = instanceId;
  q.elementId = nodeId;
  auto tasks = c.engine.tasks(q);
  if (tasks.empty())
    throw Error(ErrorCode::wrong_state,
                "nodeId: instance " + std::to_string(instanceId) + " has no open task at '" + nodeId + "'");
  std::stable_partition(tasks.begin(), tasks.end(), [&](const Task& t) {
    return t.assignee == user || (t.assignee.empty() && std::find(t.candidateUsers.begin(), t.candidateUsers.end(),
                                                                  user) != t.candidateUsers.end());
  });
  return tasks;
}

std::map<std::string, std::string> nodeNames(Call& c, Id definitionId) {
  std::map<std::string, std::string> out;
  for (const auto& n : c.engine.definitionNodes(definitionId)) out[n.id] = n.name;
  return out;
}

array assigneesOf(const Task& t) {
  array a;
  if (!t.assignee.empty())
    a.emplace_back(t.assignee);
  else
    for (const auto& u : t.candidateUsers) a.emplace_back(u);
  return a;
}

std::string dateTime(std::int64_t ms) {
  if (ms <= 0) return {};
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::int64_t parseDateTime(const std::string& s, const char* field) {
  if (s.empty()) return 0;
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (!end || *end != '\0')
    throw Error(ErrorCode::invalid_argument, std::string(field) + ": expected yyyy-MM-dd HH:mm:ss, got '" + s + "'");
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm)) * 1000;
}

void addRoutes(RouteTable& t) {
  t.addDialect(dialect());
  addInstanceOperationRoutes(t);
  addQueryRoutes(t);
  addStartAndEntrustRoutes(t);
}

}  // namespace ordo::server::lowcode
