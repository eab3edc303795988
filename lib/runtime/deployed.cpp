#include "runtime/deployed.hpp"

#include "jobs/iso8601.hpp"
#include "script/javascript.hpp"

namespace ordo::runtime {

namespace {

struct Collector {
  CompiledModel& out;
  std::vector<Diagnostic>& diagnostics;

  void add(const std::string& text, const std::string& elementId, model::Position p, const char* what) {
    if (text.empty() || out.expressions.count(text)) return;
    try {
      out.expressions.emplace(text, expr::Expression::compile(text));
    } catch (const expr::Error& e) {
      diagnostics.push_back(
          {Severity::error, "expression_syntax", std::string(what) + ": " + e.what(), elementId, p.line, p.column});
    }
  }

  void mappingType(const model::VariableMapping& m, const model::FlowNode& n, const char* attribute) {
    if (m.type.empty() || expr::isConversionType(m.type)) return;
    diagnostics.push_back({Severity::error, "mapping_type",
                           std::string(attribute) + " '" + m.type + "' of the mapping to '" + m.target + "' of " +
                               n.label() +
                               " is not one of string, integer, long, double, boolean, json, array, date, localdate",
                           n.id, n.position.line, n.position.column});
  }

  static bool isExpression(const std::string& text) {
    return text.find("${") != std::string::npos || text.find("#{") != std::string::npos;
  }

  // A literal timer value is checked now, so that R/PT0S or P99999999999W fails the deploy.
  void timer(const model::EventDefinition& e, const std::string& elementId) {
    using T = model::TimerDefinition::Type;
    if (e.type != model::EventType::timer || e.timer.type == T::none || e.timer.expression.empty() ||
        isExpression(e.timer.expression))
      return;
    const char* kind = e.timer.type == T::date ? "date" : e.timer.type == T::duration ? "duration" : "cycle";
    try {
      jobs::checkTimerValue(kind, e.timer.expression);
    } catch (const std::invalid_argument& x) {
      diagnostics.push_back({Severity::error, "timer_value",
                             std::string("timer ") + kind + " '" + e.timer.expression + "': " + x.what(), elementId,
                             e.position.line, e.position.column});
    }
  }

  // A script task's script compiles now, so that a syntax error fails the deploy.
  void script(const model::FlowNode& n) {
    switch (model::scriptLanguage(n.script.format)) {
      case model::ScriptLanguage::juel: add(n.script.text, n.id, n.position, "script"); return;
      case model::ScriptLanguage::other: return;  // refused as unsupported (model/capabilities.cpp)
      case model::ScriptLanguage::javascript: break;
    }
    if (auto why = script::compileError(n.script.text); !why.empty())
      diagnostics.push_back(
          {Severity::error, "script_syntax", "script: " + why, n.id, n.position.line, n.position.column});
  }

