"""The WeDa dialect's refusals against the real server: credentials and the token endpoint,
the envelope of an unknown action, malformed bodies, another tenant's ids and users, and a
sweep of every action: each required field missing, each field of the wrong type, values
outside their enumeration, unknown ids — the documented error naming the field, nothing
changed."""
import http.client
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from weda_support import W, WedaCase, u  # noqa: E402


class WedaBadInput(WedaCase):
    def test_00_token_and_credentials(self):
        # The token endpoint: Basic or body credentials; wrong ones are AuthFailure.
        r = self.s.request("POST", "/weda/auth/v1/token", {"grant_type": "client_credentials", "client_id": "app1",
                                                          "client_secret": "app1-secret"}, user=None)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.json["access_token"])
        for body in ({"grant_type": "client_credentials", "client_id": "app1", "client_secret": "wrong"},
                     {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}):
            r = self.s.request("POST", "/weda/auth/v1/token", body, user=None)
            self.assertEqual(r.status, 200)
            self.assertEqual(r.json["Response"]["Error"]["Code"], "AuthFailure")
        r = self.s.request("POST", "/weda/auth/v1/token", {"client_id": "app1"}, user=None)
        self.assertEqual(r.json["Response"]["Error"]["Code"], "MissingParameter")
        self.assertIn("grant_type", r.json["Response"]["Error"]["Message"])
        r = self.s.request("POST", "/weda/auth/v1/token", {"grant_type": "password"}, user=None)
        self.assertEqual(r.json["Response"]["Error"]["Code"], "InvalidParameterValue")
        # Actions without a token, with a wrong one, with Basic: AuthFailure, HTTP 200, nothing changed.
        before = self.s.dump()
        for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic YWRtaW46YWRtaW4tcGFzcw=="}):
            r = self.s.request("POST", W + "pre/ListDeployedFlows", {"Type": 2}, user=None, headers=headers)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["Response"]["Error"]["Code"], "AuthFailure")
            self.assertNotIn("Data", r.json["Response"])
            self.assertIn("Authorization", r.json["Response"]["Error"]["Message"])
        self.assertEqual(self.s.dump(), before)

    def test_01_envelope_and_unknown_action(self):
        res = self.post("NoSuchAction", {})
        self.assertEqual(res["Error"]["Code"], "InvalidAction")
        self.assertIn("NoSuchAction", res["Error"]["Message"])
        r = self.s.request("GET", W + "pre/StartFlow", user=None, headers={"Authorization": "Bearer " + self.token})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["Response"]["Error"]["Code"], "InvalidAction")
        r = self.s.request("POST", "/weda/other", {}, user=None)
        self.assertEqual(r.json["Response"]["Error"]["Code"], "InvalidAction")
        self.refused("ListDeployedFlows", {"Type": 2}, "InvalidParameterValue", "envType", env="dev")
        # The document's own canvas example has a trailing comma, its count example is unterminated:
        # malformed JSON either way.
        self.refused("GetProcessCanvasInfo", None, "InvalidParameter", "JSON",
                     raw=b'{"FlowCode": "1554326000705142787", "InstanceId": "1554350593668153346",}')
        self.refused("ListProcessInstancesCount", None, "InvalidParameter", "JSON",
                     raw=b'{"UserInfo": {"UserId": "li", "Type": 4}, "PageType": "TODO"')
        # A body over the server's bound (1 MiB) is HTTP 413 (or a closed connection), never a 5xx.
        big = b'{"Type": 2, "x": "' + b"a" * (1 << 20) + b'"}'
        try:
            r = self.s.request("POST", W + "pre/ListDeployedFlows", user=None, raw=big,
                               headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
            self.assertEqual(r.status, 413)
        except (ConnectionError, http.client.HTTPException):
            pass

    def test_70_other_tenant(self):
        inst = self.start("weda_simple", {"approver": "li", "finance": "wang"})["FlowInstanceId"]
        task = self.open_task(inst, "li")["TaskId"]
        # The other application's tenant sees none of it, and may not act for our users.
        self.refused("GetFlowInstanceTasks", {"InstanceId": inst}, "ResourceNotFound", "InstanceId",
                     token=self.token2)
        self.refused("CompleteTask", {"TaskId": task, "ButtonAction": 2, "Approver": u("other")}, "ResourceNotFound",
                     "TaskId", token=self.token2)
        self.refused("ListProcessInstances", {"UserInfo": u("li"), "PageType": "TODO"}, "UnauthorizedOperation",
                     "UserInfo.UserId", token=self.token2)
        self.refused("CompleteTask", {"TaskId": task, "ButtonAction": 2, "Approver": u("other")},
                     "UnauthorizedOperation", "Approver.UserId")
        self.assertEqual(self.ok("ListProcessInstances", {"UserInfo": u("other"), "PageType": "TODO"},
                                 token=self.token2)["TotalCount"], 0)

    def test_80_bad_input_for_every_action(self):
        inst = self.start("weda_simple", {"approver": "li", "finance": "wang"})
        task = self.open_task(inst["FlowInstanceId"], "li")["TaskId"]
        f = self.flows["weda_simple"]
        good = {
            "ListDeployedFlows": {"Type": 2},
            "StartFlow": {"FlowCode": f["FlowCode"], "FlowVersion": f["Version"], "ProcessKey": "weda_simple",
                          "StartParams": {"approver": "li"}, "StartUser": u("zhang")},
            "CompleteTask": {"TaskId": task, "ButtonAction": 2, "Approver": u("li"), "Comment": "x",
                             "PageParams": {"a": {"Type": "object", "Value": {}}}, "TurnToUser": u("wang"),
                             "CcUserIds": ["zhao"]},
            "StopFlow": {"InstanceId": inst["FlowInstanceId"], "Operator": u("zhang"), "DeleteReason": "x"},
            "GetFlowInstances": {"FlowCode": f["FlowCode"], "ProcessKey": "weda_simple", "FlowVersion": "1.0",
                                 "StartUserId": "zhang", "StartTime": 0, "EndTime": 1, "Status": 4,
                                 "PageNumber": 1, "PageSize": 10, "Sort": "id", "Order": "asc"},
            "GetFlowInstanceTasks": {"InstanceId": inst["FlowInstanceId"], "TaskAssignee": u("li"),
                                     "TaskIds": [task], "TaskType": 1, "ElementIds": ["first"],
                                     "FlowCode": f["FlowCode"], "TaskStatus": 1, "StartUser": u("zhang"),
                                     "IsCarbonCopyTask": False, "StartTime": 0, "EndTime": 1, "PageNumber": 1,
                                     "PageSize": 10},
            "GetFlowInstanceOperations": {"InstanceId": inst["FlowInstanceId"], "ElementIds": ["first"],
                                          "OperatorUser": u("li"), "PageNumber": 1, "PageSize": 10},
            "DescribeProcessInstance": {"FlowTaskId": task, "PageType": "TODO", "UserInfo": u("li")},
            "GetApprovalPageDetail": {"InstanceId": inst["FlowInstanceId"], "FlowCode": f["FlowCode"],
                                      "NodeId": "first", "IsCompleted": True, "PageType": "TODO", "TaskId": task,
                                      "Id": "1"},
            "GetProcessCanvasInfo": {"FlowCode": f["FlowCode"], "InstanceId": inst["FlowInstanceId"]},
            "ListProcessInstances": {"UserInfo": u("li"), "PageType": "TODO", "PageNumber": 1, "PageSize": 10,
                                     "Sort": "startTime", "Order": "desc"},
            "ListProcessInstancesCount": {"UserInfo": u("li"), "PageType": "TODO"},
            "SubmitFlowTaskList": {"FlowTaskIds": ["1"]},
            "PressTask": {"InstanceId": inst["FlowInstanceId"]},
            "Revoke": {"TaskId": task, "Revoker": u("zhang"), "RevokerType": 2},
            "AddCounterSignAssignee": {"TaskId": task, "Approver": u("li"), "AssigneeIds": ["zhao"]},
            "GetPreElementList": {"InstanceId": inst["FlowInstanceId"]},
            "RollBack": {"UserInfo": u("li"), "TaskId": task, "TargetNodeId": "first", "TargetActTaskId": task},
            "DescribeWorkflowMessages": {"UserInfo": u("li"), "PageNo": 1, "PageSize": 10, "SearchTitleName": "",
                                         "MessageType": 0, "Status": "READ_DONE"},
            "DescribeWorkflowMessageCount": {"UserInfo": u("li"), "MessageType": 0},
            "UpdateWorkflowMessageStatus": {"UserInfo": u("li"), "MessageIdList": ["1"], "Status": "READ_DONE"},
            "PublishFlow": {"FlowCode": f["FlowCode"], "Published": True, "Operator": u("boss")},
        }
        required = {
            "ListDeployedFlows": ["Type"],
            "StartFlow": ["FlowCode", "FlowVersion", "ProcessKey", "StartUser"],
            "CompleteTask": ["TaskId", "ButtonAction", "Approver"],
            "StopFlow": ["InstanceId", "Operator"],
            "GetFlowInstanceTasks": ["InstanceId"],
            "GetFlowInstanceOperations": ["InstanceId"],
            "DescribeProcessInstance": ["FlowTaskId", "PageType"],
            "GetApprovalPageDetail": ["InstanceId", "FlowCode", "NodeId", "PageType", "TaskId"],
            "GetProcessCanvasInfo": ["InstanceId", "FlowCode"],
            "ListProcessInstances": ["UserInfo", "PageType"],
            "ListProcessInstancesCount": ["UserInfo"],
            "SubmitFlowTaskList": ["FlowTaskIds"],
            "PressTask": ["InstanceId"],
            "Revoke": ["TaskId", "Revoker", "RevokerType"],
            "AddCounterSignAssignee": ["TaskId", "Approver", "AssigneeIds"],
            "GetPreElementList": ["InstanceId"],
            "RollBack": ["UserInfo", "TaskId", "TargetNodeId", "TargetActTaskId"],
            "DescribeWorkflowMessages": ["UserInfo", "PageNo", "PageSize"],
            "DescribeWorkflowMessageCount": ["UserInfo", "MessageType"],
            "UpdateWorkflowMessageStatus": ["UserInfo", "MessageIdList", "Status"],
            "PublishFlow": ["FlowCode", "Published", "Operator"],
            "GetFlowInstances": [],
        }
        # A value of the wrong type for each field's type.
        wrong = {str: 12, int: "12", bool: "yes", list: "x", dict: "x"}
        enums = {("ListDeployedFlows", "Type"): 3, ("CompleteTask", "ButtonAction"): 5,
                 ("GetFlowInstances", "Status"): 0, ("GetFlowInstances", "Sort"): "name",
                 ("GetFlowInstances", "Order"): "up", ("GetFlowInstanceTasks", "TaskType"): 3,
                 ("GetFlowInstanceTasks", "TaskStatus"): 6, ("DescribeProcessInstance", "PageType"): "ALL",
                 ("GetApprovalPageDetail", "PageType"): "todo", ("ListProcessInstances", "PageType"): "MINE",
                 ("ListProcessInstances", "Sort"): "name", ("ListProcessInstances", "Order"): "up",
                 ("ListProcessInstancesCount", "PageType"): "X", ("Revoke", "RevokerType"): 3,
                 ("DescribeWorkflowMessages", "MessageType"): 1, ("DescribeWorkflowMessages", "Status"): "READ",
                 ("DescribeWorkflowMessages", "PageSize"): 201, ("DescribeWorkflowMessages", "PageNo"): 0,
                 ("DescribeWorkflowMessageCount", "MessageType"): 1,
                 ("UpdateWorkflowMessageStatus", "Status"): "DONE", ("GetFlowInstances", "PageSize"): 0,
                 ("GetFlowInstances", "PageNumber"): 0, ("StartFlow", "FlowVersion"): "7.0"}
        unknown_ids = {"FlowCode", "InstanceId", "TaskId", "FlowTaskId", "TargetActTaskId"}
        cases = 0
        for action, body in good.items():
            # Malformed JSON and a body that is not an object.
            self.refused(action, None, "InvalidParameter", "JSON", raw=b'{"Type": 2,')
            self.refused(action, None, "InvalidParameter", "object", raw=b'[1, 2]')
            for field in required[action]:
                b = dict(body)
                del b[field]
                self.refused(action, b, "MissingParameter", field)
                cases += 1
            for field, v in body.items():
                b = dict(body)
                b[field] = wrong[type(v)]
                self.refused(action, b, "InvalidParameter", field)
                cases += 1
                if isinstance(v, dict) and "UserId" in v:
                    for sub, bad in (("UserId", 5), ("Type", "4")):
                        b = dict(body)
                        b[field] = dict(v)
                        b[field][sub] = bad
                        self.refused(action, b, "InvalidParameter", field + "." + sub)
                    b = dict(body)
                    b[field] = {"UserId": v["UserId"], "Type": 9}
                    self.refused(action, b, "InvalidParameterValue", field + ".Type")
                    b[field] = {"UserId": "nobody", "Type": 4}
                    self.refused(action, b, "ResourceNotFound", field + ".UserId")
                    cases += 4
                if (action, field) in enums:
                    b = dict(body)
                    b[field] = enums[(action, field)]
                    self.refused(action, b, "InvalidParameterValue", field)
                    cases += 1
                if field in unknown_ids and action != "GetFlowInstances":
                    for bad in ("999999999", "abc"):
                        b = dict(body)
                        b[field] = bad
                        self.refused(action, b, "ResourceNotFound", field)
                        cases += 1
        self.assertGreater(cases, 150)


if __name__ == "__main__":
    unittest.main(verbosity=2)
