"""The WeDa dialect against the real server: every action with the document's example bodies
(ids adapted), a leave request from StartFlow to Status 3 through a 会签, a RollBack, a 或签,
urges against the daily limit (the test clock moves a day), messages, Revoke allowed and
refused, the next approver chosen in two phases, the canvas after each step. Every route of
the dialect must have had a 2xx by the end. Bad input: test_weda_bad_input.py."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import routes_without_success  # noqa: E402
from weda_support import DAY, LEAVE_PARAMS, PROCESS_INSTANCE, TASK_FIELDS, ZHANG, WedaCase, u  # noqa: E402


class Weda(WedaCase):
    def test_02_list_deployed_flows_pre_and_prod(self):
        data = self.ok("ListDeployedFlows", {"Type": 2})
        self.assertEqual(data["TotalCount"], len(data["FlowSet"]))
        leave = self.flows["weda_leave"]
        self.assertEqual(set(leave), {"FlowCode", "ProcessKey", "Published", "Version", "Name", "Description",
                                      "BeginElementType"})
        self.assertTrue(leave["FlowCode"].isdigit())
        self.assertEqual(leave["Version"], "1.0")
        self.assertEqual(leave["Name"], "请假申请")
        self.assertEqual(leave["Description"], "")
        self.assertEqual(leave["BeginElementType"], 0)
        self.assertNotIn("weda_logic", self.flows)  # Type 2: approval flows only
        logic = self.ok("ListDeployedFlows", {"Type": 1})["FlowSet"]
        self.assertEqual([f["ProcessKey"] for f in logic if f["ProcessKey"].startswith("weda_")], ["weda_logic"])
        # prod serves published definitions only: weda_leave and weda_simple get published.
        prod = self.ok("ListDeployedFlows", {"Type": 2}, env="prod")
        for key in ("weda_leave", "weda_simple"):
            if self.flows[key]["Published"]:
                continue
            self.assertNotIn(key, [f["ProcessKey"] for f in prod["FlowSet"]])
            self.refused("PublishFlow", {"FlowCode": self.flows[key]["FlowCode"], "Published": True,
                                         "Operator": u("zhang")}, "UnauthorizedOperation")
            self.assertEqual(self.ok("PublishFlow", {"FlowCode": self.flows[key]["FlowCode"], "Published": True,
                                                     "Operator": u("boss")}), {"Result": True})
        prod = {f["ProcessKey"]: f for f in self.ok("ListDeployedFlows", {"Type": 2}, env="prod")["FlowSet"]}
        self.assertTrue(prod["weda_leave"]["Published"])
        self.assertTrue(all(f["Published"] for f in prod.values()))
        self.assertNotIn("leaveApproval", prod)  # deployed, never published
        pre = {f["ProcessKey"]: f for f in self.ok("ListDeployedFlows", {"Type": 2})["FlowSet"]}
        self.assertFalse(pre["leaveApproval"]["Published"])
        # prod starts only published flows; pre starts any deployed one.
        la = pre["leaveApproval"]
        body = {"FlowCode": la["FlowCode"], "FlowVersion": la["Version"], "ProcessKey": "leaveApproval",
                "StartParams": {"manager": "li", "director": "sun", "days": 1}, "StartUser": u("zhang")}
        self.refused("StartFlow", body, "ResourceNotFound", "FlowCode", env="prod")
        self.assertTrue(self.ok("StartFlow", body)["FlowInstanceId"].isdigit())
        type(self).flows.update({k: prod[k] for k in ("weda_leave", "weda_simple")})

    def test_10_leave_request_from_start_to_approval(self):
        f = self.flows["weda_leave"]
        before = {user: self.counts(user) for user in ("zhang", "li", "sun")}
        # StartFlow with the document's body (ids adapted): the initiator's own task comes back.
        started = self.ok("StartFlow", {"FlowCode": f["FlowCode"], "FlowVersion": f["Version"],
                                        "ProcessKey": "weda_leave", "StartParams": LEAVE_PARAMS,
                                        "StartUser": {"Type": 4, "UserId": "zhang"}}, env="prod")
        inst = started["FlowInstanceId"]
        self.assertEqual(set(started), {"FlowInstanceId", "TaskId"})
        self.assertTrue(inst.isdigit())
        self.assertIsInstance(started["TaskId"], str)
        apply = self.tasks(inst)
        self.assertEqual(len(apply), 1)
        self.assertEqual(apply[0]["TaskId"], started["TaskId"])
        self.assertEqual(apply[0]["TaskStatus"], 5)  # the initiator's start node, waiting to be submitted
        self.assertEqual(apply[0]["ElementId"], "apply")
        self.assertEqual(apply[0]["ElementName"], "填写申请")
        self.assertEqual(apply[0]["FlowStartUser"], {"UserId": "zhang", "Type": 4, "Source": 4})
        self.assertEqual(apply[0]["TaskAssignee"]["UserId"], "zhang")
        self.assertEqual(apply[0]["FlowCode"], f["FlowCode"])
        self.assertEqual(apply[0]["FlowName"], "请假申请")
        self.assertEqual(apply[0]["OperationResult"], 0)
        self.assertIsNone(apply[0]["EndTime"])
        self.assertRegex(apply[0]["StartTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        self.assertEqual(set(apply[0]), {"InstanceId", "FlowCode", "FlowName", "TaskId", "FlowStartUser",
                                         "TaskAssignee", "ElementName", "ElementId", "StartTime", "EndTime",
                                         "TaskStatus", "OperationResult", "PageTransitionUrl"})
        self.assertEqual(apply[0]["PageTransitionUrl"], "")
        self.assertEqual(apply[0]["InstanceId"], inst)
        # Running: Status 4, no EndTime (GetFlowInstances with the document's body).
        running = [r for r in self.ok("GetFlowInstances", {"FlowCode": f["FlowCode"]})["Result"]
                   if r["InstanceId"] == inst][0]
        self.assertEqual(set(running), {"InstanceId", "Description", "FlowCode", "FlowName", "FlowVersion",
                                        "StartUserName", "StartTime", "EndTime", "Status"})
        self.assertEqual((running["Status"], running["EndTime"], running["Description"]), (4, None, ""))
        record = [r for r in self.listed("zhang", "CREATE") if r["InstanceId"] == inst][0]
        self.assertEqual(set(record), PROCESS_INSTANCE | TASK_FIELDS)
        self.assertEqual(record["TaskId"], started["TaskId"])
        self.assertTrue(record["BeSubmitNode"])
        self.assertEqual(record["TaskDealResult"], 5)
        self.assertIsNone(record["Status"])
        self.assertEqual(self.counts("zhang")["CREATE"], before["zhang"]["CREATE"] + 1)
        self.assertEqual(self.counts("zhang")["TODO"], before["zhang"]["TODO"] + 1)
        nodes, edges = self.canvas(inst)
        self.assertEqual(nodes["start"]["Status"], 1)
        self.assertEqual(nodes["start"]["DataType"], 1)
        self.assertIsNone(nodes["start"]["Conf"])
        self.assertEqual(nodes["apply"]["Status"], 3)
        self.assertEqual(nodes["apply"]["DataType"], 17)
        self.assertEqual(nodes["apply"]["Conf"], [{"Name": "张三", "UserId": "zhang", "Status": 0, "OpTime": None,
                                                   "Comment": "", "NewProcessors": ""}])
        self.assertEqual(nodes["countersign"]["Status"], 2)
        self.assertEqual(nodes["end"]["DataType"], 13)
        self.assertEqual({e["Source"] + ">" + e["Target"]: e["Status"] for e in edges}["start>apply"], 1)
        self.assertEqual([e["Label"] for e in edges if e["Source"] == "start"], ["发起"])
        self.assertEqual({e["Source"] + ">" + e["Target"]: e["Status"] for e in edges}["apply>countersign"], 2)
        self.assertEqual(set(edges[0]), {"Label", "Type", "Source", "Target", "Status", "visited"})
        self.assertEqual([n["Id"] for n in nodes.values()], list(range(1, len(nodes) + 1)))

        # Submit (ButtonAction 1) with PageParams: the 会签 opens for li and wang.
        self.complete(inst, "zhang", 1, PageParams={"leave": {"Type": "object", "Value": {"days": 3}}},
                      Comment="请三天假")
        sign = [t for t in self.tasks(inst, ElementIds=["countersign"])]
        self.assertEqual(sorted(t["TaskAssignee"]["UserId"] for t in sign), ["li", "wang"])
        self.assertTrue(all(t["TaskStatus"] == 1 for t in sign))
        self.assertIn(inst, self.instance_ids("li", "TODO"))
        self.assertEqual(self.counts("li")["TODO"], before["li"]["TODO"] + 1)
        nodes, _ = self.canvas(inst)
        self.assertEqual(nodes["apply"]["Status"], 1)
        self.assertEqual(nodes["apply"]["Conf"][0]["Status"], 1)  # 提交
        self.assertEqual(nodes["apply"]["Conf"][0]["Comment"], "请三天假")
        self.assertIsInstance(nodes["apply"]["Conf"][0]["OpTime"], int)
        self.assertEqual(nodes["countersign"]["Status"], 3)
        self.assertEqual(sorted(p["Status"] for p in nodes["countersign"]["Conf"]), [0, 0])

        # li approves; wang rolls the request back to the initiator.
        self.complete(inst, "li", 2, Comment="同意")
        self.assertIn(inst, self.instance_ids("li", "DONE"))
        pre = self.ok("GetPreElementList", {"InstanceId": inst})["ElementInfoList"]
        self.assertEqual([e["ElementId"] for e in pre], ["apply"])
        self.assertEqual(set(pre[0]), {"ElementId", "ElementName", "ActTaskId", "ApproveType", "LastNode"})
        apply_info = [e for e in pre if e["ElementId"] == "apply"][0]
        self.assertEqual(apply_info["ApproveType"], 1)
        self.assertEqual(apply_info["ElementName"], "填写申请")
        self.assertEqual(apply_info["ActTaskId"], started["TaskId"])
        self.assertTrue(pre[0]["LastNode"])
        self.assertTrue(all(not e["LastNode"] for e in pre[1:]))
        wang = self.open_task(inst, "wang")
        self.assertEqual(self.ok("RollBack", {"UserInfo": u("wang"), "TaskId": wang["TaskId"],
                                              "TargetNodeId": "apply", "TargetActTaskId": apply_info["ActTaskId"]}),
                         {"Result": True})
        self.assertIn(inst, self.instance_ids("wang", "DONE"))
        again = self.open_task(inst, "zhang")
        self.assertEqual(again["TaskStatus"], 5)
        self.assertNotEqual(again["TaskId"], started["TaskId"])
        nodes, _ = self.canvas(inst)
        self.assertEqual(nodes["apply"]["Status"], 3)
        self.assertIn(6, [p["Status"] for p in nodes["countersign"]["Conf"]])  # 回退

        # Resubmitted; the 会签 approves, then the 或签: zhao decides, qian's task turns invalid (3).
        self.complete(inst, "zhang", 1)
        self.complete(inst, "li")
        self.complete(inst, "wang")
        hr = self.tasks(inst, ElementIds=["hr"])
        self.assertEqual(sorted(t["TaskAssignee"]["UserId"] for t in hr), ["qian", "zhao"])
        self.complete(inst, "zhao", Comment="人事同意")
        hr = {t["TaskAssignee"]["UserId"]: t for t in self.tasks(inst, ElementIds=["hr"])}
        self.assertEqual(hr["zhao"]["TaskStatus"], 2)
        self.assertEqual(hr["zhao"]["OperationResult"], 2)
        self.assertEqual(hr["qian"]["TaskStatus"], 3)
        self.assertEqual([t["TaskAssignee"]["UserId"] for t in self.tasks(inst, TaskStatus=3)], ["qian"])
        self.assertNotIn(inst, self.instance_ids("qian", "TODO"))
        nodes, _ = self.canvas(inst)
        self.assertEqual(nodes["hr"]["Status"], 1)
        self.assertEqual([(p["Name"], p["Status"], p["Comment"]) for p in nodes["hr"]["Conf"]], [("赵六", 2, "人事同意")])
        self.assertEqual(nodes["director"]["Status"], 3)
        self.assertIn(inst, self.instance_ids("sun", "TODO"))
        detail = self.describe(self.open_task(inst, "sun")["TaskId"], "TODO", "sun")
        self.assertTrue(detail["CanApprove"])
        self.assertIsNone(detail["Status"])
        self.assertFalse(detail["IsCompleted"])
        self.assertEqual(detail["CurrentApprover"], "sun")
        self.assertEqual(detail["CurrentApprove"], "sun")
        self.assertEqual(detail["CurrentApproverName"], "孙八")
        self.assertEqual(detail["CurrentNodeId"], "director")
        self.assertEqual(set(detail), PROCESS_INSTANCE | TASK_FIELDS)
        # At the director: every earlier node may be rolled back to, the start node ApproveType 1.
        pre = self.ok("GetPreElementList", {"InstanceId": inst})["ElementInfoList"]
        self.assertEqual([(e["ElementId"], e["ApproveType"], e["LastNode"]) for e in pre],
                         [("hr", 2, True), ("countersign", 2, False), ("apply", 1, False)])
        # li's approval page of the 会签 (the document's DONE example): nothing to do any more.
        li_done = [t for t in self.tasks(inst, TaskAssignee=u("li")) if t["TaskStatus"] == 2][-1]
        page = self.ok("GetApprovalPageDetail", {"InstanceId": inst, "FlowCode": f["FlowCode"],
                                                 "NodeId": "countersign", "IsCompleted": True, "PageType": "DONE",
                                                 "TaskId": li_done["TaskId"]})
        self.assertEqual(set(page), {"VariableInfos", "ShowSubmitApp", "ShowCarbonCopy", "ShowTurnToPerson",
                                     "ShowAddAssignee", "ShowRollBack", "ShowRevoke", "OutEntityCodes"})
        self.assertEqual([page[k] for k in ("ShowSubmitApp", "ShowCarbonCopy", "ShowTurnToPerson", "ShowAddAssignee",
                                            "ShowRollBack", "ShowRevoke")], [False] * 6)
        lists = {o["EntityCode"]: o for o in page["VariableInfos"]["ObjectListMap"]}
        self.assertEqual(lists["signers"]["FieldValueMapList"], ["li", "wang"])
        self.assertEqual(lists["signers"]["OutputKey"], "signers")
        self.assertEqual(lists["signers"]["entityCode"], "signers")

        # The director approves: Status 3, in everyone's lists.
        last = self.complete(inst, "sun", 2, Comment="批准")
        detail = self.describe(last["TaskId"], "DONE", "sun")
        self.assertEqual(detail["Status"], 3)
        self.assertTrue(detail["IsCompleted"])
        self.assertIsInstance(detail["EndTime"], int)
        self.assertFalse(detail["CanApprove"])
        self.assertFalse(detail["CanRevoke"])
        self.assertEqual(detail["Name"], "张三提交的请假申请")
        self.assertEqual(detail["StartedBy"], "张三")
        self.assertEqual(detail["StartUserId"], "zhang")
        self.assertEqual(detail["FlowCode"], f["FlowCode"])
        self.assertEqual(detail["FlowVersion"], "1.0")
        self.assertEqual(detail["InstanceId"], inst)
        found = self.ok("GetFlowInstances", {"FlowCode": f["FlowCode"], "Status": 3})["Result"]
        row = [r for r in found if r["InstanceId"] == inst][0]
        self.assertEqual(row["Status"], 3)
        self.assertEqual(row["StartUserName"], "张三")
        self.assertEqual(row["FlowName"], "请假申请")
        self.assertEqual(row["FlowVersion"], "1.0")
        self.assertRegex(row["EndTime"], r"\+0000$")
        for user in ("zhang",):
            self.assertIn(inst, self.instance_ids(user, "CREATE"))
        for user in ("li", "wang", "zhao", "sun"):
            self.assertIn(inst, self.instance_ids(user, "DONE"))
        self.assertEqual(self.counts("sun")["TODO"], before["sun"]["TODO"])
        ops = self.operations(inst)
        self.assertEqual([json.loads(o["Content"])["action"] for o in ops], [1, 1, 2, 6, 1, 2, 2, 2, 2])
        self.assertEqual([o["OperatorUser"] for o in ops],
                         ["zhang", "zhang", "li", "wang", "zhang", "li", "wang", "zhao", "sun"])
        self.assertEqual(json.loads(ops[-1]["Content"])["operationComment"], "批准")
        self.assertEqual(ops[-1]["ElementName"], "总监审批")
        self.assertEqual(ops[-1]["Result"], "")
        nodes, edges = self.canvas(inst)
        self.assertTrue(all(n["Status"] == 1 for n in nodes.values()))
        self.assertTrue(all(e["Status"] == 1 for e in edges))
        self.assertEqual(set(nodes["director"]), {"Id", "ElementId", "Name", "DataType", "Status", "Conf", "visited"})

    def test_20_urge_three_times_a_day(self):
        inst = self.start("weda_simple", {"approver": "li", "finance": "wang"})["FlowInstanceId"]
        messages = self.ok("DescribeWorkflowMessageCount", {"UserInfo": u("li"), "MessageType": 0})["Result"][0]
        for _ in range(3):
            self.assertEqual(self.ok("PressTask", {"InstanceId": inst}), {"Result": True})
        msg = self.refused("PressTask", {"InstanceId": inst}, "LimitExceeded")
        self.assertIn("3 times today", msg)
        after = self.ok("DescribeWorkflowMessageCount", {"UserInfo": u("li"), "MessageType": 0})["Result"][0]
        self.assertEqual(after["WaitingCount"], messages["WaitingCount"] + 3)
        urges = self.ok("DescribeWorkflowMessages", {"UserInfo": u("li"), "PageNo": 1, "PageSize": 10,
                                                     "SearchTitleName": "处理提醒", "MessageType": 0,
                                                     "Status": "READ_TODO"})
        mine = [m for m in urges["ResponseList"] if m["InstanceId"] == inst]
        self.assertEqual(len(mine), 3)
        self.assertEqual(mine[0]["MessageText"], "李四，请尽快处理流程报销审批，有人等急了哦！")
        self.assertEqual(mine[0]["MainTitle"], "处理提醒")
        self.assertEqual(mine[0]["MessageType"], 0)
        self.assertEqual(mine[0]["Status"], "READ_TODO")
        # The next day the count starts again.
        self.s.request("POST", "/engine-rest/ordo/test/clock", {"advanceMillis": DAY}, user="admin")
        self.assertEqual(self.ok("PressTask", {"InstanceId": inst}), {"Result": True})
        # An ended instance cannot be urged.
        self.complete(inst, "li")
        self.complete(inst, "wang")
        self.refused("PressTask", {"InstanceId": inst}, "FailedOperation", "completed")

    def test_30_messages_todo_urge_cc(self):
        inst = self.start("weda_simple", {"approver": "qian", "finance": "sun"})["FlowInstanceId"]
        self.ok("PressTask", {"InstanceId": inst})
        self.complete(inst, "qian", CcUserIds=["zhao"])
        zhao = self.ok("DescribeWorkflowMessages", {"UserInfo": u("zhao"), "PageNo": 1, "PageSize": 200,
                                                    "MessageType": 2})
        cc = [m for m in zhao["ResponseList"] if m["InstanceId"] == inst]
        self.assertEqual(len(cc), 1)
        self.assertEqual(cc[0]["MainTitle"], "抄送提醒")
        self.assertEqual(set(cc[0]), {"MessageType", "MainTitle", "SubTitle", "MessageText", "MessagePageLink",
                                      "MessageId", "InstanceId", "TaskId", "CreateTime", "UpdateTime", "Status"})
        self.assertIn(inst, self.instance_ids("zhao", "CC"))
        cc_record = [r for r in self.listed("zhao", "CC") if r["InstanceId"] == inst][0]
        self.assertEqual(cc_record["CcId"], cc[0]["MessageId"])
        self.assertIsInstance(cc_record["CcTime"], int)
        detail = self.ok("DescribeProcessInstance", {"FlowTaskId": cc_record["TaskId"], "PageType": "CC",
                                                     "UserInfo": u("zhao")})
        self.assertEqual(detail["CcId"], cc[0]["MessageId"])
        qian = self.ok("DescribeWorkflowMessages", {"UserInfo": u("qian"), "PageNo": 1, "PageSize": 200,
                                                    "MessageType": 0})
        kinds = sorted(m["MainTitle"] for m in qian["ResponseList"] if m["InstanceId"] == inst)
        self.assertEqual(kinds, ["处理提醒", "待办提醒"])
        count = self.ok("DescribeWorkflowMessageCount", {"UserInfo": u("qian"), "MessageType": 0})["Result"]
        self.assertEqual(count[0]["MessageType"], 0)
        ids = [m["MessageId"] for m in qian["ResponseList"] if m["InstanceId"] == inst]
        self.assertEqual(self.ok("UpdateWorkflowMessageStatus", {"UserInfo": u("qian"), "MessageIdList": ids,
                                                                 "Status": "READ_DONE"}), {"Result": True})
        after = self.ok("DescribeWorkflowMessageCount", {"UserInfo": u("qian"), "MessageType": 0})["Result"][0]
        self.assertEqual(after["WaitingCount"], count[0]["WaitingCount"] - 2)
        self.assertEqual(after["FinishCount"], count[0]["FinishCount"] + 2)
        done = self.ok("DescribeWorkflowMessages", {"UserInfo": u("qian"), "PageNo": 1, "PageSize": 10,
                                                    "SearchTitleName": "", "MessageType": 0, "Status": "READ_DONE"})
        self.assertEqual(sorted(m["MessageId"] for m in done["ResponseList"] if m["InstanceId"] == inst), sorted(ids))
        self.assertEqual(done["TotalCount"], after["FinishCount"])
        self.ok("UpdateWorkflowMessageStatus", {"UserInfo": u("qian"), "MessageIdList": ids[:1],
                                                "Status": "READ_TODO"})
        again = self.ok("DescribeWorkflowMessageCount", {"UserInfo": u("qian"), "MessageType": 0})["Result"][0]
        self.assertEqual(again["WaitingCount"], after["WaitingCount"] + 1)
        # Another user's message is not found, and one bad id marks none.
        self.refused("UpdateWorkflowMessageStatus", {"UserInfo": u("zhao"), "MessageIdList": ids[:1],
                                                     "Status": "READ_DONE"}, "ResourceNotFound", "MessageIdList")
        self.refused("UpdateWorkflowMessageStatus", {"UserInfo": u("qian"), "MessageIdList": [ids[0], "999999999"],
                                                     "Status": "READ_DONE"}, "ResourceNotFound", "999999999")
        page = self.ok("DescribeWorkflowMessages", {"UserInfo": u("qian"), "PageNo": 1, "PageSize": 1})
        self.assertEqual(len(page["ResponseList"]), 1)
        self.assertGreater(page["TotalCount"], 1)

    def test_40_revoke_by_initiator(self):
        inst = self.start("weda_leave", LEAVE_PARAMS)["FlowInstanceId"]
        submitted = self.complete(inst, "zhang", 1)
        detail = self.describe(submitted["TaskId"], "CREATE", "zhang")
        self.assertTrue(detail["CanRevoke"])
        page = self.ok("GetApprovalPageDetail", {"InstanceId": inst, "FlowCode": self.flows["weda_leave"]["FlowCode"],
                                                 "NodeId": "apply", "IsCompleted": True, "PageType": "CREATE",
                                                 "TaskId": submitted["TaskId"]})
        self.assertTrue(page["ShowRevoke"])
        # Back to the initiator's first task while nobody acted.
        self.assertEqual(self.ok("Revoke", {"Revoker": u("zhang"), "TaskId": submitted["TaskId"], "RevokerType": 2}),
                         {"Result": True})
        self.assertEqual(self.open_task(inst, "zhang")["TaskStatus"], 5)
        ops = self.operations(inst)
        self.assertEqual(json.loads(ops[-1]["Content"]), {"action": 5, "operation": "发起人撤销",
                                                          "operationComment": "", "ccUserIds": []})
        # After an approver acted the initiator may not: the flag says so, and Revoke refuses.
        self.complete(inst, "zhang", 1)
        self.complete(inst, "li")
        detail = self.describe(submitted["TaskId"], "CREATE", "zhang")
        self.assertFalse(detail["CanRevoke"])
        self.refused("Revoke", {"Revoker": u("zhang"), "TaskId": submitted["TaskId"], "RevokeType": 2},
                     "FailedOperation", "already acted")
        # RevokerType 2 is the initiator's; another user is refused.
        self.refused("Revoke", {"Revoker": u("li"), "TaskId": submitted["TaskId"], "RevokerType": 2},
                     "UnauthorizedOperation", "Revoker")
        # A model that starts with an approval: the initiator's Revoke makes a draft.
        simple = self.start("weda_simple", {"approver": "li", "finance": "wang"})
        before = self.counts("zhang")
        t = self.open_task(simple["FlowInstanceId"], "li")
        self.ok("Revoke", {"Revoker": u("zhang"), "TaskId": t["TaskId"], "RevokerType": 2})
        self.assertEqual(self.counts("zhang")["DRAFT"], before["DRAFT"] + 1)
        self.assertIn(simple["FlowInstanceId"], self.instance_ids("zhang", "DRAFT"))
        self.assertEqual([t["TaskStatus"] for t in self.tasks(simple["FlowInstanceId"])], [4])
        draft = [r for r in self.listed("zhang", "DRAFT") if r["InstanceId"] == simple["FlowInstanceId"]][0]
        self.refused("CompleteTask", {"TaskId": draft["TaskId"], "ButtonAction": 2, "Approver": u("zhang")},
                     "FailedOperation", "draft")
        self.ok("CompleteTask", {"TaskId": draft["TaskId"], "ButtonAction": 1, "Approver": u("zhang")})
        self.assertNotIn(simple["FlowInstanceId"], self.instance_ids("zhang", "DRAFT"))
        self.assertEqual(self.open_task(simple["FlowInstanceId"], "li")["ElementId"], "first")

    def test_41_revoke_by_approver(self):
        inst = self.start("weda_simple", {"approver": "li", "finance": "wang"})["FlowInstanceId"]
        first = self.complete(inst, "li")
        # The approver may revoke while the next step has not acted; the initiator no longer may.
        self.assertTrue(self.describe(first["TaskId"], "DONE", "li")["CanRevoke"])
        self.assertFalse(self.describe(first["TaskId"], "CREATE", "zhang")["CanRevoke"])
        page = {"InstanceId": inst, "FlowCode": self.flows["weda_simple"]["FlowCode"], "NodeId": "first",
                "PageType": "DONE", "TaskId": first["TaskId"]}
        self.assertTrue(self.ok("GetApprovalPageDetail", page)["ShowRevoke"])  # li's page: li may
        page.update(PageType="CREATE", UserInfo=u("zhang"))
        self.assertFalse(self.ok("GetApprovalPageDetail", page)["ShowRevoke"])  # the initiator may not
        self.refused("Revoke", {"Revoker": u("li"), "TaskId": first["TaskId"], "RevokerType": 2},
                     "UnauthorizedOperation", "Revoker")
        self.ok("Revoke", {"Revoker": u("li"), "TaskId": first["TaskId"], "RevokeType": 1})
        self.assertEqual(self.open_task(inst, "li")["ElementId"], "first")
        self.assertEqual(json.loads(self.operations(inst)[-1]["Content"])["operation"], "审批人撤销")
        again = self.complete(inst, "li")
        self.complete(inst, "wang")
        self.assertFalse(self.describe(again["TaskId"], "DONE", "li")["CanRevoke"])
        self.refused("Revoke", {"Revoker": u("li"), "TaskId": again["TaskId"], "RevokerType": 1}, "FailedOperation")

    def test_45_codes_reached_through_ordo_routes(self):
        # 17 draft and 16 invalidate have no WeDa action: a draft saved and an instance invalidated
        # through Ordo's own routes show them.
        E = "/engine-rest"
        r = self.s.request("POST", E + "/process-definition/key/weda_simple/draft",
                           {"variables": {"approver": {"value": "li", "type": "String"}}}, user=None, headers=ZHANG)
        self.assertEqual(r.status, 200, r)
        draft = r.json["id"]
        self.assertEqual([json.loads(o["Content"])["action"] for o in self.operations(draft)], [17])
        self.assertIn(draft, self.instance_ids("zhang", "DRAFT"))
        inst = self.start("weda_simple", {"approver": "li", "finance": "wang"})["FlowInstanceId"]
        r = self.s.request("POST", E + "/process-instance/%s/invalidate" % inst, {"reason": "作废"}, user=None,
                           headers=ZHANG)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(json.loads(self.operations(inst)[-1]["Content"]),
                         {"action": 16, "operation": "", "operationComment": "作废", "ccUserIds": []})
        self.assertEqual([r["Status"] for r in self.ok("GetFlowInstances", {"StartUserId": "zhang", "PageSize": 1000})
                          ["Result"] if r["InstanceId"] == inst], [1])

    def test_50_reject_transfer_addsign_stop(self):
        # Reject: Status 2, and the rejecting user finds the instance among their done.
        inst = self.start("weda_simple", {"approver": "li", "finance": "wang"})["FlowInstanceId"]
        self.complete(inst, "li", 3, Comment="不同意")
        self.assertIn(inst, self.instance_ids("li", "DONE"))
        row = [r for r in self.listed("li", "DONE") if r["InstanceId"] == inst][0]
        self.assertEqual(row["Status"], 2)
        nodes, _ = self.canvas(inst, "weda_simple")
        self.assertEqual(nodes["first"]["Conf"][0]["Status"], 3)
        last = self.operations(inst)[-1]
        self.assertEqual(json.loads(last["Content"]), {"action": 3, "operation": "", "operationComment": "不同意",
                                                       "ccUserIds": []})
        self.assertEqual(set(last), {"ElementName", "ElementId", "CreateTime", "OperatorUser", "Content", "Result"})
        # Transfer: the canvas names the new approver.
        inst = self.start("weda_simple", {"approver": "li", "finance": "wang"})["FlowInstanceId"]
        self.refused("CompleteTask", {"TaskId": self.open_task(inst, "li")["TaskId"], "ButtonAction": 4,
                                      "Approver": u("li")}, "MissingParameter", "TurnToUser")
        self.complete(inst, "li", 4, TurnToUser=u("zhao"), Comment="请赵六处理")
        self.assertEqual(self.open_task(inst, "zhao")["ElementId"], "first")
        nodes, _ = self.canvas(inst, "weda_simple")
        self.assertEqual([(p["Name"], p["Status"], p["NewProcessors"]) for p in nodes["first"]["Conf"]],
                         [("李四", 4, "赵六"), ("赵六", 0, "")])
        self.assertEqual(json.loads(self.operations(inst)[-1]["Content"])["action"], 4)
        # Approving someone else's task is refused, and changes nothing (no cc either).
        self.refused("CompleteTask", {"TaskId": self.open_task(inst, "zhao")["TaskId"], "ButtonAction": 2,
                                      "Approver": u("li"), "CcUserIds": ["qian"]}, "UnauthorizedOperation", "li")
        # StopFlow: Status 1.
        self.assertEqual(self.ok("StopFlow", {"InstanceId": inst, "DeleteReason": "nono", "Operator": u("zhang")}),
                         {"Result": True})
        self.assertEqual([r["Status"] for r in self.ok("GetFlowInstances", {"StartUserId": "zhang",
                                                                             "PageSize": 100})["Result"]
                          if r["InstanceId"] == inst], [1])
        self.assertEqual(json.loads(self.operations(inst)[-1]["Content"])["action"], 8)
        self.assertEqual(json.loads(self.operations(inst)[-1]["Content"])["operationComment"], "nono")
        self.refused("StopFlow", {"InstanceId": inst, "Operator": u("zhang")}, "FailedOperation")
        # AddCounterSignAssignee: a new signer beside li and wang in the 会签.
        inst = self.start("weda_leave", LEAVE_PARAMS)["FlowInstanceId"]
        self.complete(inst, "zhang", 1)
        li = self.open_task(inst, "li")
        page = self.ok("GetApprovalPageDetail", {"InstanceId": inst, "FlowCode": self.flows["weda_leave"]["FlowCode"],
                                                 "NodeId": "countersign", "PageType": "TODO", "TaskId": li["TaskId"]})
        self.assertEqual(page["ShowSubmitApp"], True)
        self.assertEqual(page["ShowAddAssignee"], True)
        self.assertEqual(page["ShowTurnToPerson"], True)
        self.assertEqual(page["ShowRollBack"], True)
        self.assertEqual(page["ShowRevoke"], False)
        self.assertEqual(page["OutEntityCodes"], [])
        objects = {o["EntityCode"]: o for o in page["VariableInfos"]["ObjectMap"]}
        self.assertEqual(objects["kt"]["FieldValueMap"], {"test": "1558049980829474819"})
        self.assertEqual(page["VariableInfos"]["ObjectListMap"], page["VariableInfos"]["ObejctListMap"])
        self.assertEqual(self.ok("AddCounterSignAssignee", {"Approver": u("li"), "TaskId": li["TaskId"],
                                                            "AssigneeIds": ["qian"]}), {"Result": True})
        self.assertEqual(sorted(t["TaskAssignee"]["UserId"] for t in self.tasks(inst, ElementIds=["countersign"])),
                         ["li", "qian", "wang"])
        self.assertEqual(json.loads(self.operations(inst)[-1]["Content"]),
                         {"action": 7, "operation": json.dumps([{"id": "qian", "name": "钱七"}],
                                                               ensure_ascii=False, separators=(",", ":")),
                          "operationComment": "", "ccUserIds": []})

    def test_55_previous_approver_chooses(self):
        inst = self.start("weda_choose", {})["FlowInstanceId"]
        lead = self.open_task(inst, "li")
        data = self.ok("CompleteTask", {"TaskId": lead["TaskId"], "ButtonAction": 2, "Comment": "ookk",
                                        "PageParams": {"approve": {"Type": "object", "Value": {"test": "1"}}},
                                        "Approver": u("li"), "CcUserIds": ["sun"]})
        self.assertTrue(data["ToBeSubmittedFlowTaskFlag"])
        info = data["ToBeSubmittedFlowTaskInfo"]
        self.assertEqual([(i["Assignee"], i["AssigneeName"]) for i in info], [("zhao", "赵六"), ("qian", "钱七")])
        self.assertTrue(all(i["WaitFlowTaskId"].isdigit() for i in info))
        self.assertEqual(data["OpenPageFlag"], False)
        # Nothing moved yet: li's task waits for the choice.
        self.assertEqual(self.open_task(inst, "li")["TaskId"], lead["TaskId"])
        self.refused("SubmitFlowTaskList", {"FlowTaskIds": [info[1]["WaitFlowTaskId"]]}, "ResourceNotFound",
                     "FlowTaskIds", token=self.token2)
        self.assertEqual(self.ok("SubmitFlowTaskList", {"FlowTaskIds": [info[1]["WaitFlowTaskId"]]}),
                         {"Result": True})
        pick = self.open_task(inst, "qian")
        self.assertEqual(pick["ElementId"], "pick")
        self.assertEqual([t["TaskStatus"] for t in self.tasks(inst) if t["ElementId"] == "lead"], [2])
        self.refused("SubmitFlowTaskList", {"FlowTaskIds": [info[0]["WaitFlowTaskId"]]}, "ResourceNotFound",
                     "FlowTaskIds")
        self.assertIn(inst, self.instance_ids("sun", "CC"))
        self.assertEqual(json.loads(self.operations(inst)[-1]["Content"])["operationComment"], "ookk")
        cc = [json.loads(o["Content"]) for o in self.operations(inst) if json.loads(o["Content"])["action"] == 15]
        self.assertEqual(cc, [{"action": 15, "operation": "", "operationComment": "", "ccUserIds": ["sun"]}])
        # The document's example submits two: both become candidates of the next task.
        inst = self.start("weda_choose", {})["FlowInstanceId"]
        lead = self.open_task(inst, "li")
        data = self.ok("CompleteTask", {"TaskId": lead["TaskId"], "ButtonAction": 2, "Approver": u("li")})
        ids = [i["WaitFlowTaskId"] for i in data["ToBeSubmittedFlowTaskInfo"]]
        self.assertEqual(set(data["ToBeSubmittedFlowTaskInfo"][0]), {"Assignee", "AssigneeName", "WaitFlowTaskId",
                                                                     "ElementId"})
        self.assertEqual(self.ok("SubmitFlowTaskList", {"FlowTaskIds": ids}), {"Result": True})
        pick = [t for t in self.tasks(inst) if t["ElementId"] == "pick"]
        self.assertEqual(len(pick), 1)
        self.assertIsNone(pick[0]["TaskAssignee"])
        self.assertIn(inst, self.instance_ids("zhao", "TODO"))
        self.assertIn(inst, self.instance_ids("qian", "TODO"))

    def test_60_queries_filter_sort_page(self):
        f = self.flows["weda_simple"]
        a = self.start("weda_simple", {"approver": "li", "finance": "wang"}, user="wang")["FlowInstanceId"]
        b = self.start("weda_simple", {"approver": "li", "finance": "wang"}, user="wang")["FlowInstanceId"]
        mine = self.ok("GetFlowInstances", {"FlowCode": f["FlowCode"], "StartUserId": "wang", "Sort": "start_time",
                                            "Order": "asc"})
        ids = [r["InstanceId"] for r in mine["Result"]]
        self.assertEqual(ids[-2:], [a, b])
        self.assertEqual(mine["TotalCount"], len(ids))
        desc = self.ok("GetFlowInstances", {"FlowCode": f["FlowCode"], "StartUserId": "wang"})
        self.assertEqual([r["InstanceId"] for r in desc["Result"]][:2], [b, a])  # default start_time desc
        one = self.ok("GetFlowInstances", {"StartUserId": "wang", "PageNumber": 2, "PageSize": 1, "Sort": "id",
                                           "Order": "desc"})
        self.assertEqual([r["InstanceId"] for r in one["Result"]], [a])
        self.assertEqual(self.ok("GetFlowInstances", {"StartUserId": "wang", "Status": 3})["TotalCount"], 0)
        self.assertEqual(self.ok("GetFlowInstances", {"FlowVersion": "99.0"})["TotalCount"], 0)
        now = self.s.request("GET", "/engine-rest/ordo/test/clock", user="admin").json["nowMillis"]
        self.assertEqual(self.ok("GetFlowInstances", {"StartUserId": "wang", "StartTime": now + 1})["TotalCount"], 0)
        self.assertEqual(self.ok("GetFlowInstances", {"StartUserId": "wang", "EndTime": now})["TotalCount"], 2)
        todo = self.ok("ListProcessInstances", {"UserInfo": u("li"), "PageType": "TODO", "PageNumber": 1,
                                                "PageSize": 1, "Sort": "startTime", "Order": "desc"})
        self.assertEqual(len(todo["Records"]), 1)
        self.assertEqual(todo["Records"][0]["InstanceId"], b)
        self.assertEqual(todo["Pages"], todo["TotalCount"])
        self.assertFalse(todo["LastPage"])
        asc = self.ok("ListProcessInstances", {"UserInfo": u("li"), "PageType": "TODO", "Sort": "updateTime",
                                               "Order": "asc"})
        self.assertEqual(asc["PageSize"], 10)
        self.assertLess([r["InstanceId"] for r in asc["Records"]].index(a),
                        [r["InstanceId"] for r in asc["Records"]].index(b))
        task = self.tasks(a)[0]
        self.assertEqual(self.tasks(a, TaskIds=[task["TaskId"]])[0]["TaskId"], task["TaskId"])
        self.assertEqual(self.tasks(a, TaskAssignee=u("wang")), [])
        self.assertEqual(self.tasks(a, TaskType=2), [])
        self.assertEqual(len(self.tasks(a, TaskType=1)), 1)
        self.assertEqual(self.tasks(a, IsCarbonCopyTask=True), [])
        self.assertEqual(len(self.tasks(a, StartUser=u("wang"), FlowCode=f["FlowCode"])), 1)
        self.assertEqual(self.tasks(a, StartTime=now + 1), [])
        ops = self.ok("GetFlowInstanceOperations", {"InstanceId": a, "OperatorUser": u("li")})
        self.assertEqual(ops["TotalCount"], 0)
        ops = self.ok("GetFlowInstanceOperations", {"InstanceId": a, "ElementIds": ["start"]})
        self.assertEqual(ops["TotalCount"], 1)

    def test_99_every_route_was_exercised(self):
        self.assertEqual(routes_without_success(self.s, lambda p: p.startswith("/weda/")), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
