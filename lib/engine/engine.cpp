// ordo::Engine: commands (one write transaction each) and queries (reader connections).
#include <algorithm>
#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <condition_variable>
#include <deque>
#include <sstream>
#include <thread>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <ordo/engine.hpp>
#include <shared_mutex>
#include <unordered_map>

#include "jobs/iso8601.hpp"
#include "parse/parser.hpp"
#include "runtime/execution.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"

namespace ordo {

const char* toString(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::parse_error: return "parse_error";
    case ErrorCode::expression_error: return "expression_error";
    case ErrorCode::no_outgoing_flow: return "no_outgoing_flow";
    case ErrorCode::wrong_state: return "wrong_state";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::limit_exceeded: return "limit_exceeded";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::unhandled_bpmn_error: return "unhandled_bpmn_error";
    case ErrorCode::service_failed: return "service_failed";
    case ErrorCode::busy: return "busy";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::interrupted: return "interrupted";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

std::int64_t SystemClock::nowMillis() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

// FNV-1a, 64 bit: a stable fingerprint of deployed XML (std::hash is not stable across builds).
std::string fingerprint(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf) + "-" + std::to_string(text.size());
}

std::string summarize(const std::vector<Diagnostic>& ds) {
  std::string out;
  int errors = 0;
  for (const auto& d : ds) {
    if (d.severity != Severity::error) continue;
    if (++errors == 1) {
      out = d.message;
      if (d.line) out = "line " + std::to_string(d.line) + ": " + out;
    }
  }
  if (errors > 1) out += " (and " + std::to_string(errors - 1) + " more)";
  return "invalid BPMN model: " + out;
}

}  // namespace

struct Engine::Impl : runtime::Environment {
  EngineOptions options;
  std::shared_ptr<Clock> clock;
  store::Database db;

  mutable std::mutex cacheMutex;
  std::unordered_map<Id, std::shared_ptr<const runtime::DeployedProcess>> cache;

  std::atomic<bool> interruptRequested{false};
  mutable std::mutex listenersMutex;
  std::vector<std::pair<int, std::shared_ptr<Engine::Listener>>> listeners;
  int nextListener = 1;
  // History written by the command running on this thread, announced after it commits.
  static thread_local std::vector<HistoryEntry> written;
  // Signals thrown inside the running command, broadcast before it commits.
  static thread_local std::vector<std::pair<std::string, Id>> thrownSignals;  // name, thrower

  mutable std::shared_mutex handlersMutex;
  std::unordered_map<std::string, std::shared_ptr<ServiceHandler>> handlers;
  std::vector<std::shared_ptr<ServiceHandler>> replaced;  // kept alive: a running command may hold one

  store::GroupCommit groupCommit;

  // Job execution: this engine's lock owner, and the optional executor thread.
  std::string ownerId = "ordo-" + boost::uuids::to_string(boost::uuids::random_generator()());
  std::mutex executorMutex;
  std::condition_variable wakeExecutor;
  std::thread executor;
  bool stopExecutor = false;
  static constexpr std::int64_t kJobLockMillis = 5 * 60 * 1000;


  explicit Impl(const EngineOptions& o)
      : options(o),
        clock(o.clock ? o.clock : std::make_shared<SystemClock>()),
        db(o.path, o.durability == EngineOptions::Durability::full, o.readConnections),
        groupCommit(db.writer(), db.writeMutex(), !db.inMemory()) {}

  const ServiceHandler* serviceHandler(const std::string& name) const override {
    std::shared_lock lock(handlersMutex);
    auto it = handlers.find(name);
    return it == handlers.end() ? nullptr : it->second.get();
  }

  bool interrupted() const override { return interruptRequested.load(std::memory_order_relaxed); }

  void announce() {
    std::vector<std::shared_ptr<Engine::Listener>> current;
    {
      std::lock_guard lock(listenersMutex);
      for (const auto& l : listeners) current.push_back(l.second);
    }
    auto events = std::move(written);
    written.clear();
    for (const auto& l : current)
      for (const auto& e : events) (*l)(e);
  }

