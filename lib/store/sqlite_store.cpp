// The store interface over SQL: sessions over a connection (either backend), the SQLite
// store (commands under group commit on the writer, reads in a snapshot on a reader) and
// the PostgreSQL store (each command one transaction on this process's writer connection,
// retried on a transient failure; reads in a snapshot on a pooled connection).
#include <random>
#include <thread>

#include "store/checkpointer.hpp"
#include "store/group_commit.hpp"
#include "store/instance_cache.hpp"
#include "store/pg.hpp"
#include "store/rollup.hpp"
#include "store/schema.hpp"
#include "store/server_tables.hpp"
#include "store/store.hpp"
#include "store/workorder_tables.hpp"

namespace ordo::store {

namespace {

// The newest version of each definition key, as the writer last read it; forgotten whenever it
// writes a definition itself, and with its other memories.
using LatestDefinitions = std::unordered_map<std::string, Definition>;

class SqlSession final : public Session {
 public:
  SqlSession(Connection& c, bool writes, InstanceCache* cache = nullptr, IdHighWater* ids = nullptr,
             LatestDefinitions* latest = nullptr, DeferredRollups* rollups = nullptr)
      : c_(c), cache_(cache), latest_(latest), rollups_(rollups) {
    if (writes) ids_.emplace(c, ids);
  }
  runtime::IdSource& ids() override {
    if (!ids_) throw Error(ErrorCode::internal, "a read session hands out no ids");
    return *ids_;
  }
  void flushIds() override {
    if (ids_) ids_->flush();
  }

