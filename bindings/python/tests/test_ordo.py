"""Tests of the Python binding against the real libordo (found through ORDO_LIBRARY, see conftest.py)."""

import os
import shutil
import subprocess
import sys
import threading
import time
from ctypes import byref, c_void_p
from pathlib import Path

import pytest

import ordo
from ordo import _native

SAMPLES = Path(__file__).resolve().parents[3] / "bpmn-samples"
LEAVE = (SAMPLES / "leave-approval.bpmn").read_text(encoding="utf-8")
REPAIR = (SAMPLES / "repair-work-order.bpmn").read_text(encoding="utf-8")

HEAD = (
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:flowable="http://flowable.org/bpmn" id="defs" targetNamespace="http://ordo.dev/test">'
)

# calc (a handler) then review; error X thrown at calc is caught by `caught` and leads to repair.
CHARGE = HEAD + """
  <error id="E" errorCode="X"/>
  <process id="charge" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="calc"/>
    <serviceTask id="calc" flowable:type="calc"/>
    <sequenceFlow id="f2" sourceRef="calc" targetRef="review"/>
    <userTask id="review"/>
    <sequenceFlow id="f3" sourceRef="review" targetRef="done"/>
    <endEvent id="done"/>
    <boundaryEvent id="caught" attachedToRef="calc"><errorEventDefinition errorRef="E"/></boundaryEvent>
    <sequenceFlow id="f4" sourceRef="caught" targetRef="repair"/>
    <userTask id="repair"/>
    <sequenceFlow id="f5" sourceRef="repair" targetRef="repaired"/>
    <endEvent id="repaired"/>
  </process>
</definitions>"""

# An external task on topic payout; error X thrown by its worker leads to refund.
PAYOUT = HEAD + """
  <error id="E" errorCode="X"/>
  <process id="payout" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="pay"/>
    <serviceTask id="pay" flowable:type="external" flowable:topic="payout"/>
    <sequenceFlow id="f2" sourceRef="pay" targetRef="paid"/>
    <endEvent id="paid"/>
    <boundaryEvent id="bounced" attachedToRef="pay"><errorEventDefinition errorRef="E"/></boundaryEvent>
    <sequenceFlow id="f3" sourceRef="bounced" targetRef="refund"/>
    <userTask id="refund"/>
    <sequenceFlow id="f4" sourceRef="refund" targetRef="refunded"/>
    <endEvent id="refunded"/>
  </process>
</definitions>"""

# Two handler tasks in a row, then a user task.
TWO_STEPS = HEAD + """
  <process id="twoSteps" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    <serviceTask id="a" flowable:type="step"/>
    <sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    <serviceTask id="b" flowable:type="step"/>
    <sequenceFlow id="f3" sourceRef="b" targetRef="u"/>
    <userTask id="u"/>
    <sequenceFlow id="f4" sourceRef="u" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>"""


@pytest.fixture
def engine(tmp_path):
    with ordo.Engine(tmp_path / "ordo.db", durability="normal") as e:
        yield e


@pytest.fixture
def leave(engine):
    engine.deploy(LEAVE)
    return engine


def only_task(engine, **query):
    tasks = engine.tasks(**query)
    assert len(tasks) == 1, tasks
    return tasks[0]


# -- library, validation, deployment ---------------------------------------------------------


def test_version_and_library():
    assert ordo.version() == "0.2.0"
    assert ordo.version_number() == 200
    assert ordo.library_path()


def test_validate_good_and_bad_models():
    assert ordo.validate(LEAVE, purpose="execution") == []
    with pytest.raises(ordo.ParseError) as info:
        ordo.validate("<definitions/>")
    assert info.value.code == -3 and info.value.name == "parse_error"
    assert [d["code"] for d in info.value.diagnostics] == ["not_bpmn"]
    with pytest.raises(ordo.InvalidInput):
        ordo.validate(LEAVE, purpose="deploy")


def test_deploy_and_list_definitions(engine):
    result = engine.deploy(LEAVE)
    assert result["created"] is True
    assert [d["key"] for d in result["definitions"]] == ["leaveApproval"]
    assert engine.deploy(LEAVE.encode("utf-8"))["created"] is False  # same model: no new version
    defs = engine.definitions()
    assert [(d["key"], d["version"]) for d in defs] == [("leaveApproval", 1)]


def test_deploy_broken_xml_raises_parse_error_with_diagnostics(engine):
    with pytest.raises(ordo.ParseError) as info:
        engine.deploy("<definitions")
    e = info.value
    assert isinstance(e, ordo.OrdoError)
    assert e.diagnostics and e.diagnostics[0]["code"] == "xml_malformed"
    assert e.diagnostics[0]["severity"] == "error" and e.diagnostics[0]["line"] == 1
    assert e.detail["code"] == "parse_error"
    assert engine.definitions() == []


