#include "parse/context.hpp"

#include <array>
#include <cstring>

namespace ordo::parse {

namespace {
std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}
}  // namespace

void ReadContext::error(pugi::xml_node at, std::string code, std::string message, std::string elementId) {
  auto p = position(at);
  diagnostics.push_back({Severity::error, std::move(code), std::move(message), std::move(elementId), p.line, p.column});
}

void ReadContext::warning(pugi::xml_node at, std::string code, std::string message, std::string elementId) {
  auto p = position(at);
  diagnostics.push_back(
      {Severity::warning, std::move(code), std::move(message), std::move(elementId), p.line, p.column});
}

void ReadContext::executionProblem(pugi::xml_node at, std::string code, std::string message, std::string elementId) {
  if (purpose == ValidationPurpose::execution)
    error(at, std::move(code), std::move(message), std::move(elementId));
  else
    warning(at, std::move(code), std::move(message), std::move(elementId));
}

model::Position ReadContext::position(pugi::xml_node node) const {
  if (!node) return {};
  auto loc = xml.locate(node);
  return {loc.line, loc.column};
}

bool ReadContext::boolAttr(pugi::xml_node node, const char* name, bool fallback) const {
  auto a = node.attribute(name);
  if (!a) return fallback;
  std::string v = a.value();
  if (v == "true") return true;
  if (v == "false") return false;
  return fallback;
}

std::string ReadContext::engineAttr(pugi::xml_node node, std::string_view local) const {
  for (auto a : node.attributes()) {
    auto n = xml.name(node, a);
    if (n.local == local && isEngineExtensionNs(n.ns)) return trim(a.value());
  }
  return {};
}

std::map<std::string, std::string> ReadContext::engineAttrs(pugi::xml_node node) const {
  std::map<std::string, std::string> out;
  for (auto a : node.attributes()) {
    auto n = xml.name(node, a);
    if (isEngineExtensionNs(n.ns)) out.emplace(std::string(n.local), a.value());
  }
  return out;
}

std::vector<pugi::xml_node> ReadContext::children(pugi::xml_node node, std::string_view local) const {
  std::vector<pugi::xml_node> out;
  for (auto c : node.children())
    if (c.type() == pugi::node_element && xml.isBpmn(c, local)) out.push_back(c);
  return out;
}

pugi::xml_node ReadContext::child(pugi::xml_node node, std::string_view local) const {
  for (auto c : node.children())
    if (c.type() == pugi::node_element && xml.isBpmn(c, local)) return c;
  return {};
}

std::vector<pugi::xml_node> ReadContext::extensionChildren(pugi::xml_node node, std::string_view local) const {
  std::vector<pugi::xml_node> out;
  for (auto ext : children(node, "extensionElements"))
    for (auto c : ext.children()) {
      if (c.type() != pugi::node_element) continue;
      auto n = xml.name(c);
      if (n.local == local && isEngineExtensionNs(n.ns)) out.push_back(c);
    }
  return out;
}

std::vector<model::VariableMapping> ReadContext::variableMappings(pugi::xml_node node, std::string_view tag) const {
  std::vector<model::VariableMapping> out;
  for (auto m : extensionChildren(node, tag)) {
    if (m.attribute("businessKey")) continue;  // a call activity's business key (readCallActivity)
    model::VariableMapping v;
    v.source = attr(m, "source");
    v.sourceExpression = attr(m, "sourceExpression");
    v.target = attr(m, "target");
    v.all = attr(m, "variables") == "all";
    v.local = attr(m, "local") == "true";
    v.type = attr(m, tag == "out" ? "sourceType" : "targetType");
    out.push_back(std::move(v));
  }
  return out;
}

