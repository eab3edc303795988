// The model that parsing builds: one test per element family and extension.
#include <catch2/catch.hpp>

#include "model/graph.hpp"
#include "parse/parser.hpp"
#include "test_support.hpp"

using namespace ordo;
using model::EventType;
using model::NodeKind;
using test::bpmn;

namespace {
std::shared_ptr<const model::Definitions> parseOk(const std::string& xml) {
  auto r = parse::parseDefinitions(xml);
  INFO(test::describe(r.diagnostics));
  REQUIRE(r.definitions);
  REQUIRE_FALSE(hasErrors(r.diagnostics));
  return r.definitions;
}
const model::FlowNode& node(const model::Definitions& d, const std::string& id) {
  for (const auto& p : d.processes)
    if (auto* n = p->node(id)) return *n;
  FAIL("no node " << id);
  throw 0;
}
}  // namespace

TEST_CASE("parse: every task kind") {
  auto d = parseOk(
      bpmn("<task id=\"a\"/><userTask id=\"b\"/><manualTask id=\"c\"/><serviceTask id=\"d\"/><sendTask id=\"e\"/>"
           "<receiveTask id=\"f\" messageRef=\"m\" instantiate=\"true\"/><scriptTask id=\"g\" "
           "scriptFormat=\"lua\"><script>return 1</script></scriptTask>"
           "<businessRuleTask id=\"h\"/>",
           "<message id=\"m\" name=\"Msg\"/>"));
  CHECK(node(*d, "a").kind == NodeKind::task);
  CHECK(node(*d, "b").kind == NodeKind::userTask);
  CHECK(node(*d, "c").kind == NodeKind::manualTask);
  CHECK(node(*d, "d").kind == NodeKind::serviceTask);
  CHECK(node(*d, "e").kind == NodeKind::sendTask);
  CHECK(node(*d, "f").kind == NodeKind::receiveTask);
  CHECK(node(*d, "f").messageRef == "m");
  CHECK(node(*d, "f").instantiate);
  CHECK(d->messageName("m") == "Msg");
  CHECK(node(*d, "g").kind == NodeKind::scriptTask);
  CHECK(node(*d, "g").script.format == "lua");
  CHECK(node(*d, "g").script.text == "return 1");
  CHECK(node(*d, "h").kind == NodeKind::businessRuleTask);
}

TEST_CASE("parse: every gateway kind, with default flow and direction") {
  auto d = parseOk(bpmn(
      "<exclusiveGateway id=\"x\" default=\"fx\"/><parallelGateway id=\"par\" gatewayDirection=\"Diverging\"/>"
      "<inclusiveGateway id=\"i\"/><eventBasedGateway id=\"eb\" eventGatewayType=\"Parallel\" instantiate=\"true\"/>"
      "<complexGateway id=\"c\"><activationCondition>${n &gt; 1}</activationCondition></complexGateway>"
      "<endEvent id=\"end\"/><sequenceFlow id=\"fx\" sourceRef=\"x\" targetRef=\"end\"/>"));
  CHECK(node(*d, "x").kind == NodeKind::exclusiveGateway);
  REQUIRE(node(*d, "x").defaultFlow);
  CHECK(node(*d, "x").defaultFlow->id == "fx");
  CHECK(node(*d, "x").defaultFlow->isDefault);
  CHECK(node(*d, "par").kind == NodeKind::parallelGateway);
  CHECK(node(*d, "par").gatewayDirection == "Diverging");
  CHECK(node(*d, "i").kind == NodeKind::inclusiveGateway);
  CHECK(node(*d, "eb").kind == NodeKind::eventBasedGateway);
  CHECK(node(*d, "eb").eventGatewayType == "Parallel");
  CHECK(node(*d, "c").activationCondition == "${n > 1}");
}

