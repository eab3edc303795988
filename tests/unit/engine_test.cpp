// The engine through its C++ API, on real SQLite files: behaviours, bad input, restart.
#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "engine_support.hpp"
#include "jobs/iso8601.hpp"

using namespace ordo;
using test::bpmn;
using test::TempDb;

namespace {

const std::string kSimple = bpmn(
    "<startEvent id=\"s\" flowable:initiator=\"starter\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" "
    "targetRef=\"approve\"/>"
    "<userTask id=\"approve\" name=\"Approve\" flowable:assignee=\"${starter}\" flowable:candidateGroups=\"managers, "
    "hr\"/>"
    "<sequenceFlow id=\"f2\" sourceRef=\"approve\" targetRef=\"e\"/><endEvent id=\"e\"/>",
    "", "id=\"simple\" isExecutable=\"true\"");

std::vector<std::string> passed(Engine& e, Id instance) {
  std::vector<std::string> out;
  for (const auto& h : e.history(instance))
    if (h.kind == "element_left" && h.elementType != "multiInstanceBody") out.push_back(h.elementId);
  return out;
}

Variables vars(std::initializer_list<std::pair<boost::json::string_view, boost::json::value_ref>> list) {
  Variables v;
  for (const auto& [k, val] : list) v[k] = boost::json::value(val);
  return v;
}

}  // namespace

TEST_CASE("engine: deploy is idempotent for identical XML and versions a changed model") {
  TempDb db;
  auto e = test::openEngine(db);
  auto d1 = e->deploy(kSimple);
  REQUIRE(d1.created);
  REQUIRE(d1.definitions.size() == 1);
  CHECK(d1.definitions[0].key == "simple");
  CHECK(d1.definitions[0].version == 1);
  auto again = e->deploy(kSimple);
  CHECK_FALSE(again.created);
  CHECK(again.definitions[0].id == d1.definitions[0].id);
  auto changed = kSimple;
  changed.replace(changed.find("name=\"Approve\""), 14, "name=\"Approve!\"");
  auto d2 = e->deploy(changed);
  CHECK(d2.created);
  CHECK(d2.definitions[0].version == 2);
  CHECK(e->definitions().size() == 2);
  // Starting by key takes the latest version.
  auto inst = e->start({"simple", 0, {}, "", "alice"});
  CHECK(inst.definitionVersion == 2);
  CHECK(test::onlyTask(*e, inst.id).name == "Approve!");
}

TEST_CASE("engine: an invalid model is refused with every diagnostic, nothing stored") {
  TempDb db;
  auto e = test::openEngine(db);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::parse_error, e->deploy("<definitions/>"));
  try {
    e->deploy(bpmn(
        "<startEvent id=\"s\"/><adHocSubProcess id=\"cg\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"zz\"/>"));
    FAIL("deployed");
  } catch (const Error& err) {
    CHECK(err.code() == ErrorCode::parse_error);
    CHECK(test::hasCode(err.diagnostics(), "unsupported"));
    CHECK(test::hasCode(err.diagnostics(), "dangling_reference"));
  }
  CHECK(e->definitions().empty());
}

TEST_CASE("engine: an expression with a syntax error fails the deploy, naming the element") {
  TempDb db;
  auto e = test::openEngine(db);
  try {
    e->deploy(
        bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"bad\" sourceRef=\"s\" targetRef=\"e\">"
             "<conditionExpression>${a &gt;&gt; }</conditionExpression></sequenceFlow><endEvent id=\"e\"/>"));
    FAIL("deployed");
  } catch (const Error& err) {
    CHECK(err.code() == ErrorCode::parse_error);
    auto* d = test::find(err.diagnostics(), "expression_syntax");
    REQUIRE(d);
    CHECK(d->elementId == "bad");
  }
}

TEST_CASE("engine: start, assign by expression, complete to the end, with history") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kSimple);
  auto inst = e->start({"simple", 0, vars({{"amount", 10}}), "order-1", "alice", "acme"});
  CHECK(inst.state == Instance::State::running);
  CHECK(inst.businessKey == "order-1");
  CHECK(inst.tenant == "acme");
  auto task = test::onlyTask(*e, inst.id);
  CHECK(task.elementId == "approve");
  CHECK(task.assignee == "alice");
  CHECK(task.candidateGroups == std::vector<std::string>{"managers", "hr"});
  CHECK(e->variables(inst.id).at("starter") == "alice");
  CHECK(e->waitingAt(inst.id) == std::vector<std::string>{"approve"});
  e->completeTask(task.id, "alice", vars({{"ok", true}}));
  auto done = e->instance(inst.id);
  CHECK(done.state == Instance::State::completed);
  CHECK(done.endedAt > 0);
  CHECK(e->variables(inst.id).at("ok") == true);
  CHECK(passed(*e, inst.id) == std::vector<std::string>{"s", "approve", "e"});
  auto history = e->history(inst.id);
  bool completedBy = false;
  for (const auto& h : history) completedBy = completedBy || (h.kind == "task_completed" && h.actor == "alice");
  CHECK(completedBy);
  CHECK(history.front().kind == "instance_started");
  CHECK(history.back().kind == "instance_completed");
  CHECK(e->task(task.id).state == Task::State::completed);
  CHECK(e->task(task.id).completedBy == "alice");
}

TEST_CASE("engine: bad input fails with a clear code and leaves the database as it was") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kSimple);
  auto inst = e->start({"simple", 0, {}, "", "alice"});
  auto task = test::onlyTask(*e, inst.id);
  SECTION("unknown task id") {
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->completeTask(999999));
  }
  SECTION("completing a completed task") {
    e->completeTask(task.id, "alice", {});
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->completeTask(task.id));
  }
  SECTION("starting an unknown key") {
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->start({"nope", 0, {}, "", ""}));
  }
  SECTION("starting an unknown definition id") {
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->start({"", 4242, {}, "", ""}));
  }
  SECTION("variables of an unknown instance") {
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->setVariables(77777, vars({{"a", 1}})));
  }
}

TEST_CASE("engine: an expression that fails names itself and the element, and rolls back") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"t\"/><userTask id=\"t\"/>"
           "<sequenceFlow id=\"g\" sourceRef=\"t\" targetRef=\"x\"/><exclusiveGateway id=\"x\"/>"
           "<sequenceFlow id=\"c\" sourceRef=\"x\" targetRef=\"e\"><conditionExpression>${amount &gt; "
           "10}</conditionExpression></sequenceFlow>"
           "<endEvent id=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  auto task = test::onlyTask(*e, inst.id);
  try {
    auto before = db.dump();
    e->completeTask(task.id);
    FAIL("completed");
  } catch (const Error& err) {
    CHECK(err.code() == ErrorCode::expression_error);
    CHECK(std::string(err.what()).find("amount") != std::string::npos);
    CHECK(err.elementId() == "c");
  }
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::expression_error, e->completeTask(task.id));
  CHECK(e->task(task.id).state == Task::State::open);
}

