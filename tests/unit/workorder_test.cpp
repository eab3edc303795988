// The work-order center's domain through the C++ API: clients, the category tree, types,
// work orders kept in step with their instances, evaluations, alerts and the analytics.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <limits>
#include <thread>
#include <tuple>

#include "engine_support.hpp"
#include "jobs/working_hours.hpp"

using namespace ordo;
using test::TempDb;

namespace {

const char* kRepair = R"(<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:flowable="http://flowable.org/bpmn" targetNamespace="repair">
  <process id="woRepair" name="Repair" isExecutable="true">
    <startEvent id="start" flowable:formKey="repair-start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="accept"/>
    <userTask id="accept" name="Accept" flowable:assignee="manager" flowable:formKey="repair-accept"/>
    <sequenceFlow id="f2" sourceRef="accept" targetRef="handle"/>
    <userTask id="handle" name="Handle" flowable:assignee="tech"/>
    <sequenceFlow id="f3" sourceRef="handle" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>)";

// The rollup tables as text, for comparing what the writes kept with a backfill.
std::string rollupDump(const std::string& path) {
  std::string out;
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(
      db,
      "SELECT group_concat(x, ';') FROM (SELECT bucket || ',' || definition_id || ',' || started || ',' || completed "
      "|| ',' || rejected || ',' || cancelled AS x FROM rollup_runs WHERE started OR completed OR rejected OR "
      "cancelled UNION ALL SELECT kind || grp || bucket || ',' || n || ',' || total FROM rollup_durations WHERE n != 0 "
      "ORDER BY 1)",
      [](void* o, int, char** v, char**) {
        *static_cast<std::string*>(o) = v[0] ? v[0] : "";
        return 0;
      },
      &out, nullptr);
  sqlite3_close(db);
  return out;
}

// Takes a file back to schema 17 (before the rollups): the next open backfills them from the rows.
void backToSchema17(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  REQUIRE(sqlite3_exec(db, test::kBackToSchema20, nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       // schema 24 dropped the rollups' triggers: the tables go
                       "DROP TABLE rollup_runs; DROP TABLE rollup_durations; "
                       "CREATE INDEX instances_started ON instances(definition_id); CREATE INDEX instances_ended ON "
                       "instances(definition_id); ALTER TABLE wo_types DROP COLUMN working_hours; "
                       "DELETE FROM schema_version WHERE version >= 18",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

struct Fixture {
  TempDb db;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(1'800'000'000'000);
  std::unique_ptr<Engine> e = test::openEngine(db, clock);
  Id definition = 0;
  Fixture() {
    definition = e->deploy(kRepair, {{"repair-start", R"({"components":[]})"}, {"repair-accept", R"({"type":"default"})"}})
                     .definitions.at(0)
                     .id;
    e->saveUser({"emp", "Emp", "", {}});
    e->saveUser({"manager", "Manager", "", {}});
    e->saveUser({"tech", "Tech", "", {}});
    e->saveUser({"boss", "Boss", "", {}});
    e->saveWorkOrderCategory({"root", "", "All", "", 0});
    e->saveWorkOrderCategory({"water", "root", "Water", "", 1});
  }
  Id start() { return e->start({"woRepair", 0, {}, "", "emp"}).id; }
  Id openTask(Id instance) { return test::onlyTask(*e, instance).id; }
};

}  // namespace

TEST_CASE("workorder: clients keep a hash of their secret, by kind") {
  Fixture f;
  auto& e = *f.e;
  WorkOrderClient app;
  app.kind = "app";
  app.id = "12345678";
  app.name = "Center";
  e.saveWorkOrderClient(app, "123456");
  auto got = e.workOrderClient("app", "12345678");
  REQUIRE(got);
  CHECK(got->secretHash != "123456");
  CHECK(workOrderSecretMatches(*got, "123456"));
  CHECK_FALSE(workOrderSecretMatches(*got, "12345"));
  CHECK_FALSE(e.workOrderClient("service", "12345678"));  // an app's id is no service's
  e.saveWorkOrderClient(app, "");                         // keeps the secret
  CHECK(workOrderSecretMatches(*e.workOrderClient("app", "12345678"), "123456"));
  WorkOrderClient bad = app;
  bad.kind = "web";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderClient(bad, "x"));
  WorkOrderClient fresh;
  fresh.kind = "service";
  fresh.id = "s1";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderClient(fresh, ""));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.deleteWorkOrderClient("service", "nope"));
  e.deleteWorkOrderClient("app", "12345678");
  CHECK(e.workOrderClients().empty());
}