TEST_CASE("parse: start, end, intermediate and boundary events with every event definition") {
  auto d = parseOk(bpmn(
      "<startEvent id=\"s1\"><messageEventDefinition messageRef=\"m\"/></startEvent>"
      "<startEvent id=\"s2\"><timerEventDefinition><timeCycle>R3/PT10M</timeCycle></timerEventDefinition></startEvent>"
      "<startEvent id=\"s3\"><signalEventDefinition signalRef=\"sig\"/></startEvent>"
      "<startEvent "
      "id=\"s4\"><conditionalEventDefinition><condition>${ready}</condition></conditionalEventDefinition></startEvent>"
      "<intermediateCatchEvent "
      "id=\"c1\"><timerEventDefinition><timeDate>2030-01-01T00:00:00Z</timeDate></timerEventDefinition></"
      "intermediateCatchEvent>"
      "<intermediateCatchEvent id=\"c2\"><linkEventDefinition name=\"L\"/></intermediateCatchEvent>"
      "<intermediateThrowEvent id=\"t1\"><escalationEventDefinition escalationRef=\"esc\"/></intermediateThrowEvent>"
      "<intermediateThrowEvent id=\"t2\"><compensateEventDefinition activityRef=\"work\" "
      "waitForCompletion=\"false\"/></intermediateThrowEvent>"
      "<userTask id=\"work\"/>"
      "<boundaryEvent id=\"b1\" attachedToRef=\"work\" "
      "cancelActivity=\"false\"><timerEventDefinition><timeDuration>PT4H</timeDuration></timerEventDefinition></"
      "boundaryEvent>"
      "<boundaryEvent id=\"b2\" attachedToRef=\"work\"><errorEventDefinition errorRef=\"err\"/></boundaryEvent>"
      "<boundaryEvent id=\"b3\" attachedToRef=\"work\"><cancelEventDefinition/></boundaryEvent>"
      "<endEvent id=\"e1\"><terminateEventDefinition/></endEvent>"
      "<endEvent id=\"e2\"><errorEventDefinition errorRef=\"err\"/></endEvent>"
      "<endEvent id=\"e3\"/>"
      "<intermediateCatchEvent id=\"multi\" parallelMultiple=\"true\"><messageEventDefinition "
      "messageRef=\"m\"/><signalEventDefinition signalRef=\"sig\"/></intermediateCatchEvent>",
      "<message id=\"m\" name=\"order\"/><signal id=\"sig\" name=\"alarm\"/><error id=\"err\" errorCode=\"E42\"/>"
      "<escalation id=\"esc\" escalationCode=\"up\"/>"));
  CHECK(node(*d, "s1").eventType() == EventType::message);
  CHECK(node(*d, "s1").events[0].ref == "m");
  CHECK(node(*d, "s2").events[0].timer.type == model::TimerDefinition::Type::cycle);
  CHECK(node(*d, "s2").events[0].timer.expression == "R3/PT10M");
  CHECK(node(*d, "s3").eventType() == EventType::signal);
  CHECK(d->signalName("sig") == "alarm");
  CHECK(node(*d, "s4").events[0].condition == "${ready}");
  CHECK(node(*d, "c1").events[0].timer.type == model::TimerDefinition::Type::date);
  CHECK(node(*d, "c2").events[0].linkName == "L");
  CHECK(node(*d, "t1").eventType() == EventType::escalation);
  CHECK(node(*d, "t2").events[0].ref == "work");
  CHECK_FALSE(node(*d, "t2").events[0].waitForCompletion);
  CHECK(node(*d, "b1").attachedTo == &node(*d, "work"));
  CHECK_FALSE(node(*d, "b1").cancelActivity);
  CHECK(node(*d, "b1").events[0].timer.type == model::TimerDefinition::Type::duration);
  CHECK(node(*d, "b2").cancelActivity);
  CHECK(node(*d, "b3").eventType() == EventType::cancel);
  CHECK(node(*d, "work").boundaryEvents.size() == 3);
  CHECK(node(*d, "e1").eventType() == EventType::terminate);
  CHECK(d->errors.at("err").errorCode == "E42");
  CHECK(d->escalations.at("esc").escalationCode == "up");
  CHECK(node(*d, "e3").events.empty());
  CHECK(node(*d, "multi").events.size() == 2);
  CHECK(node(*d, "multi").parallelMultiple);
}