TEST_CASE("engine: a gateway with no way out fails naming the gateway, command rolled back") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"t\"/><userTask id=\"t\"/>"
           "<sequenceFlow id=\"g\" sourceRef=\"t\" targetRef=\"x\"/><exclusiveGateway id=\"x\"/>"
           "<sequenceFlow id=\"a\" sourceRef=\"x\" targetRef=\"e\"><conditionExpression>${n &gt; "
           "1}</conditionExpression></sequenceFlow>"
           "<sequenceFlow id=\"b\" sourceRef=\"x\" targetRef=\"e\"><conditionExpression>${n &lt; "
           "1}</conditionExpression></sequenceFlow>"
           "<endEvent id=\"e\"/>"));
  auto inst = e->start({"p", 0, vars({{"n", 1}}), "", ""});
  auto task = test::onlyTask(*e, inst.id);
  try {
    e->completeTask(task.id);
    FAIL("completed");
  } catch (const Error& err) {
    CHECK(err.code() == ErrorCode::no_outgoing_flow);
    CHECK(err.elementId() == "x");
  }
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::no_outgoing_flow, e->completeTask(task.id));
  // Setting the variable right lets it through.
  e->setVariables(inst.id, vars({{"n", 2}}));
  e->completeTask(task.id);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("engine: parallel fork and join wait for every branch") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><parallelGateway id=\"fork\"/><userTask id=\"a\"/><userTask id=\"b\"/>"
           "<parallelGateway id=\"join\"/><userTask id=\"after\"/><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"fork\"/><sequenceFlow id=\"2\" sourceRef=\"fork\" "
           "targetRef=\"a\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"fork\" targetRef=\"b\"/><sequenceFlow id=\"4\" sourceRef=\"a\" "
           "targetRef=\"join\"/>"
           "<sequenceFlow id=\"5\" sourceRef=\"b\" targetRef=\"join\"/><sequenceFlow id=\"6\" sourceRef=\"join\" "
           "targetRef=\"after\"/>"
           "<sequenceFlow id=\"7\" sourceRef=\"after\" targetRef=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  TaskQuery q;
  q.instanceId = inst.id;
  auto tasks = e->tasks(q);
  REQUIRE(tasks.size() == 2);
  e->completeTask(tasks[0].id);
  CHECK(e->tasks(q).size() == 1);  // the join still waits
  e->completeTask(tasks[1].id);
  auto after = test::onlyTask(*e, inst.id);
  CHECK(after.elementId == "after");
  e->completeTask(after.id);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("engine: the inclusive join waits for a branch that can still arrive, not for one never started") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><inclusiveGateway id=\"fork\"/><userTask id=\"a\"/><userTask id=\"b\"/><userTask "
           "id=\"b2\"/>"
           "<inclusiveGateway id=\"join\"/><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"fork\"/>"
           "<sequenceFlow id=\"2\" sourceRef=\"fork\" targetRef=\"a\"><conditionExpression>${x &gt; "
           "0}</conditionExpression></sequenceFlow>"
           "<sequenceFlow id=\"3\" sourceRef=\"fork\" targetRef=\"b\"><conditionExpression>${x &gt; "
           "5}</conditionExpression></sequenceFlow>"
           "<sequenceFlow id=\"4\" sourceRef=\"a\" targetRef=\"join\"/><sequenceFlow id=\"5\" sourceRef=\"b\" "
           "targetRef=\"b2\"/>"
           "<sequenceFlow id=\"6\" sourceRef=\"b2\" targetRef=\"join\"/><sequenceFlow id=\"7\" sourceRef=\"join\" "
           "targetRef=\"e\"/>"));
  // Both branches: the join must wait for b and then b2.
  auto both = e->start({"p", 0, vars({{"x", 10}}), "", ""});
  TaskQuery q;
  q.instanceId = both.id;
  q.elementId = "a";
  e->completeTask(e->tasks(q)[0].id);
  CHECK(e->instance(both.id).state == Instance::State::running);
  q.elementId = "b";
  e->completeTask(e->tasks(q)[0].id);
  CHECK(e->instance(both.id).state == Instance::State::running);  // b2 can still reach the join
  q.elementId = "b2";
  e->completeTask(e->tasks(q)[0].id);
  CHECK(e->instance(both.id).state == Instance::State::completed);
  // One branch: the join fires as soon as it arrives.
  auto one = e->start({"p", 0, vars({{"x", 1}}), "", ""});
  e->completeTask(test::onlyTask(*e, one.id).id);
  CHECK(e->instance(one.id).state == Instance::State::completed);
  // No condition true and no default: an error naming the gateway.
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::no_outgoing_flow, e->start({"p", 0, vars({{"x", 0}}), "", ""}));
}

TEST_CASE("engine: a terminate end inside a subprocess ends only the subprocess") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><subProcess id=\"sp\"><startEvent id=\"is\"/><parallelGateway id=\"f\"/>"
           "<userTask id=\"inner\"/><endEvent id=\"kill\"><terminateEventDefinition/></endEvent>"
           "<sequenceFlow id=\"i1\" sourceRef=\"is\" targetRef=\"f\"/><sequenceFlow id=\"i2\" sourceRef=\"f\" "
           "targetRef=\"inner\"/>"
           "<sequenceFlow id=\"i3\" sourceRef=\"f\" targetRef=\"kill\"/></subProcess>"
           "<userTask id=\"after\"/><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"sp\"/><sequenceFlow id=\"2\" sourceRef=\"sp\" "
           "targetRef=\"after\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"after\" targetRef=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  auto task = test::onlyTask(*e, inst.id);
  CHECK(task.elementId == "after");  // 'inner' was cancelled by the terminate end
  CHECK(e->instance(inst.id).state == Instance::State::running);
  TaskQuery all;
  all.instanceId = inst.id;
  all.includeFinished = true;
  bool innerCancelled = false;
  for (const auto& t : e->tasks(all))
    innerCancelled = innerCancelled || (t.elementId == "inner" && t.state == Task::State::cancelled);
  CHECK(innerCancelled);
}

TEST_CASE("engine: service task handlers set variables, throw BPMN errors, or fail the command") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><serviceTask id=\"calc\" flowable:type=\"calc\"/><userTask id=\"ok\"/>"
           "<userTask id=\"handled\"/><boundaryEvent id=\"err\" attachedToRef=\"calc\"><errorEventDefinition "
           "errorRef=\"E\"/></boundaryEvent>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"calc\"/><sequenceFlow id=\"2\" sourceRef=\"calc\" "
           "targetRef=\"ok\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"err\" targetRef=\"handled\"/>",
           "<error id=\"E\" errorCode=\"NO_STOCK\"/>"));
  SECTION("no handler registered: unsupported, nothing started") {
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::unsupported, e->start({"p", 0, {}, "", ""}));
  }
  SECTION("the handler sets a variable") {
    e->registerServiceHandler("calc", [](ServiceTaskContext& c) {
      auto n = c.variables().at("n").as_int64();
      c.setVariable("double", n * 2);
    });
    auto inst = e->start({"p", 0, vars({{"n", 21}}), "", ""});
    CHECK(e->variables(inst.id).at("double") == 42);
    CHECK(test::onlyTask(*e, inst.id).elementId == "ok");
  }
  SECTION("a BPMN error goes to the error boundary event") {
    e->registerServiceHandler("calc", [](ServiceTaskContext& c) { c.throwBpmnError("NO_STOCK"); });
    auto inst = e->start({"p", 0, {}, "", ""});
    CHECK(test::onlyTask(*e, inst.id).elementId == "handled");
  }
  SECTION("an uncaught BPMN error fails the command") {
    e->registerServiceHandler("calc", [](ServiceTaskContext& c) { c.throwBpmnError("OTHER"); });
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::unhandled_bpmn_error, e->start({"p", 0, {}, "", ""}));
  }
  SECTION("a handler that throws fails the command, naming the task") {
    e->registerServiceHandler("calc", [](ServiceTaskContext&) { throw std::runtime_error("ledger offline"); });
    try {
      e->start({"p", 0, {}, "", ""});
      FAIL("started");
    } catch (const Error& err) {
      CHECK(err.code() == ErrorCode::service_failed);
      CHECK(err.elementId() == "calc");
      CHECK(std::string(err.what()).find("ledger offline") != std::string::npos);
    }
    CHECK(e->instances().empty());
  }
}

