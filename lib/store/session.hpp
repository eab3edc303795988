// The store interface: what the engine asks of its database, as repositories, with no
// SQL and no backend in sight. A Session is one transaction's view — a command's
// (writer, inside group commit) or a read's (one snapshot). A Store opens sessions.
// SQLite implements it (lib/store/sqlite_store.cpp over store.hpp); another backend
// implements these classes without touching the runtime, approval or query code.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ordo/engine.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/state.hpp"

namespace ordo::store {

// A choice of the two-phase next-approver completion, with what phase one asked for.
struct PendingChoice {
  ApproverChoice choice;
  std::string user;       // who completes the task
  std::string variables;  // JSON object
  std::string comment;
  std::int64_t createdAt = 0;
};

struct DueJob {
  Id id, instanceId;
};
// Timer start events: jobs of a definition rather than of an instance (instance_id 0).
struct StartJob {
  Id id = 0, definition = 0;
  std::string element;
  std::int64_t dueAt = 0;
  boost::json::object data;
};
// A message or signal start event of a deployed definition.
struct StartSubscription {
  std::string kind, name;  // "message" or "signal"; the message or signal name
  Id definition = 0;
  std::string element;  // the start event's id
};
struct MessageWaiter {
  Id subscription, instance;
};

// Definitions.
class DefinitionRepository {
 public:
  virtual ~DefinitionRepository() = default;
  virtual std::optional<Definition> findDefinition(const std::string& key, const std::string& hash) = 0;
  virtual std::optional<Definition> latestDefinition(const std::string& key) = 0;
  virtual std::optional<Definition> definitionById(Id id) = 0;
  virtual std::string definitionXml(Id id) = 0;
  virtual int maxVersion(const std::string& key) = 0;
  virtual void insertDefinition(Definition& d, const std::string& xml) = 0;
  virtual std::vector<Definition> listDefinitions() = 0;
  virtual void setDefinitionSuspended(Id id, bool suspended) = 0;
  virtual void setDefinitionPublication(Id id, Definition::Publication p) = 0;
};

// Instances.
class InstanceRepository {
 public:
  virtual ~InstanceRepository() = default;
  virtual std::optional<Instance> instanceById(Id id) = 0;
  virtual bool loadInstance(Id id, runtime::InstanceState& out) = 0;  // false: no such instance
  // Writes what changed; fails with conflict when the revision moved since loading.
  virtual void saveInstance(runtime::InstanceState& s) = 0;
  virtual std::vector<Instance> queryInstances(const InstanceQuery& q) = 0;
  virtual std::int64_t countInstances(const InstanceQuery& q) = 0;  // offset and limit ignored
  virtual std::vector<Id> childInstances(Id parent) = 0;
  virtual std::optional<Definition> definitionVersion(const std::string& key, int version) = 0;
};

// Tasks, history, jobs.
class TaskAndJobRepository {
 public:
  virtual ~TaskAndJobRepository() = default;
  virtual std::optional<Task> taskById(Id id, Id* instanceId = nullptr) = 0;
  virtual std::vector<Task> queryTasks(const TaskQuery& q) = 0;
  virtual std::int64_t countTasks(const TaskQuery& q) = 0;
  virtual std::vector<HistoryEntry> historyOf(Id instance) = 0;
  virtual std::vector<std::string> waitingElements(Id instance) = 0;
  virtual Variables processVariables(Id instance) = 0;
  virtual std::vector<DueJob> dueTimers(std::int64_t now, int limit) = 0;
  // Locks up to `limit` due timer and async jobs for `owner` until now + lockMillis (one statement,
  // inside the write transaction: two engines on one file never get the same job).
  virtual std::vector<DueJob> acquireJobs(const std::string& owner, std::int64_t now, std::int64_t lockMillis,
                                          int limit) = 0;
  // The instance of a job still locked by `owner`, if it is.
  virtual std::optional<Id> lockedJob(Id job, const std::string& owner) = 0;
  // Records a failed attempt: one retry less, retried after the job's delay; at none left, an incident.
  virtual void failJob(Id job, const std::string& message, std::int64_t now) = 0;
  virtual std::vector<Incident> incidentsOf(Id instance) = 0;
  // Gives the job of an open incident `retries` more attempts, due now, and resolves the incident.
  virtual void resolveIncident(Id incident, int retries, std::int64_t now) = 0;
  virtual std::optional<std::int64_t> nextJobDue() = 0;
  virtual void insertStartJob(Id definition, const std::string& element, std::int64_t due,
                              const boost::json::object& data) = 0;
  // Removes the timer start jobs of every other version of `key`: a new version replaces them.
  virtual void removeStartJobs(const std::string& key, Id keep) = 0;
  virtual std::optional<StartJob> startJob(Id job) = 0;
  virtual void rescheduleStartJob(Id job, std::int64_t due, const boost::json::object& data) = 0;
  virtual void deleteJob(Id job) = 0;
  virtual std::optional<Id> jobInstance(Id jobId, const char* kind) = 0;
  virtual std::vector<std::pair<Id, Id>> lockableExternal(const std::string& topic, std::int64_t now, int limit) = 0;
  virtual void lockExternal(Id job, const std::string& worker, std::int64_t expires) = 0;
  virtual std::vector<ExternalTask> externalTasksOf(Id instance) = 0;
  // Subscriptions waiting for message `name`, of running instances, narrowed by business key and instance when given.
  virtual std::vector<MessageWaiter> messageWaiters(const std::string& name, const std::string& businessKey,
                                                    Id instance) = 0;
  // Running instances with a subscription to signal `name`.
  virtual std::vector<Id> signalReceivers(const std::string& name) = 0;
  virtual void bufferMessage(const std::string& name, const std::string& businessKey, const Variables& variables,
                             std::int64_t now, std::int64_t expiresAt) = 0;
  // Takes (deletes and returns) the oldest unexpired buffered message `name` for an instance with `businessKey`.
  virtual std::optional<Variables> takeBufferedMessage(const std::string& name, const std::string& businessKey,
                                                       std::int64_t now) = 0;
  // Message and signal start events: the latest version of `key` replaces the earlier versions' ones.
  virtual void replaceStartSubscriptions(const std::string& key, Id definition,
                                         const std::vector<StartSubscription>& subscriptions) = 0;
  // The start events waiting for `kind` ("message", "signal") `name`, by definition key.
  virtual std::vector<StartSubscription> startSubscriptions(const std::string& kind, const std::string& name) = 0;
  // True once after schema 10 until the start events of earlier deploys are registered.
  virtual bool startSubscriptionsPending() = 0;
  virtual void startSubscriptionsRegistered() = 0;
};

// Identity (the engine's own directory), inboxes and lists.
class IdentityRepository {
 public:
  virtual ~IdentityRepository() = default;
  virtual void saveUser(const User& u) = 0;
  virtual void saveDepartment(const Department& d) = 0;
  virtual void saveRole(const std::string& id, const std::string& name) = 0;
  virtual std::optional<User> userById(const std::string& id) = 0;
  virtual std::optional<Department> departmentById(const std::string& id) = 0;
  virtual std::vector<std::string> usersWithRole(const std::string& role) = 0;
  virtual std::vector<std::string> usersInDepartment(const std::string& department) = 0;
  virtual std::vector<InboxMessage> inboxOf(const std::string& user, bool unreadOnly, int offset, int limit,
                                            const std::string& type = {}) = 0;
  virtual std::map<std::string, std::int64_t> inboxCounts(const std::string& user) = 0;
  virtual bool markRead(Id message, const std::string& user, bool read, std::int64_t now) = 0;
  virtual void addInbox(const std::string& user, const std::string& type, Id instance, Id task,
                        const std::string& title, std::int64_t now) = 0;
  virtual std::int64_t countOperations(Id task, const std::string& action, std::int64_t since) = 0;
  virtual void addPendingChoice(const PendingChoice& p) = 0;
  virtual std::optional<PendingChoice> pendingChoice(Id id) = 0;
  virtual void deletePendingChoices(Id task) = 0;
  virtual UserLists listsOf(const std::string& user, const std::vector<std::string>& roles) = 0;
  virtual Id addEntrustment(const std::string& from, const std::string& to, const std::vector<std::string>& processes,
                            std::int64_t validFrom, std::int64_t validUntil, std::int64_t now) = 0;
  virtual int cancelEntrustments(const std::string& from, const std::string& to, std::int64_t now) = 0;
  // Whom `user`'s new tasks of `processKey` go to at `now`, if anyone.
  virtual std::optional<std::string> entrustee(const std::string& user, const std::string& processKey,
                                               std::int64_t now) = 0;
  virtual void saveForm(Id definition, const std::string& formKey, const std::string& schema) = 0;
  virtual std::optional<std::string> formSchema(Id definition, const std::string& formKey) = 0;
  // Removes an instance and everything it has; with keepHistory its row and history stay.
  // An external task's failed attempt: its retries left and when it may be fetched again.
  virtual void failExternalJob(Id job, const std::string& message, int retries, std::int64_t dueAt) = 0;
  virtual void insertIncident(Id instance, Id job, const std::string& element, const std::string& message,
                              std::int64_t at) = 0;
  // An ended instance kept for the record as "deleted".
  virtual void markInstanceDeleted(Id instance) = 0;
  // A user's list: (instance, process name, task or 0) rows, and how many match.
  virtual std::vector<std::tuple<Id, std::string, Id>> listRows(const ListQuery& q,
                                                                const std::vector<std::string>& roles) = 0;
  virtual std::int64_t countList(const ListQuery& q, const std::vector<std::string>& roles) = 0;
  virtual void deleteInstanceRows(Id instance, bool keepHistory) = 0;
  virtual int countJobs(Id instance) = 0;
  virtual int countIncidents(Id instance) = 0;
};
// What a server keeps beside the engine's tables: deployments, credentials, API tokens,
// tenants; and operator views of jobs, external tasks and incidents across instances.
class ServerRepository {
 public:
  virtual ~ServerRepository() = default;
  virtual Id insertDeployment(const DeploymentRecord& d) = 0;
  virtual std::vector<DeploymentRecord> listDeployments(bool includeDeleted = false) = 0;
  virtual std::optional<DeploymentRecord> deploymentById(Id id) = 0;
  // The version of `key` a live deployment holding definition `of` also holds (the newest such deployment).
  virtual std::optional<Definition> definitionInDeploymentOf(Id of, const std::string& key) = 0;
  virtual void markDeploymentDeleted(Id id) = 0;
  virtual std::map<Id, Engine::DefinitionOrigin> definitionOrigins() = 0;
  virtual std::vector<User> listUsers() = 0;
  virtual void deleteUserRows(const std::string& id) = 0;
  virtual std::vector<std::pair<std::string, std::string>> listRoles() = 0;
  virtual void deleteRoleRows(const std::string& id) = 0;
  virtual void saveTenant(const Tenant& t) = 0;
  virtual std::vector<Tenant> listTenants() = 0;
  virtual bool deleteTenant(const std::string& id) = 0;
  virtual void setPasswordHash(const std::string& user, const std::string& hash) = 0;
  virtual std::string passwordHash(const std::string& user) = 0;
  virtual Id insertApiToken(const std::string& user, const std::string& name, const std::string& hash,
                            std::int64_t now) = 0;
  virtual std::optional<ApiToken> apiTokenByHash(const std::string& hash) = 0;
  virtual std::vector<ApiToken> listApiTokens(const std::string& user) = 0;
  virtual bool revokeApiToken(Id id, std::int64_t now) = 0;
  virtual std::vector<JobInfo> listJobs(Id instance) = 0;
  virtual bool setJobRetries(Id job, int retries) = 0;
  virtual void setJobDue(Id job, std::int64_t due) = 0;
  virtual std::optional<JobInfo> jobById(Id job) = 0;
  virtual void makeJobDue(Id job, std::int64_t now) = 0;
  virtual std::vector<ExternalTask> listExternalTasks() = 0;
  virtual std::vector<Incident> listIncidents() = 0;
  virtual void setExternalLock(Id job, std::int64_t expires) = 0;
  virtual void unlockExternal(Id job) = 0;
};

// Work driven from outside (DingTalk's own workflow): templates, records, todos in groups.
class WorkRepository {
 public:
  virtual ~WorkRepository() = default;
  virtual void saveWorkTemplate(const WorkTemplate& t) = 0;
  virtual std::optional<WorkTemplate> workTemplate(const std::string& code) = 0;
  virtual std::optional<WorkTemplate> workTemplateByName(const std::string& tenant, const std::string& name) = 0;
  virtual void markWorkTemplateDeleted(const std::string& code, std::int64_t now) = 0;
  virtual void insertWorkRecord(const WorkRecord& r) = 0;
  virtual std::optional<WorkRecord> workRecordById(Id id) = 0;
  virtual void setWorkRecordState(Id id, const std::string& state, const std::string& result, std::int64_t at) = 0;
  virtual std::vector<Id> runningWorkRecords(const std::string& templateCode) = 0;
  virtual void insertWorkTodo(const WorkTodo& t) = 0;
  virtual std::optional<WorkTodo> workTodoById(Id id) = 0;
  virtual void setWorkTodoState(Id id, const std::string& state, const std::string& result, std::int64_t at) = 0;
  virtual std::vector<WorkTodo> workTodosOf(Id record) = 0;
  virtual std::vector<WorkTodo> userWorkTodos(const std::string& user, const std::string& state, int offset,
                                              int limit) = 0;
  virtual std::int64_t countUserWorkTodos(const std::string& user, const std::string& state) = 0;
};

// The work-order center (schema 16): clients, categories, types, work orders; disabled users.
class WorkOrderRepository {
 public:
  virtual ~WorkOrderRepository() = default;
  virtual bool setUserDisabled(const std::string& user, bool disabled) = 0;  // false: no such user
  virtual void saveWorkOrderClient(const WorkOrderClient& client) = 0;
  virtual std::optional<WorkOrderClient> workOrderClient(const std::string& kind, const std::string& id) = 0;
  virtual std::vector<WorkOrderClient> listWorkOrderClients(const std::string& kind) = 0;
  virtual bool deleteWorkOrderClient(const std::string& kind, const std::string& id) = 0;
  virtual void saveWorkOrderCategory(const WorkOrderCategory& category) = 0;
  virtual std::vector<WorkOrderCategory> listWorkOrderCategories() = 0;
  virtual void saveWorkOrderType(const WorkOrderType& type) = 0;
  virtual std::vector<WorkOrderType> listWorkOrderTypes() = 0;
  virtual std::int64_t insertWorkOrder(const WorkOrder& order) = 0;
  virtual void setWorkOrderNumber(std::int64_t id, const std::string& number) = 0;
  virtual std::optional<WorkOrder> workOrderById(std::int64_t id) = 0;
  virtual std::optional<WorkOrder> workOrderByInstance(Id instance) = 0;
  virtual std::vector<WorkOrder> listWorkOrders(const WorkOrderQuery& q, std::int64_t* total) = 0;
  virtual void evaluateWorkOrder(std::int64_t id, int score, const std::string& comment, std::int64_t at) = 0;
  // Alerts: (order, instance, type, instance start) of running work orders whose type has an SLA.
  virtual std::vector<std::tuple<std::int64_t, Id, std::string, std::int64_t>> alertCandidates() = 0;
  virtual std::int64_t insertAlert(const WorkOrderAlert& a) = 0;  // 0: raised before (order, task, level)
  virtual std::vector<WorkOrderAlert> listAlerts(std::int64_t orderId) = 0;
  virtual std::vector<WorkOrderAlert> dueWebhooks(std::int64_t now, int limit) = 0;
  virtual std::optional<WorkOrderAlert> alertById(std::int64_t id) = 0;
  virtual void updateWebhook(std::int64_t id, const std::string& status, int attempts, std::int64_t nextAt,
                             const std::string& error) = 0;
  // Analysis and monitoring.
  virtual std::vector<RunCount> runCountsBetween(std::int64_t from, std::int64_t to, const std::string& groupBy) = 0;
  virtual std::pair<std::int64_t, std::int64_t> startedRange() = 0;
  virtual std::vector<DurationStats> durationStats(const std::string& by, std::int64_t from, std::int64_t to) = 0;
  virtual std::vector<EvaluationStats> evaluationStats() = 0;
  virtual std::vector<AbnormalInstance> abnormalInstances(std::int64_t now, std::int64_t stuckMillis) = 0;
  virtual std::int64_t countRunning() = 0;
  // The rollups counted again from the rows (after rows written by something other than Ordo).
  virtual void rebuildRollups() = 0;
};

// One transaction's view of every repository, with the ids of the command it serves.
class Session : public DefinitionRepository,
                public InstanceRepository,
                public TaskAndJobRepository,
                public IdentityRepository,
                public ServerRepository,
                public WorkRepository,
                public WorkOrderRepository {
 public:
  // Row ids for a command: never reused, unique across every instance the command touches.
  virtual runtime::IdSource& ids() = 0;
  // Records the ids handed out, inside the command's transaction.
  virtual void flushIds() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `body` as one command in the write transaction (possibly shared with other
  // commands by group commit, in a savepoint of its own). Returns once it is durable;
  // throws, with nothing of it applied, when `body` throws or the commit fails.
  virtual void command(const std::function<void(Session&)>& body) = 0;
  // Runs `body` on a read session: one snapshot of committed state.
  virtual void read(const std::function<void(Session&)>& body) = 0;
  // ":memory:": reads share the writer.
  virtual bool inMemory() const = 0;
};

struct StoreOptions {
  std::string path;  // a SQLite file, ":memory:", or postgresql://user@host:port/dbname[?schema=name]
  bool fullSync = true;
  int readers = 4;
};
std::unique_ptr<Store> openStore(const StoreOptions& options);

}  // namespace ordo::store