TEST_CASE("workorder: the category tree stays a tree, and types need their category and process") {
  Fixture f;
  auto& e = *f.e;
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderCategory({"root", "water", "All", "", 0}));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderCategory({"x", "nope", "X", "", 0}));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderCategory({"x", "", "", "", 0}));
  CHECK(e.workOrderCategories().size() == 2);
  WorkOrderType t;
  t.id = "leak";
  t.name = "Leak";
  t.categoryId = "none";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.saveWorkOrderType(t));
  t.categoryId = "water";
  t.processKey = "noSuchProcess";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.saveWorkOrderType(t));
  t.processKey = "woRepair";
  t.slaDuration = "four hours";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderType(t));
  t.slaDuration = "PT4H";
  t.webhookUrl = "ftp://x";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderType(t));
  t.webhookUrl.clear();
  t.nodeSla = {{"handle", "PT1H"}};
  e.saveWorkOrderType(t);
  auto got = e.workOrderType("leak");
  REQUIRE(got);
  CHECK(got->nodeSla.at("handle") == "PT1H");
  CHECK(got->alertLead == "PT1H");
}

TEST_CASE("workorder: a work order follows its instance and is evaluated once, when closed") {
  Fixture f;
  auto& e = *f.e;
  auto instance = f.start();
  WorkOrder o;
  o.title = "Leaking pipe";
  o.instanceId = instance;
  o.taskId = f.openTask(instance);
  o.roomNumber = "3-201";
  o.compensation = "paid";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.createWorkOrder(o, "tech"));  // neither started nor works on it
  auto other = f.start();
  WorkOrder wrongTask = o;
  wrongTask.taskId = f.openTask(other);
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.createWorkOrder(wrongTask, "emp"));
  WorkOrder noTitle = o;
  noTitle.title.clear();
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.createWorkOrder(noTitle, "emp"));
  WorkOrder badType = o;
  badType.typeId = "nope";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.createWorkOrder(badType, "emp"));
  auto made = e.createWorkOrder(o, "emp");
  CHECK(made.number == "WO20270115-" + std::to_string(made.id));
  CHECK(made.status == "handling");
  CHECK(e.workOrderOfInstance(instance)->id == made.id);
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.evaluateWorkOrder(made.id, "emp", 5, "fast"));
  e.completeTask(f.openTask(instance), "manager");
  e.completeTask(f.openTask(instance), "tech");
  CHECK(e.workOrder(made.id).status == "closed");
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.evaluateWorkOrder(made.id, "tech", 5, "fast"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.evaluateWorkOrder(made.id, "emp", 6, ""));
  e.evaluateWorkOrder(made.id, "emp", 4, "fast");
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.evaluateWorkOrder(made.id, "emp", 5, ""));
  CHECK(e.workOrder(made.id).evaluationScore == 4);
  // Cancelled with its instance; listed by status.
  WorkOrder second = o;
  second.instanceId = other;
  second.taskId = 0;
  auto b = e.createWorkOrder(second, "emp");
  e.terminateInstance(other, "emp", "no longer needed");
  CHECK(e.workOrder(b.id).status == "cancelled");
  WorkOrderQuery q;
  q.status = "closed";
  auto page = e.workOrders(q);
  REQUIRE(page.total == 1);
  CHECK(page.items.at(0).id == made.id);
  auto stats = e.evaluationStats();
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].count == 1);
  CHECK(stats[0].byScore.at(4) == 1);
}

