/* Tests of the whole C ABI, in C99 (compiled with -std=c99 -pedantic -Werror). */
#include <ordo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                       \
    }                                                                   \
  } while (0)
#define CONTAINS(text, part) ((text) != NULL && strstr((text), (part)) != NULL)

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  long n;
  char *buf;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Pulls the first "id": number out of a JSON text after `after`. */
static long long first_id(const char *json, const char *after) {
  const char *p = after ? strstr(json, after) : json;
  if (!p) return -1;
  p = strstr(p, "\"id\":");
  return p ? atoll(p + 5) : -1;
}

static int64_t fixed_now(void *payload) { return *(int64_t *)payload; }

static int calc_handler(ordo_service_task *task, void *payload) {
  char *vars = NULL;
  int *calls = payload;
  ++*calls;
  if (ordo_service_task_variables(&vars, task) != ORDO_OK) return -1;
  if (CONTAINS(vars, "\"fail\":true")) {
    ordo_free(vars);
    ordo_service_task_fail(task, "ledger offline");
    return -1;
  }
  ordo_free(vars);
  CHECK(strcmp(ordo_service_task_element(task), "calc") == 0);
  CHECK(ordo_service_task_instance(task) > 0);
  return ordo_service_task_set_variable(task, "total", "42");
}

static void on_event(const char *event_json, void *payload) {
  int *seen = payload;
  if (CONTAINS(event_json, "\"kind\":\"instance_completed\"")) {
    ++*seen;
    CHECK(!CONTAINS(event_json, "\"id\":0,")); /* the entry as stored, with its id */
  }
}

static ordo_engine *reentrant_engine = NULL;
static int reentrant_handler(ordo_service_task *task, void *payload) {
  char *out = NULL;
  int *rc = payload;
  (void)task;
  *rc = ordo_instance_start(&out, reentrant_engine, "{\"key\":\"leaveApproval\"}");
  return ORDO_OK;
}

static const char *kService =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:flowable=\"http://flowable.org/bpmn\" "
    "id=\"d\"><process id=\"svc\"><startEvent id=\"s\"/><serviceTask id=\"calc\" flowable:type=\"calc\"/>"
    "<serviceTask id=\"pay\" flowable:type=\"external\" flowable:topic=\"payout\"/><endEvent id=\"e\"/>"
    "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"calc\"/><sequenceFlow id=\"2\" sourceRef=\"calc\" targetRef=\"pay\"/>"
    "<sequenceFlow id=\"3\" sourceRef=\"pay\" targetRef=\"e\"/></process></definitions>";

