"""The work-order center's features behind its API, through the native routes: 工单告警 fired
before and after a deadline with the clock moved by the server's test mode (and after a
restart), its webhook signed and retried; 报告分析 over instances with known durations; 监控中心;
工单打印 as HTML and PDF (the PDF part only when Chromium is installed)."""
import hashlib
import hmac
import http.server
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import USERS, Server, certificate, q, routes_without_success  # noqa: E402
from test_workorder import APP, E, HERE, N, is_report  # noqa: E402


class Hook(http.server.BaseHTTPRequestHandler):
    """A webhook receiver: answers 500 to the first POST, 200 after; keeps what it got."""
    got = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.got.append((dict(self.headers), body))
        self.send_response(500 if len(Hook.got) == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class TlsHook(Hook):
    """An https receiver answering 200; keeps what it got."""
    got = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        TlsHook.got.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class AlertsAnalyticsPrint(unittest.TestCase):
    """工单告警 with the clock moved by the server's test mode (and after a restart), 报告分析 over
    instances with known durations, 监控中心, 工单打印."""

    @classmethod
    def setUpClass(cls):
        cls.hook = http.server.HTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=cls.hook.serve_forever, daemon=True).start()
        cls.config = {"dialects": {"workorder": {"applications": [{"appID": APP["appID"], "secretKey": APP["secretKey"]}]}}}
        cls.certs = tempfile.mkdtemp(prefix="ordo-webhook-certs-")
        cls.cert, cls.stranger = certificate(cls.certs, "trusted"), certificate(cls.certs, "stranger")
        os.environ["SSL_CERT_FILE"] = cls.cert[0]  # the server (a child) trusts only this one
        cls.s = Server(extra_args=["--test-clock"], config=cls.config)
        with open(os.path.join(HERE, "workorder", "repair.bpmn")) as f:
            xml = f.read()
        for key in ("woRepair", "woStats"):
            r = cls.s.request("POST", N + "/definitions", {"name": key, "xml": xml.replace('id="woRepair"', 'id="%s"' % key)})
            assert r.status == 200, r
        assert cls.s.request("POST", N + "/types", {
            "id": "leak", "name": "漏水", "processKey": "woRepair", "supervisors": ["director"],
            "slaDuration": "PT4H", "nodeSla": {"accept": "PT30M"}, "alertLead": "PT10M",
            "webhookUrl": "http://127.0.0.1:%d/hook" % cls.hook.server_port, "webhookSecret": "s3cret"}).status == 204

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()
        cls.hook.shutdown()

    def headers(self, user):
        r = self.s.request("POST", "/workflow/auth/login", {"username": user, "password": USERS[user]}, user=None,
                           headers=dict(APP, requestType="app"))
        token = r.json["data"]["accessToken"]
        return dict(APP, requestType="app", accessToken=token, Authorization=token)

    def wo(self, path, body, user):
        r = self.s.request("POST", path, body, user=None, headers=self.headers(user))
        self.assertEqual(r.json["code"], 200, r.json)
        return r.json["data"]

    def advance(self, millis):
        self.assertEqual(self.s.request("POST", E + "/ordo/test/clock", {"advanceMillis": millis}).status, 200)

    def wait_for(self, what, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            got = what()
            if got:
                return got
            time.sleep(0.1)
        self.fail("not within %ss" % timeout)

    def alerts(self, order):
        return self.s.request("GET", q(N + "/alerts", workOrderId=order)).json

    def test_1_alert_before_and_after_the_deadline_and_after_a_restart(self):
        started = self.wo("/workflow/process/start", {"processId": "woRepair"}, "employee")
        ins = started["ProcessInstanceId"]
        order = self.wo("/userdefine/workorder/workorder", {
            "processId": "woRepair", "taskId": started["TaskId"], "params": {}, "systemId": "s", "projectId": "p",
            "title": "厨房漏水", "workorderId": "leak"}, "employee")["id"]
        time.sleep(0.8)
        self.assertEqual(self.alerts(order), [])
        self.advance(19 * 60 * 1000)  # 11 minutes before the node's deadline: nothing yet
        time.sleep(0.8)
        self.assertEqual(self.alerts(order), [])
        self.advance(2 * 60 * 1000)  # 9 minutes before: approaching
        got = self.wait_for(lambda: self.alerts(order))
        self.assertEqual([(a["level"], a["elementId"], a["notified"]) for a in got],
                         [("approaching", "accept", ["manager", "director"])])
        for user in ("manager", "director"):
            inbox = self.s.request("GET", E + "/ordo/inbox?type=alert", user=user).json
            self.assertIn(ins, [m["processInstanceId"] for m in inbox])
        ops = self.s.request("GET", E + "/process-instance/%s/operations" % ins).json
        self.assertIn("alert", [o.get("action") for o in ops])
        # The webhook: the first POST is answered 500, the retry (after 1 s of the engine's clock) 200.
        self.wait_for(lambda: len(Hook.got) >= 1)
        headers, body = Hook.got[0]
        payload = json.loads(body)
        self.assertEqual((payload["level"], payload["workOrderId"], payload["processInstanceId"]), ("approaching", order, ins))
        want = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        self.assertEqual(headers["X-Ordo-Signature"], want)
        self.wait_for(lambda: self.alerts(order)[0]["webhook"]["attempts"] == 1)
        self.assertEqual(self.alerts(order)[0]["webhook"]["status"], "pending")
        self.advance(1500)
        self.wait_for(lambda: self.alerts(order)[0]["webhook"]["status"] == "delivered")
        self.assertEqual(len(Hook.got), 2)
        # Restarted (the test clock starts again at the real time), the overdue alert still fires.
        self.s.stop()
        db = self.s.db
        type(self).s = Server(extra_args=["--test-clock", "--db", db], config=self.config, deploy=())
        self.advance(31 * 60 * 1000)
        got = self.wait_for(lambda: [a for a in self.alerts(order) if a["level"] == "overdue"])
        self.assertEqual(got[0]["elementId"], "accept")
        mon = self.s.request("GET", q(N + "/monitor", stuckMinutes=100000)).json
        self.assertIn({"processInstanceId": ins, "reason": "overdue"},
                      [{"processInstanceId": a["processInstanceId"], "reason": a["reason"]} for a in mon["abnormal"]])
        self.assertGreaterEqual(mon["normal"], 0)
        # Suspended and stuck instances show too.
        other = self.wo("/workflow/process/start", {"processId": "woStats"}, "employee")["ProcessInstanceId"]
        self.assertEqual(self.s.request("PUT", E + "/process-instance/%s/suspended" % other, {"suspended": True}).status, 204)
        self.advance(2 * 3600 * 1000)
        mon = self.s.request("GET", q(N + "/monitor", stuckMinutes=60)).json
        reasons = {(a["processInstanceId"], a["reason"]) for a in mon["abnormal"]}
        self.assertIn((other, "suspended"), reasons)
        self.assertIn((ins, "stuck"), reasons)
        self.assertEqual(self.s.request("PUT", E + "/process-instance/%s/suspended" % other, {"suspended": False}).status, 204)
        self.assertEqual(self.s.request("GET", q(N + "/monitor", stuckMinutes=0)).status, 400)

    def test_2_analytics_with_known_answers(self):
        # Six woStats instances: instance k takes k hours, the last is rejected.
        for k in range(1, 7):
            started = self.wo("/workflow/process/start", {"processId": "woStats"}, "employee")
            self.advance(k * 3600 * 1000)
            self.wo("/workflow/task/complete", {"taskId": started["TaskId"]}, "manager")
            handle = self.s.request("GET", q(E + "/task", processInstanceId=started["ProcessInstanceId"])).json[0]
            self.wo("/workflow/task/" + ("reject" if k == 6 else "complete"), {"taskId": handle["id"]}, "director")
            if k < 6:
                confirm = self.s.request("GET", q(E + "/task", processInstanceId=started["ProcessInstanceId"])).json[0]
                self.wo("/workflow/task/complete", {"taskId": confirm["id"]}, "employee")
        stats = {s["group"]: s for s in self.s.request("GET", q(N + "/analytics/durations", by="process")).json}
        h = 3600 * 1000
        self.assertEqual((stats["woStats"]["count"], stats["woStats"]["p50Millis"], stats["woStats"]["p90Millis"],
                          stats["woStats"]["maxMillis"]), (6, 3 * h, 6 * h, 6 * h))
        self.assertAlmostEqual(stats["woStats"]["meanMillis"], 3.5 * h)
        nodes = {s["group"]: s for s in self.s.request("GET", q(N + "/analytics/durations", by="node")).json}
        self.assertGreaterEqual(nodes["accept"]["count"], 6)
        people = {s["group"]: s for s in self.s.request("GET", q(N + "/analytics/durations", by="assignee")).json}
        self.assertGreaterEqual(people["director"]["count"], 5)
        runs = self.s.request("GET", q(N + "/analytics/runs", period="year", groupBy="definition")).json
        mine = [r for r in runs if r["group"] == "woStats"]
        self.assertEqual(sum(r["completed"] for r in mine), 5)
        self.assertEqual(sum(r["rejected"] for r in mine), 1)
        self.assertGreaterEqual(sum(r["started"] for r in mine), 6)
        for period, pattern in (("month", r"^\d{4}-\d\d$"), ("quarter", r"^\d{4}-Q[1-4]$"), ("year", r"^\d{4}$")):
            rows = self.s.request("GET", q(N + "/analytics/runs", period=period)).json
            self.assertTrue(rows)
            for r in rows:
                self.assertRegex(r["period"], pattern)
        self.assertEqual(self.s.request("GET", q(N + "/analytics/runs", period="week")).status, 400)
        self.assertEqual(self.s.request("GET", q(N + "/analytics/durations", by="weekday")).status, 400)
        self.assertEqual(self.s.request("GET", q(N + "/analytics/runs"), user="employee").status, 403)
        self.assertEqual(self.s.request("GET", N + "/analytics/evaluations").status, 200)

    def test_3_print_page_and_pdf(self):
        started = self.wo("/workflow/process/start", {"processId": "woStats", "variables": {"location": "5-502"}},
                          "employee")
        order = self.wo("/userdefine/workorder/workorder", {
            "processId": "woStats", "taskId": started["TaskId"], "params": {"pos": "卫生间"}, "systemId": "s",
            "projectId": "p", "title": "马桶堵塞 <urgent>", "roomNumber": "5-502"}, "employee")
        self.wo("/workflow/task/complete", {"taskId": started["TaskId"], "comment": "已派单"}, "manager")
        for user in ("director", "employee"):
            t = self.s.request("GET", q(E + "/task", processInstanceId=started["ProcessInstanceId"])).json[0]
            self.wo("/workflow/task/complete", {"taskId": t["id"], "comment": "done by " + user}, user)
        page = self.s.request("GET", N + "/orders/%s/print" % order["id"], user="employee")
        self.assertEqual(page.status, 200)
        self.assertTrue(page.headers["content-type"].startswith("text/html"))
        html = page.payload.decode()
        for text in (order["workorderNumber"], "马桶堵塞 &lt;urgent&gt;", "5-502", "卫生间", "已派单", "done by director",
                     "manager", "<svg", 'data-id="accept"', "closed"):
            self.assertIn(text, html)
        self.assertNotIn("<urgent>", html)
        self.assertEqual(self.s.request("GET", N + "/orders/%s/print" % order["id"], user="director").status, 404)
        pdf = self.s.request("GET", N + "/orders/%s/pdf" % order["id"], user="employee")
        if os.path.exists("/usr/bin/chromium"):
            self.assertEqual(pdf.status, 200, pdf)
            self.assertEqual(pdf.headers["content-type"], "application/pdf")
            self.assertTrue(pdf.payload.startswith(b"%PDF"))
            # What the PDF says, read back with poppler's pdftotext (scripts/bootstrap installs it).
            path = os.path.join(self.s.dir, "order.pdf")
            with open(path, "wb") as f:
                f.write(pdf.payload)
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True,
                                  check=True).stdout
            text = " ".join(text.split())  # table cells wrap
            for want in (order["workorderNumber"], "马桶堵塞 <urgent>", "5-502", "已派单", "done by director"):
                self.assertIn(want, text)
            # Two at once: each Chromium has its own profile, so neither hands its page to the other.
            both = []
            threads = [threading.Thread(target=lambda: both.append(
                self.s.request("GET", N + "/orders/%s/pdf" % order["id"], user="employee"))) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual([r.status for r in both], [200, 200])
        else:
            self.assertEqual(pdf.status, 501, pdf)
            self.assertIn("Chromium", pdf.json["message"])
        self.assertEqual(self.s.request("GET", N + "/orders/999999/pdf").status, 404)

    def test_4_https_webhook_verified_against_the_trusted_certificate(self):
        # The receiver's certificate is the one SSL_CERT_FILE names (set before the server started);
        # a second receiver with a certificate nobody trusts gets no delivery, its reason recorded.
        done = []
        for trusted in (True, False):
            hook = http.server.HTTPServer(("127.0.0.1", 0), TlsHook)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*(self.cert if trusted else self.stranger))
            hook.socket = ctx.wrap_socket(hook.socket, server_side=True)
            threading.Thread(target=hook.serve_forever, daemon=True).start()
            self.addCleanup(hook.shutdown)
            tid = "tls%d" % trusted
            self.assertEqual(self.s.request("POST", N + "/types", {
                "id": tid, "name": "TLS", "processKey": "woRepair", "nodeSla": {"accept": "PT30M"},
                "alertLead": "PT10M", "webhookUrl": "https://127.0.0.1:%d/hook" % hook.server_port,
                "webhookSecret": "k"}).status, 204)
            started = self.wo("/workflow/process/start", {"processId": "woRepair"}, "employee")
            done.append(self.wo("/userdefine/workorder/workorder", {
                "processId": "woRepair", "taskId": started["TaskId"], "params": {}, "systemId": "s",
                "projectId": "p", "title": "TLS", "workorderId": tid}, "employee")["id"])
        self.advance(21 * 60 * 1000)
        self.wait_for(lambda: self.alerts(done[0]) and self.alerts(done[0])[0]["webhook"]["status"] == "delivered")
        headers, body = TlsHook.got[0]
        self.assertEqual(headers["X-Ordo-Signature"], "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest())
        self.assertEqual(json.loads(body)["workOrderId"], done[0])
        self.wait_for(lambda: self.alerts(done[1]) and self.alerts(done[1])[0]["webhook"]["attempts"] >= 1)
        self.assertIn("certificate", self.alerts(done[1])[0]["webhook"]["error"])
        self.assertEqual(len(TlsHook.got), 1)
        bad = self.s.request("POST", N + "/types", {"id": "x", "name": "x", "webhookUrl": "ftp://127.0.0.1/"})
        self.assertEqual(bad.status, 400)
        self.assertIn("webhookUrl", bad.json["message"])

    def test_9_every_route_answered(self):
        chromium = os.path.exists("/usr/bin/chromium")
        self.assertEqual(routes_without_success(
            self.s, lambda p: is_report(p) and (chromium or not p.endswith("/pdf"))), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
