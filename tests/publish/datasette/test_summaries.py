"""Rows per facet value and month, counted at build time (publish/datasette/summaries.py): the
stored counts and the canned queries served by the real `kommune serve` give the numbers of a
GROUP BY over the table; a table without a month gets none; a column keeps its top values only;
a rebuild gives the same table as publishing from nothing."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlite_utils

from kommune import portal
from publish.datasette.facet_counts import create_facet_counts_table, store_facet_counts
from publish.datasette.summaries import (
    SUMMARIES_TABLE,
    SUMMARY_VALUES_KEPT,
    canned_queries,
    create_summaries_table,
    store_summary,
    summary_of,
)
from tests.conftest import PortalDir, dataset_yaml, start_server, stop_server
from tests.publish.test_reuse import assert_same_as_published_from_nothing

ROWS = 3000
CHANNELS = ["online", "Telefon", "vor Ort", "Post", None]
SCHEMA = """\
fields:
  - {name: nr, type: integer, title: Nummer, description: Laufende Nummer.}
  - {name: eingang, type: date, title: Eingang, description: Tag des Eingangs.}
  - {name: kanal, type: string, title: Kanal, description: Wie der Vorgang einging.}
  - {name: leistung, type: string, title: Leistung, description: Die Verwaltungsleistung.}
"""
FACETS = "temporal: {fields: [eingang]}\ntable:\n  facets: [kanal, leistung]\n"
UNDATED = "temporal: {fields: [jahr]}\ntable:\n  facets: [art]\n"  # a year is no month
UNDATED_SCHEMA = """\
fields:
  - {name: jahr, type: year, title: Jahr, description: Das Haushaltsjahr.}
  - {name: art, type: string, title: Art, description: Ertrag oder Aufwand.}
"""


def _record(n: int) -> tuple[int, str, str | None, str | None]:
    day = dt.date(2023, 1, 1) + dt.timedelta(days=(n * 7) % 400)
    # 60 services, one much more frequent: more values than are kept; some rows without date or service
    service = None if n % 31 == 0 else f"Leistung {min(n % 97, 59):02d}"
    return n, "" if n % 53 == 0 else day.isoformat(), CHANNELS[n % 5], service


def _csv(records) -> bytes:
    lines = ["nr,eingang,kanal,leistung"] + [",".join("" if v is None else str(v) for v in r) for r in records]
    return ("\n".join(lines) + "\n").encode()


def _build(root: Path) -> PortalDir:
    portal_dir = PortalDir(root)
    portal_dir.add(
        "vorgaenge",
        dataset_yaml("{kind: csv, path: sample/d.csv}", title="Vorgänge", extra=FACETS),
        SCHEMA,
        {"sample/d.csv": _csv(_record(n) for n in range(ROWS))},
    )
    portal_dir.add(
        "ohne-monat",
        dataset_yaml(
            "{kind: csv, path: sample/d.csv}",
            title="Haushalt",
            extra="temporal: {fields: [jahr]}\ntable:\n  facets: [art]\n",
        ),
        UNDATED_SCHEMA,
        {"sample/d.csv": b"jahr,art\n2024,Ertrag\n2024,Aufwand\n2025,Ertrag\n"},
    )
    portal.build(portal_dir.root, portal_dir.out)
    return portal_dir


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> PortalDir:
    return _build(tmp_path_factory.mktemp("summaries"))


def _group_by(database: Path, column: str, values: list | None = None) -> list[tuple]:
    """The GROUP BY over the whole table the summary stands for, newest month first."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            f"select substr(eingang, 1, 7) as monat, {column}, count(*) from vorgaenge"
            f" where eingang is not null and {column} is not null group by monat, {column}"
            f" order by monat desc, count(*) desc, {column}"
        ).fetchall()
    return [row for row in rows if values is None or row[1] in values]


def _stored(database: Path, table: str, column: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            f"select month, value, count from {SUMMARIES_TABLE} where table_name = ? and column_name = ?"
            " order by month desc, count desc, value",
            [table, column],
        ).fetchall()


