"""The portal's commands as Python functions: each works without the CLI.

This is the one module that calls both the pipelines and the publishers.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from contracts.build_folder import BUILD_REPORT_FILE, PUBLISH_RECORD_FILE
from kommune.releases import OutOfSpace, staged_release, state_dir
from pipelines.build import DISK_FULL, BuildReport, build_datasets, fail_after_build
from pipelines.config import PortalConfig
from pipelines.declarations import load_portal
from pipelines.errors import ConfigError, ConfigProblem, Issue, SettingInvalid
from publish import publish_build
from publish.build_folder import BuildFolder
from publish.catalogue import CatalogueError
from publish.dataset_failure import DatasetPublishFailed
from publish.dcat.check import shapes_dir
from publish.quality.links import LinkSettings

if TYPE_CHECKING:
    from pipelines.add import AddResult
    from publish.ckan import PublishReport
    from publish.dcat.findings import CheckResult

DEFAULT_OUT = Path("build")


def build(
    portal_dir: Path | str = ".",
    out: Path | str = DEFAULT_OUT,
    *,
    only: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the portal into a new release and swap it in atomically.

    Reads and validates all declarations first: mistakes in metadata/ or unknown names in `only`
    raise pipelines.errors.ConfigError with every problem; a dataset whose own declaration has
    mistakes fails alone like a dataset whose source is broken. A failing dataset does not stop
    the build, it is reported in the returned report and its last good version stays published.
    Raises kommune.releases.BuildLocked when another build of the same output runs,
    kommune.releases.OutOfSpace when the disk fills up (the previous release stays in place).
    """
    portal = load_portal(portal_dir, set_aside_invalid_datasets=True, check_kpi_queries=False)
    unknown = sorted(set(only or ()) - set(portal.datasets) - set(portal.invalid_datasets))
    if unknown:  # e.g. a typo, or `../x`: never a path, always a name from datasets/
        raise ConfigError([ConfigProblem(f"datasets/{name}", "", "kein solcher Datensatz") for name in unknown])
    try:  # a wrong KOMMUNE_LINK_* stops the build before any work, like a wrong KOMMUNE_HTTP_*
        link_settings = LinkSettings.from_environment()
    except ValueError as error:
        raise SettingInvalid(str(error)) from None
    out = Path(out)
    try:
        with staged_release(out) as stage:
            _carry_publish_record(stage.state_dir, stage.dir)
            report = build_datasets(portal, stage.dir, stage.previous, stage.state_dir, only=only, progress=progress)
            _publish_isolating_datasets(
                stage.dir,
                stage.previous,
                stage.state_dir / "publish",
                report,
                shapes_dir(Path(portal_dir)),
                link_settings,
            )
        report.file = out / BUILD_REPORT_FILE
    except (OSError, sqlite3.OperationalError) as error:
        if not _disk_full(error):
            raise
        raise OutOfSpace(
            f"Kein Platz mehr auf dem Datenträger ({error.__class__.__name__}: {error}); "
            f"der Build wurde abgebrochen, der bisherige Stand von {out} bleibt online"
        ) from error
    return report


def _carry_publish_record(state: Path, release_dir: Path) -> None:
    """The publish runs so far go into the new release, where /katalog/ reads them
    (publish/publish_record.py says why they are kept in the state folder)."""
    record = state / PUBLISH_RECORD_FILE
    if record.exists():
        shutil.copyfile(record, release_dir / PUBLISH_RECORD_FILE)


def _publish_isolating_datasets(
    release_dir: Path,
    previous: Path | None,
    cache_dir: Path,
    report: BuildReport,
    shapes: Path | None = None,
    link_settings: LinkSettings | None = None,
) -> None:
    """publish_build; a dataset a publisher fails on (publish.dataset_failure) gets its previous
    version back, marked stale, and publishing starts again; if that version fails too, the
    dataset is left out. Whatever else goes wrong stops the build, as before."""
    put_back: set[str] = set()  # the previous version is in the release now
    left_out: set[str] = set()
    while True:
        try:
            publish_build(release_dir, previous, cache_dir=cache_dir, shapes=shapes, link_settings=link_settings)
            return
        except DatasetPublishFailed as failure:
            dataset_id = failure.dataset_id
            if dataset_id in left_out:
                raise  # the dataset is gone and the step still fails on it: not the dataset's fault
            issue = Issue(
                type="publish-error",
                message=f"{type(failure.error).__name__}: {failure.error}",
                expected=f"Bitte an das Portal-Team melden (Schritt: {failure.step})",
            )
            result = fail_after_build(
                report,
                release_dir,
                None if dataset_id in put_back else previous,
                dataset_id,
                f"Veröffentlichen fehlgeschlagen ({failure.step})",
                [issue],
            )
            (put_back if result.status == "stale" else left_out).add(dataset_id)


def _disk_full(error: Exception) -> bool:
    if isinstance(error, OSError):
        return error.errno in DISK_FULL
    return "disk is full" in str(error) or "database or disk is full" in str(error)


VALIDATE_REPORT = "validate-report.json"


