"""The work-order center dialect (seed 001, docs/dialects/workorder.md) against the real server:
its 16 operations with the document's example bodies (ids adapted), every field of every row;
both header schemes and each refusal code; a repair work order from creation through handling,
a return, delegation, transfer, completion and evaluation, in the right users' lists; bad input
answered 4101/404/4200 with nothing changed; and a 2xx for every route of the dialect."""
import json
import os
import re
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import USERS, Server, q, routes_without_success  # noqa: E402

E = "/engine-rest"
N = E + "/ordo/workorder"
HERE = os.path.dirname(os.path.abspath(__file__))
APP = {"appID": "12345678", "secretKey": "123456"}
SERVICE = {"serverID": "87654321", "secretKey": "654321"}
ROW_FIELDS = ["taskId", "taskName", "taskDefKey", "assigneeId", "deptName", "startDeptName", "assigneeName",
              "startUserId", "startUserName", "category", "procVars", "taskLocalVars", "deployId", "procDefId",
              "procDefKey", "procDefName", "procDefVersion", "procInsId", "hisProcInsId", "duration", "comment",
              "commentList", "candidate", "createTime", "finishTime", "processStatus", "proInsCreateTime"]
TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
DURATION = re.compile(r"^\d+天\d+小时\d+分\d+秒$")
FORM = {"type": "default", "components": [{"key": "location", "label": "报修位置", "type": "textfield"},
                                          {"key": "detail", "label": "故障描述", "type": "textarea"}]}
ACCEPT_FORM = {"type": "default", "components": [{"key": "accepted", "label": "受理", "type": "checkbox"}]}
TASK_EXAMPLE = {"taskId": "string", "taskName": "string", "userId": "string", "comment": "string",
                "procInsId": "string", "targetKey": "string", "variables": {}, "assignee": "string",
                "candidateUsers": [{}], "candidateGroups": [{}], "copyUserIds": "string", "nextUserIds": "string"}


REPORTS = ("/alerts", "/analytics/", "/monitor", "/print", "/pdf")


def is_dialect(path):
    return path.split("/")[1] in ("workflow", "WorkOrder", "synthesis", "userdefine") or path.startswith(N + "/")


def is_report(path):
    return path.startswith(N + "/") and any(x in path for x in REPORTS)


