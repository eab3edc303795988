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
  struct Write {
    std::string name;
    boost::json::value value;
    bool local;
  };
  // writes: where execution.setVariable lands; null refuses it (conditions, names, texts).
  TokenVariables(const Execution& ex, const Token& t, std::vector<Write>* writes = nullptr,
                 const boost::json::object* extra = nullptr)
      : ex_(ex), t_(t), writes_(writes), extra_(extra) {}
  bool setVariable(std::string_view name, const boost::json::value& value, bool local) const override {
    if (!writes_) return false;
    writes_->push_back({std::string(name), value, local});
    return true;
  }
  const boost::json::value* find(std::string_view name) const override {
    if (extra_)
      if (const auto* v = extra_->if_contains(name)) return v;
    if (const auto* v = ex_.lookup(t_, name)) return v;
    // What Flowable and Camunda models read besides variables, built only when asked for.
    if (name == "execution") {
      if (execution_.is_null()) execution_ = ex_.executionView(t_);
      return &execution_;
    }
    if (name == "authenticatedUserId") {
      if (user_.is_null()) user_ = boost::json::value(ex_.actor.empty() ? ex_.state().row.initiator : ex_.actor);
      return &user_;
    }
    return nullptr;
  }

 private:
  const Execution& ex_;
  const Token& t_;
  std::vector<Write>* writes_;
  const boost::json::object* extra_;
  mutable boost::json::value execution_, user_;
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
    if (fireComplexGateways()) continue;
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
  if (n.startQuantity > 1 && !miInstance && !startQuantityReached(t, n)) return;
  if (n.loop.kind == model::LoopCharacteristics::Kind::multiInstance && !miInstance) {
    record("element_entered", &t, &n);
    state_.history.back().elementType = "multiInstanceBody";
    attachBoundaryEvents(t, n);
    if (n.asyncBody) {
      createAsyncJob(t, n, "body");
      wait(t);
      return;
    }
    enterMultiInstanceBody(*this, t, n);
    return;
  }
  if (!miInstance) {
    record("element_entered", &t, &n);
    attachBoundaryEvents(t, n);
  }
  // Async before on a multi-instance activity: each instance continues in a job of its own (Flowable, Camunda).
  if (n.asyncBefore) {
    // Async before: the command ends here; a job continues in a transaction of its own.
    createAsyncJob(t, n, "before");
    wait(t);
    return;
  }
  execute(t, n);
}

void Execution::execute(Token& t, const FlowNode& n) {
  if (skipped(t, n)) {
    record("element_skipped", &t, &n);
    leave(t);
    return;
  }
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
  behaviorFor(n.kind).activate(*this, t, n);
}

bool Execution::skipped(const Token& t, const FlowNode& n) {
  // Flowable's skipExpression applies only while the instance enables it by variable.
  return !n.skipExpression.empty() && skipEnabled(t) && evaluateCondition(t, n.skipExpression, n.id);
}

bool Execution::skipEnabled(const Token& t) const {
  bool enabled = false;
  for (const char* flag : {"_FLOWABLE_SKIP_EXPRESSION_ENABLED", "_ACTIVITI_SKIP_EXPRESSION_ENABLED"})
    if (const auto* v = lookup(t, flag))
      enabled = enabled || (v->is_bool() && v->as_bool()) || (v->is_string() && v->as_string() == "true");
  return enabled;
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
  // Each completed instance of a multi-instance activity is compensated on its own (registered in the body).
  if (n.compensationHandler) subscribeCompensation(t, n);
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
      if (n.inner) forgetInnerEvents(t, n);  // the next pass opens the scope again
      behaviorFor(n.kind).activate(*this, t, n);
      return;
    }
    t.data.erase("loop");
    state_.variables.erase(t.id);
    state_.dirtyVariables.emplace(t.id, "loopCounter");
    removeJobsOf(t.id);
    take(t, selectOutgoing(t, n, false));
    return;
  }
  leaveBy(t, n, selectOutgoing(t, n, false));
}

