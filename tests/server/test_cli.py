"""ordo-server's command line and configuration file: --help, an unknown option, a config
key it does not know (named in the error), a bad value, and the first line with the URL."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SERVER, Server  # noqa: E402


def run(*args):
    return subprocess.run([SERVER, *args], capture_output=True, text=True, timeout=60)


class Cli(unittest.TestCase):
    def config(self, value):
        d = tempfile.mkdtemp()
        path = os.path.join(d, "c.json")
        with open(path, "w") as f:
            json.dump(value, f)
        return path, os.path.join(d, "x.db")

    def test_help(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--listen HOST:PORT", r.stdout)

    def test_unknown_option(self):
        r = run("--lisen", "x")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--lisen", r.stderr)

    def test_unknown_config_keys_are_named(self):
        for value, key in (({"listn": "127.0.0.1:0"}, "'listn'"), ({"limits": {"bodyByte": 1}}, "'bodyByte'"),
                           ({"users": [{"id": "a", "pasword": "12345678"}]}, "'pasword'")):
            path, db = self.config(value)
            r = run("--config", path, "--db", db, "--listen", "127.0.0.1:0")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("unknown key " + key, r.stderr)

    def test_bad_values(self):
        for value, field in (({"durability": "sometimes"}, "durability"), ({"users": [{"id": "a", "password": "short"}]}, "password"),
                             ({"limits": {"threads": -1}}, "threads")):
            path, db = self.config(value)
            r = run("--config", path, "--db", db, "--listen", "127.0.0.1:0")
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(field, r.stderr)
        r = run("--listen", "127.0.0.1:99999", "--db", os.path.join(tempfile.mkdtemp(), "x.db"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("port", r.stderr)

    def test_config_users_and_anonymous(self):
        s = Server(sample_users=False, deploy=(), config={
            "users": [{"id": "mary", "name": "Mary Major", "password": "mary-pass", "roles": ["managers"], "tenant": "t1"}],
            "tenants": [{"id": "t1", "name": "T1"}], "anonymous": "mary"})
        try:
            self.assertTrue(s.banner.startswith("ordo-server listening on http://127.0.0.1:"))
            r = s.request("GET", "/engine-rest/user/mary/profile", user=None)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["ordoTenantId"], "t1")
            self.assertEqual(s.request("GET", "/engine-rest/user/mary/profile", user="mary", headers=None).status, 200)
        finally:
            s.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
