// ordo::Engine: commands (one write transaction each) and queries (reader connections).
#include <openssl/evp.h>

#include <boost/json/parse.hpp>

#include "engine/digest.hpp"
#include "engine/impl.hpp"

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

std::string sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr))
    throw Error(ErrorCode::internal, "SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::int64_t SystemClock::nowMillis() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

// FNV-1a, 64 bit: the identity definitions deployed before schema 9 carry; still recognised.
std::string legacyFingerprint(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf) + "-" + std::to_string(text.size());
}

}  // namespace

int Engine::broadcastSignal(const std::string& name, const Variables& variables) {
  if (name.empty()) throw Error(ErrorCode::invalid_argument, "a signal needs a name");
  return impl_->command([&](store::Session& c) { return impl_->broadcast(c, name, variables); });
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
  // The command in its body now, if any; never the shared writer, whose batch holds others' work.
  impl_->interruptedCommand = impl_->runningCommand.load();
}
Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::open(const EngineOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  impl->registerEarlierStartSubscriptions();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const Clock& Engine::clock() const {
  return *impl_->clock;
}

// A message starts one process: one whose message start event waits for a name another
// process already starts on (its latest version, or one deployed with it) is refused, as
// Flowable and Camunda refuse it.
void refuseTakenMessageStarts(store::Session& c, const runtime::CompiledModel& compiled, const model::Process& p,
                              std::map<std::string, std::string>* deployedTogether) {
  for (const auto& mine : command::Runner::startSubscriptionsOf(compiled, p, 0)) {
    if (mine.kind != "message") continue;
    std::string other;
    for (const auto& sub : c.startSubscriptions("message", mine.name))
      if (auto def = c.definitionById(sub.definition); def && def->key != p.id)
        other = "process '" + def->key + "' (version " + std::to_string(def->version) + ")";
    if (deployedTogether && other.empty()) {
      auto [it, fresh] = deployedTogether->emplace(mine.name, p.id);
      if (!fresh && it->second != p.id) other = "process '" + it->second + "' of the same deployment";
    }
    if (other.empty()) continue;
    const auto* start = p.node(mine.element);
    auto message = start->label() + " starts process '" + p.id + "' on message '" + mine.name + "', which " + other +
                   " already starts on";
    throw Error(ErrorCode::parse_error, message)
        .withDiagnostics(
            {{Severity::error, "duplicate_message_start", message, start->id, start->position.line, start->position.column}});
  }
}

Deployment Engine::deploy(const std::string& xml) {
  return deploy(xml, {});
}

Deployment Engine::deploy(const std::string& xml, const std::map<std::string, std::string>& forms) {
  for (const auto& [key, schema] : forms) {
    boost::system::error_code ec;
    boost::json::parse(schema, ec);
    if (ec || key.empty())
      throw Error(ErrorCode::invalid_argument,
                  "form '" + key + "': " + (key.empty() ? "needs a key" : "not valid JSON: " + ec.message()));
  }
  auto parsed = parse::parseDefinitions(xml, {ValidationPurpose::execution});
  auto ds = parsed.diagnostics;
  std::shared_ptr<const runtime::CompiledModel> compiled;
  if (parsed.definitions) compiled = runtime::CompiledModel::compile(parsed.definitions, ds);
  if (!parsed.definitions || hasErrors(ds)) throw Error(ErrorCode::parse_error, summarize(ds)).withDiagnostics(ds);
  // The forms are part of what is deployed: changed forms make a new version too.
  std::string identity = xml;
  for (const auto& [key, schema] : forms) identity += "\n" + key + "\n" + schema;
  auto hash = sha256Hex(identity);  // the deploy identity: SHA-256 of the XML and its forms
  auto legacyHash = legacyFingerprint(identity);
  auto now = impl_->clock->nowMillis();
  auto out = impl_->command([&](store::Session& c) {
    Deployment d;
    for (const auto& p : compiled->model->processes) {
      if (!p->executable) continue;
      auto existing = c.findDefinition(p->id, hash);
      if (!existing) existing = c.findDefinition(p->id, legacyHash);
      if (existing) {
        d.definitions.push_back(*existing);
        continue;
      }
      refuseTakenMessageStarts(c, *compiled, *p);
      Definition def;
      def.key = p->id;
      def.name = p->name;
      def.version = c.maxVersion(p->id) + 1;
      def.hash = hash;
      def.deployedAt = now;
      def.category = compiled->model->targetNamespace;
      c.insertDefinition(def, xml);
      for (const auto& [key, schema] : forms) c.saveForm(def.id, key, schema);
      // A new version's timer start events replace those of the versions before it.
      c.removeStartJobs(def.key, def.id);
      c.replaceStartSubscriptions(def.key, def.id, command::Runner::startSubscriptionsOf(*compiled, *p, def.id));
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

std::pair<std::string, std::string> Engine::startForm(const std::string& key) const {
  return impl_->read([&](store::Session& c) {
    auto def = c.latestDefinition(key);
    if (!def) throw Error(ErrorCode::not_found, "no definition with key '" + key + "' is deployed");
    auto dp = impl_->deployed(c, def->id);
    std::string formKey;
    for (const auto* s : dp->process->scope.noneStarts())
      if (auto it = s->extensions.find("formKey"); it != s->extensions.end()) formKey = it->second;
    std::string schema = "{}";
    if (!formKey.empty())
      if (auto f = c.formSchema(def->id, formKey)) schema = *f;
    return std::pair{formKey, schema};
  });
}

void Engine::suspendDefinition(Id definitionId, bool suspended, const Actor& actor, bool includeInstances) {
  impl_->command([&](store::Session& c) {
    auto def = c.definitionById(definitionId);
    if (!def) throw Error(ErrorCode::not_found, "definition " + std::to_string(definitionId) + " not found");
    if (!impl_->actor(c, actor.userId()).admin)
      throw Error(ErrorCode::forbidden, "user '" + actor.userId() + "' may not suspend or activate a definition");
    c.setDefinitionSuspended(definitionId, suspended);
    if (!includeInstances) return;
    InstanceQuery q;
    q.state = suspended ? Instance::State::running : Instance::State::suspended;
    for (const auto& i : c.queryInstances(q))
      if (i.definitionId == definitionId)
        impl_->onInstance(
            c, i.id, actor.userId(),
            [&](runtime::Execution& ex) {
              ex.setRunning(!suspended);
              ex.recordOperation(suspended ? "suspend" : "resume", nullptr, 0, "with its definition");
            },
            true);
  });
}

void Engine::setDefinitionPublication(Id definitionId, Definition::Publication publication, const Actor& actor) {
  impl_->command([&](store::Session& c) {
    auto def = c.definitionById(definitionId);
    if (!def) throw Error(ErrorCode::not_found, "definition " + std::to_string(definitionId) + " not found");
    if (!impl_->actor(c, actor.userId()).admin)
      throw Error(ErrorCode::forbidden, "user '" + actor.userId() + "' may not publish or take offline a definition");
    if (publication == Definition::Publication::deployed)
      throw Error(ErrorCode::invalid_argument, "publication: a definition can be published or taken offline");
    if (publication == Definition::Publication::offline && def->publication != Definition::Publication::published)
      throw Error(ErrorCode::wrong_state, "definition '" + def->key + "' version " + std::to_string(def->version) +
                                              " is " + toString(def->publication) + ", not published");
    c.setDefinitionPublication(definitionId, publication);
  });
}

Instance Engine::start(const StartRequest& request) {
  return impl_->command([&](store::Session& c) {
    std::optional<Definition> def;
    if (request.definitionId) {
      def = c.definitionById(request.definitionId);
      if (!def) throw Error(ErrorCode::not_found, "definition " + std::to_string(request.definitionId) + " not found");
    } else {
      if (request.key.empty()) throw Error(ErrorCode::invalid_argument, "start needs a definition key or id");
      def = c.latestDefinition(request.key);
      if (!def) throw Error(ErrorCode::not_found, "no definition with key '" + request.key + "' is deployed");
    }
    if (!def->startsInstances())
      throw Error(ErrorCode::wrong_state, "definition '" + def->key + "' version " + std::to_string(def->version) +
                                              (def->suspended ? " is suspended" : " is offline") +
                                              ": it starts no instances");
    auto dp = impl_->deployed(c, def->id);
    if (request.cc.empty())
      return impl_->startInstance(c, *dp, request.variables, request.businessKey, request.initiator, request.tenant,
                                  nullptr);
    // The cc list at start (DingTalk's cc_list): in the start command, before anything else can act.
    auto title = def->name.empty() ? def->key : def->name;
    return impl_->onNewInstance(c, *dp, impl_->newInstance(*dp, request.businessKey, request.initiator, request.tenant),
                                request.initiator, [&](runtime::Execution& ex) {
                                  ex.start(request.variables, request.initiator, nullptr);
                                  for (const auto& u : request.cc) ex.notify(u, "cc", 0, title);
                                  ex.recordOperation("cc", nullptr, 0, {}, request.cc);
                                });
  });
}

Instance Engine::correlateMessage(const MessageCorrelation& m) {
  if (m.name.empty()) throw Error(ErrorCode::invalid_argument, "a message needs a name");
  return impl_->command([&](store::Session& c) {
    auto waiters = c.messageWaiters(m.name, m.businessKey, m.instanceId);
    if (!waiters.empty()) {
      impl_->onInstance(c, waiters[0].instance, m.user,
                        [&](runtime::Execution& ex) { ex.correlate(waiters[0].subscription, m.variables); });
      return *c.instanceById(waiters[0].instance);
    }
    if (m.instanceId == 0) {
      // No one waits: a message start event of the latest version of some definition.
      for (const auto& sub : c.startSubscriptions("message", m.name)) {
        if (auto def = c.definitionById(sub.definition); !def || !def->startsInstances()) continue;
        auto dp = impl_->deployed(c, sub.definition);
        return impl_->startInstance(c, *dp, m.variables, m.businessKey, m.user, {}, dp->process->node(sub.element));
      }
    }
    if (m.buffer) {
      auto now = impl_->clock->nowMillis();
      c.bufferMessage(m.name, m.businessKey, m.variables, now, m.bufferMillis ? now + m.bufferMillis : 0);
      return Instance{};
    }
    throw Error(ErrorCode::not_found, "no instance waits for message '" + m.name + "'" +
                                          (m.businessKey.empty() ? "" : " with business key '" + m.businessKey + "'") +
                                          (m.instanceId ? " in instance " + std::to_string(m.instanceId) : "") +
                                          ", and no process starts with it");
  });
}

Variables Engine::variables(Id instanceId) const {
  return impl_->read([&](store::Session& c) {
    if (!c.instanceById(instanceId))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    return c.processVariables(instanceId);
  });
}

void Engine::setVariables(Id instanceId, const Variables& variables, std::int64_t expectedRevision) {
  impl_->command([&](store::Session& c) {
    if (expectedRevision >= 0) impl_->cx().expectedRevisions[instanceId] = expectedRevision;
    impl_->onInstance(c, instanceId, {}, [&](runtime::Execution& ex) { ex.setVariables(variables); });
  });
}

void Engine::evaluateConditionalEvents(Id instanceId, const Variables& variables) {
  impl_->command([&](store::Session& c) {
    impl_->onInstance(c, instanceId, {}, [&](runtime::Execution& ex) { ex.evaluateConditionalEvents(variables); });
  });
}

std::vector<Definition> Engine::definitions() const {
  return impl_->read([](store::Session& c) { return c.listDefinitions(); });
}

Definition Engine::definition(Id id) const {
  return impl_->read([&](store::Session& c) {
    auto d = c.definitionById(id);
    if (!d) throw Error(ErrorCode::not_found, "definition " + std::to_string(id) + " not found");
    return *d;
  });
}

std::vector<Instance> Engine::instances(const InstanceQuery& query) const {
  if (query.limit < 0 || query.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return impl_->read([&](store::Session& c) { return c.queryInstances(query); });
}

Page<Instance> Engine::instancePage(const InstanceQuery& query) const {
  if (query.limit < 0 || query.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return impl_->read([&](store::Session& c) {
    return Page<Instance>{c.queryInstances(query), c.countInstances(query)};
  });
}

Page<Task> Engine::taskPage(const TaskQuery& query) const {
  if (query.limit < 0 || query.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return impl_->read([&](store::Session& c) { return Page<Task>{c.queryTasks(query), c.countTasks(query)}; });
}

Instance Engine::instance(Id id) const {
  return impl_->read([&](store::Session& c) {
    auto i = c.instanceById(id);
    if (!i) throw Error(ErrorCode::not_found, "instance " + std::to_string(id) + " not found");
    return *i;
  });
}

std::vector<Task> Engine::tasks(const TaskQuery& query) const {
  if (query.limit < 0 || query.offset < 0) throw Error(ErrorCode::invalid_argument, "limit and offset must be >= 0");
  return impl_->read([&](store::Session& c) { return c.queryTasks(query); });
}

std::int64_t Engine::countTasks(const TaskQuery& query) const {
  return impl_->read([&](store::Session& c) { return c.countTasks(query); });
}

Task Engine::task(Id id) const {
  return impl_->read([&](store::Session& c) {
    auto t = c.taskById(id);
    if (!t) throw Error(ErrorCode::not_found, "task " + std::to_string(id) + " not found");
    return *t;
  });
}

std::vector<HistoryEntry> Engine::history(Id instanceId) const {
  return impl_->read([&](store::Session& c) {
    if (!c.instanceById(instanceId))
      throw Error(ErrorCode::not_found, "instance " + std::to_string(instanceId) + " not found");
    return c.historyOf(instanceId);
  });
}

std::vector<std::string> Engine::waitingAt(Id instanceId) const {
  return impl_->read([&](store::Session& c) { return c.waitingElements(instanceId); });
}

void Engine::registerServiceHandler(const std::string& name, ServiceHandler handler) {
  if (name.empty() || !handler)
    throw Error(ErrorCode::invalid_argument, "a service handler needs a name and a function");
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
  return impl_->command([&](store::Session& c) {
    std::vector<ExternalTask> out;
    for (auto [job, instance] : c.lockableExternal(topic, now, maxTasks)) {
      c.lockExternal(job, workerId, now + lockMillis);
      for (auto e : c.externalTasksOf(instance))
        if (e.id == job) {
          e.variables = c.processVariables(instance);
          out.push_back(std::move(e));
        }
    }
    return out;
  });
}

namespace {
// The instance of an external task the worker may act on.
Id lockedBy(store::Session& c, Id id, const std::string& workerId, std::int64_t now) {
  auto instance = c.jobInstance(id, "external");
  if (!instance) throw Error(ErrorCode::not_found, "external task " + std::to_string(id) + " not found");
  for (const auto& e : c.externalTasksOf(*instance))
    if (e.id == id && !e.workerId.empty() && e.workerId != workerId && e.lockExpiresAt > now)
      throw Error(ErrorCode::forbidden,
                  "external task " + std::to_string(id) + " is locked by worker '" + e.workerId + "'", e.elementId);
  return *instance;
}
}  // namespace

void Engine::completeExternalTask(Id id, const std::string& workerId, const Variables& variables) {
  impl_->command([&](store::Session& c) {
    Id instance = lockedBy(c, id, workerId, impl_->clock->nowMillis());
    impl_->onInstance(c, instance, workerId, [&](runtime::Execution& ex) { ex.completeExternal(id, variables); });
  });
}

void Engine::failExternalTask(Id id, const std::string& workerId, const std::string& message, int retries,
                              std::int64_t retryAfterMillis) {
  if (retries < 0) throw Error(ErrorCode::invalid_argument, "retries must be >= 0");
  impl_->command([&](store::Session& c) {
    auto now = impl_->clock->nowMillis();
    Id instance = lockedBy(c, id, workerId, now);
    c.failExternalJob(id, message, retries, now + retryAfterMillis);
    if (retries == 0) {
      std::string element;
      for (const auto& e : c.externalTasksOf(instance))
        if (e.id == id) element = e.elementId;
      c.insertIncident(instance, id, element, message, now);
    }
  });
}

void Engine::throwExternalBpmnError(Id id, const std::string& workerId, const std::string& errorCode,
                                    const Variables& variables) {
  if (errorCode.empty()) throw Error(ErrorCode::invalid_argument, "a BPMN error needs an error code");
  impl_->command([&](store::Session& c) {
    Id instance = lockedBy(c, id, workerId, impl_->clock->nowMillis());
    impl_->onInstance(c, instance, workerId,
                      [&](runtime::Execution& ex) { ex.externalBpmnError(id, errorCode, variables); });
  });
}

std::vector<ExternalTask> Engine::externalTasks(Id instanceId) const {
  return impl_->read([&](store::Session& c) { return c.externalTasksOf(instanceId); });
}

int Engine::runDueJobs() {
  std::ostringstream owner;
  owner << impl_->ownerId << "/" << std::this_thread::get_id();
  return impl_->runJobs(owner.str());
}

void Engine::startJobExecutor(std::int64_t pollMillis) {
  if (pollMillis <= 0) throw Error(ErrorCode::invalid_argument, "pollMillis must be > 0");
  auto owner = impl_->ownerId + "/executor";
  // Each round also raises the work-order alerts that came due (workorder_alerts.cpp).
  if (!impl_->executor.start(pollMillis, [this, impl = impl_.get(), owner] {
        impl->runJobs(owner);
        raiseWorkOrderAlerts();
      }))
    throw Error(ErrorCode::wrong_state, "the job executor is already running");
}

void Engine::stopJobExecutor() {
  impl_->stopJobs();
}

std::vector<Incident> Engine::incidents(Id instanceId) const {
  return impl_->read([&](store::Session& c) { return c.incidentsOf(instanceId); });
}

void Engine::resolveIncident(Id incidentId, int retries) {
  if (retries <= 0) throw Error(ErrorCode::invalid_argument, "retries must be > 0");
  impl_->command([&](store::Session& c) { c.resolveIncident(incidentId, retries, impl_->clock->nowMillis()); });
  impl_->executor.wake();
}

int Engine::pendingJobs(Id instanceId) const {
  return impl_->read([&](store::Session& c) { return c.countJobs(instanceId); });
}

int Engine::openIncidents(Id instanceId) const {
  return impl_->read([&](store::Session& c) { return c.countIncidents(instanceId); });
}

}  // namespace ordo
