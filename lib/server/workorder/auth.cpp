// The work-order center's header schemes (公共http请求头参数) and its login (最佳实践: log in,
// get a token, send it on every call). Codes: 4000 no or unknown requestType, 4101 a header
// missing, 4001 unknown client or wrong secret, 4004 unknown token, 4002 disabled account.
#include <boost/json.hpp>

#include "server/auth.hpp"
#include "server/state.hpp"
#include "server/workorder/common.hpp"

namespace ordo::server::workorder {

namespace {

std::optional<Principal> refuse(std::string& why, int code, const std::string& msg) {
  why = std::to_string(code) + " " + msg;
  return std::nullopt;
}

// A client of the --config file ("dialects": {"workorder": {"applications": [...], "services": [...]}}).
std::optional<WorkOrderClient> configuredClient(ServerState& s, const std::string& kind, const std::string& id,
                                                std::string& secret) {
  auto* mine = s.options.dialects.if_contains("workorder");
  if (!mine || !mine->is_object()) return std::nullopt;
  auto* list = mine->as_object().if_contains(kind == "app" ? "applications" : "services");
  if (!list || !list->is_array()) return std::nullopt;
  for (const auto& v : list->as_array()) {
    if (!v.is_object()) continue;
    const auto& o = v.as_object();
    auto str = [&](const char* k) {
      auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    std::string cid = str(kind == "app" ? "appID" : "serverID");
    if (cid.empty()) cid = str("id");
    if (cid != id) continue;
    WorkOrderClient c;
    c.kind = kind;
    c.id = cid;
    c.name = str("name");
    c.images = str("images");
    c.applicationId = str("applicationId");
    secret = str("secretKey").empty() ? str("secret") : str("secretKey");
    c.secretHash = workOrderSecretHash(secret);
    return c;
  }
  return std::nullopt;
}

}  // namespace

// Every client: the config file's first, then those an administrator registered.
std::vector<WorkOrderClient> allClients(ServerState& s, const std::string& kind) {
  std::vector<WorkOrderClient> out;
  auto* mine = s.options.dialects.if_contains("workorder");
  if (mine && mine->is_object())
    if (auto* list = mine->as_object().if_contains(kind == "app" ? "applications" : "services");
        list && list->is_array())
      for (const auto& v : list->as_array()) {
        if (!v.is_object()) continue;
        auto* id = v.as_object().if_contains(kind == "app" ? "appID" : "serverID");
        if (!id) id = v.as_object().if_contains("id");
        std::string secret;
        if (id && id->is_string())
          if (auto c = configuredClient(s, kind, std::string(id->as_string()), secret)) out.push_back(*c);
      }
  for (auto& c : s.engine.workOrderClients(kind)) out.push_back(c);
  return out;
}

std::optional<Principal> authenticate(const Request& req, ServerState& s, std::string& why, bool needToken) {
  const std::string* type = req.header("requesttype");
  if (!type || type->empty()) return refuse(why, kWrongCall, "requestType: the header is required (app or service)");
  std::string kind = *type;
  if (kind != "app" && kind != "service")
    return refuse(why, kWrongCall, "requestType: '" + kind + "' is neither app nor service");
  const char* idHeader = kind == "app" ? "appID" : "serverID";
  auto need = [&](const char* name) -> const std::string* {
    std::string lower(name);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string* v = req.header(lower);
    return v && !v->empty() ? v : nullptr;
  };
  const std::string* id = need(idHeader);
  if (!id) return refuse(why, kBadParam, std::string(idHeader) + ": the header is required with requestType=" + kind);
  const std::string* secret = need("secretKey");
  if (!secret) return refuse(why, kBadParam, "secretKey: the header is required");
  const std::string* token = need("accessToken");
  const std::string* authorization = need("Authorization");
  if (needToken) {
    if (!token) return refuse(why, kBadParam, "accessToken: the header is required");
    if (kind == "app" && !authorization) return refuse(why, kBadParam, "Authorization: the header is required");
  }
  std::string configuredSecret;
  auto client = configuredClient(s, kind, *id, configuredSecret);
  if (!client) client = s.engine.workOrderClient(kind, *id);
  if (!client || client->disabled || !workOrderSecretMatches(*client, *secret))
    return refuse(why, kNoPermission,
                  std::string(idHeader) + ": no " + (kind == "app" ? "application" : "service") + " '" + *id +
                      "' with that secretKey");
  Principal p;
  p.via = kind + ":" + *id;
  if (!needToken) return p;
  // The token must be one the login issued (an API token of the server); Authorization the same.
  if (kind == "app" && *authorization != *token && *authorization != "Bearer " + *token)
    return refuse(why, kBadToken, "Authorization: must be the accessToken (or Bearer <accessToken>)");
  auto issued = s.engine.apiTokenByHash(Authenticator::tokenHash(*token));
  auto user = issued ? s.engine.user(issued->user) : std::nullopt;
  if (!user) return refuse(why, kBadToken, "accessToken: not a token this server issued (or revoked)");
  if (user->disabled) return refuse(why, kDisabled, "accessToken: the account '" + user->id + "' is disabled");
  auto who = s.auth.principalOf(*user, p.via);
  return who;
}

void addLoginRoute(RouteTable& t) {
  using namespace schema;
  t.add(W("POST", "/workflow/auth/login", "Log in (the document's best practice): a token for every later call")
            .open()
            .body(obj({{"username", str("user id")}, {"password", str()}}, {"username", "password"}))
            .handle([](Call& c) {
              std::string why;
              if (!authenticate(c.request, c.state, why, false)) {
                return dialect()->unauthenticated(c.request, why);
              }
              const auto& b = bodyOf(c);
              std::string id = textField(b, "username", true), password = textField(b, "password", true);
              auto user = c.engine.user(id);
              if (!user) return fail(kNoUser, "username: no user '" + id + "'");
              auto hash = c.engine.passwordHash(id);
              if (hash.empty() || !Authenticator::verifyPassword(hash, password))
                return fail(kNoPermission, "password: wrong user name or password");
              if (user->disabled) return fail(kDisabled, "username: the account '" + id + "' is disabled");
              auto secret = Authenticator::newTokenSecret();
              c.engine.createApiToken(id, "workorder login", Authenticator::tokenHash(secret));
              return ok(
                  object{{"accessToken", secret}, {"tokenType", "Bearer"}, {"userId", id}, {"userName", user->name}},
                  "登录成功");
            })
            .route);
}

}  // namespace ordo::server::workorder
