// The work-order dialect's shared pieces: routes, envelopes, codes, times, definition ids.
#include "server/workorder/common.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::workorder {

int codeOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::parse_error:
    case ErrorCode::expression_error: return kBadParam;
    case ErrorCode::forbidden: return kNoPermission;
    case ErrorCode::not_found:
    case ErrorCode::wrong_state:
    case ErrorCode::limit_exceeded:
    case ErrorCode::conflict:
    case ErrorCode::unsupported:
    case ErrorCode::no_outgoing_flow:
    case ErrorCode::unhandled_bpmn_error:
    case ErrorCode::service_failed:
    case ErrorCode::interrupted: return kFailed;
    case ErrorCode::io_error:
    case ErrorCode::busy:
    case ErrorCode::internal: return kStoreFailed;
  }
  return kStoreFailed;
}

Response ok(const value& data, const char* msg) {
  return json(200, object{{"code", kOk}, {"msg", msg}, {"data", data}});
}

Response rows(std::int64_t total, array rs, const char* msg) {
  return json(200, object{{"code", kOk}, {"msg", msg}, {"total", total}, {"rows", std::move(rs)}});
}

Response fail(int code, const std::string& msg) {
  // Every answer of the dialect is HTTP 200: the envelope carries the code.
  return json(200, object{{"code", code}, {"msg", msg}, {"data", nullptr}});
}

namespace {

std::shared_ptr<Dialect> makeDialect(const std::string& prefix) {
  auto d = std::make_shared<Dialect>();
  d->name = "workorder";
  d->prefix = prefix;
  d->authenticate = [](const Request& r, ServerState& s, std::string& why) { return authenticate(r, s, why, true); };
  d->unauthenticated = [](const Request&, const std::string& why) {
    // `why` is "<code> <message>" (auth.cpp).
    int code = kBadParam;
    std::size_t used = 0;
    try {
      code = std::stoi(why, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    return fail(code, used ? why.substr(used + 1) : why);
  };
  d->error = [](const Request&, const Error& e, bool) { return fail(codeOf(e.code()), e.what()); };
  return d;
}

}  // namespace

std::vector<std::shared_ptr<const Dialect>> dialectPrefixes() {
  static const std::vector<std::shared_ptr<const Dialect>> all = [] {
    std::vector<std::shared_ptr<const Dialect>> out;
    for (const char* p : {"/workflow/", "/WorkOrder/", "/synthesis/", "/userdefine/", "workflow/", "WorkOrder/",
                          "synthesis/", "userdefine/"})
      out.push_back(makeDialect(p));
    return out;
  }();
  return all;
}

std::shared_ptr<const Dialect> dialect() {
  return dialectPrefixes().front();
}

W::W(const char* method, const std::string& path, const char* summary) {
  route.method = method;
  route.path = path;
  route.tag = "Work-order center (统一工单中心)";
  route.summary = summary;
  route.dialect = dialect();
  route.responseSchema = schema::obj({{"code", schema::integer()}, {"msg", schema::str()}});
}
W& W::query(const char* name, const char* type, bool required, const char* description) {
  route.params.push_back(Param{name, "query", type, required, description ? description : ""});
  return *this;
}
W& W::body(value s) {
  route.requestSchema = std::move(s);
  return *this;
}
W& W::open() {
  route.auth = Auth::none;
  return *this;
}
W& W::handle(std::function<Response(Call&)> f) {
  route.handler = std::move(f);
  return *this;
}

std::string localTime(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

value localTimeOrNull(std::int64_t ms) {
  return ms ? value(localTime(ms)) : value(nullptr);
}

std::int64_t parseLocalTime(const std::string& s, const std::string& field) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
  int got = std::sscanf(s.c_str(), "%4d-%2d-%2d%n %2d:%2d:%2d%n", &y, &mo, &d, &n, &h, &mi, &sec, &n);
  bool whole = static_cast<std::size_t>(n) == s.size();
  if (!(got == 3 || got == 6) || !whole || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
      y < 1970)
    throw Error(ErrorCode::invalid_argument,
                field + ": cannot parse '" + s + "' as a date (expected yyyy-MM-dd HH:mm:ss or yyyy-MM-dd)");
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm)) * 1000;
}

