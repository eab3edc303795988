// Execution: runs one command against one instance's state.
//
// The agenda is a queue of small operations (enter a node, leave it, take a
// flow, complete a scope); behaviours push operations, they never recurse,
// so a long chain of automatic steps cannot overflow the stack. A failure
// throws ordo::Error and the caller discards the state (and rolls back).
#pragma once

#include <optional>
#include <ordo/clock.hpp>
#include <ordo/engine.hpp>
#include <ordo/identity.hpp>

#include "model/model.hpp"
#include "runtime/deployed.hpp"
#include "runtime/fifo.hpp"
#include "runtime/lifecycle.hpp"
#include "runtime/state.hpp"

namespace ordo::runtime {

// What the runtime asks of the engine around it.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual const ServiceHandler* serviceHandler(const std::string& name) const = 0;
  virtual bool interrupted() const { return false; }
  // The budget of one script task's run (EngineOptions::scriptTimeMillis, scriptMemoryBytes).
  virtual std::int64_t scriptTimeMillis() const { return 2000; }
  virtual std::size_t scriptMemoryBytes() const { return std::size_t{64} << 20; }
  // Users, roles and departments, for assignment rules.
  virtual const Directory* directory() const { return nullptr; }
  // 委托: the user a new task of `user` goes to instead, if `user` entrusted their tasks.
  virtual std::optional<std::string> entrustee(const std::string& user, const std::string& processKey,
                                               std::int64_t now) const {
    (void)user, (void)processKey, (void)now;
    return std::nullopt;
  }
};

// What a command asks of instances other than its own; the engine carries it out
// in the same transaction (lib/engine).
struct CallRequest {  // a call activity starts a child instance
  Id childId = 0;     // allocated by the parent, so that its token knows the child
  Id parentToken = 0;
  std::string calledElement, binding, version;
  Variables variables;
  std::string businessKey;
};
struct ParentNotice {  // a called instance ended: the parent's call activity continues
  Id parent = 0, parentToken = 0;
  bool error = false;
  std::string errorCode;
  Variables variables;  // the child's variables, for the out mappings
  std::optional<Instance::State>
      ended;               // completed, terminated, rejected, invalidated: the child ended without completing
  std::string escalation;  // an escalation the child did not catch; the child goes on
};

// Automatic steps one command may take before it is judged to loop without a wait state.
constexpr std::int64_t kMaxStepsPerCommand = 100'000;
// Instances of one multi-instance activity (signers of one 会签).
constexpr std::int64_t kMaxMultiInstances = 10'000;
// Call activities nested in one another (a process calling itself must stop somewhere).
constexpr int kMaxCallDepth = 32;

class Execution {
 public:
  Execution(InstanceState& state, const DeployedProcess& process, const Clock& clock, IdSource& ids,
            const Environment& env);

  // Commands.
  // Starts at `startEvent` (a message start), or at the none start events when null.
  void start(const Variables& variables, const std::string& initiator, const model::FlowNode* startEvent = nullptr);
  // A message arrived for subscription `subscriptionId`.
  void correlate(Id subscriptionId, const Variables& variables);
  // asOperation: a user's approval, recorded as the "complete" operation (with its comment).
  void completeTask(Id taskId, const Variables& variables, const std::string& user, const std::string& comment = {},
                    bool asOperation = false);
  void fireTimer(Id jobId);
  // Runs a due job of this instance: a timer or an async continuation.
  void runJob(Id jobId);
  void completeExternal(Id jobId, const Variables& variables);
  void externalBpmnError(Id jobId, const std::string& code, const Variables& variables);
  void setVariables(const Variables& variables);
  void evaluateConditionalEvents(const Variables& variables);  // re-arms the fired ones first

  // --- used by the behaviours ---
  const model::FlowNode& node(const Token& t) const;
  InstanceState& state() { return state_; }
  const InstanceState& state() const { return state_; }
  const DeployedProcess& process() const { return process_; }
  const Environment& environment() const { return env_; }
  std::int64_t now() const { return clock_.nowMillis(); }
  Id newId(const char* table) { return ids_.next(table); }

