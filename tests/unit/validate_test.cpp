// One test per validation rule, and the hostile inputs.
#include <catch2/catch.hpp>

#include "parse/parser.hpp"
#include "test_support.hpp"

using namespace ordo;
using test::bpmn;

namespace {
std::vector<Diagnostic> check(const std::string& xml, ValidationPurpose purpose = ValidationPurpose::interchange) {
  ValidationOptions o;
  o.purpose = purpose;
  return validate(xml, o);
}
const std::string kLinear =
    "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
    "<userTask id=\"t\"/><sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>";
}  // namespace

TEST_CASE("validate: a correct executable model has no diagnostics") {
  auto ds = check(bpmn(kLinear), ValidationPurpose::execution);
  INFO(test::describe(ds));
  CHECK(ds.empty());
}

TEST_CASE("validate: not well-formed XML is an error with its position") {
  auto ds = check(
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n  <process id=\"p\">\n</definitions>");
  auto* d = test::find(ds, "xml_malformed");
  REQUIRE(d);
  CHECK(d->line == 3);
  CHECK(d->message.find("not well-formed") != std::string::npos);
}

TEST_CASE("validate: empty input and plain text are refused") {
  CHECK(test::hasCode(check(""), "xml_malformed"));
  CHECK(test::hasCode(check("this is not xml at all"), "xml_malformed"));
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  CHECK(hasErrors(check(png)));
}

TEST_CASE("validate: a document that is not BPMN 2.0 is refused") {
  auto ds = check("<definitions xmlns=\"http://not-bpmn\"><process id=\"p\"/></definitions>");
  REQUIRE(test::hasCode(ds, "not_bpmn"));
  CHECK(test::find(ds, "not_bpmn")->message.find("http://not-bpmn") != std::string::npos);
  CHECK(test::hasCode(check("<bpmn:process xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"p\"/>"),
                      "not_bpmn"));
}

TEST_CASE("validate: duplicate ids are reported at the second use") {
  auto ds = check(bpmn("<startEvent id=\"a\"/><userTask id=\"a\"/>"));
  auto* d = test::find(ds, "duplicate_id");
  REQUIRE(d);
  CHECK(d->elementId == "a");
  CHECK(d->line == 7);
}

TEST_CASE("validate: dangling sourceRef and targetRef") {
  auto ds =
      check(bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"nowhere\"/>"
                 "<sequenceFlow id=\"g\" sourceRef=\"ghost\" targetRef=\"s2\"/><endEvent id=\"s2\"/>"));
  int dangling = 0;
  for (const auto& d : ds)
    if (d.code == "dangling_reference") {
      ++dangling;
      CHECK((d.elementId == "f" || d.elementId == "g"));
    }
  CHECK(dangling == 2);
}

TEST_CASE("validate: dangling attachedToRef and default") {
  auto ds = check(bpmn(kLinear + "<boundaryEvent id=\"b\" attachedToRef=\"missing\"><timerEventDefinition>"
                                 "<timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>"
                                 "<exclusiveGateway id=\"g\" default=\"nope\"/>"));
  bool attached = false, dflt = false;
  for (const auto& d : ds) {
    if (d.code != "dangling_reference") continue;
    attached = attached || d.elementId == "b";
    dflt = dflt || d.elementId == "g";
  }
  CHECK(attached);
  CHECK(dflt);
}

TEST_CASE("validate: a sequence flow may not cross into a subprocess") {
  auto ds =
      check(bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"inner\"/>"
                 "<subProcess id=\"sp\"><userTask id=\"inner\"/></subProcess>"));
  CHECK(test::hasCode(ds, "crosses_scope"));
}

TEST_CASE("validate: a start event with incoming flows") {
  auto ds =
      check(bpmn("<startEvent id=\"s\"/><userTask id=\"t\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"t\"/>"
                 "<sequenceFlow id=\"back\" sourceRef=\"t\" targetRef=\"s\"/>"));
  auto* d = test::find(ds, "start_has_incoming");
  REQUIRE(d);
  CHECK(d->elementId == "s");
}

