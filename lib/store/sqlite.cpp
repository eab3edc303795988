#include "store/sqlite.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace ordo::store {

void throwSqlite(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) throw Error(ErrorCode::busy, msg);
  if (primary == SQLITE_INTERRUPT) throw Error(ErrorCode::interrupted, msg);
  if (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY)
    throw Error(ErrorCode::io_error, msg);
  throw Error(ErrorCode::internal, msg);
}

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql, StatementStats* stats) : db_(db), stats_(stats) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) throwSqlite(db, rc, "prepare " + std::string(sql.substr(0, 60)));
}

SqliteStatement::~SqliteStatement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& SqliteStatement::bindInt(int i, std::int64_t v) {
  used_ = true;
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& SqliteStatement::bindReal(int i, double v) {
  used_ = true;
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& SqliteStatement::bindText(int i, std::string_view v) {
  used_ = true;
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& SqliteStatement::bindTextBorrowed(int i, std::string_view v) {
  used_ = true;
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
Statement& SqliteStatement::bindNull(int i) {
  used_ = true;
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool SqliteStatement::step() {
  used_ = true;
  int rc;
  if (stats_) {
    auto t0 = std::chrono::steady_clock::now();
    rc = sqlite3_step(stmt_);
    stats_->nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    if (!started_) ++stats_->runs;
    started_ = true;
  } else {
    rc = sqlite3_step(stmt_);
  }
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string sql = sqlite3_sql(stmt_);
  sqlite3_reset(stmt_);
  throwSqlite(db_, rc, "step " + sql.substr(0, 60));
}

void SqliteStatement::reset() {
  if (!used_) return;  // run() reset it, and prepare() resets again: once is enough
  used_ = started_ = false;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

SqliteConnection::SqliteConnection(const std::string& path, bool readOnly, int flagsExtra) {
  // No memory statistics: with them every SQLite allocation takes a global mutex (~400 a command,
  // ~8% of a command's instructions). Only possible before SQLite initializes: a host that used
  // SQLite first keeps its setting (the call then fails, harmlessly).
  static const int memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus;
  int flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX | flagsExtra;
  // ORDO_WAL_GATHER=0: SQLite's own writes, a frame header and a page at a time (to compare).
  const char* gather = std::getenv("ORDO_WAL_GATHER");
  const char* vfs = gather && std::string_view(gather) == "0" ? nullptr : walGatheringVfs();
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorCode::io_error, "cannot open database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  if (std::getenv("ORDO_SQL_STATS"))
    stats_ = std::make_unique<std::unordered_map<std::string, StatementStats>>();
}

SqliteConnection::~SqliteConnection() {
  literals_.clear();
  cache_.clear();
  if (stats_) {
    std::vector<std::pair<std::string, StatementStats>> v(stats_->begin(), stats_->end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second.nanos > b.second.nanos; });
    // "1": a summary on stderr; a path: every statement's whole text appended there, one a line.
    std::string to = std::getenv("ORDO_SQL_STATS");
    FILE* out = to == "1" ? stderr : std::fopen(to.c_str(), "a");
    long runs = 0;
    for (const auto& [sql, st] : v) {
      runs += st.runs;
      std::string line = sql;
      std::replace(line.begin(), line.end(), '\n', ' ');
      std::fprintf(out, "sql runs=%ld ms=%.1f %s\n", st.runs, static_cast<double>(st.nanos) / 1e6,
                   (out == stderr ? line.substr(0, 150) : line).c_str());
    }
    int pages = 0, high = 0;
    sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_WRITE, &pages, &high, 0);
    std::fprintf(out, "sql statements=%ld pages_written=%d\n", runs, pages);
    if (out != stderr) std::fclose(out);
  }
  sqlite3_close(db_);
}

void SqliteConnection::exec(std::string_view sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "";
    sqlite3_free(err);
    throwSqlite(db_, rc, "exec " + std::string(sql.substr(0, 60)));
  }
}

Statement& SqliteConnection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end())
    it = cache_.emplace(sql, std::make_unique<SqliteStatement>(db_, sql, stats_ ? &(*stats_)[sql] : nullptr)).first;
  it->second->reset();
  return *it->second;
}

Statement& SqliteConnection::prepareLiteral(const char* sql, std::size_t size) {
  auto it = literals_.find(sql);
  if (it == literals_.end()) {
    auto& st = static_cast<SqliteStatement&>(prepare(std::string(sql, size)));
    it = literals_.emplace(sql, &st).first;
  }
  it->second->reset();
  return *it->second;
}

// BEGIN and COMMIT run for every command: prepared once, not parsed each time.
void SqliteConnection::begin(bool write) {
  prepare(write ? "BEGIN IMMEDIATE" : "BEGIN").run();
}

void SqliteConnection::commit() {
  prepare("COMMIT").run();
}

void SqliteConnection::rollback() noexcept {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace ordo::store
