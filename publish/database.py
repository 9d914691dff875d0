"""portal.db: every published table in one SQLite database, built with sqlite-utils.

Column types, primary keys, foreign keys, not-null, indexes and full-text search come from
each resource's Table Schema, never from guessing (guessing turns postcode 01067 into 1067).
Rows go in through ``executemany`` with one tuple per row inside one transaction: several
times faster than ``insert_all`` with a dict per row (benchmarks/, README "Benchmark").
Indexes are built after the rows are in: one sort per index instead of a B-tree update per row.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from contracts.spreadsheet import from_spreadsheet_safe
from publish.build_folder import BuildFolder
from publish.dataset_failure import for_dataset
from publish.datasette.facet_counts import FACET_COUNTS_TABLE, create_facet_counts_table, store_facet_counts
from publish.datasette.summaries import SUMMARIES_TABLE, create_summaries_table, store_summary, summary_in_build
from publish.geometry_index import create_rtree, rtree_name
from publish.history import PORTAL_CHANGES_TABLE, PORTAL_VERSIONS_TABLE, write_history_tables
from publish.places import LINKS_TABLE

SQLITE_TYPES = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": int,
    "date": str,
    "datetime": str,
    "time": str,
    "year": int,
    "yearmonth": str,
    "duration": str,
    "geojson": str,
    "object": str,
    "array": str,
    "geopoint": str,
    "any": str,
}
DEFAULT_FTS_TOKENIZER = "unicode61 remove_diacritics 2"
PORTAL_DATASETS_TABLE = "portal_datasets"
# every criterion of every dataset's quality score with its points and reason (publish/quality)
PORTAL_QUALITY_TABLE = "portal_quality"
HISTORY_TABLES = (PORTAL_VERSIONS_TABLE, PORTAL_CHANGES_TABLE)  # rewritten with portal_datasets
csv.field_size_limit(sys.maxsize)


class SchemaConflict(Exception):
    """Two datasets declare the same table, or a foreign key points at nothing."""


def _caster(field_type: str) -> Callable[[str], object]:
    if field_type in ("integer", "year"):
        return int
    if field_type == "number":
        return float
    if field_type == "boolean":
        return lambda text: 1 if text == "true" else 0
    if field_type == "string":
        return from_spreadsheet_safe
    return str


def build_database(build: BuildFolder, path: Path | None = None) -> Path:
    """Write portal.db for the build (replacing any earlier one). Raises SchemaConflict."""
    path = path or build.database
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    _load_tables(db, build, _resources_in_dependency_order(build))
    db.conn.execute("ANALYZE")
    # No VACUUM: the file was written from nothing in one pass, so there is no free space
    # to reclaim; on a 1M-row table it cost 2.7 s of a 9 s publish (benchmarks/).
    db.close()
    return path


def update_database(build: BuildFolder, previous: Path, unchanged: set[str], path: Path | None = None) -> Path:
    """Write portal.db for the build from a copy of `previous`, a portal.db that already holds
    the tables named in `unchanged` exactly as this build would load them: every other table
    (and portal_datasets) is dropped and loaded again. The result has the same tables, rows,
    indexes, full-text and R*Tree indexes and statistics as `build_database` would write.
    Raises SchemaConflict; the caller must make sure `previous` has the same set of tables."""
    path = path or build.database
    path.unlink(missing_ok=True)
    shutil.copyfile(previous, path)  # a copy, never a link: the previous release stays as it was
    db = sqlite_utils.Database(path)
    changed = [
        (dataset_id, resource)
        for dataset_id, resource in _resources_in_dependency_order(build)
        if resource["name"] not in unchanged
    ]
    with db.atomic():
        for name in [resource["name"] for _, resource in reversed(changed)] + [
            PORTAL_DATASETS_TABLE,
            PORTAL_QUALITY_TABLE,
            LINKS_TABLE,
            *HISTORY_TABLES,
        ]:
            # Dropping a table drops its indexes and its rows in sqlite_stat1; its virtual
            # tables (full text, R*Tree) go with their shadow tables.
            for derived in (f"{name}_fts", rtree_name(name), name):
                db.conn.execute(f"DROP TABLE IF EXISTS [{derived}]")
            for counts in (FACET_COUNTS_TABLE, SUMMARIES_TABLE):
                db.conn.execute(f"DELETE FROM [{counts}] WHERE table_name = ?", [name])
    _load_tables(db, build, changed)
    for name in [resource["name"] for _, resource in changed] + [
        PORTAL_DATASETS_TABLE,
        PORTAL_QUALITY_TABLE,
        FACET_COUNTS_TABLE,
        SUMMARIES_TABLE,
        LINKS_TABLE,
        *HISTORY_TABLES,
    ]:
        for table in [name, *_shadow_tables(db, name)]:
            db.conn.execute(f"ANALYZE [{table}]")
    db.close()
    return path


def _load_tables(db: sqlite_utils.Database, build: BuildFolder, resources: list[tuple[str, dict]]) -> None:
    """Raises DatasetPublishFailed when one dataset's table cannot be loaded or indexed."""
    with db.atomic():
        for dataset_id, resource in resources:
            with for_dataset(dataset_id, "Datenbank"):
                load_resource(db, resource, _rows(build.dataset_dir(dataset_id) / resource["path"], resource["schema"]))
    create_facet_counts_table(db)
    create_summaries_table(db)
    for dataset_id, resource in resources:
        with for_dataset(dataset_id, "Datenbank"):
            index_resource(db, resource)
            create_rtree(db, resource)
            store_facet_counts(db, resource)
            summary = summary_in_build(build, dataset_id, resource)
            if summary:
                store_summary(db, summary)
    _write_portal_datasets(db, build)
    with db.atomic():
        write_history_tables(db, build)
    # Imported here: the matcher shares the plan references of the site, whose package reads
    # portal.db through this module.
    from publish.places.links import write_place_links
    from publish.site.planning_data import plan_tables

    # Council business by place reads several datasets' tables, so it is written anew each time.
    write_place_links(db, [table["table"] for table in plan_tables(build.packages)])
    db.conn.execute("PRAGMA journal_mode=DELETE")


