// The state of one process instance while a command works on it: loaded from
// the store, changed by the agenda, written back in one transaction.
//
// Rows carry isNew/dirty/removed marks so that saving writes only what changed.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <ordo/engine.hpp>
#include <set>
#include <string>
#include <vector>

namespace ordo::runtime {

enum class TokenState : unsigned char {
  active,   // moving; never saved in this state
  waiting,  // at a wait state (user task, external task, timer, receive ...)
  joining,  // arrived at a join gateway, waiting for the others
  scope,    // a container: the process, a subprocess, a multi-instance body
};
const char* toString(TokenState s);
TokenState tokenStateFrom(const std::string& s);

struct Token {
  Id id = 0;
  Id parent = 0;        // the scope token it runs in; 0 for the process token
  std::string element;  // the flow node (or the process id for the process token)
  TokenState state = TokenState::active;
  boost::json::object data;  // behaviour state: arrival flow at a join, loop counters ...
  bool isNew = false, dirty = false, removed = false;
};

// The runtime's own rows: the public API (ordo::Instance, ordo::Task, ordo::HistoryEntry)
// is mapped from them at the command layer (command/records.hpp), so that it can change
// without touching the agenda. The state vocabulary is shared: Instance::State, Task::State.
struct InstanceRecord {
  Id id = 0;
  Id definitionId = 0;
  std::string definitionKey;
  int definitionVersion = 0;
  Id parentId = 0, parentTokenId = 0;
  std::string businessKey, initiator, tenant;
  Instance::State state = Instance::State::running;
  std::int64_t startedAt = 0, endedAt = 0;
  std::int64_t revision = 0;
};

struct TaskRecord {
  Id id = 0;
  Id instanceId = 0;
  std::string elementId, name;
  std::string assignee, owner;
  std::vector<std::string> candidateUsers, candidateGroups;
  Task::State state = Task::State::open;
  std::string formKey;
  int priority = 50;
  std::int64_t createdAt = 0, endedAt = 0, dueAt = 0;
  std::string completedBy;
  std::string delegation;  // pending while delegated, resolved after; empty otherwise
};

// A line of history this command writes.
struct HistoryRecord {
  Id id = 0;
  Id instanceId = 0;
  std::int64_t at = 0;
  std::string kind;
  std::string elementId, elementType;
  Id taskId = 0;
  std::string actor, comment;
  std::string action;
  std::vector<std::string> targets;
};

struct TaskRow {
  TaskRecord task;
  Id tokenId = 0;
  bool isNew = false, dirty = false;
  // What the store holds of the columns the analytics count (saving takes back what they counted).
  Task::State storedState = Task::State::open;
  std::int64_t storedEndedAt = 0;
  std::string storedCompletedBy;
};

struct JobRow {
  Id id = 0;
  Id tokenId = 0;
  std::string kind;  // timer, external
  std::string element, topic;
  std::int64_t dueAt = 0;
  std::string lockOwner;
  std::int64_t lockExpires = 0;
  int retries = 3;
  std::string error;
  boost::json::object data;
  bool isNew = false, dirty = false, removed = false;
};

// A token waiting for a message or signal by name.
struct SubscriptionRow {
  Id id = 0;
  Id tokenId = 0;
  std::string kind;     // message, signal
  std::string name;     // the message or signal name
  std::string element;  // the catching event, receive task or boundary event
  bool isNew = false, removed = false;
  bool createdNow = false;  // by the command running now (isNew is cleared by saving)
};

struct InboxRow {
  std::string user, type;  // todo, cc, urge, ended
  Id taskId = 0;
  std::string title;
  std::int64_t createdAt = 0;
};

struct InstanceState {
  InstanceRecord row;
  bool isNew = false, rowDirty = false;
  // The row's state and end as the store holds them (saving takes back what they counted).
  Instance::State storedState = Instance::State::running;
  std::int64_t storedEndedAt = 0;
  std::map<Id, Token> tokens;
  std::map<Id, boost::json::object> variables;  // by scope token id
  std::set<std::pair<Id, std::string>> dirtyVariables;
  std::vector<TaskRow> tasks;  // open tasks, plus those changed by this command
  std::vector<JobRow> jobs;
  std::vector<SubscriptionRow> subscriptions;
  std::vector<HistoryRecord> history;  // new entries only
  std::vector<InboxRow> inbox;        // messages this command sends

  Token* token(Id id);
  Token& rootToken();
  std::vector<Token*> children(Id parent);
};

// Hands out row ids inside the running write transaction.
class IdSource {
 public:
  virtual ~IdSource() = default;
  virtual Id next(const char* table) = 0;
};

}  // namespace ordo::runtime
