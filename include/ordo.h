/*
 * ordo.h: the C ABI of Ordo, an embeddable BPMN 2.0 workflow engine.
 *
 * Conventions (as in SQLite and libgit2):
 * - Functions are named ordo_<object>_<verb> (ordo_free, ordo_version and
 *   ordo_version_number excepted, as in SQLite). They return an int status:
 *   ORDO_OK (0) or a negative ORDO_E* code. Codes are never renumbered.
 *   The few that cannot fail (ordo_engine_close, ordo_engine_interrupt, the
 *   error and version readers, the ordo_service_task_instance/_element getters)
 *   return their value or nothing.
 * - Out-parameters come first. A function that fails leaves them untouched.
 * - Every string Ordo returns through an out-parameter (char **) is owned by
 *   the caller and must be released with ordo_free(). Strings passed in are
 *   only read during the call; Ordo keeps no pointer to them.
 * - The ordo_engine * argument is always the caller's; only ordo_engine_close frees it.
 * - Counts are int64_t, written through the caller's int64_t * out-parameter.
 * - Structured data goes in and out as JSON text (UTF-8): variables are a JSON
 *   object, query results a JSON array or object, as documented per function.
 *   Numbers in request and query JSON must be integers within the field's range
 *   (an id >= 1, an offset or limit from 0 to INT_MAX, epoch milliseconds >= 0):
 *   a fraction, an exponent, a string or a value beyond int64 is ORDO_EINVALID
 *   naming the field, and nothing changes.
 * - After a failure, ordo_engine_errmsg(engine) describes it (a sentence naming
 *   the element or field at fault) and ordo_engine_errdetail(engine) gives it as
 *   JSON: {"code": "parse_error", "message": ..., "elementId": ..., "diagnostics": [...]}.
 *   Both are per handle and per thread, owned by Ordo, valid until the next
 *   call on that handle from the same thread. Failures before a handle exists
 *   (ordo_engine_open, ordo_model_validate, the ordo_service_task_* calls) are
 *   read with ordo_engine_errmsg(NULL). Recording an error never allocates on
 *   the out-of-memory path: ORDO_ENOMEM always reads "out of memory".
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
#define ORDO_VERSION_MINOR 2
#define ORDO_VERSION_PATCH 0
#define ORDO_VERSION_STRING "0.2.0"
#define ORDO_VERSION_NUMBER (ORDO_VERSION_MAJOR * 10000 + ORDO_VERSION_MINOR * 100 + ORDO_VERSION_PATCH)

/* Status codes. */
#define ORDO_OK 0
#define ORDO_ENOTFOUND (-1)     /* no such definition, instance, task, external task */
#define ORDO_EINVALID (-2)      /* malformed input: bad JSON, variables not an object, a bad id */
#define ORDO_EPARSE (-3)        /* the model does not parse or validate (see ordo_engine_errdetail) */
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
     Called from any thread that issues or runs a command. */
  int64_t (*clock)(void *payload);
  void *clock_payload;
} ordo_options;
#define ORDO_OPTIONS_VERSION 1
#define ORDO_OPTIONS_INIT {ORDO_OPTIONS_VERSION, ":memory:", ORDO_DURABILITY_FULL, 4, 0, 0}

/* --- Library: versions, errors, memory ------------------------------------------------- */

/* The library's version, "0.2.0". Returns a static string owned by Ordo; never free it. */
ORDO_EXTERN const char *ordo_version(void);
/* ORDO_VERSION_NUMBER of the library (compare with the header's to detect a mismatch). No pointers. */
ORDO_EXTERN int ordo_version_number(void);
/* The name of a status code: "not_found" for ORDO_ENOTFOUND, "unknown" for a value that is not
   a code. Returns a static string owned by Ordo; never free it. */
ORDO_EXTERN const char *ordo_error_name(int code);
/* The message of the last failed call on `engine` made by this thread ("" after a success).
   engine may be NULL: the failures made before a handle existed. The result is owned by Ordo,
   valid until the next call on that handle from this thread; copy it to keep it. */
