// /message (correlate), /signal, /job (list, execute, retries), /incident (list, resolve).
#include "server/camunda7/common.hpp"
#include "server/state.hpp"

namespace ordo::server::camunda7 {

namespace {

value resultDto(const Instance& i, bool started, bool withVariables, Engine& engine) {
  object o{{"resultType", started ? "ProcessDefinition" : "Execution"}};
  object execution{{"id", idString(i.id)},
                   {"processInstanceId", idString(i.id)},
                   {"ended", i.state != Instance::State::running && i.state != Instance::State::suspended},
                   {"tenantId", strOrNull(i.tenant)}};
  o["execution"] = started ? value(nullptr) : value(execution);
  o["processInstance"] = started ? instanceDto(i) : value(nullptr);
  if (withVariables) o["variables"] = typedVariables(engine.variables(i.id));
  return o;
}

Response correlate(Call& c) {
  const auto& b = body(c);
  auto name = text(b, "messageName");
  if (name.empty()) throw Error(ErrorCode::invalid_argument, "messageName: must not be empty");
  if (b.contains("tenantId") && b.contains("withoutTenantId") && flag(b, "withoutTenantId"))
    throw Error(ErrorCode::invalid_argument,
                "tenantId: Parameter 'tenantId' cannot be used together with 'withoutTenantId'");
  auto vars = untypedVariables(b.if_contains("processVariables"), "processVariables");
  for (auto& [k, v] : untypedVariables(b.if_contains("processVariablesLocal"), "processVariablesLocal")) vars[k] = v;
  auto keys = untypedVariables(b.if_contains("correlationKeys"), "correlationKeys");
  auto localKeys = untypedVariables(b.if_contains("localCorrelationKeys"), "localCorrelationKeys");
  for (auto& [k, v] : localKeys) keys[k] = v;
  auto businessKey = text(b, "businessKey");
  auto instanceText = text(b, "processInstanceId");
  auto tenant = text(b, "tenantId");
  bool all = flag(b, "all");
  bool result = flag(b, "resultEnabled");
  bool withVariables = flag(b, "variablesInResultEnabled");
  auto user = c.who.user;
  auto began = c.engine.clock().nowMillis();
  array results;
  auto done = [&]() -> Response {
    if (results.empty())
      return errorResponse(400, "RestException",
                           "messageName: Cannot correlate message '" + name +
                               "': No process definition or execution matches the parameters",
                           "not_found");
    if (!result) return server::noContent();
    return json(200, results);
  };
  // The engine's own correlation when nothing narrows it beyond business key and instance,
  // and the caller sees every tenant that could receive it.
  bool direct = keys.empty() && !all && tenant.empty() && (c.who.admin || c.who.tenant.empty());
  if (direct) {
    MessageCorrelation m;
    m.name = name;
    m.businessKey = businessKey;
    if (!instanceText.empty()) m.instanceId = visibleInstance(c, instanceText).id;
    m.variables = vars;
    m.user = user;
    try {
      auto i = c.engine.correlateMessage(m);
      results.push_back(resultDto(i, i.startedAt >= began, withVariables, c.engine));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::not_found) throw;
    }
    return done();
  }
  // Otherwise each candidate instance in turn: visible, and matching the keys.
  InstanceQuery q;
  q.businessKey = businessKey;
  q.state = Instance::State::running;
  q.limit = 1000000;
  for (const auto& i : c.engine.instances(q)) {
    if (!seesTenant(c.who, i.tenant)) continue;
    if (!tenant.empty() && i.tenant != tenant) continue;
    if (!instanceText.empty() && idString(i.id) != instanceText) continue;
    if (!keys.empty()) {
      auto have = c.engine.variables(i.id);
      bool match = true;
      for (const auto& [k, v] : keys) match = match && have.contains(k) && have.at(k) == v;
      if (!match) continue;
    }
    MessageCorrelation m;
    m.name = name;
    m.instanceId = i.id;
    m.variables = vars;
    m.user = user;
    try {
      auto got = c.engine.correlateMessage(m);
      results.push_back(resultDto(got, false, withVariables, c.engine));
      if (!all) break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::not_found) throw;
    }
  }
  return done();
}

bool visibleJob(Call& c, const JobInfo& j) {
  if (j.instanceId == 0) return c.who.admin;  // a timer start event's job belongs to no instance
  try {
    return seesTenant(c.who, c.engine.instance(j.instanceId).tenant);
  } catch (const Error&) {
    return false;
  }
}

JobInfo job(Call& c, const std::string& id) {
  Id n = parseId(id, "Job");
  for (const auto& j : c.engine.jobs())
    if (j.id == n && visibleJob(c, j)) return j;
  throw Error(ErrorCode::not_found, "Job with id '" + id + "' does not exist");
}

