"""Dataset pages: preview rows in German formats, column summaries, total-row note, the quality
box and the German report page (real SQLite; the demo build for the pages)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from publish.site import dataset_profile
from publish.site.dataset_profile import german_cell, profile_table

RESOURCE = {
    "name": "faelle",
    "schema": {
        "fields": [
            {"name": "monat", "type": "yearmonth", "title": "Monat"},
            {"name": "tag", "type": "date", "title": "Tag"},
            {"name": "kanal", "type": "string", "title": "Weg"},
            {"name": "betrag", "type": "number", "title": "Betrag"},
            {"name": "anzahl", "type": "integer", "title": "Anzahl"},
            {"name": "geometrie", "type": "geojson"},
        ]
    },
}


@pytest.fixture
def db():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "create table faelle (monat text, tag text, kanal text, betrag real, anzahl integer, geometrie text)"
    )
    connection.executemany(
        "insert into faelle values (?, ?, ?, ?, ?, ?)",
        [
            ("2026-01", "2026-01-24", "Online", 105291613.66000001, 12345, "{}"),
            ("2026-02", "2026-02-01", "Telefon", 0.1 + 0.2, 7, "{}"),
            ("2026-02", "2026-02-02", "Insgesamt", None, 12352, "{}"),
            ("2026-03", None, "Online", 1.5, None, "{}"),
        ],
    )
    yield connection
    connection.close()


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (105291613.66000001, "number", "105.291.613,66"),
        (12345, "integer", "12.345"),
        ("2020-01-24", "date", "24.01.2020"),
        ("2026-10", "yearmonth", "Oktober 2026"),
        (1, "boolean", "Ja"),
        (0, "boolean", "Nein"),
        (None, "string", "–"),
        ("", "string", "–"),
        (2026, "year", "2026"),
        ("x" * 200, "string", "x" * 80 + " …"),
    ],
)
def test_german_cell(value, kind, text):
    assert german_cell(value, kind) == text


def test_preview_is_german_and_skips_geometry(db):
    profile = profile_table(db, RESOURCE)
    assert profile.rows == 4
    assert profile.preview_columns == ["Monat", "Tag", "Weg", "Betrag", "Anzahl"]
    assert profile.preview[0] == ["Januar 2026", "24.01.2026", "Online", "105.291.613,66", "12.345"]
    assert profile.preview[1][3] == "0,3" and profile.preview[3][1] == "–"


def test_column_summaries(db):
    columns = {c.name: c for c in profile_table(db, RESOURCE).columns}
    assert (columns["betrag"].lowest, columns["betrag"].highest) == ("0,3", "105.291.613,66")
    assert (columns["monat"].lowest, columns["monat"].highest) == ("Januar 2026", "März 2026")
    assert columns["kanal"].top == [("Online", 2), ("Insgesamt", 1), ("Telefon", 1)]
    assert columns["tag"].empty_share == 0.25 and columns["kanal"].empty_share == 0.0
    assert columns["kanal"].total_rows == 1 and columns["monat"].total_rows == 0


def test_total_rows_are_named(db):
    assert [c.name for c in profile_table(db, RESOURCE).total_columns] == ["kanal"]


def test_big_tables_take_their_frequent_values_from_the_stored_facet_counts(db, monkeypatch):
    monkeypatch.setattr(dataset_profile, "FULL_PROFILE_ROWS", 2)
    db.execute("create table portal_facet_counts (table_name, column_name, rank, value, count)")
    db.execute("insert into portal_facet_counts values ('faelle', 'kanal', 1, 'Online', 2000)")
    columns = {c.name: c for c in profile_table(db, RESOURCE).columns}
    assert columns["kanal"].top == [("Online", 2000)]  # the stored counts, not a GROUP BY


def test_missing_table_has_no_profile(db):
    assert profile_table(db, {"name": "gibt_es_nicht", "schema": {"fields": []}}) is None


def _page(demo_build, dataset_id: str, sub: str = "") -> str:
    return (demo_build / "site" / "datensaetze" / dataset_id / sub / "index.html").read_text(encoding="utf-8")


def test_demo_service_page_has_preview_summary_quality_box_and_total_note(demo_build):
    html = _page(demo_build, "service-sperrmuell")
    assert re.search(r"<h3 id=\"vorschau-service_sperrmuell\">Vorschau: die ersten 10 von [\d.]+ Zeilen</h3>", html)
    assert "November 2023" in html or re.search(r"<td>\w+ 20\d\d</td>", html)
    # the first rows' means may all be withheld by disclosure control ("–"); counts are German numbers
    assert re.search(r"<td>\d{1,3}(\.\d{3})*(,\d+)?</td>", html), "a German number in the preview"
    assert "Spalten im Überblick" in html and "am häufigsten:" in html
    assert 'id="datenqualitaet"' in html and "% der Zellen leer" in html
    assert "Achtung, Summenzeilen" in html and "kanal != 'Insgesamt'" in html
    assert 'href="/datensaetze/service-sperrmuell/pruefbericht/"' in html


def test_tables_without_totals_have_no_note(demo_build):
    assert "Summenzeilen" not in _page(demo_build, "baugenehmigungen")


def test_report_page_in_german_json_stays(demo_build):
    html = _page(demo_build, "service-sperrmuell", "pruefbericht")
    report = json.loads(
        (demo_build / "site" / "datensaetze" / "service-sperrmuell" / "report.json").read_text(encoding="utf-8")
    )
    assert "<h1>Prüfbericht: " in html and "Ergebnis" in html and "Geprüfte Zeilen" in html
    assert ("gültig" in html) == report["valid"]
    for english in ("valid", "issues", "warnings", "checked"):
        assert f">{english}<" not in html


def test_readme_pipe_tables_render_as_tables(demo_build):
    html = _page(demo_build, "leistungsverzeichnis")
    readme = html.split('class="readme"', 1)[1].split("</div>", 1)[0]
    assert "<table>" in readme and "| ---" not in readme and "|---" not in readme


def test_report_of_a_failed_run_reads_with_defaults():
    report = dataset_profile.read_report(
        '{"valid": false, "issues": [{"file": "d.csv", "row": 2, "field": "Datum", '
        '"message": "kein Datum", "expected": "TT.MM.JJJJ"}], '
        '"checked": "2026-12-07T02:15:19+00:00"}'
    )
    assert report["rows"] is None and report["warnings"] == [] and report["checked"].startswith("2026-12-07T03:15:19")
