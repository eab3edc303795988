// Approval operations through the C++ API: each refusal names its reason and changes nothing.
#include <catch2/catch.hpp>

#include "engine_support.hpp"

using namespace ordo;
using test::TempDb;

namespace {
struct Fixture {
  TempDb db;
  std::unique_ptr<Engine> e = test::openEngine(db);
  Id instance = 0;
  Id task = 0;
  Fixture() {
    e->deploy(test::sample("leave-approval.bpmn"));
    e->saveRole("admin", "Administrators");
    e->saveUser({"root", "Root", "", {"admin"}});
    Variables v{{"days", 5}, {"manager", "mary"}, {"director", "dora"}};
    instance = e->start({"leaveApproval", 0, v, "", "emp"}).id;
    task = test::onlyTask(*e, instance).id;
  }
};
}  // namespace

TEST_CASE("approval: who may act, and refusals that change nothing") {
  Fixture f;
  auto& e = *f.e;
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.completeTask(f.task, "eve", {{"approved", true}}));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.transferTask(f.task, "eve", "eve"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.delegateTask(f.task, "eve", "x"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.terminateInstance(f.instance, "mary", "no"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.jump(f.instance, "mary", "directorApproval"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.resolveTask(f.task, "mary"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.claimTask(f.task, "mary"));  // already assigned
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.transferTask(424242, "mary", "x"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument, e.transferTask(f.task, "mary", ""));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument,
                          e.addSigners(f.task, "mary", {"x"}, signerPositionFrom("sideways")));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.addSigners(f.task, "mary", {"x"}));  // not multi-instance
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.returnTask(f.task, "mary", "directorApproval"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.returnTask(f.task, "mary", "noSuchNode"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.resumeInstance(f.instance, "emp"));  // not suspended
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.markRead(999, "mary"));
  // An administrator may.
  e.transferTask(f.task, "root", "max");
  CHECK(e.task(f.task).assignee == "max");
  auto ops = e.operations(f.instance);
  REQUIRE(ops.size() == 2);
  CHECK(ops[1].action == "transfer");
  CHECK(ops[1].actor == "root");
  CHECK(ops[1].targets == std::vector<std::string>{"max"});
}

TEST_CASE("approval: a suspended instance refuses task operations and its timers wait") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'800'000'000'000);
  auto e = test::openEngine(db, clock);
  e->deploy(test::sample("repair-work-order.bpmn"));
  auto inst = e->start({"repairWorkOrder", 0, {{"technician", "tom"}}, "", "zhang"});
  e->completeTask(test::onlyTask(*e, inst.id).id);  // dispatch, by the system
  e->suspendInstance(inst.id, "zhang");
  auto handle = test::onlyTask(*e, inst.id);
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::wrong_state, e->completeTask(handle.id, "tom", {}));
  clock->advance(5 * 3600 * 1000);
  CHECK(e->runDueJobs() == 0);  // the SLA timer is due, but the instance is suspended
  e->resumeInstance(inst.id, "zhang");
  CHECK(e->runDueJobs() == 1);
  CHECK(test::onlyTask(*e, inst.id).elementId == "escalate");
}

TEST_CASE("approval: the inbox can be paged and marked read") {
  Fixture f;
  auto& e = *f.e;
  e.ccInstance(f.instance, "emp", {"hr"});
  e.urgeTask(f.task, "emp");
  auto mary = e.inbox("mary");
  REQUIRE(mary.size() == 2);  // newest first: the urge, then the todo
  CHECK(mary[0].type == "urge");
  CHECK(mary[1].type == "todo");
  e.markRead(mary[0].id, "mary");
  CHECK(e.inbox("mary", true).size() == 1);
  CHECK(e.inbox("mary", false, 1, 1).at(0).type == "todo");
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.markRead(mary[0].id, "hr"));  // not hr's message
  CHECK(e.inbox("mary", false, 0, 100, "urge").size() == 1);
  auto counts = e.inboxCounts("mary");
  CHECK(counts["todo"] == 1);
  CHECK(counts.count("urge") == 0);  // read
  auto lists = e.lists("hr");
  CHECK(lists.cc == 1);
  CHECK(e.lists("mary").todo == 1);
  CHECK(e.lists("emp").started == 1);
}

TEST_CASE("approval: a host directory replaces the engine's own tables") {
  struct Hr : Directory {
    std::optional<User> user(const std::string& id) const override {
      if (id == "boss") return User{"boss", "Boss", "", {"admin"}};
      return std::nullopt;
    }
    std::optional<Department> department(const std::string&) const override { return std::nullopt; }
    std::vector<std::string> usersWithRole(const std::string&) const override { return {}; }
  };
  TempDb db;
  EngineOptions o;
  o.path = db.path();
  o.directory = std::make_shared<Hr>();
  auto e = Engine::open(o);
  e->deploy(test::sample("leave-approval.bpmn"));
  auto inst = e->start({"leaveApproval", 0, {{"days", 1}, {"manager", "mary"}}, "", "emp"});
  e->terminateInstance(inst.id, "boss", "an admin of the host's directory may");
  CHECK(e->instance(inst.id).state == Instance::State::terminated);
  REQUIRE_THROWS_AS(e->saveUser({"x", "X", "", {}}), Error);
}

