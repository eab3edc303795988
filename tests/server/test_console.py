"""ordo-server serves the web console's files at /console/ (any folder given by --console):
index.html for the console's own paths, assets with their content types, no credentials
needed; nothing outside the folder; a --console folder without index.html stops the server
naming it. --deploy DIR deploys DIR's KEY.form files as the models' form-js schemas."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SAMPLES, SERVER, Server  # noqa: E402

INDEX = "<!doctype html><title>console under test</title>"
SCRIPT = "console.log('asset under test')"


class Console(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files = tempfile.mkdtemp(prefix="ordo-console-files-")
        os.makedirs(os.path.join(cls.files, "assets"))
        with open(os.path.join(cls.files, "index.html"), "w") as f:
            f.write(INDEX)
        with open(os.path.join(cls.files, "assets", "app-1a2b.js"), "w") as f:
            f.write(SCRIPT)
        with open(os.path.join(cls.files, "assets", "font.woff2"), "wb") as f:
            f.write(b"wOF2")
        cls.s = Server(extra_args=["--console", cls.files], deploy=(SAMPLES, os.path.join(SAMPLES, "with-forms")))

    @classmethod
    def tearDownClass(cls):
        assert cls.s.stop() == 0

    def get(self, path, **kw):
        return self.s.request("GET", path, user=None, **kw)

    def test_the_banner_names_the_console(self):
        banner = []
        while not banner or ("Ctrl-C" not in banner[-1] and banner[-1]):
            banner.append(self.s.proc.stdout.readline())
        self.assertIn("  web console: %s/console/\n" % self.s.url, banner)

    def test_index_and_assets_without_credentials(self):
        r = self.get("/console/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "text/html; charset=utf-8")
        self.assertEqual(r.payload.decode(), INDEX)
        self.assertEqual(r.headers["cache-control"], "no-cache")
        js = self.get("/console/assets/app-1a2b.js")
        self.assertEqual((js.status, js.headers["content-type"], js.payload.decode()), (200, "application/javascript", SCRIPT))
        self.assertIn("immutable", js.headers["cache-control"])
        self.assertEqual(self.get("/console/assets/font.woff2").headers["content-type"], "font/woff2")

    def test_the_consoles_own_paths_answer_index_html(self):
        for path in ("/console/task/12", "/console/hall/todo", "/console/admin/instances?state=running"):
            r = self.get(path)
            self.assertEqual((r.status, r.payload.decode()), (200, INDEX), path)
        r = self.get("/console")
        self.assertEqual((r.status, r.headers["location"]), (308, "/console/"))

    def test_refusals(self):
        missing = self.get("/console/assets/gone-9z.js")
        self.assertEqual(missing.status, 404)
        self.assertIn("gone-9z.js", missing.json["message"])
        for path in ("/console/../test.db", "/console/assets/..%2f..%2ftest.db", "/console/%2e%2e/test.db"):
            r = self.get(path)
            self.assertNotEqual(r.status, 200, path)
            self.assertNotIn(b"SQLite", r.payload)
        post = self.s.request("POST", "/console/", body={}, user=None)
        self.assertEqual(post.status, 405)
        self.assertIn("POST", post.json["message"])

    def test_forms_beside_the_models_are_deployed_with_them(self):
        d = self.s.request("GET", "/engine-rest/process-definition/key/leaveRequest", user="employee").json
        form = self.s.request("GET", "/engine-rest/ordo/workorder/definitions/%s/start-form" % d["id"], user="employee").json
        self.assertEqual(form["formKey"], "leave-request")
        self.assertEqual([c["key"] for c in form["formContent"]["components"]], ["leaveType", "days", "reason"])
        # Models without forms deploy as before: their start form is empty.
        plain = self.s.request("GET", "/engine-rest/process-definition/key/leaveApproval", user="employee").json
        self.assertEqual(self.s.request("GET", "/engine-rest/ordo/workorder/definitions/%s/start-form" % plain["id"],
                                        user="employee").json, {"formKey": None, "formContent": {}})

    def test_a_console_folder_without_index_html_stops_the_server(self):
        empty = tempfile.mkdtemp(prefix="ordo-console-empty-")
        p = subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--db", ":memory:", "--console", empty],
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(empty, p.stderr)
        self.assertIn("index.html", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
