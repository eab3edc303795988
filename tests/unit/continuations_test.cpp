// Runtime semantics across commands: async-after jobs per flow, compensation of what completed
// inside subprocesses and multi-instance activities, suspension of a call tree. Each survives
// closing and reopening the database between its steps.
#include <catch2/catch.hpp>

#include "engine_support.hpp"

using namespace ordo;
using test::bpmn;
using test::TempDb;

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> compensations(Engine& e, Id instance) {
  std::vector<std::string> out;
  for (const auto& h : e.history(instance))
    if (h.kind == "compensation_started") out.push_back(h.elementId + ":" + h.comment);
  return out;
}

}  // namespace

TEST_CASE("async after: a parallel fork waits in one job per outgoing flow, kept across a reopen") {
  TempDb db;
  Id id = 0;
  {
    auto e = test::openEngine(db);
    e->deploy(
        bpmn("<startEvent id=\"s\"/><parallelGateway id=\"fork\" camunda:asyncAfter=\"true\"/>"
             "<userTask id=\"a\"/><userTask id=\"b\"/>"
             "<sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"fork\"/>"
             "<sequenceFlow id=\"fa\" sourceRef=\"fork\" targetRef=\"a\"/>"
             "<sequenceFlow id=\"fb\" sourceRef=\"fork\" targetRef=\"b\"/>"));
    id = e->start({"p", 0, {}, "", ""}).id;
    CHECK(e->pendingJobs(id) == 2);
    CHECK(sorted(e->waitingAt(id)) == std::vector<std::string>{"fork", "fork"});
  }
  auto e = test::openEngine(db);
  auto jobs = e->jobs(id);
  REQUIRE(jobs.size() == 2);
  // One flow goes on in its own transaction while the other's job is not due yet.
  e->setJobDueDate(jobs[1].id, jobs[1].dueAt + 86'400'000);
  e->runDueJobs();
  CHECK(e->pendingJobs(id) == 1);
  auto waiting = sorted(e->waitingAt(id));
  CHECK((waiting == std::vector<std::string>{"a", "fork"} || waiting == std::vector<std::string>{"b", "fork"}));
  e->executeJob(jobs[1].id);
  CHECK(e->pendingJobs(id) == 0);
  CHECK(sorted(e->waitingAt(id)) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("compensation: a completed subprocess is compensated by what completed inside it, once per instance") {
  TempDb db;
  auto handlers = [](Engine& e) {
    e.registerServiceHandler("undo", [](ServiceTaskContext& c) {
      auto v = c.variables();
      auto key = "undone_" + c.elementId();
      c.setVariable(key, v.contains(key) ? v.at(key).as_int64() + 1 : 1);
    });
  };
  // A (compensable, outside) -> sub [B, a multi-instance of 3, compensable] -> gate -> compensate sub -> wait
  const std::string model = bpmn(
      "<startEvent id=\"s\"/>"
      "<serviceTask id=\"A\" camunda:expression=\"${true}\"/>"
      "<boundaryEvent id=\"cA\" attachedToRef=\"A\"><compensateEventDefinition/></boundaryEvent>"
      "<serviceTask id=\"undoA\" isForCompensation=\"true\" camunda:class=\"undo\"/>"
      "<association sourceRef=\"cA\" targetRef=\"undoA\"/>"
      "<subProcess id=\"sub\"><startEvent id=\"ss\"/>"
      "<serviceTask id=\"B\" camunda:expression=\"${true}\"><multiInstanceLoopCharacteristics isSequential=\"true\">"
      "<loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></serviceTask>"
      "<boundaryEvent id=\"cB\" attachedToRef=\"B\"><compensateEventDefinition/></boundaryEvent>"
      "<serviceTask id=\"undoB\" isForCompensation=\"true\" camunda:class=\"undo\"/>"
      "<association sourceRef=\"cB\" targetRef=\"undoB\"/><endEvent id=\"se\"/>"
      "<sequenceFlow id=\"i1\" sourceRef=\"ss\" targetRef=\"B\"/><sequenceFlow id=\"i2\" sourceRef=\"B\" "
      "targetRef=\"se\"/></subProcess>"
      "<userTask id=\"gate\"/>"
      "<intermediateThrowEvent id=\"throw\"><compensateEventDefinition activityRef=\"sub\"/></intermediateThrowEvent>"
      "<receiveTask id=\"wait\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"A\"/><sequenceFlow id=\"2\" sourceRef=\"A\" targetRef=\"sub\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"sub\" targetRef=\"gate\"/>"
      "<sequenceFlow id=\"4\" sourceRef=\"gate\" targetRef=\"throw\"/>"
      "<sequenceFlow id=\"5\" sourceRef=\"throw\" targetRef=\"wait\"/>");
  Id id = 0;
  {
    auto e = test::openEngine(db);
    handlers(*e);
    e->deploy(model);
    id = e->start({"p", 0, {}, "", ""}).id;
    CHECK(e->waitingAt(id) == std::vector<std::string>{"gate"});
  }
  auto e = test::openEngine(db);
  handlers(*e);
  e->completeTask(test::onlyTask(*e, id).id);
  CHECK(e->waitingAt(id) == std::vector<std::string>{"wait"});
  auto v = e->variables(id);
  CHECK(v.at("undone_undoB") == 3);
  CHECK_FALSE(v.contains("undone_undoA"));  // activityRef names the subprocess: A, outside it, is not compensated
  CHECK(compensations(*e, id) == std::vector<std::string>{"undoB:sub/B", "undoB:sub/B", "undoB:sub/B"});
}

TEST_CASE("suspension: suspending a caller suspends the instances its call activities started, resuming resumes them") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><userTask id=\"inner\"/><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"inner\"/>"
           "<sequenceFlow id=\"2\" sourceRef=\"inner\" targetRef=\"e\"/>",
           "", "id=\"child\" isExecutable=\"true\""));
  e->deploy(
      bpmn("<startEvent id=\"s\"/><callActivity id=\"call\" calledElement=\"child\"/><userTask id=\"after\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"call\"/>"
           "<sequenceFlow id=\"2\" sourceRef=\"call\" targetRef=\"after\"/>"));
  auto parent = e->start({"p", 0, {}, "", ""});
  InstanceQuery q;
  q.parentId = parent.id;
  auto children = e->instances(q);
  REQUIRE(children.size() == 1);
  Id child = children[0].id;

  e->suspendInstance(parent.id, Actor::system());
  CHECK(e->instance(parent.id).state == Instance::State::suspended);
  CHECK(e->instance(child).state == Instance::State::suspended);
  auto inner = test::onlyTask(*e, child);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->completeTask(inner.id));

  e->resumeInstance(parent.id, Actor::system());
  CHECK(e->instance(child).state == Instance::State::running);
  e->completeTask(inner.id);
  CHECK(e->instance(child).state == Instance::State::completed);
  CHECK(e->waitingAt(parent.id) == std::vector<std::string>{"after"});
}

TEST_CASE("boundary events: a non-interrupting signal boundary event fires each time while its activity runs") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><userTask id=\"work\"/><endEvent id=\"e\"/>"
           "<boundaryEvent id=\"alert\" attachedToRef=\"work\" cancelActivity=\"false\">"
           "<signalEventDefinition signalRef=\"sig\"/></boundaryEvent><userTask id=\"react\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"work\"/>"
           "<sequenceFlow id=\"2\" sourceRef=\"work\" targetRef=\"e\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"alert\" targetRef=\"react\"/>",
           "<signal id=\"sig\" name=\"alert\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  e->broadcastSignal("alert", {});
  e->broadcastSignal("alert", {});
  CHECK(sorted(e->waitingAt(inst.id)) == std::vector<std::string>{"react", "react", "work"});
  TaskQuery q;
  q.instanceId = inst.id;
  q.elementId = "work";
  auto work = e->tasks(q);
  REQUIRE(work.size() == 1);
  e->completeTask(work[0].id);  // the activity ends: its boundary event listens no more
  e->broadcastSignal("alert", {});
  CHECK(sorted(e->waitingAt(inst.id)) == std::vector<std::string>{"react", "react"});
}
