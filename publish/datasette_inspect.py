"""`build/datasette/inspect-data.json`: what `datasette inspect` knows of portal.db, written once
per release, because the database never changes after the build.

With it Datasette 0.65 takes the row count of an unfiltered table page from the file instead of
running `select count(*)` (views/table.py), and the database hash (shown on /daten/, the ETag of
the database download) without reading the whole file on the first request of a release.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

from datasette.cli import inspect_

from publish.build_folder import BuildFolder


def inspect_path(build: BuildFolder) -> Path:
    return build.root / "datasette" / "inspect-data.json"


def write_inspect_data(build: BuildFolder) -> Path:
    """Run Datasette's own inspection (hash, size, exact row count of every table) on the build's
    portal.db and write it beside metadata.json. Raises sqlite3.DatabaseError on a broken file."""
    data = asyncio.run(inspect_([str(build.database)], None))
    for entry in data.values():
        entry["file"] = build.database.name  # the release folder is renamed after the build
    target = inspect_path(build)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return target


def read_inspect_data(build: BuildFolder) -> dict | None:
    """The inspection written for this release, or None for a build made before it existed."""
    path = inspect_path(build)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
