#include "scenario.hpp"

#include <unistd.h>
#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <ordo/engine.hpp>
#include <sstream>

#include "engine/dispatch.hpp"
#include "jobs/iso8601.hpp"
#include "store/pg.hpp"

namespace ordo::cli {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct StepFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string text(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

std::string str(const json::object& o, const char* key, const std::string& fallback = {}) {
  auto it = o.find(key);
  return it == o.end() || it->value().is_null() ? fallback : text(it->value());
}

// JSON equality that treats 2 and 2.0 alike, as JSON itself does.
bool sameJson(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &x = a.as_array(), &y = b.as_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.as_object(), &y = b.as_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      auto it = y.find(kv.key());
      if (it == y.end() || !sameJson(kv.value(), it->value())) return false;
    }
    return true;
  }
  return a == b;
}

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const auto& e : v.as_array()) out.push_back(text(e));
  else if (!v.is_null())
    out.push_back(text(v));
  return out;
}

std::string joined(std::vector<std::string> v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

class Runner {
 public:
  Runner(fs::path dir, std::string dbPath) : dir_(std::move(dir)) {
    EngineOptions o;
    o.path = std::move(dbPath);
    o.durability = EngineOptions::Durability::normal;
    clock_ = std::make_shared<ManualClock>(jobs::parseDateTime("2026-01-05T09:00:00Z"));
    o.clock = clock_;
    engine_ = Engine::open(o);
  }

  void directory(const json::object& d) {
    if (auto it = d.find("roles"); it != d.end())
      for (const auto& r : it->value().as_array())
        engine_->saveRole(str(r.as_object(), "id"), str(r.as_object(), "name"));
    if (auto it = d.find("departments"); it != d.end())
      for (const auto& x : it->value().as_array()) {
        const auto& o = x.as_object();
        engine_->saveDepartment({str(o, "id"), str(o, "name"), str(o, "parent"), str(o, "leader")});
      }
    if (auto it = d.find("users"); it != d.end())
      for (const auto& x : it->value().as_array()) {
        const auto& o = x.as_object();
        User u{str(o, "id"), str(o, "name"), str(o, "department"), {}};
        if (o.contains("roles")) u.roles = strings(o.at("roles"));
        engine_->saveUser(u);
      }
  }

  // In-process service handlers a scenario names (a Java delegate of the original test):
  // each sets variables, increments a counter, throws a BPMN error or fails.
  void handlers(const json::object& specs) {
    for (const auto& kv : specs) {
      if (!kv.value().is_object()) throw StepFailure("handler '" + std::string(kv.key()) + "' must be an object");
      json::object spec = kv.value().as_object();
      auto calls = std::make_shared<std::int64_t>(0);
      engine_->registerServiceHandler(std::string(kv.key()), [spec, calls](ServiceTaskContext& ctx) {
        auto vars = ctx.variables();
        ++*calls;
        // "calls": {"variable": v, "above": n}: v becomes whether this handler ran more than n times
        // (a Java delegate's static counter); with "local": true, set as setVariableLocal does.
        if (auto it = spec.find("calls"); it != spec.end() && it->value().is_object()) {
          const auto& c = it->value().as_object();
          bool above = *calls > (c.contains("above") ? c.at("above").to_number<std::int64_t>() : 0);
          if (c.contains("local") && c.at("local").is_bool() && c.at("local").as_bool())
            ctx.setVariableLocal(str(c, "variable"), above);
          else
            ctx.setVariable(str(c, "variable"), above);
        }
        if (auto it = spec.find("variables"); it != spec.end() && it->value().is_object())
          for (const auto& v : it->value().as_object()) ctx.setVariable(std::string(v.key()), v.value());
        if (auto it = spec.find("increment"); it != spec.end()) {
          auto name = text(it->value());
          std::int64_t n = 0;
          if (auto cur = vars.find(name); cur != vars.end() && cur->value().is_number())
            n = cur->value().to_number<std::int64_t>();
          ctx.setVariable(name, n + 1);
        }
        // errorUnless: throw only while that variable is not true (a delegate that fails first, then works).
        auto unless = str(spec, "errorUnless");
        bool spared = false;
        if (!unless.empty())
          if (auto cur = vars.find(unless); cur != vars.end() && cur->value().is_bool())
            spared = cur->value().as_bool();
        if (auto it = spec.find("error"); it != spec.end() && !spared) ctx.throwBpmnError(text(it->value()));
        // "errors": [{"when": variable, "error": code}, ...]: the first whose variable is true (or
        // that names none) is thrown (a delegate that throws one of several errors).
        if (auto it = spec.find("errors"); it != spec.end() && it->value().is_array())
          for (const auto& e : it->value().as_array()) {
            const auto& rule = e.as_object();
            auto when = str(rule, "when");
            auto cur = when.empty() ? vars.end() : vars.find(when);
            if (when.empty() || (cur != vars.end() && cur->value().is_bool() && cur->value().as_bool())) {
              ctx.throwBpmnError(str(rule, "error"));
              break;
            }
          }
        if (auto it = spec.find("fail"); it != spec.end() && !spared) throw std::runtime_error(text(it->value()));
      });
    }
  }

  // The files of one list are one deployment (a Java test's @Deployment), as a server posts them.
  void deploy(const json::value& files) {
    DeploymentRequest request;
    request.name = "scenario";
    for (const auto& f : files.as_array()) {
      auto path = dir_ / std::string(f.as_string());
      std::ifstream in(path, std::ios::binary);
      if (!in) throw StepFailure("cannot read model " + path.string());
      std::stringstream s;
      s << in.rdbuf();
      request.resources.push_back({std::string(f.as_string()), s.str()});
    }
    if (!request.resources.empty()) engine_->deployResources(request);
  }

  void step(const json::object& step) {
    if (step.size() != 1) throw StepFailure("a step has exactly one key");
    const auto& [name, body] = *step.begin();
    const json::object empty;
    const json::object& o = body.is_object() ? body.as_object() : empty;
    if (name == "start") return start(o);
    if (name == "deploy") return deploy(body);
    if (name == "complete") return complete(o);
    if (name == "expect") return expect(o);
    if (name == "expectError") return expectError(o);
    if (name == "advance") return advance(body);
    if (name == "runJobs") {
      engine_->runDueJobs();
      return;
    }
    if (name == "executeJob") return executeJob(o);
    if (name == "completeExternal" || name == "failTask") return external(name, o);
    if (name == "message") return message(o);
    if (name == "evaluateConditionalEvents") {
      auto it = o.find("variables");
      if (it != o.end() && !it->value().is_object())
        throw Error(ErrorCode::invalid_argument, "evaluateConditionalEvents takes variables as a JSON object");
      engine_->evaluateConditionalEvents(instance(o), it == o.end() ? Variables{} : it->value().as_object());
      return;
    }
    if (name == "setVariables") {
      auto it = o.find("variables");
      if (it == o.end() || !it->value().is_object())
        throw Error(ErrorCode::invalid_argument, "setVariables needs variables (a JSON object)");
      engine_->setVariables(instance(o), it->value().as_object());
      return;
    }
    if (name == "action") return action(o);
    if (name == "signal") {
      Variables vars;
      if (auto it = o.find("variables"); it != o.end()) {
        if (!it->value().is_object())
          throw Error(ErrorCode::invalid_argument, "signal variables must be a JSON object");
        vars = it->value().as_object();
      }
      engine_->broadcastSignal(str(o, "name"), vars);
      return;
    }
    throw Error(ErrorCode::unsupported, "step '" + std::string(name) + "' is not supported yet");
  }

 private:
  Id instance(const json::object& o) {
    auto name = str(o, "instance", "p1");
    auto it = instances_.find(name);
    if (it == instances_.end()) throw StepFailure("no instance named '" + name + "'");
    return it->second;
  }

  // An approval operation: the step's element ids and names become the ids the engine's
  // operation dispatcher takes (the same one the C ABI's ordo_operation calls).
  void action(const json::object& o) {
    json::object request;
    for (const auto& kv : o) {
      auto key = std::string(kv.key());
      if (key == "instance" || key == "task" || key == "assignee" || key == "as") continue;
      if (key == "from" || key == "until") {
        try {
          request[key] = jobs::parseDateTime(text(kv.value()));
        } catch (const std::invalid_argument& e) {
          throw Error(ErrorCode::invalid_argument, "action " + key + ": " + e.what());
        }
        continue;
      }
      request[key] = kv.value();
    }
    if (o.contains("task")) {
      auto tasks = openTasks(instance(o), str(o, "task"), str(o, "assignee"));
      if (tasks.empty()) throw Error(ErrorCode::not_found, "no open task '" + str(o, "task") + "' for " + str(o, "op"));
      request["task"] = tasks.back().id;
    } else if (o.contains("instance")) {
      request["instance"] = instance(o);
    }
    auto result = approval::runOperation(*engine_, request);
    if (str(o, "op") == "draft") instances_[str(o, "as", "p1")] = result.as_object().at("id").as_int64();
  }

  void message(const json::object& o) {
    MessageCorrelation m;
    m.name = str(o, "name");
    m.businessKey = str(o, "correlationKey");
    if (o.contains("instance")) m.instanceId = instance(o);
    if (auto it = o.find("variables"); it != o.end()) {
      if (!it->value().is_object()) throw Error(ErrorCode::invalid_argument, "message variables must be a JSON object");
      m.variables = it->value().as_object();
    }
    m.user = str(o, "user");
    engine_->correlateMessage(m);
  }

  void start(const json::object& o) {
    if (o.contains("message")) {
      MessageCorrelation m;
      m.name = str(o, "message");
      m.businessKey = str(o, "businessKey");
      m.user = str(o, "user");
      if (auto it = o.find("variables"); it != o.end()) {
        if (!it->value().is_object()) throw Error(ErrorCode::invalid_argument, "start variables must be a JSON object");
        m.variables = it->value().as_object();
      }
      instances_[str(o, "as", "p1")] = engine_->correlateMessage(m).id;
      return;
    }
    StartRequest r;
    r.key = str(o, "process");
    if (auto it = o.find("variables"); it != o.end()) {
      if (!it->value().is_object()) throw Error(ErrorCode::invalid_argument, "start variables must be a JSON object");
      r.variables = it->value().as_object();
    }
    r.businessKey = str(o, "businessKey");
    r.initiator = str(o, "user");
    auto inst = engine_->start(r);
    instances_[str(o, "as", "p1")] = inst.id;
  }

  // The instance and the instances its call activities started, at any depth.
  std::vector<Id> tree(Id root) {
    std::vector<Id> out{root};
    for (std::size_t i = 0; i < out.size(); ++i) {
      InstanceQuery q;
      q.parentId = out[i];
      q.limit = 100000;
      for (const auto& child : engine_->instances(q)) out.push_back(child.id);
    }
    return out;
  }

  std::vector<Task> openTasks(Id root, const std::string& element, const std::string& assignee) {
    std::vector<Task> all;
    for (Id id : tree(root)) {
      TaskQuery q;
      q.instanceId = id;
      q.elementId = element;
      q.assignee = assignee;
      q.limit = 10000;
      auto part = engine_->tasks(q);
      all.insert(all.end(), part.begin(), part.end());
    }
    std::sort(all.begin(), all.end(), [](const Task& a, const Task& b) { return a.id > b.id; });
    return all;
  }

  void complete(const json::object& o) {
    Id id = instance(o);
    TaskQuery q;
    q.elementId = str(o, "task");
    auto tasks = openTasks(id, q.elementId, str(o, "assignee"));
    // A peer's test finds its task by name: {"complete": {"name": "Task A"}}.
    if (auto name = str(o, "name"); !name.empty()) std::erase_if(tasks, [&](const Task& t) { return t.name != name; });
    if (tasks.empty())
      throw Error(ErrorCode::not_found,
                  "no open task '" + q.elementId + str(o, "name") + "' in instance '" + str(o, "instance", "p1") + "'");
    // tasks come newest first; the scenario means the first by creation order
    const auto& task = tasks.back();
    Variables vars;
    if (auto it = o.find("variables"); it != o.end()) {
      if (!it->value().is_object()) throw Error(ErrorCode::invalid_argument, "task variables must be a JSON object");
      vars = it->value().as_object();
    }
    auto user = str(o, "user");
    auto actor = user.empty() ? ordo::Actor::system() : ordo::Actor(user);
    engine_->completeTask(task.id, actor, vars);
    // "all": true completes every task that matches now, oldest first (a test's loop over a task list).
    if (auto all = o.find("all"); all != o.end() && all->value().is_bool() && all->value().as_bool()) {
      std::vector<Id> rest;
      for (auto it = tasks.rbegin() + 1; it != tasks.rend(); ++it) rest.push_back(it->id);
      for (Id t : rest) {
        bool open = false;
        for (const auto& again : openTasks(id, q.elementId, str(o, "assignee"))) open = open || again.id == t;
        if (open) engine_->completeTask(t, actor, vars);
      }
    }
  }

  void external(const std::string& kind, const json::object& o) {
    Id id = instance(o);
    auto topic = str(o, "topic");
    auto locked = engine_->fetchAndLock(topic, "scenario-worker", 1000, 60'000);
    const ExternalTask* pick = nullptr;
    for (const auto& e : locked)
      if (e.instanceId == id && !pick) pick = &e;
    if (!pick) throw Error(ErrorCode::not_found, "no external task on topic '" + topic + "' for the instance");
    Variables vars;
    if (auto it = o.find("variables"); it != o.end() && it->value().is_object()) vars = it->value().as_object();
    auto error = str(o, "error");
    if (!error.empty()) {
      engine_->throwExternalBpmnError(pick->id, "scenario-worker", error, vars);
    } else if (kind == "failTask") {
      int retries = o.contains("retries") ? static_cast<int>(o.at("retries").to_number<std::int64_t>()) : 0;
      engine_->failExternalTask(pick->id, "scenario-worker", "failed by scenario", retries);
    } else {
      engine_->completeExternalTask(pick->id, "scenario-worker", vars);
    }
  }

  // A Java test's managementService.executeJob(the instance's only job): it runs due or not.
  void executeJob(const json::object& o) {
    std::vector<JobInfo> found;
    for (const auto& j : engine_->jobs(instance(o)))
      if (j.kind != "external" && (!o.contains("element") || j.elementId == str(o, "element"))) found.push_back(j);
    if (found.size() != 1)
      throw StepFailure("executeJob: " + std::to_string(found.size()) + " jobs match, expected exactly one");
    engine_->executeJob(found[0].id);
  }

  void advance(const json::value& v) {
    try {
      auto d = jobs::parseDuration(text(v));
      clock_->set(jobs::addDuration(clock_->nowMillis(), d));
    } catch (const std::invalid_argument& e) {
      throw Error(ErrorCode::invalid_argument, std::string("advance: ") + e.what());
    }
    engine_->runDueJobs();
  }

  // Everything a failing step must leave unchanged.
  std::string snapshot() {
    std::string out;
    InstanceQuery iq;
    iq.limit = 100000;
    for (const auto& i : engine_->instances(iq)) {
      out += std::to_string(i.id) + std::string(toString(i.state)) + std::to_string(i.revision) + json::serialize(engine_->variables(i.id));
      for (const auto& w : engine_->waitingAt(i.id)) out += w;
      out += std::to_string(engine_->history(i.id).size());
    }
    TaskQuery tq;
    tq.includeFinished = true;
    tq.limit = 100000;
    for (const auto& t : engine_->tasks(tq)) out += std::to_string(t.id) + std::string(toString(t.state)) + t.assignee;
    return out;
  }

  void expectError(const json::object& o) {
    auto codes = strings(o.contains("code") ? o.at("code") : json::value(nullptr));
    if (!o.contains("step") || !o.at("step").is_object()) throw StepFailure("expectError needs a step");
    auto before = snapshot();
    try {
      step(o.at("step").as_object());
    } catch (const Error& e) {
      bool match = codes.empty();
      for (const auto& c : codes) match = match || lower(c) == toString(e.code());
      if (e.code() == ErrorCode::unsupported && !match) throw;
      if (!match)
        throw StepFailure(std::string("failed with ") + toString(e.code()) + " (" + e.what() + "), expected " +
                          joined(codes));
      if (snapshot() != before) throw StepFailure("the failing step changed the state");
      if (auto want = str(o, "diagnostic"); !want.empty()) {
        std::vector<std::string> got;
        for (const auto& d : e.diagnostics())
          if (d.severity == Severity::error) got.push_back(d.code);
        if (std::find(got.begin(), got.end(), want) == got.end())
          throw StepFailure("diagnostics " + joined(got) + ", expected " + want);
      }
      if (auto want = str(o, "message"); !want.empty() && std::string(e.what()).find(want) == std::string::npos)
        throw StepFailure(std::string("the error says '") + e.what() + "', expected it to contain '" + want + "'");
      return;
    }
    throw StepFailure("the step succeeded, expected error " + joined(codes));
  }

  void expect(const json::object& o) {
    Id id = instance(o);
    auto inst = engine_->instance(id);
    if (o.contains("state") && toString(inst.state) != str(o, "state"))
      throw StepFailure(std::string("state is ") + toString(inst.state) + ", expected " + str(o, "state"));
    if (o.contains("businessKey") && inst.businessKey != str(o, "businessKey"))
      throw StepFailure("business key is '" + inst.businessKey + "', expected '" + str(o, "businessKey") + "'");
    if (o.contains("waiting")) {
      auto got = engine_->waitingAt(id);
      auto want = strings(o.at("waiting"));
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      if (got != want) throw StepFailure("waiting at " + joined(got) + ", expected " + joined(want));
    }
    std::vector<HistoryEntry> history;
    for (Id member : tree(id)) {
      auto part = engine_->history(member);
      history.insert(history.end(), part.begin(), part.end());
    }
    std::sort(history.begin(), history.end(), [](const HistoryEntry& a, const HistoryEntry& b) { return a.id < b.id; });
    std::vector<std::string> passed, entered, ended;
    for (const auto& h : history) {
      if (h.elementType == "multiInstanceBody") continue;
      if (h.kind == "element_left") {
        passed.push_back(h.elementId);
        if (h.elementType == "endEvent") ended.push_back(h.elementId);
      }
      // Entered and left in one command is recorded as element_left alone.
      if (h.kind == "element_entered" || h.kind == "element_left") entered.push_back(h.elementId);
    }
    if (o.contains("passed")) {
      auto want = strings(o.at("passed"));
      if (passed != want) throw StepFailure("passed " + joined(passed) + ", expected " + joined(want));
    }
    if (o.contains("passedAnyOrder")) {
      auto want = strings(o.at("passedAnyOrder"));
      auto got = passed;
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      if (got != want) throw StepFailure("passed (any order) " + joined(got) + ", expected " + joined(want));
    }
    if (o.contains("passedIncludes"))  // a peer's test that checks some of the nodes passed
      for (const auto& n : strings(o.at("passedIncludes")))
        if (std::find(passed.begin(), passed.end(), n) == passed.end())
          throw StepFailure("'" + n + "' was not passed; passed " + joined(passed));
    if (o.contains("notPassed"))
      for (const auto& n : strings(o.at("notPassed")))
        if (std::find(entered.begin(), entered.end(), n) != entered.end())
          throw StepFailure("'" + n + "' was entered, expected never");
    if (o.contains("ended")) {
      auto want = strings(o.at("ended"));
      std::sort(ended.begin(), ended.end());
      std::sort(want.begin(), want.end());
      if (ended != want) throw StepFailure("ended at " + joined(ended) + ", expected " + joined(want));
    }
    if (o.contains("variables")) {
      auto vars = engine_->variables(id);
      for (const auto& kv : o.at("variables").as_object()) {
        auto it = vars.find(kv.key());
        if (it == vars.end()) throw StepFailure("variable '" + std::string(kv.key()) + "' is not set");
        if (!sameJson(it->value(), kv.value()))
          throw StepFailure("variable '" + std::string(kv.key()) + "' is " + json::serialize(it->value()) +
                            ", expected " + json::serialize(kv.value()));
      }
    }
    if (o.contains("tasks")) checkTasks(id, o.at("tasks").as_array());
    // Some of the open tasks (a peer's test that looks up one task by name), and tasks that must not be open.
    if (o.contains("someTasks")) checkTasks(id, o.at("someTasks").as_array(), false);
    if (o.contains("noTasks"))
      for (const auto& spec : o.at("noTasks").as_array()) {
        bool found = true;
        try {
          checkTasks(id, json::array{spec}, false);
        } catch (const StepFailure&) {
          found = false;
        }
        if (found) throw StepFailure("an open task matches " + json::serialize(spec) + ", expected none");
      }
    if (o.contains("instances")) {
      InstanceQuery q;
      q.limit = 1000000;
      auto n = static_cast<std::int64_t>(engine_->instances(q).size());
      if (n != o.at("instances").to_number<std::int64_t>())
        throw StepFailure("there are " + std::to_string(n) + " instances, expected " + text(o.at("instances")));
    }
    if (o.contains("jobs") && engine_->pendingJobs(id) != o.at("jobs").to_number<std::int64_t>())
      throw StepFailure("pending jobs " + std::to_string(engine_->pendingJobs(id)) + ", expected " +
                        text(o.at("jobs")));
    if (o.contains("incidents") && engine_->openIncidents(id) != o.at("incidents").to_number<std::int64_t>())
      throw StepFailure("open incidents " + std::to_string(engine_->openIncidents(id)) + ", expected " +
                        text(o.at("incidents")));
    if (o.contains("operations")) {
      std::vector<std::string> got;
      for (Id member : tree(id))
        for (const auto& h : engine_->operations(member)) got.push_back(h.action);
      auto want = strings(o.at("operations"));
      if (got != want) throw StepFailure("operations " + joined(got) + ", expected " + joined(want));
    }
    if (o.contains("inbox")) {
      const auto& spec = o.at("inbox").as_object();
      auto messages = engine_->inbox(str(spec, "user"), false, 0, 100000);
      if (spec.contains("unread")) {
        auto unread = std::count_if(messages.begin(), messages.end(), [](const InboxMessage& m) { return !m.read; });
        if (unread != spec.at("unread").to_number<std::int64_t>())
          throw StepFailure("inbox of " + str(spec, "user") + " has " + std::to_string(unread) + " unread, expected " +
                            text(spec.at("unread")));
      }
      if (spec.contains("types"))
        for (const auto& kv : spec.at("types").as_object()) {
          auto n = std::count_if(messages.begin(), messages.end(),
                                 [&](const InboxMessage& m) { return m.type == kv.key(); });
          if (n != kv.value().to_number<std::int64_t>())
            throw StepFailure("inbox of " + str(spec, "user") + " has " + std::to_string(n) + " " +
                              std::string(kv.key()) + " messages, expected " + text(kv.value()));
        }
    }
    if (o.contains("lists")) {
      const auto& spec = o.at("lists").as_object();
      auto l = engine_->lists(str(spec, "user"));
      for (auto [field, value] :
           {std::pair{"todo", l.todo}, {"done", l.done}, {"started", l.started}, {"cc", l.cc}, {"drafts", l.drafts}})
        if (spec.contains(field) && spec.at(field).to_number<std::int64_t>() != value)
          throw StepFailure(std::string("list ") + field + " of " + str(spec, "user") + " has " +
                            std::to_string(value) + ", expected " + text(spec.at(field)));
    }
    if (o.contains("returnable")) {
      const auto& spec = o.at("returnable").as_object();
      auto tasks = openTasks(id, str(spec, "task"), {});
      if (tasks.empty()) throw StepFailure("returnable: no open task '" + str(spec, "task") + "'");
      auto got = engine_->returnableNodes(tasks.back().id);
      auto want = strings(spec.at("nodes"));
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
      if (got != want)
        throw StepFailure("returnable from " + str(spec, "task") + ": " + joined(got) + ", expected " + joined(want));
    }
  }

  void checkTasks(Id id, const json::array& want, bool exact = true) {
    auto open = openTasks(id, {}, {});
    if (exact && open.size() != want.size())
      throw StepFailure(std::to_string(open.size()) + " open tasks, expected " + std::to_string(want.size()));
    std::vector<bool> used(open.size(), false);
    for (const auto& w : want) {
      const auto& spec = w.as_object();
      bool found = false;
      for (std::size_t i = 0; i < open.size() && !found; ++i) {
        if (used[i]) continue;
        const auto& t = open[i];
        bool ok = true;
        if (spec.contains("element")) ok = ok && t.elementId == str(spec, "element");
        if (spec.contains("assignee")) ok = ok && t.assignee == str(spec, "assignee");
        if (spec.contains("name")) ok = ok && t.name == str(spec, "name");
        if (spec.contains("owner")) ok = ok && t.owner == str(spec, "owner");
        if (spec.contains("formKey")) ok = ok && t.formKey == str(spec, "formKey");
        if (spec.contains("priority")) ok = ok && t.priority == spec.at("priority").to_number<std::int64_t>();
        if (spec.contains("due")) {
          auto due = str(spec, "due");
          ok = ok && (due.empty() ? t.dueAt == 0 : t.dueAt == jobs::parseDateTime(due));
        }
        auto sameSet = [](std::vector<std::string> a, std::vector<std::string> b) {
          std::sort(a.begin(), a.end());
          std::sort(b.begin(), b.end());
          return a == b;
        };
        if (spec.contains("candidateUsers")) ok = ok && sameSet(t.candidateUsers, strings(spec.at("candidateUsers")));
        if (spec.contains("candidateGroups"))
          ok = ok && sameSet(t.candidateGroups, strings(spec.at("candidateGroups")));
        if (ok) found = used[i] = true;
      }
      if (!found) throw StepFailure("no open task matches " + json::serialize(w));
    }
  }

  fs::path dir_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Engine> engine_;
  std::map<std::string, Id> instances_;
};

}  // namespace

std::vector<std::string> scenarioFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (fs::is_directory(p)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p))
        if (e.path().extension() == ".json") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

