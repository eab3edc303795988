// 报告分析's rollups (schema 18): run counts per 15-minute bucket and definition, and duration
// histograms per process, node and assignee, kept by triggers on instances and tasks, so every
// writer (commands, imports, another process) keeps them exact and a report reads thousands of
// rows instead of scanning a million.
#include "store/rollup.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "store/pg.hpp"

namespace ordo::store {

namespace {

// `{C}` is a row source of contributions: (s, def, parent, state, started, ended) for
// instances, (s, element, completer, state, created, ended) for tasks; s is +1 or -1. The SQL
// is the same on SQLite and PostgreSQL: CASE for booleans and greatest, the row qualified in
// the upsert, ln of a double.
// Each statement sums its rows per key first: one command may not touch a row twice in
// PostgreSQL (a start and an end in one bucket, or an update's -1 and +1).
constexpr const char* kInstanceRollup = R"sql(
INSERT INTO rollup_runs(bucket, definition_id, started, completed, rejected, cancelled)
  SELECT b, def, sum(st), sum(co), sum(re), sum(ca) FROM (
    SELECT started / 900000 AS b, def, s AS st, 0 AS co, 0 AS re, 0 AS ca FROM ({C}) AS c
      WHERE parent IS NULL AND state != 'draft'
    UNION ALL
    SELECT ended / 900000, def, 0, CASE WHEN state = 'completed' THEN s ELSE 0 END,
      CASE WHEN state = 'rejected' THEN s ELSE 0 END,
      CASE WHEN state IN ('terminated', 'invalidated', 'deleted') THEN s ELSE 0 END
      FROM ({C}) AS c WHERE parent IS NULL AND ended IS NOT NULL) AS u
  WHERE true GROUP BY b, def
  ON CONFLICT (bucket, definition_id) DO UPDATE SET started = rollup_runs.started + excluded.started,
    completed = rollup_runs.completed + excluded.completed, rejected = rollup_runs.rejected + excluded.rejected,
    cancelled = rollup_runs.cancelled + excluded.cancelled;
INSERT INTO rollup_durations(kind, grp, bucket, n, total)
  SELECT 'process', g, b, sum(s), sum(d) FROM (
    SELECT (SELECT key FROM definitions WHERE id = def) AS g, {BUCKET(ended - started)} AS b, s,
      s * (ended - started) AS d FROM ({C}) AS c WHERE ended IS NOT NULL) AS u
  WHERE true GROUP BY g, b
  ON CONFLICT (kind, grp, bucket) DO UPDATE SET n = rollup_durations.n + excluded.n,
    total = rollup_durations.total + excluded.total;
)sql";

constexpr const char* kTaskRollup = R"sql(
INSERT INTO rollup_durations(kind, grp, bucket, n, total)
  SELECT k, g, b, sum(s), sum(d) FROM (
    SELECT 'node' AS k, element AS g, {BUCKET(ended - created)} AS b, s, s * (ended - created) AS d
      FROM ({C}) AS c WHERE state = 'completed' AND ended IS NOT NULL
    UNION ALL
    SELECT 'assignee', completer, {BUCKET(ended - created)}, s, s * (ended - created)
      FROM ({C}) AS c WHERE state = 'completed' AND ended IS NOT NULL AND completer IS NOT NULL) AS u
  WHERE true GROUP BY k, g, b
  ON CONFLICT (kind, grp, bucket) DO UPDATE SET n = rollup_durations.n + excluded.n,
    total = rollup_durations.total + excluded.total;
)sql";