TEST_CASE("engine: external tasks are fetched and locked, completed, failed into incidents") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'700'000'000'000);
  auto e = test::openEngine(db, clock);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><serviceTask id=\"pay\" camunda:type=\"external\" camunda:topic=\"payout\"/>"
           "<endEvent id=\"e\"/><sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"pay\"/>"
           "<sequenceFlow id=\"2\" sourceRef=\"pay\" targetRef=\"e\"/>"));
  auto a = e->start({"p", 0, vars({{"amount", 5}}), "", ""});
  auto b = e->start({"p", 0, {}, "", ""});
  CHECK(e->waitingAt(a.id) == std::vector<std::string>{"pay"});
  auto locked = e->fetchAndLock("payout", "w1", 1, 10'000);
  REQUIRE(locked.size() == 1);
  CHECK(locked[0].variables.at("amount") == 5);
  // Locked for w1: another worker gets the other one, and cannot complete w1's.
  auto other = e->fetchAndLock("payout", "w2", 10, 10'000);
  REQUIRE(other.size() == 1);
  CHECK(other[0].id != locked[0].id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::forbidden, e->completeExternalTask(locked[0].id, "w2"));
  e->completeExternalTask(locked[0].id, "w1", vars({{"paid", true}}));
  CHECK(e->instance(locked[0].instanceId).state == Instance::State::completed);
  CHECK(e->variables(locked[0].instanceId).at("paid") == true);
  // Failing with retries left offers it again after the back-off; with none it is an incident.
  e->failExternalTask(other[0].id, "w2", "bank down", 1, 5'000);
  CHECK(e->fetchAndLock("payout", "w3", 10, 1'000).empty());
  clock->advance(5'000);
  auto again = e->fetchAndLock("payout", "w3", 10, 1'000);
  REQUIRE(again.size() == 1);
  e->failExternalTask(again[0].id, "w3", "bank still down", 0);
  CHECK(e->openIncidents(again[0].instanceId) == 1);
  CHECK(e->fetchAndLock("payout", "w3", 10, 1'000).empty());
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->completeExternalTask(123456, "w1"));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->fetchAndLock("payout", "", 1, 1000));
  (void)b;
}

TEST_CASE("engine: a timer boundary event fires when the clock passes it, and the activity is cancelled") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  auto e = test::openEngine(db, clock);
  e->deploy(test::sample("repair-work-order.bpmn"));
  auto inst = e->start({"repairWorkOrder", 0, vars({{"technician", "tom"}}), "", "zhang"});
  e->completeTask(test::onlyTask(*e, inst.id).id);  // no user: the host acts for the system
  CHECK(test::onlyTask(*e, inst.id).elementId == "handle");
  CHECK(e->pendingJobs(inst.id) == 1);
  clock->advance(3 * 3600 * 1000);
  CHECK(e->runDueJobs() == 0);
  clock->advance(2 * 3600 * 1000);
  CHECK(e->runDueJobs() == 1);
  CHECK(test::onlyTask(*e, inst.id).elementId == "escalate");
  CHECK(e->pendingJobs(inst.id) == 0);
}

TEST_CASE("engine: closing and reopening continues every instance where it waited") {
  TempDb db;
  Id instance = 0;
  {
    auto e = test::openEngine(db);
    e->deploy(test::sample("leave-approval.bpmn"));
    instance =
        e->start({"leaveApproval", 0, vars({{"days", 5}, {"manager", "mary"}, {"director", "dora"}}), "", "emp"}).id;
    e->completeTask(test::onlyTask(*e, instance).id, "mary", vars({{"approved", true}}));
  }
  {
    auto e = test::openEngine(db);
    auto t = test::onlyTask(*e, instance);
    CHECK(t.elementId == "directorApproval");
    CHECK(t.assignee == "dora");
    e->completeTask(t.id, "dora", vars({{"approved", true}}));
    CHECK(e->instance(instance).state == Instance::State::completed);
    CHECK(passed(*e, instance) == std::vector<std::string>{"start", "managerApproval", "managerDecision", "daysGateway",
                                                           "directorApproval", "directorDecision", "approvedEnd"});
  }
}

TEST_CASE("engine: a timer that fell due while the engine was closed fires after opening") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  Id instance = 0;
  {
    auto e = test::openEngine(db, clock);
    e->deploy(
        bpmn("<startEvent id=\"s\"/><intermediateCatchEvent "
             "id=\"wait\"><timerEventDefinition><timeDuration>PT1H</timeDuration>"
             "</timerEventDefinition></intermediateCatchEvent><endEvent id=\"e\"/>"
             "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"wait\"/><sequenceFlow id=\"2\" sourceRef=\"wait\" "
             "targetRef=\"e\"/>"));
    instance = e->start({"p", 0, {}, "", ""}).id;
  }
  clock->advance(2 * 3600 * 1000);
  auto e = test::openEngine(db, clock);
  CHECK(e->instance(instance).state == Instance::State::running);
  CHECK(e->runDueJobs() == 1);
  CHECK(e->instance(instance).state == Instance::State::completed);
}

TEST_CASE("engine: several threads issue commands at once, every one lands") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  constexpr int kThreads = 4, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0}, completed{0}, ready{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const std::string manager = "m" + std::to_string(t);
      ++ready;
      while (ready < kThreads) std::this_thread::yield();  // every thread starts at once
      try {
        for (int i = 0; i < kPerThread; ++i) {
          auto inst = e->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", manager}}), "", ""});
          e->completeTask(test::onlyTask(*e, inst.id).id, manager, vars({{"approved", true}}));  // the assignee
          ++completed;
          (void)e->instances();  // reads run beside the writes
        }
      } catch (const std::exception& ex) {
        UNSCOPED_INFO("thread " << t << ": " << ex.what());
        ++failures;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(completed == kThreads * kPerThread);
  InstanceQuery q;
  q.state = Instance::State::completed;
  CHECK(e->instances(q).size() == kThreads * kPerThread);
  // Each instance was completed by its own thread's manager, once.
  for (const auto& inst : e->instances(q)) {
    int completions = 0;
    for (const auto& h : e->history(inst.id))
      if (h.kind == "task_completed") ++completions;
    CHECK(completions == 1);
  }
}

TEST_CASE("engine: a sequential multi-instance task goes through the list in order") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("expense-sequential.bpmn"));
  auto inst = e->start({"expenseSequential", 0, vars({{"approvers", boost::json::array{"a", "b", "c"}}}), "", ""});
  for (const char* who : {"a", "b", "c"}) {
    auto t = test::onlyTask(*e, inst.id);
    CHECK(t.assignee == who);
    e->completeTask(t.id, who, {});
  }
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("engine: a collection that is not a list is an expression error") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("purchase-countersign.bpmn"));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::expression_error,
                          e->start({"purchaseCountersign", 0, vars({{"approvers", "alice"}}), "", ""}));
}

TEST_CASE("engine: messages reach receive tasks by name and business key, a boundary message interrupts") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><receiveTask id=\"wait\" messageRef=\"paid\"/><userTask id=\"ship\"/>"
           "<boundaryEvent id=\"cancelled\" attachedToRef=\"ship\"><messageEventDefinition "
           "messageRef=\"cancel\"/></boundaryEvent>"
           "<endEvent id=\"done\"/><endEvent id=\"stopped\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"wait\"/><sequenceFlow id=\"2\" sourceRef=\"wait\" "
           "targetRef=\"ship\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"ship\" targetRef=\"done\"/><sequenceFlow id=\"4\" "
           "sourceRef=\"cancelled\" targetRef=\"stopped\"/>",
           "<message id=\"paid\" name=\"order paid\"/><message id=\"cancel\" name=\"order cancelled\"/>"));
  auto a = e->start({"p", 0, {}, "order-a", ""});
  auto b = e->start({"p", 0, {}, "order-b", ""});
  CHECK(e->waitingAt(a.id) == std::vector<std::string>{"wait"});
  // Nobody waits for this one: not_found, nothing changes.
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->correlateMessage({"order shipped", "", 0, {}, ""}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->correlateMessage({"order paid", "order-zzz", 0, {}, ""}));
  auto got = e->correlateMessage({"order paid", "order-b", 0, {{"amount", 12}}, "bank"});
  CHECK(got.id == b.id);
  CHECK(e->waitingAt(a.id) == std::vector<std::string>{"wait"});  // a still waits
  CHECK(test::onlyTask(*e, b.id).elementId == "ship");
  CHECK(e->variables(b.id).at("amount") == 12);
  e->correlateMessage({"order cancelled", "order-b", 0, {}, ""});
  CHECK(e->instance(b.id).state == Instance::State::completed);
  auto history = e->history(b.id);
  CHECK(std::any_of(history.begin(), history.end(),
                    [](const HistoryEntry& h) { return h.kind == "element_left" && h.elementId == "stopped"; }));
  CHECK(e->tasks({.instanceId = b.id}).empty());
}

TEST_CASE("engine: group commit: concurrent commands share transactions, a failing one rolls back only itself") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  std::atomic<int> started{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        try {
          if (t % 2 == 0) {
            e->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", "m"}}), "ok", ""});
            ++started;
          } else {
            e->start({"leaveApproval", 0, vars({{"days", 1}}), "bad", ""});  // ${manager} is unknown
          }
        } catch (const Error& err) {
          (err.code() == ErrorCode::expression_error ? refused : other)++;
        }
      }
    });
  for (auto& th : threads) th.join();
  CHECK(started == 80);
  CHECK(refused == 80);
  CHECK(other == 0);
  InstanceQuery q;
  q.limit = 1000;
  q.businessKey = "ok";
  CHECK(e->instances(q).size() == 80);
  q.businessKey = "bad";
  CHECK(e->instances(q).empty());
  // What was acknowledged is on disk: a second engine on the file sees all of it.
  auto second = test::openEngine(db);
  CHECK(second->countTasks({.assignee = "m", .limit = 1000}) == 80);
}

