"""A bad-input sweep generated from the route table (ordo-server --routes): for every route,
no and wrong credentials, non-administrators on administrators' routes, unknown ids, another
tenant's ids, malformed JSON, a body of the wrong shape, every typed field with a wrong type,
missing required fields, ill-typed query parameters, oversized bodies, a slow client. Each
answers a 4xx that the route documents in openapi.json, with a message naming the field at
fault, never a 5xx; and every table of the database is the same afterwards."""
import json
import os
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MODELS, SAMPLES, SERVER, USERS, Server, multipart, q, typed  # noqa: E402

E = "/engine-rest"
UNKNOWN = {"id": "987654", "key": "noSuchProcess", "tenantId": "noSuchTenant", "userId": "nobody",
           "resourceId": "77", "varName": "noSuchVariable", "type": "noSuchList", "file": "no-such-file.js",
           "toUserId": "nobody"}


def placeholder(schema):
    """A value the schema accepts, for the fields a body needs."""
    t = schema.get("type")
    if t == "object":
        out = {}
        for name in schema.get("required", []):
            out[name] = placeholder(schema["properties"][name])
        return out
    return {"string": "x", "integer": 1, "number": 1, "boolean": True, "array": []}.get(t, "x")


def wrong(schema):
    """A value of another type than the schema's."""
    t = schema.get("type")
    return {"string": 12345, "integer": "twelve", "number": "twelve", "boolean": "yes", "array": {"not": "array"},
            "object": ["not", "an", "object"]}.get(t)


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(deploy=(SAMPLES, MODELS), config={"limits": {"readTimeoutMillis": 1500}})
        s = cls.s
        # The Camunda dialect's routes and the server's own; the other dialects (their own envelopes
        # and codes) sweep their bad input in their own tests (test_weda.py ...).
        cls.routes = [r for r in json.loads(subprocess.check_output([SERVER, "--routes"]))
                      if r["path"].startswith(E) or r["path"] in ("/health", "/metrics")]
        cls.doc = s.request("GET", E + "/openapi.json").json
        # Another tenant's resources: alice in tenant acme.
        assert s.request("POST", E + "/tenant/create", {"id": "acme", "name": "ACME"}).status == 204
        assert s.request("POST", E + "/user/create", {"profile": {"id": "alice", "ordoTenantId": "acme"},
                                                      "credentials": {"password": "alice-pass"}}).status == 204
        USERS["alice"] = "alice-pass"
        with open(os.path.join(MODELS, "external-payment.bpmn"), "rb") as f:
            xml = f.read().replace(b'id="externalPayment"', b'id="acmePayment"')
        body, ctype = multipart({"deployment-name": "acme"}, {"data": ("acme.bpmn", xml)})
        dep = s.request("POST", E + "/deployment/create", user="alice", raw=body, headers={"Content-Type": ctype}).json
        inst = s.request("POST", E + "/process-definition/key/acmePayment/start", {}, user="alice").json
        ext = s.request("GET", q(E + "/external-task", processInstanceId=inst["id"]), user="alice").json[0]
        leave = s.request("POST", E + "/process-definition/key/leaveApproval/start",
                          {"variables": typed(days=1, manager="alice")}, user="alice").json
        task = s.request("GET", q(E + "/task", processInstanceId=leave["id"]), user="alice").json[0]
        cls.foreign = {"/engine-rest/deployment/{id}": dep["id"],
                       "/engine-rest/process-definition/{id}": list(dep["deployedProcessDefinitions"])[0],
                       "/engine-rest/process-definition/key/{key}": "acmePayment",
                       "/engine-rest/process-instance/{id}": inst["id"],
                       "/engine-rest/history/process-instance/{id}": inst["id"],
                       "/engine-rest/external-task/{id}": ext["id"],
                       "/engine-rest/task/{id}": task["id"],
                       "/engine-rest/user/{id}": "alice",
                       "/engine-rest/tenant/{id}": "acme"}
        # Let the job executor settle, then remember every table.
        time.sleep(0.5)
        cls.before = s.dump()
        cls.seen = []

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def send(self, route, path, body=None, raw=None, user="admin", headers=None, ctype=None):
        h = dict(headers or {})
        if raw is not None and ctype:
            h["Content-Type"] = ctype
        r = self.s.request(route["method"], path, body, user=user, raw=raw, headers=h)
        self.seen.append((route["method"], route["path"], r.status))
        self.assertLess(r.status, 500, "%s %s -> %r" % (route["method"], path, r))
        return r

    def documented(self, route, r, *expected):
        self.assertIn(r.status, expected, "%s %s -> %r" % (route["method"], route["path"], r))
        op = self.doc["paths"][route["path"]][route["method"].lower()]
        self.assertIn(str(r.status), op["responses"], "%s %s answered an undocumented %d" % (route["method"], route["path"], r.status))
        body = r.json
        self.assertTrue(body["type"].endswith("Exception"), body)
        self.assertTrue(body["message"], body)
        return body

    def path(self, route, values=UNKNOWN):
        p = route["path"]
        for k, v in values.items():
            p = p.replace("{%s}" % k, v)
        return p

    def body_for(self, route):
        schema = route.get("requestSchema")
        return placeholder(schema) if isinstance(schema, dict) and route["requestContentType"] == "application/json" else None

    def test_1_credentials(self):
        for route in self.routes:
            if route["auth"] == "none":
                continue
            p = self.path(route)
            r = self.send(route, p, user=None)
            self.documented(route, r, 401)
            self.assertIn("Basic", r.headers.get("www-authenticate", ""))
            self.documented(route, self.send(route, p, user=None, headers={"Authorization": "Basic ZW1wbG95ZWU6d3Jvbmc="}), 401)
            self.documented(route, self.send(route, p, user=None, headers={"Authorization": "Bearer ordo_not_a_token"}), 401)
            if route["auth"] == "admin":
                self.documented(route, self.send(route, p, self.body_for(route), user="employee"), 403)

    def test_2_unknown_ids(self):
        for route in self.routes:
            if "{" not in route["path"] or route["path"].startswith("/engine-rest/docs"):
                continue
            r = self.send(route, self.path(route), self.body_for(route))
            if route["requestContentType"] == "multipart/form-data":
                continue
            self.documented(route, r, 404)

    def test_3_other_tenants_ids(self):
        checked = 0
        for route in self.routes:
            for prefix, value in self.foreign.items():
                param = prefix[prefix.rindex("{") + 1:-1]
                if not route["path"].startswith(prefix):
                    continue
                values = dict(UNKNOWN)
                values[param] = value
                values["id" if param == "key" else param] = value
                # employee has no tenant: alice's resources must be as unknown to it as a made-up id.
                r = self.send(route, self.path(route, values), self.body_for(route), user="employee")
                if route["auth"] == "admin":
                    self.documented(route, r, 403)
                else:
                    self.documented(route, r, 404)
                checked += 1
        self.assertGreater(checked, 40)

    def test_4_bodies(self):
        for route in self.routes:
            schema = route.get("requestSchema")
            if not isinstance(schema, dict):
                continue
            p = self.path(route)
            if route["requestContentType"] == "multipart/form-data":
                m = self.documented(route, self.send(route, p, raw=b"not multipart", ctype="text/plain"), 400)
                self.assertIn("Content-Type", m["message"])
                body, ctype = multipart({"deployment-name": "x"}, {})
                m = self.documented(route, self.send(route, p, raw=body, ctype=ctype), 400)
                self.assertIn("data", m["message"])
                body, ctype = multipart({}, {"data": ("bad.bpmn", b"<definitions")})
                self.documented(route, self.send(route, p, raw=body, ctype=ctype), 400)
                continue
            m = self.documented(route, self.send(route, p, raw=b'{"variables": {', ctype="application/json"), 400)
            self.assertIn("body", m["message"])
            m = self.documented(route, self.send(route, p, raw=b'["an", "array"]', ctype="application/json"), 400)
            self.assertIn("expected an object", m["message"])
            for name, prop in schema.get("properties", {}).items():
                bad = wrong(prop)
                if bad is None:
                    continue
                body = placeholder(schema)
                body[name] = bad
                m = self.documented(route, self.send(route, p, body), 400)
                self.assertIn(name, m["message"], "%s %s: %s" % (route["method"], route["path"], m))
            for name in schema.get("required", []):
                body = placeholder(schema)
                del body[name]
                m = self.documented(route, self.send(route, p, body), 400)
                self.assertIn(name, m["message"])
            if "variables" in schema.get("properties", {}):
                body = placeholder(schema)
                body["variables"] = {"days": {"value": "many", "type": "Integer"}}
                m = self.documented(route, self.send(route, p, body), 400)
                self.assertIn("variables.days", m["message"])
                body["variables"] = {"days": {"value": 1, "type": "NoSuchType"}}
                m = self.documented(route, self.send(route, p, body), 400)
                self.assertIn("variables.days.type", m["message"])

    def test_5_query_parameters(self):
        for route in self.routes:
            for param in route["params"]:
                if param["in"] != "query" or param["schema"]["type"] not in ("integer", "boolean"):
                    continue
                p = self.path(route) + "?" + param["name"] + "=notvalid"
                m = self.documented(route, self.send(route, p, self.body_for(route)), 400)
                self.assertIn(param["name"], m["message"])

    def test_6_oversized_bodies(self):
        big = b'{"x": "' + b"a" * (1 << 20) + b'"}'
        for route in self.routes:
            if not isinstance(route.get("requestSchema"), dict) or route["requestContentType"] != "application/json":
                continue
            m = self.documented(route, self.send(route, self.path(route), raw=big, ctype="application/json"), 413)
            self.assertIn("body", m["message"])
        dep = [r for r in self.routes if r["path"].endswith("/deployment/create")][0]
        huge, ctype = multipart({}, {"data": ("big.bpmn", b"x" * (16 << 20))})
        self.documented(dep, self.send(dep, dep["path"], raw=huge, ctype=ctype), 413)

    def test_7_slow_client(self):
        # Half a request line, then silence: the server cuts the connection after its read timeout.
        sock = socket.create_connection((self.s.host, self.s.port))
        sock.sendall(b"POST /engine-rest/task HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"assig")
        began = time.time()
        sock.settimeout(10)
        data = sock.recv(1000)
        elapsed = time.time() - began
        sock.close()
        self.assertEqual(data, b"", "the server answered a request it never fully got")
        self.assertLess(elapsed, 6)
        self.assertGreater(elapsed, 1.0)
        # A slow header alone is cut too, and meanwhile other requests are served.
        sock = socket.create_connection((self.s.host, self.s.port))
        sock.sendall(b"GET /engine-rest/version HTTP/1.1\r\nHost")
        self.assertEqual(self.s.request("GET", "/health", user=None).status, 200)
        sock.settimeout(10)
        self.assertEqual(sock.recv(1000), b"")
        sock.close()

    def test_8_header_limit_and_unknown_routes(self):
        r = self.s.request("GET", E + "/version", headers={"X-Big": "a" * (64 << 10)})
        self.assertEqual(r.status, 431)
        for method, path in (("GET", E + "/no-such-thing"), ("PATCH", E + "/task"), ("GET", E + "/engine/other/task")):
            r = self.s.request(method, path)
            self.assertIn(r.status, (404, 405), r)
            self.assertIn("message", r.json)

    def test_9_database_unchanged(self):
        # Runs last (unittest orders by name): every table is as it was before the sweep.
        after = self.s.dump()
        for table in sorted(set(self.before) | set(after)):
            self.assertEqual(self.before.get(table), after.get(table), "table %s changed" % table)
        self.assertGreater(len(self.seen), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
