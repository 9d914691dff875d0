"""A real OParl HTTP server on 127.0.0.1 for tests, serving a Recording with injectable faults.

It answers like a council system: pagination with `links.next`, `modified_since` with
deleted objects, individual objects by id. Faults are switched on per test:
`fail(...)` answers with an HTTP status (optionally with Retry-After) a number of times,
`truncate(...)` cuts a JSON page in half, `loop(...)` makes a page's `next` link point back
to the first page, `overstate(...)` announces more objects in `pagination.totalElements` than
the list delivers. Quirks of real systems are switched on per test too: `delete(...,
with_type=False)` leaves deletion markers without `type`, `drop_authoritative()`,
`swap_coordinates()` ([lat, lon] locations) and `ags_as_number()` (a municipality key that
lost its leading zero). `requests` records every path and query asked for, `request_times`
when (time.monotonic). A File's `accessUrl` and `downloadUrl` answer with the recorded PDF
(`dokumente/` of the recording), as a council system serves its documents.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipelines.oparl.recording import Recording

SAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "ratsinformation" / "sample"


@dataclass
class Fault:
    match: str  # substring of the request path+query
    times: int  # how often it fires; -1 = always
    status: int = 0
    retry_after: str | None = None
    truncate: bool = False
    loop: bool = False
    extra_elements: int = 0  # added to pagination.totalElements


@dataclass
class OParlTestServer:
    recording: Recording
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    request_times: list[float] = field(default_factory=list)

    @property
    def cache_dir(self) -> Path:
        """A folder for an HttpClient's download cache (the OParl harvest does not use it),
        removed when the server stops."""
        if not hasattr(self, "_cache_dir"):
            self._cache_dir = Path(tempfile.mkdtemp(prefix="oparl-http-"))
        return self._cache_dir

    def start(self) -> OParlTestServer:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/oparl/v1.1"
        recorded_base = self.recording.base
        rewritten = json.loads(
            json.dumps(
                {
                    "system": self.recording.system,
                    "body": self.recording.body,
                    "lists": self.recording.lists,
                    "tombstones": self.recording.tombstones,
                }
            ).replace(recorded_base, self.base)
        )
        self.recording = Recording(page_size=self.recording.page_size, documents=self.recording.documents, **rewritten)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if hasattr(self, "_cache_dir"):
            shutil.rmtree(self._cache_dir, ignore_errors=True)

    @property
    def system_url(self) -> str:
        return self.recording.system["id"]

    def url(self, recorded_url: str) -> str:
        """The served URL of an id as written in the sample files."""
        return recorded_url.replace("https://ratsinfo.werne.example/oparl/v1.1", self.base)

    def fail(self, match: str, status: int, times: int = 1, retry_after: str | None = None) -> None:
        self.faults.append(Fault(match, times, status=status, retry_after=retry_after))

    def truncate(self, match: str, times: int = -1) -> None:
        self.faults.append(Fault(match, times, truncate=True))

    def loop(self, match: str) -> None:
        self.faults.append(Fault(match, -1, loop=True))

    def overstate(self, match: str, extra: int) -> None:
        """Announce `extra` more objects in `pagination.totalElements` than the list holds."""
        self.faults.append(Fault(match, -1, extra_elements=extra))

    # --- quirks of real council systems ----------------------------------------------------
    def drop_authoritative(self) -> int:
        """Remove `authoritative` from every consultation, as most systems never send it;
        return how many carried it."""
        dropped = 0
        for paper in self.recording.lists["papers"]:
            for consultation in paper.get("consultation", []):
                dropped += consultation.pop("authoritative", None) is not None
        return dropped

    def swap_coordinates(self) -> list[str]:
        """Write every embedded location's point as [lat, lon]; return the location ids."""
        swapped = []
        for meeting in self.recording.lists["meetings"]:
            location = meeting.get("location")
            if isinstance(location, dict) and (location.get("geojson") or {}).get("type") == "Feature":
                point = location["geojson"]["geometry"]["coordinates"]
                if point[0] < point[1]:  # [lon, lat] in Germany: longitude is the smaller number
                    point.reverse()
                swapped.append(location["id"])
        return sorted(set(swapped))

    def ags_as_number(self) -> str:
        """Send the body's municipality key as a JSON number (leading zero lost); return it."""
        self.recording.body["ags"] = int(self.recording.body["ags"])
        return str(self.recording.body["ags"])

    def _take_fault(self, target: str) -> Fault | None:
        for fault in self.faults:
            if fault.match in target and fault.times != 0:
                if fault.times > 0:
                    fault.times -= 1
                return fault
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                server.request_times.append(time.monotonic())
                fault = server._take_fault(self.path)
                if fault and fault.status:
                    self.send_response(fault.status)
                    if fault.retry_after:
                        self.send_header("Retry-After", fault.retry_after)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                host = f"http://127.0.0.1:{server.httpd.server_address[1]}"
                document = server.recording.document_at(host + self.path)
                if document is not None:
                    return self._send(200, document.read_bytes(), "application/pdf")
                try:
                    answer = server.recording.answer(host + self.path)
                except KeyError:
                    return self._send(404, b'{"error": "not found"}')
                except ValueError as error:
                    return self._send(400, json.dumps({"error": str(error)}).encode())
                if fault and fault.loop and isinstance(answer, dict) and "links" in answer:
                    answer = dict(answer, links=dict(answer["links"], next=answer["links"]["first"]))
                if fault and fault.extra_elements and isinstance(answer, dict) and "pagination" in answer:
                    answer = dict(
                        answer,
                        pagination=dict(
                            answer["pagination"],
                            totalElements=answer["pagination"]["totalElements"] + fault.extra_elements,
                        ),
                    )
                body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                if fault and fault.truncate:
                    body = body[: len(body) // 2]
                self._send(200, body)

            def _send(self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def serve_sample(page_size: int = 25) -> OParlTestServer:
    """Start a server over a fresh copy of the bundled Werne demo recording."""
    return OParlTestServer(Recording.load(SAMPLE, page_size=page_size)).start()