// ⌊64·ln(max(d, 1))⌋, written out for both databases (durationBucket is the same in C++).
std::string bucketOf(const std::string& d) {
  return "CAST(floor(ln(CAST(CASE WHEN " + d + " > 1 THEN " + d + " ELSE 1 END AS DOUBLE PRECISION)) * 64) AS INTEGER)";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string fill(const std::string& text, const std::string& source) {
  auto t = replaced(text, "{BUCKET(ended - started)}", bucketOf("(ended - started)"));
  t = replaced(t, "{BUCKET(ended - created)}", bucketOf("(ended - created)"));
  return replaced(t, "{C}", source);
}

std::string instanceRow(const char* sign, const char* row) {
  std::string r(row);
  return std::string("SELECT ") + sign + " AS s, " + r + ".definition_id AS def, " + r + ".parent_id AS parent, " + r +
         ".state AS state, " + r + ".started_at AS started, " + r + ".ended_at AS ended";
}

std::string taskRow(const char* sign, const char* row) {
  std::string r(row);
  return std::string("SELECT ") + sign + " AS s, " + r + ".element_id AS element, " + r + ".completed_by AS completer, " +
         r + ".state AS state, " + r + ".created_at AS created, " + r + ".ended_at AS ended";
}

// The three triggers of one table: a row's contribution added on insert, taken back on delete,
// both on an update of a column the rollups read.
std::string triggers(const std::string& table, const char* body, std::string (*row)(const char*, const char*),
                     const std::string& columns, const std::string& changed) {
  std::string t = table + "_rollup";
  return "CREATE TRIGGER " + t + "_insert AFTER INSERT ON " + table + " BEGIN " + fill(body, row("1", "new")) +
         " END;\nCREATE TRIGGER " + t + "_delete AFTER DELETE ON " + table + " BEGIN " + fill(body, row("-1", "old")) +
         " END;\nCREATE TRIGGER " + t + "_update AFTER UPDATE OF " + columns + " ON " + table + " WHEN " + changed +
         " BEGIN " + fill(body, row("-1", "old") + " UNION ALL " + row("1", "new")) + " END;\n";
}

// The rollups counted from the rows already there.
std::string backfill() {
  return fill(kInstanceRollup, instanceRow("1", "instances") + " FROM instances") +
         fill(kTaskRollup, taskRow("1", "tasks") + " FROM tasks WHERE state = 'completed'");
}

// The tables, the two indexes they replace, and the backfill from the rows already there: the
// same for both databases but for the column types.
std::string tablesAndBackfill(bool postgres) {
  std::string ddl = R"sql(
CREATE TABLE rollup_runs(
  bucket INTEGER NOT NULL, definition_id INTEGER NOT NULL, started INTEGER NOT NULL, completed INTEGER NOT NULL,
  rejected INTEGER NOT NULL, cancelled INTEGER NOT NULL, PRIMARY KEY(bucket, definition_id)) WITHOUT ROWID;
CREATE TABLE rollup_durations(
  kind TEXT NOT NULL, grp TEXT NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL, total INTEGER NOT NULL,
  PRIMARY KEY(kind, grp, bucket)) WITHOUT ROWID;
-- The run counts read the rollup now; these two indexes only served them.
DROP INDEX instances_started;
DROP INDEX instances_ended;
)sql";
  std::string sql = postgres ? translateDdlToPostgres(ddl) : ddl;
  return sql + backfill();
}

}  // namespace

std::string rollupMigration() {
  std::string sql = tablesAndBackfill(false);
  sql += triggers("instances", kInstanceRollup, instanceRow, "state, started_at, ended_at, parent_id, definition_id",
                  "old.state IS NOT new.state OR old.started_at IS NOT new.started_at OR old.ended_at IS NOT "
                  "new.ended_at OR old.parent_id IS NOT new.parent_id OR old.definition_id IS NOT new.definition_id");
  sql += triggers("tasks", kTaskRollup, taskRow, "state, created_at, ended_at, element_id, completed_by",
                  "(old.state = 'completed' OR new.state = 'completed') AND (old.state IS NOT new.state OR "
                  "old.created_at IS NOT new.created_at OR old.ended_at IS NOT new.ended_at OR old.element_id IS NOT "
                  "new.element_id OR old.completed_by IS NOT new.completed_by)");
  return sql;
}

