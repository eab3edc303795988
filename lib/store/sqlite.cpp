#include "store/sqlite.hpp"

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

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) throwSqlite(db, rc, "prepare " + std::string(sql.substr(0, 60)));
}

SqliteStatement::~SqliteStatement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& SqliteStatement::bindInt(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& SqliteStatement::bindReal(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& SqliteStatement::bindText(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& SqliteStatement::bindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string sql = sqlite3_sql(stmt_);
  sqlite3_reset(stmt_);
  throwSqlite(db_, rc, "step " + sql.substr(0, 60));
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

SqliteConnection::SqliteConnection(const std::string& path, bool readOnly, int flagsExtra) {
  int flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX | flagsExtra;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorCode::io_error, "cannot open database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();
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
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<SqliteStatement>(db_, sql)).first;
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