def _shadow_tables(db: sqlite_utils.Database, table: str) -> list[str]:
    """The ordinary tables behind the table's full-text and R*Tree indexes."""
    prefixes = (f"{table}_fts_", f"{rtree_name(table)}_")
    return [
        name
        for (name,) in db.conn.execute("select name from sqlite_master where type = 'table'")
        if name.startswith(prefixes)
    ]


def _resources_in_dependency_order(build: BuildFolder) -> list[tuple[str, dict]]:
    """Tables referenced by foreign keys are created before the tables that reference them."""
    by_name: dict[str, tuple[str, dict]] = {}
    for package in build.packages:
        for resource in package["resources"]:
            if resource["name"] in by_name:
                # `kommune validate` reports this from the declarations; this is the net for a
                # clash only the build shows (a previous version kept for a failed dataset):
                # the later dataset fails alone and the caller publishes again without it.
                with for_dataset(package["name"], "Datenbank"):
                    raise SchemaConflict(
                        f"Tabelle {resource['name']} kommt in {by_name[resource['name']][0]} und {package['name']} vor"
                    )
            by_name[resource["name"]] = (package["name"], resource)
    ordered: list[tuple[str, dict]] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if any(r["name"] == name for _, r in ordered) or name in visiting:
            return
        visiting.add(name)
        for foreign_key in by_name[name][1]["schema"].get("foreignKeys", []):
            target = foreign_key["reference"].get("resource") or name
            if target in by_name and target != name:
                visit(target)
        ordered.append(by_name[name])

    for name in by_name:
        visit(name)
    return ordered


def load_resource(db: sqlite_utils.Database, resource: dict, rows: Iterable[Sequence[Any]]) -> int:
    """Create the resource's table from its schema and insert `rows` (value sequences in
    schema field order, already typed for SQLite); return the number of rows.

    Runs inside the caller's transaction if there is one. An exception raised by `rows`
    propagates (the caller's transaction decides what is kept); sqlite3.IntegrityError
    when a row breaks a key or not-null rule.
    """
    _create_table(db, resource)
    names = [field["name"] for field in resource["schema"]["fields"]]
    insert = "INSERT INTO [{}] ({}) VALUES ({})".format(
        resource["name"], ", ".join(f"[{name}]" for name in names), ", ".join("?" for _ in names)
    )
    # executemany pulls one row at a time from the iterator: memory stays flat.
    return db.conn.executemany(insert, rows).rowcount


def _create_table(db: sqlite_utils.Database, resource: dict) -> None:
    schema = resource["schema"]
    fields = schema["fields"]
    primary_key = schema.get("primaryKey")
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    foreign_keys = []
    for foreign_key in schema.get("foreignKeys", []):
        columns = foreign_key["fields"] if isinstance(foreign_key["fields"], list) else [foreign_key["fields"]]
        reference = foreign_key["reference"]
        targets = reference["fields"] if isinstance(reference["fields"], list) else [reference["fields"]]
        other = reference.get("resource") or resource["name"]
        if len(columns) == 1 and other in db.table_names() + [resource["name"]]:
            foreign_keys.append((columns[0], other, targets[0]))
    db.table(resource["name"]).create(
        {f["name"]: SQLITE_TYPES.get(f.get("type", "string"), str) for f in fields},
        pk=primary_key[0] if primary_key and len(primary_key) == 1 else (tuple(primary_key) if primary_key else None),
        not_null={f["name"] for f in fields if f.get("constraints", {}).get("required")},
        foreign_keys=foreign_keys,
    )


