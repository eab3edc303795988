// WeDa's document shows no authentication: the server issues bearer tokens for application
// credentials (client id and secret from the config's dialects.weda.clients), in the style of
// Tencent CloudBase's client-credential flow: POST /weda/auth/v1/token with HTTP Basic
// client_id:client_secret (or both in the body) and {"grant_type": "client_credentials"}.
#include <sodium.h>

#include <chrono>
#include <map>
#include <mutex>

#include "server/state.hpp"
#include "server/weda/common.hpp"

namespace ordo::server::weda {

namespace {

struct Issued {
  Client client;
  std::chrono::steady_clock::time_point until;
};

// Tokens live in memory: a restarted server asks its clients to fetch a new one.
struct Tokens {
  std::mutex mutex;
  std::map<std::string, Issued> byHash;
};

struct ClientConfig {
  std::string id, secret, tenant;
};

const object* settings(const ServerState& s) {
  const value* w = s.options.dialects.if_contains("weda");
  return w && w->is_object() ? &w->as_object() : nullptr;
}

std::vector<ClientConfig> clients(const ServerState& s) {
  std::vector<ClientConfig> out;
  const object* w = settings(s);
  const value* list = w ? w->if_contains("clients") : nullptr;
  if (!list || !list->is_array()) return out;
  for (const auto& c : list->as_array()) {
    if (!c.is_object()) continue;
    const auto& o = c.as_object();
    auto text = [&](const char* k) {
      const value* v = o.if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (!text("clientId").empty() && !text("clientSecret").empty())
      out.push_back({text("clientId"), text("clientSecret"), text("tenant")});
  }
  return out;
}

std::int64_t tokenSeconds(const ServerState& s) {
  const object* w = settings(s);
  const value* v = w ? w->if_contains("tokenSeconds") : nullptr;
  return v && v->is_int64() && v->as_int64() > 0 ? v->as_int64() : 7200;
}

bool sameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string fromBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.c_str(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return {};
  out.resize(len);
  return out;
}

Response token(Call& c, Tokens& tokens) {
  boost::system::error_code ec;
  value parsed = c.request.body.empty() ? value(object()) : boost::json::parse(c.request.body, ec);
  if (ec) throw WedaError("InvalidParameter", "the body is not valid JSON (" + ec.message() + ")");
  if (!parsed.is_object()) throw WedaError("InvalidParameter", "the body must be a JSON object");
  const auto& b = parsed.as_object();
  auto grant = reqString(b, "grant_type");
  oneOf(grant, {"client_credentials"}, "grant_type");
  std::string id = optString(b, "client_id").value_or(""), secret = optString(b, "client_secret").value_or("");
  if (const std::string* h = c.request.header("authorization"); h && h->rfind("Basic ", 0) == 0) {
    auto pair = fromBase64(h->substr(6));
    auto colon = pair.find(':');
    if (colon == std::string::npos) throw WedaError("AuthFailure", "Authorization: malformed Basic credentials");
    id = pair.substr(0, colon);
    secret = pair.substr(colon + 1);
  }
  if (id.empty()) throw WedaError("MissingParameter", "client_id: send it in Basic authentication or the body");
  for (const auto& cl : clients(c.state)) {
    if (cl.id != id) continue;
    if (!sameSecret(cl.secret, secret)) break;
    auto secs = tokenSeconds(c.state);
    auto raw = Authenticator::newTokenSecret();
    std::lock_guard lock(tokens.mutex);
    auto now = std::chrono::steady_clock::now();
    for (auto it = tokens.byHash.begin(); it != tokens.byHash.end();)
      it = it->second.until < now ? tokens.byHash.erase(it) : std::next(it);
    tokens.byHash[Authenticator::tokenHash(raw)] = Issued{{cl.id, cl.tenant}, now + std::chrono::seconds(secs)};
    return json(200, object{{"token_type", "Bearer"}, {"access_token", raw}, {"expires_in", secs}});
  }
  throw WedaError("AuthFailure", "client_id or client_secret is wrong");
}

}  // namespace

DialectPtr addAuthRoutes(RouteTable& t) {
  auto tokens = std::make_shared<Tokens>();
  auto d = std::make_shared<Dialect>();
  d->name = "weda";
  d->prefix = "/weda/";
  d->authenticate = [tokens](const Request& r, ServerState&, std::string& why) -> std::optional<Principal> {
    const std::string* h = r.header("authorization");
    if (!h || h->rfind("Bearer ", 0) != 0) {
      why = "Authorization: send 'Bearer <access_token>' (POST /weda/auth/v1/token issues one)";
      return std::nullopt;
    }
    auto hash = Authenticator::tokenHash(h->substr(7));
    std::lock_guard lock(tokens->mutex);
    auto it = tokens->byHash.find(hash);
    if (it == tokens->byHash.end() || it->second.until < std::chrono::steady_clock::now()) {
      why = "Authorization: the access token is unknown or expired";
      return std::nullopt;
    }
    Principal p;
    p.user = "weda:" + it->second.client.id;
    p.tenant = it->second.client.tenant;
    p.service = true;
    p.via = "bearer";
    return p;
  };
  d->unauthenticated = [](const Request& r, const std::string& why) { return errorReply(r, "AuthFailure", why); };
  d->error = [](const Request& r, const Error& e, bool methodNotAllowed) {
    if (methodNotAllowed)
      return errorReply(r, "InvalidAction", r.method + " " + r.path + ": actions are called by POST");
    if (r.params.empty() && e.code() == ErrorCode::not_found && !dynamic_cast<const WedaError*>(&e)) {
      auto slash = r.path.rfind('/');
      return errorReply(r, "InvalidAction", "no action '" + r.path.substr(slash + 1) + "' at " + r.path);
    }
    return errorReply(r, codeOf(e), e.what());
  };
  DialectPtr dialect = d;
  t.addDialect(dialect);
  Route r;
  r.method = "POST";
  r.path = "/weda/auth/v1/token";
  r.auth = Auth::none;
  r.tag = "WeDa";
  r.summary = "WeDa: an access token for an application credential (client_credentials)";
  r.dialect = dialect;
  r.handler = [tokens](Call& c) { return token(c, *tokens); };
  t.add(std::move(r));
  return dialect;
}

}  // namespace ordo::server::weda
