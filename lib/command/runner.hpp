// command::Runner: what every service of the engine shares — the database, commands
// (each with its CommandContext, under group commit), deployed definitions, job
// execution, work across instances. Private to lib/; the approval and query services
// and the engine facade run their commands and reads through it.
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <ordo/engine.hpp>
#include <shared_mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "command/records.hpp"
#include "jobs/executor.hpp"
#include "jobs/iso8601.hpp"
#include "parse/parser.hpp"
#include "runtime/execution.hpp"
#include "store/session.hpp"

namespace ordo::command {

std::string summarize(const std::vector<Diagnostic>& ds);

// What one command carries from its first statement to its commit (as Flowable's
// CommandContext): its row ids, the work it causes in other instances, the signals it
// throws and the history it wrote. One exists per running command; nothing hides in
// thread-locals, so a listener or a handler of another engine can run commands freely.
struct CommandContext {
  struct CallFrom {
    runtime::CallRequest request;
    Id parent;
    Id parentDefinition;
    std::string initiator, tenant;
  };
  // New message subscriptions look for a buffered message first.
  struct NewWait {
    Id instance, subscription;
    std::string name, businessKey;
  };
  explicit CommandContext(store::Session& s) : session(s), ids(s.ids()) {}
  store::Session& session;  // the command's view of the store, in its transaction
  runtime::IdSource& ids;   // row ids for the whole command, so that instances created together never collide
  runtime::Fifo<CallFrom> calls;
  runtime::Fifo<runtime::ParentNotice> notices;
  // A child's end after the signals it threw on its way there: a caller catches those first.
  runtime::Fifo<runtime::ParentNotice> noticesAfterSignals;
  runtime::Fifo<Id> cancels;
  runtime::Fifo<NewWait> newWaits;
  struct Thrown {
    std::string name;
    Variables payload;
    Id thrower;
    bool async;
    bool callersOnly;  // an instance-scoped signal: the thrower's callers, up the tree
  };
  runtime::Fifo<Thrown> thrownSignals;
  runtime::Fifo<runtime::Execution::ThrownMessage> thrownMessages;  // by send tasks and message throw events
  std::vector<HistoryEntry> written;                             // announced to listeners after the commit
  std::uint64_t seq = 0;                                         // which command this is, for interrupt()
  // Instances the caller saw at a revision (HTTP If-Match): loading one at another is a conflict.
  std::map<Id, std::int64_t> expectedRevisions;
};

struct Runner : runtime::Environment {
  EngineOptions options;
  std::shared_ptr<Clock> clock;
  std::unique_ptr<store::Store> store;

  mutable std::mutex cacheMutex;
  std::unordered_map<Id, std::shared_ptr<const runtime::DeployedProcess>> cache;

  // interrupt() names the command whose body runs at that moment; only that one stops.
  std::atomic<std::uint64_t> commandSeq{0}, runningCommand{0}, interruptedCommand{0};
  mutable std::mutex listenersMutex;
  std::vector<std::pair<int, std::shared_ptr<Engine::Listener>>> listeners;
  int nextListener = 1;
  // The command whose body runs now (set and read with the writer held), and its thread.
  CommandContext* current = nullptr;
  std::atomic<std::thread::id> writerThread{};
  bool onWriterThread() const { return writerThread.load() == std::this_thread::get_id(); }
  CommandContext& cx() {
    if (!current) throw Error(ErrorCode::internal, "no command is running");
    return *current;
  }

  mutable std::shared_mutex handlersMutex;
  std::unordered_map<std::string, std::shared_ptr<ServiceHandler>> handlers;
  std::vector<std::shared_ptr<ServiceHandler>> replaced;  // kept alive: a running command may hold one

  // Job execution: this engine's lock owner, and the optional executor thread.
  std::string ownerId = "ordo-" + boost::uuids::to_string(boost::uuids::random_generator()());
  jobs::Executor executor;
  static constexpr std::int64_t kJobLockMillis = 5 * 60 * 1000;

  explicit Runner(const EngineOptions& o)
      : options(o),
        clock(o.clock ? o.clock : std::make_shared<SystemClock>()),
        store(store::openStore({o.path, o.durability == EngineOptions::Durability::full, o.readConnections})) {}

  const ServiceHandler* serviceHandler(const std::string& name) const override {
    std::shared_lock lock(handlersMutex);
    auto it = handlers.find(name);
    return it == handlers.end() ? nullptr : it->second.get();
  }