# -- instances and tasks ---------------------------------------------------------------------


def test_leave_approval_start_to_end(leave):
    inst = leave.start("leaveApproval", variables={"days": 5, "manager": "mary", "director": "dora"},
                       business_key="leave-7", initiator="emp")
    assert inst["state"] == "running" and inst["businessKey"] == "leave-7" and inst["initiator"] == "emp"
    assert leave.waiting(inst["id"]) == ["managerApproval"]

    task = only_task(leave, assignee="mary")
    assert task["elementId"] == "managerApproval" and task["instanceId"] == inst["id"]
    assert leave.task(task["id"])["state"] == "open"
    leave.complete(task["id"], {"approved": True}, user="mary")
    assert leave.waiting(inst["id"]) == ["directorApproval"]

    task = only_task(leave, assignee="dora")
    leave.complete(task["id"], {"approved": True}, user="dora")
    done = leave.instance(inst["id"])
    assert done["state"] == "completed" and done["endedAt"] > 0
    assert leave.waiting(inst["id"]) == []
    assert leave.tasks(instance_id=inst["id"]) == []

    kinds = [(h["kind"], h["elementId"]) for h in leave.history(inst["id"])]
    assert ("task_completed", "directorApproval") in kinds
    assert ("element_left", "approvedEnd") in kinds  # entered and left in one command: element_left alone
    assert [i["id"] for i in leave.instances(state="completed")] == [inst["id"]]
    assert [i["id"] for i in leave.instances(business_key="leave-7", definition_key="leaveApproval")] == [inst["id"]]


def test_start_by_definition_id(leave):
    definition = leave.definitions()[0]
    inst = leave.start(definition_id=definition["id"], variables={"days": 1, "manager": "m"})
    assert inst["definitionKey"] == "leaveApproval"


def test_task_query_and_count(leave):
    a = leave.start("leaveApproval", variables={"days": 1, "manager": "mary"})
    b = leave.start("leaveApproval", variables={"days": 2, "manager": "mary"})
    leave.start("leaveApproval", variables={"days": 3, "manager": "mike"})
    assert leave.count_tasks() == 3
    assert leave.count_tasks(assignee="mary") == 2
    assert leave.count_tasks(assignee="nobody") == 0
    assert [t["instanceId"] for t in leave.tasks(instance_id=b["id"])] == [b["id"]]
    assert len(leave.tasks(element_id="managerApproval", limit=2)) == 2
    assert len(leave.tasks(assignee="mary", offset=1)) == 1

    leave.complete(leave.tasks(instance_id=a["id"])[0]["id"], {"approved": True}, user="mary")
    assert leave.count_tasks(assignee="mary") == 1
    finished = leave.tasks(instance_id=a["id"], include_finished=True)
    assert [(t["state"], t["completedBy"]) for t in finished] == [("completed", "mary")]
    with pytest.raises(TypeError):
        leave.tasks(asignee="mary")  # a misspelt field is not silently ignored


def test_candidate_group_query(engine):
    engine.deploy(REPAIR)
    engine.start("repairWorkOrder", variables={"technician": "tom"}, initiator="zhang")
    assert engine.count_tasks(candidate_groups="dispatchers") == 1
    assert engine.count_tasks(candidate_groups=["supervisors"]) == 0
    assert only_task(engine, candidate_groups=("dispatchers", "supervisors"))["elementId"] == "dispatch"


def test_set_and_read_variables(leave):
    inst = leave.start("leaveApproval", variables={"days": 9, "manager": "m", "note": "海边 🏖"})
    leave.set_variables(inst["id"], {"director": "dora", "items": [1, 2.5, None], "nested": {"a": True}})
    got = leave.variables(inst["id"])
    assert got["days"] == 9 and got["director"] == "dora" and got["note"] == "海边 🏖"
    assert got["items"] == [1, 2.5, None] and got["nested"] == {"a": True}
    leave.complete(only_task(leave, assignee="m")["id"], {"approved": True})
    assert only_task(leave, instance_id=inst["id"])["assignee"] == "dora"


# -- external tasks --------------------------------------------------------------------------


def test_external_task_fetched_and_completed(engine):
    engine.deploy(PAYOUT)
    inst = engine.start("payout", variables={"amount": 10})
    assert engine.waiting(inst["id"]) == ["pay"]
    locked = engine.fetch_and_lock("payout", "w1", max_tasks=5, lock_millis=30000)
    assert len(locked) == 1
    ext = locked[0]
    assert ext["instanceId"] == inst["id"] and ext["topic"] == "payout" and ext["workerId"] == "w1"
    assert ext["variables"] == {"amount": 10} and ext["retries"] == 3
    assert engine.fetch_and_lock("payout", "w2") == []  # locked by w1
    with pytest.raises(ordo.Forbidden):
        engine.complete_external(ext["id"], "w2")
    engine.complete_external(ext["id"], "w1", {"receipt": "r-1"})
    assert engine.instance(inst["id"])["state"] == "completed"
    assert engine.variables(inst["id"])["receipt"] == "r-1"


