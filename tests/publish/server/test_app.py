"""`kommune serve` as a real subprocess: the site and Datasette answer on one port, pages
load assets only from the same host, and a rebuild is picked up without a restart."""

from __future__ import annotations

import contextlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from kommune import portal
from tests.conftest import dataset_yaml, start_server, stop_server

PAGES = [
    "/",
    "/datensaetze/",
    "/datensaetze/thema/econ/",
    "/datensaetze/bereich/allgemein/",
    "/datensaetze/haushalt-ergebnisplan/",
    "/datensaetze/kita-plaetze/",
    "/ueber/",
    "/bericht/",
    "/katalog/",
    "/daten/",
    "/daten/portal",
    "/daten/portal/kita_plaetze",
    "/daten/portal/haushalt_ergebnisplan",
]


class _Assets(HTMLParser):
    """Collects every URL a browser would load without a click."""

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag == "link" and attrs.get("href") and (attrs.get("rel") or "") not in ("alternate", "canonical"):
            self.assets.append(attrs["href"])
        if tag == "object" and attrs.get("data"):
            self.assets.append(attrs["data"])
        if attrs.get("style") and "url(" in attrs["style"]:
            self.assets += re.findall(r"url\(['\"]?([^)'\"]+)", attrs["style"])


def test_pages_answer_and_load_assets_only_from_the_same_host(demo_server):
    for path in PAGES:
        response = demo_server.get(path)
        assert response.status_code == 200, path
        assert "text/html" in response.headers["content-type"]
        parser = _Assets()
        parser.feed(response.text)
        for asset in parser.assets:
            absolute = urljoin(demo_server.url + path, asset)
            assert urlparse(absolute).netloc == urlparse(demo_server.url).netloc, f"{path} loads {asset}"
            assert demo_server.get(urlparse(absolute).path).status_code == 200, f"{path}: {asset} missing"
    assert 'lang="de"' in demo_server.get("/").text


def test_datasette_json_api_and_downloads(demo_server):
    rows = demo_server.get("/daten/portal/kita_plaetze.json?_shape=array&stadtteil=Innenstadt").json()
    assert rows and all(row["stadtteil"] == "Innenstadt" for row in rows)
    query = demo_server.get(
        "/daten/portal.json", params={"sql": "select count(*) as n from haushalt_ergebnisplan", "_shape": "array"}
    )
    assert query.json() == [{"n": 84}]  # 14 product areas × 6 years
    csv = demo_server.get("/datensaetze/haushalt-ergebnisplan/haushalt_ergebnisplan.csv")
    assert csv.status_code == 200 and csv.text.startswith("produktbereich,bezeichnung")
    package = demo_server.get("/datensaetze/haushalt-ergebnisplan/datapackage.json").json()
    assert package["licenses"][0]["path"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    page = demo_server.get("/daten/portal/kita_plaetze").text
    assert "Kindertageseinrichtungen" in page and "Betreuungsplätze für Kinder unter drei Jahren" in page


def test_unknown_page_is_a_german_404(demo_server):
    response = demo_server.get("/gibt-es-nicht/")
    assert response.status_code == 404 and "Seite nicht gefunden" in response.text


def test_a_rebuild_is_served_without_restart(portal_dir):
    folder = portal_dir.add(
        "zaehler",
        dataset_yaml("{kind: csv, path: sample/d.csv}", title="Zähler"),
        """\
fields:
  - {name: n, type: integer, title: N, description: Zahl.}
""",
        {"sample/d.csv": b"n\n1\n"},
    )
    portal.build(portal_dir.root, portal_dir.out)
    server = start_server(portal_dir.out)
    try:
        assert server.get("/daten/portal/zaehler.json?_shape=array").json() == [{"rowid": 1, "n": 1}]
        (folder / "sample" / "d.csv").write_text("n\n1\n2\n")
        portal.build(portal_dir.root, portal_dir.out)
        assert len(server.get("/daten/portal/zaehler.json?_shape=array").json()) == 2
    finally:
        stop_server(server)


def _open_files_and_threads(pid: int) -> tuple[list[str], int]:
    links = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):  # closed while we looked
            links.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
    return links, len(os.listdir(f"/proc/{pid}/task"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc to count open files")
def test_swapped_out_releases_free_their_threads_and_database_files(portal_dir):
    """Each release gets its own Datasette; a replaced one must let go of its SQL threads and its
    portal.db (pruned releases are deleted; an open handle would keep their disk space)."""
    folder = portal_dir.add(
        "zaehler",
        dataset_yaml("{kind: csv, path: sample/d.csv}", title="Zähler"),
        "fields:\n  - {name: n, type: integer, title: N, description: Zahl.}\n",
        {"sample/d.csv": b"n\n1\n"},
    )
    portal.build(portal_dir.root, portal_dir.out)
    server = start_server(portal_dir.out)
    try:
        paths = ["/", "/daten/portal/zaehler.json", "/daten/portal/zaehler", "/daten/portal.json?sql=select+1"]
        for path in paths:
            assert server.get(path).status_code == 200
        _, threads_before = _open_files_and_threads(server.process.pid)
        for version in range(2, 10):
            (folder / "sample" / "d.csv").write_text("n\n" + "".join(f"{n}\n" for n in range(version)))
            portal.build(portal_dir.root, portal_dir.out)
            for path in paths:
                assert server.get(path).status_code == 200
        links, threads_after = _open_files_and_threads(server.process.pid)
    finally:
        stop_server(server)
    databases = [link for link in links if link.endswith("portal.db") or "portal.db (deleted)" in link]
    assert not [link for link in databases if "(deleted)" in link], databases
    assert len(set(databases)) <= 2, databases  # the current release (and at most the one before)
    assert threads_after <= threads_before + 3, (threads_before, threads_after)
