#include "parse/rules.hpp"

#include <algorithm>

#include "model/capabilities.hpp"
#include "model/graph.hpp"
#include "parse/parser.hpp"

namespace ordo::parse {

namespace {

using model::NodeKind;

struct Checker;
void checkSpecRules(Checker& c, const model::FlowNode& n);

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
    // A messageRef, signalRef, errorRef or escalationRef that names no element is the
    // message or signal name, or the error or escalation code, as Flowable and Camunda read it.
    for (const auto& e : n.events)
      if (e.type == model::EventType::timer && e.timer.type == model::TimerDefinition::Type::none)
        report(executionSeverity(), "missing_timer",
               "timer event definition of " + n.label() + " has no timeDate, timeDuration or timeCycle", n.id,
               e.position);
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
    checkSpecRules(*this, n);
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
      checkEventRules(defs, *p, executionSeverity(), out);
    }
    if (!anyExecutable) {
      std::string why = defs.processes.empty() ? "the document contains no process"
                                               : "no process is executable (isExecutable=\"false\" on every one)";
      report(executionSeverity(), "no_executable_process", why, defs.id, {});
    }
  }
};

// The BPMN 2.0 specification's rules that make a model unexecutable (spec chapter 10 and
// 13), each reported with its own code and the element it concerns.
void checkSpecRules(Checker& c, const model::FlowNode& n) {
  // Execution problems: errors when deploying, warnings when a model is only read (MIWG, bpmn-js models).
  auto fail = [&](const char* code, const std::string& message) {
    c.report(c.executionSeverity(), code, message, n.id, n.position);
  };
  using LK = model::LoopCharacteristics::Kind;
  if (n.loop.kind == LK::standard && n.loop.loopMaximum && *n.loop.loopMaximum < 0)
    fail("loop_maximum_negative", n.label() + " has loopMaximum " + std::to_string(*n.loop.loopMaximum) +
                                      "; a standard loop's maximum may not be negative");
  if (n.loop.kind == LK::multiInstance && n.loop.loopCardinality.empty() && n.loop.collection.empty())
    fail("multi_instance_without_count",
         n.label() + " is multi-instance without loopCardinality, loopDataInputRef or a collection");
  if (model::isActivity(n.kind) && n.startQuantity < 1)
    fail("quantity_not_positive",
         n.label() + " has startQuantity " + std::to_string(n.startQuantity) + "; it must be at least 1");
  if (model::isActivity(n.kind) && n.completionQuantity < 1)
    fail("quantity_not_positive",
         n.label() + " has completionQuantity " + std::to_string(n.completionQuantity) + "; it must be at least 1");
  // Tokens are rows: a quantity in the millions would be a model that floods its own store.
  if (model::isActivity(n.kind) && (n.startQuantity > 10000 || n.completionQuantity > 10000))
    fail("quantity_too_large", n.label() + " has a startQuantity or completionQuantity above 10,000");
  if (n.kind == NodeKind::userTask && !n.human.assignee.empty() && !n.human.humanPerformer.empty())
    fail("duplicate_assignee", n.label() + " names its assignee twice: an assignee attribute and a humanPerformer");
  if (n.isForCompensation && (!n.incoming.empty() || !n.outgoing.empty()))
    fail("compensation_has_flows",
         n.label() + " is a compensation handler (isForCompensation) and may have no sequence flows");
  if (n.kind == NodeKind::eventSubProcess) {
    if (!n.incoming.empty() || !n.outgoing.empty())
      fail("event_subprocess_has_flows", n.label() + " is an event subprocess and may have no sequence flows");
    for (const auto* s : n.inner->startEvents())
      if (s->events.empty())
        c.report(c.executionSeverity(), "event_subprocess_none_start",
                 s->label() + " starts an event subprocess and needs an event definition (message, timer, error ...)",
                 s->id, s->position);
  }
  if (n.kind == NodeKind::startEvent && n.scope->owner && n.scope->owner->kind != NodeKind::eventSubProcess &&
      !n.events.empty())
    fail("subprocess_start_with_trigger", n.label() + " starts an embedded subprocess and must be a none start event");
  // Two message catches on one activity waiting for the same message: which one it reaches is undefined.
  for (std::size_t i = 0; i < n.boundaryEvents.size(); ++i)
    for (std::size_t j = i + 1; j < n.boundaryEvents.size(); ++j) {
      const auto* a = n.boundaryEvents[i]->event(model::EventType::message);
      const auto* b = n.boundaryEvents[j]->event(model::EventType::message);
      if (a && b && c.defs.messageName(a->ref) == c.defs.messageName(b->ref))
        c.report(c.executionSeverity(), "duplicate_message_catch",
                 n.boundaryEvents[j]->label() + " waits for message '" + c.defs.messageName(b->ref) + "' as " +
                     n.boundaryEvents[i]->label() + " on the same activity does",
                 n.boundaryEvents[j]->id, n.boundaryEvents[j]->position);
    }
  if (n.kind == NodeKind::intermediateCatchEvent && n.events.empty())
    fail("catch_without_definition", n.label() + " is an intermediate catch event without an event definition");
  if (n.kind == NodeKind::boundaryEvent && n.events.empty())
    fail("catch_without_definition", n.label() + " is a boundary event without an event definition");
  // Flowable and Camunda run such a model and ignore the condition, and so does Ordo.
  if (n.defaultFlow && !n.defaultFlow->condition.empty())
    c.report(Severity::warning, "default_has_condition",
             "default flow '" + n.defaultFlow->id + "' of " + n.label() +
                 " has a condition, which is ignored: a default flow is taken when no other flow's condition holds",
             n.id, n.position);
  // A gateway that merges may end its path there (an implicit end); one that neither merges
  // nor splits decides nothing.
  if ((n.kind == NodeKind::exclusiveGateway || n.kind == NodeKind::eventBasedGateway) && n.outgoing.empty() &&
      n.incoming.size() <= 1)
    c.report(c.executionSeverity(), "gateway_without_outgoing",
             n.label() + " has no outgoing sequence flow and merges nothing", n.id, n.position);
  if (n.kind == NodeKind::eventBasedGateway)
    for (const auto* f : n.outgoing) {
      if (!f->condition.empty())
        c.report(c.executionSeverity(), "conditional_from_event_gateway",
                 "sequence flow '" + f->id + "' leaves event-based gateway '" + n.id + "' with a condition", f->id,
                 f->position);
      // What follows an event-based gateway waits for the gateway alone (the first event wins).
      if (f->target)
        for (const auto* in : f->target->incoming)
          if (in->source != &n)
            c.report(c.executionSeverity(), "event_gateway_target_shared",
                     "sequence flow '" + in->id + "' leads to " + f->target->label() +
                         ", which follows event-based gateway '" + n.id + "' and may have no other incoming flow",
                     in->id, in->position);
      if (f->target && f->target->kind != NodeKind::intermediateCatchEvent && f->target->kind != NodeKind::receiveTask)
        c.report(c.executionSeverity(), "event_gateway_target",
                 "event-based gateway '" + n.id + "' leads to " + f->target->label() +
                     "; its flows must lead to intermediate catch events or receive tasks",
                 f->id, f->position);
    }
}

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
