// Tasks: user, service-like (service, send, business rule), receive, script, plain and manual.
#include "parse/context.hpp"

namespace ordo::parse {

void readPlainTask(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
}

void readUserTask(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  auto& h = node.human;
  h.assignee = ctx.engineAttr(xml, "assignee");
  h.candidateUsers = ctx.engineAttr(xml, "candidateUsers");
  h.candidateGroups = ctx.engineAttr(xml, "candidateGroups");
  h.owner = ctx.engineAttr(xml, "owner");
  h.formKey = ctx.engineAttr(xml, "formKey");
  h.dueDate = ctx.engineAttr(xml, "dueDate");
  h.priority = ctx.engineAttr(xml, "priority");
  h.category = ctx.engineAttr(xml, "category");
  h.taskCompleterVariableName = ctx.engineAttr(xml, "taskCompleterVariableName");
  if (auto d = ctx.child(xml, "documentation")) h.documentation = ctx.text(d);
  // BPMN's own way: <humanPerformer>/<potentialOwner> with a resourceAssignmentExpression's
  // formalExpression, or a resourceRef naming a <resource> (resolved when the task is created).
  auto assignment = [&](pugi::xml_node role) -> std::string {
    if (auto rae = ctx.child(role, "resourceAssignmentExpression"))
      for (auto e : rae.children())
        if (e.type() == pugi::node_element) return ctx.text(e);
    if (auto ref = ctx.child(role, "resourceRef")) return "resource:" + ctx.text(ref);
    return {};
  };
  for (auto r : ctx.children(xml, "humanPerformer"))
    if (auto a = assignment(r); !a.empty()) h.humanPerformer = a;
  for (const char* role : {"potentialOwner", "performer"})
    for (auto r : ctx.children(xml, role))
      if (auto a = assignment(r); !a.empty()) h.potentialOwners.push_back(a);
}

void readServiceLike(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  auto& s = node.service;
  s.type = ctx.engineAttr(xml, "type");
  s.topic = ctx.engineAttr(xml, "topic");
  s.className = ctx.engineAttr(xml, "class");
  s.expression = ctx.engineAttr(xml, "expression");
  s.delegateExpression = ctx.engineAttr(xml, "delegateExpression");
  s.resultVariable = ctx.engineAttr(xml, "resultVariable");
  if (s.resultVariable.empty()) s.resultVariable = ctx.engineAttr(xml, "resultVariableName");  // Activiti's spelling
  s.implementation = ctx.attr(xml, "implementation");
  node.messageRef = ctx.reference(xml, "messageRef");
  if (node.kind == model::NodeKind::sendTask) node.call.out = ctx.variableMappings(xml, "out");  // the payload
}

void readReceiveTask(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  node.messageRef = ctx.reference(xml, "messageRef");
  node.instantiate = ctx.boolAttr(xml, "instantiate", false);
}

void readScriptTask(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  node.script.format = ctx.attr(xml, "scriptFormat");
  node.script.text = ctx.text(ctx.child(xml, "script"));
  node.script.resultVariable = ctx.engineAttr(xml, "resultVariable");
  node.script.autoStoreVariables = ctx.engineAttr(xml, "autoStoreVariables") == "true";
}

}  // namespace ordo::parse
