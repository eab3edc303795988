// The SQLite store: schema versions, revisions, durability settings.
#include <catch2/catch.hpp>

#include "engine_support.hpp"
#include "store/runtime_record.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"
#include "store/workorder_tables.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

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

namespace {
std::string rowsOf(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string out;
  sqlite3_exec(
      db, sql,
      [](void* o, int n, char** v, char**) {
        for (int i = 0; i < n; ++i) *static_cast<std::string*>(o) += std::string(v[i] ? v[i] : "NULL") + "|";
        *static_cast<std::string*>(o) += "\n";
        return 0;
      },
      &out, nullptr);
  sqlite3_close(db);
  return out;
}

// A file holding one started leave approval, its engine closed: the instance's id.
Id oneStartedApproval(const test::TempDb& db) {
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  return e->start({"leaveApproval", 0, {{"days", 1}, {"manager", "m"}}, "", "emp"}).id;
}

// A history_log row of `entries` for `instance`, id 900000, at 1000 by ann.
void insertLogRow(store::Database& d, Id instance, const std::string& entries) {
  d.writer()
      .prepare("INSERT INTO history_log(id, instance_id, at, actor, entries) VALUES (900000, ?1, 1000, 'ann', ?2)")
      .bind(1, instance)
      .bind(2, entries)
      .run();
}
}  // namespace