def test_external_task_failed_into_incident(engine):
    engine.deploy(PAYOUT)
    inst = engine.start("payout")
    ext = engine.fetch_and_lock("payout", "w1")[0]
    engine.fail_external(ext["id"], "w1", "bank down", retries=0)
    assert engine.incident_count(inst["id"]) == 1
    assert engine.job_count(inst["id"]) == 0
    assert engine.fetch_and_lock("payout", "w1") == []
    assert engine.instance(inst["id"])["state"] == "running"


def test_external_bpmn_error_caught(engine):
    engine.deploy(PAYOUT)
    inst = engine.start("payout")
    ext = engine.fetch_and_lock("payout", "w1")[0]
    engine.bpmn_error_external(ext["id"], "w1", "X", {"reason": "bounced"})
    assert engine.waiting(inst["id"]) == ["refund"]
    assert engine.variables(inst["id"])["reason"] == "bounced"
    with pytest.raises(ordo.NotFound):
        engine.bpmn_error_external(777777, "w1", "X")


def test_external_worker_completes_throws_and_fails(engine):
    engine.deploy(PAYOUT)
    ok = engine.start("payout", variables={"action": "pay"})
    bounce = engine.start("payout", variables={"action": "bounce"})
    broken = engine.start("payout", variables={"action": "crash"})

    def handle(task):
        action = task["variables"]["action"]
        if action == "bounce":
            raise ordo.BpmnError("X", variables={"reason": "no funds"})
        if action == "crash":
            raise ConnectionError("bank unreachable")
        return {"paidBy": task["workerId"]}

    worker = ordo.ExternalWorker(engine, "w1", "payout", handle, lock_millis=1000, max_tasks=10)
    assert worker.run_once() == 3
    assert engine.instance(ok["id"])["state"] == "completed"
    assert engine.variables(ok["id"])["paidBy"] == "w1"
    assert engine.waiting(bounce["id"]) == ["refund"]
    assert engine.variables(bounce["id"])["reason"] == "no funds"
    # retries 3 -> 2: offered again, no incident yet
    assert engine.incident_count(broken["id"]) == 0
    again = engine.fetch_and_lock("payout", "w2")
    assert [(t["instanceId"], t["retries"]) for t in again] == [(broken["id"], 2)]
    engine.fail_external(again[0]["id"], "w2", "still down", retries=0)
    assert engine.incident_count(broken["id"]) == 1


def test_external_worker_retries_run_out_into_incident(engine):
    engine.deploy(PAYOUT)
    inst = engine.start("payout")

    def always_fail(task):
        raise RuntimeError("nope")

    worker = ordo.ExternalWorker(engine, "w1", "payout", always_fail)
    processed = [worker.run_once() for _ in range(4)]
    assert processed == [1, 1, 1, 0]  # retries 3 -> 2 -> 1 -> 0, then nothing to fetch
    assert engine.incident_count(inst["id"]) == 1


def test_external_worker_in_a_thread(engine):
    engine.deploy(PAYOUT)
    ids = [engine.start("payout", variables={"n": n})["id"] for n in range(5)]
    stop = threading.Event()
    seen = []

    def handle(task):
        seen.append(task["variables"]["n"])
        if len(seen) == 5:
            stop.set()
        return None

    worker = ordo.ExternalWorker(engine, "bg", "payout", handle, max_tasks=2)
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_interval": 0.01})
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert sorted(seen) == list(range(5))
    assert all(engine.instance(i)["state"] == "completed" for i in ids)


# -- handlers ------------------------------------------------------------------------------


def test_handler_sets_a_variable(engine):
    engine.deploy(CHARGE)
    calls = []

    def calc(task):
        calls.append((task.instance_id, task.element_id, dict(task.variables)))
        task.set_variable("total", task.variables["price"] * 2)
        task.set_variable("detail", {"currency": "CNY", "lines": [1, 2]})

    engine.register_handler("calc", calc)
    inst = engine.start("charge", variables={"price": 21})
    assert calls == [(inst["id"], "calc", {"price": 21})]
    assert engine.waiting(inst["id"]) == ["review"]
    variables = engine.variables(inst["id"])
    assert variables["total"] == 42 and variables["detail"] == {"currency": "CNY", "lines": [1, 2]}


