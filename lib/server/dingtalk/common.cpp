// The DingTalk dialect: GET /gettoken issues an access_token (7,200 s) to an application of
// the config's "dialects": {"dingtalk": {"apps": [...]}}; every other call names it in the query.
#include "server/dingtalk/common.hpp"

#include <ctime>
#include <map>
#include <mutex>

#include "server/auth.hpp"
#include "server/dingtalk/dingtalk.hpp"
#include "server/state.hpp"

namespace ordo::server::dingtalk {

namespace {

constexpr std::int64_t kTokenMillis = 7200 * 1000;

struct App {
  std::string key, secret, tenant;
};

// Issued tokens, in memory: a restarted server asks its clients for a new gettoken, as an
// expired token does (DingTalk's clients renew on 40014 / expiry anyway).
struct Tokens {
  std::mutex mutex;
  struct Issued {
    App app;
    std::int64_t until;
  };
  std::map<std::string, Issued> issued;
};
Tokens& tokens() {
  static Tokens t;
  return t;
}

std::vector<App> apps(const ServerState& s) {
  std::vector<App> out;
  auto* d = s.options.dialects.if_contains("dingtalk");
  if (!d || !d->is_object()) return out;
  auto* list = d->as_object().if_contains("apps");
  if (!list || !list->is_array()) return out;
  for (const auto& a : list->as_array()) {
    if (!a.is_object()) continue;
    App app;
    auto get = [&](const char* k) {
      auto* v = a.as_object().if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    app.key = get("appkey");
    app.secret = get("appsecret");
    app.tenant = get("tenant");
    if (!app.key.empty() && !app.secret.empty()) out.push_back(app);
  }
  return out;
}

int codeOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::forbidden: return kNoPermission;
    case ErrorCode::busy:
    case ErrorCode::interrupted:
    case ErrorCode::io_error:
    case ErrorCode::internal:
    case ErrorCode::service_failed: return kSystemBusy;
    default: return kBadParameter;  // bad input, unknown ids, refusing states (CONTRACTS.md)
  }
}

}  // namespace

Response envelope(const Request& req, int errcode, const std::string& errmsg, object fields) {
  fields["errcode"] = errcode;
  fields["errmsg"] = errmsg;
  fields["request_id"] = req.requestId;
  return json(200, fields);
}

std::shared_ptr<const Dialect> dialect() {
  static auto d = [] {
    auto x = std::make_shared<Dialect>();
    x->name = "dingtalk";
    x->prefix = "/topapi/";
    x->authenticate = [](const Request& req, ServerState& s, std::string& why) -> std::optional<Principal> {
      const std::string* token = req.queryParam("access_token");
      if (!token || token->empty()) {
        why = "access_token is missing";
        return std::nullopt;
      }
      auto now = s.engine.clock().nowMillis();
      std::lock_guard lock(tokens().mutex);
      auto it = tokens().issued.find(*token);
      if (it == tokens().issued.end() || it->second.until <= now) {
        why = "不合法的access_token: access_token is unknown or expired";
        return std::nullopt;
      }
      Principal p;
      p.user = "dingtalk:" + it->second.app.key;
      p.tenant = it->second.app.tenant;
      p.service = true;
      p.via = "dingtalk";
      return p;
    };
    x->unauthenticated = [](const Request& req, const std::string& why) { return envelope(req, kBadToken, why); };
    x->error = [](const Request& req, const Error& e, bool) { return envelope(req, codeOf(e.code()), e.what()); };
    return x;
  }();
  return d;
}

D::D(const char* path, const char* summary) {
  route.method = "POST";
  route.path = path;
  route.tag = "DingTalk";
  route.summary = summary;
  route.dialect = dialect();
}

D& D::get() {
  route.method = "GET";
  return *this;
}

D& D::open() {
  route.auth = Auth::none;
  return *this;
}

D& D::query(const char* name, bool required) {
  route.params.push_back(Param{name, "query", "string", required, ""});
  return *this;
}

D& D::body(value schema) {
  route.requestSchema = std::move(schema);
  return *this;
}

