// The twelve defects of the engine's first shape (issue "Engine internals"), each
// through the public C++ API: every test here failed before its fix.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <boost/json/parse.hpp>
#include "engine_support.hpp"

#include "engine/dispatch.hpp"
#include "jobs/cron.hpp"
#include "jobs/iso8601.hpp"

using namespace ordo;
using test::bpmn;
using test::TempDb;

namespace {

const std::string kOneTask = bpmn(
    "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
    "<userTask id=\"t\" name=\"T\" flowable:assignee=\"alice\"/>"
    "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>",
    "", "id=\"one\" isExecutable=\"true\"");

const std::string kService = bpmn(
    "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"svc\"/>"
    "<serviceTask id=\"svc\" flowable:type=\"work\"/>"
    "<sequenceFlow id=\"f2\" sourceRef=\"svc\" targetRef=\"e\"/><endEvent id=\"e\"/>",
    "", "id=\"svcp\" isExecutable=\"true\"");

std::string admin(Engine& e) {
  e.saveUser({"root", "Root", "", {"admin"}, ""});
  return "root";
}

}  // namespace

TEST_CASE("internals 1: a listener may call back into the engine, and a throwing listener fails nothing") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kOneTask);
  e->deploy(kService);
  e->registerServiceHandler("work", [](ServiceTaskContext&) {});
  std::atomic<int> startedFromListener{0};
  std::string error;
  e->addListener([&](const HistoryEntry& h) {
    if (h.kind != "instance_started" || startedFromListener > 0) return;
    try {
      ++startedFromListener;
      e->start({"svcp"});
    } catch (const std::exception& x) {
      error = x.what();
    }
  });
  e->start({"one"});
  CHECK(error.empty());
  InstanceQuery q;
  q.definitionKey = "svcp";
  CHECK(e->instances(q).size() == 1);

  e->addListener([](const HistoryEntry&) { throw std::runtime_error("listener broke"); });
  auto inst = e->start({"one"});  // committed: the listener's failure is not the command's
  auto task = test::onlyTask(*e, inst.id);
  CHECK_NOTHROW(e->completeTask(task.id, "alice", {}));
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("internals 2: interrupt stops only the command it lands in, and never one waiting to commit") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kService);

  SECTION("an interrupt while no command runs does not stop the next one") {
    e->registerServiceHandler("work", [](ServiceTaskContext&) {});
    e->interrupt();
    CHECK(e->start({"svcp"}).state == Instance::State::completed);
  }
  SECTION("an interrupt from inside the command, after its last step, still stops it and changes nothing") {
    e->registerServiceHandler("work", [&](ServiceTaskContext&) { e->interrupt(); });
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::interrupted, e->start({"svcp"}));
  }
  SECTION("under a hail of interrupts, each stops at most one command, and every success is on disk") {
    e->deploy(kOneTask);
    e->registerServiceHandler("work", [](ServiceTaskContext&) {});
    std::atomic<bool> stop{false};
    std::atomic<int> interrupts{0}, succeeded{0}, interrupted{0}, other{0};
    std::vector<Id> acknowledged[2];
    auto worker = [&](int w) {
      for (int i = 0; i < 150; ++i) {
        try {
          acknowledged[w].push_back(e->start({w ? "svcp" : "one"}).id);
          ++succeeded;
        } catch (const Error& x) {
          ++(x.code() == ErrorCode::interrupted ? interrupted : other);
        }
      }
    };
    std::thread hammer([&] {
      while (!stop) {
        e->interrupt();
        ++interrupts;
        std::this_thread::sleep_for(std::chrono::microseconds(300));
      }
    });
    std::thread w0(worker, 0), w1(worker, 1);
    w0.join();
    w1.join();
    stop = true;
    hammer.join();
    INFO("interrupts " << interrupts << ", succeeded " << succeeded << ", interrupted " << interrupted);
    CHECK(other == 0);
    CHECK(succeeded + interrupted == 300);
    CHECK(interrupted <= interrupts);
    // Reopened from disk: every acknowledged instance is there, and nothing else.
    e.reset();
    e = test::openEngine(db);
    auto all = e->instances();
    CHECK(static_cast<int>(all.size()) == succeeded.load());
    for (const auto& ids : acknowledged)
      for (Id id : ids) CHECK_NOTHROW(e->instance(id));
  }
}