void Execution::leaveBy(Token& t, const FlowNode& n, const std::vector<const SequenceFlow*>& flows) {
  record("element_left", &t, &n);
  removeJobsOf(t.id);
  if (!n.asyncAfter || t.data.contains("miInstance")) {
    take(t, flows);
    return;
  }
  // Async after: one job per flow taken (as Camunda), so concurrent paths continue in transactions of their own.
  transition(t, TokenState::active);  // a catch event's token was still waiting
  t.data = {};
  for (std::size_t i = 0; i < std::max<std::size_t>(flows.size(), 1); ++i) {
    Token& tok = i == 0 ? t : newToken(t.parent, n.id);
    createAsyncJob(tok, n, "after");
    if (i < flows.size()) state_.jobs.back().data["flow"] = flows[i]->id;
    wait(tok);
  }
}

// A looping subprocess between passes: its event subprocesses' timers and subscriptions go
// (openScope makes them anew); its boundary events, outside the scope, stay.
void Execution::forgetInnerEvents(Token& scope, const FlowNode& n) {
  auto inside = [&](const std::string& element) {
    const auto* at = process_.process->node(element);
    for (const auto* s = at ? at->scope : nullptr; s && s->owner; s = s->owner->scope)
      if (s->owner == &n) return true;
    return false;
  };
  for (auto& j : state_.jobs)
    if (j.tokenId == scope.id && !j.removed && inside(j.element)) j.removed = true;
  for (auto& sub : state_.subscriptions)
    if (sub.tokenId == scope.id && !sub.removed && inside(sub.element)) sub.removed = true;
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
  if (const auto* signal = job->data.if_contains("signal")) {  // an asynchronous signal's delivery
    Variables payload = job->data.contains("payload") ? job->data.at("payload").as_object() : Variables{};
    for (auto& sub : state_.subscriptions)
      if (sub.id == signal->to_number<Id>() && !sub.removed) {
        receive(sub, payload);
        break;
      }
    run();
    return;
  }
  Token* t = state_.token(job->tokenId);
  if (!t) return;
  const auto& n = node(*t);
  transition(*t, TokenState::active);
  const auto* phase = job->data.if_contains("phase");
  if (phase && phase->as_string() == "after")
    take(*t, flowsAfter(*job, *t, n));
  else if (phase && phase->as_string() == "body")
    enterMultiInstanceBody(*this, *t, n);
  else
    execute(*t, n);
  run();
}

// startQuantity (BPMN 10.2.1): the activity begins once that many tokens have arrived; the
// ones before wait at it, and one token goes on for all of them.
bool Execution::startQuantityReached(Token& t, const FlowNode& n) {
  std::vector<Token*> waiting;
  for (auto* c : state_.children(t.parent))
    if (c != &t && c->element == n.id && c->state == TokenState::joining && c->data.contains("awaitingStart"))
      waiting.push_back(c);
  if (static_cast<long long>(waiting.size()) + 1 < n.startQuantity) {
    transition(t, TokenState::joining);
    t.data["awaitingStart"] = true;
    return false;
  }
  for (std::size_t i = 0; i + 1 < static_cast<std::size_t>(n.startQuantity); ++i) waiting[i]->removed = true;
  t.data.erase("awaitingStart");
  return true;
}

// The flow an async-after job continues on; a job written before flows were recorded chooses again.
std::vector<const SequenceFlow*> Execution::flowsAfter(const JobRow& job, const Token& t, const FlowNode& n) {
  const auto* flow = job.data.if_contains("flow");
  if (!flow) return selectOutgoing(t, n, false);
  for (const auto* f : n.outgoing)
    if (f->id == flow->as_string()) return {f};
  throw Error(ErrorCode::internal, "async job of " + n.label() + " continues on a flow the node does not have", n.id);
}

void Execution::take(Token& t, const std::vector<const SequenceFlow*>& chosen) {
  transition(t, TokenState::active);
  t.data = {};
  t.dirty = true;
  if (chosen.empty()) {
    endToken(t);
    return;
  }
  // completionQuantity: an activity sends that many tokens down each flow it takes.
  std::vector<const SequenceFlow*> flows;
  const auto* from = process_.process->node(t.element);
  long long copies = from && model::isActivity(from->kind) ? std::max(1LL, from->completionQuantity) : 1;
  for (const auto* f : chosen)
    for (long long i = 0; i < copies; ++i) flows.push_back(f);
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
  if (!scope) return;
  auto rest = state_.children(scope->id);
  if (rest.empty()) {
    agenda_.push_back({Op::completeScope, scope->id});
    return;
  }
  // Only event-subprocess instances are left: the scope's own flow is done, so nothing starts them again (Flowable).
  if (std::all_of(rest.begin(), rest.end(), [&](const Token* c) { return node(*c).kind == NodeKind::eventSubProcess; }))
    closeEventSubProcesses(*scope);
}