ORDO_EXTERN const char *ordo_engine_errmsg(const ordo_engine *engine);
/* The same failure as JSON ("{}" after a success): {"code", "message", "elementId",
   "diagnostics": [{"severity","code","message","elementId","line","column"}]}.
   Owned by Ordo, with the lifetime of ordo_engine_errmsg's result; engine stays the caller's. */
ORDO_EXTERN const char *ordo_engine_errdetail(const ordo_engine *engine);
/* Releases a string Ordo handed to the caller through a char ** out-parameter. NULL is allowed.
   Never pass it a string Ordo still owns (ordo_engine_errmsg, ordo_version ...). */
ORDO_EXTERN void ordo_free(void *p);

/* Checks BPMN XML without an engine. purpose: 0 interchange, 1 execution (deploy).
   *out_json: [{"severity","code","message","elementId","line","column"}...], owned by the caller
   (ordo_free). Returns ORDO_OK when there is no error (warnings may be listed), ORDO_EPARSE
   otherwise; unlike other calls it sets *out_json in both cases (the diagnostics are the answer).
   xml is the caller's, read during the call only. Errors are recorded on the NULL handle. */
ORDO_EXTERN int ordo_model_validate(char **out_json, const char *xml, int purpose);

/* --- Engine ------------------------------------------------------------------------------ */

/* Opens (creating if needed) the database at options->path. On success *out is a new engine
   owned by the caller, released with ordo_engine_close. options (and its path) belong to the
   caller and are read during the call only; the clock callback and its payload are the
   caller's and must outlive the engine. Errors are recorded on the NULL handle. */
ORDO_EXTERN int ordo_engine_open(ordo_engine **out, const ordo_options *options);
/* Closes the engine and frees it, with the errors recorded on it; the job executor, if
   started, is stopped first. The caller gives the engine up: the pointer is invalid afterwards.
   NULL is allowed. No call may be running on it. */
ORDO_EXTERN void ordo_engine_close(ordo_engine *engine);
/* Makes the command whose work runs on this engine at this moment return ORDO_EINTERRUPTED
   as soon as it can (at its next step, at the latest before it joins its commit), its
   changes rolled back. Safe from any thread. A command still waiting for the writer, one
   that finished its work and waits for its batch's commit, and the next command are not
   affected; queries are not interrupted. The engine stays the caller's; NULL is allowed. */
ORDO_EXTERN void ordo_engine_interrupt(ordo_engine *engine);

/* --- Definitions ------------------------------------------------------------------------- */

/* Deploys BPMN XML. forms_json (NULL for none): {"formKey": schema, ...}, the JSON form schemas
   (an object, or a string holding JSON) by the flowable:formKey of start events and tasks,
   stored with each definition the document deploys.
   *out_json: {"created": bool, "definitions": [{"id","key","name","version","hash","deployedAt",
   "category"}]}, owned by the caller (ordo_free). xml and forms_json are the caller's, read
   during the call only. An invalid model is ORDO_EPARSE, diagnostics in ordo_engine_errdetail. */
ORDO_EXTERN int ordo_definition_deploy(char **out_json, ordo_engine *engine, const char *xml, const char *forms_json);
/* Every deployed definition version. *out_json: [definition...], owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_definition_list(char **out_json, ordo_engine *engine);
/* The latest definition versions `user` may start (flowable:candidateStarterUsers/Groups; none
   named: everyone): *out_json [definition...], owned by the caller (ordo_free). user is the
   caller's, read during the call only. */
ORDO_EXTERN int ordo_definition_list_startable(char **out_json, ordo_engine *engine, const char *user);
/* *out_json: the definition, owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_definition_get(char **out_json, ordo_engine *engine, int64_t definition_id);
/* The start form of the latest version of `key`: *out_json {"formKey": "...", "schema": {...}}
   ({"formKey": "", "schema": {}} when it has none), owned by the caller (ordo_free). key is the
   caller's, read during the call only; an unknown key is ORDO_ENOTFOUND. */
