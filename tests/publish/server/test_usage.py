"""Usage counting in `kommune serve` (publish/server/usage.py): against a real server under
concurrent requests and a release swap, the store file holds exactly the counts of the answered
requests and nothing that identifies a visitor; the next build publishes them."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import yaml

from contracts import usage as usage_contract
from contracts.serve_state import build_state_dir, usage_store
from kommune import portal
from publish.build_folder import BuildFolder
from publish.server.usage import Catalogue, UsageCounter, classify, is_bot
from tests.conftest import REPO, start_server, stop_server, worker_pids

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CATALOGUE = Catalogue(
    datasets=frozenset({"haushalt-ergebnisplan"}),
    tables={"haushalt_ergebnisplan": "haushalt-ergebnisplan"},
    datasette_prefix="/daten/",
)


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/", b"", ("startseite", "", "seite")),
        ("/datensaetze/", b"", ("datensaetze", "", "seite")),
        ("/datensaetze/haushalt-ergebnisplan/", b"", ("datensaetze", "haushalt-ergebnisplan", "seite")),
        ("/datensaetze/haushalt-ergebnisplan/x.csv", b"", ("datensaetze", "haushalt-ergebnisplan", "download")),
        ("/datensaetze/gibt-es-nicht/x.csv", b"", ("datensaetze", "", "download")),
        ("/rat/sitzungen/17/", b"", ("rat", "", "seite")),
        ("/rat/sitzungen.ics", b"", ("rat", "", "download")),
        ("/catalog.ttl", b"", ("katalog", "", "download")),
        ("/impressum/", b"", ("ueber-das-portal", "", "seite")),
        ("/irgendwas-<script>/", b"", ("sonstige", "", "seite")),
        ("/daten/portal/haushalt_ergebnisplan", b"", ("daten", "haushalt-ergebnisplan", "seite")),
        ("/daten/portal/haushalt_ergebnisplan.json", b"", ("daten", "haushalt-ergebnisplan", "api")),
        ("/daten/portal/haushalt_ergebnisplan/1", b"_format=csv", ("daten", "haushalt-ergebnisplan", "api")),
        ("/daten/portal.json", b"sql=select+1", ("daten", "", "sql")),
        ("/daten/portal/nope", b"", ("daten", "", "seite")),
        ("/static/style.css", b"", None),
        ("/daten/-/static/app.css", b"", None),
    ],
)
def test_a_request_becomes_one_bounded_key(path, query, expected):
    assert classify(path, query, CATALOGUE) == expected


def test_the_bot_rule_reads_the_user_agent_only_to_decide():
    assert not is_bot([(b"user-agent", BROWSER.encode())])
    assert is_bot([(b"user-agent", CRAWLER.encode())])
    assert is_bot([(b"user-agent", b"curl/8.5.0")])
    assert is_bot([(b"user-agent", b"  ")])
    assert is_bot([])


def test_an_attacker_cannot_grow_the_counter(tmp_path):
    counter = UsageCounter(tmp_path / "store.sqlite")
    for number in range(5000):
        scope = {
            "method": "GET",
            "path": f"/datensaetze/fake-{number}/datei-{number}.csv",
            "query_string": f"x={number}".encode(),
            "headers": [(b"user-agent", f"agent-{number}".encode())],
        }
        counter.count(scope, 200, CATALOGUE)
        counter.count({**scope, "path": f"/neu-{number}/"}, 200, CATALOGUE)
    assert len(counter._counts) == 2  # one key for unknown datasets' downloads, one for unknown sections
    counter.flush()
    with sqlite3.connect(tmp_path / "store.sqlite") as db:
        assert db.execute("select bereich, datensatz, art, anzahl from nutzung order by bereich").fetchall() == [
            ("datensaetze", "", "download", 5000),
            ("sonstige", "", "seite", 5000),
        ]


def test_a_failed_write_keeps_the_counts_for_the_next_try(tmp_path):
    blocked = tmp_path / "kein-ordner"
    blocked.write_text("eine Datei, wo der Ordner sein müsste")
    counter = UsageCounter(blocked / "store.sqlite")
    counter.count({"method": "GET", "path": "/", "headers": []}, 200, CATALOGUE)
    counter.flush()
    assert sum(counter._counts.values()) == 1
    blocked.unlink()
    counter.flush()
    assert sum(counter._counts.values()) == 0
    with sqlite3.connect(blocked / "store.sqlite") as db:
        assert db.execute("select sum(anzahl) from nutzung").fetchone() == (1,)


@pytest.fixture
def usage_portal(portal_dir):
    portal_dir.add_demo("haushalt-ergebnisplan")
    portal_dir.add_demo("nutzung-des-portals")
    kpis = yaml.safe_load((REPO / "metadata" / "kpis.yaml").read_text(encoding="utf-8"))
    usage_kpis = [kpi for kpi in kpis if "nutzung-des-portals" in kpi["datasets"]]
    assert len(usage_kpis) == 2
    (portal_dir.root / "metadata" / "kpis.yaml").write_text(yaml.safe_dump(usage_kpis, allow_unicode=True))
    portal.build(portal_dir.root, portal_dir.out)
    return portal_dir


@pytest.mark.parametrize("workers", [1, 2])
def test_concurrent_requests_across_a_release_swap_are_all_counted_and_nothing_identifying_is_stored(
    usage_portal, monkeypatch, workers
):
    """With two workers each process counts its own requests and adds them to the one store:
    the file must hold exactly the sum, none lost between the processes' flushes."""
    monkeypatch.setenv("KOMMUNE_USAGE_FLUSH_SECONDS", "0.2")
    build = BuildFolder.open(usage_portal.out)
    package = next(p for p in build.packages if p["name"] == "haushalt-ergebnisplan")
    table = package["resources"][0]["name"]
    requests = [
        ("/", BROWSER),
        ("/datensaetze/haushalt-ergebnisplan/", BROWSER),
        (f"/datensaetze/haushalt-ergebnisplan/{table}.csv", BROWSER),
        (f"/daten/portal/{table}.json", BROWSER),
        ("/datenschutz/", CRAWLER),
        (f"/daten/portal/{table}", "curl/8.5.0"),
        ("/datensaetze/erfunden-<b>x</b>/", BROWSER),  # 404: not counted
        ("/static/style.css", BROWSER),  # an asset: not counted
    ]
    answered: Counter[tuple] = Counter()
    lock = threading.Lock()
    server = start_server(usage_portal.out, workers=workers)
    answered[("startseite", "", "seite", 1)] += 1  # start_server's one answered probe (httpx: a program)
    try:

        def client(number: int) -> None:
            # A fresh connection per round: uvicorn's workers share the listening socket, so the
            # rounds spread over the workers.
            for _ in range(15):
                with httpx.Client(base_url=server.url, timeout=30) as http:
                    for path, agent in requests:
                        response = http.get(path, headers={"User-Agent": agent})
                        key = classify(path, b"", CATALOGUE)
                        if key is not None and response.status_code == 200:
                            with lock:
                                answered[(*key, int(is_bot([(b"user-agent", agent.encode())])))] += 1
            # own SQL one at a time per client (the query gate serves one query per client)
            sql = f"select count(*) from {table} where {number} = {number}"
            with httpx.Client(base_url=server.url, timeout=30) as http:
                response = http.get(f"/daten/portal.json?sql={sql}", headers={"User-Agent": BROWSER})
                if response.status_code == 200:
                    with lock:
                        answered[("daten", "", "sql", 0)] += 1

        assert len(worker_pids(server)) == (workers if workers > 1 else 0)
        swapped = build.root
        with ThreadPoolExecutor(max_workers=6) as pool:
            running = [pool.submit(client, number) for number in range(6)]
            # A rebuild (the usage dataset re-reads the store) swaps the release under the clients.
            (usage_portal.root / "datasets" / "haushalt-ergebnisplan" / "README.md").write_text(
                "Neue Beschreibung.\n", encoding="utf-8"
            )
            portal.build(usage_portal.root, usage_portal.out)
            swapped = usage_portal.out.resolve()
            for future in running:
                future.result()
        assert swapped != build.root
    finally:
        stop_server(server)
    assert "Application shutdown complete" in server.output()  # the last flush ran

    store = usage_store(build_state_dir(usage_portal.out))
    with sqlite3.connect(store) as db:
        columns = [row[1] for row in db.execute(f"pragma table_info({usage_contract.TABLE})")]
        tables = [row[0] for row in db.execute("select name from sqlite_master where type = 'table'")]
        stored = {tuple(row[:5]): row[5] for row in db.execute(f"select * from {usage_contract.TABLE}")}
    assert tables == [usage_contract.TABLE]
    assert columns == ["tag", "bereich", "datensatz", "art", "bot", "anzahl"]
    day = next(iter(stored))[0]
    assert {key[0] for key in stored} == {day}
    assert {key[1:]: n for key, n in stored.items()} == dict(answered)
    assert sum(answered.values()) >= 6 * 15 * 5  # the 200s of the first six paths (SQL may be refused)

    # Nothing that identifies a visitor, nor what they sent, is anywhere in the file.
    raw = store.read_bytes() + b"".join(p.read_bytes() for p in store.parent.glob("nutzung.sqlite-*"))
    for secret in (b"127.0.0.1", b"Mozilla", b"Googlebot", b"curl", b"erfunden", b"select count", b".csv", b".json"):
        assert secret not in raw, secret

    # The next build publishes the counts as the dataset and feeds the KPIs.
    portal.build(usage_portal.root, usage_portal.out)
    published = BuildFolder.open(usage_portal.out)
    rows = json.loads((published.root / "datasets" / "nutzung-des-portals" / "nutzung_des_portals.json").read_text())
    assert sum(row["anzahl"] for row in rows) == sum(answered.values())
    downloads = next(r for r in rows if r["art"] == "download" and not r["bot"])
    assert downloads["datensatz"] == "haushalt-ergebnisplan"
    with sqlite3.connect(published.database) as db:
        assert db.execute("select sum(anzahl) from nutzung_des_portals where bot").fetchone()[0] == sum(
            n for key, n in answered.items() if key[3]
        )
    print("\n".join(json.dumps(row, ensure_ascii=False) for row in rows))