TEST_CASE("engine: group commit: a batch runs its commands on the thread leading it, whose handlers still may not call the engine",
          "[sqlite]") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(bpmn("<startEvent id=\"s\"/><serviceTask id=\"calc\" flowable:type=\"calc\"/><userTask id=\"ok\"/>"
                 "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"calc\"/>"
                 "<sequenceFlow id=\"2\" sourceRef=\"calc\" targetRef=\"ok\"/>"));
  // Each start names its caller's thread; the handler notes whether it runs on another one,
  // and, on every tenth, tries to call the engine from inside the command.
  std::mutex m;
  std::map<std::string, std::thread::id> callerOf;
  std::atomic<int> elsewhere{0}, reentryRefused{0}, reentryAllowed{0};
  e->registerServiceHandler("calc", [&](ServiceTaskContext& c) {
    const auto caller = c.variables().at("caller").as_string();
    {
      std::lock_guard lock(m);
      if (callerOf.at(std::string(caller)) != std::this_thread::get_id()) ++elsewhere;
    }
    if (c.variables().at("i").as_int64() % 10 == 0) try {
        e->start({"p", 0, vars({{"caller", "none"}, {"i", 1}}), "inner", ""});
        ++reentryAllowed;
      } catch (const Error& err) {
        if (err.code() == ErrorCode::wrong_state) ++reentryRefused;
      }
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // the others queue meanwhile
    c.setVariable("doubled", c.variables().at("i").as_int64() * 2);
  });
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const auto name = "t" + std::to_string(t);
      {
        std::lock_guard lock(m);
        callerOf[name] = std::this_thread::get_id();
      }
      for (int i = 0; i < 30; ++i) {
        auto inst = e->start({"p", 0, vars({{"caller", name}, {"i", i}}), name, ""});
        if (e->variables(inst.id).at("doubled") != i * 2) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(wrong == 0);
  CHECK(elsewhere > 0);  // some ran in a batch another thread led
  CHECK(reentryRefused == 8 * 3);
  CHECK(reentryAllowed == 0);
  InstanceQuery q;
  q.limit = 1000;
  q.businessKey = "inner";
  CHECK(e->instances(q).empty());
  q.businessKey = "t3";
  CHECK(e->instances(q).size() == 30);
}

namespace {
const std::string kAsync = bpmn(
    "<startEvent id=\"s\"/><serviceTask id=\"work\" flowable:type=\"work\" flowable:async=\"true\">"
    "<extensionElements><flowable:failedJobRetryTimeCycle>R2/PT10M</flowable:failedJobRetryTimeCycle></"
    "extensionElements>"
    "</serviceTask><endEvent id=\"e\"/>"
    "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"work\"/><sequenceFlow id=\"2\" sourceRef=\"work\" "
    "targetRef=\"e\"/>");
}

TEST_CASE("engine: async continuations run as jobs, failures retry on their cycle, then become incidents") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  auto e = test::openEngine(db, clock);
  e->deploy(kAsync);
  std::atomic<bool> broken{true};
  std::atomic<int> calls{0};
  e->registerServiceHandler("work", [&](ServiceTaskContext& c) {
    ++calls;
    if (broken) throw std::runtime_error("ledger offline");
    c.setVariable("done", true);
  });
  auto inst = e->start({"p", 0, {}, "", ""});
  CHECK(calls == 0);  // the start command ended before the task
  CHECK(e->instance(inst.id).state == Instance::State::running);
  CHECK(e->pendingJobs(inst.id) == 1);
  CHECK(e->runDueJobs() == 0);  // the attempt failed ...
  CHECK(calls == 1);
  CHECK(e->openIncidents(inst.id) == 0);  // ... and is retried in 10 minutes
  CHECK(e->runDueJobs() == 0);
  CHECK(calls == 1);
  clock->advance(10 * 60 * 1000);
  CHECK(e->runDueJobs() == 0);
  CHECK(calls == 2);
  auto incidents = e->incidents(inst.id);
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].elementId == "work");
  CHECK(incidents[0].message.find("ledger offline") != std::string::npos);
  // Fixed: resolving the incident gives the job another try.
  broken = false;
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->resolveIncident(99999));
  e->resolveIncident(incidents[0].id, 1);
  CHECK(e->openIncidents(inst.id) == 0);
  CHECK(e->runDueJobs() == 1);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
  CHECK(e->variables(inst.id).at("done") == true);
}

TEST_CASE("engine: a cycle timer on a non-interrupting boundary repeats, and stops when its activity ends") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  auto e = test::openEngine(db, clock);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><userTask id=\"work\"/><endEvent id=\"e\"/><endEvent id=\"r\"/>"
           "<boundaryEvent id=\"remind\" attachedToRef=\"work\" cancelActivity=\"false\"><timerEventDefinition>"
           "<timeCycle>R3/PT1H</timeCycle></timerEventDefinition></boundaryEvent>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"work\"/><sequenceFlow id=\"2\" sourceRef=\"work\" "
           "targetRef=\"e\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"remind\" targetRef=\"r\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  auto reminders = [&] {
    int n = 0;
    for (const auto& h : e->history(inst.id)) n += h.kind == "element_left" && h.elementId == "remind";
    return n;
  };
  clock->advance(3600 * 1000);
  CHECK(e->runDueJobs() == 1);
  clock->advance(3600 * 1000);
  CHECK(e->runDueJobs() == 1);
  CHECK(reminders() == 2);
  CHECK(e->pendingJobs(inst.id) == 1);  // the third and last
  e->completeTask(test::onlyTask(*e, inst.id).id);
  CHECK(e->pendingJobs(inst.id) == 0);  // the activity ended: so did its cycle
  clock->advance(5 * 3600 * 1000);
  CHECK(e->runDueJobs() == 0);
  CHECK(reminders() == 2);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("engine: a malformed timer or retry cycle is refused with the element named") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><intermediateCatchEvent "
           "id=\"wait\"><timerEventDefinition><timeDuration>${d}</timeDuration>"
           "</timerEventDefinition></intermediateCatchEvent><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"wait\"/><sequenceFlow id=\"2\" sourceRef=\"wait\" "
           "targetRef=\"e\"/>"));
  try {
    e->start({"p", 0, vars({{"d", "three hours"}}), "", ""});
    FAIL("started");
  } catch (const Error& err) {
    CHECK(err.code() == ErrorCode::invalid_argument);
    CHECK(err.elementId() == "wait");
    CHECK(std::string(err.what()).find("three hours") != std::string::npos);
  }
  CHECK(e->instances().empty());
}

TEST_CASE("engine: the job executor thread runs due jobs, two engines on one file never run a job twice") {
  TempDb db;
  auto a = test::openEngine(db);
  auto b = test::openEngine(db);
  a->deploy(kAsync);
  std::mutex m;
  std::map<Id, int> runs;
  auto handler = [&](ServiceTaskContext& c) {
    std::lock_guard lock(m);
    ++runs[c.instanceId()];
  };
  a->registerServiceHandler("work", handler);
  b->registerServiceHandler("work", handler);
  constexpr int kInstances = 40;
  for (int i = 0; i < kInstances; ++i) a->start({"p", 0, {}, "", ""});
  a->startJobExecutor(5);
  b->startJobExecutor(5);
  InstanceQuery done;
  done.state = Instance::State::completed;
  done.limit = 1000;
  for (int i = 0; i < 1000 && static_cast<int>(a->instances(done).size()) < kInstances; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  a->stopJobExecutor();
  b->stopJobExecutor();
  CHECK(static_cast<int>(a->instances(done).size()) == kInstances);
  std::lock_guard lock(m);
  CHECK(runs.size() == kInstances);
  for (const auto& [id, n] : runs) CHECK(n == 1);
  REQUIRE_THROWS_AS(a->startJobExecutor(0), Error);
}

namespace {
std::string processDoc(const std::string& id, const std::string& body, const std::string& extras = "") {
  return bpmn(body, extras, "id=\"" + id + "\" isExecutable=\"true\"");
}
}  // namespace

TEST_CASE(
    "engine: a call activity runs the child with mapped variables and business key, the parent continues after it") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      processDoc("child",
                 "<startEvent id=\"cs\"/><userTask id=\"childTask\" flowable:assignee=\"${who}\"/><endEvent id=\"ce\"/>"
                 "<sequenceFlow id=\"1\" sourceRef=\"cs\" targetRef=\"childTask\"/><sequenceFlow id=\"2\" "
                 "sourceRef=\"childTask\" targetRef=\"ce\"/>"));
  e->deploy(processDoc(
      "parent",
      "<startEvent id=\"ps\"/><callActivity id=\"call\" calledElement=\"child\" flowable:inheritBusinessKey=\"true\">"
      "<extensionElements><flowable:in source=\"applicant\" target=\"who\"/><flowable:in sourceExpression=\"${amount * "
      "2}\" target=\"doubled\"/>"
      "<flowable:out source=\"verdict\" target=\"childVerdict\"/></extensionElements></callActivity>"
      "<userTask id=\"after\"/><endEvent id=\"pe\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"ps\" targetRef=\"call\"/><sequenceFlow id=\"2\" sourceRef=\"call\" "
      "targetRef=\"after\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"after\" targetRef=\"pe\"/>"));
  auto parent = e->start({"parent", 0, vars({{"applicant", "ann"}, {"amount", 21}, {"secret", 1}}), "case-9", ""});
  InstanceQuery children;
  children.parentId = parent.id;
  auto kids = e->instances(children);
  REQUIRE(kids.size() == 1);
  auto child = kids[0];
  CHECK(child.businessKey == "case-9");
  CHECK(child.definitionKey == "child");
  auto cv = e->variables(child.id);
  CHECK(cv.at("who") == "ann");
  CHECK(cv.at("doubled") == 42);
  CHECK_FALSE(cv.contains("secret"));  // only what is mapped goes in
  CHECK(e->waitingAt(parent.id) == std::vector<std::string>{"childTask"});
  auto task = test::onlyTask(*e, child.id);
  CHECK(task.assignee == "ann");
  e->completeTask(task.id, "ann", vars({{"verdict", "ok"}, {"noise", 5}}));
  CHECK(e->instance(child.id).state == Instance::State::completed);
  CHECK(e->instance(parent.id).state == Instance::State::running);
  auto pv = e->variables(parent.id);
  CHECK(pv.at("childVerdict") == "ok");
  CHECK_FALSE(pv.contains("noise"));
  CHECK(test::onlyTask(*e, parent.id).elementId == "after");
}