namespace {

// One trigger, replacing any of that name (a rebuilt rollup re-runs the migrations after 18).
std::string trigger(const std::string& name, const std::string& event, const std::string& table,
                    const std::string& when, const std::string& body) {
  return "DROP TRIGGER IF EXISTS " + name + ";\nCREATE TRIGGER " + name + " AFTER " + event + " ON " + table +
         " WHEN " + when + " BEGIN " + body + " END;\n";
}

constexpr const char* kInstanceColumns = "state, started_at, ended_at, parent_id, definition_id";
constexpr const char* kInstanceChanged =
    "(old.state IS NOT new.state OR old.started_at IS NOT new.started_at OR old.ended_at IS NOT new.ended_at OR "
    "old.parent_id IS NOT new.parent_id OR old.definition_id IS NOT new.definition_id)";
// An update that keeps the start's contribution (same start, definition, parent; no draft either side).
constexpr const char* kInstanceSameStart =
    "old.started_at = new.started_at AND old.definition_id = new.definition_id AND old.parent_id IS new.parent_id AND "
    "old.state != 'draft' AND new.state != 'draft' AND old.ended_at IS NULL";
constexpr const char* kTaskColumns = "state, created_at, ended_at, element_id, completed_by";
constexpr const char* kTaskChanged =
    "(old.state = 'completed' OR new.state = 'completed') AND (old.state IS NOT new.state OR old.created_at IS NOT "
    "new.created_at OR old.ended_at IS NOT new.ended_at OR old.element_id IS NOT new.element_id OR old.completed_by IS "
    "NOT new.completed_by)";

std::string durationUpsert(const std::string& kind, const std::string& grp, const std::string& d,
                           const std::string& where) {
  return "INSERT INTO rollup_durations(kind, grp, bucket, n, total) SELECT '" + kind + "', " + grp + ", " + bucketOf(d) +
         ", 1, " + d + " WHERE " + where +
         " ON CONFLICT (kind, grp, bucket) DO UPDATE SET n = n + 1, total = total + excluded.total;";
}

}  // namespace

std::string rollupFastPathMigration() {
  std::string sql;
  // A start: one upsert of its bucket, no GROUP BY over a union.
  sql += trigger("instances_rollup_start", "INSERT", "instances",
                 "new.ended_at IS NULL AND new.parent_id IS NULL AND new.state != 'draft'",
                 "INSERT INTO rollup_runs(bucket, definition_id, started, completed, rejected, cancelled) VALUES "
                 "(new.started_at / 900000, new.definition_id, 1, 0, 0, 0) ON CONFLICT (bucket, definition_id) DO "
                 "UPDATE SET started = started + 1;");
  // Inserted already ended (imports): the general statements. Running and not counted: nothing to add.
  sql += trigger("instances_rollup_insert", "INSERT", "instances", "new.ended_at IS NOT NULL",
                 fill(kInstanceRollup, instanceRow("1", "new")));
  // An end: the start's -1 and +1 cancel; the end's bucket and the duration get one upsert each.
  sql += trigger("instances_rollup_end", "UPDATE OF " + std::string(kInstanceColumns), "instances",
                 std::string(kInstanceSameStart) + " AND new.ended_at IS NOT NULL",
                 "INSERT INTO rollup_runs(bucket, definition_id, started, completed, rejected, cancelled) SELECT "
                 "new.ended_at / 900000, new.definition_id, 0, CASE WHEN new.state = 'completed' THEN 1 ELSE 0 END, "
                 "CASE WHEN new.state = 'rejected' THEN 1 ELSE 0 END, CASE WHEN new.state IN ('terminated', "
                 "'invalidated', 'deleted') THEN 1 ELSE 0 END WHERE new.parent_id IS NULL ON CONFLICT (bucket, "
                 "definition_id) DO UPDATE SET completed = completed + excluded.completed, rejected = rejected + "
                 "excluded.rejected, cancelled = cancelled + excluded.cancelled; " +
                     durationUpsert("process", "(SELECT key FROM definitions WHERE id = new.definition_id)",
                                    "(new.ended_at - new.started_at)", "true"));
  // Any other change (a suspension changes nothing counted: it keeps the start and has no end).
  sql += trigger("instances_rollup_update", "UPDATE OF " + std::string(kInstanceColumns), "instances",
                 std::string(kInstanceChanged) + " AND NOT (" + kInstanceSameStart + ")",
                 fill(kInstanceRollup, instanceRow("-1", "old") + " UNION ALL " + instanceRow("1", "new")));
  // Tasks count once completed: an open task's insert adds nothing.
  sql += trigger("tasks_rollup_insert", "INSERT", "tasks", "new.state = 'completed' AND new.ended_at IS NOT NULL",
                 fill(kTaskRollup, taskRow("1", "new")));
  sql += trigger("tasks_rollup_complete", "UPDATE OF " + std::string(kTaskColumns), "tasks",
                 "old.state != 'completed' AND new.state = 'completed' AND new.ended_at IS NOT NULL",
                 durationUpsert("node", "new.element_id", "(new.ended_at - new.created_at)", "true") + " " +
                     durationUpsert("assignee", "new.completed_by", "(new.ended_at - new.created_at)",
                                    "new.completed_by IS NOT NULL"));
  sql += trigger("tasks_rollup_update", "UPDATE OF " + std::string(kTaskColumns), "tasks",
                 std::string(kTaskChanged) + " AND NOT (old.state != 'completed' AND new.state = 'completed')",
                 fill(kTaskRollup, taskRow("-1", "old") + " UNION ALL " + taskRow("1", "new")));
  return sql;
}

