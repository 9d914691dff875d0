"""CkanClient against real HTTP servers on 127.0.0.1 that answer like a failing CKAN."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from publish.ckan.client import CkanClient, CkanRejected, CkanUnavailable, redact

TOKEN = "secret-token-123"


def serve(answers):
    """A server that gives ``answers`` (status, body) in order, then repeats the last."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(self.path)
            status, body = answers[min(len(seen) - 1, len(answers) - 1)]
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if body.startswith("{") else "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


@pytest.fixture
def server_factory():
    servers = []

    def make(answers):
        server, seen = serve(answers)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", seen

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def ok(result):
    return 200, json.dumps({"success": True, "result": result})


def test_transient_errors_are_retried_with_backoff(server_factory):
    url, seen = server_factory([(503, "<html>busy</html>"), (502, "<html>gateway</html>"), ok({"name": "x"})])
    delays = []
    client = CkanClient(url, TOKEN, retries=3, backoff=0.5, sleep=delays.append)
    assert client.call("package_create", {"name": "x"}) == {"name": "x"}
    assert len(seen) == 3 and delays == [0.5, 1.0]
    assert client.writes == 1


def test_gives_up_after_retries_without_leaking_the_token(server_factory):
    url, seen = server_factory([(503, f"<html>busy {TOKEN}</html>")])
    client = CkanClient(url, TOKEN, retries=2, backoff=0, sleep=lambda _: None)
    with pytest.raises(CkanUnavailable) as error:
        client.call("package_show", {"id": "x"})
    assert len(seen) == 3 and TOKEN not in str(error.value) and client.writes == 0


def test_validation_error_is_not_retried_and_keeps_ckans_message(server_factory):
    body = json.dumps(
        {"success": False, "error": {"__type": "Validation Error", "name": ["Diese URL ist bereits vergeben."]}}
    )
    url, seen = server_factory([(409, body)])
    client = CkanClient(url, TOKEN, retries=3, sleep=lambda _: None)
    with pytest.raises(CkanRejected) as error:
        client.call("package_create", {"name": "x"})
    assert len(seen) == 1 and "bereits vergeben" in str(error.value)
    assert error.value.details["name"] == ["Diese URL ist bereits vergeben."]


def test_connection_refused_is_unavailable(server_factory):
    url, _ = server_factory([ok({})])
    dead = url.rsplit(":", 1)[0] + ":1"
    with pytest.raises(CkanUnavailable, match="antwortet nicht"):
        CkanClient(dead, TOKEN, retries=1, sleep=lambda _: None).call("status_show")


def test_redact():
    assert redact(f"Authorization: {TOKEN}!", TOKEN) == "Authorization: ***!"
    assert redact("nothing", None) == "nothing"
