"""Facet counts of whole tables, counted once when portal.db is built.

Datasette counts a facet with a GROUP BY over every row on each request: ~40 ms per facet
column on a 1M-row table even with a covering index (docs/decisions/datasette-speed.md). A
table without filters always gives the same counts within a release, so the build stores them
in `portal_facet_counts`, in the order Datasette shows them (`count desc, value`), and
`publish.datasette.facets` answers unfiltered facets from there.
"""

from __future__ import annotations

import sqlite_utils

FACET_COUNTS_TABLE = "portal_facet_counts"
#: Values kept per column: Datasette asks for at most `max_returned_rows` (1000) + 1 to see
#: whether a facet is truncated. A column with more distinct values keeps its top ones only.
VALUES_KEPT = 1001


def create_facet_counts_table(db: sqlite_utils.Database) -> None:
    """The empty table; `value` has no type, so text, integer and real values keep their type."""
    db.execute(f"""
        CREATE TABLE IF NOT EXISTS [{FACET_COUNTS_TABLE}] (
            table_name TEXT NOT NULL, column_name TEXT NOT NULL, rank INTEGER NOT NULL,
            value, count INTEGER NOT NULL, PRIMARY KEY (table_name, column_name, rank))""")


def store_facet_counts(db: sqlite_utils.Database, resource: dict) -> int:
    """Count the values of every declared facet column of the resource's loaded table, as
    Datasette's column facet would without filters; return the rows stored.
    Raises sqlite3.OperationalError if a facet names a column the table lacks."""
    table = resource["name"]
    stored = 0
    with db.conn:  # commits: the build closes the database right after
        for column in resource.get("kommune", {}).get("facets", []):
            cursor = db.execute(
                f"""
                INSERT INTO [{FACET_COUNTS_TABLE}] (table_name, column_name, rank, value, count)
                SELECT ?, ?, row_number() OVER (ORDER BY count DESC, value), value, count FROM (
                    SELECT [{column}] AS value, count(*) AS count FROM [{table}]
                    WHERE [{column}] IS NOT NULL GROUP BY [{column}] ORDER BY count DESC, value LIMIT {VALUES_KEPT})""",
                [table, column],
            )
            stored += cursor.rowcount
    return stored
