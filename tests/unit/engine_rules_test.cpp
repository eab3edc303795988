// The rules Ordo shares with Flowable and Camunda beyond the specification's (parse/event_rules.cpp,
// the schema's attributes, the leniencies), and the values they read: reduced-precision dates,
// typed variable mappings.
#include <catch2/catch.hpp>

#include "engine_support.hpp"
#include "expr/expr.hpp"
#include "jobs/iso8601.hpp"
#include "parse/parser.hpp"

using namespace ordo;
using test::bpmn;

namespace {
std::vector<Diagnostic> deployCheck(const std::string& xml) {
  ValidationOptions o;
  o.purpose = ValidationPurpose::execution;
  return validate(xml, o);
}
std::vector<Diagnostic> readCheck(const std::string& xml) {
  return validate(xml, {});
}
// The first diagnostic with `code`, which must be there.
Diagnostic only(const std::vector<Diagnostic>& ds, const std::string& code) {
  INFO(test::describe(ds));
  const auto* d = test::find(ds, code);
  REQUIRE(d);
  return *d;
}
const std::string kSignalCatch =
    "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"c\"/>"
    "<intermediateCatchEvent id=\"c\"><signalEventDefinition signalRef=\"sig\"/></intermediateCatchEvent>"
    "<sequenceFlow id=\"f2\" sourceRef=\"c\" targetRef=\"e\"/><endEvent id=\"e\"/>";
const std::string kLinear =
    "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
    "<serviceTask id=\"t\" flowable:expression=\"${true}\"/><sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>"
    "<endEvent id=\"e\"/>";
}  // namespace

TEST_CASE("rules: a signal needs an id and a name, and a name is one signal's") {
  auto noName = only(deployCheck(bpmn(kSignalCatch, "<signal id=\"sig\"/>")), "missing_attribute");
  CHECK(noName.elementId == "sig");
  CHECK(noName.message == "signal 'sig' has no name");
  CHECK(noName.severity == Severity::error);
  CHECK(only(readCheck(bpmn(kSignalCatch, "<signal id=\"sig\"/>")), "missing_attribute").severity ==
        Severity::warning);
  auto noId = only(deployCheck(bpmn(kSignalCatch, "<signal name=\"alert\"/>")), "missing_attribute");
  CHECK(noId.message == "signal 'alert' has no id");
  auto twice = only(deployCheck(bpmn(kSignalCatch, "<signal id=\"sig\" name=\"alert\"/><signal id=\"sig2\" name=\"alert\"/>")),
                    "duplicate_signal_name");
  CHECK(twice.elementId == "sig2");
  CHECK(twice.message.find("'alert'") != std::string::npos);
  CHECK_FALSE(hasErrors(deployCheck(bpmn(kSignalCatch, "<signal id=\"sig\" name=\"alert\"/>"))));
}

TEST_CASE("rules: a signal event definition needs a signalRef or a signalExpression") {
  const std::string noRef =
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"c\"/>"
      "<intermediateCatchEvent id=\"c\"><signalEventDefinition/></intermediateCatchEvent>"
      "<sequenceFlow id=\"f2\" sourceRef=\"c\" targetRef=\"e\"/><endEvent id=\"e\"/>";
  auto d = only(deployCheck(bpmn(noRef)), "missing_attribute");
  CHECK(d.elementId == "c");
  CHECK(d.message.find("signalRef") != std::string::npos);
  std::string byExpression = noRef;
  byExpression.replace(byExpression.find("<signalEventDefinition/>"), 24,
                       "<signalEventDefinition flowable:signalExpression=\"${name}\"/>");
  CHECK_FALSE(hasErrors(deployCheck(bpmn(byExpression))));
}

