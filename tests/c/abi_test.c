/* Tests of the whole C ABI, in C99 (compiled with -std=c99 -pedantic -Werror). */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <ordo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
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

static int64_t fixed_now(void *payload) {
  return *(int64_t *)payload;
}

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

static int completions_with_action = 0;
static void on_event(const char *event_json, void *payload) {
  int *seen = payload;
  /* events carry the action and targets, as ordo_instance_history does */
  if (CONTAINS(event_json, "\"kind\":\"task_completed\"") && CONTAINS(event_json, "\"action\":\"complete\"") &&
      CONTAINS(event_json, "\"targets\":[]"))
    ++completions_with_action;
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

static void sleep_ms(long ms) {
  struct timespec t;
  t.tv_sec = ms / 1000;
  t.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&t, NULL);
}

/* rc is ORDO_EINVALID and the message names `field`. */
#define CHECK_INVALID(call, engine, field)                                           \
  do {                                                                               \
    int rc_ = (call);                                                                \
    CHECK(rc_ == ORDO_EINVALID);                                                     \
    if (rc_ != ORDO_EINVALID || !CONTAINS(ordo_engine_errmsg(engine), field))        \
      fprintf(stderr, "  rc %d, message: %s\n", rc_, ordo_engine_errmsg(engine));    \
    CHECK(CONTAINS(ordo_engine_errmsg(engine), field));                              \
    CHECK(CONTAINS(ordo_engine_errdetail(engine), "\"code\":\"invalid_argument\"")); \
  } while (0)

/* Numbers in request JSON: an id beyond int64, negative, fractional or a string, and a fractional
   or huge from/until, are ORDO_EINVALID naming the field (they were ORDO_EINTERNAL: a
   boost::system_error escaped the engine's to_number), and nothing changes. */
