// Orchestrates one read: XML -> root check -> readers -> linking -> rules.
#include "parse/parser.hpp"

#include "model/graph.hpp"
#include "parse/context.hpp"
#include "parse/rules.hpp"

namespace ordo::parse {

namespace {

// Execution and task listeners name Java classes or expressions Ordo does not run; saying so
// at deploy beats a model that quietly behaves otherwise (docs/bpmn-coverage.md).
void warnListeners(ReadContext& ctx, pugi::xml_node extensions) {
  for (auto c : extensions.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = ctx.xml.name(c);
    if (name.ns != kFlowableNs && name.ns != kCamundaNs && name.ns != kActivitiNs) continue;
    if (name.local != "executionListener" && name.local != "taskListener") continue;
    auto owner = extensions.parent();
    std::string id = ctx.attr(owner, "id");
    std::string event = ctx.attr(c, "event");
    ctx.warning(c, "listener_not_run",
                "<" + std::string(c.name()) + (event.empty() ? "" : " event=\"" + event + "\"") + "> on " +
                    (id.empty() ? "<" + std::string(owner.name()) + ">" : "'" + id + "'") +
                    " is not run: Ordo runs no execution or task listeners (model the action as a service "
                    "task, or observe history with Engine::addListener)",
                id);
  }
}

// Every BPMN-namespace element outside extensionElements must be one the schema defines.
void checkElementNames(ReadContext& ctx, pugi::xml_node root) {
  std::vector<pugi::xml_node> stack{root};
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    auto name = ctx.xml.name(n);
    if (name.ns == kBpmnNs) {
      if (!isBpmnElementName(name.local)) {
        ctx.error(n, "unknown_element", "<" + std::string(n.name()) + "> is not a BPMN 2.0 element", ctx.attr(n, "id"));
        continue;
      }
      if (name.local == "extensionElements") {
        warnListeners(ctx, n);
        continue;
      }
    } else if (name.ns != kBpmnNs && n != root) {
      continue;  // foreign content (DI, vendor extensions) is not ours to judge
    }
    for (auto c : n.children())
      if (c.type() == pugi::node_element) stack.push_back(c);
  }
}

void indexScope(model::Process& process, const model::Scope& scope) {
  for (const auto& n : scope.nodes) {
    process.nodesById.emplace(n->id, n.get());
    if (n->inner) indexScope(process, *n->inner);
  }
  for (const auto& f : scope.flows) process.flowsById.emplace(f->id, f.get());
}

// Resolves the references inside one scope, then its subscopes. `enclosing` are the scopes
// around it: a modeler may write the association to a compensation handler in any of them.
void linkScope(ReadContext& ctx, model::Process& process, model::Scope& scope,
               std::vector<const model::Scope*> enclosing = {}) {
  enclosing.push_back(&scope);
  std::unordered_map<std::string, model::FlowNode*> local;
  for (auto& n : scope.nodes) local.emplace(n->id, n.get());
  auto diag = [&](const model::Position& p, std::string code, std::string message, std::string id) {
    ctx.diagnostics.push_back({Severity::error, std::move(code), std::move(message), std::move(id), p.line, p.column});
  };
  // A problem only for running the model: an error when deploying, a warning when reading.
  auto executionDiag = [&](const model::Position& p, std::string code, std::string message, std::string id) {
    auto severity = ctx.purpose == ValidationPurpose::execution ? Severity::error : Severity::warning;
    ctx.diagnostics.push_back({severity, std::move(code), std::move(message), std::move(id), p.line, p.column});
  };
  for (auto& f : scope.flows) {
    auto resolve = [&](const std::string& ref, const char* attr) -> model::FlowNode* {
      if (ref.empty()) return nullptr;
      auto it = local.find(ref);
      if (it != local.end()) return it->second;
      if (process.node(ref))
        diag(f->position, "crosses_scope",
             std::string(attr) + " '" + ref + "' of sequence flow '" + f->id + "' lies in another (sub)process", f->id);
      else
        diag(f->position, "dangling_reference",
             std::string(attr) + " '" + ref + "' of sequence flow '" + f->id + "' names no flow node", f->id);
      return nullptr;
    };
    auto* s = resolve(f->sourceRef, "sourceRef");
    auto* t = resolve(f->targetRef, "targetRef");
    f->source = s;
    f->target = t;
    if (s) s->outgoing.push_back(f.get());
    if (t) t->incoming.push_back(f.get());
  }
  for (auto& n : scope.nodes) {
    if (!n->defaultFlowId.empty()) {
      auto* f = process.flow(n->defaultFlowId);
      if (!f) {
        diag(n->position, "dangling_reference",
             "default flow '" + n->defaultFlowId + "' of " + n->label() + " names no sequence flow", n->id);
      } else if (f->source != n.get()) {
        diag(n->position, "default_not_outgoing",
             "default flow '" + f->id + "' of " + n->label() + " does not leave it", n->id);
      } else {
        n->defaultFlow = f;
        const_cast<model::SequenceFlow*>(f)->isDefault = true;
      }
    }
    if (n->kind == model::NodeKind::boundaryEvent) {
      if (n->attachedToRef.empty()) {
        diag(n->position, "missing_attribute", "boundary event '" + n->id + "' has no attachedToRef", n->id);
      } else if (auto it = local.find(n->attachedToRef); it != local.end()) {
        n->attachedTo = it->second;
        if (model::isActivity(it->second->kind))
          it->second->boundaryEvents.push_back(n.get());
        else
          diag(n->position, "boundary_invalid_host",
               "boundary event '" + n->id + "' is attached to " + it->second->label() +
                   ", which cannot carry boundary events (only activities can)",
               n->id);
      } else {
        diag(n->position, "dangling_reference",
             "attachedToRef '" + n->attachedToRef + "' of boundary event '" + n->id +
                 "' names no activity in the same scope",
             n->id);
      }
    }
    // A compensation boundary event names its handler through an association.
    if (n->kind == model::NodeKind::boundaryEvent && n->event(model::EventType::compensate)) {
      const model::FlowNode* handler = nullptr;
      for (const auto* s : enclosing)
        for (const auto& [src, tgt] : s->associations)
          if (src == n->id)
            if (auto it = local.find(tgt); it != local.end()) handler = it->second;
      if (!handler)
        executionDiag(n->position, "missing_compensation_handler",
                      "compensation boundary event '" + n->id + "' has no association to a compensation handler",
                      n->id);
      else if (!handler->isForCompensation)
        executionDiag(n->position, "missing_compensation_handler",
                      "the handler " + handler->label() + " of compensation boundary event '" + n->id +
                          "' is not marked isForCompensation=\"true\"",
                      n->id);
      else if (auto host = local.find(n->attachedToRef); host != local.end())
        host->second->compensationHandler = handler;
    }
    // A multi-instance behavior's None/One event: a root-level event definition.
    for (auto [ref, first] : {std::pair{n->loop.noneBehaviorEventRef, false}, {n->loop.oneBehaviorEventRef, true}}) {
      if (ref.empty() || (first ? n->loop.behavior != "One" : n->loop.behavior != "None")) continue;
      if (auto colon = ref.find(':'); colon != std::string::npos) ref = ref.substr(colon + 1);
      auto it = ctx.rootEventDefinitions.find(ref);
      if (it == ctx.rootEventDefinitions.end()) {
        diag(n->position, "dangling_reference",
             "behavior event '" + ref + "' of " + n->label() + " names no event definition", n->id);
        continue;
      }
      n->loop.behaviorEvents.push_back({"", first, {it->second}});
    }
    // eventDefinitionRef: take the root-level definition.
    for (auto& e : n->events) {
      if (e.ref.empty() || e.ref[0] != '#' || e.type != model::EventType::none) continue;
      auto it = ctx.rootEventDefinitions.find(e.id);
      if (it == ctx.rootEventDefinitions.end()) {
        diag(e.position, "dangling_reference",
             "eventDefinitionRef '" + e.id + "' of " + n->label() + " names no event definition", n->id);
        e.ref.clear();
      } else {
        e = it->second;
      }
    }
    if (n->inner) linkScope(ctx, process, *n->inner, enclosing);
  }
  // Events that did not resolve stay typeless; drop them so kinds stay truthful.
  for (auto& n : scope.nodes)
    std::erase_if(n->events, [](const model::EventDefinition& e) { return e.type == model::EventType::none; });
  scope.graph = std::make_unique<model::FlowGraph>(scope);
}

}  // namespace

