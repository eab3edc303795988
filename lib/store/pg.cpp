#include "store/pg.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <regex>

namespace ordo::store {

namespace {
constexpr unsigned kInt8 = 20, kFloat8 = 701, kUnknown = 0;

bool transientState(const std::string& state) {
  return state == "40001" || state == "40P01" || state == "55P03" || state == "23505" ||
         state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

void ignoreNotice(void*, const char*) {}
}  // namespace

bool isPostgresUrl(const std::string& path) {
  return path.rfind("postgresql://", 0) == 0 || path.rfind("postgres://", 0) == 0;
}

PgTarget parsePostgresUrl(const std::string& url) {
  PgTarget t;
  auto q = url.find('?');
  if (q == std::string::npos) {
    t.conninfo = url;
    return t;
  }
  std::string kept;
  std::string rest = url.substr(q + 1);
  std::size_t at = 0;
  while (at <= rest.size()) {
    auto amp = rest.find('&', at);
    if (amp == std::string::npos) amp = rest.size();
    std::string param = rest.substr(at, amp - at);
    if (param.rfind("schema=", 0) == 0) {
      t.schema = param.substr(7);
      for (char ch : t.schema)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
          throw Error(ErrorCode::invalid_argument, "a schema name of letters, digits and _ only: " + t.schema);
    } else if (!param.empty()) {
      kept += (kept.empty() ? "" : "&") + param;
    }
    at = amp + 1;
  }
  t.conninfo = url.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  return t;
}

// ---------------------------------------------------------------- translation

PgTranslation translateToPostgres(const std::string& in) {
  std::string s = in;
  auto replaceAll = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  };
  // INSERT OR REPLACE: the row of the same primary key is replaced (every store use conflicts on it).
  static const std::regex replaceInto(R"(INSERT OR REPLACE INTO (\w+)\s*\(([^)]*)\))");
  std::smatch m;
  if (std::regex_search(s, m, replaceInto)) {
    std::string table = m[1], cols = m[2], set;
    std::size_t at = 0;
    while (at < cols.size()) {
      auto comma = cols.find(',', at);
      if (comma == std::string::npos) comma = cols.size();
      std::string col = cols.substr(at, comma - at);
      col.erase(0, col.find_first_not_of(" \n"));
      col.erase(col.find_last_not_of(" \n") + 1);
      set += (set.empty() ? "" : ", ") + col + " = EXCLUDED." + col;
      at = comma + 1;
    }
    s = m.prefix().str() + "INSERT INTO " + table + "(" + cols + ")" + m.suffix().str() + " ON CONFLICT ON CONSTRAINT " +
        table + "_pkey DO UPDATE SET " + set;
  }
  if (s.find("INSERT OR IGNORE INTO") != std::string::npos) {
    replaceAll("INSERT OR IGNORE INTO", "INSERT INTO");
    s += " ON CONFLICT DO NOTHING";
  }
  static const std::regex indexedBy(R"( INDEXED BY \w+)");
  s = std::regex_replace(s, indexedBy, "");
  replaceAll(" LIKE ", " ILIKE ");
  replaceAll("LIMIT -1", "LIMIT ALL");
  // A limit bound as -1 means none, as in SQLite.
  static const std::regex limitParam(R"(LIMIT (\?\d*))");
  s = std::regex_replace(s, limitParam, "LIMIT NULLIF($1, -1)");

  // Placeholders, outside string literals: ?N is $N, ? is one more than the largest so far.
  PgTranslation out;
  out.sql.reserve(s.size() + 16);
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '\'') quoted = !quoted;
    if (quoted || ch != '?') {
      out.sql += ch;
      continue;
    }
    std::size_t j = i + 1;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    int n = j > i + 1 ? std::atoi(s.substr(i + 1, j - i - 1).c_str()) : out.params + 1;
    out.params = std::max(out.params, n);
    if (out.used.size() < static_cast<std::size_t>(n)) out.used.resize(static_cast<std::size_t>(n), false);
    out.used[static_cast<std::size_t>(n - 1)] = true;
    out.sql += "$" + std::to_string(n);
    i = j - 1;
  }
  return out;
}

