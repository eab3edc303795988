"""SIGKILL of ordo-server under HTTP load, again and again on one database: every request
answered 2xx before the kill (an instance started, a task completed) is found in the file
afterwards, and the file is sound. ORDO_KILLS sets the number of kills (default 1,000);
ORDO_KILL_SECONDS bounds the loop's time (default 300 s; at least 100 kills must fit)."""
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLES, SERVER, USERS, basic  # noqa: E402

E = "/engine-rest"
KILLS = int(os.environ.get("ORDO_KILLS", "1000"))
BOUND = float(os.environ.get("ORDO_KILL_SECONDS", "300"))


class Load:
    """Threads that start leave requests as the employee and complete the manager's tasks,
    remembering what the server acknowledged."""

    def __init__(self, port, tokens):
        self.port = port
        self.tokens = tokens
        self.started, self.completed = [], []
        self.lock = threading.Lock()
        self.stop = False

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)

    def call(self, c, method, path, body, user):
        h = {"Authorization": "Bearer " + self.tokens[user]}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        return r.status, r.read()

    def starter(self):
        c = self.conn()
        try:
            while not self.stop:
                status, payload = self.call(c, "POST", E + "/process-definition/key/leaveApproval/start",
                                            {"variables": {"days": {"value": 1, "type": "Integer"},
                                                           "manager": {"value": "manager", "type": "String"}}},
                                            "employee")
                if status == 200:
                    with self.lock:
                        self.started.append(int(json.loads(payload)["id"]))
        except (OSError, http.client.HTTPException):
            pass
        finally:
            c.close()

    def completer(self):
        c = self.conn()
        try:
            while not self.stop:
                status, payload = self.call(c, "GET", E + "/task?assignee=manager&maxResults=5", None, "manager")
                tasks = json.loads(payload) if status == 200 else []
                if not tasks:
                    time.sleep(0.002)
                for t in tasks:
                    status, _ = self.call(c, "POST", E + "/task/%s/complete" % t["id"],
                                          {"variables": {"approved": {"value": True, "type": "Boolean"}}}, "manager")
                    if status == 204:
                        with self.lock:
                            self.completed.append(int(t["id"]))
        except (OSError, http.client.HTTPException, ValueError):
            pass
        finally:
            c.close()


class Kill(unittest.TestCase):
    def test_every_acknowledged_request_survives_sigkill(self):
        d = tempfile.mkdtemp(prefix="ordo-kill-")
        db = os.path.join(d, "kill.db")
        began = time.time()
        kills = started = completed = 0
        first = True
        while kills < KILLS and time.time() - began < BOUND:
            args = [SERVER, "--listen", "127.0.0.1:0", "--db", db, "--access-log", "off"]
            if first:
                args += ["--deploy", SAMPLES, "--sample-users"]
            proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            line = proc.stdout.readline()
            self.assertIn("listening on", line)
            port = int(line.strip().rsplit(":", 1)[1])
            if first:
                # Bearer tokens: a Basic password costs Argon2 once per process, longer than a run.
                tokens = {}
                for user in ("employee", "manager"):
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    c.request("POST", E + "/ordo/tokens", body=json.dumps({"userId": user, "name": "kill"}),
                              headers={"Authorization": "Basic " + basic("admin", USERS["admin"]),
                                       "Content-Type": "application/json"})
                    r = c.getresponse()
                    self.assertEqual(r.status, 200)
                    tokens[user] = json.loads(r.read())["token"]
                    c.close()
            first = False
            load = Load(port, tokens)
            threads = [threading.Thread(target=load.starter) for _ in range(2)] + \
                      [threading.Thread(target=load.completer)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(0.02, 0.15))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
            load.stop = True
            for t in threads:
                t.join()
            kills += 1
            with load.lock:
                acked_instances, acked_tasks = list(load.started), list(load.completed)
            started += len(acked_instances)
            completed += len(acked_tasks)
            con = sqlite3.connect(db)
            try:
                have = {r[0] for r in con.execute("SELECT id FROM instances")}
                missing = [i for i in acked_instances if i not in have]
                self.assertEqual(missing, [], "kill %d: started instances lost" % kills)
                done = {r[0] for r in con.execute("SELECT id FROM tasks WHERE state = 'completed'")}
                lost = [t for t in acked_tasks if t not in done]
                self.assertEqual(lost, [], "kill %d: completed tasks not completed" % kills)
                if kills % 50 == 0 or kills == KILLS:
                    self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            finally:
                con.close()
        elapsed = time.time() - began
        print("kills=%d acknowledged_starts=%d acknowledged_completions=%d seconds=%.1f" %
              (kills, started, completed, elapsed))
        self.assertGreaterEqual(kills, min(KILLS, 100), "fewer kills than required fit in %s s" % BOUND)
        self.assertGreater(started, kills // 2, "the load hardly ran: nothing was tested")
        self.assertGreater(completed, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