def _rows(csv_path: Path, schema: dict) -> Iterator[list]:
    # Text columns need no cast; only the others pay for a function call per cell.
    casts = [
        (index, cast)
        for index, cast in enumerate(_caster(f.get("type", "string")) for f in schema["fields"])
        if cast is not str
    ]
    with open(csv_path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for texts in reader:
            values: list[Any] = [text or None for text in texts]  # empty cell = missing value
            for index, cast in casts:
                if values[index] is not None:
                    values[index] = cast(values[index])
            yield values


def index_resource(db: sqlite_utils.Database, resource: dict) -> None:
    """Create the indexes (declared, facets, foreign keys) and full-text search of a loaded table."""
    options = resource.get("kommune", {})
    table = db.table(resource["name"])
    wanted: list[list[str]] = [list(i) for i in options.get("indexes", [])]
    wanted += [[name] for name in options.get("facets", [])]
    for foreign_key in resource["schema"].get("foreignKeys", []):
        columns = foreign_key["fields"]
        wanted.append(columns if isinstance(columns, list) else [columns])
    existing = {tuple(index.columns) for index in table.indexes}
    for columns in wanted:
        if tuple(columns) not in existing:
            table.create_index(columns, if_not_exists=True)
            existing.add(tuple(columns))
    if options.get("fts"):
        table.enable_fts(
            options["fts"],
            tokenize=options.get("fts_tokenizer") or DEFAULT_FTS_TOKENIZER,
            create_triggers=False,
            replace=True,
        )


def _write_portal_datasets(db: sqlite_utils.Database, build: BuildFolder) -> None:
    """One row per dataset, so that KPIs (open-data coverage, freshness) are SQL like all
    others; and every criterion of its quality score, so journalists can query the reasons."""
    rows = []
    criteria = []
    scores = build.quality.get("datasets", {})
    for package in build.packages:
        with for_dataset(package["name"], "Datenbank"):
            score = scores.get(package["name"]) or {}
            rows.append(_portal_dataset_row(package, score))
            criteria += [
                {
                    "dataset": package["name"],
                    "dimension": criterion["dimension"],
                    "criterion": criterion["name"],
                    "points": criterion["points"],
                    "max_points": criterion["max_points"],
                    "assessed": 1 if criterion["assessed"] else 0,
                    "reason": criterion["reason"],
                }
                for criterion in score.get("criteria", [])
            ]
    db.table(PORTAL_DATASETS_TABLE).insert_all(
        rows,
        pk="id",
        replace=True,
        columns={
            "rows": int,
            "sample": int,
            "due": str,
            "overdue": int,
            "overdue_reason": str,
            "quality_points": float,
            "quality_max_points": float,
            "quality_percent": int,
            "quality_rating": str,
        },
    )
    db.table(PORTAL_QUALITY_TABLE).insert_all(
        criteria,
        pk=("dataset", "criterion"),
        replace=True,
        columns={
            "dataset": str,
            "dimension": str,
            "criterion": str,
            "points": float,
            "max_points": float,
            "assessed": int,
            "reason": str,
        },
        foreign_keys=[("dataset", PORTAL_DATASETS_TABLE, "id")],
    )


def _portal_dataset_row(package: dict, score: dict) -> dict:
    meta = package["kommune"]
    freshness = score.get("freshness") or {}
    return {
        "id": package["name"],
        "title": package["title"],
        "family": meta["family"],
        "frequency": meta["frequency"],
        "status": meta["status"],
        "stale_reason": meta.get("stale_reason"),
        "issued": meta.get("issued"),
        "modified": meta.get("modified"),
        "licence": package["licenses"][0]["name"],
        "themes": json.dumps([t["code"] for t in meta["themes"]]),
        "tables": json.dumps([r["name"] for r in package["resources"]]),
        "rows": sum(r.get("kommune", {}).get("rows", 0) for r in package["resources"]),
        "sample": 1 if meta.get("sample") else 0,
        # the freshness promise as of the build (publish/freshness.py)
        "due": freshness.get("due"),
        "overdue": 1 if freshness.get("overdue") else 0,
        "overdue_reason": freshness.get("reason"),
        "quality_points": score.get("points"),
        "quality_max_points": score.get("max_points"),
        "quality_percent": score.get("percent"),
        "quality_rating": score.get("rating"),
    }


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection: publishers and KPIs must never write to a released database."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    return connection