def test_handler_bpmn_error_caught_by_boundary_event(engine):
    engine.deploy(CHARGE)

    def calc(task):
        if task.variables["how"] == "call":
            task.bpmn_error("X", "card declined")
        elif task.variables["how"] == "raise":
            raise ordo.BpmnError("X", variables={"why": "declined"})
        else:
            task.bpmn_error("Y")  # no boundary event catches Y

    engine.register_handler("calc", calc)
    first = engine.start("charge", variables={"how": "call"})
    assert engine.waiting(first["id"]) == ["repair"]
    second = engine.start("charge", variables={"how": "raise"})
    assert engine.waiting(second["id"]) == ["repair"]
    assert engine.variables(second["id"])["why"] == "declined"
    passed = [h["elementId"] for h in engine.history(second["id"]) if h["kind"] == "element_left"]
    assert "caught" in passed and "review" not in passed
    with pytest.raises(ordo.UnhandledBpmnError):
        engine.start("charge", variables={"how": "other"})


def test_handler_exception_fails_the_command(engine):
    engine.deploy(CHARGE)

    def calc(task):
        raise RuntimeError("ledger offline")

    engine.register_handler("calc", calc)
    with pytest.raises(ordo.ServiceFailed) as info:
        engine.start("charge")
    assert "ledger offline" in info.value.message
    assert info.value.element_id == "calc"
    assert engine.instances() == []  # the command was rolled back


def test_handler_replaced_by_a_second_registration(engine):
    engine.deploy(CHARGE)
    engine.register_handler("calc", lambda task: task.set_variable("who", "first"))
    engine.register_handler("calc", lambda task: task.set_variable("who", "second"))
    inst = engine.start("charge")
    assert engine.variables(inst["id"])["who"] == "second"


def test_service_task_is_unusable_after_its_handler(engine):
    engine.deploy(CHARGE)
    kept = []
    engine.register_handler("calc", kept.append)
    engine.start("charge")
    with pytest.raises(ordo.WrongState):
        kept[0].set_variable("late", 1)


def test_missing_handler_is_unsupported(engine):
    engine.deploy(CHARGE)
    with pytest.raises(ordo.Unsupported) as info:
        engine.start("charge")
    assert "calc" in info.value.message


def test_interrupt_from_a_handler_rolls_the_command_back(engine):
    engine.deploy(TWO_STEPS)
    engine.register_handler("step", lambda task: engine.interrupt())
    with pytest.raises(ordo.Interrupted):
        engine.start("twoSteps")
    assert engine.instances() == []
    engine.register_handler("step", lambda task: None)
    assert engine.start("twoSteps")["state"] == "running"  # the interrupt stopped only that call


# -- errors ----------------------------------------------------------------------------------


def test_error_paths_raise_the_right_classes(leave):
    with pytest.raises(ordo.NotFound) as info:
        leave.complete(999999)
    assert info.value.code == -1 and info.value.name == "not_found" and isinstance(info.value, LookupError)
    with pytest.raises(ordo.NotFound):
        leave.instance(424242)
    with pytest.raises(ordo.NotFound):
        leave.start("nope")

    leave.start("leaveApproval", variables={"days": 1, "manager": "mary"})
    task = only_task(leave, assignee="mary")
    with pytest.raises(ordo.ExpressionError) as info:
        leave.complete(task["id"], user="mary")  # ${approved} is unknown
    assert info.value.element_id in ("managerDecision", "managerApprovedFlow")

    with pytest.raises(ordo.InvalidInput) as info:
        leave.complete(task["id"], [("approved", True)])
    assert isinstance(info.value, ValueError) and info.value.code == -2
    with pytest.raises(ordo.InvalidInput):
        leave.start("leaveApproval", variables=[1])
    with pytest.raises(ordo.InvalidInput):
        leave.set_variables(task["instanceId"], 42)
    with pytest.raises(ordo.InvalidInput):
        leave.complete("12")
    with pytest.raises(ordo.InvalidInput):
        leave.complete(task["id"], {"x": float("nan")})

    leave.complete(task["id"], {"approved": True}, user="mary")
    with pytest.raises(ordo.WrongState) as info:
        leave.complete(task["id"], user="mary")
    assert info.value.code == -6


def test_raw_function_errcheck(leave):
    """The C table raises by itself: a JSON list as variables through the raw function."""
    leave.start("leaveApproval", variables={"days": 1, "manager": "mary"})
    task = only_task(leave, assignee="mary")
    lib = _native.lib()
    with pytest.raises(ordo.InvalidInput) as info:
        lib.ordo_task_complete(leave._handle, task["id"], b"[]", b"mary")
    assert "variables" in info.value.message
    out = c_void_p()
    with pytest.raises(ordo.InvalidInput):
        lib.ordo_task_list(byref(out), leave._handle, b'{"limit":"ten"}')
    assert out.value is None  # a failing call leaves the out-parameter untouched


