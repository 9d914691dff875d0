"""Publish ``build/`` to a CKAN (2.10–2.12): organisation, theme groups, one dataset per dataset.

The sync is idempotent: every dataset carries the content hash of what we sent, and a
dataset whose hash matches is not written again. A dataset is written in one call (link
mode) or, when files are uploaded, the hash is written last, so a run that breaks off
leaves the old hash behind and the next run repairs the dataset.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from publish.build_folder import BuildFolder
from publish.catalogue import Catalogue, read_catalogue
from publish.ckan.client import CkanClient, CkanError, CkanNotFound, CkanRejected, CkanUnavailable
from publish.ckan.diff import FieldChange, package_changes
from publish.ckan.mapping import (
    HASH_KEY,
    MANAGED_BY_KEY,
    MANAGED_BY_VALUE,
    RESOURCE_KEY,
    extras_of,
    group_dict,
    organization_dict,
    package_dict,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]


@dataclass
class PublishReport:
    """What a run did (or, with dry_run, would do). ``ok`` is False if anything failed."""

    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    not_attempted: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)  # organisation and groups created or changed
    orphaned: list[str] = field(default_factory=list)  # in CKAN, ours, no longer in the build
    removed: list[str] = field(default_factory=list)
    changes: dict[str, list[FieldChange]] = field(default_factory=dict)
    writes: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted

    def lines(self) -> list[str]:
        """The report as plain German lines for the terminal."""
        out = list(self.setup)
        for name in self.created:
            out.append(f"+ {name}: {'würde angelegt' if self.dry_run else 'angelegt'}")
        for name in self.updated:
            out.append(f"~ {name}: {'würde geändert' if self.dry_run else 'geändert'}")
            out.extend(f"    {change}" for change in self.changes.get(name, []))
        for name in self.unchanged:
            out.append(f"= {name}: unverändert")
        for name in self.orphaned:
            if name in self.removed:
                out.append(f"- {name}: {'würde gelöscht' if self.dry_run else 'gelöscht'} (nicht mehr im Build)")
            else:
                out.append(f"? {name}: nicht mehr im Build; bleibt in CKAN (löschen mit --prune)")
        for name, message in self.failed.items():
            out.append(f"! {name}: FEHLER: {message}")
        for name in self.not_attempted:
            out.append(f"! {name}: nicht versucht, CKAN war nicht erreichbar")
        summary = (
            f"{len(self.created)} neu, {len(self.updated)} geändert, {len(self.unchanged)} unverändert, "
            f"{len(self.removed)} gelöscht, {len(self.failed) + len(self.not_attempted)} fehlgeschlagen"
            f"{'' if self.dry_run else f', {self.writes} Schreibzugriffe'}"
        )
        out.append(("Probelauf (nichts geändert): " if self.dry_run else "") + summary)
        return out


def _object(client: CkanClient, action: str, data: dict) -> dict:
    """Call an action that CKAN answers with one object; anything else is a broken CKAN."""
    result = client.call(action, data)
    if not isinstance(result, dict):
        raise CkanError(f"CKAN antwortete auf {action} nicht mit einem Objekt, sondern mit {type(result).__name__}")
    return result


def _show(client: CkanClient, action: str, name: str, **extra) -> dict | None:
    try:
        return _object(client, action, {"id": name, **extra})
    except CkanNotFound:
        return None


KIND_WORDS = {"organization": "Organisation", "group": "Gruppe"}


def _ensure(client: CkanClient, report: PublishReport, kind: str, desired: dict, dry_run: bool) -> None:
    """Show-then-create an organisation or group; patch it when its fields differ.

    CKAN may commit an organisation although the create call errors afterwards, so a
    "name already in use" answer counts as found. What was (or would be) done is added to
    ``report.setup``.
    """
    label = f"{KIND_WORDS[kind]} {desired['name']}"
    would = "würde " if dry_run else ""
    current = _show(client, f"{kind}_show", desired["name"])
    if current is None:
        report.setup.append(f"+ {label}: {would}angelegt")
        if dry_run:
            return
        try:
            client.call(f"{kind}_create", desired)
        except CkanRejected as error:
            if "already" not in str(error.details) and "bereits" not in str(error.details):
                raise
        return
    wanted_extras = {e["key"]: e["value"] for e in desired.get("extras", [])}
    differs = (
        current.get("title") != desired["title"]
        or current.get("description") != desired["description"]
        or extras_of(current) != wanted_extras
    )
    if differs:
        report.setup.append(f"~ {label}: {would}geändert")
        if not dry_run:
            client.call(f"{kind}_patch", {"id": current["id"], **{k: v for k, v in desired.items() if k != "name"}})


def _with_resource_ids(desired: dict, current: dict) -> dict:
    """Keep CKAN's resource ids (and so their URLs) for resources we update."""
    ids = {r.get(RESOURCE_KEY): r["id"] for r in current.get("resources") or [] if r.get(RESOURCE_KEY)}
    resources = [{**r, "id": ids[r[RESOURCE_KEY]]} if r[RESOURCE_KEY] in ids else r for r in desired["resources"]]
    return {**desired, "id": current["id"], "state": "active", "resources": resources}