void Execution::cancelToken(Token& t) {
  for (auto* c : state_.children(t.id)) cancelToken(*c);
  if (const auto* n = process_.process->node(t.element)) behaviorFor(n->kind).terminate(*this, t, *n);
  removeJobsOf(t.id);
  if (t.parent != 0 && !t.data.contains("miInstance"))
    record("element_cancelled", &t, process_.process->node(t.element));
  t.removed = true;
}

void Execution::completeScope(Token& scope) {
  if (!state_.children(scope.id).empty()) return;  // something new started meanwhile
  if (scope.parent == 0) {
    if (state_.row.parentId && state_.row.state == Instance::State::running)
      parentNotice = ParentNotice{state_.row.parentId, state_.row.parentTokenId, false, {}, visibleVariables(scope)};
    removeJobsOf(scope.id);
    scope.removed = true;
    if (state_.row.state == Instance::State::running) {
      state_.row.state = Instance::State::completed;
      state_.row.endedAt = now();
      state_.rowDirty = true;
      record("instance_completed", nullptr, nullptr);
      notify(state_.row.initiator, "ended", 0,
             process_.process->name.empty() ? process_.process->id : process_.process->name);
    }
    return;
  }
  // A subprocess whose inside has finished: the subprocess itself completes.
  keepCompensation(scope, true);
  transition(scope, TokenState::active);
  scope.dirty = true;
  leave(scope);
}

// ---------------------------------------------------------------- flows and conditions

std::vector<const SequenceFlow*> Execution::selectOutgoing(const Token& t, const FlowNode& n, bool exclusive) {
  std::vector<const SequenceFlow*> out;
  for (const auto* f : n.outgoing) {
    if (f->isDefault) continue;
    // With skipping enabled, a flow's skipExpression decides instead of its condition (Flowable).
    bool take = !f->skipExpression.empty() && skipEnabled(t)
                    ? evaluateCondition(t, f->skipExpression, f->id)
                    : f->condition.empty() || evaluateCondition(t, f->condition, f->id);
    if (take) {
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
  // An expression the engine runs as an action (a service task's, a mapping's) may write
  // variables through execution.setVariable; they land once it evaluated without error.
  std::vector<TokenVariables::Write> writes;
  boost::json::value result;
  try {
    result = process_.expression(text).evaluate(TokenVariables(*this, t, &writes));
  } catch (const expr::Error& e) {
    throw Error(ErrorCode::expression_error, std::string(e.what()) + " (element '" + elementId + "')", elementId);
  }
  for (auto& w : writes) {
    if (w.local)
      setLocalVariable(t, w.name, std::move(w.value));
    else
      setVariable(t, w.name, std::move(w.value));
  }
  return result;
}

boost::json::value Execution::executionView(const Token& t) const {
  // The read-only view of `execution` (DelegateExecution): ids, the business key, the
  // current activity, and every visible variable for getVariable('x').
  boost::json::object o;
  const auto& row = state_.row;
  o["id"] = std::to_string(t.id);
  o["processInstanceId"] = std::to_string(row.id);
  o["processBusinessKey"] = row.businessKey;
  o["businessKey"] = row.businessKey;
  o["processDefinitionId"] = process_.definition.key + ":" + std::to_string(process_.definition.version);
  o["activityId"] = t.element;
  o["currentActivityId"] = t.element;
  o["tenantId"] = row.tenant;
  boost::json::object vars;
  for (const auto& kv : visibleVariables(t)) vars[kv.key()] = kv.value();
  o["variables"] = std::move(vars);
  return o;
}

std::string Execution::evaluateText(const Token& t, const std::string& text, const std::string& elementId) {
  try {
    return process_.expression(text).evaluateString(TokenVariables(*this, t));
  } catch (const expr::Error& e) {
    throw Error(ErrorCode::expression_error, std::string(e.what()) + " (element '" + elementId + "')", elementId);
  }
}

bool Execution::evaluateCondition(const Token& t, const std::string& text, const std::string& elementId,
                                  const boost::json::object* extra) {
  try {
    return process_.expression(text).evaluateBool(TokenVariables(*this, t, nullptr, extra));
  } catch (const expr::Error& e) {
    throw Error(ErrorCode::expression_error, std::string(e.what()) + " (element '" + elementId + "')", elementId);
  }
}

}  // namespace ordo::runtime
