// Shared by the *-c.cpp files of the C ABI: the handle, error recording, and
// the guard that turns every C++ exception into a status code.
#pragma once

#include <ordo.h>
#include <boost/json.hpp>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <ordo/engine.hpp>

struct ordo_engine {
  std::unique_ptr<ordo::Engine> engine;
  std::shared_ptr<ordo::Clock> clock;
};

namespace ordo::capi {

int statusOf(ErrorCode code);
// Records the failure for ordo_errmsg/ordo_errdetail of `handle` (null: before a handle exists).
void setError(const ordo_engine* handle, int status, const std::string& message, const std::string& elementId = {},
              const std::vector<Diagnostic>* diagnostics = nullptr);
void clearError(const ordo_engine* handle);

// Runs `body`; maps exceptions to status codes and records the message. No exception escapes.
template <class F>
int guard(const ordo_engine* handle, F&& body) noexcept {
  try {
    clearError(handle);
    body();
    return ORDO_OK;
  } catch (const Error& e) {
    int s = statusOf(e.code());
    setError(handle, s, e.what(), e.elementId(), &e.diagnostics());
    return s;
  } catch (const std::bad_alloc&) {
    setError(handle, ORDO_ENOMEM, "out of memory");
    return ORDO_ENOMEM;
  } catch (const std::exception& e) {
    setError(handle, ORDO_EINTERNAL, e.what());
    return ORDO_EINTERNAL;
  } catch (...) {
    setError(handle, ORDO_EINTERNAL, "unknown failure");
    return ORDO_EINTERNAL;
  }
}

// A string the caller owns (released with ordo_free).
char* ownedCopy(const std::string& s);
inline char* ownedJson(const boost::json::value& v) {
  return ownedCopy(boost::json::serialize(v));
}

inline Engine& engineOf(ordo_engine* h) {
  if (!h || !h->engine) throw Error(ErrorCode::invalid_argument, "the engine handle is NULL or closed");
  return *h->engine;
}

inline void requireOut(const void* out, const char* name) {
  if (!out) throw Error(ErrorCode::invalid_argument, std::string("out-parameter '") + name + "' is NULL");
}

inline std::string str(const char* s) {
  return s ? std::string(s) : std::string();
}

}  // namespace ordo::capi
