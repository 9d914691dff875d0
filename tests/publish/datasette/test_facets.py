"""Whole-table facets from the counts stored at build time (publish/datasette/facet_counts.py,
publish/datasette/facets.py), through the real `kommune serve`: the same answer as Datasette's
own facet query, used only for unfiltered tables."""

from __future__ import annotations

import sqlite3

import sqlite_utils
from datasette.app import Datasette

from kommune import portal
from publish.datasette.facet_counts import FACET_COUNTS_TABLE, VALUES_KEPT
from publish.datasette.facets import _StoredFacetQueries
from tests.conftest import dataset_yaml, run_async, start_server, stop_server

SCHEMA = """\
fields:
  - {name: n, type: integer, title: N, description: Zahl.}
  - {name: rest, type: integer, title: Rest, description: Rest beim Teilen durch sieben.}
  - {name: gruppe, type: string, title: Gruppe, description: Gruppe der Zahl.}
"""
FACETS = "table:\n  facets: [gruppe, rest]\n"


def _portal(portal_dir, rows: int = 100):
    groups = ["A", "B", "B", "C", "C", "C", None]
    lines = ["n,rest,gruppe"] + [f"{n},{n % 7},{groups[n % 7] or ''}" for n in range(rows)]
    portal_dir.add(
        "zaehler",
        dataset_yaml("{kind: csv, path: sample/d.csv}", title="Zähler", extra=FACETS),
        SCHEMA,
        {"sample/d.csv": ("\n".join(lines) + "\n").encode()},
    )
    portal.build(portal_dir.root, portal_dir.out)
    return portal_dir.out


def _facets(server, query: str) -> dict:
    response = server.get(f"/daten/portal/zaehler.json?{query}", headers={"Cache-Control": "no-cache"})
    assert response.status_code == 200, response.text
    return {
        name: [(v["value"], v["count"], v["toggle_url"].split("/daten/")[1]) for v in facet["results"]]
        for name, facet in response.json()["facet_results"].items()
    }


def test_the_build_stores_the_whole_table_counts_in_datasettes_order(portal_dir):
    out = _portal(portal_dir)
    db = sqlite_utils.Database(out / "portal.db")
    rows = list(db.query(f"select column_name, value, count from {FACET_COUNTS_TABLE} order by column_name, rank"))
    gruppe = [(r["value"], r["count"]) for r in rows if r["column_name"] == "gruppe"]
    assert gruppe == [("C", 42), ("B", 29), ("A", 15)]  # no NULL, count desc
    rest = [(r["value"], r["count"]) for r in rows if r["column_name"] == "rest"]
    assert rest == [
        (0, 15),
        (1, 15),
        (2, 14),
        (3, 14),
        (4, 14),
        (5, 14),
        (6, 14),
    ]  # ties by value, integers stay integers


def test_unfiltered_facets_equal_datasettes_own_query_and_come_from_the_stored_counts(portal_dir):
    out = _portal(portal_dir)
    server = start_server(out)
    try:
        stored = _facets(server, "_facet=n")
        # `_where=1` keeps every row but counts as a filter: Datasette's own facet query answers.
        computed = _facets(server, "_where=1&_facet=n")
        assert {name: [(v, c) for v, c, _ in values] for name, values in stored.items()} == {
            name: [(v, c) for v, c, _ in values] for name, values in computed.items()
        }
        assert stored["gruppe"][0] == ("C", 42, "portal/zaehler.json?_facet=n&gruppe=C")
        filtered = _facets(server, "rest=1")
        assert filtered["gruppe"] == [("B", 15, "portal/zaehler.json?rest=1&gruppe=B")]
        assert [(v, c) for v, c, _ in filtered["rest"]] == [(1, 15)]
    finally:
        stop_server(server)
    # Proof of the source: a stored count changed on purpose shows up, filtered pages stay exact.
    with sqlite3.connect(out / "portal.db") as connection:
        connection.execute(f"update {FACET_COUNTS_TABLE} set count = 999 where column_name = 'gruppe' and value = 'C'")
    server = start_server(out)
    try:
        assert _facets(server, "")["gruppe"][0][:2] == ("C", 999)
        assert _facets(server, "n__gte=0")["gruppe"][0][:2] == ("C", 42)
        tables = {table["name"]: table for table in server.get("/daten/portal.json").json()["tables"]}
        assert tables[FACET_COUNTS_TABLE]["hidden"] and not tables["zaehler"]["hidden"]
    finally:
        stop_server(server)


def test_a_column_with_more_values_than_stored_falls_back_to_the_query_past_what_was_stored(portal_dir):
    """Only the top VALUES_KEPT values of a column are stored; Datasette's settings never ask for
    more (its facet size stops at max_returned_rows), but if they did the query must run."""
    out = _portal(portal_dir, rows=VALUES_KEPT + 200)
    with sqlite3.connect(out / "portal.db") as connection:  # every n occurs once; stored as 2 to tell them apart
        connection.execute(
            f"insert into {FACET_COUNTS_TABLE} select 'zaehler', 'n', rank, value, 2 from"
            f" (select row_number() over (order by n) as rank, n as value from zaehler"
            f" order by n limit {VALUES_KEPT})"
        )
    server = start_server(out)
    try:
        biggest = _facets(server, "_facet=n&_facet_size=max")["n"]
        assert len(biggest) == 1000 and {count for _, count, _ in biggest} == {2}
    finally:
        stop_server(server)
    datasette = Datasette(immutables=[str(out / "portal.db")])
    queries = _StoredFacetQueries(datasette, "zaehler", {"n": VALUES_KEPT})
    facet_sql = (
        "select n as value, count(*) as count from (select * from zaehler ) where n is not null"
        " group by n order by count desc, value limit {}"
    )
    stored = run_async(queries.execute("portal", facet_sql.format(VALUES_KEPT)))
    assert len(stored.rows) == VALUES_KEPT and {row["count"] for row in stored.rows} == {2}
    counted = run_async(queries.execute("portal", facet_sql.format(VALUES_KEPT + 1)))
    assert len(counted.rows) == VALUES_KEPT + 1 and {row["count"] for row in counted.rows} == {1}
