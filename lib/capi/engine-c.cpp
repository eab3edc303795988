// The C ABI: versions, errors, the engine handle, validation, definitions.
#include <cstdlib>
#include <map>
#include <mutex>

#include "capi/capi.hpp"
#include "engine/json.hpp"

namespace ordo::capi {

namespace {

struct LastError {
  std::string message;
  std::string detail;
};

// Per thread, per handle: the last failure. The null handle is the fallback before a handle exists.
thread_local std::map<const ordo_engine*, LastError> lastErrors;

class CallbackClock final : public Clock {
 public:
  CallbackClock(int64_t (*fn)(void*), void* payload) : fn_(fn), payload_(payload) {}
  std::int64_t nowMillis() const override { return fn_(payload_); }

 private:
  int64_t (*fn_)(void*);
  void* payload_;
};

}  // namespace

int statusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found: return ORDO_ENOTFOUND;
    case ErrorCode::invalid_argument: return ORDO_EINVALID;
    case ErrorCode::parse_error: return ORDO_EPARSE;
    case ErrorCode::expression_error: return ORDO_EEXPRESSION;
    case ErrorCode::no_outgoing_flow: return ORDO_ENOFLOW;
    case ErrorCode::wrong_state: return ORDO_EWRONGSTATE;
    case ErrorCode::forbidden: return ORDO_EFORBIDDEN;
    case ErrorCode::limit_exceeded: return ORDO_ELIMIT;
    case ErrorCode::conflict: return ORDO_ECONFLICT;
    case ErrorCode::unsupported: return ORDO_EUNSUPPORTED;
    case ErrorCode::unhandled_bpmn_error: return ORDO_EBPMNERROR;
    case ErrorCode::service_failed: return ORDO_ESERVICE;
    case ErrorCode::busy: return ORDO_EBUSY;
    case ErrorCode::io_error: return ORDO_EIO;
    case ErrorCode::interrupted: return ORDO_EINTERRUPTED;
    case ErrorCode::internal: return ORDO_EINTERNAL;
  }
  return ORDO_EINTERNAL;
}

void setError(const ordo_engine* handle, int status, const std::string& message, const std::string& elementId,
              const std::vector<Diagnostic>* diagnostics) {
  boost::json::object d{{"code", ordo_errstr(status)}, {"message", message}, {"elementId", elementId}};
  boost::json::array list;
  if (diagnostics)
    for (const auto& x : *diagnostics) list.push_back(json::toJson(x));
  d["diagnostics"] = std::move(list);
  auto& e = lastErrors[handle];
  e.message = message;
  e.detail = boost::json::serialize(d);
}

void clearError(const ordo_engine* handle) {
  auto it = lastErrors.find(handle);
  if (it != lastErrors.end()) lastErrors.erase(it);
}

char* ownedCopy(const std::string& s) {
  auto* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

}  // namespace ordo::capi

using namespace ordo;
using namespace ordo::capi;