ScenarioResult runScenario(const std::string& path, const std::string& database) {
  ScenarioResult r;
  r.file = path;
  auto db = fs::temp_directory_path() / ("ordo-scenario-" + std::to_string(::getpid()) + ".db");
  std::function<void()> cleanup = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  };
  if (store::isPostgresUrl(database)) {
    // PostgreSQL: each scenario in a fresh schema of the database, dropped after it.
    static int counter = 0;
    std::string schema = "scenario_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    db = database + (database.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema;
    cleanup = [database, schema] {
      try {
        store::PgConnection c(store::parsePostgresUrl(database).conninfo, "", false, false);
        c.exec("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
      } catch (const std::exception&) {
      }
    };
  }
  cleanup();
  int stepNo = 0;
  std::string stepName = "deploy";
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StepFailure("cannot read file");
    std::stringstream s;
    s << in.rdbuf();
    auto doc = json::parse(s.str());
    const auto& o = doc.as_object();
    r.name = str(o, "name", fs::path(path).stem().string());
    Runner runner(fs::path(path).parent_path(), db.string());
    if (o.contains("directory")) runner.directory(o.at("directory").as_object());
    if (o.contains("handlers")) runner.handlers(o.at("handlers").as_object());
    if (o.contains("deploy")) runner.deploy(o.at("deploy"));
    for (const auto& st : o.at("steps").as_array()) {
      ++stepNo;
      stepName = st.is_object() && !st.as_object().empty() ? std::string(st.as_object().begin()->key()) : "?";
      runner.step(st.as_object());
    }
    r.passed = true;
  } catch (const Error& e) {
    r.failure = "step " + std::to_string(stepNo) + " (" + stepName + "): " + toString(e.code()) + ": " + e.what();
  } catch (const std::exception& e) {
    r.failure = "step " + std::to_string(stepNo) + " (" + stepName + "): " + e.what();
  }
  cleanup();
  return r;
}

int scenarioCommand(const std::vector<std::string>& args) {
  // --db postgresql://…: every scenario on PostgreSQL instead of a SQLite file.
  std::vector<std::string> paths = args;
  std::string database;
  if (paths.size() >= 2 && paths[0] == "--db") {
    database = paths[1];
    paths.erase(paths.begin(), paths.begin() + 2);
  }
  if (paths.empty()) {
    std::cerr << "usage: ordo scenario [--db postgresql://…] FILE|DIR...\n";
    return 2;
  }
  int passed = 0, failed = 0;
  for (const auto& f : scenarioFiles(paths)) {
    auto r = runScenario(f, database);
    if (r.passed) {
      ++passed;
      std::cout << "PASS " << f << "\n";
    } else {
      ++failed;
      std::cout << "FAIL " << f << ": " << r.failure << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed ? 1 : 0;
}

}  // namespace ordo::cli
