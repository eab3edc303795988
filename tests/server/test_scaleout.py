"""Three ordo-server processes on one PostgreSQL database (ORDO_TEST_POSTGRES, as
scripts/with-postgres sets it; skipped, exit 77, without one):

- racing completions: the same task completed through all three servers at once, exactly one succeeds;
- external-task fetch-and-lock by a worker on each server hands each task to one worker;
- concurrent load on all three, `kill -9` of one in the middle: the others go on, nothing
  acknowledged is lost, every timer job fires exactly once (the dead server's locked jobs are
  taken over after the lock expiry), and the consistency checks of the crash test hold."""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLES, SERVER, USERS, basic  # noqa: E402

E = "/engine-rest"
PG = os.environ.get("ORDO_TEST_POSTGRES", "")
SCHEMA = "scaleout_%d" % os.getpid()
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "scaleout")
LOCK_MILLIS = 3000


def psql(sql):
    env = dict(os.environ, PGOPTIONS="-c search_path=%s -c client_min_messages=warning" % SCHEMA)
    return subprocess.check_output(["psql", PG, "-tAXq", "-v", "ON_ERROR_STOP=1", "-c", sql], text=True,
                                   env=env).strip()


def ids(sql):
    return {int(x) for x in psql(sql).split()}


class Node:
    """One ordo-server on the shared database."""

    def __init__(self, d, n, first):
        cfg = os.path.join(d, "config-%d.json" % n)
        with open(cfg, "w") as f:
            json.dump({"jobPollMillis": 100, "jobLockMillis": LOCK_MILLIS}, f)
        args = [SERVER, "--listen", "127.0.0.1:0", "--db", PG + "?schema=" + SCHEMA, "--config", cfg,
                "--access-log", "off", "--audit-log", "off"]
        if first:
            args += ["--deploy", SAMPLES, "--deploy", MODELS, "--sample-users"]
        self.err = open(os.path.join(d, "stderr-%d.txt" % n), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.err, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError("ordo-server %d did not start: %r %s" % (n, line, open(self.err.name).read()))
        self.port = int(line.strip().rsplit(":", 1)[1])

    def call(self, method, path, body=None, token=None, user=None, timeout=30):
        h = {}
        if token:
            h["Authorization"] = "Bearer " + token
        elif user:
            h["Authorization"] = "Basic " + basic(user, USERS[user])
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            payload = r.read()
            return r.status, (json.loads(payload) if payload and payload[:1] in (b"{", b"[") else payload)
        finally:
            c.close()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(30)
        self.proc.stdout.close()
        self.err.close()


START = {"variables": {"days": {"value": 1, "type": "Integer"}, "manager": {"value": "manager", "type": "String"}}}
APPROVE = {"variables": {"approved": {"value": True, "type": "Boolean"}}}


class ScaleOut(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ordo-scaleout-")
        cls.nodes = [Node(cls.dir, 0, True)]
        cls.nodes += [Node(cls.dir, n, False) for n in (1, 2)]
        cls.tokens = {}
        for user in ("employee", "manager", "admin"):
            status, body = cls.nodes[0].call("POST", E + "/ordo/tokens", {"userId": user, "name": "scaleout"},
                                             user="admin")
            assert status == 200, (status, body)
            cls.tokens[user] = body["token"]

    @classmethod
    def tearDownClass(cls):
        for n in cls.nodes:
            n.stop()
        try:
            psql("DROP SCHEMA IF EXISTS %s CASCADE" % SCHEMA)
        except subprocess.CalledProcessError:
            pass

    def start(self, node, key="leaveApproval", body=START):
        status, body = node.call("POST", E + "/process-definition/key/%s/start" % key, body,
                                 token=self.tokens["employee"])
        self.assertEqual(status, 200, body)
        return int(body["id"])

    def test_1_racing_completions_exactly_one_wins(self):
        a, b, c = self.nodes
        instances = [self.start(self.nodes[i % 3]) for i in range(15)]
        tasks = []
        for inst in instances:
            status, found = b.call("GET", E + "/task?processInstanceId=%d" % inst, token=self.tokens["manager"])
            self.assertEqual(status, 200)
            self.assertEqual(len(found), 1, found)
            tasks.append(found[0]["id"])
        losers = {}
        for task in tasks:
            barrier = threading.Barrier(3)
            results = []

            def complete(node):
                barrier.wait()
                results.append(node.call("POST", E + "/task/%s/complete" % task, APPROVE,
                                         token=self.tokens["manager"])[0])

            threads = [threading.Thread(target=complete, args=(n,)) for n in (a, b, c)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(results).count(204), 1, "task %s: %s" % (task, results))
            for s in results:
                if s != 204:
                    losers[s] = losers.get(s, 0) + 1
            self.assertTrue(all(s in (204, 400, 404, 409) for s in results), results)
        for task in tasks:
            self.assertEqual(psql("SELECT count(*) FROM history WHERE kind = 'task_completed' AND task_id = %s" % task),
                             "1")
        print("racing completions: %d tasks, one winner each; the others answered %s" % (len(tasks), losers))

    def test_2_fetch_and_lock_hands_each_task_to_one_worker(self):
        started = [self.start(self.nodes[i % 3], "externalPayment", {}) for i in range(30)]
        got = {}
        lock = threading.Lock()

        def worker(n):
            node = self.nodes[n]
            for _ in range(20):
                status, body = node.call("POST", E + "/external-task/fetchAndLock",
                                         {"workerId": "w%d" % n, "maxTasks": 3,
                                          "topics": [{"topicName": "charge-card", "lockDuration": 60000}]},
                                         token=self.tokens["admin"])
                self.assertEqual(status, 200, body)
                with lock:
                    for t in body:
                        got.setdefault(t["id"], []).append(n)
                if not body:
                    return

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        twice = {k: v for k, v in got.items() if len(v) > 1}
        self.assertEqual(twice, {}, "external tasks handed to two workers")
        mine = ids("SELECT j.id FROM jobs j WHERE j.kind = 'external' AND j.topic = 'charge-card' AND j.instance_id "
                   "IN (%s)" % ",".join(map(str, started)))
        self.assertEqual({int(k) for k in got}, mine, "every task fetched once")

    def test_3_kill_one_server_under_load(self):
        a, b, c = self.nodes
        acked_starts, acked_timers, acked_done = [], [], []
        lock = threading.Lock()
        stop = threading.Event()

        def starter(node, key, into):
            while not stop.is_set():
                try:
                    status, body = node.call("POST", E + "/process-definition/key/%s/start" % key,
                                             START if key == "leaveApproval" else {}, token=self.tokens["employee"],
                                             timeout=5)
                except (OSError, http.client.HTTPException):
                    if node.proc.poll() is not None:
                        return
                    continue
                if status == 200:
                    with lock:
                        into.append(int(body["id"]))

        def completer(node):
            while not stop.is_set():
                try:
                    status, tasks = node.call("GET", E + "/task?assignee=manager&maxResults=5",
                                              token=self.tokens["manager"], timeout=5)
                    for t in tasks if status == 200 else []:
                        status, _ = node.call("POST", E + "/task/%s/complete" % t["id"], APPROVE,
                                              token=self.tokens["manager"], timeout=5)
                        if status == 204:
                            with lock:
                                acked_done.append(int(t["id"]))
                except (OSError, http.client.HTTPException, ValueError):
                    if node.proc.poll() is not None:
                        return

        threads = []
        for node in (a, b, c):
            threads.append(threading.Thread(target=starter, args=(node, "leaveApproval", acked_starts)))
            threads.append(threading.Thread(target=starter, args=(node, "scaleoutTimer", acked_timers)))
            threads.append(threading.Thread(target=completer, args=(node,)))
        for t in threads:
            t.start()
        time.sleep(2.5)
        b.proc.send_signal(signal.SIGKILL)
        b.proc.wait()
        with lock:
            at_kill = len(acked_starts) + len(acked_timers)
        time.sleep(2.5)
        stop.set()
        for t in threads:
            t.join()
        with lock:
            after_kill = len(acked_starts) + len(acked_timers) - at_kill
        self.assertGreater(after_kill, 0, "the other servers went on after the kill")

        # Nothing acknowledged is lost.
        have = ids("SELECT id FROM instances")
        self.assertEqual([i for i in acked_starts + acked_timers if i not in have], [], "started instances lost")
        done = ids("SELECT id FROM tasks WHERE state = 'completed'")
        self.assertEqual([t for t in acked_done if t not in done], [], "completed tasks not completed")
        self.assertEqual(len(acked_done), len(set(acked_done)), "a task completed twice")

        # Every timer fires once: the dead server's locked jobs are taken over after the expiry.
        deadline = time.time() + LOCK_MILLIS / 1000.0 + 30
        timers = ",".join(map(str, acked_timers))
        while time.time() < deadline and psql("SELECT count(*) FROM jobs WHERE kind = 'timer' AND instance_id IN (%s)"
                                              % timers) != "0":
            time.sleep(0.5)
        self.assertEqual(psql("SELECT count(*) FROM jobs WHERE kind = 'timer' AND instance_id IN (%s)" % timers), "0",
                         "timer jobs left after the lock expiry")
        self.assertEqual(psql("SELECT count(*) FROM (SELECT instance_id FROM history WHERE kind = 'timer_fired' AND "
                              "instance_id IN (%s) GROUP BY instance_id HAVING count(*) <> 1) AS x" % timers), "0",
                         "a timer fired twice (or never)")
        self.assertEqual(psql("SELECT count(*) FROM (SELECT instance_id FROM tasks WHERE element_id = 'afterTimer' AND "
                              "instance_id IN (%s) GROUP BY instance_id HAVING count(*) <> 1) AS x" % timers), "0")
        self.assertEqual(psql("SELECT count(*) FROM tasks WHERE element_id = 'afterTimer' AND instance_id IN (%s)" %
                              timers), str(len(acked_timers)))

        # The consistency checks of the crash test.
        for sql in ("SELECT count(*) FROM tokens WHERE instance_id NOT IN (SELECT id FROM instances)",
                    "SELECT count(*) FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE t.state = 'open' AND "
                    "i.state <> 'running'",
                    "SELECT count(*) FROM instances i WHERE i.state = 'running' AND NOT EXISTS "
                    "(SELECT 1 FROM tokens t WHERE t.instance_id = i.id)",
                    "SELECT count(*) FROM instances i WHERE NOT EXISTS (SELECT 1 FROM history h "
                    "WHERE h.instance_id = i.id AND h.kind = 'instance_started')",
                    "SELECT count(*) FROM instances i WHERE i.state = 'completed' AND NOT EXISTS "
                    "(SELECT 1 FROM history h WHERE h.instance_id = i.id AND h.kind = 'instance_completed')",
                    "SELECT count(*) FROM tasks t WHERE t.state = 'completed' AND NOT EXISTS "
                    "(SELECT 1 FROM history h WHERE h.task_id = t.id AND h.kind = 'task_completed')"):
            self.assertEqual(psql(sql), "0", sql)
        print("kill -9 under load: %d starts, %d timer instances, %d completions acknowledged; %d after the kill" %
              (len(acked_starts), len(acked_timers), len(acked_done), after_kill))


if __name__ == "__main__":
    if not PG:
        print("no ORDO_TEST_POSTGRES: skipped (scripts/with-postgres)")
        sys.exit(77)
    unittest.main(verbosity=2)