TEST_CASE("approval: skip, administrator edits of form data, delete with or without history") {
  Fixture f;
  auto& e = *f.e;
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.skipTask(f.task, "mary"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.editVariables(f.instance, "mary", {{"days", 1}}));
  e.editVariables(f.instance, "root", {{"days", 1}});
  CHECK(e.variables(f.instance).at("days") == 1);
  auto ops = e.operations(f.instance);
  CHECK(ops.back().action == "edit");
  CHECK(ops.back().targets == std::vector<std::string>{"days"});
  e.editVariables(f.instance, "root", {{"approved", true}});
  e.skipTask(f.task, "root", "approved by phone");
  CHECK(e.instance(f.instance).state == Instance::State::completed);  // 1 day: no director needed
  CHECK(e.operations(f.instance).back().action == "skip");

  Variables v{{"days", 5}, {"manager", "mary"}, {"director", "dora"}};
  auto kept = e.start({"leaveApproval", 0, v, "", "emp"}).id;
  auto gone = e.start({"leaveApproval", 0, v, "", "emp"}).id;
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden, e.deleteInstance(kept, "mary"));
  e.deleteInstance(kept, "emp", true);
  CHECK(e.instance(kept).state == Instance::State::deleted);
  CHECK(e.history(kept).size() > 0);
  CHECK(e.tasks({.instanceId = kept}).empty());
  e.deleteInstance(gone, "root", false);
  REQUIRE_THROWS_AS(e.instance(gone), Error);
  CHECK(e.lists("mary").todo == 0);
  // The next commands on them see the deletion, not what the writer remembered of its last save.
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.editVariables(gone, "root", {{"days", 2}}));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.editVariables(kept, "root", {{"days", 2}}));
  // An instance that had ended is marked deleted outside a save: a command after it sees the mark.
  auto ended = e.start({"leaveApproval", 0, v, "", "emp"}).id;
  e.terminateInstance(ended, "root", "test");
  e.deleteInstance(ended, "root", true);
  CHECK(e.instance(ended).state == Instance::State::deleted);
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.editVariables(ended, "root", {{"days", 2}}));
  e.deleteInstance(ended, "root", false);
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found, e.editVariables(ended, "root", {{"days", 2}}));
}

TEST_CASE("approval: the previous approver chooses the next step's approvers") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::bpmn(
      "<startEvent id=\"s\"/><userTask id=\"first\" flowable:assignee=\"ann\"/>"
      "<userTask id=\"next\" ordo:assigneeRule=\"chosen\" xmlns:ordo=\"http://ordo.dev/bpmn\"/><endEvent id=\"e\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"first\"/><sequenceFlow id=\"2\" sourceRef=\"first\" "
      "targetRef=\"next\"/>"
      "<sequenceFlow id=\"3\" sourceRef=\"next\" targetRef=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", "emp"});
  boost::json::object choice{{"next", boost::json::array{"bo", "cy"}}};
  e->completeTask(test::onlyTask(*e, inst.id).id, "ann", {{"ordoNextApprovers", choice}});
  auto next = test::onlyTask(*e, inst.id);
  CHECK(next.elementId == "next");
  CHECK(next.candidateUsers == std::vector<std::string>{"bo", "cy"});
}

TEST_CASE("approval: start forms are deployed with the definition and found by its start event's formKey") {
  TempDb db;
  auto e = test::openEngine(db);
  std::string xml = test::bpmn(
      "<startEvent id=\"s\" flowable:formKey=\"leave-form\"/><userTask id=\"t\"/>"
      "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"t\"/>");
  auto schema = R"({"type":"object","properties":{"days":{"type":"integer"}}})";
  auto d1 = e->deploy(xml, {{"leave-form", schema}});
  auto form = e->startForm("p");
  CHECK(form.first == "leave-form");
  CHECK(form.second == schema);
  CHECK_FALSE(e->deploy(xml, {{"leave-form", schema}}).created);  // same model, same forms
  CHECK(e->deploy(xml, {{"leave-form", R"({"type":"object"})"}}).definitions[0].version == 2);  // changed form
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::invalid_argument, e->deploy(xml, {{"leave-form", "{not json"}}));
  REQUIRE_FAILS_UNCHANGED(db, ErrorCode::not_found, e->startForm("nope"));
}

TEST_CASE("approval: a definition is published and taken offline, which starts nothing while running ones go on") {
  Fixture f;
  auto& e = *f.e;
  auto def = e.definitions().at(0);
  CHECK(def.publication == Definition::Publication::deployed);
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state,
                          e.setDefinitionPublication(def.id, Definition::Publication::offline, "root"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::forbidden,
                          e.setDefinitionPublication(def.id, Definition::Publication::published, "emp"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::not_found,
                          e.setDefinitionPublication(424242, Definition::Publication::published, "root"));
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::invalid_argument,
                          e.setDefinitionPublication(def.id, Definition::Publication::deployed, "root"));
  CHECK_THROWS_AS(publicationFrom("live"), Error);
  e.setDefinitionPublication(def.id, Definition::Publication::published, "root");
  CHECK(e.definition(def.id).publication == Definition::Publication::published);
  e.setDefinitionPublication(def.id, publicationFrom("offline"), "root");
  CHECK(std::string(toString(e.definition(def.id).publication)) == "offline");
  Variables v{{"days", 1}, {"manager", "mary"}};
  REQUIRE_FAILS_UNCHANGED(f.db, ErrorCode::wrong_state, e.start({"leaveApproval", 0, v, "", "emp"}));
  // The instance started before goes on.
  e.completeTask(f.task, "mary", {{"approved", true}});
  e.setDefinitionPublication(def.id, Definition::Publication::published, "root");
  CHECK(e.start({"leaveApproval", 0, v, "", "emp"}).id > 0);
}