  // Delivers `name` to every waiting instance and starts the processes with that signal
  // start event; signals these throw in turn are delivered too, in the same transaction.
  int broadcast(store::Connection& c, const std::string& name, const Variables& variables, Id thrower = 0) {
    int received = 0;
    for (Id instance : store::signalReceivers(c, name))
      if (instance != thrower)  // the thrower caught its own signal while throwing it
        onInstance(c, instance, {}, [&](runtime::Execution& ex) { received += ex.deliverSignal(name, variables); });
    std::map<std::string, Definition> latest;
    for (const auto& d : store::listDefinitions(c)) latest[d.key] = d;
    for (const auto& [key, def] : latest) {
      auto dp = deployed(c, def.id);
      for (const auto* s : dp->process->scope.startEvents())
        for (const auto& e : s->events)
          if (e.type == model::EventType::signal && dp->model().signalName(e.ref) == name) {
            startInstance(c, *dp, variables, {}, {}, {}, s);
            ++received;
            break;
          }
    }
    return received;
  }

  // What the executions of this command asked of other instances, carried out in the same
  // transaction: child instances of call activities, their ends, cancellations, signals.
  struct CallFrom {
    runtime::CallRequest request;
    Id parent;
    Id parentDefinition;
    std::string initiator, tenant;
  };
  static thread_local std::deque<CallFrom> calls;
  static thread_local std::deque<runtime::ParentNotice> notices;
  static thread_local std::deque<Id> cancels;
  // Row ids for the whole command, so that instances created together never collide.
  static thread_local store::TableIds* commandIds;

  void scheduleStartTimer(store::Connection& c, Id definition, const model::FlowNode& s,
                          const model::EventDefinition& timer, std::int64_t now);
  void fireStartTimer(store::Connection& c, Id jobId);

  // New message subscriptions look for a buffered message first.
  struct NewWait {
    Id instance, subscription;
    std::string name, businessKey;
  };
  static thread_local std::deque<NewWait> newWaits;

  void collect(runtime::Execution& ex, const runtime::InstanceState& st) {
    for (const auto& sub : st.subscriptions)
      if (sub.createdNow && !sub.removed && sub.kind == "message")
        newWaits.push_back({st.row.id, sub.id, sub.name, st.row.businessKey});
    for (const auto& name : ex.signalsThrown) thrownSignals.emplace_back(name, st.row.id);
    for (auto& r : ex.callsRequested) calls.push_back({std::move(r), st.row.id, st.row.definitionId, st.row.initiator, st.row.tenant});
    if (ex.parentNotice) notices.push_back(*ex.parentNotice);
    for (Id child : ex.childrenToCancel) cancels.push_back(child);
  }

  void drainEffects(store::Connection& c) {
    for (int round = 0;; ++round) {
      if (round > 100000) throw Error(ErrorCode::limit_exceeded, "a command kept causing work in other instances: stopped");
      if (!calls.empty()) {
        auto call = std::move(calls.front());
        calls.pop_front();
        startChild(c, call);
      } else if (!notices.empty()) {
        auto notice = std::move(notices.front());
        notices.pop_front();
        onInstance(c, notice.parent, {}, [&](runtime::Execution& ex) { ex.childEnded(notice.parentToken, notice); });
      } else if (!cancels.empty()) {
        Id child = cancels.front();
        cancels.pop_front();
        auto row = store::instanceById(c, child);
        if (row && row->state == "running")
          onInstance(c, child, {}, [&](runtime::Execution& ex) { ex.terminate("its call activity was cancelled"); });
      } else if (!newWaits.empty()) {
        auto wait = std::move(newWaits.front());
        newWaits.pop_front();
        if (auto vars = store::takeBufferedMessage(c, wait.name, wait.businessKey, clock->nowMillis()))
          onInstance(c, wait.instance, {}, [&](runtime::Execution& ex) { ex.correlate(wait.subscription, *vars); });
      } else if (!thrownSignals.empty()) {
        auto [name, thrower] = thrownSignals.front();
        thrownSignals.erase(thrownSignals.begin());
        broadcast(c, name, {}, thrower);
      } else {
        break;
      }
    }
  }

