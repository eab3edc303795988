#include "server/camunda7/common.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include "server/state.hpp"

namespace ordo::server::camunda7 {

R::R(const char* method, const std::string& path, const char* tag, const char* summary) {
  route.method = method;
  route.path = "/engine-rest" + path;
  route.tag = tag;
  route.summary = summary;
}
R& R::query(const char* name, const char* type, const char* description, bool required) {
  route.params.push_back(Param{name, "query", type, required, description ? description : ""});
  return *this;
}
R& R::body(value schema, const char* contentType) {
  route.requestSchema = std::move(schema);
  if (contentType) route.requestContentType = contentType;
  return *this;
}
R& R::returns(value schema, int status) {
  route.responseSchema = std::move(schema);
  route.successStatus = status;
  return *this;
}
R& R::noContent() {
  route.successStatus = 204;
  return *this;
}
R& R::admin() {
  route.auth = Auth::admin;
  return *this;
}
R& R::open() {
  route.auth = Auth::none;
  return *this;
}
R& R::large() {
  route.largeBody = true;
  return *this;
}
R& R::paged() {
  query("firstResult", "integer", "index of the first result");
  query("maxResults", "integer", "how many results at most");
  return *this;
}
R& R::handle(std::function<Response(Call&)> f) {
  route.handler = std::move(f);
  return *this;
}

std::string isoTime(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buf;
}

value timeOrNull(std::int64_t ms) {
  return ms ? value(isoTime(ms)) : value(nullptr);
}

std::int64_t parseTime(const std::string& s, const std::string& field) {
  int y, mo, d, h = 0, mi = 0, sec = 0, millis = 0;
  int n = 0;
  auto bad = [&] {
    return Error(ErrorCode::invalid_argument,
                 field + ": cannot parse '" + s + "' as a date (expected yyyy-MM-dd'T'HH:mm:ss.SSSZ)");
  };
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) throw bad();
  std::size_t i = static_cast<std::size_t>(n);
  if (i < s.size() && s[i] == 'T') {
    int m = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m) != 3) throw bad();
    i += 1 + static_cast<std::size_t>(m);
    if (i < s.size() && s[i] == '.') {
      std::size_t j = i + 1;
      std::string digits;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) digits += s[j++];
      while (digits.size() < 3) digits += '0';
      millis = std::stoi(digits.substr(0, 3));
      i = j;
    }
  }
  long offset = 0;
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh = 0, om = 0;
      std::string rest = s.substr(i + 1);
      rest.erase(std::remove(rest.begin(), rest.end(), ':'), rest.end());
      if (rest.size() != 4 || std::sscanf(rest.c_str(), "%2d%2d", &oh, &om) != 2) throw bad();
      offset = (s[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
      i = s.size();
    }
  }
  if (i != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) throw bad();
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return (static_cast<std::int64_t>(timegm(&tm)) - offset) * 1000 + millis;
}

Id parseId(const std::string& s, const std::string& what) {
  Id id = 0;
  bool ok = !s.empty() && s.size() < 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (ok) id = std::stoll(s);
  if (!ok || id <= 0) throw Error(ErrorCode::not_found, what + " with id '" + s + "' does not exist");
  return id;
}

std::string idString(Id id) {
  return std::to_string(id);
}
value idOrNull(Id id) {
  return id ? value(idString(id)) : value(nullptr);
}
value strOrNull(const std::string& s) {
  return s.empty() ? value(nullptr) : value(s);
}

value typedValue(const value& v) {
  object o{{"valueInfo", object()}};
  switch (v.kind()) {
    case boost::json::kind::null:
      o["type"] = "Null";
      o["value"] = nullptr;
      break;
    case boost::json::kind::bool_:
      o["type"] = "Boolean";
      o["value"] = v;
      break;
    case boost::json::kind::int64: {
      auto n = v.as_int64();
      o["type"] = n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max() ? "Integer" : "Long";
      o["value"] = v;
      break;
    }
    case boost::json::kind::uint64:
      o["type"] = "Long";
      o["value"] = v;
      break;
    case boost::json::kind::double_:
      o["type"] = "Double";
      o["value"] = v;
      break;
    case boost::json::kind::string:
      o["type"] = "String";
      o["value"] = v;
      break;
    case boost::json::kind::array:
    case boost::json::kind::object:
      o["type"] = "Json";
      o["value"] = boost::json::serialize(v);
      break;
  }
  return o;
}

object typedVariables(const Variables& vars) {
  object out;
  for (const auto& [k, v] : vars) out[k] = typedValue(v);
  return out;
}

