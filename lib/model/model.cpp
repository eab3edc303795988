#include "model/model.hpp"

#include <cctype>

#include "model/graph.hpp"

namespace ordo::model {

DataType dataTypeOf(const std::string& itemSubjectRef) {
  auto colon = itemSubjectRef.find(':');
  auto t = colon == std::string::npos ? itemSubjectRef : itemSubjectRef.substr(colon + 1);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "int" || t == "integer" || t == "long" || t == "short") return DataType::integer;
  if (t == "double" || t == "float" || t == "decimal") return DataType::number;
  if (t == "boolean") return DataType::boolean;
  return DataType::text;
}

ScriptLanguage scriptLanguage(std::string_view format) {
  std::string f(format);
  for (auto& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (f == "javascript" || f == "ecmascript" || f == "js" || f == "text/javascript" || f == "application/javascript")
    return ScriptLanguage::javascript;
  if (f.empty() || f == "juel") return ScriptLanguage::juel;
  return ScriptLanguage::other;
}

const char* toString(NodeKind kind) {
  switch (kind) {
    case NodeKind::startEvent: return "startEvent";
    case NodeKind::endEvent: return "endEvent";
    case NodeKind::intermediateCatchEvent: return "intermediateCatchEvent";
    case NodeKind::intermediateThrowEvent: return "intermediateThrowEvent";
    case NodeKind::boundaryEvent: return "boundaryEvent";
    case NodeKind::task: return "task";
    case NodeKind::userTask: return "userTask";
    case NodeKind::manualTask: return "manualTask";
    case NodeKind::serviceTask: return "serviceTask";
    case NodeKind::sendTask: return "sendTask";
    case NodeKind::receiveTask: return "receiveTask";
    case NodeKind::scriptTask: return "scriptTask";
    case NodeKind::businessRuleTask: return "businessRuleTask";
    case NodeKind::exclusiveGateway: return "exclusiveGateway";
    case NodeKind::parallelGateway: return "parallelGateway";
    case NodeKind::inclusiveGateway: return "inclusiveGateway";
    case NodeKind::eventBasedGateway: return "eventBasedGateway";
    case NodeKind::complexGateway: return "complexGateway";
    case NodeKind::subProcess: return "subProcess";
    case NodeKind::eventSubProcess: return "eventSubProcess";
    case NodeKind::transaction: return "transaction";
    case NodeKind::adHocSubProcess: return "adHocSubProcess";
    case NodeKind::callActivity: return "callActivity";
  }
  return "?";
}

const char* toString(EventType type) {
  switch (type) {
    case EventType::none: return "none";
    case EventType::message: return "message";
    case EventType::timer: return "timer";
    case EventType::error: return "error";
    case EventType::escalation: return "escalation";
    case EventType::signal: return "signal";
    case EventType::cancel: return "cancel";
    case EventType::compensate: return "compensate";
    case EventType::conditional: return "conditional";
    case EventType::link: return "link";
    case EventType::terminate: return "terminate";
  }
  return "?";
}

bool isActivity(NodeKind k) {
  return (k >= NodeKind::task && k <= NodeKind::businessRuleTask) || isContainer(k);
}
bool isGateway(NodeKind k) {
  return k >= NodeKind::exclusiveGateway && k <= NodeKind::complexGateway;
}
bool isEvent(NodeKind k) {
  return k <= NodeKind::boundaryEvent;
}
bool isContainer(NodeKind k) {
  return k == NodeKind::subProcess || k == NodeKind::eventSubProcess || k == NodeKind::transaction ||
         k == NodeKind::adHocSubProcess || k == NodeKind::callActivity;
}

const EventDefinition* FlowNode::event(EventType type) const {
  for (const auto& e : events)
    if (e.type == type) return &e;
  return nullptr;
}

std::string FlowNode::label() const {
  std::string out = toString(kind);
  if (!name.empty()) out += " '" + name + "'";
  return out + " [" + id + "]";
}

Scope::Scope() = default;
Scope::~Scope() = default;
Scope::Scope(Scope&&) noexcept = default;
Scope& Scope::operator=(Scope&&) noexcept = default;

std::vector<const FlowNode*> Scope::startEvents() const {
  std::vector<const FlowNode*> out;
  for (const auto& n : nodes)
    if (n->kind == NodeKind::startEvent) out.push_back(n.get());
  return out;
}

std::vector<const FlowNode*> Scope::noneStarts() const {
  std::vector<const FlowNode*> out;
  for (const auto& n : nodes)
    if (n->kind == NodeKind::startEvent && n->events.empty()) out.push_back(n.get());
  return out;
}

std::vector<const FlowNode*> Scope::eventSubProcesses() const {
  std::vector<const FlowNode*> out;
  for (const auto& n : nodes)
    if (n->kind == NodeKind::eventSubProcess) out.push_back(n.get());
  return out;
}

const FlowNode* Process::node(const std::string& nodeId) const {
  auto it = nodesById.find(nodeId);
  return it == nodesById.end() ? nullptr : it->second;
}

const SequenceFlow* Process::flow(const std::string& flowId) const {
  auto it = flowsById.find(flowId);
  return it == flowsById.end() ? nullptr : it->second;
}

const Process* Definitions::process(const std::string& processId) const {
  for (const auto& p : processes)
    if (p->id == processId) return p.get();
  return nullptr;
}

std::string Definitions::messageName(const std::string& ref) const {
  auto it = messages.find(ref);
  return it == messages.end() || it->second.name.empty() ? ref : it->second.name;
}

std::string Definitions::escalationCode(const std::string& ref) const {
  auto it = escalations.find(ref);
  return it == escalations.end() ? ref : it->second.escalationCode;
}

std::string Definitions::signalName(const std::string& ref) const {
  auto it = signals.find(ref);
  return it == signals.end() || it->second.name.empty() ? ref : it->second.name;
}

}  // namespace ordo::model
