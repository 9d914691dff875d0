"""Run every declared dataset through its pipeline into a release folder.

The story of one dataset: skip it if nothing changed since the last good build; otherwise
fetch, read, transform and validate it through its kind and write its files; if that fails,
carry its last good version over, marked stale, and say exactly why.
"""

from __future__ import annotations

import csv
import errno
import filecmp
import hashlib
import json
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.build_folder import (
    AUDIT_FILE,
    BUILD_REPORT_FILE,
    DATASETS_DIR,
    PACKAGE_FILE,
    PORTAL_FILE,
    REPORT_FILE,
    VERSIONS_DIR,
    VERSIONS_FILE,
)
from contracts.files import file_sha256, link_or_copy, package_hash, read_json_object, replace_json
from pipelines.add.draft import DRAFT_DESCRIPTION
from pipelines.config import DatasetConfig, PortalConfig
from pipelines.config.dataset import DATASET_ID
from pipelines.context import RunContext
from pipelines.errors import DatasetFailed, Issue, SourceUnchanged
from pipelines.history import Table, record_version
from pipelines.history.store import HistoryStore
from pipelines.http import HttpClient, HttpSettings
from pipelines.kinds import KINDS
from pipelines.package import describe_dataset, now_iso
from pipelines.reading.parallel import workers_wanted
from pipelines.spreadsheet_downloads import carry_over_copies, record_copies, write_spreadsheet_copies
from pipelines.statistics import pii
from pipelines.statistics.pii import scan_published