TEST_CASE("validate: an end event with outgoing flows") {
  auto ds =
      check(bpmn("<startEvent id=\"s\"/><endEvent id=\"e\"/><userTask id=\"t\"/>"
                 "<sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/><sequenceFlow id=\"g\" sourceRef=\"e\" "
                 "targetRef=\"t\"/>"));
  auto* d = test::find(ds, "end_has_outgoing");
  REQUIRE(d);
  CHECK(d->elementId == "e");
}

TEST_CASE("validate: a default flow that does not leave its gateway") {
  auto ds =
      check(bpmn("<startEvent id=\"s\"/><exclusiveGateway id=\"g\" default=\"f\"/><endEvent id=\"e\"/>"
                 "<sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"g\"/><sequenceFlow id=\"h\" sourceRef=\"g\" "
                 "targetRef=\"e\"/>"));
  auto* d = test::find(ds, "default_not_outgoing");
  REQUIRE(d);
  CHECK(d->elementId == "g");
}

TEST_CASE("validate: a conditional flow out of a parallel gateway") {
  auto ds =
      check(bpmn("<startEvent id=\"s\"/><parallelGateway id=\"g\"/><endEvent id=\"e\"/>"
                 "<sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"g\"/>"
                 "<sequenceFlow id=\"c\" sourceRef=\"g\" "
                 "targetRef=\"e\"><conditionExpression>${x}</conditionExpression></sequenceFlow>"));
  auto* d = test::find(ds, "conditional_from_parallel");
  REQUIRE(d);
  CHECK(d->elementId == "c");
}

TEST_CASE("validate: a boundary event on something that cannot carry one") {
  auto ds = check(
      bpmn(kLinear + "<exclusiveGateway id=\"gw\"/><boundaryEvent id=\"b\" attachedToRef=\"gw\">"
                     "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>"));
  auto* d = test::find(ds, "boundary_invalid_host");
  REQUIRE(d);
  CHECK(d->elementId == "b");
}

TEST_CASE("validate: no executable process: a warning to read, an error to deploy") {
  auto doc = bpmn(kLinear, "", "id=\"p\" isExecutable=\"false\"");
  auto interchange = check(doc);
  REQUIRE(test::hasCode(interchange, "no_executable_process"));
  CHECK_FALSE(hasErrors(interchange));
  auto deploy = check(doc, ValidationPurpose::execution);
  CHECK(hasErrors(deploy));
  CHECK(test::hasCode(deploy, "no_executable_process"));
}

TEST_CASE("validate: unreachable nodes are a warning") {
  auto ds =
      check(bpmn(kLinear + "<userTask id=\"orphan\"/><sequenceFlow id=\"o\" sourceRef=\"orphan\" targetRef=\"e\"/>"));
  auto* d = test::find(ds, "unreachable");
  REQUIRE(d);
  CHECK(d->elementId == "orphan");
  CHECK(d->severity == Severity::warning);
  CHECK_FALSE(hasErrors(ds));
}

TEST_CASE("validate: an execution or task listener is named as not run, and the model still deploys") {
  auto doc = bpmn(
      "<startEvent id=\"s\"/><sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
      "<userTask id=\"t\"><extensionElements><flowable:taskListener event=\"create\" class=\"org.Example\"/>"
      "<camunda:executionListener event=\"end\" expression=\"${x}\"/></extensionElements></userTask>"
      "<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>");
  auto ds = check(doc, ValidationPurpose::execution);
  INFO(test::describe(ds));
  CHECK_FALSE(hasErrors(ds));
  int listeners = 0;
  for (const auto& d : ds)
    if (d.code == "listener_not_run") {
      ++listeners;
      CHECK(d.severity == Severity::warning);
      CHECK(d.elementId == "t");
    }
  CHECK(listeners == 2);
  REQUIRE(test::find(ds, "listener_not_run"));
  CHECK(test::find(ds, "listener_not_run")->message.find("event=\"create\"") != std::string::npos);
}

TEST_CASE("validate: elements Ordo cannot execute are reported, never ignored") {
  auto doc = bpmn(
      "<startEvent id=\"s\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"cg\"/><adHocSubProcess id=\"cg\"/>");
  auto interchange = check(doc);
  auto* d = test::find(interchange, "unsupported");
  REQUIRE(d);
  CHECK(d->elementId == "cg");
  CHECK(d->severity == Severity::warning);
  auto deploy = check(doc, ValidationPurpose::execution);
  REQUIRE(test::find(deploy, "unsupported"));
  CHECK(test::find(deploy, "unsupported")->severity == Severity::error);
}