TEST_CASE(
    "engine: a BPMN error raised two levels down is caught at the top call activity, cancelling a call activity stops "
    "its children") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  auto e = test::openEngine(db, clock);
  e->deploy(processDoc("grandchild",
                       "<startEvent id=\"gs\"/><userTask id=\"gtask\"/><exclusiveGateway id=\"gx\" default=\"ok\"/>"
                       "<endEvent id=\"gok\"/><endEvent id=\"gfail\"><errorEventDefinition errorRef=\"E\"/></endEvent>"
                       "<sequenceFlow id=\"1\" sourceRef=\"gs\" targetRef=\"gtask\"/><sequenceFlow id=\"2\" "
                       "sourceRef=\"gtask\" targetRef=\"gx\"/>"
                       "<sequenceFlow id=\"ok\" sourceRef=\"gx\" targetRef=\"gok\"/>"
                       "<sequenceFlow id=\"bad\" sourceRef=\"gx\" "
                       "targetRef=\"gfail\"><conditionExpression>${broken}</conditionExpression></sequenceFlow>",
                       "<error id=\"E\" errorCode=\"BROKEN\"/>"));
  e->deploy(processDoc(
      "middle",
      "<startEvent id=\"ms\"/><callActivity id=\"callGrand\" calledElement=\"grandchild\"/><endEvent id=\"me\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"ms\" targetRef=\"callGrand\"/><sequenceFlow id=\"2\" sourceRef=\"callGrand\" "
      "targetRef=\"me\"/>"));
  e->deploy(processDoc(
      "top",
      "<startEvent id=\"ts\"/><callActivity id=\"callMiddle\" calledElement=\"middle\"/><endEvent id=\"te\"/>"
      "<boundaryEvent id=\"caught\" attachedToRef=\"callMiddle\"><errorEventDefinition errorRef=\"E\"/></boundaryEvent>"
      "<boundaryEvent id=\"late\" "
      "attachedToRef=\"callMiddle\"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></"
      "boundaryEvent>"
      "<userTask id=\"repair\"/><userTask id=\"chase\"/><endEvent id=\"re\"/><endEvent id=\"ce\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"ts\" targetRef=\"callMiddle\"/><sequenceFlow id=\"2\" "
      "sourceRef=\"callMiddle\" targetRef=\"te\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"caught\" targetRef=\"repair\"/><sequenceFlow id=\"4\" sourceRef=\"repair\" "
      "targetRef=\"re\"/>"
      "<sequenceFlow id=\"5\" sourceRef=\"late\" targetRef=\"chase\"/><sequenceFlow id=\"6\" sourceRef=\"chase\" "
      "targetRef=\"ce\"/>",
      "<error id=\"E\" errorCode=\"BROKEN\"/>"));
  auto tree = [&](Id root) {
    std::vector<Instance> out{e->instance(root)};
    for (std::size_t i = 0; i < out.size(); ++i) {
      InstanceQuery q;
      q.parentId = out[i].id;
      for (const auto& c : e->instances(q)) out.push_back(c);
    }
    return out;
  };
  SECTION("the error climbs to the top call activity's boundary event") {
    auto top = e->start({"top", 0, {}, "", ""});
    auto all = tree(top.id);
    REQUIRE(all.size() == 3);
    auto grand = all[2];
    CHECK(grand.definitionKey == "grandchild");
    e->completeTask(test::onlyTask(*e, grand.id).id, ordo::Actor::system(), vars({{"broken", true}}));
    CHECK(e->instance(grand.id).state == Instance::State::terminated);   // ended by its uncaught error ...
    CHECK(e->instance(all[1].id).state == Instance::State::terminated);  // ... which the middle passed on too
    CHECK(test::onlyTask(*e, top.id).elementId == "repair");
    CHECK(e->pendingJobs(top.id) == 0);  // the timer on the call activity ended with it
  }
  SECTION("an interrupting timer on the call activity terminates the whole subtree") {
    auto top = e->start({"top", 0, {}, "", ""});
    clock->advance(2 * 3600 * 1000);
    CHECK(e->runDueJobs() == 1);
    auto all = tree(top.id);
    REQUIRE(all.size() == 3);
    CHECK(all[1].state == Instance::State::terminated);
    CHECK(all[2].state == Instance::State::terminated);
    CHECK(test::onlyTask(*e, top.id).elementId == "chase");
    TaskQuery open;
    open.instanceId = all[2].id;
    CHECK(e->tasks(open).empty());
  }
  SECTION("calling a process that is not deployed fails the command and changes nothing") {
    e->deploy(processDoc("dangling",
                         "<startEvent id=\"s\"/><callActivity id=\"c\" calledElement=\"nowhere\"/>"
                         "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"c\"/>"));
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->start({"dangling", 0, {}, "", ""}));
  }
}

TEST_CASE(
    "engine: conditional events are re-evaluated when variables change, a non-interrupting one fires per change to "
    "true") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(bpmn(
      "<startEvent id=\"s\"/><userTask id=\"work\"/><endEvent id=\"e\"/><userTask id=\"alert\"/>"
      "<boundaryEvent id=\"overBudget\" attachedToRef=\"work\" cancelActivity=\"false\"><conditionalEventDefinition>"
      "<condition>${cost &gt; budget}</condition></conditionalEventDefinition></boundaryEvent>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"work\"/><sequenceFlow id=\"2\" sourceRef=\"work\" "
      "targetRef=\"e\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"overBudget\" targetRef=\"alert\"/>"));
  auto inst = e->start({"p", 0, vars({{"budget", 100}}), "", ""});  // cost unknown yet: false, not an error
  auto alerts = [&] { return e->countTasks({.instanceId = inst.id, .elementId = "alert"}); };
  CHECK(alerts() == 0);
  e->setVariables(inst.id, vars({{"cost", 150}}));
  CHECK(alerts() == 1);
  e->setVariables(inst.id, vars({{"cost", 160}}));  // still true: no new alert
  CHECK(alerts() == 1);
  e->setVariables(inst.id, vars({{"cost", 50}}));
  e->setVariables(inst.id, vars({{"cost", 170}}));  // false, then true again: a second alert
  CHECK(alerts() == 2);
  CHECK(e->countTasks({.instanceId = inst.id, .elementId = "work"}) == 1);  // the activity was not interrupted
}