TEST_CASE("parse: subprocess, event subprocess, transaction, ad-hoc and call activity") {
  auto d =
      parseOk(bpmn("<subProcess id=\"sp\"><startEvent id=\"is\"/><sequenceFlow id=\"if\" sourceRef=\"is\" "
                   "targetRef=\"ie\"/><endEvent id=\"ie\"/></subProcess>"
                   "<subProcess id=\"esp\" triggeredByEvent=\"true\"><startEvent id=\"es\" "
                   "isInterrupting=\"false\"><messageEventDefinition messageRef=\"m\"/></startEvent></subProcess>"
                   "<transaction id=\"tx\" method=\"##Compensate\"><task id=\"tt\"/></transaction>"
                   "<adHocSubProcess id=\"ah\" ordering=\"Sequential\"><task "
                   "id=\"at\"/><completionCondition>${done}</completionCondition></adHocSubProcess>"
                   "<callActivity id=\"call\" calledElement=\"child\" flowable:calledElementBinding=\"latest\" "
                   "flowable:inheritBusinessKey=\"true\">"
                   "<extensionElements><flowable:in source=\"a\" target=\"b\"/><flowable:in "
                   "sourceExpression=\"${x+1}\" target=\"y\"/>"
                   "<flowable:out variables=\"all\"/></extensionElements></callActivity>",
                   "<message id=\"m\" name=\"msg\"/>"));
  const auto& sp = node(*d, "sp");
  CHECK(sp.kind == NodeKind::subProcess);
  REQUIRE(sp.inner);
  CHECK(sp.inner->nodes.size() == 2);
  CHECK(sp.inner->owner == &sp);
  CHECK(node(*d, "is").scope == sp.inner.get());
  CHECK(node(*d, "esp").kind == NodeKind::eventSubProcess);
  CHECK_FALSE(node(*d, "es").interrupting);
  CHECK(node(*d, "tx").kind == NodeKind::transaction);
  CHECK(node(*d, "ah").kind == NodeKind::adHocSubProcess);
  CHECK(node(*d, "ah").ordering);
  CHECK(node(*d, "ah").adHocCompletionCondition == "${done}");
  const auto& call = node(*d, "call");
  CHECK(call.call.calledElement == "child");
  CHECK(call.call.binding == "latest");
  CHECK(call.call.inheritBusinessKey);
  REQUIRE(call.call.in.size() == 2);
  CHECK(call.call.in[0].source == "a");
  CHECK(call.call.in[1].sourceExpression == "${x+1}");
  REQUIRE(call.call.out.size() == 1);
  CHECK(call.call.out[0].all);
}

TEST_CASE("parse: sequence flows with conditions, in document order") {
  auto d = parseOk(bpmn(
      "<startEvent id=\"s\"/><exclusiveGateway id=\"g\" default=\"f3\"/><endEvent id=\"a\"/><endEvent id=\"b\"/>"
      "<sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>"
      "<sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"a\"><conditionExpression "
      "xsi:type=\"tFormalExpression\"><![CDATA[${amount > 1000 && dept == 'IT'}]]></conditionExpression></sequenceFlow>"
      "<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"b\"><conditionExpression>${amount &lt;= "
      "1000}</conditionExpression></sequenceFlow>"
      "<sequenceFlow id=\"f3\" sourceRef=\"g\" targetRef=\"b\"/>"));
  const auto& g = node(*d, "g");
  REQUIRE(g.outgoing.size() == 3);
  CHECK(g.outgoing[0]->condition == "${amount > 1000 && dept == 'IT'}");
  CHECK(g.outgoing[1]->condition == "${amount <= 1000}");
  CHECK(g.outgoing[2]->isDefault);
  CHECK(g.incoming.size() == 1);
}

TEST_CASE("parse: multi-instance and standard loop characteristics") {
  auto d = parseOk(bpmn(
      "<userTask id=\"mi\" flowable:assignee=\"${approver}\"><multiInstanceLoopCharacteristics isSequential=\"true\" "
      "flowable:collection=\"${approvers}\" flowable:elementVariable=\"approver\">"
      "<completionCondition>${nrOfCompletedInstances >= "
      "1}</completionCondition></multiInstanceLoopCharacteristics></userTask>"
      "<userTask id=\"card\"><multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality>"
      "<loopDataOutputRef>results</loopDataOutputRef><outputDataItem id=\"r\" "
      "name=\"result\"/></multiInstanceLoopCharacteristics></userTask>"
      "<userTask id=\"data\"><multiInstanceLoopCharacteristics><loopDataInputRef>items</loopDataInputRef>"
      "<inputDataItem id=\"it\" name=\"item\"/></multiInstanceLoopCharacteristics></userTask>"
      "<task id=\"loop\"><standardLoopCharacteristics testBefore=\"true\" loopMaximum=\"5\"><loopCondition>${not "
      "done}</loopCondition></standardLoopCharacteristics></task>"));
  const auto& mi = node(*d, "mi").loop;
  CHECK(mi.kind == model::LoopCharacteristics::Kind::multiInstance);
  CHECK(mi.sequential);
  CHECK(mi.collection == "${approvers}");
  CHECK(mi.elementVariable == "approver");
  CHECK(mi.completionCondition == "${nrOfCompletedInstances >= 1}");
  CHECK(node(*d, "card").loop.loopCardinality == "3");
  CHECK(node(*d, "card").loop.loopDataOutputRef == "results");
  CHECK(node(*d, "card").loop.outputDataItem == "r");
  CHECK(node(*d, "data").loop.collection == "items");
  CHECK(node(*d, "data").loop.elementVariable == "it");
  const auto& loop = node(*d, "loop").loop;
  CHECK(loop.kind == model::LoopCharacteristics::Kind::standard);
  CHECK(loop.testBefore);
  CHECK(loop.loopMaximum == 5);
  CHECK(loop.loopCondition == "${not done}");
}