TEST_CASE("validate: a message, signal, error or escalation ref naming no element is the name or code") {
  // Flowable and Camunda take such a ref as the message/signal name or the error/escalation code.
  auto ds = check(bpmn("<startEvent id=\"s\"><messageEventDefinition messageRef=\"nomsg\"/></startEvent>"
                       "<endEvent id=\"e\"><errorEventDefinition errorRef=\"noerr\"/></endEvent>"
                       "<sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/>"),
                  ValidationPurpose::execution);
  INFO(test::describe(ds));
  CHECK_FALSE(hasErrors(ds));
}

TEST_CASE("validate: elements without an id get stable generated ids") {
  auto xml = bpmn(
      "<startEvent id=\"s\"/><sequenceFlow sourceRef=\"s\" targetRef=\"t\"/><userTask id=\"t\"/>"
      "<sequenceFlow sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>");
  auto ds = check(xml, ValidationPurpose::execution);
  INFO(test::describe(ds));
  CHECK(ds.empty());
  auto a = parse::parseDefinitions(xml, {});
  auto b = parse::parseDefinitions(xml, {});
  REQUIRE(a.definitions);
  const auto& flows = a.definitions->processes[0]->scope.flows;
  REQUIRE(flows.size() == 2);
  CHECK(flows[0]->id == "_sequenceFlow_1");
  CHECK(flows[1]->id == "_sequenceFlow_2");
  CHECK(b.definitions->processes[0]->scope.flows[1]->id == flows[1]->id);
}

namespace {
// Whether deploying the model is refused with `expected` ("code [element id]") among its errors.
struct DeployErrors {
  std::vector<std::string> errors;
  bool operator==(const std::string& expected) const {
    return std::find(errors.begin(), errors.end(), expected) != errors.end();
  }
};
DeployErrors deployError(const std::string& body) {
  DeployErrors out;
  for (const auto& d : check(bpmn(body), ValidationPurpose::execution))
    if (d.severity == Severity::error) out.errors.push_back(d.code + " [" + d.elementId + "]");
  return out;
}
const std::string kTail = "<sequenceFlow id=\"f9\" sourceRef=\"t\" targetRef=\"e\"/><endEvent id=\"e\"/>";
const std::string kHead = "<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"t\"/>";
}  // namespace