std::string rollupForwardingMigration() {
  // SQLite runs a trigger's WHEN inside the trigger's own program, whose frame of registers it
  // allocates and zeroes first: the general statements' frame (~6 KiB) was zeroed four times an
  // approval for triggers whose WHEN was false. They now hand the row to a view, whose INSTEAD OF
  // trigger holds the general statements and runs only when a row arrives.
  std::string sql = R"sql(
DROP VIEW IF EXISTS rollup_instance_changes;
CREATE VIEW rollup_instance_changes(s, def, parent, state, started, ended) AS SELECT 0, 0, 0, '', 0, 0 WHERE 0;
DROP VIEW IF EXISTS rollup_task_changes;
CREATE VIEW rollup_task_changes(s, element, completer, state, created, ended) AS SELECT 0, '', '', '', 0, 0 WHERE 0;
)sql";
  sql += "CREATE TRIGGER rollup_instance_changes_apply INSTEAD OF INSERT ON rollup_instance_changes BEGIN " +
         fill(kInstanceRollup, "SELECT new.s AS s, new.def AS def, new.parent AS parent, new.state AS state, "
                               "new.started AS started, new.ended AS ended") +
         " END;\n";
  sql += "CREATE TRIGGER rollup_task_changes_apply INSTEAD OF INSERT ON rollup_task_changes BEGIN " +
         fill(kTaskRollup, "SELECT new.s AS s, new.element AS element, new.completer AS completer, new.state AS "
                           "state, new.created AS created, new.ended AS ended") +
         " END;\n";
  // The row sources of the general statements, in the views' column order.
  auto instance = [](const char* sign, const char* r) {
    return "INSERT INTO rollup_instance_changes " + instanceRow(sign, r) + ";";
  };
  auto task = [](const char* sign, const char* r) { return "INSERT INTO rollup_task_changes " + taskRow(sign, r) + ";"; };
  // The same WHENs as schema 20's; their bodies forward the rows.
  sql += trigger("instances_rollup_insert", "INSERT", "instances", "new.ended_at IS NOT NULL", instance("1", "new"));
  sql += trigger("instances_rollup_update", "UPDATE OF " + std::string(kInstanceColumns), "instances",
                 std::string(kInstanceChanged) + " AND NOT (" + kInstanceSameStart + ")",
                 instance("-1", "old") + " " + instance("1", "new"));
  sql += trigger("instances_rollup_delete", "DELETE", "instances", "true", instance("-1", "old"));
  sql += trigger("tasks_rollup_insert", "INSERT", "tasks", "new.state = 'completed' AND new.ended_at IS NOT NULL",
                 task("1", "new"));
  sql += trigger("tasks_rollup_update", "UPDATE OF " + std::string(kTaskColumns), "tasks",
                 std::string(kTaskChanged) + " AND NOT (old.state != 'completed' AND new.state = 'completed')",
                 task("-1", "old") + " " + task("1", "new"));
  sql += trigger("tasks_rollup_delete", "DELETE", "tasks", "old.state = 'completed'", task("-1", "old"));
  return sql;
}

// PostgreSQL's triggers: the columns they watch and when an update changes what they count.
constexpr const char* kPgInstanceColumns = "state, started_at, ended_at, parent_id, definition_id";
constexpr const char* kPgInstanceChanged =
    "OLD.state IS DISTINCT FROM NEW.state OR OLD.started_at IS DISTINCT FROM NEW.started_at OR "
    "OLD.ended_at IS DISTINCT FROM NEW.ended_at OR OLD.parent_id IS DISTINCT FROM NEW.parent_id OR "
    "OLD.definition_id IS DISTINCT FROM NEW.definition_id";