def test_every_code_has_its_class_and_name():
    lib = _native.lib()
    classes = {
        -1: ordo.NotFound, -2: ordo.InvalidInput, -3: ordo.ParseError, -4: ordo.ExpressionError,
        -5: ordo.NoOutgoingFlow, -6: ordo.WrongState, -7: ordo.Forbidden, -8: ordo.LimitExceeded,
        -9: ordo.Conflict, -10: ordo.Unsupported, -11: ordo.UnhandledBpmnError, -12: ordo.ServiceFailed,
        -13: ordo.Busy, -14: ordo.OrdoIOError, -15: ordo.Interrupted, -16: ordo.InternalError,
        -17: ordo.OutOfMemory,
    }
    for code, cls in classes.items():
        e = lib.error(code)
        assert type(e) is cls and e.code == code and isinstance(e, ordo.OrdoError)
        assert e.name == lib.ordo_error_name(code).decode() and e.name != "unknown"
        assert cls(e.message).code == code


def test_open_errors_before_a_handle_exists(tmp_path):
    with pytest.raises(ordo.OrdoIOError) as info:
        ordo.Engine(tmp_path / "missing-dir" / "x.db")
    assert "x.db" in info.value.message
    with pytest.raises(ordo.InvalidInput):
        ordo.Engine(durability="sometimes")


# -- listeners, threads, lifetime, clock -----------------------------------------------------


def test_listener_sees_instance_completed(leave):
    events = []
    listener = leave.add_listener(events.append)
    inst = leave.start("leaveApproval", variables={"days": 1, "manager": "mary"})
    assert events[0]["kind"] == "instance_started" and events[0]["instanceId"] == inst["id"]
    leave.complete(only_task(leave, assignee="mary")["id"], {"approved": True}, user="mary")
    completed = [e for e in events if e["kind"] == "instance_completed"]
    assert len(completed) == 1 and completed[0]["instanceId"] == inst["id"]

    leave.remove_listener(listener)
    count = len(events)
    leave.start("leaveApproval", variables={"days": 1, "manager": "mary"})
    assert len(events) == count
    with pytest.raises(ordo.NotFound):
        leave.remove_listener(listener)


def test_listener_exception_does_not_undo_the_command(leave):
    def broken(event):
        raise RuntimeError("listener bug")

    leave.add_listener(broken)
    inst = leave.start("leaveApproval", variables={"days": 1, "manager": "mary"})
    assert leave.instance(inst["id"])["state"] == "running"


def test_four_threads_share_one_engine(tmp_path):
    with ordo.Engine(tmp_path / "shared.db") as engine:  # durability full
        engine.deploy(LEAVE)
        completed_events = []
        engine.add_listener(lambda e: e["kind"] == "instance_completed" and completed_events.append(e["instanceId"]))
        errors = []

        def work(n):
            try:
                for i in range(20):
                    user = f"mgr-{n}"
                    inst = engine.start("leaveApproval", variables={"days": 2, "manager": user},
                                        business_key=f"t{n}-{i}")
                    task = only_task(engine, instance_id=inst["id"])
                    engine.complete(task["id"], {"approved": True}, user=user)
                    assert engine.instance(inst["id"])["state"] == "completed"
            except BaseException as e:  # reported below, in the test's thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        done = engine.instances(state="completed", limit=1000)
        assert len(done) == 80
        assert len({i["businessKey"] for i in done}) == 80
        assert len(completed_events) == 80
        assert engine.count_tasks() == 0


def test_context_manager_closes(tmp_path):
    path = tmp_path / "lifetime.db"
    with ordo.Engine(path) as engine:
        engine.deploy(LEAVE)
        inst = engine.start("leaveApproval", variables={"days": 1, "manager": "mary"})
        assert not engine.closed
    assert engine.closed
    with pytest.raises(ordo.WrongState):
        engine.tasks()
    engine.close()  # idempotent
    engine.interrupt()  # no effect on a closed engine

    with ordo.Engine(str(path)) as again:  # the state survived in the file
        assert again.instance(inst["id"])["state"] == "running"
        assert only_task(again, assignee="mary")["instanceId"] == inst["id"]