# Bumped when the shape of build output changes, so that unchanged-source skips never
# carry over output written by an older pipeline.
PII_SCAN_FILE = "pii-scan.json"  # in a dataset's state folder: the scan's findings per table content
PIPELINE_VERSION = "3"  # 2: spreadsheet copies (xlsx, German CSV) beside each table; 3: kommune.date_fields
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
    # what a kind reports beyond warnings (RunContext.details): deletions, data quality, harvest
    details: dict = field(default_factory=dict)
    last_success: str | None = None  # start of the last build that published it ok or unchanged

    @property
    def published(self) -> bool:
        return self.status in ("ok", "unchanged", "stale")

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "summary": self.summary,
            "seconds": round(self.seconds, 3),
            "rows": self.rows,
            "issues": [i.to_dict() for i in self.issues],
            "warnings": self.warnings,
            "last_success": self.last_success,
            **self.details,
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
        return {
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "datasets": [d.to_dict() for d in self.datasets],
        }


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
    datasets_dir = release_dir / DATASETS_DIR
    datasets_dir.mkdir(parents=True, exist_ok=True)
    previous_datasets = previous_dir / DATASETS_DIR if previous_dir else None
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
    (release_dir / PORTAL_FILE).write_text(json.dumps(portal.resolved(), ensure_ascii=False, indent=2, default=str))
    report.seconds = time.monotonic() - started
    previous_report = _previous_report(previous_dir)
    for result in report.datasets:
        # source health: when this dataset last came through whole (ok or unchanged)
        result.last_success = (
            report.started
            if result.status in ("ok", "unchanged")
            else previous_report.get(result.id, {}).get("last_success")
        )
    merged = {**(previous_report if only is not None else {}), **{d.id: d.to_dict() for d in report.datasets}}
    (release_dir / BUILD_REPORT_FILE).write_text(
        json.dumps(
            {
                "started": report.started,
                "seconds": round(report.seconds, 3),
                "datasets": [merged[i] for i in sorted({*portal.datasets, *portal.invalid_datasets}) if i in merged],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return report


def _build_one(
    dataset: DatasetConfig,
    portal: PortalConfig,
    datasets_dir: Path,
    previous_datasets: Path | None,
    state_dir: Path,
    http: HttpClient,
    done: str = "veröffentlicht",
) -> DatasetResult:
    started = time.monotonic()
    out_dir = datasets_dir / dataset.id
    previous = previous_datasets / dataset.id if previous_datasets else None
    previous_package = _read_package(previous) if previous else None
    inputs = inputs_hash(dataset)
    content_hash = inputs if KINDS[dataset.kind].local(dataset) else None
    warnings = _warnings(dataset)
    carryable = (
        previous is not None
        and previous_package is not None
        and previous_package["kommune"].get("status") == "ok"
        and _files_complete(previous, previous_package)
    )
    previous_content_hash = (previous_package or {}).get("kommune", {}).get("content_hash") if carryable else None
    if content_hash and previous_content_hash == content_hash:
        return _unchanged(dataset, previous, out_dir, warnings, started)
    out_dir.mkdir(parents=True)
    ctx = RunContext(
        out_dir=out_dir,
        state_dir=state_dir / "datasets" / dataset.id,
        portal=portal,
        http=http,
        inputs_hash=inputs,
        previous_content_hash=previous_content_hash,
        previous_dir=previous,
    )
    ctx.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        resources = KINDS[dataset.kind].run(dataset, ctx)
    except SourceUnchanged:
        shutil.rmtree(out_dir)
        return _unchanged(dataset, previous, out_dir, warnings, started, details={**ctx.details, **ctx.run_facts})
    except DatasetFailed as failure:
        return _keep_last_good(
            dataset.id, out_dir, previous, previous_package, failure.summary, failure.issues, warnings, started
        )
    except OSError as error:
        if error.errno in DISK_FULL:
            raise  # not this dataset's fault: the build stops and the previous release stays
        return _keep_last_good(
            dataset.id,
            out_dir,
            previous,
            previous_package,
            "Interner Fehler beim Verarbeiten",
            [_internal_issue(dataset.id, state_dir)],
            warnings,
            started,
        )
    except Exception:  # a bug or an unforeseen input must not take the other datasets down
        return _keep_last_good(
            dataset.id,
            out_dir,
            previous,
            previous_package,
            "Interner Fehler beim Verarbeiten",
            [_internal_issue(dataset.id, state_dir)],
            warnings,
            started,
        )
    for resource in resources:
        resource.downloads = carry_over_copies(
            out_dir, resource, previous, previous_package, ctx.state_dir
        ) or write_spreadsheet_copies(out_dir, resource)
    record_copies(ctx.state_dir, resources)
    ctx.warnings += personal_data_warnings(dataset, out_dir, resources, ctx.state_dir)
    latest = _record_version(dataset, out_dir, resources, previous, state_dir, ctx.warnings)
    issued = (previous_package or {}).get("kommune", {}).get("issued") or now_iso()
    package = describe_dataset(
        dataset,
        portal,
        resources,
        content_hash=content_hash or ctx.content_hash,
        issued=issued,
        modified=_modified(previous_package, resources),
        extra={"version": {"number": latest["version"], "date": latest["date"]}} if latest else None,
        warnings=ctx.warnings,
    )
    replace_json(out_dir / PACKAGE_FILE, package, indent=2)
    # no time of checking in here either: the build report says when the build ran
    replace_json(
        out_dir / REPORT_FILE,
        {
            "valid": True,
            "issues": [],
            "rows": sum(r.row_count for r in resources),
            "warnings": [w.to_dict() for w in ctx.warnings],
            **ctx.details,
        },
        indent=2,
    )
    warnings += [w.describe() for w in ctx.warnings]
    if (dataset.folder / "README.md").exists():
        shutil.copyfile(dataset.folder / "README.md", out_dir / "README.md")
    # Linked first: equal files are shared with the previous release even when its status is not ok.
    unchanged = (
        previous is not None
        and previous_package is not None
        and _link_unchanged_files(out_dir, previous)
        and previous_package["kommune"].get("status") == "ok"
    )
    return DatasetResult(
        dataset.id,
        "unchanged" if unchanged else "ok",
        "unverändert" if unchanged else done,
        warnings=warnings,
        seconds=time.monotonic() - started,
        rows=sum(r.row_count for r in resources),
        details={**ctx.details, **ctx.run_facts},
    )


def _unchanged(
    dataset: DatasetConfig, previous, out_dir: Path, warnings: list[str], started: float, details: dict | None = None
) -> DatasetResult:
    """Carry the last good version over whole: nothing it was built from has changed."""
    _carry_over(previous, out_dir)
    warnings += _previous_personal_data_warnings(previous)  # the scan's findings still hold
    package = _read_package(out_dir) or {"resources": []}
    rows = sum(r.get("kommune", {}).get("rows", 0) for r in package["resources"])
    return DatasetResult(
        dataset.id,
        "unchanged",
        "unverändert",
        warnings=warnings,
        seconds=time.monotonic() - started,
        rows=rows,
        details=details or {},
    )


def _record_version(dataset, out_dir: Path, resources, previous: Path | None, state_dir: Path, warnings) -> dict | None:
    """The dataset's new version (pipelines.history), or None with a warning when the history
    cannot be written: the data is published all the same, without its version log."""
    try:
        return record_version(
            dataset.id,
            out_dir,
            [Table.of(out_dir, resource) for resource in resources],
            previous,
            HistoryStore(state_dir / "history" / dataset.id),
            keep=dataset.history.kept_versions,
            hidden_possible=(out_dir / AUDIT_FILE).exists(),
        )
    except OSError as error:
        if error.errno in DISK_FULL:
            raise
        issue = _internal_issue(dataset.id, state_dir)
    except Exception:  # a bug in the history must not withhold the data
        issue = _internal_issue(dataset.id, state_dir)
    for leftover in (out_dir / VERSIONS_FILE, out_dir / VERSIONS_DIR):
        shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)
    warnings.append(
        Issue(
            type="history-error",
            message="Die Versionsgeschichte konnte nicht geschrieben werden; die Daten sind veröffentlicht.",
            expected=issue.expected,
        )
    )
    return None


def personal_data_warnings(
    dataset: DatasetConfig, out_dir: Path, resources, state_dir: Path | None = None
) -> list[Issue]:
    """The PII scan over every published table of any kind: one warning per column and kind
    of personal data found, naming the number of rows (`--strict` makes it an error).

    With `state_dir`, the findings are remembered per table content and scan rules
    (`pii-scan.json`): a table published unchanged is not read again (a city's council
    archive would be read whole on every build)."""
    warnings: list[Issue] = []
    # a kind may know columns whose matches are public by nature (council members' names)
    allowed_kinds = {**KINDS[dataset.kind].PUBLIC_DATA, **dataset.privacy.allow_kinds}
    rules = hashlib.sha256(
        json.dumps([dataset.privacy.allow_values, allowed_kinds], sort_keys=True, default=str).encode()
        + Path(pii.__file__ or "").read_bytes()
    ).hexdigest()
    cache_path = state_dir / PII_SCAN_FILE if state_dir else None
    cache = read_json_object(cache_path) if cache_path else {}
    fresh: dict[str, list[dict]] = {}
    for resource in resources:
        key = f"{resource.csv.path}\0{resource.csv.sha256}\0{rules}"
        if key in cache:
            found = [Issue(**issue) for issue in cache[key]]
        else:
            with (out_dir / resource.csv.path).open(encoding="utf-8", newline="") as handle:
                findings = scan_published(csv.DictReader(handle), dataset.privacy.allow_values, allowed_kinds)
            found = [
                Issue(
                    type="personal-data",
                    file=resource.csv.path,
                    row=finding.first_row,
                    field=finding.column,
                    message=f"{finding.kind} in {finding.rows} veröffentlichten Zeilen der Spalte „{finding.column}“",
                    expected="keine personenbezogenen Daten; öffentliche Kontaktdaten in dataset.yaml unter "
                    "privacy.allow_values oder privacy.allow_kinds freigeben",
                )
                for finding in findings
            ]
        fresh[key] = [issue.to_dict() for issue in found]
        warnings += found
    if cache_path:
        replace_json(cache_path, fresh, indent=2)
    return warnings


def _previous_personal_data_warnings(previous: Path) -> list[str]:
    try:
        report = json.loads((previous / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        Issue(**warning).describe() for warning in report.get("warnings", []) if warning.get("type") == "personal-data"
    ]


def _internal_issue(dataset_id: str, state_dir: Path) -> Issue:
    """The issue for an exception no kind foresaw. Its text is internal (English, paths, data):
    it goes to the terminal and to `.build-state/fehler/`, never into the report a visitor
    sees, which names only a reference to find it by."""
    details = traceback.format_exc()
    reference = hashlib.sha256(f"{dataset_id}{time.time_ns()}{details}".encode()).hexdigest()[:10]
    log = state_dir / "fehler" / f"{dataset_id}-{reference}.txt"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(details, encoding="utf-8")
    except OSError:
        pass  # the terminal still has it
    print(f"Interner Fehler in {dataset_id} (Fehlerkennung {reference}):\n{details}", file=sys.stderr)
    return Issue(
        type="internal-error",
        message="Die Quelle konnte wegen eines Fehlers im Portal nicht verarbeitet werden.",
        expected=f"Bitte an das Portal-Team melden, mit der Fehlerkennung {reference}: die Einzelheiten stehen "
        f"in der Ausgabe des Builds (Terminal) und in .build-state/fehler/{log.name}",
    )


def _declaration_failed(
    dataset_id: str, problems: list, datasets_dir: Path, previous_datasets: Path | None
) -> DatasetResult:
    """A dataset whose declaration has mistakes: reported like a broken source, last good version kept."""
    started = time.monotonic()
    issues = [Issue(type="config-error", file=p.file, field=p.key or None, message=p.message) for p in problems]
    summary = "Deklaration fehlerhaft"
    if not DATASET_ID.match(dataset_id):  # never published under this name: nothing to keep, no folder to write
        return DatasetResult(dataset_id, "failed", summary, issues, seconds=time.monotonic() - started)
    previous = previous_datasets / dataset_id if previous_datasets else None
    previous_package = _read_package(previous) if previous else None
    return _keep_last_good(
        dataset_id, datasets_dir / dataset_id, previous, previous_package, summary, issues, [], started
    )


def fail_after_build(
    report: BuildReport,
    release_dir: Path,
    previous_dir: Path | None,
    dataset_id: str,
    summary: str,
    issues: list[Issue],
) -> DatasetResult:
    """A dataset built into `release_dir` that could not be published (a publisher failed on
    it): its version from `previous_dir` takes its place, marked stale, or, without one, it is
    left out (status failed). `report` and the release's build-report.json are updated."""
    started = time.monotonic()
    previous = previous_dir / DATASETS_DIR / dataset_id if previous_dir else None
    previous_package = _read_package(previous) if previous else None
    own = next((d for d in report.datasets if d.id == dataset_id), None)
    result = _keep_last_good(
        dataset_id,
        release_dir / DATASETS_DIR / dataset_id,
        previous,
        previous_package,
        summary,
        issues,
        own.warnings if own else [],
        started,
    )
    report.datasets = [result if d.id == dataset_id else d for d in report.datasets] + ([] if own else [result])
    path = release_dir / BUILD_REPORT_FILE
    written = json.loads(path.read_text(encoding="utf-8"))
    entries = [entry for entry in written["datasets"] if entry["id"] != dataset_id] + [result.to_dict()]
    replace_json(path, {**written, "datasets": sorted(entries, key=lambda entry: entry["id"])}, indent=2)
    return result


def _keep_last_good(
    dataset_id, out_dir, previous, previous_package, summary, issues, warnings, started
) -> DatasetResult:
    shutil.rmtree(out_dir, ignore_errors=True)
    report = {"valid": False, "summary": summary, "issues": [i.to_dict() for i in issues]}
    if previous_package is None:
        out_dir.mkdir(parents=True)
        replace_json(out_dir / REPORT_FILE, report, indent=2)
        return DatasetResult(dataset_id, "failed", summary, issues, warnings, time.monotonic() - started)
    _carry_over(previous, out_dir)
    previous_package["kommune"]["status"] = "stale"
    previous_package["kommune"]["stale_reason"] = summary + (f": {issues[0].describe()}" if issues else "")
    replace_json(out_dir / PACKAGE_FILE, previous_package, indent=2)
    replace_json(out_dir / REPORT_FILE, report, indent=2)
    rows = sum(r.get("kommune", {}).get("rows", 0) for r in previous_package["resources"])
    return DatasetResult(dataset_id, "stale", summary, issues, warnings, time.monotonic() - started, rows)


def dataset_hash(dataset: DatasetConfig) -> str | None:
    """Hash of everything that decides a local dataset's output (its kind's `local`); None for
    remote sources, which must be asked every time (the HTTP cache keeps that cheap; a kind
    may then name what it built from itself: RunContext.content_hash)."""
    return inputs_hash(dataset) if KINDS[dataset.kind].local(dataset) else None


def inputs_hash(dataset: DatasetConfig) -> str:
    """Hash of the pipeline's version, the dataset's folder and the files outside it its kind reads."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    # A kind may read files outside the dataset folder (the register reads metadata/services.yaml).
    outside = [path for path in KINDS[dataset.kind].inputs(dataset) if path.is_file()]
    for path in sorted(p for p in dataset.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts) + outside:
        digest.update(path.name.encode() if path in outside else str(path.relative_to(dataset.folder)).encode())
        digest.update(b"\0" + file_sha256(path).encode())
    return digest.hexdigest()


def _modified(previous_package: dict | None, resources) -> str:
    """Data is 'modified' only when a published file's content changed."""
    if previous_package:
        old = {r["name"]: r.get("hash") for r in previous_package["resources"]}
        new = {r.name: package_hash(r.csv.sha256) for r in resources}
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
    shutil.copytree(source, target, copy_function=link_or_copy)


def _link_unchanged_files(out_dir: Path, previous: Path) -> bool:
    """Put the previous release's file in place of every freshly written file with the same
    bytes (a hard link: same inode, same modification time), so an unchanged table is not
    written again; return whether every file was unchanged and no file vanished."""
    fresh = sorted(p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file())
    before = sorted(p.relative_to(previous) for p in previous.rglob("*") if p.is_file())
    all_same = fresh == before
    for name in fresh:
        old = previous / name
        if old.is_file() and os.path.samefile(old, out_dir / name):
            continue  # carried over already (spreadsheet copies): a rename onto itself would do nothing
        if old.is_file() and filecmp.cmp(old, out_dir / name, shallow=False):
            temporary = (out_dir / name).with_name(f".{name.name}.link")
            link_or_copy(str(old), str(temporary))
            os.replace(temporary, out_dir / name)
        else:
            all_same = False
    return all_same


def _files_complete(folder: Path, package: dict) -> bool:
    """Whether every file the package lists is still there with its recorded size: an earlier
    release that lost a file (by hand, a full disk) is built again, not carried over."""
    expected = [(r["path"], r.get("bytes")) for r in package["resources"]]
    expected += [
        (r["kommune"]["json"]["path"], r["kommune"]["json"].get("bytes"))
        for r in package["resources"]
        if r.get("kommune", {}).get("json")
    ]
    try:
        return all(size is None or (folder / name).stat().st_size == size for name, size in expected)
    except OSError:
        return False


def _read_package(folder: Path) -> dict | None:
    try:
        return json.loads((folder / PACKAGE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _previous_report(previous_dir: Path | None) -> dict:
    if previous_dir is None:
        return {}
    try:
        data = json.loads((previous_dir / BUILD_REPORT_FILE).read_text(encoding="utf-8"))
        return {d["id"]: d for d in data["datasets"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