  void startChild(store::Connection& c, const CallFrom& call) {
    const auto& r = call.request;
    std::optional<Definition> def;
    if (r.binding == "version") {
      def = store::definitionVersion(c, r.calledElement, std::atoi(r.version.c_str()));
    } else if (r.binding == "deployment") {
      auto parentDef = store::definitionById(c, call.parentDefinition);
      if (parentDef) def = store::findDefinition(c, r.calledElement, parentDef->hash);
    } else {
      def = store::latestDefinition(c, r.calledElement);
    }
    if (!def)
      throw Error(ErrorCode::not_found, "call activity: no definition '" + r.calledElement + "'" +
                                            (r.binding.empty() ? "" : " (binding " + r.binding + ")") + " is deployed");
    auto dp = deployed(c, def->id);
    startInstance(c, *dp, r.variables, r.businessKey, call.initiator, call.tenant, nullptr, call.parent, r.parentToken,
                  r.childId);
  }

  // Set while this thread runs a command: a handler calling back into the engine
  // would wait for the writer it holds itself.
  static thread_local bool inCommand;

  template <class F>
  auto command(F&& f) {
    if (inCommand)
      throw Error(ErrorCode::wrong_state, "a service-task handler may not call the engine: the command it runs in holds the writer");
    inCommand = true;
    struct Reset {
      ~Reset() { inCommand = false; }
    } reset;
    written.clear();
    auto begin = [&] {
      interruptRequested = false;  // an interrupt stops the command that is running, not the next one
      thrownSignals.clear();
      calls.clear();
      notices.clear();
      cancels.clear();
      newWaits.clear();
    };
    if constexpr (std::is_void_v<decltype(f(db.writer()))>) {
      groupCommit.run([&] {
        begin();
        store::TableIds ids(db.writer());
        commandIds = &ids;
        f(db.writer());
        drainEffects(db.writer());
        commandIds = nullptr;
      });
      announce();
    } else {
      std::optional<decltype(f(db.writer()))> result;
      groupCommit.run([&] {
        begin();
        store::TableIds ids(db.writer());
        commandIds = &ids;
        result.emplace(f(db.writer()));
        drainEffects(db.writer());
        commandIds = nullptr;
      });
      announce();
      return std::move(*result);
    }
  }

  void save(store::Connection& c, runtime::InstanceState& st) {
    bool anyListener;
    {
      std::lock_guard lock(listenersMutex);
      anyListener = !listeners.empty();
    }
    store::saveInstance(c, st);  // gives the history entries their ids
    if (anyListener) written.insert(written.end(), st.history.begin(), st.history.end());
    st.history.clear();
  }

  // Acquires due jobs for `owner` and runs each in a command of its own until none is due.
  int runJobs(const std::string& owner) {
    int succeeded = 0;
    for (int round = 0; round < 10000; ++round) {
      auto due = command([&](store::Connection& c) {
        return store::acquireJobs(c, owner, clock->nowMillis(), kJobLockMillis, 64);
      });
      if (due.empty()) break;
      for (const auto& job : due) {
        if (interruptRequested) throw Error(ErrorCode::interrupted, "running jobs was interrupted");
        try {
          bool ran = command([&](store::Connection& c) {
            if (!store::lockedJob(c, job.id, owner)) return false;  // finished or taken over meanwhile
            if (job.instanceId == 0)
              fireStartTimer(c, job.id);
            else
              onInstance(c, job.instanceId, {}, [&](runtime::Execution& ex) { ex.runJob(job.id); });
            return true;
          });
          succeeded += ran ? 1 : 0;
        } catch (const Error& e) {
          if (e.code() == ErrorCode::interrupted) throw;
          // The job's own command rolled back; record the failed attempt in a command of its own.
          command([&](store::Connection& c) { store::failJob(c, job.id, e.what(), clock->nowMillis()); });
        }
      }
    }
    return succeeded;
  }

  void executorLoop(std::int64_t pollMillis) {
    std::ostringstream owner;
    owner << ownerId << "/executor";
    std::unique_lock lock(executorMutex);
    while (!stopExecutor) {
      lock.unlock();
      try {
        runJobs(owner.str());
      } catch (const std::exception&) {
        // A failing job is recorded by runJobs; anything else (a locked database) is retried next round.
      }
      lock.lock();
      wakeExecutor.wait_for(lock, std::chrono::milliseconds(pollMillis), [&] { return stopExecutor; });
    }
  }

  void stopJobs() {
    {
      std::lock_guard lock(executorMutex);
      stopExecutor = true;
    }
    wakeExecutor.notify_all();
    if (executor.joinable()) executor.join();
  }

