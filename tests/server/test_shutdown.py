"""Graceful shutdown under load: clients start instances over keep-alive connections while
SIGTERM arrives. The server exits 0, and every request it acknowledged (200) is in the
database afterwards; new connections are refused once it has stopped."""
import http.client
import json
import os
import signal
import socket
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLES, Server, typed  # noqa: E402

AUTH = {"Authorization": "Basic ZW1wbG95ZWU6ZW1wbG95ZWUtcGFzcw==", "Content-Type": "application/json"}


class Shutdown(unittest.TestCase):
    def test_no_acknowledged_request_is_lost(self):
        s = Server(deploy=(SAMPLES,))
        acknowledged, lock, stop = [], threading.Lock(), threading.Event()

        def client(n):
            conn = http.client.HTTPConnection(s.host, s.port, timeout=30)
            i = 0
            while not stop.is_set():
                key = "c%d-%d" % (n, i)
                i += 1
                body = json.dumps({"businessKey": key, "variables": typed(days=1, manager="manager")})
                try:
                    conn.request("POST", "/engine-rest/process-definition/key/leaveApproval/start", body, AUTH)
                    r = conn.getresponse()
                    payload = r.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    try:
                        conn = http.client.HTTPConnection(s.host, s.port, timeout=30)
                        conn.connect()
                    except OSError:
                        return  # the server is gone
                    continue
                if r.status == 200:
                    with lock:
                        acknowledged.append((key, json.loads(payload)["id"]))
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(s.host, s.port, timeout=30)

        # A worker long-polls an empty topic: stopping answers it at once, not after 30 s.
        poll = {}

        def long_poll():
            conn = http.client.HTTPConnection(s.host, s.port, timeout=60)
            began = time.time()
            conn.request("POST", "/engine-rest/external-task/fetchAndLock", json.dumps({
                "workerId": "w", "maxTasks": 1, "asyncResponseTimeout": 30000,
                "topics": [{"topicName": "nothing-here", "lockDuration": 1000}]}), AUTH)
            r = conn.getresponse()
            poll.update(status=r.status, body=r.read(), seconds=time.time() - began)

        poller = threading.Thread(target=long_poll)
        poller.start()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        with lock:
            before = len(acknowledged)
        self.assertGreater(before, 10, "the load never got going")
        s.proc.send_signal(signal.SIGTERM)
        code = s.proc.wait(30)
        stop.set()
        for t in threads:
            t.join(30)
        poller.join(30)
        self.assertEqual((poll.get("status"), poll.get("body")), (200, b"[]"))
        self.assertLess(poll["seconds"], 15)
        self.assertEqual(code, 0, open(s.stderr.name).read()[-2000:])
        with self.assertRaises(OSError):
            socket.create_connection((s.host, s.port), timeout=2).close()
        db = sqlite3.connect(s.db)
        stored = dict(db.execute("SELECT business_key, id FROM instances"))
        db.close()
        lost = [(k, i) for k, i in acknowledged if stored.get(k) != int(i)]
        self.assertEqual(lost, [], "acknowledged but not in the database")
        self.assertIn("stopping (SIGTERM)", open(s.stderr.name).read())
        s.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
