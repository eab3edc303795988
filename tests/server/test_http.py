"""HTTP/1.1 as clients speak it: several requests on one keep-alive connection, a chunked
body, Expect: 100-continue (curl -F sends it for files over 1 KiB), a request id on every
answer, and Connection: close honoured."""
import os
import socket
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLES, Server, multipart  # noqa: E402

AUTH = b"Authorization: Basic YWRtaW46YWRtaW4tcGFzcw==\r\n"


def read_response(sock, buf=b""):
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed before a response: %r" % buf)
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict((k.lower(), v.strip()) for k, v in (line.split(":", 1) for line in lines[1:]))
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        rest += sock.recv(65536)
    return status, headers, rest[:length], rest[length:]


class Http(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(deploy=(SAMPLES,))

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def connect(self):
        sock = socket.create_connection((self.s.host, self.s.port), timeout=10)
        self.addCleanup(sock.close)
        return sock

    def test_concurrent_completions_of_one_task_have_one_winner(self):
        for round in range(5):
            inst = self.s.request("POST", "/engine-rest/process-definition/key/leaveApproval/start",
                                  {"variables": {"days": {"value": 1, "type": "Integer"},
                                                 "manager": {"value": "manager", "type": "String"}}},
                                  user="employee").json
            task = self.s.request("GET", "/engine-rest/task?processInstanceId=" + inst["id"], user="manager").json[0]
            replies = []
            go = threading.Barrier(8)

            def complete():
                go.wait()
                replies.append(self.s.request("POST", "/engine-rest/task/%s/complete" % task["id"],
                                              {"variables": {"approved": {"value": True, "type": "Boolean"}}},
                                              user="manager"))
            threads = [threading.Thread(target=complete) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            codes = sorted(r.status for r in replies)
            self.assertEqual(codes.count(204), 1, codes)
            # The losers learn the task is gone or done: never a 5xx, never a second success.
            self.assertTrue(all(c in (404, 409) for c in codes if c != 204), codes)
            done = self.s.request("GET", "/engine-rest/history/task?taskId=" + task["id"], user="admin").json
            self.assertEqual(len(done), 1)

    def test_test_clock_is_off_outside_test_mode(self):
        r = self.s.request("POST", "/engine-rest/ordo/test/clock", {"advanceMillis": 1000})
        self.assertEqual(r.status, 404, r)
        self.assertIn("--test-clock", r.json["message"])

    def test_keep_alive_and_request_ids(self):
        sock = self.connect()
        ids = set()
        rest = b""
        for _ in range(5):
            sock.sendall(b"GET /engine-rest/version HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n")
            status, headers, body, rest = read_response(sock, rest)
            self.assertEqual(status, 200)
            self.assertIn(b"7.", body)
            ids.add(headers["x-request-id"])
        self.assertEqual(len(ids), 5)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, headers, body, rest = read_response(sock, rest)
        self.assertEqual((status, headers.get("connection")), (200, "close"))
        self.assertEqual(sock.recv(100), b"")

    def test_chunked_body(self):
        sock = self.connect()
        body = b'{"processDefinitionKey": "leaveApproval"}'
        chunks = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
        sock.sendall(b"POST /engine-rest/process-instance/count HTTP/1.1\r\nHost: x\r\n" + AUTH +
                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
        status, _, answer, _ = read_response(sock)
        self.assertEqual((status, answer), (200, b'{"count":0}'))

    def test_expect_100_continue(self):
        with open(os.path.join(SAMPLES, "or-sign.bpmn"), "rb") as f:
            body, ctype = multipart({"deployment-name": "or", "enable-duplicate-filtering": "true"},
                                    {"data": ("or-sign.bpmn", f.read())})
        sock = self.connect()
        sock.sendall(b"POST /engine-rest/deployment/create HTTP/1.1\r\nHost: x\r\n" + AUTH +
                     b"Content-Type: " + ctype.encode() + b"\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(body))
        status, _, _, rest = read_response(sock)
        self.assertEqual(status, 100)
        sock.sendall(body)
        status, _, answer, _ = read_response(sock, rest)
        self.assertEqual(status, 200, answer)
        self.assertIn(b'"name":"or"', answer)


if __name__ == "__main__":
    unittest.main(verbosity=2)
