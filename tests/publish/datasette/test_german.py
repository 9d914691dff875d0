"""Datasette in German everywhere: every SQL error page, numbers in HTML, helper tables, the
navigation and the canned queries, checked against a real `kommune serve` of the demo."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from contracts.german import german_measurement
from publish.build_folder import BuildFolder
from publish.datasette.german import german_error
from tests.browser.page_types import FAILING_QUERIES, PAGE_TYPES

ERROR_PAGES = [p for p in PAGE_TYPES if p.name.startswith("datasette-fehler-") or p.name == "datasette-abfragefehler"]


@pytest.mark.parametrize(
    ("message", "german"),
    [
        ("no such table: gibt_es_nicht", "Die Tabelle „gibt_es_nicht“ gibt es in der Datenbank nicht."),
        ("no such column: x", "Die Spalte „x“ gibt es"),
        ('near "where": syntax error', "SQL-Syntaxfehler) bei „where“"),
        ("Statement must be a SELECT", "nur lesende Abfragen"),
        ("incomplete input", "unvollständig"),
        ("Cannot sort table by nope", "Nach „nope“ kann diese Tabelle nicht sortiert werden"),
        ("_size must be <= 1000", "Höchstens 1000 Zeilen je Seite"),
    ],
)
def test_sqlite_messages_in_german(message, german):
    translated = german_error(message)
    assert german in translated.sentence
    assert translated.original == message


def test_time_limit_never_shows_datasettes_html():
    translated = german_error(
        "<p>SQL query took too long.</p><textarea>x</textarea><script>", title="SQL Interrupted", time_limit_ms=2500
    )
    assert translated.sentence.startswith("Die Abfrage hat länger als 2,5 Sekunden gedauert")
    assert translated.original is None


def test_unknown_message_is_kept_with_a_german_introduction():
    translated = german_error("something odd")
    assert (
        translated.sentence == "Die Datenbank konnte die Abfrage nicht ausführen."
        and translated.original == "something odd"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (105291613.66000001, "105.291.613,66"),
        (0.1 + 0.2, "0,3"),
        (12345, "12.345"),
        (2026, "2026"),
        (-1234567.5, "-1.234.567,5"),
        (3.0, "3"),
        (0, "0"),
        (True, "True"),
    ],
)
def test_german_measurement(value, text):
    assert german_measurement(value) == text


@pytest.mark.parametrize("page_type", ERROR_PAGES, ids=[p.name for p in ERROR_PAGES])
def test_error_page_is_german_and_keeps_the_sql(demo_server, demo_build, page_type):
    path = page_type.url_path(BuildFolder.open(demo_build))
    sql = parse_qs(urlsplit(path).query)["sql"][0]
    response = demo_server.get(path)
    assert response.status_code == 400
    html = response.text
    assert "&lt;" not in html.split('id="sql-editor"')[0], "escaped HTML shown as text"
    assert "<script>" not in html and "took too long" not in html
    alert = re.search(r'role="alert">(.*?)</div>', html, re.S).group(1)
    german = re.sub(r'<span lang="en">.*?</span>', "", alert, flags=re.S)
    assert re.search(r"\b(Die|Hier)\b", german), alert
    for english in ("Statement must", "no such", "syntax error", "Invalid SQL", "SQL Interrupted"):
        assert english not in german
    textarea = re.search(r'<textarea id="sql-editor" name="sql"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea and unescape(textarea.group(1)) == sql
    assert re.search(r'<form class="sql" action="/daten/portal" method="get">', html)


def test_time_limit_page_names_the_limit(demo_server, demo_build):
    page = next(p for p in ERROR_PAGES if p.name == "datasette-fehler-zeitlimit")
    html = demo_server.get(page.url_path(BuildFolder.open(demo_build))).text
    assert "länger als 1 Sekunde gedauert" in html
    assert set(FAILING_QUERIES) >= {"zeitlimit", "syntax", "spalte", "nur-lesen"}


def test_numbers_german_in_html_unchanged_in_json_and_csv(demo_server):
    sql = "select 105291613.66000001 as betrag, 12345 as anzahl, 2026 as jahr"
    html = demo_server.get("/daten/portal", params={"sql": sql}).text
    assert '<td class="col-betrag" data-column="betrag">105.291.613,66</td>' in html
    assert (
        '<td class="col-anzahl" data-column="anzahl">12.345</td>' in html
        and '<td class="col-jahr" data-column="jahr">2026</td>' in html
    )
    rows = demo_server.get("/daten/portal.json", params={"sql": sql, "_shape": "array"}).json()
    assert rows == [{"betrag": 105291613.66000001, "anzahl": 12345, "jahr": 2026}]
    csv = demo_server.get("/daten/portal.csv", params={"sql": sql}).text
    assert "105291613.66000001,12345,2026" in csv


def test_rtree_helper_tables_are_hidden_and_not_counted(demo_server, demo_build):
    import sqlite3

    connection = sqlite3.connect(f"file:{demo_build / 'portal.db'}?mode=ro", uri=True)
    rtrees = [name for (name,) in connection.execute("select name from sqlite_master where name like '%_rtree%'")]
    visible = [
        name
        for (name,) in connection.execute(
            "select name from sqlite_master where type = 'table' and name not like '%_rtree%' and name not "
            "like '%_fts%' "
            "and name != 'portal_facet_counts' and name not like 'sqlite_%'"
        )
    ]
    connection.close()
    assert rtrees, "the demo has a map table with an R*Tree"
    index = demo_server.get("/daten/").text
    assert f"{len(visible)} Tabellen" in index
    database = demo_server.get("/daten/portal").text
    for name in rtrees:
        assert f"<code>{name}</code>" not in database
    tables = demo_server.get("/daten/portal.json").json()["tables"]
    assert all(t["hidden"] for t in tables if t["name"] in rtrees)


def test_navigation_marks_the_data_item(demo_server):
    for path in ("/daten/", "/daten/portal"):
        html = demo_server.get(path).text
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
        assert current == ["/daten/"], (path, current)


def test_canned_queries_have_no_placeholders(demo_server, demo_build):
    metadata = json.loads((demo_build / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    queries = metadata["databases"]["portal"]["queries"]
    assert queries
    for name, query in queries.items():
        assert "{" not in query["description"], name
    html = demo_server.get("/daten/portal").text
    assert "{period}" not in html and "{value}" not in html


@pytest.mark.parametrize(
    ("query", "german"),
    [
        ("_sort=gibt_es_nicht", "Nach „gibt_es_nicht“ kann diese Tabelle nicht sortiert werden"),
        ("_size=5000", "Höchstens 1000 Zeilen je Seite"),
        ("_where=gibt_es_nicht=1", "Die Spalte „gibt_es_nicht“ gibt es"),
    ],
)
def test_table_page_errors_are_german(demo_server, demo_build, query, german):
    table = BuildFolder.open(demo_build).packages[0]["resources"][0]["name"]
    response = demo_server.get(f"/daten/portal/{table}?{query}")
    assert response.status_code >= 400
    assert german in response.text
