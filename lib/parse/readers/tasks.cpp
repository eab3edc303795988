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
  // BPMN's own way: <potentialOwner><resourceAssignmentExpression><formalExpression>.
  for (const char* role : {"potentialOwner", "humanPerformer", "performer"})
    for (auto r : ctx.children(xml, role))
      if (auto rae = ctx.child(r, "resourceAssignmentExpression"))
        for (auto e : rae.children())
          if (e.type() == pugi::node_element) {
            if (!h.potentialOwner.empty()) h.potentialOwner += ",";
            h.potentialOwner += ctx.text(e);
          }
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
  s.implementation = ctx.attr(xml, "implementation");
  node.messageRef = ctx.attr(xml, "messageRef");
}

void readReceiveTask(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  node.messageRef = ctx.attr(xml, "messageRef");
  node.instantiate = ctx.boolAttr(xml, "instantiate", false);
}

void readScriptTask(ReadContext& ctx, pugi::xml_node xml, model::FlowNode& node) {
  readActivityCommon(ctx, xml, node);
  node.script.format = ctx.attr(xml, "scriptFormat");
  node.script.text = ctx.text(ctx.child(xml, "script"));
  node.script.resultVariable = ctx.engineAttr(xml, "resultVariable");
}

}  // namespace ordo::parse