TEST_CASE(
    "engine: compensation runs the handlers of completed activities, newest first, also inside a completed "
    "subprocess") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/>"
           "<userTask id=\"book\"/><boundaryEvent id=\"cb\" "
           "attachedToRef=\"book\"><compensateEventDefinition/></boundaryEvent>"
           "<userTask id=\"unbook\" isForCompensation=\"true\"/><association id=\"a1\" sourceRef=\"cb\" "
           "targetRef=\"unbook\"/>"
           "<subProcess id=\"sp\"><startEvent id=\"ss\"/><userTask id=\"charge\"/><endEvent id=\"se\"/>"
           "<boundaryEvent id=\"cc\" attachedToRef=\"charge\"><compensateEventDefinition/></boundaryEvent>"
           "<userTask id=\"refund\" isForCompensation=\"true\"/><association id=\"a2\" sourceRef=\"cc\" "
           "targetRef=\"refund\"/>"
           "<sequenceFlow id=\"i1\" sourceRef=\"ss\" targetRef=\"charge\"/><sequenceFlow id=\"i2\" "
           "sourceRef=\"charge\" targetRef=\"se\"/></subProcess>"
           "<exclusiveGateway id=\"ok\" default=\"fine\"/><intermediateThrowEvent "
           "id=\"undo\"><compensateEventDefinition/></intermediateThrowEvent>"
           "<userTask id=\"afterUndo\"/><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"book\"/><sequenceFlow id=\"2\" sourceRef=\"book\" "
           "targetRef=\"sp\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"sp\" targetRef=\"ok\"/><sequenceFlow id=\"fine\" sourceRef=\"ok\" "
           "targetRef=\"e\"/>"
           "<sequenceFlow id=\"bad\" sourceRef=\"ok\" "
           "targetRef=\"undo\"><conditionExpression>${failed}</conditionExpression></sequenceFlow>"
           "<sequenceFlow id=\"4\" sourceRef=\"undo\" targetRef=\"afterUndo\"/><sequenceFlow id=\"5\" "
           "sourceRef=\"afterUndo\" targetRef=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  e->completeTask(test::onlyTask(*e, inst.id).id);  // book
  e->completeTask(test::onlyTask(*e, inst.id).id, ordo::Actor::system(),
                  vars({{"failed", true}}));  // charge, then the gateway
  // The throw event waits for both handlers; they run newest first, so refund before unbook.
  TaskQuery q;
  q.instanceId = inst.id;
  auto open = e->tasks(q);
  REQUIRE(open.size() == 2);
  std::vector<std::string> created;
  for (const auto& h : e->history(inst.id))
    if (h.kind == "compensation_started") created.push_back(h.elementId);
  CHECK(created == std::vector<std::string>{"refund", "unbook"});
  auto waiting = e->waitingAt(inst.id);
  std::sort(waiting.begin(), waiting.end());
  CHECK(waiting == std::vector<std::string>{"refund", "unbook", "undo"});  // the throw event waits for the handlers
  for (const auto& t : open) e->completeTask(t.id);
  CHECK(test::onlyTask(*e, inst.id).elementId == "afterUndo");
  e->completeTask(test::onlyTask(*e, inst.id).id);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
  // Without a failure nothing is compensated.
  auto fine = e->start({"p", 0, {}, "", ""});
  e->completeTask(test::onlyTask(*e, fine.id).id);
  e->completeTask(test::onlyTask(*e, fine.id).id, ordo::Actor::system(), vars({{"failed", false}}));
  CHECK(e->instance(fine.id).state == Instance::State::completed);
}

TEST_CASE("engine: timer start events start instances on their cycle, a new version replaces the old timer") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  auto e = test::openEngine(db, clock);
  auto model = [](const std::string& cycle) {
    return bpmn("<startEvent id=\"every\"><timerEventDefinition><timeCycle>" + cycle +
                "</timeCycle></timerEventDefinition></startEvent><userTask id=\"check\"/>"
                "<sequenceFlow id=\"1\" sourceRef=\"every\" targetRef=\"check\"/>");
  };
  e->deploy(model("R3/PT1H"));
  auto count = [&] { return e->instances({.limit = 1000}).size(); };
  CHECK(e->runDueJobs() == 0);
  for (int hour = 1; hour <= 5; ++hour) {
    clock->advance(3600 * 1000);
    e->runDueJobs();
  }
  CHECK(count() == 3);  // R3: three times, then no more
  e->deploy(model("R/PT30M"));
  clock->advance(30 * 60 * 1000);
  CHECK(e->runDueJobs() == 1);
  CHECK(count() == 4);
  CHECK(e->instances({.limit = 1})[0].definitionVersion == 2);
  REQUIRE_THROWS_AS(e->deploy(model("every hour")), Error);
}

TEST_CASE("engine: boundary events on a multi-instance body and on a subprocess take the whole activity") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  auto e = test::openEngine(db, clock);
  e->deploy(bpmn(
      "<startEvent id=\"s\"/><userTask id=\"sign\" flowable:assignee=\"${signer}\"><multiInstanceLoopCharacteristics "
      "flowable:collection=\"${signers}\" flowable:elementVariable=\"signer\"/></userTask>"
      "<boundaryEvent id=\"deadline\" "
      "attachedToRef=\"sign\"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></"
      "boundaryEvent>"
      "<subProcess id=\"review\"><startEvent id=\"rs\"/><userTask id=\"r1\"/><userTask id=\"r2\"/><parallelGateway "
      "id=\"rf\"/>"
      "<sequenceFlow id=\"r0\" sourceRef=\"rs\" targetRef=\"rf\"/><sequenceFlow id=\"ra\" sourceRef=\"rf\" "
      "targetRef=\"r1\"/>"
      "<sequenceFlow id=\"rb\" sourceRef=\"rf\" targetRef=\"r2\"/></subProcess>"
      "<boundaryEvent id=\"stop\" attachedToRef=\"review\"><messageEventDefinition messageRef=\"m\"/></boundaryEvent>"
      "<endEvent id=\"e\"/><endEvent id=\"late\"/><endEvent id=\"stopped\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"sign\"/><sequenceFlow id=\"2\" sourceRef=\"sign\" "
      "targetRef=\"review\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"review\" targetRef=\"e\"/><sequenceFlow id=\"4\" sourceRef=\"deadline\" "
      "targetRef=\"late\"/>"
      "<sequenceFlow id=\"5\" sourceRef=\"stop\" targetRef=\"stopped\"/>",
      "<message id=\"m\" name=\"stop review\"/>"));
  SECTION("the timer on the multi-instance body cancels every open instance") {
    auto inst = e->start({"p", 0, vars({{"signers", boost::json::array{"a", "b", "c"}}}), "", ""});
    e->completeTask(e->tasks({.instanceId = inst.id, .assignee = "a"}).at(0).id);
    CHECK(e->countTasks({.instanceId = inst.id}) == 2);
    CHECK(e->pendingJobs(inst.id) == 1);  // one timer for the body, not one per instance
    clock->advance(25 * 3600 * 1000);
    CHECK(e->runDueJobs() == 1);
    CHECK(e->countTasks({.instanceId = inst.id}) == 0);
    CHECK(e->instance(inst.id).state == Instance::State::completed);
    auto history = e->history(inst.id);
    CHECK(std::any_of(history.begin(), history.end(),
                      [](const HistoryEntry& h) { return h.kind == "element_left" && h.elementId == "late"; }));
  }
  SECTION("a message boundary on a subprocess cancels both of its branches") {
    auto inst = e->start({"p", 0, vars({{"signers", boost::json::array{"a"}}}), "review-1", ""});
    e->completeTask(test::onlyTask(*e, inst.id).id);
    CHECK(e->countTasks({.instanceId = inst.id}) == 2);
    e->correlateMessage({"stop review", "review-1", 0, {}, ""});
    CHECK(e->countTasks({.instanceId = inst.id}) == 0);
    CHECK(e->instance(inst.id).state == Instance::State::completed);
  }
}

TEST_CASE("engine: an interrupting event subprocess cancels every branch of a parallel split") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(bpmn(
      "<startEvent id=\"s\"/><parallelGateway id=\"f\"/><userTask id=\"a\"/><userTask id=\"b\"/><parallelGateway "
      "id=\"j\"/><endEvent id=\"e\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"f\"/><sequenceFlow id=\"2\" sourceRef=\"f\" targetRef=\"a\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"f\" targetRef=\"b\"/><sequenceFlow id=\"4\" sourceRef=\"a\" targetRef=\"j\"/>"
      "<sequenceFlow id=\"5\" sourceRef=\"b\" targetRef=\"j\"/><sequenceFlow id=\"6\" sourceRef=\"j\" targetRef=\"e\"/>"
      "<subProcess id=\"abort\" triggeredByEvent=\"true\"><startEvent id=\"as\"><signalEventDefinition "
      "signalRef=\"sig\"/></startEvent>"
      "<userTask id=\"cleanup\"/><endEvent id=\"ae\"/>"
      "<sequenceFlow id=\"a1\" sourceRef=\"as\" targetRef=\"cleanup\"/><sequenceFlow id=\"a2\" sourceRef=\"cleanup\" "
      "targetRef=\"ae\"/></subProcess>",
      "<signal id=\"sig\" name=\"abort all\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  CHECK(e->countTasks({.instanceId = inst.id}) == 2);
  CHECK(e->broadcastSignal("nobody listens to this") == 0);  // a signal without receivers is fine
  CHECK(e->broadcastSignal("abort all") == 1);
  auto t = test::onlyTask(*e, inst.id);
  CHECK(t.elementId == "cleanup");
  e->completeTask(t.id);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->broadcastSignal(""));
}