  std::int64_t scriptTimeMillis() const override { return options.scriptTimeMillis; }
  std::size_t scriptMemoryBytes() const override { return options.scriptMemoryBytes; }

  bool interrupted() const override {
    auto running = runningCommand.load(std::memory_order_relaxed);
    return running != 0 && interruptedCommand.load(std::memory_order_relaxed) == running;
  }

  // The engine's own tables as a Directory, read in the running command's session.
  struct OwnDirectory : Directory {
    Runner& run;
    explicit OwnDirectory(Runner& r) : run(r) {}
    std::optional<User> user(const std::string& id) const override { return run.cx().session.userById(id); }
    std::optional<Department> department(const std::string& id) const override {
      return run.cx().session.departmentById(id);
    }
    std::vector<std::string> usersWithRole(const std::string& role) const override {
      return run.cx().session.usersWithRole(role);
    }
    std::vector<std::string> usersInDepartment(const std::string& d) const override {
      return run.cx().session.usersInDepartment(d);
    }
  };
  OwnDirectory ownDirectory{*this};
  const Directory* directory() const override {
    return options.directory ? options.directory.get() : static_cast<const Directory*>(&ownDirectory);
  }

  // Asked during a command, on the thread that holds the writer: the writer answers.
  std::optional<std::string> entrustee(const std::string& user, const std::string& processKey,
                                       std::int64_t now) const override {
    return const_cast<Runner*>(this)->cx().session.entrustee(user, processKey, now);
  }

  // After the commit, outside the writer: a listener may run commands of its own, and what
  // it throws is its own failure, not the committed command's.
  void announce(const std::vector<HistoryEntry>& events) {
    if (events.empty()) return;
    std::vector<std::shared_ptr<Engine::Listener>> now;
    {
      std::lock_guard lock(listenersMutex);
      for (const auto& l : listeners) now.push_back(l.second);
    }
    for (const auto& l : now)
      for (const auto& e : events) try {
          (*l)(e);
        } catch (...) {
          // a listener's failure never turns a committed command into a failed one
        }
  }

  // Delivers `name` to every waiting instance and starts the processes with that signal
  // start event; signals these throw in turn are delivered too, in the same transaction.
  // async: waiting events receive it in jobs of their own; processes start at once.
  int broadcast(store::Session& c, const std::string& name, const Variables& variables, Id thrower = 0,
                bool async = false) {
    int received = 0;
    for (Id instance : c.signalReceivers(name))
      if (instance != thrower)  // the thrower caught its own signal while throwing it
        onInstance(c, instance, {},
                   [&](runtime::Execution& ex) { received += ex.deliverSignal(name, variables, async); });
    Id last = 0;
    for (const auto& sub : c.startSubscriptions("signal", name)) {
      if (sub.definition == last) continue;  // one new instance per process, whichever start event
      last = sub.definition;
      if (auto def = c.definitionById(sub.definition); !def || def->suspended) continue;
      auto dp = deployed(c, sub.definition);
      startInstance(c, *dp, variables, {}, {}, {}, dp->process->node(sub.element));
      ++received;
    }
    return received;
  }

  // An instance-scoped signal thrown in a called instance: each instance above it receives it too.
  void deliverToCallers(store::Session& c, const std::string& name, const Variables& variables, Id thrower,
                        bool async) {
    auto self = c.instanceById(thrower);
    int depth = 0;
    for (Id up = self ? self->parentId : 0; up && depth < runtime::kMaxCallDepth; ++depth) {
      auto caller = c.instanceById(up);
      if (!caller) break;
      if (caller->state == Instance::State::running)  // a suspended caller receives no signal, as in broadcast
        onInstance(c, up, {}, [&](runtime::Execution& ex) { ex.deliverSignal(name, variables, async, true); });
      up = caller->parentId;
    }
  }

