// /external-task: fetchAndLock (with long polling that holds no thread), complete, failure,
// bpmnError, extendLock, unlock, list, count, get.
#include <set>

#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

struct Topic {
  std::string name;
  std::int64_t lockDuration = 0;
  std::optional<std::vector<std::string>> variables;  // none: all
  std::string businessKey, definitionKey;
};

value lockedDto(const ExternalTask& e, const Instance& i, const Topic& t, const std::string& worker) {
  object vars;
  for (const auto& [k, v] : e.variables) {
    if (t.variables && std::find(t.variables->begin(), t.variables->end(), std::string(k)) == t.variables->end())
      continue;
    vars[k] = typedValue(v);
  }
  return object{{"activityId", e.elementId},
                {"activityInstanceId", e.elementId + ":" + idString(e.id)},
                {"errorMessage", nullptr},
                {"errorDetails", nullptr},
                {"executionId", idString(e.instanceId)},
                {"id", idString(e.id)},
                {"lockExpirationTime", timeOrNull(e.lockExpiresAt)},
                {"createTime", nullptr},
                {"processDefinitionId", idString(i.definitionId)},
                {"processDefinitionKey", i.definitionKey},
                {"processDefinitionVersionTag", nullptr},
                {"processInstanceId", idString(e.instanceId)},
                {"retries", nullptr},
                {"suspended", false},
                {"workerId", worker},
                {"topicName", e.topic},
                {"tenantId", strOrNull(i.tenant)},
                {"variables", vars},
                {"priority", 0},
                {"businessKey", strOrNull(i.businessKey)},
                {"extensionProperties", object()}};
}

// One attempt: locks what is there now, for each topic in turn, up to maxTasks.
array attempt(Engine& engine, const Principal& who, const std::string& worker, std::int64_t maxTasks,
              const std::vector<Topic>& topics) {
  array out;
  for (const auto& t : topics) {
    auto left = maxTasks - static_cast<std::int64_t>(out.size());
    if (left <= 0) break;
    for (auto& e : engine.fetchAndLock(t.name, worker, static_cast<int>(left), t.lockDuration)) {
      auto i = engine.instance(e.instanceId);
      bool wanted = seesTenant(who, i.tenant) && (t.businessKey.empty() || t.businessKey == i.businessKey) &&
                    (t.definitionKey.empty() || t.definitionKey == i.definitionKey);
      // Another tenant's task (or one this topic filters out) goes back as it was.
      if (!wanted) {
        engine.unlockExternalTask(e.id);
        continue;
      }
      out.push_back(lockedDto(e, i, t, worker));
    }
  }
  return out;
}

Response fetchAndLock(Call& c) {
  const auto& b = body(c);
  auto worker = text(b, "workerId");
  if (worker.empty()) throw Error(ErrorCode::invalid_argument, "workerId: must not be empty");
  auto maxTasks = integerField(b, "maxTasks").value_or(1);
  if (maxTasks < 0) throw Error(ErrorCode::invalid_argument, "maxTasks: must be >= 0");
  auto timeout = integerField(b, "asyncResponseTimeout").value_or(0);
  if (timeout < 0 || timeout > 1800000)
    throw Error(ErrorCode::invalid_argument, "asyncResponseTimeout: must be between 0 and 1800000 milliseconds");
  std::vector<Topic> topics;
  if (auto* ts = b.if_contains("topics"); ts && ts->is_array()) {
    std::size_t n = 0;
    for (const auto& tv : ts->as_array()) {
      std::string at = "topics[" + std::to_string(n++) + "]";
      const auto& to = tv.as_object();
      Topic t;
      t.name = text(to, "topicName");
      if (t.name.empty()) throw Error(ErrorCode::invalid_argument, at + ".topicName: must not be empty");
      auto lock = integerField(to, "lockDuration");
      if (!lock || *lock <= 0)
        throw Error(ErrorCode::invalid_argument, at + ".lockDuration: must be a positive number of milliseconds");
      t.lockDuration = *lock;
      if (to.contains("variables") && !to.at("variables").is_null()) t.variables = strings(to, "variables");
      t.businessKey = text(to, "businessKey");
      t.definitionKey = text(to, "processDefinitionKey");
      topics.push_back(std::move(t));
    }
  }
  if (maxTasks == 0 || topics.empty()) return json(200, array());
  auto first = attempt(c.engine, c.who, worker, maxTasks, topics);
  if (!first.empty() || timeout == 0) return json(200, first);
  // Long polling: re-check on a timer, no thread held in between.
  Response r;
  r.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout);
  r.pollEvery = std::chrono::milliseconds(std::min<std::int64_t>(timeout, 100));
  Engine& engine = c.engine;
  Principal who = c.who;
  r.poll = [&engine, who, worker, maxTasks, topics](bool last) -> std::optional<Response> {
    auto got = attempt(engine, who, worker, maxTasks, topics);
    if (!got.empty() || last) return json(200, got);
    return std::nullopt;
  };
  return r;
}

