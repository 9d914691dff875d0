"""Versions of a dataset: every build that changes a published table records one.

`record_version` runs after a kind wrote the dataset's tables and before its datapackage.json:
it compares the tables with the last recorded version (the previous release's `versions.json`),
and when they differ it stores the new tables' snapshot, the row-level changes both ways, and
writes the new version log into the release (contracts/history.py). An unchanged dataset gets
the previous log back byte for byte, so an unchanged rebuild stays unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from contracts.build_folder import VERSIONS_DIR, VERSIONS_FILE
from contracts.files import file_sha256
from contracts.history import (
    CHANGES_FILE,
    COLUMN_ADDED,
    COLUMN_REMOVED,
    COLUMN_RETYPED,
    EXAMPLES,
    FIRST,
    NOT_COMPARED,
    REWRITTEN,
    ROW_ADDED,
    ROW_REMOVED,
    ROWS_ADDED,
    ROWS_REMOVED,
    SCHEMA_CHANGED,
    VALUE_CHANGED,
    VALUES_CORRECTED,
    read_changes,
)
from pipelines.history.diff import TableDiff, TableVersion, diff_table, hides_nothing, keyed_rows
from pipelines.history.store import DELTAS, HistoryStore, link, write_changes
from pipelines.package import now_iso


@dataclass
class Table:
    """One published table of the version being recorded."""

    name: str
    csv_path: Path
    sha256: str
    fields: list[tuple[str, str]]
    primary_key: list[str]
    rows: int

    @classmethod
    def of(cls, out_dir: Path, resource) -> Table:
        schema = resource.schema
        key = schema.get("primaryKey") or []
        return cls(
            name=resource.name,
            csv_path=out_dir / resource.csv.path,
            sha256=resource.csv.sha256,
            fields=[(f["name"], f.get("type", "string")) for f in schema["fields"]],
            primary_key=[key] if isinstance(key, str) else list(key),
            rows=resource.row_count,
        )


def record_version(
    dataset_id: str,
    out_dir: Path,
    tables: list[Table],
    previous_folder: Path | None,
    store: HistoryStore,
    *,
    keep: int | None,
    hidden_possible: bool,
) -> dict:
    """Write `versions.json` and `versionen/` into `out_dir`; return the latest version.

    `keep`: how many earlier versions stay downloadable as whole tables (None: all).
    `hidden_possible`: the dataset passes disclosure control, so an empty cell may be hidden
    and its change is never listed (contracts.history)."""
    previous_log = _read_log(previous_folder)
    versions: list[dict] = previous_log.get("versions", [])
    content_hash = _content_hash(tables)
    if versions and versions[-1]["content_hash"] == content_hash:
        new_versions = versions
    else:
        for table in tables:
            store.keep_snapshot(table.csv_path, table.sha256)
        number = versions[-1]["version"] + 1 if versions else 1
        version = {
            "version": number,
            "date": now_iso(),
            "content_hash": content_hash,
            "hashes": {t.name: t.sha256 for t in tables},
            "keys": {t.name: t.primary_key for t in tables},
            "rows": {t.name: t.rows for t in tables},
            "schema": {t.name: [list(f) for f in t.fields] for t in tables},
        }
        if versions:
            version.update(
                _compare(versions[-1], tables, previous_folder, store, number, content_hash, hidden_possible)
            )
        else:
            version.update(reasons=[FIRST], counts=_counts([]), examples=[], changes=None, delta=None)
        new_versions = [*versions, version]
    listed = _with_downloads(new_versions, keep)
    log = {"dataset": dataset_id, "keep": keep, "versions": listed}
    _write_release_files(out_dir, log, store)
    store.prune(_referenced(store, log) | _referenced(store, previous_log))
    return listed[-1]


def _compare(
    last: dict,
    tables: list[Table],
    previous_folder: Path | None,
    store: HistoryStore,
    number: int,
    content_hash: str,
    hidden_possible: bool,
) -> dict:
    diffs: list[TableDiff] = []
    for table in tables:
        old_lines = _old_lines(last, table.name, previous_folder, store)
        if old_lines is None and table.name in last["hashes"]:
            # Nothing to compare with (the state folder was emptied): the version stands alone.
            return {"reasons": [NOT_COMPARED], "counts": _counts([]), "examples": [], "changes": None, "delta": None}
        old = TableVersion(
            fields=[tuple(f) for f in last["schema"].get(table.name, [])],
            primary_key=last.get("keys", {}).get(table.name, []),
            lines=old_lines if old_lines is not None else iter(["\n"]),
        )
        with open(table.csv_path, encoding="utf-8", newline="") as handle:
            diffs.append(diff_table(table.name, old, TableVersion(table.fields, table.primary_key, handle)))
    for name, fields in last["schema"].items():
        if name not in {t.name for t in tables}:
            old_lines = _old_lines(last, name, previous_folder, store)
            old = TableVersion([tuple(f) for f in fields], last.get("keys", {}).get(name, []), old_lines or iter([]))
            diffs.append(diff_table(name, old, TableVersion([], [], iter(["\n"]))))
    every = [change for diff in diffs for change in diff.changes]
    listed = [change for change in every if hides_nothing(change, hidden_possible)]
    delta = write_changes(store.delta(number, content_hash), every)
    if len(listed) == len(every):
        changes = store.changes(number, content_hash)
        if not changes.exists():
            link(delta, changes)
    else:
        changes = write_changes(store.changes(number, content_hash), listed)
    counts = _counts(listed)
    reasons = [
        reason
        for reason, count in (
            (ROWS_ADDED, counts["rows_added"]),
            (ROWS_REMOVED, counts["rows_removed"]),
            (VALUES_CORRECTED, counts["values_changed"]),
            (SCHEMA_CHANGED, counts["schema_changes"]),
        )
        if count
    ] or [REWRITTEN]
    key_fields = {diff.table: diff.key_fields for diff in diffs}
    examples = [
        {**change, "key_fields": key_fields.get(change["table"], [])}
        for change in listed
        if change["kind"] == VALUE_CHANGED
    ][:EXAMPLES]
    return {
        "reasons": reasons,
        "counts": counts,
        "examples": examples,
        "changes": f"{VERSIONS_DIR}/{number}/{CHANGES_FILE}",
        "delta": delta.name,
        "change_file": changes.name,
    }


def _old_lines(last: dict, table: str, previous_folder: Path | None, store: HistoryStore):
    sha = last["hashes"].get(table)
    if sha is None:
        return None
    lines = store.snapshot_lines(sha)
    if lines is not None:
        return lines
    # The previous release still holds the table as it was (a state folder lost or moved).
    if previous_folder is not None:
        for candidate in previous_folder.glob("*.csv"):
            if not candidate.name.endswith(".de.csv") and file_sha256(candidate) == sha:
                return open(candidate, encoding="utf-8", newline="")  # noqa: SIM115 - read to the end by the diff
    return None


def _counts(changes: list[dict]) -> dict:
    changed_rows = {(c["table"], c["key"]) for c in changes if c["kind"] == VALUE_CHANGED}
    return {
        "rows_added": sum(1 for c in changes if c["kind"] == ROW_ADDED),
        "rows_removed": sum(1 for c in changes if c["kind"] == ROW_REMOVED),
        "rows_changed": len(changed_rows),
        "values_changed": sum(1 for c in changes if c["kind"] == VALUE_CHANGED),
        "schema_changes": sum(1 for c in changes if c["kind"] in (COLUMN_ADDED, COLUMN_REMOVED, COLUMN_RETYPED)),
    }


def _with_downloads(versions: list[dict], keep: int | None) -> list[dict]:
    """Name the whole tables of the last `keep` earlier versions (the newest version's tables
    are the dataset's own downloads)."""
    earlier = versions[:-1]
    kept = {v["version"] for v in (earlier if keep is None else earlier[len(earlier) - keep :] if keep else [])}
    return [
        {
            **v,
            "tables": {name: f"{VERSIONS_DIR}/{v['version']}/{name}.csv.gz" for name in v["hashes"]}
            if v["version"] in kept
            else {},
        }
        for v in versions
    ]


def _write_release_files(out_dir: Path, log: dict, store: HistoryStore) -> None:
    """Link the stored files into the release. A file the store no longer holds (its folder
    emptied by hand, a disk restored from an older backup) is left out and the log says so:
    that version is then no longer downloadable whole, or its change list is gone."""
    for version in log["versions"]:
        if version.get("change_file"):
            stored = store.root / "changes" / version["change_file"]
            if stored.exists():
                link(stored, out_dir / version["changes"])
            else:
                version["changes"] = version["change_file"] = None
        for name, path in list(version["tables"].items()):
            stored = store.snapshot(version["hashes"][name])
            if stored.exists():
                link(stored, out_dir / path)
            else:
                del version["tables"][name]
    temporary = out_dir / f".{VERSIONS_FILE}.tmp"
    temporary.write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, out_dir / VERSIONS_FILE)