TEST_CASE("rules: one cancel boundary event per transaction, one compensation boundary event per activity") {
  const std::string tx =
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"tx\"/>"
      "<transaction id=\"tx\"><startEvent id=\"ts\"/><sequenceFlow id=\"g1\" sourceRef=\"ts\" targetRef=\"te\"/>"
      "<endEvent id=\"te\"><cancelEventDefinition/></endEvent></transaction>"
      "<sequenceFlow id=\"f2\" sourceRef=\"tx\" targetRef=\"e\"/><endEvent id=\"e\"/>"
      "<boundaryEvent id=\"c1\" attachedToRef=\"tx\"><cancelEventDefinition/></boundaryEvent>"
      "<boundaryEvent id=\"c2\" attachedToRef=\"tx\"><cancelEventDefinition/></boundaryEvent>"
      "<sequenceFlow id=\"f3\" sourceRef=\"c1\" targetRef=\"e\"/><sequenceFlow id=\"f4\" sourceRef=\"c2\" "
      "targetRef=\"e\"/>";
  auto d = only(deployCheck(bpmn(tx)), "duplicate_cancel_boundary");
  CHECK(d.elementId == "c2");
  CHECK(d.message.find("transaction") != std::string::npos);
  const std::string twoHandlers =
      kLinear +
      "<boundaryEvent id=\"b1\" attachedToRef=\"t\"><compensateEventDefinition/></boundaryEvent>"
      "<boundaryEvent id=\"b2\" attachedToRef=\"t\"><compensateEventDefinition/></boundaryEvent>"
      "<serviceTask id=\"u1\" isForCompensation=\"true\" flowable:expression=\"${true}\"/>"
      "<serviceTask id=\"u2\" isForCompensation=\"true\" flowable:expression=\"${true}\"/>"
      "<association id=\"a1\" sourceRef=\"b1\" targetRef=\"u1\"/><association id=\"a2\" sourceRef=\"b2\" "
      "targetRef=\"u2\"/>";
  CHECK(only(deployCheck(bpmn(twoHandlers)), "duplicate_compensation_boundary").elementId == "b2");
}

TEST_CASE("rules: a compensation throw's activityRef must name an activity") {
  const std::string body =
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"c\"/>"
      "<intermediateThrowEvent id=\"c\"><compensateEventDefinition activityRef=\"INVALID\"/></intermediateThrowEvent>"
      "<sequenceFlow id=\"f2\" sourceRef=\"c\" targetRef=\"e\"/><endEvent id=\"e\"/>";
  auto d = only(readCheck(bpmn(body)), "dangling_reference");
  CHECK(d.elementId == "c");
  CHECK(d.message.find("activityRef 'INVALID'") != std::string::npos);
}

TEST_CASE("rules: an error end event may not throw an error whose errorCode is empty") {
  const std::string body =
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"e\"/>"
      "<endEvent id=\"e\"><errorEventDefinition errorRef=\"err\"/></endEvent>";
  auto d = only(deployCheck(bpmn(body, "<error id=\"err\" errorCode=\"\"/>")), "empty_error_code");
  CHECK(d.elementId == "e");
  // Unthrown, or without the attribute (the id is the code), it is fine, as in Camunda.
  CHECK_FALSE(test::hasCode(deployCheck(bpmn(body, "<error id=\"err\"/>")), "empty_error_code"));
  CHECK_FALSE(test::hasCode(deployCheck(bpmn(kLinear, "<error id=\"err\" errorCode=\"\"/>")), "empty_error_code"));
}

TEST_CASE("rules: one message starts a process at one start event") {
  const std::string body =
      "<startEvent id=\"s1\"><messageEventDefinition messageRef=\"m1\"/></startEvent>"
      "<startEvent id=\"s2\"><messageEventDefinition messageRef=\"m2\"/></startEvent>"
      "<sequenceFlow id=\"f1\" sourceRef=\"s1\" targetRef=\"e\"/><sequenceFlow id=\"f2\" sourceRef=\"s2\" "
      "targetRef=\"e\"/><endEvent id=\"e\"/>";
  auto d = only(deployCheck(bpmn(body, "<message id=\"m1\" name=\"invoice\"/><message id=\"m2\" name=\"invoice\"/>")),
                "duplicate_message_start");
  CHECK(d.elementId == "s2");
  CHECK(d.message.find("'invoice'") != std::string::npos);
  CHECK_FALSE(
      hasErrors(deployCheck(bpmn(body, "<message id=\"m1\" name=\"invoice\"/><message id=\"m2\" name=\"order\"/>"))));
}

