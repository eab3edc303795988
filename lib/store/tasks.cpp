// Tasks and their queries, history, variables.
#include <algorithm>
#include <variant>

#include "store/rows.hpp"
#include "store/runtime_record.hpp"

namespace ordo::store {

// ---------------------------------------------------------------- tasks, history, jobs

std::optional<Task> taskById(Connection& c, Id id, Id* instanceId) {
  static const std::string byId = std::string("SELECT ") + kTaskCols + " FROM tasks t WHERE t.id = ?";
  auto& q = c.prepareStatic(byId);
  q.bind(1, id);
  std::optional<Task> out;
  if (q.step()) {
    out = readTask(q);
    if (instanceId) *instanceId = out->instanceId;
  }
  q.reset();
  return out;
}

namespace {
// The WHERE clause of a task query, with its text parameters in order.
using Param = std::variant<std::string, std::int64_t>;

// Parameters are bound, never spliced, so the statement cache holds one entry per query shape.
std::string taskFilter(const TaskQuery& tq, std::vector<Param>& texts) {
  std::string sql = " WHERE 1=1";
  auto param = [&](Param v) {
    texts.push_back(std::move(v));
    return "?" + std::to_string(texts.size());
  };
  if (!tq.includeFinished) sql += " AND t.state = 'open'";
  if (tq.instanceId) sql += " AND t.instance_id = " + param(tq.instanceId);
  if (!tq.assignee.empty()) sql += " AND t.assignee = " + param(tq.assignee);
  if (!tq.elementId.empty()) sql += " AND t.element_id = " + param(tq.elementId);
  if (!tq.candidateUser.empty() || !tq.candidateGroups.empty()) {
    std::string who = param(tq.candidateUser);
    sql += " AND (t.assignee = " + who +
           " OR (t.assignee IS NULL AND t.id IN (SELECT task_id FROM task_candidates WHERE (kind = 'user' AND who = " +
           who + ")";
    for (const auto& g : tq.candidateGroups) sql += " OR (kind = 'group' AND who = " + param(g) + ")";
    sql += ")))";
  }
  return sql;
}
}  // namespace

static void bindAll(Statement& st, const std::vector<Param>& params) {
  for (std::size_t i = 0; i < params.size(); ++i)
    std::visit([&](const auto& v) { st.bind(static_cast<int>(i + 1), v); }, params[i]);
}

std::vector<Task> queryTasks(Connection& c, const TaskQuery& tq) {
  std::vector<Param> params;
  auto filter = taskFilter(tq, params);  // first: it numbers the parameters LIMIT and OFFSET follow
  std::string sql = std::string("SELECT ") + kTaskCols + " FROM tasks t" + filter + " ORDER BY t.id DESC LIMIT ?" +
                    std::to_string(params.size() + 1) + " OFFSET ?" + std::to_string(params.size() + 2);
  params.emplace_back(static_cast<std::int64_t>(tq.limit == 0 ? -1 : tq.limit));  // 0: every match
  params.emplace_back(static_cast<std::int64_t>(tq.offset));
  auto& st = c.prepare(sql);
  bindAll(st, params);
  return rows(st, [](Statement& row) -> Task { return readTask(row); });
}

std::int64_t countTasks(Connection& c, const TaskQuery& tq) {
  std::vector<Param> params;
  auto& st = c.prepare("SELECT count(*) FROM tasks t" + taskFilter(tq, params));
  bindAll(st, params);
  st.step();
  auto n = st.int64(0);
  st.reset();
  return n;
}

std::vector<HistoryEntry> historyOf(Connection& c, Id instance) {
  if (!c.postgres()) {
    auto& q = c.prepare("SELECT id, at, actor, entries FROM history_log WHERE instance_id = ? ORDER BY id");
    q.bind(1, instance);
    std::vector<HistoryEntry> out;
    while (q.step()) decodeHistory(q.int64(0), instance, q.int64(1), q.text(2), q.text(3), out);
    q.reset();
    return out;
  }
  auto& q = c.prepare(
      "SELECT id, instance_id, at, kind, element_id, element_type, task_id, actor, comment, action, targets FROM "
      "history WHERE "
      "instance_id = ? ORDER BY id");
  q.bind(1, instance);
  return rows(q, [](Statement& row) {
    HistoryEntry h;
    h.id = row.int64(0);
    h.instanceId = row.int64(1);
    h.at = row.int64(2);
    h.kind = row.text(3);
    h.elementId = row.text(4);
    h.elementType = row.text(5);
    h.taskId = row.isNull(6) ? 0 : row.int64(6);
    h.actor = row.text(7);
    h.comment = row.text(8);
    h.action = row.text(9);
    h.targets = parseList(row.text(10));
    return h;
  });
}

std::vector<std::string> waitingElements(Connection& c, Id instance) {
  // The instance and every instance its call activities started, at any depth.
  auto& q = c.prepare(
      "WITH RECURSIVE tree(id) AS (SELECT ?1 UNION ALL SELECT i.id FROM instances i JOIN tree t ON i.parent_id = t.id) "
      "SELECT tokens FROM instance_runtime WHERE instance_id IN (SELECT id FROM tree)");
  q.bind(1, instance);
  std::map<Id, std::string> waiting;  // by token id, the order the elements are listed in
  InstanceState s;
  while (q.step()) {
    decodeRuntime(q.text(0), {}, s);
    for (auto& [id, t] : s.tokens)
      if (t.state == runtime::TokenState::waiting) waiting.emplace(id, std::move(t.element));
  }
  q.reset();
  std::vector<std::string> out;
  for (auto& [id, element] : waiting) out.push_back(std::move(element));
  return out;
}

Variables processVariables(Connection& c, Id instance) {
  auto& q = c.prepare("SELECT tokens, variables FROM instance_runtime WHERE instance_id = ?");
  q.bind(1, instance);
  InstanceState s;
  if (q.step()) decodeRuntime(q.text(0), q.text(1), s);
  q.reset();
  // The process token's scope; a finished instance has no tokens, its last process variables
  // stay under scope 0.
  Id scope = 0;
  for (const auto& [id, t] : s.tokens)
    if (t.parent == 0) scope = id;
  auto vs = s.variables.find(scope);
  if (vs == s.variables.end() && scope != 0) vs = s.variables.find(0);
  return vs == s.variables.end() ? Variables{} : std::move(vs->second);
}

}  // namespace ordo::store
