"""The ctypes view of libordo: finding the library and one table of its C functions.

Every function that returns an int status gets an errcheck that turns a non-zero status
into the matching ordo.OrdoError subclass, read from ordo_engine_errmsg/_errdetail of the
handle the call was made on (or of NULL, for calls made without an engine).
"""

import ctypes
import ctypes.util
import glob
import json
import os
import sys
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_int64,
    c_uint,
    c_void_p,
)
from typing import Any, List, Optional

from .errors import make_error

# The oldest library this binding speaks to, and the major version it must share.
MIN_VERSION_NUMBER = 200  # 0.2.0: the ordo_<object>_<verb> names
MAJOR = 0

OPTIONS_VERSION = 1
DURABILITY_FULL = 0
DURABILITY_NORMAL = 1


CLOCK_FN = CFUNCTYPE(c_int64, c_void_p)


class Options(Structure):
    """struct ordo_options (ORDO_OPTIONS_VERSION 1)."""

    _fields_ = [
        ("version", c_uint),
        ("path", c_char_p),
        ("durability", c_int),
        ("read_connections", c_int),
        ("clock", CLOCK_FN),  # NULL: the system clock
        ("clock_payload", c_void_p),
    ]


HANDLER_FN = CFUNCTYPE(c_int, c_void_p, c_void_p)
LISTENER_FN = CFUNCTYPE(None, c_char_p, c_void_p)

_OUT_STR = POINTER(c_void_p)  # char **: kept as void* so the string can be handed to ordo_free
_ENGINE = c_void_p
_TASK = c_void_p

# Where a call's error is read: from the handle at this argument position, or from NULL.
NULL = "null"

# name: (restype, argtypes, where the error is read, or None for calls that cannot fail)
_TABLE = {
    "ordo_version": (c_char_p, [], None),
    "ordo_version_number": (c_int, [], None),
    "ordo_error_name": (c_char_p, [c_int], None),
    "ordo_engine_errmsg": (c_char_p, [_ENGINE], None),
    "ordo_engine_errdetail": (c_char_p, [_ENGINE], None),
    "ordo_free": (None, [c_void_p], None),
    "ordo_engine_open": (c_int, [POINTER(_ENGINE), POINTER(Options)], NULL),
    "ordo_engine_close": (None, [_ENGINE], None),
    "ordo_engine_interrupt": (None, [_ENGINE], None),
    "ordo_model_validate": (c_int, [_OUT_STR, c_char_p, c_int], NULL),
    "ordo_definition_deploy": (c_int, [_OUT_STR, _ENGINE, c_char_p, c_char_p], 1),
    "ordo_definition_list": (c_int, [_OUT_STR, _ENGINE], 1),
    "ordo_definition_start_form": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_definition_list_startable": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_instance_start": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_instance_get": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_instance_list": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_instance_history": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_instance_operations": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_instance_waiting": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_instance_variables": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_instance_set_variables": (c_int, [_ENGINE, c_int64, c_char_p], 0),
    "ordo_task_list": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_task_count": (c_int, [POINTER(c_int64), _ENGINE, c_char_p], 1),
    "ordo_task_get": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_task_complete": (c_int, [_ENGINE, c_int64, c_char_p, c_char_p], 0),
    "ordo_external_fetch_and_lock": (c_int, [_OUT_STR, _ENGINE, c_char_p, c_char_p, c_int, c_int64], 1),
    "ordo_external_list": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_external_complete": (c_int, [_ENGINE, c_int64, c_char_p, c_char_p], 0),
    "ordo_external_fail": (c_int, [_ENGINE, c_int64, c_char_p, c_char_p, c_int, c_int64], 0),
    "ordo_external_bpmn_error": (c_int, [_ENGINE, c_int64, c_char_p, c_char_p, c_char_p], 0),
    "ordo_definition_get": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_message_correlate": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_signal_broadcast": (c_int, [POINTER(c_int64), _ENGINE, c_char_p, c_char_p], 1),
    "ordo_operation_run": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_list_query": (c_int, [_OUT_STR, POINTER(c_int64), _ENGINE, c_char_p], 2),
    "ordo_instance_detail": (c_int, [_OUT_STR, _ENGINE, c_int64, c_char_p], 1),
    "ordo_instance_canvas": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_inbox_list": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_inbox_counts": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_inbox_mark": (c_int, [_ENGINE, c_int64, c_char_p, c_int], 0),
    "ordo_list_counts": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_user_save": (c_int, [_ENGINE, c_char_p], 0),
    "ordo_user_get": (c_int, [_OUT_STR, _ENGINE, c_char_p], 1),
    "ordo_department_save": (c_int, [_ENGINE, c_char_p], 0),
    "ordo_role_save": (c_int, [_ENGINE, c_char_p, c_char_p], 0),
    "ordo_job_run_due": (c_int, [POINTER(c_int64), _ENGINE], 1),
    "ordo_job_count": (c_int, [POINTER(c_int64), _ENGINE, c_int64], 1),
    "ordo_job_executor_start": (c_int, [_ENGINE, c_int64], 0),
    "ordo_job_executor_stop": (c_int, [_ENGINE], 0),
    "ordo_incident_count": (c_int, [POINTER(c_int64), _ENGINE, c_int64], 1),
    "ordo_incident_list": (c_int, [_OUT_STR, _ENGINE, c_int64], 1),
    "ordo_incident_resolve": (c_int, [_ENGINE, c_int64, c_int], 0),
    "ordo_handler_register": (c_int, [_ENGINE, c_char_p, HANDLER_FN, c_void_p], 0),
    "ordo_service_task_instance": (c_int64, [_TASK], None),
    "ordo_service_task_element": (c_char_p, [_TASK], None),
    # The service-task calls have no engine handle: their errors are kept on NULL.
    "ordo_service_task_variables": (c_int, [_OUT_STR, _TASK], NULL),
    "ordo_service_task_set_variable": (c_int, [_TASK, c_char_p, c_char_p], NULL),
    "ordo_service_task_bpmn_error": (c_int, [_TASK, c_char_p, c_char_p], NULL),
    "ordo_service_task_fail": (c_int, [_TASK, c_char_p], NULL),
    "ordo_listener_register": (c_int, [POINTER(c_int), _ENGINE, LISTENER_FN, c_void_p], 1),
    "ordo_listener_remove": (c_int, [_ENGINE, c_int], 0),
}


