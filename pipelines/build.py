"""Run every declared dataset through its pipeline into a release folder.

The story of one dataset: skip it if nothing changed since the last good build; otherwise
fetch, read, transform and validate it through its kind and write its files; if that fails,
carry its last good version over, marked stale, and say exactly why.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipelines.add.draft import DRAFT_DESCRIPTION
from pipelines.config import DatasetConfig, PortalConfig
from pipelines.config.dataset import DATASET_ID
from pipelines.context import RunContext
from pipelines.errors import DatasetFailed, Issue
from pipelines.http import HttpClient, HttpSettings
from pipelines.kinds import KINDS
from pipelines.package import describe_dataset, now_iso
from pipelines.spreadsheet_downloads import write_spreadsheet_copies
from pipelines.tabular.parallel import workers_wanted

# Bumped when the shape of build output changes, so that unchanged-source skips never
# carry over output written by an older pipeline.
PIPELINE_VERSION = "2"  # 2: spreadsheet copies (xlsx, German CSV) beside each table
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


@dataclass
class DatasetResult:
    id: str
    status: str  # ok | unchanged | stale | failed
    summary: str = ""
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rows: int = 0

    @property
    def published(self) -> bool:
        return self.status in ("ok", "unchanged", "stale")

    def to_dict(self) -> dict:
        return {
            "id": self.id, "status": self.status, "summary": self.summary, "seconds": round(self.seconds, 3),
            "rows": self.rows, "issues": [i.to_dict() for i in self.issues], "warnings": self.warnings,
        }


@dataclass
class BuildReport:
    started: str
    datasets: list[DatasetResult] = field(default_factory=list)
    seconds: float = 0.0
    file: Path | None = None  # where the command wrote this report as JSON

    @property
    def failed(self) -> list[DatasetResult]:
        return [d for d in self.datasets if d.status in ("stale", "failed")]

    @property
    def warnings(self) -> list[str]:
        return [f"{d.id}: {w}" for d in self.datasets for w in d.warnings]

    def to_dict(self) -> dict:
        return {"started": self.started, "seconds": round(self.seconds, 3), "datasets": [d.to_dict() for d in self.datasets]}


def build_datasets(
    portal: PortalConfig,
    release_dir: Path,
    previous_dir: Path | None,
    state_dir: Path,
    *,
    only: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    done: str = "veröffentlicht",
) -> BuildReport:
    """Build the declared datasets into `release_dir/datasets/`.

    `done` is the summary of a dataset that went through (`geprüft` when validating).

    Datasets not named in `only` are carried over from `previous_dir` as they are. Never raises
    for a single dataset's failure: it is recorded in the returned report.
    """
    started = time.monotonic()
    report = BuildReport(started=now_iso())
    datasets_dir = release_dir / "datasets"
    datasets_dir.mkdir(parents=True, exist_ok=True)
    previous_datasets = previous_dir / "datasets" if previous_dir else None
    workers_wanted()  # a wrong KOMMUNE_WORKERS stops the build before any work, like a wrong KOMMUNE_HTTP_*
    with HttpClient(state_dir / "http-cache", HttpSettings.from_environment()) as http:
        for dataset in portal.datasets.values():
            if only is not None and dataset.id not in only:
                if previous_datasets and (previous_datasets / dataset.id).is_dir():
                    _carry_over(previous_datasets / dataset.id, datasets_dir / dataset.id)
                continue
            if progress:
                progress(dataset.id)
            result = _build_one(dataset, portal, datasets_dir, previous_datasets, state_dir, http, done)
            report.datasets.append(result)
        for dataset_id, problems in portal.invalid_datasets.items():
            if only is None or dataset_id in only:
                report.datasets.append(_declaration_failed(dataset_id, problems, datasets_dir, previous_datasets))
    (release_dir / "portal.json").write_text(json.dumps(portal.resolved(), ensure_ascii=False, indent=2, default=str))
    report.seconds = time.monotonic() - started
    previous_report = _previous_report(previous_dir) if only is not None else {}
    merged = {**previous_report, **{d.id: d.to_dict() for d in report.datasets}}
    (release_dir / "build-report.json").write_text(json.dumps(
        {"started": report.started, "seconds": round(report.seconds, 3),
         "datasets": [merged[i] for i in sorted({*portal.datasets, *portal.invalid_datasets}) if i in merged]},
        ensure_ascii=False, indent=2))
    return report


def _build_one(dataset: DatasetConfig, portal: PortalConfig, datasets_dir: Path, previous_datasets: Path | None,
               state_dir: Path, http: HttpClient, done: str = "veröffentlicht") -> DatasetResult:
    started = time.monotonic()
    out_dir = datasets_dir / dataset.id
    previous = previous_datasets / dataset.id if previous_datasets else None
    previous_package = _read_package(previous) if previous else None
    content_hash = dataset_hash(dataset)
    warnings = _warnings(dataset)
    if (previous_package and content_hash
            and previous_package["kommune"].get("content_hash") == content_hash
            and previous_package["kommune"].get("status") == "ok"
            and _files_complete(previous, previous_package)):
        _carry_over(previous, out_dir)
        rows = sum(r.get("kommune", {}).get("rows", 0) for r in previous_package["resources"])
        return DatasetResult(dataset.id, "unchanged", "unverändert", warnings=warnings,
                             seconds=time.monotonic() - started, rows=rows)
    out_dir.mkdir(parents=True)
    ctx = RunContext(out_dir=out_dir, state_dir=state_dir / "datasets" / dataset.id, portal=portal, http=http)
    ctx.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        resources = KINDS[dataset.kind].run(dataset, ctx)
    except DatasetFailed as failure:
        return _keep_last_good(dataset.id, out_dir, previous, previous_package, failure.summary, failure.issues,
                               warnings, started)
    except OSError as error:
        if error.errno in DISK_FULL:
            raise  # not this dataset's fault: the build stops and the previous release stays
        return _keep_last_good(dataset.id, out_dir, previous, previous_package, "Interner Fehler beim Verarbeiten",
                               [_internal_issue(error)], warnings, started)
    except Exception as error:  # a bug or an unforeseen input must not take the other datasets down
        return _keep_last_good(dataset.id, out_dir, previous, previous_package, "Interner Fehler beim Verarbeiten",
                               [_internal_issue(error)], warnings, started)
    for resource in resources:
        resource.downloads = write_spreadsheet_copies(out_dir, resource)
    issued = (previous_package or {}).get("kommune", {}).get("issued") or now_iso()
    package = describe_dataset(dataset, portal, resources, content_hash=content_hash, issued=issued,
                               modified=_modified(previous_package, resources))
    _write_json(out_dir / "datapackage.json", package)
    _write_json(out_dir / "report.json", {"valid": True, "issues": [], "checked": now_iso(),
                                          "rows": sum(r.row_count for r in resources),
                                          "warnings": [w.to_dict() for w in ctx.warnings]})
    warnings += [w.describe() for w in ctx.warnings]
    if (dataset.folder / "README.md").exists():
        shutil.copyfile(dataset.folder / "README.md", out_dir / "README.md")
    return DatasetResult(dataset.id, "ok", done, warnings=warnings, seconds=time.monotonic() - started,
                         rows=sum(r.row_count for r in resources))


def _internal_issue(error: Exception) -> Issue:
    return Issue(type="internal-error", message=f"{type(error).__name__}: {error}",
                 expected="Bitte an das Portal-Team melden: " + traceback.format_exc(limit=3).splitlines()[-1])


def _declaration_failed(dataset_id: str, problems: list, datasets_dir: Path, previous_datasets: Path | None) -> DatasetResult:
    """A dataset whose declaration has mistakes: reported like a broken source, last good version kept."""
    started = time.monotonic()
    issues = [Issue(type="config-error", file=p.file, field=p.key or None, message=p.message) for p in problems]
    summary = "Deklaration fehlerhaft"
    if not DATASET_ID.match(dataset_id):  # never published under this name: nothing to keep, no folder to write
        return DatasetResult(dataset_id, "failed", summary, issues, seconds=time.monotonic() - started)
    previous = previous_datasets / dataset_id if previous_datasets else None
    previous_package = _read_package(previous) if previous else None
    return _keep_last_good(dataset_id, datasets_dir / dataset_id, previous, previous_package, summary, issues, [], started)


def _keep_last_good(dataset_id, out_dir, previous, previous_package, summary, issues, warnings, started) -> DatasetResult:
    shutil.rmtree(out_dir, ignore_errors=True)
    report = {"valid": False, "summary": summary, "issues": [i.to_dict() for i in issues], "checked": now_iso()}
    if previous_package is None:
        out_dir.mkdir(parents=True)
        _write_json(out_dir / "report.json", report)
        return DatasetResult(dataset_id, "failed", summary, issues, warnings, time.monotonic() - started)
    _carry_over(previous, out_dir)
    previous_package["kommune"]["status"] = "stale"
    previous_package["kommune"]["stale_reason"] = summary + (f": {issues[0].describe()}" if issues else "")
    _write_json(out_dir / "datapackage.json", previous_package)
    _write_json(out_dir / "report.json", report)
    rows = sum(r.get("kommune", {}).get("rows", 0) for r in previous_package["resources"])
    return DatasetResult(dataset_id, "stale", summary, issues, warnings, time.monotonic() - started, rows)


def dataset_hash(dataset: DatasetConfig) -> str | None:
    """Hash of everything that decides a local dataset's output; None for remote sources,
    which must be asked every time (the HTTP cache keeps that cheap). A source answered from
    a recording in the dataset folder (OParl `recording:`) is local."""
    source = dataset.source_config
    if getattr(source, "url", None) is not None and not getattr(source, "recording", None):
        return None
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    # A kind may read files outside the dataset folder (the register reads metadata/services.yaml).
    outside = [path for path in getattr(KINDS.get(dataset.kind), "inputs", lambda _: [])(dataset) if path.is_file()]
    for path in sorted(p for p in dataset.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts) + outside:
        digest.update(path.name.encode() if path in outside else str(path.relative_to(dataset.folder)).encode())
        digest.update(b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _modified(previous_package: dict | None, resources) -> str:
    """Data is 'modified' only when a published file's content changed."""
    if previous_package:
        old = {r["name"]: r.get("hash") for r in previous_package["resources"]}
        new = {r.name: f"sha256:{r.csv.sha256}" for r in resources}
        if old == new:
            return previous_package["kommune"].get("modified") or now_iso()
    return now_iso()