static void test_numbers(ordo_engine *engine) {
  static const char *bad_ids[] = {
      "18446744073709551615", "9223372036854775808", "-1", "0", "1.5", "1e3", "\"7\"", "true", "[1]", "1e400"};
  static const char *bad_millis[] = {"1.5", "1e30", "-5", "18446744073709551615", "\"soon\""};
  char req[256], *out = NULL;
  size_t i;
  long long task;
  int64_t count = -1;
  CHECK(ordo_instance_start(&out, engine,
                            "{\"key\":\"leaveApproval\",\"variables\":{\"days\":1,\"manager\":\"nina\"}}") == ORDO_OK);
  ordo_free(out);
  CHECK(ordo_task_list(&out, engine, "{\"assignee\":\"nina\"}") == ORDO_OK);
  task = first_id(out, NULL);
  ordo_free(out);
  for (i = 0; i < sizeof bad_ids / sizeof *bad_ids; ++i) {
    snprintf(req, sizeof req, "{\"op\":\"claim\",\"user\":\"nina\",\"task\":%s}", bad_ids[i]);
    CHECK_INVALID(ordo_operation_run(&out, engine, req), engine, "'task'");
    snprintf(req, sizeof req, "{\"op\":\"suspend\",\"user\":\"root\",\"instance\":%s}", bad_ids[i]);
    CHECK_INVALID(ordo_operation_run(&out, engine, req), engine, "'instance'");
  }
  CHECK(ordo_operation_run(&out, engine, "{\"op\":\"claim\",\"user\":\"nina\",\"task\":18446744073709551615}") ==
        ORDO_EINVALID);
  CHECK(CONTAINS(ordo_engine_errmsg(engine), "not 18446744073709551615")); /* says what it got */
  for (i = 0; i < sizeof bad_millis / sizeof *bad_millis; ++i) {
    snprintf(req, sizeof req, "{\"op\":\"entrust\",\"user\":\"nina\",\"to\":\"otto\",\"from\":%s}", bad_millis[i]);
    CHECK_INVALID(ordo_operation_run(&out, engine, req), engine, "'from'");
    snprintf(req, sizeof req, "{\"op\":\"entrust\",\"user\":\"nina\",\"to\":\"otto\",\"until\":%s}", bad_millis[i]);
    CHECK_INVALID(ordo_operation_run(&out, engine, req), engine, "'until'");
  }
  /* nothing changed: no entrustment was made, the task is still nina's and open */
  CHECK(ordo_operation_run(&out, engine, "{\"op\":\"cancelEntrust\",\"user\":\"nina\",\"to\":\"otto\"}") ==
        ORDO_ENOTFOUND);
  CHECK(ordo_task_get(&out, engine, task) == ORDO_OK);
  CHECK(CONTAINS(out, "\"assignee\":\"nina\""));
  CHECK(CONTAINS(out, "\"state\":\"open\""));
  ordo_free(out);
  /* a good request still works, with large exact integers */
  CHECK(ordo_operation_run(&out, engine,
                           "{\"op\":\"entrust\",\"user\":\"nina\",\"to\":\"otto\",\"from\":0,"
                           "\"until\":9223372036854775807}") == ORDO_OK);
  ordo_free(out);
  CHECK(ordo_operation_run(&out, engine, "{\"op\":\"cancelEntrust\",\"user\":\"nina\",\"to\":\"otto\"}") == ORDO_OK);
  ordo_free(out);

  /* queries: offsets and limits are ints >= 0 (4294967296 used to wrap to 0 and return nothing) */
  CHECK_INVALID(ordo_task_list(&out, engine, "{\"limit\":4294967296}"), engine, "'limit'");
  CHECK_INVALID(ordo_task_list(&out, engine, "{\"offset\":-1}"), engine, "'offset'");
  CHECK_INVALID(ordo_task_list(&out, engine, "{\"limit\":2.5}"), engine, "'limit'");
  CHECK_INVALID(ordo_task_list(&out, engine, "{\"instanceId\":18446744073709551615}"), engine, "'instanceId'");
  CHECK_INVALID(ordo_task_count(&count, engine, "{\"instanceId\":-4}"), engine, "'instanceId'");
  CHECK(count == -1);
  CHECK_INVALID(ordo_instance_list(&out, engine, "{\"parentId\":-2}"), engine, "'parentId'");
  CHECK_INVALID(ordo_instance_list(&out, engine, "{\"limit\":1e2}"), engine, "'limit'");
  CHECK_INVALID(ordo_list_query(&out, &count, engine, "{\"user\":\"nina\",\"startedFrom\":1.5}"), engine,
                "'startedFrom'");
  CHECK_INVALID(ordo_list_query(&out, &count, engine, "{\"user\":\"nina\",\"limit\":-3}"), engine, "'limit'");
  CHECK_INVALID(ordo_instance_start(&out, engine, "{\"definitionId\":18446744073709551615}"), engine, "'definitionId'");
  CHECK_INVALID(ordo_message_correlate(&out, engine, "{\"name\":\"m\",\"instanceId\":0.5}"), engine, "'instanceId'");
  CHECK_INVALID(ordo_message_correlate(&out, engine, "{\"name\":\"m\",\"buffer\":true,\"bufferMillis\":-1}"), engine,
                "'bufferMillis'");
  CHECK(ordo_task_list(&out, engine, "{\"limit\":2147483647,\"instanceId\":null}") == ORDO_OK);
  ordo_free(out);

  /* C arguments out of range name the parameter */
  CHECK_INVALID(ordo_external_fetch_and_lock(&out, engine, "payout", "w", -1, 1000), engine, "max_tasks");
  CHECK_INVALID(ordo_external_fetch_and_lock(&out, engine, "payout", "w", 1, -1), engine, "lock_millis");
  CHECK_INVALID(ordo_external_fail(engine, 1, "w", "x", -1, 0), engine, "retries");
  CHECK_INVALID(ordo_external_fail(engine, 1, "w", "x", 1, -1), engine, "retry_after_millis");
  CHECK_INVALID(ordo_inbox_list(&out, engine, "{\"user\":\"nina\",\"offset\":-1}"), engine, "'offset'");
  CHECK_INVALID(ordo_inbox_list(&out, engine, "{\"user\":\"nina\",\"limit\":1.5}"), engine, "'limit'");
  CHECK_INVALID(ordo_incident_resolve(engine, 1, 0), engine, "retries");
  CHECK_INVALID(ordo_job_executor_start(engine, 0), engine, "poll_millis");
  CHECK_INVALID(ordo_model_validate(&out, "<definitions/>", 7), NULL, "purpose");
}