  ~Impl() { stopJobs(); }

  template <class F>
  auto read(F&& f) const {
    store::Database::Lease lease(const_cast<store::Database&>(db));
    return f(*lease);
  }

  std::shared_ptr<const runtime::DeployedProcess> deployed(store::Connection& c, Id definitionId) {
    {
      std::lock_guard lock(cacheMutex);
      auto it = cache.find(definitionId);
      if (it != cache.end()) return it->second;
    }
    auto def = store::definitionById(c, definitionId);
    if (!def) throw Error(ErrorCode::not_found, "definition " + std::to_string(definitionId) + " not found");
    auto parsed = parse::parseDefinitions(store::definitionXml(c, definitionId), {ValidationPurpose::execution});
    std::vector<Diagnostic> ds = parsed.diagnostics;
    if (!parsed.definitions || hasErrors(ds))
      throw Error(ErrorCode::internal, "stored definition " + std::to_string(definitionId) + " no longer parses: " +
                                           summarize(ds));
    auto compiled = runtime::CompiledModel::compile(parsed.definitions, ds);
    return remember(*def, compiled);
  }

  std::shared_ptr<const runtime::DeployedProcess> remember(const Definition& def,
                                                          std::shared_ptr<const runtime::CompiledModel> compiled) {
    auto dp = std::make_shared<runtime::DeployedProcess>();
    dp->definition = def;
    dp->compiled = std::move(compiled);
    dp->process = dp->compiled->model->process(def.key);
    if (!dp->process) throw Error(ErrorCode::internal, "definition " + def.key + " lost its process");
    std::lock_guard lock(cacheMutex);
    return cache.emplace(def.id, std::move(dp)).first->second;
  }

  Instance startInstance(store::Connection& c, const runtime::DeployedProcess& dp, const Variables& variables,
                         const std::string& businessKey, const std::string& initiator, const std::string& tenant,
                         const model::FlowNode* startEvent, Id parentId = 0, Id parentToken = 0, Id presetId = 0) {
    auto& ids = *commandIds;
    runtime::InstanceState st;
    st.isNew = true;
    st.row.id = presetId ? presetId : ids.next("instances");
    st.row.parentId = parentId;
    st.row.parentTokenId = parentToken;
    st.row.definitionId = dp.definition.id;
    st.row.definitionKey = dp.definition.key;
    st.row.definitionVersion = dp.definition.version;
    st.row.businessKey = businessKey;
    st.row.initiator = initiator;
    st.row.tenant = tenant;
    st.row.state = "running";
    st.row.startedAt = clock->nowMillis();
    runtime::Execution ex(st, dp, *clock, ids, *this);
    ex.actor = initiator;
    ex.start(variables, initiator, startEvent);
    save(c, st);
    collect(ex, st);
    return st.row;
  }

  // Loads an instance for a command; refuses instances that are not running.
  runtime::InstanceState load(store::Connection& c, Id instanceId) {
    runtime::InstanceState st;
    if (!store::loadInstance(c, instanceId, st))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    if (st.row.state != "running")
      throw Error(ErrorCode::wrong_state, "instance " + std::to_string(instanceId) + " is " + st.row.state);
    return st;
  }

  template <class F>
  void onInstance(store::Connection& c, Id instanceId, const std::string& actor, F&& f) {
    auto st = load(c, instanceId);
    auto dp = deployed(c, st.row.definitionId);
    runtime::Execution ex(st, *dp, *clock, *commandIds, *this);
    ex.actor = actor;
    f(ex);
    save(c, st);
    collect(ex, st);
  }
};

thread_local std::vector<HistoryEntry> Engine::Impl::written;
thread_local bool Engine::Impl::inCommand = false;
thread_local std::vector<std::pair<std::string, Id>> Engine::Impl::thrownSignals;
thread_local std::deque<Engine::Impl::CallFrom> Engine::Impl::calls;
thread_local std::deque<runtime::ParentNotice> Engine::Impl::notices;
thread_local std::deque<Id> Engine::Impl::cancels;
thread_local std::deque<Engine::Impl::NewWait> Engine::Impl::newWaits;
thread_local store::TableIds* Engine::Impl::commandIds = nullptr;