TEST_CASE("rules: resultVariable only on a service task implemented by an expression") {
  std::string byClass = kLinear;
  byClass.replace(byClass.find("flowable:expression=\"${true}\""), 29,
                  "flowable:class=\"com.example.Upper\" flowable:resultVariable=\"out\"");
  auto d = only(deployCheck(bpmn(byClass)), "result_variable_with_delegate");
  CHECK(d.elementId == "t");
  CHECK(d.message.find("resultVariable") != std::string::npos);
  CHECK(d.message.find("class") != std::string::npos);
  std::string byExpression = kLinear;
  byExpression.replace(byExpression.find("flowable:expression=\"${true}\""), 29,
                       "flowable:expression=\"${1 + 1}\" flowable:resultVariableName=\"out\"");
  auto ds = deployCheck(bpmn(byExpression));
  CHECK_FALSE(hasErrors(ds));
  auto parsed = parse::parseDefinitions(bpmn(byExpression), {});
  CHECK(parsed.definitions->processes[0]->node("t")->service.resultVariable == "out");  // Activiti's spelling
}

TEST_CASE("rules: an attribute the BPMN schema does not define on <process> or <definitions> is refused") {
  auto d = only(readCheck(bpmn(kLinear, "", "id=\"p\" invalidAttribute=\"bogus\"")), "unknown_attribute");
  CHECK(d.severity == Severity::error);
  CHECK(d.elementId == "p");
  CHECK(d.message.find("'invalidAttribute'") != std::string::npos);
  // Namespaced attributes are extensions, not the schema's: they are fine.
  CHECK_FALSE(hasErrors(readCheck(
      bpmn(kLinear, "", "id=\"p\" isExecutable=\"true\" isClosed=\"false\" processType=\"None\" flowable:x=\"1\""))));
}

TEST_CASE("rules: lenient where both engines are: a default flow's condition, a dangling processRef, "
          "cancelActivity on an error boundary") {
  const std::string defaultWithCondition =
      "<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>"
      "<exclusiveGateway id=\"g\" default=\"f1\"/><sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"e\">"
      "<conditionExpression>${x}</conditionExpression></sequenceFlow><endEvent id=\"e\"/>";
  auto ds = deployCheck(bpmn(defaultWithCondition));
  CHECK_FALSE(hasErrors(ds));
  auto d = only(ds, "default_has_condition");
  CHECK(d.severity == Severity::warning);
  CHECK(d.message.find("ignored") != std::string::npos);

  auto participant = deployCheck(
      bpmn(kLinear, "<collaboration id=\"c\"><participant id=\"pa\" processRef=\"Process_1\"/></collaboration>"));
  CHECK_FALSE(hasErrors(participant));
  CHECK(only(participant, "dangling_reference").severity == Severity::warning);

  const std::string errorBoundary =
      kLinear + "<boundaryEvent id=\"b\" attachedToRef=\"t\" cancelActivity=\"false\"><errorEventDefinition/>"
                "</boundaryEvent><sequenceFlow id=\"f3\" sourceRef=\"b\" targetRef=\"e\"/>";
  auto eb = deployCheck(bpmn(errorBoundary));
  CHECK_FALSE(hasErrors(eb));
  CHECK(only(eb, "error_boundary_interrupts").elementId == "b");
  auto parsed = parse::parseDefinitions(bpmn(errorBoundary), {});
  CHECK(parsed.definitions->processes[0]->node("b")->cancelActivity);
}