def _decode(b: Optional[bytes]) -> str:
    return b.decode("utf-8", "replace") if b else ""


class Library:
    """libordo loaded, with argtypes, restype and errcheck set on every function of _TABLE."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.cdll = cdll
        self.path = path
        for name, (restype, argtypes, error_at) in _TABLE.items():
            try:
                fn = getattr(cdll, name)
            except AttributeError:
                raise OSError(f"{path} does not export {name}: it is not the C ABI this binding speaks "
                              "(an older libordo, from before the ordo_<object>_<verb> names?)") from None
            fn.restype = restype
            fn.argtypes = argtypes
            if error_at is not None:
                fn.errcheck = self._checker(error_at)
            setattr(self, name, fn)

    def _checker(self, error_at: Any):
        def check(status: int, func: Any, args: tuple) -> int:
            if status == 0:
                return status
            handle = None if error_at == NULL else args[error_at]
            raise self.error(status, handle)

        return check

    def error(self, status: int, handle: Any = None):
        """The exception for `status`, from the last error of `handle` on this thread."""
        message = _decode(self.ordo_engine_errmsg(handle))
        try:
            detail = json.loads(_decode(self.ordo_engine_errdetail(handle)) or "{}")
        except ValueError:
            detail = {}
        name = _decode(self.ordo_error_name(status))
        if not message:
            message = detail.get("message") or name
        return make_error(status, message, name=name, detail=detail or None)

    def take_string(self, out: c_void_p) -> Optional[str]:
        """Reads a char* the library handed over and releases it with ordo_free."""
        if not out.value:
            return None
        try:
            return ctypes.string_at(out.value).decode("utf-8")
        finally:
            self.ordo_free(out)
            out.value = None

    def version(self) -> str:
        return _decode(self.ordo_version())

    def version_number(self) -> int:
        return int(self.ordo_version_number())


def _candidates() -> List[str]:
    """Where the library may be, in order: next to the package, then the system."""
    here = os.path.dirname(os.path.abspath(__file__))
    names: List[str] = []
    for pattern in ("libordo.so", "libordo.so.*", "libordo*.dylib", "ordo.dll", "libordo.dll"):
        names.extend(sorted(glob.glob(os.path.join(here, pattern))))
    found = ctypes.util.find_library("ordo")
    if found:
        names.append(found)
    if sys.platform == "darwin":
        names.append("libordo.0.dylib")
    elif sys.platform == "win32":
        names.append("ordo.dll")
    else:
        names.append("libordo.so.0")
    return names


def _load() -> Library:
    explicit = os.environ.get("ORDO_LIBRARY")
    if explicit:
        # An explicit choice is not second-guessed: if it does not load, say so.
        try:
            cdll = ctypes.CDLL(explicit)
        except OSError as e:
            raise OSError(f"ORDO_LIBRARY={explicit!r} could not be loaded: {e}") from e
        return _checked(Library(cdll, explicit))
    tried = []
    for candidate in _candidates():
        try:
            cdll = ctypes.CDLL(candidate)
        except OSError as e:
            tried.append(f"{candidate}: {e}")
            continue
        return _checked(Library(cdll, candidate))
    raise OSError(
        "libordo was not found; set ORDO_LIBRARY to its path, put libordo.so next to the "
        "ordo package, or install it on the system. Tried:\n  " + "\n  ".join(tried)
    )


def _checked(lib: Library) -> Library:
    n = lib.version_number()
    if n // 10000 != MAJOR or n < MIN_VERSION_NUMBER:
        raise OSError(
            f"{lib.path} is Ordo {lib.version()}; this binding needs {MAJOR}.x from "
            f"{MIN_VERSION_NUMBER // 10000}.{MIN_VERSION_NUMBER // 100 % 100}.{MIN_VERSION_NUMBER % 100}"
        )
    return lib


_lib: Optional[Library] = None
_lib_lock = threading.Lock()


def lib() -> Library:
    """The loaded library (loaded on first use, so `import ordo` works without it)."""
    global _lib
    if _lib is None:
        with _lib_lock:
            if _lib is None:
                _lib = _load()
    return _lib