def test_close_waits_for_a_running_call(tmp_path):
    engine = ordo.Engine(tmp_path / "wait.db")
    engine.deploy(CHARGE)
    entered, release = threading.Event(), threading.Event()

    def slow(task):
        entered.set()
        release.wait(10)

    engine.register_handler("calc", slow)
    result = {}
    caller = threading.Thread(target=lambda: result.setdefault("inst", engine.start("charge")))
    caller.start()
    assert entered.wait(10)
    closer = threading.Thread(target=engine.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()  # blocked until the call returns
    release.set()
    caller.join(10)
    closer.join(10)
    assert engine.closed and result["inst"]["state"] == "running"


def test_custom_clock_drives_a_timer(tmp_path):
    now = [1_700_000_000_000]
    with ordo.Engine(tmp_path / "clock.db", clock=lambda: now[0]) as engine:
        engine.deploy(REPAIR)
        inst = engine.start("repairWorkOrder", variables={"technician": "tom"}, initiator="zhang")
        assert inst["startedAt"] == now[0]
        assert engine.variables(inst["id"])["initiator"] == "zhang"
        engine.complete(only_task(engine, element_id="dispatch")["id"])  # no user: the host acts for the system
        assert only_task(engine, instance_id=inst["id"])["elementId"] == "handle"
        assert engine.job_count(inst["id"]) == 1
        assert engine.run_due_jobs() == 0  # not due yet

        now[0] += 5 * 3600 * 1000
        assert engine.run_due_jobs() == 1
        task = only_task(engine, instance_id=inst["id"])
        assert task["elementId"] == "escalate" and task["candidateGroups"] == ["supervisors"]
        assert engine.job_count(inst["id"]) == 0
        assert engine.waiting(inst["id"]) == ["escalate"]


def test_a_failing_clock_falls_back_to_the_system_clock(caplog):
    def broken():
        raise RuntimeError("no time")

    with ordo.Engine(clock=broken) as engine:
        engine.deploy(LEAVE)
        inst = engine.start("leaveApproval", variables={"days": 1, "manager": "mary"})
    assert abs(inst["startedAt"] - time.time() * 1000) < 60_000
    assert "clock failed" in caplog.text and "no time" in caplog.text


def test_handler_bpmn_error_with_bad_variables_fails_the_command(engine):
    engine.deploy(CHARGE)

    def calc(task):
        raise ordo.BpmnError("X", variables={"when": object()})

    engine.register_handler("calc", calc)
    with pytest.raises(ordo.ServiceFailed) as info:
        engine.start("charge")
    assert "JSON" in info.value.message


# -- finding the library ---------------------------------------------------------------------

PACKAGE = Path(ordo.__file__).resolve().parent
PROBE = "import ordo; print(ordo.library_path()); print(ordo.version())"


def probe(env_changes, cwd_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ORDO_LIBRARY", "LD_LIBRARY_PATH")}
    env.update(env_changes)
    env["PYTHONPATH"] = str(cwd_path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)


def test_library_next_to_the_package(tmp_path):
    copy = tmp_path / "ordo"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "libordo*"))
    shutil.copy(ordo.library_path(), copy / "libordo.so.0")
    run = probe({}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [str(copy / "libordo.so.0"), "0.2.0"]


def test_library_from_the_system_search_path(tmp_path):
    copy = tmp_path / "ordo"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "libordo*"))
    run = probe({"LD_LIBRARY_PATH": str(Path(ordo.library_path()).resolve().parent)}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1] == "0.2.0"


def test_a_wrong_ordo_library_is_reported(tmp_path):
    copy = tmp_path / "ordo"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "libordo*"))
    run = probe({"ORDO_LIBRARY": str(tmp_path / "nope.so")}, tmp_path)
    assert run.returncode != 0 and "ORDO_LIBRARY" in run.stderr


# -- messages, signals, approval operations, lists, inbox --

WAITS = HEAD + """
  <message id="m" name="paid"/>
  <signal id="sig" name="go"/>
  <process id="waits" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="pay"/>
    <receiveTask id="pay" messageRef="m"/>
    <sequenceFlow id="f2" sourceRef="pay" targetRef="go"/>
    <intermediateCatchEvent id="go"><signalEventDefinition signalRef="sig"/></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="go" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>"""


def test_messages_and_signals(engine):
    engine.deploy(WAITS)
    inst = engine.start("waits", business_key="order-1")
    with pytest.raises(ordo.NotFound):
        engine.correlate_message("paid", business_key="order-2")
    got = engine.correlate_message("paid", business_key="order-1", variables={"amount": 3})
    assert got["id"] == inst["id"]
    assert engine.waiting(inst["id"]) == ["go"]
    assert engine.broadcast_signal("nobody") == 0
    assert engine.broadcast_signal("go") == 1
    assert engine.instance(inst["id"])["state"] == "completed"
    assert engine.variables(inst["id"])["amount"] == 3