TEST_CASE("rules: a compensation handler's association may be written in an enclosing scope") {
  const std::string body =
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"sub\"/>"
      "<subProcess id=\"sub\"><startEvent id=\"ss\"/><sequenceFlow id=\"g1\" sourceRef=\"ss\" targetRef=\"t\"/>"
      "<serviceTask id=\"t\" flowable:expression=\"${true}\"/><sequenceFlow id=\"g2\" sourceRef=\"t\" "
      "targetRef=\"se\"/><endEvent id=\"se\"/>"
      "<boundaryEvent id=\"b\" attachedToRef=\"t\"><compensateEventDefinition/></boundaryEvent>"
      "<serviceTask id=\"undo\" isForCompensation=\"true\" flowable:expression=\"${true}\"/></subProcess>"
      "<sequenceFlow id=\"f2\" sourceRef=\"sub\" targetRef=\"e\"/><endEvent id=\"e\"/>"
      "<association id=\"a\" sourceRef=\"b\" targetRef=\"undo\"/>";
  auto parsed = parse::parseDefinitions(bpmn(body), {ValidationPurpose::execution});
  INFO(test::describe(parsed.diagnostics));
  CHECK_FALSE(hasErrors(parsed.diagnostics));
  const auto* handler = parsed.definitions->processes[0]->node("t")->compensationHandler;
  REQUIRE(handler);
  CHECK(handler->id == "undo");
}

TEST_CASE("iso8601: a date-time of reduced precision is the start of its hour, day, month or year") {
  using jobs::parseDateTime;
  CHECK(parseDateTime("2026-01-05T09") == parseDateTime("2026-01-05T09:00:00Z"));
  CHECK(parseDateTime("2026-01-05T09:30") == parseDateTime("2026-01-05T09:30:00Z"));
  CHECK(parseDateTime("2026-01-05") == parseDateTime("2026-01-05T00:00:00Z"));
  CHECK(parseDateTime("2026-01") == parseDateTime("2026-01-01T00:00:00Z"));
  CHECK(parseDateTime("2026") == parseDateTime("2026-01-01T00:00:00Z"));
  CHECK(parseDateTime("2026-01-05T09+01:00") == parseDateTime("2026-01-05T08:00:00Z"));
  for (const char* bad : {"202", "2026-1", "2026-01T09", "2026-13", "2026-01-05T9", "2026x"})
    CHECK_THROWS_AS(parseDateTime(bad), std::invalid_argument);
}

TEST_CASE("convert: the types of flowable:in targetType and flowable:out sourceType") {
  using expr::convertTo;
  namespace json = boost::json;
  CHECK(convertTo(json::value(42), "string") == json::value("42"));
  CHECK(convertTo(json::value(3.14), "string") == json::value("3.14"));
  CHECK(convertTo(json::value("123"), "integer") == json::value(123));
  CHECK(convertTo(json::value("789012345678"), "long") == json::value(789012345678LL));
  CHECK_THROWS_AS(convertTo(json::value("789012345678"), "integer"), expr::Error);
  CHECK(convertTo(json::value(2.9), "integer") == json::value(2));
  CHECK(convertTo(json::value("2.718"), "double") == json::value(2.718));
  CHECK(convertTo(json::value(42), "double").is_double());
  CHECK(convertTo(json::value("true"), "boolean") == json::value(true));
  CHECK_THROWS_AS(convertTo(json::value("yes"), "boolean"), expr::Error);
  CHECK(convertTo(json::value("{\"name\":\"flowable\"}"), "json") == json::value({{"name", "flowable"}}));
  CHECK(convertTo(json::value("[4,5,6]"), "array") == json::value({4, 5, 6}));
  CHECK_THROWS_AS(convertTo(json::value("{}"), "array"), expr::Error);
  CHECK(convertTo(json::value("2025-06-15T10:30:00Z"), "localdate") == json::value("2025-06-15"));
  CHECK(convertTo(json::value(nullptr), "integer").is_null());
  CHECK_THROWS_AS(convertTo(json::value("x"), "integer"), expr::Error);
  CHECK(expr::isConversionType("long"));
  CHECK_FALSE(expr::isConversionType("bigdecimal"));
}