constexpr const char* kPgTaskColumns = "state, created_at, ended_at, element_id, completed_by";
constexpr const char* kPgTaskChanged =
    "(OLD.state = 'completed' OR NEW.state = 'completed') AND (OLD.state IS DISTINCT FROM NEW.state OR "
    "OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.ended_at IS DISTINCT FROM NEW.ended_at OR "
    "OLD.element_id IS DISTINCT FROM NEW.element_id OR OLD.completed_by IS DISTINCT FROM NEW.completed_by)";

// The two triggers of `table` that call `fn`s() for a row's contribution: on insert and delete,
// and on an update of `cols` that `changed`; `deferred`: run at the commit (schema 27).
static std::string pgRollupTriggers(const std::string& table, const std::string& fn, const std::string& cols,
                                    const std::string& changed, bool deferred) {
  const std::string create = deferred ? "CREATE CONSTRAINT TRIGGER " : "CREATE TRIGGER ";
  const std::string when = deferred ? " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW" : " FOR EACH ROW";
  return create + table + "_rollup AFTER INSERT OR DELETE ON " + table + when + " EXECUTE FUNCTION " + fn + "s();\n" +
         create + table + "_rollup_update AFTER UPDATE OF " + cols + " ON " + table + when + " WHEN (" + changed +
         ") EXECUTE FUNCTION " + fn + "s();\n";
}

std::string rollupMigrationPostgres() {
  std::string sql = tablesAndBackfill(true);
  // A row's contribution as a function of its columns; the triggers call it with -1 for OLD and
  // +1 for NEW.
  sql += "CREATE FUNCTION ordo_rollup_instance(p_s BIGINT, p_def BIGINT, p_parent BIGINT, p_state TEXT, p_started "
         "BIGINT, p_ended BIGINT) RETURNS void LANGUAGE sql AS $body$" +
         fill(kInstanceRollup,
              "SELECT p_s AS s, p_def AS def, p_parent AS parent, p_state AS state, p_started AS started, p_ended "
              "AS ended") +
         "$body$;\n";
  sql += "CREATE FUNCTION ordo_rollup_task(p_s BIGINT, p_element TEXT, p_completer TEXT, p_state TEXT, p_created "
         "BIGINT, p_ended BIGINT) RETURNS void LANGUAGE sql AS $body$" +
         fill(kTaskRollup,
              "SELECT p_s AS s, p_element AS element, p_completer AS completer, p_state AS state, p_created AS "
              "created, p_ended AS ended") +
         "$body$;\n";
  auto trigger = [](const std::string& table, const std::string& fn, const std::string& cols,
                    const std::string& changed) {
    std::string args = "definition_id, parent_id, state, started_at, ended_at";
    if (table == "tasks") args = "element_id, completed_by, state, created_at, ended_at";
    auto with = [&](const char* row) {
      std::string out;
      for (std::size_t at = 0; at < args.size();) {
        auto comma = args.find(", ", at);
        out += std::string(", ") + row + "." + args.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        at = comma == std::string::npos ? args.size() : comma + 2;
      }
      return out;
    };
    return "CREATE FUNCTION " + fn + "s() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN IF TG_OP <> 'INSERT' THEN "
           "PERFORM " + fn + "(-1" + with("OLD") + "); END IF; IF TG_OP <> 'DELETE' THEN PERFORM " + fn + "(1" +
           with("NEW") + "); END IF; RETURN NULL; END $body$;\n" + pgRollupTriggers(table, fn, cols, changed, false);
  };
  sql += trigger("instances", "ordo_rollup_instance", kPgInstanceColumns, kPgInstanceChanged);
  sql += trigger("tasks", "ordo_rollup_task", kPgTaskColumns, kPgTaskChanged);
  return sql;
}

std::string rollupDeferredPostgres() {
  // The same triggers, run at COMMIT: a rollup row (one per 15 minutes and definition) is locked
  // only while the transaction commits, not through the rest of its command, so servers sharing
  // the database no longer take turns on it. A row's values are those of its event.
  std::string sql;
  auto deferred = [&](const std::string& table, const std::string& fn, const char* cols, const char* changed) {
    sql += "DROP TRIGGER " + table + "_rollup ON " + table + ";\nDROP TRIGGER " + table + "_rollup_update ON " +
           table + ";\n" + pgRollupTriggers(table, fn, cols, changed, true);
  };
  deferred("instances", "ordo_rollup_instance", kPgInstanceColumns, kPgInstanceChanged);
  deferred("tasks", "ordo_rollup_task", kPgTaskColumns, kPgTaskChanged);
  return sql;
}

