"""The quality score of a real build whose metadata links point at a real server on 127.0.0.1:
the source behind a redirect, a publisher page that answers 404, a licence page that does not
answer in time; then a download that no longer matches its checksum."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kommune import portal
from publish import publish_build
from publish.build_folder import BuildFolder
from tests.conftest import GERMAN_SCHEMA, dataset_yaml

CSV = "Datum;Betrag;Ort\n24.01.2020;1.234,56;Nord\n25.01.2020;-2,50;Süd\n".encode()


class TownServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), TownHandler)
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class TownHandler(BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        server: TownServer = self.server  # type: ignore[assignment]
        if self.path == "/alt/daten.csv":
            return self._send(302, b"", {"Location": "/daten.csv"})
        if self.path == "/daten.csv":
            return self._send(200, CSV if body else b"", {"Content-Type": "text/csv; charset=utf-8"})
        if self.path == "/lizenz":
            server.release.wait(3)  # longer than the link check's timeout
            return self._send(200, b"")
        return self._send(404, b"")

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def _send(self, status: int, content: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if content:
            self.wfile.write(content)

    def log_message(self, *args):
        pass


@pytest.fixture
def town():
    httpd = TownServer()
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def _criterion(build: BuildFolder, name: str) -> dict:
    return next(c for c in build.quality["datasets"]["kassenbuch"]["criteria"] if c["name"] == name)


def test_links_in_the_metadata_and_the_downloads_are_scored(portal_dir, town, monkeypatch):
    monkeypatch.setenv("KOMMUNE_LINK_CHECK", "an")
    monkeypatch.setenv("KOMMUNE_LINK_TIMEOUT", "0.5")
    metadata = portal_dir.root / "metadata"
    publisher = (metadata / "publisher.yaml").read_text(encoding="utf-8")
    publisher = publisher.replace("website: https://www.werne.de/", f"website: {town.url}/stadt")
    publisher = publisher.replace("  url: https://www.werne.de/", f"  url: {town.url}/stadt")
    (metadata / "publisher.yaml").write_text(publisher, encoding="utf-8")
    licences = (metadata / "licences.yaml").read_text(encoding="utf-8")
    licences = licences.replace("url: https://www.govdata.de/dl-de/by-2-0", f"url: {town.url}/lizenz")
    (metadata / "licences.yaml").write_text(licences, encoding="utf-8")
    portal_dir.add("kassenbuch", dataset_yaml(f"{{kind: csv, url: '{town.url}/alt/daten.csv'}}"), GERMAN_SCHEMA)

    report = portal.build(portal_dir.root, portal_dir.out)
    assert report.datasets[0].status == "ok"  # nothing the link check finds fails the build
    build = BuildFolder.open(portal_dir.out)
    links = _criterion(build, "Links in den Metadaten erreichbar")
    assert links["assessed"] and links["points"] == pytest.approx(20 / 3, abs=0.1)
    assert links["reason"] == (
        f"1 von 3 Links erreichbar; {town.url}/lizenz: keine Antwort in 0.5 s; "
        f"{town.url}/stadt: antwortet mit HTTP 404 (nicht gefunden)"
    )
    page = (build.site_dir / "datensaetze" / "kassenbuch" / "index.html").read_text(encoding="utf-8")
    assert "antwortet mit HTTP 404 (nicht gefunden)" in page
    assert _criterion(build, "Downloads erreichbar")["points"] == 30

    # a download replaced behind the catalogue's back: its size no longer matches
    csv = build.dataset_dir("kassenbuch") / "kassenbuch.csv"
    content = csv.read_bytes()
    csv.unlink()  # hard-linked with other releases: never change in place
    csv.write_bytes(content + b"2020-01-26,1.0,West\n")
    build = publish_build(build.root, now=dt.datetime.now(dt.UTC))
    downloads = _criterion(build, "Downloads erreichbar")
    assert downloads["points"] == 22.5  # 3 of 4 files (CSV, JSON, datapackage.json, versions.json)
    assert f"kassenbuch.csv hat {len(content) + 20} statt {len(content)} Bytes" in downloads["reason"]