namespace {
std::optional<double> numberIn(const value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (v.is_string()) {
    std::string s(v.as_string());
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == '\0' && errno == 0) return d;
  }
  return std::nullopt;
}
}  // namespace

value untypedValue(const value& typed, const std::string& field) {
  if (!typed.is_object())
    throw Error(ErrorCode::invalid_argument, field + ": expected an object {\"value\": ..., \"type\": ...}");
  const auto& o = typed.as_object();
  value v = o.contains("value") ? o.at("value") : value(nullptr);
  std::string type = o.contains("type") && o.at("type").is_string() ? std::string(o.at("type").as_string()) : "";
  if (o.contains("type") && !o.at("type").is_string() && !o.at("type").is_null())
    throw Error(ErrorCode::invalid_argument, field + ".type: expected a string");
  std::string lower = type;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto cannot = [&] {
    return Error(ErrorCode::invalid_argument,
                 field + ".value: cannot convert " + boost::json::serialize(v) + " to type " + type);
  };
  if (lower.empty()) return v;
  if (v.is_null() && lower != "json") return v;
  if (lower == "null") return nullptr;
  if (lower == "string" || lower == "date") {
    if (!v.is_string()) throw cannot();
    return v;
  }
  if (lower == "integer" || lower == "long" || lower == "short") {
    auto d = numberIn(v);
    if (!d || std::floor(*d) != *d || std::fabs(*d) > 9.2e18) throw cannot();
    auto n = static_cast<std::int64_t>(*d);
    if (lower == "integer" && (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()))
      throw cannot();
    if (lower == "short" && (n < -32768 || n > 32767)) throw cannot();
    return n;
  }
  if (lower == "double") {
    auto d = numberIn(v);
    if (!d) throw cannot();
    return *d;
  }
  if (lower == "boolean") {
    if (v.is_bool()) return v;
    if (v.is_string() && (v.as_string() == "true" || v.as_string() == "false")) return v.as_string() == "true";
    throw cannot();
  }
  if (lower == "json" || lower == "object") {
    if (v.is_string()) {
      boost::system::error_code ec;
      auto parsed = boost::json::parse(v.as_string(), ec);
      if (ec) {
        if (lower == "object") return v;
        throw Error(ErrorCode::invalid_argument, field + ".value: not valid JSON text (" + ec.message() + ")");
      }
      return parsed;
    }
    return v;
  }
  throw Error(ErrorCode::invalid_argument,
              field + ".type: unsupported variable type '" + type +
                  "' (String, Integer, Long, Short, Double, Boolean, Json, Object, Date, Null)");
}

Variables untypedVariables(const value* typed, const std::string& field) {
  Variables out;
  if (!typed || typed->is_null()) return out;
  if (!typed->is_object()) throw Error(ErrorCode::invalid_argument, field + ": expected an object of variables");
  for (const auto& [k, v] : typed->as_object()) out[k] = untypedValue(v, field + "." + std::string(k));
  return out;
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

std::optional<std::int64_t> integerField(const object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() < (1ULL << 62)) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double() && std::floor(v->as_double()) == v->as_double() && std::fabs(v->as_double()) < 9e18)
    return static_cast<std::int64_t>(v->as_double());
  throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected an integer");
}

bool flag(const object& o, const char* key, bool otherwise) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return otherwise;
  if (!v->is_bool()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected true or false");
  return v->as_bool();
}

std::vector<std::string> strings(const object& o, const char* key) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected an array of strings");
  for (const auto& s : v->as_array()) {
    if (!s.is_string()) throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected an array of strings");
    out.emplace_back(s.as_string());
  }
  return out;
}

std::string param(const Call& c, const char* name) {
  auto* v = c.request.queryParam(name);
  return v ? *v : std::string();
}

std::optional<std::int64_t> queryInt(const Call& c, const char* name) {
  auto* v = c.request.queryParam(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno == ERANGE)
    throw Error(ErrorCode::invalid_argument,
                std::string("Cannot set query parameter '") + name + "' to value '" + *v + "': not an integer");
  return n;
}

std::optional<bool> queryBool(const Call& c, const char* name) {
  auto* v = c.request.queryParam(name);
  if (!v) return std::nullopt;
  if (*v != "true" && *v != "false")
    throw Error(ErrorCode::invalid_argument,
                std::string("Cannot set query parameter '") + name + "' to value '" + *v + "': expected true or false");
  return *v == "true";
}

bool seesTenant(const Principal& who, const std::string& tenant) {
  return who.admin || who.tenant == tenant;
}