  std::optional<Definition> findDefinition(const std::string& key, const std::string& hash) override {
    return store::findDefinition(c_, key, hash);
  }
  std::optional<Definition> latestDefinition(const std::string& key) override {
    if (!latest_) return store::latestDefinition(c_, key);
    if (auto it = latest_->find(key); it != latest_->end()) return it->second;
    auto d = store::latestDefinition(c_, key);
    if (d) latest_->emplace(key, *d);
    return d;
  }
  std::optional<Definition> definitionById(Id id) override { return store::definitionById(c_, id); }
  std::string definitionXml(Id id) override { return store::definitionXml(c_, id); }
  int maxVersion(const std::string& key) override { return store::maxVersion(c_, key); }
  void insertDefinition(Definition& d, const std::string& xml) override {
    if (latest_) latest_->clear();
    store::insertDefinition(c_, d, xml);
  }
  std::vector<Definition> listDefinitions() override { return store::listDefinitions(c_); }
  void setDefinitionSuspended(Id id, bool suspended) override {
    if (latest_) latest_->clear();
    store::setDefinitionSuspended(c_, id, suspended);
  }
  void setDefinitionPublication(Id id, Definition::Publication p) override {
    if (latest_) latest_->clear();
    store::setDefinitionPublication(c_, id, p);
  }
  // the work-order center
  bool setUserDisabled(const std::string& user, bool disabled) override {
    return store::setUserDisabled(c_, user, disabled);
  }
  void saveWorkOrderClient(const WorkOrderClient& x) override { store::saveWorkOrderClient(c_, x); }
  std::optional<WorkOrderClient> workOrderClient(const std::string& kind, const std::string& id) override {
    return store::workOrderClient(c_, kind, id);
  }
  std::vector<WorkOrderClient> listWorkOrderClients(const std::string& kind) override {
    return store::listWorkOrderClients(c_, kind);
  }
  bool deleteWorkOrderClient(const std::string& kind, const std::string& id) override {
    return store::deleteWorkOrderClient(c_, kind, id);
  }
  void saveWorkOrderCategory(const WorkOrderCategory& x) override { store::saveWorkOrderCategory(c_, x); }
  std::vector<WorkOrderCategory> listWorkOrderCategories() override { return store::listWorkOrderCategories(c_); }
  void saveWorkOrderType(const WorkOrderType& x) override { store::saveWorkOrderType(c_, x); }
  std::vector<WorkOrderType> listWorkOrderTypes() override { return store::listWorkOrderTypes(c_); }
  std::int64_t insertWorkOrder(const WorkOrder& o) override { return store::insertWorkOrder(c_, o); }
  void setWorkOrderNumber(std::int64_t id, const std::string& n) override { store::setWorkOrderNumber(c_, id, n); }
  std::optional<WorkOrder> workOrderById(std::int64_t id) override { return store::workOrderById(c_, id); }
  std::optional<WorkOrder> workOrderByInstance(Id instance) override {
    return store::workOrderByInstance(c_, instance);
  }
  std::vector<WorkOrder> listWorkOrders(const WorkOrderQuery& q, std::int64_t* total) override {
    return store::listWorkOrders(c_, q, total);
  }
  void evaluateWorkOrder(std::int64_t id, int score, const std::string& comment, std::int64_t at) override {
    store::evaluateWorkOrder(c_, id, score, comment, at);
  }
  std::vector<std::tuple<std::int64_t, Id, std::string, std::int64_t>> alertCandidates() override {
    std::vector<std::tuple<std::int64_t, Id, std::string, std::int64_t>> out;
    for (const auto& a : store::alertCandidates(c_)) out.emplace_back(a.orderId, a.instanceId, a.typeId, a.startedAt);
    return out;
  }
  std::int64_t insertAlert(const WorkOrderAlert& a) override { return store::insertAlert(c_, a); }
  std::vector<WorkOrderAlert> listAlerts(std::int64_t orderId) override { return store::listAlerts(c_, orderId); }
  std::vector<WorkOrderAlert> dueWebhooks(std::int64_t now, int limit) override {
    return store::dueWebhooks(c_, now, limit);
  }
  std::optional<WorkOrderAlert> alertById(std::int64_t id) override { return store::alertById(c_, id); }
  void updateWebhook(std::int64_t id, const std::string& status, int attempts, std::int64_t nextAt,
                     const std::string& error) override {
    store::updateWebhook(c_, id, status, attempts, nextAt, error);
  }
  std::vector<RunCount> runCountsBetween(std::int64_t from, std::int64_t to, const std::string& groupBy) override {
    return store::runCountsBetween(c_, from, to, groupBy);
  }
  std::pair<std::int64_t, std::int64_t> startedRange() override { return store::startedRange(c_); }
  std::vector<DurationStats> durationStats(const std::string& by, std::int64_t from, std::int64_t to) override {
    return store::durationStats(c_, by, from, to);
  }
  std::vector<EvaluationStats> evaluationStats() override { return store::evaluationStats(c_); }
  std::vector<AbnormalInstance> abnormalInstances(std::int64_t now, std::int64_t stuckMillis) override {
    return store::abnormalInstances(c_, now, stuckMillis);
  }
  std::int64_t countRunning() override { return store::countRunning(c_); }
  void rebuildRollups() override {
    c_.exec(rollupRebuild(c_.postgres()));
    if (rollups_) rollups_->clear();  // the recount has every row this batch wrote so far
  }
  std::optional<Instance> instanceById(Id id) override { return store::instanceById(c_, id); }
  bool loadInstance(Id id, runtime::InstanceState& out) override { return store::loadInstance(c_, id, out, cache_); }
  void saveInstance(runtime::InstanceState& s) override {
    store::saveInstance(c_, s, cache_, ids_ ? &*ids_ : nullptr, rollups_ ? &rollups_->command : nullptr);
  }
  std::vector<Instance> queryInstances(const InstanceQuery& q) override { return store::queryInstances(c_, q); }
  std::int64_t countInstances(const InstanceQuery& q) override { return store::countInstances(c_, q); }
  std::vector<Id> childInstances(Id parent) override { return store::childInstances(c_, parent); }
  std::optional<Definition> definitionVersion(const std::string& key, int version) override {
    return store::definitionVersion(c_, key, version);
  }
  std::optional<Task> taskById(Id id, Id* instanceId) override { return store::taskById(c_, id, instanceId); }
  std::vector<Task> queryTasks(const TaskQuery& q) override { return store::queryTasks(c_, q); }
  std::int64_t countTasks(const TaskQuery& q) override { return store::countTasks(c_, q); }
  std::vector<HistoryEntry> historyOf(Id instance) override { return store::historyOf(c_, instance); }
  std::vector<std::string> waitingElements(Id instance) override { return store::waitingElements(c_, instance); }
  Variables processVariables(Id instance) override { return store::processVariables(c_, instance); }
  std::vector<DueJob> dueTimers(std::int64_t now, int limit) override { return store::dueTimers(c_, now, limit); }
  std::vector<DueJob> acquireJobs(const std::string& owner, std::int64_t now, std::int64_t lockMillis,
                                  int limit) override {
    return store::acquireJobs(c_, owner, now, lockMillis, limit);
  }
  std::optional<Id> lockedJob(Id job, const std::string& owner) override { return store::lockedJob(c_, job, owner); }
  void failJob(Id job, const std::string& message, std::int64_t now) override {
    return store::failJob(c_, job, message, now);
  }
  std::vector<Incident> incidentsOf(Id instance) override { return store::incidentsOf(c_, instance); }
  void resolveIncident(Id incident, int retries, std::int64_t now) override {
    return store::resolveIncident(c_, incident, retries, now);
  }
  std::optional<std::int64_t> nextJobDue() override { return store::nextJobDue(c_); }
  void insertStartJob(Id definition, const std::string& element, std::int64_t due,
                      const boost::json::object& data) override {
    return store::insertStartJob(c_, definition, element, due, data);
  }
  void removeStartJobs(const std::string& key, Id keep) override { return store::removeStartJobs(c_, key, keep); }
  std::optional<StartJob> startJob(Id job) override { return store::startJob(c_, job); }
  void rescheduleStartJob(Id job, std::int64_t due, const boost::json::object& data) override {
    return store::rescheduleStartJob(c_, job, due, data);
  }
  void deleteJob(Id job) override { return store::deleteJob(c_, job); }
  std::optional<Id> jobInstance(Id jobId, const char* kind) override { return store::jobInstance(c_, jobId, kind); }
  std::vector<std::pair<Id, Id>> lockableExternal(const std::string& topic, std::int64_t now, int limit) override {
    return store::lockableExternal(c_, topic, now, limit);
  }
  void lockExternal(Id job, const std::string& worker, std::int64_t expires) override {
    return store::lockExternal(c_, job, worker, expires);
  }
  std::vector<ExternalTask> externalTasksOf(Id instance) override { return store::externalTasksOf(c_, instance); }
  std::vector<MessageWaiter> messageWaiters(const std::string& name, const std::string& businessKey,
                                            Id instance) override {
    return store::messageWaiters(c_, name, businessKey, instance);
  }
  std::vector<Id> signalReceivers(const std::string& name) override { return store::signalReceivers(c_, name); }
  void bufferMessage(const std::string& name, const std::string& businessKey, const Variables& variables,
                     std::int64_t now, std::int64_t expiresAt) override {
    return store::bufferMessage(c_, name, businessKey, variables, now, expiresAt);
  }
  std::optional<Variables> takeBufferedMessage(const std::string& name, const std::string& businessKey,
                                               std::int64_t now) override {
    return store::takeBufferedMessage(c_, name, businessKey, now);
  }
  void saveUser(const User& u) override { return store::saveUser(c_, u); }
  void saveDepartment(const Department& d) override { return store::saveDepartment(c_, d); }
  void saveRole(const std::string& id, const std::string& name) override { return store::saveRole(c_, id, name); }
  std::optional<User> userById(const std::string& id) override { return store::userById(c_, id); }
  std::optional<Department> departmentById(const std::string& id) override { return store::departmentById(c_, id); }
  std::vector<std::string> usersWithRole(const std::string& role) override { return store::usersWithRole(c_, role); }
  std::vector<std::string> usersInDepartment(const std::string& department) override {
    return store::usersInDepartment(c_, department);
  }
  std::vector<InboxMessage> inboxOf(const std::string& user, bool unreadOnly, int offset, int limit,
                                    const std::string& type) override {
    return store::inboxOf(c_, user, unreadOnly, offset, limit, type);
  }
  std::map<std::string, std::int64_t> inboxCounts(const std::string& user) override {
    return store::inboxCounts(c_, user);
  }
  bool markRead(Id message, const std::string& user, bool read, std::int64_t now) override {
    return store::markRead(c_, message, user, read, now);
  }
  void addInbox(const std::string& user, const std::string& type, Id instance, Id task, const std::string& title,
                std::int64_t now) override {
    return store::addInbox(c_, user, type, instance, task, title, now);
  }
  void addPendingChoice(const PendingChoice& p) override { store::addPendingChoice(c_, p); }
  std::optional<PendingChoice> pendingChoice(Id id) override { return store::pendingChoice(c_, id); }
  void deletePendingChoices(Id task) override { store::deletePendingChoices(c_, task); }
  std::int64_t countOperations(Id task, const std::string& action, std::int64_t since) override {
    return store::countOperations(c_, task, action, since);
  }
  UserLists listsOf(const std::string& user, const std::vector<std::string>& roles) override {
    return store::listsOf(c_, user, roles);
  }
  Id addEntrustment(const std::string& from, const std::string& to, const std::vector<std::string>& processes,
                    std::int64_t validFrom, std::int64_t validUntil, std::int64_t now) override {
    return store::addEntrustment(c_, from, to, processes, validFrom, validUntil, now);
  }
  int cancelEntrustments(const std::string& from, const std::string& to, std::int64_t now) override {
    return store::cancelEntrustments(c_, from, to, now);
  }
  std::optional<std::string> entrustee(const std::string& user, const std::string& processKey,
                                       std::int64_t now) override {
    return store::entrustee(c_, user, processKey, now);
  }
  void saveForm(Id definition, const std::string& formKey, const std::string& schema) override {
    return store::saveForm(c_, definition, formKey, schema);
  }
  std::optional<std::string> formSchema(Id definition, const std::string& formKey) override {
    return store::formSchema(c_, definition, formKey);
  }
  void failExternalJob(Id job, const std::string& message, int retries, std::int64_t dueAt) override {
    return store::failExternalJob(c_, job, message, retries, dueAt);
  }
  void insertIncident(Id instance, Id job, const std::string& element, const std::string& message,
                      std::int64_t at) override {
    return store::insertIncident(c_, instance, job, element, message, at);
  }
  void markInstanceDeleted(Id instance) override {
    if (cache_) cache_->erase(instance);
    return store::markInstanceDeleted(c_, instance);
  }
  std::vector<std::tuple<Id, std::string, Id>> listRows(const ListQuery& q,
                                                        const std::vector<std::string>& roles) override {
    return store::listRows(c_, q, roles);
  }
  std::int64_t countList(const ListQuery& q, const std::vector<std::string>& roles) override {
    return store::countList(c_, q, roles);
  }
  void deleteInstanceRows(Id instance, bool keepHistory) override {
    if (cache_) cache_->erase(instance);
    return store::deleteInstanceRows(c_, instance, keepHistory);
  }
  int countJobs(Id instance) override { return store::countJobs(c_, instance); }
  int countIncidents(Id instance) override { return store::countIncidents(c_, instance); }
  void saveWorkTemplate(const WorkTemplate& t) override { store::saveWorkTemplate(c_, t); }
  std::optional<WorkTemplate> workTemplate(const std::string& code) override { return store::workTemplate(c_, code); }
  std::optional<WorkTemplate> workTemplateByName(const std::string& tenant, const std::string& name) override {
    return store::workTemplateByName(c_, tenant, name);
  }
  void markWorkTemplateDeleted(const std::string& code, std::int64_t now) override {
    store::markWorkTemplateDeleted(c_, code, now);
  }
  void insertWorkRecord(const WorkRecord& r) override { store::insertWorkRecord(c_, r); }
  std::optional<WorkRecord> workRecordById(Id id) override { return store::workRecordById(c_, id); }
  void setWorkRecordState(Id id, const std::string& state, const std::string& result, std::int64_t at) override {
    store::setWorkRecordState(c_, id, state, result, at);
  }
  std::vector<Id> runningWorkRecords(const std::string& code) override { return store::runningWorkRecords(c_, code); }
  void insertWorkTodo(const WorkTodo& t) override { store::insertWorkTodo(c_, t); }
  std::optional<WorkTodo> workTodoById(Id id) override { return store::workTodoById(c_, id); }
  void setWorkTodoState(Id id, const std::string& state, const std::string& result, std::int64_t at) override {
    store::setWorkTodoState(c_, id, state, result, at);
  }
  std::vector<WorkTodo> workTodosOf(Id record) override { return store::workTodosOf(c_, record); }
  std::vector<WorkTodo> userWorkTodos(const std::string& user, const std::string& state, int offset,
                                      int limit) override {
    return store::userWorkTodos(c_, user, state, offset, limit);
  }
  std::int64_t countUserWorkTodos(const std::string& user, const std::string& state) override {
    return store::countUserWorkTodos(c_, user, state);
  }
  void replaceStartSubscriptions(const std::string& key, Id definition,
                                 const std::vector<StartSubscription>& subscriptions) override {
    store::replaceStartSubscriptions(c_, key, definition, subscriptions);
  }
  std::vector<StartSubscription> startSubscriptions(const std::string& kind, const std::string& name) override {
    return store::startSubscriptions(c_, kind, name);
  }
  bool startSubscriptionsPending() override { return store::startSubscriptionsPending(c_); }
  void startSubscriptionsRegistered() override { store::startSubscriptionsRegistered(c_); }