int Engine::broadcastSignal(const std::string& name, const Variables& variables) {
  if (name.empty()) throw Error(ErrorCode::invalid_argument, "a signal needs a name");
  return impl_->command([&](store::Connection& c) { return impl_->broadcast(c, name, variables); });
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

int Engine::addListener(Listener listener) {
  if (!listener) throw Error(ErrorCode::invalid_argument, "a listener needs a function");
  std::lock_guard lock(impl_->listenersMutex);
  int id = impl_->nextListener++;
  impl_->listeners.emplace_back(id, std::make_shared<Listener>(std::move(listener)));
  return id;
}

void Engine::removeListener(int id) {
  std::lock_guard lock(impl_->listenersMutex);
  auto& ls = impl_->listeners;
  auto it = std::find_if(ls.begin(), ls.end(), [&](const auto& l) { return l.first == id; });
  if (it == ls.end()) throw Error(ErrorCode::not_found, "no listener " + std::to_string(id));
  ls.erase(it);
}

void Engine::interrupt() {
  impl_->interruptRequested = true;
  sqlite3_interrupt(impl_->db.writer().handle());
}
Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::open(const EngineOptions& options) {
  return std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(options)));
}

const Clock& Engine::clock() const { return *impl_->clock; }

namespace {
// The first (or next) due time of a timer start event, from `after`.
std::int64_t startTimerDue(const model::FlowNode& s, const model::EventDefinition& timer, std::int64_t after,
                           boost::json::object& data) {
  using T = model::TimerDefinition::Type;
  try {
    if (timer.timer.type == T::date) return jobs::parseDateTime(timer.timer.expression);
    if (timer.timer.type == T::duration) return jobs::addDuration(after, jobs::parseDuration(timer.timer.expression));
    auto cycle = jobs::parseCycle(timer.timer.expression);
    if (!data.contains("remaining")) data["remaining"] = cycle.repetitions;
    return jobs::addDuration(cycle.start && after < cycle.start ? cycle.start : after, cycle.interval);
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::invalid_argument,
                "timer start event '" + s.id + "': '" + timer.timer.expression + "' is not valid ISO-8601: " + e.what(),
                s.id);
  }
}
}  // namespace

void Engine::Impl::scheduleStartTimer(store::Connection& c, Id definition, const model::FlowNode& s,
                                      const model::EventDefinition& timer, std::int64_t now) {
  if (timer.timer.expression.find("${") != std::string::npos)
    throw Error(ErrorCode::unsupported, "timer start event '" + s.id + "': a start timer cannot use variables", s.id);
  boost::json::object data;
  auto due = startTimerDue(s, timer, now, data);
  store::insertStartJob(c, definition, s.id, due, data);
}

// A timer start event fell due: a new instance, and the next occurrence of a cycle.
void Engine::Impl::fireStartTimer(store::Connection& c, Id jobId) {
  auto job = store::startJob(c, jobId);
  if (!job) return;
  auto dp = deployed(c, job->definition);
  const auto* s = dp->process->node(job->element);
  if (!s) throw Error(ErrorCode::internal, "timer start job for unknown element '" + job->element + "'");
  const auto& timer = *s->event(model::EventType::timer);
  startInstance(c, *dp, {}, {}, {}, {}, s);
  auto data = job->data;
  if (timer.timer.type == model::TimerDefinition::Type::cycle) {
    auto remaining = data.at("remaining").as_int64();  // -1: unbounded
    if (remaining != 1) {
      data["remaining"] = remaining < 0 ? -1 : remaining - 1;
      store::rescheduleStartJob(c, jobId, startTimerDue(*s, timer, job->dueAt, data), data);
      return;
    }
  }
  store::deleteJob(c, jobId);
}

