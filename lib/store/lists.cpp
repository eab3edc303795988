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
  if (!q.processName.empty()) where += " AND d.name LIKE '%' || " + p(q.processName) + " || '%'";
  if (!q.tenant.empty()) where += " AND i.tenant = " + p(q.tenant);
  if (!q.category.empty()) where += " AND d.category = " + p(q.category);
  if (q.startedFrom) where += " AND i.started_at >= " + p(q.startedFrom);
  if (q.startedTo) where += " AND i.started_at < " + p(q.startedTo);
  s.from += where;
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
  std::string order = s.withTask ? "t.id" : "i.id";
  std::string sql = std::string("SELECT i.id, d.name") + (s.withTask ? ", t.id" : ", 0") + s.from + " ORDER BY " +
                    order + (q.newestFirst ? " DESC" : " ASC") + " LIMIT " +
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
  auto& st = c.prepare("SELECT count(*)" + s.from);
  bind(st, s);
  st.step();
  auto n = st.int64(0);
  st.reset();
  return n;
}

}  // namespace ordo::store
