// The SQLite store: schema versions, revisions, durability settings.
#include <catch2/catch.hpp>

#include "engine_support.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"

using namespace ordo;

namespace {
std::string pragma(store::Connection& c, const char* name) {
  auto& q = c.prepare(std::string("PRAGMA ") + name);
  q.step();
  auto v = q.text(0);
  q.reset();
  return v;
}
}  // namespace

TEST_CASE("store: a new database gets the current schema version, WAL and synchronous=FULL", "[sqlite]") {
  test::TempDb db;
  store::Database d(db.path(), true, 1);
  auto& q = d.writer().prepare("SELECT max(version) FROM schema_version");
  REQUIRE(q.step());
  CHECK(q.int64(0) == store::schemaVersion());
  q.reset();
  CHECK(pragma(d.writer(), "journal_mode") == "wal");
  CHECK(pragma(d.writer(), "synchronous") == "2");  // FULL
}

TEST_CASE("store: a new file has 1 KiB pages, a file made with 4 KiB pages keeps them and opens", "[sqlite]") {
  test::TempDb fresh;
  {
    store::Database d(fresh.path(), true, 1);
    CHECK(pragma(d.writer(), "page_size") == "1024");
    CHECK(pragma(d.writer(), "wal_autocheckpoint") == "4000");
  }
  test::TempDb old;
  {
    store::SqliteConnection c(old.path(), false);
    c.exec("PRAGMA page_size=4096");
    c.exec("CREATE TABLE host_data(x)");  // the file exists before Ordo opens it
  }
  store::Database d(old.path(), true, 1);
  CHECK(pragma(d.writer(), "page_size") == "4096");
  auto& q = d.writer().prepare("SELECT max(version) FROM schema_version");
  REQUIRE(q.step());
  CHECK(q.int64(0) == store::schemaVersion());
  q.reset();
}

TEST_CASE("store: durability normal sets synchronous=NORMAL", "[sqlite]") {
  test::TempDb db;
  store::Database d(db.path(), false, 1);
  CHECK(pragma(d.writer(), "synchronous") == "1");
}

TEST_CASE("store: reopening does not migrate twice, a newer schema is refused", "[sqlite]") {
  test::TempDb db;
  { store::Database d(db.path(), true, 1); }
  {
    store::Database d(db.path(), true, 1);
    auto& q = d.writer().prepare("SELECT count(*) FROM schema_version");
    q.step();
    CHECK(q.int64(0) == store::schemaVersion());
    q.reset();
    d.writer().exec("INSERT INTO schema_version(version) VALUES (999)");
  }
  try {
    store::Database d(db.path(), true, 1);
    FAIL("opened a newer database");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::wrong_state);
    CHECK(std::string(e.what()).find("999") != std::string::npos);
  }
}

TEST_CASE("store: a save over a revision that moved fails with conflict and writes nothing", "[sqlite]") {
  test::TempDb db;
  Id instance = 0;
  {
    auto e = test::openEngine(db);
    e->deploy(test::sample("leave-approval.bpmn"));
    Variables v;
    v["manager"] = "m";
    v["days"] = 1;
    instance = e->start({"leaveApproval", 0, v, "", ""}).id;
  }
  store::Database d(db.path(), true, 1);
  runtime::InstanceState state;
  REQUIRE(store::loadInstance(d.writer(), instance, state));
  // Another writer changes the instance after we read it.
  d.writer().exec("UPDATE instances SET revision = revision + 1 WHERE id = " + std::to_string(instance));
  state.row.state = Instance::State::completed;
  state.rowDirty = true;
  auto before = db.dump();
  try {
    store::Transaction tx(d.writer());
    store::saveInstance(d.writer(), state);
    tx.commit();
    FAIL("saved over a newer revision");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::conflict);
  }
  CHECK(db.dump() == before);
}

TEST_CASE("store: an unreadable path is an io_error naming the path", "[sqlite]") {
  try {
    store::Database d("/nonexistent-dir/ordo.db", true, 1);
    FAIL("opened");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io_error);
    CHECK(std::string(e.what()).find("/nonexistent-dir/ordo.db") != std::string::npos);
  }
}
