// One request from route to reply: authentication, parameters and body checked against the
// route table, the handler on this (pool) thread, every failure as the error body.
#include <boost/json.hpp>
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "server/schema.hpp"
#include "server/state.hpp"
#include "server/static_files.hpp"

namespace ordo::server {

ServerState::ServerState(Engine& e, ServerOptions o)
    : engine(e), options(std::move(o)), routes(buildRoutes()), auth(e, options.anonymous), audit(options.auditLog) {}

std::string validUtf8(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size() && !(n == 2 && c < 0xC2) && !(n == 4 && c > 0xF4);
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok && n == 3) {  // no overlong forms, no surrogates
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
    }
    if (ok && n == 4) {
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s, i, n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

AuditLog::AuditLog(const std::string& path) {
  if (path.empty() || path == "off") return;
  file_.open(path, std::ios::app);
  if (!file_) throw Error(ErrorCode::io_error, "auditLog: cannot open '" + path + "'");
}

void AuditLog::write(const boost::json::object& line) {
  auto text = boost::json::serialize(line) + "\n";
  std::lock_guard lock(m_);
  file_ << text;
  file_.flush();
}

std::shared_ptr<const DefinitionCatalog> ServerState::definitions() {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(catalogMutex);
    if (catalog && now - catalog->readAt < std::chrono::seconds(2)) return catalog;
  }
  auto fresh = std::make_shared<DefinitionCatalog>();
  fresh->readAt = now;
  auto origins = engine.definitionOrigins();
  for (const auto& d : engine.definitions()) {
    Engine::DefinitionOrigin o;
    if (auto it = origins.find(d.id); it != origins.end()) o = it->second;
    fresh->all.emplace_back(d, o);
  }
  std::lock_guard lock(catalogMutex);
  catalog = fresh;
  return fresh;
}

void ServerState::forgetDefinitions() {
  std::lock_guard lock(catalogMutex);
  catalog.reset();
}

bool RateLimiter::admit(const std::string& who, double perSecond, double burst, int& retryAfter) {
  if (perSecond <= 0) return true;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(m_);
  if (buckets_.size() > 100000) buckets_.clear();  // bounded: a flood of fresh credentials forgets the rest
  auto [it, fresh] = buckets_.try_emplace(who, Bucket{burst, now});
  auto& b = it->second;
  if (!fresh) {
    b.tokens = std::min(burst, b.tokens + std::chrono::duration<double>(now - b.at).count() * perSecond);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  retryAfter = std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / perSecond)));
  return false;
}

int httpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return 404;
    case ErrorCode::invalid_argument:
    case ErrorCode::parse_error:
    case ErrorCode::expression_error:
    case ErrorCode::no_outgoing_flow:
    case ErrorCode::unhandled_bpmn_error:
    case ErrorCode::unsupported: return 400;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::wrong_state:
    case ErrorCode::conflict: return 409;
    case ErrorCode::limit_exceeded: return 429;
    case ErrorCode::busy:
    case ErrorCode::interrupted: return 503;
    case ErrorCode::service_failed:
    case ErrorCode::io_error:
    case ErrorCode::internal: return 500;
  }
  return 500;
}

namespace {
const char* camundaType(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found:
    case ErrorCode::invalid_argument: return "InvalidRequestException";
    case ErrorCode::parse_error: return "ParseException";
    case ErrorCode::expression_error: return "ProcessEngineException";
    case ErrorCode::forbidden: return "AuthorizationException";
    case ErrorCode::conflict: return "OptimisticLockingException";
    case ErrorCode::wrong_state:
    case ErrorCode::limit_exceeded:
    case ErrorCode::unsupported:
    case ErrorCode::no_outgoing_flow:
    case ErrorCode::unhandled_bpmn_error: return "BadUserRequestException";
    default: return "ProcessEngineException";
  }
}
}  // namespace

