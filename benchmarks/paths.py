"""The measured paths, each run alone in a child process: ``python -m benchmarks.paths NAME ...``.

Every path reads the same generated file and, where it loads, writes a fresh SQLite or
DuckDB file; it prints one JSON line (rows handled, anything worth reporting). Wall time
and peak memory are measured from outside by ``benchmarks.run``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("service_records.schema.json")
TABLE = "service_records"
INDEXES = [["eingang"], ["leistung"], ["kanal"]]
SQLITE_CONVERTERS: dict[str, Callable[[Any], Any]] = {"date": date.isoformat, "number": float}


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _resource() -> dict:
    """The benchmark table as a data-package resource, the form publish/database.py loads."""
    return {"name": TABLE, "schema": _schema(), "kommune": {"indexes": INDEXES}}


def fast_path(source: str, target: str) -> dict:
    """Path 1: read cp1252 → cast → validate (types, required, enum, ranges, primary key) → SQLite.

    The product's own parts: the fast reader of the csv kind and publish/database.py's
    loader (types, keys and not-null from the schema, indexes after the load), one transaction.
    """
    import sqlite_utils

    from pipelines.reading.checked import iter_valid_rows
    from publish.database import index_resource, load_resource

    resource = _resource()
    rows = iter_valid_rows(
        source,
        resource["schema"],
        encoding="cp1252",
        dialect={"csv": {"delimiter": ";"}},
        converters=SQLITE_CONVERTERS,
    )
    db = sqlite_utils.Database(target)
    with db.atomic():
        count = load_resource(db, resource, rows)
        index_resource(db, resource)
    return {"rows": count}


def _load_part(resource: dict, folder: str, rows) -> str:
    """Load one part's rows into its own SQLite file (runs in the part's worker process)."""
    import os
    import tempfile

    import sqlite_utils

    from publish.database import load_resource

    handle, path = tempfile.mkstemp(suffix=".db", dir=folder)
    os.close(handle)
    db = sqlite_utils.Database(path)
    with db.atomic():
        load_resource(db, resource, rows)
    db.close()
    return path


def fast_path_in_parts(source: str, target: str) -> dict:
    """Path 1 on every core: the parallel reader (pipelines/reading/parallel.py) casts and
    checks each part in its own process, which loads its rows with publish/database.py into
    its own SQLite file; SQLite then copies the parts into the target table (in file order)
    and the indexes are built. The product's publisher still loads a table in one piece.
    """
    import tempfile
    from functools import partial

    import sqlite_utils

    from pipelines.reading.checked import consume_valid_rows
    from publish.database import index_resource, load_resource

    resource = _resource()
    with tempfile.TemporaryDirectory(dir=Path(target).parent) as folder:
        parts = consume_valid_rows(
            source,
            resource["schema"],
            partial(_load_part, resource, folder),
            encoding="cp1252",
            dialect={"csv": {"delimiter": ";"}},
            converters=SQLITE_CONVERTERS,
        )
        db = sqlite_utils.Database(target)
        with db.atomic():
            load_resource(db, resource, [])
            for number, part in enumerate(parts):
                db.execute(f"attach database ? as part{number}", [part])
        # The copies need no transaction of their own: an INSERT … SELECT is one statement.
        for number in range(len(parts)):
            db.execute(f"insert into main.[{TABLE}] select * from part{number}.[{TABLE}]")
            db.execute(f"detach database part{number}")
        with db.atomic():
            index_resource(db, resource)
        (count,) = db.execute(f"select count(*) from [{TABLE}]").fetchone()
    return {"rows": count, "parts": len(parts)}


def service_statistics(source: str, target: str) -> dict:
    """Path 2: raw records → validate → disclosure control → monthly aggregates → portal.db.

    The product's service-records kind, step by step (pipelines/kinds/service_records.py):
    the records are read and validated against their Table Schema by the fast reader,
    keeping only the declared fields (the case number and district are declared personal
    and never aggregated); protect() aggregates per month, leistung and kanal, suppresses
    small cells (primary and secondary) and scans for personal data; the published rows are
    loaded into SQLite with publish/database.py.
    """
    import sqlite_utils

    from pipelines.kinds.service_records import Source, collect_records, published_schema
    from pipelines.statistics.disclosure import protect_collected
    from publish.database import index_resource, load_resource

    raw_schema = _schema()
    declared = Source.model_validate(
        {
            "kind": "service-records",
            "path": "records.csv",
            "encoding": "cp1252",
            "delimiter": ";",
            "month": "eingang",
            "rows": "leistung",
            "columns": "kanal",
            "measures": [
                {"name": "bearbeitungstage", "field": "bearbeitungstage", "title": "Bearbeitungsdauer", "unit": "Tage"},
                {"name": "wartezeit_min", "field": "wartezeit_min", "title": "Wartezeit", "unit": "Minuten"},
            ],
            "personal": {"identifiers": ["vorgang_id", "stadtteil"]},
            "threshold": 5,
        }
    )
    header = [field["name"] for field in raw_schema["fields"]]
    protected = protect_collected(
        collect_records(source, declared, raw_schema), declared.spec(), declared.rules(), source_columns=header
    )
    # disclosure control may coarsen months to quarters: the published period column says which
    period = protected.audit["period"]
    schema = published_schema(declared, period)
    names = [field["name"] for field in schema["fields"]]
    resource = {"name": "service_statistik", "schema": schema, "kommune": {"indexes": [[period]]}}
    db = sqlite_utils.Database(target)
    with db.atomic():
        load_resource(db, resource, ([row.get(name) for name in names] for row in protected.rows))
        index_resource(db, resource)
    return {
        "rows": protected.audit["records_read"],
        "published_rows": len(protected.rows),
        "suppressed": protected.audit.get("cells_suppressed"),
    }


def fast_validate(source: str, target: str) -> dict:
    """The fast path's validation alone (no load), for comparison with ``frictionless validate``."""
    from pipelines.reading.checked import check_csv

    result = check_csv(source, _schema(), encoding="cp1252", dialect={"csv": {"delimiter": ";"}})
    return {"rows": result.row_count, "valid": result.valid, "method": result.method}


