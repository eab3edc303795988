// 报告分析's rollups (schema 18): run counts per 15-minute bucket and definition, and duration
// histograms per process, node and assignee, kept by triggers on instances and tasks, so every
// writer (commands, imports, another process) keeps them exact and a report reads thousands of
// rows instead of scanning a million.
#include "store/rollup.hpp"

#include <cmath>
#include <limits>

namespace ordo::store {

namespace {

// `{C}` is a row source of contributions: (s, def, parent, state, started, ended) for
// instances, (s, element, completer, state, created, ended) for tasks; s is +1 or -1.
constexpr const char* kInstanceRollup = R"sql(
INSERT INTO rollup_runs(bucket, definition_id, started, completed, rejected, cancelled)
  SELECT started / 900000, def, s, 0, 0, 0 FROM ({C}) WHERE parent IS NULL AND state != 'draft'
  UNION ALL
  SELECT ended / 900000, def, 0, s * (state = 'completed'), s * (state = 'rejected'),
    s * (state IN ('terminated', 'invalidated', 'deleted')) FROM ({C}) WHERE parent IS NULL AND ended IS NOT NULL
  ON CONFLICT DO UPDATE SET started = started + excluded.started, completed = completed + excluded.completed,
    rejected = rejected + excluded.rejected, cancelled = cancelled + excluded.cancelled;
INSERT INTO rollup_durations(kind, grp, bucket, n, total)
  SELECT 'process', (SELECT key FROM definitions WHERE id = def), CAST(ln(max(ended - started, 1)) * 64 AS INTEGER),
    s, s * (ended - started) FROM ({C}) WHERE ended IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
)sql";

constexpr const char* kTaskRollup = R"sql(
INSERT INTO rollup_durations(kind, grp, bucket, n, total)
  SELECT 'node', element, CAST(ln(max(ended - created, 1)) * 64 AS INTEGER), s, s * (ended - created)
    FROM ({C}) WHERE state = 'completed' AND ended IS NOT NULL
  UNION ALL
  SELECT 'assignee', completer, CAST(ln(max(ended - created, 1)) * 64 AS INTEGER), s, s * (ended - created)
    FROM ({C}) WHERE state = 'completed' AND ended IS NOT NULL AND completer IS NOT NULL
  ON CONFLICT DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
)sql";

std::string fill(std::string text, const std::string& source) {
  for (auto at = text.find("{C}"); at != std::string::npos; at = text.find("{C}", at + source.size()))
    text.replace(at, 3, source);
  return text;
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

}  // namespace

std::string rollupMigration() {
  std::string sql = R"sql(
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
  // Backfill from the rows already there, then keep in step.
  sql += fill(kInstanceRollup,
              "SELECT 1 AS s, definition_id AS def, parent_id AS parent, state, started_at AS started, ended_at AS "
              "ended FROM instances");
  sql += fill(kTaskRollup,
              "SELECT 1 AS s, element_id AS element, completed_by AS completer, state, created_at AS created, "
              "ended_at AS ended FROM tasks WHERE state = 'completed'");
  sql += triggers("instances", kInstanceRollup, instanceRow, "state, started_at, ended_at, parent_id, definition_id",
                  "old.state IS NOT new.state OR old.started_at IS NOT new.started_at OR old.ended_at IS NOT "
                  "new.ended_at OR old.parent_id IS NOT new.parent_id OR old.definition_id IS NOT new.definition_id");
  sql += triggers("tasks", kTaskRollup, taskRow, "state, created_at, ended_at, element_id, completed_by",
                  "(old.state = 'completed' OR new.state = 'completed') AND (old.state IS NOT new.state OR "
                  "old.created_at IS NOT new.created_at OR old.ended_at IS NOT new.ended_at OR old.element_id IS NOT "
                  "new.element_id OR old.completed_by IS NOT new.completed_by)");
  return sql;
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
