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
  CHECK(e.instance(f.instance).state == "suspended");
  e.resumeInstance(f.instance, "emp");
  e.invalidateInstance(f.instance, "mary", "duplicate request", "managerApproval");
  CHECK(e.instance(f.instance).state == "invalidated");
  CHECK(e.task(f.task).state == "cancelled");
  auto ops = e.operations(f.instance);
  CHECK(ops.back().action == "invalidate");
  CHECK(ops.back().actor == "mary");
  CHECK(ops.back().comment == "duplicate request");
}

TEST_CASE("seed features: the system terminates, recorded with no user") {
  Leave f;
  auto& e = *f.e;
  e.terminateInstance(f.instance, Actor::system(), "by the system", "managerApproval");
  CHECK(e.instance(f.instance).state == "terminated");
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
  CHECK(e->instance(inst.id).state == "completed");
  TaskQuery all;
  all.instanceId = inst.id;
  all.includeFinished = true;
  int cancelled = 0, completed = 0;
  for (const auto& t : e->tasks(all)) {
    if (t.state == "cancelled") ++cancelled;
    if (t.state == "completed") ++completed;
  }
  CHECK(completed == 1);
  CHECK(cancelled == 2);
}
