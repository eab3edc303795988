// Containers: subprocess, event subprocess, transaction, ad-hoc subprocess, call activity.
#include "parse/context.hpp"

namespace ordo::parse {

void readSubProcess(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  node.triggeredByEvent = ctx.boolAttr(xml, "triggeredByEvent", false);
  if (node.kind == model::NodeKind::subProcess && node.triggeredByEvent) node.kind = model::NodeKind::eventSubProcess;
  if (node.kind == model::NodeKind::adHocSubProcess) {
    node.ordering = ctx.attr(xml, "ordering") == "Sequential";
    node.adHocCompletionCondition = ctx.text(ctx.child(xml, "completionCondition"));
    node.cancelRemainingInstances = ctx.boolAttr(xml, "cancelRemainingInstances", true);
  }
  node.inner = std::make_unique<model::Scope>();
  node.inner->id = node.id;
  node.inner->owner = &node;
  readScope(ctx, xml, *node.inner);
}

void readCallActivity(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  auto& c = node.call;
  c.calledElement = ctx.attr(xml, "calledElement");
  c.binding = ctx.engineAttr(xml, "calledElementBinding");
  if (c.binding.empty() && ctx.engineAttr(xml, "sameDeployment") == "true") c.binding = "sameDeployment";
  c.version = ctx.engineAttr(xml, "calledElementVersion");
  c.businessKey = ctx.engineAttr(xml, "businessKey");
  c.inheritBusinessKey = ctx.engineAttr(xml, "inheritBusinessKey") == "true";
  // camunda:in businessKey="#{execution.processBusinessKey}" passes the business key.
  for (auto m : ctx.extensionChildren(xml, "in"))
    if (m.attribute("businessKey")) c.businessKey = m.attribute("businessKey").value();
  c.in = ctx.variableMappings(xml, "in");
  c.out = ctx.variableMappings(xml, "out");
}

}  // namespace ordo::parse
