// Rules Flowable and Camunda both apply to events and task implementations, beyond the
// BPMN specification's own (rules.cpp): each would leave the engine guessing at run time.
#include <map>

#include "parse/rules.hpp"

namespace ordo::parse {

namespace {

using model::EventType;
using model::NodeKind;

struct EventRules {
  const model::Definitions& defs;
  const model::Process& process;
  Severity severity;  // of execution problems: errors when deploying, warnings when only read
  std::vector<Diagnostic>& out;

  void report(const char* code, std::string message, const model::FlowNode& n) {
    out.push_back({severity, code, std::move(message), n.id, n.position.line, n.position.column});
  }

  void signalRefs(const model::FlowNode& n) {
    for (const auto& e : n.events)
      if (e.type == EventType::signal && e.ref.empty() && e.signalExpression.empty())
        report("missing_attribute", "the signal event definition of " + n.label() + " has no signalRef", n);
  }

  // Which handler a compensation calls must be certain: one compensation boundary event per activity.
  void compensationBoundaries(const model::FlowNode& n) {
    const model::FlowNode* first = nullptr;
    for (const auto* b : n.boundaryEvents) {
      if (!b->event(EventType::compensate)) continue;
      if (first)
        report("duplicate_compensation_boundary",
               n.label() + " has a second compensation boundary event '" + b->id + "' (after '" + first->id +
                   "'); an activity has one compensation handler",
               *b);
      else
        first = b;
    }
  }

  void compensationTarget(const model::FlowNode& n) {
    if (n.kind != NodeKind::intermediateThrowEvent && n.kind != NodeKind::endEvent) return;
    const auto* e = n.event(EventType::compensate);
    if (!e || e->ref.empty() || process.node(e->ref)) return;
    out.push_back({Severity::error, "dangling_reference",
                   "activityRef '" + e->ref + "' of " + n.label() + " names no activity of process '" + process.id +
                       "'",
                   n.id, e->position.line, e->position.column});
  }

  // A transaction is cancelled one way: two cancel boundary events would race for it.
  void cancelBoundaries(const model::FlowNode& n) {
    if (n.kind != NodeKind::transaction) return;
    const model::FlowNode* first = nullptr;
    for (const auto* b : n.boundaryEvents) {
      if (!b->event(EventType::cancel)) continue;
      if (first)
        report("duplicate_cancel_boundary",
               n.label() + " has a second cancel boundary event '" + b->id + "' (after '" + first->id + "')", *b);
      else
        first = b;
    }
  }

  // An error thrown with errorCode="" could be caught by no specific catcher.
  void thrownErrorCode(const model::FlowNode& n) {
    if (n.kind != NodeKind::endEvent) return;
    const auto* e = n.event(EventType::error);
    if (!e) return;
    if (auto it = defs.errors.find(e->ref); it != defs.errors.end() && it->second.emptyCode)
      report("empty_error_code", n.label() + " throws error '" + e->ref + "', whose errorCode is empty", n);
  }

  // A class or delegate-expression handler returns nothing a resultVariable could hold.
  void resultVariable(const model::FlowNode& n) {
    const auto& s = n.service;
    if (n.kind != NodeKind::serviceTask || s.resultVariable.empty() || !s.expression.empty()) return;
    const char* by = !s.className.empty() ? "class" : !s.delegateExpression.empty() ? "delegateExpression" : nullptr;
    if (by)
      report("result_variable_with_delegate",
             n.label() + " has resultVariable '" + s.resultVariable + "' but is implemented by " + by +
                 "; resultVariable is only for a service task implemented by an expression",
             n);
  }

  void node(const model::FlowNode& n) {
    signalRefs(n);
    compensationBoundaries(n);
    compensationTarget(n);
    cancelBoundaries(n);
    thrownErrorCode(n);
    resultVariable(n);
    if (n.inner)
      for (const auto& c : n.inner->nodes) node(*c);
  }

  // One message starts a process at one start event.
  void messageStarts() {
    std::map<std::string, const model::FlowNode*> seen;
    for (const auto* s : process.scope.startEvents()) {
      const auto* e = s->event(EventType::message);
      if (!e) continue;
      auto name = e->messageExpression.empty() ? defs.messageName(e->ref) : e->messageExpression;
      auto [it, fresh] = seen.emplace(name, s);
      if (!fresh)
        report("duplicate_message_start",
               s->label() + " starts process '" + process.id + "' on message '" + name + "', as " +
                   it->second->label() + " does",
               *s);
    }
  }
};

}  // namespace

void checkEventRules(const model::Definitions& definitions, const model::Process& process, Severity severity,
                     std::vector<Diagnostic>& out) {
  EventRules rules{definitions, process, severity, out};
  for (const auto& n : process.scope.nodes) rules.node(*n);
  rules.messageStarts();
}

}  // namespace ordo::parse