TEST_CASE("parse: ioSpecification, data objects and data associations") {
  auto d = parseOk(
      bpmn("<dataObject id=\"do1\" name=\"order\" isCollection=\"false\"/><dataObjectReference id=\"dor\" "
           "dataObjectRef=\"do1\"/>"
           "<task id=\"t\"><ioSpecification id=\"io\"><dataInput id=\"di\" name=\"in\"/><dataOutput id=\"dout\" "
           "name=\"out\"/>"
           "<inputSet id=\"is\"><dataInputRefs>di</dataInputRefs></inputSet><outputSet "
           "id=\"os\"><dataOutputRefs>dout</dataOutputRefs></outputSet></ioSpecification>"
           "<dataInputAssociation id=\"dia\"><sourceRef>dor</sourceRef><targetRef>di</targetRef></dataInputAssociation>"
           "<dataOutputAssociation id=\"doa\"><sourceRef>dout</sourceRef><targetRef>dor</targetRef>"
           "<assignment><from>${a}</from><to>b</to></assignment></dataOutputAssociation></task>"));
  const auto& p = *d->processes[0];
  REQUIRE(p.scope.dataObjects.size() == 1);
  CHECK(p.scope.dataObjects[0].name == "order");
  REQUIRE(p.scope.dataObjectReferences.size() == 1);
  CHECK(p.scope.dataObjectReferences[0].second == "do1");
  const auto& t = node(*d, "t");
  REQUIRE(t.io.inputs.size() == 1);
  CHECK(t.io.inputs[0].name == "in");
  CHECK(t.io.outputs[0].id == "dout");
  REQUIRE(t.dataInputs.size() == 1);
  CHECK(t.dataInputs[0].sources == std::vector<std::string>{"dor"});
  CHECK(t.dataInputs[0].target == "di");
  REQUIRE(t.dataOutputs[0].assignments.size() == 1);
  CHECK(t.dataOutputs[0].assignments[0].first == "${a}");
}

TEST_CASE("parse: flowable, camunda and activiti attributes read alike") {
  for (std::string prefix : {"flowable", "camunda", "activiti"}) {
    INFO(prefix);
    auto d = parseOk(bpmn("<userTask id=\"u\" " + prefix + ":assignee=\"${initiator}\" " + prefix +
                          ":candidateUsers=\"${reviewers}\" " + prefix + ":candidateGroups=\"finance,hr\" " + prefix +
                          ":formKey=\"leave-form\" " + prefix + ":dueDate=\"P2D\" " + prefix +
                          ":priority=\"60\"/>"
                          "<serviceTask id=\"sv\" " +
                          prefix + ":type=\"external\" " + prefix + ":topic=\"payout\" " + prefix +
                          ":async=\"true\"/><serviceTask id=\"cls\" " + prefix + ":class=\"com.acme.Pay\" " + prefix +
                          ":asyncAfter=\"true\"/>"));
    const auto& u = node(*d, "u").human;
    CHECK(u.assignee == "${initiator}");
    CHECK(u.candidateUsers == "${reviewers}");
    CHECK(u.candidateGroups == "finance,hr");
    CHECK(u.formKey == "leave-form");
    CHECK(u.dueDate == "P2D");
    CHECK(u.priority == "60");
    CHECK(node(*d, "sv").service.type == "external");
    CHECK(node(*d, "sv").service.topic == "payout");
    CHECK(node(*d, "sv").asyncBefore);
    CHECK(node(*d, "cls").service.className == "com.acme.Pay");
    CHECK(node(*d, "cls").asyncAfter);
    CHECK(node(*d, "u").extensions.at("formKey") == "leave-form");
  }
}