Deployment Engine::deploy(const std::string& xml) {
  auto parsed = parse::parseDefinitions(xml, {ValidationPurpose::execution});
  auto ds = parsed.diagnostics;
  std::shared_ptr<const runtime::CompiledModel> compiled;
  if (parsed.definitions) compiled = runtime::CompiledModel::compile(parsed.definitions, ds);
  if (!parsed.definitions || hasErrors(ds)) throw Error(ErrorCode::parse_error, summarize(ds)).withDiagnostics(ds);
  auto hash = fingerprint(xml);
  auto now = impl_->clock->nowMillis();
  auto out = impl_->command([&](store::Connection& c) {
    Deployment d;
    for (const auto& p : compiled->model->processes) {
      if (!p->executable) continue;
      if (auto existing = store::findDefinition(c, p->id, hash)) {
        d.definitions.push_back(*existing);
        continue;
      }
      Definition def;
      def.key = p->id;
      def.name = p->name;
      def.version = store::maxVersion(c, p->id) + 1;
      def.hash = hash;
      def.deployedAt = now;
      store::insertDefinition(c, def, xml);
      // A new version's timer start events replace those of the versions before it.
      store::removeStartJobs(c, def.key, def.id);
      for (const auto* s : p->scope.startEvents())
        if (const auto* timer = s->event(model::EventType::timer))
          impl_->scheduleStartTimer(c, def.id, *s, *timer, now);
      d.definitions.push_back(def);
      d.created = true;
    }
    return d;
  });
  for (const auto& def : out.definitions) {
    bool cached;
    {
      std::lock_guard lock(impl_->cacheMutex);
      cached = impl_->cache.count(def.id) != 0;
    }
    if (!cached) impl_->remember(def, compiled);
  }
  return out;
}

Instance Engine::start(const StartRequest& request) {
  return impl_->command([&](store::Connection& c) {
    std::optional<Definition> def;
    if (request.definitionId) {
      def = store::definitionById(c, request.definitionId);
      if (!def) throw Error(ErrorCode::not_found, "definition " + std::to_string(request.definitionId) + " not found");
    } else {
      if (request.key.empty()) throw Error(ErrorCode::invalid_argument, "start needs a definition key or id");
      def = store::latestDefinition(c, request.key);
      if (!def) throw Error(ErrorCode::not_found, "no definition with key '" + request.key + "' is deployed");
    }
    auto dp = impl_->deployed(c, def->id);
    return impl_->startInstance(c, *dp, request.variables, request.businessKey, request.initiator, request.tenant,
                                nullptr);
  });
}

void Engine::completeTask(Id taskId, const Variables& variables, const std::string& user) {
  impl_->command([&](store::Connection& c) {
    Id instanceId = 0;
    auto task = store::taskById(c, taskId, &instanceId);
    if (!task) throw Error(ErrorCode::not_found, "task " + std::to_string(taskId) + " not found");
    if (task->state != "open")
      throw Error(ErrorCode::wrong_state, "task " + std::to_string(taskId) + " is already " + task->state,
                  task->elementId);
    impl_->onInstance(c, instanceId, user, [&](runtime::Execution& ex) { ex.completeTask(taskId, variables, user); });
  });
}

Instance Engine::correlateMessage(const MessageCorrelation& m) {
  if (m.name.empty()) throw Error(ErrorCode::invalid_argument, "a message needs a name");
  return impl_->command([&](store::Connection& c) {
    auto waiters = store::messageWaiters(c, m.name, m.businessKey, m.instanceId);
    if (!waiters.empty()) {
      impl_->onInstance(c, waiters[0].instance, m.user,
                        [&](runtime::Execution& ex) { ex.correlate(waiters[0].subscription, m.variables); });
      return *store::instanceById(c, waiters[0].instance);
    }
    if (m.instanceId == 0) {
      // No one waits: a message start event of the latest version of some definition.
      std::map<std::string, Definition> latest;
      for (const auto& d : store::listDefinitions(c)) latest[d.key] = d;
      for (const auto& [key, def] : latest) {
        auto dp = impl_->deployed(c, def.id);
        for (const auto* s : dp->process->scope.startEvents())
          for (const auto& e : s->events)  // a start event may wait for several messages
            if (e.type == model::EventType::message && dp->model().messageName(e.ref) == m.name)
              return impl_->startInstance(c, *dp, m.variables, m.businessKey, m.user, {}, s);
      }
    }
    if (m.buffer) {
      auto now = impl_->clock->nowMillis();
      store::bufferMessage(c, m.name, m.businessKey, m.variables, now, m.bufferMillis ? now + m.bufferMillis : 0);
      return Instance{};
    }
    throw Error(ErrorCode::not_found, "no instance waits for message '" + m.name + "'" +
                                          (m.businessKey.empty() ? "" : " with business key '" + m.businessKey + "'") +
                                          (m.instanceId ? " in instance " + std::to_string(m.instanceId) : "") +
                                          ", and no process starts with it");
  });
}

