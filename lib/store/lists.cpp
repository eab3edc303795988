// A user's lists (todo, done, started, cc, drafts) as SQL: the filters of a ListQuery.
#include <variant>

#include "store/store.hpp"

namespace ordo::store {

namespace {

// The FROM ... WHERE of a list, with its parameters bound by position.
struct ListSql {
  std::string from;
  std::vector<std::variant<std::string, std::int64_t>> params;
  bool withTask = false;
  // Work driven from outside (schema 14) in the same list: its FROM ... WHERE, empty when none.
  std::string workFrom;
};

ListSql listSql(const ListQuery& q, const std::vector<std::string>& roles) {
  ListSql s;
  auto p = [&](std::variant<std::string, std::int64_t> v) {
    s.params.push_back(std::move(v));
    return "?" + std::to_string(s.params.size());
  };
  std::string where;
  if (q.type == "todo") {
    s.withTask = true;
    std::string who = p(q.user);
    s.from = " FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN definitions d ON d.id = i.definition_id";
    where = " WHERE t.state = 'open' AND (t.assignee = " + who +
            " OR (t.assignee IS NULL AND t.id IN (SELECT task_id FROM task_candidates WHERE (kind = 'user' AND who = " +
            who + ")";
    for (const auto& r : roles) where += " OR (kind = 'group' AND who = " + p(r) + ")";
    where += ")))";
  } else if (q.type == "done") {
    s.withTask = true;
    s.from = " FROM tasks t JOIN instances i ON i.id = t.instance_id JOIN definitions d ON d.id = i.definition_id";
    where = " WHERE t.completed_by = " + p(q.user);
  } else if (q.type == "started") {
    s.from = " FROM instances i JOIN definitions d ON d.id = i.definition_id";
    where = " WHERE i.initiator = " + p(q.user) + " AND i.state <> 'draft' AND i.parent_id IS NULL";
  } else if (q.type == "drafts") {
    s.from = " FROM instances i JOIN definitions d ON d.id = i.definition_id";
    where = " WHERE i.initiator = " + p(q.user) + " AND i.state = 'draft'";
  } else if (q.type == "cc") {
    s.from = " FROM instances i JOIN definitions d ON d.id = i.definition_id";
    where = " WHERE i.id IN (SELECT instance_id FROM inbox WHERE user_id = " + p(q.user) + " AND type = 'cc')";
  } else {
    throw Error(ErrorCode::invalid_argument,
                "list type must be todo, done, started, cc or drafts, not '" + q.type + "'");
  }
  if (!q.processKey.empty()) where += " AND d.key = " + p(q.processKey);
  if (!q.processName.empty()) where += " AND d.name LIKE '%' || CAST(" + p(q.processName) + " AS TEXT) || '%'";
  if (!q.tenant.empty()) where += " AND i.tenant = " + p(q.tenant);
  if (!q.category.empty()) where += " AND d.category = " + p(q.category);
  if (q.startedFrom) where += " AND i.started_at >= " + p(q.startedFrom);
  if (q.startedTo) where += " AND i.started_at < " + p(q.startedTo);
  s.from += where;
  // A work todo is in its user's todo (open) and done (completed) lists, a work record in its
  // originator's started list; templates have no category.
  std::string work;
  if (q.type == "todo" || q.type == "done") {
    s.workFrom =
        " FROM work_todos t JOIN work_records i ON i.id = t.record_id JOIN work_templates d ON d.code = i.template";
    work = " WHERE t.user_id = " + p(q.user) + " AND t.state = '" + (q.type == "todo" ? "open" : "completed") + "'";
  } else if (q.type == "started") {
    s.workFrom = " FROM work_records i JOIN work_templates d ON d.code = i.template";
    work = " WHERE i.originator = " + p(q.user);
  }
  if (!s.workFrom.empty()) {
    if (!q.category.empty()) work += " AND 1 = 0";
    if (!q.processKey.empty()) work += " AND d.code = " + p(q.processKey);
    if (!q.processName.empty()) work += " AND d.name LIKE '%' || CAST(" + p(q.processName) + " AS TEXT) || '%'";
    if (!q.tenant.empty()) work += " AND i.tenant = " + p(q.tenant);
    if (q.startedFrom) work += " AND i.created_at >= " + p(q.startedFrom);
    if (q.startedTo) work += " AND i.created_at < " + p(q.startedTo);
    s.workFrom += work;
  }
  return s;
}

void bind(Statement& st, const ListSql& s) {
  for (std::size_t i = 0; i < s.params.size(); ++i)
    std::visit([&](const auto& v) { st.bind(static_cast<int>(i + 1), v); }, s.params[i]);
}

}  // namespace

std::vector<std::tuple<Id, std::string, Id>> listRows(Connection& c, const ListQuery& q,
                                                      const std::vector<std::string>& roles) {
  auto s = listSql(q, roles);
  // Ids of work records and todos come from the instances' and tasks' ranges: one order for both.
  std::string cols = std::string("SELECT i.id AS iid, d.name AS pname, ") + (s.withTask ? "t.id" : "0") + " AS tid, " +
                     (s.withTask ? "t.id" : "i.id") + " AS k";
  std::string sql = cols + s.from;
  if (!s.workFrom.empty()) sql += " UNION ALL " + cols + s.workFrom;
  sql = "SELECT iid, pname, tid FROM (" + sql + ") AS matches ORDER BY k" + (q.newestFirst ? " DESC" : " ASC") + " LIMIT " +
        std::to_string(q.limit == 0 ? -1 : q.limit) + " OFFSET " + std::to_string(q.offset);
  std::vector<std::tuple<Id, std::string, Id>> rows;
  auto& st = c.prepare(sql);
  bind(st, s);
  while (st.step()) rows.emplace_back(st.int64(0), st.text(1), st.int64(2));
  st.reset();
  return rows;
}

std::int64_t countList(Connection& c, const ListQuery& q, const std::vector<std::string>& roles) {
  auto s = listSql(q, roles);
  auto& st = c.prepare("SELECT (SELECT count(*)" + s.from + ")" +
                       (s.workFrom.empty() ? std::string() : " + (SELECT count(*)" + s.workFrom + ")"));
  bind(st, s);
  st.step();
  auto n = st.int64(0);
  st.reset();
  return n;
}

}  // namespace ordo::store
