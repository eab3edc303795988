// Script tasks: JavaScript (duktape, sandboxed in a child process) and JUEL.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>

#include "engine_support.hpp"
#include "jobs/iso8601.hpp"

using namespace ordo;
using test::bpmn;
using test::TempDb;

namespace {

// start -> script (with the given attributes and text) -> user task "after" -> end,
// and an error boundary on the script catching `E1` into user task "caught".
std::string scriptModel(const std::string& attrs, const std::string& script) {
  return bpmn("<startEvent id=\"s\"/><scriptTask id=\"script\" " + attrs + "><script><![CDATA[" + script +
                  "]]></script></scriptTask>"
                  "<boundaryEvent id=\"onError\" attachedToRef=\"script\"><errorEventDefinition errorRef=\"err\"/>"
                  "</boundaryEvent><userTask id=\"after\"/><userTask id=\"caught\"/><endEvent id=\"e\"/>"
                  "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"script\"/>"
                  "<sequenceFlow id=\"2\" sourceRef=\"script\" targetRef=\"after\"/>"
                  "<sequenceFlow id=\"3\" sourceRef=\"after\" targetRef=\"e\"/>"
                  "<sequenceFlow id=\"4\" sourceRef=\"onError\" targetRef=\"caught\"/>",
              "<error id=\"err\" errorCode=\"E1\"/>");
}

std::unique_ptr<Engine> openWithBudget(const TempDb& db, std::int64_t millis, std::size_t bytes,
                                       std::shared_ptr<Clock> clock = nullptr) {
  EngineOptions o;
  o.path = db.path();
  o.clock = std::move(clock);
  o.scriptTimeMillis = millis;
  o.scriptMemoryBytes = bytes;
  return Engine::open(o);
}

Variables vars(std::initializer_list<std::pair<std::string, boost::json::value>> kv) {
  Variables v;
  for (const auto& [k, x] : kv) v[k] = x;
  return v;
}

std::string failureOf(const std::function<void()>& f, ErrorCode expected) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == expected);
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("script: JavaScript reads variables as globals and through execution, sets them, and gives a result") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(scriptModel("scriptFormat=\"javascript\" flowable:resultVariable=\"sum\"",
                        "var total = execution.getVariable('a') + b;\n"
                        "execution.setVariable('label', 'order ' + execution.processBusinessKey + ' at ' +\n"
                        "  execution.getActivityId());\n"
                        "execution.setVariable('items', [1, {x: 'y'}]);\n"
                        "var notStored = 5;\n"
                        "total * 2;"));
  auto inst = e->start({"p", 0, vars({{"a", 2}, {"b", 3}}), "ORD-7", ""});
  CHECK(test::onlyTask(*e, inst.id).elementId == "after");
  auto v = e->variables(inst.id);
  CHECK(v.at("sum") == 10);
  CHECK(v.at("label") == "order ORD-7 at script");
  CHECK(boost::json::serialize(v.at("items")) == R"([1,{"x":"y"}])");
  CHECK_FALSE(v.contains("notStored"));  // a global is a variable only with autoStoreVariables
}

TEST_CASE("script: autoStoreVariables makes assigned globals process variables") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(scriptModel("scriptFormat=\"JavaScript\" flowable:autoStoreVariables=\"true\"",
                        "var doubled = n * 2; n = n + 1; var f = function () {};"));
  auto inst = e->start({"p", 0, vars({{"n", 20}}), "", ""});
  auto v = e->variables(inst.id);
  CHECK(v.at("doubled") == 40);
  CHECK(v.at("n") == 21);
  CHECK_FALSE(v.contains("f"));  // a function is no variable
}

TEST_CASE("script: a thrown BpmnError goes to the error boundary, as Flowable's and Camunda's scripts throw it") {
  TempDb db;
  auto e = test::openEngine(db);
  SECTION("the global BpmnError") {
    e->deploy(scriptModel("scriptFormat=\"javascript\"", "throw new BpmnError('E1', 'out of stock');"));
  }
  SECTION("Flowable's Packages path") {
    e->deploy(scriptModel("scriptFormat=\"javascript\"",
                          "var BpmnError = Packages.org.flowable.engine.delegate.BpmnError;\n"
                          "throw new BpmnError('E1');"));
  }
  SECTION("Camunda's Java.type") {
    e->deploy(scriptModel("scriptFormat=\"ecmascript\"",
                          "var E = Java.type('org.camunda.bpm.engine.delegate.BpmnError'); throw new E('E1');"));
  }
  auto inst = e->start({"p", 0, {}, "", ""});
  CHECK(test::onlyTask(*e, inst.id).elementId == "caught");
}

TEST_CASE("script: a failing script fails the command naming the task, and changes nothing") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(scriptModel("scriptFormat=\"javascript\"", "execution.setVariable('x', 1); undefinedFunction();"));
  auto before = db.dump();
  auto why = failureOf([&] { e->start({"p", 0, {}, "", ""}); }, ErrorCode::service_failed);
  CHECK(why.find("script task 'script' failed") != std::string::npos);
  CHECK(why.find("ReferenceError") != std::string::npos);
  CHECK(db.dump() == before);
  // An uncaught BPMN error is the engine's usual unhandled_bpmn_error.
  e->deploy(scriptModel("scriptFormat=\"javascript\"", "throw new BpmnError('OTHER');"));
  failureOf([&] { e->start({"p", 0, {}, "", ""}); }, ErrorCode::unhandled_bpmn_error);
}

