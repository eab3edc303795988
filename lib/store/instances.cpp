// Instances: their rows, loading one whole and saving what a command changed.
#include <algorithm>
#include <optional>
#include <variant>

#include "store/instance_cache.hpp"
#include "store/rollup.hpp"
#include "store/runtime_record.hpp"
#include "store/rows.hpp"

namespace ordo::store {

// ---------------------------------------------------------------- instances

namespace {
// An instance's row by id, its text built once (prepareStatic).
const std::string& instanceByIdSql() {
  static const std::string sql = std::string(kInstanceSelect) + "WHERE i.id = ?";
  return sql;
}
}  // namespace

std::optional<Instance> instanceById(Connection& c, Id id) {
  auto& q = c.prepareStatic(instanceByIdSql());
  q.bind(1, id);
  std::optional<Instance> out;
  if (q.step()) out = readInstance(q);
  q.reset();
  return out;
}

namespace {
void loadRuntimeRows(Connection& c, Id id, InstanceState& s);  // tokens, variables, open tasks, subscriptions
void loadJobs(Connection& c, Id id, InstanceState& s);
}  // namespace

bool loadInstance(Connection& c, Id id, InstanceState& s, const InstanceCache* cache) {
  // What this writer saved last stands in for every row (instance_cache.hpp says why it is current).
  if (const auto* hit = cache ? cache->find(id) : nullptr) {
    InstanceCache::fill(hit->state, s);
    s.storedState = s.row.state;
    s.storedEndedAt = s.row.endedAt;
    if (hit->hasJobs)
      loadJobs(c, id, s);
    else
      s.jobs.clear();
    return true;
  }
  {
    auto& q = c.prepareStatic(instanceByIdSql());
    q.bind(1, id);
    bool found = q.step();
    if (found) s.row = readInstance<runtime::InstanceRecord>(q);
    q.reset();
    if (!found) return false;
  }
  s.storedState = s.row.state;
  s.storedEndedAt = s.row.endedAt;
  loadRuntimeRows(c, id, s);
  loadJobs(c, id, s);
  return true;
}

namespace {
void loadRuntimeRows(Connection& c, Id id, InstanceState& s) {
  {
    auto& q = c.prepare("SELECT tokens, variables FROM instance_runtime WHERE instance_id = ?");
    q.bind(1, id);
    if (q.step()) decodeRuntime(q.text(0), q.text(1), s);
    q.reset();
  }
  {
    auto& q = c.prepare(std::string("SELECT ") + kTaskCols +
                        ", t.token_id FROM tasks t WHERE t.instance_id = ? AND t.state = 'open'");
    q.bind(1, id);
    s.tasks = rows(q, [](Statement& row) -> TaskRow {
      TaskRow t{readTask<runtime::TaskRecord>(row), row.int64(16)};
      t.storedState = t.task.state;
      t.storedEndedAt = t.task.endedAt;
      t.storedCompletedBy = t.task.completedBy;
      return t;
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
}

void loadJobs(Connection& c, Id id, InstanceState& s) {
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
}
}  // namespace

namespace {

// A command's history lines on SQLite: one row of history_log (runtime_record.hpp), the lines'
// ids consecutive from `ids`.
void writeHistoryLog(Connection& c, Id instance, std::vector<runtime::HistoryRecord>& history, runtime::IdSource& ids) {
  if (history.empty()) return;
  const Id first = ids.next("history");
  for (std::size_t k = 0; k < history.size(); ++k) {
    const Id id = k ? ids.next("history") : first;
    if (id != first + static_cast<Id>(k)) throw Error(ErrorCode::internal, "history ids of one command not consecutive");
    history[k].id = id;
    history[k].instanceId = instance;
  }
  const auto& front = history.front();
  const std::string entries = encodeHistory(history, front.at, front.actor);
  c.prepare("INSERT INTO history_log(id, instance_id, at, actor, entries) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, first)
      .bind(2, instance)
      .bind(3, front.at)
      .bindOptionalBorrowed(4, front.actor)
      .bindBorrowed(5, entries)
      .run();
}

// PostgreSQL: a row a line and a statement, its id from the sequence. The texts are borrowed
// (`history` outlives each run), but the targets' JSON, a temporary, is copied.
void writeHistoryRows(Connection& c, Id instance, std::vector<runtime::HistoryRecord>& history) {
  for (auto& h : history) {
    auto& q = c.prepare(
        "INSERT INTO history(instance_id, at, kind, element_id, element_type, task_id, actor, comment, action, "
        "targets) VALUES (?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, instance).bind(2, h.at).bindBorrowed(3, h.kind).bindOptionalBorrowed(4, h.elementId);
    q.bindOptionalBorrowed(5, h.elementType);
    if (h.taskId)
      q.bind(6, h.taskId);
    else
      q.bindNull(6);
    q.bindOptionalBorrowed(7, h.actor).bindOptionalBorrowed(8, h.comment).bindOptionalBorrowed(9, h.action);
    if (h.targets.empty())
      q.bindNull(10);
    else
      q.bind(10, listJson(h.targets));
    q.run();
    h.id = c.lastInsertId();
    h.instanceId = instance;
  }
}

}  // namespace

void saveInstance(Connection& c, InstanceState& s, InstanceCache* cache, runtime::IdSource* ids,
                  RollupChange* deferred) {
  auto& r = s.row;
  RollupChange rollup;
  const bool rollups = writerKeepsRollups(c);
  if (rollups && (s.isNew || s.rowDirty)) {
    if (!s.isNew)
      rollup.instance(-1, r.definitionId, r.definitionKey, !r.parentId, s.storedState, r.startedAt, s.storedEndedAt);
    rollup.instance(1, r.definitionId, r.definitionKey, !r.parentId, r.state, r.startedAt, r.endedAt);
  }
  s.storedState = r.state;
  s.storedEndedAt = r.endedAt;
  if (s.isNew) {
    // NULLs bound, not written and then cleared: the analytics triggers see one insert.
    auto& q = c.prepare(
        "INSERT INTO instances(id, definition_id, parent_id, business_key, initiator, tenant, state, started_at, "
        "ended_at, revision, parent_token_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    q.bind(1, r.id)
        .bind(2, r.definitionId)
        .bindOptionalBorrowed(4, r.businessKey)
        .bindOptionalBorrowed(5, r.initiator)
        .bindOptionalBorrowed(6, r.tenant)
        .bindBorrowed(7, toString(r.state))
        .bind(8, r.startedAt)
        .bind(10, r.revision);
    if (r.parentId)
      q.bind(3, r.parentId).bind(11, r.parentTokenId);
    else
      q.bindNull(3).bindNull(11);
    if (r.endedAt)
      q.bind(9, r.endedAt);
    else
      q.bindNull(9);
    q.run();
  } else {
    if (!s.rowDirty) {
      // State and end unchanged: naming no column the rollups' triggers watch, so none of them
      // runs (SQLite allocates and zeroes a trigger's frame before it tests the WHEN).
      c.prepare("UPDATE instances SET revision = revision + 1 WHERE id = ? AND revision = ?")
          .bind(1, r.id)
          .bind(2, r.revision)
          .run();
    } else {
      auto& q = c.prepare(
          "UPDATE instances SET state = ?, ended_at = ?, revision = revision + 1 WHERE id = ? AND revision = ?");
      q.bindBorrowed(1, toString(r.state)).bind(3, r.id).bind(4, r.revision);
      if (r.endedAt)
        q.bind(2, r.endedAt);
      else
        q.bindNull(2);
      q.run();
    }
    if (c.changes() != 1)
      throw Error(ErrorCode::conflict, "instance " + std::to_string(r.id) + " was changed by another command");
    ++r.revision;
  }
  // The token tree and variables: one row, rewritten whole when it changed (runtime_record.hpp).
  const bool changed = runtimeChanged(s);
  std::optional<SettledRuntime> settled;
  if (cache || changed) settled = settle(s);
  if (changed) {
    const std::string tokens = encodeTokens(settled->tokens), variables = encodeVariables(settled->variables);
    const char* update = "UPDATE instance_runtime SET tokens = ?2, variables = ?3 WHERE instance_id = ?1";
    const char* insert = "INSERT INTO instance_runtime(instance_id, tokens, variables) VALUES (?1, ?2, ?3)";
    bool written = false;
    if (!s.isNew) {
      c.prepare(update).bind(1, r.id).bindBorrowed(2, tokens).bindBorrowed(3, variables).run();
      written = c.changes() == 1;
    }
    if (!written) c.prepare(insert).bind(1, r.id).bindBorrowed(2, tokens).bindBorrowed(3, variables).run();
    for (auto& [id, t] : s.tokens) t.isNew = t.dirty = false;
    s.dirtyVariables.clear();
  }
  for (auto& tr : s.tasks) {
    auto& t = tr.task;
    if (tr.isNew) {
      auto& q = c.prepare(
          "INSERT INTO tasks(id, instance_id, token_id, element_id, name, assignee, owner, state, created_at, "
          "ended_at, "
          "due_at, priority, form_key, candidate_users, candidate_groups, completed_by, delegation) VALUES "
          "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      q.bind(1, t.id).bind(2, r.id).bind(3, tr.tokenId).bindBorrowed(4, t.elementId).bindOptionalBorrowed(5, t.name);
      q.bindOptionalBorrowed(6, t.assignee).bindOptionalBorrowed(7, t.owner).bindBorrowed(8, toString(t.state)).bind(9, t.createdAt);
      if (t.endedAt)
        q.bind(10, t.endedAt);
      else
        q.bindNull(10);
      if (t.dueAt)
        q.bind(11, t.dueAt);
      else
        q.bindNull(11);
      q.bind(12, t.priority).bindOptionalBorrowed(13, t.formKey);
      if (t.candidateUsers.empty())
        q.bindNull(14);
      else
        q.bind(14, listJson(t.candidateUsers));
      if (t.candidateGroups.empty())
        q.bindNull(15);
      else
        q.bind(15, listJson(t.candidateGroups));
      q.bindOptionalBorrowed(16, t.completedBy).bindOptionalBorrowed(17, t.delegation).run();
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
      q.bindOptionalBorrowed(1, t.assignee).bindOptionalBorrowed(2, t.owner).bindBorrowed(3, toString(t.state));
      if (t.endedAt)
        q.bind(4, t.endedAt);
      else
        q.bindNull(4);
      q.bindOptionalBorrowed(5, t.completedBy).bindOptionalBorrowed(6, t.delegation).bind(7, t.id).run();
      // Candidates change with the assignee only when a task is handed back to them (unclaim).
    }
    if (rollups && (tr.isNew || tr.dirty)) {
      if (!tr.isNew)
        rollup.task(-1, t.elementId, tr.storedCompletedBy, tr.storedState, t.createdAt, tr.storedEndedAt);
      rollup.task(1, t.elementId, t.completedBy, t.state, t.createdAt, t.endedAt);
      tr.storedState = t.state;
      tr.storedEndedAt = t.endedAt;
      tr.storedCompletedBy = t.completedBy;
    }
    // Candidate rows exist only for the lists the task was inserted with (nothing else writes them).
    const bool hasCandidates = !t.candidateUsers.empty() || !t.candidateGroups.empty();
    if ((tr.isNew || tr.dirty) && t.state != Task::State::open && hasCandidates)
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
        .bindBorrowed(1, m.user)
        .bindBorrowed(2, m.type)
        .bind(3, r.id)
        .bind(4, m.taskId)
        .bindOptionalBorrowed(5, m.title)
        .bind(6, m.createdAt)
        .run();
  s.inbox.clear();
  if (deferred)
    deferred->take(rollup);
  else
    rollup.apply(c);
  if (c.postgres()) {
    writeHistoryRows(c, r.id, s.history);
  } else if (ids) {
    writeHistoryLog(c, r.id, s.history, *ids);
  } else {
    TableIds own(c);
    writeHistoryLog(c, r.id, s.history, own);
    own.flush();
  }
  s.isNew = s.rowDirty = false;
  if (cache) cache->saved(s, std::move(*settled));
}

namespace {
// The WHERE of an instance query, naming only the filters it sets: a filter written as
// "(?3 = '' OR i.business_key = ?3)" keeps SQLite from using the column's index (the plan is made
// before the values are known), so at 1,000,000 instances a query by business key, initiator or
// parent would scan them all. Each distinct set of filters is prepared once.
struct InstanceWhere {
  std::string sql;
  std::vector<std::variant<std::string, std::int64_t>> params;

  explicit InstanceWhere(const InstanceQuery& q) {
    sql = "WHERE 1=1";
    auto add = [&](const char* cond, std::variant<std::string, std::int64_t> v) {
      params.push_back(std::move(v));
      sql += std::string(" AND ") + cond + " ?" + std::to_string(params.size());
    };
    if (!q.definitionKey.empty()) add("d.key =", q.definitionKey);
    if (q.state) add("i.state =", std::string(toString(*q.state)));
    if (!q.businessKey.empty()) add("i.business_key =", q.businessKey);
    if (q.parentId == 0) sql += " AND i.parent_id IS NULL";
    if (q.parentId > 0) add("i.parent_id =", q.parentId);
    if (!q.initiator.empty()) add("i.initiator =", q.initiator);
    if (q.definitionId) add("i.definition_id =", q.definitionId);
    if (q.definitionVersion) add("d.version =", std::int64_t{q.definitionVersion});
    if (q.startedFrom) add("i.started_at >=", q.startedFrom);
    if (q.startedTo) add("i.started_at <=", q.startedTo);
    sql += " ";
  }
  int bind(Statement& st) const {
    int i = 0;
    for (const auto& p : params) std::visit([&](const auto& v) { st.bind(++i, v); }, p);
    return i;
  }
};
}  // namespace

std::vector<Instance> queryInstances(Connection& c, const InstanceQuery& q) {
  const InstanceWhere where(q);
  const int n = static_cast<int>(where.params.size());
  auto& st = c.prepare(std::string(kInstanceSelect) + where.sql + "ORDER BY i.id DESC LIMIT ?" + std::to_string(n + 1) +
                       " OFFSET ?" + std::to_string(n + 2));
  where.bind(st);
  st.bind(n + 1, q.limit == 0 ? -1 : q.limit)  // 0: every match (SQLite's LIMIT -1)
      .bind(n + 2, q.offset);
  return rows(st, [](Statement& row) -> Instance { return readInstance(row); });
}

std::int64_t countInstances(Connection& c, const InstanceQuery& q) {
  const InstanceWhere where(q);
  auto& st = c.prepare(std::string("SELECT count(*) FROM instances i JOIN definitions d ON d.id = i.definition_id ") +
                       where.sql);
  where.bind(st);
  st.step();
  auto n = st.int64(0);
  st.reset();
  return n;
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

}  // namespace ordo::store