ORDO_EXTERN int ordo_definition_start_form(char **out_json, ordo_engine *engine, const char *key);

/* --- Instances --------------------------------------------------------------------------- */

/* request_json: {"key" | "definitionId", "variables": {}, "businessKey", "initiator", "tenant"}.
   *out_json: the instance {"id","definitionId","definitionKey","definitionVersion","parentId",
   "businessKey","initiator","tenant","state","startedAt","endedAt","revision"}, owned by the
   caller (ordo_free). request_json is the caller's, read during the call only. */
ORDO_EXTERN int ordo_instance_start(char **out_json, ordo_engine *engine, const char *request_json);
/* *out_json: the instance, owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_instance_get(char **out_json, ordo_engine *engine, int64_t instance_id);
/* query_json (NULL for all): {"definitionKey","state","businessKey","parentId","offset","limit"},
   the caller's, read during the call only. *out_json: [instance...], owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_instance_list(char **out_json, ordo_engine *engine, const char *query_json);
/* What happened in the instance, oldest first. *out_json: [{"id","instanceId","at","kind",
   "elementId","elementType","taskId","actor","comment","action","targets"}], owned by the caller
   (ordo_free). "action" (start, claim, transfer, urge ...) and "targets" (the users or nodes it
   was aimed at) are set on the entries that record what someone did (kind "operation", and the
   "start" of kind "instance_started"); "" and [] on the others. */
ORDO_EXTERN int ordo_instance_history(char **out_json, ordo_engine *engine, int64_t instance_id);
/* What was done to the instance: its history entries with an action (its start, then each
   approval operation), oldest first, in the shape of ordo_instance_history. *out_json is owned
   by the caller (ordo_free). */
ORDO_EXTERN int ordo_instance_operations(char **out_json, ordo_engine *engine, int64_t instance_id);
/* The element ids where the instance waits: *out_json ["approve", ...], owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_instance_waiting(char **out_json, ordo_engine *engine, int64_t instance_id);
/* The process variables: *out_json a JSON object, owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_instance_variables(char **out_json, ordo_engine *engine, int64_t instance_id);
/* Adds or replaces process variables. variables_json (a JSON object) is the caller's, read
   during the call only. */
ORDO_EXTERN int ordo_instance_set_variables(ordo_engine *engine, int64_t instance_id, const char *variables_json);
/* What the instance looks like to `user`: *out_json {"instance", "processName", "openTasks",
   "currentNodes", "allowedActions"}, owned by the caller (ordo_free). user is the caller's. */
ORDO_EXTERN int ordo_instance_detail(char **out_json, ordo_engine *engine, int64_t instance_id, const char *user);
/* *out_json: {"nodes": [{"id","name","kind","status","approvers","comments","startedAt","endedAt"}],
   "edges": [{"id","source","target","status"}]}, owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_instance_canvas(char **out_json, ordo_engine *engine, int64_t instance_id);

/* --- Tasks ------------------------------------------------------------------------------- */

/* query_json (NULL for all open): {"instanceId","assignee","candidateUser","candidateGroups":[],
   "elementId","includeFinished","offset","limit"}, the caller's, read during the call only.
   *out_json: [{"id","instanceId","elementId","name","assignee","owner","candidateUsers",
   "candidateGroups","state","formKey","priority","createdAt","endedAt","dueAt","completedBy"}],
   owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_task_list(char **out_json, ordo_engine *engine, const char *query_json);
/* How many tasks query_json (as for ordo_task_list; offset and limit ignored) selects, written to
   the caller's *out_count. query_json is the caller's, read during the call only. */
