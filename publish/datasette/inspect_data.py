"""`build/datasette/inspect-data.json`: what `datasette inspect` knows of portal.db, written once
per release, because the database never changes after the build.

With it Datasette 0.65 takes the row count of an unfiltered table page from the file instead of
running `select count(*)` (views/table.py), and the database hash (shown on /daten/, the ETag of
the database download) without reading the whole file on the first request of a release.
"""

from __future__ import annotations

import json
from pathlib import Path

from datasette.inspect import inspect_hash

from publish.build_folder import BuildFolder
from publish.database import open_readonly


def inspect_path(build: BuildFolder) -> Path:
    return build.root / "datasette" / "inspect-data.json"


def write_inspect_data(build: BuildFolder) -> Path:
    """Write what `datasette inspect` writes for the build's portal.db (hash, size, exact row
    count of every table) beside metadata.json. Synchronous, unlike Datasette's `inspect_`, so a
    build can run where an event loop is already running. Raises sqlite3.DatabaseError on a
    broken file."""
    path = build.database
    connection = open_readonly(path)
    try:
        names = [row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")]
        counts = {name: connection.execute(f"select count(*) from [{name}]").fetchone()[0] for name in names}
    finally:
        connection.close()
    data = {
        path.stem: {
            "hash": inspect_hash(path),
            "size": path.stat().st_size,
            "file": path.name,  # the release folder is renamed after the build
            "tables": {name: {"count": count} for name, count in counts.items()},
        }
    }
    target = inspect_path(build)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return target


def read_inspect_data(build: BuildFolder) -> dict | None:
    """The inspection written for this release, or None for a build made before it existed."""
    path = inspect_path(build)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