std::string ReadContext::text(pugi::xml_node node) const {
  std::string out;
  for (auto c : node.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  return trim(out);
}

std::string ReadContext::idOf(pugi::xml_node node, std::string_view tag) {
  auto id = attr(node, "id");
  if (!id.empty()) return id;
  // Flowable and Camunda accept elements without an id (the schema makes it optional):
  // the n-th such element of its tag in document order, so the same XML gets the same ids.
  auto n = ++generated_[std::string(tag)];
  return "_" + std::string(tag) + "_" + std::to_string(n);
}

std::string ReadContext::reference(pugi::xml_node node, const char* attribute) const {
  std::string ref = attr(node, attribute);
  if (ref.find(':') == std::string::npos) return ref;
  XName resolved;
  if (xml.resolveQName(node, ref, resolved) && resolved.ns == definitions.targetNamespace)
    return std::string(resolved.local);
  return ref;
}

void ReadContext::registerId(pugi::xml_node node, const std::string& id) {
  if (id.empty()) return;
  auto p = position(node);
  auto [it, inserted] = ids_.emplace(id, p);
  if (!inserted)
    diagnostics.push_back({Severity::error, "duplicate_id",
                           "duplicate id '" + id + "' (first used at line " + std::to_string(it->second.line) + ")", id,
                           p.line, p.column});
}

const NodeReaderEntry* findNodeReader(std::string_view tag) {
  using K = model::NodeKind;
  static const std::unordered_map<std::string_view, NodeReaderEntry> table = {
      {"startEvent", {K::startEvent, readEvent}},
      {"endEvent", {K::endEvent, readEvent}},
      {"intermediateCatchEvent", {K::intermediateCatchEvent, readEvent}},
      {"intermediateThrowEvent", {K::intermediateThrowEvent, readEvent}},
      {"boundaryEvent", {K::boundaryEvent, readEvent}},
      {"task", {K::task, readPlainTask}},
      {"userTask", {K::userTask, readUserTask}},
      {"manualTask", {K::manualTask, readPlainTask}},
      {"serviceTask", {K::serviceTask, readServiceLike}},
      {"sendTask", {K::sendTask, readServiceLike}},
      {"businessRuleTask", {K::businessRuleTask, readServiceLike}},
      {"receiveTask", {K::receiveTask, readReceiveTask}},
      {"scriptTask", {K::scriptTask, readScriptTask}},
      {"exclusiveGateway", {K::exclusiveGateway, readGateway}},
      {"parallelGateway", {K::parallelGateway, readGateway}},
      {"inclusiveGateway", {K::inclusiveGateway, readGateway}},
      {"eventBasedGateway", {K::eventBasedGateway, readGateway}},
      {"complexGateway", {K::complexGateway, readGateway}},
      {"subProcess", {K::subProcess, readSubProcess}},
      {"transaction", {K::transaction, readSubProcess}},
      {"adHocSubProcess", {K::adHocSubProcess, readSubProcess}},
      {"callActivity", {K::callActivity, readCallActivity}},
  };
  auto it = table.find(tag);
  return it == table.end() ? nullptr : &it->second;
}

bool isBpmnElementName(std::string_view local) {
  // The element names of the BPMN 2.0 semantic schema (Semantic.xsd and its includes).
  static const std::unordered_map<std::string_view, bool> names = [] {
    std::unordered_map<std::string_view, bool> m;
    for (const char* n : {"activationCondition",
                          "activity",
                          "adHocSubProcess",
                          "artifact",
                          "assignment",
                          "association",
                          "auditing",
                          "baseElement",
                          "boundaryEvent",
                          "businessRuleTask",
                          "callableElement",
                          "callActivity",
                          "callChoreography",
                          "callConversation",
                          "cancelEventDefinition",
                          "catchEvent",
                          "category",
                          "categoryValue",
                          "childLaneSet",
                          "choreography",
                          "choreographyActivity",
                          "choreographyTask",
                          "collaboration",
                          "compensateEventDefinition",
                          "complexBehaviorDefinition",
                          "complexGateway",
                          "completionCondition",
                          "condition",
                          "conditionalEventDefinition",
                          "conditionExpression",
                          "conversation",
                          "conversationAssociation",
                          "conversationLink",
                          "conversationNode",
                          "correlationKey",
                          "correlationProperty",
                          "correlationPropertyBinding",
                          "correlationPropertyRef",
                          "correlationPropertyRetrievalExpression",
                          "correlationSubscription",
                          "dataAssociation",
                          "dataInput",
                          "dataInputAssociation",
                          "dataInputRefs",
                          "dataObject",
                          "dataObjectReference",
                          "dataOutput",
                          "dataOutputAssociation",
                          "dataOutputRefs",
                          "dataPath",
                          "dataState",
                          "dataStore",
                          "dataStoreReference",
                          "definitions",
                          "documentation",
                          "endEvent",
                          "endPoint",
                          "endPointRef",
                          "error",
                          "errorEventDefinition",
                          "errorRef",
                          "escalation",
                          "escalationEventDefinition",
                          "event",
                          "eventBasedGateway",
                          "eventDefinition",
                          "eventDefinitionRef",
                          "exclusiveGateway",
                          "expression",
                          "extension",
                          "extensionElements",
                          "flowElement",
                          "flowNode",
                          "flowNodeRef",
                          "formalExpression",
                          "from",
                          "gateway",
                          "globalBusinessRuleTask",
                          "globalChoreographyTask",
                          "globalConversation",
                          "globalManualTask",
                          "globalScriptTask",
                          "globalTask",
                          "globalUserTask",
                          "group",
                          "humanPerformer",
                          "implicitThrowEvent",
                          "import",
                          "inclusiveGateway",
                          "incoming",
                          "inMessageRef",
                          "innerConversationNodeRef",
                          "innerMessageFlowRef",
                          "innerParticipantRef",
                          "inputDataItem",
                          "inputOutputBinding",
                          "inputOutputSpecification",
                          "inputSet",
                          "inputSetRefs",
                          "interface",
                          "interfaceRef",
                          "intermediateCatchEvent",
                          "intermediateThrowEvent",
                          "ioBinding",
                          "ioSpecification",
                          "itemDefinition",
                          "lane",
                          "laneSet",
                          "linkEventDefinition",
                          "loopCardinality",
                          "loopCharacteristics",
                          "loopCondition",
                          "loopDataInputRef",
                          "loopDataOutputRef",
                          "manualTask",
                          "message",
                          "messageEventDefinition",
                          "messageFlow",
                          "messageFlowAssociation",
                          "messageFlowRef",
                          "messagePath",
                          "monitoring",
                          "multiInstanceLoopCharacteristics",
                          "noneBehaviorEventRef",
                          "oneBehaviorEventRef",
                          "operation",
                          "operationRef",
                          "optionalInputRefs",
                          "optionalOutputRefs",
                          "outerConversationNodeRef",
                          "outerMessageFlowRef",
                          "outerParticipantRef",
                          "outgoing",
                          "outMessageRef",
                          "outputDataItem",
                          "outputSet",
                          "outputSetRefs",
                          "parallelGateway",
                          "participant",
                          "participantAssociation",
                          "participantMultiplicity",
                          "participantRef",
                          "partitionElement",
                          "partnerEntity",
                          "partnerEntityRef",
                          "partnerRole",
                          "partnerRoleRef",
                          "performer",
                          "potentialOwner",
                          "process",
                          "property",
                          "receiveTask",
                          "relationship",
                          "rendering",
                          "resource",
                          "resourceAssignmentExpression",
                          "resourceParameter",
                          "resourceParameterBinding",
                          "resourceRef",
                          "resourceRole",
                          "rootElement",
                          "script",
                          "scriptTask",
                          "sendTask",
                          "sequenceFlow",
                          "serviceTask",
                          "signal",
                          "signalEventDefinition",
                          "signalRef",
                          "source",
                          "sourceRef",
                          "standardLoopCharacteristics",
                          "startEvent",
                          "subChoreography",
                          "subConversation",
                          "subProcess",
                          "supportedInterfaceRef",
                          "supports",
                          "target",
                          "targetRef",
                          "task",
                          "terminateEventDefinition",
                          "text",
                          "textAnnotation",
                          "throwEvent",
                          "timeCycle",
                          "timeDate",
                          "timeDuration",
                          "timerEventDefinition",
                          "to",
                          "transaction",
                          "transformation",
                          "userTask",
                          "value",
                          "whileExecutingInputRefs",
                          "whileExecutingOutputRefs",
                          "escalationRef",
                          "messageRef",
                          "categoryValueRef",
                          "dataObjectRef",
                          "dataStoreRef",
                          "processRef",
                          "calledChoreographyRef",
                          "calledCollaborationRef",
                          "choreographyRef",
                          "correlationKeyRef",
                          "implementationRef",
                          "structureRef",
                          "definitionalCollaborationRef",
                          "loopCharacteristicsRef",
                          "inputSetWithOptional",
                          "inputSetWithWhileExecuting",
                          "outputSetWithOptional",
                          "outputSetWithWhileExecuting"})
      m.emplace(n, true);
    return m;
  }();
  return names.count(local) != 0;
}

}  // namespace ordo::parse
