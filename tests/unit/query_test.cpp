// Queries for approval front ends: lists with filters and paging, instance detail, canvas, startable definitions.
#include <catch2/catch.hpp>

#include "engine_support.hpp"

using namespace ordo;
using test::TempDb;

TEST_CASE("query: a user's lists with filters, paging and counts") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(1'800'000'000'000);
  auto e = test::openEngine(db, clock);
  e->deploy(test::sample("leave-approval.bpmn"));
  e->deploy(test::sample("or-sign.bpmn"));
  e->saveUser({"mary", "Mary", "", {"managers"}});
  for (int i = 0; i < 5; ++i) {
    e->start({"leaveApproval", 0, {{"days", 1}, {"manager", "mary"}}, "leave-" + std::to_string(i), "emp", "acme"});
    clock->advance(1000);
  }
  e->start({"orSign", 0, {{"approvers", boost::json::array{"mary", "max"}}}, "", "boss", "other"});
  ListQuery todo;
  todo.user = "mary";
  CHECK(e->count(todo) == 6);
  todo.processKey = "leaveApproval";
  CHECK(e->count(todo) == 5);
  todo.limit = 2;
  auto page = e->list(todo);
  REQUIRE(page.size() == 2);
  CHECK(page[0].instance.businessKey == "leave-4");  // newest first
  CHECK(page[0].task.elementId == "managerApproval");
  CHECK(page[0].processName == "Leave approval");
  todo.offset = 4;
  CHECK(e->list(todo).size() == 1);
  ListQuery byTenant;
  byTenant.user = "mary";
  byTenant.tenant = "other";
  CHECK(e->count(byTenant) == 1);
  byTenant.tenant.clear();
  byTenant.processName = "Or-sign";
  CHECK(e->count(byTenant) == 1);
  ListQuery byCategory;
  byCategory.user = "mary";
  byCategory.category = "http://ordo.dev/samples";  // the samples' targetNamespace
  CHECK(e->count(byCategory) == 6);
  byCategory.category = "http://elsewhere";
  CHECK(e->count(byCategory) == 0);
  ListQuery window;
  window.user = "mary";
  window.startedFrom = 1'800'000'001'000;
  window.startedTo = 1'800'000'003'000;
  CHECK(e->count(window) == 2);
  // done, started
  auto t = e->list(todo).at(0).task;
  e->completeTask(t.id, "mary", {{"approved", true}});
  ListQuery done{"mary", "done"};
  CHECK(e->count(done) == 1);
  CHECK(e->list(done).at(0).task.id == t.id);
  ListQuery started{"emp", "started"};
  CHECK(e->count(started) == 5);
  started.newestFirst = false;
  CHECK(e->list(started).at(0).instance.businessKey == "leave-0");
  ListQuery bad{"mary", "everything"};
  REQUIRE_THROWS_AS(e->count(bad), Error);
  REQUIRE_THROWS_AS(e->list(ListQuery{}), Error);  // whose list?
}

TEST_CASE("query: instance detail says what the asking user may do") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  auto inst = e->start({"leaveApproval", 0, {{"days", 1}, {"manager", "mary"}}, "", "emp"});
  auto forMary = e->instanceDetail(inst.id, "mary");
  CHECK(forMary.currentNodes == std::vector<std::string>{"managerApproval"});
  REQUIRE(forMary.openTasks.size() == 1);
  CHECK(forMary.openTasks[0].assignee == "mary");
  auto has = [](const InstanceDetail& d, const char* a) {
    return std::find(d.allowedActions.begin(), d.allowedActions.end(), a) != d.allowedActions.end();
  };
  CHECK(has(forMary, "complete"));
  CHECK_FALSE(has(forMary, "terminate"));
  auto forEmp = e->instanceDetail(inst.id, "emp");
  CHECK(has(forEmp, "withdraw"));
  CHECK(has(forEmp, "urge"));
  CHECK_FALSE(has(forEmp, "complete"));
  CHECK(e->instanceDetail(inst.id, "stranger").allowedActions.empty());
}

TEST_CASE("query: the canvas marks nodes and edges done, active or not reached, with approvers and comments") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  auto inst = e->start({"leaveApproval", 0, {{"days", 5}, {"manager", "mary"}, {"director", "dora"}}, "", "emp"});
  e->completeTask(test::onlyTask(*e, inst.id).id, "mary", {{"approved", true}}, "fine by me");
  auto canvas = e->canvas(inst.id);
  auto node = [&](const std::string& id) {
    for (const auto& n : canvas.nodes)
      if (n.id == id) return n;
    FAIL("no node " << id);
    return CanvasNode{};
  };
  CHECK(node("start").status == "done");
  CHECK(node("managerApproval").status == "done");
  CHECK(node("managerApproval").approvers == std::vector<std::string>{"mary"});
  CHECK(node("managerApproval").comments == std::vector<std::string>{"fine by me"});
  CHECK(node("directorApproval").status == "active");
  CHECK(node("directorApproval").approvers == std::vector<std::string>{"dora"});
  CHECK(node("approvedEnd").status == "notReached");
  CHECK(node("rejectedEnd").status == "notReached");
  auto edge = [&](const std::string& id) {
    for (const auto& x : canvas.edges)
      if (x.id == id) return x.status;
    return std::string("missing");
  };
  CHECK(edge("flowToManager") == "done");
  CHECK(edge("managerRejectedFlow") == "notReached");
}

TEST_CASE("query: the definitions a user may start follow candidateStarterUsers and candidateStarterGroups") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(test::sample("leave-approval.bpmn"));
  e->deploy(test::bpmn("<startEvent id=\"s\"/>", "",
                       "id=\"hrOnly\" isExecutable=\"true\" flowable:candidateStarterGroups=\"hr\""));
  e->deploy(test::bpmn("<startEvent id=\"s\"/>", "",
                       "id=\"annOnly\" isExecutable=\"true\" flowable:candidateStarterUsers=\"ann, bob\""));
  e->saveUser({"hana", "Hana", "", {"hr"}});
  auto keys = [&](const std::string& user) {
    std::vector<std::string> out;
    for (const auto& d : e->startableDefinitions(user)) out.push_back(d.key);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(keys("hana") == std::vector<std::string>{"hrOnly", "leaveApproval"});
  CHECK(keys("bob") == std::vector<std::string>{"annOnly", "leaveApproval"});
  CHECK(keys("zed") == std::vector<std::string>{"leaveApproval"});
}