std::string translateDdlToPostgres(const std::string& ddl) {
  static const std::regex pk(R"(\bINTEGER PRIMARY KEY\b)"), integer(R"(\bINTEGER\b)"), real(R"(\bREAL\b)"),
      rowid(R"(\s*WITHOUT ROWID)");
  std::string s = std::regex_replace(ddl, pk, "BIGSERIAL PRIMARY KEY");
  s = std::regex_replace(s, integer, "BIGINT");
  s = std::regex_replace(s, real, "DOUBLE PRECISION");
  s = std::regex_replace(s, rowid, "");
  return s;
}

// ---------------------------------------------------------------- statements

PgStatement::PgStatement(PgConnection& c, const std::string& original) : c_(c), original_(original) {
  auto t = translateToPostgres(original);
  sql_ = std::move(t.sql);
  params_ = t.params;
  used_ = std::move(t.used);
  values_.resize(static_cast<std::size_t>(params_));
  null_.assign(static_cast<std::size_t>(params_), 1);
  types_.assign(static_cast<std::size_t>(params_), kUnknown);
}

PgStatement::~PgStatement() {
  if (res_) PQclear(res_);
}

void PgStatement::slot(int index, unsigned type) {
  if (index < 1 || index > params_)
    throw Error(ErrorCode::internal, "no parameter " + std::to_string(index) + " in " + original_.substr(0, 60));
  auto i = static_cast<std::size_t>(index - 1);
  types_[i] = type;
  null_[i] = 0;
}

Statement& PgStatement::bindInt(int index, std::int64_t v) {
  slot(index, kInt8);
  values_[static_cast<std::size_t>(index - 1)] = std::to_string(v);
  return *this;
}

Statement& PgStatement::bindReal(int index, double v) {
  slot(index, kFloat8);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  values_[static_cast<std::size_t>(index - 1)] = buf;
  return *this;
}

Statement& PgStatement::bindText(int index, std::string_view v) {
  slot(index, kUnknown);
  values_[static_cast<std::size_t>(index - 1)].assign(v.data(), v.size());
  return *this;
}

Statement& PgStatement::bindNull(int index) {
  slot(index, kUnknown);
  null_[static_cast<std::size_t>(index - 1)] = 1;
  return *this;
}

bool PgStatement::step() {
  if (!res_) {
    // A parameter the SQL never names has no type PostgreSQL could infer: any will do.
    for (std::size_t i = 0; i < types_.size(); ++i)
      if (!used_[i]) types_[i] = kInt8;
    auto it = prepared_.find(types_);
    if (it == prepared_.end()) {
      std::string name = c_.nextName();
      PGresult* r = PQprepare(c_.handle(), name.c_str(), sql_.c_str(), params_,
                              reinterpret_cast<const Oid*>(types_.data()));
      if (PQresultStatus(r) != PGRES_COMMAND_OK) c_.fail(r, "prepare " + original_.substr(0, 80));
      PQclear(r);
      it = prepared_.emplace(types_, name).first;
    }
    std::vector<const char*> values(static_cast<std::size_t>(params_));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = null_[i] ? nullptr : values_[i].c_str();
    PGresult* r = PQexecPrepared(c_.handle(), it->second.c_str(), params_, values.data(), nullptr, nullptr, 0);
    auto status = PQresultStatus(r);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) c_.fail(r, "step " + original_.substr(0, 80));
    const char* cmd = PQcmdStatus(r);
    if (std::strncmp(cmd, "INSERT", 6) == 0 || std::strncmp(cmd, "UPDATE", 6) == 0 ||
        std::strncmp(cmd, "DELETE", 6) == 0)
      c_.setChanges(std::atoi(PQcmdTuples(r)));
    res_ = r;
    rows_ = PQntuples(r);
    row_ = -1;
  }
  ++row_;
  return row_ < rows_;
}

void PgStatement::reset() {
  if (res_) PQclear(res_);
  res_ = nullptr;
  row_ = -1;
  rows_ = 0;
  std::fill(null_.begin(), null_.end(), 1);
  std::fill(types_.begin(), types_.end(), kUnknown);
}