Instance visibleInstance(Call& c, const std::string& id) {
  Id n = parseId(id, "Process instance");
  try {
    auto i = c.engine.instance(n);
    if (seesTenant(c.who, i.tenant)) return i;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
  }
  throw Error(ErrorCode::not_found, "Process instance with id '" + id + "' does not exist");
}

Task visibleTask(Call& c, const std::string& id, Instance* instance) {
  Id n = parseId(id, "Task");
  try {
    auto t = c.engine.task(n);
    auto i = c.engine.instance(t.instanceId);
    if (seesTenant(c.who, i.tenant)) {
      if (instance) *instance = i;
      return t;
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::not_found) throw;
  }
  throw Error(ErrorCode::not_found, "Task with id '" + id + "' does not exist");
}

std::vector<std::pair<Definition, Engine::DefinitionOrigin>> visibleDefinitions(Call& c) {
  auto catalog = c.state.definitions();
  std::vector<std::pair<Definition, Engine::DefinitionOrigin>> out;
  for (const auto& [d, o] : catalog->all) {
    if (o.deleted) continue;
    if (!c.who.admin && !o.tenant.empty() && o.tenant != c.who.tenant) continue;
    out.emplace_back(d, o);
  }
  return out;
}

Engine::DefinitionOrigin definitionOrigin(Call& c, Id definition) {
  for (const auto& [d, o] : c.state.definitions()->all)
    if (d.id == definition) return o;
  return {};
}

Definition visibleDefinition(Call& c, const std::string& id) {
  Id n = parseId(id, "Process definition");
  for (const auto& [d, o] : visibleDefinitions(c))
    if (d.id == n) return d;
  throw Error(ErrorCode::not_found, "No matching definition with id '" + id + "'");
}

Definition latestVisible(Call& c, const std::string& key, const std::string* tenant) {
  std::optional<Definition> own, shared;
  for (const auto& [d, o] : visibleDefinitions(c)) {
    if (d.key != key) continue;
    if (tenant && o.tenant != *tenant) continue;
    auto& slot = !o.tenant.empty() && o.tenant == c.who.tenant ? own : shared;
    if (!slot || slot->version < d.version) slot = d;
  }
  if (own) return *own;
  if (shared) return *shared;
  throw Error(ErrorCode::not_found, "No matching process definition with key '" + key + "'" +
                                        (tenant ? " and tenant-id '" + *tenant + "'" : std::string()));
}

void requireSelfOrTrusted(Call& c, const std::string& user, const char* field) {
  if (user == c.who.user || c.who.admin) return;
  if (c.who.service) {
    auto u = c.engine.user(user);
    if (u && u->tenant == c.who.tenant) return;
  }
  throw Error(ErrorCode::forbidden, std::string(field) + ": user '" + c.who.user + "' may not act for user '" + user +
                                        "' (only an administrator or a service account of the user's tenant may)");
}

std::string actingUser(Call& c, const object& o, const char* field) {
  std::string named = text(o, field);
  if (named.empty()) return c.who.user;
  requireSelfOrTrusted(c, named, field);
  return named;
}

