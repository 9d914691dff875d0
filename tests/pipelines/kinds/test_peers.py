"""The `peers` kind against real HTTP services on 127.0.0.1 answering with recorded CKAN,
OParl, statistics and KPI-file answers (tests/peers_server.py): figures and per-capita values,
a peer whose services are down or refuse ("keine Angabe", never 0, the build goes on), hostile
KPI files refused, and a harvest where nothing answers keeping the last good version."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import yaml

from kommune import portal
from pipelines.demo.peers import PEERS, slug
from tests.conftest import dataset_yaml, run_kommune
from tests.peers_server import PeersTestServer, closed_port_url

DATASET = "vergleichskommunen"
LIVE_DECLARATION = """\
title: Vergleichskommunen
description: Was öffentliche Quellen über vergleichbare Kommunen sagen.
family: allgemein
licence: dl-by-de/2.0
themes: [GOVE]
keywords: [Vergleich]
frequency: MONTHLY
source:
  kind: peers
  requests_per_second: 20
"""


@pytest.fixture
def peers_server():
    server = PeersTestServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setenv("KOMMUNE_HTTP_RETRIES", "1")
    monkeypatch.setenv("KOMMUNE_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("KOMMUNE_HTTP_TIMEOUT", "5")


def write_portal(portal_dir, register: dict) -> None:
    (portal_dir.root / "metadata" / "peers.yaml").write_text(
        yaml.safe_dump(register, allow_unicode=True), encoding="utf-8"
    )
    if not (portal_dir.root / "datasets" / DATASET).exists():
        portal_dir.add(DATASET, LIVE_DECLARATION)


def build(portal_dir):
    report = portal.build(portal_dir.root, portal_dir.out, only=[DATASET])
    return next(entry for entry in report.to_dict()["datasets"] if entry["id"] == DATASET)


def rows(portal_dir, table: str) -> dict:
    path = portal_dir.out / "datasets" / DATASET / f"{table}.csv"
    with open(path, encoding="utf-8", newline="") as file:
        read = list(csv.DictReader(file))
    if table == "vergleich_kommunen":
        return {row["name"]: row for row in read}
    return {(row["ags"], row["kennzahl"]): row for row in read}


def ags(name: str) -> str:
    return next(town.ags for town in PEERS if town.name == name)


def test_figures_come_from_the_recorded_services_with_source_and_date(portal_dir, peers_server):
    write_portal(portal_dir, peers_server.register)
    result = build(portal_dir)
    assert result["status"] == "ok"

    towns = rows(portal_dir, "vergleich_kommunen")
    values = rows(portal_dir, "vergleich_werte")
    assert list(towns)[0] == "Werne" and towns["Werne"]["eigene"] == "true"
    assert towns["Kamen"]["einwohner"] == "42838" and towns["Kamen"]["einwohner_stand"] == "2023-12-31"
    kamen = values[(ags("Kamen"), "offene-datensaetze")]
    assert (kamen["wert"], kamen["je_10000"]) == ("21", str(round(21 * 10_000 / 42_838, 2)))
    assert kamen["quelle"].endswith("/ckan/organization/stadt-kamen") and kamen["stand"] == "2026-11-26"
    assert towns["Lünen"]["formate"] == "CSV, GEOJSON, JSON, WMS"
    assert towns["Unna"]["oparl"] == "true" and towns["Unna"]["oparl_neuestes_objekt"] == "2026-12-01"
    assert values[(ags("Unna"), "reifegrad-3-anteil")]["wert"] == "61.0"
    assert values[(ags("Unna"), "reifegrad-3-anteil")]["stand"] == "2026-11"
    # ckanapi really asked the CKAN action API over HTTP
    assert any(path.startswith("/ckan/api/action/package_search?") for path in peers_server.requests)


def test_missing_facts_are_keine_angabe_with_reason_never_zero(portal_dir, peers_server):
    write_portal(portal_dir, peers_server.register)
    result = build(portal_dir)
    towns = rows(portal_dir, "vergleich_kommunen")
    values = rows(portal_dir, "vergleich_werte")

    selm = towns["Selm"]  # its OParl system answers 503
    assert selm["oparl"] == "" and "HTTP 503" in selm["hinweise"]
    boenen = values[(ags("Bönen"), "offene-datensaetze")]  # not in the catalogue
    assert boenen["wert"] == "" and boenen["je_10000"] == "" and "nicht im Datenkatalog" in boenen["hinweis"]
    assert towns["Bönen"]["oparl"] == "false"  # known: no interface, which is not "down"
    bergkamen_eid = values[(ags("Bergkamen"), "online-anteil-gesamt")]
    assert bergkamen_eid["wert"] == "" and "ohne Wert" in bergkamen_eid["hinweis"]
    warnings = " ".join(result["warnings"])
    assert "HTTP 503" in warnings and "abgelehnt" in warnings  # Selm's OParl, Schwerte's KPI file


def test_a_peer_whose_services_are_down_shows_keine_angabe_and_the_build_goes_on(portal_dir, peers_server):
    register = peers_server.register
    kamen = next(peer for peer in register["peers"] if peer["name"] == "Kamen")
    kamen["oparl"] = closed_port_url("/oparl/v1.1/system")
    kamen["kpi_file"] = closed_port_url("/kennzahlen.json")
    kamen["ckan_organization"] = "stadt-kamen-gibt-es-nicht"
    write_portal(portal_dir, register)
    result = build(portal_dir)

    assert result["status"] == "ok"
    towns = rows(portal_dir, "vergleich_kommunen")
    values = rows(portal_dir, "vergleich_werte")
    assert towns["Kamen"]["oparl"] == "" and "nicht erreichbar" in towns["Kamen"]["hinweise"]
    assert "Datei nicht abrufbar" in towns["Kamen"]["hinweise"]
    assert values[(ags("Kamen"), "offene-datensaetze")]["wert"] == ""
    assert "fehlt im Katalog" in values[(ags("Kamen"), "offene-datensaetze")]["hinweis"]
    assert (ags("Kamen"), "reifegrad-3-anteil") not in values
    assert values[(ags("Unna"), "offene-datensaetze")]["wert"] == "30"  # the others are unaffected


HOSTILE_FILES = {
    "html": b"<html><body><script>alert(1)</script></body></html>",
    "huge value": None,  # filled below from the recorded file
    "number as text": None,
    "markup in a title": None,
    "oversize": b"[" + b" " * 1_100_000 + b"]",
    "another town": None,
}


@pytest.mark.parametrize("kind", list(HOSTILE_FILES))
def test_a_hostile_kpi_file_is_refused_whole(portal_dir, peers_server, kind):
    url = peers_server.urls.for_town(peers_server.urls.kpi_file, next(t for t in PEERS if t.name == "Kamen"))
    document = json.loads(peers_server.recording.answer(url).body)
    changes = {
        "huge value": lambda d: d["kpis"][0].update(value=1e308),
        "number as text": lambda d: d["kpis"][0].update(value="52,5"),
        "markup in a title": lambda d: d["kpis"][0].update(title='<img src=x onerror="alert(1)">'),
        "another town": lambda d: d["publisher"].update(municipality_key="05978040"),
    }
    body = HOSTILE_FILES[kind]
    if body is None:
        changes[kind](document)
        body = json.dumps(document).encode()
    peers_server.answer(url, 200, body)
    write_portal(portal_dir, peers_server.register)
    result = build(portal_dir)

    assert result["status"] == "ok"
    values = rows(portal_dir, "vergleich_werte")
    assert (ags("Kamen"), "reifegrad-3-anteil") not in values
    assert values[(ags("Unna"), "reifegrad-3-anteil")]["wert"] == "61.0"
    published = (portal_dir.out / "datasets" / DATASET / "vergleich_kommunen.csv").read_text(encoding="utf-8")
    assert "<script" not in published and "onerror" not in published and "alert" not in published
    assert "Kennzahlen: Datei" in rows(portal_dir, "vergleich_kommunen")["Kamen"]["hinweise"]


def test_when_no_service_answers_the_last_good_version_stays(portal_dir, peers_server):
    write_portal(portal_dir, peers_server.register)
    assert build(portal_dir)["status"] == "ok"
    before = (portal_dir.out / "datasets" / DATASET / "vergleich_werte.csv").read_bytes()
    peers_server.stop()
    try:
        result = build(portal_dir)
    finally:
        peers_server.start()  # the fixture stops it again
    assert result["status"] == "stale"
    assert (portal_dir.out / "datasets" / DATASET / "vergleich_werte.csv").read_bytes() == before


def test_the_bundled_recording_gives_what_the_services_give_over_http(portal_dir, peers_server):
    """The demo answers from its recording through the same code (ckanapi included): the figures
    equal those harvested from the same answers served over HTTP."""
    write_portal(portal_dir, peers_server.register)
    build(portal_dir)
    served = {
        key: (row["wert"], row["je_10000"], row["stand"]) for key, row in rows(portal_dir, "vergleich_werte").items()
    }

    declaration = LIVE_DECLARATION + "  recording: sample/aufzeichnung\n"
    folder = portal_dir.root / "datasets" / DATASET
    (folder / "dataset.yaml").write_text(declaration, encoding="utf-8")
    shutil.copytree(peers_server.folder, folder / "sample" / "aufzeichnung")
    assert build(portal_dir)["status"] == "ok"
    recorded = {
        key: (row["wert"], row["je_10000"], row["stand"]) for key, row in rows(portal_dir, "vergleich_werte").items()
    }
    assert recorded == served
    assert slug("Fröndenberg/Ruhr") == "froendenberg-ruhr"


def kamen_url(server: PeersTestServer, pattern: str) -> str:
    return server.urls.for_town(pattern, next(t for t in PEERS if t.name == "Kamen"))


@pytest.mark.parametrize("service", ["ckan", "oparl", "statistics"])
def test_nonsense_from_a_service_is_keine_angabe_for_that_fact_only(portal_dir, peers_server, service):
    if service == "ckan":  # a count that is not a number
        url = (
            peers_server.urls.ckan
            + "/api/action/package_search?fq=organization:stadt-kamen&rows=1000&start=0&sort=name+asc"
        )
        peers_server.answer(url, 200, b'{"success": true, "result": {"count": "viele", "results": []}}')
    elif service == "oparl":  # a maintenance page with status 200
        peers_server.answer(kamen_url(peers_server, peers_server.urls.oparl), 200, b"<html>Wartung</html>", "text/html")
    else:  # the statistics office sends something else than its table
        peers_server.answer(peers_server.urls.statistics, 200, b"<html>Bitte anmelden</html>", "text/html")
    write_portal(portal_dir, peers_server.register)
    result = build(portal_dir)

    assert result["status"] == "ok"
    towns = rows(portal_dir, "vergleich_kommunen")
    values = rows(portal_dir, "vergleich_werte")
    if service == "ckan":
        assert values[(ags("Kamen"), "offene-datensaetze")]["wert"] == ""
        assert "unerwartete Antwort" in values[(ags("Kamen"), "offene-datensaetze")]["hinweis"]
        assert values[(ags("Unna"), "offene-datensaetze")]["wert"] == "30"
    elif service == "oparl":
        assert (
            towns["Kamen"]["oparl"] == ""
            and "OParl: nicht abrufbar (Antwort ist kein gültiges JSON)" in towns["Kamen"]["hinweise"]
        )
        assert "Expecting" not in towns["Kamen"]["hinweise"]  # no library text in a published table
        assert towns["Unna"]["oparl"] == "true"
    else:
        assert all(town["einwohner"] == "" for town in towns.values())
        assert "Einwohnerzahl:" in towns["Kamen"]["hinweise"]
        kamen = values[(ags("Kamen"), "offene-datensaetze")]
        assert (kamen["wert"], kamen["je_10000"]) == ("21", "")  # the count stays, per capita is unknown


def test_a_dataset_taking_a_comparison_table_name_without_its_columns_is_refused(portal_dir):
    """The comparison page reads `vergleich_werte` by name: another dataset of that name must
    bring its columns, or it fails as a declaration mistake, never the site."""
    schema = "fields:\n  - {name: ort, type: string, title: Ort, description: Ortsteil.}\n"
    source = '{kind: csv, path: sample/a.csv, delimiter: ","}'
    portal_dir.add("vergleich-werte", dataset_yaml(source), schema, {"sample/a.csv": b"ort\nStockum\n"})
    result = run_kommune("validate", "--no-sources", "-C", str(portal_dir.root), check=False)
    assert result.returncode == 2
    assert "die Website liest die Tabelle „vergleich_werte“" in result.stdout + result.stderr
