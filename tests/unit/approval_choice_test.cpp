// Approval features WeDa's API needs, through the C++ API: the two-phase next-approver choice,
// urging a whole instance against the daily limit, withdraw offered exactly when it succeeds,
// rejections in the done list, the canvas's per-approver actions.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "engine/dispatch.hpp"
#include "engine_support.hpp"

using namespace ordo;
using test::TempDb;

namespace {
constexpr std::int64_t kDay = 24LL * 3600 * 1000;

// first (ann) -> next (chosen from bo, cy) -> last (dan)
std::string choiceModel() {
  return test::bpmn(
      "<startEvent id=\"s\"/><userTask id=\"first\" flowable:assignee=\"ann\"/>"
      "<exclusiveGateway id=\"g\"/>"
      "<userTask id=\"next\" ordo:assigneeRule=\"chosen\" ordo:chooseFrom=\"bo, cy\"/>"
      "<userTask id=\"last\" flowable:assignee=\"dan\"/><endEvent id=\"e\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"first\"/>"
      "<sequenceFlow id=\"2\" sourceRef=\"first\" targetRef=\"g\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"g\" targetRef=\"next\"/>"
      "<sequenceFlow id=\"4\" name=\"on\" sourceRef=\"next\" targetRef=\"last\"/>"
      "<sequenceFlow id=\"5\" sourceRef=\"last\" targetRef=\"e\"/>",
      "", "id=\"p\" isExecutable=\"true\" xmlns:ordo=\"http://ordo.dev/bpmn\"");
}
}  // namespace

TEST_CASE("approval: the next approvers chosen in two phases") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(choiceModel());
  auto inst = e->start({"p", 0, {}, "", "emp"});
  auto first = test::onlyTask(*e, inst.id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::forbidden, e->completeOrChoose(first.id, "eve", {{"x", 1}}));
  // Phase one: nothing moves; one choice per candidate.
  auto choices = e->completeOrChoose(first.id, "ann", {{"x", 1}}, "ok");
  REQUIRE(choices.size() == 2);
  CHECK(choices[0].user == "bo");
  CHECK(choices[1].user == "cy");
  CHECK(choices[0].node == "next");
  CHECK(choices[0].taskId == first.id);
  CHECK(choices[0].id != choices[1].id);
  CHECK(e->task(first.id).state == Task::State::open);
  CHECK(e->approverChoice(choices[1].id).user == "cy");
  // Asking again replaces the earlier choices.
  auto again = e->completeOrChoose(first.id, "ann", {{"x", 2}}, "ok");
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->submitChoices({choices[0].id}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->submitChoices({4242}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->submitChoices({}));
  // Phase two: the task completes as ann, with phase one's variables and cy as the approver.
  e->submitChoices({again[1].id});
  CHECK(e->task(first.id).state == Task::State::completed);
  CHECK(e->task(first.id).completedBy == "ann");
  auto next = test::onlyTask(*e, inst.id);
  CHECK(next.elementId == "next");
  CHECK(next.assignee == "cy");
  CHECK(e->variables(inst.id).at("x").as_int64() == 2);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->submitChoices({again[0].id}));  // used up
  // A completion whose next node does not choose completes at once and returns none.
  CHECK(e->completeOrChoose(next.id, "cy").empty());
  CHECK(test::onlyTask(*e, inst.id).elementId == "last");
}

TEST_CASE("approval: a chosen node without candidates refuses the completion") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      test::bpmn("<startEvent id=\"s\"/><userTask id=\"first\" flowable:assignee=\"ann\"/>"
                 "<userTask id=\"next\" ordo:assigneeRule=\"chosen\"/><endEvent id=\"e\"/>"
                 "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"first\"/>"
                 "<sequenceFlow id=\"2\" sourceRef=\"first\" targetRef=\"next\"/>"
                 "<sequenceFlow id=\"3\" sourceRef=\"next\" targetRef=\"e\"/>",
                 "", "id=\"p\" isExecutable=\"true\" xmlns:ordo=\"http://ordo.dev/bpmn\""));
  auto inst = e->start({"p", 0, {}, "", "emp"});
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->completeOrChoose(test::onlyTask(*e, inst.id).id, "ann"));
}

