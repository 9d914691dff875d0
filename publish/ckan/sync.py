"""Publish ``build/`` to a CKAN (2.10–2.12): organisation, theme groups, one dataset per dataset.

The sync is idempotent: every dataset carries the content hash of what we sent, and a
dataset whose hash matches and whose resources CKAN serves as built (publish.ckan.verify) is
not written again. After every write CKAN's answer is checked the same way (with
``verify_downloads`` also every file, downloaded). The hash is written only with a dataset
that checked out: in one call in link mode, taken back when the check fails; last, after the
uploads and the check, when files are uploaded. So a run that breaks off or finds a mismatch
leaves no valid hash behind, and the next run writes the dataset again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from publish.build_folder import BuildFolder
from publish.catalogue import Catalogue, read_catalogue
from publish.ckan.client import CkanClient, CkanError, CkanNotFound, CkanRejected, CkanUnavailable
from publish.ckan.diff import FieldChange, package_changes
from publish.ckan.mapping import (
    HASH_KEY,
    MANAGED_BY_KEY,
    MANAGED_BY_VALUE,
    RESOURCE_KEY,
    TagChange,
    ckan_tags,
    extras_of,
    group_dict,
    organization_dict,
    package_dict,
)
from publish.ckan.verify import Mismatch, download_mismatches, resource_mismatches

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
DOWNLOAD_TIMEOUT = 60.0


class CkanServesOtherwise(CkanError):
    """After writing, CKAN serves a resource differently from the build."""


@dataclass
class Verifier:
    """Checks CKAN's answer for a dataset; with ``session`` it downloads every file too."""

    session: requests.Session | None = None
    timeout: float = DOWNLOAD_TIMEOUT

    def mismatches(self, stored: dict, desired: dict) -> list[Mismatch]:
        found = resource_mismatches(stored, desired)
        if not found and self.session is not None:
            found = download_mismatches(stored, desired, self.session, self.timeout)
        return found


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
    # Written again because CKAN served something other than the build (before the write).
    repaired: dict[str, list[Mismatch]] = field(default_factory=dict)
    tag_changes: dict[str, list[TagChange]] = field(default_factory=dict)
    upload: bool = False
    downloads_verified: bool = False
    writes: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted

    def outcome(self, name: str) -> str:
        """What happened to dataset ``name``: created, updated, repaired, unchanged, failed or not_attempted."""
        if name in self.failed:
            return "failed"
        if name in self.not_attempted:
            return "not_attempted"
        if name in self.created:
            return "created"
        if name in self.updated:
            return "repaired" if name in self.repaired else "updated"
        return "unchanged"

    def lines(self) -> list[str]:
        """The report as plain German lines for the terminal."""
        out = list(self.setup)
        checked = "Downloads geprüft" if self.downloads_verified else "Adressen, Größen und Prüfsummen geprüft"
        for name in self.created:
            out.append(f"+ {name}: {'würde angelegt' if self.dry_run else f'angelegt, {checked}'}")
            out.extend(self._notes(name))
        for name in self.updated:
            out.append(f"~ {name}: {'würde geändert' if self.dry_run else f'geändert, {checked}'}")
            out.extend(f"    CKAN liefert nicht, was gebaut wurde: {m}" for m in self.repaired.get(name, []))
            out.extend(f"    {change}" for change in self.changes.get(name, []))
            out.extend(self._notes(name))
        for name in self.unchanged:
            out.append(f"= {name}: unverändert{'' if self.dry_run else f', {checked}'}")
            out.extend(self._notes(name))
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

    def _notes(self, name: str) -> list[str]:
        return [f"    {change}" for change in self.tag_changes.get(name, [])]


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


def _without_hash(package: dict) -> list[dict]:
    return [e for e in package["extras"] if e["key"] != HASH_KEY]


def _write_package(
    client: CkanClient, desired: dict, current: dict | None, files: dict[str, Path], verifier: Verifier
) -> None:
    """Create or update one dataset, then check what CKAN serves (see the module docstring).

    Raises CkanServesOtherwise when the check fails; the dataset is then left without our hash.
    """
    staged = {**desired, "extras": _without_hash(desired)} if files else desired
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
    by_key = {r.get(RESOURCE_KEY): r for r in written["resources"]}
    for key, path in files.items():
        with path.open("rb") as handle:
            client.call("resource_patch", {"id": by_key[key]["id"], "url": path.name}, files={"upload": handle})
    stored = _object(client, "package_show", {"id": written["id"]})
    mismatches = verifier.mismatches(stored, desired)
    if mismatches:
        if not files:
            client.call("package_patch", {"id": written["id"], "extras": _without_hash(desired)})
        raise CkanServesOtherwise(
            "CKAN liefert nach dem Schreiben nicht, was gebaut wurde (der nächste Lauf schreibt den "
            "Datensatz erneut): " + "; ".join(str(m) for m in mismatches)
        )
    if files:
        client.call("package_patch", {"id": written["id"], "extras": desired["extras"]})