TEST_CASE("store: a schema-20 file (a row per token and per variable) upgrades to one record per instance, and its "
          "instances go on",
          "[sqlite]") {
  test::TempDb db;
  Id countersign = 0, finished = 0, odd = 0;
  std::map<Id, Variables> variables;
  std::map<Id, std::vector<std::string>> waiting;
  auto e = test::openEngine(db);
  e->deploy(test::sample("purchase-countersign.bpmn"));
  e->deploy(test::sample("leave-approval.bpmn"));
  {
    Variables v;
    v["approvers"] = boost::json::array{"a", "b", "c"};
    countersign = e->start({"purchaseCountersign", 0, v, "", ""}).id;
    TaskQuery q;
    q.instanceId = countersign;
    q.assignee = "a";
    e->completeTask(e->tasks(q).at(0).id, "a");
  }
  {
    Variables v;
    v["manager"] = "m";
    v["days"] = 1;
    finished = e->start({"leaveApproval", 0, v, "", ""}).id;
    e->completeTask(test::onlyTask(*e, finished).id, "m", {{"approved", true}});
    REQUIRE(e->instance(finished).ended());
    v["reason"] = "家里有事 \"急\"\n";
    v["detail"] = boost::json::object{{"from", "2026-12-01"}, {"half", boost::json::array{1.5, nullptr, false}}};
    odd = e->start({"leaveApproval", 0, v, "", ""}).id;
  }
  std::map<Id, std::vector<HistoryEntry>> history;
  for (Id i : {countersign, finished, odd}) {
    variables[i] = e->variables(i);
    waiting[i] = e->waitingAt(i);
    history[i] = e->history(i);
  }
  e.reset();
  const char* tokensSql = "SELECT * FROM tokens ORDER BY id";
  const char* variablesSql = "SELECT * FROM variables ORDER BY 1, 2, 3";
  const char* historySql = "SELECT * FROM history ORDER BY id";
  const auto tokens = rowsOf(db.path(), tokensSql), vars = rowsOf(db.path(), variablesSql),
             entries = rowsOf(db.path(), historySql);
  CHECK(std::count(tokens.begin(), tokens.end(), '\n') >= 6);  // the MI body, its three instances, two processes
  {
    sqlite3* raw = nullptr;
    sqlite3_open(db.path().c_str(), &raw);
    REQUIRE(sqlite3_exec(raw, test::kBackToSchema20, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  CHECK(rowsOf(db.path(), "SELECT type FROM sqlite_master WHERE name IN ('tokens', 'variables')") == "table|\ntable|\n");
  CHECK(rowsOf(db.path(), tokensSql) == tokens);
  CHECK(rowsOf(db.path(), historySql) == entries);

  e = test::openEngine(db);  // migrates to 21
  CHECK(rowsOf(db.path(), "SELECT max(version) FROM schema_version") ==
        std::to_string(store::schemaVersion()) + "|\n");
  CHECK(rowsOf(db.path(), "SELECT type FROM sqlite_master WHERE name IN ('tokens', 'variables')") == "view|\nview|\n");
  CHECK(rowsOf(db.path(), tokensSql) == tokens);
  CHECK(rowsOf(db.path(), variablesSql) == vars);
  CHECK(rowsOf(db.path(), historySql) == entries);
  for (Id i : {countersign, finished, odd}) {
    CHECK(e->variables(i) == variables[i]);
    CHECK(e->waitingAt(i) == waiting[i]);
    auto h = e->history(i);
    REQUIRE(h.size() == history[i].size());
    for (std::size_t k = 0; k < h.size(); ++k) {
      CHECK(h[k].id == history[i][k].id);
      CHECK(h[k].kind == history[i][k].kind);
      CHECK(h[k].elementId == history[i][k].elementId);
      CHECK(h[k].actor == history[i][k].actor);
      CHECK(h[k].action == history[i][k].action);
    }
  }
  for (const char* who : {"b", "c"}) {
    TaskQuery q;
    q.instanceId = countersign;
    q.assignee = who;
    e->completeTask(e->tasks(q).at(0).id, who);
  }
  CHECK(e->instance(countersign).state == Instance::State::completed);
  CHECK(e->variables(countersign).at("approvers") == variables[countersign].at("approvers"));
  e->completeTask(test::onlyTask(*e, odd).id, "m", {{"approved", false}});
  CHECK(e->instance(odd).ended());
  CHECK(e->variables(odd).at("reason") == variables[odd].at("reason"));
  // New entries follow the migrated ones: ids keep rising, none given twice.
  auto after = e->history(countersign);
  REQUIRE(after.size() > history[countersign].size());
  for (std::size_t k = 1; k < after.size(); ++k) CHECK(after[k].id > after[k - 1].id);
  CHECK(after.back().kind == "instance_completed");
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

TEST_CASE("store: a command's history lines are one history_log row, read alike through historyOf and the history "
          "view",
          "[sqlite]") {
  test::TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  Variables v{{"days", 5}, {"manager", "mary"}, {"director", "dora"}};
  auto inst = e->start({"leaveApproval", 0, v, "", "emp"}).id;
  auto task = test::onlyTask(*e, inst);
  e->ccInstance(inst, "emp", {"ann", "bob \"the\" 建"});  // targets, quoted and not ASCII
  e->transferTask(task.id, "mary", "mark", "away, see \\notes\\");
  e->urgeTask(test::onlyTask(*e, inst).id, "emp");
  auto lines = e->history(inst);
  e.reset();
  // One row a command: start, cc, transfer, urge.
  CHECK(rowsOf(db.path(), ("SELECT count(*) FROM history_log WHERE instance_id = " + std::to_string(inst)).c_str()) ==
        "4|\n");
  REQUIRE(lines.size() > 6);
  std::string expected;
  for (const auto& h : lines) {
    auto orNull = [](const std::string& s) { return s.empty() ? std::string("NULL") : s; };
    std::string targets = "NULL";
    if (!h.targets.empty()) {
      targets = "[";
      for (const auto& t : h.targets) {
        if (targets.size() > 1) targets += ',';
        targets += boost::json::serialize(boost::json::value(boost::json::string_view(t)));
      }
      targets += "]";
    }
    expected += std::to_string(h.id) + "|" + std::to_string(inst) + "|" + std::to_string(h.at) + "|" + h.kind + "|" +
                orNull(h.elementId) + "|" + orNull(h.elementType) + "|" +
                (h.taskId ? std::to_string(h.taskId) : "NULL") + "|" + orNull(h.actor) + "|" + orNull(h.comment) +
                "|" + orNull(h.action) + "|" + targets + "|\n";
  }
  CHECK(rowsOf(db.path(), ("SELECT * FROM history WHERE instance_id = " + std::to_string(inst) + " ORDER BY id").c_str()) ==
        expected);
  CHECK(expected.find("bob \\\"the\\\" 建") != std::string::npos);
  CHECK(expected.find("away, see \\notes\\") != std::string::npos);
  // Ids run on from line to line and row to row.
  for (std::size_t i = 1; i < lines.size(); ++i) CHECK(lines[i].id == lines[i - 1].id + 1);
}

TEST_CASE("store: a history line on the element of the line before names it once, read alike by historyOf and the view",
          "[sqlite]") {
  test::TempDb db;
  const Id inst = oneStartedApproval(db);
  store::Database d(db.path(), true, 1);
  auto line = [](const char* kind, const char* element, const char* type, Id task = 0) {
    runtime::HistoryRecord h;
    h.at = 1000;
    h.actor = "ann";
    h.kind = kind;
    h.elementId = element;
    h.elementType = type;
    h.taskId = task;
    return h;
  };
  std::vector<runtime::HistoryRecord> lines{
      line("element_entered", "a", "userTask"),       line("task_created", "a", "userTask", 7),
      line("task_assigned", "a", "userTask", 7),      line("element_left", "a", "serviceTask"),  // another type
      line("instance_completed", "", ""),             line("element_entered", "x", "myType"),
      line("element_left", "x", "myType"),            line("element_left", "a", "userTask")};
  const auto entries = store::encodeHistory(lines, 1000, "ann");
  // Runs of one element and type: 0 in the element's place, the type left out (0 before a task).
  CHECK(entries ==
        R"([[2,"a",30],[6,0,0,7],[7,0,0,7],[3,"a",31],[11],[2,"x","myType"],[3,0],[3,"a",30]])");
  insertLogRow(d, inst, entries);
  auto read = store::historyOf(d.writer(), inst);
  REQUIRE(read.size() >= lines.size());
  std::string expected;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& h = read[read.size() - lines.size() + i];
    CHECK(h.id == 900000 + static_cast<Id>(i));
    CHECK(h.kind == lines[i].kind);
    CHECK(h.elementId == lines[i].elementId);
    CHECK(h.elementType == lines[i].elementType);
    CHECK(h.taskId == lines[i].taskId);
    auto orNull = [](const std::string& v) { return v.empty() ? std::string("NULL") : v; };
    expected += std::to_string(h.id) + "|" + h.kind + "|" + orNull(h.elementId) + "|" + orNull(h.elementType) + "|" +
                (h.taskId ? std::to_string(h.taskId) : "NULL") + "|\n";
  }
  CHECK(rowsOf(db.path(), "SELECT id, kind, element_id, element_type, task_id FROM history WHERE id >= 900000 "
                          "ORDER BY id") == expected);
}

TEST_CASE("store: a history line at another time than its row's keeps its time", "[sqlite]") {
  test::TempDb db;
  const Id inst = oneStartedApproval(db);
  store::Database d(db.path(), true, 1);
  std::vector<runtime::HistoryRecord> lines(2);
  lines[0].at = 1000;
  lines[0].kind = "operation";
  lines[0].action = "edit";
  lines[0].targets = {"days"};
  lines[1].at = 2500;
  lines[1].kind = "element_left";
  lines[1].elementId = "x";
  lines[0].actor = "ann";
  lines[1].elementType = "myType";
  // The row's actor is the first line's; the second line has none, written as "".
  const auto entries = store::encodeHistory(lines, 1000, "ann");
  CHECK(entries == R"([[17,null,0,null,null,null,"edit","[\"days\"]"],[3,"x","myType",null,"",null,null,null,2500]])");
  insertLogRow(d, inst, entries);
  auto read = store::historyOf(d.writer(), inst);
  REQUIRE(read.size() >= 2);
  CHECK(read[read.size() - 2].at == 1000);
  CHECK(read[read.size() - 2].targets == std::vector<std::string>{"days"});
  CHECK(read.back().at == 2500);
  CHECK(read.back().id == 900001);
  CHECK(read.back().elementId == "x");
  CHECK(read.back().actor.empty());
  CHECK(read[read.size() - 2].actor == "ann");
  CHECK(read.back().kind == "element_left");
  CHECK(read.back().elementType == "myType");
  // The work-order monitor's "stuck" takes the instance's latest line, the row's last, at its own time.
  auto stuckAt = [&](std::int64_t threshold) {
    for (const auto& a : store::abnormalInstances(d.writer(), threshold, 0))
      if (a.instanceId == inst && a.reason == "stuck") return a.since;
    return std::int64_t(-1);
  };
  CHECK(stuckAt(2501) == 2500);
  CHECK(stuckAt(2500) == -1);
  CHECK(rowsOf(db.path(),
               "SELECT id, at, kind, element_id, element_type, actor, action, targets FROM history WHERE id >= 900000") ==
        "900000|1000|operation|NULL|NULL|ann|edit|[\"days\"]|\n900001|2500|element_left|x|myType|NULL|NULL|NULL|\n");
}
