"""What a dataset page shows of the data itself: the first rows in German formats, a summary of
every column (range, most frequent values, empty share) and whether a table holds total rows.

Read from portal.db, one table at a time. The ranges and empty shares come from one scan of the
table; the most frequent values from one GROUP BY per text column, which on a big table would
cost seconds per build, so above `FULL_PROFILE_ROWS` they come from the facet counts the
database publisher stored (publish/datasette/facet_counts.py) or are left out.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

from contracts.german import german_date, german_datetime, german_measurement, german_period
from publish.datasette.facet_counts import FACET_COUNTS_TABLE
from publish.site.council import LOCAL_TIME

PREVIEW_ROWS = 10
TOP_VALUES = 3
FULL_PROFILE_ROWS = 200_000
PREVIEW_TEXT_CHARACTERS = 80
# How the disclosure step and town statistics label total rows (service-records kind: `total_label`).
TOTAL_LABELS = ("Insgesamt",)
RANGED_TYPES = {"integer", "number", "date", "datetime", "year", "yearmonth", "time"}
COUNTED_TYPES = {"string", "boolean"}
NOT_SHOWN_TYPES = {"geojson", "object", "array"}  # a map or structure, not a value to read in a cell


@dataclass
class ColumnSummary:
    name: str
    title: str
    type: str
    empty_share: float  # 0..1 of rows without a value (NULL or empty text)
    lowest: str | None = None  # German-formatted range ends
    highest: str | None = None
    top: list[tuple[str, int]] = field(default_factory=list)  # (value as shown, rows)
    total_rows: int = 0  # rows whose value is a total label ("Insgesamt")


@dataclass
class TableProfile:
    table: str
    rows: int
    columns: list[ColumnSummary]
    preview_columns: list[str]  # titles, in schema order
    preview: list[list[str]]  # German-formatted cells

    @property
    def total_columns(self) -> list[ColumnSummary]:
        return [column for column in self.columns if column.total_rows]

    @property
    def empty_share(self) -> float:
        """Share of empty cells over the whole table (0 for an empty table)."""
        return sum(c.empty_share for c in self.columns) / len(self.columns) if self.columns else 0.0


def german_cell(value, field_type: str) -> str:
    """A stored value as a citizen reads it: `1.234,5`, `24.01.2020`, `Ja`; empty → `–`."""
    if value is None or value == "":
        return "–"
    if field_type == "boolean":
        return "Ja" if value in (1, True, "true", "1") else "Nein"
    if field_type == "date" and isinstance(value, str) and len(value) >= 10:
        return german_date(value)
    if field_type == "datetime" and isinstance(value, str):
        try:
            return german_datetime(value)
        except ValueError:
            return value
    if field_type == "yearmonth" and isinstance(value, str):
        return german_period(value)
    if isinstance(value, (int, float)) and field_type not in ("year", "string"):
        return german_measurement(value)
    text = str(value)
    return text if len(text) <= PREVIEW_TEXT_CHARACTERS else text[:PREVIEW_TEXT_CHARACTERS].rstrip() + " …"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def profile_table(db: sqlite3.Connection, resource: dict) -> TableProfile | None:
    """The preview and column summaries of one resource's table, None when it is not in portal.db."""
    table = resource["name"]
    existing = {row[1] for row in db.execute(f"pragma table_info({_quoted(table)})")}
    if not existing:
        return None
    fields = [f for f in resource.get("schema", {}).get("fields", []) if f["name"] in existing]
    shown = [f for f in fields if f.get("type", "string") not in NOT_SHOWN_TYPES]
    rows = db.execute(f"select count(*) from {_quoted(table)}").fetchone()[0]
    columns = _summaries(db, table, shown, rows)
    select = ", ".join(_quoted(f["name"]) for f in shown) or "1"
    preview = [
        [german_cell(value, f.get("type", "string")) for value, f in zip(row, shown, strict=False)]
        for row in db.execute(f"select {select} from {_quoted(table)} order by rowid limit {PREVIEW_ROWS}")
    ]
    return TableProfile(
        table=table,
        rows=rows,
        columns=columns,
        preview_columns=[f.get("title") or f["name"] for f in shown],
        preview=preview,
    )


def _summaries(db: sqlite3.Connection, table: str, fields: list[dict], rows: int) -> list[ColumnSummary]:
    if not fields:
        return []
    parts = []
    for f in fields:
        column = _quoted(f["name"])
        parts += [
            f"sum({column} is null or {column} = '')",
            f"min({column})",
            f"max({column})",
            "sum(" + " or ".join(f"{column} = ?" for _ in TOTAL_LABELS) + ")",
        ]
    params = [label for _ in fields for label in TOTAL_LABELS]
    values = db.execute(f"select {', '.join(parts)} from {_quoted(table)}", params).fetchone()
    facet_counts = _stored_facet_counts(db, table) if rows > FULL_PROFILE_ROWS else {}
    summaries = []
    for index, f in enumerate(fields):
        empty, lowest, highest, totals = values[index * 4 : index * 4 + 4]
        kind = f.get("type", "string")
        summary = ColumnSummary(
            name=f["name"],
            title=f.get("title") or f["name"],
            type=kind,
            empty_share=(empty or 0) / rows if rows else 0.0,
            total_rows=totals or 0,
        )
        if kind in RANGED_TYPES and lowest is not None:
            summary.lowest, summary.highest = german_cell(lowest, kind), german_cell(highest, kind)
        if kind in COUNTED_TYPES:
            counted = facet_counts.get(f["name"]) if rows > FULL_PROFILE_ROWS else _top_values(db, table, f["name"])
            summary.top = [(german_cell(value, kind), count) for value, count in (counted or [])]
        summaries.append(summary)
    return summaries


def _top_values(db: sqlite3.Connection, table: str, column: str) -> list[tuple]:
    quoted = _quoted(column)
    return [
        tuple(row)
        for row in db.execute(
            f"select {quoted}, count(*) as n from {_quoted(table)} where {quoted} is not null and {quoted} != '' "
            f"group by {quoted} order by n desc, {quoted} limit {TOP_VALUES}"
        )
    ]


def _stored_facet_counts(db: sqlite3.Connection, table: str) -> dict[str, list[tuple]]:
    if db.execute("select 1 from sqlite_master where name = ?", (FACET_COUNTS_TABLE,)).fetchone() is None:
        return {}
    counts: dict[str, list[tuple]] = {}
    for column, value, count in db.execute(
        f"select column_name, value, count from {FACET_COUNTS_TABLE} where table_name = ? and rank <= ? "
        "and value is not null and value != '' order by column_name, rank",
        (table, TOP_VALUES),
    ):
        counts.setdefault(column, []).append((value, count))
    return counts


def read_report(text: str) -> dict:
    """A dataset's report.json, with the keys the German report page reads always present."""
    report = json.loads(text)
    if report.get("checked"):  # written in UTC; people read the town's time
        report["checked"] = dt.datetime.fromisoformat(report["checked"]).astimezone(LOCAL_TIME).isoformat()
    for key, default in (("valid", False), ("rows", None), ("issues", []), ("warnings", [])):
        report.setdefault(key, default)  # a failed run's report has no row count
    return report
