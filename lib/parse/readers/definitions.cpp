// The root: <definitions> and its root elements (processes, collaborations,
// messages, signals, errors, escalations, item definitions ...).
#include <algorithm>

#include "parse/context.hpp"

namespace ordo::parse {

namespace {

bool isRootElementName(std::string_view n) {
  static const std::unordered_map<std::string_view, bool> names = [] {
    std::unordered_map<std::string_view, bool> m;
    for (const char* r : {"category",
                          "collaboration",
                          "correlationProperty",
                          "dataStore",
                          "endPoint",
                          "error",
                          "escalation",
                          "eventDefinition",
                          "globalBusinessRuleTask",
                          "globalManualTask",
                          "globalScriptTask",
                          "globalTask",
                          "globalUserTask",
                          "interface",
                          "itemDefinition",
                          "message",
                          "partnerEntity",
                          "partnerRole",
                          "process",
                          "resource",
                          "signal",
                          "choreography",
                          "globalChoreographyTask",
                          "globalConversation",
                          "cancelEventDefinition",
                          "compensateEventDefinition",
                          "conditionalEventDefinition",
                          "errorEventDefinition",
                          "escalationEventDefinition",
                          "linkEventDefinition",
                          "messageEventDefinition",
                          "signalEventDefinition",
                          "terminateEventDefinition",
                          "timerEventDefinition",
                          "import",
                          "extension",
                          "relationship",
                          "documentation",
                          "extensionElements"})
      m.emplace(r, true);
    return m;
  }();
  return names.count(n) != 0;
}

// The attributes the BPMN 2.0 schema defines, without a namespace, on the elements checked
// here (each type's own and those of the types it extends). Flowable and Camunda validate
// against the XSD and refuse any other: a misspelt isExecutable would otherwise pass unseen.
const std::vector<std::string_view>* schemaAttributes(std::string_view element) {
  static const std::unordered_map<std::string_view, std::vector<std::string_view>> table = {
      {"definitions",
       {"id", "name", "targetNamespace", "expressionLanguage", "typeLanguage", "exporter", "exporterVersion"}},
      {"process", {"id", "name", "processType", "isClosed", "isExecutable", "definitionalCollaborationRef"}},
  };
  auto it = table.find(element);
  return it == table.end() ? nullptr : &it->second;
}

void checkSchemaAttributes(ReadContext& ctx, pugi::xml_node xml) {
  const auto* allowed = schemaAttributes(ctx.xml.name(xml).local);
  if (!allowed) return;
  for (auto a : xml.attributes()) {
    std::string_view raw = a.name();
    if (raw.find(':') != std::string_view::npos || raw == "xmlns") continue;  // namespaced: not the schema's
    if (std::find(allowed->begin(), allowed->end(), raw) == allowed->end())
      ctx.error(xml, "unknown_attribute",
                "attribute '" + std::string(raw) + "' is not defined by the BPMN 2.0 schema on <" +
                    std::string(ctx.xml.name(xml).local) + ">" +
                    (ctx.attr(xml, "id").empty() ? "" : " '" + ctx.attr(xml, "id") + "'"),
                ctx.attr(xml, "id"));
  }
}

void readProcess(ReadContext& ctx, pugi::xml_node xml) {
  checkSchemaAttributes(ctx, xml);
  auto p = std::make_unique<model::Process>();
  p->id = ctx.attr(xml, "id");
  p->name = ctx.attr(xml, "name");
  p->position = ctx.position(xml);
  // Camunda and Flowable treat a process without isExecutable as executable.
  p->executable = ctx.boolAttr(xml, "isExecutable", true);
  p->candidateStarterUsers = ctx.engineAttr(xml, "candidateStarterUsers");
  p->candidateStarterGroups = ctx.engineAttr(xml, "candidateStarterGroups");
  p->extensions = ctx.engineAttrs(xml);
  p->documentation = ctx.text(ctx.child(xml, "documentation"));
  p->scope.id = p->id;
  ctx.registerId(xml, p->id);
  if (p->id.empty()) ctx.executionProblem(xml, "missing_attribute", "process has no id");
  readScope(ctx, xml, p->scope);
  ctx.definitions.processes.push_back(std::move(p));
}

// A global task (BPMN 10.2.7) exists to be called: Ordo runs it as a process of the global
// task's id, start -> the task -> end, so a call activity's calledElement finds it as a process.
void readGlobalTask(ReadContext& ctx, pugi::xml_node xml, std::string_view local) {
  static constexpr std::pair<std::string_view, std::string_view> kTasks[] = {
      {"globalTask", "task"},
      {"globalUserTask", "userTask"},
      {"globalManualTask", "manualTask"},
      {"globalScriptTask", "scriptTask"},
      {"globalBusinessRuleTask", "businessRuleTask"}};
  const NodeReaderEntry* entry = nullptr;
  for (const auto& [global, task] : kTasks)
    if (global == local) entry = findNodeReader(task);
  if (!entry) return;
  auto p = std::make_unique<model::Process>();
  p->id = ctx.attr(xml, "id");
  p->name = ctx.attr(xml, "name");
  p->position = ctx.position(xml);
  p->scope.id = p->id;
  ctx.registerId(xml, p->id);
  if (p->id.empty()) {
    ctx.executionProblem(xml, "missing_attribute", "<" + std::string(local) + "> has no id");
    return;
  }
  auto node = [&](model::NodeKind kind, std::string id) {
    auto n = std::make_unique<model::FlowNode>();
    n->kind = kind;
    n->id = std::move(id);
    n->position = p->position;
    n->scope = &p->scope;
    return n;
  };
  auto task = node(entry->kind, p->id);
  task->name = p->name;
  task->extensions = ctx.engineAttrs(xml);
  entry->read(ctx, xml, *task);
  p->scope.nodes.push_back(node(model::NodeKind::startEvent, p->id + ":start"));
  p->scope.nodes.push_back(std::move(task));
  p->scope.nodes.push_back(node(model::NodeKind::endEvent, p->id + ":end"));
  for (auto [from, to] : {std::pair{0, 1}, std::pair{1, 2}}) {
    auto f = std::make_unique<model::SequenceFlow>();
    f->id = p->id + ":flow" + std::to_string(from + 1);
    f->position = p->position;
    f->sourceRef = p->scope.nodes[static_cast<std::size_t>(from)]->id;
    f->targetRef = p->scope.nodes[static_cast<std::size_t>(to)]->id;
    f->index = p->scope.flows.size();
    p->scope.flows.push_back(std::move(f));
  }
  ctx.definitions.processes.push_back(std::move(p));
}

void readCollaboration(ReadContext& ctx, pugi::xml_node xml) {
  model::Collaboration c;
  c.id = ctx.attr(xml, "id");
  c.name = ctx.attr(xml, "name");
  ctx.registerId(xml, c.id);
  for (auto child : xml.children()) {
    if (child.type() != pugi::node_element || ctx.xml.name(child).ns != kBpmnNs) continue;
    auto local = ctx.xml.name(child).local;
    if (local == "participant") {
      c.participants.push_back({ctx.attr(child, "id"), ctx.attr(child, "name"), ctx.attr(child, "processRef")});
      if (auto ref = ctx.attr(child, "processRef"); !ref.empty())
        ctx.pendingRefs.push_back(
            {child, "processRef of participant '" + ctx.attr(child, "id") + "'", ref, ctx.attr(child, "id"), true});
    } else if (local == "messageFlow") {
      c.messageFlows.push_back({ctx.attr(child, "id"), ctx.attr(child, "name"), ctx.attr(child, "sourceRef"),
                                ctx.attr(child, "targetRef"), ctx.attr(child, "messageRef")});
      for (const char* a : {"sourceRef", "targetRef"})
        ctx.pendingRefs.push_back({child, std::string(a) + " of message flow '" + ctx.attr(child, "id") + "'",
                                   ctx.attr(child, a), ctx.attr(child, "id")});
    }
    if (child.attribute("id")) ctx.registerId(child, ctx.attr(child, "id"));
  }
  ctx.definitions.collaborations.push_back(std::move(c));
}

// A signal is known by its name: it needs an id to be referred to and a name to be thrown,
// and two signals of one name would be one signal (Flowable and Camunda refuse both).
void readSignal(ReadContext& ctx, pugi::xml_node xml) {
  auto id = ctx.attr(xml, "id");
  auto name = ctx.attr(xml, "name");
  if (id.empty()) {
    ctx.executionProblem(xml, "missing_attribute", "signal '" + name + "' has no id");
    return;
  }
  ctx.registerId(xml, id);
  if (name.empty()) ctx.executionProblem(xml, "missing_attribute", "signal '" + id + "' has no name", id);
  for (const auto& [otherId, other] : ctx.definitions.signals)
    if (!name.empty() && other.name == name)
      ctx.executionProblem(xml, "duplicate_signal_name",
                           "signal '" + id + "' has the name '" + name + "', as signal '" + otherId + "' has", id);
  ctx.definitions.signals[id] = {id, name, ctx.engineAttr(xml, "scope") == "processInstance"};
}

// Elements with ids deeper in root elements we do not model in full (conversations, choreographies ...).
void registerIds(ReadContext& ctx, pugi::xml_node xml, int depth = 0) {
  if (depth > 64) return;
  for (auto c : xml.children()) {
    if (c.type() != pugi::node_element || ctx.xml.name(c).ns != kBpmnNs) continue;
    if (ctx.xml.name(c).local == "extensionElements") continue;
    if (c.attribute("id")) ctx.registerId(c, ctx.attr(c, "id"));
    registerIds(ctx, c, depth + 1);
  }
}

}  // namespace

void readDefinitions(ReadContext& ctx, pugi::xml_node root) {
  auto& d = ctx.definitions;
  d.id = ctx.attr(root, "id");
  d.name = ctx.attr(root, "name");
  d.targetNamespace = ctx.attr(root, "targetNamespace");
  d.exporter = ctx.attr(root, "exporter");
  checkSchemaAttributes(ctx, root);
  ctx.registerId(root, d.id);

  // Root-level event definitions first: events anywhere may refer to them.
  for (auto c : root.children()) {
    if (c.type() != pugi::node_element || ctx.xml.name(c).ns != kBpmnNs) continue;
    model::EventDefinition def;
    if (ctx.xml.name(c).local != "eventDefinitionRef" && readRootEventDefinition(ctx, c, def)) {
      ctx.rootEventDefinitions[def.id] = def;
      ctx.registerId(c, def.id);
    }
  }

  for (auto c : root.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = ctx.xml.name(c);
    if (name.ns != kBpmnNs) {
      if (name.ns == kBpmnDiNs) continue;  // diagrams do not execute
      if (name.ns.empty()) {
        ctx.error(c, "misplaced_element",
                  "element <" + std::string(c.name()) + "> in no namespace is not allowed in <definitions>");
      } else {
        ctx.warning(c, "foreign_element",
                    "element <" + std::string(c.name()) + "> of namespace " + std::string(name.ns) + " is ignored");
      }
      continue;
    }
    auto local = name.local;
    if (!isBpmnElementName(local)) continue;  // reported as unknown_element by validation
    if (!isRootElementName(local)) {
      ctx.error(c, "misplaced_element", "<" + std::string(local) + "> is not allowed directly in <definitions>",
                ctx.attr(c, "id"));
      continue;
    }
    auto id = ctx.attr(c, "id");
    if (local == "process") {
      readProcess(ctx, c);
    } else if (local.starts_with("global") && local.ends_with("Task") && local != "globalChoreographyTask") {
      readGlobalTask(ctx, c, local);
    } else if (local == "collaboration") {
      readCollaboration(ctx, c);
    } else if (local == "message") {
      d.messages[id] = {id, ctx.attr(c, "name"), ctx.attr(c, "itemRef")};
      ctx.registerId(c, id);
    } else if (local == "signal") {
      readSignal(ctx, c);
    } else if (local == "error") {
      d.errors[id] = {id, ctx.attr(c, "name"), ctx.attr(c, "errorCode")};
      d.errors[id].emptyCode = c.attribute("errorCode") && *c.attribute("errorCode").value() == '\0';
      ctx.registerId(c, id);
    } else if (local == "escalation") {
      d.escalations[id] = {id, ctx.attr(c, "name"), ctx.attr(c, "escalationCode")};
      ctx.registerId(c, id);
    } else if (local == "resource") {
      d.resources[id] = ctx.attr(c, "name").empty() ? id : ctx.attr(c, "name");
      ctx.registerId(c, id);
    } else if (local == "itemDefinition") {
      d.itemDefinitions[id] = {id, {}, ctx.attr(c, "structureRef"), ctx.boolAttr(c, "isCollection", false)};
      ctx.registerId(c, id);
    } else if (local == "extension") {
      // The definition is a QName; its prefix must be declared.
      auto def = ctx.attr(c, "definition");
      XName resolved;
      if (!def.empty() && !ctx.xml.resolveQName(c, def, resolved))
        ctx.error(c, "unresolved_reference", "extension definition '" + def + "' has an undeclared prefix");
    } else if (ctx.rootEventDefinitions.count(id)) {
      continue;  // read in the first pass
    } else if (local != "documentation" && local != "extensionElements") {
      if (!id.empty()) ctx.registerId(c, id);
      registerIds(ctx, c);
    }
  }
  // Groups name category values that must exist.
  auto checkGroups = [&](auto&& self, pugi::xml_node n, int depth) -> void {
    if (depth > 64) return;
    for (auto c : n.children()) {
      if (c.type() != pugi::node_element || ctx.xml.name(c).ns != kBpmnNs) continue;
      if (ctx.xml.name(c).local == "group" && c.attribute("categoryValueRef"))
        ctx.pendingRefs.push_back({c, "categoryValueRef of group '" + ctx.attr(c, "id") + "'",
                                   ctx.attr(c, "categoryValueRef"), ctx.attr(c, "id")});
      self(self, c, depth + 1);
    }
  };
  checkGroups(checkGroups, root, 0);
}

}  // namespace ordo::parse