namespace {
std::string messageStartProcess(const std::string& key, const std::string& message) {
  return bpmn("<startEvent id=\"s\"><messageEventDefinition messageRef=\"m\"/></startEvent>"
              "<sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/><endEvent id=\"e\"/>",
              "<message id=\"m\" name=\"" + message + "\"/>", "id=\"" + key + "\"");
}
// The codes of the diagnostics a refused deployment carries.
std::vector<std::string> refusal(Engine& e, const std::string& xml) {
  try {
    e.deploy(xml);
  } catch (const Error& x) {
    CHECK(x.code() == ErrorCode::parse_error);
    std::vector<std::string> codes;
    for (const auto& d : x.diagnostics()) codes.push_back(d.code + " [" + d.elementId + "] " + d.message);
    return codes;
  }
  return {};
}
}  // namespace

TEST_CASE("rules: a message another process already starts on is refused at deploy, a new version is not") {
  test::TempDb db;
  auto e = test::openEngine(db);
  e->deploy(messageStartProcess("invoicing", "newInvoice"));
  auto before = db.dump();
  auto codes = refusal(*e, messageStartProcess("other", "newInvoice"));
  REQUIRE(codes.size() == 1);
  CHECK(codes[0].rfind("duplicate_message_start [s] ", 0) == 0);
  CHECK(codes[0].find("'invoicing'") != std::string::npos);
  CHECK(db.dump() == before);  // nothing of the refused deployment is kept
  CHECK_FALSE(e->deploy(messageStartProcess("invoicing", "newInvoice")).created);  // the same XML again
  auto v2 = messageStartProcess("invoicing", "newInvoice");
  v2.insert(v2.find("<endEvent"), "<!-- v2 -->");
  CHECK(e->deploy(v2).definitions.at(0).version == 2);
  CHECK(e->deploy(messageStartProcess("other", "otherInvoice")).definitions.size() == 1);
}

TEST_CASE("rules: two processes of one deployment may not start on one message, and then nothing of it is deployed") {
  test::TempDb db;
  auto e = test::openEngine(db);
  DeploymentRequest request;
  request.name = "both";
  request.resources = {{"a.bpmn", messageStartProcess("a", "order")}, {"b.bpmn", messageStartProcess("b", "order")}};
  auto before = db.dump();
  try {
    e->deployResources(request);
    FAIL("deployed");
  } catch (const Error& x) {
    CHECK(x.code() == ErrorCode::parse_error);
    CHECK(std::string(x.what()).rfind("b.bpmn: ", 0) == 0);
    REQUIRE(x.diagnostics().size() == 1);
    CHECK(x.diagnostics()[0].code == "duplicate_message_start");
    CHECK(x.diagnostics()[0].message.find("process 'a' of the same deployment") != std::string::npos);
  }
  CHECK(db.dump() == before);
  CHECK(e->definitions().empty());
}

TEST_CASE("rules: a start name expression and a mapping type are checked at deploy") {
  test::TempDb db;
  auto e = test::openEngine(db);
  auto unknownVariable = bpmn("<startEvent id=\"s\"><messageEventDefinition flowable:messageExpression=\"${who}\"/>"
                              "</startEvent><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/><endEvent id=\"e\"/>");
  auto codes = refusal(*e, unknownVariable);
  REQUIRE_FALSE(codes.empty());
  CHECK(codes[0].rfind("start_name_expression [s] ", 0) == 0);
  auto badType = bpmn(
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"c\"/>"
      "<callActivity id=\"c\" calledElement=\"child\"><extensionElements><flowable:out source=\"a\" target=\"b\" "
      "sourceType=\"bigdecimal\"/></extensionElements></callActivity>"
      "<sequenceFlow id=\"f2\" sourceRef=\"c\" targetRef=\"e\"/><endEvent id=\"e\"/>");
  codes = refusal(*e, badType);
  REQUIRE_FALSE(codes.empty());
  CHECK(codes[0].rfind("mapping_type [c] ", 0) == 0);
  CHECK(codes[0].find("'bigdecimal'") != std::string::npos);
}
