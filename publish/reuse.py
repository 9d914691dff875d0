"""Reuse what the previous release published when its inputs are the same.

portal.db and the DCAT-AP.de catalogue are functions of the release's input files
(`datasets/`, `portal.json`), the publishers' code and the libraries that write them. Each
release records fingerprints of those in `publish-manifest.json`; the next release
hard-links an output whose fingerprint is unchanged, and in portal.db reloads only the
tables whose resource changed. The site is not reused here: it shows the current time (upcoming
meetings, KPI periods) and this run's build report; `publish.site` links what it can tell is
unchanged itself (council pages by their inputs, any file by its bytes).

An output is reused only while the previous release still holds it as recorded (size,
modification time, inode); anything missing or altered is rebuilt in full, so a build
repairs a damaged release.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from contracts.build_folder import DATABASE_FILE, DATASETS_DIR, PORTAL_FILE
from contracts.files import file_sha256
from publish.build_folder import BuildFolder

MANIFEST = "publish-manifest.json"
# Bump when the manifest's meaning changes: an older manifest then never matches.
MANIFEST_FORMAT = 1
CATALOGUE_OUTPUTS = ("catalog.ttl", "catalog.rdf", "catalog.jsonld")
DATABASE_OUTPUT = DATABASE_FILE
INSPECT_OUTPUT = "datasette/inspect-data.json"  # describes portal.db: reused only with it
# Libraries whose output ends up byte for byte in portal.db or the catalogue files.
WRITING_LIBRARIES = ("sqlite-utils", "rdflib")
PUBLISH_CODE = Path(__file__).resolve().parent


@dataclass
class ReusePlan:
    """What the previous release offers this one: which outputs and tables are unchanged.

    `tables` maps every table of this release to its fingerprint; `unchanged_tables` are
    those the previous portal.db holds with the same fingerprint (empty when that database
    cannot be used at all)."""

    previous: Path | None
    files: dict[str, dict]
    tables: dict[str, str]
    database_of_datasets: str  # the datasets' tables and metadata
    catalogue: str
    recorded: dict = field(default_factory=dict)
    quality: str | None = None  # quality.json as written into this release (publish/quality)
    unchanged_tables: set[str] = field(default_factory=set)

    @property
    def previous_outputs(self) -> dict[str, dict]:
        return self.recorded.get("outputs", {})

    def still_recorded(self, name: str) -> bool:
        """Whether the previous release still holds output `name` as it recorded it."""
        return self.previous is not None and _still_recorded(self.previous, name, self.previous_outputs)

    @property
    def previous_database(self) -> Path | None:
        """The previous portal.db if it is still the file that release recorded."""
        if self.previous is None or not self.still_recorded(DATABASE_OUTPUT):
            return None
        return self.previous / DATABASE_OUTPUT

    def reuse(self, target_root: Path, name: str) -> None:
        """Take output `name` over from the previous release (after a check above said it is
        unchanged). Raises ValueError when there is no previous release."""
        if self.previous is None:
            raise ValueError(f"{name}: kein vorheriger Stand, aus dem es übernommen werden könnte")
        reuse_file(self.previous, target_root, name)

    @property
    def database(self) -> str:
        """portal.db's fingerprint: the datasets and the quality scores it also holds."""
        return _digest(self.database_of_datasets, self.quality)

    def database_unchanged(self) -> bool:
        return self.previous_database is not None and self.recorded.get("database") == self.database

    def catalogue_unchanged(self) -> bool:
        return self.recorded.get("catalogue") == self.catalogue and all(
            self.still_recorded(name) for name in CATALOGUE_OUTPUTS
        )