  Token& newToken(Id parent, const std::string& element);
  void enter(Token& t, const model::FlowNode& n);
  // What entering does after history, boundary events and async-before: the behaviour itself.
  void execute(Token& t, const model::FlowNode& n);
  void schedule(Token& t, const model::FlowNode& n) { agenda_.push_back({Op::enter, t.id, &n}); }
  void leave(Token& t);  // the node is done: continue on its outgoing flows
  // The node is left by `flows` (recorded); with asyncAfter the token waits in a job per flow first.
  void leaveBy(Token& t, const model::FlowNode& n, const std::vector<const model::SequenceFlow*>& flows);
  void take(Token& t, const std::vector<const model::SequenceFlow*>& flows);
  void endToken(Token& t);     // the token is consumed; its scope may complete
  void cancelToken(Token& t);  // the token and everything under it stop, no flows taken
  void wait(Token& t) { transition(t, TokenState::waiting); }
  // Outgoing flows of an activity or event: conditions true, unconditional flows, else the default.
  std::vector<const model::SequenceFlow*> selectOutgoing(const Token& t, const model::FlowNode& n, bool exclusive);
  // extra: names read before the variables (a complex gateway's activationCount).
  bool evaluateCondition(const Token& t, const std::string& text, const std::string& elementId,
                         const boost::json::object* extra = nullptr);
  boost::json::value evaluate(const Token& t, const std::string& text, const std::string& elementId);
  std::string evaluateText(const Token& t, const std::string& text, const std::string& elementId);
  // `execution` in an expression: ids, business key, activity, variables (getVariable).
  boost::json::value executionView(const Token& t) const;

  const boost::json::value* lookup(const Token& t, std::string_view name) const;
  Variables visibleVariables(const Token& t) const;
  void setVariable(const Token& from, const std::string& name, boost::json::value value);
  void setLocalVariable(const Token& scope, const std::string& name, boost::json::value value);