ORDO_EXTERN int ordo_task_count(int64_t *out_count, ordo_engine *engine, const char *query_json);
/* *out_json: the task, open or finished, owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_task_get(char **out_json, ordo_engine *engine, int64_t task_id);
/* Completes the task as user and runs the instance on until it waits. variables_json (may be NULL)
   and user (may be NULL: the host acting for the system) are the caller's, read during the call. */
ORDO_EXTERN int ordo_task_complete(ordo_engine *engine, int64_t task_id, const char *variables_json, const char *user);

/* --- Messages and signals ---------------------------------------------------------------- */

/* request_json: {"name", "businessKey", "instanceId", "variables", "user", "buffer", "bufferMillis"},
   the caller's, read during the call only. Delivers the message to the first matching waiting
   instance, or starts a process with that message start event; *out_json is that instance, owned by
   the caller (ordo_free). ORDO_ENOTFOUND when nobody waits for it (unless "buffer" keeps it:
   then *out_json is an instance with id 0). */
ORDO_EXTERN int ordo_message_correlate(char **out_json, ordo_engine *engine, const char *request_json);
/* Broadcasts a signal to every waiting instance and starts every process with that signal start
   event, in one command. *out_count (may be NULL): how many received it; none is fine. name and
   variables_json (may be NULL) are the caller's, read during the call only. */
ORDO_EXTERN int ordo_signal_broadcast(int64_t *out_count, ordo_engine *engine, const char *name,
                                      const char *variables_json);

/* --- External service tasks (type="external") -------------------------------------------- */

/* Locks up to max_tasks (>= 0) tasks of topic for worker_id for lock_millis (>= 0).
   *out_json: [{"id","instanceId","elementId","topic","workerId","retries","lockExpiresAt",
   "variables"}], owned by the caller (ordo_free). topic and worker_id are the caller's. */
ORDO_EXTERN int ordo_external_fetch_and_lock(char **out_json, ordo_engine *engine, const char *topic,
                                             const char *worker_id, int max_tasks, int64_t lock_millis);
/* The external tasks of the instance, locked or not, in the shape of ordo_external_fetch_and_lock;
 *out_json is owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_external_list(char **out_json, ordo_engine *engine, int64_t instance_id);
/* Completes a task locked by worker_id. worker_id and variables_json (may be NULL) are the caller's. */
ORDO_EXTERN int ordo_external_complete(ordo_engine *engine, int64_t id, const char *worker_id,
                                       const char *variables_json);
/* With retries > 0 the task is offered again after retry_after_millis (>= 0); with 0 it becomes
   an incident. worker_id and message are the caller's, read during the call only. */
ORDO_EXTERN int ordo_external_fail(ordo_engine *engine, int64_t id, const char *worker_id, const char *message,
                                   int retries, int64_t retry_after_millis);
/* Ends the task with a BPMN error for a boundary event to catch. The strings are the caller's. */
ORDO_EXTERN int ordo_external_bpmn_error(ordo_engine *engine, int64_t id, const char *worker_id, const char *error_code,
                                         const char *variables_json);

/* --- Jobs and incidents ------------------------------------------------------------------ */

/* Runs every job due by the engine's clock on this thread (timers, async continuations);
   *out_count (the caller's; may be NULL): how many ran to success. A failing job is retried later
   or becomes an incident; that is not a failure of this call. */
ORDO_EXTERN int ordo_job_run_due(int64_t *out_count, ordo_engine *engine);
/* Pending timer jobs of the instance, written to the caller's *out_count (external tasks are
   listed by ordo_external_list). */
ORDO_EXTERN int ordo_job_count(int64_t *out_count, ordo_engine *engine, int64_t instance_id);
/* Starts the engine's own thread that runs due jobs, checking at least every poll_millis (>= 1).
   It runs until ordo_job_executor_stop or ordo_engine_close (ORDO_EWRONGSTATE if it runs already).
   Handlers and listeners of the jobs it runs are called on that thread. The engine stays the
   caller's and must not be closed from such a callback. */
