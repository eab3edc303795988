/*
 * ordo.h: the C ABI of Ordo, an embeddable BPMN 2.0 workflow engine.
 *
 * Conventions (as in SQLite and libgit2):
 * - Functions are named ordo_<object>_<verb>. They return an int status:
 *   ORDO_OK (0) or a negative ORDO_E* code. Codes are never renumbered.
 * - Out-parameters come first. A function that fails leaves them untouched.
 * - Every string Ordo returns through an out-parameter (char **) is owned by
 *   the caller and must be released with ordo_free(). Strings passed in are
 *   only read during the call; Ordo keeps no pointer to them.
 * - Structured data goes in and out as JSON text (UTF-8): variables are a JSON
 *   object, query results a JSON array or object, as documented per function.
 * - After a failure, ordo_errmsg(engine) describes it (a sentence naming the
 *   element or field at fault) and ordo_errdetail(engine) gives it as JSON:
 *   {"code": "parse_error", "message": ..., "elementId": ..., "diagnostics": [...]}.
 *   Both are per handle and per thread, owned by Ordo, valid until the next
 *   call on that handle from the same thread. Failures before a handle exists
 *   (ordo_engine_open) are read with ordo_errmsg(NULL).
 * - An ordo_engine is thread-safe: any thread may call any function on it.
 *   Callbacks run on the thread that made the call that triggered them (see
 *   ordo_handler_register and ordo_listener_register). A callback, and its
 *   payload, may still be called until ordo_engine_close even after it was
 *   replaced or removed: free payloads after closing the engine.
 * - Unknown fields in request and query JSON are refused (ORDO_EINVALID).
 * - No C++ exception ever crosses this interface.
 */
#ifndef ORDO_H
#define ORDO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define ORDO_EXTERN __declspec(dllexport)
#else
#define ORDO_EXTERN __attribute__((visibility("default")))
#endif

#define ORDO_VERSION_MAJOR 0
#define ORDO_VERSION_MINOR 1
#define ORDO_VERSION_PATCH 0
#define ORDO_VERSION_STRING "0.1.0"
#define ORDO_VERSION_NUMBER (ORDO_VERSION_MAJOR * 10000 + ORDO_VERSION_MINOR * 100 + ORDO_VERSION_PATCH)

/* Status codes. */
#define ORDO_OK 0
#define ORDO_ENOTFOUND (-1)     /* no such definition, instance, task, external task */
#define ORDO_EINVALID (-2)      /* malformed input: bad JSON, variables not an object, a bad id */
#define ORDO_EPARSE (-3)        /* the model does not parse or validate (see ordo_errdetail) */
#define ORDO_EEXPRESSION (-4)   /* an expression failed to evaluate */
#define ORDO_ENOFLOW (-5)       /* a gateway or activity found no sequence flow to take */
#define ORDO_EWRONGSTATE (-6)   /* the instance or task is not in a state that allows this */
#define ORDO_EFORBIDDEN (-7)    /* the acting user or worker may not do this */
#define ORDO_ELIMIT (-8)        /* a limit was reached */
#define ORDO_ECONFLICT (-9)     /* a concurrent change won */
#define ORDO_EUNSUPPORTED (-10) /* the engine does not implement what this needs */
#define ORDO_EBPMNERROR (-11)   /* a BPMN error no boundary event caught */
#define ORDO_ESERVICE (-12)     /* a service-task handler failed */
#define ORDO_EBUSY (-13)        /* the database stayed locked */
#define ORDO_EIO (-14)          /* the database file could not be read or written */
#define ORDO_EINTERRUPTED (-15) /* ordo_engine_interrupt stopped the call */
#define ORDO_EINTERNAL (-16)    /* a bug in Ordo: please report it */
#define ORDO_ENOMEM (-17)       /* out of memory */

#define ORDO_DURABILITY_FULL 0   /* fsync on every commit: survives a power cut */
#define ORDO_DURABILITY_NORMAL 1 /* survives a process crash; a power cut may lose the last commits */

