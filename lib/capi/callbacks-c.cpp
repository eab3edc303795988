// The C ABI: service-task handlers and event listeners, C functions called back.
#include "capi/capi.hpp"
#include "engine/json.hpp"

using namespace ordo;
using namespace ordo::capi;

// What a C handler gets: the C++ context for the duration of the call.
struct ordo_service_task {
  ServiceTaskContext* context;
  std::string failure;
  bool failed = false;
};

extern "C" {

int ordo_handler_register(ordo_engine* engine, const char* name, ordo_handler_fn fn, void* payload) {
  return guard(engine, [&] {
    if (!name || !*name) throw Error(ErrorCode::invalid_argument, "a handler needs a name");
    if (!fn) throw Error(ErrorCode::invalid_argument, "fn is NULL");
    std::string handlerName = name;
    engineOf(engine).registerServiceHandler(handlerName, [fn, payload, handlerName](ServiceTaskContext& c) {
      ordo_service_task task{&c, {}, false};
      int rc = fn(&task, payload);
      if (rc != ORDO_OK || task.failed)
        throw std::runtime_error(task.failure.empty() ? "handler '" + handlerName + "' returned " + std::to_string(rc)
                                                      : task.failure);
    });
  });
}

int64_t ordo_service_task_instance(const ordo_service_task* task) {
  return task ? task->context->instanceId() : 0;
}

const char* ordo_service_task_element(const ordo_service_task* task) {
  return task ? task->context->elementId().c_str() : "";
}

int ordo_service_task_variables(char** out_json, ordo_service_task* task) {
  return guard(nullptr, [&] {
    requireOut(out_json, "out_json");
    if (!task) throw Error(ErrorCode::invalid_argument, "task is NULL");
    *out_json = ownedJson(task->context->variables());
  });
}

int ordo_service_task_set_variable(ordo_service_task* task, const char* name, const char* value_json) {
  return guard(nullptr, [&] {
    if (!task) throw Error(ErrorCode::invalid_argument, "task is NULL");
    if (!name || !*name) throw Error(ErrorCode::invalid_argument, "a variable needs a name");
    boost::system::error_code ec;
    auto v = boost::json::parse(value_json ? value_json : "null", ec);
    if (ec) throw Error(ErrorCode::invalid_argument, std::string("value of '") + name + "' is not valid JSON");
    task->context->setVariable(name, std::move(v));
  });
}

int ordo_service_task_bpmn_error(ordo_service_task* task, const char* error_code, const char* message) {
  return guard(nullptr, [&] {
    if (!task) throw Error(ErrorCode::invalid_argument, "task is NULL");
    if (!error_code || !*error_code) throw Error(ErrorCode::invalid_argument, "a BPMN error needs a code");
    task->context->throwBpmnError(error_code, str(message));
  });
}

int ordo_service_task_fail(ordo_service_task* task, const char* message) {
  return guard(nullptr, [&] {
    if (!task) throw Error(ErrorCode::invalid_argument, "task is NULL");
    task->failed = true;
    task->failure = str(message);
  });
}

int ordo_listener_register(int* out_id, ordo_engine* engine, ordo_listener_fn fn, void* payload) {
  return guard(engine, [&] {
    requireOut(out_id, "out_id");
    if (!fn) throw Error(ErrorCode::invalid_argument, "fn is NULL");
    *out_id = engineOf(engine).addListener([fn, payload](const HistoryEntry& h) {
      auto text = boost::json::serialize(historyJson(h));
      fn(text.c_str(), payload);
    });
  });
}

int ordo_listener_remove(ordo_engine* engine, int id) {
  return guard(engine, [&] { engineOf(engine).removeListener(id); });
}

}  // extern "C"