TEST_CASE("approval: urging an instance, three times a task a UTC day") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'800'000'000'000 - 1'800'000'000'000 % kDay + 3600 * 1000);
  auto e = test::openEngine(db, clock);
  e->deploy(test::sample("or-sign.bpmn"));
  auto inst = e->start({"orSign", 0, {{"approvers", boost::json::array{"ann", "bo"}}}, "", "emp"});
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::forbidden, e->urgeInstance(inst.id, "ann"));
  for (int i = 0; i < 3; ++i) e->urgeInstance(inst.id, "emp");
  CHECK(e->inbox("ann", false, 0, 100, "urge").size() == 3);
  CHECK(e->inbox("bo", false, 0, 100, "urge").size() == 3);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::limit_exceeded, e->urgeInstance(inst.id, "emp"));
  // 22 hours on it is still the same day; at midnight the count starts again.
  clock->advance(22 * 3600 * 1000);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::limit_exceeded, e->urgeInstance(inst.id, "emp"));
  clock->advance(3600 * 1000);
  e->urgeInstance(inst.id, "emp");
  CHECK(e->inbox("ann", false, 0, 100, "urge").size() == 4);
  // One task over its limit urges none: ann's task was urged alone twice more today.
  TaskQuery q;
  q.instanceId = inst.id;
  q.assignee = "ann";
  auto ann = e->tasks(q).at(0);
  e->urgeTask(ann.id, "emp");
  e->urgeTask(ann.id, "emp");
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::limit_exceeded, e->urgeInstance(inst.id, "emp"));
  // Or-sign: ann decides, bo's task is cancelled without bo acting.
  e->completeTask(ann.id, "ann");
  q.assignee = "bo";
  q.includeFinished = true;
  auto bo = e->tasks(q).at(0);
  CHECK(bo.state == Task::State::cancelled);
  CHECK(bo.completedBy.empty());
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->urgeInstance(inst.id, "emp"));  // completed
}

TEST_CASE("approval: withdraw is offered exactly when it would succeed") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(choiceModel());
  auto has = [](const InstanceDetail& d, const char* a) {
    return std::find(d.allowedActions.begin(), d.allowedActions.end(), a) != d.allowedActions.end();
  };
  auto inst = e->start({"p", 0, {}, "", "emp"});
  CHECK(e->mayWithdraw(inst.id, "emp"));
  CHECK(has(e->instanceDetail(inst.id, "emp"), "withdraw"));
  CHECK_FALSE(e->mayWithdraw(inst.id, "ann"));
  auto first = test::onlyTask(*e, inst.id);
  e->completeTask(first.id, "ann", {{"ordoNextApprovers", boost::json::object{{"next", "bo"}}}});
  // ann acted: the initiator may no longer withdraw, ann may (bo has not acted).
  CHECK_FALSE(e->mayWithdraw(inst.id, "emp"));
  CHECK_FALSE(has(e->instanceDetail(inst.id, "emp"), "withdraw"));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->withdraw(inst.id, "emp"));
  CHECK(e->mayWithdraw(inst.id, "ann"));
  CHECK(has(e->instanceDetail(inst.id, "ann"), "withdraw"));
  e->withdraw(inst.id, "ann");
  CHECK(test::onlyTask(*e, inst.id).elementId == "first");
  e->completeTask(test::onlyTask(*e, inst.id).id, "ann", {{"ordoNextApprovers", boost::json::object{{"next", "bo"}}}});
  e->completeTask(test::onlyTask(*e, inst.id).id, "bo");
  // bo acted after ann: ann may not withdraw any more, and is not offered it.
  CHECK_FALSE(e->mayWithdraw(inst.id, "ann"));
  CHECK_FALSE(has(e->instanceDetail(inst.id, "ann"), "withdraw"));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->withdraw(inst.id, "ann"));
}

