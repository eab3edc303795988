// The C ABI: instances, tasks, messages and signals, external tasks, jobs and incidents.
#include "capi/capi.hpp"
#include "engine/json.hpp"

using namespace ordo;
using namespace ordo::capi;

namespace {
Variables variablesFrom(const char* text) {
  return json::parseObject(text, "variables_json");
}

template <class T>
boost::json::array listOf(const std::vector<T>& items) {
  boost::json::array a;
  for (const auto& x : items) a.push_back(json::toJson(x));
  return a;
}

boost::json::array historyList(const std::vector<HistoryEntry>& entries) {
  boost::json::array a;
  for (const auto& h : entries) a.push_back(historyJson(h));
  return a;
}

TaskQuery taskQueryFrom(const char* text) {
  return json::taskQuery(requestObject(text, "query_json", {kOptionalId("instanceId"), kOffset, kLimit}));
}
}  // namespace

extern "C" {

int ordo_instance_start(char** out_json, ordo_engine* engine, const char* request_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto request = json::startRequest(requestObject(request_json, "request_json", {kOptionalId("definitionId")}));
    *out_json = ownedJson(json::toJson(engineOf(engine).start(request)));
  });
}

int ordo_instance_get(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(json::toJson(engineOf(engine).instance(instance_id)));
  });
}

int ordo_instance_list(char** out_json, ordo_engine* engine, const char* query_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto q =
        json::instanceQuery(requestObject(query_json, "query_json", {{"parentId", -1, kMaxInt64}, kOffset, kLimit}));
    *out_json = ownedJson(listOf(engineOf(engine).instances(q)));
  });
}

int ordo_instance_history(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(historyList(engineOf(engine).history(instance_id)));
  });
}

int ordo_instance_operations(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto& e = engineOf(engine);
    (void)e.instance(instance_id);  // not_found for an unknown instance
    *out_json = ownedJson(historyList(e.operations(instance_id)));
  });
}

int ordo_instance_waiting(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto& e = engineOf(engine);
    (void)e.instance(instance_id);  // not_found for an unknown instance
    boost::json::array a;
    for (const auto& w : e.waitingAt(instance_id)) a.emplace_back(w);
    *out_json = ownedJson(a);
  });
}

int ordo_instance_variables(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(engineOf(engine).variables(instance_id));
  });
}

int ordo_instance_set_variables(ordo_engine* engine, int64_t instance_id, const char* variables_json) {
  return guard(engine, [&] {
    if (!variables_json) throw Error(ErrorCode::invalid_argument, "variables_json is NULL");
    engineOf(engine).setVariables(instance_id, variablesFrom(variables_json));
  });
}

int ordo_task_list(char** out_json, ordo_engine* engine, const char* query_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto q = taskQueryFrom(query_json);
    *out_json = ownedJson(listOf(engineOf(engine).tasks(q)));
  });
}

int ordo_task_count(int64_t* out_count, ordo_engine* engine, const char* query_json) {
  return guard(engine, [&] {
    requireOut(out_count, "out_count");
    auto q = taskQueryFrom(query_json);
    *out_count = engineOf(engine).countTasks(q);
  });
}

int ordo_task_get(char** out_json, ordo_engine* engine, int64_t task_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(json::toJson(engineOf(engine).task(task_id)));
  });
}

int ordo_task_complete(ordo_engine* engine, int64_t task_id, const char* variables_json, const char* user) {
  return guard(engine, [&] {
    // NULL or "" user: the host acts (no permission check), as ordo.h documents.
    engineOf(engine).completeTask(task_id, user && *user ? Actor(user) : Actor::system(),
                                  variablesFrom(variables_json));
  });
}