  Id insertDeployment(const DeploymentRecord& d) override { return store::insertDeployment(c_, d); }
  std::vector<DeploymentRecord> listDeployments(bool includeDeleted) override {
    return store::listDeployments(c_, includeDeleted);
  }
  std::optional<DeploymentRecord> deploymentById(Id id) override { return store::deploymentById(c_, id); }
  std::optional<Definition> definitionInDeploymentOf(Id of, const std::string& key) override {
    return store::definitionInDeploymentOf(c_, of, key);
  }
  void markDeploymentDeleted(Id id) override { return store::markDeploymentDeleted(c_, id); }
  std::map<Id, Engine::DefinitionOrigin> definitionOrigins() override { return store::definitionOrigins(c_); }
  std::vector<User> listUsers() override { return store::listUsers(c_); }
  void deleteUserRows(const std::string& id) override { return store::deleteUserRows(c_, id); }
  std::vector<std::pair<std::string, std::string>> listRoles() override { return store::listRoles(c_); }
  void deleteRoleRows(const std::string& id) override { return store::deleteRoleRows(c_, id); }
  void saveTenant(const Tenant& t) override { return store::saveTenant(c_, t); }
  std::vector<Tenant> listTenants() override { return store::listTenants(c_); }
  bool deleteTenant(const std::string& id) override { return store::deleteTenant(c_, id); }
  void setPasswordHash(const std::string& user, const std::string& hash) override {
    return store::setPasswordHash(c_, user, hash);
  }
  std::string passwordHash(const std::string& user) override { return store::passwordHash(c_, user); }
  Id insertApiToken(const std::string& user, const std::string& name, const std::string& hash,
                    std::int64_t now) override {
    return store::insertApiToken(c_, user, name, hash, now);
  }
  std::optional<ApiToken> apiTokenByHash(const std::string& hash) override { return store::apiTokenByHash(c_, hash); }
  std::vector<ApiToken> listApiTokens(const std::string& user) override { return store::listApiTokens(c_, user); }
  bool revokeApiToken(Id id, std::int64_t now) override { return store::revokeApiToken(c_, id, now); }
  std::vector<JobInfo> listJobs(Id instance) override { return store::listJobs(c_, instance); }
  bool setJobRetries(Id job, int retries) override { return store::setJobRetries(c_, job, retries); }
  void setJobDue(Id job, std::int64_t due) override { return store::setJobDue(c_, job, due); }
  std::optional<JobInfo> jobById(Id job) override { return store::jobById(c_, job); }
  void makeJobDue(Id job, std::int64_t now) override { return store::makeJobDue(c_, job, now); }
  std::vector<ExternalTask> listExternalTasks() override { return store::listExternalTasks(c_); }
  std::vector<Incident> listIncidents() override { return store::listIncidents(c_); }
  void setExternalLock(Id job, std::int64_t expires) override { return store::setExternalLock(c_, job, expires); }
  void unlockExternal(Id job) override { return store::unlockExternal(c_, job); }

