#include "runtime/execution.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "jobs/iso8601.hpp"
#include "model/graph.hpp"

namespace ordo::runtime {

using model::FlowNode;
using model::NodeKind;
using model::SequenceFlow;

const char* toString(TokenState s) {
  switch (s) {
    case TokenState::active: return "active";
    case TokenState::waiting: return "waiting";
    case TokenState::joining: return "joining";
    case TokenState::scope: return "scope";
  }
  return "active";
}

TokenState tokenStateFrom(const std::string& s) {
  if (s == "waiting") return TokenState::waiting;
  if (s == "joining") return TokenState::joining;
  if (s == "scope") return TokenState::scope;
  return TokenState::active;
}

Token* InstanceState::token(Id id) {
  auto it = tokens.find(id);
  return it == tokens.end() || it->second.removed ? nullptr : &it->second;
}

Token& InstanceState::rootToken() {
  for (auto& [id, t] : tokens)
    if (t.parent == 0 && !t.removed) return t;
  throw Error(ErrorCode::internal, "instance " + std::to_string(row.id) + " has no process token");
}

std::vector<Token*> InstanceState::children(Id parent) {
  std::vector<Token*> out;
  for (auto& [id, t] : tokens)
    if (t.parent == parent && !t.removed) out.push_back(&t);
  return out;
}

namespace {

// Variables seen from a token: its scopes, innermost first.
class TokenVariables : public expr::Variables {
 public:
  TokenVariables(const Execution& ex, const Token& t) : ex_(ex), t_(t) {}
  const boost::json::value* find(std::string_view name) const override { return ex_.lookup(t_, name); }

 private:
  const Execution& ex_;
  const Token& t_;
};

}  // namespace

Execution::Execution(InstanceState& state, const DeployedProcess& process, const Clock& clock, IdSource& ids,
                     const Environment& env)
    : state_(state), process_(process), clock_(clock), ids_(ids), env_(env) {}

const FlowNode& Execution::node(const Token& t) const {
  auto* n = process_.process->node(t.element);
  if (!n)
    throw Error(ErrorCode::internal, "token " + std::to_string(t.id) + " is at '" + t.element +
                                         "', which the process definition does not have");
  return *n;
}

const FlowNode* Execution::scopeNode(const Token& scope) const {
  return scope.parent == 0 ? nullptr : &node(scope);
}

Token& Execution::newToken(Id parent, const std::string& element) {
  Id id = ids_.next("tokens");
  auto& t = state_.tokens[id];
  t.id = id;
  t.parent = parent;
  t.element = element;
  t.isNew = true;
  return t;
}

// ---------------------------------------------------------------- agenda

void Execution::run() {
  for (;;) {
    while (!agenda_.empty()) {
      if (env_.interrupted()) throw Error(ErrorCode::interrupted, "the command was interrupted");
      if (++steps_ > kMaxStepsPerCommand) {
        auto* t = state_.token(agenda_.front().token);
        std::string at = t ? t->element : std::string();
        throw Error(ErrorCode::limit_exceeded,
                    "the command took more than " + std::to_string(kMaxStepsPerCommand) +
                        " automatic steps (last at '" + at + "'): the model loops without a wait state",
                    at);
      }
      Op op = agenda_.front();
      agenda_.pop_front();
      dispatch(op);
    }
    // Inclusive joins and conditions can only be judged once every token has come to rest.
    if (fireInclusiveJoins()) continue;
    if (!fireConditions()) break;
  }
}

void Execution::dispatch(const Op& op) {
  auto* t = state_.token(op.token);
  if (!t) return;  // cancelled meanwhile (an interrupting event won the race)
  switch (op.kind) {
    case Op::enter: enter(*t, *op.node); break;
    case Op::take:
      t->element = op.flow->target->id;
      t->data["via"] = op.flow->id;  // joins need to know which incoming flow a token used
      t->dirty = true;
      enter(*t, *op.flow->target);
      break;
    case Op::leave: leave(*t); break;
    case Op::completeScope: completeScope(*t); break;
  }
}

void Execution::enter(Token& t, const FlowNode& n) {
  t.element = n.id;
  transition(t, TokenState::active);
  t.dirty = true;
  bool miInstance = t.data.contains("miInstance");
  if (n.loop.kind == model::LoopCharacteristics::Kind::multiInstance && !miInstance) {
    record("element_entered", &t, &n);
    state_.history.back().elementType = "multiInstanceBody";
    attachBoundaryEvents(t, n);
    enterMultiInstanceBody(*this, t, n);
    return;
  }
  if (!miInstance) {
    record("element_entered", &t, &n);
    attachBoundaryEvents(t, n);
  }
  if (n.asyncBefore && !miInstance) {
    // Async before: the command ends here; a job continues in a transaction of its own.
    createAsyncJob(t, n, "before");
    wait(t);
    return;
  }
  execute(t, n);
}

void Execution::execute(Token& t, const FlowNode& n) {
  if (n.loop.kind == model::LoopCharacteristics::Kind::standard) {
    t.data["loop"] = 0;
    // testBefore: a while loop; the body may never run.
    if (n.loop.testBefore && !loopAgain(t, n, 0)) {
      t.data.erase("loop");
      record("element_left", &t, &n);
      removeJobsOf(t.id);
      take(t, selectOutgoing(t, n, false));
      return;
    }
    setLocalVariable(t, "loopCounter", 0);
  }
  behaviorFor(n.kind).enter(*this, t, n);
}

bool Execution::loopAgain(const Token& t, const FlowNode& n, std::int64_t done) {
  if (n.loop.loopMaximum && done >= *n.loop.loopMaximum) return false;
  if (n.loop.loopCondition.empty()) return n.loop.loopMaximum.has_value();  // no condition: up to the maximum
  return evaluateCondition(t, n.loop.loopCondition, n.id);
}

void Execution::leave(Token& t) {
  const auto& n = node(t);
  if (auto thrower = t.data.find("compensationFor"); thrower != t.data.end()) {
    Id throwerId = thrower->value().as_int64();
    record("element_left", &t, &n);
    endToken(t);
    compensationDone(throwerId);
    return;
  }
  if (n.compensationHandler && !t.data.contains("miInstance")) subscribeCompensation(t, n);
  if (t.data.contains("miInstance")) {
    finishMultiInstance(t);
    return;
  }
  if (auto loop = t.data.find("loop"); loop != t.data.end()) {
    auto done = loop->value().as_int64() + 1;
    loop->value() = done;
    record("element_left", &t, &n);
    if (loopAgain(t, n, done)) {
      transition(t, TokenState::active);
      setLocalVariable(t, "loopCounter", done);
      record("element_entered", &t, &n);
      behaviorFor(n.kind).enter(*this, t, n);
      return;
    }
    t.data.erase("loop");
    state_.variables.erase(t.id);
    state_.dirtyVariables.emplace(t.id, "loopCounter");
    removeJobsOf(t.id);
    take(t, selectOutgoing(t, n, false));
    return;
  }
  auto flows = selectOutgoing(t, n, false);
  record("element_left", &t, &n);
  removeJobsOf(t.id);
  if (n.asyncAfter && !t.data.contains("miInstance")) {
    createAsyncJob(t, n, "after");
    wait(t);
    return;
  }
  take(t, flows);
}

void Execution::createAsyncJob(Token& t, const FlowNode& n, const char* phase) {
  JobRow job;
  job.id = ids_.next("jobs");
  job.tokenId = t.id;
  job.kind = "async";
  job.element = n.id;
  job.dueAt = now();
  job.data = {{"phase", phase}};
  applyRetryCycle(job, n);
  job.isNew = true;
  state_.jobs.push_back(std::move(job));
}

// flowable:/camunda:failedJobRetryTimeCycle "R5/PT10M": 5 tries, 10 minutes apart. Default: 3, at once.
void Execution::applyRetryCycle(JobRow& job, const FlowNode& n) {
  job.retries = 3;
  if (n.failedJobRetryTimeCycle.empty()) return;
  try {
    auto cycle = jobs::parseCycle(n.failedJobRetryTimeCycle);
    if (cycle.repetitions > 0) job.retries = static_cast<int>(cycle.repetitions);
    job.data["retryDelay"] = jobs::addDuration(0, cycle.interval);
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::invalid_argument,
                "failedJobRetryTimeCycle of " + n.label() + " is not an ISO-8601 cycle: " + e.what(), n.id);
  }
}

