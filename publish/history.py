"""The datasets' version logs in a build (contracts/history.py), for portal.db and the site."""

from __future__ import annotations

import json
from collections.abc import Iterator

import sqlite_utils

from contracts.build_folder import VERSIONS_FILE
from contracts.history import REASONS, read_changes
from publish.build_folder import BuildFolder
from publish.dataset_failure import for_dataset

PORTAL_VERSIONS_TABLE = "portal_versions"
PORTAL_CHANGES_TABLE = "portal_changes"


def version_log(build: BuildFolder, dataset_id: str) -> list[dict]:
    """The dataset's versions, oldest first ([] before its first recorded version)."""
    path = build.dataset_dir(dataset_id) / VERSIONS_FILE
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["versions"]


def version_changes(build: BuildFolder, dataset_id: str, version: dict) -> Iterator[dict]:
    """The listed changes of one version (never what disclosure control hides)."""
    if version.get("changes"):
        yield from read_changes(build.dataset_dir(dataset_id) / version["changes"])


def write_history_tables(db: sqlite_utils.Database, build: BuildFolder) -> None:
    """portal_versions (one row per dataset and version) and portal_changes (one row per
    listed change), so the history is SQL like every other table."""
    versions = db.table(PORTAL_VERSIONS_TABLE)
    versions.create(
        {
            "dataset": str,
            "version": int,
            "date": str,
            "content_hash": str,
            "rows": int,
            "reasons": str,
            "rows_added": int,
            "rows_removed": int,
            "rows_changed": int,
            "values_changed": int,
            "schema_changes": int,
            "tables": str,
            "schema": str,
        },
        pk=("dataset", "version"),
    )
    changes = db.table(PORTAL_CHANGES_TABLE)
    changes.create(
        {
            "dataset": str,
            "version": int,
            "date": str,
            "table_name": str,
            "kind": str,
            "key": str,
            "column": str,
            "old": str,
            "new": str,
        }
    )
    insert = (
        f"INSERT INTO [{PORTAL_CHANGES_TABLE}] (dataset, version, date, table_name, kind, key, [column], old, new)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for package in build.packages:
        dataset_id = package["name"]
        with for_dataset(dataset_id, "Datenbank (Versionen)"):
            log = version_log(build, dataset_id)
            versions.insert_all(
                {
                    "dataset": dataset_id,
                    "version": v["version"],
                    "date": v["date"],
                    "content_hash": v["content_hash"],
                    "rows": sum(v["rows"].values()),
                    "reasons": ", ".join(REASONS.get(r, r) for r in v["reasons"]),
                    **v["counts"],
                    "tables": json.dumps(v["rows"], ensure_ascii=False),
                    "schema": json.dumps(v["schema"], ensure_ascii=False),
                }
                for v in log
            )
            for v in log:
                db.conn.executemany(
                    insert,
                    (
                        (
                            dataset_id,
                            v["version"],
                            v["date"],
                            c["table"],
                            c["kind"],
                            c["key"],
                            c["column"],
                            c["old"],
                            c["new"],
                        )
                        for c in version_changes(build, dataset_id, v)
                    ),
                )
    changes.create_index(["dataset", "version"], if_not_exists=True)
