#include "store/store.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <variant>

#include "store/rows.hpp"
#include "store/schema.hpp"

namespace ordo::store {

// ---------------------------------------------------------------- connections

namespace {
void configure(SqliteConnection& c, bool fullSync) {
  // A command touches one leaf in each of ~15 B-trees, and WAL writes whole
  // pages: 1 KiB pages write a quarter of the bytes 4 KiB pages do (+27%
  // commands/s under NORMAL, +12% under FULL; bench/README.md). Only a new
  // file takes it; an existing one keeps its page size.
  c.exec("PRAGMA page_size=1024");
  c.exec("PRAGMA journal_mode=WAL");
  // Checkpoint at 4 MiB of WAL, SQLite's default in bytes at 4 KiB pages:
  // 1,000 pages of 1 KiB would checkpoint every ~60 commands.
  c.exec("PRAGMA wal_autocheckpoint=4000");
  c.exec(fullSync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  c.exec("PRAGMA foreign_keys=OFF");
  c.exec("PRAGMA temp_store=MEMORY");
}
}  // namespace

Database::Database(const std::string& path, bool fullSync, int readers) : path_(path) {
  inMemory_ = path.empty() || path == ":memory:";
  writer_ = std::make_unique<SqliteConnection>(inMemory_ ? ":memory:" : path, false);
  if (inMemory_) {
    // The same 1 KiB pages as a file: an in-memory database journals every page a command
    // changes by copying it (journal_mode=MEMORY), and a 4 KiB page copies four times the bytes.
    writer_->exec("PRAGMA page_size=1024");
    writer_->exec("PRAGMA temp_store=MEMORY");
  } else {
    configure(*writer_, fullSync);
  }
  migrate(*writer_);
  if (!inMemory_)
    for (int i = 0; i < readers; ++i) {
      auto r = std::make_unique<SqliteConnection>(path, true);
      idle_.push_back(std::move(r));
    }
}

Database::Lease::Lease(Database& db) : db_(db) {
  if (db.inMemory_) {
    writeLock_ = std::unique_lock(db.writeMutex_);
    conn_ = db.writer_.get();
    return;
  }
  std::lock_guard lock(db.poolMutex_);
  if (db.idle_.empty()) {
    db.idle_.push_back(std::make_unique<SqliteConnection>(db.path_, true));
  }
  conn_ = db.idle_.back().release();
  db.idle_.pop_back();
}

Database::Lease::~Lease() {
  if (db_.inMemory_) return;
  std::lock_guard lock(db_.poolMutex_);
  db_.idle_.emplace_back(conn_);
}

Id TableIds::next(const char* table) {
  if (c_.postgres()) {
    // Several processes on one database: each id from the table's sequence (never given twice,
    // never rolled back; the sequence is also the id column's default, so automatic ids agree).
    auto& q = c_.prepare(std::string("SELECT nextval('") + table + "_id_seq')");
    if (!q.step()) throw Error(ErrorCode::internal, std::string("no ids for table ") + table);
    Id id = q.int64(0);
    q.reset();
    return id;
  }
  if (!read_ && remembered_ && remembered_->known) {
    high_ = remembered_->high;
    reserved_ = remembered_->reserved;
    read_ = true;
  }
  if (!read_) {
    auto& q =
        c_.prepare("SELECT instances, tokens, tasks, jobs, subscriptions, pending_choices, history FROM id_next WHERE one = 1");
    if (!q.step()) throw Error(ErrorCode::internal, "id_next has no row");
    for (std::size_t i = 0; i < kTables.size(); ++i) high_[i] = reserved_[i] = q.int64(static_cast<int>(i));
    q.reset();
    read_ = true;
  }
  for (std::size_t i = 0; i < kTables.size(); ++i)
    if (std::strcmp(kTables[i], table) == 0) {
      taken_ = true;
      if (high_[i] == reserved_[i]) {
        // Without a writer that remembers (a one-off session), a block would only be skipped.
        reserved_[i] += remembered_ ? kIdBlock : 1;
        reserving_ = true;
      }
      return ++high_[i];
    }
  throw Error(ErrorCode::internal, std::string("no ids for table ") + table);
}

void TableIds::flush() {
  if (!taken_ || c_.postgres()) return;
  if (reserving_) {
    auto& q = c_.prepare(
        "UPDATE id_next SET instances = ?1, tokens = ?2, tasks = ?3, jobs = ?4, subscriptions = ?5, "
        "pending_choices = ?6, history = ?7 WHERE one = 1");
    for (std::size_t i = 0; i < kTables.size(); ++i) q.bind(static_cast<int>(i) + 1, reserved_[i]);
    q.run();
    reserving_ = false;
  }
  taken_ = false;
  if (remembered_) {
    remembered_->high = high_;
    remembered_->reserved = reserved_;
    remembered_->known = true;
  }
}

// ---------------------------------------------------------------- definitions

std::optional<Definition> findDefinition(Connection& c, const std::string& key, const std::string& hash) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols + " FROM definitions WHERE key = ? AND hash = ?");
  q.bind(1, key).bind(2, hash);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

std::optional<Definition> latestDefinition(Connection& c, const std::string& key) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols +
                      " FROM definitions WHERE key = ? ORDER BY version DESC LIMIT 1");
  q.bind(1, key);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

std::optional<Definition> definitionById(Connection& c, Id id) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols + " FROM definitions WHERE id = ?");
  q.bind(1, id);
  std::optional<Definition> out;
  if (q.step()) out = readDefinition(q);
  q.reset();
  return out;
}

std::string definitionXml(Connection& c, Id id) {
  auto& q = c.prepare("SELECT xml FROM definitions WHERE id = ?");
  q.bind(1, id);
  std::string out;
  if (q.step()) out = q.text(0);
  q.reset();
  return out;
}

int maxVersion(Connection& c, const std::string& key) {
  auto& q = c.prepare("SELECT coalesce(max(version), 0) FROM definitions WHERE key = ?");
  q.bind(1, key);
  q.step();
  int v = static_cast<int>(q.int64(0));
  q.reset();
  return v;
}

void insertDefinition(Connection& c, Definition& d, const std::string& xml) {
  c.prepare("INSERT INTO definitions(key, version, name, hash, xml, deployed_at, category) VALUES (?,?,?,?,?,?,?)")
      .bind(1, d.key)
      .bind(2, d.version)
      .bind(3, d.name)
      .bind(4, d.hash)
      .bind(5, xml)
      .bind(6, d.deployedAt)
      .bindOptional(7, d.category)
      .run();
  d.id = c.lastInsertId();
}

std::vector<Definition> listDefinitions(Connection& c) {
  auto& q = c.prepare(std::string("SELECT ") + kDefinitionCols + " FROM definitions ORDER BY key, version");
  return rows(q, [](Statement& row) -> Definition { return readDefinition(row); });
}

void setDefinitionSuspended(Connection& c, Id id, bool suspended) {
  c.prepare("UPDATE definitions SET suspended = ? WHERE id = ?").bind(1, suspended ? 1 : 0).bind(2, id).run();
}

void setDefinitionPublication(Connection& c, Id id, Definition::Publication p) {
  c.prepare("UPDATE definitions SET publication = ? WHERE id = ?").bind(1, static_cast<std::int64_t>(p)).bind(2, id).run();
}

}  // namespace ordo::store