Response errorResponse(int status, const std::string& type, const std::string& message, const std::string& ordoCode,
                       const std::string& elementId) {
  boost::json::object o{{"type", type}, {"message", message}, {"code", status}};
  if (!ordoCode.empty()) o["ordoCode"] = ordoCode;
  if (!elementId.empty()) o["elementId"] = elementId;
  return json(status, o);
}

Response errorResponse(const Error& e) {
  // Built as one object (never serialized and parsed back: a message may hold bytes that are
  // not UTF-8, such as a client's path, which a parse would refuse).
  int status = httpStatus(e.code());
  boost::json::object o{{"type", camundaType(e.code())}, {"message", e.what()}, {"code", static_cast<int>(e.code())},
                        {"ordoCode", toString(e.code())}};
  if (!e.elementId().empty()) o["elementId"] = e.elementId();
  if (!e.diagnostics().empty()) {
    boost::json::array details;
    for (const auto& d : e.diagnostics()) {
      details.push_back({{"code", d.code},
                         {"message", d.message},
                         {"elementId", d.elementId},
                         {"line", d.line},
                         {"column", d.column},
                         {"severity", d.severity == Severity::error ? "error" : "warning"}});
    }
    // Camunda's ParseException carries its problems in details.<resource>.errors.
    o["details"] = {{"diagram", {{"errors", details}, {"warnings", boost::json::array()}}}};
  }
  return json(status, o);
}

namespace {

// Query parameters checked against the route: required ones present, typed ones well-formed.
void checkParams(const Route& route, const Request& req) {
  for (const auto& p : route.params) {
    if (p.in != "query") continue;
    const std::string* v = req.queryParam(p.name);
    if (!v) {
      if (p.required) throw Error(ErrorCode::invalid_argument, "query parameter '" + p.name + "' is required");
      continue;
    }
    if (p.type == "integer") {
      char* end = nullptr;
      errno = 0;
      long long n = std::strtoll(v->c_str(), &end, 10);
      (void)n;
      if (v->empty() || *end != '\0' || errno == ERANGE)
        throw Error(ErrorCode::invalid_argument,
                    "Cannot set query parameter '" + p.name + "' to value '" + *v + "': not an integer");
    } else if (p.type == "boolean" && *v != "true" && *v != "false") {
      throw Error(ErrorCode::invalid_argument,
                  "Cannot set query parameter '" + p.name + "' to value '" + *v + "': expected true or false");
    }
  }
}

}  // namespace

Response ServerState::handle(Request& req, std::string& user, std::string& routeName) {
  Audited a;
  Response r;
  try {
    r = dispatch(req, user, routeName, a);
  } catch (const std::exception& e) {
    // A dialect's error shaping failed: still an answer, never a thread pool that terminates.
    r = errorResponse(500, "ProcessEngineException", std::string("internal error: ") + e.what(), "internal");
  }
  // Administrative: a change by an administrator, or to what administrators own; refusals too.
  static const std::vector<std::string> kAdminTags = {"Deployment", "User", "Group", "Tenant", "Job", "Incident"};
  bool administrative =
      a.route && req.method != "GET" &&
      (a.route->auth == Auth::admin || a.admin ||
       std::find(kAdminTags.begin(), kAdminTags.end(), a.route->tag) != kAdminTags.end() ||
       a.route->path.find("/ordo/tokens") != std::string::npos || a.route->path.find("/suspended") != std::string::npos);
  if (administrative && audit.on()) {
    using namespace std::chrono;
    boost::json::object params;
    for (const auto& [k, v] : req.params) params[validUtf8(k)] = validUtf8(v);
    audit.write({{"at", duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()},
                 {"requestId", req.requestId},
                 {"user", validUtf8(user)},
                 {"remote", req.remote},
                 {"method", req.method},
                 {"route", a.route->path},
                 {"params", params},
                 {"status", r.status}});
  }
  return r;
}

