#include "model/capabilities.hpp"

#include <set>

namespace ordo::model {

namespace {

std::string unsupportedEvent(const FlowNode& node) {
  if (node.events.size() > 1) {
    // Several definitions: the first to occur wins, if each would be supported alone.
    if (node.parallelMultiple) return "parallel multiple events (" + node.label() + ")";
    if (node.kind == NodeKind::intermediateThrowEvent || node.kind == NodeKind::endEvent) {
      // Thrown together: what only announces (signal, message to a waiting catch, escalation).
      // An error, terminate, cancel, compensation or link ends or moves the token itself.
      std::set<EventType> seen;
      for (const auto& e : node.events) {
        bool announces = e.type == EventType::signal || e.type == EventType::message || e.type == EventType::escalation;
        if (!announces || !seen.insert(e.type).second)
          return "a throw event with several definitions other than one signal, one message and one escalation (" +
                 node.label() + ")";
      }
      if (seen.count(EventType::message) && node.service.namesHandler())
        return "a message handed to a handler from a throw event with several definitions (" + node.label() + ")";
      return {};
    }
    if (node.kind != NodeKind::intermediateCatchEvent && node.kind != NodeKind::boundaryEvent &&
        node.kind != NodeKind::startEvent)
      return "events with several event definitions (" + node.label() + ")";
    for (const auto& e : node.events) {
      FlowNode single;
      single.id = node.id;
      single.kind = node.kind;
      single.scope = node.scope;
      single.cancelActivity = node.cancelActivity;
      single.interrupting = node.interrupting;
      single.events = {e};
      if (auto why = unsupportedEvent(single); !why.empty()) return why;
    }
    return {};
  }
  auto type = node.eventType();
  auto what = [&] { return std::string(toString(type)) + " " + toString(node.kind) + " (" + node.id + ")"; };
  switch (node.kind) {
    case NodeKind::startEvent:
      if (type == EventType::none) return {};
      if (node.scope->owner && node.scope->owner->kind == NodeKind::eventSubProcess) {
        if (type == EventType::message || type == EventType::timer || type == EventType::signal ||
            type == EventType::error || type == EventType::escalation || type == EventType::conditional)
          return {};
        return what();
      }
      if ((type == EventType::message || type == EventType::signal || type == EventType::timer) &&
          node.scope->owner == nullptr)
        return {};
      return what();
    case NodeKind::endEvent:
    case NodeKind::intermediateThrowEvent:
      if (type == EventType::message && (!node.service.type.empty() || !node.service.topic.empty()))
        return "external workers on message throw events (" + node.label() + "): use a send task";
      if (node.kind == NodeKind::intermediateThrowEvent) break;
      if (type == EventType::message) return {};
      if (type == EventType::none || type == EventType::terminate || type == EventType::error ||
          type == EventType::escalation || type == EventType::signal || type == EventType::compensate)
        return {};
      if (type == EventType::cancel && node.scope->owner && node.scope->owner->kind == NodeKind::transaction) return {};
      return what();
    case NodeKind::intermediateCatchEvent:
      if (type == EventType::timer || type == EventType::link || type == EventType::message ||
          type == EventType::signal || type == EventType::conditional)
        return {};
      return what();
    case NodeKind::boundaryEvent:
      if (type == EventType::timer || type == EventType::message || type == EventType::signal ||
          type == EventType::conditional || type == EventType::compensate)
        return {};
      if (type == EventType::cancel && node.attachedTo && node.attachedTo->kind == NodeKind::transaction) return {};
      if (type == EventType::error && node.cancelActivity) return {};
      if (type == EventType::escalation) return {};
      return what();
    default: return {};
  }
  // intermediate throw events
  if (type == EventType::none || type == EventType::link || type == EventType::escalation ||
      type == EventType::signal || type == EventType::compensate || type == EventType::message)
    return {};
  return what();
}

}  // namespace

std::string unsupportedFeature(const FlowNode& node) {
  if (isEvent(node.kind)) return unsupportedEvent(node);
  if (node.loop.kind == LoopCharacteristics::Kind::standard && isContainer(node.kind) &&
      node.kind != NodeKind::subProcess && node.kind != NodeKind::transaction && node.kind != NodeKind::callActivity)
    return "standard loops on " + std::string(toString(node.kind)) + " (" + node.label() + ")";
  if (const auto& b = node.loop.behavior; !b.empty() && b != "All" && b != "None" && b != "One" && b != "Complex")
    return "multi-instance behavior '" + b + "' (" + node.label() + "): BPMN defines None, One, All and Complex";
  for (const auto& be : node.loop.behaviorEvents)
    for (const auto& e : be.events)
      if (e.type != EventType::signal && e.type != EventType::escalation)
        return "a multi-instance behavior event other than a signal or an escalation (" + node.label() + ")";
  if (!node.boundaryEvents.empty()) {
    for (auto* b : node.boundaryEvents)
      if (auto why = unsupportedEvent(*b); !why.empty()) return why;
  }
  switch (node.kind) {
    case NodeKind::task:
    case NodeKind::userTask:
    case NodeKind::manualTask:
    case NodeKind::serviceTask:
    case NodeKind::sendTask:
    case NodeKind::exclusiveGateway:
    case NodeKind::parallelGateway:
    case NodeKind::inclusiveGateway:
    case NodeKind::complexGateway:
    case NodeKind::subProcess:
    case NodeKind::eventSubProcess:
    case NodeKind::transaction: return {};
    case NodeKind::callActivity: return {};
    case NodeKind::receiveTask:
    case NodeKind::eventBasedGateway:
      // Instantiating: only where a process can start, at the top with nothing flowing in.
      if (node.instantiate && (node.scope->owner || !node.incoming.empty()))
        return "instantiating " + std::string(toString(node.kind)) + " inside a subprocess or with incoming flows (" +
               node.label() + ")";
      if (node.kind == NodeKind::eventBasedGateway && node.eventGatewayType == "Parallel")
        return "parallel event-based gateways (" + node.label() + "): every event must occur, not the first";
      return {};
    case NodeKind::scriptTask:
      if (scriptLanguage(node.script.format) != ScriptLanguage::other) return {};
      return "script tasks in '" + node.script.format + "' (" + node.label() +
             "): Ordo runs scriptFormat javascript (also ecmascript, js) and juel";
    default: return std::string(toString(node.kind)) + " (" + node.id + ")";
  }
}

}  // namespace ordo::model