 private:
  Connection& c_;
  InstanceCache* cache_;       // the writer's, on SQLite
  LatestDefinitions* latest_;  // likewise
  DeferredRollups* rollups_;   // likewise
  std::optional<TableIds> ids_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const StoreOptions& o)
      : db_(o.path, o.fullSync, o.readers),
        // Group commit only where reads have connections of their own.
        groupCommit_(db_.writer(), db_.writeMutex(), !db_.inMemory(), 64, o.fullSync && !db_.inMemory()) {
    // FULL: the group commit fsyncs the WAL itself, outside the writer, before any command returns.
    if (o.fullSync && !db_.inMemory()) db_.writer().exec("PRAGMA synchronous=NORMAL");
    groupCommit_.onRollback([this] {
      forget();
      rollups_.clear();  // the batch's changes went with it
    });
    groupCommit_.onSucceeded([this] { rollups_.batch.take(rollups_.command); });
    groupCommit_.beforeCommit([this] { rollups_.batch.apply(db_.writer()); });
    // Under NORMAL the log's checkpoints on a thread of their own, at 16 MiB of log: each costs
    // the writer a wait for two syncs at its end, a quarter as often as at SQLite's usual 4 MiB
    // (one caller, 40,000 commands: 35 waits, 77-100 ms in all, against 127 and 204-220 ms).
    // Not under FULL: there every batch fsyncs the log, and the checkpointer's writes to the
    // file made those fsyncs wait (8 callers: 4,234-7,693 commands/s against 8,917-9,142 with
    // SQLite's own checkpoints, in the same minutes), so SQLite checkpoints inside a COMMIT.
    if (!db_.inMemory() && !o.fullSync)
      checkpointer_ = std::make_unique<Checkpointer>(o.path, db_.writer(), db_.writeMutex(), 16000);
  }