TEST_CASE("approval: a rejection or a return is in the done list of who did it") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(choiceModel());
  auto inst = e->start({"p", 0, {}, "", "emp"});
  auto first = test::onlyTask(*e, inst.id);
  e->completeTask(first.id, "ann", {{"ordoNextApprovers", boost::json::object{{"next", "bo"}}}});
  auto next = test::onlyTask(*e, inst.id);
  e->returnTask(next.id, "bo", "first", "again");
  ListQuery done;
  done.user = "bo";
  done.type = "done";
  CHECK(e->count(done) == 1);
  CHECK(e->list(done).at(0).instance.id == inst.id);
  auto back = test::onlyTask(*e, inst.id);
  e->rejectTask(back.id, "ann", {}, "no");
  CHECK(e->instance(inst.id).state == Instance::State::rejected);
  done.user = "ann";
  CHECK(e->count(done) == 2);  // the completion and the rejection
  // The canvas: each approver's action, time and comment.
  auto canvas = e->canvas(inst.id);
  for (const auto& n : canvas.nodes) {
    if (n.id == "first") {
      REQUIRE(n.processors.size() == 2);
      CHECK(n.processors[0].user == "ann");
      CHECK(n.processors[0].action == "complete");
      CHECK(n.processors[1].action == "reject");
      CHECK(n.processors[1].comment == "no");
      CHECK(n.processors[1].at > 0);
    }
    if (n.id == "next") {
      REQUIRE(n.processors.size() == 1);
      CHECK(n.processors[0].user == "bo");
      CHECK(n.processors[0].action == "return");
      CHECK(n.processors[0].comment == "again");
    }
  }
  bool named = false;
  for (const auto& edge : canvas.edges) named = named || (edge.id == "4" && edge.name == "on");
  CHECK(named);
}

TEST_CASE("approval: the canvas names a transfer's new assignee") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(choiceModel());
  auto inst = e->start({"p", 0, {}, "", "emp"});
  auto first = test::onlyTask(*e, inst.id);
  e->transferTask(first.id, "ann", "zed", "yours");
  for (const auto& n : e->canvas(inst.id).nodes)
    if (n.id == "first") {
      REQUIRE(n.processors.size() == 2);
      CHECK(n.processors[0].user == "ann");
      CHECK(n.processors[0].action == "transfer");
      CHECK(n.processors[0].to == "zed");
      CHECK(n.processors[0].comment == "yours");
      CHECK(n.processors[1].user == "zed");
      CHECK(n.processors[1].action.empty());
    }
}

TEST_CASE("query: instances by initiator, definition version and start time") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'800'000'000'000);
  auto e = test::openEngine(db, clock);
  auto v1 = e->deploy(choiceModel()).definitions.at(0);
  auto a = e->start({"p", 0, {}, "", "emp"});
  clock->advance(1000);
  auto v2 = e->deploy(choiceModel() + "<!-- v2 -->").definitions.at(0);
  REQUIRE(v2.version == 2);
  auto b = e->start({"p", 0, {}, "", "boss"});
  auto ids = [&](const InstanceQuery& q) {
    std::vector<Id> out;
    for (const auto& i : e->instances(q)) out.push_back(i.id);
    CHECK(e->instancePage(q).total == static_cast<std::int64_t>(out.size()));
    return out;
  };
  InstanceQuery q;
  q.initiator = "emp";
  CHECK(ids(q) == std::vector<Id>{a.id});
  q = {};
  q.definitionVersion = 2;
  CHECK(ids(q) == std::vector<Id>{b.id});
  q = {};
  q.definitionId = v1.id;
  CHECK(ids(q) == std::vector<Id>{a.id});
  q = {};
  q.startedFrom = a.startedAt + 1;
  CHECK(ids(q) == std::vector<Id>{b.id});
  q = {};
  q.startedTo = a.startedAt;
  CHECK(ids(q) == std::vector<Id>{a.id});
  q.initiator = "boss";
  CHECK(ids(q).empty());
}

TEST_CASE("approval: urgeInstance, completeOrChoose and submitChoices by name (ordo_operation_run)") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(choiceModel());
  auto inst = e->start({"p", 0, {}, "", "emp"});
  auto task = test::onlyTask(*e, inst.id);
  auto run = [&](const std::string& text) { return approval::runOperation(*e, boost::json::parse(text).as_object()); };
  run(R"({"op":"urgeInstance","user":"emp","instance":)" + std::to_string(inst.id) + "}");
  CHECK(e->inbox("ann", false, 0, 10, "urge").size() == 1);
  auto choices = run(R"({"op":"completeOrChoose","user":"ann","task":)" + std::to_string(task.id) + "}").as_array();
  REQUIRE(choices.size() == 2);
  CHECK(choices[1].at("user").as_string() == "cy");
  CHECK(choices[1].at("node").as_string() == "next");
  CHECK(choices[1].at("task").as_int64() == task.id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, run(R"({"op":"submitChoices","choices":["x"]})"));
  run(R"({"op":"submitChoices","choices":[)" + std::to_string(choices[0].at("id").as_int64()) + "]}");
  CHECK(test::onlyTask(*e, inst.id).assignee == "bo");
}