def plan_reuse(build: BuildFolder, previous: Path | None) -> ReusePlan:
    """Fingerprint this release's inputs and compare them with the previous release's manifest.

    Never raises for a missing or unreadable previous release or manifest: then nothing is reused.
    """
    recorded = read_manifest(previous) if previous else {}
    files = _input_files(build.root, recorded.get("files", {}))
    code = code_version()
    order = [package["name"] for package in build.packages]
    tables = {
        resource["name"]: _digest(
            code,
            json.dumps(resource, sort_keys=True),
            files.get(f"datasets/{package['name']}/{resource['path']}", {}).get("sha256"),
        )
        for package in build.packages
        for resource in package["resources"]
    }
    # portal_datasets is written from the packages' metadata; table order decides foreign keys.
    database = _digest(
        code,
        json.dumps(sorted(tables.items())),
        json.dumps(order),
        json.dumps(
            [{k: v for k, v in package.items() if k != "resources"} for package in build.packages], sort_keys=True
        ),
    )
    catalogue = _digest(code, json.dumps(order), json.dumps(sorted((k, v["sha256"]) for k, v in files.items())))
    plan = ReusePlan(
        previous=previous if recorded else None,
        files=files,
        tables=tables,
        database_of_datasets=database,
        quality=build.quality_file.read_text(encoding="utf-8") if build.quality_file.is_file() else None,
        catalogue=catalogue,
        recorded=recorded,
    )
    old_tables = recorded.get("tables", {})
    # A foreign key is declared only towards a table that exists (publish.database): with another
    # set of tables an incremental update could differ from a full build, so it is not tried.
    if plan.previous_database is not None and set(old_tables) == set(tables):
        plan.unchanged_tables = {name for name, print_ in tables.items() if old_tables.get(name) == print_}
    return plan


def reuse_file(previous: Path, target_root: Path, name: str) -> None:
    """Hard-link (or copy) `name` from the previous release: releases are never written in place."""
    target = target_root / name
    target.unlink(missing_ok=True)
    try:
        os.link(previous / name, target)
    except OSError:
        shutil.copy2(previous / name, target)


def write_manifest(build: BuildFolder, plan: ReusePlan) -> Path:
    """Record this release's fingerprints and how its outputs look on disk now."""
    outputs = {
        name: _stat_record(build.root / name)
        for name in (DATABASE_OUTPUT, INSPECT_OUTPUT, *CATALOGUE_OUTPUTS)
        if (build.root / name).is_file()
    }
    manifest = {
        "format": MANIFEST_FORMAT,
        "files": plan.files,
        "tables": plan.tables,
        "database": plan.database,
        "catalogue": plan.catalogue,
        "outputs": outputs,
    }
    path = build.root / MANIFEST
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return path


def read_manifest(release: Path) -> dict:
    """The release's manifest, or {} when it is missing, unreadable or of another format."""
    try:
        manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else {}


def _input_files(root: Path, recorded: dict[str, dict]) -> dict[str, dict]:
    """sha256 of every input file; a file that is still the recorded one (same inode, size and
    modification time: a hard link carried over from the previous release) is not read again."""
    found = {}
    paths = [root / PORTAL_FILE, *sorted(p for p in (root / DATASETS_DIR).rglob("*") if p.is_file())]
    for path in paths:
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        record = _stat_record(path)
        old = recorded.get(relative)
        if old and all(old.get(key) == record[key] for key in record) and old.get("sha256"):
            record["sha256"] = old["sha256"]
        else:
            record["sha256"] = file_sha256(path)
        found[relative] = record
    return found


def _stat_record(path: Path) -> dict:
    status = path.stat()
    return {"size": status.st_size, "mtime_ns": status.st_mtime_ns, "inode": status.st_ino}


def _still_recorded(release: Path, name: str, outputs: dict[str, dict]) -> bool:
    try:
        return name in outputs and _stat_record(release / name) == outputs[name]
    except OSError:
        return False


def code_version() -> str:
    """The publishers' source and the versions of the libraries and SQLite that write the outputs."""
    digest = hashlib.sha256(f"{sys.version}\0{sqlite3.sqlite_version}\0".encode())
    for library in WRITING_LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}\0".encode())
    for path in sorted(PUBLISH_CODE.rglob("*.py")):
        digest.update(path.relative_to(PUBLISH_CODE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _digest(*parts: str | None) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"\1" if part is None else part.encode() + b"\0")
    return digest.hexdigest()