static const char *kTimer =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"t\"><process id=\"later\">"
    "<startEvent id=\"s\"/><intermediateCatchEvent id=\"wait\"><timerEventDefinition><timeDuration>PT1S"
    "</timeDuration></timerEventDefinition></intermediateCatchEvent><endEvent id=\"e\"/>"
    "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"wait\"/><sequenceFlow id=\"2\" sourceRef=\"wait\" "
    "targetRef=\"e\"/></process></definitions>";

/* The job executor: a timer that falls due is fired by the engine's own thread. */
static void test_job_executor(ordo_engine *engine, int64_t *now) {
  char *out = NULL;
  long long instance;
  int64_t jobs = -1;
  int waited, done = 0;
  CHECK(ordo_definition_deploy(&out, engine, kTimer, NULL) == ORDO_OK);
  ordo_free(out);
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"later\"}") == ORDO_OK);
  instance = first_id(out, NULL);
  ordo_free(out);
  CHECK(ordo_job_count(&jobs, engine, instance) == ORDO_OK); /* the pending timer */
  CHECK(jobs == 1);
  *now += 5000; /* before the executor's thread exists: it only reads the clock */
  CHECK(ordo_job_executor_start(engine, 10) == ORDO_OK);
  CHECK(ordo_job_executor_start(engine, 10) == ORDO_EWRONGSTATE); /* runs already */
  for (waited = 0; waited < 10000 && !done; waited += 20) {
    sleep_ms(20);
    CHECK(ordo_instance_get(&out, engine, instance) == ORDO_OK);
    done = CONTAINS(out, "\"state\":\"completed\"");
    ordo_free(out);
  }
  CHECK(done);
  CHECK(ordo_job_executor_stop(engine) == ORDO_OK);
  CHECK(ordo_job_executor_stop(engine) == ORDO_OK); /* stopping a stopped executor is fine */
  CHECK(ordo_job_count(&jobs, engine, instance) == ORDO_OK);
  CHECK(jobs == 0);
}

static const char *kForm =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:flowable=\"http://flowable.org/bpmn\" "
    "id=\"f\"><process id=\"formed\"><startEvent id=\"s\" flowable:formKey=\"leaveForm\"/>"
    "<userTask id=\"u\" flowable:formKey=\"reviewForm\"/><endEvent id=\"e\"/>"
    "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"u\"/><sequenceFlow id=\"2\" sourceRef=\"u\" targetRef=\"e\"/>"
    "</process></definitions>";

/* Forms: schemas deployed by form key; the start form read back by definition key. */
static void test_forms(ordo_engine *engine) {
  char *out = NULL;
  CHECK_INVALID(ordo_definition_deploy(&out, engine, kForm, "[1]"), engine, "forms_json");
  CHECK_INVALID(ordo_definition_deploy(&out, engine, kForm, "{\"leaveForm\":5}"), engine, "leaveForm");
  CHECK(ordo_definition_start_form(&out, engine, "formed") == ORDO_ENOTFOUND); /* nothing was deployed */
  CHECK(ordo_definition_deploy(&out, engine, kForm,
                               "{\"leaveForm\":{\"fields\":[{\"key\":\"days\",\"type\":\"number\"}]},"
                               "\"reviewForm\":\"{\\\"fields\\\":[]}\"}") == ORDO_OK);
  ordo_free(out);
  CHECK(ordo_definition_start_form(&out, engine, "formed") == ORDO_OK);
  CHECK(CONTAINS(out, "\"formKey\":\"leaveForm\""));
  CHECK(CONTAINS(out, "\"schema\":{\"fields\":[{\"key\":\"days\""));
  ordo_free(out);
  CHECK(ordo_definition_start_form(&out, engine, "nope") == ORDO_ENOTFOUND);
  CHECK(ordo_definition_start_form(&out, engine, NULL) == ORDO_EINVALID);
  CHECK(ordo_definition_start_form(&out, engine, "leaveApproval") == ORDO_OK); /* none: empty */
  CHECK(CONTAINS(out, "\"schema\":{}"));
  ordo_free(out);
}