def sqlite_import(source_utf8: str, target: str) -> dict:
    """The floor: the sqlite3 shell's ``.import`` of the UTF-8 copy (no types, no checks)."""
    subprocess.run(
        ["sqlite3", target, ".mode csv", ".separator ;", f".import {source_utf8} {TABLE}"],
        check=True,
    )
    output = subprocess.run(
        ["sqlite3", target, f"select count(*) from {TABLE}"], check=True, capture_output=True, text=True
    )
    return {"rows": int(output.stdout.strip())}


def typed_table_sql() -> list[str]:
    """The CREATE TABLE and CREATE INDEX statements path 1 ends up with, as SQL text.

    publish/database.py makes them on an empty in-memory database, so that the indexed
    floor loads into exactly the table and indexes path 1 builds.
    """
    import sqlite_utils

    from publish.database import index_resource, load_resource

    db = sqlite_utils.Database(memory=True)
    resource = _resource()
    load_resource(db, resource, [])
    index_resource(db, resource)
    tables = [sql for (sql,) in db.execute("select sql from sqlite_master where type = 'table'")]
    indexes = [sql for (sql,) in db.execute("select sql from sqlite_master where type = 'index' and sql is not null")]
    return tables + indexes


def duckdb_read_csv(source_utf8: str, target: str) -> dict:
    """Peer: DuckDB's ``read_csv`` of the UTF-8 copy into a DuckDB table, typed by the declared formats."""
    import duckdb

    connection = duckdb.connect(target)
    connection.execute(
        f"""create table {TABLE} as select * from read_csv(?, delim=';', header=true,
            decimal_separator=',', dateformat='%d.%m.%Y')""",
        [source_utf8],
    )
    (count,) = connection.execute(f"select count(*) from {TABLE}").fetchone()
    connection.close()
    return {"rows": count}


def frictionless_validate(source: str, target: str) -> dict:
    """Peer: ``frictionless validate`` with the schema (what the CLI does, through the API)."""
    from pipelines.reading.checked import frictionless_report

    report = frictionless_report(source, _schema(), encoding="cp1252", dialect={"csv": {"delimiter": ";"}})
    task = report.tasks[0]
    return {"rows": task.stats.get("rows"), "valid": report.valid}


def frictionless_row_stream(source: str, target: str) -> dict:
    """Peer: Frictionless ``row_stream`` into sqlite-utils ``insert_all`` in one transaction."""
    import sqlite_utils

    from pipelines.reading.source import as_resource
    from publish.database import SQLITE_TYPES

    schema = _schema()
    db = sqlite_utils.Database(target)
    count = 0
    columns = {field["name"]: SQLITE_TYPES[field["type"]] for field in schema["fields"]}
    with as_resource(source, schema, encoding="cp1252", dialect={"csv": {"delimiter": ";"}}) as resource, db.atomic():

        def records():
            nonlocal count
            for row in resource.row_stream:
                count += 1
                record = row.to_dict()
                record["eingang"] = record["eingang"].isoformat()
                if record["bearbeitungstage"] is not None:
                    record["bearbeitungstage"] = float(record["bearbeitungstage"])
                yield record

        table = db.table(TABLE)
        table.insert_all(records(), pk=schema["primaryKey"][0], columns=columns, batch_size=10_000)
        for index in INDEXES:
            table.create_index(index)
    return {"rows": count}


def frictionless_validate_then_load(source: str, target: str) -> dict:
    """Peer: the naive product path, ``frictionless validate`` and then the row_stream load."""
    result = frictionless_validate(source, target)
    loaded = frictionless_row_stream(source, target)
    return {"rows": loaded["rows"], "valid": result["valid"]}


PATHS: dict[str, Callable[[str, str], dict]] = {
    "fast-path": fast_path,
    "fast-path-in-parts": fast_path_in_parts,
    "service-statistics": service_statistics,
    "fast-validate": fast_validate,
    "sqlite3-import": sqlite_import,
    "duckdb-read-csv": duckdb_read_csv,
    "frictionless-validate": frictionless_validate,
    "frictionless-row-stream": frictionless_row_stream,
    "frictionless-validate-then-load": frictionless_validate_then_load,
}


def main(arguments: list[str]) -> None:
    name, source, target = arguments
    # Every loading path starts from nothing (sqlite3 .import would append otherwise).
    Path(target).unlink(missing_ok=True)
    print(json.dumps(PATHS[name](source, target)))


if __name__ == "__main__":
    main(sys.argv[1:])
