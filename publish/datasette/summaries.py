"""Rows per declared facet value and month, counted once when portal.db is built.

"How many per channel and month?" is the question journalists ask most of a big table. As SQL
it is a GROUP BY over every row (1.0–1.6 s on the 1M-row benchmark table: Datasette stops it at
its 1 s limit, docs/decisions/summary-tables.md). The build counts it once per declared facet
column into the table `portal_summaries`, and Datasette offers one canned query per facet column
("Anzahl je Kanal und Monat", `canned_queries`) that reads only that table's few rows.

Which tables: those with declared facets whose first date field (`kommune.date_fields`: the
fields the data is about, as the kind declares them) holds a day, a time or a month. Not
summarised:
- tables without such a field: their per-facet totals are `portal_facet_counts` already;
- service statistics (datasets with a disclosure audit): their rows are already counts per month
  and value, the per-value totals are rows of the table ("Insgesamt"), and counting or summing
  their rows would count cells or count totals twice.
A table whose rows are counts without totals names its count field (`kommune.count_field`,
portal usage): that field is added up instead of counting rows.
Only the SUMMARY_VALUES_KEPT values of a column with the most rows (as Datasette ranks them:
count desc, value) are kept, so the table stays small: values × months rows per facet column.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from contracts.build_folder import AUDIT_FILE
from publish.build_folder import BuildFolder
from publish.datasette.facet_counts import FACET_COUNTS_TABLE

SUMMARIES_TABLE = "portal_summaries"
#: Values kept per facet column. Datasette shows at most `max_returned_rows` (1000) rows of a
#: query: 50 values fill them with 20 months; the query's form narrows to a value or month.
SUMMARY_VALUES_KEPT = 50
#: Table Schema types whose ISO text starts with the month (YYYY-MM).
MONTH_TYPES = ("date", "datetime", "yearmonth")


@dataclass(frozen=True)
class Summary:
    """What is counted for one table: rows per value of each facet column and month."""

    table: str
    month_column: str
    facets: tuple[tuple[str, str], ...]  # (column, German title)
    month_title: str = ""
    # Rows that are counts already (`kommune.count_field`, portal usage): add this field up
    count_field: str | None = None
    count_title: str = ""
    # Facet columns that point at another table's key (OParl: a committee's id): (column, that
    # table, its key, its label column), so the query shows the name beside the id
    labels: tuple[tuple[str, str, str, str], ...] = ()

    def query_name(self, column: str) -> str:
        """The canned query's name; a hyphen never occurs in a table name, so it never shadows one."""
        return f"{self.table}-je-{column}-und-monat"


#: Columns that name a row, in the order a label is looked for when a table declares none
#: (`kommune.label_column`).
LABEL_COLUMNS = ("name", "titel", "bezeichnung", "title")


def summary_in_build(build: BuildFolder, dataset_id: str, resource: dict) -> Summary | None:
    """`summary_of` for a resource of the build's dataset `dataset_id`."""
    tables = {other["name"]: other for package in build.packages for other in package["resources"]}
    return summary_of(resource, aggregated=(build.dataset_dir(dataset_id) / AUDIT_FILE).exists(), tables=tables)


def summary_of(resource: dict, aggregated: bool, tables: dict[str, dict] | None = None) -> Summary | None:
    """The summary the build stores for `resource` (a datapackage resource), None if none;
    `aggregated`: the resource is a table of disclosure-controlled counts (see the module);
    `tables`: the portal's resources by name, where a facet's foreign key finds its labels."""
    options = resource.get("kommune", {})
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    dated = [name for name in options.get("date_fields") or [] if name in fields]
    facets = [name for name in options.get("facets") or [] if name in fields]
    if aggregated or not facets or not dated or fields[dated[0]].get("type") not in MONTH_TYPES:
        return None
    counted = options.get("count_field") if options.get("count_field") in fields else None
    return Summary(
        table=resource["name"],
        month_column=dated[0],
        facets=tuple((name, fields[name].get("title") or name) for name in facets),
        month_title=fields[dated[0]].get("title") or dated[0],
        count_field=counted,
        count_title=(fields[counted].get("title") or counted) if counted else "",
        labels=tuple(_labels(resource, facets, tables or {})),
    )


def _labels(resource: dict, facets: list[str], tables: dict[str, dict]):
    """(column, table, key, label) for each facet column that is a one-column foreign key to a
    table with a label column."""
    for foreign_key in resource["schema"].get("foreignKeys", []):
        columns, reference = foreign_key["fields"], foreign_key["reference"]
        columns = columns if isinstance(columns, list) else [columns]
        keys = reference["fields"] if isinstance(reference["fields"], list) else [reference["fields"]]
        target = tables.get(reference.get("resource") or resource["name"])
        if len(columns) != 1 or columns[0] not in facets or target is None:
            continue
        names = [field["name"] for field in target["schema"]["fields"]]
        declared = target.get("kommune", {}).get("label_column")
        label = declared if declared in names else next((name for name in LABEL_COLUMNS if name in names), None)
        if label:
            yield columns[0], target["name"], keys[0], label


