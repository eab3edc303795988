"""Ordo: an embeddable BPMN 2.0 workflow engine (Python binding over the C ABI of libordo).

    import ordo
    with ordo.Engine("orders.db") as engine:
        engine.deploy(open("leave-approval.bpmn").read())
        instance = engine.start("leaveApproval", variables={"days": 2, "manager": "mary"})
        task = engine.tasks(assignee="mary")[0]
        engine.complete(task["id"], {"approved": True}, user="mary")

The library is found through $ORDO_LIBRARY, then next to this package (ordo/libordo.so*),
then on the system (ctypes.util.find_library("ordo"), "libordo.so.0").
"""

from ctypes import byref, c_void_p
import json
from typing import Any, Dict, List, Union

from . import _native
from .engine import Engine, ServiceTask
from .errors import (
    BpmnError,
    Busy,
    Conflict,
    ExpressionError,
    Forbidden,
    InternalError,
    Interrupted,
    InvalidInput,
    LimitExceeded,
    NoOutgoingFlow,
    NotFound,
    OrdoError,
    OrdoIOError,
    OutOfMemory,
    ParseError,
    ServiceFailed,
    UnhandledBpmnError,
    Unsupported,
    WrongState,
)
from .worker import ExternalWorker

__version__ = "0.2.0"

__all__ = [
    "Engine",
    "ServiceTask",
    "ExternalWorker",
    "version",
    "version_number",
    "library_path",
    "validate",
    "OrdoError",
    "NotFound",
    "InvalidInput",
    "ParseError",
    "ExpressionError",
    "NoOutgoingFlow",
    "WrongState",
    "Forbidden",
    "LimitExceeded",
    "Conflict",
    "Unsupported",
    "UnhandledBpmnError",
    "ServiceFailed",
    "Busy",
    "OrdoIOError",
    "Interrupted",
    "InternalError",
    "OutOfMemory",
    "BpmnError",
]

_PURPOSES = {"interchange": 0, "execution": 1}


def version() -> str:
    """The version of the loaded libordo, e.g. "0.2.0"."""
    return _native.lib().version()


def version_number() -> int:
    """ORDO_VERSION_NUMBER of the loaded library (major * 10000 + minor * 100 + patch)."""
    return _native.lib().version_number()


def library_path() -> str:
    """The path (or name) libordo was loaded from."""
    return _native.lib().path


def validate(xml: Union[str, bytes], purpose: str = "interchange") -> List[Dict[str, Any]]:
    """Checks BPMN XML without an engine. purpose: "interchange" or "execution" (what deploy needs).

    Returns the diagnostics (warnings only) when there is no error; raises ParseError,
    whose .diagnostics lists them all, when there is one.
    """
    try:
        mode = _PURPOSES[purpose]
    except KeyError:
        raise InvalidInput(f"purpose must be 'interchange' or 'execution', not {purpose!r}") from None
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    elif not isinstance(xml, bytes):
        raise InvalidInput(f"xml must be a str, not {type(xml).__name__}")
    lib = _native.lib()
    out = c_void_p()
    try:
        lib.ordo_model_validate(byref(out), xml, mode)
    finally:
        text = lib.take_string(out)
    return json.loads(text) if text else []