def validate(
    portal_dir: Path | str = ".",
    *,
    sources: bool = True,
    only: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    report_file: Path | str | None = None,
) -> tuple[PortalConfig, BuildReport | None]:
    """Check every declaration, then, if `sources`, read and validate every source into a
    throwaway folder: nothing is published.

    Without `sources`, any declaration mistake raises ConfigError with all problems. With
    `sources`, only mistakes in metadata/ (or unknown names in `only`) raise; a dataset whose
    own declaration has mistakes is reported like a broken source, so one run shows every
    problem of every dataset. The report is written to `report_file` (default
    `<portal_dir>/validate-report.json`) and its path set as `report.file`.
    """
    portal = load_portal(portal_dir, only=only, set_aside_invalid_datasets=sources)
    if not sources:
        return portal, None
    with tempfile.TemporaryDirectory(prefix="kommune-validate-") as scratch_name:
        scratch = Path(scratch_name)
        report = build_datasets(portal, scratch / "release", None, scratch / "state", progress=progress, done="geprüft")
        target = Path(report_file) if report_file else Path(portal_dir) / VALIDATE_REPORT
        shutil.copyfile(scratch / "release" / BUILD_REPORT_FILE, target)
    report.file = target
    return portal, report


def add(portal_dir: Path | str = ".", location: str = "", *, dataset_id: str | None = None) -> AddResult:
    """Draft `datasets/<id>/` from a file, folder or URL (see pipelines.add.add_dataset).
    Raises pipelines.add.AddFailed with a German message."""
    from pipelines.add import add_dataset

    return add_dataset(portal_dir, location, dataset_id=dataset_id)


def serve(out: Path | str = DEFAULT_OUT, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> None:
    """Serve the site and Datasette on one port in `workers` processes (default: one per core).
    Raises publish.build_folder.BuildMissing."""
    # Imported here: Datasette takes a good part of a second to import, which every
    # `kommune build` would otherwise pay (the demo's unchanged rebuild is ~2 s in all).
    from publish.server.app import serve as serve_build

    serve_build(Path(out), host=host, port=port, workers=workers)


def publish_ckan(
    out: Path | str = DEFAULT_OUT,
    url: str = "",
    *,
    dry_run: bool = False,
    prune: bool = False,
    upload: bool = False,
    verify: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> PublishReport:
    """Publish the current build to the CKAN at `url` (see publish.ckan.publish_ckan); `verify`
    downloads every file from CKAN's address and compares its sha256 with the build's.

    The API token comes from $CKAN_API_TOKEN only; raises publish.ckan.CkanTokenMissing when it
    is unset (a dry run may go without: it then sees only public datasets). Raises BuildMissing
    without a build, publish.ckan.CkanError when CKAN cannot be set up at all. A run that is not
    a dry run records each dataset's outcome in the state folder, from where the next build
    shows it on /katalog/ (publish/publish_record.py).
    """
    # Imported here, like Datasette in serve(): ckanapi is only needed by this command.
    from publish.ckan import TOKEN_ENV, CkanTokenMissing
    from publish.ckan import publish_ckan as publish_to_ckan

    token = os.environ.get(TOKEN_ENV) or None
    if token is None and not dry_run:
        raise CkanTokenMissing(f"Umgebungsvariable {TOKEN_ENV} ist nicht gesetzt (API-Token des CKAN-Kontos)")
    build = BuildFolder.open(out)
    report = publish_to_ckan(
        build.root,
        url,
        token,
        dry_run=dry_run,
        prune=prune,
        upload=upload,
        verify_downloads=verify,
        progress=progress,
    )
    if not dry_run:
        _record_ckan_run(state_dir(Path(out)) / PUBLISH_RECORD_FILE, url, report)
    return report


def _record_ckan_run(path: Path, url: str, report: PublishReport) -> None:
    from publish.publish_record import SUCCESSFUL, PublishOutcome, record_run

    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    names = report.created + report.updated + report.unchanged + list(report.failed) + report.not_attempted
    outcomes = {}
    for name in dict.fromkeys(names):  # "(Aufräumen)" in failed is no dataset
        if name.startswith("("):
            continue
        outcome = report.outcome(name)
        outcomes[name] = PublishOutcome(
            target="ckan",
            url=url.rstrip("/"),
            mode="upload" if report.upload else "link",
            at=at,
            outcome=outcome,
            checked="downloads" if report.downloads_verified else "metadata",
            last_success=at if outcome in SUCCESSFUL else None,
        )
    record_run(path, outcomes)


def check(
    portal_dir: Path | str = ".",
    out: Path | str = DEFAULT_OUT,
    *,
    source: str | Path | None = None,
    shapes: Path | str | None = None,
) -> CheckResult:
    """Validate a DCAT catalogue against the official DCAT-AP.de SHACL shapes, grouped by dataset.

    `source` is a file or http(s) address of any catalogue (Turtle, RDF/XML, JSON-LD); without
    it the build's own catalog.ttl in `out` is checked. `shapes` (else $KOMMUNE_DCAT_SHAPES,
    else ../shared/reference/dcat-ap-de beside the portal) is the folder with the shapes and
    vocabularies. Raises BuildMissing without a build, CatalogueUnreadable for input that
    cannot be read or parsed, ShapesNotFound when the shapes are not there.
    """
    from publish.dcat.check import check_graph, shapes_dir
    from publish.dcat.findings import group
    from publish.dcat.source import read_source

    if source is None:
        build = BuildFolder.open(out)
        source = build.root / "catalog.ttl"
        if not source.exists():
            raise CatalogueError(
                f"{source} fehlt: der Build ist älter als der Katalog, bitte `kommune build` ausführen"
            )
    reference_dir = shapes_dir(Path(portal_dir), shapes)
    data = read_source(source)
    return group(check_graph(data, reference_dir), data, str(source))