TEST_CASE("workorder: a disabled user, and the start and task forms of one definition version") {
  Fixture f;
  auto& e = *f.e;
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.setUserDisabled("nobody", true));
  e.setUserDisabled("tech", true);
  CHECK(e.user("tech")->disabled);
  e.saveUser({"tech", "Tech Renamed", "", {}});  // saving the profile keeps it disabled
  CHECK(e.user("tech")->disabled);
  e.setUserDisabled("tech", false);
  CHECK_FALSE(e.user("tech")->disabled);
  auto form = e.startFormOf(f.definition);
  CHECK(form.first == "repair-start");
  CHECK(form.second == R"({"components":[]})");
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.startFormOf(424242));
  auto instance = f.start();
  auto accept = f.openTask(instance);
  CHECK(e.taskForm(accept) == std::pair<std::string, std::string>{"repair-accept", R"({"type":"default"})"});
  e.completeTask(accept, "manager");
  CHECK(e.taskForm(f.openTask(instance)) == std::pair<std::string, std::string>{"", "{}"});  // handle has none
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.taskForm(424242));
}

TEST_CASE("workorder: alerts before and after a deadline, once each, to the assignee and supervisors") {
  Fixture f;
  auto& e = *f.e;
  WorkOrderType t;
  t.id = "leak";
  t.name = "Leak";
  t.processKey = "woRepair";
  t.supervisors = {"boss"};
  t.slaDuration = "PT4H";
  t.nodeSla = {{"accept", "PT30M"}};
  t.alertLead = "PT10M";
  t.webhookUrl = "http://127.0.0.1:9/hook";
  e.saveWorkOrderType(t);
  auto instance = f.start();
  WorkOrder o;
  o.title = "Leak";
  o.typeId = "leak";
  o.instanceId = instance;
  auto order = e.createWorkOrder(o, "emp");
  CHECK(e.raiseWorkOrderAlerts() == 0);
  f.clock->advance(21 * 60 * 1000);  // 9 minutes before the node's deadline
  CHECK(e.raiseWorkOrderAlerts() == 1);
  CHECK(e.raiseWorkOrderAlerts() == 0);  // once
  auto alerts = e.workOrderAlerts(order.id);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].level == "approaching");
  CHECK(alerts[0].elementId == "accept");
  CHECK(alerts[0].notified == std::vector<std::string>{"manager", "boss"});
  CHECK(e.inbox("manager", false, 0, 10, "alert").size() == 1);
  CHECK(e.inbox("boss", false, 0, 10, "alert").size() == 1);
  auto ops = e.operations(instance);
  CHECK(ops.back().action == "alert");
  f.clock->advance(10 * 60 * 1000);
  CHECK(e.raiseWorkOrderAlerts() == 1);
  CHECK(e.workOrderAlerts(order.id)[0].level == "overdue");
  // Webhook deliveries: pending, retried with backoff, failed after five attempts.
  auto due = e.dueWebhookDeliveries();
  REQUIRE(due.size() == 2);
  e.recordWebhookDelivery(due[0].id, false, "refused");
  CHECK(e.dueWebhookDeliveries().size() == 1);
  f.clock->advance(1000);
  CHECK(e.dueWebhookDeliveries().size() == 2);
  e.recordWebhookDelivery(due[1].id, true);
  for (int i = 0; i < 4; ++i) {
    f.clock->advance(60000);
    e.recordWebhookDelivery(due[0].id, false, "refused");
  }
  CHECK(e.dueWebhookDeliveries().empty());
  auto states = e.workOrderAlerts(order.id);
  std::map<std::int64_t, std::string> status;
  for (const auto& a : states) status[a.id] = a.webhookStatus;
  CHECK(status[due[0].id] == "failed");
  CHECK(status[due[1].id] == "delivered");
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.recordWebhookDelivery(due[1].id, true));
  // The whole order's SLA, then monitoring sees it overdue.
  e.completeTask(f.openTask(instance), "manager");
  f.clock->advance(4 * 3600 * 1000);
  CHECK(e.raiseWorkOrderAlerts() == 2);  // approaching and overdue of the order at once
  std::int64_t normal = -1;
  auto abnormal = e.abnormalInstances(24 * 3600 * 1000, &normal);
  REQUIRE(abnormal.size() == 1);
  CHECK(abnormal[0].reason == "overdue");
  CHECK(normal == 0);
}