ORDO_EXTERN int ordo_job_executor_start(ordo_engine *engine, int64_t poll_millis);
/* Stops the job executor and waits for the job it is running; stopping a stopped one is fine.
   The engine stays the caller's. */
ORDO_EXTERN int ordo_job_executor_stop(ordo_engine *engine);
/* Open incidents of the instance, written to the caller's *out_count. */
ORDO_EXTERN int ordo_incident_count(int64_t *out_count, ordo_engine *engine, int64_t instance_id);
/* The incidents of the instance, open and resolved: *out_json [{"id","instanceId","jobId",
   "elementId","message","createdAt","resolvedAt"}], owned by the caller (ordo_free). */
ORDO_EXTERN int ordo_incident_list(char **out_json, ordo_engine *engine, int64_t instance_id);
/* Retries the incident's job `retries` (>= 1) more times, starting now, and resolves the incident.
   No pointer but the engine, which stays the caller's. */
ORDO_EXTERN int ordo_incident_resolve(ordo_engine *engine, int64_t incident_id, int retries);

/* --- Approval operations, lists, inbox -------------------------------------------------- */

/* Every approval operation, by name: request_json {"op", "user", "task": id, "instance": id,
   "to", "target", "users": [], "position", "comment", "reason", "variables": {}, "process",
   "businessKey", "processes": [], "from", "until" (epoch ms), "keepHistory"}, the caller's, read
   during the call only. ops: complete, claim, unclaim, delegate, resolve, transfer, urge, skip,
   return, returnable, reject, addSigners, removeSigners, acceptEntrust, rejectEntrust, withdraw,
   jump, terminate, invalidate, suspend, resume, cc, edit, delete, draft, submit, entrust,
   cancelEntrust (docs/approval.md). *out_json: the result, owned by the caller (ordo_free): null
   for most; the instance for draft and submit; node ids for returnable; the id for entrust. */
ORDO_EXTERN int ordo_operation_run(char **out_json, ordo_engine *engine, const char *request_json);
/* A user's list: query_json {"user", "type": todo|done|started|cc|drafts, "processKey",
   "processName", "category", "tenant", "startedFrom", "startedTo", "newestFirst", "offset",
   "limit"}, the caller's, read during the call only. *out_json: [{"instance", "processName",
   "task"}], owned by the caller (ordo_free); *out_count (may be NULL): the total. */
ORDO_EXTERN int ordo_list_query(char **out_json, int64_t *out_count, ordo_engine *engine, const char *query_json);
/* The user's messages, newest first. query_json: {"user" (required), "unreadOnly", "type": todo|cc|
   urge|ended, "offset", "limit" (default 100)}, the caller's, read during the call only.
   *out_json: [{"id","user","type","instanceId","taskId","title","createdAt","read"}], owned by the
   caller (ordo_free). */
ORDO_EXTERN int ordo_inbox_list(char **out_json, ordo_engine *engine, const char *query_json);
/* The user's unread messages by type: *out_json {"todo": 2, "cc": 1, ...}, owned by the caller
   (ordo_free). user is the caller's, read during the call only. */
ORDO_EXTERN int ordo_inbox_counts(char **out_json, ordo_engine *engine, const char *user);
/* Marks one of user's messages read (read != 0) or unread. user is the caller's. */
ORDO_EXTERN int ordo_inbox_mark(ordo_engine *engine, int64_t message_id, const char *user, int read);
/* How long each of the user's lists is: *out_json {"todo","done","started","cc","drafts"}, owned by
   the caller (ordo_free). user is the caller's, read during the call only. */
ORDO_EXTERN int ordo_list_counts(char **out_json, ordo_engine *engine, const char *user);

/* --- Identity: the engine's own directory ------------------------------------------------- */

/* user_json {"id", "name", "department", "roles": [], "tenant"}: into the engine's own directory.
   user_json is the caller's, read during the call only. */