std::string durationText(std::int64_t ms) {
  if (ms < 0) ms = 0;
  std::int64_t s = ms / 1000;
  return std::to_string(s / 86400) + "天" + std::to_string(s % 86400 / 3600) + "小时" + std::to_string(s % 3600 / 60) +
         "分" + std::to_string(s % 60) + "秒";
}

std::string definitionIdOf(const Definition& d) {
  return d.key + ":" + std::to_string(d.version) + ":" + std::to_string(d.id);
}

Definition resolveDefinition(Call& c, const std::string& text, const char* field) {
  if (text.empty()) throw Error(ErrorCode::invalid_argument, std::string(field) + ": required");
  auto first = text.find(':');
  if (first != std::string::npos) {
    auto last = text.rfind(':');
    auto d = camunda7::visibleDefinition(c, text.substr(last + 1));
    if (definitionIdOf(d) != text)
      throw Error(ErrorCode::not_found, std::string(field) + ": no definition '" + text + "'");
    return d;
  }
  if (std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
    return camunda7::visibleDefinition(c, text);
  return camunda7::latestVisible(c, text);
}

std::string deploymentIdOf(Call& c, Id definition) {
  auto o = camunda7::definitionOrigin(c, definition);
  return o.deploymentId ? std::to_string(o.deploymentId) : std::string();
}

const object& bodyOf(const Call& c) {
  if (!c.body || !c.body->is_object()) throw Error(ErrorCode::invalid_argument, "body: expected a JSON object");
  return c.body->as_object();
}

bool hasField(const object& o, const char* key) {
  return o.contains(key);
}

std::string textField(const object& o, const char* key, bool required) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) throw Error(ErrorCode::invalid_argument, std::string(key) + ": required");
    return {};
  }
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());  // an id sent as a number is still the id
  throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected a string");
}

Variables objectField(const object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (v->is_object()) return v->as_object();
  if (v->is_string()) {
    std::string s(v->as_string());
    if (s.empty()) return {};
    boost::system::error_code ec;
    auto parsed = boost::json::parse(s, ec);
    if (!ec && parsed.is_object()) return parsed.as_object();
  }
  throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected an object (or the JSON text of one)");
}

std::vector<std::string> userList(const object& o, const char* key) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  auto add = [&](const std::string& s) {
    std::size_t i = 0;
    while (i <= s.size()) {
      auto j = s.find(',', i);
      if (j == std::string::npos) j = s.size();
      auto part = s.substr(i, j - i);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) out.push_back(part);
      i = j + 1;
    }
  };
  if (v->is_string()) {
    add(std::string(v->as_string()));
  } else if (v->is_array()) {
    for (const auto& x : v->as_array()) {
      if (x.is_string())
        add(std::string(x.as_string()));
      else if (!x.is_object() || !x.as_object().empty())  // the document's placeholder [{}] names nobody
        throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected user ids");
    }
  } else {
    throw Error(ErrorCode::invalid_argument, std::string(key) + ": expected a comma-separated string or an array");
  }
  return out;
}

std::string queryText(const Call& c, const char* name) {
  auto* v = c.request.queryParam(name);
  return v ? *v : std::string();
}

void paging(const Call& c, const char* pageName, int& offset, int& limit) {
  auto num = [&](const char* name) {
    auto* v = c.request.queryParam(name);
    if (!v) throw Error(ErrorCode::invalid_argument, std::string(name) + ": required");
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end || n < 1 || n > 100000)
      throw Error(ErrorCode::invalid_argument, std::string(name) + ": '" + *v + "' is not a positive integer");
    return static_cast<int>(n);
  };
  int page = num(pageName);
  limit = num("pageSize");
  if (limit > 1000) throw Error(ErrorCode::invalid_argument, "pageSize: at most 1000");
  offset = (page - 1) * limit;
}

Actor actorOf(const Call& c) {
  auto colon = c.who.via.find(':');
  if (colon != std::string::npos) return Actor::application(c.who.via, c.who.user);
  return Actor::user(c.who.user);
}

bool userExists(Call& c, const std::string& id) {
  return !id.empty() && c.engine.user(id).has_value();
}

}  // namespace ordo::server::workorder
