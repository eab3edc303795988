"""Starts the real ordo-server on 127.0.0.1, a port it picks, and a SQLite file in a temp
dir; HTTP helpers (standard library only); a dump of every table to compare before/after."""
import base64
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

SERVER = os.environ.get("ORDO_SERVER", "")
ROOT = os.environ.get("ORDO_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = os.path.join(ROOT, "bpmn-samples")
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")

USERS = {"employee": "employee-pass", "manager": "manager-pass", "director": "director-pass", "admin": "admin-pass",
         "mary": "mary-pass"}


# ORDO_TEST_BACKEND=postgres (with ORDO_TEST_POSTGRES from scripts/with-postgres): each Server on
# a fresh schema of that PostgreSQL database instead of a SQLite file.
POSTGRES = os.environ.get("ORDO_TEST_POSTGRES", "") if os.environ.get("ORDO_TEST_BACKEND") == "postgres" else ""
_schemas = [0]


def psql(schema, sql):
    """Rows of `sql` on `schema` of the test database, as lists of strings (NULL as None)."""
    env = dict(os.environ, PGOPTIONS="-c search_path=%s -c client_min_messages=warning" % schema)
    out = subprocess.check_output(["psql", POSTGRES, "-tAXq", "-v", "ON_ERROR_STOP=1", "-F", "\x1f", "-R", "\x1e",
                                   "-P", "null=\x1d", "-c", sql], text=True, env=env)
    return [[None if c == "\x1d" else c for c in row.split("\x1f")] for row in out.rstrip("\n").split("\x1e") if row]


class Server:
    def __init__(self, extra_args=(), config=None, deploy=(SAMPLES,), sample_users=True):
        self.dir = tempfile.mkdtemp(prefix="ordo-server-test-")
        self.db = os.path.join(self.dir, "test.db")
        self.schema = None
        if POSTGRES:
            _schemas[0] += 1
            self.schema = "server_%d_%d" % (os.getpid(), _schemas[0])
            self.db = POSTGRES + ("&" if "?" in POSTGRES else "?") + "schema=" + self.schema
        args = [SERVER, "--listen", "127.0.0.1:0", "--db", self.db, "--access-log", os.path.join(self.dir, "access.log")]
        if POSTGRES:
            args += ["--audit-log", os.path.join(self.dir, "audit.log")]
        for d in deploy:
            args += ["--deploy", d]
        if sample_users:
            args.append("--sample-users")
        if config is not None:
            path = os.path.join(self.dir, "config.json")
            with open(path, "w") as f:
                json.dump(config, f)
            args += ["--config", path]
        args += list(extra_args)
        self.stderr = open(os.path.join(self.dir, "stderr.txt"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        first = self.proc.stdout.readline()
        if "listening on http://" not in first:
            self.proc.wait(5)
            raise RuntimeError("ordo-server did not start: %r %s" % (first, open(self.stderr.name).read()))
        self.url = first.strip().split("listening on ")[1]
        self.host, port = self.url[len("http://"):].split(":")
        self.port = int(port)
        self.banner = first

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("ordo-server did not stop within %ss of %s" % (timeout, sig))
        self.proc.stdout.close()
        self.stderr.close()
        return self.proc.returncode

    def request(self, method, path, body=None, user="admin", headers=None, raw=None, timeout=30):
        h = dict(headers or {})
        if user is not None and "Authorization" not in h:
            h["Authorization"] = "Basic " + basic(user, USERS.get(user, user))
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            payload = r.read()
            return Reply(r.status, dict((k.lower(), v) for k, v in r.getheaders()), payload)
        finally:
            conn.close()

    def dump(self):
        """Every table's rows, in a stable order (the server's own writes included)."""
        if self.schema:
            # Two psql runs, not one per table: the table names, then every row of every table as JSON.
            names = [n for (n,) in psql(self.schema, "SELECT table_name FROM information_schema.tables WHERE "
                                                     "table_schema = '%s' ORDER BY table_name" % self.schema)]
            out = {n: [] for n in names}
            sql = " UNION ALL ".join("SELECT '%s', row_to_json(x)::text FROM \"%s\" x" % (n, n) for n in names)
            for name, row in psql(self.schema, sql) if names else []:
                out[name].append(row)
            return {n: sorted(rows) for n, rows in out.items()}
        c = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=30)
        try:
            out = {}
            for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
                out[name] = sorted(repr(r) for r in c.execute('SELECT * FROM "%s"' % name))
            return out
        finally:
            c.close()


class Reply:
    def __init__(self, status, headers, payload):
        self.status = status
        self.headers = headers
        self.payload = payload

    @property
    def json(self):
        return json.loads(self.payload.decode()) if self.payload else None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.payload[:300])


def q(path, **params):
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def typed(**values):
    out = {}
    for k, v in values.items():
        if isinstance(v, bool):
            out[k] = {"value": v, "type": "Boolean"}
        elif isinstance(v, int):
            out[k] = {"value": v, "type": "Integer"}
        elif isinstance(v, float):
            out[k] = {"value": v, "type": "Double"}
        elif isinstance(v, (dict, list)):
            out[k] = {"value": json.dumps(v), "type": "Json"}
        elif v is None:
            out[k] = {"value": None, "type": "Null"}
        else:
            out[k] = {"value": v, "type": "String"}
    return out


def multipart(fields, files):
    """A multipart/form-data body as Camunda Modeler sends it: fields, then the files."""
    boundary = "----OrdoTestBoundary%d" % int(time.time() * 1000)
    parts = []
    for k, v in fields.items():
        parts.append('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, k, v))
    body = "".join(parts).encode()
    for name, (filename, content) in files.items():
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)).encode()
        body += content + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return body, "multipart/form-data; boundary=" + boundary


def routes_without_success(server, wanted):
    """The (method, path) of every route of `ordo-server --routes` whose path `wanted` accepts
    and that this server's /metrics shows no 2xx reply for."""
    routes = json.loads(subprocess.check_output([SERVER, "--routes"]))
    text = server.request("GET", "/metrics", user="admin").payload.decode()
    hit = set()
    for line in text.splitlines():
        if line.startswith("ordo_http_requests_total{"):
            labels = dict(kv.split("=", 1) for kv in line[line.index("{") + 1:line.rindex("}")].split(","))
            if labels["status"].strip('"')[0] == "2":
                hit.add((labels["method"].strip('"'), labels["route"].strip('"')))
    return [(r["method"], r["path"]) for r in routes if wanted(r["path"]) and (r["method"], r["path"]) not in hit]


def basic(user, password):
    """The credentials of an HTTP Basic Authorization header."""
    return base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def certificate(folder, name):
    """A self-signed certificate for 127.0.0.1 from Debian's openssl: (cert, key) paths in folder."""
    cert, key = os.path.join(folder, name + ".pem"), os.path.join(folder, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key