TEST_CASE("internals 3: a called instance that is terminated, rejected or invalidated ends its caller too") {
  TempDb db;
  auto e = test::openEngine(db);
  auto root = admin(*e);
  e->deploy(
      bpmn("<startEvent id=\"cs\"/><sequenceFlow id=\"c1\" sourceRef=\"cs\" targetRef=\"review\"/>"
           "<userTask id=\"review\" flowable:assignee=\"bob\"/>"
           "<sequenceFlow id=\"c2\" sourceRef=\"review\" targetRef=\"ce\"/><endEvent id=\"ce\"/>",
           "", "id=\"child\" isExecutable=\"true\""));
  e->deploy(
      bpmn("<startEvent id=\"ps\"/><sequenceFlow id=\"p1\" sourceRef=\"ps\" targetRef=\"call\"/>"
           "<callActivity id=\"call\" calledElement=\"child\"/>"
           "<sequenceFlow id=\"p2\" sourceRef=\"call\" targetRef=\"after\"/><userTask id=\"after\" "
           "flowable:assignee=\"bob\"/>"
           "<sequenceFlow id=\"p3\" sourceRef=\"after\" targetRef=\"pe\"/><endEvent id=\"pe\"/>",
           "", "id=\"parent\" isExecutable=\"true\""));
  auto childOf = [&](Id parent) {
    InstanceQuery q;
    q.parentId = parent;
    auto kids = e->instances(q);
    REQUIRE(kids.size() == 1);
    return kids[0];
  };
  SECTION("terminated") {
    auto p = e->start({"parent", 0, {}, "", "alice"});
    e->terminateInstance(childOf(p.id).id, root, "no longer needed");
    CHECK(e->instance(p.id).state == Instance::State::terminated);
    CHECK(e->tasks({.instanceId = p.id}).empty());
  }
  SECTION("rejected") {
    auto p = e->start({"parent", 0, {}, "", "alice"});
    auto child = childOf(p.id);
    e->rejectTask(test::onlyTask(*e, child.id).id, "bob");
    CHECK(e->instance(child.id).state == Instance::State::rejected);
    CHECK(e->instance(p.id).state == Instance::State::rejected);
  }
  SECTION("invalidated") {
    auto p = e->start({"parent", 0, {}, "", "alice"});
    e->invalidateInstance(childOf(p.id).id, root, "void");
    CHECK(e->instance(p.id).state == Instance::State::invalidated);
  }
}

TEST_CASE("internals 4: removing the current signer of a sequential multi-instance task opens the next one") {
  TempDb db;
  auto e = test::openEngine(db);
  auto root = admin(*e);
  e->deploy(test::sample("expense-sequential.bpmn"));
  Variables v;
  v["approvers"] = boost::json::array{"ann", "ben", "cat"};
  auto inst = e->start({"expenseSequential", 0, v, "", "emp"});
  auto first = test::onlyTask(*e, inst.id);
  REQUIRE(first.assignee == "ann");
  e->removeSigners(first.id, root, {"ann"});
  auto next = test::onlyTask(*e, inst.id);
  CHECK(next.assignee == "ben");
  e->completeTask(next.id, "ben", {});
  auto last = test::onlyTask(*e, inst.id);
  CHECK(last.assignee == "cat");
  // Removing the current and last signer completes the body.
  e->removeSigners(last.id, root, {"cat"});
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("internals 5: calledElement as an expression is compiled at deploy and chosen at run time") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"cs\"/><sequenceFlow id=\"c1\" sourceRef=\"cs\" targetRef=\"w\"/>"
           "<userTask id=\"w\" flowable:assignee=\"bob\"/>"
           "<sequenceFlow id=\"c2\" sourceRef=\"w\" targetRef=\"ce\"/><endEvent id=\"ce\"/>",
           "", "id=\"childA\" isExecutable=\"true\""));
  e->deploy(
      bpmn("<startEvent id=\"ps\"/><sequenceFlow id=\"p1\" sourceRef=\"ps\" targetRef=\"call\"/>"
           "<callActivity id=\"call\" calledElement=\"${which}\"/>"
           "<sequenceFlow id=\"p2\" sourceRef=\"call\" targetRef=\"pe\"/><endEvent id=\"pe\"/>",
           "", "id=\"dyn\" isExecutable=\"true\""));
  Variables v;
  v["which"] = "childA";
  auto p = e->start({"dyn", 0, v});
  InstanceQuery q;
  q.parentId = p.id;
  auto kids = e->instances(q);
  REQUIRE(kids.size() == 1);
  CHECK(kids[0].definitionKey == "childA");
  e->completeTask(test::onlyTask(*e, kids[0].id).id, "bob", {});
  CHECK(e->instance(p.id).state == Instance::State::completed);
  // A syntax error in it fails the deploy with the element.
  try {
    e->deploy(
        bpmn("<startEvent id=\"ps\"/><sequenceFlow id=\"p1\" sourceRef=\"ps\" targetRef=\"call\"/>"
             "<callActivity id=\"call\" calledElement=\"${which +}\"/>"
             "<sequenceFlow id=\"p2\" sourceRef=\"call\" targetRef=\"pe\"/><endEvent id=\"pe\"/>",
             "", "id=\"bad\" isExecutable=\"true\""));
    FAIL("deployed");
  } catch (const Error& x) {
    CHECK(x.code() == ErrorCode::parse_error);
  }
}