int main(int argc, char **argv) {
  ordo_engine *engine = NULL;
  ordo_options options = ORDO_OPTIONS_INIT;
  char *out = NULL, *model;
  long long instance, task, external;
  int64_t count = 0, now = 1700000000000LL;
  int calls = 0, completed_events = 0, listener = 0, n = -1;
  if (argc != 3) return 2;
  {
    char path[4096];
    remove(argv[1]); /* a fresh database each run */
    snprintf(path, sizeof path, "%s-wal", argv[1]);
    remove(path);
    snprintf(path, sizeof path, "%s-shm", argv[1]);
    remove(path);
  }

  /* versions, codes, NULL-safe frees */
  CHECK(strcmp(ordo_version(), ORDO_VERSION_STRING) == 0);
  CHECK(ordo_version_number() == ORDO_VERSION_NUMBER);
  CHECK(strcmp(ordo_errstr(ORDO_ENOTFOUND), "not_found") == 0);
  CHECK(strcmp(ordo_errstr(ORDO_EPARSE), "parse_error") == 0);
  ordo_free(NULL);
  ordo_engine_close(NULL);

  /* opening: bad options fail before a handle exists; the message is on the NULL handle */
  options.version = 99;
  CHECK(ordo_engine_open(&engine, &options) == ORDO_EINVALID);
  CHECK(CONTAINS(ordo_errmsg(NULL), "version 99"));
  CHECK(engine == NULL);
  options.version = ORDO_OPTIONS_VERSION;
  options.path = "/nonexistent-dir/x.db";
  CHECK(ordo_engine_open(&engine, &options) == ORDO_EIO);
  options.path = argv[1];
  options.clock = fixed_now;
  options.clock_payload = &now;
  CHECK(ordo_engine_open(&engine, &options) == ORDO_OK);
  CHECK(engine != NULL);

  /* validation without an engine */
  CHECK(ordo_validate(&out, "<definitions/>", 0) == ORDO_EPARSE);
  CHECK(CONTAINS(out, "not_bpmn"));
  ordo_free(out);

  /* deploy: a broken model fails with diagnostics in the detail; nothing is deployed */
  CHECK(ordo_definition_deploy(&out, engine, "<definitions") == ORDO_EPARSE);
  CHECK(CONTAINS(ordo_errdetail(engine), "\"diagnostics\":[{"));
  CHECK(CONTAINS(ordo_errdetail(engine), "xml_malformed"));
  CHECK(ordo_definition_deploy(&out, engine, NULL) == ORDO_EINVALID);
  model = read_file(argv[2]);
  CHECK(model != NULL);
  CHECK(ordo_definition_deploy(&out, engine, model) == ORDO_OK);
  CHECK(CONTAINS(out, "\"key\":\"leaveApproval\""));
  CHECK(CONTAINS(out, "\"created\":true"));
  ordo_free(out);
  CHECK(strcmp(ordo_errmsg(engine), "") == 0); /* success clears the last error */
  CHECK(ordo_definition_list(&out, engine) == ORDO_OK);
  CHECK(CONTAINS(out, "\"version\":1"));
  ordo_free(out);
  CHECK(ordo_definition_get(&out, engine, 1) == ORDO_OK);
  CHECK(CONTAINS(out, "\"key\":\"leaveApproval\""));
  ordo_free(out);
  CHECK(ordo_definition_get(&out, engine, 999) == ORDO_ENOTFOUND);
  CHECK(ordo_signal_broadcast(&n, engine, "nobody waits", NULL) == ORDO_OK); /* no receivers is fine */
  CHECK(n == 0);
  CHECK(ordo_signal_broadcast(&n, engine, "", NULL) == ORDO_EINVALID);
  n = -1;

  /* start: bad input */
  CHECK(ordo_instance_start(&out, engine, "{not json") == ORDO_EINVALID);
  CHECK(CONTAINS(ordo_errmsg(engine), "not valid JSON"));
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"leaveApproval\",\"variables\":[1]}") == ORDO_EINVALID);
  CHECK(CONTAINS(ordo_errmsg(engine), "variables"));
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"nope\"}") == ORDO_ENOTFOUND);
  CHECK(ordo_instance_start(NULL, engine, "{}") == ORDO_EINVALID);

  /* start, list, complete */
  CHECK(ordo_instance_start(&out, engine,
                            "{\"key\":\"leaveApproval\",\"variables\":{\"days\":2,\"manager\":\"mary\"},"
                            "\"businessKey\":\"leave-7\",\"initiator\":\"emp\"}") == ORDO_OK);
  instance = first_id(out, NULL);
  CHECK(CONTAINS(out, "\"state\":\"running\""));
  CHECK(CONTAINS(out, "\"businessKey\":\"leave-7\""));
  ordo_free(out);
  CHECK(ordo_instance_waiting(&out, engine, instance) == ORDO_OK);
  CHECK(strcmp(out, "[\"managerApproval\"]") == 0);
  ordo_free(out);
  CHECK(ordo_task_list(&out, engine, "{\"assignee\":\"mary\"}") == ORDO_OK);
  task = first_id(out, NULL);
  CHECK(CONTAINS(out, "\"elementId\":\"managerApproval\""));
  ordo_free(out);
  CHECK(ordo_task_count(&count, engine, "{\"assignee\":\"mary\"}") == ORDO_OK);
  CHECK(count == 1);
  CHECK(ordo_task_list(&out, engine, "{\"limit\":\"ten\"}") == ORDO_EINVALID);
  CHECK(ordo_task_list(&out, engine, "{\"asignee\":\"mary\"}") == ORDO_EINVALID);
  CHECK(CONTAINS(ordo_errmsg(engine), "unknown field 'asignee'"));
  CHECK(ordo_task_complete(engine, 999999, NULL, "mary") == ORDO_ENOTFOUND);
  CHECK(ordo_task_complete(engine, task, "[]", "mary") == ORDO_EINVALID);
  CHECK(ordo_task_complete(engine, task, NULL, "mary") == ORDO_EEXPRESSION); /* ${approved} is unknown */
  CHECK(CONTAINS(ordo_errdetail(engine), "\"elementId\":\"managerDecision\"") ||
        CONTAINS(ordo_errdetail(engine), "\"elementId\":\"managerApprovedFlow\""));
  CHECK(ordo_listener_register(&listener, engine, on_event, &completed_events) == ORDO_OK);
  CHECK(ordo_task_complete(engine, task, "{\"approved\":true}", "mary") == ORDO_OK);
  CHECK(completed_events == 1);
  CHECK(ordo_listener_remove(engine, listener) == ORDO_OK);
  CHECK(ordo_listener_remove(engine, listener) == ORDO_ENOTFOUND);
  CHECK(ordo_task_complete(engine, task, NULL, "mary") == ORDO_EWRONGSTATE);
  CHECK(ordo_instance_get(&out, engine, instance) == ORDO_OK);
  CHECK(CONTAINS(out, "\"state\":\"completed\""));
  ordo_free(out);
  CHECK(ordo_instance_history(&out, engine, instance) == ORDO_OK);
  CHECK(CONTAINS(out, "\"kind\":\"task_completed\""));
  CHECK(CONTAINS(out, "\"actor\":\"mary\""));
  ordo_free(out);
  CHECK(ordo_instance_variables(&out, engine, instance) == ORDO_OK);
  CHECK(CONTAINS(out, "\"approved\":true"));
  ordo_free(out);
  CHECK(ordo_instance_get(&out, engine, 424242) == ORDO_ENOTFOUND);
  CHECK(ordo_instance_list(&out, engine, "{\"state\":\"completed\"}") == ORDO_OK);
  CHECK(CONTAINS(out, "leave-7"));
  ordo_free(out);

  /* variables on a running instance */
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"leaveApproval\",\"variables\":{\"days\":9,\"manager\":\"m\"}}") ==
        ORDO_OK);
  instance = first_id(out, NULL);
  ordo_free(out);
  CHECK(ordo_instance_set_variables(engine, instance, "{\"director\":\"dora\"}") == ORDO_OK);
  CHECK(ordo_instance_set_variables(engine, instance, "42") == ORDO_EINVALID);
  CHECK(ordo_instance_variables(&out, engine, instance) == ORDO_OK);
  CHECK(CONTAINS(out, "\"director\":\"dora\""));
  ordo_free(out);

  /* handlers and external tasks */
  CHECK(ordo_definition_deploy(&out, engine, kService) == ORDO_OK);
  ordo_free(out);
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"svc\"}") == ORDO_EUNSUPPORTED); /* no handler yet */
  CHECK(ordo_handler_register(engine, "calc", calc_handler, &calls) == ORDO_OK);
  CHECK(ordo_handler_register(engine, "calc", NULL, NULL) == ORDO_EINVALID);
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"svc\",\"variables\":{\"fail\":true}}") == ORDO_ESERVICE);
  CHECK(CONTAINS(ordo_errmsg(engine), "ledger offline"));
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"svc\"}") == ORDO_OK);
  instance = first_id(out, NULL);
  ordo_free(out);
  CHECK(calls == 2);
  CHECK(ordo_external_fetch_and_lock(&out, engine, "payout", "w1", 5, 60000) == ORDO_OK);
  external = first_id(out, NULL);
  CHECK(CONTAINS(out, "\"total\":42"));
  ordo_free(out);
  CHECK(ordo_external_complete(engine, external, "w2", NULL) == ORDO_EFORBIDDEN);
  CHECK(ordo_external_fail(engine, external, "w1", "bank down", 0, 0) == ORDO_OK);
  CHECK(ordo_incident_count(&n, engine, instance) == ORDO_OK);
  CHECK(n == 1);
  CHECK(ordo_job_count(&n, engine, instance) == ORDO_OK);
  CHECK(n == 0);
  CHECK(ordo_job_run_due(&n, engine) == ORDO_OK);
  CHECK(n == 0);
  CHECK(ordo_external_bpmn_error(engine, 777777, "w1", "E", NULL) == ORDO_ENOTFOUND);
  CHECK(ordo_message_correlate(&out, engine, "{\"name\":\"nobody listens\"}") == ORDO_ENOTFOUND);
  CHECK(CONTAINS(ordo_errmsg(engine), "nobody listens"));
  CHECK(ordo_message_correlate(&out, engine, "{\"businessKey\":\"x\"}") == ORDO_EINVALID);
  {
    /* A handler calling back into the engine gets EWRONGSTATE instead of a deadlock. */
    int inner = 0;
    reentrant_engine = engine;
    CHECK(ordo_handler_register(engine, "calc", reentrant_handler, &inner) == ORDO_OK);
    CHECK(ordo_instance_start(&out, engine, "{\"key\":\"svc\"}") == ORDO_OK);
    ordo_free(out);
    CHECK(inner == ORDO_EWRONGSTATE);
  }
  /* approval operations, lists, detail, canvas, inbox */
  {
    char req[256];
    long long leave;
    int64_t total = -1;
    CHECK(ordo_user_save(engine, "{\"id\":\"root\",\"roles\":[\"admin\"]}") == ORDO_OK);
    CHECK(ordo_user_save(engine, "{\"name\":\"no id\"}") == ORDO_EINVALID);
    CHECK(ordo_instance_start(&out, engine, "{\"key\":\"leaveApproval\",\"initiator\":\"emp\","
                                            "\"variables\":{\"days\":1,\"manager\":\"mary\"}}") == ORDO_OK);
    leave = first_id(out, NULL);
    ordo_free(out);
    CHECK(ordo_list(&out, &total, engine, "{\"user\":\"mary\",\"type\":\"todo\"}") == ORDO_OK);
    CHECK(total == 1);
    task = first_id(out, "\"task\"");
    ordo_free(out);
    snprintf(req, sizeof req, "{\"op\":\"transfer\",\"user\":\"eve\",\"task\":%lld,\"to\":\"x\"}", task);
    CHECK(ordo_operation(&out, engine, req) == ORDO_EFORBIDDEN);
    snprintf(req, sizeof req, "{\"op\":\"transfer\",\"user\":\"mary\",\"task\":%lld,\"to\":\"max\"}", task);
    CHECK(ordo_operation(&out, engine, req) == ORDO_OK);
    CHECK(strcmp(out, "null") == 0);
    ordo_free(out);
    CHECK(ordo_operation(&out, engine, "{\"op\":\"fly\",\"user\":\"mary\"}") == ORDO_EINVALID);
    CHECK(CONTAINS(ordo_errmsg(engine), "unknown operation 'fly'"));
    snprintf(req, sizeof req, "{\"op\":\"urge\",\"user\":\"emp\",\"task\":%lld}", task);
    CHECK(ordo_operation(&out, engine, req) == ORDO_OK);
    ordo_free(out);
    CHECK(ordo_inbox_list(&out, engine, "max", 1, 0, 10) == ORDO_OK);
    CHECK(CONTAINS(out, "\"type\":\"urge\""));
    ordo_free(out);
    CHECK(ordo_instance_detail(&out, engine, leave, "max") == ORDO_OK);
    CHECK(CONTAINS(out, "\"allowedActions\":[\"complete\""));
    ordo_free(out);
    CHECK(ordo_instance_canvas(&out, engine, leave) == ORDO_OK);
    CHECK(CONTAINS(out, "\"id\":\"managerApproval\""));
    CHECK(CONTAINS(out, "\"status\":\"active\""));
    ordo_free(out);
    snprintf(req, sizeof req, "{\"op\":\"terminate\",\"user\":\"root\",\"instance\":%lld,\"reason\":\"test\"}", leave);
    CHECK(ordo_operation(&out, engine, req) == ORDO_OK);
    ordo_free(out);
    CHECK(ordo_inbox_mark(engine, 999999, "max", 1) == ORDO_ENOTFOUND);
  }
  ordo_engine_interrupt(engine); /* nothing running: no effect on later calls */
  CHECK(ordo_definition_list(&out, engine) == ORDO_OK);
  ordo_free(out);

  free(model);
  ordo_engine_close(engine);
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else printf("c abi ok\n");
  return failures ? 1 : 0;
}