def _write_package(client: CkanClient, desired: dict, current: dict | None, files: dict[str, Path]) -> None:
    """Create or update one dataset; with ``files`` upload them and write the hash last."""
    staged = {**desired, "extras": [e for e in desired["extras"] if e["key"] != HASH_KEY]} if files else desired
    if current is None:
        try:
            written = _object(client, "package_create", staged)
        except CkanRejected as error:
            # A retried create whose first attempt reached CKAN: the name is taken by us.
            name_taken = isinstance(error.details, dict) and "name" in error.details
            if not name_taken:
                raise
            current = _show(client, "package_show", desired["name"])
            if current is None or extras_of(current).get(MANAGED_BY_KEY) != MANAGED_BY_VALUE:
                raise
            written = _object(client, "package_update", _with_resource_ids(staged, current))
    else:
        written = _object(client, "package_update", _with_resource_ids(staged, current))
    if not files:
        return
    by_key = {r.get(RESOURCE_KEY): r for r in written["resources"]}
    for key, path in files.items():
        with path.open("rb") as handle:
            client.call("resource_patch", {"id": by_key[key]["id"], "url": path.name}, files={"upload": handle})
    client.call("package_patch", {"id": written["id"], "extras": desired["extras"]})


def _desired_packages(catalogue: Catalogue, upload: bool) -> dict[str, tuple[dict, dict[str, Path]]]:
    packages = {}
    for entry in catalogue.datasets:
        package = package_dict(catalogue, entry, upload=upload)
        files = {d.key: d.path for d in entry.distributions if upload and d.path is not None}
        packages[entry.id] = (package, files)
    return packages


def _ours_in_ckan(client: CkanClient, organization: str) -> list[str]:
    """Names of datasets in the organisation that this portal created."""
    names, start = [], 0
    while True:
        result = _object(
            client,
            "package_search",
            {
                "fq": f'organization:{organization} AND extras_{MANAGED_BY_KEY}:"{MANAGED_BY_VALUE}"',
                "include_private": True,
                "rows": 500,
                "start": start,
                "fl": "name",
            },
        )
        names += [r["name"] for r in result["results"]]
        start += 500
        if start >= result["count"]:
            return names


def _declared(build: BuildFolder, catalogue: Catalogue) -> set[str]:
    """Datasets the build knows, including failed ones that have no version to publish yet."""
    return {entry.id for entry in catalogue.datasets} | {entry["id"] for entry in build.report.get("datasets", [])}


def publish_ckan(
    build_dir: BuildFolder | Path,
    url: str,
    token: str | None,
    *,
    dry_run: bool = False,
    prune: bool = False,
    upload: bool = False,
    progress: Progress | None = None,
    client: CkanClient | None = None,
) -> PublishReport:
    """Publish what ``build_dir`` holds to the CKAN at ``url``.

    ``token`` is a CKAN API token with rights to create the organisation, groups and
    datasets (the CLI reads it from $CKAN_API_TOKEN only). ``dry_run`` only reads and
    reports field-by-field what would change. ``prune`` deletes datasets this portal created
    that the build no longer declares; without it they are only reported. ``upload`` uploads
    the files instead of linking the portal's stable URLs. ``progress(done, total, name)``
    is called after each dataset.

    Never raises for a single dataset: CKAN's rejection is recorded in ``report.failed``
    and the run continues; when CKAN stops answering, the rest is listed in
    ``report.not_attempted``. Raises CkanError only when the organisation or groups
    cannot be set up, since no dataset can be published without them.
    Raises BuildMissing without a build, CatalogueError when it is incomplete.
    """
    build = build_dir if isinstance(build_dir, BuildFolder) else BuildFolder.open(build_dir)
    catalogue = read_catalogue(build)
    client = client or CkanClient(url, token)
    report = PublishReport(dry_run=dry_run)
    organization = organization_dict(catalogue)
    _ensure(client, report, "organization", organization, dry_run)
    for theme in sorted({t for entry in catalogue.datasets for t in entry.themes}):
        _ensure(client, report, "group", group_dict(theme, catalogue.themes.get(theme, theme)), dry_run)

    packages = _desired_packages(catalogue, upload)
    names = list(packages)
    unavailable: CkanUnavailable | None = None
    for done, name in enumerate(names, start=1):
        if unavailable is not None:
            report.not_attempted.append(name)
            continue
        desired, files = packages[name]
        try:
            _sync_one(client, report, name, desired, files, dry_run, upload)
        except CkanUnavailable as error:
            unavailable = error
            report.failed[name] = str(error)
        except CkanError as error:
            report.failed[name] = str(error)
        if progress:
            progress(done, len(names), name)
    if unavailable is None:
        try:
            _prune(client, report, organization["name"], _declared(build, catalogue), prune, dry_run)
        except CkanError as error:
            report.failed["(Aufräumen)"] = str(error)
    report.writes = client.writes
    for line in report.lines():
        log.info("%s", line)
    return report


def _sync_one(
    client: CkanClient,
    report: PublishReport,
    name: str,
    desired: dict,
    files: dict[str, Path],
    dry_run: bool,
    upload: bool,
) -> None:
    current = _show(client, "package_show", name)
    if current is not None and extras_of(current).get(MANAGED_BY_KEY) != MANAGED_BY_VALUE:
        raise CkanRejected(
            f"Name {name!r} ist in CKAN schon von einem Datensatz belegt, "
            "den das Portal nicht angelegt hat; nichts geändert",
            {},
        )
    wanted_hash = extras_of(desired)[HASH_KEY]
    if current is not None and current.get("state") == "active" and extras_of(current).get(HASH_KEY) == wanted_hash:
        report.unchanged.append(name)
        return
    report.changes[name] = package_changes(current, desired, compare_urls=not upload)
    (report.created if current is None else report.updated).append(name)
    if not dry_run:
        try:
            _write_package(client, desired, current, files)
        except CkanError:
            (report.created if current is None else report.updated).remove(name)
            raise


def _prune(
    client: CkanClient, report: PublishReport, organization: str, declared: set[str], prune: bool, dry_run: bool
) -> None:
    if dry_run and _show(client, "organization_show", organization) is None:
        return
    for name in sorted(set(_ours_in_ckan(client, organization)) - declared):
        report.orphaned.append(name)
        if prune:
            if not dry_run:
                client.call("package_delete", {"id": name})
            report.removed.append(name)