def create_summaries_table(db: sqlite_utils.Database) -> None:
    """The empty table; `value` has no type, so text, integer and real values keep their type.
    Without rowid: rows lie in key order, so the file does not depend on the insertion order and
    a canned query reads one table's column as one range."""
    db.execute(f"""
        CREATE TABLE IF NOT EXISTS [{SUMMARIES_TABLE}] (
            table_name TEXT NOT NULL, column_name TEXT NOT NULL, month TEXT NOT NULL,
            value, count INTEGER NOT NULL, PRIMARY KEY (table_name, column_name, month, value)) WITHOUT ROWID""")


def store_summary(db: sqlite_utils.Database, summary: Summary) -> int:
    """Count the rows of the summary's table per kept value of each facet column and month (or
    add up its count field); return the rows stored. Reads the table's `portal_facet_counts` (store them first): the
    kept values are its top SUMMARY_VALUES_KEPT. Rows without a value or a date are not counted."""
    stored = 0
    counted = f"coalesce(sum([{summary.count_field}]), 0)" if summary.count_field else "count(*)"
    with db.conn:  # commits: the build closes the database right after
        for column, _ in summary.facets:
            cursor = db.execute(
                f"""
                INSERT INTO [{SUMMARIES_TABLE}] (table_name, column_name, month, value, count)
                SELECT ?, ?, substr([{summary.month_column}], 1, 7) AS month, [{column}], {counted}
                FROM [{summary.table}]
                WHERE [{summary.month_column}] IS NOT NULL AND [{column}] IN (
                    SELECT value FROM [{FACET_COUNTS_TABLE}]
                    WHERE table_name = ? AND column_name = ? AND rank <= {SUMMARY_VALUES_KEPT})
                GROUP BY month, [{column}]""",
                [summary.table, column, summary.table, column],
            )
            stored += cursor.rowcount
    return stored


def canned_queries(summary: Summary, table_title: str) -> dict[str, dict]:
    """Datasette's canned queries for the summary, by name: German title and description, the
    month and value to narrow to as optional form fields (empty: all)."""
    queries = {}
    labels = {column: (table, key, label) for column, table, key, label in summary.labels}
    for column, title in summary.facets:
        where = f"je Wert der Spalte „{title}“ und Monat (Spalte „{summary.month_title}“)"
        what = (
            f"Die Summe der Spalte „{summary.count_title}“ der Tabelle „{table_title}“ {where}"
            if summary.count_field
            else f"Wie viele Zeilen der Tabelle „{table_title}“ es {where} gibt"
        )
        queries[summary.query_name(column)] = {
            "title": f"{table_title}: Anzahl je {title} und Monat",
            "description": (
                f"{what}, beim Veröffentlichen gezählt. Gezählt werden die {SUMMARY_VALUES_KEPT} Werte der "
                "Spalte mit den meisten Zeilen; Zeilen ohne Wert oder ohne Datum zählen nicht. Monat (JJJJ-MM) "
                f"und Wert{' (oder Bezeichnung)' if column in labels else ''} grenzen die Antwort ein, leer heißt "
                "alle. Gezeigt werden höchstens 1.000 Zeilen, "
                f"die neuesten Monate zuerst; alle Zeilen hat die Tabelle {SUMMARIES_TABLE}."
            ),
            "sql": _summary_sql(summary, column, labels.get(column)),
        }
    return queries


def _literal(text: str) -> str:
    """SQL text literal (table and column names are plain, see contracts; quoted all the same)."""
    return "'" + text.replace("'", "''") + "'"


def _summary_sql(summary: Summary, column: str, label: tuple[str, str, str] | None) -> str:
    """The canned query of one column: newest month first; with the name from the table the
    column points at (`label`: table, key, label column) beside the value, which `wert` also finds."""
    shown = "wert" if column in ("monat", "anzahl", "bezeichnung") else column  # one name per result column
    named, joined, found = "", "", ""
    if label:
        table, key, label_column = label
        named = f"labels.[{label_column}] AS bezeichnung, "
        joined = f" LEFT JOIN [{table}] AS labels ON labels.[{key}] = s.value"
        found = f" OR labels.[{label_column}] = :wert"
    return (
        f'SELECT s.month AS monat, s.value AS "{shown}", {named}s.count AS anzahl FROM {SUMMARIES_TABLE} AS s{joined}\n'
        f"WHERE s.table_name = {_literal(summary.table)} AND s.column_name = {_literal(column)}\n"
        f"  AND (:monat = '' OR s.month = :monat) AND (:wert = '' OR CAST(s.value AS TEXT) = :wert{found})\n"
        "ORDER BY s.month DESC, s.count DESC, s.value"
    )
