// Engine features the DingTalk and low-code dialects need: acting as a node's handler, the
// system actor on instance operations, standalone comments, cc at start, instance queries by
// initiator and start time, a definition's nodes, and the or-sign cancelling its other members.
#include <catch2/catch.hpp>

#include "engine_support.hpp"

using namespace ordo;
using test::TempDb;

namespace {
struct Leave {
  TempDb db;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(1'800'000'000'000);
  std::unique_ptr<Engine> e = test::openEngine(db, clock);
  Id instance = 0;
  Id task = 0;
  Leave() {
    e->deploy(test::sample("leave-approval.bpmn"));
    e->saveRole("admin", "Administrators");
    e->saveUser({"root", "Root", "", {"admin"}});
    instance = e->start({"leaveApproval", 0, {{"days", 5}, {"manager", "mary"}, {"director", "dora"}}, "", "emp"}).id;
    task = test::onlyTask(*e, instance).id;
  }
};
}  // namespace

TEST_CASE("seed features: invalidate, terminate and suspend as the handler of a node") {
  Leave f;
  auto& e = *f.e;
  // The node's handler may; the initiator, acting at a node, is not its handler.
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.invalidateInstance(f.instance, "emp", "x", "managerApproval"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.suspendInstance(f.instance, "eve", "managerApproval"));
  // A node where it does not wait is refused, for the system too.
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state,
                          e.invalidateInstance(f.instance, "mary", "x", "directorApproval"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state,
                          e.terminateInstance(f.instance, Actor::system(), "x", "nowhere"));
  // Without a node the handler is not the initiator: refused as before.
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.invalidateInstance(f.instance, "mary", "x"));
  e.suspendInstance(f.instance, "mary", "managerApproval");
  CHECK(e.instance(f.instance).state == Instance::State::suspended);
  e.resumeInstance(f.instance, "emp");
  e.invalidateInstance(f.instance, "mary", "duplicate request", "managerApproval");
  CHECK(e.instance(f.instance).state == Instance::State::invalidated);
  CHECK(e.task(f.task).state == Task::State::cancelled);
  auto ops = e.operations(f.instance);
  CHECK(ops.back().action == "invalidate");
  CHECK(ops.back().actor == "mary");
  CHECK(ops.back().comment == "duplicate request");
}

TEST_CASE("seed features: the system terminates, recorded with no user") {
  Leave f;
  auto& e = *f.e;
  e.terminateInstance(f.instance, Actor::system(), "by the system", "managerApproval");
  CHECK(e.instance(f.instance).state == Instance::State::terminated);
  auto ops = e.operations(f.instance);
  CHECK(ops.back().action == "terminate");
  CHECK(ops.back().actor.empty());
}

TEST_CASE("seed features: standalone comments") {
  Leave f;
  auto& e = *f.e;
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.addComment(f.instance, "emp", ""));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.addComment(f.instance, "eve", "hello"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.addComment(424242, "emp", "hello"));
  e.addComment(f.instance, "emp", "please hurry");
  e.addComment(f.instance, "mary", "looking at it");
  e.addComment(f.instance, "root", "admin note");
  auto ops = e.operations(f.instance);
  REQUIRE(ops.size() == 4);  // start, then the three comments
  CHECK(ops[1].action == "comment");
  CHECK(ops[1].actor == "emp");
  CHECK(ops[1].comment == "please hurry");
  CHECK(ops[2].actor == "mary");
  CHECK(ops[3].actor == "root");
  // An ended instance takes no comment.
  e.completeTask(f.task, "mary", {{"approved", false}});
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.addComment(f.instance, "emp", "late"));
}

TEST_CASE("seed features: cc at start, and instance queries by initiator and start time") {
  Leave f;
  auto& e = *f.e;
  f.clock->advance(60'000);
  StartRequest r{"leaveApproval", 0, {{"days", 1}, {"manager", "mary"}}, "", "zoe"};
  r.cc = {"hr", "boss"};
  auto second = e.start(r);
  CHECK(e.inbox("hr").size() == 1);
  CHECK(e.inbox("hr")[0].type == "cc");
  CHECK(e.lists("boss").cc == 1);
  auto ops = e.operations(second.id);
  REQUIRE(ops.size() == 2);
  CHECK(ops[0].action == "start");
  CHECK(ops[1].action == "cc");
  CHECK(ops[1].targets == std::vector<std::string>{"hr", "boss"});
  InstanceQuery q;
  q.initiator = "zoe";
  auto mine = e.instances(q);
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].id == second.id);
  q.initiator.clear();
  q.startedFrom = 1'800'000'000'000 + 1;
  CHECK(e.instances(q).size() == 1);
  q.startedFrom = 0;
  q.startedTo = 1'800'000'000'000;
  REQUIRE(e.instances(q).size() == 1);
  CHECK(e.instances(q)[0].id == f.instance);
  CHECK(e.instancePage(q).total == 1);
}

TEST_CASE("seed features: a definition's nodes") {
  Leave f;
  auto& e = *f.e;
  auto d = e.definitions().at(0);
  auto nodes = e.definitionNodes(d.id);
  REQUIRE(nodes.size() == 8);
  CHECK(nodes[0].id == "start");
  CHECK(nodes[1].id == "managerApproval");
  CHECK(nodes[1].kind == "userTask");
  CHECK(nodes[1].name == "Manager approval (经理审批)");
  CHECK_THROWS_AS(e.definitionNodes(424242), Error);
}

