"""Whole-table downloads through `kommune serve`: the table page links the release's own CSV file,
Datasette's row counts come from the build's inspect data, and a streamed CSV export that
Datasette cuts short is broken off instead of ending like a complete file."""

from __future__ import annotations

import csv
import io
import json
import threading
import time

import httpx
import pytest
import uvicorn

from kommune import portal
from publish.server import app as serve
from tests.conftest import free_port, start_server, stop_server
from tests.publish.conftest import add_numbers_dataset


def _portal(portal_dir, rows: int):
    add_numbers_dataset(portal_dir, rows)
    portal.build(portal_dir.root, portal_dir.out)
    return portal_dir.out


class _InProcessServer:
    """The real PortalApp under uvicorn on 127.0.0.1, in a thread of the test process, so a test
    can change Datasette's settings (serve.DATASETTE_SETTINGS) before it starts."""

    def __init__(self, out):
        self.url = f"http://127.0.0.1:{free_port()}"
        config = uvicorn.Config(
            serve.PortalApp(out),
            host="127.0.0.1",
            port=int(self.url.rsplit(":", 1)[1]),
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_a_streamed_csv_that_datasette_cuts_short_is_broken_off(portal_dir, monkeypatch):
    """Datasette writes an error after the first page (here its 1 MB `max_csv_mb`, under load the
    SQL time limit) as text into a 200 answer; the portal must not let that end like a whole file."""
    out = _portal(portal_dir, 120_000)  # ~1.7 MB of CSV
    monkeypatch.setitem(serve.DATASETTE_SETTINGS, "max_csv_mb", 1)
    url = "/daten/portal/zaehler.csv?_stream=on&_size=max"
    with _InProcessServer(out) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        # Past the response cache (a cookie makes an answer personal): the stream itself is broken off.
        received = b""
        with (
            pytest.raises(httpx.RemoteProtocolError),
            client.stream("GET", url, headers={"Cookie": "sitzung=1"}) as response,
        ):
            assert response.status_code == 200
            for chunk in response.iter_bytes():
                received += chunk
        assert b"CSV contains more than" not in received
        rows = list(csv.reader(io.StringIO(received.decode())))
        assert rows[0] == ["rowid", "n", "gruppe"] and 1000 < len(rows) < 120_000
        # Small enough for the cache, which holds the answer back until it is complete: never a 200.
        held = client.get(url)
        assert held.status_code == 500 and b"CSV contains more than" not in held.content
        # A stream that fits ends normally, with every row.
        whole = client.get("/daten/portal/zaehler.csv?_stream=on&_size=max&n__lt=5000")
        assert whole.status_code == 200
        assert len(list(csv.reader(io.StringIO(whole.text)))) == 5001


def test_the_table_page_links_the_release_csv_for_the_whole_table(portal_dir):
    out = _portal(portal_dir, 1500)  # more than one page, so Datasette would offer streaming
    server = start_server(out)
    try:
        page = server.get("/daten/portal/zaehler").text
        assert 'href="/datensaetze/zaehler/zaehler.csv"' in page
        assert 'name="_stream"' not in page
        whole = server.get("/datensaetze/zaehler/zaehler.csv")
        assert whole.status_code == 200 and len(whole.text.splitlines()) == 1501
        filtered = server.get("/daten/portal/zaehler?gruppe=gerade").text
        assert 'name="_stream"' in filtered  # a filtered selection has no file of its own
    finally:
        stop_server(server)


def test_unfiltered_row_counts_come_from_the_builds_inspect_data(portal_dir):
    out = _portal(portal_dir, 30)
    inspect_file = out / "datasette" / "inspect-data.json"
    data = json.loads(inspect_file.read_text())
    assert data["portal"]["tables"]["zaehler"]["count"] == 30
    assert data["portal"]["file"] == "portal.db" and len(data["portal"]["hash"]) == 64
    # Changed on purpose: the served count and hash must be the file's, proving Datasette reads it.
    data["portal"]["tables"]["zaehler"]["count"] = 31
    inspect_file.write_text(json.dumps(data))
    server = start_server(out)
    try:
        assert server.get("/daten/portal/zaehler.json").json()["filtered_table_rows_count"] == 31
        assert server.get("/daten/portal/zaehler.json?gruppe=gerade").json()["filtered_table_rows_count"] == 15
        databases = server.get("/daten/-/databases.json").json()
        assert [d["hash"] for d in databases if d["name"] == "portal"] == [data["portal"]["hash"]]
    finally:
        stop_server(server)