  void command(const std::function<void(Session&)>& body) override {
    try {
      groupCommit_.run([&] {
        // Another connection (another engine, another process) committed: what we cached may be stale.
        auto& v = db_.writer().prepare("PRAGMA data_version");
        v.step();
        const auto version = v.int64(0);
        v.reset();
        if (version != dataVersion_) forget();
        dataVersion_ = version;
        // What a command that failed left (in its body, or at its savepoint's release) goes here.
        rollups_.command.clear();
        SqlSession s(db_.writer(), true, &cache_, &ids_, &latest_, &rollups_);
        try {
          body(s);
        } catch (...) {
          forget();  // what it saved is rolled back
          throw;
        }
      });
    } catch (...) {
      // Its batch may have rolled back with it (a failed COMMIT): nothing cached is sure.
      std::lock_guard lock(db_.writeMutex());
      forget();
      throw;
    }
  }

  void read(const std::function<void(Session&)>& body) override {
    Database::Lease lease(db_);
    SqlSession s(*lease, false);
    if (db_.inMemory()) return body(s);
    Snapshot snapshot(*lease);  // every statement of the read sees the same committed state
    body(s);
  }

  bool inMemory() const override { return db_.inMemory(); }

 private:
  Database db_;
  GroupCommit groupCommit_;
  // What the writer remembers of its own writes; forgotten together.
  void forget() {
    cache_.clear();
    ids_.known = false;
    latest_.clear();
  }