TEST_CASE("internals 6: a read from inside a service-task handler on an in-memory engine is refused, not a deadlock") {
  auto e = Engine::open({});
  e->deploy(kService);
  std::atomic<int> refused{0};
  e->registerServiceHandler("work", [&](ServiceTaskContext&) {
    try {
      e->tasks();
    } catch (const Error& x) {
      if (x.code() == ErrorCode::wrong_state) ++refused;
    }
  });
  auto done = std::async(std::launch::async, [&] { return e->start({"svcp"}); });
  if (done.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    FAIL_CHECK("deadlocked");
    std::_Exit(1);
  }
  CHECK(done.get().state == Instance::State::completed);
  CHECK(refused == 1);
}

TEST_CASE("internals 7: automatic steps that loop forever stop at the step limit and change nothing") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
           "<task id=\"t\"/><sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"g\"/>"
           "<exclusiveGateway id=\"g\"/>"
           "<sequenceFlow id=\"back\" sourceRef=\"g\" targetRef=\"t\"><conditionExpression>${true}"
           "</conditionExpression></sequenceFlow>"
           "<sequenceFlow id=\"out\" sourceRef=\"g\" targetRef=\"e\"><conditionExpression>${false}"
           "</conditionExpression></sequenceFlow><endEvent id=\"e\"/>",
           "", "id=\"spin\" isExecutable=\"true\""));
  auto began = std::chrono::steady_clock::now();
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::limit_exceeded, e->start({"spin"}));
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(30));
  // The writer is free again.
  e->deploy(kOneTask);
  CHECK(e->start({"one"}).state == Instance::State::running);
}

TEST_CASE("internals 8: a department chain with a cycle stops with an error") {
  TempDb db;
  auto e = test::openEngine(db);
  e->saveDepartment({"d1", "One", "d2", ""});
  e->saveDepartment({"d2", "Two", "d1", ""});
  e->saveUser({"emp", "Emp", "d1", {}, ""});
  e->deploy(
      bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
           "<userTask id=\"t\" ordo:assigneeRule=\"leader:3\" xmlns:ordo=\"http://ordo.dev/bpmn\"/>"
           "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>",
           "", "id=\"chain\" isExecutable=\"true\""));
  auto done = std::async(std::launch::async, [&] {
    try {
      e->start({"chain", 0, {}, "", "emp"});
      return std::string("started");
    } catch (const Error& x) {
      return std::string(toString(x.code())) + ": " + x.what();
    }
  });
  if (done.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    FAIL_CHECK("the walk never returned");
    std::_Exit(1);
  }
  auto what = done.get();
  INFO(what);
  CHECK(what.rfind("limit_exceeded", 0) == 0);
  CHECK(what.find("d1") != std::string::npos);
}

