// A fresh engine on a real SQLite file per test, and a way to see that a
// failed command changed nothing: the whole database, dumped.
//
// ORDO_TEST_BACKEND=postgres (with ORDO_TEST_POSTGRES=postgresql://…, as scripts/with-postgres
// sets it): the same tests on PostgreSQL, each TempDb a fresh schema of that database.
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <filesystem>
#include <ordo/engine.hpp>
#include <string>

#include "test_support.hpp"

namespace ordo::test {

// The PostgreSQL database the tests run on, or nullptr for SQLite.
inline const char* testPostgres() {
  const char* backend = std::getenv("ORDO_TEST_BACKEND");
  if (!backend || std::strcmp(backend, "postgres") != 0) return nullptr;
  const char* url = std::getenv("ORDO_TEST_POSTGRES");
  return url && *url ? url : nullptr;
}

class TempDb {
 public:
  TempDb() {
    static int counter = 0;
    if (const char* pg = testPostgres()) {
      schema_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
      url_ = pg;
      path_ = url_ + (url_.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema_;
      remove();
      return;
    }
    path_ = (std::filesystem::temp_directory_path() /
             ("ordo-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".db"))
                .string();
    remove();
  }
  ~TempDb() { remove(); }
  const std::string& path() const { return path_; }
  bool postgres() const { return !schema_.empty(); }

  // Every row of every table, in a fixed order.
  std::string dump() const {
    if (postgres()) return dumpPostgres();
    sqlite3* db = nullptr;
    sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::string out;
    for (const char* table : {"definitions", "instances", "tokens", "variables", "tasks", "task_candidates", "jobs",
                              "incidents", "history", "subscriptions", "buffered_messages"}) {
      std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY 1, 2, 3";
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
      out += std::string("#") + table + "\n";
      while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
          auto v = sqlite3_column_text(st, i);
          out += v ? reinterpret_cast<const char*>(v) : "NULL";
          out += "|";
        }
        out += "\n";
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

 // SQL on the test's database, either backend: the first column of the first row (0 for none).
  long long scalar(const std::string& sql) const {
    if (postgres()) {
      auto rows = pgQuery("SET search_path TO \"" + schema_ + "\"; " + sql);
      return rows.empty() ? 0 : std::atoll(rows.c_str());
    }
    sqlite3* db = nullptr;
    sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    long long v = 0;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }
  // SQLite's PRAGMA integrity_check of the file: "ok" when sound ("" when it cannot be read).
  std::string integrity() const {
    sqlite3* db = nullptr;
    std::string out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }
  // Runs SQL that returns no rows; false on an error.
  bool exec(const std::string& sql) const {
    if (postgres()) return pgExec("SET search_path TO \"" + schema_ + "\"; " + sql);
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
  }

 private:
  bool pgExec(const std::string& sql) const {
    PGconn* c = PQconnectdb(url_.c_str());
    bool ok = false;
    if (PQstatus(c) == CONNECTION_OK) {
      PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
      PGresult* r = PQexec(c, sql.c_str());
      ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
      PQclear(r);
    }
    PQfinish(c);
    return ok;
  }
  // SQL on the test's database, its rows as text (cells separated by |, rows by newlines).
  std::string pgQuery(const std::string& sql) const {
    PGconn* c = PQconnectdb(url_.c_str());
    std::string out;
    if (PQstatus(c) == CONNECTION_OK) {
      PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) == PGRES_TUPLES_OK)
        for (int i = 0; i < PQntuples(r); ++i) {
          for (int j = 0; j < PQnfields(r); ++j) {
            out += PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j);
            out += "|";
          }
          out += "\n";
        }
      PQclear(r);
    }
    PQfinish(c);
    return out;
  }
  std::string dumpPostgres() const {
    std::string out;
    for (const char* table : {"definitions", "instances", "tokens", "variables", "tasks", "task_candidates", "jobs",
                              "incidents", "history", "subscriptions", "buffered_messages"})
      out += std::string("#") + table + "\n" +
             pgQuery("SELECT * FROM \"" + schema_ + "\"." + table + " ORDER BY 1, 2, 3");
    return out;
  }
  void remove() {
    if (postgres()) {
      pgExec("DROP SCHEMA IF EXISTS \"" + schema_ + "\" CASCADE");
      return;
    }
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + s);
  }
  std::string path_, url_, schema_;
};

inline std::unique_ptr<Engine> openEngine(const TempDb& db, std::shared_ptr<Clock> clock = nullptr) {
  EngineOptions o;
  o.path = db.path();
  o.clock = std::move(clock);
  return Engine::open(o);
}

inline std::string sample(const std::string& name) {
  return readText(std::string(ORDO_SAMPLES) + "/" + name);
}

// Takes a SQLite file of the current schema back to schema 20's layout: tokens and variables as
// tables of a row each (filled from the schema-21 views), no instance_runtime; history indexed by
// action again (schema 22 dropped it); no views for the rollups' rare cases (schema 23).
// (Schema 20's rollup triggers are not put back: schema 24 drops them again.) History as a row
// a line again (schema 26 packed a command's lines into one row).
inline constexpr const char* kBackToSchema20 = R"sql(
CREATE TABLE history_v25(id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL, at INTEGER NOT NULL,
  kind TEXT NOT NULL, element_id TEXT, element_type TEXT, task_id INTEGER, actor TEXT, comment TEXT, action TEXT,
  targets TEXT);
INSERT INTO history_v25 SELECT * FROM history;
DROP VIEW history; DROP TABLE history_log; DROP TABLE history_names; ALTER TABLE history_v25 RENAME TO history;
CREATE INDEX history_instance ON history(instance_id, id);
ALTER TABLE id_next DROP COLUMN history;
CREATE TABLE tokens_v20(id INTEGER PRIMARY KEY, instance_id INTEGER NOT NULL, parent_id INTEGER,
  element_id TEXT NOT NULL, state TEXT NOT NULL, data TEXT);
INSERT INTO tokens_v20 SELECT * FROM tokens;
CREATE TABLE variables_v20(instance_id INTEGER NOT NULL, scope_id INTEGER NOT NULL, name TEXT NOT NULL,
  value TEXT NOT NULL, PRIMARY KEY(instance_id, scope_id, name)) WITHOUT ROWID;
INSERT INTO variables_v20 SELECT * FROM variables;
DROP VIEW tokens; DROP VIEW variables; DROP TABLE instance_runtime;
ALTER TABLE tokens_v20 RENAME TO tokens; ALTER TABLE variables_v20 RENAME TO variables;
CREATE INDEX tokens_instance ON tokens(instance_id);
CREATE INDEX history_action ON history(action, task_id) WHERE action IS NOT NULL;
-- Schema 23's views for the rollups' rare cases, gone since schema 24 (which drops the triggers
-- that migration 23 writes again at the next open, before anything is written).
DROP VIEW IF EXISTS rollup_instance_changes; DROP VIEW IF EXISTS rollup_task_changes;
DELETE FROM schema_version WHERE version >= 21;
)sql";

inline Task onlyTask(Engine& e, Id instance) {
  TaskQuery q;
  q.instanceId = instance;
  auto ts = e.tasks(q);
  if (ts.size() != 1) throw std::runtime_error("expected one open task, found " + std::to_string(ts.size()));
  return ts[0];
}

}  // namespace ordo::test

// Runs `stmt`, which must throw ordo::Error with `code`, and checks that the database is unchanged.
#define REQUIRE_FAILS_UNCHANGED(db, expected, stmt)    \
  do {                                                 \
    auto before__ = (db).dump();                       \
    try {                                              \
      stmt;                                            \
      FAIL("expected " << ::ordo::toString(expected)); \
    } catch (const ::ordo::Error& e__) {               \
      INFO(e__.what());                                \
      CHECK(e__.code() == (expected));                 \
    }                                                  \
    CHECK((db).dump() == before__);                    \
  } while (0)
