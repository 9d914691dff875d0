"""The public quality score of every dataset, computed once per build into `quality.json`.

Read by portal.db (`portal_datasets` columns and the table `portal_quality`), the dataset
pages, `/katalog/` and `/bericht/`. It holds nothing that changes from one run to the next
unless the quality itself changed (no check times, no ages), so an unchanged rebuild writes the
same file and reuses portal.db.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contracts.build_folder import QUALITY_FILE, REPORT_FILE
from contracts.files import file_sha256
from contracts.urls import safe_url
from publish.build_folder import BuildFolder
from publish.catalogue import Catalogue, DatasetEntry, read_catalogue
from publish.dataset_failure import for_dataset
from publish.dcat.graph import build_graph, dataset_uri, version_uri
from publish.dcat.write import CATALOGUE_FILES
from publish.freshness import promises
from publish.quality.links import LinkChecker, LinkResult, LinkSettings
from publish.quality.score import Evidence, assess

__all__ = ["LinkSettings", "assess_build"]

LINK_CACHE = "links.json"
SHACL_CACHE = "shacl.json"
CATALOGUE_TURTLE = next(iter(CATALOGUE_FILES))  # catalog.ttl: its hash keys the SHACL cache


def assess_build(
    build: BuildFolder,
    *,
    now: dt.datetime,
    shapes: Path | None,
    cache_dir: Path | None,
    known_hashes: Mapping[str, str] | None = None,
    link_settings: LinkSettings | None = None,
) -> dict[str, Any]:
    """Score every dataset of `build` as of `now` and write `quality.json`; returns its content.

    `shapes` is the DCAT-AP.de shapes folder (None or missing: the SHACL criterion is not
    assessed); `cache_dir` keeps link answers and the SHACL result between builds;
    `known_hashes` maps paths below the release (`datasets/<id>/<file>`) to their sha256 when
    already computed. Never raises for an unreachable link or missing shapes.
    """
    catalogue = read_catalogue(build)
    graph = build_graph(catalogue)
    freshness = promises(build.report, build.packages, now)
    shacl, shacl_missing = _shacl_by_dataset(build, catalogue, graph, shapes, cache_dir)
    internal = _internal_results(build, catalogue, known_hashes or {})
    external = {entry.id: _external_links(build.package(entry.id) or {}) for entry in catalogue.datasets}
    outside = {
        url
        for entry in catalogue.datasets
        for dist in entry.distributions
        for url in (dist.access_url, dist.download_url)
        if url and url not in internal
    }
    checker = LinkChecker(
        link_settings or LinkSettings.from_environment(),
        cache_dir / LINK_CACHE if cache_dir else None,
        now,
        user_agent=f"OffeneKommune-Linkpruefung (+{catalogue.base_url}/)",
    )
    links = {**checker.check({*outside, *(u for urls in external.values() for u in urls)}), **internal}
    datasets: dict[str, Any] = {}
    for entry in catalogue.datasets:
        package = build.package(entry.id) or {}
        evidence = Evidence(
            dataset=entry.id,
            node=dataset_uri(catalogue, entry),
            graph=graph,
            links=links,
            external_links=external[entry.id],
            shacl=shacl.get(entry.id, []) if shacl is not None else None,
            shacl_missing=shacl_missing,
            package=package,
            report=_report(build, entry.id),
            freshness=freshness[entry.id],
        )
        promise = freshness[entry.id]
        with for_dataset(entry.id, "Qualitätsbewertung"):
            scored = assess(evidence).to_dict()
        datasets[entry.id] = {
            **scored,
            "freshness": {
                "last_change": _iso(promise["last_change"]),
                "due": _iso(promise["due"]),
                "overdue": promise["overdue"],
                "reason": promise["reason"],
            },
        }
    document = {"datasets": datasets}
    path = build.root / QUALITY_FILE
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return document


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _report(build: BuildFolder, dataset_id: str) -> dict | None:
    path = build.dataset_dir(dataset_id) / REPORT_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _external_links(package: Mapping[str, Any]) -> list[str]:
    """The metadata's links a reader follows to other sites: licence text, publisher, contact,
    source. Vocabulary identifiers (themes, licence URIs) are names, not pages, and stay out."""
    meta = package.get("kommune") or {}
    candidates = [
        (meta.get("licence") or {}).get("url"),
        (meta.get("publisher") or {}).get("website"),
        (meta.get("contact") or {}).get("url"),
        (meta.get("source") or {}).get("url"),
    ]
    return sorted({url for url in candidates if url and (safe_url(url) or "").startswith(("http://", "https://"))})


def _internal_results(
    build: BuildFolder, catalogue: Catalogue, known_hashes: Mapping[str, str]
) -> dict[str, LinkResult]:
    """The portal's own addresses, answered from this release: it is not served yet while it
    is built, so asking the web server would check the previous one. A download resolves when
    its file is in the release with the size and sha256 the catalogue states."""
    results: dict[str, LinkResult] = {}
    for entry in catalogue.datasets:
        results[entry.landing_page] = LinkResult(entry.landing_page, "ok", "Seite dieses Datensatzes")
        for dist in entry.distributions:
            if dist.is_api:
                results[dist.access_url] = _table_result(entry, dist.access_url)
            elif dist.path is not None and dist.download_url:
                file_result = _file_result(build, dist.path, dist.byte_size, dist.sha256, known_hashes)
                results[dist.download_url] = LinkResult(dist.download_url, file_result[0], file_result[1])
                results.setdefault(dist.access_url, results[dist.download_url])
    return results


def _table_result(entry: DatasetEntry, url: str) -> LinkResult:
    table = url.rstrip("/").rsplit("/", 1)[-1]
    if table in entry.tables:
        return LinkResult(url, "ok", "Tabelle in der Datenabfrage")
    return LinkResult(url, "broken", f"Tabelle {table} fehlt in portal.db")


def _file_result(
    build: BuildFolder, path: Path, size: int | None, sha256: str | None, known_hashes: Mapping[str, str]
) -> tuple[str, str]:
    try:
        actual_size = path.stat().st_size
    except OSError:
        return "broken", f"Datei {path.name} fehlt"
    if size is not None and actual_size != size:
        return "broken", f"Datei {path.name} hat {actual_size} statt {size} Bytes"
    relative = path.relative_to(build.root).as_posix() if path.is_relative_to(build.root) else ""
    actual = known_hashes.get(relative) or file_sha256(path)
    if sha256 and actual != sha256:
        return "broken", f"Datei {path.name} hat eine andere Prüfsumme als angegeben"
    return "ok", "Datei vollständig"


def _shacl_by_dataset(
    build: BuildFolder, catalogue: Catalogue, graph, shapes: Path | None, cache_dir: Path | None
) -> tuple[dict[str, list[str]] | None, str]:
    """Each dataset's SHACL violations (German, with the property), or None and why not.

    pyshacl takes 10–100 s over the vocabularies, so the result is kept in `cache_dir` under
    the catalogue's sha256 and computed again only when the catalogue changed."""
    from publish.dcat.check import ShapesNotFound, check_graph

    if shapes is None or not Path(shapes).is_dir():
        return None, "die DCAT-AP.de-Shapes liegen nicht vor (--shapes, KOMMUNE_DCAT_SHAPES)"
    catalogue_file = build.root / CATALOGUE_TURTLE
    key = hashlib.sha256(
        (file_sha256(catalogue_file) if catalogue_file.is_file() else "").encode() + str(shapes).encode()
    ).hexdigest()
    cache_file = cache_dir / SHACL_CACHE if cache_dir else None
    if cache_file is not None and cache_file.is_file():
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return cached["datasets"], ""
        except (OSError, ValueError, KeyError):
            pass
    from publish.dcat.findings import group

    try:
        report = check_graph(graph, Path(shapes))
    except ShapesNotFound as error:
        return None, str(error)
    grouped = group(report, graph, CATALOGUE_TURTLE)
    by_iri = {str(dataset_uri(catalogue, entry)): entry.id for entry in catalogue.datasets}
    # An earlier version's dcat:Dataset is scored with the dataset it belongs to, not on its own.
    by_iri |= {str(version_uri(e, v.number)): e.id for e in catalogue.datasets for v in e.earlier_versions}
    found: dict[str, list[str]] = {entry.id: [] for entry in catalogue.datasets}
    for dataset in grouped.datasets:
        dataset_id = by_iri.get(dataset.iri)
        if dataset_id is None:
            continue
        for finding in [*dataset.findings, *(f for d in dataset.distributions for f in d.findings)]:
            if finding.severity == "Violation":
                found[dataset_id].append(f"{finding.property}: {finding.explanation}")
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps({"key": key, "datasets": found}, ensure_ascii=False), encoding="utf-8")
    return found, ""
