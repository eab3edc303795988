#include "engine/json.hpp"
#include <limits>

#include <boost/json.hpp>

namespace ordo::json {

namespace bj = boost::json;

namespace {
bj::array strings(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::string text(const bj::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return {};
  if (!it->value().is_string())
    throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be a string");
  return std::string(it->value().as_string());
}

std::int64_t integer(const bj::object& o, const char* key, std::int64_t fallback) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return fallback;
  return checkedInteger(it->value(), key, std::numeric_limits<std::int64_t>::min(),
                        std::numeric_limits<std::int64_t>::max());
}

// Unknown fields are refused: a misspelt filter must not silently match everything.
void onlyFields(const bj::object& o, std::initializer_list<const char*> known, const char* what) {
  for (const auto& kv : o) {
    bool ok = false;
    for (const char* k : known) ok = ok || kv.key() == k;
    if (!ok)
      throw Error(ErrorCode::invalid_argument, std::string("unknown field '") + std::string(kv.key()) + "' in " + what);
  }
}

bool boolean(const bj::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return false;
  if (!it->value().is_bool())
    throw Error(ErrorCode::invalid_argument, std::string("field '") + key + "' must be true or false");
  return it->value().as_bool();
}
}  // namespace

std::int64_t checkedInteger(const boost::json::value& v, const std::string& field, std::int64_t min, std::int64_t max) {
  auto refuse = [&](const std::string& got) -> std::int64_t {
    throw Error(ErrorCode::invalid_argument, "field '" + field + "' must be an integer from " + std::to_string(min) +
                                                 " to " + std::to_string(max) + ", not " + got);
  };
  std::int64_t n = 0;
  if (v.is_int64()) {
    n = v.as_int64();
  } else if (v.is_uint64()) {
    if (v.as_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return refuse(std::to_string(v.as_uint64()));
    n = static_cast<std::int64_t>(v.as_uint64());
  } else {
    return refuse(v.is_number() ? boost::json::serialize(v) : std::string("a ") + to_string(v.kind()).data());
  }
  if (n < min || n > max) return refuse(std::to_string(n));
  return n;
}

bj::value toJson(const Definition& d) {
  return {{"id", d.id},
          {"key", d.key},
          {"name", d.name},
          {"version", d.version},
          {"hash", d.hash},
          {"deployedAt", d.deployedAt},
          {"category", d.category}};
}

bj::value toJson(const Instance& i) {
  return {{"id", i.id},
          {"definitionId", i.definitionId},
          {"definitionKey", i.definitionKey},
          {"definitionVersion", i.definitionVersion},
          {"parentId", i.parentId},
          {"businessKey", i.businessKey},
          {"initiator", i.initiator},
          {"tenant", i.tenant},
          {"state", toString(i.state)},
          {"startedAt", i.startedAt},
          {"endedAt", i.endedAt},
          {"revision", i.revision}};
}

bj::value toJson(const Task& t) {
  return {{"id", t.id},
          {"instanceId", t.instanceId},
          {"elementId", t.elementId},
          {"name", t.name},
          {"assignee", t.assignee},
          {"owner", t.owner},
          {"candidateUsers", strings(t.candidateUsers)},
          {"candidateGroups", strings(t.candidateGroups)},
          {"state", toString(t.state)},
          {"formKey", t.formKey},
          {"priority", t.priority},
          {"createdAt", t.createdAt},
          {"endedAt", t.endedAt},
          {"dueAt", t.dueAt},
          {"completedBy", t.completedBy}};
}

bj::value toJson(const HistoryEntry& h) {
  return {{"id", h.id},         {"instanceId", h.instanceId}, {"at", h.at},
          {"kind", h.kind},     {"elementId", h.elementId},   {"elementType", h.elementType},
          {"taskId", h.taskId}, {"actor", h.actor},           {"comment", h.comment}};
}

bj::value toJson(const ExternalTask& e) {
  return {{"id", e.id},
          {"instanceId", e.instanceId},
          {"elementId", e.elementId},
          {"topic", e.topic},
          {"workerId", e.workerId},
          {"retries", e.retries},
          {"lockExpiresAt", e.lockExpiresAt},
          {"variables", e.variables}};
}

bj::value toJson(const Diagnostic& d) {
  return {{"severity", d.severity == Severity::error ? "error" : "warning"},
          {"code", d.code},
          {"message", d.message},
          {"elementId", d.elementId},
          {"line", d.line},
          {"column", d.column}};
}

bj::value toJson(const InboxMessage& m) {
  return {{"id", m.id},         {"user", m.user},   {"type", m.type},           {"instanceId", m.instanceId},
          {"taskId", m.taskId}, {"title", m.title}, {"createdAt", m.createdAt}, {"read", m.read}};
}

bj::value toJson(const ListItem& item) {
  bj::object o{{"instance", toJson(item.instance)}, {"processName", item.processName}};
  o["task"] = item.task.id ? toJson(item.task) : bj::value(nullptr);
  return o;
}

bj::value toJson(const InstanceDetail& d) {
  bj::array tasks;
  for (const auto& t : d.openTasks) tasks.push_back(toJson(t));
  return {{"instance", toJson(d.instance)},
          {"processName", d.processName},
          {"openTasks", std::move(tasks)},
          {"currentNodes", strings(d.currentNodes)},
          {"allowedActions", strings(d.allowedActions)}};
}

bj::value toJson(const Canvas& c) {
  bj::array nodes, edges;
  for (const auto& n : c.nodes) {
    bj::array processors;
    for (const auto& p : n.processors)
      processors.push_back({{"task", p.taskId},
                            {"user", p.user},
                            {"action", p.action},
                            {"at", p.at},
                            {"comment", p.comment},
                            {"to", p.to}});
    nodes.push_back({{"id", n.id},
                     {"name", n.name},
                     {"kind", n.kind},
                     {"status", n.status},
                     {"approvers", strings(n.approvers)},
                     {"comments", strings(n.comments)},
                     {"startedAt", n.startedAt},
                     {"endedAt", n.endedAt},
                     {"processors", std::move(processors)}});
  }
  for (const auto& e : c.edges)
    edges.push_back({{"id", e.id}, {"source", e.source}, {"target", e.target}, {"status", e.status}, {"name", e.name}});
  return {{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

bj::value toJson(const UserLists& l) {
  return {{"todo", l.todo}, {"done", l.done}, {"started", l.started}, {"cc", l.cc}, {"drafts", l.drafts}};
}

User user(const bj::object& o) {
  onlyFields(o, {"id", "name", "department", "roles", "tenant"}, "the user");
  User u;
  u.id = text(o, "id");
  if (u.id.empty()) throw Error(ErrorCode::invalid_argument, "field 'id' is required");
  u.name = text(o, "name");
  u.department = text(o, "department");
  u.tenant = text(o, "tenant");
  if (auto it = o.find("roles"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) throw Error(ErrorCode::invalid_argument, "field 'roles' must be a list");
    for (const auto& r : it->value().as_array()) {
      if (!r.is_string()) throw Error(ErrorCode::invalid_argument, "field 'roles' must hold strings");
      u.roles.emplace_back(r.as_string());
    }
  }
  return u;
}

ListQuery listQuery(const bj::object& o) {
  onlyFields(o,
             {"user", "type", "processKey", "processName", "category", "tenant", "startedFrom", "startedTo",
              "newestFirst", "offset", "limit"},
             "the list query");
  ListQuery q;
  q.user = text(o, "user");
  if (auto t = text(o, "type"); !t.empty()) q.type = t;
  q.processKey = text(o, "processKey");
  q.processName = text(o, "processName");
  q.category = text(o, "category");
  q.tenant = text(o, "tenant");
  q.startedFrom = integer(o, "startedFrom", 0);
  q.startedTo = integer(o, "startedTo", 0);
  if (o.contains("newestFirst")) q.newestFirst = boolean(o, "newestFirst");
  q.offset = static_cast<int>(integer(o, "offset", 0));
  q.limit = static_cast<int>(integer(o, "limit", 20));
  return q;
}

bj::object parseObject(const char* text, const char* what) {
  if (!text || !*text) return {};
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  if (ec) throw Error(ErrorCode::invalid_argument, std::string(what) + " is not valid JSON: " + ec.message());
  if (!v.is_object()) throw Error(ErrorCode::invalid_argument, std::string(what) + " must be a JSON object");
  return std::move(v.as_object());
}

StartRequest startRequest(const bj::object& o) {
  onlyFields(o, {"key", "definitionId", "variables", "businessKey", "initiator", "tenant"}, "the start request");
  StartRequest r;
  r.key = text(o, "key");
  r.definitionId = integer(o, "definitionId", 0);
  if (auto it = o.find("variables"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) throw Error(ErrorCode::invalid_argument, "field 'variables' must be a JSON object");
    r.variables = it->value().as_object();
  }
  r.businessKey = text(o, "businessKey");
  r.initiator = text(o, "initiator");
  r.tenant = text(o, "tenant");
  return r;
}

TaskQuery taskQuery(const bj::object& o) {
  onlyFields(
      o,
      {"instanceId", "assignee", "candidateUser", "candidateGroups", "elementId", "includeFinished", "offset", "limit"},
      "the task query");
  TaskQuery q;
  q.instanceId = integer(o, "instanceId", 0);
  q.assignee = text(o, "assignee");
  q.candidateUser = text(o, "candidateUser");
  if (auto it = o.find("candidateGroups"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) throw Error(ErrorCode::invalid_argument, "field 'candidateGroups' must be a list");
    for (const auto& g : it->value().as_array()) {
      if (!g.is_string()) throw Error(ErrorCode::invalid_argument, "field 'candidateGroups' must hold strings");
      q.candidateGroups.emplace_back(g.as_string());
    }
  }
  q.elementId = text(o, "elementId");
  q.includeFinished = boolean(o, "includeFinished");
  q.offset = static_cast<int>(integer(o, "offset", 0));
  q.limit = static_cast<int>(integer(o, "limit", 100));
  return q;
}

MessageCorrelation messageCorrelation(const bj::object& o) {
  onlyFields(o, {"name", "businessKey", "instanceId", "variables", "user", "buffer", "bufferMillis"}, "the message");
  MessageCorrelation m;
  m.name = text(o, "name");
  if (m.name.empty()) throw Error(ErrorCode::invalid_argument, "field 'name' is required");
  m.businessKey = text(o, "businessKey");
  m.instanceId = integer(o, "instanceId", 0);
  if (auto it = o.find("variables"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) throw Error(ErrorCode::invalid_argument, "field 'variables' must be a JSON object");
    m.variables = it->value().as_object();
  }
  m.user = text(o, "user");
  m.buffer = boolean(o, "buffer");
  m.bufferMillis = integer(o, "bufferMillis", 0);
  return m;
}

InstanceQuery instanceQuery(const bj::object& o) {
  onlyFields(o,
             {"definitionKey", "state", "businessKey", "parentId", "initiator", "definitionId", "definitionVersion",
              "startedFrom", "startedTo", "offset", "limit"},
             "the instance query");
  InstanceQuery q;
  q.definitionKey = text(o, "definitionKey");
  if (auto s = text(o, "state"); !s.empty()) q.state = instanceStateFrom(s);
  q.businessKey = text(o, "businessKey");
  q.parentId = integer(o, "parentId", -1);
  q.initiator = text(o, "initiator");
  q.definitionId = integer(o, "definitionId", 0);
  q.definitionVersion = static_cast<int>(integer(o, "definitionVersion", 0));
  q.startedFrom = integer(o, "startedFrom", 0);
  q.startedTo = integer(o, "startedTo", 0);
  q.offset = static_cast<int>(integer(o, "offset", 0));
  q.limit = static_cast<int>(integer(o, "limit", 100));
  if (q.limit < 0 || q.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return q;
}

}  // namespace ordo::json