static const char *kBossOnly =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:flowable=\"http://flowable.org/bpmn\" "
    "id=\"b\"><process id=\"bossOnly\" flowable:candidateStarterUsers=\"boss\"><startEvent id=\"s\"/>"
    "<endEvent id=\"e\"/><sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"e\"/></process></definitions>";

/* The engine's own directory: users read back, departments and roles saved; who may start what. */
static void test_identity(ordo_engine *engine) {
  char *out = NULL;
  CHECK(ordo_role_save(engine, "finance", "Finance") == ORDO_OK);
  CHECK(ordo_role_save(engine, NULL, "x") == ORDO_EINVALID);
  CHECK(ordo_department_save(engine, "{\"id\":\"d1\",\"name\":\"Sales\",\"leader\":\"lee\"}") == ORDO_OK);
  CHECK_INVALID(ordo_department_save(engine, "{\"name\":\"no id\"}"), engine, "'id'");
  CHECK_INVALID(ordo_department_save(engine, "{\"id\":\"d2\",\"boss\":\"x\"}"), engine, "'boss'");
  CHECK_INVALID(ordo_department_save(engine, "{\"id\":\"d2\",\"parent\":3}"), engine, "'parent'");
  CHECK(ordo_user_save(engine, "{\"id\":\"lee\",\"name\":\"Lee\",\"department\":\"d1\",\"roles\":[\"finance\"]}") ==
        ORDO_OK);
  CHECK(ordo_user_get(&out, engine, "lee") == ORDO_OK);
  CHECK(CONTAINS(out, "\"department\":\"d1\""));
  CHECK(CONTAINS(out, "\"roles\":[\"finance\"]"));
  ordo_free(out);
  CHECK(ordo_user_get(&out, engine, "ghost") == ORDO_ENOTFOUND);
  CHECK(CONTAINS(ordo_engine_errmsg(engine), "ghost"));
  CHECK(ordo_definition_deploy(&out, engine, kBossOnly, NULL) == ORDO_OK);
  ordo_free(out);
  CHECK(ordo_definition_list_startable(&out, engine, "lee") == ORDO_OK);
  CHECK(CONTAINS(out, "\"key\":\"leaveApproval\""));
  CHECK(!CONTAINS(out, "\"key\":\"bossOnly\""));
  ordo_free(out);
  CHECK(ordo_definition_list_startable(&out, engine, "boss") == ORDO_OK);
  CHECK(CONTAINS(out, "\"key\":\"bossOnly\""));
  ordo_free(out);
}

static const char *kService =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:flowable=\"http://flowable.org/bpmn\" "
    "id=\"d\"><process id=\"svc\"><startEvent id=\"s\"/><serviceTask id=\"calc\" flowable:type=\"calc\"/>"
    "<serviceTask id=\"pay\" flowable:type=\"external\" flowable:topic=\"payout\"/><endEvent id=\"e\"/>"
    "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"calc\"/><sequenceFlow id=\"2\" sourceRef=\"calc\" "
    "targetRef=\"pay\"/>"
    "<sequenceFlow id=\"3\" sourceRef=\"pay\" targetRef=\"e\"/></process></definitions>";

