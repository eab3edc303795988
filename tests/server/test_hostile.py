"""Hostile clients: more connections than the limit, a credential over its request rate,
request smuggling, invalid UTF-8 and deep JSON, path traversal under the static paths, a
body trickled byte by byte. Each is answered (or cut) in bounded time, other clients are
served meanwhile, and no secret ever reaches a log."""
import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import USERS, Server, basic  # noqa: E402

E = "/engine-rest"


def raw(server, data, timeout=10):
    """Sends raw bytes on a fresh connection; returns everything the server sent until it closed."""
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    try:
        sock.sendall(data)
        out = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        sock.close()


def statuses(reply):
    return [int(line.split(b" ")[1]) for line in reply.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(config={"limits": {"maxConnections": 24, "ratePerSecond": 5, "rateBurst": 8,
                                          "readTimeoutMillis": 2000}})

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def auth(self, user="admin"):
        return b"Authorization: Basic " + basic(user, USERS[user]).encode() + b"\r\n"

    def test_connections_beyond_the_limit(self):
        held = []
        try:
            for _ in range(40):
                held.append(socket.create_connection((self.s.host, self.s.port), timeout=5))
            time.sleep(0.3)
            refused = 0
            for sock in held:
                sock.settimeout(0.2)
                try:
                    data = sock.recv(1000)
                except socket.timeout:
                    continue
                if data.startswith(b"HTTP/1.1 503"):
                    refused += 1
                    self.assertIn(b"too many connections", data)
            self.assertGreaterEqual(refused, 40 - 24)
        finally:
            for sock in held:
                sock.close()
        # Once they are gone the server takes new connections again.
        time.sleep(0.3)
        self.assertEqual(self.s.request("GET", "/health", user=None).status, 200)

    def test_rate_limit_per_credential(self):
        time.sleep(2)  # a full bucket
        got = [self.s.request("GET", E + "/version", user="employee") for _ in range(14)]
        limited = [r for r in got if r.status == 429]
        self.assertGreaterEqual(len(limited), 4, [r.status for r in got])
        self.assertIn("rate limit", limited[0].json["message"])
        self.assertGreaterEqual(int(limited[0].headers["retry-after"]), 1)
        # Another credential has a bucket of its own.
        self.assertEqual(self.s.request("GET", E + "/version", user="manager").status, 200)
        time.sleep(1.2)
        self.assertEqual(self.s.request("GET", E + "/version", user="employee").status, 200)

    def test_request_smuggling_is_refused(self):
        time.sleep(2)
        smuggled = b"GET " + E.encode() + b"/user HTTP/1.1\r\nHost: x\r\n" + self.auth() + b"\r\n"
        for framing in (b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
                        b"Content-Length: 4\r\nContent-Length: 40\r\n",
                        b"Transfer-Encoding: gzip, chunked, identity\r\n"):
            reply = raw(self.s, b"POST " + E.encode() + b"/task HTTP/1.1\r\nHost: x\r\n" + self.auth() + framing +
                        b"Content-Type: application/json\r\n\r\n0\r\n\r\n" + smuggled)
            codes = statuses(reply)
            # One answer, a 400, and never one to the request hidden in the body.
            self.assertEqual(codes, [400], reply)
            self.assertIn(b"malformed request", reply)

    def test_invalid_utf8_and_deep_json(self):
        time.sleep(2)
        for body in (b'{"name": "\xff\xfe"}', b"[" * 100000 + b"]" * 100000, b'{"a":' * 5000 + b"1" + b"}" * 5000):
            r = self.s.request("POST", E + "/task", raw=body, headers={"Content-Type": "application/json"}, user="admin")
            self.assertEqual(r.status, 400, r)
            self.assertIn("body", r.json["message"])

    def test_a_path_that_is_not_utf8(self):
        # Found by the HTTP fuzzer: the error's message held the path's bytes, and shaping it
        # threw on the pool thread, which ended the server.
        time.sleep(2)
        reply = raw(self.s, b"POST " + E.encode() + b"/task/1\xb6\xb6\xb6/complete HTTP/1.1\r\nHost: x\r\n" +
                    self.auth() + b"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        self.assertEqual(statuses(reply), [404], reply)
        self.assertEqual(self.s.request("GET", "/health", user=None).status, 200)

    def test_path_traversal_under_static_paths(self):
        time.sleep(2)
        for path in ("/docs/..%2f..%2f..%2fetc%2fpasswd", "/docs/%2e%2e/%2e%2e/etc/passwd", "/docs/../../etc/passwd",
                     "/docs/....//....//etc/passwd"):
            r = self.s.request("GET", E + path, user="admin")
            self.assertIn(r.status, (404, 400), r)
            self.assertNotIn(b"root:", r.payload or b"")

    def test_trickled_body_is_cut_in_bounded_time(self):
        sock = socket.create_connection((self.s.host, self.s.port), timeout=10)
        sock.sendall(b"POST " + E.encode() + b"/task/create HTTP/1.1\r\nHost: x\r\n" + self.auth() +
                     b"Content-Type: application/json\r\nContent-Length: 50\r\n\r\n")
        began = time.time()
        closed = False
        served = []
        other = threading.Thread(target=lambda: served.append(self.s.request("GET", "/health", user=None).status))
        other.start()
        try:
            for _ in range(40):
                sock.sendall(b" ")
                time.sleep(0.2)
        except OSError:
            closed = True
        other.join()
        elapsed = time.time() - began
        if not closed:
            sock.settimeout(3)
            closed = sock.recv(100) in (b"",)
        sock.close()
        self.assertTrue(closed, "a body trickled for 8 s was still being read")
        self.assertLess(elapsed, 8)
        self.assertEqual(served, [200])

    def test_secrets_never_reach_the_logs(self):
        time.sleep(2)
        tok = self.s.request("POST", E + "/ordo/tokens", {"userId": "manager", "name": "logged?"}, user="admin").json
        secret = tok["token"]
        self.assertEqual(self.s.request("GET", E + "/version", user=None,
                                        headers={"Authorization": "Bearer " + secret}).status, 200)
        self.s.request("GET", E + "/version?password=%s&token=%s" % (USERS["admin"], secret), user="admin")
        self.s.request("POST", E + "/user/create",
                       {"profile": {"id": "zoe"}, "credentials": {"password": "zoe-secret-pass"}}, user="admin")
        time.sleep(0.2)
        logs = open(os.path.join(self.s.dir, "access.log")).read() + open(self.s.stderr.name).read() + \
            open(self.s.db + ".audit.log").read()
        for s in (secret, USERS["admin"], USERS["employee"], "zoe-secret-pass", basic("admin", USERS["admin"])):
            self.assertNotIn(s, logs)

    def test_audit_log_of_administrative_actions(self):
        time.sleep(2)
        self.assertEqual(self.s.request("POST", E + "/user/create",
                                        {"profile": {"id": "yuri"}, "credentials": {"password": "yuri-secret-pass"}},
                                        user="admin").status, 204)
        self.assertEqual(self.s.request("POST", E + "/group/create", {"id": "crew", "name": "Crew"},
                                        user="employee").status, 403)
        self.assertEqual(self.s.request("GET", E + "/user", user="admin").status, 200)
        time.sleep(0.2)
        lines = [json.loads(x) for x in open(self.s.db + ".audit.log")]
        created = [x for x in lines if x["route"] == E + "/user/create" and x["status"] == 204]
        self.assertTrue(created and created[-1]["user"] == "admin", lines)
        refused = [x for x in lines if x["route"] == E + "/group/create"]
        self.assertEqual([(x["user"], x["status"]) for x in refused][-1:], [("employee", 403)])
        self.assertFalse([x for x in lines if x["method"] == "GET"], "reads are not administrative actions")
        self.assertEqual(set(lines[-1]), {"at", "requestId", "user", "remote", "method", "route", "params", "status"})
        self.assertNotIn("yuri-secret-pass", open(self.s.db + ".audit.log").read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