TEST_CASE("internals 9: a zero-interval cycle is refused at deploy and durations never overflow") {
  TempDb db;
  auto e = test::openEngine(db);
  auto timerStart = [](const std::string& cycle) {
    return bpmn("<startEvent id=\"s\"><timerEventDefinition><timeCycle>" + cycle +
                    "</timeCycle></timerEventDefinition></startEvent>"
                    "<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"e\"/><endEvent id=\"e\"/>",
                "", "id=\"tick\" isExecutable=\"true\"");
  };
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::parse_error, e->deploy(timerStart("R/PT0S")));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::parse_error, e->deploy(timerStart("R/PT0.1S")));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::parse_error, e->deploy(timerStart("R3/P99999999999W")));
  CHECK_THROWS_AS(jobs::parseDuration("P99999999999W"), std::invalid_argument);
  CHECK_THROWS_AS(jobs::parseDuration("PT9223372036854775807S"), std::invalid_argument);
  CHECK_THROWS_AS(jobs::addDuration(jobs::parseDateTime("2026-01-01T00:00:00Z"), jobs::parseDuration("P290000000Y")),
                  std::invalid_argument);
  auto boundary = bpmn(
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
      "<userTask id=\"t\" flowable:assignee=\"a\"/>"
      "<boundaryEvent id=\"b\" attachedToRef=\"t\"><timerEventDefinition><timeDuration>P99999999999W</timeDuration>"
      "</timerEventDefinition></boundaryEvent>"
      "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><sequenceFlow id=\"f3\" sourceRef=\"b\" "
      "targetRef=\"e\"/><endEvent id=\"e\"/>",
      "", "id=\"far\" isExecutable=\"true\"");
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::parse_error, e->deploy(boundary));
  // A cycle from an expression is checked when it is scheduled.
  e->deploy(
      bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
           "<userTask id=\"t\" flowable:assignee=\"a\"/>"
           "<boundaryEvent id=\"b\" attachedToRef=\"t\" cancelActivity=\"false\"><timerEventDefinition>"
           "<timeCycle>${cycle}</timeCycle></timerEventDefinition></boundaryEvent>"
           "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><sequenceFlow id=\"f3\" sourceRef=\"b\" "
           "targetRef=\"e2\"/><endEvent id=\"e\"/><endEvent id=\"e2\"/>",
           "", "id=\"dyncycle\" isExecutable=\"true\""));
  Variables v;
  v["cycle"] = "R/PT0S";
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->start({"dyncycle", 0, v}));
}

TEST_CASE("internals 10: fetch-and-lock does not hand out the external tasks of a suspended instance") {
  TempDb db;
  auto e = test::openEngine(db);
  auto root = admin(*e);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"x\"/>"
           "<serviceTask id=\"x\" flowable:type=\"external\" flowable:topic=\"ship\"/>"
           "<sequenceFlow id=\"f2\" sourceRef=\"x\" targetRef=\"e\"/><endEvent id=\"e\"/>",
           "", "id=\"ext\" isExecutable=\"true\""));
  auto a = e->start({"ext", 0, {}, "", "emp"});
  auto b = e->start({"ext", 0, {}, "", "emp"});
  e->suspendInstance(a.id, root);
  auto got = e->fetchAndLock("ship", "w1", 10, 60'000);
  REQUIRE(got.size() == 1);
  CHECK(got[0].instanceId == b.id);
  e->resumeInstance(a.id, root);
  auto later = e->fetchAndLock("ship", "w1", 10, 60'000);
  REQUIRE(later.size() == 1);
  CHECK(later[0].instanceId == a.id);
}

TEST_CASE("internals 11: ids are never reused, not after deleting an instance with or without its history") {
  TempDb db;
  auto e = test::openEngine(db);
  auto root = admin(*e);
  e->deploy(kOneTask);
  for (bool keepHistory : {false, true}) {
    auto old = e->start({"one", 0, {}, "", "emp"});
    auto oldTask = test::onlyTask(*e, old.id);
    e->deleteInstance(old.id, root, keepHistory);
    auto fresh = e->start({"one", 0, {}, "", "emp"});
    auto freshTask = test::onlyTask(*e, fresh.id);
    CHECK(fresh.id > old.id);
    CHECK(freshTask.id > oldTask.id);
    // A stale client holding the old task id finds nothing to complete.
    CHECK_THROWS_AS(e->completeTask(oldTask.id, "alice", {}), Error);
    CHECK(e->task(freshTask.id).state == Task::State::open);
  }
  // Across a restart too.
  Id last = 0;
  {
    auto inst = e->start({"one"});
    last = inst.id;
    e->deleteInstance(inst.id, root, false);
  }
  e.reset();
  e = test::openEngine(db);
  CHECK(e->start({"one"}).id > last);
}

TEST_CASE("internals 12: task and instance queries are not capped silently, limit 0 means all") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kOneTask);
  for (int i = 0; i < 130; ++i) e->start({"one"});
  CHECK(e->tasks().size() == 130);
  CHECK(e->instances().size() == 130);
  TaskQuery all;
  all.limit = 0;
  CHECK(e->tasks(all).size() == 130);
  InstanceQuery page;
  page.limit = 20;
  page.offset = 120;
  CHECK(e->instances(page).size() == 10);
  TaskQuery bad;
  bad.limit = -5;
  CHECK_THROWS_AS(e->tasks(bad), Error);
  CHECK(e->countTasks() == 130);
}

