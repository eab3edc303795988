#include "parse/rules.hpp"

#include <algorithm>

#include "model/capabilities.hpp"
#include "model/graph.hpp"
#include "parse/parser.hpp"

namespace ordo::parse {

namespace {

using model::NodeKind;

struct Checker {
  const model::Definitions& defs;
  ValidationPurpose purpose;
  std::vector<Diagnostic>& out;

  void report(Severity s, const char* code, std::string message, const std::string& id, model::Position p) {
    out.push_back({s, code, std::move(message), id, p.line, p.column});
  }
  void error(const char* code, std::string message, const std::string& id, model::Position p) {
    report(Severity::error, code, std::move(message), id, p);
  }
  // Problems that only matter when the model is to run.
  Severity executionSeverity() const {
    return purpose == ValidationPurpose::execution ? Severity::error : Severity::warning;
  }

  void checkEventRefs(const model::FlowNode& n) {
    for (const auto& e : n.events) {
      if (e.ref.empty()) continue;
      auto missing = [&](const char* what) {
        error("dangling_reference", std::string(what) + " '" + e.ref + "' of " + n.label() + " names no " + what, n.id,
              e.position);
      };
      switch (e.type) {
        case model::EventType::message:
          if (!defs.messages.count(e.ref)) missing("message");
          break;
        case model::EventType::signal:
          if (!defs.signals.count(e.ref)) missing("signal");
          break;
        case model::EventType::error:
          if (!defs.errors.count(e.ref)) missing("error");
          break;
        case model::EventType::escalation:
          if (!defs.escalations.count(e.ref)) missing("escalation");
          break;
        default: break;
      }
      if (e.type == model::EventType::timer && e.timer.type == model::TimerDefinition::Type::none)
        report(executionSeverity(), "missing_timer",
               "timer event definition of " + n.label() + " has no timeDate, timeDuration or timeCycle", n.id,
               e.position);
    }
    for (const auto& e : n.events)
      if (e.type == model::EventType::timer && e.timer.type != model::TimerDefinition::Type::none &&
          e.timer.expression.empty())
        report(executionSeverity(), "missing_timer", "timer of " + n.label() + " is empty", n.id, e.position);
  }

  void checkNode(const model::FlowNode& n, bool executable) {
    if (n.kind == NodeKind::startEvent && !n.incoming.empty())
      error("start_has_incoming", n.label() + " has incoming sequence flows", n.id, n.position);
    if (n.kind == NodeKind::endEvent && !n.outgoing.empty())
      error("end_has_outgoing", n.label() + " has outgoing sequence flows", n.id, n.position);
    if (n.kind == NodeKind::boundaryEvent && !n.incoming.empty())
      error("boundary_has_incoming", n.label() + " has incoming sequence flows", n.id, n.position);
    if (n.kind == NodeKind::parallelGateway)
      for (auto* f : n.outgoing)
        if (!f->condition.empty())
          error("conditional_from_parallel",
                "sequence flow '" + f->id + "' leaves parallel gateway '" + n.id +
                    "' with a condition, which a parallel gateway never evaluates",
                f->id, f->position);
    if (n.kind == NodeKind::callActivity && n.call.calledElement.empty())
      report(executionSeverity(), "missing_attribute", n.label() + " has no calledElement", n.id, n.position);
    checkEventRefs(n);
    if (n.kind == NodeKind::intermediateThrowEvent)
      if (const auto* link = n.event(model::EventType::link)) {
        bool found = false;
        for (const auto& c : n.scope->nodes)
          found = found || (c->kind == NodeKind::intermediateCatchEvent && c->event(model::EventType::link) &&
                            c->event(model::EventType::link)->linkName == link->linkName);
        if (!found)
          error("dangling_reference",
                "link '" + link->linkName + "' of " + n.label() + " has no catch event of that name in its scope", n.id,
                n.position);
      }
    if (executable) {
      if (auto why = model::unsupportedFeature(n); !why.empty() && n.kind != NodeKind::boundaryEvent)
        report(executionSeverity(), "unsupported", "not supported yet: " + why, n.id, n.position);
    }
    if (n.inner) checkScope(*n.inner, executable);
  }

  void checkScope(const model::Scope& scope, bool executable) {
    for (const auto& n : scope.nodes) checkNode(*n, executable);
    for (auto* n : scope.graph->unreachable())
      report(Severity::warning, "unreachable", n->label() + " can never be reached", n->id, n->position);
  }

  void run() {
    bool anyExecutable = false;
    for (const auto& p : defs.processes) {
      anyExecutable = anyExecutable || p->executable;
      checkScope(p->scope, p->executable);
    }
    if (!anyExecutable) {
      std::string why = defs.processes.empty() ? "the document contains no process"
                                               : "no process is executable (isExecutable=\"false\" on every one)";
      report(executionSeverity(), "no_executable_process", why, defs.id, {});
    }
  }
};

}  // namespace

void checkRules(const model::Definitions& definitions, ValidationPurpose purpose, std::vector<Diagnostic>& out) {
  Checker{definitions, purpose, out}.run();
}

}  // namespace ordo::parse

namespace ordo {

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::vector<Diagnostic> validate(const std::string& xml, const ValidationOptions& options) {
  auto result = parse::parseDefinitions(xml, options);
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::move(result.diagnostics);
}

}  // namespace ordo