def test_the_stored_counts_are_the_group_by_over_the_table_for_the_most_frequent_values(built):
    database = built.out / "portal.db"
    assert _stored(database, "vorgaenge", "kanal") == _group_by(database, "kanal")
    counted = Counter(record[3] for record in map(_record, range(ROWS)) if record[3] is not None)
    assert len(counted) == 60 > SUMMARY_VALUES_KEPT
    kept = sorted(counted, key=lambda value: (-counted[value], value))[:SUMMARY_VALUES_KEPT]
    stored = _stored(database, "vorgaenge", "leistung")
    assert {value for _, value, _ in stored} == set(kept) and "Leistung 59" in kept
    assert stored == _group_by(database, "leistung", kept)


def test_a_table_without_a_month_gets_no_counts_no_query_and_no_link(built):
    with sqlite3.connect(built.out / "portal.db") as connection:
        assert connection.execute(f"select distinct table_name from {SUMMARIES_TABLE}").fetchall() == [("vorgaenge",)]
    queries = json.loads((built.out / "datasette" / "metadata.json").read_text())["databases"]["portal"]["queries"]
    assert sorted(queries) == ["vorgaenge-je-kanal-und-monat", "vorgaenge-je-leistung-und-monat"]
    page = (built.out / "site" / "datensaetze" / "ohne-monat" / "index.html").read_text(encoding="utf-8")
    assert "und Monat" not in page


def test_the_canned_queries_answer_the_group_by_through_kommune_serve_and_the_dataset_page_links_them(built):
    database = built.out / "portal.db"
    server = start_server(built.out)
    try:
        for column in ("kanal", "leistung"):
            response = server.get(f"/daten/portal/vorgaenge-je-{column}-und-monat.json?_shape=array")
            assert response.status_code == 200, response.text
            answered = [(row["monat"], row[column], row["anzahl"]) for row in response.json()]
            assert answered == _stored(database, "vorgaenge", column)
        everything = _group_by(database, "kanal")
        month, channel = everything[-1][0], everything[-1][1]
        narrowed = server.get(
            f"/daten/portal/vorgaenge-je-kanal-und-monat.json?_shape=array&monat={month}&wert={quote(channel)}"
        ).json()
        assert [(row["monat"], row["kanal"], row["anzahl"]) for row in narrowed] == [everything[-1]]
        html = server.get("/daten/portal/vorgaenge-je-kanal-und-monat").text
        assert "Vorgänge: Anzahl je Kanal und Monat" in html
        tables = {table["name"]: table for table in server.get("/daten/portal.json").json()["tables"]}
        assert not tables[SUMMARIES_TABLE]["hidden"]  # the whole summary, paged, beside the queries
        page = server.get("/datensaetze/vorgaenge/").text
        assert 'href="/daten/portal/vorgaenge-je-leistung-und-monat">Anzahl je Leistung und Monat</a>' in page
    finally:
        stop_server(server)