TEST_CASE("workorder: run counts per period and duration percentiles have the known answers") {
  Fixture f;
  auto& e = *f.e;
  // Ten instances, one a day from the clock's start; instance k takes k hours.
  std::vector<Id> ids;
  for (int k = 1; k <= 10; ++k) {
    auto i = f.start();
    ids.push_back(i);
    f.clock->advance(k * 3600 * 1000LL);
    e.completeTask(f.openTask(i), "manager");
    if (k == 10)
      e.rejectTask(f.openTask(i), "tech");
    else
      e.completeTask(f.openTask(i), "tech");
    f.clock->advance(24 * 3600 * 1000LL - k * 3600 * 1000LL);
  }
  RunCountQuery q;
  q.period = "year";
  auto runs = e.runCounts(q);
  std::int64_t started = 0, completed = 0, rejected = 0;
  for (const auto& r : runs) {
    CHECK(r.group == "woRepair");
    started += r.started;
    completed += r.completed;
    rejected += r.rejected;
  }
  CHECK(started == 10);
  CHECK(completed == 9);
  CHECK(rejected == 1);
  q.period = "decade";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.runCounts(q));
  auto byProcess = e.durationStats("process");
  REQUIRE(byProcess.size() == 1);
  CHECK(byProcess[0].count == 10);
  CHECK(byProcess[0].p50 == 5 * 3600 * 1000LL);
  CHECK(byProcess[0].p90 == 9 * 3600 * 1000LL);
  CHECK(byProcess[0].max == 10 * 3600 * 1000LL);
  CHECK(byProcess[0].mean == Approx(5.5 * 3600 * 1000));
  auto byNode = e.durationStats("node");
  REQUIRE(byNode.size() == 2);
  CHECK(byNode[0].group == "accept");
  CHECK(byNode[0].count == 10);
  CHECK(byNode[0].p90 == 9 * 3600 * 1000LL);
  CHECK(byNode[1].group == "handle");
  CHECK(byNode[1].count == 9);  // the rejected one is not a completed task
  auto byAssignee = e.durationStats("assignee");
  REQUIRE(byAssignee.size() == 2);
  CHECK(byAssignee[0].group == "manager");
  CHECK(byAssignee[1].group == "tech");
  CHECK(byAssignee[1].count == 9);
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.durationStats("weekday"));
}

namespace {
// Local time for the test's span: Shanghai (no DST), restored after.
struct LocalZone {
  std::string before = std::getenv("TZ") ? std::getenv("TZ") : "";
  bool had = std::getenv("TZ") != nullptr;
  explicit LocalZone(const char* zone) {
    setenv("TZ", zone, 1);
    tzset();
  }
  ~LocalZone() {
    had ? setenv("TZ", before.c_str(), 1) : unsetenv("TZ");
    tzset();
  }
};
// 2026-12-04 is a Friday; ms of a Shanghai (UTC+8) wall-clock time that day + `days`.
std::int64_t shanghai(int days, int hour, int minute) {
  return (1'796'342'400'000 + days * 86'400'000LL) + ((hour - 8) * 60 + minute) * 60'000LL;  // 2026-12-04T00:00Z
}
}  // namespace