TEST_CASE("validate: the specification's rules for unexecutable models, each named with its element") {
  CHECK(deployError(kHead + "<userTask id=\"t\"><standardLoopCharacteristics loopMaximum=\"-1\"/></userTask>" +
                    kTail) == "loop_maximum_negative [t]");
  CHECK(deployError(kHead + "<task id=\"t\" startQuantity=\"0\"/>" + kTail) == "quantity_not_positive [t]");
  CHECK(deployError(kHead + "<task id=\"t\" completionQuantity=\"0\"/>" + kTail) == "quantity_not_positive [t]");
  CHECK(deployError(kHead + "<userTask id=\"t\"><multiInstanceLoopCharacteristics/></userTask>" + kTail) ==
        "multi_instance_without_count [t]");
  CHECK(deployError(kHead + "<userTask id=\"t\" isForCompensation=\"true\"/>" + kTail) == "compensation_has_flows [t]");
  CHECK(deployError(kHead +
                    "<userTask id=\"t\" flowable:assignee=\"a\"><humanPerformer><resourceAssignmentExpression>"
                    "<formalExpression>b</formalExpression></resourceAssignmentExpression></humanPerformer>"
                    "</userTask>" +
                    kTail) == "duplicate_assignee [t]");
  CHECK(deployError(kHead + "<task id=\"t\"/>" + kTail +
                    "<subProcess id=\"esp\" triggeredByEvent=\"true\"><startEvent id=\"es\"/>"
                    "<sequenceFlow id=\"g\" sourceRef=\"es\" targetRef=\"ee\"/><endEvent id=\"ee\"/></subProcess>") ==
        "event_subprocess_none_start [es]");
  CHECK(deployError(kHead +
                    "<subProcess id=\"t\"><startEvent id=\"is\"><messageEventDefinition messageRef=\"m\"/>"
                    "</startEvent><sequenceFlow id=\"g\" sourceRef=\"is\" targetRef=\"ie\"/><endEvent "
                    "id=\"ie\"/></subProcess>" +
                    kTail) == "subprocess_start_with_trigger [is]");
  CHECK(deployError(kHead + "<intermediateCatchEvent id=\"t\"/>" + kTail) == "catch_without_definition [t]");
  CHECK(deployError(kHead + "<task id=\"t\"/>" + kTail + "<boundaryEvent id=\"b\" attachedToRef=\"t\"/>") ==
        "catch_without_definition [b]");
  CHECK(deployError("<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>"
                    "<eventBasedGateway id=\"g\"/><sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"t\"/>"
                    "<userTask id=\"t\"/>" +
                    kTail) == "event_gateway_target [f1]");
  CHECK(deployError("<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"t\"/>"
                    "<exclusiveGateway id=\"t\"/>") == "gateway_without_outgoing [t]");
  CHECK(deployError(kHead + "<task id=\"t\"/>" + kTail +
                    "<subProcess id=\"esp\" triggeredByEvent=\"true\"><startEvent id=\"es\"><messageEventDefinition "
                    "messageRef=\"m\"/></startEvent><sequenceFlow id=\"g\" sourceRef=\"es\" targetRef=\"ee\"/>"
                    "<endEvent id=\"ee\"/></subProcess><sequenceFlow id=\"h\" sourceRef=\"esp\" targetRef=\"e\"/>") ==
        "event_subprocess_has_flows [esp]");
  CHECK(deployError(
            "<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>"
            "<eventBasedGateway id=\"g\"/><sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"c\"/>"
            "<sequenceFlow id=\"f2\" sourceRef=\"s\" targetRef=\"c\"/><intermediateCatchEvent id=\"c\">"
            "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
            "</intermediateCatchEvent><sequenceFlow id=\"f3\" sourceRef=\"c\" targetRef=\"e\"/><endEvent id=\"e\"/>") ==
        "event_gateway_target_shared [f2]");
  CHECK(deployError(
            "<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>"
            "<eventBasedGateway id=\"g\"/><sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"c\">"
            "<conditionExpression>${x}</conditionExpression></sequenceFlow><intermediateCatchEvent id=\"c\">"
            "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
            "</intermediateCatchEvent><sequenceFlow id=\"f3\" sourceRef=\"c\" targetRef=\"e\"/><endEvent id=\"e\"/>") ==
        "conditional_from_event_gateway [f1]");
  CHECK(
      deployError(
          kHead + "<userTask id=\"t\"/>" + kTail +
          "<boundaryEvent id=\"b1\" attachedToRef=\"t\"><messageEventDefinition messageRef=\"m\"/></boundaryEvent>"
          "<boundaryEvent id=\"b2\" attachedToRef=\"t\"><messageEventDefinition messageRef=\"m\"/></boundaryEvent>") ==
      "duplicate_message_catch [b2]");
  // The same models read for interchange only: the execution-only rules are warnings there.
  CHECK_FALSE(
      hasErrors(check(bpmn("<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" "
                           "targetRef=\"t\"/><exclusiveGateway id=\"t\"/>"))));
}

TEST_CASE("validate: an element the BPMN namespace does not define") {
  auto ds = check(bpmn(kLinear + "<frobnicator id=\"x\"/>"));
  auto* d = test::find(ds, "unknown_element");
  REQUIRE(d);
  CHECK(d->message.find("frobnicator") != std::string::npos);
}

TEST_CASE("validate: every problem comes back at once") {
  auto ds =
      check(bpmn("<startEvent id=\"a\"/><startEvent id=\"a\"/><sequenceFlow id=\"f\" sourceRef=\"a\" targetRef=\"zz\"/>"
                 "<endEvent id=\"e\"/><sequenceFlow id=\"g\" sourceRef=\"e\" targetRef=\"a\"/>"));
  CHECK(test::hasCode(ds, "duplicate_id"));
  CHECK(test::hasCode(ds, "dangling_reference"));
  CHECK(test::hasCode(ds, "end_has_outgoing"));
}