  InstanceCache cache_;  // used with the writer held
  IdHighWater ids_;      // likewise
  LatestDefinitions latest_;  // likewise: the newest version of each key started lately
  DeferredRollups rollups_;   // likewise: rollup changes of the batch, written at its commit
  std::unique_ptr<Checkpointer> checkpointer_;  // files only; goes before the connections
  std::int64_t dataVersion_ = -1;
};

// Several processes, one database: each command is one transaction in READ COMMITTED; the
// revision check on instances and row locks (jobs: FOR UPDATE SKIP LOCKED) decide races.
// One command at a time per process, as with SQLite's single writer: the engine's command
// context is per process; processes, not threads, are what scales out.
class PgStore final : public Store {
 public:
  static constexpr int kAttempts = 5;

  explicit PgStore(const StoreOptions& o)
      : target_(parsePostgresUrl(o.path)), synchronousCommit_(o.fullSync), readers_(std::max(1, o.readers)) {
    writer_ = connectRetrying(true);
    migrate(*writer_);
  }

  void command(const std::function<void(Session&)>& body) override {
    std::lock_guard lock(writeMutex_);
    for (int attempt = 1;; ++attempt) {
      bool committing = false;
      try {
        if (!writer_ || writer_->broken()) writer_ = connect(false);
        Transaction tx(*writer_);
        SqlSession s(*writer_, true);
        body(s);
        committing = true;
        tx.commit();
        return;
      } catch (const TransientError& e) {
        // A connection lost in COMMIT leaves the outcome unknown: never run the command twice.
        if (committing && writer_ && writer_->broken())
          throw Error(ErrorCode::io_error,
                      std::string("the connection to PostgreSQL was lost while committing; the command's outcome "
                                  "is unknown: ") +
                          e.what());
        if (attempt >= kAttempts) giveUp(e, attempt);
        backoff(attempt);
      }
    }
  }

