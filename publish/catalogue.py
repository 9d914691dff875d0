"""The portal's catalogue as read from ``build/``: one entry per published dataset.

DCAT-AP.de (``publish/dcat``), CKAN (``publish/ckan``) and the site's catalogue page all
describe the same datasets with the same URLs, sizes and checksums; this module computes
them once from ``build/portal.json`` and ``build/datasets/<id>/datapackage.json`` so the
three cannot drift apart.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# Where the site keeps each dataset's downloads (docs/architecture.md: build/site/).
DOWNLOADS_PATH = "datensaetze"
# Where `kommune serve` mounts Datasette beside the static site.
DEFAULT_DATASETTE_PATH = "datasette"
DATASETTE_DATABASE = "portal"

SAMPLE_NOTE = "Hinweis: Dieser Datensatz enthält synthetische Beispieldaten."
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"

# File suffix -> (EU file-type code, IANA media type). Only formats the build writes.
FILE_FORMATS: dict[str, tuple[str, str]] = {
    ".csv": ("CSV", "text/csv"),
    ".json": ("JSON", "application/json"),
    ".geojson": ("GEOJSON", "application/geo+json"),
    ".ttl": ("RDF_TURTLE", "text/turtle"),
    ".rdf": ("RDF_XML", "application/rdf+xml"),
    ".jsonld": ("JSON_LD", "application/ld+json"),
    ".xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class CatalogueError(Exception):
    """``build/`` does not hold what the catalogue needs (missing file or field)."""


@dataclass(frozen=True)
class Distribution:
    """One downloadable file or API view of a dataset."""

    key: str  # stable within the dataset, e.g. "gewerbeanmeldungen.csv" or "api:gewerbeanmeldungen"
    title: str
    description: str
    access_url: str
    download_url: str | None
    file_type: str  # EU file-type code, e.g. "CSV"
    media_type: str  # IANA media type, e.g. "text/csv"
    byte_size: int | None = None
    sha256: str | None = None
    path: Path | None = None  # the file in build/, None for API views
    is_api: bool = False
    conforms_to: str | None = None

    @property
    def file_type_uri(self) -> str:
        return EU_FILE_TYPE + self.file_type

    @property
    def media_type_uri(self) -> str:
        return IANA_MEDIA_TYPE + self.media_type


@dataclass(frozen=True)
class Licence:
    code: str
    uri: str
    title: str
    ckan_id: str
    attribution: bool


@dataclass(frozen=True)
class Agent:
    """The publishing body (``metadata/publisher.yaml``, possibly overridden per dataset)."""

    name: str
    ags: str
    homepage: str | None
    type: str  # ADMS publisher type code, e.g. "LocalAuthority"
    contributor_id: str | None

    @property
    def political_geocoding_uri(self) -> str:
        return f"http://dcat-ap.de/def/politicalGeocoding/municipalityKey/{self.ags}"


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None
    url: str | None
    phone: str | None = None


@dataclass(frozen=True)
class DatasetEntry:
    id: str
    title: str
    description: str
    keywords: list[str]
    themes: list[str]  # EU data-theme codes
    frequency: str | None  # EU frequency code
    licence: Licence
    publisher: Agent
    contact: Contact
    temporal_start: str | None
    temporal_end: str | None
    spatial_name: str
    spatial_ags: str
    spatial_level: str
    musterdatenkatalog: str | None
    issued: str | None
    modified: str | None
    sample: bool
    status: str
    content_hash: str
    landing_page: str
    family: str
    distributions: list[Distribution] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    @property
    def public_description(self) -> str:
        """The description as published; synthetic demo data says so."""
        return self.description + (f"\n\n{SAMPLE_NOTE}" if self.sample else "")

    @property
    def political_geocoding_uri(self) -> str:
        return f"http://dcat-ap.de/def/politicalGeocoding/municipalityKey/{self.spatial_ags}"

    @property
    def political_geocoding_level_uri(self) -> str:
        return f"http://dcat-ap.de/def/politicalGeocoding/Level/{self.spatial_level}"


@dataclass(frozen=True)
class Catalogue:
    title: str
    description: str
    base_url: str
    datasette_url: str
    publisher: Agent
    contact: Contact
    licence: Licence
    themes: dict[str, str]  # EU code -> German title
    datasets: list[DatasetEntry]

    def dataset(self, dataset_id: str) -> DatasetEntry:
        for entry in self.datasets:
            if entry.id == dataset_id:
                return entry
        raise KeyError(dataset_id)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CatalogueError(f"{path}: Datei fehlt im Build") from error
    except json.JSONDecodeError as error:
        raise CatalogueError(f"{path}: kein gültiges JSON ({error})") from error


def file_digest(path: Path) -> tuple[int, str]:
    """Return ``(byte size, sha256 hex)`` of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def file_format(path: Path) -> tuple[str, str]:
    """EU file-type code and IANA media type of a build file, by suffix.

    Raises CatalogueError for a suffix the catalogue has no mapping for, so that no
    distribution is published with a wrong or missing format.
    """
    try:
        return FILE_FORMATS[path.suffix.lower()]
    except KeyError as error:
        raise CatalogueError(f"{path.name}: Dateiformat {path.suffix!r} ist nicht zugeordnet") from error