const char* PgStatement::cell(int col) const {
  if (!res_ || row_ < 0 || row_ >= rows_) throw Error(ErrorCode::internal, "no row: " + original_.substr(0, 60));
  return PQgetvalue(res_, row_, col);
}

std::int64_t PgStatement::int64(int col) const {
  if (isNull(col)) return 0;
  const char* v = cell(col);
  if (v[0] == 't' && v[1] == 0) return 1;
  if (v[0] == 'f' && v[1] == 0) return 0;
  if (std::strpbrk(v, ".eE")) return static_cast<std::int64_t>(std::strtod(v, nullptr));
  return std::strtoll(v, nullptr, 10);
}

double PgStatement::real(int col) const {
  if (isNull(col)) return 0;
  return std::strtod(cell(col), nullptr);
}

std::string PgStatement::text(int col) const {
  if (isNull(col)) return {};
  const char* v = cell(col);
  return std::string(v, static_cast<std::size_t>(PQgetlength(res_, row_, col)));
}

bool PgStatement::isNull(int col) const {
  cell(col);
  return PQgetisnull(res_, row_, col) == 1;
}

// ---------------------------------------------------------------- connections

PgConnection::PgConnection(const std::string& conninfo, const std::string& schema, bool createSchema,
                           bool synchronousCommit) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw TransientError("cannot connect to PostgreSQL: " + msg);
  }
  PQsetNoticeProcessor(conn_, ignoreNotice, nullptr);
  // application_name: which process a connection serves, in pg_stat_activity.
  std::string setup = "SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET application_name = 'ordo-" +
                      std::to_string(::getpid()) + "'";
  if (!synchronousCommit) setup += "; SET synchronous_commit = off";
  if (!schema.empty()) {
    if (createSchema) {
      // Two processes creating it at once: one waits for the other (an advisory lock).
      setup += "; SELECT pg_advisory_lock(7263001); CREATE SCHEMA IF NOT EXISTS \"" + schema +
               "\"; SELECT pg_advisory_unlock(7263001)";
    }
    setup += "; SET search_path TO \"" + schema + "\"";
  }
  exec(setup);
}

PgConnection::~PgConnection() {
  cache_.clear();
  if (conn_) PQfinish(conn_);
}

bool PgConnection::broken() const {
  return !conn_ || PQstatus(conn_) != CONNECTION_OK;
}

void PgConnection::fail(PGresult* res, const std::string& what) {
  const char* st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = st ? st : "";
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (res) PQclear(res);
  std::string text = what + ": " + msg + (state.empty() ? "" : " [" + state + "]");
  if (broken() || transientState(state)) throw TransientError(text);
  if (state == "57014") throw Error(ErrorCode::interrupted, text);
  if (state.rfind("53", 0) == 0 || state.rfind("58", 0) == 0) throw Error(ErrorCode::io_error, text);
  throw Error(ErrorCode::internal, text);
}

void PgConnection::exec(std::string_view sql) {
  PGresult* r = PQexec(conn_, std::string(sql).c_str());
  auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail(r, "exec " + std::string(sql.substr(0, 80)));
  PQclear(r);
}

Statement& PgConnection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<PgStatement>(*this, sql)).first;
  it->second->reset();
  return *it->second;
}

std::int64_t PgConnection::lastInsertId() {
  auto& q = prepare("SELECT lastval()");
  q.step();
  auto id = q.int64(0);
  q.reset();
  return id;
}

void PgConnection::begin(bool write) {
  // Commands: READ COMMITTED, with the revision check on instances and row locks (FOR UPDATE,
  // SKIP LOCKED for jobs) where two processes could take the same row. Reads: one snapshot.
  prepare(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").run();
}

void PgConnection::commit() {
  prepare("COMMIT").run();
}

void PgConnection::rollback() noexcept {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  // A statement's result still open does not matter: ROLLBACK is a new query.
  PGresult* r = PQexec(conn_, "ROLLBACK");
  PQclear(r);
}

}  // namespace ordo::store