class WorkOrder(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        USERS["mary"] = "mary-pass"
        USERS["frank"] = "frank-pass"
        config = {
            "dialects": {"workorder": {
                "applications": [{"appID": APP["appID"], "secretKey": APP["secretKey"], "name": "统一工单中心",
                                  "applicationId": "3b0ffd250acd400ea57fe23bd211c316", "images": "http://x/mhyysc.png"}],
                "services": [{"serverID": SERVICE["serverID"], "secretKey": SERVICE["secretKey"], "name": "服务总线"}]}},
            "users": [{"id": "mary", "name": "Mary Maintainer", "password": "mary-pass", "department": "sales"},
                      {"id": "frank", "name": "Frank", "password": "frank-pass", "department": "sales"}],
        }
        cls.s = Server(config=config)
        with open(os.path.join(HERE, "workorder", "repair.bpmn")) as f:
            xml = f.read()
        r = cls.s.request("POST", N + "/definitions", {"name": "repair", "xml": xml,
                                                       "forms": {"repair-start": json.dumps(FORM),
                                                                 "repair-accept": json.dumps(ACCEPT_FORM)}})
        assert r.status == 200, r
        cls.deployment = r.json["deploymentId"]
        cls.definition = r.json["definitions"][0]
        cls.tokens = {}

    @classmethod
    def tearDownClass(cls):
        code = cls.s.stop()
        assert code == 0, "ordo-server exited %s" % code

    # ------------------------------------------------------------------ helpers
    def login(self, user, kind="app"):
        if (user, kind) not in self.tokens:
            h = dict(APP if kind == "app" else SERVICE, requestType=kind)
            r = self.s.request("POST", "/workflow/auth/login", {"username": user, "password": USERS[user]},
                               user=None, headers=h)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["code"], 200, r.json)
            self.tokens[(user, kind)] = r.json["data"]["accessToken"]
        return self.tokens[(user, kind)]

    def headers(self, user, kind="app"):
        token = self.login(user, kind)
        if kind == "app":
            return dict(APP, requestType="app", accessToken=token, Authorization=token)
        return dict(SERVICE, requestType="service", accessToken=token)

    def wo(self, method, path, body=None, user="employee", kind="app", code=200, headers=None, raw=None):
        h = headers if headers is not None else self.headers(user, kind)
        if raw is not None:
            h = dict(h, **{"Content-Type": "application/json"})
        r = self.s.request(method, path, body, user=None, headers=h, raw=raw)
        self.assertEqual(r.status, 200, r)  # the dialect's envelope is always HTTP 200
        out = r.json
        self.assertIsInstance(out["msg"], str)
        self.assertEqual(out["code"], code, "%s %s -> %s" % (method, path, out))
        return out

    def lst(self, name, user, **params):
        params.setdefault("pageNum", 1)
        params.setdefault("pageSize", 50)
        out = self.wo("GET", q("/workflow/process/" + name, **params), user=user)
        self.assertEqual(set(out), {"code", "msg", "total", "rows"})
        self.assertEqual(out["msg"], "查询成功")
        for row in out["rows"]:
            self.assertEqual(list(row), ROW_FIELDS, "every one of the 27 fields, in the document's order")
            self.assertRegex(row["duration"], DURATION)
            self.assertIn(row["processStatus"], ("running", "completed", "terminated", "canceled"))
        return out

    def start(self, user="employee", **variables):
        body = {"processDefId": self.definition["definitionId"],
                "variables": dict({"cascaderarea53999": "", "input58922": "", "daterange29917": None,
                                   "timerange70409": None, "textarea79127": "", "pictureupload96832": None,
                                   "input64189": ""}, **variables)}
        out = self.wo("POST", "/workflow/process/start/", body, user=user)
        self.assertEqual(out["msg"], "流程启动成功")
        self.assertEqual(set(out["data"]), {"TaskId", "ProcessInstanceId"})
        return out["data"]

    def todo_of(self, user, instance):
        rows = [r for r in self.lst("todoList", user)["rows"] if r["procInsId"] == instance]
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    def task(self, op, body, user, code=200, path=None, kind="app"):
        full = dict(TASK_EXAMPLE, **body)
        for k in ("taskName", "procInsId", "targetKey", "assignee", "copyUserIds", "nextUserIds", "userId"):
            if k not in body:
                full[k] = ""
        return self.wo("POST", path or "/workflow/task/" + op, full, user=user, code=code, kind=kind)

    # ------------------------------------------------------------------ the header schemes
    def test_10_headers_and_refusals(self):
        token = self.login("employee")
        good = dict(APP, requestType="app", accessToken=token, Authorization=token)
        path = q("/workflow/process/list", pageNum=1, pageSize=10)
        self.wo("GET", path, headers=good)
        self.wo("GET", path, headers=dict(good, Authorization="Bearer " + token))
        self.wo("GET", path, headers=self.headers("employee", "service"))
        cases = [
            ({k: v for k, v in good.items() if k != "requestType"}, 4000, "requestType"),
            (dict(good, requestType="web"), 4000, "requestType"),
            ({k: v for k, v in good.items() if k != "appID"}, 4101, "appID"),
            ({k: v for k, v in good.items() if k != "secretKey"}, 4101, "secretKey"),
            ({k: v for k, v in good.items() if k != "accessToken"}, 4101, "accessToken"),
            ({k: v for k, v in good.items() if k != "Authorization"}, 4101, "Authorization"),
            (dict(good, secretKey="wrong"), 4001, "appID"),
            (dict(good, appID="99999999"), 4001, "appID"),
            # an application's id used as a service id, and the reverse
            ({"requestType": "service", "serverID": APP["appID"], "secretKey": APP["secretKey"],
              "accessToken": token}, 4001, "serverID"),
            (dict(good, appID=SERVICE["serverID"], secretKey=SERVICE["secretKey"]), 4001, "appID"),
            (dict(good, accessToken="ordo_unknown", Authorization="ordo_unknown"), 4004, "accessToken"),
            (dict(good, Authorization="another"), 4004, "Authorization"),
            ({"requestType": "service", "serverID": SERVICE["serverID"], "secretKey": SERVICE["secretKey"]}, 4101,
             "accessToken"),
        ]
        for headers, code, field in cases:
            out = self.wo("GET", path, headers=headers, code=code)
            self.assertIn(field, out["msg"], (headers, out))
            self.assertIsNone(out["data"])
        # The login refuses a wrong password (4001), an unknown user (4200), a wrong secret (4001).
        h = dict(APP, requestType="app")
        self.wo("POST", "/workflow/auth/login", {"username": "employee", "password": "nope"}, headers=h, code=4001)
        self.wo("POST", "/workflow/auth/login", {"username": "nobody", "password": "x"}, headers=h, code=4200)
        self.wo("POST", "/workflow/auth/login", {"username": "employee", "password": "employee-pass"},
                headers=dict(h, secretKey="bad"), code=4001)
        self.wo("POST", "/workflow/auth/login", {"username": "employee", "password": "employee-pass"},
                headers={}, code=4000)
        # A disabled account: its token answers 4002, its login too; enabled again, it works.
        frank = self.headers("frank")
        self.wo("GET", path, headers=frank)
        self.assertEqual(self.s.request("PUT", N + "/users/frank/disabled", {"disabled": True}).status, 204)
        self.assertEqual(self.wo("GET", path, headers=frank, code=4002)["code"], 4002)
        self.wo("POST", "/workflow/auth/login", {"username": "frank", "password": "frank-pass"}, headers=h, code=4002)
        self.assertEqual(self.s.request("PUT", N + "/users/frank/disabled", {"disabled": False}).status, 204)
        self.wo("GET", path, headers=frank)
        # A client registered by the native API works like one of the config file; deleted, it is unknown.
        self.assertEqual(self.s.request("POST", N + "/clients", {"kind": "app", "id": "app2", "name": "第二应用",
                                                                 "secret": "s2"}).status, 204)
        h2 = {"requestType": "app", "appID": "app2", "secretKey": "s2", "accessToken": token, "Authorization": token}
        self.wo("GET", path, headers=h2)
        listed = self.s.request("GET", N + "/clients").json
        self.assertIn({"kind": "app", "id": "app2"}, [{"kind": c["kind"], "id": c["id"]} for c in listed])
        self.assertNotIn("secret", json.dumps(listed))
        self.assertEqual(self.s.request("DELETE", N + "/clients/app2?kind=app").status, 204)
        self.wo("GET", path, headers=h2, code=4001)

    # ------------------------------------------------------------------ definitions and forms
    def test_20_process_list_and_form(self):
        out = self.wo("GET", q("/workflow/process/list", pageNum=1, pageSize=100))
        self.assertEqual(out["msg"], "查询成功")
        self.assertEqual(out["total"], len(out["rows"]))
        row = [r for r in out["rows"] if r["processKey"] == "woRepair"][0]
        self.assertEqual(list(row), ["definitionId", "processName", "processKey", "category", "version", "formId",
                                     "formName", "deploymentId", "suspended", "deploymentTime", "iconId"])
        self.assertEqual(row["definitionId"], "woRepair:1:%s" % self.definition["id"])
        self.assertEqual(row["processName"], "报修工单")
        self.assertEqual(row["category"], "repair")
        self.assertEqual(row["version"], 1)
        self.assertIsNone(row["formId"])
        self.assertEqual(row["formName"], "repair-start")
        self.assertEqual(row["deploymentId"], self.deployment)
        self.assertIs(row["suspended"], False)
        self.assertRegex(row["deploymentTime"], TIME)
        self.assertIsNone(row["iconId"])
        # Filters: key exact, name substring, category exact; paging.
        self.assertEqual([r["processKey"] for r in self.wo("GET", q("/workflow/process/list", pageNum=1, pageSize=10,
                                                                    processName="报修"))["rows"]], ["woRepair"])
        self.assertEqual(self.wo("GET", q("/workflow/process/list", pageNum=1, pageSize=10,
                                          category="repair"))["total"], 1)
        self.assertEqual(self.wo("GET", q("/workflow/process/list", pageNum=1, pageSize=10,
                                          processKey="nope"))["total"], 0)
        page2 = self.wo("GET", q("/workflow/process/list", pageNum=2, pageSize=1))
        self.assertEqual(len(page2["rows"]), 1)
        self.assertEqual(page2["rows"][0], out["rows"][1])
        # getProcessForm: the start form deployed with the definition.
        form = self.wo("GET", q("/workflow/process/getProcessForm", definitionId=row["definitionId"],
                                deployId=row["deploymentId"]))
        self.assertEqual(form["data"], {"formKey": "repair-start", "formContent": FORM})
        self.wo("GET", q("/workflow/process/getProcessForm", definitionId=row["definitionId"], deployId="424242"),
                code=404)
        self.wo("GET", q("/workflow/process/getProcessForm", definitionId="woRepair:9:999999", deployId="1"), code=404)
        self.wo("GET", q("/workflow/process/getProcessForm", deployId="1"), code=4101)
        started = self.start(location="3-201")
        form = self.wo("GET", q("/workflow/process/getProcessForm", definitionId=row["definitionId"],
                                deployId=row["deploymentId"], procInsId=started["ProcessInstanceId"]))
        self.assertEqual(form["data"]["formContent"]["formData"]["location"], "3-201")
        self.assertEqual(form["data"]["formContent"]["components"], FORM["components"])
        # The task's own form, of its definition version.
        task_form = self.s.request("GET", N + "/tasks/%s/form" % started["TaskId"], user="manager")
        self.assertEqual(task_form.json, {"formKey": "repair-accept", "formContent": ACCEPT_FORM})
        self.assertEqual(self.s.request("GET", N + "/tasks/999999/form", user="manager").status, 404)
        # The start form of exactly one definition version, as the console reads it with a user's credentials.
        start_form = self.s.request("GET", N + "/definitions/%s/start-form" % self.definition["id"], user="employee")
        self.assertEqual(start_form.json, {"formKey": "repair-start", "formContent": FORM})
        missing = self.s.request("GET", N + "/definitions/999999/start-form", user="employee")
        self.assertEqual(missing.status, 404)
        self.assertIn("999999", missing.json["message"])
        self.task("stopProcess", {"procInsId": started["ProcessInstanceId"]}, "employee")

    def test_21_start_forms(self):
        # processDefId (the example), processId (the table), start/{id} (API概述), a key, a plain id.
        for path, body in (("/workflow/process/start", {"processId": self.definition["definitionId"]}),
                           ("/workflow/process/start/" + self.definition["definitionId"], {"variables": {}}),
                           ("/workflow/process/start/woRepair", {}),
                           ("/workflow/process/start", {"processId": self.definition["id"], "variables": "{}"})):
            out = self.wo("POST", path, body)
            self.assertEqual(out["msg"], "流程启动成功")
            ins = out["data"]["ProcessInstanceId"]
            self.assertTrue(ins.isdigit())
            row = self.todo_of("manager", ins)
            self.assertEqual(out["data"]["TaskId"], row["taskId"])
            self.task("stopProcess", {"procInsId": ins}, "employee")
            own = [r for r in self.lst("ownList", "employee")["rows"] if r["procInsId"] == ins][0]
            self.assertEqual(own["processStatus"], "canceled")
        self.wo("POST", "/workflow/process/start", {"variables": {}}, code=4101)
        self.wo("POST", "/workflow/process/start", {"processId": "noSuchProcess"}, code=404)
        self.wo("POST", "/workflow/process/start", {"processId": "woRepair:1:999999"}, code=404)
        self.wo("POST", "/workflow/process/start", {"processId": "woRepair", "variables": [1]}, code=4101)

    # ------------------------------------------------------------------ the repair walk
    def test_30_repair_walk(self):
        started = self.start(location="3-201", detail="水管漏水")
        ins = started["ProcessInstanceId"]
        # 创建工单, the document's example with ids adapted.
        order = self.wo("POST", "/userdefine/workorder/workorder", {
            "systemId": "测试001", "projectId": "", "workorderId": "", "workorderIdExtend": "2,1900115540270891009",
            "processId": "woRepair", "workorderNumber": "", "title": "测试001", "workorderStatus": "",
            "processStatus": "", "source": "", "compensation": "", "evaluate": "", "roomNumber": "3-201",
            "description": "", "attachmentUrls": "",
            "params": {"type": "", "name": "", "code": "", "pos": "", "newName": "", "newCode": "", "result": "",
                       "reson": ""},
            "procInstId": ins, "taskId": started["TaskId"]})
        self.assertEqual(order["data"]["TaskId"], started["TaskId"])
        self.assertEqual(order["data"]["ProcessInstanceId"], ins)
        order_id = order["data"]["id"]
        native = self.s.request("GET", N + "/orders/" + order_id, user="employee").json
        self.assertEqual((native["title"], native["roomNumber"], native["status"], native["processInstanceId"]),
                         ("测试001", "3-201", "handling", ins))
        self.assertTrue(native["number"].startswith("WO"))
        # ownList of the reporter: one row for the instance, where it waits.
        own = [r for r in self.lst("ownList", "employee")["rows"] if r["procInsId"] == ins]
        self.assertEqual(len(own), 1)
        self.assertIsNone(own[0]["taskId"])
        self.assertEqual(own[0]["taskName"], "受理")
        self.assertEqual(own[0]["startUserId"], "employee")
        self.assertEqual(own[0]["startUserName"], "Emma Employee")
        self.assertEqual(own[0]["startDeptName"], "Sales")
        self.assertEqual(own[0]["procDefId"], self.definition["definitionId"])
        self.assertEqual(own[0]["procDefKey"], "woRepair")
        self.assertEqual(own[0]["procDefName"], "报修工单")
        self.assertEqual(own[0]["procDefVersion"], 1)
        self.assertEqual(own[0]["deployId"], self.deployment)
        self.assertEqual(own[0]["hisProcInsId"], ins)
        self.assertEqual(own[0]["category"], "repair")
        self.assertEqual(own[0]["processStatus"], "running")
        self.assertEqual(own[0]["procVars"]["location"], "3-201")
        self.assertEqual(own[0]["procVars"]["initiator"], "employee")
        self.assertIsNone(own[0]["comment"])
        self.assertIsNone(own[0]["commentList"])
        self.assertIsNone(own[0]["finishTime"])
        self.assertRegex(own[0]["proInsCreateTime"], TIME)
        # manager's todo: 受理
        row = self.todo_of("manager", ins)
        self.assertEqual((row["taskName"], row["taskDefKey"], row["assigneeId"], row["assigneeName"], row["deptName"]),
                         ("受理", "accept", "manager", "Mark Manager", "Sales"))
        self.assertEqual(row["taskId"], started["TaskId"])
        self.assertIsNone(row["taskLocalVars"])
        self.assertIsNone(row["finishTime"])
        self.assertRegex(row["createTime"], TIME)
        self.assertEqual(self.lst("todoList", "employee", processName="报修")["rows"], [])
        # 审批: manager completes with a comment, through the service scheme.
        done = self.task("complete", {"taskId": row["taskId"], "comment": "已受理", "variables": {"accepted": True}},
                         "manager", kind="service")
        self.assertEqual(done["data"]["ProcessInstanceId"], ins)
        handle = self.todo_of("director", ins)
        self.assertEqual(done["data"]["TaskId"], handle["taskId"])
        self.assertEqual(handle["taskName"], "维修")
        self.assertEqual(handle["commentList"][0]["fullMessage"], "已受理")
        self.assertEqual(handle["commentList"][0]["type"], "0")
        self.assertEqual(handle["commentList"][0]["userId"], "manager")
        self.assertEqual(handle["commentList"][0]["taskId"], row["taskId"])
        self.assertEqual(handle["commentList"][0]["processInstanceId"], ins)
        self.assertRegex(handle["commentList"][0]["time"], TIME)
        fin = [r for r in self.lst("finishedList", "manager")["rows"] if r["procInsId"] == ins]
        self.assertEqual(len(fin), 1)
        self.assertEqual(fin[0]["comment"], {"type": "0", "comment": "已受理"})
        self.assertRegex(fin[0]["finishTime"], TIME)
        # 退回: director returns it to 受理 (a node it may not return to is 4101).
        self.task("return", {"taskId": handle["taskId"], "targetKey": "confirm", "comment": "x"}, "director", code=4101)
        self.task("return", {"taskId": handle["taskId"], "targetKey": "accept", "comment": "信息不全"}, "director")
        again = self.todo_of("manager", ins)
        self.assertEqual(again["taskDefKey"], "accept")
        returned = [c for c in again["commentList"] if c["fullMessage"] == "信息不全"][0]
        self.assertEqual(returned["type"], "1")
        # 委派: manager delegates to mary, who completes it back to manager; then manager completes.
        self.task("delegate", {"taskId": again["taskId"], "userId": "nobody"}, "manager", code=4200)
        self.task("delegate", {"taskId": again["taskId"], "userId": "mary", "comment": "请协助"}, "manager")
        mary = self.todo_of("mary", ins)
        self.assertEqual(mary["taskId"], again["taskId"])
        self.assertEqual(mary["deptName"], "Sales")
        self.task("complete", {"taskId": mary["taskId"], "comment": "已核实"}, "mary")
        back = self.todo_of("manager", ins)
        self.assertEqual(back["taskId"], again["taskId"])
        self.task("complete", {"taskId": back["taskId"], "comment": "重新受理"}, "manager")
        # 转办 (the document's path, with its space): director hands 维修 to mary.
        handle = self.todo_of("director", ins)
        self.task("transfer", {"taskId": handle["taskId"], "userId": "mary"}, "director", path="/workflow/task/%20transfer")
        self.assertEqual([r for r in self.lst("todoList", "director")["rows"] if r["procInsId"] == ins], [])
        fixed = self.todo_of("mary", ins)
        self.assertEqual(fixed["taskName"], "维修")
        self.task("complete", {"taskId": fixed["taskId"], "comment": "已修好", "copyUserIds": "admin"}, "mary")
        # copyUserIds: admin got a cc message of the instance.
        self.assertIn(ins, [m["processInstanceId"] for m in self.s.request("GET", E + "/ordo/inbox?type=cc").json])
        # 确认 by the reporter ends it: completed everywhere, the work order closed.
        confirm = self.todo_of("employee", ins)
        last = self.task("complete", {"taskId": confirm["taskId"], "comment": "满意"}, "employee")
        self.assertEqual(last["data"]["TaskId"], "")
        own = [r for r in self.lst("ownList", "employee")["rows"] if r["procInsId"] == ins][0]
        self.assertEqual(own["processStatus"], "completed")
        self.assertRegex(own["finishTime"], TIME)
        self.assertEqual([c["fullMessage"] for c in own["commentList"]],
                         ["已受理", "信息不全", "请协助", "已核实", "重新受理", "string", "已修好", "满意"])  # the transfer sent the example's "string"
        mary_done = [r for r in self.lst("finishedList", "mary")["rows"] if r["procInsId"] == ins]
        self.assertEqual([r["taskName"] for r in mary_done], ["维修"])  # the delegated one she resolved, not completed
        self.assertTrue(all(r["processStatus"] == "completed" for r in mary_done))
        self.assertEqual(self.s.request("GET", N + "/orders/" + order_id, user="employee").json["status"], "closed")
        # 评价: once, by the reporter, 1..5.
        ev = N + "/orders/%s/evaluation" % order_id
        self.assertEqual(self.s.request("POST", ev, {"score": 9}, user="employee").status, 400)
        self.assertEqual(self.s.request("POST", ev, {"score": 5, "comment": "很快"}, user="manager").status, 404)
        self.assertEqual(self.s.request("POST", ev, {"score": 5, "comment": "很快"}, user="employee").status, 204)
        self.assertEqual(self.s.request("POST", ev, {"score": 4}, user="employee").status, 409)
        got = self.s.request("GET", N + "/orders/" + order_id, user="employee").json
        self.assertEqual((got["evaluation"]["score"], got["evaluation"]["comment"]), (5, "很快"))
        mine = self.s.request("GET", N + "/orders?status=closed", user="employee")
        self.assertIn(order_id, [o["id"] for o in mine.json])

    def test_31_reject_and_delete(self):
        a = self.start()
        row = self.todo_of("manager", a["ProcessInstanceId"])
        self.task("reject", {"taskId": row["taskId"], "comment": "不予受理"}, "manager")
        own = [r for r in self.lst("ownList", "employee")["rows"] if r["procInsId"] == a["ProcessInstanceId"]][0]
        self.assertEqual(own["processStatus"], "terminated")
        self.assertEqual(own["commentList"][-1]["type"], "2", own["commentList"])
        b = self.start()
        self.task("delete", {"taskId": b["TaskId"]}, "manager", code=4001)  # not the initiator
        self.task("delete", {"taskId": b["TaskId"]}, "employee")
        self.task("complete", {"taskId": b["TaskId"]}, "manager", code=404)
        c = self.start()
        self.task("transfer", {"taskId": c["TaskId"], "userId": "director", "comment": "请处理"}, "manager")
        self.assertEqual(self.todo_of("director", c["ProcessInstanceId"])["taskId"], c["TaskId"])
        self.task("stopProcess", {"taskId": c["TaskId"]}, "employee")

    def test_32_time_filters(self):
        a = self.start()
        rows = self.lst("ownList", "employee", proStartBeginTime="2000-01-01 00:00:00")["rows"]
        self.assertIn(a["ProcessInstanceId"], [r["procInsId"] for r in rows])
        rows = self.lst("ownList", "employee", proStartEndTime="2000-01-01 00:00:00")["rows"]
        self.assertEqual(rows, [])
        rows = self.lst("todoList", "manager", proStartBeginTime="2000-01-01")["rows"]
        self.assertIn(a["ProcessInstanceId"], [r["procInsId"] for r in rows])
        self.wo("GET", q("/workflow/process/ownList", pageNum=1, pageSize=5, proStartBeginTime="yesterday"), code=4101)
        self.task("stopProcess", {"taskId": a["TaskId"]}, "employee")

    # ------------------------------------------------------------------ applications, categories
    def test_40_app_and_synthesis_lists(self):
        token = self.login("employee")
        out = self.wo("GET", q("/WorkOrder/app/list", accessToken=token, pageNo=1, pageSize=10))
        self.assertEqual(out["msg"], "操作成功")
        app = [a for a in out["data"] if a["appId"] == APP["appID"]][0]
        self.assertEqual(app, {"appId": APP["appID"], "applicationName": "统一工单中心",
                               "applicationId": "3b0ffd250acd400ea57fe23bd211c316",
                               "applicationSecret": APP["secretKey"], "appFlag": "0", "images": "http://x/mhyysc.png"})
        self.wo("GET", q("/WorkOrder/app/list", accessToken="other", pageNo=1, pageSize=10), code=4101)
        self.wo("GET", q("/WorkOrder/app/list", accessToken=token, pageSize=10), code=4101)
        for body in ({"id": "1878001583559983106", "name": "33-工单-综合", "description": ""},
                     {"id": "c-water", "name": "水电", "parentId": "1878001583559983106", "sort": 1}):
            self.assertEqual(self.s.request("POST", N + "/categories", body).status, 204)
        # A cycle and an unknown parent are refused.
        self.assertEqual(self.s.request("POST", N + "/categories", {"id": "1878001583559983106", "name": "x",
                                                                    "parentId": "c-water"}).status, 400)
        self.assertEqual(self.s.request("POST", N + "/categories", {"id": "y", "name": "y", "parentId": "zz"}).status, 400)
        out = self.wo("GET", q("/synthesis/list", accessToken=token, pageNo=1, pageSize=10))
        self.assertEqual(out["data"], [
            {"synthesisId": "1878001583559983106", "parentId": None, "categoryName": "33-工单-综合", "description": "",
             "childFlag": "1"},
            {"synthesisId": "c-water", "parentId": "1878001583559983106", "categoryName": "水电", "description": "",
             "childFlag": "0"}])
        self.assertEqual(self.s.request("POST", N + "/types", {
            "id": "1900115540270891009", "name": "报修", "categoryId": "c-water", "scenario": "报修", "systemId": "测试001",
            "projectId": "p1", "processKey": "woRepair", "supervisors": ["director"], "slaDuration": "PT4H"}).status, 204)
        self.assertEqual(self.s.request("POST", N + "/types", {"id": "t2", "name": "x", "categoryId": "none"}).status, 404)
        types = self.s.request("GET", N + "/types", user="employee").json
        self.assertEqual(types[0]["processKey"], "woRepair")
        self.assertEqual(len(self.s.request("GET", N + "/categories", user="employee").json), 2)
        # A work order of that type.
        a = self.start()
        made = self.wo("POST", "/userdefine/workorder/workorder", {
            "processId": self.definition["definitionId"], "taskId": a["TaskId"], "params": {"pos": "1-1"},
            "systemId": "测试001", "projectId": "p1", "title": "灯坏了", "workorderId": "1900115540270891009",
            "compensation": "1", "attachmentUrls": ["http://x/a.png"]})
        got = self.s.request("GET", N + "/orders/" + made["data"]["id"], user="employee").json
        self.assertEqual((got["typeId"], got["compensation"], got["attachments"], got["formData"]),
                         ("1900115540270891009", "paid", ["http://x/a.png"], {"pos": "1-1"}))
        self.task("stopProcess", {"procInsId": a["ProcessInstanceId"]}, "employee")
        self.assertEqual(self.s.request("GET", N + "/orders/" + made["data"]["id"], user="employee").json["status"],
                         "cancelled")
        self.assertEqual(self.s.request("GET", N + "/orders/" + made["data"]["id"], user="mary").status, 404)

    def test_41_publication(self):
        d = self.definition["id"]
        self.assertEqual(self.s.request("PUT", N + "/definitions/%s/publication" % d, {"publication": "published"}).status, 204)
        a = self.start()
        self.assertEqual(self.s.request("PUT", N + "/definitions/%s/publication" % d, {"publication": "offline"}).status, 204)
        self.wo("POST", "/workflow/process/start", {"processId": self.definition["definitionId"]}, code=404)
        keys = [r["processKey"] for r in self.wo("GET", q("/workflow/process/list", pageNum=1, pageSize=100))["rows"]]
        self.assertNotIn("woRepair", keys)
        # The running one continues.
        row = self.todo_of("manager", a["ProcessInstanceId"])
        self.task("complete", {"taskId": row["taskId"]}, "manager")
        self.assertEqual(self.s.request("PUT", N + "/definitions/%s/publication" % d, {"publication": "nope"}).status, 400)
        self.assertEqual(self.s.request("PUT", N + "/definitions/%s/publication" % d, {"publication": "published"}).status, 204)
        self.task("stopProcess", {"procInsId": a["ProcessInstanceId"]}, "employee")

    # ------------------------------------------------------------------ bad input, nothing changed
    def test_50_bad_input_changes_nothing(self):
        a = self.start()
        for user in ("employee", "manager", "mary"):
            self.login(user)
        before = self.s.dump()
        post_routes = ["/workflow/task/complete", "/workflow/task/reject", "/workflow/task/delegate",
                       "/workflow/task/transfer", "/workflow/task/%20transfer", "/workflow/task/stopProcess",
                       "/workflow/task/return", "/workflow/task/delete", "/workflow/process/start",
                       "/workflow/process/start/woRepair", "/userdefine/workorder/workorder"]
        for path in post_routes:
            out = self.wo("POST", path, raw=b'{"taskId": ', user="manager", code=4101)
            self.assertIn("body", out["msg"])
            self.wo("POST", path, raw=b'["an", "array"]', user="manager", code=4101)
        for path in post_routes[:8]:
            self.wo("POST", path, {"taskId": 12345}, user="manager", code=4101)
            self.wo("POST", path, {"taskId": "999999", "procInsId": "999999", "userId": "mary", "targetKey": "accept"},
                    user="manager", code=404)
            self.wo("POST", path, {"taskId": "not-an-id", "procInsId": "x", "userId": "mary", "targetKey": "accept"},
                    user="manager", code=404)
        for op in ("complete", "reject", "delegate", "transfer", "return", "delete"):
            out = self.wo("POST", "/workflow/task/" + op, {"comment": "x"}, user="manager", code=4101)
            self.assertIn("taskId", out["msg"])
        self.assertIn("userId", self.wo("POST", "/workflow/task/delegate", {"taskId": a["TaskId"]}, user="manager",
                                        code=4101)["msg"])
        self.assertIn("targetKey", self.wo("POST", "/workflow/task/return", {"taskId": a["TaskId"]}, user="manager",
                                           code=4101)["msg"])
        self.assertIn("procInsId", self.wo("POST", "/workflow/task/stopProcess", {}, user="employee", code=4101)["msg"])
        self.wo("POST", "/workflow/task/transfer", {"taskId": a["TaskId"], "userId": "nobody"}, user="manager", code=4200)
        self.wo("POST", "/workflow/task/complete", {"taskId": a["TaskId"], "copyUserIds": "nobody"}, user="manager",
                code=4200)
        self.wo("POST", "/workflow/task/complete", {"taskId": a["TaskId"], "variables": 5}, user="manager", code=4101)
        self.wo("POST", "/workflow/task/complete", {"taskId": a["TaskId"]}, user="mary", code=4001)
        # Work orders: a field missing, of the wrong type, an unknown task or instance.
        order = {"processId": "woRepair", "taskId": a["TaskId"], "params": {}, "systemId": "s", "projectId": "p",
                 "title": "t"}
        for field in ("processId", "taskId", "params", "systemId", "projectId", "title"):
            out = self.wo("POST", "/userdefine/workorder/workorder", {k: v for k, v in order.items() if k != field},
                          code=4101)
            self.assertIn(field, out["msg"])
        self.wo("POST", "/userdefine/workorder/workorder", dict(order, title=5), code=4101)
        self.wo("POST", "/userdefine/workorder/workorder", dict(order, params="not json"), code=4101)
        self.wo("POST", "/userdefine/workorder/workorder", dict(order, taskId="999999"), code=404)
        self.wo("POST", "/userdefine/workorder/workorder", dict(order, taskId="", procInstId="999999"), code=404)
        self.wo("POST", "/userdefine/workorder/workorder", dict(order, processId="leaveApproval"), code=404)
        self.wo("POST", "/userdefine/workorder/workorder", dict(order, workorderId="no-such-type"), code=404)
        self.wo("POST", "/userdefine/workorder/workorder", dict(order, compensation="maybe"), code=4101)
        self.wo("POST", "/userdefine/workorder/workorder", order, user="mary", code=4001)
        # Query parameters: missing, not integers, out of range.
        for path in ("/workflow/process/list", "/workflow/process/ownList", "/workflow/process/todoList",
                     "/workflow/process/finishedList"):
            self.assertIn("pageNum", self.wo("GET", q(path, pageSize=10), code=4101)["msg"])
            self.assertIn("pageSize", self.wo("GET", q(path, pageNum=1), code=4101)["msg"])
            self.assertIn("pageNum", self.wo("GET", q(path, pageNum="one", pageSize=10), code=4101)["msg"])
            self.assertIn("pageSize", self.wo("GET", q(path, pageNum=1, pageSize=0), code=4101)["msg"])
        token = self.login("employee")
        for path in ("/WorkOrder/app/list", "/synthesis/list"):
            self.assertIn("pageNo", self.wo("GET", q(path, accessToken=token, pageNo="x", pageSize=1), code=4101)["msg"])
            self.assertIn("accessToken", self.wo("GET", q(path, pageNo=1, pageSize=1), code=4101)["msg"])
        # Unknown paths and methods under the dialect: its envelope, 404.
        self.assertEqual(self.wo("GET", "/workflow/no/such", code=404)["data"], None)
        self.wo("GET", "/workflow/task/complete", code=404)
        self.wo("POST", "/synthesis/nothing", {}, code=404)
        self.assertEqual(self.s.dump(), before)
        self.task("stopProcess", {"procInsId": a["ProcessInstanceId"]}, "employee")

    def test_51_paths_as_the_document_writes_them(self):
        # Without the leading slash (WorkOrder/app/list, synthesis/list): sent as the request target.
        token = self.login("employee")
        h = self.headers("employee")
        sock = socket.create_connection((self.s.host, self.s.port))
        lines = ["GET WorkOrder/app/list?accessToken=%s&pageNo=1&pageSize=5 HTTP/1.1" % token, "Host: x",
                 "Connection: close"] + ["%s: %s" % kv for kv in h.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        sock.close()
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertIn(b"200", head.split(b"\r\n")[0])
        self.assertEqual(json.loads(body)["code"], 200)

    # ------------------------------------------------------------------ the route table
    def test_99_every_route_answered(self):
        self.assertEqual(routes_without_success(self.s, lambda p: is_dialect(p) and not is_report(p)), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
