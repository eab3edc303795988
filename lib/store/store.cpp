#include "store/store.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <variant>

#include "store/schema.hpp"

namespace ordo::store {

using runtime::InstanceState;
using runtime::JobRow;
using runtime::TaskRow;
using runtime::Token;

// ---------------------------------------------------------------- connections

namespace {
void configure(Connection& c, bool fullSync) {
  // A command touches one leaf in each of ~15 B-trees, and WAL writes whole
  // pages: 1 KiB pages write a quarter of the bytes 4 KiB pages do (+27%
  // commands/s under NORMAL, +12% under FULL; bench/README.md). Only a new
  // file takes it; an existing one keeps its page size.
  c.exec("PRAGMA page_size=1024");
  c.exec("PRAGMA journal_mode=WAL");
  // Checkpoint at 4 MiB of WAL, SQLite's default in bytes at 4 KiB pages:
  // 1,000 pages of 1 KiB would checkpoint every ~60 commands.
  c.exec("PRAGMA wal_autocheckpoint=4000");
  c.exec(fullSync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  c.exec("PRAGMA foreign_keys=OFF");
  c.exec("PRAGMA temp_store=MEMORY");
}
}  // namespace

Database::Database(const std::string& path, bool fullSync, int readers) : path_(path) {
  inMemory_ = path.empty() || path == ":memory:";
  writer_ = std::make_unique<Connection>(inMemory_ ? ":memory:" : path, false);
  if (!inMemory_) configure(*writer_, fullSync);
  migrate(*writer_);
  if (!inMemory_)
    for (int i = 0; i < readers; ++i) {
      auto r = std::make_unique<Connection>(path, true);
      idle_.push_back(std::move(r));
    }
}

Database::Lease::Lease(Database& db) : db_(db) {
  if (db.inMemory_) {
    writeLock_ = std::unique_lock(db.writeMutex_);
    conn_ = db.writer_.get();
    return;
  }
  std::lock_guard lock(db.poolMutex_);
  if (db.idle_.empty()) {
    db.idle_.push_back(std::make_unique<Connection>(db.path_, true));
  }
  conn_ = db.idle_.back().release();
  db.idle_.pop_back();
}

Database::Lease::~Lease() {
  if (db_.inMemory_) return;
  std::lock_guard lock(db_.poolMutex_);
  db_.idle_.emplace_back(conn_);
}

Id TableIds::next(const char* table) {
  auto it = next_.find(table);
  if (it == next_.end()) {
    auto& q = c_.prepare(std::string("SELECT max(coalesce((SELECT high FROM id_high WHERE tbl = ?1), 0), "
                                     "coalesce((SELECT max(id) FROM ") +
                         table + "), 0))");
    q.bind(1, std::string(table));
    q.step();
    Id first = q.int64(0) + 1;
    q.reset();
    it = next_.emplace(table, Range{first, first}).first;
  }
  return it->second.next++;
}

void TableIds::flush() {
  for (auto& [table, range] : next_) {
    if (range.next == range.first) continue;
    c_.prepare(
          "INSERT INTO id_high(tbl, high) VALUES (?1, ?2) ON CONFLICT(tbl) DO UPDATE SET high = excluded.high "
          "WHERE excluded.high > high")
        .bind(1, table)
        .bind(2, range.next - 1)
        .run();
    range.first = range.next;
  }
}

// ---------------------------------------------------------------- helpers

namespace {

std::string json(const boost::json::value& v) {
  return boost::json::serialize(v);
}

boost::json::value parseJson(const std::string& text) {
  if (text.empty()) return nullptr;
  return boost::json::parse(text);
}

std::vector<std::string> parseList(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  auto v = boost::json::parse(text);
  for (const auto& e : v.as_array()) out.emplace_back(e.as_string());
  return out;
}

std::string listJson(const std::vector<std::string>& list) {
  boost::json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return json(a);
}

// Every row of a prepared statement, read by `read`; the statement is reset after.
template <class F>
auto rows(Statement& q, F read) {
  std::vector<decltype(read(q))> out;
  while (q.step()) out.push_back(read(q));
  q.reset();
  return out;
}

Definition readDefinition(Statement& q) {
  Definition d;
  d.id = q.int64(0);
  d.key = q.text(1);
  d.version = static_cast<int>(q.int64(2));
  d.name = q.text(3);
  d.hash = q.text(4);
  d.deployedAt = q.int64(5);
  d.category = q.text(6);
  return d;
}
constexpr const char* kDefinitionCols = "id, key, version, name, hash, deployed_at, category";

Instance readInstance(Statement& q) {
  Instance i;
  i.id = q.int64(0);
  i.definitionId = q.int64(1);
  i.parentId = q.isNull(2) ? 0 : q.int64(2);
  i.businessKey = q.text(3);
  i.initiator = q.text(4);
  i.tenant = q.text(5);
  i.state = q.text(6);
  i.startedAt = q.int64(7);
  i.endedAt = q.isNull(8) ? 0 : q.int64(8);
  i.revision = q.int64(9);
  i.definitionKey = q.text(10);
  i.definitionVersion = static_cast<int>(q.int64(11));
  i.parentTokenId = q.isNull(12) ? 0 : q.int64(12);
  return i;
}
constexpr const char* kInstanceSelect =
    "SELECT i.id, i.definition_id, i.parent_id, i.business_key, i.initiator, i.tenant, i.state, i.started_at, "
    "i.ended_at, i.revision, d.key, d.version, i.parent_token_id FROM instances i JOIN definitions d ON d.id = "
    "i.definition_id ";

Task readTask(Statement& q) {
  Task t;
  t.id = q.int64(0);
  t.instanceId = q.int64(1);
  t.elementId = q.text(2);
  t.name = q.text(3);
  t.assignee = q.text(4);
  t.owner = q.text(5);
  t.state = q.text(6);
  t.createdAt = q.int64(7);
  t.endedAt = q.isNull(8) ? 0 : q.int64(8);
  t.dueAt = q.isNull(9) ? 0 : q.int64(9);
  t.priority = static_cast<int>(q.int64(10));
  t.formKey = q.text(11);
  t.candidateUsers = parseList(q.text(12));
  t.candidateGroups = parseList(q.text(13));
  t.completedBy = q.text(14);
  t.delegation = q.text(15);
  return t;
}
constexpr const char* kTaskCols =
    "t.id, t.instance_id, t.element_id, t.name, t.assignee, t.owner, t.state, t.created_at, t.ended_at, t.due_at, "
    "t.priority, t.form_key, t.candidate_users, t.candidate_groups, t.completed_by, t.delegation";

}  // namespace

// ---------------------------------------------------------------- definitions

std::optional<Definition> findDefinition(Connection& c, const std::string& key, const std::string& hash) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols + " FROM definitions WHERE key = ? AND hash = ?");
  q.bind(1, key).bind(2, hash);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

std::optional<Definition> latestDefinition(Connection& c, const std::string& key) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols +
                      " FROM definitions WHERE key = ? ORDER BY version DESC LIMIT 1");
  q.bind(1, key);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