Response ServerState::dispatch(Request& req, std::string& user, std::string& routeName, Audited& audited) {
  // Camunda's named-engine prefix: /engine-rest/engine/default/task == /engine-rest/task.
  const std::string named = "/engine-rest/engine/";
  if (req.path.rfind(named, 0) == 0) {
    auto slash = req.path.find('/', named.size());
    if (slash != std::string::npos) {
      std::string name = req.path.substr(named.size(), slash - named.size());
      if (name != "default")
        return errorResponse(404, "RestException", "No process engine available with name '" + name + "'");
      req.path = "/engine-rest" + req.path.substr(slash);
    }
  }
  if (isConsolePath(req.path)) {
    routeName = "/console";
    return consoleFile(options.consoleDir, req);
  }
  bool pathKnown = false;
  const Route* route = routes.match(req.method, req.path, req.params, pathKnown);
  const Dialect* dialect = route ? route->dialect.get() : routes.dialectFor(req.path);
  if (!route) {
    routeName = "unmatched";
    if (dialect)
      return dialect->error(req,
                            Error(ErrorCode::not_found, pathKnown ? req.method + " is not allowed on " + req.path
                                                                  : "no operation at " + req.path),
                            pathKnown);
    if (pathKnown) return errorResponse(405, "RestException", req.method + " is not allowed on " + req.path);
    return errorResponse(404, "RestException", "no resource at " + req.path);
  }
  routeName = route->path;
  audited.route = route;
  try {
    Principal who;
    if (route->auth != Auth::none) {
      std::string why;
      auto p = dialect && dialect->authenticate ? dialect->authenticate(req, *this, why)
                                                : auth.authenticate(req.header("authorization"), why);
      if (!p) {
        if (dialect && dialect->unauthenticated) return dialect->unauthenticated(req, why);
        auto r = errorResponse(401, "AuthenticationException", why);
        r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"ordo\", Bearer");
        return r;
      }
      who = *p;
      user = who.user;
      audited.admin = who.admin;
      int retryAfter = 0;
      const auto& lim = options.limits;
      if (!rates.admit(who.user, lim.ratePerSecond, lim.rateBurst, retryAfter)) {
        Error e(ErrorCode::limit_exceeded, "rate limit: user '" + who.user + "' sent more than " +
                                               std::to_string(static_cast<long>(lim.ratePerSecond)) +
                                               " requests a second; retry after " + std::to_string(retryAfter) + " s");
        auto r = dialect ? dialect->error(req, e, false) : errorResponse(429, "RateLimitException", e.what(), "limit_exceeded");
        r.headers.emplace_back("Retry-After", std::to_string(retryAfter));
        return r;
      }
      if (route->auth == Auth::admin && !who.admin) {
        Error e(ErrorCode::forbidden, "user '" + who.user + "' may not " + route->summary + ": it needs the role admin");
        if (dialect) return dialect->error(req, e, false);
        return errorResponse(403, "AuthorizationException", e.what());
      }
    }
    checkParams(*route, req);
    boost::json::value body;
    bool hasBody = false;
    if (!route->requestSchema.is_null() && route->requestContentType.empty()) {
      const std::string* ct = req.header("content-type");
      if (!req.body.empty() && ct && ct->find("json") == std::string::npos)
        throw Error(ErrorCode::invalid_argument, "Content-Type: expected application/json, got '" + *ct + "'");
      boost::system::error_code ec;
      body = req.body.empty() ? boost::json::value(boost::json::object()) : boost::json::parse(req.body, ec);
      if (ec) throw Error(ErrorCode::invalid_argument, "body: malformed JSON (" + ec.message() + ")");
      checkSchema(route->requestSchema, body, "");
      hasBody = true;
    }
    Call call{req, who, engine, *this, hasBody ? &body : nullptr};
    return route->handler(call);
  } catch (const Error& e) {
    if (dialect) return dialect->error(req, e, false);
    return errorResponse(e);
  } catch (const std::exception& e) {
    if (dialect) return dialect->error(req, Error(ErrorCode::internal, std::string("internal error: ") + e.what()), false);
    return errorResponse(500, "ProcessEngineException", std::string("internal error: ") + e.what(), "internal");
  }
}

}  // namespace ordo::server
