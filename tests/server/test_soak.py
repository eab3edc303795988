"""A soak: ordo-server under steady mixed load (starts, completions, queries, lists, history)
for ORDO_SOAK_SECONDS (default 120; the documented long run is 3600). Memory, open files and
the database's size are recorded after a warm-up and at the end, both times with the load
paused; memory and open files must stay flat. Prints the figures."""
import http.client
import json
import os
import random
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLES, Server  # noqa: E402

E = "/engine-rest"
SECONDS = float(os.environ.get("ORDO_SOAK_SECONDS", "120"))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def open_files(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Soak(unittest.TestCase):
    def test_steady_load_leaks_nothing(self):
        s = Server(deploy=(SAMPLES,), config={"limits": {"ratePerSecond": 0}})
        try:
            tokens = {u: s.request("POST", E + "/ordo/tokens", {"userId": u, "name": "soak"}).json["token"]
                      for u in ("employee", "manager")}
            running = threading.Event()
            running.set()
            stop = threading.Event()
            counts = {"requests": 0, "errors": 0}
            lock = threading.Lock()

            def worker(seed):
                rnd = random.Random(seed)
                c = http.client.HTTPConnection(s.host, s.port, timeout=30)

                def call(method, path, body, user):
                    h = {"Authorization": "Bearer " + tokens[user]}
                    data = None
                    if body is not None:
                        data = json.dumps(body).encode()
                        h["Content-Type"] = "application/json"
                    c.request(method, path, body=data, headers=h)
                    r = c.getresponse()
                    payload = r.read()
                    with lock:
                        counts["requests"] += 1
                        if r.status >= 500:
                            counts["errors"] += 1
                    return r.status, payload
                while not stop.is_set():
                    if not running.is_set():
                        time.sleep(0.05)
                        continue
                    op = rnd.random()
                    if op < 0.4:
                        call("POST", E + "/process-definition/key/leaveApproval/start",
                             {"variables": {"days": {"value": rnd.randint(1, 9), "type": "Integer"},
                                            "manager": {"value": "manager", "type": "String"}},
                              "businessKey": "soak-%d" % rnd.randint(0, 1 << 30)}, "employee")
                    elif op < 0.75:
                        status, payload = call("GET", E + "/task?assignee=manager&maxResults=3", None, "manager")
                        for t in json.loads(payload) if status == 200 else []:
                            call("POST", E + "/task/%s/complete" % t["id"],
                                 {"variables": {"approved": {"value": rnd.random() < 0.8, "type": "Boolean"}}},
                                 "manager")
                    elif op < 0.85:
                        call("GET", E + "/ordo/lists/todo?maxResults=20", None, "manager")
                    elif op < 0.95:
                        call("GET", E + "/history/process-instance?maxResults=10", None, "employee")
                    else:
                        call("GET", E + "/process-instance/count", None, "employee")
                c.close()

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
            for t in threads:
                t.start()

            def measure():
                running.clear()
                time.sleep(0.5)  # requests in flight finish
                m = (rss_kib(s.proc.pid), open_files(s.proc.pid), os.path.getsize(s.db) +
                     (os.path.getsize(s.db + "-wal") if os.path.exists(s.db + "-wal") else 0))
                running.set()
                return m

            time.sleep(max(5.0, SECONDS * 0.2))  # warm-up: caches, pools, the WAL reach their size
            first = measure()
            time.sleep(SECONDS * 0.8)
            last = measure()
            stop.set()
            for t in threads:
                t.join()
            print("soak seconds=%.0f requests=%d 5xx=%d rss_kib %d -> %d open_files %d -> %d db_bytes %d -> %d" %
                  (SECONDS, counts["requests"], counts["errors"], first[0], last[0], first[1], last[1], first[2],
                   last[2]))
            self.assertEqual(counts["errors"], 0)
            self.assertGreater(counts["requests"], SECONDS * 20, "the load hardly ran")
            # Flat: within 25% (and 16 MiB) of the warmed-up figure; every descriptor given back.
            self.assertLess(last[0], first[0] * 1.25 + 16 * 1024, "memory grew under steady load")
            self.assertLessEqual(last[1], first[1] + 2, "open files grew under steady load")
        finally:
            self.assertEqual(s.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