ORDO_EXTERN int ordo_user_save(ordo_engine *engine, const char *user_json);
/* *out_json: the user {"id", "name", "department", "roles", "tenant"}, owned by the caller
   (ordo_free); ORDO_ENOTFOUND for an unknown id. user_id is the caller's, read during the call. */
ORDO_EXTERN int ordo_user_get(char **out_json, ordo_engine *engine, const char *user_id);
/* department_json {"id", "name", "parent", "leader"} (parent "" at the root; leader a user id),
   the caller's, read during the call only. */
ORDO_EXTERN int ordo_department_save(ordo_engine *engine, const char *department_json);
/* A role (group) and its display name; role_id and name (may be NULL) are the caller's. */
ORDO_EXTERN int ordo_role_save(ordo_engine *engine, const char *role_id, const char *name);

/* --- In-process service-task handlers ---------------------------------------------------- */

/* The handler runs inside the transaction of the command that reached the task, on the thread
   that issued it or, when threads issue commands at once on a file, on the thread running their
   shared batch (group commit): keep it short, and keep no state for it in the thread. It may not
   call back into the engine: such a call fails with ORDO_EWRONGSTATE. It returns ORDO_OK, or any
   other value to fail the command (ORDO_ESERVICE; the message set with ordo_service_task_fail).
   The ordo_service_task is owned by Ordo and valid only during the call. */
typedef struct ordo_service_task ordo_service_task;
typedef int (*ordo_handler_fn)(ordo_service_task *task, void *payload);
/* name: the flowable:/camunda: type, topic, class or expression the task names; the caller's,
   copied. fn and payload are the caller's; payload is passed back to fn and must outlive the
   engine (a replaced handler may still be running). A second registration replaces the first. */
ORDO_EXTERN int ordo_handler_register(ordo_engine *engine, const char *name, ordo_handler_fn fn, void *payload);
/* The instance of the task (0 for a NULL task). task is Ordo's, valid during the handler call. */
ORDO_EXTERN int64_t ordo_service_task_instance(const ordo_service_task *task);
/* The element id of the task ("" for a NULL task); owned by Ordo, valid during the handler call. */
ORDO_EXTERN const char *ordo_service_task_element(const ordo_service_task *task);
/* The variables visible at the task: *out_json a JSON object, owned by the caller (ordo_free).
   Errors of the ordo_service_task_* calls are recorded on the NULL handle. */
ORDO_EXTERN int ordo_service_task_variables(char **out_json, ordo_service_task *task);
/* Sets a variable of the task's scope. name and value_json (JSON; NULL for null) are the caller's. */
ORDO_EXTERN int ordo_service_task_set_variable(ordo_service_task *task, const char *name, const char *value_json);
/* Ends the task with a BPMN error, for an error boundary event to catch. The strings are the caller's. */
ORDO_EXTERN int ordo_service_task_bpmn_error(ordo_service_task *task, const char *error_code, const char *message);
/* Fails the command with ORDO_ESERVICE and this message (the caller's, copied) once the handler returns. */
ORDO_EXTERN int ordo_service_task_fail(ordo_service_task *task, const char *message);

/* --- Event listeners --------------------------------------------------------------------- */

/* After each command commits, fn is called once per history entry it wrote, on the thread that
   issued the command. event_json (an entry of ordo_instance_history) is owned by Ordo and valid
   during the call only. */
typedef void (*ordo_listener_fn)(const char *event_json, void *payload);
/* *out_id: the listener's id for ordo_listener_remove. fn and payload are the caller's; payload
   must outlive the engine (a removed listener may still be running on another thread). */
ORDO_EXTERN int ordo_listener_register(int *out_id, ordo_engine *engine, ordo_listener_fn fn, void *payload);
/* Removes a listener; ORDO_ENOTFOUND for an id not registered (or removed already). Its payload
   stays the caller's: free it after ordo_engine_close, since a command may be calling it now. */
ORDO_EXTERN int ordo_listener_remove(ordo_engine *engine, int id);

#ifdef __cplusplus
}
#endif

#endif /* ORDO_H */