TEST_CASE("workorder: working hours count SLAs in working time, holidays and weekends skipped") {
  LocalZone zone("Asia/Shanghai");
  auto w = jobs::parseWorkingHours("Mon-Fri 09:00-18:00 except 2026-12-07");
  CHECK(w.weekdays == 0b0111110);
  CHECK(w.startMinute == 9 * 60);
  // Friday 16:00 + PT4H: 2 h on Friday, Monday is a holiday, 2 h on Tuesday → Tuesday 11:00.
  CHECK(jobs::addWorkingTime(shanghai(0, 16, 0), "PT4H", w) == shanghai(4, 11, 0));
  // From Saturday: counted from the next opening.
  CHECK(jobs::addWorkingTime(shanghai(1, 10, 0), "PT1H", w) == shanghai(4, 10, 0));
  // Days are working days at the same time of day: Thursday 10:30 + P1D → Friday; + P2D → Tuesday.
  CHECK(jobs::addWorkingTime(shanghai(-1, 10, 30), "P1D", w) == shanghai(0, 10, 30));
  CHECK(jobs::addWorkingTime(shanghai(-1, 10, 30), "P2D", w) == shanghai(4, 10, 30));
  CHECK(jobs::addWorkingTime(shanghai(-1, 17, 0), "P1DT2H", w) == shanghai(4, 10, 0));
  auto wrap = jobs::parseWorkingHours("Sat-Sun 08:00-09:00");
  CHECK(wrap.weekdays == 0b1000001);
  for (const char* bad : {"", "Mon-Fri", "Mon-Xyz 09:00-18:00", "Mon-Fri 18:00-09:00", "Mon-Fri 9:00-18:00",
                          "Mon-Fri 09:00-18:00 except", "Mon-Fri 09:00-18:00 besides 2026-01-01",
                          "Mon-Fri 09:00-18:00 except 2026-13-01"})
    CHECK_THROWS_AS(jobs::parseWorkingHours(bad), std::invalid_argument);
  CHECK_THROWS_AS(jobs::addWorkingTime(0, "P1M", w), std::invalid_argument);

  // Through the engine: an order started Friday 16:00 with PT4H in working hours is overdue on
  // Tuesday at 11:00, not on Friday at 20:00.
  Fixture f;
  auto& e = *f.e;
  f.clock->set(shanghai(0, 16, 0));
  WorkOrderType t;
  t.id = "office";
  t.name = "Office";
  t.processKey = "woRepair";
  t.slaDuration = "PT4H";
  t.alertLead = "PT30M";
  t.workingHours = "Mon-Fri 09:00-18:00 except 2026-12-07";
  e.saveWorkOrderType(t);
  WorkOrder o;
  o.title = "Printer";
  o.typeId = "office";
  o.instanceId = f.start();
  e.createWorkOrder(o, "emp");
  f.clock->set(shanghai(0, 20, 30));
  CHECK(e.raiseWorkOrderAlerts() == 0);
  f.clock->set(shanghai(4, 10, 31));
  CHECK(e.raiseWorkOrderAlerts() == 1);  // approaching
  f.clock->set(shanghai(4, 11, 0));
  CHECK(e.raiseWorkOrderAlerts() == 1);  // overdue
  auto bad = t;
  bad.workingHours = "Mon-Fri 09:00";
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderType(bad));
  bad.workingHours = "Mon-Fri 09:00-18:00";
  bad.slaDuration = "P1M";  // months do not count in working time
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.saveWorkOrderType(bad));
}

