// Queries for approval front ends: a user's lists with filters and paging,
// instance detail with what the user may do, the canvas state, startable definitions.
#include <algorithm>
#include <set>

#include "engine/impl.hpp"
#include "model/graph.hpp"

namespace ordo {

namespace {

std::vector<std::string> rolesOf(Engine::Impl& impl, store::Connection& c, const std::string& user) {
  return impl.actor(c, user).roles;
}

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

// "a, b,c" -> {"a", "b", "c"}
std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos <= s.size();) {
    auto comma = s.find(',', pos);
    auto part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

void bind(store::Statement& st, const ListSql& s) {
  for (std::size_t i = 0; i < s.params.size(); ++i)
    std::visit([&](const auto& v) { st.bind(static_cast<int>(i + 1), v); }, s.params[i]);
}

}  // namespace

std::vector<ListItem> Engine::list(const ListQuery& q) const {
  if (q.user.empty()) throw Error(ErrorCode::invalid_argument, "a list is a user's: set ListQuery::user");
  if (q.limit < 0 || q.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return impl_->read([&](store::Connection& c) {
    auto s = listSql(q, rolesOf(*impl_, c, q.user));
    std::string order = s.withTask ? "t.id" : "i.id";
    std::string sql = std::string("SELECT i.id, d.name") + (s.withTask ? ", t.id" : ", 0") + s.from + " ORDER BY " +
                      order + (q.newestFirst ? " DESC" : " ASC") + " LIMIT " + std::to_string(q.limit) + " OFFSET " +
                      std::to_string(q.offset);
    std::vector<std::tuple<Id, std::string, Id>> rows;
    {
      auto& st = c.prepare(sql);
      bind(st, s);
      while (st.step()) rows.emplace_back(st.int64(0), st.text(1), st.int64(2));
      st.reset();
    }
    std::vector<ListItem> out;
    for (const auto& [instance, name, task] : rows) {
      ListItem item;
      item.instance = *store::instanceById(c, instance);
      item.processName = name;
      if (task) item.task = *store::taskById(c, task);
      out.push_back(std::move(item));
    }
    return out;
  });
}

std::int64_t Engine::count(const ListQuery& q) const {
  if (q.user.empty()) throw Error(ErrorCode::invalid_argument, "a list is a user's: set ListQuery::user");
  return impl_->read([&](store::Connection& c) {
    auto s = listSql(q, rolesOf(*impl_, c, q.user));
    auto& st = c.prepare("SELECT count(*)" + s.from);
    bind(st, s);
    st.step();
    auto n = st.int64(0);
    st.reset();
    return n;
  });
}

InstanceDetail Engine::instanceDetail(Id instanceId, const std::string& user) const {
  InstanceDetail d;
  d.instance = instance(instanceId);
  TaskQuery open;
  open.instanceId = instanceId;
  open.limit = 10000;
  d.openTasks = tasks(open);
  d.currentNodes = waitingAt(instanceId);
  return impl_->read([&](store::Connection& c) {
    if (auto def = store::definitionById(c, d.instance.definitionId)) d.processName = def->name;
    auto a = impl_->actor(c, user);
    auto& acts = d.allowedActions;
    bool running = d.instance.state == "running";
    bool onTask = std::any_of(d.openTasks.begin(), d.openTasks.end(), [&](const Task& t) {
      if (a.admin || t.assignee == user) return true;
      if (!t.assignee.empty()) return false;
      if (std::find(t.candidateUsers.begin(), t.candidateUsers.end(), user) != t.candidateUsers.end()) return true;
      return std::any_of(t.candidateGroups.begin(), t.candidateGroups.end(), [&](const std::string& g) {
        return std::find(a.roles.begin(), a.roles.end(), g) != a.roles.end();
      });
    });
    bool initiator = d.instance.initiator == user || a.admin;
    if (running && onTask)
      for (const char* x : {"complete", "reject", "return", "transfer", "delegate", "cc"}) acts.emplace_back(x);
    if (running && initiator) {
      for (const char* x : {"withdraw", "urge", "terminate", "invalidate", "suspend", "delete"}) acts.emplace_back(x);
      if (!onTask) acts.emplace_back("cc");
    }
    if (d.instance.state == "suspended" && initiator) acts.emplace_back("resume");
    if (!running && initiator) acts.emplace_back("delete");
    if (d.instance.state == "draft" && initiator) acts.emplace_back("submit");
    return d;
  });
}

Canvas Engine::canvas(Id instanceId) const {
  auto inst = instance(instanceId);
  auto history = this->history(instanceId);
  TaskQuery all;
  all.instanceId = instanceId;
  all.includeFinished = true;
  all.limit = 100000;
  auto taskList = tasks(all);
  auto waiting = waitingAt(instanceId);
  return impl_->read([&](store::Connection& c) {
    auto dp = impl_->deployed(c, inst.definitionId);
    std::set<std::string> entered, left;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> times;
    std::map<std::string, std::vector<std::string>> comments;
    for (const auto& h : history) {
      if (h.kind == "element_entered") {
        entered.insert(h.elementId);
        if (!times[h.elementId].first) times[h.elementId].first = h.at;
      }
      if (h.kind == "element_left") {
        left.insert(h.elementId);
        entered.insert(h.elementId);  // entered and left in one command: element_left alone
        if (!times[h.elementId].first) times[h.elementId].first = h.at;
        times[h.elementId].second = h.at;
      }
      if (!h.action.empty() && !h.comment.empty()) comments[h.elementId].push_back(h.comment);
    }
    Canvas out;
    auto addScope = [&](auto&& self, const model::Scope& scope) -> void {
      for (const auto& n : scope.nodes) {
        CanvasNode cn;
        cn.id = n->id;
        cn.name = n->name;
        cn.kind = model::toString(n->kind);
        bool active = std::find(waiting.begin(), waiting.end(), n->id) != waiting.end() ||
                      std::any_of(taskList.begin(), taskList.end(),
                                  [&](const Task& t) { return t.elementId == n->id && t.state == "open"; });
        cn.status = active ? "active" : left.count(n->id) ? "done" : entered.count(n->id) ? "active" : "notReached";
        for (const auto& t : taskList)
          if (t.elementId == n->id) {
            if (t.state == "completed" && !t.completedBy.empty()) cn.approvers.push_back(t.completedBy);
            if (t.state == "open" && !t.assignee.empty()) cn.approvers.push_back(t.assignee);
          }
        cn.comments = comments[n->id];
        cn.startedAt = times[n->id].first;
        cn.endedAt = times[n->id].second;
        out.nodes.push_back(std::move(cn));
        if (n->inner) self(self, *n->inner);
      }
      for (const auto& f : scope.flows)
        out.edges.push_back({f->id, f->sourceRef, f->targetRef,
                             left.count(f->sourceRef) && entered.count(f->targetRef) ? "done" : "notReached"});
    };
    addScope(addScope, dp->process->scope);
    return out;
  });
}

std::vector<Definition> Engine::startableDefinitions(const std::string& user) const {
  return impl_->read([&](store::Connection& c) {
    auto roles = rolesOf(*impl_, c, user);
    std::map<std::string, Definition> latest;
    for (const auto& d : store::listDefinitions(c)) latest[d.key] = d;
    std::vector<Definition> out;
    for (const auto& [key, def] : latest) {
      auto dp = impl_->deployed(c, def.id);
      const auto& p = *dp->process;
      auto starters = splitList(p.candidateStarterUsers);
      auto groups = splitList(p.candidateStarterGroups);
      bool open = starters.empty() && groups.empty();
      bool named = std::find(starters.begin(), starters.end(), user) != starters.end();
      bool inGroup = std::any_of(groups.begin(), groups.end(), [&](const std::string& g) {
        return std::find(roles.begin(), roles.end(), g) != roles.end();
      });
      if (open || named || inGroup) out.push_back(def);
    }
    return out;
  });
}

}  // namespace ordo