  void scope(const model::Scope& s) {
    for (const auto& f : s.flows) {
      add(f->condition, f->id, f->position, "condition");
      add(f->skipExpression, f->id, f->position, "skipExpression");
    }
    for (const auto& n : s.nodes) {
      auto p = n->position;
      add(n->human.assignee, n->id, p, "assignee");
      add(n->human.candidateUsers, n->id, p, "candidateUsers");
      add(n->human.candidateGroups, n->id, p, "candidateGroups");
      add(n->human.dueDate, n->id, p, "dueDate");
      add(n->human.priority, n->id, p, "priority");
      add(n->human.formKey, n->id, p, "formKey");
      add(n->human.owner, n->id, p, "owner");
      add(n->human.category, n->id, p, "category");
      add(n->human.taskCompleterVariableName, n->id, p, "taskCompleterVariableName");
      if (n->kind == model::NodeKind::userTask) add(n->name, n->id, p, "name");
      if (n->human.humanPerformer.rfind("resource:", 0) != 0) add(n->human.humanPerformer, n->id, p, "humanPerformer");
      for (const auto& o : n->human.potentialOwners)
        if (o.rfind("resource:", 0) != 0) add(o, n->id, p, "potentialOwner");
      add(n->loop.collection, n->id, p, "collection");
      add(n->loop.loopCardinality, n->id, p, "loopCardinality");
      add(n->loop.completionCondition, n->id, p, "completionCondition");
      for (const auto& be : n->loop.behaviorEvents) add(be.condition, n->id, p, "complexBehaviorDefinition condition");
      add(n->loop.loopCondition, n->id, p, "loopCondition");
      add(n->activationCondition, n->id, p, "activationCondition");
      add(n->skipExpression, n->id, p, "skipExpression");
      if (auto rule = n->extensions.find("assigneeRule");
          rule != n->extensions.end() && rule->second.rfind("expression:", 0) == 0)
        add(rule->second.substr(11), n->id, p, "assigneeRule");
      for (const auto& e : n->events) {
        add(e.timer.expression, n->id, p, "timer");
        timer(e, n->id);
        add(e.condition, n->id, p, "condition");
        add(e.messageExpression, n->id, p, "messageExpression");
        add(e.signalExpression, n->id, p, "signalExpression");
      }
      for (const auto& m : n->call.in) add(m.sourceExpression, n->id, p, "in mapping");
      for (const auto& m : n->call.out) add(m.sourceExpression, n->id, p, "out mapping");
      if (n->kind == model::NodeKind::callActivity) {
        for (const auto& m : n->call.in) mappingType(m, *n, "targetType");
        for (const auto& m : n->call.out) mappingType(m, *n, "sourceType");
      }
      add(n->call.businessKey, n->id, p, "businessKey");
      if (auto key = n->extensions.find("correlationKey"); key != n->extensions.end())
        add(key->second, n->id, p, "correlationKey");
      if (isExpression(n->call.calledElement)) add(n->call.calledElement, n->id, p, "calledElement");
      // A service expression (camunda:expression="${a + 1}") runs as JUEL when no handler has its
      // name; one JUEL cannot read (a bean's method) stays a handler name only.
      if (isExpression(n->service.expression) && !out.expressions.count(n->service.expression)) try {
          out.expressions.emplace(n->service.expression, expr::Expression::compile(n->service.expression));
        } catch (const expr::Error&) {
        }
      if (n->kind == model::NodeKind::scriptTask) script(*n);
      if (n->inner) scope(*n->inner);
    }
  }

  struct NoVariables : expr::Variables {
    const boost::json::value* find(std::string_view) const override { return nullptr; }
  };

  void startNames(const model::Process& p) {
    const auto& m = *out.model;
    for (const auto* s : p.scope.startEvents())
      for (std::size_t i = 0; i < s->events.size(); ++i) {
        const auto& e = s->events[i];
        std::string name;
        if (e.type == model::EventType::message)
          name = e.messageExpression.empty() ? m.messageName(e.ref) : e.messageExpression;
        else if (e.type == model::EventType::signal)
          name = e.signalExpression.empty() ? m.signalName(e.ref) : e.signalExpression;
        else
          continue;
        if (isExpression(name)) {
          add(name, s->id, s->position, "start event name");
          auto it = out.expressions.find(name);
          if (it == out.expressions.end()) continue;  // the syntax error is reported
          try {
            name = it->second.evaluateString(NoVariables{});
          } catch (const expr::Error& x) {
            diagnostics.push_back({Severity::error, "start_name_expression",
                                   "the " + std::string(model::toString(e.type)) + " name '" + name + "' of " +
                                       s->label() + " cannot be evaluated at deploy: " + x.what(),
                                   s->id, s->position.line, s->position.column});
            continue;
          }
        }
        out.startEventNames[CompiledModel::startEventKey(s->id, i)] = name;
      }
  }
};

}  // namespace

std::shared_ptr<CompiledModel> CompiledModel::compile(std::shared_ptr<const model::Definitions> model,
                                                      std::vector<Diagnostic>& diagnostics) {
  auto out = std::make_shared<CompiledModel>();
  out->model = std::move(model);
  Collector c{*out, diagnostics};
  for (const auto& p : out->model->processes)
    if (p->executable) {
      c.scope(p->scope);
      c.startNames(*p);
    }
  for (const auto& [id, m] : out->model->messages)
    if (Collector::isExpression(m.name)) c.add(m.name, id, {}, "message name");
  for (const auto& [id, s] : out->model->signals)
    if (Collector::isExpression(s.name)) c.add(s.name, id, {}, "signal name");
  return out;
}

const expr::Expression& CompiledModel::expression(const std::string& text) const {
  auto it = expressions.find(text);
  if (it == expressions.end()) throw Error(ErrorCode::internal, "expression was not compiled at deploy: " + text);
  return it->second;
}

}  // namespace ordo::runtime
