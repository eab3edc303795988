// The C ABI: status codes, the last error of each handle, versions, ordo_free.
//
// The records are per thread and per handle. Recording never throws out of the guard: the
// out-of-memory path, and any failure to record a message, fall back to static text.
#include <cstdlib>
#include <map>

#include "capi/capi.hpp"
#include "engine/json.hpp"

namespace ordo::capi {

namespace {

// One row per status: its name, and the message and detail shown when the real message could
// not be recorded (all static, so showing them allocates nothing).
struct CodeText {
  int code;
  const char* name;
  const char* message;
  const char* detail;
};

#define ORDO_CAPI_LOST " (its message was lost: out of memory while recording it)"
#define ORDO_CAPI_CODE(code, name, message) \
  { code, name, message, "{\"code\":\"" name "\",\"message\":\"" message "\",\"elementId\":\"\",\"diagnostics\":[]}" }
#define ORDO_CAPI_FAILURE(code, name) ORDO_CAPI_CODE(code, name, name ORDO_CAPI_LOST)

constexpr CodeText kCodes[] = {
    ORDO_CAPI_CODE(ORDO_OK, "ok", ""),
    ORDO_CAPI_FAILURE(ORDO_ENOTFOUND, "not_found"),
    ORDO_CAPI_FAILURE(ORDO_EINVALID, "invalid_argument"),
    ORDO_CAPI_FAILURE(ORDO_EPARSE, "parse_error"),
    ORDO_CAPI_FAILURE(ORDO_EEXPRESSION, "expression_error"),
    ORDO_CAPI_FAILURE(ORDO_ENOFLOW, "no_outgoing_flow"),
    ORDO_CAPI_FAILURE(ORDO_EWRONGSTATE, "wrong_state"),
    ORDO_CAPI_FAILURE(ORDO_EFORBIDDEN, "forbidden"),
    ORDO_CAPI_FAILURE(ORDO_ELIMIT, "limit_exceeded"),
    ORDO_CAPI_FAILURE(ORDO_ECONFLICT, "conflict"),
    ORDO_CAPI_FAILURE(ORDO_EUNSUPPORTED, "unsupported"),
    ORDO_CAPI_FAILURE(ORDO_EBPMNERROR, "unhandled_bpmn_error"),
    ORDO_CAPI_FAILURE(ORDO_ESERVICE, "service_failed"),
    ORDO_CAPI_FAILURE(ORDO_EBUSY, "busy"),
    ORDO_CAPI_FAILURE(ORDO_EIO, "io_error"),
    ORDO_CAPI_FAILURE(ORDO_EINTERRUPTED, "interrupted"),
    ORDO_CAPI_FAILURE(ORDO_EINTERNAL, "internal"),
    ORDO_CAPI_CODE(ORDO_ENOMEM, "out_of_memory", "out of memory"),
};
constexpr CodeText kUnknown = ORDO_CAPI_FAILURE(-1000, "unknown");

#undef ORDO_CAPI_FAILURE
#undef ORDO_CAPI_CODE
#undef ORDO_CAPI_LOST

const CodeText& textOf(int code) noexcept {
  for (const auto& c : kCodes)
    if (c.code == code) return c;
  return kUnknown;
}

struct LastError {
  int status = ORDO_OK;
  bool lost = false;  // the message could not be recorded: show textOf(status)
  std::string message, detail;
};

// Per thread, per handle: the last failure. The null handle holds failures before a handle exists.
thread_local std::map<const ordo_engine*, LastError> lastErrors;

// When not even a record could be made for the handle: one allocation-free slot per thread.
thread_local const ordo_engine* fallbackHandle = nullptr;
thread_local int fallbackStatus = ORDO_OK;

void forgetFallback(const ordo_engine* handle) noexcept {
  if (fallbackStatus != ORDO_OK && fallbackHandle == handle) fallbackStatus = ORDO_OK;
}

}  // namespace

int statusOf(ErrorCode code) noexcept {
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

void setStaticError(const ordo_engine* handle, int status) noexcept {
  auto it = lastErrors.find(handle);  // finding allocates nothing
  if (it == lastErrors.end()) {
    fallbackHandle = handle;
    fallbackStatus = status;
    return;
  }
  forgetFallback(handle);
  it->second.status = status;
  it->second.lost = true;
  it->second.message.clear();  // clear() keeps the capacity: no allocation
  it->second.detail.clear();
}

void setError(const ordo_engine* handle, int status, std::string_view message, std::string_view elementId,
              const std::vector<Diagnostic>* diagnostics) noexcept {
  try {
    boost::json::object d{{"code", textOf(status).name}, {"message", message}, {"elementId", elementId}};
    boost::json::array list;
    if (diagnostics)
      for (const auto& x : *diagnostics) list.push_back(json::toJson(x));
    d["diagnostics"] = std::move(list);
    std::string detail = boost::json::serialize(d);
    std::string text(message);
    auto& e = lastErrors[handle];
    e.status = status;
    e.lost = false;
    e.message.swap(text);
    e.detail.swap(detail);
    forgetFallback(handle);
  } catch (...) {
    setStaticError(handle, status);
  }
}

void clearError(const ordo_engine* handle) noexcept {
  forgetFallback(handle);
  try {
    auto& e = lastErrors[handle];
    e.status = ORDO_OK;
    e.lost = false;
    e.message.clear();
    e.detail.clear();
  } catch (...) {
    // No record could be made: a failure of this call will use the fallback slot.
  }
}

void dropErrors(const ordo_engine* handle) noexcept {
  forgetFallback(handle);
  lastErrors.erase(handle);
}

char* ownedCopy(const std::string& s) {
  auto* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

}  // namespace ordo::capi

using namespace ordo::capi;

extern "C" {

const char* ordo_version(void) {
  return ORDO_VERSION_STRING;
}

int ordo_version_number(void) {
  return ORDO_VERSION_NUMBER;
}

const char* ordo_error_name(int code) {
  return textOf(code).name;
}

const char* ordo_engine_errmsg(const ordo_engine* engine) {
  if (fallbackStatus != ORDO_OK && fallbackHandle == engine) return textOf(fallbackStatus).message;
  auto it = lastErrors.find(engine);
  if (it == lastErrors.end() || it->second.status == ORDO_OK) return "";
  return it->second.lost ? textOf(it->second.status).message : it->second.message.c_str();
}

const char* ordo_engine_errdetail(const ordo_engine* engine) {
  if (fallbackStatus != ORDO_OK && fallbackHandle == engine) return textOf(fallbackStatus).detail;
  auto it = lastErrors.find(engine);
  if (it == lastErrors.end() || it->second.status == ORDO_OK) return "{}";
  return it->second.lost ? textOf(it->second.status).detail : it->second.detail.c_str();
}

void ordo_free(void* p) {
  std::free(p);
}

}  // extern "C"