TEST_CASE("seed features: an or-sign cancels the other members' tasks") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("or-sign.bpmn"));
  auto inst = e->start({"orSign", 0, {{"approvers", boost::json::array{"mary", "max", "mo"}}}, "", "boss"});
  auto open = e->tasks({inst.id});
  REQUIRE(open.size() == 3);
  e->completeTask(open[1].id, "max");
  CHECK(e->instance(inst.id).state == Instance::State::completed);
  TaskQuery all;
  all.instanceId = inst.id;
  all.includeFinished = true;
  int cancelled = 0, completed = 0;
  for (const auto& t : e->tasks(all)) {
    if (t.state == Task::State::cancelled) ++cancelled;
    if (t.state == Task::State::completed) ++completed;
  }
  CHECK(completed == 1);
  CHECK(cancelled == 2);
}

TEST_CASE("seed features: work driven from outside, with todo groups and their batch cancel") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->saveWorkTemplate({"", "", "", "", "[]"}));
  auto code = e->saveWorkTemplate({"", "请假", "leave, mirrored", "", "[]"});
  CHECK(code.rfind("PROC-", 0) == 0);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::conflict, e->saveWorkTemplate({"", "请假", "again", "", "[]"}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->saveWorkTemplate({"PROC-NONE", "x", "", "", "[]"}));
  CHECK(e->saveWorkTemplate({code, "请假", "renamed description", "", "[]"}) == code);
  CHECK(e->workTemplateByName("", "请假")->description == "renamed description");
  CHECK_FALSE(e->workTemplateByName("other", "请假"));

  WorkRecord r;
  r.templateCode = code;
  r.originator = "emp";
  r.form = {{"days", "2"}};
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->createWorkRecord([&] {
    auto x = r;
    x.templateCode = "PROC-NONE";
    return x;
  }()));
  auto bpmn = e->start({"leaveApproval", 0, {{"days", 1}, {"manager", "mary"}}, "", "emp"});
  Id id = e->createWorkRecord(r);
  CHECK(id > bpmn.id);  // one id space with BPMN instances
  CHECK_THROWS_AS(e->instance(id), Error);
  CHECK(e->workRecord(id).title == "请假");
  CHECK(e->workRecord(id).form.at("days") == "2");

  auto firstStep = e->createWorkTodos(id, "step1", "经理审批", {{"mary", "u1"}, {"max", "u2"}, {"mo", "u3"}});
  REQUIRE(firstStep.size() == 3);
  CHECK(e->lists("max").todo == 1);
  CHECK(e->lists("mary").todo == 2);  // her BPMN task and her work todo: one todo count
  CHECK(e->inbox("max").at(0).type == "todo");
  CHECK(e->inbox("max").at(0).taskId == firstStep[1].id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->createWorkTodos(id, "g", "x", {}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->createWorkTodos(424242, "g", "x", {{"a", ""}}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->updateWorkTodo(id, bpmn.id, "completed", "agree"));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->updateWorkTodo(id, firstStep[0].id, "done", "agree"));
  // 或签: max agrees; the group's other todos are cancelled, the completed one stays.
  e->updateWorkTodo(id, firstStep[1].id, "completed", "agree");
  auto other = e->createWorkTodos(id, "step2", "总监审批", {{"dora", ""}});
  CHECK(e->cancelWorkTodoGroups(id, {"step1", "nothing"}) == 2);
  auto todos = e->workTodos(id);
  REQUIRE(todos.size() == 4);
  CHECK(todos[0].state == Task::State::cancelled);
  CHECK(todos[1].state == Task::State::completed);
  CHECK(todos[1].result == "agree");
  CHECK(todos[2].state == Task::State::cancelled);
  CHECK(todos[3].state == Task::State::open);  // another group
  CHECK(e->lists("mo").todo == 0);
  // In the same lists as BPMN tasks: todo, done, started, newest first, with the template as process.
  ListQuery todo;
  todo.user = "dora";
  auto doraTodo = e->list(todo);
  REQUIRE(doraTodo.size() == 1);
  CHECK(doraTodo[0].instance.id == id);
  CHECK(doraTodo[0].instance.definitionKey == code);
  CHECK(doraTodo[0].processName == "请假");
  CHECK(doraTodo[0].task.id == other[0].id);
  CHECK(doraTodo[0].task.elementId == "step2");
  CHECK(doraTodo[0].task.name == "总监审批");
  todo.user = "mary";
  CHECK(e->count(todo) == 1);  // her BPMN task; her work todo was cancelled
  todo.processKey = code;
  CHECK(e->count(todo) == 0);
  ListQuery done;
  done.user = "max";
  done.type = "done";
  REQUIRE(e->list(done).size() == 1);
  CHECK(e->list(done)[0].task.completedBy == "max");
  CHECK(e->lists("max").done == 1);
  ListQuery started;
  started.user = "emp";
  started.type = "started";
  auto mine = e->list(started);
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].instance.id == id);  // newest first, across both kinds
  CHECK(mine[1].instance.id == bpmn.id);
  CHECK(e->count(started) == 2);
  CHECK(e->lists("emp").started == 2);
  started.category = "http://ordo.dev/samples";
  CHECK(e->count(started) == 1);
  CHECK(e->userWorkTodos("mo", false, 0, 10).total == 1);
  CHECK(e->userWorkTodos("dora", true, 0, 10).items.at(0).id == other[0].id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->updateWorkTodo(id, firstStep[0].id, "completed", ""));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->cancelWorkTodoGroups(id, {}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->updateWorkRecord(id, "running", "", false));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->deleteWorkTemplate(code, false));
  e->updateWorkRecord(id, "completed", "agree", true);
  CHECK(e->workRecord(id).state == Instance::State::completed);
  CHECK(e->workTodos(id)[3].state == Task::State::cancelled);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->updateWorkRecord(id, "terminated", "", false));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->createWorkTodos(id, "g", "x", {{"a", ""}}));
  e->deleteWorkTemplate(code, false);
  CHECK_FALSE(e->workTemplate(code));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->deleteWorkTemplate(code, true));
}
