"""TLS: with a certificate and key in the config the server speaks HTTPS only (Beast's SSL
stream over OpenSSL); without them it refuses a non-loopback address unless allowPlainHttp.
The certificate is made here with Debian's openssl command."""
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SERVER, USERS, basic, certificate  # noqa: E402


def start(args, config):
    d = tempfile.mkdtemp(prefix="ordo-tls-")
    path = os.path.join(d, "config.json")
    with open(path, "w") as f:
        json.dump(config, f)
    proc = subprocess.Popen([SERVER, "--db", os.path.join(d, "t.db"), "--config", path, "--access-log", "off"] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline()


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        proc.wait(20)
    proc.stdout.close()
    proc.stderr.close()
    return proc.returncode


class Tls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ordo-cert-")
        cls.cert, cls.key = certificate(cls.dir, "cert")

    def test_https_with_a_certificate(self):
        proc, line = start(["--listen", "127.0.0.1:0", "--sample-users"], {"tls": {"certificate": self.cert, "key": self.key}})
        try:
            self.assertIn("listening on https://127.0.0.1:", line)
            port = int(line.strip().rsplit(":", 1)[1])
            ctx = ssl.create_default_context(cafile=self.cert)
            c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
            c.request("GET", "/engine-rest/version",
                      headers={"Authorization": "Basic " + basic("admin", USERS["admin"])})
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertIn(b"7.", r.read())
            # Keep-alive over TLS: a second request on the same connection.
            c.request("GET", "/health")
            self.assertEqual(c.getresponse().status, 200)
            c.close()
            # A client that does not trust the certificate fails the handshake.
            with self.assertRaises(ssl.SSLError):
                bad = http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(), timeout=10)
                bad.request("GET", "/health")
            # Plain HTTP on the TLS port is not answered in plain text.
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            got = b""
            try:
                while True:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    got += chunk
            except (ConnectionResetError, socket.timeout):
                pass
            sock.close()
            self.assertNotIn(b"HTTP/1.1 200", got)
        finally:
            self.assertEqual(stop(proc), 0)

    def test_bad_tls_config_and_plain_http_off_loopback_are_refused(self):
        proc, line = start(["--listen", "127.0.0.1:0"], {"tls": {"certificate": self.cert + ".missing", "key": self.key}})
        err = proc.stderr.read()
        self.assertNotEqual(stop(proc), 0)
        self.assertIn("tls.certificate", err)
        proc, line = start(["--listen", "127.0.0.1:0"], {"tls": {"certificate": self.cert}})
        err = proc.stderr.read()
        self.assertNotEqual(stop(proc), 0)
        self.assertIn("key", err)
        proc, line = start(["--listen", "0.0.0.0:0"], {})
        err = proc.stderr.read()
        self.assertNotEqual(stop(proc), 0)
        self.assertIn("not a loopback address", err)  # refused before it binds: tests stay on 127.0.0.1
        proc, line = start(["--listen", "127.0.0.1:0"], {"allowPlainHttp": "yes"})
        err = proc.stderr.read()
        self.assertNotEqual(stop(proc), 0)
        self.assertIn("allowPlainHttp", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
