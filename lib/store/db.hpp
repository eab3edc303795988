// The SQL the store speaks, over either backend: a connection, cached prepared statements,
// transactions. lib/store/*.cpp are written against these and run unchanged on SQLite
// (store/sqlite.hpp) and on PostgreSQL (store/pg.hpp, which translates the SQL once, at
// prepare time: `?` and `?N` to `$N`, INSERT OR IGNORE/REPLACE to ON CONFLICT). Errors
// become ordo::Error; nothing here knows about BPMN.
#pragma once

#include <cstdint>
#include <ordo/error.hpp>
#include <string>
#include <string_view>

namespace ordo::store {

enum class Backend { sqlite, postgres };

// A transient failure of the database (a serialization failure, a deadlock, a dropped
// connection): the whole command may be run again.
class TransientError : public Error {
 public:
  explicit TransientError(const std::string& message) : Error(ErrorCode::busy, message) {}
};

class Statement {
 public:
  virtual ~Statement() = default;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t v) { return bindInt(index, v); }
  Statement& bind(int index, int v) { return bindInt(index, static_cast<std::int64_t>(v)); }
  Statement& bind(int index, double v) { return bindReal(index, v); }
  Statement& bind(int index, std::string_view v) { return bindText(index, v); }
  Statement& bind(int index, const char* v) { return bindText(index, std::string_view(v)); }
  Statement& bind(int index, const std::string& v) { return bindText(index, std::string_view(v)); }
  virtual Statement& bindNull(int index) = 0;
  // Binds NULL for an empty string.
  Statement& bindOptional(int index, std::string_view v) { return v.empty() ? bindNull(index) : bind(index, v); }
  // Text the caller keeps alive and unchanged until the statement is reset (run() resets it):
  // SQLite reads it where it is instead of copying it (a command's writes bind ~40 texts).
  Statement& bindBorrowed(int index, std::string_view v) { return bindTextBorrowed(index, v); }
  Statement& bindOptionalBorrowed(int index, std::string_view v) {
    return v.empty() ? bindNull(index) : bindBorrowed(index, v);
  }

  // Steps once: true while a row is available.
  virtual bool step() = 0;
  // Runs a statement that returns no rows, then resets it.
  void run() {
    step();
    reset();
  }
  // Ends the statement's run and clears its bindings.
  virtual void reset() = 0;

  virtual std::int64_t int64(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual bool isNull(int col) const = 0;

 protected:
  virtual Statement& bindInt(int index, std::int64_t v) = 0;
  virtual Statement& bindReal(int index, double v) = 0;
  virtual Statement& bindText(int index, std::string_view v) = 0;
  virtual Statement& bindTextBorrowed(int index, std::string_view v) { return bindText(index, v); }
};

class Connection {
 public:
  virtual ~Connection() = default;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Backend backend() const = 0;
  bool postgres() const { return backend() == Backend::postgres; }
  // Runs SQL (several statements allowed) without parameters.
  virtual void exec(std::string_view sql) = 0;
  // A cached prepared statement for `sql`, reset and with bindings cleared.
  virtual Statement& prepare(const std::string& sql) = 0;
  // The same for a string literal, which lives as long as the program: a connection may find
  // its statement by the literal's address instead of hashing and comparing its text (a command
  // prepares ~30 statements of ~200 characters).
  template <std::size_t N>
  Statement& prepare(const char (&literal)[N]) {
    return prepareLiteral(literal, N - 1);
  }
  // The same for a text built once and kept, unchanged, as long as the program (a function-local
  // static): found by its address like a literal.
  Statement& prepareStatic(const std::string& sql) { return prepareLiteral(sql.data(), sql.size()); }
  // The id the last INSERT gave a row of a table with an automatic id.
  virtual std::int64_t lastInsertId() = 0;
  // Rows the last INSERT, UPDATE or DELETE changed.
  virtual int changes() const = 0;

  // A write transaction (SQLite: BEGIN IMMEDIATE), or a read snapshot.
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

 protected:
  virtual Statement& prepareLiteral(const char* sql, std::size_t size) { return prepare(std::string(sql, size)); }
};

// BEGIN ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.begin(true); }
  ~Transaction() {
    if (!done_) c_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    c_.commit();
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

// A read in one snapshot: every statement between construction and destruction sees the
// same committed state (a transaction ended without writing).
class Snapshot {
 public:
  explicit Snapshot(Connection& c) : c_(c) { c_.begin(false); }
  ~Snapshot() { c_.rollback(); }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  Connection& c_;
};

}  // namespace ordo::store
