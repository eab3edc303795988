// Shared by the *-c.cpp files of the C ABI: the handle, error recording, the guard that
// turns every C++ exception into a status code, and the one reader of JSON numbers.
#pragma once

#include <ordo.h>
#include <boost/json.hpp>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <new>
#include <ordo/engine.hpp>
#include <string>
#include <string_view>
#include <vector>

struct ordo_engine {
  std::unique_ptr<ordo::Engine> engine;
  std::shared_ptr<ordo::Clock> clock;
};

namespace ordo::capi {

int statusOf(ErrorCode code) noexcept;
// Records the failure for ordo_engine_errmsg/_errdetail of `handle` (null: before a handle
// exists). Never throws: when the message cannot be recorded (out of memory), the handle
// shows the static text of `status` instead.
void setError(const ordo_engine* handle, int status, std::string_view message, std::string_view elementId = {},
              const std::vector<Diagnostic>* diagnostics = nullptr) noexcept;
// Records `status` with its static text, allocating nothing: the out-of-memory path.
void setStaticError(const ordo_engine* handle, int status) noexcept;
// Forgets the last failure of `handle` on this thread (and readies its record, so that a
// later failure rarely needs to allocate one).
void clearError(const ordo_engine* handle) noexcept;
// Drops every record of `handle` on this thread (ordo_engine_close).
void dropErrors(const ordo_engine* handle) noexcept;

// Runs `body`; maps exceptions to status codes and records the message. No exception
// escapes, and the out-of-memory path allocates nothing.
template <class F>
int guard(const ordo_engine* handle, F&& body) noexcept {
  clearError(handle);
  try {
    body();
    return ORDO_OK;
  } catch (const Error& e) {
    int s = statusOf(e.code());
    setError(handle, s, e.what(), e.elementId(), &e.diagnostics());
    return s;
  } catch (const std::bad_alloc&) {
    setStaticError(handle, ORDO_ENOMEM);
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

// --- numbers -------------------------------------------------------------------------------
// Every JSON number the C ABI accepts is read here: an integer (no fraction, no exponent) in
// [min, max], or invalid_argument naming the field. The engine's readers then see only values
// they convert exactly.

inline constexpr std::int64_t kMaxInt64 = INT64_MAX;
inline constexpr std::int64_t kMaxInt = INT32_MAX;

std::int64_t integerOf(const boost::json::value& v, std::string_view field, std::int64_t min, std::int64_t max);

struct IntegerField {
  const char* name;
  std::int64_t min, max;
};
// Checks the listed fields of a request or query, where present and not null.
void checkIntegers(const boost::json::object& o, std::initializer_list<IntegerField> fields);
// Checks a C integer argument the same way.
void checkArgument(std::int64_t value, const char* name, std::int64_t min, std::int64_t max);

// The number fields of each request and query the C ABI takes (the engine reads the rest).
inline constexpr IntegerField kId(const char* name) {
  return {name, 1, kMaxInt64};
}
inline constexpr IntegerField kOptionalId(const char* name) {  // 0: none
  return {name, 0, kMaxInt64};
}
inline constexpr IntegerField kMillis(const char* name) {  // epoch or duration ms; 0: open
  return {name, 0, kMaxInt64};
}
inline constexpr IntegerField kOffset{"offset", 0, kMaxInt};
inline constexpr IntegerField kLimit{"limit", 0, kMaxInt};

// Parses request text (NULL or "" is {}) and checks its number fields.
boost::json::object requestObject(const char* text, const char* what, std::initializer_list<IntegerField> fields);

// --- JSON shapes the engine's readers and writers lack --------------------------------------
boost::json::value historyJson(const HistoryEntry& h);  // with "action" and "targets"
boost::json::value incidentJson(const Incident& i);

}  // namespace ordo::capi
