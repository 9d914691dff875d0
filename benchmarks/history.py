"""Dataset history: storage, diff time and the unchanged rebuild (issue 19).

    python -m benchmarks.history [--rows 1000000] [--versions 24] [--changed 0.01]

A seeded table (key, month, office, waiting time, count, note) goes through `--versions`
monthly versions; each changes `--changed` of its rows (0.8 of them corrected values, 0.1
removed rows, 0.1 new rows). Every version is recorded with `pipelines.history.record_version`
exactly as a build does (previous release folder, history store), with `keep: all`, so every
version's whole table is stored and the other layouts' sizes can be read off the same files:

- deltas: the latest table whole + the previous one + every delta (`keep: 0`);
- deltas + the default number of whole earlier versions (`keep: 5`);
- every version whole, gzip (identical versions once: `keep: all`);
- one SQLite table of row versions (each row version once, with valid_from/valid_to), the
  "one store for all versions" layout, written beside it from the same changes.

Figures (times are CPU seconds of this process: the shared machine's load makes wall time
mostly waiting for a core): sizes against one version's published CSV; the time of one diff (and of the whole
record step: diff + snapshot + files) against loading the same table into SQLite as
publish.database does; the record step of an unchanged rebuild. Prints a table and writes
benchmarks/output/history.json. Asserts nothing: the tests check correctness.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import sqlite_utils

from contracts.files import file_sha256
from contracts.history import DEFAULT_KEEP, ROW_ADDED, ROW_REMOVED, VALUE_CHANGED, read_changes
from pipelines.history import Table, record_version, table_at
from pipelines.history.diff import TableVersion, diff_table
from pipelines.history.store import DELTAS, HistoryStore
from publish.database import _rows, load_resource

OUTPUT = Path(__file__).resolve().parent / "output"
FIELDS = [("id", "integer"), ("monat", "string"), ("amt", "string"), ("wartezeit", "number"), ("anzahl", "integer")]
FIELDS.append(("hinweis", "string"))
OFFICES = ["Bürgerbüro", "Standesamt", "Ordnungsamt", "Bauamt", "Sozialamt", "Jugendamt"]
SCHEMA = {"fields": [{"name": n, "type": t} for n, t in FIELDS], "primaryKey": ["id"]}


def first_rows(count: int, rng: random.Random) -> dict[int, list[str]]:
    return {index: _row(index, rng) for index in range(1, count + 1)}


def _row(index: int, rng: random.Random) -> list[str]:
    return [
        str(index),
        f"20{rng.randint(20, 26)}-{rng.randint(1, 12):02d}",
        rng.choice(OFFICES),
        f"{rng.uniform(1, 60):.1f}",
        str(rng.randint(0, 500)),
        rng.choice(["", "", "", "Schalter geschlossen", "Vertretung", "Systemausfall"]),
    ]


def next_version(rows: dict[int, list[str]], share: float, rng: random.Random, next_id: int) -> int:
    changed = max(1, int(len(rows) * share))
    keys = rng.sample(sorted(rows), changed)
    corrections, removals = keys[: int(changed * 0.8)], keys[int(changed * 0.8) : int(changed * 0.9)]
    for key in corrections:
        rows[key][3] = f"{float(rows[key][3]) + rng.choice([-0.2, 0.2, 1.0]):.1f}"
    for key in removals:
        del rows[key]
    for _ in range(changed - len(corrections) - len(removals)):
        rows[next_id] = _row(next_id, rng)
        next_id += 1
    return next_id


def write_csv(path: Path, rows: dict[int, list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([name for name, _ in FIELDS])
        writer.writerows(rows.values())


class Resource:
    """What record_version reads of a ResourceOutput."""

    def __init__(self, path: Path, rows: int):
        self.name = "wartezeiten"
        self.schema = SCHEMA
        self.row_count = rows
        self.csv = type("FileInfo", (), {"path": path.name, "sha256": file_sha256(path)})()


def load_seconds(path: Path, database: Path) -> float:
    """Load the table into a fresh SQLite file as publish.database does (types, key, one transaction)."""
    database.unlink(missing_ok=True)
    db = sqlite_utils.Database(database)
    started = time.process_time()
    with db.atomic():
        load_resource(db, {"name": "wartezeiten", "schema": SCHEMA}, _rows(path, SCHEMA))
    seconds = time.process_time() - started
    db.close()
    database.unlink()
    return seconds


def row_versions_store(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(
        "create table zeilen (id integer, gueltig_ab integer, gueltig_bis integer, monat text, amt text,"
        " wartezeit real, anzahl integer, hinweis text)"
    )
    db.execute("create index zeilen_id on zeilen (id, gueltig_bis)")
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--versions", type=int, default=24)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args(argv)
    rng = random.Random(arguments.seed)
    arguments.output.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="history-bench-", dir=arguments.output))
    try:
        return _run(arguments, rng, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(arguments, rng: random.Random, scratch: Path) -> int:
    rows = first_rows(arguments.rows, rng)
    next_id = arguments.rows + 1
    store = HistoryStore(scratch / "state")
    row_store = row_versions_store(scratch / "zeilenversionen.db")
    previous: Path | None = None
    record_s: list[float] = []
    diff_s: list[float] = []
    load_s: list[float] = []
    csv_bytes = 0
    for number in range(1, arguments.versions + 1):
        if number > 1:
            next_id = next_version(rows, arguments.changed, rng, next_id)
        folder = scratch / f"release-{number}"
        folder.mkdir()
        path = folder / "wartezeiten.csv"
        write_csv(path, rows)
        csv_bytes = path.stat().st_size
        if number in (2, arguments.versions):
            load_s.append(load_seconds(path, scratch / "load.db"))
            old_path = previous / "wartezeiten.csv" if previous else None
            if old_path is not None:
                with old_path.open(encoding="utf-8", newline="") as old, path.open(encoding="utf-8", newline="") as new:
                    started = time.process_time()
                    diff_table("wartezeiten", TableVersion(FIELDS, ["id"], old), TableVersion(FIELDS, ["id"], new))
                    diff_s.append(time.process_time() - started)
        started = time.process_time()
        latest = record_version(
            "bench",
            folder,
            [Table.of(folder, Resource(path, len(rows)))],
            previous,
            store,
            keep=None,
            hidden_possible=False,
        )
        if number > 1:
            record_s.append(time.process_time() - started)
        _follow(row_store, number, latest, store, path if number == 1 else None)
        if previous is not None:
            shutil.rmtree(previous)
        previous = folder
    assert previous is not None
    unchanged = scratch / "release-unchanged"
    unchanged.mkdir()
    (unchanged / "wartezeiten.csv").hardlink_to(previous / "wartezeiten.csv")
    resource = Resource(unchanged / "wartezeiten.csv", len(rows))
    started = time.process_time()
    record_version(
        "bench",
        unchanged,
        [Table.of(unchanged, resource)],
        previous,
        store,
        keep=None,
        hidden_possible=False,
    )
    unchanged_s = time.process_time() - started
    log = json.loads((previous / "versions.json").read_text(encoding="utf-8"))
    started = time.process_time()
    table_at(store, {**log, "versions": [{**v, "tables": {}} for v in log["versions"]]}, 1, "wartezeiten")
    rebuild_first_s = time.process_time() - started
    figures = _sizes(store, log, csv_bytes, scratch / "zeilenversionen.db", row_store)
    figures.update(
        rows=arguments.rows,
        versions=arguments.versions,
        changed_share=arguments.changed,
        one_version_csv_bytes=csv_bytes,
        diff_s=[round(s, 2) for s in diff_s],
        record_s_median=round(statistics.median(record_s), 2),
        record_s_max=round(max(record_s), 2),
        load_s=[round(s, 2) for s in load_s],
        unchanged_record_s=round(unchanged_s, 4),
        versions_json_bytes=(previous / "versions.json").stat().st_size,
        rebuild_version_1_from_deltas_s=round(rebuild_first_s, 2),
    )
    text = _format(figures)
    print(text)
    (arguments.output / "history.json").write_text(
        json.dumps({**figures, "table": text}, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return 0


def _follow(db: sqlite3.Connection, number: int, latest: dict, store: HistoryStore, first: Path | None) -> None:
    """Keep the row-versions table in step with the recorded changes."""
    with db:
        if first is not None:
            with first.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                next(reader)
                db.executemany("insert into zeilen values (?, 1, null, ?, ?, ?, ?, ?)", reader)
            return
        current = {}
        for change in read_changes(store.root / DELTAS / latest["delta"]):
            key = int(change["key"])
            if change["kind"] in (ROW_REMOVED, VALUE_CHANGED):
                if key not in current:
                    row = db.execute(
                        "select monat, amt, wartezeit, anzahl, hinweis from zeilen"
                        " where id = ? and gueltig_bis is null",
                        [key],
                    ).fetchone()
                    db.execute("update zeilen set gueltig_bis = ? where id = ? and gueltig_bis is null", [number, key])
                    current[key] = dict(zip(["monat", "amt", "wartezeit", "anzahl", "hinweis"], row, strict=True))
                if change["kind"] == VALUE_CHANGED:
                    current[key][change["column"]] = change["new"]
                else:
                    current.pop(key)
            elif change["kind"] == ROW_ADDED:
                current[key] = {k: v for k, v in json.loads(change["new"]).items() if k != "id"}
        db.executemany(
            "insert into zeilen values (?, ?, null, ?, ?, ?, ?, ?)",
            [
                (key, number, v["monat"], v["amt"], v["wartezeit"], v["anzahl"], v["hinweis"])
                for key, v in current.items()
            ],
        )


def _sizes(store: HistoryStore, log: dict, csv_bytes: int, row_db: Path, db: sqlite3.Connection) -> dict:
    db.execute("vacuum")
    db.close()
    versions = log["versions"]
    snapshot = {v["version"]: store.snapshot(v["hashes"]["wartezeiten"]).stat().st_size for v in versions}
    deltas = sum((store.root / DELTAS / v["delta"]).stat().st_size for v in versions if v.get("delta"))
    latest_two = snapshot[versions[-1]["version"]] + snapshot[versions[-2]["version"]]
    kept = sum(snapshot[v["version"]] for v in versions[-1 - DEFAULT_KEEP : -2])
    return {
        "one_version_gzip_bytes": snapshot[versions[-1]["version"]],
        "deltas_bytes": deltas,
        "store_keep_0_bytes": latest_two + deltas,
        f"store_keep_{DEFAULT_KEEP}_bytes": latest_two + kept + deltas,
        "store_keep_all_bytes": sum(snapshot.values()) + deltas,
        "every_version_whole_gzip_bytes": sum(snapshot.values()),
        "row_versions_sqlite_bytes": row_db.stat().st_size,
    }


def _format(f: dict) -> str:
    one = f["one_version_csv_bytes"]

    def size(key: str) -> str:
        return f"{f[key] / 2**20:9.1f} MiB  {f[key] / one:6.2f} × one version"

    lines = [
        f"history: {f['rows']:,} rows, {f['versions']} versions, {f['changed_share']:.0%} of rows changed each",
        f"  one version, published CSV        {one / 2**20:9.1f} MiB    1.00 × one version",
        f"  one version, gzip                 {size('one_version_gzip_bytes')}",
        f"  all deltas                        {size('deltas_bytes')}",
        f"  store, keep: 0 (deltas only)      {size('store_keep_0_bytes')}",
        f"  store, keep: {DEFAULT_KEEP} (default)          {size(f'store_keep_{DEFAULT_KEEP}_bytes')}",
        f"  store, keep: all                  {size('store_keep_all_bytes')}",
        f"  every version whole (gzip)        {size('every_version_whole_gzip_bytes')}",
        f"  row versions in one SQLite table  {size('row_versions_sqlite_bytes')}",
        f"  CPU seconds: one diff {f['diff_s']}; record step median {f['record_s_median']} s, max {f['record_s_max']} s"
        " (diff + snapshot + files)",
        f"  CPU seconds: load into SQLite as publish does {f['load_s']}",
        f"  unchanged rebuild: record step {f['unchanged_record_s']} CPU s"
        f" (versions.json {f['versions_json_bytes']:,} B)",
        f"  version 1 rebuilt from the latest table and {f['versions'] - 1} deltas: "
        f"{f['rebuild_version_1_from_deltas_s']} CPU s",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