std::string rollupWriterMigration() {
  // Schema 23's triggers cost a quarter of a leave approval's instructions (bench/README.md,
  // session 8), most of it SQLite preparing a trigger program's frame for every statement that
  // names a watched column, whatever its WHEN says: the writes count the rollups themselves now.
  std::string sql;
  for (const char* t : {"instances_rollup_start", "instances_rollup_insert", "instances_rollup_end",
                        "instances_rollup_update", "instances_rollup_delete", "tasks_rollup_insert",
                        "tasks_rollup_complete", "tasks_rollup_update", "tasks_rollup_delete"})
    sql += std::string("DROP TRIGGER IF EXISTS ") + t + ";\n";
  return sql + "DROP VIEW IF EXISTS rollup_instance_changes;\nDROP VIEW IF EXISTS rollup_task_changes;\n";
}

std::string rollupRebuild(bool) {
  // The statements are the same on both databases (see kInstanceRollup).
  return "DELETE FROM rollup_runs;\nDELETE FROM rollup_durations;\n" + backfill();
}

RollupChange::Run& RollupChange::run(std::int64_t bucket, Id definition) {
  for (auto& r : runs_)
    if (r.bucket == bucket && r.definition == definition) return r;
  return runs_.emplace_back(Run{bucket, definition, 0, 0, 0, 0});
}

RollupChange::Duration& RollupChange::durationRow(const char* kind, std::string_view group, Id definition,
                                                  std::int64_t bucket) {
  for (auto& d : durations_)
    if (d.kind == kind && d.group == group && d.definition == definition && d.bucket == bucket) return d;
  return durations_.emplace_back(Duration{kind, std::string(group), definition, bucket, 0, 0});
}

void RollupChange::duration(const char* kind, std::string_view group, Id definition, std::int64_t millis, int sign) {
  auto& d = durationRow(kind, group, definition, durationBucket(millis));
  d.n += sign;
  d.total += sign * millis;
}

void RollupChange::take(RollupChange& other) {
  for (const auto& o : other.runs_) {
    auto& r = run(o.bucket, o.definition);
    r.started += o.started;
    r.completed += o.completed;
    r.rejected += o.rejected;
    r.cancelled += o.cancelled;
  }
  for (const auto& o : other.durations_) {
    auto& d = durationRow(o.kind, o.group, o.definition, o.bucket);
    d.n += o.n;
    d.total += o.total;
  }
  other.clear();
}

void RollupChange::instance(int sign, Id definition, std::string_view key, bool topLevel, Instance::State state,
                            std::int64_t startedAt, std::int64_t endedAt) {
  using S = Instance::State;
  if (topLevel && state != S::draft) run(startedAt / kRunBucketMillis, definition).started += sign;
  if (!endedAt) return;
  if (topLevel) {
    auto& r = run(endedAt / kRunBucketMillis, definition);
    if (state == S::completed)
      r.completed += sign;
    else if (state == S::rejected)
      r.rejected += sign;
    else if (state == S::terminated || state == S::invalidated || state == S::deleted)
      r.cancelled += sign;
  }
  duration("process", key, key.empty() ? definition : 0, endedAt - startedAt, sign);
}

void RollupChange::task(int sign, std::string_view element, std::string_view completedBy, Task::State state,
                        std::int64_t createdAt, std::int64_t endedAt) {
  if (state != Task::State::completed || !endedAt) return;
  duration("node", element, 0, endedAt - createdAt, sign);
  if (!completedBy.empty()) duration("assignee", completedBy, 0, endedAt - createdAt, sign);
}

void RollupChange::storedInstance(Connection& c, int sign, Id instance) {
  if (!writerKeepsRollups(c)) return;
  auto& q = c.prepare(
      "SELECT i.definition_id, d.key, i.parent_id IS NULL, i.state, i.started_at, coalesce(i.ended_at, 0) FROM "
      "instances i JOIN definitions d ON d.id = i.definition_id WHERE i.id = ?");
  q.bind(1, instance);
  if (q.step())
    this->instance(sign, q.int64(0), q.text(1), q.int64(2) != 0, instanceStateFrom(q.text(3)), q.int64(4), q.int64(5));
  q.reset();
}