  // A message a send task or throw event sent: to the first instance waiting for it (with the
  // correlation key as business key, when there is one), else a message start event; else the
  // command fails, as Engine::correlateMessage does, rather than lose it.
  void deliverMessage(store::Session& c, const runtime::Execution::ThrownMessage& m) {
    auto waiters = c.messageWaiters(m.name, m.correlationKey, 0);
    if (!waiters.empty()) {
      onInstance(c, waiters[0].instance, {},
                 [&](runtime::Execution& ex) { ex.correlate(waiters[0].subscription, m.payload); });
      return;
    }
    for (const auto& sub : c.startSubscriptions("message", m.name)) {
      if (auto def = c.definitionById(sub.definition); !def || !def->startsInstances()) continue;
      auto dp = deployed(c, sub.definition);
      startInstance(c, *dp, m.payload, m.correlationKey, {}, {}, dp->process->node(sub.element));
      return;
    }
    throw Error(ErrorCode::not_found,
                "message '" + m.name + "' sent by '" + m.element + "' reaches no instance waiting for it" +
                    (m.correlationKey.empty() ? "" : " with business key '" + m.correlationKey + "'") +
                    ", and no process starts with it",
                m.element);
  }

  // The message and signal start events of a new version, registered in place of the old version's.
  static std::vector<store::StartSubscription> startSubscriptionsOf(const runtime::CompiledModel& m,
                                                                    const model::Process& p, Id definition) {
    std::vector<store::StartSubscription> out;
    for (const auto* s : p.scope.startEvents())
      for (std::size_t i = 0; i < s->events.size(); ++i) {
        const auto& e = s->events[i];
        auto name = m.startEventNames.find(runtime::CompiledModel::startEventKey(s->id, i));
        if (name == m.startEventNames.end()) continue;
        if (e.type == model::EventType::message)
          out.push_back({"message", name->second, definition, s->id});
        else if (e.type == model::EventType::signal)
          out.push_back({"signal", name->second, definition, s->id});
      }
    // Instantiating receive tasks and event-based gateways start a process too (BPMN 10.5.6):
    // the subscription names the receive task, or the catch event after the gateway.
    const auto& defs = *m.model;
    for (const auto& n : p.scope.nodes) {
      if (!n->instantiate) continue;
      std::vector<const model::FlowNode*> catchers{n.get()};
      if (n->kind == model::NodeKind::eventBasedGateway) {
        catchers.clear();
        for (const auto* f : n->outgoing)
          if (f->target) catchers.push_back(f->target);
      }
      for (const auto* c : catchers) {
        if (c->kind == model::NodeKind::receiveTask)
          out.push_back({"message", defs.messageName(c->messageRef), definition, c->id});
        else if (const auto* e = c->event(model::EventType::message))
          out.push_back({"message", defs.messageName(e->ref), definition, c->id});
        else if (const auto* s = c->event(model::EventType::signal))
          out.push_back({"signal", defs.signalName(s->ref), definition, c->id});
      }
    }
    return out;
  }

  // Once after schema 10: the start events of what was deployed before it.
  void registerEarlierStartSubscriptions();

  using CallFrom = CommandContext::CallFrom;

  void scheduleStartTimer(store::Session& c, Id definition, const model::FlowNode& s,
                          const model::EventDefinition& timer, std::int64_t now);
  void fireStartTimer(store::Session& c, Id jobId);

  // What the executions of this command asked of other instances, carried out in the same
  // transaction: child instances of call activities, their ends, cancellations, signals.
  void collect(runtime::Execution& ex, const runtime::InstanceState& st) {
    auto& x = cx();
    for (const auto& sub : st.subscriptions)
      if (sub.createdNow && !sub.removed && sub.kind == "message")
        x.newWaits.push_back({st.row.id, sub.id, sub.name, st.row.businessKey});
    bool threw = !ex.signalsThrown.empty();
    for (auto& s : ex.signalsThrown)
      x.thrownSignals.push_back({std::move(s.name), std::move(s.payload), st.row.id, s.async, s.callersOnly});
    for (auto& r : ex.callsRequested)
      x.calls.push_back({std::move(r), st.row.id, st.row.definitionId, st.row.initiator, st.row.tenant});
    for (auto& m : ex.messagesThrown) x.thrownMessages.push_back(std::move(m));
    for (const auto& e : ex.escalationsToParent) x.notices.push_back(e);  // before the child's end, if it ended
    if (ex.parentNotice) (threw ? x.noticesAfterSignals : x.notices).push_back(*ex.parentNotice);
    for (Id child : ex.childrenToCancel) x.cancels.push_back(child);
  }

