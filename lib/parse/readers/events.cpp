// Events: start, end, intermediate catch/throw, boundary, and every event definition.
#include "parse/context.hpp"

namespace ordo::parse {

namespace {

using model::EventDefinition;
using model::EventType;

bool readEventDefinition(ReadContext& ctx, pugi::xml_node def, EventDefinition& out) {
  auto local = ctx.xml.name(def).local;
  out.id = ctx.attr(def, "id");
  out.position = ctx.position(def);
  if (local == "messageEventDefinition") {
    out.type = EventType::message;
    out.ref = ctx.reference(def, "messageRef");
    out.messageExpression = ctx.engineAttr(def, "messageExpression");
  } else if (local == "timerEventDefinition") {
    out.type = EventType::timer;
    using T = model::TimerDefinition::Type;
    for (auto [tag, type] : {std::pair{"timeDate", T::date}, {"timeDuration", T::duration}, {"timeCycle", T::cycle}})
      if (auto c = ctx.child(def, tag)) {
        out.timer.type = type;
        out.timer.expression = ctx.text(c);
      }
  } else if (local == "errorEventDefinition") {
    out.type = EventType::error;
    out.ref = ctx.reference(def, "errorRef");
    out.codeVariable = ctx.engineAttr(def, "errorCodeVariable");
    out.messageVariable = ctx.engineAttr(def, "errorMessageVariable");
  } else if (local == "escalationEventDefinition") {
    out.type = EventType::escalation;
    out.ref = ctx.reference(def, "escalationRef");
    out.codeVariable = ctx.engineAttr(def, "escalationCodeVariable");
  } else if (local == "signalEventDefinition") {
    out.type = EventType::signal;
    out.ref = ctx.reference(def, "signalRef");
    out.signalExpression = ctx.engineAttr(def, "signalExpression");
    out.async = ctx.engineAttr(def, "async") == "true";
  } else if (local == "cancelEventDefinition") {
    out.type = EventType::cancel;
  } else if (local == "compensateEventDefinition") {
    out.type = EventType::compensate;
    out.ref = ctx.attr(def, "activityRef");
    out.waitForCompletion = ctx.boolAttr(def, "waitForCompletion", true);
  } else if (local == "conditionalEventDefinition") {
    out.type = EventType::conditional;
    out.condition = ctx.text(ctx.child(def, "condition"));
  } else if (local == "linkEventDefinition") {
    out.type = EventType::link;
    out.linkName = ctx.attr(def, "name");
  } else if (local == "terminateEventDefinition") {
    out.type = EventType::terminate;
    out.terminateAll = ctx.engineAttr(def, "terminateAll") == "true";
    out.terminateMultiInstance = ctx.engineAttr(def, "terminateMultiInstance") == "true";
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool readRootEventDefinition(ReadContext& ctx, pugi::xml_node def, EventDefinition& out) {
  return readEventDefinition(ctx, def, out);
}

void readEvent(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  for (auto c : xml.children()) {
    if (c.type() != pugi::node_element || ctx.xml.name(c).ns != kBpmnNs) continue;
    EventDefinition def;
    if (readEventDefinition(ctx, c, def)) {
      ctx.registerId(c, def.id);
      node.events.push_back(std::move(def));
    } else if (ctx.xml.name(c).local == "eventDefinitionRef") {
      // Resolved against the root-level event definitions once the whole document is read.
      def.id = ctx.text(c);
      def.position = ctx.position(c);
      def.ref = "#" + def.id;
      node.events.push_back(std::move(def));
    }
  }
  node.parallelMultiple = ctx.boolAttr(xml, "parallelMultiple", false);
  node.interrupting = ctx.boolAttr(xml, "isInterrupting", true);
  node.cancelActivity = ctx.boolAttr(xml, "cancelActivity", true);
  // An error boundary event always interrupts (BPMN 10.5.6); Flowable ignores cancelActivity="false" there too.
  if (node.kind == model::NodeKind::boundaryEvent && !node.cancelActivity && node.event(model::EventType::error)) {
    node.cancelActivity = true;
    ctx.warning(xml, "error_boundary_interrupts",
                "error boundary event '" + node.id + "' has cancelActivity=\"false\", which is ignored: an error "
                "boundary event always interrupts its activity", node.id);
  }
  node.attachedToRef = ctx.attr(xml, "attachedToRef");
  readAsyncFlags(ctx, xml, node);
  // A message throw event's implementation (camunda:class on its messageEventDefinition or on it).
  for (auto at : {xml, ctx.child(xml, "messageEventDefinition")}) {
    if (!at) continue;
    auto& s = node.service;
    for (auto [field, name] : {std::pair{&s.type, "type"},
                               {&s.topic, "topic"},
                               {&s.className, "class"},
                               {&s.expression, "expression"},
                               {&s.delegateExpression, "delegateExpression"},
                               {&s.resultVariable, "resultVariable"}})
      if (auto v = ctx.engineAttr(at, name); !v.empty()) *field = v;
  }
  // A signal's payload: flowable:out on the throwing event, flowable:in on the catching one.
  node.call.in = ctx.variableMappings(xml, "in");
  node.call.out = ctx.variableMappings(xml, "out");
  for (auto a : ctx.children(xml, "dataInputAssociation")) node.dataInputs.push_back(readDataAssociation(ctx, a));
  for (auto a : ctx.children(xml, "dataOutputAssociation")) node.dataOutputs.push_back(readDataAssociation(ctx, a));
}

}  // namespace ordo::parse