def test_approval_operations_lists_and_inbox(leave):
    leave.save_user("root", roles=["admin"])
    inst = leave.start("leaveApproval", variables={"days": 1, "manager": "mary"}, initiator="emp")
    todo, total = leave.list("mary")
    assert total == 1 and todo[0]["task"]["elementId"] == "managerApproval"
    task_id = todo[0]["task"]["id"]
    with pytest.raises(ordo.Forbidden):
        leave.operation("transfer", "eve", task=task_id, to="x")
    assert leave.operation("transfer", "mary", task=task_id, to="max") is None
    leave.operation("urge", "emp", task=task_id)
    inbox = leave.inbox("max", unread_only=True)
    assert [m["type"] for m in inbox] == ["urge", "todo"]
    leave.mark_read(inbox[0]["id"], "max")
    assert len(leave.inbox("max", unread_only=True)) == 1
    assert "complete" in leave.instance_detail(inst["id"], "max")["allowedActions"]
    statuses = {n["id"]: n["status"] for n in leave.canvas(inst["id"])["nodes"]}
    assert statuses["managerApproval"] == "active" and statuses["approvedEnd"] == "notReached"
    with pytest.raises(ordo.InvalidInput):
        leave.operation("fly", "mary")
    leave.operation("terminate", "root", instance=inst["id"], reason="test")
    assert leave.instance(inst["id"])["state"] == "terminated"
    started, n = leave.list("emp", type="started")
    assert n == 1 and started[0]["instance"]["state"] == "terminated"


# -- what the C ABI added: history actions, operations, incidents, the job executor, forms ----

HEADER = Path(__file__).resolve().parents[3] / "include" / "ordo.h"


def test_the_table_matches_ordo_h():
    """Every function ordo.h declares is in the ctypes table, and nothing else (no stale name)."""
    import re

    declared = set(re.findall(r"ORDO_EXTERN [^(]*?\b(ordo_[a-z_]+)\(", HEADER.read_text(encoding="utf-8")))
    assert declared == set(_native._TABLE), (declared ^ set(_native._TABLE))


def test_history_carries_operation_actions_and_targets(leave):
    inst = leave.start("leaveApproval", variables={"days": 1, "manager": "mary"}, initiator="emp")
    task_id = only_task(leave, assignee="mary")["id"]
    leave.operation("transfer", "mary", task=task_id, to="max", comment="on leave")
    ops = leave.operations(inst["id"])
    assert [(o["action"], o["actor"], o["targets"]) for o in ops] == [("start", "emp", []), ("transfer", "mary", ["max"])]
    assert ops[1]["kind"] == "operation" and ops[1]["comment"] == "on leave"
    history = leave.history(inst["id"])
    assert any(h["action"] == "transfer" and h["targets"] == ["max"] for h in history)
    op_ids = {o["id"] for o in ops}
    assert all(h["action"] == "" and h["targets"] == [] for h in history if h["id"] not in op_ids)
    with pytest.raises(ordo.NotFound):
        leave.operations(424242)


def test_bad_numbers_in_requests_are_invalid_input_naming_the_field(leave):
    """Raw JSON through the C ABI: ids beyond int64, fractions, strings (ORDO_EINTERNAL before)."""
    lib = _native.lib()
    out = c_void_p()
    for body, field in (
        (b'{"op":"claim","user":"u","task":18446744073709551615}', "'task'"),
        (b'{"op":"claim","user":"u","task":1.5}', "'task'"),
        (b'{"op":"claim","user":"u","task":-3}', "'task'"),
        (b'{"op":"entrust","user":"a","to":"b","from":1.5}', "'from'"),
        (b'{"op":"entrust","user":"a","to":"b","until":1e30}', "'until'"),
    ):
        with pytest.raises(ordo.InvalidInput) as info:
            lib.ordo_operation_run(byref(out), leave._handle, body)
        assert field in info.value.message, info.value.message
        assert out.value is None
    with pytest.raises(ordo.InvalidInput) as info:
        leave.operation("claim", "u", task=2**64 - 1)  # the binding passes it through; the ABI refuses it
    assert "'task'" in info.value.message
    with pytest.raises(ordo.InvalidInput) as info:
        leave.tasks(limit=2**32)
    assert "'limit'" in info.value.message
    with pytest.raises(ordo.InvalidInput) as info:
        leave.list("mary", started_from=1.5)
    assert "'startedFrom'" in info.value.message