void Execution::runJob(Id jobId) {
  JobRow* job = nullptr;
  for (auto& j : state_.jobs)
    if (j.id == jobId && !j.removed) job = &j;
  if (!job) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
  if (job->kind == "timer") {
    fireTimer(jobId);
    return;
  }
  if (job->kind != "async") throw Error(ErrorCode::internal, "job " + std::to_string(jobId) + " is not runnable");
  job->removed = true;
  Token* t = state_.token(job->tokenId);
  if (!t) return;
  const auto& n = node(*t);
  transition(*t, TokenState::active);
  if (job->data.contains("phase") && job->data.at("phase").as_string() == "after")
    take(*t, selectOutgoing(*t, n, false));
  else
    execute(*t, n);
  run();
}

void Execution::take(Token& t, const std::vector<const SequenceFlow*>& flows) {
  transition(t, TokenState::active);
  t.data = {};
  t.dirty = true;
  if (flows.empty()) {
    endToken(t);
    return;
  }
  for (std::size_t i = 0; i < flows.size(); ++i) {
    Token* tok = &t;
    if (i > 0) tok = &newToken(t.parent, t.element);
    agenda_.push_back({Op::take, tok->id, nullptr, flows[i]});
  }
}

void Execution::endToken(Token& t) {
  t.removed = true;
  removeJobsOf(t.id);
  if (t.parent == 0) return;
  auto* scope = state_.token(t.parent);
  if (scope && state_.children(scope->id).empty()) agenda_.push_back({Op::completeScope, scope->id});
}

void Execution::cancelToken(Token& t) {
  for (auto* c : state_.children(t.id)) cancelToken(*c);
  for (auto& task : state_.tasks)
    if (task.tokenId == t.id && task.task.state == "open") {
      task.task.state = "cancelled";
      task.task.endedAt = now();
      task.dirty = true;
      record("task_cancelled", &t, process_.process->node(task.task.elementId), task.task.id);
    }
  removeJobsOf(t.id);
  if (auto child = t.data.find("child"); child != t.data.end()) childrenToCancel.push_back(child->value().as_int64());
  if (t.parent != 0 && !t.data.contains("miInstance"))
    record("element_cancelled", &t, process_.process->node(t.element));
  t.removed = true;
}

void Execution::completeScope(Token& scope) {
  if (!state_.children(scope.id).empty()) return;  // something new started meanwhile
  if (scope.parent == 0) {
    if (state_.row.parentId && state_.row.state == "running")
      parentNotice = ParentNotice{state_.row.parentId, state_.row.parentTokenId, false, {}, visibleVariables(scope)};
    removeJobsOf(scope.id);
    scope.removed = true;
    if (state_.row.state == "running") {
      state_.row.state = "completed";
      state_.row.endedAt = now();
      state_.rowDirty = true;
      record("instance_completed", nullptr, nullptr);
      notify(state_.row.initiator, "ended", 0,
             process_.process->name.empty() ? process_.process->id : process_.process->name);
    }
    return;
  }
  // A subprocess whose inside has finished: the subprocess itself completes. What its
  // activities registered for compensation now belongs to the scope around it.
  for (std::size_t i = 0, n = state_.subscriptions.size(); i < n; ++i) {
    auto& sub = state_.subscriptions[i];
    if (sub.removed || sub.kind != "compensate" || sub.tokenId != scope.id) continue;
    sub.removed = true;
    SubscriptionRow moved = sub;  // copied before the vector grows
    moved.id = ids_.next("subscriptions");
    moved.tokenId = scope.parent;
    moved.isNew = true;
    moved.removed = false;
    state_.subscriptions.push_back(std::move(moved));
  }
  transition(scope, TokenState::active);
  scope.dirty = true;
  leave(scope);
}

// ---------------------------------------------------------------- flows and conditions

