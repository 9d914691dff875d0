"""A real HTTP server on 127.0.0.1 answering as the public services the peer harvest asks: a
CKAN action API, OParl systems, the statistics office's CSV export and towns' KPI files.

It serves a recording written by `pipelines.demo.peers.write_recording` for its own address
(the same shapes the real services give), answers by path and query in any order, and lets a
test replace an answer (`answer(...)`), e.g. with a hostile KPI file. `requests` records every
path and query asked for. A service that is down is either recorded as 503 or pointed at a port
nobody listens on (`closed_port_url`).
"""

from __future__ import annotations

import socket
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.demo.peers import ServiceUrls, write_recording
from pipelines.peers.recording import RecordedAnswer, Recording, normalised_url


def closed_port_url(path: str = "/") -> str:
    """An address on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@dataclass
class PeersTestServer:
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="peers-recording-")))
    requests: list[str] = field(default_factory=list)

    def start(self) -> PeersTestServer:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.urls = ServiceUrls(
            ckan=f"{self.base}/ckan",
            statistics=f"{self.base}/statistik/12411-01i.csv",
            oparl=self.base + "/ris/{slug}/oparl/v1.1/system",
            kpi_file=self.base + "/www/{slug}/kennzahlen.json",
        )
        # Written for this server's address before the first test asks anything.
        self.register = write_recording(self.folder, self.urls)
        self.recording = Recording.read(self.folder)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, url: str, status: int, body: bytes, content_type: str = "application/json") -> None:
        """Replace (or add) the answer to `url`."""
        self.recording.answers[normalised_url(url)] = RecordedAnswer(status, content_type, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append(self.path)
                parts = urlsplit(self.path)
                url = server.base + parts.path + (f"?{parts.query}" if parts.query else "")
                found = server.recording.answers.get(normalised_url(url))
                if found is None or found.status == 0:
                    self.send_response(404)
                    body = b'{"success": false, "error": {"__type": "Not Found Error", "message": "Nicht gefunden"}}'
                    self.send_header("Content-Type", "application/json")
                else:
                    self.send_response(found.status)
                    body = found.body
                    self.send_header("Content-Type", found.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
