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
  c.version = ctx.engineAttr(xml, "calledElementVersion");
  c.businessKey = ctx.engineAttr(xml, "businessKey");
  c.inheritBusinessKey = ctx.engineAttr(xml, "inheritBusinessKey") == "true";
  auto mappings = [&](const char* tag, std::vector<model::VariableMapping>& out) {
    for (auto m : ctx.extensionChildren(xml, tag)) {
      // camunda:in businessKey="#{execution.processBusinessKey}" passes the business key.
      if (m.attribute("businessKey")) {
        c.businessKey = m.attribute("businessKey").value();
        continue;
      }
      model::VariableMapping v;
      v.source = ctx.attr(m, "source");
      v.sourceExpression = ctx.attr(m, "sourceExpression");
      v.target = ctx.attr(m, "target");
      v.all = ctx.attr(m, "variables") == "all";
      v.local = ctx.attr(m, "local") == "true";
      out.push_back(std::move(v));
    }
  };
  mappings("in", c.in);
  mappings("out", c.out);
}

}  // namespace ordo::parse