std::vector<const SequenceFlow*> Execution::selectOutgoing(const Token& t, const FlowNode& n, bool exclusive) {
  std::vector<const SequenceFlow*> out;
  for (const auto* f : n.outgoing) {
    if (f->isDefault) continue;
    if (f->condition.empty() || evaluateCondition(t, f->condition, f->id)) {
      out.push_back(f);
      if (exclusive) break;
    }
  }
  if (out.empty() && n.defaultFlow) out.push_back(n.defaultFlow);
  if (out.empty() && !n.outgoing.empty())
    throw Error(ErrorCode::no_outgoing_flow,
                "no outgoing sequence flow of " + n.label() +
                    " can be taken: every condition is false and there is no default flow",
                n.id);
  return out;
}

boost::json::value Execution::evaluate(const Token& t, const std::string& text, const std::string& elementId) {
  try {
    return process_.expression(text).evaluate(TokenVariables(*this, t));
  } catch (const expr::Error& e) {
    throw Error(ErrorCode::expression_error, std::string(e.what()) + " (element '" + elementId + "')", elementId);
  }
}

bool Execution::evaluateCondition(const Token& t, const std::string& text, const std::string& elementId) {
  try {
    return process_.expression(text).evaluateBool(TokenVariables(*this, t));
  } catch (const expr::Error& e) {
    throw Error(ErrorCode::expression_error, std::string(e.what()) + " (element '" + elementId + "')", elementId);
  }
}

// ---------------------------------------------------------------- variables

const boost::json::value* Execution::lookup(const Token& t, std::string_view name) const {
  for (const Token* cur = &t; cur;) {
    auto it = state_.variables.find(cur->id);
    if (it != state_.variables.end()) {
      auto v = it->second.find(name);
      if (v != it->second.end()) return &v->value();
    }
    if (cur->parent == 0) break;
    auto p = state_.tokens.find(cur->parent);
    cur = p == state_.tokens.end() ? nullptr : &p->second;
  }
  return nullptr;
}

Variables Execution::visibleVariables(const Token& t) const {
  Variables out;
  std::vector<const Token*> chain;
  for (const Token* cur = &t; cur;) {
    chain.push_back(cur);
    if (cur->parent == 0) break;
    auto p = state_.tokens.find(cur->parent);
    cur = p == state_.tokens.end() ? nullptr : &p->second;
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    auto v = state_.variables.find((*it)->id);
    if (v == state_.variables.end()) continue;
    for (const auto& kv : v->second) out[kv.key()] = kv.value();
  }
  return out;
}

void Execution::setVariable(const Token& from, const std::string& name, boost::json::value value) {
  // Camunda/Flowable: set where the variable already lives, else on the process.
  for (const Token* cur = &from; cur;) {
    auto it = state_.variables.find(cur->id);
    if (it != state_.variables.end() && it->second.contains(name)) {
      setLocalVariable(*cur, name, std::move(value));
      return;
    }
    if (cur->parent == 0) {
      setLocalVariable(*cur, name, std::move(value));
      return;
    }
    auto p = state_.tokens.find(cur->parent);
    cur = p == state_.tokens.end() ? nullptr : &p->second;
  }
  setLocalVariable(state_.rootToken(), name, std::move(value));
}

void Execution::setLocalVariable(const Token& scope, const std::string& name, boost::json::value value) {
  state_.variables[scope.id][name] = std::move(value);
  state_.dirtyVariables.emplace(scope.id, name);
}

// ---------------------------------------------------------------- history

