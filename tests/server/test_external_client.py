"""Camunda's own external task client (npm camunda-external-task-client-js, installed now
into the build directory) subscribes to the topics of external-payment.bpmn and completes
every service task of three instances through /engine-rest/external-task, long polling."""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MODELS, Server, q, typed  # noqa: E402

E = "/engine-rest"
HERE = os.path.dirname(os.path.abspath(__file__))
JS_DIR = os.environ.get("ORDO_JS_DIR", os.path.join(HERE, "js", "build"))


class ExternalTaskClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(JS_DIR, exist_ok=True)
        for f in ("package.json", "worker.mjs"):
            shutil.copy(os.path.join(HERE, "js", f), os.path.join(JS_DIR, f))
        with open(os.path.join(HERE, "js", "package.json")) as f:
            pinned = json.load(f)["dependencies"]["camunda-external-task-client-js"]
        installed = os.path.join(JS_DIR, "node_modules", "camunda-external-task-client-js", "package.json")
        if not os.path.exists(installed) or json.load(open(installed))["version"] != pinned:
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=JS_DIR, check=True, timeout=600)
        cls.s = Server(deploy=(MODELS,))

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def test_worker_completes_the_service_tasks(self):
        ids = []
        for amount in (3, 5, 8):
            r = self.s.request("POST", E + "/process-definition/key/externalPayment/start",
                               {"variables": typed(amount=amount)}, user="employee")
            self.assertEqual(r.status, 200, r)
            ids.append(r.json["id"])
        out = subprocess.run(["node", "worker.mjs", self.s.url, "manager", "manager-pass", "3"], cwd=JS_DIR,
                             capture_output=True, text=True, timeout=90)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        for i, amount in zip(ids, (3, 5, 8)):
            h = self.s.request("GET", E + "/history/process-instance/" + i).json
            self.assertEqual(h["state"], "COMPLETED", h)
            v = self.s.request("GET", q(E + "/history/variable-instance", processInstanceId=i, variableName="charged")).json
            self.assertEqual(v[0]["value"], amount * 100, v)
        self.assertEqual(self.s.request("GET", E + "/external-task/count").json["count"], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
