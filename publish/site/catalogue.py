"""The site's catalogue page (/katalog/): which dataset is published where, with the
metadata harvesters (Open.NRW, GovData) read from the DCAT-AP.de catalogue."""
from __future__ import annotations

from dataclasses import dataclass

from publish.catalogue import Catalogue, DatasetEntry
from publish.dcat.graph import dataset_uri
from publish.dcat.write import CATALOGUE_FILES

FREQUENCIES_DE = {
    "DAILY": "täglich", "WEEKLY": "wöchentlich", "MONTHLY": "monatlich", "QUARTERLY": "vierteljährlich",
    "ANNUAL": "jährlich", "IRREG": "unregelmäßig", "CONT": "laufend", "NEVER": "keine Aktualisierung",
    "BIWEEKLY": "alle zwei Wochen", "BIMONTHLY": "alle zwei Monate", "ANNUAL_2": "halbjährlich",
    "UNKNOWN": "unbekannt",
}
FORMAT_NAMES = {"JSON": "JSON", "CSV": "CSV", "GEOJSON": "GeoJSON"}


@dataclass(frozen=True)
class CatalogueRow:
    """One dataset on the catalogue page."""

    id: str
    title: str
    status: str
    sample: bool
    site_url: str
    datasette_urls: list[str]
    ckan_url: str | None
    dcat_uri: str
    licence_title: str
    licence_uri: str
    themes: list[str]
    frequency: str
    temporal: str
    modified: str
    formats: list[str]
    contact: str


def _temporal(entry: DatasetEntry) -> str:
    if entry.temporal_start and entry.temporal_end:
        return f"{_german_date(entry.temporal_start)} bis {_german_date(entry.temporal_end)}"
    if entry.temporal_start:
        return f"seit {_german_date(entry.temporal_start)}"
    return "—"


def _german_date(iso: str) -> str:
    year, month, day = iso[:10].split("-")
    return f"{day}.{month}.{year}"


def catalogue_rows(catalogue: Catalogue, ckan_url: str | None = None) -> list[CatalogueRow]:
    """Rows for the catalogue page; ``ckan_url`` (site.yaml) adds the CKAN link per dataset."""
    rows = []
    for entry in catalogue.datasets:
        formats = sorted({FORMAT_NAMES.get(d.file_type, d.file_type) for d in entry.distributions if not d.is_api})
        rows.append(CatalogueRow(
            id=entry.id,
            title=entry.title,
            status=entry.status,
            sample=entry.sample,
            site_url=entry.landing_page,
            datasette_urls=[f"{catalogue.datasette_url}/{table}" for table in entry.tables],
            ckan_url=f"{ckan_url.rstrip('/')}/dataset/{entry.id}" if ckan_url else None,
            dcat_uri=str(dataset_uri(catalogue, entry)),
            licence_title=entry.licence.title,
            licence_uri=entry.licence.uri,
            themes=[catalogue.themes.get(code, code) for code in entry.themes],
            frequency=FREQUENCIES_DE.get(entry.frequency or "", entry.frequency or "—"),
            temporal=_temporal(entry),
            modified=_german_date(entry.modified) if entry.modified else "—",
            formats=formats,
            contact=entry.contact.email or entry.contact.url or "",
        ))
    return rows


def catalogue_files(catalogue: Catalogue) -> list[dict[str, str]]:
    """The machine-readable catalogue files with their URLs and media types."""
    return [{"name": name, "url": f"{catalogue.base_url}/{name}", "media_type": media_type}
            for name, (_fmt, media_type) in CATALOGUE_FILES.items()]
