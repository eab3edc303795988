// ordo inspect FILE: processes, their elements by kind, and the flow graph.
#include <iostream>
#include <map>

#include "commands.hpp"
#include "model/graph.hpp"
#include "parse/parser.hpp"

namespace ordo::cli {

namespace {

void printScope(const model::Scope& scope, int indent) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  std::map<std::string, std::vector<const model::FlowNode*>> byKind;
  for (const auto& n : scope.nodes) byKind[model::toString(n->kind)].push_back(n.get());
  for (const auto& [kind, nodes] : byKind) {
    std::cout << pad << kind << " (" << nodes.size() << "):";
    for (auto* n : nodes) {
      std::cout << " " << n->id;
      if (!n->events.empty()) std::cout << "<" << model::toString(n->eventType()) << ">";
    }
    std::cout << "\n";
  }
  std::cout << pad << "flows:\n";
  const auto& g = scope.graph->graph();
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    const auto& f = *scope.flows[g[*e]];
    std::cout << pad << "  " << f.sourceRef << " -> " << f.targetRef << "  [" << f.id << "]";
    if (f.isDefault) std::cout << " default";
    if (!f.condition.empty()) std::cout << " when " << f.condition;
    std::cout << "\n";
  }
  for (const auto& n : scope.nodes)
    if (n->inner) {
      std::cout << pad << model::toString(n->kind) << " " << n->id << ":\n";
      printScope(*n->inner, indent + 2);
    }
}

}  // namespace

int inspectCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "usage: ordo inspect FILE\n";
    return 2;
  }
  std::string text;
  if (!readFile(args[0], text, ValidationOptions{}.maxBytes)) return 1;
  auto result = parse::parseDefinitions(text);
  for (const auto& d : result.diagnostics)
    if (d.severity == Severity::error)
      std::cerr << args[0] << ":" << d.line << ":" << d.column << ": error: " << d.message << "\n";
  if (!result.definitions) return 1;
  const auto& defs = *result.definitions;
  std::cout << "definitions " << defs.id << (defs.name.empty() ? "" : " '" + defs.name + "'") << "\n";
  for (const auto& c : defs.collaborations)
    std::cout << "collaboration " << c.id << ": " << c.participants.size() << " participants, " << c.messageFlows.size()
              << " message flows\n";
  for (const auto& p : defs.processes) {
    std::cout << "process " << p->id << (p->name.empty() ? "" : " '" + p->name + "'")
              << (p->executable ? "" : " (not executable)") << "\n";
    printScope(p->scope, 2);
  }
  return hasErrors(result.diagnostics) ? 1 : 0;
}

}  // namespace ordo::cli
