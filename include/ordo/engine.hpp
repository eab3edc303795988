// ordo::Engine: the C++ API of the workflow engine.
//
// An Engine owns one SQLite database file. Every mutating call is a command:
// it either applies completely, durably (with the default synchronous=FULL,
// once it returns the change survives a crash or power cut), or throws
// ordo::Error and changes nothing. An Engine is thread-safe; commands are
// serialized on one writer connection, reads use their own connections and
// never wait for a command (except on ":memory:", which has one connection).
//
// Values returned are plain copies owned by the caller. Variables are JSON
// objects (Boost.JSON), the same shape the C ABI and HTTP API carry as text.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ordo/actor.hpp>
#include <ordo/clock.hpp>
#include <ordo/error.hpp>
#include <ordo/identity.hpp>
#include <ordo/workorder.hpp>
#include <string>
#include <vector>

namespace ordo {

using Id = std::int64_t;
using Variables = boost::json::object;

struct EngineOptions {
  // A SQLite file path, ":memory:", or a PostgreSQL database: postgresql://user@host:port/dbname
  // (libpq's URL; Ordo's own ?schema=NAME puts the tables in that schema). Several engines,
  // in several processes, may share one PostgreSQL database (docs/scale-out.md).
  std::string path = ":memory:";
  enum class Durability { full, normal };
  // full: fsync on every commit (power-cut safe); normal: WAL without fsync per commit
  // (a crash of the process loses nothing, a power cut may lose the last commits).
  Durability durability = Durability::full;
  std::shared_ptr<Clock> clock;  // null: the system clock
  int readConnections = 4;
  // How long a job (timer, async continuation, retry) stays locked to the engine that acquired
  // it: a job of an engine that died is taken over by another after this long.
  std::int64_t jobLockMillis = 5 * 60 * 1000;
  // Users, roles and departments; null: the engine's own tables (Engine::saveUser ...).
  std::shared_ptr<Directory> directory;
  // One JavaScript script task's budget: past it the script is stopped and its task fails
  // (service_failed; inside a job, a retry and then an incident).
  std::int64_t scriptTimeMillis = 2000;
  std::size_t scriptMemoryBytes = std::size_t{64} << 20;
  // A user task with no assignee and no candidates: false (as Flowable and Camunda), any user may
  // claim, complete or hand it on; true, only administrators and the system.
  bool strictTaskAccess = false;
};

// One page of a query, with how many match in all (read in the same snapshot as the page).
template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

struct Definition {
  Id id = 0;
  std::string key;  // the BPMN process id
  std::string name;
  int version = 0;
  std::string hash;  // of the deployed XML
  std::int64_t deployedAt = 0;
  std::string category;    // the document's targetNamespace, as Flowable files it
  bool suspended = false;  // a suspended definition starts no instances (by key, id, message, signal or timer)
  // Publication (流程发布/下线): deployed, then published; an offline definition starts no
  // instances (its running ones continue) until it is published again.
  enum class Publication { deployed, published, offline };
  Publication publication = Publication::deployed;
  bool startsInstances() const { return !suspended && publication != Publication::offline; }
};
// "deployed", "published", "offline"; publicationFrom throws invalid_argument on anything else.
const char* toString(Definition::Publication p);
Definition::Publication publicationFrom(const std::string& text);

struct Deployment {
  std::vector<Definition> definitions;  // one per executable process in the document
  bool created = false;                 // false: the identical XML was deployed before
};

struct Instance {
  Id id = 0;
  Id definitionId = 0;
  std::string definitionKey;
  int definitionVersion = 0;
  Id parentId = 0;       // the calling instance of a call activity; 0 for a root instance
  Id parentTokenId = 0;  // the call-activity token in the parent that waits for this instance
  std::string businessKey, initiator, tenant;
  // running and suspended are open; draft waits at the initiator's first step (草稿, withdrawn);
  // the rest have ended. deleted: removed by an operator, kept for the record.
  enum class State { running, suspended, draft, completed, terminated, rejected, invalidated, deleted };
  State state = State::running;
  bool ended() const { return state != State::running && state != State::suspended && state != State::draft; }
  std::int64_t startedAt = 0, endedAt = 0;
  std::int64_t revision = 0;
};

struct Task {
  Id id = 0;
  Id instanceId = 0;
  std::string elementId, name;
  std::string assignee, owner;
  std::vector<std::string> candidateUsers, candidateGroups;
  enum class State { open, completed, cancelled };
  State state = State::open;
  std::string formKey;
  int priority = 50;
  std::int64_t createdAt = 0, endedAt = 0, dueAt = 0;
  std::string completedBy;
  std::string delegation;  // "pending" while delegated (委派), "resolved" after; empty otherwise
};

// The states as the store, the C ABI and the dialects spell them ("running", "open" ...);
// the ...From functions throw invalid_argument naming the text for anything else.
const char* toString(Instance::State s);
Instance::State instanceStateFrom(const std::string& text);
const char* toString(Task::State s);
Task::State taskStateFrom(const std::string& text);

// One line of an instance's history: an element entered or left, a task
// created/assigned/completed, the instance started or ended.
struct HistoryEntry {
  Id id = 0;
  Id instanceId = 0;
  std::int64_t at = 0;
  std::string kind;  // instance_started, element_entered, element_left, element_cancelled, task_created ...
  std::string elementId, elementType;
  Id taskId = 0;
  std::string actor, comment;
  std::string action;                // approval operations: claim, complete, transfer, urge ... (kind "operation")
  std::vector<std::string> targets;  // the users or nodes it was aimed at
};

// A message in a user's inbox: a task to do, a cc, an urge, an ended instance.
struct InboxMessage {
  Id id = 0;
  std::string user, type;  // todo, cc, urge, ended
  Id instanceId = 0, taskId = 0;
  std::string title;
  std::int64_t createdAt = 0;
  bool read = false;
};

// How long each of a user's lists is.
struct UserLists {
  std::int64_t todo = 0, done = 0, started = 0, cc = 0, drafts = 0;
};

// A service task waiting for a worker in another process or language.
struct ExternalTask {
  Id id = 0;
  Id instanceId = 0;
  std::string elementId, topic, workerId;
  int retries = 0;
  std::int64_t lockExpiresAt = 0;
  Variables variables;  // the process variables at fetch time
};

// A job (timer, async continuation, external task) that ran out of retries.
struct Incident {
  Id id = 0;
  Id instanceId = 0;
  Id jobId = 0;
  std::string elementId, message;
  std::int64_t createdAt = 0, resolvedAt = 0;
};

// Where 加签 puts the new signers: beside the others (parallel), or, in a sequential body,
// before or after the current signer.
enum class SignerPosition { parallel, before, after };
// "parallel", "before", "after" (as the dialects spell them); anything else is invalid_argument.
SignerPosition signerPositionFrom(const std::string& text);

// A candidate the previous approver may choose for the next node (上一节点指定审批人).
struct ApproverChoice {
  Id id = 0;         // the choice (WeDa's WaitFlowTaskId)
  Id taskId = 0;     // the task whose completion waits for the choice
  std::string node;  // the node that needs its approvers
  std::string user;  // the candidate
};

struct StartRequest {
  std::string key;      // latest version of this definition key ...
  Id definitionId = 0;  // ... or exactly this definition
  Variables variables;
  std::string businessKey, initiator, tenant;
  // Users who get a cc message (抄送) as the instance starts, in the start command.
  std::vector<std::string> cc;
};

// A message for the instances waiting for it (or for a message start event).
struct MessageCorrelation {
  std::string name;         // the message name (its <message name="...">)
  std::string businessKey;  // only instances with this business key (the correlation key)
  Id instanceId = 0;        // only this instance
  Variables variables;      // set on the receiving instance
  std::string user;         // who sends it (initiator of an instance it starts)
  // When nobody waits: keep the message for the first instance that will (matching the
  // business key, if one is given) instead of failing; 0 keeps it without a time limit.
  bool buffer = false;
  std::int64_t bufferMillis = 0;
};

struct TaskQuery {
  Id instanceId = 0;
  std::string assignee;
  std::string candidateUser;  // tasks this user may claim: assignee, candidate user, or candidate group member
  std::vector<std::string> candidateGroups;
  std::string elementId;
  bool includeFinished = false;
  int offset = 0;
  int limit = 0;  // 0: every match; negative is invalid_argument
};

struct InstanceQuery {
  std::string definitionKey;
  std::optional<Instance::State> state;  // none: any
  std::string businessKey;
  Id parentId = -1;  // -1: any; 0: root instances only
  std::string initiator;
  Id definitionId = 0;                          // 0: any version
  int definitionVersion = 0;                    // 0: any
  std::int64_t startedFrom = 0, startedTo = 0;  // epoch ms, both inclusive; 0: open
  int offset = 0;
  int limit = 0;  // 0: every match; negative is invalid_argument
};

// What an in-process service-task handler sees and may do.
class ServiceTaskContext {
 public:
  virtual ~ServiceTaskContext() = default;
  virtual Id instanceId() const = 0;
  virtual const std::string& elementId() const = 0;
  virtual const std::string& topic() const = 0;
  // The variables visible at the task (its scopes, innermost first).
  virtual Variables variables() const = 0;
  virtual void setVariable(const std::string& name, boost::json::value value) = 0;
  // Local to the task's own token (DelegateExecution.setVariableLocal): in a multi-instance
  // instance or a parallel branch, it stays with that one and is seen downstream of it.
  virtual void setVariableLocal(const std::string& name, boost::json::value value) = 0;
  // Ends the task with a BPMN error, caught by a matching error boundary event.
  virtual void throwBpmnError(const std::string& errorCode, const std::string& message = {}) = 0;
};
// A handler may also throw any std::exception: the command fails with
// ErrorCode::service_failed naming the task, and nothing changes.
using ServiceHandler = std::function<void(ServiceTaskContext&)>;

// A user's list (待办 todo, 已办 done, 我发起的 started, 抄送我的 cc, 草稿 drafts), filtered and paged.
struct ListQuery {
  std::string user;
  std::string type = "todo";            // todo, done, started, cc, drafts
  std::string processKey, processName;  // processName matches as a substring
  std::string category;                 // the definition's category (targetNamespace)
  std::string tenant;
  std::int64_t startedFrom = 0, startedTo = 0;  // epoch ms; 0: open
  bool newestFirst = true;
  int offset = 0;
  int limit = 20;  // at most 10,000 (limit_exceeded); 0: every match
};
struct ListItem {
  Instance instance;
  std::string processName;
  Task task;  // todo and done: the task; otherwise empty (id 0)
};

// What an instance looks like to one user.
struct InstanceDetail {
  Instance instance;
  std::string processName;
  std::vector<Task> openTasks;              // with their approvers
  std::vector<std::string> currentNodes;    // where it waits
  std::vector<std::string> allowedActions;  // for the asking user: complete, reject, return, transfer, delegate,
                                            // withdraw, urge, cc, terminate, invalidate, suspend, resume, submit
};

// The instance drawn on its diagram: every node and edge done, active or not reached.
// One approver's part at a node: who, what they did (an operation's action: complete, reject,
// return, transfer ...; empty while the task is open), when, their comment, and for a transfer
// the new assignee. A task cancelled before its assignee acted (或签) has none.
struct CanvasProcessor {
  Id taskId = 0;
  std::string user, action;
  std::int64_t at = 0;
  std::string comment, to;
};
struct CanvasNode {
  std::string id, name, kind;
  std::string status;                  // done, active, notReached
  std::vector<std::string> approvers;  // who completed its tasks (done) or holds them (active)
  std::vector<std::string> comments;
  std::int64_t startedAt = 0, endedAt = 0;
  std::vector<CanvasProcessor> processors;  // user tasks: each task's approvers, oldest first
};
struct CanvasEdge {
  std::string id, source, target;
  std::string status;  // done, notReached
  std::string name;    // the sequence flow's name
};
struct Canvas {
  std::vector<CanvasNode> nodes;
  std::vector<CanvasEdge> edges;
};

// A node of a deployed definition (its subprocesses' nodes included), in document order.
struct DefinitionNode {
  std::string id, name, kind;  // kind: startEvent, userTask, exclusiveGateway ... (as CanvasNode::kind)
};

// --- work driven from outside (DingTalk's 自有工作流: the client runs its own engine and mirrors
// its templates, instances and todos here). No BPMN: the client sets every state.
struct WorkTemplate {
  std::string code;  // empty on save: a new one is made
  std::string name, description, tenant;
  std::string form;  // the template's form components, JSON text as the client sent them
  std::int64_t savedAt = 0;
};
struct WorkRecord {
  Id id = 0;  // from the engine's instance ids: never the id of a BPMN instance
  std::string templateCode, tenant, originator, title, url;
  Variables form;
  Instance::State state = Instance::State::running;  // running, completed, terminated
  std::string result;                                // agree, refuse, or empty
  std::int64_t createdAt = 0, endedAt = 0;
};
// A todo of a work record, in a group (DingTalk's activity_id): an or-sign cancels the group's rest.
struct WorkTodo {
  Id id = 0;  // from the engine's task ids
  Id recordId = 0;
  std::string group, groupName, user, url;
  Task::State state = Task::State::open;  // open, completed, cancelled
  std::string result;                     // agree, refuse, or empty
  std::int64_t createdAt = 0, endedAt = 0;
};

// --- what a server keeps beside the engine (Engine's server section below)

// One deployment: the resources posted together (Camunda's deployment), and what they deployed.
struct DeploymentResource {
  std::string name, xml;
};
struct DeploymentRequest {
  std::string name, source, tenant;
  std::vector<DeploymentResource> resources;
  bool duplicateFiltering = false;           // nothing changed: answer the previous deployment, record none
  std::map<std::string, std::string> forms;  // JSON form schemas by form key, deployed with every resource
};
struct DeploymentRecord {
  Id id = 0;
  std::string name, source, tenant;
  std::int64_t deployedAt = 0;
  std::vector<std::string> resources;   // resource names, in order
  std::vector<Id> resourceDefinitions;  // per resource: the first definition it holds (0: none)
  std::vector<Definition> definitions;  // every definition its resources hold
  bool created = false;                 // false: duplicate filtering returned an earlier deployment
};
// An API token issued to a user; only a hash of its secret is stored.
struct ApiToken {
  Id id = 0;
  std::string user, name;
  std::int64_t createdAt = 0, revokedAt = 0;
};
// A job as an operator sees it (timer, async continuation, external task).
struct JobInfo {
  Id id = 0;
  Id instanceId = 0;
  std::string kind, elementId, topic, error;
  int retries = 0;
  std::int64_t dueAt = 0;
};
struct Tenant {
  std::string id, name;
};

class Engine {
 public:
  static std::unique_ptr<Engine> open(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Deploys BPMN 2.0 XML. Identical XML returns the existing definitions; a
  // changed model of the same key becomes a new version. An invalid model
  // throws parse_error with every diagnostic.
  Deployment deploy(const std::string& xml);
  // The same, with JSON form schemas by form key (the flowable:formKey of start events and
  // tasks), stored with each definition the document deploys. A schema must be valid JSON.
  Deployment deploy(const std::string& xml, const std::map<std::string, std::string>& forms);
  // The start form of the latest version of `key`: its formKey and schema ({} when none).
  std::pair<std::string, std::string> startForm(const std::string& key) const;
  Instance start(const StartRequest& request);
  // A user must be the assignee, a candidate, or have the role admin; an application acts for
  // its user; Actor::system() (the default) is the host. Argument order, as every task command:
  // the task, who acts, then what the operation takes.
  // expectedRevision >= 0: the task's instance must still be at that revision (Instance::revision,
  // which every command changing the instance moves on), else conflict and nothing changes.
  void completeTask(Id taskId, const Actor& actor = Actor::system(), const Variables& variables = {},
                    const std::string& comment = {}, std::int64_t expectedRevision = -1);
  // Delivers a message to the first waiting subscription that matches; with none, starts
  // the latest definition whose message start event has that name. Returns the instance
  // that received it. A message nobody waits for is not_found (and changes nothing),
  // unless message.buffer asks to keep it: then it returns an Instance with id 0, and the
  // first instance to wait for that message (and business key) receives it at once.
  Instance correlateMessage(const MessageCorrelation& message);
  // Broadcasts a signal to every waiting instance and starts every process with that
  // signal start event, in one command. Returns how many received it (none is fine).
  int broadcastSignal(const std::string& name, const Variables& variables = {});

  Variables variables(Id instanceId) const;
  // expectedRevision >= 0: the instance must still be at that revision, else conflict.
  void setVariables(Id instanceId, const Variables& variables, std::int64_t expectedRevision = -1);
  // Sets the variables, then judges every conditional event of the instance afresh, as
  // Flowable's evaluateConditionalEvents does: a non-interrupting one whose condition still
  // holds fires again (setVariables fires a conditional event only when its condition turns true).
  void evaluateConditionalEvents(Id instanceId, const Variables& variables = {});

  std::vector<Definition> definitions() const;
  // Suspends (or activates) a definition: while suspended it starts no instance, by key or id
  // (wrong_state), message, signal or timer (skipped). With includeInstances its running
  // instances are suspended (or resumed) too. An administrator or the system.
  void suspendDefinition(Id definitionId, bool suspended, const Actor& actor, bool includeInstances = false);
  // Publishes a definition version (deployed or offline -> published) or takes it offline
  // (published -> offline: it starts no instances, its running ones continue). Publishing
  // does not change other versions. An administrator or the system; not_found for an
  // unknown id, wrong_state for offline when not published.
  void setDefinitionPublication(Id definitionId, Definition::Publication publication, const Actor& actor);
  Definition definition(Id id) const;
  std::vector<Instance> instances(const InstanceQuery& query = {}) const;
  // The page the query's offset and limit select, and the total that match.
  Page<Instance> instancePage(const InstanceQuery& query) const;
  Instance instance(Id id) const;
  std::vector<Task> tasks(const TaskQuery& query = {}) const;
  // How many tasks match (offset and limit ignored).
  std::int64_t countTasks(const TaskQuery& query = {}) const;
  // The page the query's offset and limit select, and the total that match.
  Page<Task> taskPage(const TaskQuery& query) const;
  Task task(Id id) const;
  std::vector<HistoryEntry> history(Id instanceId) const;
  // Element ids where the instance (and its called children) now waits.
  std::vector<std::string> waitingAt(Id instanceId) const;

  // In-process service tasks: a handler for a flowable:/camunda: type, topic,
  // class, expression or delegateExpression value. Called inside the command's
  // transaction, on the thread issuing it or, when threads issue commands at once
  // on a file, on the thread running their shared batch (group commit): keep it
  // short, and keep nothing it needs in thread-local state.
  void registerServiceHandler(const std::string& name, ServiceHandler handler);

  // External service tasks (flowable:type="external" / camunda:type="external").
  std::vector<ExternalTask> fetchAndLock(const std::string& topic, const std::string& workerId, int maxTasks,
                                         std::int64_t lockMillis);
  void completeExternalTask(Id id, const std::string& workerId, const Variables& variables = {});
  // A failure: with retries left the task is offered again after retryAfterMillis;
  // with none, it becomes an incident.
  void failExternalTask(Id id, const std::string& workerId, const std::string& message, int retries,
                        std::int64_t retryAfterMillis = 0);
  void throwExternalBpmnError(Id id, const std::string& workerId, const std::string& errorCode,
                              const Variables& variables = {});
  std::vector<ExternalTask> externalTasks(Id instanceId) const;

  // Runs every job due by the engine's clock (timers, async continuations) on this thread;
  // returns how many ran to success. A job that fails is retried later (its retries
  // and delay from failedJobRetryTimeCycle, default 3 at once) and at none left becomes
  // an incident; runDueJobs itself does not fail for it.
  int runDueJobs();
  // A thread of the engine's own that runs due jobs, checking at least every pollMillis.
  // Several engines (processes) on one database never run one job twice: jobs are locked
  // with an owner and an expiry. Stopped by stopJobExecutor() or by closing the engine.
  void startJobExecutor(std::int64_t pollMillis = 500);
  void stopJobExecutor();
  std::vector<Incident> incidents(Id instanceId) const;
  // Retries the incident's job `retries` more times, starting now, and resolves the incident.
  void resolveIncident(Id incidentId, int retries = 1);
  int pendingJobs(Id instanceId) const;
  int openIncidents(Id instanceId) const;

  const Clock& clock() const;

  // --- identity (the engine's own directory; refused when EngineOptions::directory is set)
  void saveUser(const User& user);
  void saveDepartment(const Department& department);
  void saveRole(const std::string& id, const std::string& name);
  std::optional<User> user(const std::string& id) const;

  // --- approval operations on tasks. Each checks that `user` may act (SCENARIOS.md:
  // assignee, or candidate of an unassigned task; the delegate resolves; the role admin may
  // do all), records an operation in the history, and on refusal (forbidden, wrong_state,
  // limit_exceeded) changes nothing.
  void claimTask(Id taskId, const Actor& actor);
  void unclaimTask(Id taskId, const Actor& actor);
  void delegateTask(Id taskId, const Actor& actor, const std::string& to, const std::string& comment = {});
  void resolveTask(Id taskId, const Actor& actor, const Variables& variables = {}, const std::string& comment = {});
  void transferTask(Id taskId, const Actor& actor, const std::string& to, const std::string& comment = {});
  // 催办: a message to the task's assignee (or candidates); at most 3 a task a UTC day (the
  // count resets at midnight UTC by the engine's clock). The initiator (or an administrator).
  void urgeTask(Id taskId, const Actor& actor);
  // 催办 of every open task of a running instance in one command: one task over its limit
  // (limit_exceeded) urges none; no open task is wrong_state.
  void urgeInstance(Id instanceId, const Actor& actor);

  // 上一节点指定审批人, in two phases. Completes the task, unless a user task that follows it
  // (through gateways) has ordo:assigneeRule="chosen" and `variables` name no approvers for it
  // (ordoNextApprovers): then nothing moves, the task stays open, and each candidate of that
  // node (its ordo:chooseFrom, user ids separated by commas) comes back as a choice. Asking
  // again replaces the task's earlier choices. Returns none when the task was completed.
  std::vector<ApproverChoice> completeOrChoose(Id taskId, const Actor& actor, const Variables& variables = {},
                                               const std::string& comment = {});
  // Phase two: completes the choices' task as the user who asked in phase one, with the
  // variables and comment given then, and the chosen candidates as the next node's approvers.
  // not_found for an unknown choice, invalid_argument for choices of different tasks,
  // wrong_state when the task is no longer open.
  void submitChoices(const std::vector<Id>& choiceIds);
  ApproverChoice approverChoice(Id choiceId) const;  // not_found

  // 退回: the task's branch (or its whole multi-instance body) goes back to `target`, an
  // earlier user task of the instance; a target before a parallel split takes every branch back.
  void returnTask(Id taskId, const Actor& actor, const std::string& target, const std::string& comment = {});
  // The nodes returnTask may target from this task (completed user tasks upstream of it).
  std::vector<std::string> returnableNodes(Id taskId) const;
  // 驳回: with a target (the caller's, else the task's flowable:rejectTarget) it returns there;
  // without one the instance ends in state "rejected".
  void rejectTask(Id taskId, const Actor& actor, const std::string& target = {}, const std::string& comment = {});
  // 加签/减签 on a multi-instance task: `position` is "parallel", "before" or "after" (the
  // current approver); removing cancels the signers' open instances (the completion
  // condition is evaluated again) and drops those not reached yet.
  void addSigners(Id taskId, const Actor& actor, const std::vector<std::string>& users,
                  SignerPosition position = SignerPosition::parallel);
  void removeSigners(Id taskId, const Actor& actor, const std::vector<std::string>& users);

  // 委托: from `validFrom` until `validUntil` (epoch ms; 0: open), `user`'s new tasks of
  // `processes` (keys; empty: all) go to `to`, who accepts or rejects each; the owner stays `user`.
  Id entrust(const Actor& actor, const std::string& to, const std::vector<std::string>& processes = {},
             std::int64_t validFrom = 0, std::int64_t validUntil = 0);
  void cancelEntrust(const Actor& actor, const std::string& to);
  void acceptEntrustedTask(Id taskId, const Actor& actor);
  // Back to the entrusting user.
  void rejectEntrustedTask(Id taskId, const Actor& actor, const std::string& comment = {});

  // --- approval operations on instances (the initiator, or the role admin)
  // 撤回: the initiator takes the instance back while no approver has acted (to its first
  // user task if that is the initiator's own, else to a draft); an approver takes back their
  // completion while the next step has not acted.
  void withdraw(Id instanceId, const Actor& actor);
  // Whether withdraw would succeed for this user now (the same check; instanceDetail's
  // allowedActions lists "withdraw" exactly then).
  bool mayWithdraw(Id instanceId, const std::string& user) const;
  // An administrator moves the instance to any node of the process or of an active subprocess.
  void jump(Id instanceId, const Actor& actor, const std::string& target);
  // 草稿: an instance in state "draft" holding the form data; submit starts it for real.
  Instance saveDraft(const StartRequest& request);
  Instance submitDraft(Id instanceId, const Actor& actor, const Variables& variables = {});
  // With `atNode` (a node id) the instance must wait there (an open task at that node, else
  // wrong_state), and a user acts as that node's handler: the assignee or a candidate of an
  // open task there (or an administrator) may, the initiator as such may not. The system may always.
  void terminateInstance(Id instanceId, const Actor& actor, const std::string& reason = {},
                         const std::string& atNode = {});
  void invalidateInstance(Id instanceId, const Actor& actor, const std::string& reason = {},
                          const std::string& atNode = {});
  void suspendInstance(Id instanceId, const Actor& actor, const std::string& atNode = {});
  // A standalone comment (评论) on a running or suspended instance, recorded as operation
  // "comment" in its history: by the system, an administrator, the initiator or anyone who
  // holds or held one of its tasks. An empty text is invalid_argument.
  void addComment(Id instanceId, const Actor& actor, const std::string& text);
  void resumeInstance(Id instanceId, const Actor& actor);
  // 抄送: each user gets a cc message and sees the instance in their cc list.
  void ccInstance(Id instanceId, const Actor& actor, const std::vector<std::string>& users);
  std::vector<HistoryEntry> operations(Id instanceId) const;
  // Skips the task (an administrator): it completes without a decision.
  void skipTask(Id taskId, const Actor& actor, const std::string& comment = {});
  // An administrator edits the form data, recorded as an operation.
  void editVariables(Id instanceId, const Actor& actor, const Variables& variables);
  // The initiator or an administrator deletes the instance (and those it called); with
  // keepHistory its row (state "deleted") and history stay for the record.
  void deleteInstance(Id instanceId, const Actor& actor, bool keepHistory = true);

  // --- queries for approval front ends
  std::vector<ListItem> list(const ListQuery& query) const;
  std::int64_t count(const ListQuery& query) const;  // offset and limit ignored
  Page<ListItem> listPage(const ListQuery& query) const;
  InstanceDetail instanceDetail(Id instanceId, const std::string& user) const;
  Canvas canvas(Id instanceId) const;
  // Every node of a deployed definition; not_found for an unknown id.
  std::vector<DefinitionNode> definitionNodes(Id definitionId) const;
  // The latest versions the user may start (flowable:candidateStarterUsers/Groups; none named: everyone).
  std::vector<Definition> startableDefinitions(const std::string& user) const;

  // --- work driven from outside (WorkRecord above). The host acts (no user checks); each
  // open todo is in its user's todo count (lists) and inbox.
  // Creates or (with a code) replaces a template; returns its code. A name and a tenant's
  // name are unique among live templates (conflict otherwise).
  std::string saveWorkTemplate(const WorkTemplate& t);
  std::optional<WorkTemplate> workTemplate(const std::string& code) const;  // live templates only
  std::optional<WorkTemplate> workTemplateByName(const std::string& tenant, const std::string& name) const;
  // With running records: wrong_state, unless cancelRunning terminates them and cancels their todos.
  void deleteWorkTemplate(const std::string& code, bool cancelRunning);
  Id createWorkRecord(const WorkRecord& record);  // of a live template (not_found)
  WorkRecord workRecord(Id id) const;             // not_found
  // Ends a running record: state completed or terminated (invalid_argument otherwise), result
  // agree/refuse/empty; with cancelOpenTodos its open todos are cancelled (else they stay).
  void updateWorkRecord(Id id, const std::string& state, const std::string& result, bool cancelOpenTodos);
  // Todos for users (user, url) in a group (may be empty: no group) of a running record.
  std::vector<WorkTodo> createWorkTodos(Id recordId, const std::string& group, const std::string& groupName,
                                        const std::vector<std::pair<std::string, std::string>>& users);
  // An open todo of the record becomes completed or cancelled (result agree/refuse/empty).
  void updateWorkTodo(Id recordId, Id todoId, const std::string& state, const std::string& result);
  // Every open todo of the record in one of the groups becomes cancelled; completed ones stay.
  // Returns how many. An unknown record: not_found.
  int cancelWorkTodoGroups(Id recordId, const std::vector<std::string>& groups);
  std::vector<WorkTodo> workTodos(Id recordId) const;
  // A user's todos, newest first: open ones, or (open false) the cancelled ones.
  Page<WorkTodo> userWorkTodos(const std::string& user, bool open, int offset, int limit) const;

  // --- inbox and lists
  std::vector<InboxMessage> inbox(const std::string& user, bool unreadOnly = false, int offset = 0, int limit = 100,
                                  const std::string& type = {}) const;
  // Unread messages by type: {"todo": 2, "cc": 1 ...}.
  std::map<std::string, std::int64_t> inboxCounts(const std::string& user) const;
  void markRead(Id messageId, const Actor& actor, bool read = true);
  UserLists lists(const std::string& user) const;

  // Called after each command commits, once per history entry it wrote, on the
  // thread that issued the command, outside the command: a listener may call the engine.
  // What a listener throws is swallowed (the command has committed). Returns an id for removeListener.
  using Listener = std::function<void(const HistoryEntry&)>;
  int addListener(Listener listener);
  void removeListener(int id);

  // Makes the command whose work runs now (on any thread) stop with ErrorCode::interrupted,
  // rolled back: at its next step, or at the latest before it joins its commit. A command
  // that finished its work is not affected, nor is the next command. Safe from any thread.
  void interrupt();

  // --- for servers (lib/engine/server_support.cpp): deployments, definitions' XML and tenant,
  // the directory's listings, credentials, jobs across instances.
  // Deploys every resource (all are validated before any is deployed) and records the deployment.
  DeploymentRecord deployResources(const DeploymentRequest& request);
  std::vector<DeploymentRecord> deployments() const;
  DeploymentRecord deployment(Id id) const;  // not_found
  // Removes the deployment; its definitions no longer show (definitions(), visibleDefinition).
  // With instances of them left: wrong_state, unless cascade deletes those instances too (as `user`).
  void deleteDeployment(Id id, bool cascade, const std::string& user);
  std::string definitionXml(Id definitionId) const;
  // The deployment a definition came with (0 when deployed by deploy()), its tenant, and whether
  // its deployment was deleted.
  struct DefinitionOrigin {
    Id deploymentId = 0;
    std::string tenant;
    bool deleted = false;
  };
  std::map<Id, DefinitionOrigin> definitionOrigins() const;
  std::vector<User> users() const;
  void deleteUser(const std::string& id);
  std::vector<std::pair<std::string, std::string>> roles() const;  // id, name
  void deleteRole(const std::string& id);
  void saveTenant(const Tenant& tenant);
  std::vector<Tenant> tenants() const;
  void deleteTenant(const std::string& id);
  // A credential hash (the server's crypto_pwhash string); empty clears it.
  void setPasswordHash(const std::string& user, const std::string& hash);
  std::string passwordHash(const std::string& user) const;  // empty: none
  Id createApiToken(const std::string& user, const std::string& name, const std::string& secretHash);
  std::optional<ApiToken> apiTokenByHash(const std::string& secretHash) const;  // only unrevoked tokens
  std::vector<ApiToken> apiTokens(const std::string& user = {}) const;
  void revokeApiToken(Id id);                          // not_found
  std::vector<JobInfo> jobs(Id instanceId = 0) const;  // 0: every instance
  void setJobRetries(Id jobId, int retries);
  void setJobDueDate(Id jobId, std::int64_t dueAt);  // epoch ms; not for external tasks (wrong_state)
  // Makes the job due now and runs due jobs on this thread.
  void executeJob(Id jobId);
  std::vector<ExternalTask> allExternalTasks() const;
  std::vector<Incident> allIncidents() const;
  void extendExternalLock(Id id, const std::string& workerId, std::int64_t lockMillis);
  void unlockExternalTask(Id id);

  // --- the work-order center (include/ordo/workorder.hpp, lib/engine/workorder.cpp)
  // A disabled user keeps their tasks and history, but a dialect refuses their credentials.
  void setUserDisabled(const std::string& id, bool disabled);  // not_found
  std::optional<Department> department(const std::string& id) const;
  // Registers (or updates) an application or service; `secret` empty keeps the stored one
  // (a new client needs one). invalid_argument for a kind other than app/service or an empty id.
  void saveWorkOrderClient(const WorkOrderClient& client, const std::string& secret);
  std::optional<WorkOrderClient> workOrderClient(const std::string& kind, const std::string& id) const;
  std::vector<WorkOrderClient> workOrderClients(const std::string& kind = {}) const;  // empty: both kinds
  void deleteWorkOrderClient(const std::string& kind, const std::string& id);         // not_found
  // A parent must exist and may not be the category itself or below it (invalid_argument).
  void saveWorkOrderCategory(const WorkOrderCategory& category);
  std::vector<WorkOrderCategory> workOrderCategories() const;  // by sort, then id
  // Its category must exist (not_found) and its processKey be deployed (not_found).
  void saveWorkOrderType(const WorkOrderType& type);
  std::vector<WorkOrderType> workOrderTypes() const;
  std::optional<WorkOrderType> workOrderType(const std::string& id) const;
  // Files a work order for a running instance the actor started or works on (forbidden
  // otherwise); taskId, when set, must be a task of that instance (not_found). Returns it
  // with its id and number.
  WorkOrder createWorkOrder(const WorkOrder& order, const Actor& actor);
  WorkOrder workOrder(std::int64_t id) const;  // not_found; status from its instance
  std::optional<WorkOrder> workOrderOfInstance(Id instanceId) const;
  Page<WorkOrder> workOrders(const WorkOrderQuery& query) const;
  // 评价: the initiator, once the instance completed; score 1..5; once (wrong_state after).
  void evaluateWorkOrder(std::int64_t id, const Actor& actor, int score, const std::string& comment);
  // The start form of exactly this definition version: its formKey and schema ({} when none).
  std::pair<std::string, std::string> startFormOf(Id definitionId) const;
  // A task's form: its formKey and the schema deployed with its definition version ({} when none).
  std::pair<std::string, std::string> taskForm(Id taskId) const;  // not_found
  // 工单告警 (lib/engine/workorder_alerts.cpp): raises every alert due by the engine's clock
  // (each once): an inbox message "alert" to the task's assignee (or candidates) and the type's
  // supervisors, an "alert" operation in the instance's history, a pending webhook delivery.
  // The job executor runs it every round; returns how many it raised.
  int raiseWorkOrderAlerts();
  std::vector<WorkOrderAlert> workOrderAlerts(std::int64_t orderId = 0) const;  // 0: all, newest first
  // Webhook deliveries due now (pending, next attempt reached); the server POSTs them and records each.
  std::vector<WorkOrderAlert> dueWebhookDeliveries(int limit = 20) const;
  // A failed attempt is retried after 1, 2, 4, 8 s; the fifth failure is final ("failed").
  void recordWebhookDelivery(std::int64_t alertId, bool delivered, const std::string& error = {});
  // 报告分析 and 监控中心 (lib/engine/workorder_analytics.cpp, indexed SQL in lib/store).
  std::vector<RunCount> runCounts(const RunCountQuery& query) const;
  // by: "process" (ended instances), "node" (completed tasks by key/element), "assignee".
  std::vector<DurationStats> durationStats(const std::string& by, std::int64_t from = 0, std::int64_t to = 0) const;
  std::vector<EvaluationStats> evaluationStats() const;
  // The run counts and duration histograms behind runCounts() and durationStats() counted again
  // from the instance and task rows. Ordo's own writes keep them exact; call this after rows
  // were written by other means (an import in SQL). On SQLite it reads every instance and task.
  void rebuildAnalytics();
  // Running instances overdue (an open alert), with an open incident, suspended, or waiting
  // longer than stuckMillis since their last step; and how many run normally.
  std::vector<AbnormalInstance> abnormalInstances(std::int64_t stuckMillis, std::int64_t* normal = nullptr) const;

  // The implementation's state: opaque to users of this header (defined inside lib/).
  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ordo