extern "C" {

const char* ordo_version(void) {
  return ORDO_VERSION_STRING;
}
int ordo_version_number(void) {
  return ORDO_VERSION_NUMBER;
}

const char* ordo_errstr(int code) {
  switch (code) {
    case ORDO_OK: return "ok";
    case ORDO_ENOTFOUND: return "not_found";
    case ORDO_EINVALID: return "invalid_argument";
    case ORDO_EPARSE: return "parse_error";
    case ORDO_EEXPRESSION: return "expression_error";
    case ORDO_ENOFLOW: return "no_outgoing_flow";
    case ORDO_EWRONGSTATE: return "wrong_state";
    case ORDO_EFORBIDDEN: return "forbidden";
    case ORDO_ELIMIT: return "limit_exceeded";
    case ORDO_ECONFLICT: return "conflict";
    case ORDO_EUNSUPPORTED: return "unsupported";
    case ORDO_EBPMNERROR: return "unhandled_bpmn_error";
    case ORDO_ESERVICE: return "service_failed";
    case ORDO_EBUSY: return "busy";
    case ORDO_EIO: return "io_error";
    case ORDO_EINTERRUPTED: return "interrupted";
    case ORDO_EINTERNAL: return "internal";
    case ORDO_ENOMEM: return "out_of_memory";
    default: return "unknown";
  }
}

const char* ordo_errmsg(const ordo_engine* engine) {
  auto it = lastErrors.find(engine);
  return it == lastErrors.end() ? "" : it->second.message.c_str();
}

const char* ordo_errdetail(const ordo_engine* engine) {
  auto it = lastErrors.find(engine);
  return it == lastErrors.end() ? "{}" : it->second.detail.c_str();
}

void ordo_free(void* p) {
  std::free(p);
}

int ordo_engine_open(ordo_engine** out, const ordo_options* options) {
  return guard(nullptr, [&] {
    requireOut(out, "out");
    if (!options) throw Error(ErrorCode::invalid_argument, "options is NULL (use ORDO_OPTIONS_INIT)");
    if (options->version != ORDO_OPTIONS_VERSION)
      throw Error(ErrorCode::invalid_argument,
                  "options version " + std::to_string(options->version) +
                      " is not supported (this library: " + std::to_string(ORDO_OPTIONS_VERSION) + ")");
    if (options->durability != ORDO_DURABILITY_FULL && options->durability != ORDO_DURABILITY_NORMAL)
      throw Error(ErrorCode::invalid_argument, "options.durability must be ORDO_DURABILITY_FULL or _NORMAL");
    EngineOptions o;
    o.path = options->path ? options->path : ":memory:";
    o.durability = options->durability == ORDO_DURABILITY_NORMAL ? EngineOptions::Durability::normal
                                                                 : EngineOptions::Durability::full;
    o.readConnections = options->read_connections > 0 ? options->read_connections : 4;
    auto handle = std::make_unique<ordo_engine>();
    if (options->clock) handle->clock = std::make_shared<CallbackClock>(options->clock, options->clock_payload);
    o.clock = handle->clock;
    handle->engine = Engine::open(o);
    *out = handle.release();
  });
}

void ordo_engine_close(ordo_engine* engine) {
  if (!engine) return;
  clearError(engine);
  delete engine;
}

void ordo_engine_interrupt(ordo_engine* engine) {
  if (engine && engine->engine) engine->engine->interrupt();
}

int ordo_validate(char** out_json, const char* xml, int purpose) {
  std::vector<Diagnostic> ds;
  int rc = guard(nullptr, [&] {
    requireOut(out_json, "out_json");
    if (!xml) throw Error(ErrorCode::invalid_argument, "xml is NULL");
    ValidationOptions o;
    o.purpose = purpose == 1 ? ValidationPurpose::execution : ValidationPurpose::interchange;
    ds = validate(xml, o);
    boost::json::array a;
    for (const auto& d : ds) a.push_back(json::toJson(d));
    *out_json = ownedJson(a);
  });
  if (rc != ORDO_OK) return rc;
  if (hasErrors(ds)) {
    setError(nullptr, ORDO_EPARSE, "the model has errors", {}, &ds);
    return ORDO_EPARSE;
  }
  return ORDO_OK;
}

int ordo_definition_deploy(char** out_json, ordo_engine* engine, const char* xml) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    if (!xml) throw Error(ErrorCode::invalid_argument, "xml is NULL");
    auto d = engineOf(engine).deploy(xml);
    boost::json::array defs;
    for (const auto& x : d.definitions) defs.push_back(json::toJson(x));
    *out_json = ownedJson(boost::json::object{{"created", d.created}, {"definitions", std::move(defs)}});
  });
}

int ordo_definition_list(char** out_json, ordo_engine* engine) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    boost::json::array a;
    for (const auto& d : engineOf(engine).definitions()) a.push_back(json::toJson(d));
    *out_json = ownedJson(a);
  });
}

int ordo_definition_get(char** out_json, ordo_engine* engine, int64_t definition_id) {
  return guard(engine, [&] {
    requireOut(out_json, "out_json");
    *out_json = ownedJson(json::toJson(engineOf(engine).definition(definition_id)));
  });
}

}  // extern "C"