typedef struct ordo_engine ordo_engine;

/* Options for ordo_engine_open. Initialize with ORDO_OPTIONS_INIT, then set fields. */
typedef struct ordo_options {
  unsigned int version; /* ORDO_OPTIONS_VERSION */
  const char *path;     /* a file path, or ":memory:" */
  int durability;       /* ORDO_DURABILITY_FULL or ORDO_DURABILITY_NORMAL */
  int read_connections; /* reader connections kept open */
  /* Optional clock: milliseconds since the Unix epoch (UTC). NULL: the system clock.
     Called from any thread that issues a command. */
  int64_t (*clock)(void *payload);
  void *clock_payload;
} ordo_options;
#define ORDO_OPTIONS_VERSION 1
#define ORDO_OPTIONS_INIT {ORDO_OPTIONS_VERSION, ":memory:", ORDO_DURABILITY_FULL, 4, 0, 0}

/* Versions and errors. */
ORDO_EXTERN const char *ordo_version(void);     /* "0.1.0"; static, not to be freed */
ORDO_EXTERN int ordo_version_number(void);      /* ORDO_VERSION_NUMBER of the library */
ORDO_EXTERN const char *ordo_errstr(int code);  /* "not_found"; static */
ORDO_EXTERN const char *ordo_errmsg(const ordo_engine *engine);
ORDO_EXTERN const char *ordo_errdetail(const ordo_engine *engine);
/* Releases a string Ordo returned. NULL is allowed. */
ORDO_EXTERN void ordo_free(void *p);

/* Opens (creating if needed) the database at options->path. *out owns the engine. */
ORDO_EXTERN int ordo_engine_open(ordo_engine **out, const ordo_options *options);
/* Closes the engine and frees it. NULL is allowed. No call may be running on it. */
ORDO_EXTERN void ordo_engine_close(ordo_engine *engine);
/* Makes the command running on this engine at this moment return ORDO_EINTERRUPTED as
   soon as it can (between steps), its changes rolled back. Safe from any thread. A command
   still waiting for the writer is not affected; queries are not interrupted. */
ORDO_EXTERN void ordo_engine_interrupt(ordo_engine *engine);

/* Checks BPMN XML without an engine. purpose: 0 interchange, 1 execution (deploy).
   *out_json: [{"severity","code","message","elementId","line","column"}...].
   Returns ORDO_OK when there is no error (warnings may be listed), ORDO_EPARSE otherwise;
   unlike other calls it sets *out_json in both cases (the diagnostics are the answer).
   Errors are recorded on the NULL handle. */
ORDO_EXTERN int ordo_validate(char **out_json, const char *xml, int purpose);

/* Definitions. *out_json: {"created": bool, "definitions": [{"id","key","name","version","hash","deployedAt"}]} */
ORDO_EXTERN int ordo_definition_deploy(char **out_json, ordo_engine *engine, const char *xml);
ORDO_EXTERN int ordo_definition_list(char **out_json, ordo_engine *engine);
ORDO_EXTERN int ordo_definition_get(char **out_json, ordo_engine *engine, int64_t definition_id);

/* Instances. request_json: {"key" | "definitionId", "variables": {}, "businessKey", "initiator", "tenant"}.
   *out_json: the instance {"id","definitionId","definitionKey","definitionVersion","parentId",
   "businessKey","initiator","tenant","state","startedAt","endedAt","revision"}. */