TEST_CASE("internals: the deploy identity is the SHA-256 of the XML") {
  TempDb db;
  auto e = test::openEngine(db);
  auto d = e->deploy(kOneTask);
  const auto& hash = d.definitions.at(0).hash;
  REQUIRE(hash.size() == 64);
  CHECK(hash.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(e->deploy(kOneTask).definitions.at(0).hash == hash);
  auto changed = kOneTask;
  changed.replace(changed.find("name=\"T\""), 8, "name=\"U\"");
  CHECK(e->deploy(changed).definitions.at(0).hash != hash);
}

namespace {
std::string messageStart(const std::string& key, const std::string& message) {
  return bpmn(
      "<startEvent id=\"ms\"><messageEventDefinition messageRef=\"m\"/></startEvent>"
      "<sequenceFlow id=\"f1\" sourceRef=\"ms\" targetRef=\"t\"/><userTask id=\"t\" flowable:assignee=\"a\"/>"
      "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>",
      "<message id=\"m\" name=\"" + message + "\"/>", "id=\"" + key + "\" isExecutable=\"true\"");
}
}  // namespace

TEST_CASE("internals: message and signal start events are registered at deploy, per latest version") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(messageStart("orders", "order.placed"));
  auto first = e->correlateMessage({"order.placed"});
  CHECK(first.definitionVersion == 1);
  // A new version that starts on another message takes over: the old name starts nothing now.
  e->deploy(messageStart("orders", "order.received"));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->correlateMessage({"order.placed"}));
  CHECK(e->correlateMessage({"order.received"}).definitionVersion == 2);
  // Signals: one new instance per process.
  e->deploy(
      bpmn("<startEvent id=\"ss\"><signalEventDefinition signalRef=\"s\"/></startEvent>"
           "<sequenceFlow id=\"f1\" sourceRef=\"ss\" targetRef=\"t\"/><userTask id=\"t\" flowable:assignee=\"a\"/>"
           "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>",
           "<signal id=\"s\" name=\"alarm\"/>", "id=\"onAlarm\" isExecutable=\"true\""));
  CHECK(e->broadcastSignal("alarm") == 1);

  SECTION("definitions deployed before the registry are registered when the engine opens") {
    e.reset();
    // As a database migrated from schema 9 looks: no registrations, and the request to make them.
    REQUIRE(db.exec("DELETE FROM start_subscriptions; INSERT INTO start_subscriptions VALUES ('backfill', '', 0, '')"));
    e = test::openEngine(db);
    CHECK(e->correlateMessage({"order.received"}).definitionVersion == 2);
    CHECK(e->broadcastSignal("alarm") == 1);
  }
}

TEST_CASE("internals: operations by name refuse ids and numbers out of range instead of failing internally") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kOneTask);
  auto inst = e->start({"one"});
  auto task = test::onlyTask(*e, inst.id);
  auto run = [&](const std::string& text) { return approval::runOperation(*e, boost::json::parse(text).as_object()); };
  for (const char* bad :
       {R"({"op":"claim","user":"alice","task":18446744073709551615})", R"({"op":"claim","user":"alice","task":1.5})",
        R"({"op":"claim","user":"alice","task":-3})", R"({"op":"claim","user":"alice","task":"7"})",
        R"({"op":"entrust","user":"alice","to":"bob","from":1e300})",
        R"({"op":"entrust","user":"alice","to":"bob","until":2.5})"}) {
    INFO(bad);
    REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, run(bad));
  }
  CHECK_NOTHROW(run(R"({"op":"unclaim","user":"alice","task":)" + std::to_string(task.id) + "}"));
  CHECK(e->task(task.id).assignee.empty());
}