  void record(const std::string& kind, const Token* t, const model::FlowNode* n, Id taskId = 0,
              const std::string& comment = {});
  // An approval operation (history kind "operation"): claim, complete, transfer ...
  void recordOperation(const std::string& action, const Token* t, Id taskId, const std::string& comment,
                       std::vector<std::string> targets = {});
  // A message to a user's inbox, written with the instance.
  void notify(const std::string& user, const std::string& type, Id taskId, const std::string& title);
  // BPMN error: caught by the nearest matching error boundary event up the scopes,
  // else the command fails with unhandled_bpmn_error.
  void throwBpmnError(Token& from, const std::string& code, const std::string& message);
  // Escalation: caught like an error, but uncaught it is not a failure. True when caught.
  bool throwEscalation(Token& from, const std::string& code);
  // The nearest boundary event of `type` matching `code` up the scopes; `host` gets its activity's token.
  const model::FlowNode* findCatcher(Token& from, model::EventType type, const std::string& code, Token*& host);
  void catchAt(Token& host, const model::FlowNode& catcher);
  void receive(SubscriptionRow& sub, const Variables& variables);
  Token& finishExternal(Id jobId, const Variables& variables);
  void createAsyncJob(Token& t, const model::FlowNode& n, const char* phase);
  void applyRetryCycle(JobRow& job, const model::FlowNode& n);
  std::vector<const model::SequenceFlow*> flowsAfter(const JobRow& job, const Token& t, const model::FlowNode& n);
  void repeatCycle(const JobRow& fired);
  const model::Scope& scopeOf(const Token& scope) const;
  void createTimerJob(Token& owner, const model::FlowNode& eventNode);
  // `owner` waits for the message of `eventNode` (catch event, receive task, boundary event).
  void subscribeMessage(Token& owner, const model::FlowNode& eventNode, const model::EventDefinition* def = nullptr);
  // An event-based gateway's token: the first of its events to occur takes it.
  void eventGatewayFired(Token& gateway, const model::FlowNode& eventNode);
  void subscribeSignal(Token& owner, const model::FlowNode& eventNode, const model::EventDefinition* def = nullptr);
  // The name of the signal a definition throws or catches: its signalExpression, or its <signal>'s
  // name, either evaluated in `t`'s variables when it holds an expression (alert-${var}).
  std::string signalName(const Token& t, const model::FlowNode& n, const model::EventDefinition& def);
  // Whether the <signal> it names is scoped to one process instance (flowable:scope).
  bool instanceScoped(const model::EventDefinition& def) const;
  // Compensation: a completed activity with a handler registers in its scope; a compensate
  // or cancel event starts the handlers (newest first) and waits for them.
  void subscribeCompensation(const Token& t, const model::FlowNode& activity);
  // A completed subprocess or multi-instance body: what completed inside it is kept by the scope around it,
  // named by the subprocess as well (`withScope`), so compensating the subprocess compensates it.
  void keepCompensation(Token& scope, bool withScope);
  int compensate(Token& thrower, Id scopeToken, const std::string& activityRef, bool wait = true);
  void compensationDone(Id throwerId);
  void afterCompensation(Token& thrower);
  // Conditional events wait as subscriptions too; they are judged whenever the agenda settles.
  void subscribeCondition(Token& owner, const model::FlowNode& eventNode, bool fired);
  bool conditionHolds(const Token& t, const model::FlowNode& eventNode);
  // A scope token starts waiting for the start events of its scope's event subprocesses.
  void openScope(Token& scope);
  void triggerEventSubProcess(Token& scope, const model::FlowNode& start);
  // The event subprocesses of `scope` start no more (an interrupting one started, or the scope's own flow ended).
  void closeEventSubProcesses(Token& scope);
  // Delivers a signal to every subscription of this instance; returns how many received it.
  // async: each subscription receives it in a job of its own (flowable:async on the throwing definition).
  int deliverSignal(const std::string& name, const Variables& variables, bool async = false, bool fromInside = false);
  // The same inside a running command (a throw event): the catches join the agenda.
  // fromInside: thrown in this instance, so its instance-scoped subscriptions receive it too.
  int catchSignal(const std::string& name, const Variables& variables, bool async = false, bool fromInside = false);
  // Signals thrown by this command, for the engine to broadcast to every instance.
  struct ThrownSignal {
    std::string name;
    Variables payload;
    bool async = false;
    // flowable:scope="processInstance": it reaches only the instances that called this one (up
    // the tree, as Flowable's entity links do), not every instance.
    bool callersOnly = false;
  };
  std::vector<ThrownSignal> signalsThrown;
  // Messages thrown by this command with no handler: the engine correlates them in its transaction.
  struct ThrownMessage {
    std::string name, correlationKey, element;
    Variables payload;
  };
  std::vector<ThrownMessage> messagesThrown;
  std::vector<CallRequest> callsRequested;
  std::optional<ParentNotice> parentNotice;
  std::vector<ParentNotice> escalationsToParent;  // uncaught escalations, for the calling instance
  std::vector<Id> childrenToCancel;

