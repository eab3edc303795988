// The work-order center's domain through the C++ API: clients, the category tree, types,
// work orders kept in step with their instances, evaluations, alerts and the analytics.
#include <catch2/catch.hpp>

#include "engine_support.hpp"

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