def test_an_unchanged_rebuild_keeps_portal_db_and_a_changed_table_is_counted_as_from_nothing(tmp_path):
    built = _build(tmp_path / "portal")
    first = built.out.resolve()
    portal.build(built.root, built.out)
    assert (built.out.resolve() / "portal.db").stat().st_ino == (first / "portal.db").stat().st_ino
    (built.root / "datasets" / "vorgaenge" / "sample" / "d.csv").write_bytes(
        _csv(_record(n) for n in range(ROWS // 2, ROWS + 500))
    )
    report = portal.build(built.root, built.out)
    assert {d.id: d.status for d in report.datasets}["ohne-monat"] == "unchanged"
    assert _stored(built.out / "portal.db", "vorgaenge", "kanal") == _group_by(built.out / "portal.db", "kanal")
    assert_same_as_published_from_nothing(built.out.resolve(), tmp_path / "neu")


def _resource(date_fields: list[str], count_field: str | None = None, **types: str) -> dict:
    return {
        "name": "t",
        "schema": {"fields": [{"name": name, "type": kind} for name, kind in types.items()]},
        "kommune": {"facets": ["art"], "date_fields": date_fields, "count_field": count_field},
    }


def test_the_month_comes_from_the_first_date_field_holding_a_day_a_time_or_a_month():
    monthly = summary_of(_resource(["monat"], monat="yearmonth", art="string"), aggregated=False)
    assert monthly is not None and (monthly.month_column, monthly.facets, monthly.count_field) == (
        "monat",
        (("art", "art"),),
        None,
    )
    assert summary_of(_resource(["start", "tag"], tag="date", start="datetime", art="string"), False).month_column == (
        "start"
    )
    # a year, no date field, or service statistics (their rows are counts already): nothing
    assert summary_of(_resource(["jahr"], jahr="year", art="string"), False) is None
    assert summary_of(_resource([], tag="date", art="string"), False) is None
    assert summary_of(_resource(["monat"], monat="yearmonth", art="string"), aggregated=True) is None


def test_rows_that_are_counts_already_are_added_up_per_value_and_month(tmp_path):
    """Portal usage names its count field: the summary is the sum, as a GROUP BY with sum() gives."""
    resource = _resource(["tag"], "anzahl", tag="date", art="string", anzahl="integer")
    db = sqlite_utils.Database(tmp_path / "portal.db")
    rows = [(f"2026-{1 + n % 4:02d}-{1 + n % 28:02d}", ["Seite", "Download", None][n % 3], n % 7) for n in range(200)]
    db["t"].insert_all([{"tag": tag, "art": art, "anzahl": count} for tag, art, count in rows])
    create_facet_counts_table(db)
    store_facet_counts(db, resource)
    create_summaries_table(db)
    summary = summary_of(resource, aggregated=False)
    assert summary is not None and summary.count_field == "anzahl"
    store_summary(db, summary)
    added_up = db.execute(
        "select substr(tag, 1, 7) as m, art, sum(anzahl) from t where art is not null group by m, art"
    ).fetchall()
    assert len(added_up) == 8 and sorted(_stored(tmp_path / "portal.db", "t", "art")) == sorted(added_up)


def test_a_facet_pointing_at_another_table_shows_its_names_and_is_found_by_them(tmp_path):
    """OParl meetings count per committee id: the query shows each committee's name beside it."""
    committees = {"name": "gremien", "schema": {"fields": [{"name": "id"}, {"name": "name"}]}, "kommune": {}}
    meetings = _resource(["start"], start="datetime", art="string")
    meetings["schema"]["foreignKeys"] = [{"fields": ["art"], "reference": {"resource": "gremien", "fields": ["id"]}}]
    db = sqlite_utils.Database(tmp_path / "portal.db")
    db["gremien"].insert_all([{"id": "g/1", "name": "Rat"}, {"id": "g/2", "name": "Bauausschuss"}], pk="id")
    db["t"].insert_all([{"start": f"2026-0{1 + n % 2}-03T18:00:00", "art": f"g/{1 + n % 3 // 2}"} for n in range(30)])
    create_facet_counts_table(db)
    store_facet_counts(db, meetings)
    create_summaries_table(db)
    summary = summary_of(meetings, aggregated=False, tables={"gremien": committees, "t": meetings})
    assert summary is not None and summary.labels == (("art", "gremien", "id", "name"),)
    store_summary(db, summary)
    sql = canned_queries(summary, "Sitzungen")["t-je-art-und-monat"]["sql"]
    with sqlite3.connect(tmp_path / "portal.db") as connection:
        everything = connection.execute(sql, {"monat": "", "wert": ""}).fetchall()
        by_name = connection.execute(sql, {"monat": "2026-02", "wert": "Bauausschuss"}).fetchall()
    grouped = db.execute(
        "select substr(start, 1, 7) as m, art, gremien.name, count(*) from t join gremien on gremien.id = t.art"
        " group by m, art order by m desc, count(*) desc, art"
    ).fetchall()
    assert everything == grouped and len(everything) == 4
    assert by_name == [row for row in grouped if row[0] == "2026-02" and row[2] == "Bauausschuss"] != []