def _desired_packages(
    catalogue: Catalogue, upload: bool, report: PublishReport
) -> dict[str, tuple[dict, dict[str, Path]]]:
    packages = {}
    for entry in catalogue.datasets:
        package = package_dict(catalogue, entry, upload=upload)
        files = {d.key: d.path for d in entry.distributions if upload and d.path is not None}
        packages[entry.id] = (package, files)
        tag_changes = ckan_tags(entry.keywords)[1]
        if tag_changes:
            report.tag_changes[entry.id] = tag_changes
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
    verify_downloads: bool = False,
    progress: Progress | None = None,
    client: CkanClient | None = None,
) -> PublishReport:
    """Publish what ``build_dir`` holds to the CKAN at ``url``.

    ``token`` is a CKAN API token with rights to create the organisation, groups and
    datasets (the CLI reads it from $CKAN_API_TOKEN only). ``dry_run`` only reads and
    reports field-by-field what would change. ``prune`` deletes datasets this portal created
    that the build no longer declares; without it they are only reported. ``upload`` uploads
    the files instead of linking the portal's stable URLs. Every dataset's resources are checked
    against CKAN's answer (url, url_type, size, hash), before deciding it is unchanged and after
    writing it; ``verify_downloads`` also downloads every file from the address CKAN gives and
    compares its sha256 with the build's. A dataset CKAN serves otherwise is written again
    (``report.repaired``); one that still differs after writing fails and keeps no content hash,
    so the next run writes it again. Keywords CKAN would refuse as tags are cleaned
    (``report.tag_changes``). ``progress(done, total, name)`` is called after each dataset.

    Never raises for a single dataset: CKAN's rejection is recorded in ``report.failed``
    and the run continues; when CKAN stops answering, the rest is listed in
    ``report.not_attempted``. Raises CkanError only when the organisation or groups
    cannot be set up, since no dataset can be published without them.
    Raises BuildMissing without a build, CatalogueError when it is incomplete.
    """
    build = build_dir if isinstance(build_dir, BuildFolder) else BuildFolder.open(build_dir)
    catalogue = read_catalogue(build)
    client = client or CkanClient(url, token)
    report = PublishReport(dry_run=dry_run, upload=upload, downloads_verified=verify_downloads)
    verifier = Verifier(_download_session() if verify_downloads else None)
    organization = organization_dict(catalogue)
    _ensure(client, report, "organization", organization, dry_run)
    for theme in sorted({t for entry in catalogue.datasets for t in entry.themes}):
        _ensure(client, report, "group", group_dict(theme, catalogue.themes.get(theme, theme)), dry_run)

    packages = _desired_packages(catalogue, upload, report)
    names = list(packages)
    unavailable: CkanUnavailable | None = None
    for done, name in enumerate(names, start=1):
        if unavailable is not None:
            report.not_attempted.append(name)
            continue
        desired, files = packages[name]
        try:
            _sync_one(client, report, name, desired, files, dry_run, verifier)
        except CkanUnavailable as error:
            unavailable = error
            report.failed[name] = str(error)
        except CkanError as error:
            report.failed[name] = str(error)
        if progress:
            progress(done, len(names), name)
    if verifier.session is not None:
        verifier.session.close()
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
    verifier: Verifier,
) -> None:
    current = _show(client, "package_show", name)
    if current is not None and extras_of(current).get(MANAGED_BY_KEY) != MANAGED_BY_VALUE:
        raise CkanRejected(
            f"Name {name!r} ist in CKAN schon von einem Datensatz belegt, "
            "den das Portal nicht angelegt hat; nichts geändert",
            {},
        )
    wanted_hash = extras_of(desired)[HASH_KEY]
    same_hash = (
        current is not None and current.get("state") == "active" and extras_of(current).get(HASH_KEY) == wanted_hash
    )
    mismatches = verifier.mismatches(current, desired) if same_hash and current is not None else []
    if same_hash and not mismatches:
        report.unchanged.append(name)
        return
    if mismatches:
        report.repaired[name] = mismatches
    report.changes[name] = package_changes(current, desired, compare_urls=not files)
    (report.created if current is None else report.updated).append(name)
    if not dry_run:
        try:
            _write_package(client, desired, current, files, verifier)
        except CkanError:
            (report.created if current is None else report.updated).remove(name)
            raise


def _download_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "offene-kommune/ckan-verify"
    return session


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