  // The child started by the call activity at `token` ended (or threw a BPMN error).
  void childEnded(Id token, const ParentNotice& notice);
  void applyOutMappings(Token& t, const model::FlowNode& n, const Variables& childVariables);
  // The parent's call activity was cancelled: this called instance stops.
  void terminate(const std::string& reason);
  // A terminate end event with terminateAll: this instance and its callers end, completed.
  void terminateAll(const std::string& reason);
  // --- the two primitives the approval operations are written on
  // move: cancel `cancel` (with everything under them) and place a token at `target`
  // under the scope token `scope`.
  void moveTokens(const std::vector<Id>& cancel, Id scope, const model::FlowNode& target);
  // For a return (退回) from the task at `taskToken` to `target`: the scope token it happens
  // in, and the tokens to cancel: the task's branch (or its multi-instance body), and every
  // other token of that scope that `target` can reach (so a target before a parallel split
  // takes every branch back). Throws wrong_state when `target` is not upstream of the task.
  std::pair<Id, std::vector<Id>> returnPlan(Id taskToken, const model::FlowNode& target);
  // change a multi-instance body: add instances for `items` (after the current one when
  // sequential), or cancel the open instances whose element value is in `items`.
  void addToMultiInstance(Id instanceToken, const std::vector<boost::json::value>& items, bool before);
  int removeFromMultiInstance(Id instanceToken, const std::vector<boost::json::value>& items);

  // Ends the instance at once in `state`: every token cancelled, history entry `kind`.
  // The narrow API the approval service changes an instance through (never its rows):
  // who holds a task, and whether the instance runs.
  void assignTask(TaskRow& row, const std::string& assignee);
  void cancelTasksOf(Token& t);  // the open tasks the token holds end "cancelled"  // claim, transfer; "" unclaims
  // 委派: the task goes to `to`; its owner (the holder until now, else `user`) gets it back on resolve.
  void delegateTask(TaskRow& row, const std::string& to, const std::string& user);
  void resolveTask(TaskRow& row);                       // back to the owner, delegation resolved
  void settleEntrustment(TaskRow& row, bool accepted);  // 委托 accepted: kept; rejected: back to the owner
  void setRunning(bool running);                        // suspend (false) or resume (true)
  // 草稿: a new instance that only holds its form data; submitting starts it with that data.
  void saveDraft(const Variables& formData);
  void submitDraft(const Variables& formData);
  void endInstance(Instance::State state, const std::string& kind, const std::string& comment);
  void removeJobsOf(Id tokenId);
  void triggerBoundary(Token& host, const model::FlowNode& boundary);

  std::string actor;        // the user acting in this command
  bool recordStart = true;  // start() records the "start" operation (not when a draft is submitted)

 private:
  struct Op {
    enum Kind { enter, leave, take, completeScope } kind;
    Id token;
    const model::FlowNode* node = nullptr;
    const model::SequenceFlow* flow = nullptr;
  };
  void run();
  void dispatch(const Op& op);
  void completeScope(Token& scope);
  bool fireInclusiveJoins();
  bool fireComplexGateways();
  void forgetInnerEvents(Token& scope, const model::FlowNode& n);
  bool startQuantityReached(Token& t, const model::FlowNode& n);
  void startTriggered(Token& t, const model::FlowNode& n);
  void throwBehaviorEvents(Token& inst, const model::FlowNode& n, std::int64_t completed);
  bool fireConditions();
  void finishMultiInstance(Token& instance);

 public:
  void startMultiInstance(Token& body, const model::FlowNode& n, std::int64_t index);
  void completeMultiInstanceBody(Token& body, const model::FlowNode& n);
  // Standard loop: whether another iteration runs after `done` of them.
  bool loopAgain(const Token& t, const model::FlowNode& n, std::int64_t done);
  // Flowable's skipExpression: true when the node is to be passed without running.
  bool skipped(const Token& t, const model::FlowNode& n);
  bool skipEnabled(const Token& t) const;  // _FLOWABLE_SKIP_EXPRESSION_ENABLED is true

 private:
  void attachBoundaryEvents(Token& t, const model::FlowNode& n);
  const model::FlowNode* scopeNode(const Token& scope) const;  // null for the process token

  InstanceState& state_;
  const DeployedProcess& process_;
  const Clock& clock_;
  IdSource& ids_;
  const Environment& env_;
  Fifo<Op> agenda_;
  std::int64_t steps_ = 0;
  std::vector<Id> historyTokens_;  // the token of each history entry this command wrote
};