TEST_CASE("workorder: the analytics rollups agree with a scan of the rows, and a backfill rebuilds them", "[sqlite]") {
  Fixture f;
  auto& e = *f.e;
  // Instances of varied lengths; some rejected, one still running, one deleted.
  std::vector<Id> ids;
  for (int k = 1; k <= 40; ++k) {
    auto i = f.start();
    ids.push_back(i);
    f.clock->advance((k * 7919 % 97 + 1) * 60'000LL);
    e.completeTask(f.openTask(i), "manager");
    f.clock->advance((k * 104729 % 89 + 1) * 3'600'000LL);
    if (k == 40) break;  // running
    if (k % 5 == 0)
      e.rejectTask(f.openTask(i), "tech");
    else
      e.completeTask(f.openTask(i), "tech");
  }
  // The engine is reopened below: the lambdas go through f.e.
  auto all = [&](const std::string& by) { return f.e->durationStats(by, 1, std::numeric_limits<std::int64_t>::max()); };
  auto same = [&](const std::string& by) {
    auto fast = f.e->durationStats(by), scan = all(by);
    REQUIRE(fast.size() == scan.size());
    for (std::size_t i = 0; i < fast.size(); ++i) {
      CHECK(fast[i].group == scan[i].group);
      CHECK(fast[i].count == scan[i].count);
      CHECK(fast[i].p50 == scan[i].p50);
      CHECK(fast[i].p90 == scan[i].p90);
      CHECK(fast[i].max == scan[i].max);
      CHECK(fast[i].mean == Approx(scan[i].mean));
    }
  };
  for (const char* by : {"process", "node", "assignee"}) same(by);
  RunCountQuery q;
  q.period = "year";
  auto count = [&] {
    std::int64_t started = 0, completed = 0, rejected = 0;
    for (const auto& r : f.e->runCounts(q)) started += r.started, completed += r.completed, rejected += r.rejected;
    return std::tuple{started, completed, rejected};
  };
  CHECK(count() == std::tuple{40, 32, 7});
  // The migration's backfill builds what the writes kept.
  auto dump = [&] { return rollupDump(f.db.path()); };
  auto kept = dump();
  CHECK_FALSE(kept.empty());
  f.e.reset();
  backToSchema17(f.db.path());
  f.e = test::openEngine(f.db, f.clock);
  CHECK(dump() == kept);
  for (const char* by : {"process", "node", "assignee"}) same(by);
  CHECK(count() == std::tuple{40, 32, 7});
}

TEST_CASE("workorder: commands sharing a batch write its rollups once at its commit, without those of a command that failed after saving",
          "[sqlite]") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'800'000'000'000);
  auto e = test::openEngine(db, clock);
  // Completing the child's task ends the child (saved: its duration counts) and then fails in
  // the parent, whose gateway reads a variable nobody set: the command fails after a save.
  e->deploy(test::bpmn("<startEvent id=\"s\"/><userTask id=\"work\" flowable:assignee=\"kid\"/><endEvent id=\"e\"/>"
                       "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"work\"/>"
                       "<sequenceFlow id=\"2\" sourceRef=\"work\" targetRef=\"e\"/>",
                       "", "id=\"child\" isExecutable=\"true\""));
  e->deploy(test::bpmn("<startEvent id=\"s\"/><callActivity id=\"call\" calledElement=\"child\"/>"
                       "<exclusiveGateway id=\"g\"/><endEvent id=\"e\"/>"
                       "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"call\"/>"
                       "<sequenceFlow id=\"2\" sourceRef=\"call\" targetRef=\"g\"/>"
                       "<sequenceFlow id=\"3\" sourceRef=\"g\" targetRef=\"e\"><conditionExpression>${missing &gt; 1}"
                       "</conditionExpression></sequenceFlow>",
                       "", "id=\"parent\" isExecutable=\"true\""));
  e->deploy(test::sample("leave-approval.bpmn"));
  std::vector<Id> doomed;
  for (int i = 0; i < 40; ++i) {
    e->start({"parent", 0, {}, "", "emp"});
    clock->advance(1000);
  }
  TaskQuery kid;
  kid.assignee = "kid";
  kid.limit = 1000;
  for (const auto& t : e->tasks(kid)) doomed.push_back(t.id);
  REQUIRE(doomed.size() == 40);
  // One alone first: the failure is its transaction's only command.
  const auto before = rollupDump(db.path());
  try {
    e->completeTask(doomed.back(), "kid");
    FAIL("completed");
  } catch (const Error& err) {
    CHECK(err.code() == ErrorCode::expression_error);
  }
  doomed.pop_back();
  CHECK(rollupDump(db.path()) == before);
  // Then in batches: approvals end (durations of processes, nodes, assignees) beside the failures.
  std::atomic<int> approvals{0}, failures{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 12; ++i) try {
          if (t % 2 == 0) {
            auto id = e->start({"leaveApproval", 0, {{"days", 1 + i % 5}, {"manager", "m" + std::to_string(t)}, {"director", "d"}}, "",
                                   "emp"})
                          .id;
            clock->advance(7);
            e->completeTask(test::onlyTask(*e, id).id, "m" + std::to_string(t), {{"approved", i % 3 != 0}});
            ++approvals;
          } else if (i < 9) {
            e->completeTask(doomed.at(static_cast<std::size_t>((t / 2) * 9 + i)), "kid");
            ++other;
          }
        } catch (const Error& err) {
          (err.code() == ErrorCode::expression_error ? failures : other)++;
        }
    });
  for (auto& th : threads) th.join();
  CHECK(approvals == 48);
  CHECK(failures == 36);
  CHECK(other == 0);
  CHECK(e->tasks(kid).size() == 40);  // every child still waits at its task
  const auto kept = rollupDump(db.path());
  e->rebuildAnalytics();
  CHECK(rollupDump(db.path()) == kept);
}

