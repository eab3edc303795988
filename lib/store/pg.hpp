// The PostgreSQL backend of store/db.hpp, on libpq. The store's SQL is written once, in
// SQLite's dialect; translate() turns it into PostgreSQL's at prepare time (placeholders,
// INSERT OR IGNORE/REPLACE, INDEXED BY, LIKE, LIMIT -1), and each connection prepares it
// once per parameter-type signature. Errors become ordo::Error; the transient ones
// (serialization failures, deadlocks, a lost connection, a lost unique race) TransientError.
#pragma once

#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "store/db.hpp"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace ordo::store {

// True for the database strings the PostgreSQL backend takes: postgresql://… or postgres://…
bool isPostgresUrl(const std::string& path);

struct PgTranslation {
  std::string sql;
  int params = 0;
  std::vector<bool> used;  // by parameter - 1: whether the SQL names it (?4 without ?2: $2 is not)
};
// SQLite's dialect as the store writes it, in PostgreSQL's.
PgTranslation translateToPostgres(const std::string& sql);
// A migration's DDL: INTEGER → BIGINT (SQLite's integers are 64-bit), INTEGER PRIMARY KEY →
// BIGSERIAL PRIMARY KEY (its sequence, <table>_id_seq, also hands out TableIds' ids),
// WITHOUT ROWID dropped.
std::string translateDdlToPostgres(const std::string& ddl);

class PgConnection;

class PgStatement final : public Statement {
 public:
  PgStatement(PgConnection& c, const std::string& original);
  ~PgStatement() override;

  Statement& bindNull(int index) override;
  bool step() override;
  void reset() override;
  std::int64_t int64(int col) const override;
  double real(int col) const override;
  std::string text(int col) const override;
  bool isNull(int col) const override;

 protected:
  Statement& bindInt(int index, std::int64_t v) override;
  Statement& bindReal(int index, double v) override;
  Statement& bindText(int index, std::string_view v) override;

 private:
  void slot(int index, unsigned type);
  const char* cell(int col) const;
  PgConnection& c_;
  std::string original_, sql_;
  int params_ = 0;
  std::vector<std::string> values_;
  std::vector<char> null_;
  std::vector<unsigned> types_;
  std::vector<bool> used_;
  std::map<std::vector<unsigned>, std::string> prepared_;  // parameter types → server-side name
  PGresult* res_ = nullptr;
  int row_ = -1, rows_ = 0;
};

class PgConnection final : public Connection {
 public:
  // `conninfo`: a libpq connection string; `schema`: when not empty, the search path (created if missing).
  PgConnection(const std::string& conninfo, const std::string& schema, bool createSchema, bool synchronousCommit);
  ~PgConnection() override;

  Backend backend() const override { return Backend::postgres; }
  void exec(std::string_view sql) override;
  using Connection::prepare;
  Statement& prepare(const std::string& sql) override;
  std::int64_t lastInsertId() override;
  int changes() const override { return changes_; }
  void begin(bool write) override;
  void commit() override;
  void rollback() noexcept override;

  // The connection failed (the server went away): it is of no more use.
  bool broken() const;
  PGconn* handle() const { return conn_; }
  std::string nextName() { return "ordo_" + std::to_string(++names_); }
  void setChanges(int n) { changes_ = n; }
  // Throws the error of `res` (which it clears), as TransientError when it is transient.
  [[noreturn]] void fail(PGresult* res, const std::string& what);

 private:
  PGconn* conn_ = nullptr;
  int changes_ = 0;
  long names_ = 0;
  std::unordered_map<std::string, std::unique_ptr<PgStatement>> cache_;
};

// A PostgreSQL URL split in what libpq takes and Ordo's own `schema` parameter.
struct PgTarget {
  std::string conninfo, schema;
};
PgTarget parsePostgresUrl(const std::string& url);

}  // namespace ordo::store