def _warnings(dataset: DatasetConfig) -> list[str]:
    warnings = []
    readme = dataset.folder / "README.md"
    if not readme.exists() or not readme.read_text(encoding="utf-8", errors="replace").strip():
        warnings.append("README.md fehlt oder ist leer (Beschreibung in einfacher Sprache)")
    if not dataset.keywords:
        warnings.append("keine Schlagwörter (keywords)")
    if dataset.description == DRAFT_DESCRIPTION:
        warnings.append("Beschreibung (description) ist noch der Entwurf von `kommune add`")
    return warnings


def _carry_over(source: Path, target: Path) -> None:
    """Hard-link the files of an earlier release: releases are never modified in place."""
    shutil.copytree(source, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _files_complete(folder: Path, package: dict) -> bool:
    """Whether every file the package lists is still there with its recorded size: an earlier
    release that lost a file (by hand, a full disk) is built again, not carried over."""
    expected = [(r["path"], r.get("bytes")) for r in package["resources"]]
    expected += [(r["kommune"]["json"]["path"], r["kommune"]["json"].get("bytes"))
                 for r in package["resources"] if r.get("kommune", {}).get("json")]
    try:
        return all(size is None or (folder / name).stat().st_size == size for name, size in expected)
    except OSError:
        return False


def _read_package(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _previous_report(previous_dir: Path | None) -> dict:
    try:
        data = json.loads((previous_dir / "build-report.json").read_text(encoding="utf-8"))
        return {d["id"]: d for d in data["datasets"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    """Write via a new file: the old one may be a hard link shared with an earlier release."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(temporary, path)