def _licence(portal: dict, code: str) -> Licence:
    licences = portal.get("licences") or {}
    info = licences.get(code)
    if info is None:
        raise CatalogueError(f"Lizenz {code!r} fehlt in metadata/licences.yaml")
    uri = info.get("uri") or info.get("path")
    if not uri:
        raise CatalogueError(f"Lizenz {code!r}: DCAT-AP.de-URI fehlt")
    return Licence(
        code=code,
        uri=uri,
        title=info.get("title") or code,
        ckan_id=info.get("ckan_id") or info.get("ckan") or uri,
        attribution=bool(info.get("attribution", "-by" in code)),
    )


def _agent(data: dict, fallback: dict) -> Agent:
    merged = {**fallback, **{k: v for k, v in (data or {}).items() if v not in (None, "")}}
    for key in ("name", "ags"):
        if not merged.get(key):
            raise CatalogueError(f"Herausgeber: Feld {key!r} fehlt (metadata/publisher.yaml)")
    return Agent(
        name=merged["name"],
        ags=str(merged["ags"]),
        homepage=merged.get("homepage") or merged.get("url"),
        type=merged.get("type") or "LocalAuthority",
        contributor_id=merged.get("contributor_id"),
    )


def _contact(data: dict | None, fallback: dict | None) -> Contact:
    merged = {**(fallback or {}), **{k: v for k, v in (data or {}).items() if v not in (None, "")}}
    if not (merged.get("email") or merged.get("url")):
        raise CatalogueError("Kontakt: E-Mail oder Webadresse fehlt (metadata/publisher.yaml)")
    return Contact(
        name=merged.get("name") or "",
        email=merged.get("email"),
        url=merged.get("url"),
        phone=merged.get("phone"),
    )


def portal_base_url(portal: dict) -> str:
    """The portal's public base URL without trailing slash (site.yaml ``base_url``)."""
    return ((portal.get("site") or {}).get("base_url") or DEFAULT_BASE_URL).rstrip("/")


def dataset_urls(base_url: str, dataset_id: str) -> tuple[str, str]:
    """Landing page and download folder URL of a dataset on the site."""
    landing = f"{base_url}/{DOWNLOADS_PATH}/{dataset_id}/"
    return landing, landing


def _distributions(
    package: dict, package_dir: Path, download_base: str, datasette_url: str
) -> tuple[list[Distribution], list[str]]:
    distributions: list[Distribution] = []
    tables: list[str] = []
    for resource in package.get("resources") or []:
        name = resource.get("name")
        rel_path = resource.get("path")
        if not name or not rel_path:
            raise CatalogueError(f"{package_dir.name}: Ressource ohne name/path in datapackage.json")
        title = resource.get("title") or name
        description = resource.get("description") or ""
        tables.append(name)
        declared = Path(rel_path)
        # The build writes each resource as declared plus a JSON copy (write_resource).
        suffixes = dict.fromkeys([declared.suffix, ".csv", ".json"])
        for suffix in suffixes:
            path = package_dir / (declared.stem + suffix)
            if suffix != declared.suffix and not path.exists():
                continue
            size, sha256 = file_digest(path)
            file_type, media_type = file_format(path)
            url = download_base + path.name
            distributions.append(Distribution(
                key=path.name, title=f"{title} ({file_type})", description=description,
                access_url=url, download_url=url, file_type=file_type, media_type=media_type,
                byte_size=size, sha256=sha256, path=path,
            ))
        table_url = f"{datasette_url}/{name}"
        distributions.append(Distribution(
            key=f"api:{name}", title=f"{title} (Datasette-API)",
            description="Abfrage, Filter und Export über die Datasette-API (JSON).",
            access_url=table_url, download_url=None, file_type="JSON", media_type="application/json",
            is_api=True,
        ))
    descriptor = package_dir / "datapackage.json"
    size, sha256 = file_digest(descriptor)
    url = download_base + descriptor.name
    distributions.append(Distribution(
        key="datapackage.json", title="Datenpaket-Beschreibung (Frictionless Data Package)",
        description="Schema, Lizenz und Herkunft aller Dateien dieses Datensatzes.",
        access_url=url, download_url=url, file_type="JSON", media_type="application/json",
        byte_size=size, sha256=sha256, path=descriptor,
        conforms_to="https://specs.frictionlessdata.io/data-package/",
    ))
    return distributions, tables