Variables Engine::variables(Id instanceId) const {
  return impl_->read([&](store::Connection& c) {
    if (!store::instanceById(c, instanceId))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    return store::processVariables(c, instanceId);
  });
}

void Engine::setVariables(Id instanceId, const Variables& variables) {
  impl_->command([&](store::Connection& c) {
    impl_->onInstance(c, instanceId, {}, [&](runtime::Execution& ex) { ex.setVariables(variables); });
  });
}

std::vector<Definition> Engine::definitions() const {
  return impl_->read([](store::Connection& c) { return store::listDefinitions(c); });
}

Definition Engine::definition(Id id) const {
  return impl_->read([&](store::Connection& c) {
    auto d = store::definitionById(c, id);
    if (!d) throw Error(ErrorCode::not_found, "definition " + std::to_string(id) + " not found");
    return *d;
  });
}

std::vector<Instance> Engine::instances(const InstanceQuery& query) const {
  return impl_->read([&](store::Connection& c) { return store::queryInstances(c, query); });
}

Instance Engine::instance(Id id) const {
  return impl_->read([&](store::Connection& c) {
    auto i = store::instanceById(c, id);
    if (!i) throw Error(ErrorCode::not_found, "instance " + std::to_string(id) + " not found");
    return *i;
  });
}