// One lifecycle per element kind (lib/runtime/behaviors/*.cpp), as Zeebe's element
// processors: the generic code moves a token between these moments; each kind says what
// it does at each. Leaving (complete) is generic: Execution::leave takes the outgoing flows.
struct Behavior {
  // The token arrived: start the work, or wait for it (a task, a message, a child instance).
  void (*activate)(Execution&, Token&, const model::FlowNode&);
  // The wait is over (the task was completed, the message came): the element completes.
  void (*trigger)(Execution&, Token&, const model::FlowNode&);
  // Cancelled from outside (an interrupting event, a move, the instance ends): undo what
  // activate made that outlives the token. Jobs, subscriptions and children are the
  // generic code's (Execution::cancelToken).
  void (*terminate)(Execution&, Token&, const model::FlowNode&);
};
const Behavior& behaviorFor(model::NodeKind kind);

// Families.
void enterTask(Execution&, Token&, const model::FlowNode&);
void enterUserTask(Execution&, Token&, const model::FlowNode&);
void enterServiceTask(Execution&, Token&, const model::FlowNode&);
void enterScriptTask(Execution&, Token&, const model::FlowNode&);
void enterSendTask(Execution&, Token&, const model::FlowNode&);
// Runs the in-process handler (or JUEL expression) a service-like element names; false when it
// ended the element with a BPMN error (the token is gone to the catch).
bool callServiceHandler(Execution&, Token&, const model::FlowNode&);
// A message throw or end event's message: its handler's, else the engine's; false as callServiceHandler.
bool sendMessage(Execution&, Token&, const model::FlowNode&);
// Throws `def` (a signal definition of `n`, or a behavior event's) from `t` with its payload.
void throwSignalDefinition(Execution&, Token&, const model::FlowNode& n, const model::EventDefinition& def,
                           Variables payload);
void enterExclusiveGateway(Execution&, Token&, const model::FlowNode&);
void enterParallelGateway(Execution&, Token&, const model::FlowNode&);
void enterInclusiveGateway(Execution&, Token&, const model::FlowNode&);
void enterComplexGateway(Execution&, Token&, const model::FlowNode&);
// Whether a token of `scope` not yet waiting at join `n` could still reach it (inclusive and complex joins).
bool canStillArrive(Execution&, Id scope, const model::FlowNode& n);
void enterStartEvent(Execution&, Token&, const model::FlowNode&);
void enterEndEvent(Execution&, Token&, const model::FlowNode&);
void enterCatchEvent(Execution&, Token&, const model::FlowNode&);
void enterThrowEvent(Execution&, Token&, const model::FlowNode&);
void enterReceiveTask(Execution&, Token&, const model::FlowNode&);
void enterEventBasedGateway(Execution&, Token&, const model::FlowNode&);
void enterCallActivity(Execution&, Token&, const model::FlowNode&);
// A mapped variable's value, converted to its flowable:in targetType / flowable:out sourceType if it has one.
boost::json::value mappedValue(const model::VariableMapping& m, boost::json::value v, const model::FlowNode& n);
void enterSubProcess(Execution&, Token&, const model::FlowNode&);
void enterMultiInstanceBody(Execution&, Token&, const model::FlowNode&);
void leaveByTrigger(Execution&, Token&, const model::FlowNode&);
void terminateNothing(Execution&, Token&, const model::FlowNode&);
void terminateUserTask(Execution&, Token&, const model::FlowNode&);      // its open tasks are cancelled
void terminateCallActivity(Execution&, Token&, const model::FlowNode&);  // its child instance is terminated

// True once the inclusive join at `gateway` has every token that can still reach it.
bool inclusiveJoinReady(Execution& ex, const Token& arrived, const model::FlowNode& gateway);
// Parallel join: if every incoming flow has a token, merges them into `arrived` and returns true.
bool parallelJoinReady(Execution& ex, Token& arrived, const model::FlowNode& gateway);

}  // namespace ordo::runtime