std::optional<Definition> definitionById(Connection& c, Id id) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols + " FROM definitions WHERE id = ?");
  q.bind(1, id);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

std::string definitionXml(Connection& c, Id id) {
  auto& q = c.prepare("SELECT xml FROM definitions WHERE id = ?");
  q.bind(1, id);
  std::string out;
  if (q.step()) out = q.text(0);
  q.reset();
  return out;
}

int maxVersion(Connection& c, const std::string& key) {
  auto& q = c.prepare("SELECT coalesce(max(version), 0) FROM definitions WHERE key = ?");
  q.bind(1, key);
  q.step();
  int v = static_cast<int>(q.int64(0));
  q.reset();
  return v;
}

void insertDefinition(Connection& c, Definition& d, const std::string& xml) {
  c.prepare("INSERT INTO definitions(key, version, name, hash, xml, deployed_at, category) VALUES (?,?,?,?,?,?,?)")
      .bind(1, d.key)
      .bind(2, d.version)
      .bind(3, d.name)
      .bind(4, d.hash)
      .bind(5, xml)
      .bind(6, d.deployedAt)
      .bindOptional(7, d.category)
      .run();
  d.id = c.lastInsertId();
}

std::vector<Definition> listDefinitions(Connection& c) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols + " FROM definitions ORDER BY key, version");
  return rows(q, [](Statement& row) -> Definition { return readDefinition(row); });
}

// ---------------------------------------------------------------- instances

std::optional<Instance> instanceById(Connection& c, Id id) {
  auto& q = c.prepare(std::string(kInstanceSelect) + "WHERE i.id = ?");
  q.bind(1, id);
  std::optional<Instance> out;
  if (q.step()) out = readInstance(q);
  q.reset();
  return out;
}

bool loadInstance(Connection& c, Id id, InstanceState& s) {
  auto found = instanceById(c, id);
  if (!found) return false;
  s.row = *found;
  {
    auto& q = c.prepare("SELECT id, parent_id, element_id, state, data FROM tokens WHERE instance_id = ?");
    q.bind(1, id);
    while (q.step()) {
      Token t;
      t.id = q.int64(0);
      t.parent = q.isNull(1) ? 0 : q.int64(1);
      t.element = q.text(2);
      t.state = runtime::tokenStateFrom(q.text(3));
      auto data = q.text(4);
      if (!data.empty()) t.data = boost::json::parse(data).as_object();
      s.tokens.emplace(t.id, std::move(t));
    }
    q.reset();
  }
  {
    auto& q = c.prepare("SELECT scope_id, name, value FROM variables WHERE instance_id = ?");
    q.bind(1, id);
    while (q.step()) s.variables[q.int64(0)][q.text(1)] = parseJson(q.text(2));
    q.reset();
  }
  {
    auto& q = c.prepare(std::string("SELECT ") + kTaskCols +
                        ", t.token_id FROM tasks t WHERE t.instance_id = ? AND t.state = 'open'");
    q.bind(1, id);
    s.tasks = rows(q, [](Statement& row) -> TaskRow { return {readTask(row), row.int64(16)}; });
  }
  {
    auto& q = c.prepare(
        "SELECT id, token_id, kind, element_id, topic, due_at, lock_owner, lock_expires, retries, error, data FROM "
        "jobs "
        "WHERE instance_id = ?");
    q.bind(1, id);
    s.jobs = rows(q, [](Statement& row) {
      JobRow j;
      j.id = row.int64(0);
      j.tokenId = row.int64(1);
      j.kind = row.text(2);
      j.element = row.text(3);
      j.topic = row.text(4);
      j.dueAt = row.int64(5);
      j.lockOwner = row.text(6);
      j.lockExpires = row.int64(7);
      j.retries = static_cast<int>(row.int64(8));
      j.error = row.text(9);
      auto data = row.text(10);
      if (!data.empty()) j.data = boost::json::parse(data).as_object();
      return j;
    });
  }
  {
    auto& q = c.prepare("SELECT id, token_id, kind, name, element_id FROM subscriptions WHERE instance_id = ?");
    q.bind(1, id);
    s.subscriptions = rows(q, [](Statement& row) {
      runtime::SubscriptionRow sub;
      sub.id = row.int64(0);
      sub.tokenId = row.int64(1);
      sub.kind = row.text(2);
      sub.name = row.text(3);
      sub.element = row.text(4);
      return sub;
    });
    q.reset();
  }
  return true;
}