void Execution::record(const std::string& kind, const Token* t, const FlowNode* n, Id taskId,
                       const std::string& comment) {
  HistoryEntry h;
  h.instanceId = state_.row.id;
  h.at = now();
  h.kind = kind;
  if (n) {
    h.elementId = n->id;
    h.elementType = model::toString(n->kind);
  } else if (t) {
    h.elementId = t->element;
  }
  h.taskId = taskId;
  h.actor = actor;
  h.comment = comment;
  // An element entered and left within one command is recorded by its element_left alone:
  // half the history rows of automatic steps, and nothing is lost (same command, same time).
  if (kind == "element_left" && t && n) {
    for (std::size_t i = state_.history.size(); i-- > 0;) {
      const auto& e = state_.history[i];
      if (i < historyTokens_.size() && historyTokens_[i] == t->id && e.kind == "element_entered" &&
          e.elementId == n->id) {
        h.elementType = e.elementType;  // keeps "multiInstanceBody"
        state_.history.erase(state_.history.begin() + static_cast<std::ptrdiff_t>(i));
        historyTokens_.erase(historyTokens_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  historyTokens_.resize(state_.history.size());
  state_.history.push_back(std::move(h));
  historyTokens_.push_back(t ? t->id : 0);
}

// ---------------------------------------------------------------- events, errors, jobs

void Execution::attachBoundaryEvents(Token& t, const FlowNode& n) {
  for (const auto* b : n.boundaryEvents)
    for (const auto& def : b->events) {
      if (def.type == model::EventType::conditional) subscribeCondition(t, *b, false);
      if (def.type == model::EventType::timer) createTimerJob(t, *b);
      if (def.type == model::EventType::message) subscribeMessage(t, *b, &def);
      if (def.type == model::EventType::signal) subscribeSignal(t, *b, &def);
    }
}

void Execution::createTimerJob(Token& owner, const FlowNode& eventNode) {
  const auto* def = eventNode.event(model::EventType::timer);
  std::string text = def->timer.expression;
  if (text.find("${") != std::string::npos || text.find("#{") != std::string::npos) {
    auto v = evaluate(owner, text, eventNode.id);
    text = v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
  }
  std::int64_t due = 0;
  try {
    using T = model::TimerDefinition::Type;
    if (def->timer.type == T::duration) {
      due = jobs::addDuration(now(), jobs::parseDuration(text));
    } else if (def->timer.type == T::date) {
      due = jobs::parseDateTime(text);
    } else {
      auto cycle = jobs::parseTimerCycle(text);
      due = jobs::addDuration(cycle.start ? cycle.start : now(), cycle.interval);
    }
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::invalid_argument,
                "timer of " + eventNode.label() + ": '" + text + "' is not a valid ISO-8601 value: " + e.what(),
                eventNode.id);
  }
  JobRow job;
  job.id = ids_.next("jobs");
  job.tokenId = owner.id;
  job.kind = "timer";
  job.element = eventNode.id;
  job.dueAt = due;
  if (def->timer.type == model::TimerDefinition::Type::cycle) {
    auto cycle = jobs::parseCycle(text);
    // Repetitions after this one; -1: for as long as the owner waits.
    job.data = {{"cycle", text}, {"remaining", cycle.repetitions < 0 ? -1 : cycle.repetitions - 1}};
  }
  applyRetryCycle(job, eventNode);
  job.isNew = true;
  state_.jobs.push_back(std::move(job));
}

// A cycle timer that fired schedules its next occurrence, unless its repetitions are spent.
void Execution::repeatCycle(const JobRow& fired) {
  if (!fired.data.contains("cycle")) return;
  auto remaining = fired.data.at("remaining").as_int64();
  if (remaining == 0) return;
  auto cycle = jobs::parseCycle(fired.data.at("cycle").as_string());
  JobRow next = fired;
  next.id = ids_.next("jobs");
  next.dueAt = jobs::addDuration(fired.dueAt, cycle.interval);
  next.data["remaining"] = remaining < 0 ? -1 : remaining - 1;
  next.isNew = true;
  next.removed = false;
  next.dirty = false;
  next.lockOwner.clear();
  next.lockExpires = 0;
  state_.jobs.push_back(std::move(next));
}

void Execution::removeJobsOf(Id tokenId) {
  for (auto& j : state_.jobs)
    if (j.tokenId == tokenId && !j.removed) j.removed = true;
  for (auto& sub : state_.subscriptions)
    if (sub.tokenId == tokenId) sub.removed = true;
}

void Execution::subscribeMessage(Token& owner, const FlowNode& eventNode, const model::EventDefinition* def) {
  std::string ref = eventNode.messageRef;
  if (def)
    ref = def->ref;
  else if (const auto* e = eventNode.event(model::EventType::message))
    ref = e->ref;
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = owner.id;
  sub.kind = "message";
  sub.name = process_.model().messageName(ref);
  sub.element = eventNode.id;
  sub.isNew = true;
  sub.createdNow = true;
  state_.subscriptions.push_back(std::move(sub));
}

void Execution::eventGatewayFired(Token& gateway, const FlowNode& eventNode) {
  removeJobsOf(gateway.id);  // the other events lose the race
  record("element_left", &gateway, &node(gateway));
  transition(gateway, TokenState::active);
  gateway.element = eventNode.id;
  record("element_entered", &gateway, &eventNode);
  agenda_.push_back({Op::leave, gateway.id});
}

void Execution::correlate(Id subscriptionId, const Variables& variables) {
  SubscriptionRow* sub = nullptr;
  for (auto& x : state_.subscriptions)
    if (x.id == subscriptionId && !x.removed) sub = &x;
  if (!sub) throw Error(ErrorCode::not_found, "message subscription " + std::to_string(subscriptionId) + " not found");
  receive(*sub, variables);
  run();
}

void Execution::triggerBoundary(Token& host, const FlowNode& boundary) {
  Id parent = host.parent;
  if (boundary.cancelActivity) cancelToken(host);
  Token& bt = newToken(parent, boundary.id);
  record("element_entered", &bt, &boundary);
  agenda_.push_back({Op::leave, bt.id});
}

const model::Scope& Execution::scopeOf(const Token& scope) const {
  return scope.parent == 0 ? process_.process->scope : *node(scope).inner;
}

const FlowNode* Execution::findCatcher(Token& from, model::EventType type, const std::string& code, Token*& host) {
  const auto& defs = process_.model();
  // The code a catching definition waits for; nullopt catches every code.
  auto codeOf = [&](const model::EventDefinition& e) -> std::optional<std::string> {
    if (e.ref.empty()) return std::nullopt;
    if (type == model::EventType::error) {
      auto it = defs.errors.find(e.ref);
      return it == defs.errors.end() ? e.ref : it->second.errorCode;
    }
    auto it = defs.escalations.find(e.ref);
    return it == defs.escalations.end() ? e.ref : it->second.escalationCode;
  };
  // Specific codes win over catch-alls at the same level.
  auto pick = [&](const std::vector<const FlowNode*>& candidates) -> const FlowNode* {
    const FlowNode* catchAll = nullptr;
    for (const auto* c : candidates) {
      const auto* e = c->event(type);
      if (!e) continue;
      auto k = codeOf(*e);
      if (k && !k->empty() && *k == code) return c;
      if ((!k || k->empty()) && !catchAll) catchAll = c;
    }
    return catchAll;
  };
  for (Token* cur = &from; cur;) {
    bool miInstance = cur->data.contains("miInstance");
    // An event subprocess of the scope catches before the boundary events of the scope's activity.
    if (cur != &from && cur->state == TokenState::scope && !cur->data.contains("miBody") &&
        (cur->parent == 0 || node(*cur).inner)) {
      std::vector<const FlowNode*> starts;
      for (const auto* esp : scopeOf(*cur).eventSubProcesses())
        for (const auto* st : esp->inner->startEvents()) starts.push_back(st);
      if (const auto* st = pick(starts)) {
        host = cur;
        return st;
      }
    }
    if (cur->parent == 0) break;
    if (!miInstance)
      if (const auto* b = pick(node(*cur).boundaryEvents)) {
        host = cur;
        return b;
      }
    cur = state_.token(cur->parent);
  }
  return nullptr;
}

void Execution::catchAt(Token& host, const FlowNode& catcher) {
  if (catcher.kind == NodeKind::boundaryEvent)
    triggerBoundary(host, catcher);
  else
    triggerEventSubProcess(host, catcher);
}

void Execution::throwBpmnError(Token& from, const std::string& code, const std::string& message) {
  Token* host = nullptr;
  if (const auto* c = findCatcher(from, model::EventType::error, code, host)) {
    record("error_caught", host, c, 0, code);
    catchAt(*host, *c);
    return;
  }
  if (state_.row.parentId) {
    // A called instance hands an uncaught error to its call activity (BPMN 10.2.6).
    parentNotice = ParentNotice{state_.row.parentId, state_.row.parentTokenId, true, code, {}};
    endInstance("terminated", "error_propagated", code);
    return;
  }
  throw Error(ErrorCode::unhandled_bpmn_error,
              "BPMN error '" + code + "' thrown at '" + from.element + "' is not caught by any error boundary event" +
                  (message.empty() ? "" : ": " + message),
              from.element);
}

void Execution::moveTokens(const std::vector<Id>& cancel, Id scope, const FlowNode& target) {
  for (Id id : cancel)
    if (auto* t = state_.token(id)) cancelToken(*t);
  Token& moved = newToken(scope, target.id);
  schedule(moved, target);
  run();
}

std::pair<Id, std::vector<Id>> Execution::returnPlan(Id taskToken, const FlowNode& target) {
  Token* t = state_.token(taskToken);
  if (!t) throw Error(ErrorCode::internal, "the task has no token");
  // Climb to the token that sits in the target's scope: the task's own, its multi-instance
  // body, or the subprocess around it.
  Token* a = t;
  while (a && a->parent != 0) {
    Token* parent = state_.token(a->parent);
    bool parentIsTargetScope = parent && ((parent->parent == 0 && target.scope == &process_.process->scope) ||
                                          (parent->parent != 0 && node(*parent).inner.get() == target.scope));
    if (parentIsTargetScope && !a->data.contains("miInstance")) break;
    a = parent;
  }
  if (!a || a->parent == 0)
    throw Error(ErrorCode::wrong_state, "'" + target.id + "' is not in a scope around the current task", target.id);
  const auto& graph = *target.scope->graph;
  const auto& here = node(*a);
  if (&here != &target && !graph.reaches(&target, &here))
    throw Error(ErrorCode::wrong_state, "'" + target.id + "' does not come before '" + here.id + "'", target.id);
  std::vector<Id> cancel{a->id};
  for (auto* c : state_.children(a->parent)) {
    if (c == a) continue;
    const FlowNode* at = process_.process->node(c->element);
    // A token waiting at a join stands for the branch it came by.
    if (c->state == TokenState::joining && c->data.contains("via"))
      if (const auto* via = process_.process->flow(std::string(c->data.at("via").as_string()))) at = via->source;
    if (at && at->scope == target.scope && (at == &target || graph.reaches(&target, at))) cancel.push_back(c->id);
  }
  return {a->parent, cancel};
}

void Execution::addToMultiInstance(Id instanceToken, const std::vector<boost::json::value>& items, bool before) {
  Token* inst = state_.token(instanceToken);
  if (!inst || !inst->data.contains("miInstance"))
    throw Error(ErrorCode::wrong_state, "the task is not part of a multi-instance activity");
  Token& body = *state_.token(inst->parent);
  const auto& n = node(*inst);
  auto& list = body.data["items"].as_array();
  auto& outputs = body.data["outputs"].as_array();
  auto count = body.data.at("nrOfInstances").as_int64();
  if (!n.loop.sequential) {
    for (const auto& item : items) {
      list.push_back(item);
      outputs.push_back(nullptr);
      body.data["nrOfInstances"] = ++count;
      startMultiInstance(body, n, count - 1);
    }
  } else {
    // Sequential: the new signers come right after the current one, or before it (the current
    // one then waits for them: its instance stops and runs again after theirs).
    auto current = inst->data.at("loopCounter").as_int64();
    auto at = static_cast<std::size_t>(before ? current : current + 1);
    for (std::size_t i = 0; i < items.size(); ++i) {
      list.insert(list.begin() + static_cast<std::ptrdiff_t>(at + i), items[i]);
      outputs.insert(outputs.begin() + static_cast<std::ptrdiff_t>(at + i), nullptr);
    }
    body.data["nrOfInstances"] = count + static_cast<std::int64_t>(items.size());
    if (before) {
      cancelToken(*inst);
      body.data["nrOfActiveInstances"] = body.data.at("nrOfActiveInstances").as_int64() - 1;
      startMultiInstance(body, n, current);
    }
  }
  body.dirty = true;
  setLocalVariable(body, "nrOfInstances", body.data.at("nrOfInstances"));
  run();
}

int Execution::removeFromMultiInstance(Id instanceToken, const std::vector<boost::json::value>& items) {
  Token* inst = state_.token(instanceToken);
  if (!inst || !inst->data.contains("miInstance"))
    throw Error(ErrorCode::wrong_state, "the task is not part of a multi-instance activity");
  Id bodyId = inst->parent;
  Token& body = *state_.token(bodyId);
  const auto& n = node(*inst);
  int removed = 0;
  bool currentRemoved = false;
  auto isRemoved = [&](const boost::json::value& v) { return std::find(items.begin(), items.end(), v) != items.end(); };
  for (auto* c : state_.children(bodyId)) {
    const auto* v = n.loop.elementVariable.empty() ? nullptr : lookup(*c, n.loop.elementVariable);
    if (!v || !isRemoved(*v)) continue;
    cancelToken(*c);
    currentRemoved = true;
    if (!n.loop.sequential) ++removed;  // sequential: counted below, with its list entry
    body.data["nrOfActiveInstances"] = body.data.at("nrOfActiveInstances").as_int64() - 1;
  }
  // Sequential: the current signer (if removed) and those not reached yet leave the list.
  auto& list = body.data["items"].as_array();
  const auto completed = body.data.at("nrOfCompletedInstances").as_int64();
  if (n.loop.sequential) {
    for (auto i = static_cast<std::size_t>(completed); i < list.size();)
      if (isRemoved(list[i])) {
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
        body.data["outputs"].as_array().erase(body.data["outputs"].as_array().begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
      } else {
        ++i;
      }
  }
  auto remaining = body.data.at("nrOfInstances").as_int64() - removed;
  body.data["nrOfInstances"] = remaining;
  body.dirty = true;
  setLocalVariable(body, "nrOfInstances", remaining);
  setLocalVariable(body, "nrOfActiveInstances", body.data.at("nrOfActiveInstances"));
  if (removed == 0) return 0;
  // The completion condition looks again at the smaller body (减签 may complete it).
  bool done = completed >= remaining;
  if (!done && !n.loop.completionCondition.empty()) done = evaluateCondition(body, n.loop.completionCondition, n.id);
  if (done) {
    for (auto* c : state_.children(bodyId)) cancelToken(*c);
    completeMultiInstanceBody(body, n);
  } else if (n.loop.sequential && currentRemoved) {
    startMultiInstance(body, n, completed);  // the next signer takes the removed one's turn
  }
  run();
  return removed;
}

void Execution::notify(const std::string& user, const std::string& type, Id taskId, const std::string& title) {
  if (user.empty()) return;
  state_.inbox.push_back({user, type, taskId, title, now()});
}

void Execution::recordOperation(const std::string& action, const Token* t, Id taskId, const std::string& comment,
                                std::vector<std::string> targets) {
  record("operation", t, t ? process_.process->node(t->element) : nullptr, taskId, comment);
  state_.history.back().action = action;
  state_.history.back().targets = std::move(targets);
}

void Execution::endInstance(const std::string& state, const std::string& kind, const std::string& comment) {
  // A called instance that ends without completing ends its caller the same way; otherwise
  // the caller would wait forever for a child that is gone (an error already told it).
  bool live = state_.row.state == "running" || state_.row.state == "suspended";
  if (state_.row.parentId && live && !parentNotice &&
      (state == "terminated" || state == "rejected" || state == "invalidated")) {
    ParentNotice notice;
    notice.parent = state_.row.parentId;
    notice.parentToken = state_.row.parentTokenId;
    notice.ended = state;
    parentNotice = notice;
  }
  auto& root = state_.rootToken();
  for (auto* c : state_.children(root.id)) cancelToken(*c);
  removeJobsOf(root.id);
  root.removed = true;
  state_.row.state = state;
  state_.row.endedAt = now();
  state_.rowDirty = true;
  record(kind, nullptr, nullptr, 0, comment);
}

void Execution::terminate(const std::string& reason) {
  endInstance("terminated", "instance_terminated", reason);
}

void Execution::childEnded(Id tokenId, const ParentNotice& notice) {
  Token* t = state_.token(tokenId);
  if (!t) return;  // the call activity was cancelled meanwhile
  const auto& n = node(*t);
  t->data.erase("child");
  if (!notice.ended.empty()) {
    endInstance(notice.ended, "instance_" + notice.ended, "its called instance at '" + n.id + "' was " + notice.ended);
    return;
  }
  if (notice.error) {
    throwBpmnError(*t, notice.errorCode, "raised in the called process");
    run();
    return;
  }
  // Out mappings: what the parent takes from the child.
  for (const auto& m : n.call.out) {
    if (m.all) {
      for (const auto& kv : notice.variables) setVariable(*t, std::string(kv.key()), kv.value());
    } else if (!m.sourceExpression.empty()) {
      struct Child : expr::Variables {
        const ordo::Variables& v;
        explicit Child(const ordo::Variables& x) : v(x) {}
        const boost::json::value* find(std::string_view name) const override {
          auto it = v.find(name);
          return it == v.end() ? nullptr : &it->value();
        }
      } child(notice.variables);
      try {
        setVariable(*t, m.target, process_.expression(m.sourceExpression).evaluate(child));
      } catch (const expr::Error& e) {
        throw Error(ErrorCode::expression_error, std::string(e.what()) + " (out mapping of '" + n.id + "')", n.id);
      }
    } else if (auto it = notice.variables.find(m.source); it != notice.variables.end()) {
      setVariable(*t, m.target.empty() ? m.source : m.target, it->value());
    }
  }
  transition(*t, TokenState::active);
  agenda_.push_back({Op::leave, t->id});
  run();
}

bool Execution::throwEscalation(Token& from, const std::string& code) {
  Token* host = nullptr;
  const auto* c = findCatcher(from, model::EventType::escalation, code, host);
  if (!c) {
    record("escalation_uncaught", &from, process_.process->node(from.element), 0, code);
    return false;  // BPMN: an uncaught escalation is not an error
  }
  record("escalation_caught", host, c, 0, code);
  catchAt(*host, *c);
  return true;
}

void Execution::openScope(Token& scope) {
  for (const auto* esp : scopeOf(scope).eventSubProcesses())
    for (const auto* st : esp->inner->startEvents()) {
      if (st->event(model::EventType::message)) subscribeMessage(scope, *st);
      if (st->event(model::EventType::signal)) subscribeSignal(scope, *st);
      if (st->event(model::EventType::timer)) createTimerJob(scope, *st);
      if (st->event(model::EventType::conditional)) subscribeCondition(scope, *st, false);
    }
}

void Execution::triggerEventSubProcess(Token& scope, const FlowNode& start) {
  const FlowNode& esp = *start.scope->owner;
  if (start.interrupting) {
    for (auto* c : state_.children(scope.id)) cancelToken(*c);
    // The scope's other event subprocesses can no longer start; its boundary events stay.
    auto isStart = [&](const std::string& element) {
      const auto* n = process_.process->node(element);
      return n && n->kind == NodeKind::startEvent;
    };
    for (auto& j : state_.jobs)
      if (j.tokenId == scope.id && isStart(j.element)) j.removed = true;
    for (auto& sub : state_.subscriptions)
      if (sub.tokenId == scope.id && isStart(sub.element)) sub.removed = true;
  } else {
    // A non-interrupting start may fire again: wait for the next one.
    if (start.event(model::EventType::message)) subscribeMessage(scope, start);
    if (start.event(model::EventType::signal)) subscribeSignal(scope, start);
  }
  Token& body = newToken(scope.id, esp.id);
  record("element_entered", &body, &esp);
  transition(body, TokenState::scope);
  Token& first = newToken(body.id, start.id);
  schedule(first, start);
}

void Execution::subscribeSignal(Token& owner, const FlowNode& eventNode, const model::EventDefinition* def) {
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = owner.id;
  sub.kind = "signal";
  sub.name = process_.model().signalName((def ? def : eventNode.event(model::EventType::signal))->ref);
  sub.element = eventNode.id;
  sub.isNew = true;
  state_.subscriptions.push_back(std::move(sub));
}

void Execution::receive(SubscriptionRow& sub, const Variables& variables) {
  sub.removed = true;
  Token* owner = state_.token(sub.tokenId);
  const auto* eventNode = process_.process->node(sub.element);
  if (!owner || !eventNode) throw Error(ErrorCode::internal, "a subscription without its token or element");
  for (const auto& kv : variables) setVariable(*owner, std::string(kv.key()), kv.value());
  record(sub.kind + "_received", owner, eventNode, 0, sub.name);
  if (eventNode->kind == NodeKind::boundaryEvent)
    triggerBoundary(*owner, *eventNode);
  else if (eventNode->kind == NodeKind::startEvent)
    triggerEventSubProcess(*owner, *eventNode);
  else if (node(*owner).kind == NodeKind::eventBasedGateway)
    eventGatewayFired(*owner, *eventNode);
  else
    agenda_.push_back({Op::leave, owner->id});
}

void Execution::subscribeCondition(Token& owner, const FlowNode& eventNode, bool fired) {
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = owner.id;
  sub.kind = "conditional";
  sub.name = fired ? "fired" : "armed";  // a non-interrupting event fires again only after turning false
  sub.element = eventNode.id;
  sub.isNew = true;
  state_.subscriptions.push_back(std::move(sub));
}

bool Execution::conditionHolds(const Token& t, const FlowNode& eventNode) {
  const auto* def = eventNode.event(model::EventType::conditional);
  try {
    return process_.expression(def->condition).evaluateBool(TokenVariables(*this, t));
  } catch (const expr::Error&) {
    return false;  // as in Camunda: a condition that cannot be evaluated yet (unknown variable) is false
  }
}

bool Execution::fireConditions() {
  for (std::size_t i = 0; i < state_.subscriptions.size(); ++i) {
    auto& sub = state_.subscriptions[i];
    if (sub.removed || sub.kind != "conditional") continue;
    Token* owner = state_.token(sub.tokenId);
    const auto* eventNode = process_.process->node(sub.element);
    if (!owner || !eventNode) continue;
    bool holds = conditionHolds(*owner, *eventNode);
    if (sub.name == "fired") {
      if (!holds) {  // re-arm: the next change to true fires it again
        sub.removed = true;
        subscribeCondition(*owner, *eventNode, false);
      }
      continue;
    }
    if (!holds) continue;
    bool again = (eventNode->kind == NodeKind::boundaryEvent && !eventNode->cancelActivity) ||
                 (eventNode->kind == NodeKind::startEvent && !eventNode->interrupting);
    Id ownerId = owner->id;
    receive(sub, {});
    if (again)
      if (auto* still = state_.token(ownerId)) subscribeCondition(*still, *eventNode, true);
    return true;
  }
  return false;
}

void Execution::subscribeCompensation(const Token& t, const FlowNode& activity) {
  SubscriptionRow sub;
  sub.id = ids_.next("subscriptions");
  sub.tokenId = t.parent;  // compensation belongs to the scope the activity completed in
  sub.kind = "compensate";
  sub.name = activity.id;
  sub.element = activity.compensationHandler->id;
  sub.isNew = true;
  state_.subscriptions.push_back(std::move(sub));
}

int Execution::compensate(Token& thrower, Id scopeToken, const std::string& activityRef, bool wait) {
  // The handlers of the activities completed in the scope, the most recent first (BPMN 10.7.2).
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < state_.subscriptions.size(); ++i) {
    const auto& sub = state_.subscriptions[i];
    if (!sub.removed && sub.kind == "compensate" && sub.tokenId == scopeToken &&
        (activityRef.empty() || sub.name == activityRef))
      due.push_back(i);
  }
  std::sort(due.begin(), due.end(),
            [&](std::size_t a, std::size_t b) { return state_.subscriptions[a].id > state_.subscriptions[b].id; });
  std::vector<std::pair<std::string, std::string>> handlers;  // handler, activity
  for (auto i : due) {
    state_.subscriptions[i].removed = true;
    handlers.emplace_back(state_.subscriptions[i].element, state_.subscriptions[i].name);
  }
  for (const auto& [handlerId, activity] : handlers) {
    const auto* handler = process_.process->node(handlerId);
    Token& h = newToken(scopeToken, handlerId);
    h.data["compensationFor"] = wait ? thrower.id : 0;  // 0: nobody waits for it
    record("compensation_started", &h, handler, 0, activity);
    schedule(h, *handler);
  }
  if (!handlers.empty() && wait) thrower.data["compensating"] = static_cast<std::int64_t>(handlers.size());
  return static_cast<int>(handlers.size());
}

void Execution::compensationDone(Id throwerId) {
  Token* thrower = state_.token(throwerId);
  if (!thrower) return;
  auto left = thrower->data.at("compensating").as_int64() - 1;
  thrower->data["compensating"] = left;
  thrower->dirty = true;
  if (left > 0) return;
  thrower->data.erase("compensating");
  afterCompensation(*thrower);
}

void Execution::afterCompensation(Token& thrower) {
  const auto& n = node(thrower);
  transition(thrower, TokenState::active);
  if (n.kind == NodeKind::intermediateThrowEvent) {
    agenda_.push_back({Op::leave, thrower.id});
  } else if (n.eventType() == model::EventType::cancel) {
    // A transaction cancelled: its compensations ran; now its cancel boundary event takes over.
    Token* tx = state_.token(thrower.parent);
    const FlowNode* cancelBoundary = nullptr;
    for (const auto* b : node(*tx).boundaryEvents)
      if (b->event(model::EventType::cancel)) cancelBoundary = b;
    if (cancelBoundary) {
      record("transaction_cancelled", tx, &node(*tx));
      triggerBoundary(*tx, *cancelBoundary);
    } else {
      endToken(thrower);
    }
  } else {
    endToken(thrower);
  }
}

int Execution::deliverSignal(const std::string& name, const Variables& variables) {
  int received = catchSignal(name, variables);
  run();
  return received;
}

int Execution::catchSignal(const std::string& name, const Variables& variables) {
  int received = 0;
  // Only the subscriptions present now: those a delivery creates wait for the next signal.
  auto count = state_.subscriptions.size();
  for (std::size_t i = 0; i < count; ++i) {
    auto& sub = state_.subscriptions[i];
    if (sub.removed || sub.kind != "signal" || sub.name != name || !state_.token(sub.tokenId)) continue;
    receive(sub, variables);
    ++received;
  }
  return received;
}

// ---------------------------------------------------------------- commands

void Execution::start(const Variables& variables, const std::string& initiator, const FlowNode* startEvent) {
  const auto& scope = process_.process->scope;
  Token& root = newToken(0, process_.process->id);
  transition(root, TokenState::scope);
  record("instance_started", nullptr, nullptr);
  // The start is an operation of the initiator's: the instance_started row carries it.
  if (!initiator.empty() && recordStart) state_.history.back().action = "start";
  for (const auto& kv : variables) setLocalVariable(root, std::string(kv.key()), kv.value());
  openScope(root);
  auto starts = scope.noneStarts();
  std::vector<const FlowNode*> entry(starts.begin(), starts.end());
  if (startEvent) entry.assign(1, startEvent);
  if (entry.empty()) {
    if (!scope.startEvents().empty())
      throw Error(ErrorCode::unsupported,
                  "process '" + process_.process->id + "' has no none start event; starting by " +
                      std::string(model::toString(scope.startEvents()[0]->eventType())) + " event is not supported yet",
                  process_.process->id);
    // No start event at all: every node without incoming flows starts (BPMN 10.5.2).
    for (const auto& n : scope.nodes)
      if (n->incoming.empty() && n->kind != NodeKind::boundaryEvent && n->kind != NodeKind::eventSubProcess &&
          !n->isForCompensation)
        entry.push_back(n.get());
  }
  if (entry.empty())
    throw Error(ErrorCode::unsupported, "process '" + process_.process->id + "' has nothing to start",
                process_.process->id);
  for (const auto* s : entry) {
    if (auto attr = s->extensions.find("initiator"); attr != s->extensions.end() && !initiator.empty())
      setLocalVariable(root, attr->second, boost::json::value(initiator));
    Token& t = newToken(root.id, s->id);
    agenda_.push_back({Op::enter, t.id, s});
  }
  run();
}

void Execution::completeTask(Id taskId, const Variables& variables, const std::string& user, const std::string& comment,
                             bool asOperation) {
  TaskRow* row = nullptr;
  for (auto& t : state_.tasks)
    if (t.task.id == taskId) row = &t;
  if (!row) throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
  if (row->task.state != "open")
    throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is " + row->task.state,
                row->task.elementId);
  Token* t = state_.token(row->tokenId);
  if (!t) throw Error(ErrorCode::internal, "task " + std::to_string(taskId) + " has no token");
  row->task.state = "completed";
  row->task.endedAt = now();
  row->task.completedBy = user;
  row->dirty = true;
  for (const auto& kv : variables) setVariable(*t, std::string(kv.key()), kv.value());
  const auto& n = node(*t);
  record("task_completed", t, &n, taskId, comment);
  if (asOperation) state_.history.back().action = "complete";  // the row doubles as the operation
  behaviorFor(n.kind).trigger(*this, *t, n);
  run();
}

void Execution::fireTimer(Id jobId) {
  JobRow* job = nullptr;
  for (auto& j : state_.jobs)
    if (j.id == jobId && !j.removed) job = &j;
  if (!job) throw Error(ErrorCode::not_found, "job " + std::to_string(jobId) + " not found");
  job->removed = true;
  Token* owner = state_.token(job->tokenId);
  if (!owner) return;
  const auto* eventNode = process_.process->node(job->element);
  if (!eventNode) throw Error(ErrorCode::internal, "timer job for unknown element '" + job->element + "'");
  // Only events that leave their owner waiting can fire again: non-interrupting boundary and event-subprocess starts.
  bool repeats = (eventNode->kind == NodeKind::boundaryEvent && !eventNode->cancelActivity) ||
                 (eventNode->kind == NodeKind::startEvent && !eventNode->interrupting);
  if (repeats) {
    JobRow fired = *job;  // copied: repeatCycle grows the job list
    repeatCycle(fired);
  }
  if (eventNode->kind == NodeKind::boundaryEvent) {
    record("timer_fired", owner, eventNode);
    triggerBoundary(*owner, *eventNode);
  } else if (eventNode->kind == NodeKind::startEvent) {
    record("timer_fired", owner, eventNode);
    triggerEventSubProcess(*owner, *eventNode);
  } else if (node(*owner).kind == NodeKind::eventBasedGateway) {
    record("timer_fired", owner, eventNode);
    eventGatewayFired(*owner, *eventNode);
  } else {
    record("timer_fired", owner, eventNode);
    agenda_.push_back({Op::leave, owner->id});
  }
  run();
}

// The waiting token of external task `jobId`, the job done and the worker's variables set.
Token& Execution::finishExternal(Id jobId, const Variables& variables) {
  JobRow* job = nullptr;
  for (auto& j : state_.jobs)
    if (j.id == jobId && !j.removed && j.kind == "external") job = &j;
  if (!job) throw Error(ErrorCode::not_found, "external task " + std::to_string(jobId) + " not found");
  job->removed = true;
  Token* t = state_.token(job->tokenId);
  if (!t) throw Error(ErrorCode::internal, "external task " + std::to_string(jobId) + " has no token");
  for (const auto& kv : variables) setVariable(*t, std::string(kv.key()), kv.value());
  return *t;
}

void Execution::completeExternal(Id jobId, const Variables& variables) {
  agenda_.push_back({Op::leave, finishExternal(jobId, variables).id});
  run();
}

void Execution::externalBpmnError(Id jobId, const std::string& code, const Variables& variables) {
  throwBpmnError(finishExternal(jobId, variables), code, {});
  run();
}

void Execution::setVariables(const Variables& variables) {
  auto& root = state_.rootToken();
  for (const auto& kv : variables) setVariable(root, std::string(kv.key()), kv.value());
  record("variables_set", nullptr, nullptr);
  run();  // conditional events look at the new values
}

}  // namespace ordo::runtime