value jobDto(Engine& engine, const JobInfo& j) {
  Id definition = 0;
  std::string key, tenant;
  if (j.instanceId) try {
      auto i = engine.instance(j.instanceId);
      definition = i.definitionId;
      key = i.definitionKey;
      tenant = i.tenant;
    } catch (const Error&) {
    }
  return object{{"id", idString(j.id)},
                {"jobDefinitionId", strOrNull(j.kind + ":" + j.elementId)},
                {"processInstanceId", idOrNull(j.instanceId)},
                {"processDefinitionId", idOrNull(definition)},
                {"processDefinitionKey", strOrNull(key)},
                {"executionId", idOrNull(j.instanceId)},
                {"exceptionMessage", strOrNull(j.error)},
                {"failedActivityId", j.error.empty() ? value(nullptr) : value(j.elementId)},
                {"retries", j.retries},
                {"dueDate", timeOrNull(j.dueAt)},
                {"suspended", false},
                {"priority", 0},
                {"tenantId", strOrNull(tenant)},
                {"createTime", nullptr},
                {"batchId", nullptr},
                {"ordoKind", j.kind}};
}

Response jobs(Call& c, bool count) {
  auto id = param(c, "jobId"), instance = param(c, "processInstanceId"), activity = param(c, "activityId");
  auto timers = queryBool(c, "timers"), messages = queryBool(c, "messages");
  auto withRetries = queryBool(c, "withRetriesLeft"), noRetries = queryBool(c, "noRetriesLeft");
  auto executable = queryBool(c, "executable"), withException = queryBool(c, "withException");
  auto now = c.engine.clock().nowMillis();
  std::vector<JobInfo> found;
  for (const auto& j : c.engine.jobs()) {
    if (j.kind == "external") continue;  // external tasks are not jobs in Camunda
    if (!id.empty() && idString(j.id) != id) continue;
    if (!instance.empty() && idString(j.instanceId) != instance) continue;
    if (!activity.empty() && j.elementId != activity) continue;
    if (timers.value_or(false) && j.kind != "timer" && j.kind != "start") continue;
    if (messages.value_or(false) && j.kind != "async") continue;
    if (withRetries.value_or(false) && j.retries <= 0) continue;
    if (noRetries.value_or(false) && j.retries > 0) continue;
    if (executable.value_or(false) && (j.retries <= 0 || (j.dueAt && j.dueAt > now))) continue;
    if (withException.value_or(false) && j.error.empty()) continue;
    if (!visibleJob(c, j)) continue;
    found.push_back(j);
  }
  if (count) return json(200, countOf(found.size()));
  page(found, c);
  array a;
  for (const auto& j : found) a.push_back(jobDto(c.engine, j));
  return json(200, a);
}

value incidentDto(Engine& engine, const Incident& i) {
  Id definition = 0;
  std::string tenant;
  try {
    auto inst = engine.instance(i.instanceId);
    definition = inst.definitionId;
    tenant = inst.tenant;
  } catch (const Error&) {
  }
  return object{{"id", idString(i.id)},
                {"processDefinitionId", idOrNull(definition)},
                {"processInstanceId", idString(i.instanceId)},
                {"executionId", idString(i.instanceId)},
                {"incidentTimestamp", isoTime(i.createdAt)},
                {"incidentType", "failedJob"},
                {"activityId", i.elementId},
                {"failedActivityId", i.elementId},
                {"causeIncidentId", idString(i.id)},
                {"rootCauseIncidentId", idString(i.id)},
                {"configuration", idOrNull(i.jobId)},
                {"tenantId", strOrNull(tenant)},
                {"incidentMessage", i.message},
                {"jobDefinitionId", nullptr},
                {"annotation", nullptr}};
}

std::vector<Incident> visibleIncidents(Call& c) {
  std::vector<Incident> out;
  for (const auto& i : c.engine.allIncidents()) {
    if (i.resolvedAt) continue;
    try {
      if (!seesTenant(c.who, c.engine.instance(i.instanceId).tenant)) continue;
    } catch (const Error&) {
      continue;
    }
    out.push_back(i);
  }
  return out;
}

Response incidents(Call& c, bool count) {
  auto id = param(c, "incidentId"), instance = param(c, "processInstanceId"), activity = param(c, "activityId"),
       type = param(c, "incidentType");
  std::vector<Incident> found;
  for (const auto& i : visibleIncidents(c)) {
    if (!id.empty() && idString(i.id) != id) continue;
    if (!instance.empty() && idString(i.instanceId) != instance) continue;
    if (!activity.empty() && i.elementId != activity) continue;
    if (!type.empty() && type != "failedJob") continue;
    found.push_back(i);
  }
  if (count) return json(200, countOf(found.size()));
  page(found, c);
  array a;
  for (const auto& i : found) a.push_back(incidentDto(c.engine, i));
  return json(200, a);
}

}  // namespace

