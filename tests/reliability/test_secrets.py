"""Secrets come from the environment and go nowhere else: not into build/, the build state,
the served pages and Datasette's introspection endpoints, the server log or the build's output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO, PortalDir, start_server, stop_server

CANARIES = {"CKAN_API_TOKEN": "ckan-token-canary-5f1d9a", "DATASETTE_SECRET": "datasette-secret-canary-7c2e41"}
INTROSPECTION = [
    "/",
    "/bericht/",
    "/daten/",
    "/daten/-/settings.json",
    "/daten/-/config.json",
    "/daten/-/metadata.json",
    "/daten/-/versions.json",
    "/daten/-/plugins.json",
    "/daten/-/actor.json",
    "/daten/-/threads.json",
    "/daten/-/databases.json",
    "/daten/portal.json?sql=select+1",
    "/gibt-es-nicht/",
]


def files_containing(root: Path, secret: bytes) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and secret in path.read_bytes():
            found.append(str(path))
    return found


def test_tokens_in_the_environment_appear_nowhere(tmp_path):
    portal_dir = PortalDir(tmp_path / "portal")
    portal_dir.add_demo("haushalt-ergebnisplan")
    environment = {**os.environ, **CANARIES}
    build = subprocess.run(
        [sys.executable, "-m", "kommune", "build", "-C", str(portal_dir.root), "-o", str(portal_dir.out)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    previous = {name: os.environ.get(name) for name in CANARIES}
    os.environ.update(CANARIES)  # start_server passes the test's environment on to `kommune serve`
    try:
        server = start_server(portal_dir.out)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    try:
        served = {path: server.get(path).text for path in INTROSPECTION}
    finally:
        stop_server(server)
    log = server.output()
    for name, secret in CANARIES.items():
        assert secret not in build.stdout + build.stderr, name
        assert secret not in log, name
        for path, text in served.items():
            assert secret not in text, (name, path)
        assert not files_containing(tmp_path, secret.encode()), (name, files_containing(tmp_path, secret.encode()))


class _TokenEchoingCkan(BaseHTTPRequestHandler):
    """A CKAN stand-in on 127.0.0.1 (a real CKAN never echoes tokens; a misconfigured proxy or a
    buggy extension in front of one might): every answer quotes the Authorization header back,
    as a 403 API error, a 500 HTML page, or a 409 validation error."""

    mode = "403"

    def _answer(self):
        token = self.headers.get("Authorization", "")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if type(self).mode == "500":
            body, status, kind = f"<html><body>Internal error for {token}</body></html>".encode(), 500, "text/html"
        else:
            status = int(type(self).mode)
            error = (
                {"message": f"Token {token} ist nicht berechtigt", "__type": "Authorization Error"}
                if status == 403
                else {"name": [f"bereits vergeben ({token})"], "__type": "Validation Error"}
            )
            body, kind = json.dumps({"success": False, "error": error, "help": token}).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    portal_dir = PortalDir(tmp_path_factory.mktemp("geheim") / "portal")
    portal_dir.add_demo("haushalt-ergebnisplan")
    subprocess.run(
        [sys.executable, "-m", "kommune", "build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out)],
        check=True,
        cwd=REPO,
        timeout=300,
    )
    return portal_dir.root


@pytest.mark.parametrize("mode", ["403", "500", "409"])
def test_ckan_token_is_redacted_even_when_the_server_echoes_it(small_build, mode):
    environment = {**os.environ, "CKAN_API_TOKEN": CANARIES["CKAN_API_TOKEN"]}
    command = [sys.executable, "-m", "kommune"]
    _TokenEchoingCkan.mode = mode
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TokenEchoingCkan)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        published = subprocess.run(
            command
            + ["publish", "ckan", "--url", f"http://127.0.0.1:{server.server_port}", "-o", str(small_build / "build")],
            capture_output=True,
            text=True,
            env=environment,
            cwd=REPO,
            timeout=300,
        )
    finally:
        server.shutdown()
        server.server_close()
    output = published.stdout + published.stderr
    assert published.returncode != 0, output
    assert "Traceback" not in output
    assert CANARIES["CKAN_API_TOKEN"] not in output
    assert not files_containing(small_build, CANARIES["CKAN_API_TOKEN"].encode())