std::set<std::string> commaList(const std::string& s) {
  std::set<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.insert(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

StartRequest startRequestFor(Call& c, const Definition& d, const object& b) {
  StartRequest req;
  req.definitionId = d.id;
  req.variables = untypedVariables(b.if_contains("variables"), "variables");
  req.businessKey = text(b, "businessKey");
  req.initiator = c.who.user;
  auto tenant = definitionOrigin(c, d.id).tenant;
  req.tenant = tenant.empty() ? c.who.tenant : tenant;
  return req;
}

value countOf(std::size_t n) {
  return object{{"count", n}};
}

value definitionDto(const Definition& d, const Engine::DefinitionOrigin& o) {
  return object{{"id", idString(d.id)},
                {"key", d.key},
                {"category", d.category},
                {"description", nullptr},
                {"name", strOrNull(d.name)},
                {"version", d.version},
                {"resource", d.key + ".bpmn"},
                {"deploymentId", idOrNull(o.deploymentId)},
                {"diagram", nullptr},
                {"suspended", d.suspended},
                {"tenantId", strOrNull(o.tenant)},
                {"versionTag", nullptr},
                {"historyTimeToLive", nullptr},
                {"startableInTasklist", true},
                {"ordoPublication", toString(d.publication)}};  // Ordo: deployed, published or offline
}

value instanceDto(const Instance& i) {
  return object{{"id", idString(i.id)},
                {"definitionId", idString(i.definitionId)},
                {"definitionKey", i.definitionKey},
                {"businessKey", strOrNull(i.businessKey)},
                {"caseInstanceId", nullptr},
                {"ended", i.state != Instance::State::running && i.state != Instance::State::suspended && i.state != Instance::State::draft},
                {"suspended", i.state == Instance::State::suspended},
                {"tenantId", strOrNull(i.tenant)},
                {"links", array()},
                {"ordoState", toString(i.state)}};
}

value taskDto(const Task& t, const Instance& i) {
  return object{{"id", idString(t.id)},
                {"name", strOrNull(t.name)},
                {"assignee", strOrNull(t.assignee)},
                {"owner", strOrNull(t.owner)},
                {"created", isoTime(t.createdAt)},
                {"lastUpdated", nullptr},
                {"due", timeOrNull(t.dueAt)},
                {"followUp", nullptr},
                {"delegationState", t.delegation == "pending"    ? value("PENDING")
                                    : t.delegation == "resolved" ? value("RESOLVED")
                                                                 : value(nullptr)},
                {"description", nullptr},
                {"executionId", idString(t.instanceId)},
                {"parentTaskId", nullptr},
                {"priority", t.priority},
                {"processDefinitionId", idString(i.definitionId)},
                {"processInstanceId", idString(t.instanceId)},
                {"taskDefinitionKey", t.elementId},
                {"caseExecutionId", nullptr},
                {"caseInstanceId", nullptr},
                {"caseDefinitionId", nullptr},
                {"suspended", i.state == Instance::State::suspended},
                {"formKey", strOrNull(t.formKey)},
                {"camundaFormRef", nullptr},
                {"tenantId", strOrNull(i.tenant)},
                {"taskState", t.state == Task::State::open        ? "Created"
                              : t.state == Task::State::completed ? "Completed"
                                                       : "Deleted"}};
}

value historicInstanceDto(const Instance& i, const std::string& definitionName) {
  std::string state = i.state == Instance::State::running     ? "ACTIVE"
                      : i.state == Instance::State::suspended ? "SUSPENDED"
                      : i.state == Instance::State::completed ? "COMPLETED"
                      : i.state == Instance::State::draft     ? "ACTIVE"
                                               : "EXTERNALLY_TERMINATED";
  return object{{"id", idString(i.id)},
                {"businessKey", strOrNull(i.businessKey)},
                {"processDefinitionId", idString(i.definitionId)},
                {"processDefinitionKey", i.definitionKey},
                {"processDefinitionName", strOrNull(definitionName)},
                {"processDefinitionVersion", i.definitionVersion},
                {"startTime", isoTime(i.startedAt)},
                {"endTime", timeOrNull(i.endedAt)},
                {"removalTime", nullptr},
                {"durationInMillis", i.endedAt ? value(i.endedAt - i.startedAt) : value(nullptr)},
                {"startUserId", strOrNull(i.initiator)},
                {"startActivityId", nullptr},
                {"deleteReason", i.state == Instance::State::completed || i.state == Instance::State::running ? value(nullptr) : value(toString(i.state))},
                {"rootProcessInstanceId", idString(i.id)},
                {"superProcessInstanceId", idOrNull(i.parentId)},
                {"superCaseInstanceId", nullptr},
                {"caseInstanceId", nullptr},
                {"tenantId", strOrNull(i.tenant)},
                {"state", state},
                {"ordoState", toString(i.state)}};
}

value deploymentDto(const DeploymentRecord& d) {
  return object{{"id", idString(d.id)},
                {"name", strOrNull(d.name)},
                {"source", strOrNull(d.source)},
                {"deploymentTime", isoTime(d.deployedAt)},
                {"tenantId", strOrNull(d.tenant)},
                {"links", array()}};
}

value definitionSchema() {
  return schema::obj({{"id", schema::str()},
                      {"key", schema::str()},
                      {"name", schema::str()},
                      {"version", schema::integer()},
                      {"deploymentId", schema::str()},
                      {"tenantId", schema::str()},
                      {"suspended", schema::boolean()}});
}
value instanceSchema() {
  return schema::obj({{"id", schema::str()},
                      {"definitionId", schema::str()},
                      {"businessKey", schema::str()},
                      {"ended", schema::boolean()},
                      {"suspended", schema::boolean()},
                      {"tenantId", schema::str()}});
}
value taskSchema() {
  return schema::obj({{"id", schema::str()},
                      {"name", schema::str()},
                      {"assignee", schema::str()},
                      {"owner", schema::str()},
                      {"created", schema::str()},
                      {"processInstanceId", schema::str()},
                      {"processDefinitionId", schema::str()},
                      {"taskDefinitionKey", schema::str()},
                      {"formKey", schema::str()},
                      {"tenantId", schema::str()}});
}
value countSchema() {
  return schema::obj({{"count", schema::integer()}});
}

}  // namespace ordo::server::camunda7