void saveInstance(Connection& c, InstanceState& s) {
  auto& r = s.row;
  if (s.isNew) {
    c.prepare(
         "INSERT INTO instances(id, definition_id, parent_id, business_key, initiator, tenant, state, started_at, "
         "ended_at, revision, parent_token_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, r.id)
        .bind(2, r.definitionId)
        .bind(3, r.parentId ? r.parentId : 0)
        .bindOptional(4, r.businessKey)
        .bindOptional(5, r.initiator)
        .bindOptional(6, r.tenant)
        .bind(7, r.state)
        .bind(8, r.startedAt)
        .bind(9, r.endedAt)
        .bind(10, r.revision)
        .bind(11, r.parentTokenId)
        .run();
    if (!r.parentId)
      c.prepare("UPDATE instances SET parent_id = NULL, parent_token_id = NULL WHERE id = ?").bind(1, r.id).run();
    if (!r.endedAt) c.prepare("UPDATE instances SET ended_at = NULL WHERE id = ?").bind(1, r.id).run();
  } else {
    auto& q = c.prepare(
        "UPDATE instances SET state = ?, ended_at = ?, revision = revision + 1 WHERE id = ? AND revision = ?");
    q.bind(1, r.state).bind(3, r.id).bind(4, r.revision);
    if (r.endedAt)
      q.bind(2, r.endedAt);
    else
      q.bindNull(2);
    q.run();
    if (c.changes() != 1)
      throw Error(ErrorCode::conflict, "instance " + std::to_string(r.id) + " was changed by another command");
    ++r.revision;
  }
  for (const auto& [scope, name] : s.dirtyVariables) {
    auto vs = s.variables.find(scope);
    bool present = vs != s.variables.end() && vs->second.contains(name);
    if (present)
      c.prepare("INSERT OR REPLACE INTO variables(instance_id, scope_id, name, value) VALUES (?,?,?,?)")
          .bind(1, r.id)
          .bind(2, scope)
          .bind(3, name)
          .bind(4, json(vs->second.at(name)))
          .run();
    else
      c.prepare("DELETE FROM variables WHERE instance_id = ? AND scope_id = ? AND name = ?")
          .bind(1, r.id)
          .bind(2, scope)
          .bind(3, name)
          .run();
  }
  s.dirtyVariables.clear();
  for (auto& [id, t] : s.tokens) {
    if (t.removed) {
      if (!t.isNew) c.prepare("DELETE FROM tokens WHERE id = ?").bind(1, id).run();
      // The process token's variables outlive it, as the finished instance's variables (scope 0).
      if (t.parent == 0)
        c.prepare("UPDATE variables SET scope_id = 0 WHERE instance_id = ? AND scope_id = ?")
            .bind(1, r.id)
            .bind(2, id)
            .run();
      else
        c.prepare("DELETE FROM variables WHERE instance_id = ? AND scope_id = ?").bind(1, r.id).bind(2, id).run();
      continue;
    }
    if (!t.isNew && !t.dirty) continue;
    auto& q = c.prepare(
        t.isNew ? "INSERT INTO tokens(instance_id, parent_id, element_id, state, data, id) VALUES (?,?,?,?,?,?)"
                : "UPDATE tokens SET instance_id = ?, parent_id = ?, element_id = ?, state = ?, data = ? WHERE id = ?");
    q.bind(1, r.id);
    if (t.parent)
      q.bind(2, t.parent);
    else
      q.bindNull(2);
    q.bind(3, t.element).bind(4, runtime::toString(t.state));
    if (t.data.empty())
      q.bindNull(5);
    else
      q.bind(5, json(t.data));
    q.bind(6, id).run();
    t.isNew = t.dirty = false;
  }
  for (auto& tr : s.tasks) {
    auto& t = tr.task;
    if (tr.isNew) {
      auto& q = c.prepare(
          "INSERT INTO tasks(id, instance_id, token_id, element_id, name, assignee, owner, state, created_at, "
          "ended_at, "
          "due_at, priority, form_key, candidate_users, candidate_groups, completed_by, delegation) VALUES "
          "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      q.bind(1, t.id).bind(2, r.id).bind(3, tr.tokenId).bind(4, t.elementId).bindOptional(5, t.name);
      q.bindOptional(6, t.assignee).bindOptional(7, t.owner).bind(8, t.state).bind(9, t.createdAt);
      if (t.endedAt)
        q.bind(10, t.endedAt);
      else
        q.bindNull(10);
      if (t.dueAt)
        q.bind(11, t.dueAt);
      else
        q.bindNull(11);
      q.bind(12, t.priority).bindOptional(13, t.formKey);
      if (t.candidateUsers.empty())
        q.bindNull(14);
      else
        q.bind(14, listJson(t.candidateUsers));
      if (t.candidateGroups.empty())
        q.bindNull(15);
      else
        q.bind(15, listJson(t.candidateGroups));
      q.bindOptional(16, t.completedBy).bindOptional(17, t.delegation).run();
      for (const auto& u : t.candidateUsers)
        c.prepare("INSERT OR IGNORE INTO task_candidates(kind, who, task_id) VALUES ('user', ?, ?)")
            .bind(1, u)
            .bind(2, t.id)
            .run();
      for (const auto& g : t.candidateGroups)
        c.prepare("INSERT OR IGNORE INTO task_candidates(kind, who, task_id) VALUES ('group', ?, ?)")
            .bind(1, g)
            .bind(2, t.id)
            .run();
    } else if (tr.dirty) {
      auto& q = c.prepare(
          "UPDATE tasks SET assignee = ?, owner = ?, state = ?, ended_at = ?, completed_by = ?, delegation = ? WHERE "
          "id = ?");
      q.bindOptional(1, t.assignee).bindOptional(2, t.owner).bind(3, t.state);
      if (t.endedAt)
        q.bind(4, t.endedAt);
      else
        q.bindNull(4);
      q.bindOptional(5, t.completedBy).bindOptional(6, t.delegation).bind(7, t.id).run();
      // Candidates change with the assignee only when a task is handed back to them (unclaim).
    }
    if ((tr.isNew || tr.dirty) && t.state != "open")
      c.prepare("DELETE FROM task_candidates WHERE task_id = ?").bind(1, t.id).run();
    tr.isNew = tr.dirty = false;
  }
  for (auto& j : s.jobs) {
    if (j.removed) {
      if (!j.isNew) c.prepare("DELETE FROM jobs WHERE id = ?").bind(1, j.id).run();
      continue;
    }
    if (!j.isNew && !j.dirty) continue;
    auto& q = c.prepare(
        j.isNew ? "INSERT INTO jobs(instance_id, token_id, kind, element_id, topic, due_at, lock_owner, lock_expires, "
                  "retries, error, data, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                : "UPDATE jobs SET instance_id = ?, token_id = ?, kind = ?, element_id = ?, topic = ?, due_at = ?, "
                  "lock_owner = ?, lock_expires = ?, retries = ?, error = ?, data = ? WHERE id = ?");
    q.bind(1, r.id).bind(2, j.tokenId).bind(3, j.kind).bind(4, j.element).bindOptional(5, j.topic).bind(6, j.dueAt);
    q.bindOptional(7, j.lockOwner).bind(8, j.lockExpires).bind(9, j.retries).bindOptional(10, j.error);
    if (j.data.empty())
      q.bindNull(11);
    else
      q.bind(11, json(j.data));
    q.bind(12, j.id).run();
    j.isNew = j.dirty = false;
  }
  for (auto& sub : s.subscriptions) {
    if (sub.removed) {
      if (!sub.isNew) c.prepare("DELETE FROM subscriptions WHERE id = ?").bind(1, sub.id).run();
      continue;
    }
    if (!sub.isNew) continue;
    c.prepare("INSERT INTO subscriptions(id, instance_id, token_id, kind, name, element_id) VALUES (?,?,?,?,?,?)")
        .bind(1, sub.id)
        .bind(2, r.id)
        .bind(3, sub.tokenId)
        .bind(4, sub.kind)
        .bind(5, sub.name)
        .bind(6, sub.element)
        .run();
    sub.isNew = false;
  }
  for (const auto& m : s.inbox)
    c.prepare("INSERT INTO inbox(user_id, type, instance_id, task_id, title, created_at) VALUES (?,?,?,?,?,?)")
        .bind(1, m.user)
        .bind(2, m.type)
        .bind(3, r.id)
        .bind(4, m.taskId)
        .bindOptional(5, m.title)
        .bind(6, m.createdAt)
        .run();
  s.inbox.clear();
  for (auto& h : s.history) {
    auto& q = c.prepare(
        "INSERT INTO history(instance_id, at, kind, element_id, element_type, task_id, actor, comment, action, "
        "targets) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, r.id).bind(2, h.at).bind(3, h.kind).bindOptional(4, h.elementId).bindOptional(5, h.elementType);
    if (h.taskId)
      q.bind(6, h.taskId);
    else
      q.bindNull(6);
    q.bindOptional(7, h.actor).bindOptional(8, h.comment).bindOptional(9, h.action);
    if (h.targets.empty())
      q.bindNull(10);
    else
      q.bind(10, listJson(h.targets));
    q.run();
    h.id = c.lastInsertId();
    h.instanceId = r.id;
  }
  s.isNew = s.rowDirty = false;
}

std::vector<Instance> queryInstances(Connection& c, const InstanceQuery& q) {
  std::string sql = kInstanceSelect;
  sql +=
      "WHERE (?1 = '' OR d.key = ?1) AND (?2 = '' OR i.state = ?2) AND (?3 = '' OR i.business_key = ?3) "
      "AND (?4 < 0 OR coalesce(i.parent_id, 0) = ?4) ORDER BY i.id DESC LIMIT ?5 OFFSET ?6";
  auto& st = c.prepare(sql);
  st.bind(1, q.definitionKey)
      .bind(2, q.state)
      .bind(3, q.businessKey)
      .bind(4, q.parentId)
      .bind(5, q.limit == 0 ? -1 : q.limit)  // 0: every match (SQLite's LIMIT -1)
      .bind(6, q.offset);
  return rows(st, [](Statement& row) -> Instance { return readInstance(row); });
}

std::optional<Definition> definitionVersion(Connection& c, const std::string& key, int version) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols + " FROM definitions WHERE key = ? AND version = ?");
  q.bind(1, key).bind(2, version);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

std::vector<Id> childInstances(Connection& c, Id parent) {
  auto& q = c.prepare("SELECT id FROM instances WHERE parent_id = ? ORDER BY id");
  q.bind(1, parent);
  return rows(q, [](Statement& row) -> Id { return row.int64(0); });
}

// ---------------------------------------------------------------- tasks, history, jobs

std::optional<Task> taskById(Connection& c, Id id, Id* instanceId) {
  auto& q = c.prepare(std::string("SELECT ") + kTaskCols + " FROM tasks t WHERE t.id = ?");
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
      "SELECT element_id FROM tokens WHERE instance_id IN tree AND state = 'waiting' ORDER BY id");
  q.bind(1, instance);
  return rows(q, [](Statement& row) -> std::string { return row.text(0); });
}

Variables processVariables(Connection& c, Id instance) {
  auto& q = c.prepare(
      "SELECT v.name, v.value FROM variables v JOIN tokens t ON t.id = v.scope_id WHERE v.instance_id = ? AND "
      "t.parent_id IS NULL");
  q.bind(1, instance);
  Variables out;
  while (q.step()) out[q.text(0)] = parseJson(q.text(1));
  q.reset();
  if (out.empty()) {
    // A finished instance has no tokens; its last process variables stay under scope 0.
    auto& f = c.prepare("SELECT name, value FROM variables WHERE instance_id = ? AND scope_id = 0");
    f.bind(1, instance);
    while (f.step()) out[f.text(0)] = parseJson(f.text(1));
    f.reset();
  }
  return out;
}

std::vector<DueJob> dueTimers(Connection& c, std::int64_t now, int limit) {
  auto& q =
      c.prepare("SELECT id, instance_id FROM jobs WHERE kind = 'timer' AND due_at <= ? ORDER BY due_at, id LIMIT ?");
  q.bind(1, now).bind(2, limit);
  return rows(q, [](Statement& row) -> DueJob { return {row.int64(0), row.int64(1)}; });
}

std::vector<DueJob> acquireJobs(Connection& c, const std::string& owner, std::int64_t now, std::int64_t lockMillis,
                                int limit) {
  auto& q = c.prepare(
      "UPDATE jobs SET lock_owner = ?1, lock_expires = ?2 WHERE id IN (SELECT id FROM jobs WHERE kind IN ('timer', "
      "'async', 'start') AND due_at <= ?3 AND retries > 0 AND (lock_owner IS NULL OR coalesce(lock_expires, 0) <= ?3) "
      "AND (instance_id = 0 OR instance_id IN (SELECT id FROM instances WHERE state = 'running')) "
      "ORDER BY due_at, id LIMIT ?4) RETURNING id, instance_id");
  q.bind(1, owner).bind(2, now + lockMillis).bind(3, now).bind(4, limit);
  auto out = rows(q, [](Statement& row) -> DueJob { return {row.int64(0), row.int64(1)}; });
  std::sort(out.begin(), out.end(), [](const DueJob& a, const DueJob& b) { return a.id < b.id; });
  return out;
}

std::optional<Id> lockedJob(Connection& c, Id job, const std::string& owner) {
  auto& q = c.prepare("SELECT instance_id FROM jobs WHERE id = ? AND lock_owner = ?");
  q.bind(1, job).bind(2, owner);
  std::optional<Id> out;
  if (q.step()) out = q.int64(0);
  q.reset();
  return out;
}

void failJob(Connection& c, Id job, const std::string& message, std::int64_t now) {
  auto& q = c.prepare("SELECT instance_id, element_id, retries, data FROM jobs WHERE id = ?");
  q.bind(1, job);
  if (!q.step()) {
    q.reset();
    return;
  }
  Id instance = q.int64(0);
  auto element = q.text(1);
  int retries = static_cast<int>(q.int64(2)) - 1;
  std::int64_t delay = 0;
  if (auto data = q.text(3); !data.empty()) {
    auto o = boost::json::parse(data).as_object();
    if (auto it = o.find("retryDelay"); it != o.end()) delay = it->value().to_number<std::int64_t>();
  }
  q.reset();
  if (retries < 0) retries = 0;
  c.prepare("UPDATE jobs SET retries = ?, error = ?, lock_owner = NULL, lock_expires = 0, due_at = ? WHERE id = ?")
      .bind(1, retries)
      .bind(2, message)
      .bind(3, now + delay)
      .bind(4, job)
      .run();
  if (retries == 0)
    c.prepare("INSERT INTO incidents(instance_id, job_id, element_id, message, created_at) VALUES (?,?,?,?,?)")
        .bind(1, instance)
        .bind(2, job)
        .bind(3, element)
        .bind(4, message)
        .bind(5, now)
        .run();
}

std::vector<Incident> incidentsOf(Connection& c, Id instance) {
  auto& q = c.prepare(
      "SELECT id, instance_id, coalesce(job_id, 0), element_id, message, created_at, coalesce(resolved_at, 0) FROM "
      "incidents WHERE instance_id = ? ORDER BY id");
  q.bind(1, instance);
  return rows(q, [](Statement& row) -> Incident {
    return {row.int64(0), row.int64(1), row.int64(2), row.text(3), row.text(4), row.int64(5), row.int64(6)};
  });
}

void resolveIncident(Connection& c, Id incident, int retries, std::int64_t now) {
  auto& q = c.prepare("SELECT job_id FROM incidents WHERE id = ? AND resolved_at IS NULL");
  q.bind(1, incident);
  if (!q.step()) {
    q.reset();
    throw Error(ErrorCode::not_found, "no open incident " + std::to_string(incident));
  }
  Id job = q.int64(0);
  q.reset();
  c.prepare("UPDATE jobs SET retries = ?, due_at = ?, lock_owner = NULL, lock_expires = 0 WHERE id = ?")
      .bind(1, retries)
      .bind(2, now)
      .bind(3, job)
      .run();
  c.prepare("UPDATE incidents SET resolved_at = ? WHERE id = ?").bind(1, now).bind(2, incident).run();
}

std::optional<std::int64_t> nextJobDue(Connection& c) {
  auto& q = c.prepare("SELECT min(due_at) FROM jobs WHERE kind IN ('timer', 'async', 'start') AND retries > 0");
  std::optional<std::int64_t> out;
  if (q.step() && !q.isNull(0)) out = q.int64(0);
  q.reset();
  return out;
}

void insertStartJob(Connection& c, Id definition, const std::string& element, std::int64_t due,
                    const boost::json::object& data) {
  boost::json::object d = data;
  d["definition"] = definition;
  c.prepare(
       "INSERT INTO jobs(instance_id, token_id, kind, element_id, due_at, retries, data) VALUES (0, 0, 'start', ?, ?, "
       "3, ?)")
      .bind(1, element)
      .bind(2, due)
      .bind(3, json(d))
      .run();
}

void removeStartJobs(Connection& c, const std::string& key, Id keep) {
  c.prepare(
       "DELETE FROM jobs WHERE kind = 'start' AND json_extract(data, '$.definition') IN (SELECT id FROM definitions "
       "WHERE key = ? AND id <> ?)")
      .bind(1, key)
      .bind(2, keep)
      .run();
}

std::optional<StartJob> startJob(Connection& c, Id job) {
  auto& q = c.prepare("SELECT id, element_id, due_at, data FROM jobs WHERE id = ? AND kind = 'start'");
  q.bind(1, job);
  std::optional<StartJob> out;
  if (q.step()) {
    StartJob j;
    j.id = q.int64(0);
    j.element = q.text(1);
    j.dueAt = q.int64(2);
    j.data = boost::json::parse(q.text(3)).as_object();
    j.definition = j.data.at("definition").as_int64();
    out = std::move(j);
  }
  q.reset();
  return out;
}

void rescheduleStartJob(Connection& c, Id job, std::int64_t due, const boost::json::object& data) {
  c.prepare("UPDATE jobs SET due_at = ?, data = ?, lock_owner = NULL, lock_expires = 0 WHERE id = ?")
      .bind(1, due)
      .bind(2, json(data))
      .bind(3, job)
      .run();
}

void deleteJob(Connection& c, Id job) {
  c.prepare("DELETE FROM jobs WHERE id = ?").bind(1, job).run();
}

std::optional<Id> jobInstance(Connection& c, Id jobId, const char* kind) {
  auto& q = c.prepare("SELECT instance_id FROM jobs WHERE id = ? AND kind = ?");
  q.bind(1, jobId).bind(2, kind);
  std::optional<Id> out;
  if (q.step()) out = q.int64(0);
  q.reset();
  return out;
}

std::vector<std::pair<Id, Id>> lockableExternal(Connection& c, const std::string& topic, std::int64_t now, int limit) {
  auto& q = c.prepare(
      "SELECT j.id, j.instance_id FROM jobs j JOIN instances i ON i.id = j.instance_id "
      "WHERE j.kind = 'external' AND j.topic = ? AND j.retries > 0 AND i.state = 'running' AND "
      "coalesce(j.lock_expires, 0) <= ? AND coalesce(j.due_at, 0) <= ? ORDER BY j.id LIMIT ?");
  q.bind(1, topic).bind(2, now).bind(3, now).bind(4, limit);
  return rows(q, [](Statement& row) { return std::pair<Id, Id>(row.int64(0), row.int64(1)); });
}

void lockExternal(Connection& c, Id job, const std::string& worker, std::int64_t expires) {
  c.prepare("UPDATE jobs SET lock_owner = ?, lock_expires = ? WHERE id = ?")
      .bind(1, worker)
      .bind(2, expires)
      .bind(3, job)
      .run();
}

std::vector<ExternalTask> externalTasksOf(Connection& c, Id instance) {
  auto& q = c.prepare(
      "SELECT id, instance_id, element_id, topic, lock_owner, retries, lock_expires FROM jobs WHERE instance_id = ? "
      "AND "
      "kind = 'external' ORDER BY id");
  q.bind(1, instance);
  return rows(q, [](Statement& row) {
    ExternalTask e;
    e.id = row.int64(0);
    e.instanceId = row.int64(1);
    e.elementId = row.text(2);
    e.topic = row.text(3);
    e.workerId = row.text(4);
    e.retries = static_cast<int>(row.int64(5));
    e.lockExpiresAt = row.int64(6);
    return e;
  });
}

std::vector<MessageWaiter> messageWaiters(Connection& c, const std::string& name, const std::string& businessKey,
                                          Id instance) {
  auto& q = c.prepare(
      "SELECT s.id, s.instance_id FROM subscriptions s JOIN instances i ON i.id = s.instance_id WHERE s.kind = "
      "'message' "
      "AND s.name = ?1 AND i.state = 'running' AND (?2 = '' OR i.business_key = ?2) AND (?3 = 0 OR i.id = ?3) "
      "ORDER BY s.id");
  q.bind(1, name).bind(2, businessKey).bind(3, instance);
  return rows(q, [](Statement& row) -> MessageWaiter { return {row.int64(0), row.int64(1)}; });
}

std::vector<Id> signalReceivers(Connection& c, const std::string& name) {
  auto& q = c.prepare(
      "SELECT DISTINCT s.instance_id FROM subscriptions s JOIN instances i ON i.id = s.instance_id WHERE s.kind = "
      "'signal' AND s.name = ? AND i.state = 'running' ORDER BY s.instance_id");
  q.bind(1, name);
  return rows(q, [](Statement& row) -> Id { return row.int64(0); });
}

void bufferMessage(Connection& c, const std::string& name, const std::string& businessKey, const Variables& variables,
                   std::int64_t now, std::int64_t expiresAt) {
  auto& q = c.prepare(
      "INSERT INTO buffered_messages(name, business_key, variables, created_at, expires_at) VALUES (?,?,?,?,?)");
  q.bind(1, name).bindOptional(2, businessKey).bind(3, json(variables)).bind(4, now);
  if (expiresAt)
    q.bind(5, expiresAt);
  else
    q.bindNull(5);
  q.run();
}

std::optional<Variables> takeBufferedMessage(Connection& c, const std::string& name, const std::string& businessKey,
                                             std::int64_t now) {
  // A message without a business key is for anyone; one with a key only for that instance.
  auto& q = c.prepare(
      "SELECT id, variables FROM buffered_messages WHERE name = ?1 AND (business_key IS NULL OR business_key = ?2) "
      "AND (expires_at IS NULL OR expires_at > ?3) ORDER BY id LIMIT 1");
  q.bind(1, name).bind(2, businessKey).bind(3, now);
  std::optional<Variables> out;
  Id id = 0;
  if (q.step()) {
    id = q.int64(0);
    out = boost::json::parse(q.text(1)).as_object();
  }
  q.reset();
  if (id) c.prepare("DELETE FROM buffered_messages WHERE id = ?").bind(1, id).run();
  return out;
}

// ---------------------------------------------------------------- identity, inbox, lists

void saveUser(Connection& c, const User& u) {
  c.prepare("INSERT OR REPLACE INTO users(id, name, department_id, tenant) VALUES (?,?,?,?)")
      .bind(1, u.id)
      .bindOptional(2, u.name)
      .bindOptional(3, u.department)
      .bindOptional(4, u.tenant)
      .run();
  c.prepare("DELETE FROM user_roles WHERE user_id = ?").bind(1, u.id).run();
  for (const auto& r : u.roles)
    c.prepare("INSERT OR IGNORE INTO user_roles(user_id, role_id) VALUES (?,?)").bind(1, u.id).bind(2, r).run();
}

void saveDepartment(Connection& c, const Department& d) {
  c.prepare("INSERT OR REPLACE INTO departments(id, name, parent_id, leader_id) VALUES (?,?,?,?)")
      .bind(1, d.id)
      .bindOptional(2, d.name)
      .bindOptional(3, d.parent)
      .bindOptional(4, d.leader)
      .run();
}

void saveRole(Connection& c, const std::string& id, const std::string& name) {
  c.prepare("INSERT OR REPLACE INTO roles(id, name) VALUES (?,?)").bind(1, id).bindOptional(2, name).run();
}

std::optional<User> userById(Connection& c, const std::string& id) {
  auto& q = c.prepare("SELECT id, name, department_id, tenant FROM users WHERE id = ?");
  q.bind(1, id);
  std::optional<User> out;
  if (q.step()) out = User{q.text(0), q.text(1), q.text(2), {}, q.text(3)};
  q.reset();
  if (!out) return out;
  auto& r = c.prepare("SELECT role_id FROM user_roles WHERE user_id = ? ORDER BY role_id");
  r.bind(1, id);
  while (r.step()) out->roles.push_back(r.text(0));
  r.reset();
  return out;
}

std::optional<Department> departmentById(Connection& c, const std::string& id) {
  auto& q = c.prepare("SELECT id, name, parent_id, leader_id FROM departments WHERE id = ?");
  q.bind(1, id);
  std::optional<Department> out;
  if (q.step()) out = Department{q.text(0), q.text(1), q.text(2), q.text(3)};
  q.reset();
  return out;
}

std::vector<std::string> usersWithRole(Connection& c, const std::string& role) {
  auto& q = c.prepare("SELECT user_id FROM user_roles WHERE role_id = ? ORDER BY user_id");
  q.bind(1, role);
  return rows(q, [](Statement& row) -> std::string { return row.text(0); });
}

std::vector<std::string> usersInDepartment(Connection& c, const std::string& department) {
  auto& q = c.prepare("SELECT id FROM users WHERE department_id = ? ORDER BY id");
  q.bind(1, department);
  return rows(q, [](Statement& row) -> std::string { return row.text(0); });
}

std::vector<InboxMessage> inboxOf(Connection& c, const std::string& user, bool unreadOnly, int offset, int limit,
                                  const std::string& type) {
  auto& q = c.prepare(
      "SELECT id, user_id, type, coalesce(instance_id, 0), coalesce(task_id, 0), title, created_at, read_at IS NOT "
      "NULL "
      "FROM inbox WHERE user_id = ?1 AND (?2 = 0 OR read_at IS NULL) AND (?5 = '' OR type = ?5) ORDER BY id DESC "
      "LIMIT ?3 OFFSET ?4");
  q.bind(1, user).bind(2, unreadOnly ? 1 : 0).bind(3, limit).bind(4, offset).bind(5, type);
  std::vector<InboxMessage> out;
  while (q.step())
    out.push_back({q.int64(0), q.text(1), q.text(2), q.int64(3), q.int64(4), q.text(5), q.int64(6), q.int64(7) != 0});
  q.reset();
  return out;
}

std::map<std::string, std::int64_t> inboxCounts(Connection& c, const std::string& user) {
  auto& q = c.prepare("SELECT type, count(*) FROM inbox WHERE user_id = ? AND read_at IS NULL GROUP BY type");
  q.bind(1, user);
  std::map<std::string, std::int64_t> out;
  while (q.step()) out[q.text(0)] = q.int64(1);
  q.reset();
  return out;
}

bool markRead(Connection& c, Id message, const std::string& user, bool read, std::int64_t now) {
  auto& q = c.prepare("UPDATE inbox SET read_at = ? WHERE id = ? AND user_id = ?");
  if (read)
    q.bind(1, now);
  else
    q.bindNull(1);
  q.bind(2, message).bind(3, user).run();
  return c.changes() == 1;
}

void addInbox(Connection& c, const std::string& user, const std::string& type, Id instance, Id task,
              const std::string& title, std::int64_t now) {
  c.prepare("INSERT INTO inbox(user_id, type, instance_id, task_id, title, created_at) VALUES (?,?,?,?,?,?)")
      .bind(1, user)
      .bind(2, type)
      .bind(3, instance)
      .bind(4, task)
      .bindOptional(5, title)
      .bind(6, now)
      .run();
}

std::int64_t countOperations(Connection& c, Id task, const std::string& action, std::int64_t since) {
  auto& q = c.prepare("SELECT count(*) FROM history WHERE action = ? AND task_id = ? AND at >= ?");
  q.bind(1, action).bind(2, task).bind(3, since);
  q.step();
  auto n = q.int64(0);
  q.reset();
  return n;
}

UserLists listsOf(Connection& c, const std::string& user, const std::vector<std::string>& roles) {
  UserLists l;
  TaskQuery todo;
  todo.candidateUser = user;
  todo.candidateGroups = roles;
  l.todo = countTasks(c, todo);
  auto one = [&](const char* sql) {
    auto& q = c.prepare(sql);
    q.bind(1, user);
    q.step();
    auto n = q.int64(0);
    q.reset();
    return n;
  };
  l.done = one("SELECT count(*) FROM tasks WHERE completed_by = ?");
  l.started = one("SELECT count(*) FROM instances WHERE initiator = ? AND state <> 'draft' AND parent_id IS NULL");
  l.cc = one("SELECT count(DISTINCT instance_id) FROM inbox WHERE user_id = ? AND type = 'cc'");
  l.drafts = one("SELECT count(*) FROM instances WHERE initiator = ? AND state = 'draft'");
  return l;
}

Id addEntrustment(Connection& c, const std::string& from, const std::string& to,
                  const std::vector<std::string>& processes, std::int64_t validFrom, std::int64_t validUntil,
                  std::int64_t now) {
  auto& q = c.prepare(
      "INSERT INTO entrustments(from_user, to_user, processes, valid_from, valid_until, created_at) VALUES "
      "(?,?,?,?,?,?)");
  q.bind(1, from).bind(2, to);
  if (processes.empty())
    q.bindNull(3);
  else
    q.bind(3, listJson(processes));
  if (validFrom)
    q.bind(4, validFrom);
  else
    q.bindNull(4);
  if (validUntil)
    q.bind(5, validUntil);
  else
    q.bindNull(5);
  q.bind(6, now).run();
  return c.lastInsertId();
}

int cancelEntrustments(Connection& c, const std::string& from, const std::string& to, std::int64_t now) {
  c.prepare("UPDATE entrustments SET cancelled_at = ? WHERE from_user = ? AND to_user = ? AND cancelled_at IS NULL")
      .bind(1, now)
      .bind(2, from)
      .bind(3, to)
      .run();
  return c.changes();
}

std::optional<std::string> entrustee(Connection& c, const std::string& user, const std::string& processKey,
                                     std::int64_t now) {
  auto& q = c.prepare(
      "SELECT to_user, processes FROM entrustments WHERE from_user = ?1 AND cancelled_at IS NULL AND "
      "(valid_from IS NULL OR valid_from <= ?2) AND (valid_until IS NULL OR valid_until > ?2) ORDER BY id DESC");
  q.bind(1, user).bind(2, now);
  std::optional<std::string> out;
  while (!out && q.step()) {
    auto processes = parseList(q.text(1));
    if (processes.empty() || std::find(processes.begin(), processes.end(), processKey) != processes.end())
      out = q.text(0);
  }
  q.reset();
  return out;
}

void saveForm(Connection& c, Id definition, const std::string& formKey, const std::string& schema) {
  c.prepare("INSERT OR REPLACE INTO forms(definition_id, form_key, schema) VALUES (?,?,?)")
      .bind(1, definition)
      .bind(2, formKey)
      .bind(3, schema)
      .run();
}

std::optional<std::string> formSchema(Connection& c, Id definition, const std::string& formKey) {
  auto& q = c.prepare("SELECT schema FROM forms WHERE definition_id = ? AND form_key = ?");
  q.bind(1, definition).bind(2, formKey);
  std::optional<std::string> out;
  if (q.step()) out = q.text(0);
  q.reset();
  return out;
}

void failExternalJob(Connection& c, Id job, const std::string& message, int retries, std::int64_t dueAt) {
  c.prepare("UPDATE jobs SET retries = ?, error = ?, lock_owner = NULL, lock_expires = 0, due_at = ? WHERE id = ?")
      .bind(1, retries)
      .bind(2, message)
      .bind(3, dueAt)
      .bind(4, job)
      .run();
}

void insertIncident(Connection& c, Id instance, Id job, const std::string& element, const std::string& message,
                    std::int64_t at) {
  c.prepare("INSERT INTO incidents(instance_id, job_id, element_id, message, created_at) VALUES (?,?,?,?,?)")
      .bind(1, instance)
      .bind(2, job)
      .bind(3, element)
      .bind(4, message)
      .bind(5, at)
      .run();
}

void markInstanceDeleted(Connection& c, Id instance) {
  c.prepare("UPDATE instances SET state = 'deleted', revision = revision + 1 WHERE id = ?").bind(1, instance).run();
}

void deleteInstanceRows(Connection& c, Id instance, bool keepHistory) {
  c.prepare("DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE instance_id = ?)")
      .bind(1, instance)
      .run();
  for (const char* table : {"tokens", "variables", "tasks", "jobs", "subscriptions", "incidents", "inbox"})
    c.prepare(std::string("DELETE FROM ") + table + " WHERE instance_id = ?").bind(1, instance).run();
  if (!keepHistory) {
    c.prepare("DELETE FROM history WHERE instance_id = ?").bind(1, instance).run();
    c.prepare("DELETE FROM instances WHERE id = ?").bind(1, instance).run();
  }
}

int countJobs(Connection& c, Id instance) {
  auto& q = c.prepare("SELECT count(*) FROM jobs WHERE instance_id = ? AND kind IN ('timer', 'async')");
  q.bind(1, instance);
  q.step();
  int n = static_cast<int>(q.int64(0));
  q.reset();
  return n;
}

int countIncidents(Connection& c, Id instance) {
  auto& q = c.prepare("SELECT count(*) FROM incidents WHERE instance_id = ? AND resolved_at IS NULL");
  q.bind(1, instance);
  q.step();
  int n = static_cast<int>(q.int64(0));
  q.reset();
  return n;
}

}  // namespace ordo::store