  void drainEffects(store::Session& c) {
    auto& x = cx();
    auto& calls = x.calls;
    auto& notices = x.notices;
    auto& cancels = x.cancels;
    auto& newWaits = x.newWaits;
    auto& thrownSignals = x.thrownSignals;
    for (int round = 0;; ++round) {
      if (round > 100000)
        throw Error(ErrorCode::limit_exceeded, "a command kept causing work in other instances: stopped");
      if (!calls.empty()) {
        auto call = std::move(calls.front());
        calls.pop_front();
        startChild(c, call);
      } else if (!thrownSignals.empty()) {
        // Before the ends of the instances that threw them: a called process's signal reaches its
        // caller while the call activity still waits (Flowable and Camunda deliver it at the throw).
        auto signal = std::move(thrownSignals.front());
        thrownSignals.pop_front();
        if (signal.callersOnly)  // flowable:scope="processInstance": the thrower's own call tree
          deliverToCallers(c, signal.name, signal.payload, signal.thrower, signal.async);
        else
          broadcast(c, signal.name, signal.payload, signal.thrower, signal.async);
      } else if (!notices.empty()) {
        auto notice = std::move(notices.front());
        notices.pop_front();
        // A suspended caller still learns that its child ended; one that ended meanwhile (another
        // child's terminateAll ended it) has nothing left to continue.
        auto parent = c.instanceById(notice.parent);
        if (parent && (parent->state == Instance::State::running || parent->state == Instance::State::suspended))
          onInstance(
              c, notice.parent, {}, [&](runtime::Execution& ex) { ex.childEnded(notice.parentToken, notice); }, true);
      } else if (!cancels.empty()) {
        Id child = cancels.front();
        cancels.pop_front();
        auto row = c.instanceById(child);
        // The caller cancelled it: the caller is not told back (it may have ended already, and a
        // notice to an ended instance fails the command).
        if (row && row->state == Instance::State::running)
          onInstance(c, child, {}, [&](runtime::Execution& ex) {
            ex.terminate("its call activity was cancelled");
            ex.parentNotice.reset();
          });
      } else if (!newWaits.empty()) {
        auto wait = std::move(newWaits.front());
        newWaits.pop_front();
        if (auto vars = c.takeBufferedMessage(wait.name, wait.businessKey, clock->nowMillis()))
          onInstance(c, wait.instance, {}, [&](runtime::Execution& ex) { ex.correlate(wait.subscription, *vars); });
      } else if (!x.thrownMessages.empty()) {
        auto message = std::move(x.thrownMessages.front());
        x.thrownMessages.pop_front();
        deliverMessage(c, message);
      } else if (!x.noticesAfterSignals.empty()) {
        notices.push_back(std::move(x.noticesAfterSignals.front()));
        x.noticesAfterSignals.pop_front();
      } else {
        break;
      }
    }
  }

  void startChild(store::Session& c, const CallFrom& call) {
    const auto& r = call.request;
    int depth = 1;
    for (auto up = c.instanceById(call.parent); up && up->parentId; up = c.instanceById(up->parentId))
      if (++depth >= runtime::kMaxCallDepth)
        throw Error(ErrorCode::limit_exceeded, "call activity '" + r.calledElement + "': calls are nested more than " +
                                                   std::to_string(runtime::kMaxCallDepth) +
                                                   " deep (does a process call itself?)");
    std::optional<Definition> def;
    if (r.binding == "version") {
      def = c.definitionVersion(r.calledElement, std::atoi(r.version.c_str()));
    } else if (r.binding == "deployment" || r.binding == "sameDeployment") {
      // Deployed with the caller: in its document, else in the deployment that posted it with others.
      auto parentDef = c.definitionById(call.parentDefinition);
      if (parentDef) def = c.findDefinition(r.calledElement, parentDef->hash);
      if (!def && parentDef) def = c.definitionInDeploymentOf(parentDef->id, r.calledElement);
      // flowable:sameDeployment prefers that version and falls back to the latest (as Flowable does).
      if (!def && r.binding == "sameDeployment") def = c.latestDefinition(r.calledElement);
    } else {
      def = c.latestDefinition(r.calledElement);
    }
    if (!def)
      throw Error(ErrorCode::not_found, "call activity: no definition '" + r.calledElement + "'" +
                                            (r.binding.empty() ? "" : " (binding " + r.binding + ")") + " is deployed");
    auto dp = deployed(c, def->id);
    startInstance(c, *dp, r.variables, r.businessKey, call.initiator, call.tenant, nullptr, call.parent, r.parentToken,
                  r.childId);
  }

