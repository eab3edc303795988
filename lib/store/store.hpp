// The SQLite store: Ordo's tables in SQL, behind plain functions, each on the
// connection it is given. Only lib/store includes this; the rest of the engine sees
// the backend-neutral interface in store/session.hpp (SqliteSession forwards to these).
#pragma once

#include <array>
#include <cstring>
#include <tuple>

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ordo/engine.hpp>
#include <vector>

#include "runtime/state.hpp"
#include "store/session.hpp"
#include "store/sqlite.hpp"

namespace ordo::store {

// One writer connection and a pool of readers on the same file.
class Database {
 public:
  Database(const std::string& path, bool fullSync, int readers);
  SqliteConnection& writer() { return *writer_; }
  std::mutex& writeMutex() { return writeMutex_; }
  bool inMemory() const { return inMemory_; }

  // A reader connection for the duration of the lease; on ":memory:" the writer, under the write mutex.
  class Lease {
   public:
    Lease(Database& db);
    ~Lease();
    SqliteConnection& operator*() { return *conn_; }
    SqliteConnection* operator->() { return conn_; }

   private:
    Database& db_;
    SqliteConnection* conn_ = nullptr;
    std::unique_lock<std::mutex> writeLock_;
  };

 private:
  std::string path_;
  bool inMemory_ = false;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex writeMutex_;
  std::mutex poolMutex_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

// The ids the writer holds between its commands, so that a command reads no id_next it wrote
// itself and most write none: per table the highest id handed out and the end of the block it
// reserved in id_next (kIdBlock ids at a time, as Camunda's id generator does). Owned by the store
// beside its instance cache and forgotten with it (another connection committed, a command
// failed): the next command reads id_next again and starts past every block reserved, so a
// block's unused ids are skipped, never given twice, and ids still rise in commit order.
struct IdHighWater {
  std::array<Id, 7> high{};
  std::array<Id, 7> reserved{};
  bool known = false;
};

// Row ids inside the write transaction, never given twice (not even after the row is
// deleted): id_next's one row holds, per table, the end of the last block reserved, read at a
// command's first id (or taken from `remembered`); flush() writes it back in the same
// transaction when the command reserved a block.
class TableIds : public runtime::IdSource {
 public:
  static constexpr Id kIdBlock = 100;
  explicit TableIds(Connection& c, IdHighWater* remembered = nullptr) : c_(c), remembered_(remembered) {}
  Id next(const char* table) override;
  void flush();

