"""The DingTalk dialect (seed 002) against the real server: gettoken, every official-approval
route with DingTalk's documented bodies (ids adapted), every answer field checked; a leave
request from start to approval seen in the users' lists; or-sign by execute (the other
members' tasks become CANCELED); bad input for every route answered with DingTalk's errcode
and nothing changed. Errors are HTTP 200 too, so route coverage is asserted here: every
dialect route of `ordo-server --routes` must have answered errcode 0 once."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MODELS, SAMPLES, SERVER, USERS, Server, q  # noqa: E402

USERS["lisi"] = "lisi-pass"

APP = {"appkey": "dingapp", "appsecret": "dingsecret", "tenant": ""}
CONFIG = {
    "dialects": {"dingtalk": {"apps": [APP, {"appkey": "acmeapp", "appsecret": "acmesecret", "tenant": "acme"}]}},
    "users": [{"id": "zhangsan", "name": "张三", "department": "sales"},
              {"id": "lisi", "name": "李四", "password": "lisi-pass"}, {"id": "wangwu", "name": "王五"}, {"id": "zhaoliu", "name": "赵六"},
              {"id": "acmeuser", "name": "ACME 用户", "tenant": "acme"}],
}
DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
SUCCEEDED = set()


def is_dialect(path):
    return path.startswith("/topapi/") or path == "/gettoken"


class DingTalk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(config=CONFIG, deploy=(SAMPLES, os.path.join(MODELS, "dingtalk")), extra_args=["--test-clock"])
        cls.token = cls.gettoken()

    @classmethod
    def tearDownClass(cls):
        code = cls.s.stop()
        assert code == 0, "ordo-server exited %s: %s" % (code, open(cls.s.stderr.name).read()[-2000:])

    @classmethod
    def gettoken(cls, key=APP["appkey"], secret=APP["appsecret"]):
        r = cls.s.request("GET", q("/gettoken", appkey=key, appsecret=secret), user=None)
        assert r.status == 200, r
        body = r.json
        if body["errcode"] == 0:
            SUCCEEDED.add(("GET", "/gettoken"))
        return body.get("access_token"), body

    # ------------------------------------------------------------------ helpers
    def raw(self, path, body=None, token=None, raw=None, headers=None):
        token = self.token[0] if token is None else token
        target = q(path, access_token=token) if token != "" else path
        r = self.s.request("POST", target, body, user=None, raw=raw, headers=headers)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("content-type"), "application/json")
        out = r.json
        self.assertIsInstance(out["errcode"], int, out)
        self.assertIsInstance(out["errmsg"], str, out)
        self.assertIsInstance(out["request_id"], str, out)
        self.assertTrue(out["request_id"], out)
        return out

    def ok(self, path, body, **kw):
        out = self.raw(path, body, **kw)
        self.assertEqual(out["errcode"], 0, out)
        self.assertEqual(out["errmsg"], "ok")
        SUCCEEDED.add(("POST", path))
        return out

    def refused(self, code, path, body=None, raw=None, token=None):
        before = self.s.dump()
        out = self.raw(path, body, raw=raw, token=token)
        self.assertEqual(out["errcode"], code, (path, body, raw, out))
        self.assertTrue(out["errmsg"], out)
        self.assertEqual(self.s.dump(), before, (path, body, raw, "changed the database"))
        return out

    def create(self, code="leaveApproval", user="zhangsan", **form):
        values = [{"name": k, "value": v if isinstance(v, str) else json.dumps(v)} for k, v in form.items()]
        out = self.ok("/topapi/processinstance/create",
                      {"agent_id": 41605932, "process_code": code, "originator_user_id": user, "dept_id": -1,
                       "form_component_values": values})
        self.assertEqual(set(out), {"errcode", "errmsg", "request_id", "process_instance_id"})
        self.assertRegex(out["process_instance_id"], r"^\d+$")
        return out["process_instance_id"]

    def get(self, pid):
        out = self.ok("/topapi/processinstance/get", {"process_instance_id": pid})
        return out["process_instance"]

    def execute(self, pid, user, task_id, result="agree", remark="同意"):
        out = self.ok("/topapi/process/instance/execute",
                      {"request": {"process_instance_id": pid, "actioner_userid": user, "task_id": int(task_id),
                                   "result": result, "remark": remark}})
        self.assertIs(out["result"], True)

    def running(self, inst, user):
        return [t for t in inst["tasks"] if t["userid"] == user and t["task_status"] == "RUNNING"]

    def todo(self, user):
        out = self.ok("/topapi/process/gettodonum", {"userid": user})
        self.assertIsInstance(out["count"], int)
        return out["count"]

    # ------------------------------------------------------------------ gettoken
    def test_gettoken(self):
        token, body = self.gettoken()
        self.assertEqual(set(body), {"errcode", "errmsg", "access_token", "expires_in", "request_id"})
        self.assertEqual(body["errmsg"], "ok")
        self.assertEqual(body["expires_in"], 7200)
        self.assertRegex(token, r"^[A-Za-z0-9_-]{20,}$")
        self.assertNotEqual(token, self.token[0])  # each gettoken issues one; both work
        self.assertEqual(self.raw("/topapi/process/gettodonum", {"userid": "lisi"}, token=token)["errcode"], 0)
        _, bad = self.gettoken(secret="wrong")
        self.assertEqual(bad["errcode"], 40089)
        self.assertNotIn("access_token", bad)
        _, bad = self.gettoken(key="nobody")
        self.assertEqual(bad["errcode"], 40089)
        r = self.s.request("GET", q("/gettoken", appkey="dingapp"), user=None).json
        self.assertEqual(r["errcode"], 40035)
        self.assertIn("appsecret", r["errmsg"])

    # ------------------------------------------------------------------ leave: start to approval
    def test_leave_request_start_to_approval(self):
        before = self.todo("manager")
        pid = self.create(days=2, manager="manager", reason="回家")
        self.assertEqual(self.todo("manager"), before + 1)
        inst = self.get(pid)
        self.assertEqual(inst["title"], "张三提交的Leave approval")
        self.assertRegex(inst["create_time"], DATE)
        self.assertEqual(inst["finish_time"], "")
        self.assertEqual(inst["originator_userid"], "zhangsan")
        self.assertEqual(inst["originator_dept_id"], "sales")
        self.assertEqual((inst["status"], inst["result"]), ("RUNNING", ""))
        self.assertEqual(inst["business_id"], "")
        self.assertEqual(inst["cc_userids"], [])
        forms = {f["name"]: f for f in inst["form_component_values"]}
        self.assertEqual(forms["days"], {"name": "days", "value": "2", "ext_value": ""})
        self.assertEqual(forms["reason"]["value"], "回家")
        self.assertEqual(inst["operation_records"],
                         [{"userid": "zhangsan", "date": inst["create_time"], "operation_type": "START_PROCESS_INSTANCE",
                           "operation_result": "NONE", "remark": ""}])
        self.assertEqual(len(inst["tasks"]), 1)
        task = inst["tasks"][0]
        self.assertEqual(set(task), {"userid", "task_status", "task_result", "create_time", "finish_time", "taskid",
                                     "activity_id", "url"})
        self.assertEqual((task["userid"], task["task_status"], task["task_result"], task["activity_id"]),
                         ("manager", "RUNNING", "NONE", "managerApproval"))
        self.assertRegex(task["create_time"], DATE)
        self.assertEqual(task["finish_time"], "")
        # The originator's list of started approvals.
        ids = self.ok("/topapi/processinstance/listids",
                      {"process_code": "leaveApproval", "start_time": 1, "userid_list": "zhangsan", "size": 20})
        self.assertIn(pid, ids["result"]["list"])
        self.execute(pid, "manager", task["taskid"], remark="好的")
        self.assertEqual(self.todo("manager"), before)
        inst = self.get(pid)
        self.assertEqual((inst["status"], inst["result"]), ("COMPLETED", "agree"))
        self.assertRegex(inst["finish_time"], DATE)
        self.assertEqual(inst["tasks"][0]["task_status"], "COMPLETED")
        self.assertEqual(inst["tasks"][0]["task_result"], "AGREE")
        self.assertRegex(inst["tasks"][0]["finish_time"], DATE)
        kinds = [(r["userid"], r["operation_type"], r["operation_result"], r["remark"]) for r in inst["operation_records"]]
        self.assertEqual(kinds, [("zhangsan", "START_PROCESS_INSTANCE", "NONE", ""),
                                 ("manager", "EXECUTE_TASK_NORMAL", "AGREE", "好的"),
                                 ("", "FINISH_PROCESS_INSTANCE", "NONE", "")])
        # The same instance in Ordo's own lists (one engine, one directory).
        lists = self.s.request("GET", q("/engine-rest/ordo/lists", userId="manager"), user="admin")
        self.assertEqual(lists.status, 200, lists)
        self.assertGreaterEqual(lists.json["done"], 1)
        lists = self.s.request("GET", q("/engine-rest/ordo/lists", userId="zhangsan"), user="admin").json
        self.assertGreaterEqual(lists["started"], 1)

    def test_refuse_ends_the_leave_request_refused(self):
        pid = self.create(days=1, manager="manager")
        task = self.running(self.get(pid), "manager")[0]
        self.execute(pid, "manager", task["taskid"], result="refuse", remark="不行")
        inst = self.get(pid)
        self.assertEqual((inst["status"], inst["result"]), ("COMPLETED", "refuse"))
        self.assertEqual(inst["tasks"][0]["task_result"], "REFUSE")
        self.assertIn(("manager", "EXECUTE_TASK_NORMAL", "REFUSE", "不行"),
                      [(r["userid"], r["operation_type"], r["operation_result"], r["remark"])
                       for r in inst["operation_records"]])

    # ------------------------------------------------------------------ or-sign by execute
    def test_or_sign_execute_cancels_the_other_members(self):
        before = {u: self.todo(u) for u in ("lisi", "zhaoliu")}
        pid = self.create("orSign", approvers=["lisi", "wangwu", "zhaoliu"])
        inst = self.get(pid)
        self.assertEqual(sorted(t["userid"] for t in inst["tasks"]), ["lisi", "wangwu", "zhaoliu"])
        self.assertTrue(all(t["task_status"] == "RUNNING" for t in inst["tasks"]))
        self.assertEqual(self.todo("zhaoliu"), before["zhaoliu"] + 1)
        mine = self.running(inst, "wangwu")[0]
        self.execute(pid, "wangwu", mine["taskid"])
        inst = self.get(pid)
        states = {t["userid"]: (t["task_status"], t["task_result"]) for t in inst["tasks"]}
        self.assertEqual(states, {"wangwu": ("COMPLETED", "AGREE"), "lisi": ("CANCELED", "NONE"),
                                  "zhaoliu": ("CANCELED", "NONE")})
        self.assertEqual(inst["status"], "COMPLETED")
        self.assertEqual(self.todo("zhaoliu"), before["zhaoliu"])
        self.assertEqual(self.todo("lisi"), before["lisi"])
        # A cancelled member's task can no longer be executed.
        other = [t for t in inst["tasks"] if t["userid"] == "lisi"][0]
        self.refused(40035, "/topapi/process/instance/execute",
                     {"request": {"process_instance_id": pid, "actioner_userid": "lisi",
                                  "task_id": int(other["taskid"]), "result": "agree"}})

    # ------------------------------------------------------------------ per-instance approver chains
    def chain(self, **extra):
        body = dict({"process_code": "approvalChain", "originator_user_id": "zhangsan",
                     "form_component_values": [{"name": "事由", "value": "出差"}]}, **extra)
        return self.ok("/topapi/processinstance/create", body)["process_instance_id"]

    def test_approvers_run_one_after_the_other(self):
        pid = self.chain(approvers="lisi,wangwu")
        inst = self.get(pid)
        self.assertEqual([(t["userid"], t["task_status"]) for t in inst["tasks"]], [("lisi", "RUNNING")])
        self.execute(pid, "lisi", inst["tasks"][0]["taskid"])
        inst = self.get(pid)
        self.assertEqual([(t["userid"], t["task_status"]) for t in inst["tasks"]],
                         [("lisi", "COMPLETED"), ("wangwu", "RUNNING")])
        self.execute(pid, "wangwu", self.running(inst, "wangwu")[0]["taskid"])
        self.assertEqual((self.get(pid)["status"], self.get(pid)["result"]), ("COMPLETED", "agree"))

    def test_approvers_v2_or_then_and(self):
        pid = self.chain(approvers_v2=[{"task_action_type": "OR", "user_ids": ["lisi", "wangwu"]},
                                       {"task_action_type": "AND", "user_ids": ["zhaoliu", "zhangsan"]}])
        inst = self.get(pid)
        self.assertEqual(sorted(t["userid"] for t in inst["tasks"]), ["lisi", "wangwu"])
        self.execute(pid, "wangwu", self.running(inst, "wangwu")[0]["taskid"])
        inst = self.get(pid)
        states = sorted((t["userid"], t["task_status"]) for t in inst["tasks"])
        self.assertEqual(states, [("lisi", "CANCELED"), ("wangwu", "COMPLETED"), ("zhangsan", "RUNNING"),
                                  ("zhaoliu", "RUNNING")])
        self.execute(pid, "zhaoliu", self.running(inst, "zhaoliu")[0]["taskid"])
        inst = self.get(pid)
        self.assertEqual(inst["status"], "RUNNING")  # AND: zhangsan still has to approve
        self.execute(pid, "zhangsan", self.running(inst, "zhangsan")[0]["taskid"])
        self.assertEqual(self.get(pid)["status"], "COMPLETED")
        form = {"process_code": "approvalChain", "originator_user_id": "zhangsan", "form_component_values": []}
        self.refused(40035, "/topapi/processinstance/create",
                     dict(form, approvers_v2=[{"task_action_type": "XOR", "user_ids": ["lisi"]}]))
        self.refused(40035, "/topapi/processinstance/create",
                     dict(form, approvers_v2=[{"task_action_type": "NONE", "user_ids": ["lisi", "wangwu"]}]))
        self.refused(40035, "/topapi/processinstance/create",
                     dict(form, approvers_v2=[{"task_action_type": "AND", "user_ids": []}]))
        self.refused(40035, "/topapi/processinstance/create",
                     dict(form, approvers="lisi", approvers_v2=[{"task_action_type": "AND", "user_ids": ["lisi"]}]))
        self.refused(33012, "/topapi/processinstance/create",
                     dict(form, approvers_v2=[{"task_action_type": "OR", "user_ids": ["lisi", "ghost"]}]))
        self.refused(33012, "/topapi/processinstance/create", dict(form, approvers=["ghost"]))

    # ------------------------------------------------------------------ terminate, comment, cc
    def test_terminate_as_the_system_and_as_the_originator(self):
        pid = self.create(days=1, manager="manager")
        self.refused(60011, "/topapi/process/instance/terminate",
                     {"request": {"process_instance_id": pid, "is_system": False, "operating_userid": "lisi"}})
        out = self.ok("/topapi/process/instance/terminate",
                      {"request": {"process_instance_id": pid, "is_system": True, "remark": "系统撤销"}})
        self.assertEqual((out["result"], out["success"]), (True, True))
        inst = self.get(pid)
        self.assertEqual((inst["status"], inst["result"]), ("TERMINATED", ""))
        self.assertEqual(inst["operation_records"][-1]["operation_type"], "TERMINATE_PROCESS_INSTANCE")
        self.assertEqual(inst["operation_records"][-1]["userid"], "")  # the system, no user
        self.assertEqual(inst["operation_records"][-1]["remark"], "系统撤销")
        self.assertEqual(inst["tasks"][0]["task_status"], "CANCELED")
        pid = self.create(days=1, manager="manager")
        self.ok("/topapi/process/instance/terminate",
                {"request": {"process_instance_id": pid, "is_system": False, "remark": "不请了",
                             "operating_userid": "zhangsan"}})
        last = self.get(pid)["operation_records"][-1]
        self.assertEqual((last["userid"], last["operation_type"]), ("zhangsan", "TERMINATE_PROCESS_INSTANCE"))

    def test_comment_add_is_an_operation_record(self):
        pid = self.create(days=1, manager="manager")
        out = self.ok("/topapi/process/instance/comment/add",
                      {"request": {"process_instance_id": pid, "text": "请尽快审批", "comment_userid": "zhangsan"}})
        self.assertEqual((out["result"], out["success"]), (True, True))
        rec = self.get(pid)["operation_records"][-1]
        self.assertEqual(rec["userid"], "zhangsan")
        self.assertEqual(rec["operation_type"], "ADD_REMARK")
        self.assertEqual(rec["operation_result"], "NONE")
        self.assertEqual(rec["remark"], "请尽快审批")
        self.assertRegex(rec["date"], DATE)
        self.refused(60011, "/topapi/process/instance/comment/add",
                     {"request": {"process_instance_id": pid, "text": "x", "comment_userid": "zhaoliu"}})

    def test_cc_list_at_create(self):
        out = self.ok("/topapi/processinstance/create",
                      {"process_code": "leaveApproval", "originator_user_id": "zhangsan", "cc_list": "lisi,wangwu",
                       "cc_position": "START",
                       "form_component_values": [{"name": "days", "value": "1"}, {"name": "manager", "value": "manager"}]})
        inst = self.get(out["process_instance_id"])
        self.assertEqual(inst["cc_userids"], ["lisi", "wangwu"])
        self.assertIn("PROCESS_CC", [r["operation_type"] for r in inst["operation_records"]])
        lists = self.s.request("GET", q("/engine-rest/ordo/lists", userId="lisi"), user="admin")
        self.assertEqual(lists.status, 200, lists)
        self.assertGreaterEqual(lists.json["cc"], 1)

    def test_another_tenants_instances_are_unknown(self):
        acme, _ = self.gettoken("acmeapp", "acmesecret")
        ours = self.create(days=1, manager="manager")
        out = self.ok("/topapi/processinstance/create",
                      {"process_code": "leaveApproval", "originator_user_id": "acmeuser",
                       "form_component_values": [{"name": "days", "value": "1"}, {"name": "manager", "value": "acmeuser"}]},
                      token=acme)
        theirs = out["process_instance_id"]
        self.assertEqual(self.get(ours)["originator_userid"], "zhangsan")
        other = self.refused(40035, "/topapi/processinstance/get", {"process_instance_id": ours}, token=acme)
        unknown = self.refused(40035, "/topapi/processinstance/get", {"process_instance_id": "99999999"}, token=acme)
        self.assertEqual(other["errmsg"].replace(ours, "N"), unknown["errmsg"].replace("99999999", "N"))
        self.refused(40035, "/topapi/processinstance/get", {"process_instance_id": theirs})
        self.refused(40035, "/topapi/process/instance/terminate",
                     {"request": {"process_instance_id": theirs, "is_system": True}})
        # A user of the default tenant is unknown to the acme application.
        self.refused(33012, "/topapi/process/gettodonum", {"userid": "zhangsan"}, token=acme)
        self.assertEqual(self.ok("/topapi/process/gettodonum", {"userid": "acmeuser"}, token=acme)["count"], 1)
        ids = self.ok("/topapi/processinstance/listids", {"process_code": "leaveApproval", "start_time": 1,
                                                          "size": 20}, token=acme)["result"]["list"]
        self.assertEqual(ids, [theirs])

    # ------------------------------------------------------------------ listids, names, templates
    def test_listids_time_range_users_and_cursor(self):
        clock = self.s.request("GET", "/engine-rest/ordo/test/clock", user="admin").json["nowMillis"]
        self.s.request("POST", "/engine-rest/ordo/test/clock", {"advanceMillis": 1000}, user="admin")
        mine = [self.create(days=1, manager="manager", user="lisi") for _ in range(3)]
        body = {"process_code": "leaveApproval", "start_time": clock + 1, "size": 2, "userid_list": "lisi"}
        first = self.ok("/topapi/processinstance/listids", body)["result"]
        self.assertEqual(len(first["list"]), 2)
        self.assertEqual(first["next_cursor"], 2)
        second = self.ok("/topapi/processinstance/listids", dict(body, cursor=2))["result"]
        self.assertEqual(len(second["list"]), 1)
        self.assertNotIn("next_cursor", second)
        self.assertEqual(sorted(first["list"] + second["list"]), sorted(mine))
        none = self.ok("/topapi/processinstance/listids", dict(body, start_time=1, end_time=clock))["result"]
        self.assertEqual(none, {"list": []})
        both = self.ok("/topapi/processinstance/listids", dict(body, userid_list="lisi,wangwu", size=20))["result"]
        self.assertEqual(sorted(both["list"]), sorted(mine))

    def test_get_by_name_and_listbyuserid(self):
        out = self.ok("/topapi/process/get_by_name", {"name": "Leave approval"})
        self.assertEqual(out["process_code"], "leaveApproval")
        self.refused(40035, "/topapi/process/get_by_name", {"name": "没有这个模板"})
        out = self.ok("/topapi/process/listbyuserid", {"userid": "zhangsan", "offset": 0, "size": 100})
        codes = {p["process_code"]: p for p in out["result"]["process_list"]}
        self.assertEqual(codes["leaveApproval"], {"name": "Leave approval", "icon_url": "", "process_code":
                                                  "leaveApproval", "url": ""})
        self.assertNotIn("next_cursor", out["result"])
        page = self.ok("/topapi/process/listbyuserid", {"userid": "zhangsan", "size": 1})["result"]
        self.assertEqual(len(page["process_list"]), 1)
        self.assertEqual(page["next_cursor"], 1)


    # ------------------------------------------------------------------ own workflow (自有工作流)
    def save_template(self, name):
        out = self.ok("/topapi/process/save", {"saveProcessRequest": {
            "agentid": 41605932, "name": name, "description": "请假审批 (mirrored)", "fake_mode": True,
            "form_component_list": [{"component_name": "TextField", "props": {"id": "TextField-1", "label": "请假天数",
                                                                              "required": True}}]}})
        code = out["result"]["process_code"]
        self.assertRegex(code, r"^PROC-[0-9A-F-]+$")
        return code

    def work_record(self, code, user="zhangsan"):
        out = self.ok("/topapi/process/workrecord/create", {"request": {
            "agentid": 41605932, "process_code": code, "originator_user_id": user, "url": "https://example.com/r/1",
            "title": "张三的请假", "form_component_values": [{"name": "请假天数", "value": "2", "ext_value": ""}]}})
        pid = out["result"]["process_instance_id"]
        self.assertRegex(pid, r"^\d+$")
        return pid

    def todos(self, pid, group, users):
        out = self.ok("/topapi/process/workrecord/task/create", {"request": {
            "agentid": 41605932, "process_instance_id": pid, "activity_id": group, "activity_name": "审批",
            "tasks": [{"userid": u, "url": "https://example.com/t/" + u} for u in users]}})
        self.assertEqual([t["userid"] for t in out["tasks"]], users)
        self.assertTrue(all(isinstance(t["task_id"], int) for t in out["tasks"]))
        return {t["userid"]: t["task_id"] for t in out["tasks"]}

    def query(self, user, status=0):
        out = self.ok("/topapi/process/workrecord/task/query", {"userid": user, "offset": 0, "count": 50,
                                                                "status": status})
        self.assertIsInstance(out["result"]["has_more"], bool)
        return out["result"]["list"]

    def test_own_workflow_or_sign_by_taskgroup_cancel(self):
        code = self.save_template("自有请假")
        self.assertEqual(self.ok("/topapi/process/get_by_name", {"name": "自有请假"})["process_code"], code)
        again = self.ok("/topapi/process/save", {"saveProcessRequest": {
            "process_code": code, "name": "自有请假", "description": "v2", "form_component_list": []}})
        self.assertEqual(again["result"]["process_code"], code)
        lists = lambda u: self.s.request("GET", q("/engine-rest/ordo/lists", userId=u), user="admin").json  # noqa
        before = lists("wangwu")["todo"]
        todonum = self.todo("wangwu")
        pid = self.work_record(code)
        step1 = self.todos(pid, "1111", ["lisi", "wangwu", "zhaoliu"])
        step0 = self.todos(pid, "0000", ["zhangsan"])
        # Visible where BPMN tasks are: the todo count and the inbox.
        self.assertEqual(lists("wangwu")["todo"], before + 1)
        self.assertEqual(self.todo("wangwu"), todonum + 1)
        todo_list = self.s.request("GET", q("/engine-rest/ordo/lists/todo", userId="wangwu"), user="admin").json
        self.assertIn(str(step1["wangwu"]), json.dumps(todo_list))
        inbox = self.s.request("GET", "/engine-rest/ordo/inbox", user="lisi").json
        self.assertIn(str(step1["lisi"]), [m["taskId"] for m in inbox if m["type"] == "todo"])
        mine = [x for x in self.query("wangwu") if x["task_id"] == step1["wangwu"]]
        self.assertEqual(mine, [{"task_id": step1["wangwu"], "instance_id": pid, "title": "张三的请假",
                                 "url": "https://example.com/t/wangwu",
                                 "forms": [{"title": "请假天数", "content": "2"}]}])
        # lisi agrees; the group's other members are cancelled, lisi's completed todo stays.
        out = self.ok("/topapi/process/workrecord/task/update", {"request": {
            "agentid": 41605932, "process_instance_id": pid,
            "tasks": [{"task_id": step1["lisi"], "status": "COMPLETED", "result": "AGREE"}]}})
        self.assertIs(out["result"], True)
        out = self.ok("/topapi/process/workrecord/taskgroup/cancel", {"request": {
            "agentid": 111, "process_instance_id": pid, "activity_id": "1111", "activity_id_list": ["1111", "2222"]}})
        self.assertEqual(set(out), {"errcode", "errmsg", "request_id"})
        self.assertEqual(lists("wangwu")["todo"], before)
        self.assertEqual(self.todo("wangwu"), todonum)
        self.assertNotIn(step1["wangwu"], [x["task_id"] for x in self.query("wangwu")])
        self.assertIn(step1["wangwu"], [x["task_id"] for x in self.query("wangwu", -1)])
        self.assertIn(step1["zhaoliu"], [x["task_id"] for x in self.query("zhaoliu", -1)])
        self.assertNotIn(step1["lisi"], [x["task_id"] for x in self.query("lisi", -1)])  # completed, not removed
        self.assertIn(step0["zhangsan"], [x["task_id"] for x in self.query("zhangsan")])  # another group
        # A cancelled todo can no longer be completed.
        self.refused(40035, "/topapi/process/workrecord/task/update", {"request": {
            "process_instance_id": pid, "tasks": [{"task_id": step1["wangwu"], "status": "COMPLETED"}]}})
        out = self.ok("/topapi/process/workrecord/update", {"request": {
            "agentid": 41605932, "process_instance_id": pid, "status": "COMPLETED", "result": "agree",
            "cancel_running_task": True}})
        self.assertIs(out["result"], True)
        self.assertNotIn(step0["zhangsan"], [x["task_id"] for x in self.query("zhangsan")])
        self.refused(40035, "/topapi/process/workrecord/update", {"request": {
            "process_instance_id": pid, "status": "TERMINATED"}})  # already ended
        # An own-workflow id is no official instance, and the reverse.
        self.refused(40035, "/topapi/processinstance/get", {"process_instance_id": pid})
        official = self.create(days=1, manager="manager")
        self.refused(40035, "/topapi/process/workrecord/taskgroup/cancel", {"request": {
            "agentid": 111, "process_instance_id": official, "activity_id": "managerApproval"}})

    def test_own_workflow_batchupdate_and_delete(self):
        code = self.save_template("自有出差")
        a, b = self.work_record(code), self.work_record(code)
        self.todos(a, "g", ["lisi"])
        self.refused(40035, "/topapi/process/workrecord/batchupdate", {"request": {"instances": [
            {"process_instance_id": a, "status": "COMPLETED", "result": "agree"},
            {"process_instance_id": "999999", "status": "COMPLETED"}]}})
        out = self.ok("/topapi/process/workrecord/batchupdate", {"request": {"agentid": 41605932, "instances": [
            {"process_instance_id": a, "status": "COMPLETED", "result": "agree"},
            {"process_instance_id": b, "status": "TERMINATED", "result": "refuse"}]}})
        self.assertIs(out["result"], True)
        c = self.work_record(code)
        self.refused(40035, "/topapi/process/delete", {"request": {"process_code": code}})  # c is running
        out = self.ok("/topapi/process/delete", {"request": {"agentid": 41605932, "process_code": code,
                                                             "clean_running_task": True}})
        self.assertEqual(set(out), {"errcode", "errmsg", "request_id"})
        self.refused(40035, "/topapi/process/get_by_name", {"name": "自有出差"})
        self.refused(40035, "/topapi/process/workrecord/create", {"request": {
            "process_code": code, "originator_user_id": "zhangsan", "form_component_values": []}})
        self.refused(40035, "/topapi/process/workrecord/task/create", {"request": {
            "process_instance_id": c, "tasks": [{"userid": "lisi"}]}})  # terminated with its template

    # ------------------------------------------------------------------ bad input, every route
    def test_bad_input_for_every_route(self):
        pid = self.create(days=1, manager="manager")
        task = self.running(self.get(pid), "manager")[0]["taskid"]
        r = lambda **kw: {"request": kw}  # noqa: E731
        cases = [
            # path, body, errcode
            ("/topapi/processinstance/create", {"originator_user_id": "zhangsan", "form_component_values": []}, 40035),
            ("/topapi/processinstance/create", {"process_code": "leaveApproval", "form_component_values": []}, 40035),
            ("/topapi/processinstance/create", {"process_code": "leaveApproval", "originator_user_id": "zhangsan"}, 40035),
            ("/topapi/processinstance/create", {"process_code": 7, "originator_user_id": "zhangsan",
                                                "form_component_values": []}, 40035),
            ("/topapi/processinstance/create", {"process_code": "leaveApproval", "originator_user_id": "zhangsan",
                                                "form_component_values": [{"value": "1"}]}, 40035),
            ("/topapi/processinstance/create", {"process_code": "leaveApproval", "originator_user_id": "zhangsan",
                                                "form_component_values": "days"}, 40035),
            ("/topapi/processinstance/create", {"process_code": "noSuchCode", "originator_user_id": "zhangsan",
                                                "form_component_values": []}, 40035),
            ("/topapi/processinstance/create", {"process_code": "leaveApproval", "originator_user_id": "nobody",
                                                "form_component_values": []}, 33012),
            ("/topapi/processinstance/create", {"process_code": "leaveApproval", "originator_user_id": "zhangsan",
                                                "cc_list": "ghost", "form_component_values": []}, 33012),
            ("/topapi/processinstance/create", {"process_code": "leaveApproval", "originator_user_id": "zhangsan",
                                                "cc_list": 5, "form_component_values": []}, 40035),
            ("/topapi/processinstance/get", {}, 40035),
            ("/topapi/processinstance/get", {"process_instance_id": 12}, 40035),
            ("/topapi/processinstance/get", {"process_instance_id": "999999"}, 40035),
            ("/topapi/processinstance/get", {"process_instance_id": "proc-zzz"}, 40035),
            ("/topapi/process/instance/execute", {"process_instance_id": pid}, 40035),  # not wrapped
            ("/topapi/process/instance/execute", r(process_instance_id=pid, actioner_userid="manager",
                                                   task_id=int(task)), 40035),
            ("/topapi/process/instance/execute", r(process_instance_id=pid, actioner_userid="manager",
                                                   task_id=int(task), result="maybe"), 40035),
            ("/topapi/process/instance/execute", r(process_instance_id=pid, actioner_userid="manager",
                                                   task_id=str(task), result="agree"), 40035),
            ("/topapi/process/instance/execute", r(process_instance_id=pid, actioner_userid="manager",
                                                   task_id=999999, result="agree"), 40035),
            ("/topapi/process/instance/execute", r(process_instance_id="999999", actioner_userid="manager",
                                                   task_id=int(task), result="agree"), 40035),
            ("/topapi/process/instance/execute", r(process_instance_id=pid, actioner_userid="ghost",
                                                   task_id=int(task), result="agree"), 33012),
            ("/topapi/process/instance/execute", r(process_instance_id=pid, actioner_userid="lisi",
                                                   task_id=int(task), result="agree"), 60011),
            ("/topapi/process/instance/terminate", r(process_instance_id=pid), 40035),
            ("/topapi/process/instance/terminate", r(process_instance_id=pid, is_system="yes"), 40035),
            ("/topapi/process/instance/terminate", r(process_instance_id=pid, is_system=False), 40035),
            ("/topapi/process/instance/terminate", r(process_instance_id=pid, is_system=False,
                                                     operating_userid="ghost"), 33012),
            ("/topapi/process/instance/terminate", r(process_instance_id="999999", is_system=True), 40035),
            ("/topapi/process/instance/comment/add", r(process_instance_id=pid, comment_userid="zhangsan"), 40035),
            ("/topapi/process/instance/comment/add", r(process_instance_id=pid, text="", comment_userid="zhangsan"),
             40035),
            ("/topapi/process/instance/comment/add", r(process_instance_id=pid, text=3, comment_userid="zhangsan"),
             40035),
            ("/topapi/process/instance/comment/add", r(process_instance_id=pid, text="x", comment_userid="ghost"),
             33012),
            ("/topapi/process/instance/comment/add", r(process_instance_id=pid, text="x", comment_userid="zhangsan",
                                                       file={"space_id": 1}), 40035),
            ("/topapi/processinstance/listids", {"start_time": 1}, 40035),
            ("/topapi/processinstance/listids", {"process_code": "leaveApproval"}, 40035),
            ("/topapi/processinstance/listids", {"process_code": "leaveApproval", "start_time": "yesterday"}, 40035),
            ("/topapi/processinstance/listids", {"process_code": "leaveApproval", "start_time": 1, "size": 21}, 40035),
            ("/topapi/processinstance/listids", {"process_code": "leaveApproval", "start_time": 1, "cursor": -1}, 40035),
            ("/topapi/processinstance/listids", {"process_code": "leaveApproval", "start_time": 5, "end_time": 4}, 40035),
            ("/topapi/processinstance/listids", {"process_code": "leaveApproval", "start_time": 1,
                                                 "userid_list": "ghost"}, 33012),
            ("/topapi/processinstance/listids", {"process_code": "noSuchCode", "start_time": 1}, 40035),
            ("/topapi/process/gettodonum", {}, 40035),
            ("/topapi/process/gettodonum", {"userid": ["lisi"]}, 40035),
            ("/topapi/process/gettodonum", {"userid": "ghost"}, 33012),
            ("/topapi/process/get_by_name", {}, 40035),
            ("/topapi/process/get_by_name", {"name": 1}, 40035),
            ("/topapi/process/listbyuserid", {}, 40035),
            ("/topapi/process/listbyuserid", {"userid": "ghost"}, 33012),
            ("/topapi/process/listbyuserid", {"userid": "zhangsan", "size": 101}, 40035),
        ]
        tpl = self.save_template("坏输入模板")
        rec = self.work_record(tpl)
        todo = self.todos(rec, "g1", ["lisi"])["lisi"]
        cases += [
            ("/topapi/process/save", {"name": "x"}, 40035),  # not wrapped
            ("/topapi/process/save", {"saveProcessRequest": {"description": "d", "form_component_list": []}}, 40035),
            ("/topapi/process/save", {"saveProcessRequest": {"name": "n", "form_component_list": []}}, 40035),
            ("/topapi/process/save", {"saveProcessRequest": {"name": "n", "description": "d"}}, 40035),
            ("/topapi/process/save", {"saveProcessRequest": {"name": 5, "description": "d", "form_component_list": []}},
             40035),
            ("/topapi/process/save", {"saveProcessRequest": {"name": "n", "description": "d",
                                                             "form_component_list": [{"props": {}}]}}, 40035),
            ("/topapi/process/save", {"saveProcessRequest": {"process_code": "PROC-NONE", "name": "n",
                                                             "description": "d", "form_component_list": []}}, 40035),
            ("/topapi/process/save", {"saveProcessRequest": {"name": "坏输入模板", "description": "same name",
                                                             "form_component_list": []}}, 40035),
            ("/topapi/process/delete", r(), 40035),
            ("/topapi/process/delete", r(process_code="PROC-NONE"), 40035),
            ("/topapi/process/delete", r(process_code=tpl, clean_running_task="yes"), 40035),
            ("/topapi/process/delete", r(process_code=tpl), 40035),  # a running record
            ("/topapi/process/workrecord/create", r(originator_user_id="zhangsan", form_component_values=[]), 40035),
            ("/topapi/process/workrecord/create", r(process_code=tpl, form_component_values=[]), 40035),
            ("/topapi/process/workrecord/create", r(process_code=tpl, originator_user_id="zhangsan"), 40035),
            ("/topapi/process/workrecord/create", r(process_code=tpl, originator_user_id="ghost",
                                                    form_component_values=[]), 33012),
            ("/topapi/process/workrecord/create", r(process_code="leaveApproval", originator_user_id="zhangsan",
                                                    form_component_values=[]), 40035),
            ("/topapi/process/workrecord/update", r(process_instance_id=rec), 40035),
            ("/topapi/process/workrecord/update", r(process_instance_id=rec, status="DONE"), 40035),
            ("/topapi/process/workrecord/update", r(process_instance_id=rec, status="COMPLETED", result="AGREE"),
             40035),
            ("/topapi/process/workrecord/update", r(process_instance_id="999999", status="COMPLETED"), 40035),
            ("/topapi/process/workrecord/batchupdate", r(), 40035),
            ("/topapi/process/workrecord/batchupdate", r(instances=[]), 40035),
            ("/topapi/process/workrecord/batchupdate", r(instances=[{"status": "COMPLETED"}]), 40035),
            ("/topapi/process/workrecord/batchupdate", r(instances=[{"process_instance_id": rec, "status": "COMPLETED"},
                                                                    {"process_instance_id": rec,
                                                                     "status": "COMPLETED"}]), 40035),
            ("/topapi/process/workrecord/task/create", r(process_instance_id=rec), 40035),
            ("/topapi/process/workrecord/task/create", r(process_instance_id=rec, tasks=[]), 40035),
            ("/topapi/process/workrecord/task/create", r(process_instance_id=rec, tasks=[{"url": "u"}]), 40035),
            ("/topapi/process/workrecord/task/create", r(process_instance_id=rec, tasks=[{"userid": "ghost"}]), 33012),
            ("/topapi/process/workrecord/task/create", r(process_instance_id="999999", tasks=[{"userid": "lisi"}]),
             40035),
            ("/topapi/process/workrecord/task/query", {}, 40035),
            ("/topapi/process/workrecord/task/query", {"userid": "lisi", "count": 51}, 40035),
            ("/topapi/process/workrecord/task/query", {"userid": "lisi", "status": 1}, 40035),
            ("/topapi/process/workrecord/task/query", {"userid": "lisi", "offset": "0"}, 40035),
            ("/topapi/process/workrecord/task/query", {"userid": "ghost"}, 33012),
            ("/topapi/process/workrecord/task/update", r(process_instance_id=rec), 40035),
            ("/topapi/process/workrecord/task/update", r(process_instance_id=rec, tasks=[]), 40035),
            ("/topapi/process/workrecord/task/update", r(process_instance_id=rec, tasks=[{"task_id": todo}]), 40035),
            ("/topapi/process/workrecord/task/update", r(process_instance_id=rec, tasks=[
                {"task_id": todo, "status": "DONE"}]), 40035),
            ("/topapi/process/workrecord/task/update", r(process_instance_id=rec, tasks=[
                {"task_id": str(todo), "status": "COMPLETED"}]), 40035),
            ("/topapi/process/workrecord/task/update", r(process_instance_id=rec, tasks=[
                {"task_id": 999999, "status": "COMPLETED"}]), 40035),
            ("/topapi/process/workrecord/task/update", r(process_instance_id=rec, tasks=[
                {"task_id": todo, "status": "COMPLETED"}, {"task_id": 999999, "status": "COMPLETED"}]), 40035),
            ("/topapi/process/workrecord/taskgroup/cancel", r(process_instance_id=rec, activity_id="g1"), 40035),
            ("/topapi/process/workrecord/taskgroup/cancel", r(agentid=111, activity_id="g1"), 40035),
            ("/topapi/process/workrecord/taskgroup/cancel", r(agentid=111, process_instance_id=rec), 40035),
            ("/topapi/process/workrecord/taskgroup/cancel", r(agentid="111", process_instance_id=rec,
                                                              activity_id="g1"), 40035),
            ("/topapi/process/workrecord/taskgroup/cancel", r(agentid=111, process_instance_id=rec, activity_id="g1",
                                                              activity_id_list="g1"), 40035),
            ("/topapi/process/workrecord/taskgroup/cancel", r(agentid=111, process_instance_id="proc-zzz",
                                                              activity_id="1111"), 40035),
        ]
        for path, body, code in cases:
            with self.subTest(path=path, body=body):
                self.refused(code, path, body)
        for path in sorted({c[0] for c in cases}):
            with self.subTest(path=path, kind="malformed"):
                out = self.refused(40035, path, raw=b'{"request": {"process_instance_id": ')
                self.assertIn("JSON", out["errmsg"])
                self.refused(40035, path, raw=b'[1, 2]', )
                self.refused(40014, path, {"userid": "lisi"}, token="not-a-token")
                self.refused(40014, path, {"userid": "lisi"}, token="")
        # Unknown operations under the prefix, in DingTalk's envelope.
        self.refused(40035, "/topapi/process/clean", {"agentid": 1, "process_code": "x"})
        self.assertEqual(self.s.request("GET", q("/topapi/process/gettodonum", access_token=self.token[0]),
                                        user=None).json["errcode"], 40035)

    # ------------------------------------------------------------------ last: expiry and coverage
    def test_zz_token_expires_after_7200_seconds(self):
        token, _ = self.gettoken()
        self.s.request("POST", "/engine-rest/ordo/test/clock", {"advanceMillis": 7199 * 1000}, user="admin")
        self.assertEqual(self.raw("/topapi/process/gettodonum", {"userid": "lisi"}, token=token)["errcode"], 0)
        self.s.request("POST", "/engine-rest/ordo/test/clock", {"advanceMillis": 1000}, user="admin")
        self.refused(40014, "/topapi/process/gettodonum", {"userid": "lisi"}, token=token)
        self.__class__.token = self.gettoken()

    def test_zzz_every_route_answered_errcode_0(self):
        routes = json.loads(subprocess.check_output([SERVER, "--routes"]))
        mine = {(r["method"], r["path"]) for r in routes if is_dialect(r["path"])}
        self.assertGreaterEqual(len(mine), 10)
        self.assertEqual(sorted(mine - SUCCEEDED), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