  // A service-task handler (or a directory) calling back into the engine would wait for
  // the writer its own command holds.
  void refuseReentry(const char* what) const {
    if (onWriterThread())
      throw Error(ErrorCode::wrong_state, std::string("a service-task handler may not ") + what +
                                              " the engine: the command it runs in holds the writer");
  }

  // Runs `f` as one command: its body and its effects on other instances in one
  // transaction (shared with others by group commit), then its listeners.
  template <class F>
  auto command(F&& f) {
    refuseReentry("call");
    std::vector<HistoryEntry> written;
    auto body = [&](store::Session& session, auto&& run) {
      CommandContext x(session);
      x.seq = ++commandSeq;
      current = &x;
      writerThread = std::this_thread::get_id();
      runningCommand = x.seq;
      struct Leave {
        Runner& impl;
        ~Leave() {
          impl.runningCommand = 0;
          impl.current = nullptr;
          impl.writerThread = std::thread::id();
        }
      } leave{*this};
      run();
      drainEffects(session);
      session.flushIds();
      // The last moment an interrupt can stop it: after this the command belongs to its batch.
      if (interrupted()) throw Error(ErrorCode::interrupted, "the command was interrupted");
      written = std::move(x.written);
    };
    using Result = decltype(f(std::declval<store::Session&>()));
    if constexpr (std::is_void_v<Result>) {
      store->command([&](store::Session& s) { body(s, [&] { f(s); }); });
      announce(written);
    } else {
      std::optional<Result> result;
      store->command([&](store::Session& s) { body(s, [&] { result.emplace(f(s)); }); });
      announce(written);
      return std::move(*result);
    }
  }

  void save(store::Session& c, runtime::InstanceState& st) {
    bool anyListener;
    {
      std::lock_guard lock(listenersMutex);
      anyListener = !listeners.empty();
    }
    c.saveInstance(st);  // gives the history entries their ids
    if (anyListener)
      for (const auto& h : st.history) cx().written.push_back(toHistoryEntry(h));
    st.history.clear();
  }

  // Acquires due jobs for `owner` and runs each in a command of its own until none is due.
  int runJobs(const std::string& owner) {
    int succeeded = 0;
    bool raced = false;
    for (int round = 0; round < 10000 && !raced; ++round) {
      auto due =
          command([&](store::Session& c) { return c.acquireJobs(owner, clock->nowMillis(), options.jobLockMillis, 64); });
      if (due.empty()) break;
      for (const auto& job : due) {
        try {
          bool ran = command([&](store::Session& c) {
            if (!c.lockedJob(job.id, owner)) return false;  // finished or taken over meanwhile
            if (job.instanceId == 0)
              fireStartTimer(c, job.id);
            else
              onInstance(c, job.instanceId, {}, [&](runtime::Execution& ex) { ex.runJob(job.id); });
            return true;
          });
          succeeded += ran ? 1 : 0;
        } catch (const Error& e) {
          if (e.code() == ErrorCode::interrupted) throw;
          // It lost a race to another command on its instance (another server, on PostgreSQL):
          // not the job's failure. Released, it runs again at the next poll.
          if (e.code() == ErrorCode::conflict || e.code() == ErrorCode::busy) {
            command([&](store::Session& c) { c.unlockExternal(job.id); });
            raced = true;
            continue;
          }
          // The job's own command rolled back; record the failed attempt in a command of its own.
          command([&](store::Session& c) { c.failJob(job.id, e.what(), clock->nowMillis()); });
        }
      }
    }
    return succeeded;
  }

  void stopJobs() { executor.stop(); }

  ~Runner() { stopJobs(); }

  template <class F>
  auto read(F&& f) const {
    // On ":memory:" the reader is the writer its own command holds: refuse rather than wait forever.
    refuseReentry("read from");
    using Result = decltype(f(std::declval<store::Session&>()));
    if constexpr (std::is_void_v<Result>) {
      store->read([&](store::Session& s) { f(s); });
    } else {
      std::optional<Result> result;
      store->read([&](store::Session& s) { result.emplace(f(s)); });
      return std::move(*result);
    }
  }

