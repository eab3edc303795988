// The SQLite backend of store/db.hpp: a thin RAII layer over the SQLite C API.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <unordered_map>

#include "store/db.hpp"

namespace ordo::store {

// ORDO_SQL_STATS=1: per statement, how often it ran and its time, printed when the connection closes.
struct StatementStats {
  long runs = 0;
  std::int64_t nanos = 0;
};

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql, StatementStats* stats = nullptr);
  ~SqliteStatement() override;

  Statement& bindNull(int index) override;
  bool step() override;
  void reset() override;

  std::int64_t int64(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const override;
  bool isNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 protected:
  Statement& bindInt(int index, std::int64_t v) override;
  Statement& bindReal(int index, double v) override;
  Statement& bindText(int index, std::string_view v) override;
  Statement& bindTextBorrowed(int index, std::string_view v) override;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  StatementStats* stats_ = nullptr;
  bool started_ = false;  // stepped since the last reset
  bool used_ = false;     // bound or stepped since the last reset
};

// The VFS that writes a transaction's WAL frames with one system call (wal_vfs.cpp), registered
// on first use over whatever VFS is the default at each open; nullptr if it could not register.
const char* walGatheringVfs();

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, bool readOnly, int flagsExtra = 0);
  ~SqliteConnection() override;

  Backend backend() const override { return Backend::sqlite; }
  sqlite3* handle() const { return db_; }
  void exec(std::string_view sql) override;
  using Connection::prepare;
  Statement& prepare(const std::string& sql) override;
  std::int64_t lastInsertId() override { return sqlite3_last_insert_rowid(db_); }
  int changes() const override { return sqlite3_changes(db_); }
  void begin(bool write) override;
  void commit() override;
  void rollback() noexcept override;

 private:
  sqlite3* db_ = nullptr;
  Statement& prepareLiteral(const char* sql, std::size_t size) override;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> cache_;
  std::unordered_map<const char*, SqliteStatement*> literals_;  // a literal's address → its entry in cache_
  std::unique_ptr<std::unordered_map<std::string, StatementStats>> stats_;  // only with ORDO_SQL_STATS
};

[[noreturn]] void throwSqlite(sqlite3* db, int rc, std::string_view what);

}  // namespace ordo::store