def test_incidents_listed_and_resolved(engine):
    engine.deploy(PAYOUT)
    inst = engine.start("payout")
    ext = engine.fetch_and_lock("payout", "w1")[0]
    assert [x["id"] for x in engine.external_tasks(inst["id"])] == [ext["id"]]
    assert engine.external_tasks(inst["id"])[0]["workerId"] == "w1"
    engine.fail_external(ext["id"], "w1", "bank down", retries=0)
    (incident,) = engine.incidents(inst["id"])
    assert incident["message"] == "bank down" and incident["elementId"] == "pay" and incident["resolvedAt"] == 0
    with pytest.raises(ordo.InvalidInput):
        engine.resolve_incident(incident["id"], retries=0)
    with pytest.raises(ordo.NotFound):
        engine.resolve_incident(999999)
    engine.resolve_incident(incident["id"])
    assert engine.incident_count(inst["id"]) == 0
    assert engine.incidents(inst["id"])[0]["resolvedAt"] > 0
    again = engine.fetch_and_lock("payout", "w1")
    assert [x["id"] for x in again] == [ext["id"]]
    engine.complete_external(ext["id"], "w1")
    assert engine.instance(inst["id"])["state"] == "completed"


TIMER = HEAD + """
  <process id="later" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1S</timeDuration></timerEventDefinition>
    </intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>"""


def test_job_executor_fires_a_due_timer(tmp_path):
    now = [1_700_000_000_000]
    with ordo.Engine(tmp_path / "executor.db", clock=lambda: now[0]) as engine:
        engine.deploy(TIMER)
        inst = engine.start("later")
        assert engine.job_count(inst["id"]) == 1
        now[0] += 5000
        engine.start_job_executor(poll_millis=10)
        with pytest.raises(ordo.WrongState):
            engine.start_job_executor()
        deadline = time.monotonic() + 10
        while engine.instance(inst["id"])["state"] != "completed" and time.monotonic() < deadline:
            time.sleep(0.02)
        engine.stop_job_executor()
        engine.stop_job_executor()
        assert engine.instance(inst["id"])["state"] == "completed"
        assert engine.job_count(inst["id"]) == 0
        with pytest.raises(ordo.InvalidInput):
            engine.start_job_executor(poll_millis=0)


FORMED = HEAD + """
  <process id="formed" isExecutable="true">
    <startEvent id="s" flowable:formKey="leaveForm"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="u"/>
    <userTask id="u" flowable:formKey="reviewForm"/>
    <sequenceFlow id="f2" sourceRef="u" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>"""


def test_forms_deployed_and_start_form_read(engine):
    schema = {"fields": [{"key": "days", "type": "number"}]}
    with pytest.raises(ordo.InvalidInput) as info:
        engine.deploy(FORMED, forms={"leaveForm": 5})
    assert "leaveForm" in info.value.message
    assert engine.definitions() == []
    engine.deploy(FORMED, forms={"leaveForm": schema, "reviewForm": '{"fields": []}'})
    assert engine.start_form("formed") == {"formKey": "leaveForm", "schema": schema}
    with pytest.raises(ordo.NotFound):
        engine.start_form("nope")
    engine.deploy(LEAVE)
    assert engine.start_form("leaveApproval")["schema"] == {}


BOSS_ONLY = HEAD + """
  <process id="bossOnly" isExecutable="true" flowable:candidateStarterUsers="boss">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>"""


def test_directory_startable_definitions_and_counts(leave):
    leave.save_role("finance", "Finance")
    leave.save_department("d1", name="Sales", leader="lee")
    with pytest.raises(ordo.InvalidInput):
        leave.save_department("")
    leave.save_user("lee", name="Lee", department="d1", roles=["finance"])
    assert leave.user("lee") == {"id": "lee", "name": "Lee", "department": "d1", "roles": ["finance"], "tenant": ""}
    with pytest.raises(ordo.NotFound):
        leave.user("ghost")
    leave.deploy(BOSS_ONLY)
    assert [d["key"] for d in leave.startable_definitions("lee")] == ["leaveApproval"]
    assert sorted(d["key"] for d in leave.startable_definitions("boss")) == ["bossOnly", "leaveApproval"]

    inst = leave.start("leaveApproval", variables={"days": 1, "manager": "mary"}, initiator="emp")
    task_id = only_task(leave, assignee="mary")["id"]
    leave.operation("urge", "emp", task=task_id)
    assert [m["type"] for m in leave.inbox("mary", type="urge")] == ["urge"]
    assert leave.inbox_counts("mary") == {"todo": 1, "urge": 1}
    assert leave.list_counts("mary")["todo"] == 1 and leave.list_counts("emp")["started"] == 1
    with pytest.raises(ordo.InvalidInput):
        leave.inbox("mary", limit=-1)
    assert inst["id"] > 0


def test_a_library_without_the_functions_is_reported():
    """A library that lacks a function of the table (an older libordo) fails to load, naming it."""
    import ctypes
    import ctypes.util

    libc = ctypes.util.find_library("c") or "libc.so.6"
    with pytest.raises(OSError) as info:
        _native.Library(ctypes.CDLL(libc), libc)
    assert "does not export ordo_" in str(info.value)
