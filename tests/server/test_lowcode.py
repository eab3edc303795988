"""The low-code dialect (seed 000) against the real server: 流程作废 (`invalid`) exactly as
documented, with access true and false, by the node's handler and by someone else, and for
another enterprise; a leave request from start to approval seen in the users' lists; every
other operation in the same conventions; bad input for every route answered with the
dialect's code and nothing changed. Errors are HTTP 200 too, so route coverage is asserted
here: every dialect route of `ordo-server --routes` must have answered code 1000000 once."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLES, SERVER, Server, q  # noqa: E402

P = "/openservice/app-designer/openworkflow/"
ENT = "apiceshiqiye"
AUTH = {"appKey": "lowcode-app", "appSecret": "lowcode-secret"}
CONFIG = {
    "dialects": {"lowcode": {"apps": [dict(AUTH, entIds=[ENT, "otherent"])]}},
    "users": [{"id": "apitest", "name": "API Test", "tenant": ENT},
              {"id": "lcmanager", "name": "经理", "tenant": ENT},
              {"id": "lcdirector", "name": "总监", "tenant": ENT},
              {"id": "lcdeputy", "name": "副经理", "tenant": ENT},
              {"id": "lcadmin", "name": "管理员", "tenant": ENT, "roles": ["admin"]},
              {"id": "outsider", "name": "外人", "tenant": "otherent"}],
}
DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
SUCCEEDED = set()


class LowCode(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(config=CONFIG, deploy=(SAMPLES,))

    @classmethod
    def tearDownClass(cls):
        code = cls.s.stop()
        assert code == 0, "ordo-server exited %s: %s" % (code, open(cls.s.stderr.name).read()[-2000:])

    # ------------------------------------------------------------------ helpers
    def raw(self, verb, body=None, user="apitest", ent=ENT, raw=None, headers=AUTH):
        params = {}
        if ent is not None:
            params["entId"] = ent
        if user is not None:
            params["userId"] = user
        r = self.s.request("POST", q(P + verb, **params), body, user=None, raw=raw, headers=headers)
        self.assertEqual(r.status, 200, r)
        out = r.json
        self.assertEqual(set(out), {"status", "code", "msg", "result"}, out)
        self.assertIsInstance(out["msg"], str)
        return out

    def ok(self, verb, body, user="apitest", ent=ENT):
        out = self.raw(verb, body, user=user, ent=ent)
        self.assertEqual((out["status"], out["code"], out["msg"]), (200, 1000000, "成功"), out)
        SUCCEEDED.add(P + verb)
        return out["result"]

    def refused(self, code, verb, body=None, user="apitest", ent=ENT, raw=None, headers=AUTH):
        before = self.s.dump()
        out = self.raw(verb, body, user=user, ent=ent, raw=raw, headers=headers)
        self.assertEqual((out["status"], out["code"]), (500, code), (verb, body, out))
        self.assertTrue(out["msg"])
        self.assertEqual(self.s.dump(), before, (verb, body, "changed the database"))
        return out

    def start(self, days=5, user="apitest", **extra):
        form = dict({"days": days, "manager": "lcmanager", "director": "lcdirector"}, **extra)
        result = self.ok("start", {"processKey": "leaveApproval", "formData": form, "draft": False}, user=user)
        self.assertEqual(set(result), {"instanceId", "taskIds"})
        self.assertIsInstance(result["instanceId"], int)
        return result

    def detail(self, iid, user="apitest"):
        return self.ok("detail", {"instanceId": iid}, user=user)

    def count(self, user, type_):
        n = self.ok("count", {"type": type_}, user=user)
        self.assertIsInstance(n, int)
        return n

    # ------------------------------------------------------------------ 流程作废, as documented
    def test_invalid_as_the_nodes_handler(self):
        iid = self.start()["instanceId"]
        body = {"instanceId": iid, "message": "作废此流程", "nodeId": "managerApproval", "access": True}
        # The initiator is not the handler of managerApproval; an outsider is not of the enterprise.
        self.refused(1004030, "invalid", body, user="apitest")
        self.refused(1004030, "invalid", body, user="lcdirector")
        self.refused(1004090, "invalid", dict(body, nodeId="directorApproval"), user="lcmanager")
        self.refused(1004090, "invalid", dict(body, nodeId="WorkNode_4"), user="lcmanager")
        todo = self.count("lcmanager", "todo")
        out = self.raw("invalid", body, user="lcmanager")
        self.assertEqual(out, {"status": 200, "code": 1000000, "result": True, "msg": "成功"})
        SUCCEEDED.add(P + "invalid")
        d = self.detail(iid)
        self.assertEqual(d["status"], "invalidated")
        self.assertEqual(d["currentNodes"], [])
        self.assertEqual(self.count("lcmanager", "todo"), todo - 1)
        self.refused(1004090, "invalid", body, user="lcmanager")  # already ended

    def test_invalid_without_access_check_acts_as_the_system(self):
        iid = self.start()["instanceId"]
        # access=false: anyone of the enterprise; the node must still be where it waits.
        self.refused(1004090, "invalid", {"instanceId": iid, "message": "x", "nodeId": "directorApproval",
                                          "access": False}, user="lcdeputy")
        self.ok("invalid", {"instanceId": iid, "message": "系统作废", "nodeId": "managerApproval", "access": False},
                user="lcdeputy")
        self.assertEqual(self.detail(iid)["status"], "invalidated")
        # An administrator passes access=true at any node where it waits.
        iid = self.start()["instanceId"]
        self.ok("invalid", {"instanceId": iid, "message": "管理员作废", "nodeId": "managerApproval", "access": True},
                user="lcadmin")

    def test_invalid_for_another_enterprise_is_refused_as_an_unknown_instance(self):
        iid = self.start()["instanceId"]
        body = {"instanceId": iid, "message": "x", "nodeId": "managerApproval", "access": False}
        other = self.refused(1004040, "invalid", body, user="outsider", ent="otherent")
        unknown = self.refused(1004040, "invalid", dict(body, instanceId=99999999))
        self.assertEqual(other["msg"].replace(str(iid), "N"), unknown["msg"].replace("99999999", "N"))
        self.assertIs(other["result"], False)
        # A user of one enterprise may not act in another's name.
        self.refused(1004030, "invalid", body, user="outsider", ent=ENT)
        self.assertEqual(self.detail(iid)["status"], "running")

    # ------------------------------------------------------------------ a leave request, start to approval
    def test_leave_request_start_to_approval(self):
        todo = self.count("lcmanager", "todo")
        started = self.count("apitest", "started")
        result = self.start(days=5, reason="回家")
        iid = result["instanceId"]
        self.assertEqual(len(result["taskIds"]), 1)
        self.assertEqual(self.count("lcmanager", "todo"), todo + 1)
        self.assertEqual(self.count("apitest", "started"), started + 1)
        d = self.detail(iid)
        self.assertEqual(set(d), {"instanceId", "processKey", "processName", "status", "initiator", "startTime",
                                  "endTime", "currentNodes", "formData"})
        self.assertEqual((d["instanceId"], d["processKey"], d["processName"], d["status"], d["initiator"]),
                         (iid, "leaveApproval", "Leave approval", "running", "apitest"))
        self.assertRegex(d["startTime"], DATE)
        self.assertEqual(d["endTime"], "")
        self.assertEqual(d["currentNodes"], [{"nodeId": "managerApproval", "nodeName": "Manager approval (经理审批)",
                                              "assignees": ["lcmanager"]}])
        self.assertEqual(d["formData"]["reason"], "回家")
        nodes = self.ok("todoNodes", {"instanceId": iid})
        self.assertEqual(nodes, [{"nodeId": "managerApproval", "nodeName": "Manager approval (经理审批)",
                                  "taskId": result["taskIds"][0], "assignees": ["lcmanager"]}])
        summary = self.ok("todoSummary", {"appIds": ["leaveApproval"], "pageNum": 1, "pageSize": 100},
                          user="lcmanager")
        mine = [x for x in summary["list"] if x["instanceId"] == iid]
        self.assertEqual(len(mine), 1)
        self.assertEqual(set(mine[0]), {"instanceId", "taskId", "nodeId", "nodeName", "processKey", "processName",
                                        "initiator", "createTime"})
        self.assertEqual((mine[0]["taskId"], mine[0]["nodeId"], mine[0]["processKey"], mine[0]["initiator"]),
                         (result["taskIds"][0], "managerApproval", "leaveApproval", "apitest"))
        self.assertRegex(mine[0]["createTime"], DATE)
        self.assertEqual(summary["total"], todo + 1)
        self.assertEqual(self.ok("todoSummary", {"appIds": ["orSign"]}, user="lcmanager"), {"total": 0, "list": []})
        # The manager approves, then the director (more than 3 days).
        self.refused(1004030, "submit", {"instanceId": iid, "nodeId": "managerApproval", "formData": {"approved": True},
                                         "access": True}, user="lcdirector")
        self.ok("submit", {"instanceId": iid, "nodeId": "managerApproval", "message": "同意",
                           "formData": {"approved": True}, "access": True}, user="lcmanager")
        self.assertEqual(self.detail(iid)["currentNodes"][0]["nodeId"], "directorApproval")
        self.ok("submit", {"instanceId": iid, "nodeId": "directorApproval", "message": "同意",
                           "formData": {"approved": True}, "access": True}, user="lcdirector")
        d = self.detail(iid)
        self.assertEqual(d["status"], "completed")
        self.assertRegex(d["endTime"], DATE)
        self.assertEqual(self.count("lcmanager", "todo"), todo)
        done = self.ok("list", {"type": "done", "pageNum": 1, "pageSize": 10}, user="lcdirector")
        self.assertIn(iid, [x["instanceId"] for x in done["list"]])
        row = [x for x in done["list"] if x["instanceId"] == iid][0]
        self.assertEqual(set(row), {"instanceId", "processKey", "processName", "status", "initiator", "startTime",
                                    "endTime", "taskId", "nodeId", "nodeName"})
        self.assertEqual((row["status"], row["nodeId"]), ("completed", "directorApproval"))
        started_list = self.ok("list", {"type": "started", "processKey": "leaveApproval"}, user="apitest")
        self.assertIn(iid, [x["instanceId"] for x in started_list["list"]])
        self.assertEqual(started_list["total"], self.count("apitest", "started"))
        execs = {e["nodeId"]: e for e in self.ok("executions", {"instanceId": iid})}
        self.assertEqual(execs["managerApproval"]["status"], "done")
        self.assertEqual(execs["managerApproval"]["assignees"], ["lcmanager"])
        self.assertEqual(execs["rejectedEnd"]["status"], "notReached")
        self.assertEqual(set(execs["directorApproval"]), {"nodeId", "nodeName", "status", "assignees", "startTime",
                                                          "endTime"})
        self.assertRegex(execs["directorApproval"]["endTime"], DATE)

    # ------------------------------------------------------------------ the other operations
    def test_interrupt_resume_rollback(self):
        iid = self.start()["instanceId"]
        body = {"instanceId": iid, "nodeId": "managerApproval", "message": "暂停", "access": True}
        self.refused(1004030, "interrupt", body, user="lcdirector")
        self.assertIs(self.ok("interrupt", body, user="lcmanager"), True)
        self.assertEqual(self.detail(iid)["status"], "suspended")
        self.refused(1004030, "resume", {"instanceId": iid, "message": "继续"}, user="lcmanager")
        self.assertIs(self.ok("resume", {"instanceId": iid, "message": "继续"}), True)
        self.assertEqual(self.detail(iid)["status"], "running")
        self.refused(1004090, "resume", {"instanceId": iid})
        self.ok("submit", {"instanceId": iid, "nodeId": "managerApproval", "formData": {"approved": True},
                           "access": True}, user="lcmanager")
        back = {"instanceId": iid, "nodeId": "directorApproval", "targetNodeId": "managerApproval",
                "message": "请重新审批", "access": True}
        self.refused(1004030, "rollback", back, user="lcmanager")
        self.refused(1004040, "rollback", dict(back, targetNodeId="noSuchNode"), user="lcdirector")
        self.assertIs(self.ok("rollback", back, user="lcdirector"), True)
        self.assertEqual(self.detail(iid)["currentNodes"][0]["nodeId"], "managerApproval")

    def test_retrieve_to_a_draft_and_submit_it_again(self):
        iid = self.start(days=1)["instanceId"]
        # The manager has not acted: nothing of theirs to take back.
        self.refused(1004090, "retrieve", {"instanceId": iid, "message": "取回"}, user="lcmanager")
        self.assertIs(self.ok("retrieve", {"instanceId": iid, "message": "取回"}), True)
        self.assertEqual(self.detail(iid)["status"], "draft")
        self.assertIs(self.ok("submit", {"instanceId": iid, "formData": {"days": 2}}), True)
        d = self.detail(iid)
        self.assertEqual((d["status"], d["formData"]["days"]), ("running", 2))

    def test_draft_start_cc_refresh_edit_delete(self):
        drafts = self.count("apitest", "drafts")
        result = self.ok("start", {"processKey": "leaveApproval", "formData": {"days": 1}, "draft": True})
        self.assertEqual(result["taskIds"], [])
        self.assertEqual(self.count("apitest", "drafts"), drafts + 1)
        self.ok("submit", {"instanceId": result["instanceId"], "formData": {"manager": "lcmanager"}})
        self.assertEqual(self.count("apitest", "drafts"), drafts)
        iid = self.start()["instanceId"]
        cc = self.count("lcdeputy", "cc")
        self.assertIs(self.ok("cc", {"instanceId": iid, "nodeId": "managerApproval", "userIds": ["lcdeputy"],
                                     "message": "请知悉"}), True)
        self.assertEqual(self.count("lcdeputy", "cc"), cc + 1)
        self.refused(1004040, "cc", {"instanceId": iid, "userIds": ["ghost"]})
        self.refused(1004030, "cc", {"instanceId": iid, "userIds": ["outsider"]})
        self.assertIs(self.ok("refresh", {"instanceId": iid}), True)
        self.refused(1004030, "editFormData", {"instanceId": iid, "formData": {"days": 9}}, user="apitest")
        self.assertIs(self.ok("editFormData", {"instanceId": iid, "formData": {"days": 9}}, user="lcadmin"), True)
        self.assertEqual(self.detail(iid)["formData"]["days"], 9)
        self.refused(1004030, "delete", {"instanceId": iid}, user="lcmanager")
        self.assertIs(self.ok("delete", {"instanceId": iid}), True)
        self.refused(1004040, "detail", {"instanceId": iid})

    def test_definition_with_its_nodes(self):
        d = self.ok("definition", {"processKey": "leaveApproval"})
        self.assertEqual((d["processKey"], d["processName"]), ("leaveApproval", "Leave approval"))
        self.assertIsInstance(d["version"], int)
        nodes = {n["nodeId"]: n for n in d["nodes"]}
        self.assertEqual(nodes["managerApproval"], {"nodeId": "managerApproval", "nodeName": "Manager approval (经理审批)",
                                                    "nodeType": "userTask"})
        self.assertEqual(nodes["start"]["nodeType"], "startEvent")
        self.assertEqual(len(d["nodes"]), 8)
        self.refused(1004040, "definition", {"processKey": "noSuchProcess"})

    def test_entrust_accept_reject_cancel(self):
        self.assertIs(self.ok("entrust", {"toUserId": "lcdeputy", "processKeys": ["leaveApproval"],
                                          "startTime": "2020-01-01 00:00:00", "message": "出差"}, user="lcmanager"), True)
        first = self.start(days=1)
        task = first["taskIds"][0]
        self.assertEqual(self.ok("todoNodes", {"instanceId": first["instanceId"]})[0]["assignees"], ["lcdeputy"])
        self.refused(1004030, "acceptEntrust", {"taskId": task}, user="lcdirector")
        self.assertIs(self.ok("acceptEntrust", {"taskId": task}, user="lcdeputy"), True)
        self.refused(1004090, "acceptEntrust", {"taskId": task}, user="lcdeputy")
        second = self.start(days=1)
        self.assertIs(self.ok("rejectEntrust", {"taskId": second["taskIds"][0], "message": "没空"}, user="lcdeputy"),
                      True)
        self.assertEqual(self.ok("todoNodes", {"instanceId": second["instanceId"]})[0]["assignees"], ["lcmanager"])
        self.assertIs(self.ok("cancelEntrust", {"toUserId": "lcdeputy"}, user="lcmanager"), True)
        self.refused(1004040, "cancelEntrust", {"toUserId": "lcdeputy"}, user="lcmanager")
        third = self.start(days=1)
        self.assertEqual(self.ok("todoNodes", {"instanceId": third["instanceId"]})[0]["assignees"], ["lcmanager"])
        # Another enterprise's task is unknown.
        self.refused(1004040, "acceptEntrust", {"taskId": task}, user="outsider", ent="otherent")

    # ------------------------------------------------------------------ authentication and bad input
    def test_authentication(self):
        body = {"instanceId": 1}
        self.refused(1004010, "detail", body, headers={})
        self.refused(1004010, "detail", body, headers={"appKey": "lowcode-app", "appSecret": "wrong"})
        self.refused(1004010, "detail", body, headers={"appKey": "nobody", "appSecret": "lowcode-secret"})
        self.refused(1004010, "detail", body, ent="notmine")

    def test_bad_input_for_every_route(self):
        iid = self.start()["instanceId"]
        task = self.ok("todoNodes", {"instanceId": iid})[0]["taskId"]
        inv = {"instanceId": iid, "message": "m", "nodeId": "managerApproval", "access": True}
        cases = [
            ("invalid", {k: v for k, v in inv.items() if k != "instanceId"}, 1004000),
            ("invalid", {k: v for k, v in inv.items() if k != "message"}, 1004000),
            ("invalid", {k: v for k, v in inv.items() if k != "nodeId"}, 1004000),
            ("invalid", {k: v for k, v in inv.items() if k != "access"}, 1004000),
            ("invalid", dict(inv, instanceId="12000"), 1004000),
            ("invalid", dict(inv, access="true"), 1004000),
            ("invalid", dict(inv, nodeId=4), 1004000),
            ("invalid", dict(inv, instanceId=12000), 1004040),
            ("interrupt", {"instanceId": iid, "access": True}, 1004000),
            ("interrupt", {"instanceId": iid, "nodeId": "managerApproval"}, 1004000),
            ("interrupt", {"instanceId": 12000, "nodeId": "managerApproval", "access": True}, 1004040),
            ("resume", {}, 1004000),
            ("resume", {"instanceId": 12000}, 1004040),
            ("rollback", {"instanceId": iid, "nodeId": "managerApproval"}, 1004000),
            ("rollback", {"instanceId": iid, "nodeId": "directorApproval", "targetNodeId": "start"}, 1004090),
            ("retrieve", {"instanceId": [iid]}, 1004000),
            ("retrieve", {"instanceId": 12000}, 1004040),
            ("cc", {"instanceId": iid}, 1004000),
            ("cc", {"instanceId": iid, "userIds": "lcdeputy"}, 1004000),
            ("cc", {"instanceId": iid, "userIds": []}, 1004000),
            ("submit", {"instanceId": iid}, 1004000),  # running: nodeId needed
            ("submit", {"instanceId": iid, "nodeId": "managerApproval", "formData": "x"}, 1004000),
            ("submit", {"instanceId": 12000, "nodeId": "managerApproval"}, 1004040),
            ("delete", {"instanceId": None}, 1004000),
            ("delete", {"instanceId": 12000}, 1004040),
            ("refresh", {"instanceId": 12000}, 1004040),
            ("editFormData", {"instanceId": iid}, 1004000),
            ("editFormData", {"instanceId": iid, "formData": [1]}, 1004000),
            ("detail", {"instanceId": "x"}, 1004000),
            ("detail", {"instanceId": 12000}, 1004040),
            ("todoNodes", {}, 1004000),
            ("todoNodes", {"instanceId": 12000}, 1004040),
            ("executions", {"instanceId": 1.5}, 1004000),
            ("executions", {"instanceId": 12000}, 1004040),
            ("definition", {}, 1004000),
            ("definition", {"processKey": 1}, 1004000),
            ("todoSummary", {"appIds": "leaveApproval"}, 1004000),
            ("todoSummary", {"pageNum": 0}, 1004000),
            ("todoSummary", {"pageSize": 1001}, 1004000),
            ("count", {}, 1004000),
            ("count", {"type": "everything"}, 1004000),
            ("list", {"type": "todo", "pageNum": "1"}, 1004000),
            ("list", {"type": "todo", "pageSize": 0}, 1004000),
            ("start", {}, 1004000),
            ("start", {"processKey": "leaveApproval", "draft": "no"}, 1004000),
            ("start", {"processKey": "leaveApproval", "formData": []}, 1004000),
            ("start", {"processKey": "noSuchProcess"}, 1004040),
            ("entrust", {}, 1004000),
            ("entrust", {"toUserId": "lcdeputy", "startTime": "tomorrow"}, 1004000),
            ("entrust", {"toUserId": "lcdeputy", "processKeys": "leaveApproval"}, 1004000),
            ("entrust", {"toUserId": "ghost"}, 1004040),
            ("entrust", {"toUserId": "apitest"}, 1004000),
            ("cancelEntrust", {}, 1004000),
            ("acceptEntrust", {"taskId": "t"}, 1004000),
            ("acceptEntrust", {"taskId": 99999999}, 1004040),
            ("acceptEntrust", {"taskId": task}, 1004090),
            ("rejectEntrust", {}, 1004000),
            ("rejectEntrust", {"taskId": 99999999}, 1004040),
        ]
        for verb, body, code in cases:
            with self.subTest(verb=verb, body=body):
                out = self.refused(code, verb, body)
                expect = False if verb not in ("detail", "todoNodes", "executions", "definition", "todoSummary",
                                               "count", "list", "start") else None
                self.assertIs(out["result"], expect)
        valid = {
            "invalid": inv, "interrupt": {"instanceId": iid, "nodeId": "managerApproval", "access": True},
            "resume": {"instanceId": iid}, "retrieve": {"instanceId": iid}, "refresh": {"instanceId": iid},
            "rollback": {"instanceId": iid, "nodeId": "managerApproval", "targetNodeId": "start"},
            "cc": {"instanceId": iid, "userIds": ["lcdeputy"]}, "delete": {"instanceId": iid},
            "submit": {"instanceId": iid, "nodeId": "managerApproval"},
            "editFormData": {"instanceId": iid, "formData": {}}, "detail": {"instanceId": iid},
            "todoNodes": {"instanceId": iid}, "executions": {"instanceId": iid},
            "definition": {"processKey": "leaveApproval"}, "todoSummary": {}, "count": {"type": "todo"},
            "list": {"type": "todo"}, "start": {"processKey": "leaveApproval"}, "entrust": {"toUserId": "lcdeputy"},
            "cancelEntrust": {"toUserId": "lcdeputy"}, "acceptEntrust": {"taskId": task},
            "rejectEntrust": {"taskId": task},
        }
        self.assertEqual(sorted(valid), sorted({c[0] for c in cases}))
        for verb, body in sorted(valid.items()):
            with self.subTest(verb=verb, kind="envelope"):
                out = self.refused(1004000, verb, raw=b'{"instanceId": ')
                self.assertIn("JSON", out["msg"])
                self.refused(1004000, verb, raw=b'"text"')
                self.refused(1004000, verb, body, user=None)
                self.refused(1004000, verb, body, ent=None)
                self.refused(1004040, verb, body, user="ghost")
                self.refused(1004030, verb, body, user="outsider")
                self.refused(1004010, verb, body, headers={"appKey": "lowcode-app"})
        self.refused(1004040, "noSuchOperation", {})

    def test_zzz_every_route_answered_success(self):
        routes = json.loads(subprocess.check_output([SERVER, "--routes"]))
        mine = {r["path"] for r in routes if r["path"].startswith(P)}
        self.assertGreaterEqual(len(mine), 20)
        self.assertEqual(sorted(mine - SUCCEEDED), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