std::vector<Task> Engine::tasks(const TaskQuery& query) const {
  if (query.limit < 0 || query.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return impl_->read([&](store::Connection& c) { return store::queryTasks(c, query); });
}

std::int64_t Engine::countTasks(const TaskQuery& query) const {
  return impl_->read([&](store::Connection& c) { return store::countTasks(c, query); });
}

Task Engine::task(Id id) const {
  return impl_->read([&](store::Connection& c) {
    auto t = store::taskById(c, id);
    if (!t) throw Error(ErrorCode::not_found, "task " + std::to_string(id) + " not found");
    return *t;
  });
}

std::vector<HistoryEntry> Engine::history(Id instanceId) const {
  return impl_->read([&](store::Connection& c) {
    if (!store::instanceById(c, instanceId))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    return store::historyOf(c, instanceId);
  });
}

std::vector<std::string> Engine::waitingAt(Id instanceId) const {
  return impl_->read([&](store::Connection& c) { return store::waitingElements(c, instanceId); });
}

void Engine::registerServiceHandler(const std::string& name, ServiceHandler handler) {
  if (name.empty() || !handler) throw Error(ErrorCode::invalid_argument, "a service handler needs a name and a function");
  std::unique_lock lock(impl_->handlersMutex);
  auto& slot = impl_->handlers[name];
  if (slot) impl_->replaced.push_back(slot);
  slot = std::make_shared<ServiceHandler>(std::move(handler));
}

std::vector<ExternalTask> Engine::fetchAndLock(const std::string& topic, const std::string& workerId, int maxTasks,
                                               std::int64_t lockMillis) {
  if (workerId.empty()) throw Error(ErrorCode::invalid_argument, "fetchAndLock needs a worker id");
  if (maxTasks <= 0 || lockMillis <= 0)
    throw Error(ErrorCode::invalid_argument, "fetchAndLock needs maxTasks > 0 and lockMillis > 0");
  auto now = impl_->clock->nowMillis();
  return impl_->command([&](store::Connection& c) {
    std::vector<ExternalTask> out;
    for (auto [job, instance] : store::lockableExternal(c, topic, now, maxTasks)) {
      store::lockExternal(c, job, workerId, now + lockMillis);
      for (auto e : store::externalTasksOf(c, instance))
        if (e.id == job) {
          e.variables = store::processVariables(c, instance);
          out.push_back(std::move(e));
        }
    }
    return out;
  });
}

namespace {
// The instance of an external task the worker may act on.
Id lockedBy(store::Connection& c, Id id, const std::string& workerId, std::int64_t now) {
  auto instance = store::jobInstance(c, id, "external");
  if (!instance) throw Error(ErrorCode::not_found, "external task " + std::to_string(id) + " not found");
  for (const auto& e : store::externalTasksOf(c, *instance))
    if (e.id == id && !e.workerId.empty() && e.workerId != workerId && e.lockExpiresAt > now)
      throw Error(ErrorCode::forbidden,
                  "external task " + std::to_string(id) + " is locked by worker '" + e.workerId + "'", e.elementId);
  return *instance;
}
}  // namespace

void Engine::completeExternalTask(Id id, const std::string& workerId, const Variables& variables) {
  impl_->command([&](store::Connection& c) {
    Id instance = lockedBy(c, id, workerId, impl_->clock->nowMillis());
    impl_->onInstance(c, instance, workerId, [&](runtime::Execution& ex) { ex.completeExternal(id, variables); });
  });
}

void Engine::failExternalTask(Id id, const std::string& workerId, const std::string& message, int retries,
                              std::int64_t retryAfterMillis) {
  if (retries < 0) throw Error(ErrorCode::invalid_argument, "retries must be >= 0");
  impl_->command([&](store::Connection& c) {
    auto now = impl_->clock->nowMillis();
    Id instance = lockedBy(c, id, workerId, now);
    c.prepare("UPDATE jobs SET retries = ?, error = ?, lock_owner = NULL, lock_expires = 0, due_at = ? WHERE id = ?")
        .bind(1, retries)
        .bind(2, message)
        .bind(3, now + retryAfterMillis)
        .bind(4, id)
        .run();
    if (retries == 0) {
      auto tasks = store::externalTasksOf(c, instance);
      std::string element;
      for (const auto& e : tasks)
        if (e.id == id) element = e.elementId;
      c.prepare("INSERT INTO incidents(instance_id, job_id, element_id, message, created_at) VALUES (?,?,?,?,?)")
          .bind(1, instance)
          .bind(2, id)
          .bind(3, element)
          .bind(4, message)
          .bind(5, now)
          .run();
    }
  });
}

void Engine::throwExternalBpmnError(Id id, const std::string& workerId, const std::string& errorCode,
                                    const Variables& variables) {
  if (errorCode.empty()) throw Error(ErrorCode::invalid_argument, "a BPMN error needs an error code");
  impl_->command([&](store::Connection& c) {
    Id instance = lockedBy(c, id, workerId, impl_->clock->nowMillis());
    impl_->onInstance(c, instance, workerId,
                      [&](runtime::Execution& ex) { ex.externalBpmnError(id, errorCode, variables); });
  });
}

std::vector<ExternalTask> Engine::externalTasks(Id instanceId) const {
  return impl_->read([&](store::Connection& c) { return store::externalTasksOf(c, instanceId); });
}

int Engine::runDueJobs() {
  std::ostringstream owner;
  owner << impl_->ownerId << "/" << std::this_thread::get_id();
  return impl_->runJobs(owner.str());
}

void Engine::startJobExecutor(std::int64_t pollMillis) {
  if (pollMillis <= 0) throw Error(ErrorCode::invalid_argument, "pollMillis must be > 0");
  std::lock_guard lock(impl_->executorMutex);
  if (impl_->executor.joinable()) throw Error(ErrorCode::wrong_state, "the job executor is already running");
  impl_->stopExecutor = false;
  impl_->executor = std::thread([impl = impl_.get(), pollMillis] { impl->executorLoop(pollMillis); });
}

void Engine::stopJobExecutor() { impl_->stopJobs(); }

std::vector<Incident> Engine::incidents(Id instanceId) const {
  return impl_->read([&](store::Connection& c) { return store::incidentsOf(c, instanceId); });
}

void Engine::resolveIncident(Id incidentId, int retries) {
  if (retries <= 0) throw Error(ErrorCode::invalid_argument, "retries must be > 0");
  impl_->command(
      [&](store::Connection& c) { store::resolveIncident(c, incidentId, retries, impl_->clock->nowMillis()); });
  impl_->wakeExecutor.notify_all();
}

int Engine::pendingJobs(Id instanceId) const {
  return impl_->read([&](store::Connection& c) { return store::countJobs(c, instanceId); });
}

int Engine::openIncidents(Id instanceId) const {
  return impl_->read([&](store::Connection& c) { return store::countIncidents(c, instanceId); });
}

}  // namespace ordo