TEST_CASE("workorder: the rollups follow every write of Ordo's (ends, invalidation, deletes) and a rebuild counts rows written by SQL",
          "[sqlite]") {
  Fixture f;
  auto& e = *f.e;
  std::vector<Id> ids;
  for (int k = 1; k <= 8; ++k) {
    auto i = f.start();
    ids.push_back(i);
    f.clock->advance(k * 600'000LL);
    e.completeTask(f.openTask(i), "manager");
    f.clock->advance(k * 3'600'000LL);
    if (k <= 6) e.completeTask(f.openTask(i), "tech");
  }
  // Each of Ordo's other writes of the columns the rollups count: an invalidation and a
  // termination of running instances, a finished instance deleted keeping its history (its row
  // marked deleted, its tasks gone), another deleted with it, a running one deleted.
  e.invalidateInstance(ids[6], "emp", "duplicate");
  e.deleteInstance(ids[0], "emp", true);
  e.deleteInstance(ids[1], "emp", false);
  auto fresh = f.start();
  f.clock->advance(60'000);
  e.deleteInstance(fresh, "emp", true);
  e.terminateInstance(ids[7], "emp", "stop");
  // What the writes kept is what counting the rows gives.
  const auto kept = rollupDump(f.db.path());
  CHECK_FALSE(kept.empty());
  e.rebuildAnalytics();
  CHECK(rollupDump(f.db.path()) == kept);
  f.e.reset();
  // Another program writing the rows moves no rollup (schema 24 has no triggers) until a rebuild.
  const std::string a = std::to_string(ids[2]), b = std::to_string(ids[3]), c = std::to_string(ids[4]);
  const std::string sql =
      // an instance inserted already ended, and a completed task inserted (an import)
      "INSERT INTO instances(id, definition_id, parent_id, business_key, initiator, tenant, state, started_at, "
      "ended_at, revision, parent_token_id) SELECT id + 1000, definition_id, parent_id, NULL, initiator, tenant, state, "
      "started_at - 86400000, ended_at, revision, parent_token_id FROM instances WHERE id = " + a + ";"
      "INSERT INTO tasks(id, instance_id, token_id, element_id, name, assignee, owner, state, created_at, ended_at, "
      "due_at, priority, form_key, candidate_users, candidate_groups, completed_by, delegation) SELECT id + 1000, "
      "instance_id + 1000, token_id, element_id, name, assignee, owner, state, created_at - 7200000, ended_at, due_at, "
      "priority, form_key, candidate_users, candidate_groups, completed_by, delegation FROM tasks WHERE instance_id = " +
      a + " AND state = 'completed';"
      // an ended instance's start moved, a completed task's completer changed
      "UPDATE instances SET started_at = started_at - 3600000 WHERE id = " + b + ";"
      "UPDATE tasks SET completed_by = 'auditor' WHERE instance_id = " + b + " AND state = 'completed';"
      // a finished instance and its tasks deleted
      "DELETE FROM tasks WHERE instance_id = " + c + "; DELETE FROM instances WHERE id = " + c + ";";
  {
    sqlite3* db = nullptr;
    sqlite3_open(f.db.path().c_str(), &db);
    char* message = nullptr;
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK);
    if (message) FAIL(message);
    sqlite3_close(db);
  }
  CHECK(rollupDump(f.db.path()) == kept);
  f.e = test::openEngine(f.db, f.clock);
  f.e->rebuildAnalytics();
  const auto rebuilt = rollupDump(f.db.path());
  CHECK(rebuilt != kept);  // the rows moved the rollups
  // The same as the migration's backfill of a file that had no rollups.
  f.e.reset();
  backToSchema17(f.db.path());
  f.e = test::openEngine(f.db, f.clock);
  CHECK(rollupDump(f.db.path()) == rebuilt);
}