  std::shared_ptr<const runtime::DeployedProcess> deployed(store::Session& c, Id definitionId) {
    {
      std::lock_guard lock(cacheMutex);
      auto it = cache.find(definitionId);
      if (it != cache.end()) return it->second;
    }
    auto def = c.definitionById(definitionId);
    if (!def) throw Error(ErrorCode::not_found, "definition " + std::to_string(definitionId) + " not found");
    auto parsed = parse::parseDefinitions(c.definitionXml(definitionId), {ValidationPurpose::execution});
    std::vector<Diagnostic> ds = parsed.diagnostics;
    if (!parsed.definitions || hasErrors(ds))
      throw Error(ErrorCode::internal,
                  "stored definition " + std::to_string(definitionId) + " no longer parses: " + summarize(ds));
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

  // A new instance's state, not yet started (its row only).
  runtime::InstanceState newInstance(const runtime::DeployedProcess& dp, const std::string& businessKey,
                                     const std::string& initiator, const std::string& tenant, Id parentId = 0,
                                     Id parentToken = 0, Id presetId = 0) {
    runtime::InstanceState st;
    st.isNew = true;
    st.row.id = presetId ? presetId : cx().ids.next("instances");
    st.row.parentId = parentId;
    st.row.parentTokenId = parentToken;
    st.row.definitionId = dp.definition.id;
    st.row.definitionKey = dp.definition.key;
    st.row.definitionVersion = dp.definition.version;
    st.row.businessKey = businessKey;
    st.row.initiator = initiator;
    st.row.tenant = tenant;
    st.row.state = Instance::State::running;
    st.row.startedAt = clock->nowMillis();
    return st;
  }

  // Runs `f` on a new instance's execution, then saves it and collects its effects.
  template <class F>
  Instance onNewInstance(store::Session& c, const runtime::DeployedProcess& dp, runtime::InstanceState st,
                         const std::string& actor, F&& f) {
    runtime::Execution ex(st, dp, *clock, cx().ids, *this);
    ex.actor = actor;
    f(ex);
    save(c, st);
    collect(ex, st);
    return toInstance(st.row);
  }

  Instance startInstance(store::Session& c, const runtime::DeployedProcess& dp, const Variables& variables,
                         const std::string& businessKey, const std::string& initiator, const std::string& tenant,
                         const model::FlowNode* startEvent, Id parentId = 0, Id parentToken = 0, Id presetId = 0) {
    return onNewInstance(c, dp, newInstance(dp, businessKey, initiator, tenant, parentId, parentToken, presetId),
                         initiator, [&](runtime::Execution& ex) { ex.start(variables, initiator, startEvent); });
  }

  // Loads an instance for a command; refuses instances that are not running.
  runtime::InstanceState load(store::Session& c, Id instanceId, bool allowSuspended = false) {
    runtime::InstanceState st;
    if (!c.loadInstance(instanceId, st))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    if (auto it = cx().expectedRevisions.find(instanceId);
        it != cx().expectedRevisions.end() && it->second != st.row.revision)
      throw Error(ErrorCode::conflict, "instance " + std::to_string(instanceId) + " is at revision " +
                                           std::to_string(st.row.revision) + ", not " + std::to_string(it->second) +
                                           ": it changed since it was read");
    if (st.row.state != Instance::State::running && !(allowSuspended && st.row.state == Instance::State::suspended))
      throw Error(ErrorCode::wrong_state, "instance " + std::to_string(instanceId) + " is " + toString(st.row.state));
    return st;
  }

  // Who acts: the user with their roles, from the host's directory or the engine's own tables.
  struct Actor {
    std::string id;
    std::vector<std::string> roles;
    bool admin = false;
    bool mayTakeOpenTasks = true;  // a task with no assignee and no candidates (EngineOptions::strictTaskAccess)
  };
  Actor actor(store::Session& c, const std::string& user) {
    if (user.empty()) return Actor{user, {}, true};  // ordo::Actor::system(): the host may do all
    Actor a{user, {}, false, !options.strictTaskAccess};
    std::optional<User> u = options.directory ? options.directory->user(user) : c.userById(user);
    if (u) a.roles = u->roles;
    a.admin = std::find(a.roles.begin(), a.roles.end(), "admin") != a.roles.end();
    return a;
  }

  template <class F>
  void onInstance(store::Session& c, Id instanceId, const std::string& actor, F&& f, bool allowSuspended = false) {
    auto st = load(c, instanceId, allowSuspended);
    auto dp = deployed(c, st.row.definitionId);
    runtime::Execution ex(st, *dp, *clock, cx().ids, *this);
    ex.actor = actor;
    f(ex);
    save(c, st);
    collect(ex, st);
  }
};

}  // namespace ordo::command