TEST_CASE("internals: pages say their total, in one snapshot") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kOneTask);
  for (int i = 0; i < 25; ++i) e->start({"one", 0, {}, "", "emp"});
  TaskQuery tq;
  tq.limit = 10;
  tq.offset = 20;
  auto tasks = e->taskPage(tq);
  CHECK(tasks.items.size() == 5);
  CHECK(tasks.total == 25);
  InstanceQuery iq;
  iq.limit = 7;
  auto instances = e->instancePage(iq);
  CHECK(instances.items.size() == 7);
  CHECK(instances.total == 25);
  ListQuery lq;
  lq.user = "alice";
  lq.limit = 3;
  auto todo = e->listPage(lq);
  CHECK(todo.items.size() == 3);
  CHECK(todo.total == 25);
  lq.limit = 0;
  CHECK(e->list(lq).size() == 25);
  lq.limit = 10'001;
  CHECK_THROWS_AS(e->listPage(lq), Error);
}

TEST_CASE("internals: a command given the revision a client saw fails with conflict once the instance moved on") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kOneTask);
  auto inst = e->start({"one"});
  auto seen = e->instance(inst.id).revision;
  e->setVariables(inst.id, {{"x", 1}}, seen);  // the revision the client saw: applies
  // The client still holds `seen`; the instance has moved on.
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::conflict, e->setVariables(inst.id, {{"x", 2}}, seen));
  auto task = test::onlyTask(*e, inst.id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::conflict, e->completeTask(task.id, "alice", {}, {}, seen));
  e->completeTask(task.id, "alice", {}, {}, e->instance(inst.id).revision);
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("internals: the actor is explicit: a user, an application for a user, or the system") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(kOneTask);
  auto inst = e->start({"one", 0, {}, "", "emp"});
  auto task = test::onlyTask(*e, inst.id);
  // An empty user is not the system.
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->claimTask(task.id, ""));
  CHECK_THROWS_AS(Actor::application("", "alice"), Error);
  // An application acts with its user's permissions: bob may not transfer alice's task, alice may.
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::forbidden, e->transferTask(task.id, Actor::application("crm", "bob"), "carl"));
  e->transferTask(task.id, Actor::application("crm", "alice"), "carl");
  CHECK(e->task(task.id).assignee == "carl");
  // The system is the host: an administrator's operation needs no role.
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::forbidden, e->jump(inst.id, "carl", "e"));
  e->jump(inst.id, Actor::system(), "e");
  CHECK(e->instance(inst.id).state == Instance::State::completed);
}

TEST_CASE("cron: Quartz cycles as Flowable and Camunda write them") {
  const auto at = [](const char* t) { return ordo::jobs::parseDateTime(t); };
  using ordo::jobs::nextCronTime;
  CHECK(ordo::jobs::isCron("0 0/5 * * * ?"));
  CHECK_FALSE(ordo::jobs::isCron("R3/PT10M"));
  CHECK(nextCronTime("0 0/5 * * * ?", at("2026-01-05T09:01:30Z")) == at("2026-01-05T09:05:00Z"));
  CHECK(nextCronTime("0 0/5 * * * ?", at("2026-01-05T09:05:00Z")) == at("2026-01-05T09:10:00Z"));
  CHECK(nextCronTime("0 30 8 ? * MON-FRI", at("2026-01-09T09:00:00Z")) == at("2026-01-12T08:30:00Z"));
  CHECK(nextCronTime("0 0 0 1 JAN ? 2030", at("2026-01-05T09:00:00Z")) == at("2030-01-01T00:00:00Z"));
  CHECK_THROWS_AS(ordo::jobs::checkCron("0 0 25 * * ?"), std::invalid_argument);
  CHECK_THROWS_AS(ordo::jobs::checkCron("0 0 12 L * ?"), std::invalid_argument);
  CHECK_THROWS_AS(ordo::jobs::checkCron("0 0 0 30 FEB ?"), std::invalid_argument);
}
