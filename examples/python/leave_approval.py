"""Leave approval (请假审批) with the Python binding of Ordo, start to end.

    ORDO_LIBRARY=build/lib/libordo.so PYTHONPATH=bindings/python \\
        python3 examples/python/leave_approval.py [database.db]

A 5-day request: the manager approves, so the director must too; then a small inline
model with a service task (flowable:type="notify") tells the employee, served by a handler.
"""
import sys
import tempfile
from pathlib import Path

import ordo

ROOT = Path(__file__).resolve().parents[2]
NOTIFY = """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:flowable="http://flowable.org/bpmn" id="notifyDefs" targetNamespace="http://ordo.dev/examples">
  <process id="notifyEmployee" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
    <serviceTask id="notify" name="Notify the employee" flowable:type="notify"/>
    <sequenceFlow id="f2" sourceRef="notify" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>"""


def notify(task):
    v = task.variables
    print(f"  [notify] to {v['employee']}: your {v['days']}-day leave is {v['outcome']}")
    task.set_variable("notified", True)


def approve(engine, instance_id, user):
    task = engine.tasks(instance_id=instance_id, assignee=user)[0]
    print(f"  {user} approves task {task['id']} ({task['name']})")
    engine.complete(task["id"], {"approved": True}, user=user)


def main(path):
    print(f"Ordo {ordo.version()}, database {path}")
    with ordo.Engine(path) as engine:
        engine.register_handler("notify", notify)
        for xml in ((ROOT / "bpmn-samples" / "leave-approval.bpmn").read_text(encoding="utf-8"), NOTIFY):
            d = engine.deploy(xml)["definitions"][0]
            print(f"deployed {d['key']} v{d['version']}")
        leave = engine.start("leaveApproval", initiator="wang", business_key="leave-2024-001",
                             variables={"days": 5, "manager": "li", "director": "zhao"})
        print(f"started instance {leave['id']}, waiting at {engine.waiting(leave['id'])}")
        approve(engine, leave["id"], "li")
        print(f"  more than 3 days: now waiting at {engine.waiting(leave['id'])}")
        approve(engine, leave["id"], "zhao")
        final = engine.instance(leave["id"])
        ended = [h["elementId"] for h in engine.history(leave["id"])
                 if h["kind"] == "element_left" and h["elementType"] == "endEvent"]
        print(f"leave instance {final['id']}: {final['state']} at {ended}")
        outcome = "approved" if ended == ["approvedEnd"] else "rejected"
        note = engine.start("notifyEmployee", variables={"employee": "wang", "days": 5, "outcome": outcome})
        print(f"notify instance {note['id']}: {note['state']}, variables {engine.variables(note['id'])}")
        return final["state"] == "completed" and outcome == "approved" and note["state"] == "completed"


if __name__ == "__main__":
    scratch = tempfile.TemporaryDirectory(prefix="ordo-")  # the default database is thrown away
    try:
        ok = main(sys.argv[1] if len(sys.argv) > 1 else str(Path(scratch.name) / "leave.db"))
    except ordo.OrdoError as e:
        print(f"error: {e.name}: {e}", file=sys.stderr)
        ok = False
    scratch.cleanup()
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)
