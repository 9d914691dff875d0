"""A council database built from the bundled demo, for tests of the council publishers."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import sqlite_utils

from pipelines.oparl.harvester import Harvester
from pipelines.oparl.recording import Recording, RecordingFetcher
from pipelines.oparl.tables import build_tables
from tests.oparl_server import SAMPLE

RECORDED_DAY = dt.date(2026, 11, 25)


def build_council_db(path: Path) -> Path:
    """Harvest the demo recording and load its tables into a real SQLite file at `path`."""
    recording = Recording.load(SAMPLE)
    store = Harvester(RecordingFetcher(recording), recording.system["id"]).run().store
    db = sqlite_utils.Database(path)
    for table in build_tables(store, today=RECORDED_DAY):
        types = {f["name"]: {"integer": int, "number": float, "boolean": int}.get(f["type"], str)
                 for f in table.schema["fields"]}
        foreign_keys = [(k["fields"][0], k["reference"]["resource"], "id") for k in table.schema["foreignKeys"]]
        db[table.name].create(types, pk="id", foreign_keys=foreign_keys)
        db[table.name].insert_all(table.rows)
    db.close()
    return path


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