void RollupChange::storedTasks(Connection& c, int sign, Id instance) {
  if (!writerKeepsRollups(c)) return;
  auto& q = c.prepare(
      "SELECT element_id, coalesce(completed_by, ''), created_at, ended_at FROM tasks WHERE instance_id = ? AND state "
      "= 'completed' AND ended_at IS NOT NULL");
  q.bind(1, instance);
  while (q.step()) task(sign, q.text(0), q.text(1), Task::State::completed, q.int64(2), q.int64(3));
  q.reset();
}

void RollupChange::apply(Connection& c) {
  // An UPDATE of the key's row, and the upsert only for a key not there yet (a new bucket): an
  // upsert that conflicts seeks the key twice.
  if (writerKeepsRollups(c)) {
    for (const auto& r : runs_) {
      if (!r.started && !r.completed && !r.rejected && !r.cancelled) continue;  // a start taken back and added
      auto& u = c.prepare(
          "UPDATE rollup_runs SET started = started + ?3, completed = completed + ?4, rejected = rejected + ?5, "
          "cancelled = cancelled + ?6 WHERE bucket = ?1 AND definition_id = ?2");
      u.bind(1, r.bucket).bind(2, r.definition).bind(3, r.started).bind(4, r.completed).bind(5, r.rejected);
      u.bind(6, r.cancelled).run();
      if (c.changes() == 1) continue;
      c.prepare(
           "INSERT INTO rollup_runs(bucket, definition_id, started, completed, rejected, cancelled) VALUES "
           "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (bucket, definition_id) DO UPDATE SET started = rollup_runs.started "
           "+ excluded.started, completed = rollup_runs.completed + excluded.completed, rejected = "
           "rollup_runs.rejected + excluded.rejected, cancelled = rollup_runs.cancelled + excluded.cancelled")
          .bind(1, r.bucket)
          .bind(2, r.definition)
          .bind(3, r.started)
          .bind(4, r.completed)
          .bind(5, r.rejected)
          .bind(6, r.cancelled)
          .run();
    }
    for (auto& d : durations_) {
      if (!d.n && !d.total) continue;
      if (d.definition) {
        // A process duration without its key names the definition: the key is looked up.
        auto& k = c.prepare("SELECT key FROM definitions WHERE id = ?");
        k.bind(1, d.definition);
        if (k.step()) d.group = k.text(0);
        k.reset();
      }
      auto& u = c.prepare("UPDATE rollup_durations SET n = n + ?4, total = total + ?5 WHERE kind = ?1 AND grp = ?2 "
                          "AND bucket = ?3");
      u.bindBorrowed(1, d.kind).bindBorrowed(2, d.group).bind(3, d.bucket).bind(4, d.n).bind(5, d.total).run();
      if (c.changes() == 1) continue;
      c.prepare(
           "INSERT INTO rollup_durations(kind, grp, bucket, n, total) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind, "
           "grp, bucket) DO UPDATE SET n = rollup_durations.n + excluded.n, total = rollup_durations.total + "
           "excluded.total")
          .bindBorrowed(1, d.kind)
          .bindBorrowed(2, d.group)
          .bind(3, d.bucket)
          .bind(4, d.n)
          .bind(5, d.total)
          .run();
    }
  }
  runs_.clear();
  durations_.clear();
}

std::int64_t durationBucket(std::int64_t millis) {
  // The triggers' expression, in the same double arithmetic (×64 is exact).
  return static_cast<std::int64_t>(std::log(static_cast<double>(std::max<std::int64_t>(millis, 1))) * 64);
}

std::int64_t durationBucketFloor(std::int64_t bucket) {
  if (bucket <= 0) return std::numeric_limits<std::int64_t>::min();
  auto x = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::exp(static_cast<double>(bucket) / 64)) - 2);
  while (durationBucket(x) >= bucket && x > 1) --x;
  while (durationBucket(x) < bucket) ++x;
  return x;
}

}  // namespace ordo::store
