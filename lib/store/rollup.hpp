// The analytics rollups (schema 18): the migration that creates and backfills them, what a
// save changes in them (RollupChange, SQLite since schema 24), and the duration buckets their
// histograms use (⌊64·ln(ms)⌋, about 1.6% wide).
#pragma once

#include <cstdint>
#include <ordo/engine.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.hpp"

namespace ordo::store {

// Run counts are kept per 15 minutes: every time zone's midnight is a bucket boundary.
constexpr std::int64_t kRunBucketMillis = 900000;  // the triggers' literal

std::string rollupMigration();          // SQLite: triggers
std::string rollupMigrationPostgres();  // PostgreSQL: the same statements in functions, and triggers
// SQLite (schema 20): the same rollups, with one plain upsert per start, end and completion
// instead of a GROUP BY over a union for every insert and update.
std::string rollupFastPathMigration();
// SQLite (schema 23): the triggers of the rare cases (an insert already ended, any other change,
// a delete) forward the row to a view whose trigger runs the general statements.
std::string rollupForwardingMigration();
// SQLite (schema 24): no rollup triggers on instances and tasks at all; the store's writes keep
// the rollups (RollupChange), and rollupRebuild() recounts them after a foreign writer.
std::string rollupWriterMigration();
// PostgreSQL (schema 27): its triggers deferred to the commit (the rollup rows are hot).
std::string rollupDeferredPostgres();
// Both databases: the rollups emptied and counted again from the instance and task rows.
std::string rollupRebuild(bool postgres);

// Whether the store's writes keep the rollups: on SQLite (schema 24); PostgreSQL's triggers keep
// them there (its triggers cost no frame per statement, and several servers write).
inline bool writerKeepsRollups(const Connection& c) { return !c.postgres(); }

// What one write changes in the rollups: each row's contribution as it was stored taken back
// (sign -1) and as written added (+1), summed per key, then one upsert per key that moved. The
// contributions are those of schema 18's statements: a top-level run counted at its start
// unless a draft, and at its end by state; a duration per ended instance and completed task.
class RollupChange {
 public:
  // `key` is the definition's key (looked up by `definition` when empty).
  void instance(int sign, Id definition, std::string_view key, bool topLevel, Instance::State state,
                std::int64_t startedAt, std::int64_t endedAt);
  void task(int sign, std::string_view element, std::string_view completedBy, Task::State state,
            std::int64_t createdAt, std::int64_t endedAt);
  // The rows as stored now: an instance's row, and its tasks.
  void storedInstance(Connection& c, int sign, Id instance);
  void storedTasks(Connection& c, int sign, Id instance);
  // Writes what moved (nothing where the store does not keep the rollups) and starts over.
  void apply(Connection& c);
  // Adds what `other` holds, summed per key, and empties it.
  void take(RollupChange& other);
  void clear() {
    runs_.clear();
    durations_.clear();
  }

 private:
  struct Run {
    std::int64_t bucket;
    Id definition;
    std::int64_t started, completed, rejected, cancelled;
  };
  struct Duration {
    const char* kind;
    std::string group;
    Id definition;  // process durations with no key yet
    std::int64_t bucket, n, total;
  };
  Run& run(std::int64_t bucket, Id definition);  // the key's entry, added at zero if new
  Duration& durationRow(const char* kind, std::string_view group, Id definition, std::int64_t bucket);  // likewise
  void duration(const char* kind, std::string_view group, Id definition, std::int64_t millis, int sign);
  std::vector<Run> runs_;
  std::vector<Duration> durations_;
};

// The writer's rollup changes held back to its group-commit batch's commit, on SQLite: a batch's
// commands mostly move the same keys (one 15-minute bucket, one definition), so the batch writes
// each key once. `command` holds what the running command saved; it joins `batch` once the
// command succeeded in the batch (its savepoint released), and `batch` is written just before
// the COMMIT. Both are emptied when the transaction rolls back, and by a recount.
struct DeferredRollups {
  RollupChange command, batch;
  void clear() {
    command.clear();
    batch.clear();
  }
};

std::int64_t durationBucket(std::int64_t millis);
// The smallest duration in `bucket` (INT64_MIN for bucket 0, which holds everything up to 1 ms).
std::int64_t durationBucketFloor(std::int64_t bucket);

}  // namespace ordo::store
