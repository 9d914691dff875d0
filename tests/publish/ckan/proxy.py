"""A real HTTP proxy in front of CKAN for tests: counts write calls and can play "CKAN down".

Tests talk to CKAN through it, so they can count the action calls that reached CKAN
independently of the publisher's own counter, and switch CKAN "off" at an exact point of
a run (the proxy then drops every connection without an answer, as a crashed server does).
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from publish.ckan.client import is_write

ACTION_PATH = re.compile(r"^/api/(?:3/)?action/([a-z_]+)")
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"}


class CkanProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.down = False
        self.fail_on: str | None = None  # an action name: CKAN "dies" when it arrives
        self.actions: list[str] = []
        self.seen_headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if proxy.down:
                    self.close_connection = True
                    return  # no answer at all, like a server that died
                action = ACTION_PATH.match(self.path)
                if action and action.group(1) == proxy.fail_on:
                    proxy.down = True
                    self.close_connection = True
                    return
                if action:
                    with proxy._lock:
                        proxy.actions.append(action.group(1))
                        proxy.seen_headers.append(dict(self.headers))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS | {"host"}}
                answer = requests.request(
                    self.command,
                    proxy.upstream + self.path,
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                    timeout=60,
                )
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_HEADERS:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CkanProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def writes(self) -> list[str]:
        return [action for action in self.actions if is_write(action)]
