"""Sources over HTTP against a real server on 127.0.0.1 that misbehaves on purpose: each fault
fails its own dataset with a clear German report and the last good version stays online."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kommune import portal
from pipelines.http import FetchError, HttpClient, HttpSettings
from tests.conftest import GERMAN_SCHEMA, dataset_yaml

GOOD_CSV = "Datum;Betrag;Ort\n24.01.2020;1.234,56;Nord\n25.01.2020;-2,50;Süd\n".encode()
FAST = {
    "KOMMUNE_HTTP_TIMEOUT": "0.5",
    "KOMMUNE_HTTP_RETRIES": "1",
    "KOMMUNE_HTTP_BACKOFF": "0.05",
    "KOMMUNE_HTTP_TOTAL_TIMEOUT": "2",
}


class FaultyServer(ThreadingHTTPServer):
    """Serves GOOD_CSV on every path while `faulty` is False; afterwards each path shows its fault."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.faulty = False
        self.hits: Counter = Counter()
        self.stop = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class FaultHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        server: FaultyServer = self.server
        name = self.path.strip("/").split(".")[0]
        server.hits[name] += 1
        if not server.faulty:
            return self._send(200, GOOD_CSV, "text/csv; charset=utf-8")
        if name == "zeitueberschreitung":
            server.stop.wait(3)  # longer than the 0.5 s read timeout
            return self._send(200, GOOD_CSV, "text/csv")
        if name in ("nicht-gefunden", "serverfehler", "zu-viele-anfragen"):
            status = {"nicht-gefunden": 404, "serverfehler": 500, "zu-viele-anfragen": 429}[name]
            return self._send(status, b"Fehler", "text/plain", {"Retry-After": "0"})
        if name == "schleife":
            return self._send(302, b"", "text/plain", {"Location": self.path})
        if name == "html-statt-csv":
            return self._send(
                200, b"<!DOCTYPE html><html><body>Wartungsarbeiten</body></html>", "text/html; charset=utf-8"
            )
        if name == "tropfen":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            try:
                self.wfile.write(b"Datum;Betrag;Ort\n")
                while not server.stop.wait(0.1):  # a few bytes every 0.1 s: the read timeout never fires
                    self.wfile.write(b"2")
                    self.wfile.flush()
            except OSError:
                pass
            return
        self._send(200, GOOD_CSV, "text/csv")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def faulty_server():
    server = FaultyServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


FAULTS = {
    "zeitueberschreitung": "keine Antwort innerhalb",  # read timeout (download path reports Zeitüberschreitung)
    "nicht-gefunden": "HTTP 404",
    "serverfehler": "HTTP 500",
    "zu-viele-anfragen": "HTTP 429",
    "schleife": "Weiterleitungsschleife",
    "html-statt-csv": "text/html",
    "tropfen": "länger als 2 s",
}


def test_each_http_fault_fails_its_dataset_alone_and_the_last_good_version_stays(
    portal_dir, faulty_server, monkeypatch
):
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    portal_dir.add(
        "lokal",
        dataset_yaml('{kind: csv, path: sample/d.csv, delimiter: ";"}'),
        GERMAN_SCHEMA,
        {"sample/d.csv": GOOD_CSV},
    )
    for name in FAULTS:
        portal_dir.add(
            name, dataset_yaml(f'{{kind: csv, url: "{faulty_server.url}/{name}.csv", delimiter: ";"}}'), GERMAN_SCHEMA
        )
    first = portal.build(portal_dir.root, portal_dir.out)
    assert {d.status for d in first.datasets} == {"ok"}

    faulty_server.faulty = True
    faulty_server.hits.clear()
    second = portal.build(portal_dir.root, portal_dir.out)
    results = {d.id: d for d in second.datasets}
    assert results["lokal"].status == "unchanged"
    db = sqlite3.connect(portal_dir.out / "portal.db")
    for name, fragment in FAULTS.items():
        result = results[name]
        assert result.status == "stale", (name, result)
        issue = result.issues[0]
        assert issue.file == f"{faulty_server.url}/{name}.csv"
        text = issue.describe()
        assert fragment in text or (name == "zeitueberschreitung" and "Zeitüberschreitung" in text), (name, text)
        package = json.loads((portal_dir.out / "datasets" / name / "datapackage.json").read_text())
        assert package["kommune"]["status"] == "stale" and package["kommune"]["stale_reason"]
        table = name.replace("-", "_")
        assert db.execute(f"select count(*) from {table}").fetchone() == (2,), name
    # Retries happen (1 retry configured) but only where retrying can help.
    assert faulty_server.hits["zu-viele-anfragen"] == 2 and faulty_server.hits["serverfehler"] == 2
    assert faulty_server.hits["nicht-gefunden"] == 1
    page = (portal_dir.out / "site" / "bericht" / "index.html").read_text(encoding="utf-8")
    assert "Weiterleitungsschleife" in page and "HTTP 404" in page


def test_settings_come_from_the_environment():
    settings = HttpSettings.from_environment({"KOMMUNE_HTTP_TIMEOUT": "2.5", "KOMMUNE_HTTP_RETRIES": "0"})
    assert (settings.timeout, settings.retries, settings.max_bytes) == (2.5, 0, HttpSettings().max_bytes)
    with pytest.raises(ValueError, match="KOMMUNE_HTTP_RETRIES"):
        HttpSettings.from_environment({"KOMMUNE_HTTP_RETRIES": "viele"})


def test_json_get_from_a_dripping_server_ends_at_the_total_deadline(faulty_server, tmp_path):
    faulty_server.faulty = True
    with (
        HttpClient(tmp_path, HttpSettings(timeout=0.5, retries=0, total_timeout=1)) as client,
        pytest.raises(FetchError, match="länger als 1 s"),
    ):
        client.get_json(f"{faulty_server.url}/tropfen")


def test_oversized_responses_are_cut_off(faulty_server, tmp_path):
    with HttpClient(tmp_path, HttpSettings(retries=0, max_bytes=10)) as client:
        with pytest.raises(FetchError, match="größer als 10 Bytes"):
            client.download(f"{faulty_server.url}/gross.csv")
        with pytest.raises(FetchError, match="größer als 10 Bytes"):
            client.get(f"{faulty_server.url}/gross.csv")
    assert not list(tmp_path.glob("*.part"))