TEST_CASE("engine: a message sent before anyone waits is buffered when asked, and received by the first waiter") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(bpmn(
      "<startEvent id=\"s\"/><userTask id=\"prepare\"/><receiveTask id=\"wait\" messageRef=\"m\"/><endEvent id=\"e\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"prepare\"/><sequenceFlow id=\"2\" sourceRef=\"prepare\" "
      "targetRef=\"wait\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"wait\" targetRef=\"e\"/>",
      "<message id=\"m\" name=\"goods arrived\"/>"));
  auto a = e->start({"p", 0, {}, "order-a", ""});
  auto b = e->start({"p", 0, {}, "order-b", ""});
  // Not buffered: nobody waits yet, an error.
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->correlateMessage({"goods arrived", "order-b", 0, {}, ""}));
  MessageCorrelation m{"goods arrived", "order-b", 0, {{"crates", 3}}, ""};
  m.buffer = true;
  CHECK(e->correlateMessage(m).id == 0);
  e->completeTask(test::onlyTask(*e, a.id).id);  // a waits now, but the message was for order-b
  CHECK(e->instance(a.id).state == Instance::State::running);
  e->completeTask(test::onlyTask(*e, b.id).id);  // b waits and gets it at once
  CHECK(e->instance(b.id).state == Instance::State::completed);
  CHECK(e->variables(b.id).at("crates") == 3);
}

namespace {
// A VFS over "unix" that counts fsyncs of write-ahead logs (made the default while it lives).
struct WalSyncCounter {
  struct File {
    sqlite3_file base;
    sqlite3_file* real;
    bool wal, main;
  };
  static inline std::atomic<int> syncs{0}, walWrites{0};
  // The threads that wrote a main database file (a checkpoint copies the log into it).
  static inline std::mutex mainWritersMutex;
  static inline std::set<std::thread::id> mainWriters;
  static inline sqlite3_vfs* base = nullptr;
  static inline sqlite3_io_methods methods{};
  sqlite3_vfs vfs{};

  static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }
  static int open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out) {
    auto* file = reinterpret_cast<File*>(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    file->wal = (flags & SQLITE_OPEN_WAL) != 0;
    file->main = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    int rc = base->xOpen(base, name, file->real, flags, out);
    file->base.pMethods = file->real->pMethods ? &methods : nullptr;
    return rc;
  }
  WalSyncCounter() {
    base = sqlite3_vfs_find("unix");
    vfs = *base;
    vfs.zName = "count-wal-syncs";
    vfs.szOsFile = static_cast<int>(sizeof(File)) + base->szOsFile;
    vfs.xOpen = open;
    methods = sqlite3_io_methods{};
    methods.iVersion = 3;
    methods.xClose = [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); };
    methods.xRead = [](sqlite3_file* f, void* p, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), p, n, o); };
    methods.xWrite = [](sqlite3_file* f, const void* p, int n, sqlite3_int64 o) {
      if (reinterpret_cast<File*>(f)->wal) ++walWrites;
      if (reinterpret_cast<File*>(f)->main) {
        std::lock_guard lock(mainWritersMutex);
        mainWriters.insert(std::this_thread::get_id());
      }
      return real(f)->pMethods->xWrite(real(f), p, n, o);
    };
    methods.xTruncate = [](sqlite3_file* f, sqlite3_int64 n) { return real(f)->pMethods->xTruncate(real(f), n); };
    methods.xSync = [](sqlite3_file* f, int flags) {
      if (reinterpret_cast<File*>(f)->wal) ++syncs;
      return real(f)->pMethods->xSync(real(f), flags);
    };
    methods.xFileSize = [](sqlite3_file* f, sqlite3_int64* n) { return real(f)->pMethods->xFileSize(real(f), n); };
    methods.xLock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); };
    methods.xUnlock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); };
    methods.xCheckReservedLock = [](sqlite3_file* f, int* r) { return real(f)->pMethods->xCheckReservedLock(real(f), r); };
    methods.xFileControl = [](sqlite3_file* f, int op, void* a) { return real(f)->pMethods->xFileControl(real(f), op, a); };
    methods.xSectorSize = [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); };
    methods.xDeviceCharacteristics = [](sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); };
    methods.xShmMap = [](sqlite3_file* f, int i, int n, int w, void volatile** p) {
      return real(f)->pMethods->xShmMap(real(f), i, n, w, p);
    };
    methods.xShmLock = [](sqlite3_file* f, int o, int n, int fl) { return real(f)->pMethods->xShmLock(real(f), o, n, fl); };
    methods.xShmBarrier = [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); };
    methods.xShmUnmap = [](sqlite3_file* f, int d) { return real(f)->pMethods->xShmUnmap(real(f), d); };
    methods.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return real(f)->pMethods->xFetch(real(f), o, n, p); };
    methods.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) { return real(f)->pMethods->xUnfetch(real(f), o, p); };
    sqlite3_vfs_register(&vfs, 1);
  }
  ~WalSyncCounter() {
    sqlite3_vfs_unregister(&vfs);
    sqlite3_vfs_register(base, 1);
  }
};
}  // namespace

TEST_CASE("engine: the log is checkpointed concurrently, off the command path, and a writer that never pauses keeps it bounded",
          "[sqlite]") {
  WalSyncCounter counter;
  TempDb db;
  EngineOptions o;
  o.path = db.path();
  o.durability = EngineOptions::Durability::normal;  // FULL keeps SQLite's checkpoints, in the COMMIT
  auto e = Engine::open(o);
  e->deploy(test::sample("leave-approval.bpmn"));
  {
    std::lock_guard lock(WalSyncCounter::mainWritersMutex);
    WalSyncCounter::mainWriters.clear();
  }
  // ~17 frames a command: 8,000 approvals write about 272,000 frames (280 MB), seventeen times the
  // threshold; a log that never started over would hold them all.
  std::uintmax_t largestLog = 0;
  for (int i = 0; i < 8000; ++i) {
    auto id = e->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", "m"}}), "", "emp"}).id;
    e->completeTask(test::onlyTask(*e, id).id, "m", vars({{"approved", true}}));
    if (i % 100 == 0) {
      std::error_code ec;
      largestLog = std::max(largestLog, std::filesystem::file_size(db.path() + "-wal", ec));
    }
  }
  std::set<std::thread::id> writers;
  {
    std::lock_guard lock(WalSyncCounter::mainWritersMutex);
    writers = WalSyncCounter::mainWriters;
  }
  // The database file was written (checkpoints ran), never by the thread issuing the commands.
  CHECK_FALSE(writers.empty());
  CHECK(writers.count(std::this_thread::get_id()) == 0);
  // Started over again and again: the log holds a few checkpoints' worth (the threshold and what
  // the writer adds while a checkpoint runs: ~25 MB here), not all 280 MB.
  INFO("largest log " << largestLog << " bytes");
  CHECK(largestLog > 0);
  CHECK(largestLog < 120u * 1024 * 1024);
  // A second engine reads every approval, and the file is sound.
  auto second = test::openEngine(db);
  InstanceQuery q;
  q.state = Instance::State::completed;
  q.limit = 10000;
  CHECK(second->instances(q).size() == 8000);
  CHECK(db.integrity() == "ok");
}

TEST_CASE("engine: group commit under FULL: each command waits for an fsync of the log, eight threads share them",
          "[sqlite]") {
  WalSyncCounter counter;
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  // One caller: every command's commit is followed by an fsync of the log before it returns
  // (the connection commits without one; the group commit syncs the log itself).
  WalSyncCounter::syncs = 0;
  for (int i = 0; i < 10; ++i) e->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", "m"}}), "one", ""});
  CHECK(WalSyncCounter::syncs >= 10);
  // Eight callers: batches commit while the last batch's fsync is under way; one fsync covers several.
  WalSyncCounter::syncs = 0;
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        e->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", "m"}}), "eight", ""});
        ++started;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(started == 200);
  CHECK(WalSyncCounter::syncs >= 1);
  CHECK(WalSyncCounter::syncs < 200);
  // What was acknowledged is on disk: a second engine on the file sees all of it.
  auto second = test::openEngine(db);
  CHECK(second->countTasks({.assignee = "m", .limit = 1000}) == 210);
}