TEST_CASE("script: the sandbox has no file, network or process access") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(scriptModel("scriptFormat=\"javascript\" flowable:resultVariable=\"seen\"",
                        "[typeof require, typeof process, typeof Duktape.modSearch, typeof XMLHttpRequest,\n"
                        " typeof java, typeof load, typeof readFile].join(',')"));
  auto inst = e->start({"p", 0, {}, "", ""});
  CHECK(e->variables(inst.id).at("seen") == "undefined,undefined,undefined,undefined,undefined,undefined,undefined");
}

TEST_CASE("script: an endless loop and a memory bomb are stopped at their budget") {
  TempDb db;
  auto e = openWithBudget(db, 300, std::size_t{8} << 20);
  SECTION("an endless loop, synchronous: the command fails after the time budget") {
    e->deploy(scriptModel("scriptFormat=\"javascript\"", "while (true) {}"));
    auto t0 = std::chrono::steady_clock::now();
    auto why = failureOf([&] { e->start({"p", 0, {}, "", ""}); }, ErrorCode::service_failed);
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(why.find("time budget of 300 ms") != std::string::npos);
    CHECK(took < std::chrono::seconds(5));
    CHECK(e->instances().empty());
  }
  SECTION("a memory bomb: the script fails at the memory budget") {
    e->deploy(
        scriptModel("scriptFormat=\"javascript\"", "var s = 'x', keep = []; for (;;) { s = s + s; keep.push(s); }"));
    auto why = failureOf([&] { e->start({"p", 0, {}, "", ""}); }, ErrorCode::service_failed);
    INFO(why);
    CHECK(why.find("memory budget of 8 MiB") != std::string::npos);
  }
}

TEST_CASE("script: in a job, a script past its budget becomes an incident and the engine goes on") {
  TempDb db;
  auto clock = std::make_shared<ManualClock>(jobs::parseDateTime("2026-03-01T08:00:00Z"));
  auto e = openWithBudget(db, 200, std::size_t{8} << 20, clock);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><scriptTask id=\"loop\" scriptFormat=\"javascript\" flowable:async=\"true\">"
           "<extensionElements><flowable:failedJobRetryTimeCycle>R1/PT1M</flowable:failedJobRetryTimeCycle>"
           "</extensionElements><script>for (var i = 0; ; i++) {}</script></scriptTask><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"loop\"/>"
           "<sequenceFlow id=\"2\" sourceRef=\"loop\" targetRef=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  for (int i = 0; i < 5 && e->openIncidents(inst.id) == 0; ++i) {
    e->runDueJobs();
    clock->advance(60 * 1000);
  }
  auto incidents = e->incidents(inst.id);
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].elementId == "loop");
  CHECK(incidents[0].message.find("time budget of 200 ms") != std::string::npos);
  // The engine still serves: another instance starts and waits at its job.
  auto next = e->start({"p", 0, {}, "", ""});
  CHECK(e->pendingJobs(next.id) == 1);
}

TEST_CASE("script: formats other than JavaScript and JUEL, and scripts that do not compile, are refused at deploy") {
  TempDb db;
  auto e = test::openEngine(db);
  auto refusal = [&](const std::string& attrs, const std::string& text, const char* code) {
    try {
      e->deploy(scriptModel(attrs, text));
      FAIL("deployed");
    } catch (const Error& err) {
      CHECK(err.code() == ErrorCode::parse_error);
      for (const auto& d : err.diagnostics())
        if (d.code == code) {
          CHECK(d.elementId == "script");
          return d.message;
        }
      FAIL("no diagnostic " << code << ": " << err.what());
    }
    return std::string();
  };
  auto groovy = refusal("scriptFormat=\"groovy\"", "println 'x'", "unsupported");
  CHECK(groovy.find("'groovy'") != std::string::npos);
  CHECK(groovy.find("javascript") != std::string::npos);
  CHECK(groovy.find("juel") != std::string::npos);
  auto syntax = refusal("scriptFormat=\"javascript\"", "var x = ;", "script_syntax");
  CHECK(syntax.find("SyntaxError") != std::string::npos);
  refusal("scriptFormat=\"juel\"", "${a +}", "expression_syntax");
  CHECK(e->definitions().empty());
}

TEST_CASE("script: JUEL scripts are expressions, their value the result") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(scriptModel("scriptFormat=\"juel\" camunda:resultVariable=\"next\"", "${i + 1}"));
  auto inst = e->start({"p", 0, vars({{"i", 41}}), "", ""});
  CHECK(e->variables(inst.id).at("next") == 42);
}

TEST_CASE("script: setVariableLocal stays with its multi-instance instance") {
  TempDb db;
  auto e = test::openEngine(db);
  e->deploy(
      bpmn("<startEvent id=\"s\"/><scriptTask id=\"each\" scriptFormat=\"javascript\">"
           "<multiInstanceLoopCharacteristics isSequential=\"false\"><loopCardinality>3</loopCardinality>"
           "</multiInstanceLoopCharacteristics>"
           "<script>execution.setVariableLocal('mine', loopCounter);"
           "execution.setVariable('count', (execution.getVariable('count') || 0) + 1);</script></scriptTask>"
           "<userTask id=\"after\"/><endEvent id=\"e\"/>"
           "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"each\"/>"
           "<sequenceFlow id=\"2\" sourceRef=\"each\" targetRef=\"after\"/>"
           "<sequenceFlow id=\"3\" sourceRef=\"after\" targetRef=\"e\"/>"));
  auto inst = e->start({"p", 0, {}, "", ""});
  auto v = e->variables(inst.id);
  CHECK(v.at("count") == 3);
  CHECK_FALSE(v.contains("mine"));  // each instance's own, gone with it
}