D& D::handle(std::function<object(Call&)> f) {
  route.handler = [f = std::move(f)](Call& c) {
    try {
      return envelope(c.request, kOk, "ok", f(c));
    } catch (const DingError& e) {
      return envelope(c.request, e.code, e.what());
    }
  };
  return *this;
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

const object& body(const Call& c) {
  static const object empty;
  return c.body && c.body->is_object() ? c.body->as_object() : empty;
}

const object& request(const Call& c) {
  return body(c).at("request").as_object();  // the route's schema requires it
}

std::string text(const object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected a string");
  return std::string(v->as_string());
}

Id idField(const object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": is required");
  if (v->is_int64() && v->as_int64() > 0) return v->as_int64();
  if (v->is_string()) {
    const auto& s = v->as_string();
    Id id = 0;
    bool digits = !s.empty() && s.size() < 19;
    for (char ch : s) digits = digits && ch >= '0' && ch <= '9';
    if (digits) id = std::stoll(std::string(s));
    if (id > 0) return id;
  }
  throw Error(ErrorCode::invalid_argument, std::string(key) + ": no such id: " + boost::json::serialize(*v));
}

std::string idString(Id id) {
  return std::to_string(id);
}

const std::string& application(const Call& c) {
  return c.who.user;
}

void requireUser(Call& c, const std::string& id, const char* field) {
  if (id.empty()) throw Error(ErrorCode::invalid_argument, std::string(field) + ": is required");
  auto u = c.engine.user(id);
  if (!u) throw DingError(kUnknownUser, std::string("无效的USERID: ") + field + " '" + id + "' names no user");
  if (!c.who.tenant.empty() && u->tenant != c.who.tenant)
    throw DingError(kUnknownUser, std::string("无效的USERID: ") + field + " '" + id + "' is not of this application");
}

Actor actingUser(Call& c, const object& o, const char* field) {
  auto id = text(o, field);
  requireUser(c, id, field);
  return Actor::application(application(c), id);
}

Instance visibleInstance(Call& c, Id id) {
  Instance i;
  try {
    i = c.engine.instance(id);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
    throw Error(ErrorCode::invalid_argument, "process_instance_id: no instance " + std::to_string(id));
  }
  if (i.tenant != c.who.tenant || i.state == Instance::State::deleted)
    throw Error(ErrorCode::invalid_argument, "process_instance_id: no instance " + std::to_string(id));
  return i;
}

value formValue(const std::string& s) {
  boost::system::error_code ec;
  auto v = boost::json::parse(s, ec);
  if (!ec && (v.is_number() || v.is_bool() || v.is_array() || v.is_object())) return v;
  return value(s);
}

std::string valueText(const value& v) {
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

value oneOf(std::initializer_list<const char*> types) {
  array t;
  for (const char* x : types) t.emplace_back(x);
  return object{{"type", t}};
}

value wrapped(value inner) {
  return schema::obj({{"request", std::move(inner)}}, {"request"});
}

std::string instanceStatus(const Instance& i) {
  const auto& s = i.state;
  if (s == Instance::State::running || s == Instance::State::suspended) return "RUNNING";
  if (s == Instance::State::completed || s == Instance::State::rejected) return "COMPLETED";
  if (s == Instance::State::draft) return "NEW";
  if (s == Instance::State::deleted) return "CANCELED";
  return "TERMINATED";  // terminated, invalidated
}

std::string instanceResult(const Instance& i) {
  if (i.state == Instance::State::completed) return "agree";
  if (i.state == Instance::State::rejected) return "refuse";
  return "";
}

bool isOpen(const Task& t) {
  return t.state == Task::State::open;
}

std::string taskStatus(const Task& t) {
  if (isOpen(t)) return "RUNNING";
  if (t.state == Task::State::completed) return "COMPLETED";
  return "CANCELED";
}

void addRoutes(RouteTable& t) {
  using namespace schema;
  t.addDialect(dialect());
  t.add(D("/gettoken", "DingTalk: an access_token (7,200 s) for an application's appkey and appsecret")
            .get()
            .open()
            .query("appkey")
            .query("appsecret")
            .handle([](Call& c) {
              std::string key = *c.request.queryParam("appkey"), secret = *c.request.queryParam("appsecret");
              for (const auto& app : apps(c.state)) {
                if (app.key != key || app.secret != secret) continue;
                auto token = Authenticator::newTokenSecret();
                auto now = c.engine.clock().nowMillis();
                std::lock_guard lock(tokens().mutex);
                for (auto it = tokens().issued.begin(); it != tokens().issued.end();)
                  it = it->second.until <= now ? tokens().issued.erase(it) : std::next(it);
                tokens().issued[token] = {app, now + kTokenMillis};
                return object{{"access_token", token}, {"expires_in", kTokenMillis / 1000}};
              }
              throw DingError(kBadCredential,
                              "不合法的appkey或appsecret: no application with that appkey and appsecret");
            })
            .route);
  addOfficialRoutes(t);
  addOwnWorkflowRoutes(t);
}

}  // namespace ordo::server::dingtalk