int ordo_external_fetch_and_lock(char** out_json, ordo_engine* engine, const char* topic, const char* worker_id,
                                 int max_tasks, int64_t lock_millis) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!topic) throw Error(ErrorCode::invalid_argument, "topic is NULL");
    checkArgument(max_tasks, "max_tasks", 0, kMaxInt);
    checkArgument(lock_millis, "lock_millis", 0, kMaxInt64);
    *out_json = ownedJson(listOf(engineOf(engine).fetchAndLock(topic, str(worker_id), max_tasks, lock_millis)));
  });
}

int ordo_external_list(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto& e = engineOf(engine);
    (void)e.instance(instance_id);  // not_found for an unknown instance
    *out_json = ownedJson(listOf(e.externalTasks(instance_id)));
  });
}

int ordo_external_complete(ordo_engine* engine, int64_t id, const char* worker_id, const char* variables_json) {
  return guard(engine,
               [&] { engineOf(engine).completeExternalTask(id, str(worker_id), variablesFrom(variables_json)); });
}

int ordo_external_fail(ordo_engine* engine, int64_t id, const char* worker_id, const char* message, int retries,
                       int64_t retry_after_millis) {
  return guard(engine, [&] {
    checkArgument(retries, "retries", 0, kMaxInt);
    checkArgument(retry_after_millis, "retry_after_millis", 0, kMaxInt64);
    engineOf(engine).failExternalTask(id, str(worker_id), str(message), retries, retry_after_millis);
  });
}

int ordo_external_bpmn_error(ordo_engine* engine, int64_t id, const char* worker_id, const char* error_code,
                             const char* variables_json) {
  return guard(engine, [&] {
    engineOf(engine).throwExternalBpmnError(id, str(worker_id), str(error_code), variablesFrom(variables_json));
  });
}

int ordo_message_correlate(char** out_json, ordo_engine* engine, const char* request_json) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto o = requestObject(request_json, "request_json", {kOptionalId("instanceId"), kMillis("bufferMillis")});
    *out_json = ownedJson(json::toJson(engineOf(engine).correlateMessage(json::messageCorrelation(o))));
  });
}

int ordo_signal_broadcast(int64_t* out_count, ordo_engine* engine, const char* name, const char* variables_json) {
  return guard(engine, [&] {
    if (!name || !*name) throw Error(ErrorCode::invalid_argument, "a signal needs a name");
    int n = engineOf(engine).broadcastSignal(name, variablesFrom(variables_json));
    if (out_count) *out_count = n;
  });
}

int ordo_job_run_due(int64_t* out_count, ordo_engine* engine) {
  return guard(engine, [&] {
    int n = engineOf(engine).runDueJobs();
    if (out_count) *out_count = n;
  });
}

int ordo_job_count(int64_t* out_count, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_count, "out_count");
    *out_count = engineOf(engine).pendingJobs(instance_id);
  });
}

int ordo_incident_count(int64_t* out_count, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_count, "out_count");
    *out_count = engineOf(engine).openIncidents(instance_id);
  });
}

int ordo_incident_list(char** out_json, ordo_engine* engine, int64_t instance_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    auto& e = engineOf(engine);
    (void)e.instance(instance_id);  // not_found for an unknown instance
    boost::json::array a;
    for (const auto& i : e.incidents(instance_id)) a.push_back(incidentJson(i));
    *out_json = ownedJson(a);
  });
}

int ordo_incident_resolve(ordo_engine* engine, int64_t incident_id, int retries) {
  return guard(engine, [&] {
    checkArgument(retries, "retries", 1, kMaxInt);
    engineOf(engine).resolveIncident(incident_id, retries);
  });
}

int ordo_job_executor_start(ordo_engine* engine, int64_t poll_millis) {
  return guard(engine, [&] {
    checkArgument(poll_millis, "poll_millis", 1, kMaxInt64);
    engineOf(engine).startJobExecutor(poll_millis);
  });
}

int ordo_job_executor_stop(ordo_engine* engine) {
  return guard(engine, [&] { engineOf(engine).stopJobExecutor(); });
}

}  // extern "C"