TEST_CASE("validate: hostile input: entity expansion is refused") {
  std::string bomb =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n"
      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">&lol2;</definitions>";
  auto ds = check(bomb);
  auto* d = test::find(ds, "xml_doctype");
  REQUIRE(d);
  CHECK(d->line == 2);
}

TEST_CASE("validate: hostile input: a 100 MB file is refused before parsing") {
  std::string big = bpmn(kLinear);
  big.insert(big.find("</definitions>"), std::string(100u << 20, ' '));
  auto ds = check(big);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].code == "too_large");
}

TEST_CASE("validate: hostile input: nesting thousands deep is refused, no stack overflow") {
  std::string deep = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">";
  for (int i = 0; i < 100000; ++i) deep += "<subProcess>";
  for (int i = 0; i < 100000; ++i) deep += "</subProcess>";
  deep += "</process></definitions>";
  auto ds = check(deep);
  CHECK(test::hasCode(ds, "too_deep"));
}

TEST_CASE("validate: an unsupported encoding is named") {
  auto ds = check("<?xml version=\"1.0\" encoding=\"EBCDIC-XYZ\"?><definitions/>");
  REQUIRE(test::hasCode(ds, "unsupported_encoding"));
  CHECK(test::find(ds, "unsupported_encoding")->message.find("ebcdic-xyz") != std::string::npos);
}

TEST_CASE("validate: ISO-8859-1 documents are read, with their positions") {
  std::string doc = bpmn("<startEvent id=\"s\" name=\"Caf\xe9\"/><startEvent id=\"s\"/>");
  doc.replace(doc.find("UTF-8"), 5, "ISO-8859-1");
  auto ds = check(doc);
  auto* d = test::find(ds, "duplicate_id");
  REQUIRE(d);
  CHECK(d->line == 7);
}

TEST_CASE("validate: a link throw event needs a catch event of the same name in its scope") {
  auto ds =
      check(bpmn("<startEvent id=\"s\"/><intermediateThrowEvent id=\"go\"><linkEventDefinition "
                 "name=\"A\"/></intermediateThrowEvent>"
                 "<intermediateCatchEvent id=\"land\"><linkEventDefinition "
                 "name=\"B\"/></intermediateCatchEvent><endEvent id=\"e\"/>"
                 "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"go\"/><sequenceFlow id=\"2\" sourceRef=\"land\" "
                 "targetRef=\"e\"/>"));
  auto* d = test::find(ds, "dangling_reference");
  REQUIRE(d);
  CHECK(d->elementId == "go");
  CHECK(d->message.find("'A'") != std::string::npos);
}

TEST_CASE("validate: a compensation boundary event needs an associated handler marked isForCompensation") {
  auto noHandler =
      check(bpmn(kLinear + "<boundaryEvent id=\"c\" attachedToRef=\"t\"><compensateEventDefinition/></boundaryEvent>"),
            ValidationPurpose::execution);
  auto* d = test::find(noHandler, "missing_compensation_handler");
  REQUIRE(d);
  CHECK(d->elementId == "c");
  CHECK(d->severity == Severity::error);
  auto notMarked =
      check(bpmn(kLinear + "<boundaryEvent id=\"c\" attachedToRef=\"t\"><compensateEventDefinition/></boundaryEvent>"
                           "<task id=\"undo\"/><association id=\"a\" sourceRef=\"c\" targetRef=\"undo\"/>"),
            ValidationPurpose::execution);
  REQUIRE(test::find(notMarked, "missing_compensation_handler"));
  CHECK(test::find(notMarked, "missing_compensation_handler")->message.find("isForCompensation") != std::string::npos);
  auto good = check(
      bpmn(kLinear +
           "<boundaryEvent id=\"c\" attachedToRef=\"t\"><compensateEventDefinition/></boundaryEvent>"
           "<task id=\"undo\" isForCompensation=\"true\"/><association id=\"a\" sourceRef=\"c\" targetRef=\"undo\"/>"));
  CHECK_FALSE(test::hasCode(good, "missing_compensation_handler"));
}
