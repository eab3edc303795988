// libFuzzer: the C ABI's JSON inputs. One in-memory engine with a deployed model, a user and
// running instances; the first byte picks the call, the rest is its JSON argument:
// ordo_operation_run, the list queries, starts, variables, task completion, messages, the
// inbox. Every call must answer with a status code (and no exception, crash or leak);
// whatever it did, the engine still answers a simple query and reads its instances' variables.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ordo.h"

namespace {

const char* kModel = R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:flowable="http://flowable.org/bpmn"
  id="d" targetNamespace="http://ordo.test">
  <message id="m" name="go"/>
  <process id="p" isExecutable="true">
    <startEvent id="s"/>
    <userTask id="a" flowable:assignee="${who}"/>
    <receiveTask id="r" messageRef="m"/>
    <userTask id="b" flowable:candidateGroups="g"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    <sequenceFlow id="f2" sourceRef="a" targetRef="r"/>
    <sequenceFlow id="f3" sourceRef="r" targetRef="b"/>
    <sequenceFlow id="f4" sourceRef="b" targetRef="e"/>
  </process>
</definitions>)";

ordo_engine* g_engine = nullptr;
int g_calls = 0;

// A status code, and never ORDO_EINTERNAL ("a bug in Ordo").
void check(int rc) {
  if (rc > 0 || rc < ORDO_ENOMEM || rc == ORDO_EINTERNAL) {
    std::fprintf(stderr, "status %d: %s\n", rc, ordo_engine_errmsg(g_engine));
    std::abort();
  }
}

void openEngine() {
  if (g_engine) ordo_engine_close(g_engine);
  ordo_options o = ORDO_OPTIONS_INIT;
  if (ordo_engine_open(&g_engine, &o) != ORDO_OK) std::abort();
  char* out = nullptr;
  if (ordo_definition_deploy(&out, g_engine, kModel, nullptr) != ORDO_OK) std::abort();
  ordo_free(out);
  for (int i = 0; i < 3; ++i) {
    out = nullptr;
    if (ordo_instance_start(&out, g_engine, R"({"key": "p", "variables": {"who": "mary"}, "initiator": "emp"})") !=
        ORDO_OK)
      std::abort();
    ordo_free(out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // A fresh engine now and then, so that what earlier inputs did stays bounded.
  if (!g_engine || ++g_calls % 500 == 0) openEngine();
  const std::string json(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char* j = json.c_str();  // stops at an embedded NUL, as a C caller's string would
  char* out = nullptr;
  int64_t count = 0;
  switch (data[0] % 12) {
    case 0:
    case 1:
    case 2: check(ordo_operation_run(&out, g_engine, j)); break;
    case 3: check(ordo_task_list(&out, g_engine, j)); break;
    case 4: check(ordo_task_count(&count, g_engine, j)); break;
    case 5: check(ordo_instance_list(&out, g_engine, j)); break;
    case 6: check(ordo_list_query(&out, &count, g_engine, j)); break;
    case 7: check(ordo_instance_start(&out, g_engine, j)); break;
    case 8: check(ordo_instance_set_variables(g_engine, 1, j)); break;
    case 9: check(ordo_task_complete(g_engine, 1, j, "mary")); break;
    case 10: check(ordo_message_correlate(&out, g_engine, j)); break;
    case 11: check(ordo_inbox_list(&out, g_engine, j)); break;
  }
  ordo_free(out);
  out = nullptr;
  if (ordo_instance_list(&out, g_engine, "{}") != ORDO_OK) std::abort();
  ordo_free(out);
  // Whatever was stored can be read back (a value that cannot would make its instance unloadable).
  for (int64_t id = 1; id <= 3; ++id) {
    out = nullptr;
    int rc = ordo_instance_variables(&out, g_engine, id);
    if (rc != ORDO_OK && rc != ORDO_ENOTFOUND) check(ORDO_EINTERNAL);
    ordo_free(out);
  }
  return 0;
}