ORDO_EXTERN int ordo_instance_start(char **out_json, ordo_engine *engine, const char *request_json);
ORDO_EXTERN int ordo_instance_get(char **out_json, ordo_engine *engine, int64_t instance_id);
/* query_json (NULL for all): {"definitionKey","state","businessKey","parentId","offset","limit"} */
ORDO_EXTERN int ordo_instance_list(char **out_json, ordo_engine *engine, const char *query_json);
/* [{"id","instanceId","at","kind","elementId","elementType","taskId","actor","comment"}] */
ORDO_EXTERN int ordo_instance_history(char **out_json, ordo_engine *engine, int64_t instance_id);
/* The element ids where the instance waits: ["approve", ...] */
ORDO_EXTERN int ordo_instance_waiting(char **out_json, ordo_engine *engine, int64_t instance_id);
ORDO_EXTERN int ordo_instance_variables(char **out_json, ordo_engine *engine, int64_t instance_id);
ORDO_EXTERN int ordo_instance_set_variables(ordo_engine *engine, int64_t instance_id, const char *variables_json);

/* Tasks. query_json (NULL for all open): {"instanceId","assignee","candidateUser","candidateGroups":[],
   "elementId","includeFinished","offset","limit"}. A task: {"id","instanceId","elementId","name",
   "assignee","owner","candidateUsers","candidateGroups","state","formKey","priority","createdAt",
   "endedAt","dueAt","completedBy"}. */
ORDO_EXTERN int ordo_task_list(char **out_json, ordo_engine *engine, const char *query_json);
ORDO_EXTERN int ordo_task_count(int64_t *out_count, ordo_engine *engine, const char *query_json);
ORDO_EXTERN int ordo_task_get(char **out_json, ordo_engine *engine, int64_t task_id);
/* variables_json may be NULL; user may be NULL. */
ORDO_EXTERN int ordo_task_complete(ordo_engine *engine, int64_t task_id, const char *variables_json, const char *user);

/* External service tasks (type="external"). *out_json: [{"id","instanceId","elementId","topic",
   "workerId","retries","lockExpiresAt","variables"}] */
ORDO_EXTERN int ordo_external_fetch_and_lock(char **out_json, ordo_engine *engine, const char *topic,
                                             const char *worker_id, int max_tasks, int64_t lock_millis);
ORDO_EXTERN int ordo_external_complete(ordo_engine *engine, int64_t id, const char *worker_id,
                                       const char *variables_json);
/* With retries > 0 the task is offered again after retry_after_millis; with 0 it becomes an incident. */
ORDO_EXTERN int ordo_external_fail(ordo_engine *engine, int64_t id, const char *worker_id, const char *message,
                                   int retries, int64_t retry_after_millis);
ORDO_EXTERN int ordo_external_bpmn_error(ordo_engine *engine, int64_t id, const char *worker_id,
                                         const char *error_code, const char *variables_json);

/* Messages. request_json: {"name", "businessKey", "instanceId", "variables", "user"}. Delivers the
   message to the first matching waiting instance, or starts a process with that message start
   event; *out_json is that instance. ORDO_ENOTFOUND when nobody waits for it. */
ORDO_EXTERN int ordo_message_correlate(char **out_json, ordo_engine *engine, const char *request_json);

/* Signals: broadcast to every waiting instance, and start every process with that signal
   start event, in one command. *out_count (may be NULL): how many received it; none is fine. */
ORDO_EXTERN int ordo_signal_broadcast(int *out_count, ordo_engine *engine, const char *name, const char *variables_json);

/* Approval operations, one entry point: request_json {"op", "user", "task": id, "instance": id,
   "to", "target", "users": [], "position", "comment", "reason", "variables": {}, "process",
   "businessKey", "processes": [], "from", "until" (epoch ms), "keepHistory"}. ops: complete,
   claim, unclaim, delegate, resolve, transfer, urge, skip, return, returnable, reject, addSigners,
   removeSigners, acceptEntrust, rejectEntrust, withdraw, jump, terminate, invalidate, suspend,
   resume, cc, edit, delete, draft, submit, entrust, cancelEntrust. *out_json: the result (null for
   most; the instance for draft and submit; node ids for returnable; the id for entrust). */
ORDO_EXTERN int ordo_operation(char **out_json, ordo_engine *engine, const char *request_json);
/* A user's list: query_json {"user", "type": todo|done|started|cc|drafts, "processKey", "processName",
   "tenant", "startedFrom", "startedTo", "newestFirst", "offset", "limit"}.
   *out_json: [{"instance", "processName", "task"}]; *out_count (may be NULL) the total. */
