#include "config.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

namespace ordo::tool {

namespace {

[[noreturn]] void fail(const std::string& message) {
  throw Error(ErrorCode::invalid_argument, message);
}

void onlyKeys(const boost::json::object& o, const std::set<std::string>& known, const std::string& where) {
  for (const auto& [k, v] : o)
    if (!known.count(std::string(k))) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      fail(where + ": unknown key '" + std::string(k) + "' (known: " + list + ")");
    }
}

std::string str(const boost::json::object& o, const char* key, const std::string& where, std::string otherwise = {}) {
  auto* v = o.if_contains(key);
  if (!v) return otherwise;
  if (!v->is_string()) fail(where + "." + key + ": expected a string");
  return std::string(v->as_string());
}

std::int64_t num(const boost::json::object& o, const char* key, const std::string& where, std::int64_t otherwise) {
  auto* v = o.if_contains(key);
  if (!v) return otherwise;
  if (!v->is_int64() || v->as_int64() < 0) fail(where + "." + key + ": expected a non-negative integer");
  return v->as_int64();
}

std::vector<std::string> strs(const boost::json::object& o, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v) return out;
  if (!v->is_array()) fail(where + "." + key + ": expected an array of strings");
  for (const auto& s : v->as_array()) {
    if (!s.is_string()) fail(where + "." + key + ": expected an array of strings");
    out.emplace_back(s.as_string());
  }
  return out;
}

const boost::json::array& arr(const boost::json::object& o, const char* key, const std::string& where) {
  static const boost::json::array empty;
  auto* v = o.if_contains(key);
  if (!v) return empty;
  if (!v->is_array()) fail(where + "." + key + ": expected an array");
  return v->as_array();
}

const boost::json::object& objAt(const boost::json::value& v, const std::string& where) {
  if (!v.is_object()) fail(where + ": expected an object");
  return v.as_object();
}

}  // namespace

void splitListen(const std::string& listen, std::string& host, unsigned short& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) fail("listen: expected HOST:PORT, got '" + listen + "'");
  host = listen.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  auto p = listen.substr(colon + 1);
  char* end = nullptr;
  long n = std::strtol(p.c_str(), &end, 10);
  if (p.empty() || *end || n < 0 || n > 65535) fail("listen: bad port '" + p + "'");
  port = static_cast<unsigned short>(n);
}

