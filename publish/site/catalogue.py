"""The catalogue page (/katalog/): which dataset is published where – site, Datasette, CKAN,
DCAT-AP.de – with the metadata harvesters (Open.NRW, GovData) read, when each was last
published to a catalogue and with what result (the publish record, publish/publish_record.py);
and the catalogue files at stable addresses (/catalog.ttl, /catalog.rdf, /catalog.jsonld)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from contracts.german import german_datetime
from publish.catalogue import Catalogue, DatasetEntry, read_catalogue
from publish.dcat.graph import catalogue_uri, dataset_uri
from publish.dcat.write import CATALOGUE_FILES
from publish.freshness import LOCAL_TIME, promises
from publish.publish_record import PublishOutcome, read_record
from publish.site.context import SiteContext

FORMAT_NAMES = {"GEOJSON": "GeoJSON", "RDF_TURTLE": "Turtle", "RDF_XML": "RDF/XML", "JSON_LD": "JSON-LD"}
TARGET_NAMES = {"ckan": "CKAN"}
MODE_WORDS = {"upload": "Dateien hochgeladen", "link": "Dateien verlinkt"}
OUTCOME_WORDS = {
    "created": "neu angelegt",
    "updated": "aktualisiert",
    "repaired": "repariert (CKAN lieferte nicht den gebauten Stand)",
    "unchanged": "unverändert",
    "failed": "fehlgeschlagen",
    "not_attempted": "nicht versucht (CKAN nicht erreichbar)",
}
CHECK_WORDS = {
    "metadata": "Adressen, Größen und Prüfsummen mit dem Build verglichen",
    "downloads": "alle Dateien heruntergeladen und mit dem Build verglichen",
}


@dataclass(frozen=True)
class PublishLine:
    """One catalogue a dataset was last published to, in words for the page."""

    ok: bool
    catalogue: str
    when: str
    result: str
    how: str
    last_success: str | None  # shown when the latest run failed


def _local(moment: str | None) -> str | None:
    if not moment:
        return None
    try:
        return german_datetime(dt.datetime.fromisoformat(moment).astimezone(LOCAL_TIME))
    except ValueError:
        return None


def publish_lines(outcomes: list[PublishOutcome]) -> list[PublishLine]:
    return [
        PublishLine(
            ok=outcome.ok,
            catalogue=f"{TARGET_NAMES.get(outcome.target, outcome.target)} ({urlsplit(outcome.url).netloc})",
            when=_local(outcome.at) or "–",
            result=OUTCOME_WORDS[outcome.outcome],
            how=f"{MODE_WORDS[outcome.mode]}; {CHECK_WORDS[outcome.checked]}",
            last_success=None if outcome.ok else _local(outcome.last_success),
        )
        for outcome in outcomes
    ]


@dataclass(frozen=True)
class CatalogueRow:
    """One dataset on the catalogue page."""

    entry: DatasetEntry
    page_url: str  # the entry's page on this site (the KPI file's is the dashboard)
    ckan_url: str | None
    dcat_uri: str
    themes: list[str]
    formats: list[str]
    published: list[PublishLine]
    quality: dict[str, Any] | None = None  # percent, rating, the biggest deductions
    promise: dict[str, Any] = field(default_factory=dict)  # publish.freshness.health


def main_deductions(quality: dict[str, Any], count: int = 3) -> list[str]:
    """The criteria that lost the most points, as "Kriterium (−20)"."""
    lost = [
        (criterion["max_points"] - criterion["points"], criterion["name"])
        for criterion in quality.get("criteria", [])
        if criterion["assessed"] and criterion["points"] < criterion["max_points"]
    ]
    return [
        f"{name} (−{points:g})".replace(".", ",") for points, name in sorted(lost, key=lambda x: (-x[0], x[1]))[:count]
    ]


def catalogue_rows(
    catalogue: Catalogue,
    ckan_url: str | None = None,
    quality: dict[str, dict] | None = None,
    freshness: dict[str, dict] | None = None,
    record: dict[str, list[PublishOutcome]] | None = None,
) -> list[CatalogueRow]:
    """Rows for the page; ``ckan_url`` (site.yaml) adds each dataset's CKAN address, ``quality``
    (quality.json) its score, ``freshness`` (publish.freshness.promises) its promise, ``record``
    (the publish record) when and how each dataset was last published to other catalogues."""
    quality = quality or {}
    return [
        CatalogueRow(
            entry=entry,
            page_url=entry.landing_page.removeprefix(catalogue.base_url),
            ckan_url=f"{ckan_url.rstrip('/')}/dataset/{entry.id}" if ckan_url else None,
            dcat_uri=str(dataset_uri(catalogue, entry)),
            themes=[catalogue.themes.get(code, code) for code in entry.themes],
            formats=sorted({FORMAT_NAMES.get(d.file_type, d.file_type) for d in entry.distributions if not d.is_api}),
            quality=(
                {**quality[entry.id], "deductions": main_deductions(quality[entry.id])} if entry.id in quality else None
            ),
            promise=(freshness or {}).get(entry.id, {}),
            published=publish_lines((record or {}).get(entry.id, [])),
        )
        for entry in catalogue.all_entries
    ]


def catalogue_files(catalogue: Catalogue) -> list[dict[str, str]]:
    """The machine-readable catalogue files with their URLs and media types."""
    return [
        {"name": name, "url": f"{catalogue.base_url}/{name}", "media_type": media_type}
        for name, (_fmt, media_type) in CATALOGUE_FILES.items()
    ]


def render(site: SiteContext) -> None:
    catalogue = read_catalogue(site.build)
    for name in CATALOGUE_FILES:
        site.publish_file(site.build.root / name, name)
    ckan_url = (site.portal.get("site") or {}).get("ckan_url")
    record = read_record(site.build.publish_record_file)
    site.write_page(
        "katalog",
        "catalogue.html",
        catalogue=catalogue,
        rows=catalogue_rows(
            catalogue, ckan_url, site.quality, promises(site.build.report, site.packages, site.now), record
        ),
        published_anywhere=bool(record),
        files=catalogue_files(catalogue),
        catalogue_uri=str(catalogue_uri(catalogue)),
        ckan_url=ckan_url,
    )
