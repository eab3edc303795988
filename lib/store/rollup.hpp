// The analytics rollups (schema 18): the migration that creates, backfills and keeps them, and
// the duration buckets their histograms use (⌊64·ln(ms)⌋, about 1.6% wide).
#pragma once

#include <cstdint>
#include <string>

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
std::int64_t durationBucket(std::int64_t millis);
// The smallest duration in `bucket` (INT64_MIN for bucket 0, which holds everything up to 1 ms).
std::int64_t durationBucketFloor(std::int64_t bucket);

}  // namespace ordo::store
