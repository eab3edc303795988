"""The Engine handle and the ServiceTask a handler receives."""

import json
import logging
import operator
import os
import threading
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from ctypes import byref, c_int, c_int64, c_void_p
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _native
from .errors import BpmnError, ESERVICE, InvalidInput, WrongState

logger = logging.getLogger("ordo")

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_DURABILITY = {"full": _native.DURABILITY_FULL, "normal": _native.DURABILITY_NORMAL}


# -- converting arguments -------------------------------------------------------------------


def _dumps(value: Any, what: str) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise InvalidInput(f"{what} cannot be written as JSON: {e}") from None


def _object_json(value: Optional[Mapping], what: str = "variables") -> Optional[bytes]:
    """A dict as a JSON object; the C ABI refuses anything else, so refuse it here with the same class."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{what} must be a dict (a JSON object), not {type(value).__name__}")
    return _dumps(dict(value), what)


def _int(value: Any, what: str, lo: int = -(2**31), hi: int = 2**31 - 1, kind: str = "an integer") -> int:
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be {kind}, not a bool")
    try:
        n = operator.index(value)
    except TypeError:
        raise InvalidInput(f"{what} must be {kind}, not {type(value).__name__}") from None
    if not lo <= n <= hi:
        raise InvalidInput(f"{what} {n} is out of range")
    return n


def _id(value: Any, what: str) -> int:
    return _int(value, what, _INT64_MIN, _INT64_MAX, "an integer id")


def _text(value: Optional[str], what: str, required: bool = False) -> Optional[bytes]:
    if value is None:
        if required:
            raise InvalidInput(f"{what} is required")
        return None
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str):
        raw = value.encode("utf-8")
    else:
        raise InvalidInput(f"{what} must be a str, not {type(value).__name__}")
    if b"\0" in raw:
        raise InvalidInput(f"{what} contains a NUL character")
    return raw


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _query(fields: Dict[str, Any]) -> Optional[bytes]:
    """Keyword arguments as the JSON query of ordo.h (instance_id -> instanceId); None values are left out."""
    q = {_camel(k): v for k, v in fields.items() if v is not None}
    return _dumps(q, "query") if q else None


# -- the service task a handler receives ----------------------------------------------------


class ServiceTask:
    """What a service handler gets: valid only while the handler runs.

    instance_id, element_id; variables: the variables visible at the task (a dict,
    read once); set_variable(name, value); bpmn_error(code, message=None).
    """

    def __init__(self, lib: "_native.Library", ptr: int) -> None:
        self._lib = lib
        self._ptr: Optional[int] = ptr
        self._variables: Optional[Dict[str, Any]] = None
        self.instance_id: int = int(lib.ordo_service_task_instance(ptr))
        self.element_id: str = (lib.ordo_service_task_element(ptr) or b"").decode("utf-8")

    def _live(self) -> int:
        if self._ptr is None:
            raise WrongState("a ServiceTask can be used only while its handler runs")
        return self._ptr

    @property
    def variables(self) -> Dict[str, Any]:
        if self._variables is None:
            out = c_void_p()
            try:
                self._lib.ordo_service_task_variables(byref(out), self._live())
            finally:
                text = self._lib.take_string(out)
            self._variables = json.loads(text) if text else {}
        return self._variables

    def set_variable(self, name: str, value: Any) -> None:
        self._lib.ordo_service_task_set_variable(
            self._live(), _text(name, "name", required=True), _dumps(value, f"variable {name!r}")
        )

    def bpmn_error(self, code: str, message: Optional[str] = None) -> None:
        """Ends the task with a BPMN error once the handler returns, for an error boundary event to catch."""
        self._lib.ordo_service_task_bpmn_error(self._live(), _text(code, "code", required=True), _text(message, "message"))

    def __repr__(self) -> str:
        return f"ServiceTask(instance_id={self.instance_id}, element_id={self.element_id!r})"


def _fail_service_task(lib: "_native.Library", task_ptr: int, error: BaseException) -> None:
    message = f"{type(error).__name__}: {error}".replace("\0", " ")
    try:
        lib.ordo_service_task_fail(task_ptr, message.encode("utf-8", "replace"))
    except BaseException:  # the non-zero return alone still fails the command
        logger.exception("ordo: could not record why a service handler failed")


# -- the engine ------------------------------------------------------------------------------


class Engine:
    """An open Ordo engine over one SQLite database.

    Thread-safe: any thread may call any method. close() waits for the calls running on
    other threads, then frees the handle; later calls raise WrongState. Usable as a
    context manager. Listeners run on the thread of the call that triggers them; handlers
    and the clock on it or on the thread running its group-commit batch. None of them may
    call back into the engine (interrupt() excepted).
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"] = ":memory:",
        durability: str = "full",
        clock: Optional[Callable[[], Union[int, float]]] = None,
        read_connections: int = 4,
    ) -> None:
        # Set first, so that close() and __del__ work whatever fails below.
        self._handle: Optional[c_void_p] = None
        self._closed = True
        self._callbacks: List[Any] = []  # ctypes callbacks: C holds pointers to them until close
        self._cond = threading.Condition()
        self._active = 0
        self._local = threading.local()

        self._lib = _native.lib()
        try:
            mode = _DURABILITY[str(durability).lower()]
        except KeyError:
            raise InvalidInput(f"durability must be 'full' or 'normal', not {durability!r}") from None
        if clock is not None and not callable(clock):
            raise InvalidInput("clock must be a callable returning milliseconds since the epoch")
        self.path = os.fspath(path)

        options = _native.Options()
        options.version = _native.OPTIONS_VERSION
        options.path = os.fsencode(self.path)
        options.durability = mode
        options.read_connections = _int(read_connections, "read_connections", 1)
        if clock is not None:
            callback = _native.CLOCK_FN(self._clock_trampoline(clock))
            self._callbacks.append(callback)
            options.clock = callback
        handle = c_void_p()
        self._lib.ordo_engine_open(byref(handle), byref(options))
        self._handle = handle
        self._closed = False

    @staticmethod
    def _clock_trampoline(clock: Callable[[], Union[int, float]]) -> Callable[[Any], int]:
        def now(_payload: Any) -> int:
            try:
                millis = int(clock())
                if _INT64_MIN <= millis <= _INT64_MAX:
                    return millis
                raise OverflowError(f"clock returned {millis}, outside int64")
            except BaseException:  # nothing may unwind into C: fall back to the system clock
                logger.exception("ordo: the clock failed; using the system clock for this reading")
                return int(time.time() * 1000)

        return now

    # -- lifetime --

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if not self._closed:
                self.close()
        except Exception:
            pass

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Closes the engine; waits for calls running on other threads. A second close does nothing."""
        with self._cond:
            if self._closed:
                return
            if getattr(self._local, "depth", 0):
                raise WrongState("the engine cannot be closed from a handler, listener or clock it is running")
            self._closed = True
            while self._active:
                self._cond.wait()
            handle, self._handle = self._handle, None
        if handle is not None:
            self._lib.ordo_engine_close(handle)
        self._callbacks.clear()

    @contextmanager
    def _using(self) -> Iterator[c_void_p]:
        """The handle, held open for the duration of one call."""
        with self._cond:
            if self._closed:
                raise WrongState("the engine is closed")
            self._active += 1
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            yield self._handle
        finally:
            self._local.depth = depth
            with self._cond:
                self._active -= 1
                if not self._active:
                    self._cond.notify_all()

    def _json(self, fn: Any, *args: Any) -> Any:
        out = c_void_p()
        with self._using() as h:
            try:
                fn(byref(out), h, *args)
            finally:
                text = self._lib.take_string(out)
        return json.loads(text)

    def _status(self, fn: Any, *args: Any) -> None:
        with self._using() as h:
            fn(h, *args)

    def _count(self, fn: Any, ctype: Any, *args: Any) -> int:
        n = ctype(0)
        with self._using() as h:
            fn(byref(n), h, *args)
        return int(n.value)

    def interrupt(self) -> None:
        """Makes the calls running on this engine raise Interrupted as soon as they can. Any thread."""
        with self._cond:
            if self._closed:
                return
            self._active += 1
        try:
            self._lib.ordo_engine_interrupt(self._handle)
        finally:
            with self._cond:
                self._active -= 1
                if not self._active:
                    self._cond.notify_all()

    # -- definitions --

    def deploy(self, xml: Union[str, bytes], forms: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Deploys BPMN XML: {"created": bool, "definitions": [...]}. ParseError (with .diagnostics) if it is invalid.

        forms: JSON form schemas (dicts, or str holding JSON) by the formKey of start events and tasks,
        stored with each definition the document deploys."""
        return self._json(self._lib.ordo_definition_deploy, _text(xml, "xml", required=True),
                          _object_json(forms, "forms"))

    def definitions(self) -> List[Dict[str, Any]]:
        return self._json(self._lib.ordo_definition_list)

    def startable_definitions(self, user: str) -> List[Dict[str, Any]]:
        """The latest definition versions `user` may start (candidateStarterUsers/Groups; none named: everyone)."""
        return self._json(self._lib.ordo_definition_list_startable, _text(user, "user", required=True))

    def start_form(self, key: str) -> Dict[str, Any]:
        """The start form of the latest version of `key`: {"formKey": str, "schema": dict} ({} when none)."""
        return self._json(self._lib.ordo_definition_start_form, _text(key, "key", required=True))

    # -- instances --

    def start(
        self,
        key: Optional[str] = None,
        definition_id: Optional[int] = None,
        variables: Optional[Mapping] = None,
        business_key: Optional[str] = None,
        initiator: Optional[str] = None,
        tenant: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Starts an instance of the latest definition with `key` (or of `definition_id`)."""
        request: Dict[str, Any] = {}
        if key is not None:
            request["key"] = key
        if definition_id is not None:
            request["definitionId"] = _id(definition_id, "definition_id")
        if variables is not None:
            _object_json(variables)  # refuse a non-dict here, with InvalidInput
            request["variables"] = dict(variables)
        for field, value in (("businessKey", business_key), ("initiator", initiator), ("tenant", tenant)):
            if value is not None:
                request[field] = value
        return self._json(self._lib.ordo_instance_start, _dumps(request, "start request"))

    def instance(self, instance_id: int) -> Dict[str, Any]:
        return self._json(self._lib.ordo_instance_get, _id(instance_id, "instance_id"))

    def instances(
        self,
        *,
        definition_key: Optional[str] = None,
        state: Optional[str] = None,
        business_key: Optional[str] = None,
        parent_id: Optional[int] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        q = _query(dict(definition_key=definition_key, state=state, business_key=business_key,
                        parent_id=parent_id, offset=offset, limit=limit))
        return self._json(self._lib.ordo_instance_list, q)

    def history(self, instance_id: int) -> List[Dict[str, Any]]:
        return self._json(self._lib.ordo_instance_history, _id(instance_id, "instance_id"))

    def operations(self, instance_id: int) -> List[Dict[str, Any]]:
        """The approval operations done on the instance (history entries with "action" and "targets")."""
        return self._json(self._lib.ordo_instance_operations, _id(instance_id, "instance_id"))

    def waiting(self, instance_id: int) -> List[str]:
        """The element ids where the instance waits."""
        return self._json(self._lib.ordo_instance_waiting, _id(instance_id, "instance_id"))

    def variables(self, instance_id: int) -> Dict[str, Any]:
        return self._json(self._lib.ordo_instance_variables, _id(instance_id, "instance_id"))

    def set_variables(self, instance_id: int, variables: Mapping) -> None:
        if variables is None:
            raise InvalidInput("variables must be a dict (a JSON object), not None")
        self._status(self._lib.ordo_instance_set_variables, _id(instance_id, "instance_id"), _object_json(variables))

    # -- tasks --

    @staticmethod
    def _task_query(fields: Dict[str, Any]) -> Optional[bytes]:
        groups = fields.get("candidate_groups")
        if isinstance(groups, str):
            fields["candidate_groups"] = [groups]
        elif groups is not None:
            if not isinstance(groups, Iterable):
                raise InvalidInput("candidate_groups must be a str or a list of str")
            fields["candidate_groups"] = list(groups)
        return _query(fields)

    def tasks(
        self,
        *,
        instance_id: Optional[int] = None,
        assignee: Optional[str] = None,
        candidate_user: Optional[str] = None,
        candidate_groups: Optional[Union[str, Iterable]] = None,
        element_id: Optional[str] = None,
        include_finished: Optional[bool] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        """Open tasks (and finished ones with include_finished=True) matching every given field."""
        q = self._task_query(dict(instance_id=instance_id, assignee=assignee, candidate_user=candidate_user,
                                  candidate_groups=candidate_groups, element_id=element_id,
                                  include_finished=include_finished, offset=offset, limit=limit))
        return self._json(self._lib.ordo_task_list, q)

    def count_tasks(
        self,
        *,
        instance_id: Optional[int] = None,
        assignee: Optional[str] = None,
        candidate_user: Optional[str] = None,
        candidate_groups: Optional[Union[str, Iterable]] = None,
        element_id: Optional[str] = None,
        include_finished: Optional[bool] = None,
    ) -> int:
        q = self._task_query(dict(instance_id=instance_id, assignee=assignee, candidate_user=candidate_user,
                                  candidate_groups=candidate_groups, element_id=element_id,
                                  include_finished=include_finished))
        return self._count(self._lib.ordo_task_count, c_int64, q)

    def task(self, task_id: int) -> Dict[str, Any]:
        return self._json(self._lib.ordo_task_get, _id(task_id, "task_id"))

    def complete(self, task_id: int, variables: Optional[Mapping] = None, user: Optional[str] = None) -> None:
        self._status(self._lib.ordo_task_complete, _id(task_id, "task_id"), _object_json(variables), _text(user, "user"))

    # -- external tasks --

    def fetch_and_lock(self, topic: str, worker_id: str, max_tasks: int = 10, lock_millis: int = 60000) -> List[Dict[str, Any]]:
        """Locks up to max_tasks external tasks of `topic` for `worker_id`."""
        return self._json(
            self._lib.ordo_external_fetch_and_lock,
            _text(topic, "topic", required=True),
            _text(worker_id, "worker_id", required=True),
            _int(max_tasks, "max_tasks"),
            _id(lock_millis, "lock_millis"),
        )

    def external_tasks(self, instance_id: int) -> List[Dict[str, Any]]:
        """The external tasks of the instance, locked or not."""
        return self._json(self._lib.ordo_external_list, _id(instance_id, "instance_id"))

    def complete_external(self, external_id: int, worker_id: str, variables: Optional[Mapping] = None) -> None:
        self._status(self._lib.ordo_external_complete, _id(external_id, "id"),
                     _text(worker_id, "worker_id", required=True), _object_json(variables))

    def fail_external(self, external_id: int, worker_id: str, message: str, retries: int = 0,
                      retry_after_millis: int = 0) -> None:
        """With retries > 0 the task is offered again after retry_after_millis; with 0 it becomes an incident."""
        self._status(self._lib.ordo_external_fail, _id(external_id, "id"), _text(worker_id, "worker_id", required=True),
                     _text(message, "message"), _int(retries, "retries"), _id(retry_after_millis, "retry_after_millis"))

    def bpmn_error_external(self, external_id: int, worker_id: str, code: str, variables: Optional[Mapping] = None) -> None:
        self._status(self._lib.ordo_external_bpmn_error, _id(external_id, "id"),
                     _text(worker_id, "worker_id", required=True), _text(code, "code", required=True),
                     _object_json(variables))

    # -- messages and signals --

    def definition(self, definition_id: int) -> Dict[str, Any]:
        return self._json(self._lib.ordo_definition_get, _id(definition_id, "definition_id"))

    def correlate_message(
        self,
        name: str,
        *,
        business_key: Optional[str] = None,
        instance_id: Optional[int] = None,
        variables: Optional[Dict[str, Any]] = None,
        user: Optional[str] = None,
        buffer: bool = False,
    ) -> Dict[str, Any]:
        """Delivers a message; returns the instance that received it (NotFound when nobody waits,
        unless buffer=True keeps it for the first instance that will)."""
        request: Dict[str, Any] = {"name": name}
        if business_key is not None:
            request["businessKey"] = business_key
        if instance_id is not None:
            request["instanceId"] = _id(instance_id, "instance_id")
        if variables is not None:
            request["variables"] = variables
        if user is not None:
            request["user"] = user
        if buffer:
            request["buffer"] = True
        return self._json(self._lib.ordo_message_correlate, _dumps(request, "message"))

    def broadcast_signal(self, name: str, variables: Optional[Dict[str, Any]] = None) -> int:
        """Broadcasts a signal; returns how many received it (none is fine)."""
        return self._count(self._lib.ordo_signal_broadcast, c_int64, _text(name, "name", required=True),
                           _object_json(variables))

    # -- approval operations, lists, inbox --

    def operation(self, op: str, user: str, **fields: Any) -> Any:
        """Any approval operation by name (see ordo.h ordo_operation_run): e.g.
        operation("transfer", "mary", task=12, to="max"), operation("terminate", "emp", instance=3, reason="...")."""
        request = {"op": op, "user": user}
        request.update(fields)
        return self._json(self._lib.ordo_operation_run, _dumps(request, "operation"))

    def list(self, user: str, type: str = "todo", **query: Any) -> Tuple[List[Dict[str, Any]], int]:
        """A user's list (todo, done, started, cc, drafts) and its total: process_key, process_name,
        category, tenant, started_from, started_to, newest_first, offset, limit."""
        names = {"process_key": "processKey", "process_name": "processName", "started_from": "startedFrom",
                 "started_to": "startedTo", "newest_first": "newestFirst"}
        q = {"user": user, "type": type}
        for k, v in query.items():
            q[names.get(k, k)] = v
        total = c_int64(0)
        out = c_void_p()
        with self._using() as h:
            try:
                self._lib.ordo_list_query(byref(out), byref(total), h, _dumps(q, "list query"))
            finally:
                text = self._lib.take_string(out)
        return json.loads(text), int(total.value)

    def instance_detail(self, instance_id: int, user: str) -> Dict[str, Any]:
        return self._json(self._lib.ordo_instance_detail, _id(instance_id, "instance_id"), _text(user, "user", required=True))

    def canvas(self, instance_id: int) -> Dict[str, Any]:
        return self._json(self._lib.ordo_instance_canvas, _id(instance_id, "instance_id"))

    def save_user(self, user_id: str, *, name: str = "", department: str = "", roles: Sequence[str] = (),
                  tenant: str = "") -> None:
        user = {"id": user_id, "name": name, "department": department, "roles": list(roles), "tenant": tenant}
        self._status(self._lib.ordo_user_save, _dumps(user, "user"))

    def user(self, user_id: str) -> Dict[str, Any]:
        """A user of the engine's directory: {"id", "name", "department", "roles", "tenant"} (NotFound if unknown)."""
        return self._json(self._lib.ordo_user_get, _text(user_id, "user_id", required=True))

    def save_department(self, department_id: str, *, name: str = "", parent: str = "", leader: str = "") -> None:
        department = {"id": department_id, "name": name, "parent": parent, "leader": leader}
        self._status(self._lib.ordo_department_save, _dumps(department, "department"))

    def save_role(self, role_id: str, name: Optional[str] = None) -> None:
        self._status(self._lib.ordo_role_save, _text(role_id, "role_id", required=True), _text(name, "name"))

    def inbox(self, user: str, *, unread_only: bool = False, type: Optional[str] = None, offset: int = 0,
              limit: int = 100) -> List[Dict[str, Any]]:
        """The user's messages, newest first; type: todo, cc, urge or ended (None: all)."""
        q: Dict[str, Any] = {"user": user, "unreadOnly": bool(unread_only),
                             "offset": _int(offset, "offset", 0), "limit": _int(limit, "limit", 0)}
        if type is not None:
            q["type"] = type
        return self._json(self._lib.ordo_inbox_list, _dumps(q, "inbox query"))

    def inbox_counts(self, user: str) -> Dict[str, int]:
        """The user's unread messages by type: {"todo": 2, "cc": 1, ...}."""
        return self._json(self._lib.ordo_inbox_counts, _text(user, "user", required=True))

    def list_counts(self, user: str) -> Dict[str, int]:
        """How long each of the user's lists is: {"todo", "done", "started", "cc", "drafts"}."""
        return self._json(self._lib.ordo_list_counts, _text(user, "user", required=True))

    def mark_read(self, message_id: int, user: str, read: bool = True) -> None:
        self._status(self._lib.ordo_inbox_mark, _id(message_id, "message_id"), _text(user, "user", required=True),
                     1 if read else 0)

    # -- jobs and incidents --

    def run_due_jobs(self) -> int:
        """Runs the jobs that are due (timers, async continuations) on this thread; returns how many succeeded."""
        return self._count(self._lib.ordo_job_run_due, c_int64)

    def job_count(self, instance_id: int) -> int:
        """Pending timer jobs of the instance."""
        return self._count(self._lib.ordo_job_count, c_int64, _id(instance_id, "instance_id"))

    def start_job_executor(self, poll_millis: int = 500) -> None:
        """Starts the engine's own thread that runs due jobs, checking at least every poll_millis.
        WrongState if it runs already. Stopped by stop_job_executor() or close()."""
        self._status(self._lib.ordo_job_executor_start, _int(poll_millis, "poll_millis", 1, _INT64_MAX))

    def stop_job_executor(self) -> None:
        """Stops the job executor (waiting for the job it runs); stopping a stopped one is fine."""
        self._status(self._lib.ordo_job_executor_stop)

    def incident_count(self, instance_id: int) -> int:
        return self._count(self._lib.ordo_incident_count, c_int64, _id(instance_id, "instance_id"))

    def incidents(self, instance_id: int) -> List[Dict[str, Any]]:
        """The incidents of the instance, open (resolvedAt 0) and resolved."""
        return self._json(self._lib.ordo_incident_list, _id(instance_id, "instance_id"))

    def resolve_incident(self, incident_id: int, retries: int = 1) -> None:
        """Gives the incident's job `retries` more tries, starting now, and resolves the incident."""
        self._status(self._lib.ordo_incident_resolve, _id(incident_id, "incident_id"), _int(retries, "retries", 1))

    # -- callbacks --

    def register_handler(self, name: str, fn: Callable[[ServiceTask], Any]) -> None:
        """Serves the service tasks that name `name` (flowable:type, topic, class or expression).

        fn(task) runs inside the command's transaction. Raising ordo.BpmnError throws that
        BPMN error; raising anything else fails the command with ServiceFailed.
        """
        if not callable(fn):
            raise InvalidInput("a handler must be callable")
        lib = self._lib

        def trampoline(task_ptr: int, _payload: Any) -> int:
            # Nothing may unwind into C: an exception escaping a ctypes callback would be
            # printed and the call would return 0, which Ordo would take for success.
            task: Optional[ServiceTask] = None
            try:
                task = ServiceTask(lib, task_ptr)
                try:
                    fn(task)
                except BpmnError as e:
                    for k, v in (e.variables or {}).items():
                        task.set_variable(k, v)
                    task.bpmn_error(e.code, e.message)
                return 0
            except BaseException as e:
                _fail_service_task(lib, task_ptr, e)
                return ESERVICE
            finally:
                if task is not None:
                    task._ptr = None

        callback = _native.HANDLER_FN(trampoline)
        self._callbacks.append(callback)  # a replaced handler may still be running on another thread
        self._status(lib.ordo_handler_register, _text(name, "name", required=True), callback, None)

    def add_listener(self, fn: Callable[[Dict[str, Any]], Any]) -> int:
        """Calls fn(event) for each history entry a command wrote, after it commits. Returns an id."""
        if not callable(fn):
            raise InvalidInput("a listener must be callable")

        def trampoline(event_json: bytes, _payload: Any) -> None:
            try:
                fn(json.loads(event_json.decode("utf-8")))
            except BaseException:  # the command has committed: report and go on
                logger.exception("ordo: a listener raised")

        callback = _native.LISTENER_FN(trampoline)
        self._callbacks.append(callback)  # kept after remove_listener: a command may be announcing right now
        return self._count(self._lib.ordo_listener_register, c_int, callback, None)

    def remove_listener(self, listener_id: int) -> None:
        self._status(self._lib.ordo_listener_remove, _int(listener_id, "listener_id"))

    def __repr__(self) -> str:
        return f"Engine({self.path!r}{', closed' if self._closed else ''})"
