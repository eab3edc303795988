// A thin RAII layer over the SQLite C API: connections, prepared statements,
// transactions. Errors become ordo::Error; nothing here knows about BPMN.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <ordo/error.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ordo::store {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& o) noexcept : stmt_(o.stmt_), db_(o.db_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Statement& bind(int index, double v);
  Statement& bind(int index, std::string_view v);
  Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  Statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  Statement& bindNull(int index);
  // Binds NULL for an empty string.
  Statement& bindOptional(int index, std::string_view v) { return v.empty() ? bindNull(index) : bind(index, v); }

  // Steps once: true while a row is available.
  bool step();
  // Runs a statement that returns no rows, then resets it.
  void run();
  void reset();

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const;
  bool isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Connection {
 public:
  Connection(const std::string& path, bool readOnly, int flagsExtra = 0);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  void exec(std::string_view sql);
  // A cached prepared statement for `sql`, reset and with bindings cleared.
  Statement& prepare(const std::string& sql);
  std::int64_t lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Statement> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& c);
  ~Transaction();
  void commit();

 private:
  Connection& c_;
  bool done_ = false;
};

// A read in one snapshot: every statement between construction and destruction sees the
// same committed state (a deferred transaction, ended without writing).
class Snapshot {
 public:
  explicit Snapshot(Connection& c);
  ~Snapshot();

 private:
  Connection& c_;
};

[[noreturn]] void throwSqlite(sqlite3* db, int rc, std::string_view what);

}  // namespace ordo::store