ExternalTask visibleExternal(Call& c, const std::string& id) {
  Id n = parseId(id, "External task");
  for (const auto& e : c.engine.allExternalTasks())
    if (e.id == n) {
      auto i = c.engine.instance(e.instanceId);
      if (seesTenant(c.who, i.tenant)) return e;
    }
  throw Error(ErrorCode::not_found, "External task with id '" + id + "' does not exist");
}

value externalDto(Engine& engine, const ExternalTask& e, std::int64_t now) {
  auto i = engine.instance(e.instanceId);
  return object{{"activityId", e.elementId},
                {"activityInstanceId", e.elementId + ":" + idString(e.id)},
                {"errorMessage", nullptr},
                {"executionId", idString(e.instanceId)},
                {"id", idString(e.id)},
                {"lockExpirationTime", e.lockExpiresAt > now ? value(isoTime(e.lockExpiresAt)) : value(nullptr)},
                {"processDefinitionId", idString(i.definitionId)},
                {"processDefinitionKey", i.definitionKey},
                {"processInstanceId", idString(e.instanceId)},
                {"retries", e.retries},
                {"suspended", i.state == Instance::State::suspended},
                {"workerId", e.lockExpiresAt > now ? strOrNull(e.workerId) : value(nullptr)},
                {"topicName", e.topic},
                {"tenantId", strOrNull(i.tenant)},
                {"priority", 0},
                {"businessKey", strOrNull(i.businessKey)}};
}

Response listExternalTasks(Call& c, bool count) {
  auto now = c.engine.clock().nowMillis();
  auto id = param(c, "externalTaskId"), topic = param(c, "topicName"), worker = param(c, "workerId"),
       instance = param(c, "processInstanceId"), activity = param(c, "activityId");
  auto locked = queryBool(c, "locked"), notLocked = queryBool(c, "notLocked");
  auto withRetries = queryBool(c, "withRetriesLeft"), noRetries = queryBool(c, "noRetriesLeft");
  array out;
  std::vector<ExternalTask> found;
  for (const auto& e : c.engine.allExternalTasks()) {
    if (!id.empty() && idString(e.id) != id) continue;
    if (!topic.empty() && e.topic != topic) continue;
    if (!worker.empty() && (e.workerId != worker || e.lockExpiresAt <= now)) continue;
    if (!instance.empty() && idString(e.instanceId) != instance) continue;
    if (!activity.empty() && e.elementId != activity) continue;
    if (locked.value_or(false) && e.lockExpiresAt <= now) continue;
    if (notLocked.value_or(false) && e.lockExpiresAt > now) continue;
    if (withRetries.value_or(false) && e.retries <= 0) continue;
    if (noRetries.value_or(false) && e.retries > 0) continue;
    if (!seesTenant(c.who, c.engine.instance(e.instanceId).tenant)) continue;
    found.push_back(e);
  }
  if (count) return json(200, countOf(found.size()));
  page(found, c);
  for (const auto& e : found) out.push_back(externalDto(c.engine, e, now));
  return json(200, out);
}

void listParams(R& r) {
  r.query("externalTaskId").query("topicName").query("workerId").query("processInstanceId").query("activityId");
  r.query("locked", "boolean").query("notLocked", "boolean").query("withRetriesLeft", "boolean");
  r.query("noRetriesLeft", "boolean");
}

}  // namespace