def _entry(package_dir: Path, portal: dict, base_url: str, datasette_url: str) -> DatasetEntry:
    package = _read_json(package_dir / "datapackage.json")
    meta = package.get("kommune") or {}
    dataset_id = package.get("name") or package_dir.name
    licences = package.get("licenses") or []
    licence_code = licences[0]["name"] if licences else (portal.get("publisher") or {}).get("licence")
    if not licence_code:
        raise CatalogueError(f"{dataset_id}: keine Lizenz angegeben")
    publisher = _agent(meta.get("publisher") or {}, portal.get("publisher") or {})
    spatial = meta.get("spatial") or {}
    temporal = meta.get("temporal") or {}
    landing, download_base = dataset_urls(base_url, dataset_id)
    distributions, tables = _distributions(package, package_dir, download_base, datasette_url)
    if not package.get("title") or not package.get("description"):
        raise CatalogueError(f"{dataset_id}: Titel oder Beschreibung fehlt in datapackage.json")
    return DatasetEntry(
        id=dataset_id,
        title=package["title"],
        description=package["description"],
        keywords=list(package.get("keywords") or []),
        themes=list(meta.get("themes") or []),
        frequency=meta.get("frequency"),
        licence=_licence(portal, licence_code),
        publisher=publisher,
        contact=_contact(meta.get("contact"), (portal.get("publisher") or {}).get("contact")),
        temporal_start=_iso_date(temporal.get("start")),
        temporal_end=_iso_date(temporal.get("end")),
        spatial_name=spatial.get("name") or publisher.name,
        spatial_ags=str(spatial.get("ags") or publisher.ags),
        spatial_level=spatial.get("level") or "municipality",
        musterdatenkatalog=meta.get("musterdatenkatalog"),
        issued=meta.get("issued"),
        modified=meta.get("modified"),
        sample=bool(meta.get("sample")),
        status=meta.get("status") or "ok",
        content_hash=meta.get("content_hash") or "",
        landing_page=landing,
        family=meta.get("family") or "allgemein",
        distributions=distributions,
        tables=tables,
    )


def _iso_date(value) -> str | None:
    return str(value)[:10] if value else None


def read_catalogue(build_dir: Path) -> Catalogue:
    """Read ``build/`` into a Catalogue of every dataset that has a ``datapackage.json``.

    Datasets whose last run failed but whose last good version is still in the build are
    included (``status`` "stale"); the catalogue describes what the portal serves.
    Raises CatalogueError when ``portal.json`` or a data package is missing or incomplete.
    """
    build_dir = Path(build_dir)
    portal = _read_json(build_dir / "portal.json")
    publisher_data = portal.get("publisher") or {}
    site = portal.get("site") or {}
    base_url = portal_base_url(portal)
    datasette_path = (site.get("datasette_path") or DEFAULT_DATASETTE_PATH).strip("/")
    datasette_url = f"{base_url}/{datasette_path}/{DATASETTE_DATABASE}"
    datasets_dir = build_dir / "datasets"
    entries = [
        _entry(package_dir, portal, base_url, datasette_url)
        for package_dir in sorted(datasets_dir.iterdir() if datasets_dir.exists() else [])
        if (package_dir / "datapackage.json").exists()
    ]
    licence_code = publisher_data.get("licence") or (entries[0].licence.code if entries else None)
    if not licence_code:
        raise CatalogueError("metadata/publisher.yaml: Standardlizenz (licence) fehlt")
    themes = {code: (info.get("title") if isinstance(info, dict) else str(info)) or code
              for code, info in (portal.get("themes") or {}).items()}
    return Catalogue(
        title=site.get("title") or f"Offene Daten {publisher_data.get('name', '')}".strip(),
        description=site.get("description") or site.get("title") or "Offene Daten",
        base_url=base_url,
        datasette_url=datasette_url,
        publisher=_agent({}, publisher_data),
        contact=_contact(None, publisher_data.get("contact")),
        licence=_licence(portal, licence_code),
        themes=themes,
        datasets=entries,
    )
