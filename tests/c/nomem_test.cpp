// Out of memory at the C ABI, through ordo.h only. This program replaces the global operator new
// (libordo.so and Boost.JSON resolve theirs to it) with one that fails after a budget of
// allocations on this thread. It checks that a call whose allocations fail returns ORDO_ENOMEM
// with the static "out of memory", that reading the error allocates nothing, and that when
// recording any other error runs out of memory, the call still returns its own code with a
// static message: the guard never lets an exception out (that would be std::terminate).
#include <ordo.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace {
thread_local long budget = -1;  // allocations this thread may still make; -1: no limit
int failures = 0;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                                   \
    }                                                                               \
  } while (0)

bool contains(const char* text, const char* part) {
  return text && std::strstr(text, part);
}

// Runs `call` with `n` allocations allowed; the error is read while allocation still fails.
template <class F>
int withBudget(long n, F&& call, std::string* message = nullptr, const ordo_engine* handle = nullptr) {
  budget = n;
  int rc = call();
  const char* m = ordo_engine_errmsg(handle);  // must not allocate: the budget is still spent
  const char* d = ordo_engine_errdetail(handle);
  budget = -1;
  if (message) *message = m;
  CHECK(m != nullptr && d != nullptr);
  return rc;
}
}  // namespace

// The whole replaceable set but the aligned forms, so that every pair matches (a sanitizer's own
// nothrow new freed by this delete would be a mismatch).
void* operator new(std::size_t n) {
  if (budget == 0) throw std::bad_alloc();
  if (budget > 0) --budget;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return operator new(n, std::nothrow);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

int main() {
  ordo_engine *engine = nullptr, *second = nullptr;
  ordo_options options = ORDO_OPTIONS_INIT;
  char* out = nullptr;
  std::string message;
  CHECK(ordo_engine_open(&engine, &options) == ORDO_OK);
  CHECK(ordo_task_list(&out, engine, nullptr) == ORDO_OK);  // this thread's record for the handle exists
  ordo_free(out);
  out = nullptr;

  // 1. Every allocation fails: ORDO_ENOMEM, the static message, the out-parameter untouched.
  int rc = withBudget(
      0, [&] { return ordo_task_list(&out, engine, "{}"); }, &message, engine);
  CHECK(rc == ORDO_ENOMEM);
  CHECK(message == "out of memory");
  CHECK(out == nullptr);
  CHECK(contains(ordo_engine_errdetail(engine), "\"code\":\"out_of_memory\""));

  // 2. A handle this thread never used: not even its record can be made; the fallback slot holds it.
  CHECK(ordo_engine_open(&second, &options) == ORDO_OK);
  rc = withBudget(
      0, [&] { return ordo_task_list(&out, second, "{}"); }, &message, second);
  CHECK(rc == ORDO_ENOMEM);
  CHECK(message == "out of memory");
  CHECK(std::strcmp(ordo_engine_errmsg(engine), "out of memory") == 0);  // the first handle keeps its own
  CHECK(ordo_task_list(&out, second, nullptr) == ORDO_OK);               // success clears it
  ordo_free(out);
  out = nullptr;
  CHECK(std::strcmp(ordo_engine_errmsg(second), "") == 0);
  CHECK(std::strcmp(ordo_engine_errdetail(second), "{}") == 0);
  ordo_engine_close(second);

  // 3. Failing at every allocation in turn: each call answers its own code or ORDO_ENOMEM, never
  //    ORDO_EINTERNAL or a crash, and always with a message.
  struct Case {
    const char* what;
    int expected;
    const ordo_engine* handle;
    int (*call)(ordo_engine*, char**);
  };
  const Case cases[] = {
      {"get of a missing task", ORDO_ENOTFOUND, engine,
       [](ordo_engine* e, char** o) { return ordo_task_get(o, e, 999999); }},
      {"claim of an id beyond int64", ORDO_EINVALID, engine,
       [](ordo_engine* e, char** o) {
         return ordo_operation_run(o, e, "{\"op\":\"claim\",\"user\":\"u\",\"task\":18446744073709551615}");
       }},
      {"deploy of broken XML", ORDO_EPARSE, engine,
       [](ordo_engine* e, char** o) { return ordo_definition_deploy(o, e, "<definitions", nullptr); }},
      {"validate without a handle", ORDO_EPARSE, nullptr,
       [](ordo_engine*, char** o) { return ordo_model_validate(o, "<definitions/>", 0); }},
  };
  for (const auto& c : cases) {
    bool sawNomem = false, sawLost = false, sawReal = false;
    for (long n = 0; n < 400; ++n) {
      out = nullptr;
      rc = withBudget(
          n, [&] { return c.call(engine, &out); }, &message, c.handle);
      if (c.handle == nullptr && out) ordo_free(out);  // validate answers its diagnostics on failure too
      if (rc == ORDO_ENOMEM) {
        sawNomem = true;
        CHECK(message == "out of memory");
      } else if (rc == c.expected) {
        CHECK(!message.empty());
        if (message.find("its message was lost") != std::string::npos) {
          sawLost = true;
          CHECK(message.rfind(ordo_error_name(c.expected), 0) == 0);  // "not_found (its message was lost...)"
        } else {
          sawReal = true;
        }
      } else {
        std::fprintf(stderr, "%s with %ld allocations: rc %d (%s): %s\n", c.what, n, rc, ordo_error_name(rc),
                     message.c_str());
        ++failures;
      }
      if (sawReal && message.find("its message was lost") == std::string::npos && rc == c.expected) break;
    }
    CHECK(sawNomem);
    CHECK(sawReal);  // with enough memory, the real message
    CHECK(sawLost);  // an allocation failed while recording the message: the static text stood in
  }

  // 4. A call that fails at any allocation leaves its out-parameters untouched (ordo_list_query
  //    used to write the total before the list's text could fail).
  {
    // mary's todo list holds a task, so that its text is long enough to need an allocation
    const char* model =
        "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
        "xmlns:flowable=\"http://flowable.org/bpmn\" id=\"d\"><process id=\"p\"><startEvent id=\"s\"/>"
        "<userTask id=\"u\" flowable:assignee=\"mary\"/><endEvent id=\"e\"/>"
        "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"u\"/><sequenceFlow id=\"2\" sourceRef=\"u\" "
        "targetRef=\"e\"/></process></definitions>";
    CHECK(ordo_definition_deploy(&out, engine, model, nullptr) == ORDO_OK);
    ordo_free(out);
    CHECK(ordo_instance_start(&out, engine, "{\"key\":\"p\"}") == ORDO_OK);
    ordo_free(out);
    out = nullptr;
  }
  {
    bool sawOk = false;
    for (long n = 0; n < 2000 && !sawOk; ++n) {
      char* list = nullptr;
      std::int64_t total = -7;
      rc = withBudget(
          n, [&] { return ordo_list_query(&list, &total, engine, "{\"user\":\"mary\"}"); }, &message, engine);
      if (rc == ORDO_OK) {
        sawOk = true;
        CHECK(list != nullptr && total == 1);
        ordo_free(list);
      } else {
        CHECK(rc == ORDO_ENOMEM);
        CHECK(list == nullptr);
        if (total != -7) std::fprintf(stderr, "list query with %ld allocations wrote the total and failed\n", n);
        CHECK(total == -7);
      }
    }
    CHECK(sawOk);
  }

  // The engine still works.
  CHECK(ordo_task_list(&out, engine, nullptr) == ORDO_OK);
  ordo_free(out);
  ordo_engine_close(engine);
  if (failures)
    std::fprintf(stderr, "%d check(s) failed\n", failures);
  else
    std::printf("c nomem ok\n");
  return failures ? 1 : 0;
}