ParseResult parseDefinitions(const std::string& text, const ValidationOptions& options) {
  ParseResult result;
  XmlDocument xml(text, options.maxBytes, options.maxDepth);
  if (!xml.ok()) {
    result.diagnostics = xml.diagnostics();
    return result;
  }
  auto root = xml.root();
  auto rootName = xml.name(root);
  if (rootName.local != "definitions" || rootName.ns != kBpmnNs) {
    auto loc = xml.locate(root);
    std::string why = rootName.local == "definitions"
                          ? "root element <definitions> is in namespace '" + std::string(rootName.ns) +
                                "', not BPMN 2.0 (" + std::string(kBpmnNs) + ")"
                          : "root element is <" + std::string(root.name()) + ">, not bpmn:definitions";
    result.diagnostics.push_back(
        {Severity::error, "not_bpmn", why, root.attribute("id").value(), loc.line, loc.column});
    return result;
  }
  auto defs = std::make_shared<model::Definitions>();
  ReadContext ctx(xml, *defs, result.diagnostics);
  ctx.purpose = options.purpose;
  checkElementNames(ctx, root);
  readDefinitions(ctx, root);
  for (const auto& ref : ctx.pendingRefs)
    if (!ref.id.empty() && !ctx.knownId(ref.id)) {
      if (ref.lenient)
        ctx.warning(ref.at, "dangling_reference", ref.what + " names '" + ref.id + "', which does not exist; ignored",
                    ref.elementId);
      else
        ctx.error(ref.at, "dangling_reference", ref.what + " names '" + ref.id + "', which does not exist",
                  ref.elementId);
    }
  for (auto& p : defs->processes) {
    indexScope(*p, p->scope);
    linkScope(ctx, *p, p->scope);
  }
  checkRules(*defs, options.purpose, result.diagnostics);
  result.definitions = std::move(defs);
  return result;
}

}  // namespace ordo::parse