ORDO_EXTERN int ordo_list(char **out_json, int64_t *out_count, ordo_engine *engine, const char *query_json);
/* {"instance", "processName", "openTasks", "currentNodes", "allowedActions"} for `user`. */
ORDO_EXTERN int ordo_instance_detail(char **out_json, ordo_engine *engine, int64_t instance_id, const char *user);
/* {"nodes": [{"id","name","kind","status","approvers","comments","startedAt","endedAt"}], "edges": [...]} */
ORDO_EXTERN int ordo_instance_canvas(char **out_json, ordo_engine *engine, int64_t instance_id);
/* user_json {"id", "name", "department", "roles": []}: the engine's own directory. */
ORDO_EXTERN int ordo_user_save(ordo_engine *engine, const char *user_json);
/* [{"id","user","type","instanceId","taskId","title","createdAt","read"}], newest first. */
ORDO_EXTERN int ordo_inbox_list(char **out_json, ordo_engine *engine, const char *user, int unread_only, int offset,
                                int limit);
ORDO_EXTERN int ordo_inbox_mark(ordo_engine *engine, int64_t message_id, const char *user, int read);

/* Jobs and incidents. */
ORDO_EXTERN int ordo_job_run_due(int *out_count, ordo_engine *engine); /* fires due timers */
/* Pending timer jobs of the instance (external tasks are listed by fetch-and-lock, not counted here). */
ORDO_EXTERN int ordo_job_count(int *out_count, ordo_engine *engine, int64_t instance_id);
ORDO_EXTERN int ordo_incident_count(int *out_count, ordo_engine *engine, int64_t instance_id);

/* In-process service-task handlers. The handler runs on the thread of the command
   that reached the task, inside that command's transaction: keep it short. It may not
   call back into the engine: such a call fails with ORDO_EWRONGSTATE. It returns ORDO_OK, or any other value to
   fail the command (ORDO_ESERVICE; the message set with ordo_service_task_fail).
   The ordo_service_task pointer is valid only during the call. */
typedef struct ordo_service_task ordo_service_task;
typedef int (*ordo_handler_fn)(ordo_service_task *task, void *payload);
/* name: the flowable:/camunda: type, topic, class or expression the task names.
   payload is passed back to fn; Ordo does not own it. A second registration replaces the first. */
ORDO_EXTERN int ordo_handler_register(ordo_engine *engine, const char *name, ordo_handler_fn fn, void *payload);
ORDO_EXTERN int64_t ordo_service_task_instance(const ordo_service_task *task);
ORDO_EXTERN const char *ordo_service_task_element(const ordo_service_task *task); /* owned by Ordo */
/* The variables visible at the task, a JSON object; free with ordo_free. */
ORDO_EXTERN int ordo_service_task_variables(char **out_json, ordo_service_task *task);
ORDO_EXTERN int ordo_service_task_set_variable(ordo_service_task *task, const char *name, const char *value_json);
/* Ends the task with a BPMN error, for an error boundary event to catch. */
ORDO_EXTERN int ordo_service_task_bpmn_error(ordo_service_task *task, const char *error_code, const char *message);
ORDO_EXTERN int ordo_service_task_fail(ordo_service_task *task, const char *message);

/* Event listeners: after each command commits, fn is called once per history entry
   it wrote (as the JSON object of ordo_instance_history), on the thread that issued
   the command. Returns a listener id for ordo_listener_remove via *out_id. */
typedef void (*ordo_listener_fn)(const char *event_json, void *payload);
ORDO_EXTERN int ordo_listener_register(int *out_id, ordo_engine *engine, ordo_listener_fn fn, void *payload);
ORDO_EXTERN int ordo_listener_remove(ordo_engine *engine, int id);

#ifdef __cplusplus
}
#endif

#endif /* ORDO_H */
