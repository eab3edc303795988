"""Every route of ordo-server answers its happy path (Camunda's documented example bodies
where they exist), a leave approval runs from deploy to completion, and a deployment posted
as Camunda Modeler posts it deploys. At the end /metrics must show a 2xx for every route of
the route table (ordo-server --routes): a route nobody exercised fails the test."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MODELS, SAMPLES, Server, multipart, q, routes_without_success, typed  # noqa: E402

E = "/engine-rest"


class Routes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(deploy=(SAMPLES, MODELS))

    @classmethod
    def tearDownClass(cls):
        code = cls.s.stop()
        assert code == 0, "ordo-server exited %s: %s" % (code, open(cls.s.stderr.name).read()[-2000:])
        # The access log: one JSON object a request, with who asked and how long it took.
        lines = [json.loads(line) for line in open(os.path.join(cls.s.dir, "access.log"))]
        assert len(lines) > 200, len(lines)
        assert all(set(x) == {"time", "id", "method", "path", "status", "us", "user"} for x in lines), lines[0]
        assert {"admin", "employee", "manager", ""} <= {x["user"] for x in lines}

    def ok(self, reply, status=200):
        self.assertEqual(reply.status, status, reply)
        return reply.json if reply.payload and reply.headers.get("content-type", "").startswith("application/json") else reply.payload

    def call(self, method, path, body=None, user="admin", status=None, **kw):
        r = self.s.request(method, path, body, user=user, **kw)
        if status is None:
            status = 204 if method in ("PUT", "DELETE") or (r.status == 204) else 200
        return self.ok(r, status)

    def start(self, key, user="employee", business_key=None, **variables):
        body = {"variables": typed(**variables)}
        if business_key:
            body["businessKey"] = business_key
        return self.call("POST", E + "/process-definition/key/%s/start" % key, body, user=user)

    def task_of(self, instance, user="admin"):
        tasks = self.call("GET", q(E + "/task", processInstanceId=instance), user=user)
        self.assertEqual(len(tasks), 1, tasks)
        return tasks[0]

    # ------------------------------------------------------------------ the walk through all routes
    def test_00_server(self):
        self.assertEqual(self.s.request("GET", "/health", user=None).json, {"status": "ok"})
        self.assertIn("ordo_http_requests_total", self.call("GET", "/metrics").decode())
        doc = self.call("GET", E + "/openapi.json")
        self.assertEqual(doc["openapi"], "3.1.0")
        page = self.s.request("GET", E + "/docs")
        self.assertIn(page.status, (200, 404), page)  # 404 when npm could not install swagger-ui-dist
        if page.status == 200:
            self.assertIn(b"swagger-ui-bundle.js", page.payload)
            self.ok(self.s.request("GET", E + "/docs/swagger-ui.css"))
        self.assertEqual(self.call("GET", E + "/version")["version"][:2], "7.")
        self.assertEqual(self.call("GET", E + "/engine"), [{"name": "default"}])
        # Camunda's named-engine prefix reaches the same routes.
        self.assertEqual(self.call("GET", E + "/engine/default/version")["version"][:2], "7.")

    def test_01_identity(self):
        # Camunda's documented example body for POST /user/create.
        self.call("POST", E + "/user/create", {
            "profile": {"id": "jonny1", "firstName": "John", "lastName": "Doe", "email": "aNewEmailAddress"},
            "credentials": {"password": "s3cret-pass"}}, status=204)
        self.assertEqual(self.s.request("GET", E + "/user/jonny1/profile", user=None,
                                        headers={"Authorization": "Basic am9ubnkxOnMzY3JldC1wYXNz"}).status, 200)
        users = self.call("GET", q(E + "/user", memberOfGroup="admin"))
        self.assertEqual([u["id"] for u in users], ["admin"])
        self.assertGreaterEqual(self.call("GET", E + "/user/count")["count"], 5)
        self.assertEqual(self.call("GET", E + "/user/jonny1/profile")["lastName"], "Doe")
        self.call("PUT", E + "/user/jonny1/profile", {"id": "jonny1", "firstName": "Johnny", "lastName": "Doe"})
        self.assertEqual(self.call("GET", E + "/user/jonny1/profile")["firstName"], "Johnny")
        self.call("PUT", E + "/user/jonny1/credentials", {"password": "another-pass", "authenticatedUserPassword": "admin-pass"})
        self.call("POST", E + "/group/create", {"id": "sales", "name": "Sales", "type": "Organizational Unit"}, status=204)
        self.call("PUT", E + "/group/sales", {"id": "sales", "name": "Sales team", "type": "WORKFLOW"})
        self.assertEqual(self.call("GET", E + "/group/sales")["name"], "Sales team")
        self.call("PUT", E + "/group/sales/members/jonny1")
        self.assertEqual([g["id"] for g in self.call("GET", q(E + "/group", member="jonny1"))], ["sales"])
        self.assertGreaterEqual(self.call("GET", E + "/group/count")["count"], 1)
        self.call("DELETE", E + "/group/sales/members/jonny1")
        self.call("DELETE", E + "/group/sales")
        self.call("POST", E + "/tenant/create", {"id": "tenantOne", "name": "Tenant One"}, status=204)
        self.call("PUT", E + "/tenant/tenantOne/user-members/jonny1")
        self.assertEqual([t["id"] for t in self.call("GET", q(E + "/tenant", userMember="jonny1"))], ["tenantOne"])
        self.assertEqual(self.call("GET", E + "/tenant/count")["count"], 1)
        self.assertEqual(self.call("GET", E + "/tenant/tenantOne")["name"], "Tenant One")
        self.call("DELETE", E + "/tenant/tenantOne/user-members/jonny1")
        self.call("DELETE", E + "/tenant/tenantOne")
        # API tokens: issued by an administrator, usable as a bearer, revocable.
        tok = self.call("POST", E + "/ordo/tokens", {"userId": "manager", "name": "ci"})
        bearer = {"Authorization": "Bearer " + tok["token"]}
        self.assertEqual(self.s.request("GET", E + "/version", user=None, headers=bearer).status, 200)
        self.assertEqual([t["id"] for t in self.call("GET", E + "/ordo/tokens", user="manager")], [tok["id"]])
        self.call("DELETE", E + "/ordo/tokens/" + tok["id"], user="manager")
        self.assertEqual(self.s.request("GET", E + "/version", user=None, headers=bearer).status, 401)
        self.call("DELETE", E + "/user/jonny1")
        self.assertEqual(self.s.request("GET", E + "/user/jonny1/profile").status, 404)

    def test_02_modeler_deployment(self):
        with open(os.path.join(SAMPLES, "leave-approval.bpmn"), "rb") as f:
            xml = f.read().replace(b'id="leaveApproval"', b'id="leaveApprovalModeler"')
        body, ctype = multipart({"deployment-name": "leave", "deployment-source": "Camunda Modeler",
                                 "deploy-changed-only": "true"}, {"data": ("leave.bpmn", xml)})
        d = self.call("POST", E + "/deployment/create", raw=body, headers={"Content-Type": ctype})
        self.assertEqual(d["source"], "Camunda Modeler")
        defs = list(d["deployedProcessDefinitions"].values())
        self.assertEqual([x["key"] for x in defs], ["leaveApprovalModeler"])
        # The same again with changed-only: nothing new, the same deployment answers.
        again = self.call("POST", E + "/deployment/create", raw=body, headers={"Content-Type": ctype})
        self.assertEqual(again["id"], d["id"])
        self.assertIsNone(again["deployedProcessDefinitions"])
        listed = self.call("GET", q(E + "/deployment", source="Camunda Modeler"))
        self.assertEqual([x["id"] for x in listed], [d["id"]])
        self.assertGreaterEqual(self.call("GET", E + "/deployment/count")["count"], 8)
        self.assertEqual(self.call("GET", E + "/deployment/" + d["id"])["name"], "leave")
        res = self.call("GET", E + "/deployment/%s/resources" % d["id"])
        self.assertEqual(res[0]["name"], "leave.bpmn")
        self.assertEqual(self.call("GET", E + "/deployment/%s/resources/%s" % (d["id"], res[0]["id"]))["name"], "leave.bpmn")
        data = self.s.request("GET", E + "/deployment/%s/resources/%s/data" % (d["id"], res[0]["id"]))
        self.assertEqual(data.payload, xml)
        # Start one, then delete the deployment with cascade.
        inst = self.start("leaveApprovalModeler", days=1, manager="manager", director="director")
        self.assertEqual(self.s.request("DELETE", E + "/deployment/" + d["id"]).status, 409)
        self.call("DELETE", q(E + "/deployment/" + d["id"], cascade="true"))
        self.assertEqual(self.s.request("GET", E + "/deployment/" + d["id"]).status, 404)
        self.assertEqual(self.s.request("GET", E + "/process-instance/" + inst["id"]).status, 404)
        self.assertEqual(self.call("GET", q(E + "/process-definition", key="leaveApprovalModeler")), [])

    def test_03_leave_approval_end_to_end(self):
        defs = self.call("GET", q(E + "/process-definition", key="leaveApproval", latestVersion="true"), user="employee")
        self.assertEqual(len(defs), 1)
        d = defs[0]
        self.assertEqual(self.call("GET", E + "/process-definition/" + d["id"])["key"], "leaveApproval")
        self.assertEqual(self.call("GET", E + "/process-definition/key/leaveApproval")["id"], d["id"])
        self.assertIn("<definitions", self.call("GET", E + "/process-definition/%s/xml" % d["id"])["bpmn20Xml"])
        self.assertIn("leaveApproval", self.call("GET", E + "/process-definition/key/leaveApproval/xml")["bpmn20Xml"])
        self.assertIn("key", self.call("GET", E + "/process-definition/%s/startForm" % d["id"]))
        self.assertIn("key", self.call("GET", E + "/process-definition/key/leaveApproval/startForm"))
        self.assertGreaterEqual(self.call("GET", E + "/process-definition/count")["count"], 8)
        inst = self.start("leaveApproval", business_key="leave-e2e", days=5, manager="manager", director="director")
        self.assertEqual(inst["businessKey"], "leave-e2e")
        self.assertEqual(self.call("GET", E + "/process-instance/" + inst["id"], user="employee")["id"], inst["id"])
        t = self.task_of(inst["id"], user="manager")
        self.assertEqual((t["assignee"], t["taskDefinitionKey"]), ("manager", "managerApproval"))
        self.assertEqual(self.call("GET", q(E + "/task/count", assignee="manager"), user="manager")["count"], 1)
        self.assertEqual(self.call("GET", E + "/task/" + t["id"], user="manager")["name"], t["name"])
        # The employee may not complete the manager's task.
        self.assertEqual(self.s.request("POST", E + "/task/%s/complete" % t["id"], {}, user="employee").status, 403)
        got = self.call("POST", E + "/task/%s/complete" % t["id"],
                        {"variables": typed(approved=True), "withVariablesInReturn": True}, user="manager")
        self.assertEqual(got["approved"], {"value": True, "type": "Boolean", "valueInfo": {}})
        t2 = self.task_of(inst["id"], user="director")
        self.assertEqual(t2["taskDefinitionKey"], "directorApproval")
        self.call("POST", E + "/task/%s/submit-form" % t2["id"], {"variables": typed(approved=True)}, user="director", status=204)
        self.assertEqual(self.s.request("GET", E + "/process-instance/" + inst["id"]).status, 404)
        h = self.call("GET", E + "/history/process-instance/" + inst["id"], user="employee")
        self.assertEqual(h["state"], "COMPLETED")
        acts = self.call("GET", q(E + "/history/activity-instance", processInstanceId=inst["id"]))
        self.assertIn("directorApproval", [a["activityId"] for a in acts])
        self.assertTrue(all(a["endTime"] for a in acts), acts)
        self.assertEqual(self.call("GET", q(E + "/history/activity-instance/count", processInstanceId=inst["id"]))["count"], len(acts))
        tasks = self.call("GET", q(E + "/history/task", processInstanceId=inst["id"], finished="true"))
        self.assertEqual([x["assignee"] for x in tasks], ["manager", "director"])
        self.assertEqual(self.call("GET", q(E + "/history/task/count", processInstanceId=inst["id"]))["count"], 2)
        self.assertGreaterEqual(self.call("GET", q(E + "/history/process-instance", processDefinitionKey="leaveApproval", finished="true"))[0:1][0]["durationInMillis"], 0)
        self.assertGreaterEqual(self.call("GET", q(E + "/history/process-instance/count", finished="true"))["count"], 1)
        v = self.call("GET", q(E + "/history/variable-instance", processInstanceId=inst["id"], variableName="days"))
        self.assertEqual((v[0]["value"], v[0]["type"]), (5, "Integer"))
        self.assertEqual(self.call("GET", q(E + "/history/variable-instance/count", processInstanceId=inst["id"]))["count"], 4)

    def test_04_instances_and_variables(self):
        d = self.call("GET", E + "/process-definition/key/leaveApproval")
        # Camunda's documented example body for POST /process-definition/{id}/start.
        inst = self.call("POST", E + "/process-definition/%s/start" % d["id"], {
            "variables": {"aVariable": {"value": "aStringValue", "type": "String"},
                          "anotherVariable": {"value": True, "type": "Boolean"},
                          "manager": {"value": "manager", "type": "String"},
                          "days": {"value": 2, "type": "Integer"}},
            "businessKey": "myBusinessKey", "withVariablesInReturn": True}, user="employee")
        self.assertEqual(inst["variables"]["aVariable"]["value"], "aStringValue")
        other = self.call("POST", E + "/process-definition/%s/submit-form" % d["id"],
                          {"variables": typed(manager="manager", days=1), "businessKey": "form"}, user="employee")
        self.assertEqual(other["businessKey"], "form")
        self.call("POST", E + "/process-definition/key/leaveApproval/submit-form",
                  {"variables": typed(manager="manager", days=1)}, user="employee")
        i = inst["id"]
        self.assertEqual([x["id"] for x in self.call("GET", q(E + "/process-instance", businessKey="myBusinessKey"))], [i])
        self.assertGreaterEqual(self.call("GET", q(E + "/process-instance/count", processDefinitionKey="leaveApproval"))["count"], 2)
        found = self.call("POST", q(E + "/process-instance", firstResult=0, maxResults=10),
                          {"businessKey": "myBusinessKey", "sorting": [{"sortBy": "instanceId", "sortOrder": "desc"}]})
        self.assertEqual([x["id"] for x in found], [i])
        self.assertEqual(self.call("POST", E + "/process-instance/count", {"processDefinitionKeyIn": ["leaveApproval"]})["count"] >= 2, True)
        self.call("PUT", E + "/process-instance/%s/variables/amount" % i, {"value": 42.5, "type": "Double"})
        self.assertEqual(self.call("GET", E + "/process-instance/%s/variables/amount" % i)["value"], 42.5)
        self.call("POST", E + "/process-instance/%s/variables" % i,
                  {"modifications": {"aVariable": {"value": "aNewValue", "type": "String"},
                                     "info": {"value": "{\"a\": [1, 2]}", "type": "Json"}}}, status=204)
        vars_ = self.call("GET", E + "/process-instance/%s/variables" % i)
        self.assertEqual(vars_["aVariable"]["value"], "aNewValue")
        self.assertEqual((json.loads(vars_["info"]["value"]), vars_["info"]["type"]), ({"a": [1, 2]}, "Json"))
        acts = self.call("GET", E + "/process-instance/%s/activity-instances" % i)
        self.assertEqual([c["activityId"] for c in acts["childActivityInstances"]], ["managerApproval"])
        self.call("PUT", E + "/process-instance/%s/suspended" % i, {"suspended": True}, user="employee")
        self.assertTrue(self.call("GET", E + "/process-instance/" + i)["suspended"])
        self.call("PUT", E + "/process-instance/%s/suspended" % i, {"suspended": False}, user="employee")
        stats = self.call("GET", q(E + "/process-definition/statistics", incidents="true"))
        self.assertGreaterEqual([s for s in stats if s["id"] == d["id"]][0]["instances"], 2)
        for path in ("/process-definition/%s/statistics" % d["id"], "/process-definition/key/leaveApproval/statistics"):
            self.assertIn("managerApproval", [s["id"] for s in self.call("GET", E + path)])
        # Ordo's own instance routes.
        detail = self.call("GET", E + "/process-instance/%s/detail" % i, user="employee")
        self.assertIn("withdraw", detail["allowedActions"])
        canvas = self.call("GET", E + "/process-instance/%s/canvas" % i)
        self.assertIn("active", [n["status"] for n in canvas["nodes"] if n["id"] == "managerApproval"])
        self.call("POST", E + "/process-instance/%s/cc" % i, {"userIds": ["director"]}, user="employee", status=204)
        self.assertEqual(self.call("GET", E + "/ordo/lists", user="director")["cc"], 1)
        self.assertIn("cc", [o["action"] for o in self.call("GET", E + "/process-instance/%s/operations" % i)])
        self.call("POST", E + "/process-instance/%s/invalidate" % other["id"], {"reason": "typo"}, user="employee", status=204)
        self.call("DELETE", E + "/process-instance/" + i, user="employee")
        self.assertEqual(self.s.request("GET", E + "/process-instance/" + i).status, 404)

    def test_05_task_operations(self):
        # candidate groups: claim, unclaim, assignee, delegate, resolve (repair work order).
        inst = self.start("repairWorkOrder", technician="employee")
        t = self.task_of(inst["id"])
        self.assertEqual([x["id"] for x in self.call("GET", q(E + "/task", candidateGroup="dispatchers"))], [t["id"]])
        self.assertEqual([x["id"] for x in self.call("POST", E + "/task", {"candidateUser": "manager", "processInstanceId": inst["id"]},
                                                     user="manager")], [t["id"]])
        self.assertEqual(self.call("POST", E + "/task/count", {"taskDefinitionKey": "dispatch", "processInstanceId": inst["id"]})["count"], 1)
        links = self.call("GET", E + "/task/%s/identity-links" % t["id"])
        self.assertIn({"userId": None, "groupId": "dispatchers", "type": "candidate"}, links)
        self.call("POST", E + "/task/%s/claim" % t["id"], {"userId": "manager"}, user="manager", status=204)
        self.call("POST", E + "/task/%s/unclaim" % t["id"], {}, user="manager", status=204)
        self.call("POST", E + "/task/%s/assignee" % t["id"], {"userId": "manager"}, user="manager", status=204)
        self.call("POST", E + "/task/%s/delegate" % t["id"], {"userId": "director"}, user="manager", status=204)
        self.assertEqual(self.call("GET", E + "/task/" + t["id"])["delegationState"], "PENDING")
        self.call("POST", E + "/task/%s/resolve" % t["id"], {"variables": typed(note="checked")}, user="director", status=204)
        self.assertEqual(self.call("GET", E + "/task/" + t["id"])["delegationState"], "RESOLVED")
        self.call("PUT", E + "/task/%s/variables/priority" % t["id"], {"value": "high", "type": "String"})
        self.assertEqual(self.call("GET", E + "/task/%s/variables/priority" % t["id"])["value"], "high")
        self.call("POST", E + "/task/%s/variables" % t["id"], {"modifications": typed(room="B12")}, status=204)
        self.assertEqual(self.call("GET", E + "/task/%s/variables" % t["id"])["room"]["value"], "B12")
        self.assertEqual(list(self.call("GET", q(E + "/task/%s/form-variables" % t["id"], variableNames="room"))), ["room"])
        self.call("POST", E + "/task/%s/complete" % t["id"], {"variables": {}, "comment": "sent to Emma"}, user="manager", status=204)
        self.assertIn("sent to Emma", [c["message"] for c in self.call("GET", E + "/task/%s/comment" % t["id"])])
        # The SLA timer is a job: list it, run it now, and the order escalates.
        jobs = self.call("GET", q(E + "/job", processInstanceId=inst["id"], timers="true"))
        self.assertEqual(len(jobs), 1, jobs)
        self.assertEqual(self.call("GET", q(E + "/job/count", processInstanceId=inst["id"]))["count"], 1)
        self.assertEqual(self.call("GET", E + "/job/" + jobs[0]["id"])["retries"], jobs[0]["retries"])
        self.call("PUT", E + "/job/%s/retries" % jobs[0]["id"], {"retries": 5})
        self.call("PUT", E + "/job/%s/duedate" % jobs[0]["id"], {"duedate": "2099-08-13T18:43:28.000+0200"})
        self.assertEqual(self.call("GET", E + "/job/" + jobs[0]["id"])["dueDate"], "2099-08-13T16:43:28.000+0000")
        self.call("POST", E + "/job/%s/execute" % jobs[0]["id"], status=204)
        self.assertEqual(self.task_of(inst["id"])["taskDefinitionKey"], "escalate")
        # reject, return (+ returnable), transfer, urge, skip on the leave approval.
        leave = self.start("leaveApproval", days=5, manager="manager", director="director")
        mt = self.task_of(leave["id"])
        self.call("POST", E + "/task/%s/transfer" % mt["id"], {"targetUserId": "admin", "comment": "holiday"}, user="manager", status=204)
        self.call("POST", E + "/task/%s/urge" % mt["id"], {}, user="employee", status=204)
        self.assertGreaterEqual(self.call("GET", E + "/ordo/inbox/count", user="admin").get("urge", 0), 1)
        self.call("POST", E + "/task/%s/complete" % mt["id"], {"variables": typed(approved=True)}, user="admin", status=204)
        dt = self.task_of(leave["id"])
        self.assertEqual([x["activityId"] for x in self.call("GET", E + "/task/%s/returnable" % dt["id"])], ["managerApproval"])
        self.call("POST", E + "/task/%s/return" % dt["id"], {"activityId": "managerApproval", "comment": "more detail"},
                  user="director", status=204)
        mt2 = self.task_of(leave["id"])
        self.call("POST", E + "/task/%s/skip" % mt2["id"], {"comment": "admin skip"}, user="admin", status=204)
        dt2 = self.task_of(leave["id"])
        self.call("POST", E + "/task/%s/reject" % dt2["id"], {"comment": "no"}, user="director", status=204)
        self.assertEqual(self.call("GET", E + "/history/process-instance/" + leave["id"])["ordoState"], "rejected")
        # add and remove signers on a countersign; cc from a task.
        cs = self.start("purchaseCountersign", approvers=["manager", "director"])
        st = self.call("GET", q(E + "/task", processInstanceId=cs["id"], assignee="manager"))[0]
        self.call("POST", E + "/task/%s/add-signers" % st["id"], {"userIds": ["admin"]}, user="manager", status=204)
        self.assertEqual(self.call("GET", q(E + "/task/count", processInstanceId=cs["id"]))["count"], 3)
        self.call("POST", E + "/task/%s/remove-signers" % st["id"], {"userIds": ["admin"]}, user="manager", status=204)
        self.assertEqual(self.call("GET", q(E + "/task/count", processInstanceId=cs["id"]))["count"], 2)
        self.call("POST", E + "/task/%s/cc" % st["id"], {"userIds": ["employee"]}, user="manager", status=204)

    def test_06_drafts_lists_entrustments_withdraw(self):
        draft = self.call("POST", E + "/process-definition/key/leaveApproval/draft",
                          {"variables": typed(days=2, manager="manager")}, user="employee")
        self.assertEqual(draft["ordoState"], "draft")
        self.assertEqual(self.call("GET", E + "/ordo/lists/drafts", user="employee")["count"], 1)
        started = self.call("POST", E + "/process-instance/%s/submit" % draft["id"], {"variables": typed(director="director")},
                            user="employee")
        self.assertEqual(started["ordoState"], "running")
        todo = self.call("GET", q(E + "/ordo/lists/todo", maxResults=5), user="manager")
        self.assertIn(started["id"], [x["processInstance"]["id"] for x in todo["items"]])
        self.assertGreaterEqual(todo["count"], 1)
        self.assertGreaterEqual(self.call("GET", E + "/ordo/lists/started", user="employee")["count"], 1)
        self.call("POST", E + "/process-instance/%s/withdraw" % started["id"], {}, user="employee", status=204)
        inbox = self.call("GET", q(E + "/ordo/inbox", type="todo"), user="manager")
        self.assertTrue(inbox)
        self.call("POST", E + "/ordo/inbox/%s/read" % inbox[0]["id"], {"read": True}, user="manager", status=204)
        # entrust the manager's new tasks to the director: accept one, give one back.
        self.call("POST", E + "/ordo/entrustments", {"toUserId": "director", "processDefinitionKeys": ["leaveApproval"]},
                  user="manager")
        a = self.start("leaveApproval", days=1, manager="manager")
        ta = self.task_of(a["id"])
        self.assertEqual(ta["assignee"], "director")
        self.call("POST", E + "/task/%s/accept-entrusted" % ta["id"], {}, user="director", status=204)
        b = self.start("leaveApproval", days=1, manager="manager")
        tb = self.task_of(b["id"])
        self.call("POST", E + "/task/%s/reject-entrusted" % tb["id"], {"comment": "busy"}, user="director", status=204)
        self.assertEqual(self.task_of(b["id"])["assignee"], "manager")
        self.call("DELETE", E + "/ordo/entrustments/director", user="manager")
        # terminate and jump (administrator).
        c = self.start("leaveApproval", days=5, manager="manager", director="director")
        self.call("POST", E + "/process-instance/%s/jump" % c["id"], {"activityId": "directorApproval"}, status=204)
        self.assertEqual(self.task_of(c["id"])["taskDefinitionKey"], "directorApproval")
        self.call("POST", E + "/process-instance/%s/terminate" % c["id"], {"reason": "obsolete"}, user="employee", status=204)
        self.assertIn("leaveApproval", [d["key"] for d in self.call("GET", E + "/ordo/startable", user="employee")])

    def test_07_external_tasks_messages_signals_incidents(self):
        p = self.start("externalPayment", amount=10)
        # Camunda's documented fetchAndLock example shape.
        locked = self.call("POST", E + "/external-task/fetchAndLock", {
            "workerId": "aWorkerId", "maxTasks": 2, "usePriority": True,
            "topics": [{"topicName": "charge-card", "lockDuration": 10000, "variables": ["amount"]}]}, user="admin")
        self.assertEqual([(x["topicName"], x["variables"]) for x in locked],
                         [("charge-card", {"amount": {"value": 10, "type": "Integer", "valueInfo": {}}})])
        x = locked[0]
        self.assertEqual(self.call("GET", q(E + "/external-task", topicName="charge-card", locked="true"))[0]["id"], x["id"])
        self.assertGreaterEqual(self.call("GET", E + "/external-task/count")["count"], 1)
        self.assertEqual(self.call("GET", E + "/external-task/" + x["id"])["workerId"], "aWorkerId")
        self.call("POST", E + "/external-task/%s/extendLock" % x["id"], {"workerId": "aWorkerId", "newDuration": 60000}, status=204)
        self.call("POST", E + "/external-task/%s/unlock" % x["id"], {}, status=204)
        again = self.call("POST", E + "/external-task/fetchAndLock", {
            "workerId": "w2", "maxTasks": 1, "topics": [{"topicName": "charge-card", "lockDuration": 10000}]})
        self.call("POST", E + "/external-task/%s/failure" % again[0]["id"],
                  {"workerId": "w2", "errorMessage": "card declined", "retries": 0, "retryTimeout": 0}, status=204)
        incidents = self.call("GET", q(E + "/incident", processInstanceId=p["id"]))
        self.assertEqual([i["incidentMessage"] for i in incidents], ["card declined"])
        self.assertEqual(self.call("GET", q(E + "/incident/count", processInstanceId=p["id"]))["count"], 1)
        self.call("DELETE", E + "/incident/" + incidents[0]["id"])
        # Long polling: the task appears while the request waits.
        third = self.call("POST", E + "/external-task/fetchAndLock", {
            "workerId": "w3", "maxTasks": 1, "asyncResponseTimeout": 2000,
            "topics": [{"topicName": "charge-card", "lockDuration": 10000}]})
        self.assertEqual(len(third), 1)
        self.call("POST", E + "/external-task/%s/complete" % third[0]["id"],
                  {"workerId": "w3", "variables": typed(charged=True)}, status=204)
        receipt = self.call("POST", E + "/external-task/fetchAndLock", {
            "workerId": "w3", "maxTasks": 1, "topics": [{"topicName": "send-receipt", "lockDuration": 10000}]})
        self.call("POST", E + "/external-task/%s/bpmnError" % receipt[0]["id"],
                  {"workerId": "w3", "errorCode": "NO_MAIL", "errorMessage": "no mail server"}, status=204)
        self.assertEqual(self.call("GET", E + "/history/process-instance/" + p["id"])["state"], "COMPLETED")
        acts = self.call("GET", q(E + "/history/activity-instance", processInstanceId=p["id"]))
        self.assertTrue([a for a in acts if a["activityId"] == "sendReceipt"][0]["endTime"], acts)
        # message, then signal, then the user task.
        w = self.start("waitEvents", business_key="order-7", reviewer="manager")
        res = self.call("POST", E + "/message", {"messageName": "paymentReceived", "businessKey": "order-7",
                                                 "processVariables": typed(paid=True), "resultEnabled": True})
        self.assertEqual(res[0]["resultType"], "Execution")
        self.assertEqual(res[0]["execution"]["processInstanceId"], w["id"])
        self.call("POST", E + "/signal", {"name": "goLive", "variables": typed(live=True)}, status=204)
        self.assertEqual(self.task_of(w["id"])["taskDefinitionKey"], "review")
        # correlationKeys and all
        w2 = self.start("waitEvents", reviewer="manager", orderId="A-1")
        self.call("POST", E + "/message", {"messageName": "paymentReceived", "correlationKeys": typed(orderId="A-1"), "all": True},
                  status=204)
        self.assertEqual([c["activityId"] for c in self.call("GET", E + "/process-instance/%s/activity-instances" % w2["id"])["childActivityInstances"]], ["goLive"])

    def test_08_tenants(self):
        self.call("POST", E + "/tenant/create", {"id": "acme", "name": "ACME"}, status=204)
        self.call("POST", E + "/user/create", {"profile": {"id": "alice", "firstName": "Alice", "ordoTenantId": "acme"},
                                               "credentials": {"password": "alice-pass"}}, status=204)
        with open(os.path.join(MODELS, "wait-events.bpmn"), "rb") as f:
            xml = f.read().replace(b'id="waitEvents"', b'id="acmeProcess"')
        body, ctype = multipart({"deployment-name": "acme", "tenant-id": "acme"}, {"acme.bpmn": ("acme.bpmn", xml)})
        d = self.call("POST", E + "/deployment/create", raw=body, headers={"Content-Type": ctype})
        self.assertEqual(d["tenantId"], "acme")
        from harness import USERS
        USERS["alice"] = "alice-pass"
        base = E + "/process-definition/key/acmeProcess/tenant-id/acme"
        self.assertEqual(self.call("GET", base, user="alice")["tenantId"], "acme")
        self.assertIn("acmeProcess", self.call("GET", base + "/xml", user="alice")["bpmn20Xml"])
        self.assertIn("key", self.call("GET", base + "/startForm", user="alice"))
        i = self.call("POST", base + "/start", {"variables": typed(reviewer="alice")}, user="alice")
        self.assertEqual(i["tenantId"], "acme")
        self.call("POST", base + "/submit-form", {"variables": typed(reviewer="alice")}, user="alice")
        self.assertEqual(len(self.call("GET", base + "/statistics", user="alice")), 1)
        # The employee (no tenant) sees none of it: 404 exactly like an unknown id.
        self.assertEqual(self.s.request("GET", E + "/process-instance/" + i["id"], user="employee").status, 404)
        self.assertEqual(self.s.request("GET", base, user="employee").status, 404)
        self.assertEqual(self.call("GET", q(E + "/process-definition", key="acmeProcess"), user="employee"), [])
        # And alice sees no tenant-less instance.
        self.assertEqual(self.call("GET", q(E + "/process-instance", processDefinitionKey="leaveApproval"), user="alice"), [])
        # A service account acts for the users of its own tenant, and for no one else.
        self.call("POST", E + "/user/create", {"profile": {"id": "svc", "ordoTenantId": "acme", "ordoGroups": ["service"]},
                                               "credentials": {"password": "svc-pass-1"}}, status=204)
        USERS["svc"] = "svc-pass-1"
        leave = self.start("leaveApproval", user="alice", days=1, manager="alice")
        self.assertEqual(leave["tenantId"], "acme")  # a shared definition: the starter's tenant
        t = self.task_of(leave["id"], user="alice")
        self.assertEqual(self.s.request("POST", E + "/task/%s/claim" % t["id"], {"userId": "employee"}, user="svc").status, 403)
        self.assertEqual(self.s.request("POST", E + "/task/%s/complete" % t["id"], {"userId": "employee"}, user="alice").status, 403)
        self.call("POST", E + "/task/%s/complete" % t["id"], {"userId": "alice", "variables": typed(approved=True)},
                  user="svc", status=204)
        done = self.call("GET", q(E + "/history/task", taskId=t["id"]), user="alice")
        self.assertEqual(done[0]["ordoCompletedBy"], "alice")

    def test_09_definition_suspension(self):
        # Camunda's documented body for PUT /process-definition/{id}/suspended.
        d = self.call("GET", E + "/process-definition/key/leaveApproval")
        i = self.start("leaveApproval", days=1, manager="manager")
        self.call("PUT", E + "/process-definition/%s/suspended" % d["id"],
                  {"suspended": True, "includeProcessInstances": True, "executionDate": None})
        self.assertTrue(self.call("GET", E + "/process-definition/" + d["id"])["suspended"])
        self.assertIn(d["id"], [x["id"] for x in self.call("GET", q(E + "/process-definition", suspended="true"))])
        self.assertNotIn(d["id"], [x["id"] for x in self.call("GET", q(E + "/process-definition", active="true"))])
        self.assertTrue(self.call("GET", E + "/process-instance/" + i["id"])["suspended"])
        # A suspended definition starts nothing, and changes nothing trying.
        refused = self.s.request("POST", E + "/process-definition/%s/start" % d["id"], {"variables": typed(days=1)})
        self.assertEqual(refused.status, 409, refused)
        self.assertIn("suspended", refused.json["message"])
        # Only an administrator suspends.
        self.assertEqual(self.s.request("PUT", E + "/process-definition/key/leaveApproval/suspended",
                                        {"suspended": False}, user="employee").status, 403)
        self.call("PUT", E + "/process-definition/key/leaveApproval/suspended",
                  {"suspended": False, "includeProcessInstances": True})
        self.assertFalse(self.call("GET", E + "/process-instance/" + i["id"])["suspended"])
        self.start("leaveApproval", days=1, manager="manager")
        # The tenant form of the path: acme's own definition, by its tenant.
        base = E + "/process-definition/key/acmeProcess/tenant-id/acme"
        self.call("PUT", base + "/suspended", {"suspended": True})
        self.assertTrue(self.call("GET", base)["suspended"])
        self.call("PUT", base + "/suspended", {"suspended": False})

    def test_90_departments(self):
        # The sample departments: sales under headquarters, led by the manager.
        self.assertEqual(self.call("GET", E + "/ordo/departments/sales", user="employee"),
                         {"id": "sales", "name": "Sales", "parent": "headquarters", "leader": "manager"})
        made = self.call("POST", E + "/ordo/departments", {"id": "support", "name": "Support", "parent": "headquarters"})
        self.assertEqual(made, {"id": "support", "name": "Support", "parent": "headquarters", "leader": None})
        saved = self.call("PUT", E + "/ordo/departments/support", {"name": "Support", "parent": "headquarters",
                                                                  "leader": "director"}, status=200)
        self.assertEqual(saved, {"id": "support", "name": "Support", "parent": "headquarters", "leader": "director"})
        self.assertEqual(self.call("GET", E + "/ordo/departments/support"), saved)
        # Refusals name what is wrong and change nothing.
        before = self.s.dump()
        r = self.s.request("PUT", E + "/ordo/departments/support", {"leader": "employee"}, user="employee")
        self.assertEqual(r.status, 403, r)
        r = self.s.request("PUT", E + "/ordo/departments/support", {"parent": "nowhere"})
        self.assertEqual(r.status, 404, r)
        self.assertIn("parent: department 'nowhere'", r.json["message"])
        r = self.s.request("PUT", E + "/ordo/departments/support", {"leader": "nobody"})
        self.assertEqual(r.status, 404, r)
        self.assertIn("leader: user 'nobody'", r.json["message"])
        self.assertEqual(self.s.dump(), before)
        r = self.s.request("POST", E + "/ordo/departments", {"id": "support"})
        self.assertEqual(r.status, 409, r)
        self.assertIn("already exists", r.json["message"])
        self.assertEqual(self.s.dump(), before)
        r = self.s.request("GET", E + "/ordo/departments/nowhere")
        self.assertEqual(r.status, 404, r)
        self.assertIn("nowhere", r.json["message"])

    def test_99_every_route_was_exercised(self):
        # The Camunda dialect's and the server's own routes; the other dialects' routes are
        # checked by their own tests, the test clock by TestClock below.
        def mine(path):
            return (path.startswith(E) or not path.startswith("/") or path in ("/health", "/metrics")) \
                and not path.startswith(E + "/ordo/test/") and not path.startswith(E + "/ordo/workorder/")
        missing = routes_without_success(self.s, mine)
        # /docs/{file} exists only when npm installed swagger-ui-dist.
        missing = [m for m in missing if m[1] != "/engine-rest/docs/{file}" and m[1] != "/engine-rest/docs"]
        self.assertEqual(missing, [], "routes without a successful request in this test")


class TestClock(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(extra_args=("--test-clock",))

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def call(self, method, path, body=None, user="admin"):
        r = self.s.request(method, path, body, user=user)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_moves_only_when_told(self):
        # Test mode: the engine's clock moves only when told, and only an administrator moves it.
        before = self.call("GET", E + "/ordo/test/clock")["nowMillis"]
        moved = self.call("POST", E + "/ordo/test/clock", {"advanceMillis": 86400000})["nowMillis"]
        self.assertEqual(moved, before + 86400000)
        self.assertEqual(self.call("POST", E + "/ordo/test/clock", {"setMillis": before})["nowMillis"], before)
        self.assertEqual(self.s.request("POST", E + "/ordo/test/clock", {"advanceMillis": 1}, user="employee").status, 403)
        back = self.s.request("POST", E + "/ordo/test/clock", {"advanceMillis": -5})
        self.assertEqual(back.status, 400, back)
        self.assertIn("advanceMillis", back.json["message"])
        self.assertEqual(self.call("GET", E + "/ordo/test/clock")["nowMillis"], before)
        self.assertEqual(routes_without_success(self.s, lambda p: p.startswith(E + "/ordo/test/")), [])

if __name__ == "__main__":
    unittest.main(verbosity=2)