TEST_CASE("parse: BPMN's own potentialOwner is kept") {
  auto d = parseOk(bpmn(
      "<userTask id=\"u\"><potentialOwner><resourceAssignmentExpression><formalExpression>"
      "user(kermit), group(management)</formalExpression></resourceAssignmentExpression></potentialOwner></userTask>"));
  CHECK(node(*d, "u").human.potentialOwners == std::vector<std::string>{"user(kermit), group(management)"});
}

TEST_CASE("parse: several processes, collaboration, participants, lanes and message flows") {
  std::string xml =
      "<?xml version=\"1.0\"?><definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">"
      "<message id=\"m\" name=\"order\"/>"
      "<collaboration id=\"c\"><participant id=\"pa\" name=\"Customer\" processRef=\"p1\"/>"
      "<participant id=\"pb\" name=\"Shop\" processRef=\"p2\"/>"
      "<messageFlow id=\"mf\" sourceRef=\"send\" targetRef=\"recv\" messageRef=\"m\"/></collaboration>"
      "<process id=\"p1\"><laneSet id=\"ls\"><lane id=\"l1\" name=\"Clerk\"><flowNodeRef>send</flowNodeRef>"
      "<childLaneSet id=\"cls\"><lane id=\"l2\"/></childLaneSet></lane></laneSet>"
      "<startEvent id=\"s1\"/><sequenceFlow id=\"a\" sourceRef=\"s1\" targetRef=\"send\"/><sendTask id=\"send\" "
      "messageRef=\"m\"/></process>"
      "<process id=\"p2\"><startEvent id=\"recv\"><messageEventDefinition messageRef=\"m\"/></startEvent></process>"
      "</definitions>";
  auto d = parseOk(xml);
  REQUIRE(d->processes.size() == 2);
  REQUIRE(d->collaborations.size() == 1);
  CHECK(d->collaborations[0].participants.size() == 2);
  CHECK(d->collaborations[0].participants[1].processRef == "p2");
  REQUIRE(d->collaborations[0].messageFlows.size() == 1);
  CHECK(d->collaborations[0].messageFlows[0].targetRef == "recv");
  const auto& lanes = d->process("p1")->scope.lanes;
  REQUIRE(lanes.size() == 1);
  CHECK(lanes[0].name == "Clerk");
  CHECK(lanes[0].flowNodeRefs == std::vector<std::string>{"send"});
  CHECK(lanes[0].childLanes.size() == 1);
}

TEST_CASE("parse: the flow graph of a scope is a Boost.Graph over its nodes and flows") {
  auto d =
      parseOk(bpmn("<startEvent id=\"s\"/><parallelGateway id=\"fork\"/><task id=\"a\"/><task id=\"b\"/>"
                   "<parallelGateway id=\"join\"/><endEvent id=\"e\"/>"
                   "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"fork\"/><sequenceFlow id=\"2\" "
                   "sourceRef=\"fork\" targetRef=\"a\"/>"
                   "<sequenceFlow id=\"3\" sourceRef=\"fork\" targetRef=\"b\"/><sequenceFlow id=\"4\" sourceRef=\"a\" "
                   "targetRef=\"join\"/>"
                   "<sequenceFlow id=\"5\" sourceRef=\"b\" targetRef=\"join\"/><sequenceFlow id=\"6\" "
                   "sourceRef=\"join\" targetRef=\"e\"/>"));
  const auto& scope = d->processes[0]->scope;
  const auto& g = scope.graph->graph();
  CHECK(boost::num_vertices(g) == 6);
  CHECK(boost::num_edges(g) == 6);
  auto join = scope.graph->vertex(&node(*d, "join"));
  CHECK(boost::in_degree(join, g) == 2);
  CHECK(scope.graph->reaches(&node(*d, "a"), &node(*d, "e")));
  CHECK_FALSE(scope.graph->reaches(&node(*d, "e"), &node(*d, "a")));
  CHECK(scope.graph->unreachable().empty());
}

TEST_CASE("parse: namespaces are resolved, not matched by prefix") {
  // BPMN under an unusual prefix, and a non-BPMN element that happens to be called 'userTask'.
  std::string xml =
      "<x:definitions xmlns:x=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:other=\"urn:other\" id=\"d\">"
      "<x:process id=\"p\"><x:userTask id=\"real\"/><x:extensionElements><other:userTask "
      "id=\"fake\"/></x:extensionElements></x:process>"
      "</x:definitions>";
  auto d = parseOk(xml);
  CHECK(d->processes[0]->nodesById.size() == 1);
  CHECK(node(*d, "real").kind == NodeKind::userTask);
}