 private:
  Connection& c_;
  IdHighWater* remembered_;
  static constexpr std::array<const char*, 7> kTables = {"instances",     "tokens",          "tasks",  "jobs",
                                                         "subscriptions", "pending_choices", "history"};
  static_assert(kTables.size() == std::tuple_size_v<decltype(IdHighWater::high)>, "one high-water mark a table");
  std::array<Id, kTables.size()> high_{}, reserved_{};
  bool read_ = false, taken_ = false, reserving_ = false;
};

// Definitions
std::optional<Definition> findDefinition(Connection& c, const std::string& key, const std::string& hash);
std::optional<Definition> latestDefinition(Connection& c, const std::string& key);
std::optional<Definition> definitionById(Connection& c, Id id);
std::string definitionXml(Connection& c, Id id);
int maxVersion(Connection& c, const std::string& key);
void insertDefinition(Connection& c, Definition& d, const std::string& xml);
std::vector<Definition> listDefinitions(Connection& c);
void setDefinitionSuspended(Connection& c, Id id, bool suspended);
void setDefinitionPublication(Connection& c, Id id, Definition::Publication p);

// Instances
std::optional<Instance> instanceById(Connection& c, Id id);
class InstanceCache;
// false: no such instance. With the writer's cache: its entry stands in for the rows (but for jobs,
// when the instance has some), instance_cache.hpp says why.
bool loadInstance(Connection& c, Id id, runtime::InstanceState& out, const InstanceCache* cache = nullptr);
// Writes what changed; fails with conflict when the revision moved since loading. With `cache`,
// the cache keeps what a load would now read back. History ids come from `ids` (SQLite; without,
// from id_next directly). With `deferred`, the rollup changes are added to it, not written.
class RollupChange;
void saveInstance(Connection& c, runtime::InstanceState& s, InstanceCache* cache = nullptr,
                  runtime::IdSource* ids = nullptr, RollupChange* deferred = nullptr);
std::vector<Instance> queryInstances(Connection& c, const InstanceQuery& q);
std::int64_t countInstances(Connection& c, const InstanceQuery& q);  // offset and limit ignored
std::vector<Id> childInstances(Connection& c, Id parent);
std::optional<Definition> definitionVersion(Connection& c, const std::string& key, int version);

// Tasks, history, jobs
std::optional<Task> taskById(Connection& c, Id id, Id* instanceId = nullptr);
std::vector<Task> queryTasks(Connection& c, const TaskQuery& q);
std::int64_t countTasks(Connection& c, const TaskQuery& q);
std::vector<HistoryEntry> historyOf(Connection& c, Id instance);
std::vector<std::string> waitingElements(Connection& c, Id instance);
Variables processVariables(Connection& c, Id instance);
std::vector<DueJob> dueTimers(Connection& c, std::int64_t now, int limit);
// Locks up to `limit` due timer and async jobs for `owner` until now + lockMillis (one statement,
// inside the write transaction: two engines on one file never get the same job).
std::vector<DueJob> acquireJobs(Connection& c, const std::string& owner, std::int64_t now, std::int64_t lockMillis,
                                int limit);
// The instance of a job still locked by `owner`, if it is.
std::optional<Id> lockedJob(Connection& c, Id job, const std::string& owner);
// Records a failed attempt: one retry less, retried after the job's delay; at none left, an incident.
void failJob(Connection& c, Id job, const std::string& message, std::int64_t now);
std::vector<Incident> incidentsOf(Connection& c, Id instance);
// Gives the job of an open incident `retries` more attempts, due now, and resolves the incident.
void resolveIncident(Connection& c, Id incident, int retries, std::int64_t now);
std::optional<std::int64_t> nextJobDue(Connection& c);

void insertStartJob(Connection& c, Id definition, const std::string& element, std::int64_t due,
                    const boost::json::object& data);
// Removes the timer start jobs of every other version of `key`: a new version replaces them.
void removeStartJobs(Connection& c, const std::string& key, Id keep);
std::optional<StartJob> startJob(Connection& c, Id job);
void rescheduleStartJob(Connection& c, Id job, std::int64_t due, const boost::json::object& data);
void deleteJob(Connection& c, Id job);
std::optional<Id> jobInstance(Connection& c, Id jobId, const char* kind);
std::vector<std::pair<Id, Id>> lockableExternal(Connection& c, const std::string& topic, std::int64_t now, int limit);
void lockExternal(Connection& c, Id job, const std::string& worker, std::int64_t expires);
std::vector<ExternalTask> externalTasksOf(Connection& c, Id instance);
// Subscriptions waiting for message `name`, of running instances, narrowed by business key and instance when given.
std::vector<MessageWaiter> messageWaiters(Connection& c, const std::string& name, const std::string& businessKey,
                                          Id instance);
// Running instances with a subscription to signal `name`.
std::vector<Id> signalReceivers(Connection& c, const std::string& name);
void bufferMessage(Connection& c, const std::string& name, const std::string& businessKey, const Variables& variables,
                   std::int64_t now, std::int64_t expiresAt);
// Takes (deletes and returns) the oldest unexpired buffered message `name` for an instance with `businessKey`.
std::optional<Variables> takeBufferedMessage(Connection& c, const std::string& name, const std::string& businessKey,
                                             std::int64_t now);
// Message and signal start events: the latest version of `key` replaces the earlier versions' ones.
void replaceStartSubscriptions(Connection& c, const std::string& key, Id definition,
                               const std::vector<StartSubscription>& subscriptions);
// The start events waiting for `kind` ("message", "signal") `name`, by definition key.
std::vector<StartSubscription> startSubscriptions(Connection& c, const std::string& kind, const std::string& name);
// True once after schema 10 until the start events of earlier deploys are registered.
bool startSubscriptionsPending(Connection& c);
void startSubscriptionsRegistered(Connection& c);
// Identity (the engine's own directory), inboxes and lists.
void saveUser(Connection& c, const User& u);
void saveDepartment(Connection& c, const Department& d);
void saveRole(Connection& c, const std::string& id, const std::string& name);
std::optional<User> userById(Connection& c, const std::string& id);
std::optional<Department> departmentById(Connection& c, const std::string& id);
std::vector<std::string> usersWithRole(Connection& c, const std::string& role);
std::vector<std::string> usersInDepartment(Connection& c, const std::string& department);
std::vector<InboxMessage> inboxOf(Connection& c, const std::string& user, bool unreadOnly, int offset, int limit,
                                  const std::string& type = {});
std::map<std::string, std::int64_t> inboxCounts(Connection& c, const std::string& user);
bool markRead(Connection& c, Id message, const std::string& user, bool read, std::int64_t now);
void addInbox(Connection& c, const std::string& user, const std::string& type, Id instance, Id task,
              const std::string& title, std::int64_t now);
std::int64_t countOperations(Connection& c, Id task, const std::string& action, std::int64_t since);
// choices.cpp: the two-phase next-approver choices.
void addPendingChoice(Connection& c, const PendingChoice& p);
std::optional<PendingChoice> pendingChoice(Connection& c, Id id);
void deletePendingChoices(Connection& c, Id task);
UserLists listsOf(Connection& c, const std::string& user, const std::vector<std::string>& roles);
Id addEntrustment(Connection& c, const std::string& from, const std::string& to,
                  const std::vector<std::string>& processes, std::int64_t validFrom, std::int64_t validUntil,
                  std::int64_t now);
int cancelEntrustments(Connection& c, const std::string& from, const std::string& to, std::int64_t now);
// Whom `user`'s new tasks of `processKey` go to at `now`, if anyone.
std::optional<std::string> entrustee(Connection& c, const std::string& user, const std::string& processKey,
                                     std::int64_t now);
void saveForm(Connection& c, Id definition, const std::string& formKey, const std::string& schema);
std::optional<std::string> formSchema(Connection& c, Id definition, const std::string& formKey);
// Removes an instance and everything it has; with keepHistory its row and history stay.
// An external task's failed attempt: its retries left and when it may be fetched again.
void failExternalJob(Connection& c, Id job, const std::string& message, int retries, std::int64_t dueAt);
void insertIncident(Connection& c, Id instance, Id job, const std::string& element, const std::string& message,
                    std::int64_t at);
// An ended instance kept for the record as "deleted".
void markInstanceDeleted(Connection& c, Id instance);
// A user's list: (instance, process name, task or 0) rows, and how many match.
std::vector<std::tuple<Id, std::string, Id>> listRows(Connection& c, const ListQuery& q,
                                                      const std::vector<std::string>& roles);
std::int64_t countList(Connection& c, const ListQuery& q, const std::vector<std::string>& roles);
void deleteInstanceRows(Connection& c, Id instance, bool keepHistory);
int countJobs(Connection& c, Id instance);
int countIncidents(Connection& c, Id instance);

// Work driven from outside (store/work.cpp, schema 14).
void saveWorkTemplate(Connection& c, const WorkTemplate& t);
std::optional<WorkTemplate> workTemplate(Connection& c, const std::string& code);
std::optional<WorkTemplate> workTemplateByName(Connection& c, const std::string& tenant, const std::string& name);
void markWorkTemplateDeleted(Connection& c, const std::string& code, std::int64_t now);
void insertWorkRecord(Connection& c, const WorkRecord& r);
std::optional<WorkRecord> workRecordById(Connection& c, Id id);
void setWorkRecordState(Connection& c, Id id, const std::string& state, const std::string& result, std::int64_t at);
std::vector<Id> runningWorkRecords(Connection& c, const std::string& templateCode);
void insertWorkTodo(Connection& c, const WorkTodo& t);
std::optional<WorkTodo> workTodoById(Connection& c, Id id);
void setWorkTodoState(Connection& c, Id id, const std::string& state, const std::string& result, std::int64_t at);
std::vector<WorkTodo> workTodosOf(Connection& c, Id record);
std::vector<WorkTodo> userWorkTodos(Connection& c, const std::string& user, const std::string& state, int offset,
                                    int limit);
std::int64_t countUserWorkTodos(Connection& c, const std::string& user, const std::string& state);

}  // namespace ordo::store