void readConfigFile(const std::string& path, Config& c) {
  std::ifstream in(path);
  if (!in) fail("--config: cannot read '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(text.str(), ec);
  if (ec) fail(path + ": not valid JSON (" + ec.message() + ")");
  const auto& o = objAt(v, path);
  onlyKeys(o,
           {"listen", "db", "deploy", "durability", "anonymous", "accessLog", "jobPollMillis", "jobLockMillis", "limits", "users",
            "roles", "departments", "tenants", "sampleUsers", "swaggerDir", "consoleDir", "dialects", "testClock", "auditLog", "tls", "allowPlainHttp"},
           path);
  c.listen = str(o, "listen", path, c.listen);
  c.db = str(o, "db", path, c.db);
  for (auto& d : strs(o, "deploy", path)) c.deploy.push_back(d);
  c.durability = str(o, "durability", path, c.durability);
  if (c.durability != "full" && c.durability != "normal") fail(path + ".durability: 'full' or 'normal'");
  c.server.anonymous = str(o, "anonymous", path, c.server.anonymous);
  if (o.contains("auditLog")) {
    c.server.auditLog = str(o, "auditLog", path, "");
    c.auditLogSet = true;
  }
  c.server.accessLog = str(o, "accessLog", path, c.server.accessLog);
  c.server.swaggerDir = str(o, "swaggerDir", path, c.server.swaggerDir);
  c.server.consoleDir = str(o, "consoleDir", path, c.server.consoleDir);
  c.server.jobPollMillis = num(o, "jobPollMillis", path, c.server.jobPollMillis);
  c.jobLockMillis = num(o, "jobLockMillis", path, c.jobLockMillis);
  if (auto* d = o.if_contains("dialects")) {
    if (!d->is_object()) fail(path + ".dialects: expected an object of settings by dialect name");
    c.server.dialects = d->as_object();
  }
  if (auto* t = o.if_contains("tls")) {
    if (!t->is_object()) fail(path + ".tls: expected {\"certificate\": FILE, \"key\": FILE}");
    const auto& to = t->as_object();
    for (const auto& entry : to)
      if (entry.key() != "certificate" && entry.key() != "key")
        fail(path + ".tls: unknown key '" + std::string(entry.key()) + "' (known: certificate, key)");
    c.server.tlsCertificate = str(to, "certificate", path + ".tls", "");
    c.server.tlsKey = str(to, "key", path + ".tls", "");
  }
  if (auto* a = o.if_contains("allowPlainHttp")) {
    if (!a->is_bool()) fail(path + ".allowPlainHttp: expected true or false");
    c.server.allowPlainHttp = a->as_bool();
  }
  if (auto* t = o.if_contains("testClock")) {
    if (!t->is_bool()) fail(path + ".testClock: expected true or false");
    c.testClock = t->as_bool();
  }
  if (auto* s = o.if_contains("sampleUsers")) {
    if (!s->is_bool()) fail(path + ".sampleUsers: expected true or false");
    c.sampleUsers = s->as_bool();
  }
  if (auto* l = o.if_contains("limits")) {
    std::string where = path + ".limits";
    const auto& lo = objAt(*l, where);
    onlyKeys(lo,
             {"bodyBytes", "deploymentBytes", "headerBytes", "readTimeoutMillis", "threads", "ioThreads",
              "maxConnections", "ratePerSecond", "rateBurst"},
             where);
    auto& lim = c.server.limits;
    lim.bodyBytes = static_cast<std::size_t>(num(lo, "bodyBytes", where, static_cast<std::int64_t>(lim.bodyBytes)));
    lim.deploymentBytes =
        static_cast<std::size_t>(num(lo, "deploymentBytes", where, static_cast<std::int64_t>(lim.deploymentBytes)));
    lim.headerBytes =
        static_cast<std::size_t>(num(lo, "headerBytes", where, static_cast<std::int64_t>(lim.headerBytes)));
    lim.readTimeout = std::chrono::milliseconds(num(lo, "readTimeoutMillis", where, lim.readTimeout.count()));
    lim.threads = static_cast<int>(num(lo, "threads", where, lim.threads));
    lim.ioThreads = static_cast<int>(num(lo, "ioThreads", where, lim.ioThreads));
    lim.maxConnections = static_cast<int>(num(lo, "maxConnections", where, lim.maxConnections));
    lim.ratePerSecond = static_cast<double>(num(lo, "ratePerSecond", where, static_cast<std::int64_t>(lim.ratePerSecond)));
    lim.rateBurst = static_cast<double>(num(lo, "rateBurst", where, static_cast<std::int64_t>(lim.rateBurst)));
  }
  std::size_t i = 0;
  for (const auto& u : arr(o, "users", path)) {
    std::string where = path + ".users[" + std::to_string(i++) + "]";
    const auto& uo = objAt(u, where);
    onlyKeys(uo, {"id", "name", "password", "roles", "department", "tenant"}, where);
    ConfiguredUser cu;
    cu.user.id = str(uo, "id", where);
    if (cu.user.id.empty()) fail(where + ".id: required");
    cu.user.name = str(uo, "name", where);
    cu.user.roles = strs(uo, "roles", where);
    cu.user.department = str(uo, "department", where);
    cu.user.tenant = str(uo, "tenant", where);
    cu.password = str(uo, "password", where);
    if (!cu.password.empty() && cu.password.size() < 8) fail(where + ".password: at least 8 characters");
    c.users.push_back(std::move(cu));
  }
  i = 0;
  for (const auto& r : arr(o, "roles", path)) {
    std::string where = path + ".roles[" + std::to_string(i++) + "]";
    const auto& ro = objAt(r, where);
    onlyKeys(ro, {"id", "name"}, where);
    if (str(ro, "id", where).empty()) fail(where + ".id: required");
    c.roles.emplace_back(str(ro, "id", where), str(ro, "name", where));
  }
  i = 0;
  for (const auto& d : arr(o, "departments", path)) {
    std::string where = path + ".departments[" + std::to_string(i++) + "]";
    const auto& dob = objAt(d, where);
    onlyKeys(dob, {"id", "name", "parent", "leader"}, where);
    Department dep{str(dob, "id", where), str(dob, "name", where), str(dob, "parent", where),
                   str(dob, "leader", where)};
    if (dep.id.empty()) fail(where + ".id: required");
    c.departments.push_back(dep);
  }
  i = 0;
  for (const auto& t : arr(o, "tenants", path)) {
    std::string where = path + ".tenants[" + std::to_string(i++) + "]";
    const auto& to = objAt(t, where);
    onlyKeys(to, {"id", "name"}, where);
    Tenant tn{str(to, "id", where), str(to, "name", where)};
    if (tn.id.empty()) fail(where + ".id: required");
    c.tenants.push_back(tn);
  }
}

}  // namespace ordo::tool
