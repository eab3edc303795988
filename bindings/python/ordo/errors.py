"""Exceptions raised by the Ordo binding: one class per ORDO_E* status code of ordo.h."""

from typing import Any, Dict, List, Optional

# Status codes, as in ordo.h. They are never renumbered.
OK = 0
ENOTFOUND = -1
EINVALID = -2
EPARSE = -3
EEXPRESSION = -4
ENOFLOW = -5
EWRONGSTATE = -6
EFORBIDDEN = -7
ELIMIT = -8
ECONFLICT = -9
EUNSUPPORTED = -10
EBPMNERROR = -11
ESERVICE = -12
EBUSY = -13
EIO = -14
EINTERRUPTED = -15
EINTERNAL = -16
ENOMEM = -17

# The names ordo_error_name gives, for errors raised before the library is loaded.
_NAMES = {
    ENOTFOUND: "not_found",
    EINVALID: "invalid_argument",
    EPARSE: "parse_error",
    EEXPRESSION: "expression_error",
    ENOFLOW: "no_outgoing_flow",
    EWRONGSTATE: "wrong_state",
    EFORBIDDEN: "forbidden",
    ELIMIT: "limit_exceeded",
    ECONFLICT: "conflict",
    EUNSUPPORTED: "unsupported",
    EBPMNERROR: "unhandled_bpmn_error",
    ESERVICE: "service_failed",
    EBUSY: "busy",
    EIO: "io_error",
    EINTERRUPTED: "interrupted",
    EINTERNAL: "internal",
    ENOMEM: "out_of_memory",
}


class OrdoError(Exception):
    """A failure reported by the engine.

    code: the ORDO_E* status (a negative int); name: its ordo_error_name ("not_found");
    message: the sentence of ordo_engine_errmsg; element_id: the BPMN element at fault, or None;
    detail: the ordo_engine_errdetail object (a dict).
    """

    code = 0

    def __init__(
        self,
        message: str,
        *,
        code: Optional[int] = None,
        name: Optional[str] = None,
        element_id: Optional[str] = None,
        detail: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.name = name or _NAMES.get(self.code, "unknown")
        self.message = message
        self.element_id = element_id or None
        self.detail = detail if detail is not None else {
            "code": self.name,
            "message": message,
            "elementId": self.element_id or "",
            "diagnostics": [],
        }

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code}, name={self.name!r})"


class NotFound(OrdoError, LookupError):
    """No such definition, instance, task, external task or listener."""

    code = ENOTFOUND


class InvalidInput(OrdoError, ValueError):
    """Malformed input: bad JSON, variables that are not an object, a bad id."""

    code = EINVALID


class ParseError(OrdoError):
    """The model does not parse or validate; .diagnostics lists why."""

    code = EPARSE

    @property
    def diagnostics(self) -> List[Dict[str, Any]]:
        return list(self.detail.get("diagnostics") or [])


class ExpressionError(OrdoError):
    code = EEXPRESSION


class NoOutgoingFlow(OrdoError):
    code = ENOFLOW


class WrongState(OrdoError):
    """The instance or task is not in a state that allows this (or the engine is closed)."""

    code = EWRONGSTATE


class Forbidden(OrdoError):
    code = EFORBIDDEN


class LimitExceeded(OrdoError):
    code = ELIMIT


class Conflict(OrdoError):
    code = ECONFLICT


class Unsupported(OrdoError):
    code = EUNSUPPORTED


class UnhandledBpmnError(OrdoError):
    code = EBPMNERROR


class ServiceFailed(OrdoError):
    code = ESERVICE


class Busy(OrdoError):
    code = EBUSY


class OrdoIOError(OrdoError):
    code = EIO


class Interrupted(OrdoError):
    code = EINTERRUPTED


class InternalError(OrdoError):
    code = EINTERNAL


class OutOfMemory(OrdoError):
    code = ENOMEM


_BY_CODE = {
    cls.code: cls
    for cls in (
        NotFound,
        InvalidInput,
        ParseError,
        ExpressionError,
        NoOutgoingFlow,
        WrongState,
        Forbidden,
        LimitExceeded,
        Conflict,
        Unsupported,
        UnhandledBpmnError,
        ServiceFailed,
        Busy,
        OrdoIOError,
        Interrupted,
        InternalError,
        OutOfMemory,
    )
}


def error_class(code: int) -> type:
    """The exception class for a status code (OrdoError for a code this binding does not know)."""
    return _BY_CODE.get(code, OrdoError)


def make_error(code: int, message: str, name: Optional[str] = None, detail: Optional[Dict[str, Any]] = None) -> OrdoError:
    """Builds the exception for `code` from what the library reported."""
    detail = detail if isinstance(detail, dict) else None
    element_id = detail.get("elementId") if detail else None
    return error_class(code)(message, code=code, name=name, element_id=element_id, detail=detail)


class BpmnError(Exception):
    """Raised by a service handler or an external-task handler to end the task with a BPMN
    error that an error boundary event can catch. Not an engine failure.

    code: the errorCode to throw; message: optional text; variables: set before throwing.
    """

    def __init__(self, code: str, message: Optional[str] = None, variables: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(code if message is None else f"{code}: {message}")
        self.code = code
        self.message = message
        self.variables = variables