void addEventAndJobRoutes(RouteTable& t) {
  using namespace schema;
  t.add(R("POST", "/message", "Message", "Correlate a message")
            .body(obj({{"messageName", str()},
                       {"businessKey", str()},
                       {"tenantId", str()},
                       {"withoutTenantId", boolean()},
                       {"processInstanceId", str()},
                       {"correlationKeys", variables()},
                       {"localCorrelationKeys", variables()},
                       {"processVariables", variables()},
                       {"processVariablesLocal", variables()},
                       {"all", boolean()},
                       {"resultEnabled", boolean()},
                       {"variablesInResultEnabled", boolean()}},
                      {"messageName"}))
            .returns(arrayOf(obj({{"resultType", str()}})))
            .noContent()
            .handle(correlate)
            .route);
  t.add(
      R("POST", "/signal", "Signal", "Broadcast a signal")
          .body(obj({{"name", str()},
                     {"executionId", str()},
                     {"variables", variables()},
                     {"tenantId", str()},
                     {"withoutTenantId", boolean()}},
                    {"name"}))
          .noContent()
          .handle([](Call& c) {
            const auto& b = body(c);
            auto name = text(b, "name");
            if (name.empty()) throw Error(ErrorCode::invalid_argument, "name: must not be empty");
            if (!text(b, "executionId").empty())
              throw Error(ErrorCode::unsupported, "executionId: Ordo broadcasts signals to every waiting instance");
            if (!c.who.admin && !c.who.tenant.empty())
              throw Error(
                  ErrorCode::forbidden,
                  "name: a signal reaches every tenant; only an administrator or a user without a tenant may send one");
            c.engine.broadcastSignal(name, untypedVariables(b.if_contains("variables"), "variables"));
            return server::noContent();
          })
          .route);
  auto jobParams = [](R& r) {
    r.query("jobId").query("processInstanceId").query("activityId").query("timers", "boolean");
    r.query("messages", "boolean").query("withRetriesLeft", "boolean").query("noRetriesLeft", "boolean");
    r.query("executable", "boolean").query("withException", "boolean");
  };
  R jl("GET", "/job", "Job", "List jobs");
  jobParams(jl);
  t.add(jl.paged()
            .returns(arrayOf(obj({{"id", str()}, {"retries", integer()}})))
            .handle([](Call& c) { return jobs(c, false); })
            .route);
  R jc("GET", "/job/count", "Job", "Count jobs");
  jobParams(jc);
  t.add(jc.returns(countSchema()).handle([](Call& c) { return jobs(c, true); }).route);
  t.add(R("GET", "/job/{id}", "Job", "Get a job")
            .returns(obj({{"id", str()}, {"retries", integer()}}))
            .handle([](Call& c) { return json(200, jobDto(c.engine, job(c, c.request.params.at("id")))); })
            .route);
  t.add(R("POST", "/job/{id}/execute", "Job", "Run a job now")
            .noContent()
            .handle([](Call& c) {
              c.engine.executeJob(job(c, c.request.params.at("id")).id);
              return server::noContent();
            })
            .route);
  t.add(R("PUT", "/job/{id}/retries", "Job", "Set a job's retries")
            .body(obj({{"retries", integer()}}, {"retries"}))
            .noContent()
            .handle([](Call& c) {
              auto j = job(c, c.request.params.at("id"));
              auto retries = integerField(body(c), "retries").value_or(0);
              if (retries < 0 || retries > 1000000)
                throw Error(ErrorCode::invalid_argument, "retries: must be between 0 and 1000000");
              c.engine.setJobRetries(j.id, static_cast<int>(retries));
              return server::noContent();
            })
            .route);
  t.add(R("PUT", "/job/{id}/duedate", "Job", "Set a job's due date")
            .body(obj({{"duedate", str("yyyy-MM-dd'T'HH:mm:ss.SSSZ")}, {"cascade", boolean()}}, {"duedate"}))
            .noContent()
            .handle([](Call& c) {
              auto j = job(c, c.request.params.at("id"));
              auto due = text(body(c), "duedate");
              if (due.empty()) throw Error(ErrorCode::invalid_argument, "duedate: must not be empty");
              c.engine.setJobDueDate(j.id, parseTime(due, "duedate"));
              return server::noContent();
            })
            .route);
  auto incidentParams = [](R& r) {
    r.query("incidentId").query("incidentType").query("processInstanceId").query("activityId");
  };
  R il("GET", "/incident", "Incident", "List open incidents");
  incidentParams(il);
  t.add(il.paged()
            .returns(arrayOf(obj({{"id", str()}, {"incidentMessage", str()}})))
            .handle([](Call& c) { return incidents(c, false); })
            .route);
  R ic("GET", "/incident/count", "Incident", "Count open incidents");
  incidentParams(ic);
  t.add(ic.returns(countSchema()).handle([](Call& c) { return incidents(c, true); }).route);
  t.add(R("DELETE", "/incident/{id}", "Incident", "Resolve an incident (its job is retried once)")
            .query("retries", "integer", "Ordo: how many more attempts the job gets (default 1)")
            .noContent()
            .handle([](Call& c) {
              const auto& id = c.request.params.at("id");
              Id n = parseId(id, "Incident");
              for (const auto& i : visibleIncidents(c))
                if (i.id == n) {
                  auto retries = queryInt(c, "retries").value_or(1);
                  if (retries < 1 || retries > 1000000)
                    throw Error(ErrorCode::invalid_argument, "retries: must be between 1 and 1000000");
                  c.engine.resolveIncident(n, static_cast<int>(retries));
                  return server::noContent();
                }
              throw Error(ErrorCode::not_found, "Incident with id '" + id + "' does not exist");
            })
            .route);
}

}  // namespace ordo::server::camunda7