int main(int argc, char **argv) {
  ordo_engine *engine = NULL;
  ordo_options options = ORDO_OPTIONS_INIT;
  char *out = NULL, *model;
  long long instance, task, external;
  int64_t count = 0, now = 1700000000000LL;
  int calls = 0, completed_events = 0, listener = 0;
  int64_t n = -1;
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
  CHECK(strcmp(ordo_error_name(ORDO_ENOTFOUND), "not_found") == 0);
  CHECK(strcmp(ordo_error_name(ORDO_EPARSE), "parse_error") == 0);
  CHECK(strcmp(ordo_error_name(ORDO_ENOMEM), "out_of_memory") == 0);
  CHECK(strcmp(ordo_error_name(ORDO_OK), "ok") == 0);
  CHECK(strcmp(ordo_error_name(12345), "unknown") == 0);
  CHECK(strcmp(ordo_engine_errmsg(NULL), "") == 0); /* nothing failed yet */
  CHECK(strcmp(ordo_engine_errdetail(NULL), "{}") == 0);
  ordo_free(NULL);
  ordo_engine_close(NULL);

  /* opening: bad options fail before a handle exists; the message is on the NULL handle */
  options.version = 99;
  CHECK(ordo_engine_open(&engine, &options) == ORDO_EINVALID);
  CHECK(CONTAINS(ordo_engine_errmsg(NULL), "version 99"));
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
  CHECK(ordo_model_validate(&out, "<definitions/>", 0) == ORDO_EPARSE);
  CHECK(CONTAINS(out, "not_bpmn"));
  ordo_free(out);

  /* deploy: a broken model fails with diagnostics in the detail; nothing is deployed */
  CHECK(ordo_definition_deploy(&out, engine, "<definitions", NULL) == ORDO_EPARSE);
  CHECK(CONTAINS(ordo_engine_errdetail(engine), "\"diagnostics\":[{"));
  CHECK(CONTAINS(ordo_engine_errdetail(engine), "xml_malformed"));
  CHECK(ordo_definition_deploy(&out, engine, NULL, NULL) == ORDO_EINVALID);
  model = read_file(argv[2]);
  CHECK(model != NULL);
  CHECK(ordo_definition_deploy(&out, engine, model, NULL) == ORDO_OK);
  CHECK(CONTAINS(out, "\"key\":\"leaveApproval\""));
  CHECK(CONTAINS(out, "\"created\":true"));
  ordo_free(out);
  CHECK(strcmp(ordo_engine_errmsg(engine), "") == 0); /* success clears the last error */
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
  CHECK(CONTAINS(ordo_engine_errmsg(engine), "not valid JSON"));
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"leaveApproval\",\"variables\":[1]}") == ORDO_EINVALID);
  CHECK(CONTAINS(ordo_engine_errmsg(engine), "variables"));
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
  CHECK(CONTAINS(ordo_engine_errmsg(engine), "unknown field 'asignee'"));
  CHECK(ordo_task_complete(engine, 999999, NULL, "mary") == ORDO_ENOTFOUND);
  CHECK(ordo_task_complete(engine, task, "[]", "mary") == ORDO_EINVALID);
  CHECK(ordo_task_complete(engine, task, NULL, "mary") == ORDO_EEXPRESSION); /* ${approved} is unknown */
  CHECK(CONTAINS(ordo_engine_errdetail(engine), "\"elementId\":\"managerDecision\"") ||
        CONTAINS(ordo_engine_errdetail(engine), "\"elementId\":\"managerApprovedFlow\""));
  CHECK(ordo_listener_register(&listener, engine, on_event, &completed_events) == ORDO_OK);
  CHECK(ordo_task_complete(engine, task, "{\"approved\":true}", "mary") == ORDO_OK);
  CHECK(completed_events == 1);
  CHECK(completions_with_action == 1);
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
  CHECK(ordo_definition_deploy(&out, engine, kService, NULL) == ORDO_OK);
  ordo_free(out);
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"svc\"}") == ORDO_EUNSUPPORTED); /* no handler yet */
  CHECK(ordo_handler_register(engine, "calc", calc_handler, &calls) == ORDO_OK);
  CHECK(ordo_handler_register(engine, "calc", NULL, NULL) == ORDO_EINVALID);
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"svc\",\"variables\":{\"fail\":true}}") == ORDO_ESERVICE);
  CHECK(CONTAINS(ordo_engine_errmsg(engine), "ledger offline"));
  CHECK(ordo_instance_start(&out, engine, "{\"key\":\"svc\"}") == ORDO_OK);
  instance = first_id(out, NULL);
  ordo_free(out);
  CHECK(calls == 2);
  CHECK(ordo_external_fetch_and_lock(&out, engine, "payout", "w1", 5, 60000) == ORDO_OK);
  external = first_id(out, NULL);
  CHECK(CONTAINS(out, "\"total\":42"));
  ordo_free(out);
  CHECK(ordo_external_list(&out, engine, instance) == ORDO_OK);
  CHECK(first_id(out, NULL) == external);
  CHECK(CONTAINS(out, "\"topic\":\"payout\""));
  CHECK(CONTAINS(out, "\"workerId\":\"w1\""));
  ordo_free(out);
  CHECK(ordo_external_list(&out, engine, 424242) == ORDO_ENOTFOUND);
  CHECK(ordo_external_complete(engine, external, "w2", NULL) == ORDO_EFORBIDDEN);
  CHECK(ordo_external_fail(engine, external, "w1", "bank down", 0, 0) == ORDO_OK);
  CHECK(ordo_incident_count(&n, engine, instance) == ORDO_OK);
  CHECK(n == 1);
  {
    /* incidents: listed with their message, resolved by giving the job a retry */
    long long incident;
    CHECK(ordo_incident_list(&out, engine, instance) == ORDO_OK);
    incident = first_id(out, NULL);
    CHECK(incident > 0);
    CHECK(CONTAINS(out, "\"message\":\"bank down\""));
    CHECK(CONTAINS(out, "\"elementId\":\"pay\""));
    CHECK(CONTAINS(out, "\"resolvedAt\":0"));
    ordo_free(out);
    CHECK(ordo_incident_list(&out, engine, 424242) == ORDO_ENOTFOUND);
    CHECK(ordo_incident_resolve(engine, 999999, 1) == ORDO_ENOTFOUND);
    CHECK(ordo_incident_resolve(engine, incident, 2) == ORDO_OK);
    CHECK(ordo_incident_count(&n, engine, instance) == ORDO_OK);
    CHECK(n == 0);
    CHECK(ordo_external_fetch_and_lock(&out, engine, "payout", "w1", 5, 60000) == ORDO_OK);
    CHECK(first_id(out, NULL) == external); /* offered again */
    ordo_free(out);
    CHECK(ordo_external_fail(engine, external, "w1", "bank down", 0, 0) == ORDO_OK);
    CHECK(ordo_incident_count(&n, engine, instance) == ORDO_OK);
    CHECK(n == 1);
  }
  CHECK(ordo_job_count(&n, engine, instance) == ORDO_OK);
  CHECK(n == 0);
  CHECK(ordo_job_run_due(&n, engine) == ORDO_OK);
  CHECK(n == 0);
  CHECK(ordo_external_bpmn_error(engine, 777777, "w1", "E", NULL) == ORDO_ENOTFOUND);
  CHECK(ordo_message_correlate(&out, engine, "{\"name\":\"nobody listens\"}") == ORDO_ENOTFOUND);
  CHECK(CONTAINS(ordo_engine_errmsg(engine), "nobody listens"));
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
    CHECK(ordo_instance_start(&out, engine,
                              "{\"key\":\"leaveApproval\",\"initiator\":\"emp\","
                              "\"variables\":{\"days\":1,\"manager\":\"mary\"}}") == ORDO_OK);
    leave = first_id(out, NULL);
    ordo_free(out);
    CHECK(ordo_list_query(&out, &total, engine, "{\"user\":\"mary\",\"type\":\"todo\"}") == ORDO_OK);
    CHECK(total == 1);
    task = first_id(out, "\"task\"");
    ordo_free(out);
    snprintf(req, sizeof req, "{\"op\":\"transfer\",\"user\":\"eve\",\"task\":%lld,\"to\":\"x\"}", task);
    CHECK(ordo_operation_run(&out, engine, req) == ORDO_EFORBIDDEN);
    snprintf(req, sizeof req, "{\"op\":\"transfer\",\"user\":\"mary\",\"task\":%lld,\"to\":\"max\"}", task);
    CHECK(ordo_operation_run(&out, engine, req) == ORDO_OK);
    CHECK(strcmp(out, "null") == 0);
    ordo_free(out);
    /* history carries the operation's action and targets; operations lists only those */
    CHECK(ordo_instance_history(&out, engine, leave) == ORDO_OK);
    CHECK(CONTAINS(out, "\"action\":\"transfer\""));
    CHECK(CONTAINS(out, "\"targets\":[\"max\"]"));
    CHECK(CONTAINS(out, "\"kind\":\"task_created\","));     /* other entries are there too ... */
    CHECK(CONTAINS(out, "\"action\":\"\",\"targets\":[]")); /* ... with an empty action */
    ordo_free(out);
    CHECK(ordo_instance_operations(&out, engine, leave) == ORDO_OK);
    CHECK(CONTAINS(out, "\"action\":\"transfer\""));
    CHECK(CONTAINS(out, "\"actor\":\"mary\""));
    CHECK(CONTAINS(out, "\"targets\":[\"max\"]"));
    CHECK(!CONTAINS(out, "task_created"));
    ordo_free(out);
    CHECK(ordo_instance_operations(&out, engine, 424242) == ORDO_ENOTFOUND);
    CHECK(ordo_operation_run(&out, engine, "{\"op\":\"fly\",\"user\":\"mary\"}") == ORDO_EINVALID);
    CHECK(CONTAINS(ordo_engine_errmsg(engine), "unknown operation 'fly'"));
    snprintf(req, sizeof req, "{\"op\":\"urge\",\"user\":\"emp\",\"task\":%lld}", task);
    CHECK(ordo_operation_run(&out, engine, req) == ORDO_OK);
    ordo_free(out);
    CHECK(ordo_inbox_list(&out, engine, "{\"user\":\"max\",\"unreadOnly\":true,\"limit\":10}") == ORDO_OK);
    CHECK(CONTAINS(out, "\"type\":\"urge\""));
    CHECK(CONTAINS(out, "\"type\":\"todo\""));
    ordo_free(out);
    CHECK(ordo_inbox_list(&out, engine, "{\"user\":\"max\",\"type\":\"urge\"}") == ORDO_OK);
    CHECK(CONTAINS(out, "\"type\":\"urge\""));
    CHECK(!CONTAINS(out, "\"type\":\"todo\"")); /* the type filter */
    ordo_free(out);
    CHECK_INVALID(ordo_inbox_list(&out, engine, "{\"unreadOnly\":true}"), engine, "'user'");
    CHECK_INVALID(ordo_inbox_list(&out, engine, "{\"user\":\"max\",\"unread\":true}"), engine, "'unread'");
    CHECK(ordo_inbox_counts(&out, engine, "max") == ORDO_OK);
    CHECK(CONTAINS(out, "\"urge\":1"));
    CHECK(CONTAINS(out, "\"todo\":1"));
    ordo_free(out);
    CHECK(ordo_list_counts(&out, engine, "max") == ORDO_OK);
    CHECK(CONTAINS(out, "\"todo\":1"));
    CHECK(CONTAINS(out, "\"drafts\":0"));
    ordo_free(out);
    CHECK(ordo_list_counts(&out, engine, NULL) == ORDO_EINVALID);
    CHECK(ordo_instance_detail(&out, engine, leave, "max") == ORDO_OK);
    CHECK(CONTAINS(out, "\"allowedActions\":[\"complete\""));
    ordo_free(out);
    CHECK(ordo_instance_canvas(&out, engine, leave) == ORDO_OK);
    CHECK(CONTAINS(out, "\"id\":\"managerApproval\""));
    CHECK(CONTAINS(out, "\"status\":\"active\""));
    ordo_free(out);
    snprintf(req, sizeof req, "{\"op\":\"terminate\",\"user\":\"root\",\"instance\":%lld,\"reason\":\"test\"}", leave);
    CHECK(ordo_operation_run(&out, engine, req) == ORDO_OK);
    ordo_free(out);
    CHECK(ordo_inbox_mark(engine, 999999, "max", 1) == ORDO_ENOTFOUND);
  }
  test_numbers(engine);
  test_job_executor(engine, &now);
  test_forms(engine);
  test_identity(engine);
  ordo_engine_interrupt(engine); /* nothing running: no effect on later calls */
  CHECK(ordo_definition_list(&out, engine) == ORDO_OK);
  ordo_free(out);

  free(model);
  ordo_engine_close(engine);
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("c abi ok\n");
  return failures ? 1 : 0;
}