  void read(const std::function<void(Session&)>& body) override {
    for (int attempt = 1;; ++attempt) {
      try {
        Lease lease(*this);
        Snapshot snapshot(*lease.conn);
        SqlSession s(*lease.conn, false);
        body(s);
        return;
      } catch (const TransientError& e) {
        // A lost connection usually means all were lost (the server restarted, a failover):
        // the idle ones are not tried one by one.
        {
          std::lock_guard lock(poolMutex_);
          idle_.clear();
        }
        if (attempt >= kAttempts) giveUp(e, attempt);
        backoff(attempt);
      }
    }
  }

  bool inMemory() const override { return false; }

 private:
  std::unique_ptr<PgConnection> connect(bool createSchema) {
    return std::make_unique<PgConnection>(target_.conninfo, target_.schema, createSchema, synchronousCommit_);
  }
  // At start the database may be a moment away (several servers and PostgreSQL started together).
  std::unique_ptr<PgConnection> connectRetrying(bool createSchema) {
    for (int attempt = 1;; ++attempt) try {
        return connect(createSchema);
      } catch (const TransientError& e) {
        if (attempt >= kAttempts) throw Error(ErrorCode::io_error, e.what());
        backoff(attempt);
      }
  }
  [[noreturn]] static void giveUp(const TransientError& e, int attempts) {
    std::string why = e.what();
    // A unique key two processes raced for, still taken after the retries: a conflict.
    ErrorCode code = why.find("[23505]") != std::string::npos ? ErrorCode::conflict : ErrorCode::busy;
    throw Error(code, "PostgreSQL: " + why + " (after " + std::to_string(attempts) + " attempts)");
  }
  static void backoff(int attempt) {
    thread_local std::minstd_rand rng(std::random_device{}());
    int ms = (1 << std::min(attempt, 6)) + static_cast<int>(rng() % 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }

  struct Lease {
    PgStore& store;
    std::unique_ptr<PgConnection> conn;
    explicit Lease(PgStore& s) : store(s) {
      {
        std::lock_guard lock(s.poolMutex_);
        if (!s.idle_.empty()) {
          conn = std::move(s.idle_.back());
          s.idle_.pop_back();
        }
      }
      if (!conn || conn->broken()) conn = s.connect(false);
    }
    ~Lease() {
      if (!conn || conn->broken()) return;
      std::lock_guard lock(store.poolMutex_);
      if (static_cast<int>(store.idle_.size()) < store.readers_) store.idle_.push_back(std::move(conn));
    }
  };

  PgTarget target_;
  bool synchronousCommit_;
  int readers_;
  std::mutex writeMutex_;
  std::unique_ptr<PgConnection> writer_;
  std::mutex poolMutex_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
};

}  // namespace

std::unique_ptr<Store> openStore(const StoreOptions& options) {
  if (isPostgresUrl(options.path)) return std::make_unique<PgStore>(options);
  return std::make_unique<SqliteStore>(options);
}

}  // namespace ordo::store
