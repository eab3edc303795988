"""GET /engine-rest/openapi.json documents every route of the route table (ordo-server
--routes) with its parameters, and every documented operation exists on the server: asked,
none answers the router's 404 (no such path) or 405 (no such method)."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SERVER, Server  # noqa: E402


class OpenApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server()
        cls.doc = cls.s.request("GET", "/engine-rest/openapi.json").json
        cls.routes = json.loads(subprocess.check_output([SERVER, "--routes"]))

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def test_every_route_is_documented(self):
        self.assertEqual(self.doc["openapi"], "3.1.0")
        for r in self.routes:
            op = self.doc["paths"].get(r["path"], {}).get(r["method"].lower())
            self.assertIsNotNone(op, "%s %s is not documented" % (r["method"], r["path"]))
            self.assertTrue(op["summary"])
            self.assertIn(str(r["successStatus"]), op["responses"])
            documented = {(p["name"], p["in"]) for p in op.get("parameters", [])}
            for p in r["params"]:
                self.assertIn((p["name"], p["in"]), documented)
            for seg in r["path"].split("/"):
                if seg.startswith("{"):
                    self.assertIn((seg[1:-1], "path"), documented)
            if r["requestSchema"] is not None:
                self.assertIn(r["requestContentType"], op["requestBody"]["content"])

    def test_every_documented_operation_exists(self):
        known = {(r["method"].lower(), r["path"]) for r in self.routes}
        count = 0
        for path, ops in self.doc["paths"].items():
            for method in ops:
                self.assertIn((method, path), known, "%s %s is documented but not routed" % (method, path))
                concrete = path
                for seg in path.split("/"):
                    if seg.startswith("{"):
                        concrete = concrete.replace(seg, "1")
                concrete = concrete.replace(" ", "%20")  # the work-order document's "/workflow/task/ transfer"
                r = self.s.request(method.upper(), concrete, raw=b"{}", headers={"Content-Type": "application/json"})
                self.assertNotEqual(r.status, 405, "%s %s" % (method, concrete))
                if r.status == 404:
                    self.assertNotIn("no resource at", r.json["message"], "%s %s" % (method, concrete))
                count += 1
        self.assertEqual(count, len(self.routes))


if __name__ == "__main__":
    unittest.main(verbosity=2)
