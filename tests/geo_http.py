"""A real HTTP server on 127.0.0.1 (port 0) for geodata tests: answers each GET with what
`respond(path, params)` returns and records the requests it received."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import httpx

Respond = Callable[[str, dict], tuple[int, str, bytes]]


@contextmanager
def serving(respond: Respond):
    """Yield (base_url, requests) while a server answers with `respond`."""
    requests: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            parts = urlsplit(self.path)
            # WFS parameter names are case-insensitive; compare them in lower case.
            params = {key.lower(): value for key, value in parse_qsl(parts.query)}
            requests.append((parts.path, params))
            status, content_type, body = respond(parts.path, params)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str, params: Mapping[str, str] | None) -> bytes:
    """The plain `fetch` the geo readers take: GET, fail on HTTP errors, return the body."""
    response = httpx.get(url, params=params, timeout=10)
    response.raise_for_status()
    return response.content


def fetch_any_status(url: str, params: Mapping[str, str] | None) -> bytes:
    """Like `fetch`, but returns error bodies too (OWS services send exception reports
    with status 400, and some with 200)."""
    return httpx.get(url, params=params, timeout=10).content