TEST_CASE("engine: a command's WAL frames reach the file in one write, and a second engine reads them", "[sqlite]") {
  WalSyncCounter counter;  // the default VFS now: Ordo's gathering VFS sits on it
  auto writesPerCommand = [](bool gather) {
    if (!gather) ::setenv("ORDO_WAL_GATHER", "0", 1);
    TempDb db;
    EngineOptions o;
    o.path = db.path();
    o.durability = EngineOptions::Durability::normal;
    auto e = Engine::open(o);
    ::unsetenv("ORDO_WAL_GATHER");
    e->deploy(test::sample("leave-approval.bpmn"));
    e->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", "m"}}), "", ""});  // the log's header is written
    WalSyncCounter::walWrites = 0;
    std::vector<Id> ids;
    for (int i = 0; i < 20; ++i) ids.push_back(e->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", "m"}}), "", ""}).id);
    for (Id id : ids) e->completeTask(test::onlyTask(*e, id).id, "m", vars({{"approved", true}}));
    const double perCommand = WalSyncCounter::walWrites / 40.0;
    // What each command wrote is in the log for another connection (no checkpoint ran: 40 small commands).
    auto second = test::openEngine(db);
    for (Id id : ids) CHECK(second->instance(id).state == Instance::State::completed);
    return perCommand;
  };
  const double gathered = writesPerCommand(true), frameByFrame = writesPerCommand(false);
  INFO("WAL writes per command: gathered " << gathered << ", frame by frame " << frameByFrame);
  CHECK(gathered <= 1.5);
  CHECK(frameByFrame >= 10);
}

TEST_CASE("engine: the writer's instance cache: two engines on one file see each other's commands") {
  TempDb db;
  auto a = test::openEngine(db);
  a->deploy(test::sample("leave-approval.bpmn"));
  auto b = test::openEngine(db);
  // Engine a starts and completes the manager's task: its second command finds the instance in its cache.
  auto inst = a->start({"leaveApproval", 0, vars({{"days", 5}, {"manager", "m"}, {"director", "d"}}), "", "emp"});
  auto manager = test::onlyTask(*a, inst.id);
  CHECK(manager.elementId == "managerApproval");
  // Engine b writes the same instance: a's cached state of it is stale now.
  b->completeTask(manager.id, "m", vars({{"approved", true}}));
  auto director = test::onlyTask(*a, inst.id);
  CHECK(director.elementId == "directorApproval");
  // Engine a acts on what b wrote (the director's task), not on what it cached (the manager's).
  a->completeTask(director.id, "d", vars({{"approved", true}, {"note", "ok"}}));
  CHECK(a->instance(inst.id).state == Instance::State::completed);
  CHECK(b->instance(inst.id).state == Instance::State::completed);
  CHECK(b->variables(inst.id).at("note") == "ok");
  // And back: b completes an instance a started and last wrote, a's cache notwithstanding.
  auto second = a->start({"leaveApproval", 0, vars({{"days", 1}, {"manager", "m"}}), "", "emp"});
  auto open = test::onlyTask(*a, second.id);
  a->setVariables(second.id, vars({{"from", "a"}}));
  b->setVariables(second.id, vars({{"from", "b"}}));
  // a's next command sees b's variable (its cache held "a").
  a->completeTask(open.id, "m", vars({{"approved", false}}));
  CHECK(b->instance(second.id).state != Instance::State::running);
  CHECK(b->variables(second.id).at("from") == "b");
  CHECK_THROWS_AS(b->completeTask(open.id, "m", {}), Error);  // done: a's completion is on the file
}

TEST_CASE("engine: the writer's remembered ids and newest definitions: two engines on one file") {
  TempDb db;
  auto a = test::openEngine(db);
  auto b = test::openEngine(db);
  auto process = [](const char* name) {
    return bpmn(std::string("<startEvent id=\"s\"/><userTask id=\"") + name +
                "\" flowable:assignee=\"u\"/><sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"" + name + "\"/>");
  };
  a->deploy(process("first"));
  // a's starts remember the ids they took and the newest version of "p"; b's start between them
  // takes ids from the file and b deploys a new version: a's next start sees both.
  auto a1 = a->start({"p", 0, {}, "", ""});
  auto b1 = b->start({"p", 0, {}, "", ""});
  b->deploy(process("second"));
  auto a2 = a->start({"p", 0, {}, "", ""});
  std::set<Id> instances{a1.id, b1.id, a2.id};
  CHECK(instances.size() == 3);
  std::set<Id> tasks{test::onlyTask(*a, a1.id).id, test::onlyTask(*a, b1.id).id, test::onlyTask(*a, a2.id).id};
  CHECK(tasks.size() == 3);
  CHECK(a->instance(a2.id).definitionVersion == 2);
  CHECK(test::onlyTask(*a, a2.id).elementId == "second");
  // a's own writes of a definition: a new version, then a suspension, each seen by its next start.
  a->deploy(process("third"));
  auto a3 = a->start({"p", 0, {}, "", ""});
  CHECK(a->instance(a3.id).definitionVersion == 3);
  a->suspendDefinition(a->instance(a3.id).definitionId, true, ordo::Actor::system());
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, a->start({"p", 0, {}, "", ""}));
}


TEST_CASE("engine: ids come in reserved blocks: another engine, a reopen and a failed command take none twice") {
  TempDb db;
  auto a = test::openEngine(db);
  a->deploy(bpmn("<startEvent id=\"s\"/><userTask id=\"t\" flowable:assignee=\"u\"/>"
                 "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"t\"/>"));
  auto start = [](Engine& e) { return e.start({"p", 0, {}, "", ""}).id; };
  std::vector<Id> order;  // instance ids in commit order
  for (int i = 0; i < 3; ++i) order.push_back(start(*a));
  if (!db.postgres()) {
    // One block reserved for a's three starts: id_next was written once, past them.
    CHECK(order[1] == order[0] + 1);
    CHECK(order[2] == order[1] + 1);
    CHECK(db.scalar("SELECT instances FROM id_next") > order[2] + 1);
  }
  // b starts past a's block; a, having seen b's commit, starts past b's.
  auto b = test::openEngine(db);
  order.push_back(start(*b));
  order.push_back(start(*a));
  order.push_back(start(*b));
  // A start that fails after taking ids leaves the next start above every id committed.
  a->deploy(bpmn("<startEvent id=\"s\"/><callActivity id=\"call\" calledElement=\"missing\"/>"
                 "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"call\"/>",
                 "", "id=\"broken\" isExecutable=\"true\""));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, a->start({"broken", 0, {}, "", ""}));
  order.push_back(start(*a));
  // A reopened engine starts past the block its previous life reserved.
  a.reset();
  a = test::openEngine(db);
  order.push_back(start(*a));
  for (std::size_t i = 1; i < order.size(); ++i) CHECK(order[i] > order[i - 1]);
  // id_next never behind a table's highest id.
  if (!db.postgres()) {
    CHECK(db.scalar("SELECT count(*) FROM instances WHERE id > (SELECT instances FROM id_next)") == 0);
    CHECK(db.scalar("SELECT count(*) FROM tasks WHERE id > (SELECT tasks FROM id_next)") == 0);
  }
}
TEST_CASE("engine: the writer's instance cache forgets what a failed command saved") {
  TempDb db;
  auto e = test::openEngine(db);
  // The task's completion saves the parent, then fails starting a child that is not deployed.
  e->deploy(bpmn("<startEvent id=\"s\"/><userTask id=\"t\" flowable:assignee=\"u\"/>"
                 "<callActivity id=\"call\" calledElement=\"missing\"/><endEvent id=\"e\"/>"
                 "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"t\"/><sequenceFlow id=\"2\" sourceRef=\"t\" "
                 "targetRef=\"call\"/><sequenceFlow id=\"3\" sourceRef=\"call\" targetRef=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  auto task = test::onlyTask(*e, inst.id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->completeTask(task.id, "u", {}));
  // The task is still open, to the engine's next command too: it completes once the child exists.
  e->deploy(bpmn("<startEvent id=\"cs\"/><endEvent id=\"ce\"/><sequenceFlow id=\"c1\" sourceRef=\"cs\" targetRef=\"ce\"/>",
                 "", "id=\"missing\" isExecutable=\"true\""));
  e->completeTask(task.id, "u", {});
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}
