"""What the WeDa dialect's tests share: a server in test mode with WeDa clients, users and the
WeDa test models; a token per client; calls in the document's envelope; helpers written
against the document (start a flow, list tasks, complete, counts, lists, canvas, operations)."""
import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MODELS, SAMPLES, Server  # noqa: E402

WEDA_MODELS = os.path.join(MODELS, "weda")
W = "/weda/workflow/v1/"
DAY = 24 * 3600 * 1000
ZHANG = {"Authorization": "Basic " + base64.b64encode(b"zhang:zhang-pass").decode()}
PROCESS_INSTANCE = {"InstanceId", "Name", "Description", "StartedBy", "StartUserId", "CanRevoke", "CcTime", "CcId",
                    "CurrentApprover", "CurrentApprove", "CurrentApproverName", "StartTime", "EndTime",
                    "IsCompleted", "CurrentNodeId", "CurrentNodeName", "CurrentNodeType", "TaskId", "FlowCode",
                    "FlowVersion", "CanApprove", "CanDelete", "UserTaskType", "Status", "BeSubmitNode", "BeRead",
                    "IsSupportBatchHandle"}
TASK_FIELDS = {"TaskStartTime", "TaskDealTime", "TaskWaitTime", "TaskDealResult"}


def u(uid):
    return {"UserId": uid, "Type": 4}


USERS = [
    ("zhang", "张三", []), ("li", "李四", []), ("wang", "王五", []), ("zhao", "赵六", []),
    ("qian", "钱七", []), ("sun", "孙八", []), ("boss", "管理员", ["admin"]),
]
CONFIG = {
    "users": [dict({"id": i, "name": n, "roles": r}, **({"password": "zhang-pass"} if i == "zhang" else {}))
              for i, n, r in USERS] +
             [{"id": "other", "name": "外人", "tenant": "t2"}],
    "tenants": [{"id": "t2", "name": "另一家"}],
    "dialects": {"weda": {"clients": [
        {"clientId": "app1", "clientSecret": "app1-secret", "tenant": ""},
        {"clientId": "app2", "clientSecret": "app2-secret", "tenant": "t2"},
    ]}},
}

LEAVE_PARAMS = {"signers": ["li", "wang"], "hrs": ["zhao", "qian"], "director": "sun",
                "kt": {"test": "1558049980829474819"}}


class WedaCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(extra_args=("--test-clock",), config=CONFIG, deploy=(SAMPLES, WEDA_MODELS))
        cls.token = cls.fetch_token("app1", "app1-secret")
        cls.token2 = cls.fetch_token("app2", "app2-secret")
        cls.flows = {}
        for f in cls.post("ListDeployedFlows", {"Type": 2})["Data"]["FlowSet"]:
            cls.flows[f["ProcessKey"]] = f

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    @classmethod
    def fetch_token(cls, cid, secret):
        basic = base64.b64encode(("%s:%s" % (cid, secret)).encode()).decode()
        r = cls.s.request("POST", "/weda/auth/v1/token", {"grant_type": "client_credentials"}, user=None,
                          headers={"Authorization": "Basic " + basic})
        assert r.status == 200, r
        assert r.json["token_type"] == "Bearer" and r.json["expires_in"] == 7200, r.json
        return r.json["access_token"]

    @classmethod
    def post(cls, action, body, env="pre", token=None, raw=None):
        token = token or cls.token
        r = cls.s.request("POST", W + env + "/" + action, body, user=None, raw=raw,
                          headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        assert r.status == 200, "%s: %r" % (action, r)
        return r.json["Response"]

    def ok(self, action, body, env="pre", token=None):
        res = self.post(action, body, env, token)
        self.assertEqual(res["Error"], {"Code": "", "Message": ""}, "%s %s: %s" % (action, body, res))
        self.assertTrue(res["RequestId"])
        return res["Data"]

    def refused(self, action, body, code, field=None, env="pre", token=None, raw=None, unchanged=True):
        before = self.s.dump() if unchanged else None
        res = self.post(action, body, env, token, raw)
        self.assertEqual(res["Error"]["Code"], code, "%s %s: %s" % (action, body, res))
        self.assertNotIn("Data", res)
        self.assertTrue(res["RequestId"])
        if field:
            self.assertIn(field, res["Error"]["Message"])
        if unchanged:
            self.assertEqual(self.s.dump(), before, "%s changed something" % action)
        return res["Error"]["Message"]

    # --- helpers written against the document
    def start(self, key, params, user="zhang"):
        f = self.flows[key]
        return self.ok("StartFlow", {"FlowCode": f["FlowCode"], "FlowVersion": f["Version"], "ProcessKey": key,
                                     "StartParams": params, "StartUser": u(user)})

    def tasks(self, instance, **filters):
        body = {"InstanceId": instance, "PageSize": 100}
        body.update(filters)
        data = self.ok("GetFlowInstanceTasks", body)
        self.assertIsInstance(data["TotalCount"], int)
        return data["Result"]

    def open_task(self, instance, user):
        mine = [t for t in self.tasks(instance) if t["TaskAssignee"]["UserId"] == user and t["TaskStatus"] in (1, 5)]
        self.assertEqual(len(mine), 1, "%s's open task of %s: %s" % (user, instance, self.tasks(instance)))
        return mine[0]

    def complete(self, instance, user, button=2, **extra):
        t = self.open_task(instance, user)
        body = {"TaskId": t["TaskId"], "ButtonAction": button, "Approver": u(user)}
        body.update(extra)
        data = self.ok("CompleteTask", body)
        self.assertEqual(data, {"ToBeSubmittedFlowTaskFlag": False, "ToBeSubmittedFlowTaskInfo": [],
                                "OpenPageFlag": False, "ClosePageFlag": True, "RefreshPageFlag": True})
        self.assertEqual(data["ToBeSubmittedFlowTaskFlag"], False)
        self.assertEqual(data["ToBeSubmittedFlowTaskInfo"], [])
        return t

    def counts(self, user):
        data = self.ok("ListProcessInstancesCount", {"UserInfo": u(user), "PageType": "TODO"})
        self.assertEqual([c["PageType"] for c in data["TotalCounts"]], ["TODO", "DONE", "CREATE", "CC", "DRAFT"])
        return {c["PageType"]: c["Total"] for c in data["TotalCounts"]}

    def listed(self, user, page):
        data = self.ok("ListProcessInstances", {"UserInfo": u(user), "PageNumber": 1, "PageSize": 100,
                                                "PageType": page})
        self.assertEqual(data["TotalCount"], self.counts(user)[page])
        self.assertEqual(data["PageNumber"], 1)
        self.assertEqual(data["PageSize"], 100)
        self.assertTrue(data["FirstPage"])
        self.assertTrue(data["LastPage"])
        return data["Records"]

    def instance_ids(self, user, page):
        return [r["InstanceId"] for r in self.listed(user, page)]

    def canvas(self, instance, key="weda_leave"):
        data = self.ok("GetProcessCanvasInfo", {"FlowCode": self.flows[key]["FlowCode"], "InstanceId": instance})
        return {n["ElementId"]: n for n in data["Nodes"]}, data["Edges"]

    def operations(self, instance):
        data = self.ok("GetFlowInstanceOperations", {"InstanceId": instance, "PageSize": 100})
        self.assertEqual(data["TotalCount"], len(data["Result"]))
        return data["Result"]

    def describe(self, task_id, page, user):
        return self.ok("DescribeProcessInstance", {"FlowTaskId": task_id, "PageType": page, "UserInfo": u(user)})