void addExternalTaskRoutes(RouteTable& t) {
  using namespace schema;
  t.add(R("POST", "/external-task/fetchAndLock", "External Task", "Fetch and lock external tasks (long polling)")
            .body(obj({{"workerId", str()},
                       {"maxTasks", integer()},
                       {"usePriority", boolean()},
                       {"asyncResponseTimeout", integer("milliseconds to wait for a task")},
                       {"topics", arrayOf(obj({{"topicName", str()},
                                               {"lockDuration", integer()},
                                               {"variables", arrayOf(str())},
                                               {"localVariables", boolean()},
                                               {"businessKey", str()},
                                               {"processDefinitionKey", str()},
                                               {"deserializeValues", boolean()},
                                               {"includeExtensionProperties", boolean()}},
                                              {"topicName", "lockDuration"}))}},
                      {"workerId", "topics"}))
            .returns(arrayOf(obj({{"id", str()}, {"topicName", str()}, {"variables", variables()}})))
            .handle(fetchAndLock)
            .route);
  R l("GET", "/external-task", "External Task", "List external tasks");
  listParams(l);
  t.add(l.paged()
            .returns(arrayOf(obj({{"id", str()}, {"topicName", str()}})))
            .handle([](Call& c) { return listExternalTasks(c, false); })
            .route);
  R n("GET", "/external-task/count", "External Task", "Count external tasks");
  listParams(n);
  t.add(n.returns(countSchema()).handle([](Call& c) { return listExternalTasks(c, true); }).route);
  t.add(R("GET", "/external-task/{id}", "External Task", "Get an external task")
            .returns(obj({{"id", str()}, {"topicName", str()}}))
            .handle([](Call& c) {
              auto e = visibleExternal(c, c.request.params.at("id"));
              return json(200, externalDto(c.engine, e, c.engine.clock().nowMillis()));
            })
            .route);
  auto op = [](const char* path, const char* summary, value schema, std::function<void(Call&, const ExternalTask&)> f) {
    R r("POST", std::string("/external-task/{id}") + path, "External Task", summary);
    r.body(std::move(schema)).noContent().handle([f](Call& c) {
      auto e = visibleExternal(c, c.request.params.at("id"));
      f(c, e);
      return server::noContent();
    });
    return r.route;
  };
  t.add(op("/complete", "Complete an external task",
           obj({{"workerId", str()}, {"variables", variables()}, {"localVariables", variables()}}, {"workerId"}),
           [](Call& c, const ExternalTask& e) {
             const auto& b = body(c);
             auto vars = untypedVariables(b.if_contains("variables"), "variables");
             for (auto& [k, v] : untypedVariables(b.if_contains("localVariables"), "localVariables")) vars[k] = v;
             c.engine.completeExternalTask(e.id, text(b, "workerId"), vars);
           }));
  t.add(op("/failure", "Report an external task's failure",
           obj({{"workerId", str()},
                {"errorMessage", str()},
                {"errorDetails", str()},
                {"retries", integer()},
                {"retryTimeout", integer("milliseconds")}},
               {"workerId"}),
           [](Call& c, const ExternalTask& e) {
             const auto& b = body(c);
             auto retries = integerField(b, "retries").value_or(0);
             auto timeout = integerField(b, "retryTimeout").value_or(0);
             if (retries < 0) throw Error(ErrorCode::invalid_argument, "retries: must be >= 0");
             if (timeout < 0) throw Error(ErrorCode::invalid_argument, "retryTimeout: must be >= 0");
             c.engine.failExternalTask(e.id, text(b, "workerId"), text(b, "errorMessage"), static_cast<int>(retries),
                                       timeout);
           }));
  t.add(op("/bpmnError", "Throw a BPMN error from an external task",
           obj({{"workerId", str()}, {"errorCode", str()}, {"errorMessage", str()}, {"variables", variables()}},
               {"workerId", "errorCode"}),
           [](Call& c, const ExternalTask& e) {
             const auto& b = body(c);
             auto code = text(b, "errorCode");
             if (code.empty()) throw Error(ErrorCode::invalid_argument, "errorCode: must not be empty");
             c.engine.throwExternalBpmnError(e.id, text(b, "workerId"), code,
                                             untypedVariables(b.if_contains("variables"), "variables"));
           }));
  t.add(op("/extendLock", "Extend an external task's lock",
           obj({{"workerId", str()}, {"newDuration", integer("milliseconds from now")}}, {"workerId", "newDuration"}),
           [](Call& c, const ExternalTask& e) {
             const auto& b = body(c);
             c.engine.extendExternalLock(e.id, text(b, "workerId"), integerField(b, "newDuration").value_or(0));
           }));
  t.add(op("/unlock", "Unlock an external task", obj({}),
           [](Call& c, const ExternalTask& e) { c.engine.unlockExternalTask(e.id); }));
}

}  // namespace ordo::server::camunda7
