/* Embedding Ordo from C: the leave approval from start to end, then a
   service task served by a C handler.  usage: embed-c MODEL [DB] */
#include <ordo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kNotify =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:flowable=\"http://flowable.org/bpmn\""
    " id=\"notifyDefs\"><process id=\"notify\"><startEvent id=\"s\"/>"
    "<serviceTask id=\"send\" flowable:type=\"notify\"/><endEvent id=\"e\"/>"
    "<sequenceFlow id=\"1\" sourceRef=\"s\" targetRef=\"send\"/><sequenceFlow id=\"2\" sourceRef=\"send\" "
    "targetRef=\"e\"/>"
    "</process></definitions>";

static int fail(ordo_engine *engine, const char *what) {
  fprintf(stderr, "%s failed: %s\n", what, ordo_engine_errmsg(engine));
  return 1;
}

static long long id_of(const char *json) {
  const char *p = strstr(json, "\"id\":");
  return p ? atoll(p + 5) : -1;
}

/* The handler: runs inside the command that reaches the service task. */
static int notify(ordo_service_task *task, void *payload) {
  (void)payload;
  printf("  handler: notifying for instance %lld at '%s'\n", (long long)ordo_service_task_instance(task),
         ordo_service_task_element(task));
  return ordo_service_task_set_variable(task, "notified", "true");
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  long n;
  char *buf;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  buf = malloc((size_t)n + 1);
  n = (long)fread(buf, 1, (size_t)n, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Completes the only open task of the instance as `user`, approving it. */
static int approve(ordo_engine *engine, long long instance, const char *user) {
  char query[64], *tasks = NULL;
  snprintf(query, sizeof query, "{\"instanceId\":%lld}", instance);
  if (ordo_task_list(&tasks, engine, query) != ORDO_OK) return fail(engine, "task list");
  printf("  %s approves task %lld\n", user, id_of(tasks));
  if (ordo_task_complete(engine, id_of(tasks), "{\"approved\":true}", user) != ORDO_OK) {
    ordo_free(tasks);
    return fail(engine, "complete");
  }
  ordo_free(tasks);
  return 0;
}

int main(int argc, char **argv) {
  ordo_options options = ORDO_OPTIONS_INIT;
  ordo_engine *engine = NULL;
  char *out = NULL, *model;
  long long instance;
  int ok;
  if (argc < 2) return 2;
  options.path = argc > 2 ? argv[2] : ":memory:";
  if (ordo_engine_open(&engine, &options) != ORDO_OK) return fail(NULL, "open");
  model = read_file(argv[1]);
  if (!model || ordo_definition_deploy(&out, engine, model, NULL) != ORDO_OK) return fail(engine, "deploy");
  ordo_free(out);
  free(model);
  if (ordo_definition_deploy(&out, engine, kNotify, NULL) != ORDO_OK) return fail(engine, "deploy notify");
  ordo_free(out);
  if (ordo_handler_register(engine, "notify", notify, NULL) != ORDO_OK) return fail(engine, "handler");

  if (ordo_instance_start(&out, engine,
                          "{\"key\":\"leaveApproval\",\"initiator\":\"emp42\","
                          "\"variables\":{\"days\":5,\"manager\":\"mary\",\"director\":\"dora\"}}") != ORDO_OK)
    return fail(engine, "start");
  instance = id_of(out);
  ordo_free(out);
  printf("started leave approval %lld (5 days)\n", instance);
  if (approve(engine, instance, "mary") || approve(engine, instance, "dora")) return 1;
  if (ordo_instance_get(&out, engine, instance) != ORDO_OK) return fail(engine, "get");
  ok = strstr(out, "\"state\":\"completed\"") != NULL;
  printf("leave approval: %s\n", ok ? "completed" : out);
  ordo_free(out);

  if (ordo_instance_start(&out, engine, "{\"key\":\"notify\"}") != ORDO_OK) return fail(engine, "start notify");
  ok = ok && strstr(out, "\"state\":\"completed\"") != NULL;
  printf("notify: %s\n", strstr(out, "\"state\":\"completed\"") ? "completed" : out);
  ordo_free(out);
  ordo_engine_close(engine);
  return ok ? 0 : 1;
}
