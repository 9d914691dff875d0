"""The measured paths load the same table, whichever way they read the file."""

from __future__ import annotations

import sqlite3

from benchmarks import paths
from benchmarks.generate import generate
from pipelines.reading import file_parts, parallel


def test_path_1_in_parts_loads_what_path_1_loads(tmp_path, monkeypatch):
    records = generate(tmp_path / "records.csv", 4_000, seed=3)
    monkeypatch.setattr(file_parts, "MIN_PART_BYTES", 1)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "3")
    assert paths.fast_path_in_parts(str(records), str(tmp_path / "parts.db")) == {"rows": 4_000, "parts": 3}
    assert paths.fast_path(str(records), str(tmp_path / "whole.db")) == {"rows": 4_000}

    def dump(name: str) -> tuple[list, list]:
        with sqlite3.connect(tmp_path / name) as connection:
            schema = connection.execute("select type, name, sql from sqlite_master order by name").fetchall()
            return schema, connection.execute(f"select rowid, * from {paths.TABLE}").fetchall()

    assert dump("parts.db") == dump("whole.db")