def _referenced(store: HistoryStore, log: dict) -> set[Path]:
    """The stored files a version log needs: its kept tables, the latest version's tables
    (the next diff starts there), every delta and change list, and the tables a delta cannot
    lead back to (the version before a schema change)."""
    versions = log.get("versions", [])
    needed: set[Path] = set()
    for index, version in enumerate(versions):
        if version.get("delta"):
            needed.add(store.root / "deltas" / version["delta"])
        if version.get("change_file"):
            needed.add(store.root / "changes" / version["change_file"])
        later = versions[index + 1] if index + 1 < len(versions) else None
        anchor = (
            later is None
            or not later.get("delta")
            or later["counts"].get("schema_changes")
            or set(later["hashes"]) != set(version["hashes"])
        )
        if anchor or version.get("tables"):
            needed |= {store.snapshot(sha) for sha in version["hashes"].values()}
    return needed


def _read_log(folder: Path | None) -> dict:
    if folder is None:
        return {}
    try:
        return json.loads((folder / VERSIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _content_hash(tables: list[Table]) -> str:
    return hashlib.sha256(
        json.dumps(sorted((t.name, t.sha256, t.fields) for t in tables), ensure_ascii=False).encode()
    ).hexdigest()


def table_at(store: HistoryStore, log: dict, number: int, table: str) -> list[list[str]]:
    """Table `table` as version `number` published it (header first), from the nearest later
    whole table in the store and the deltas back from there. Rows of the version come in the
    later version's order, rows it removed after them. Raises LookupError when the store no
    longer leads back there."""
    versions = {v["version"]: v for v in log["versions"]}
    start = next(
        (
            n
            for n in sorted(versions)
            if n >= number and table in versions[n]["hashes"] and store.snapshot(versions[n]["hashes"][table]).exists()
        ),
        None,
    )
    if start is None or number not in versions:
        raise LookupError(f"Version {number} von {table} ist nicht mehr gespeichert")
    lines = store.snapshot_lines(versions[start]["hashes"][table])
    assert lines is not None
    header = next(csv.reader([next(lines)]))
    key = versions[start].get("keys", {}).get(table, [])
    rows = dict(keyed_rows(itertools.chain([",".join(header) + "\n"], lines), header, header, key))
    for later in range(start, number, -1):
        delta = versions[later].get("delta")
        if not delta:
            raise LookupError(f"Version {later} von {table} hat keine Änderungsliste")
        for change in read_changes(store.root / DELTAS / delta):
            if change["table"] != table:
                continue
            if change["kind"] == ROW_ADDED:
                rows.pop(change["key"], None)
            elif change["kind"] == ROW_REMOVED:
                old = json.loads(change["old"])
                rows[change["key"]] = [old.get(name, "") for name in header]
            elif change["kind"] == VALUE_CHANGED:
                rows[change["key"]][header.index(change["column"])] = change["old"]
    return [header, *rows.values()]
