"""Reading ``build/`` into the Catalogue."""

from __future__ import annotations

import json
from pathlib import Path

from contracts.build_folder import PACKAGE_FILE, VERSIONS_FILE
from contracts.files import file_sha256, hex_of_package_hash
from contracts.history import REASONS
from contracts.kpi_file import CSV_FILE, JSON_FILE, JSON_SCHEMA_FILE, TABLE_SCHEMA_FILE
from publish.build_folder import BuildFolder
from publish.catalogue.model import (
    SAMPLE_NOTE,
    Agent,
    Catalogue,
    CatalogueError,
    Contact,
    DatasetEntry,
    Distribution,
    EarlierVersion,
    Licence,
)
from publish.dataset_failure import for_dataset

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# Where the site keeps each dataset's page and downloads (publish/site/core.py).
DOWNLOADS_PATH = "datensaetze"
DATASETTE_DATABASE = "portal"
DEFAULT_PUBLISHER_TYPE = "LocalAuthority"  # ADMS publisher type of a municipality
DATA_PACKAGE_SPEC = "https://specs.frictionlessdata.io/data-package/"

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


def file_digest(path: Path) -> tuple[int, str]:
    """Return ``(byte size, sha256 hex)`` of a file, read in blocks.

    Raises CatalogueError when the file is missing from the build."""
    try:
        return path.stat().st_size, file_sha256(path)
    except FileNotFoundError as error:
        raise CatalogueError(f"{path}: Datei fehlt im Build") from error


def _size_and_sha256(path: Path, described: dict) -> tuple[int, str]:
    """Size and sha256 as the data package states them (Frictionless ``bytes``/``hash``),
    computed from the file where it does not."""
    digest = hex_of_package_hash(str(described.get("hash") or ""))
    if described.get("bytes") is not None and digest is not None:
        return int(described["bytes"]), digest
    return file_digest(path)


def file_format(path: Path) -> tuple[str, str]:
    """EU file-type code and IANA media type of a build file, by suffix.

    Raises CatalogueError for a suffix the catalogue has no mapping for, so that no
    distribution is published with a wrong or missing format.
    """
    try:
        return FILE_FORMATS[path.suffix.lower()]
    except KeyError as error:
        raise CatalogueError(f"{path.name}: Dateiformat {path.suffix!r} ist nicht zugeordnet") from error


def _licence(info: dict | None, code: str | None) -> Licence:
    """A licence from metadata/licences.yaml (as resolved into portal.json / datapackage.json)."""
    if not code or not info or not info.get("uri"):
        raise CatalogueError(f"Lizenz {code!r} fehlt in metadata/licences.yaml oder hat keine DCAT-AP.de-URI")
    return Licence(
        code=code,
        uri=info["uri"],
        title=info.get("title") or code,
        # CKANs with ckanext-dcatde use the DCAT-AP.de URI as licence id.
        ckan_id=info.get("ckan_id") or info["uri"],
        attribution=bool(info.get("attribution_required", True)),
    )


def _agent(publisher: dict) -> Agent:
    """The publisher from metadata/publisher.yaml (or a dataset's override of it)."""
    for key in ("name", "short_name", "municipality_key"):
        if not publisher.get(key):
            raise CatalogueError(f"Herausgeber: Feld {key!r} fehlt (metadata/publisher.yaml)")
    return Agent(
        name=publisher["name"],
        short_name=publisher["short_name"],
        ags=str(publisher["municipality_key"]),
        homepage=publisher.get("website"),
        type=publisher.get("type") or DEFAULT_PUBLISHER_TYPE,
        contributor_id=publisher.get("contributor_id"),
    )


def _contact(contact: dict | None) -> Contact:
    contact = contact or {}
    if not (contact.get("email") or contact.get("url")):
        raise CatalogueError("Kontakt: E-Mail oder Webadresse fehlt (metadata/publisher.yaml)")
    return Contact(
        name=contact.get("name") or "", email=contact.get("email"), url=contact.get("url"), phone=contact.get("phone")
    )


def dataset_landing_page(base_url: str, dataset_id: str) -> str:
    """The dataset's page on the site; its downloads lie beside it (site/core.py)."""
    return f"{base_url}/{DOWNLOADS_PATH}/{dataset_id}/"


def _file_distribution(path: Path, described: dict, landing: str, title: str, description: str) -> Distribution:
    file_type, media_type = file_format(path)
    return _download(
        path,
        landing + path.name,
        path.name,
        f"{title} ({file_type})",
        description,
        (file_type, media_type),
        None,
        described,
    )


def _download(
    path: Path,
    url: str,
    key: str,
    title: str,
    description: str,
    file_and_media_type: tuple[str, str | None],
    compress_format: str | None,
    described: dict | None = None,
) -> Distribution:
    """A file of the release as a download; size and sha256 as the data package states them."""
    size, sha256 = _size_and_sha256(path, described or {})
    return Distribution(
        key=key,
        title=title,
        description=description,
        access_url=url,
        download_url=url,
        file_type=file_and_media_type[0],
        media_type=file_and_media_type[1],
        byte_size=size,
        sha256=sha256,
        path=path,
        compress_format=compress_format,
    )


def _distributions(
    build: BuildFolder, package: dict, landing: str, datasette_url: str
) -> tuple[list[Distribution], list[str]]:
    folder = build.dataset_dir(package["name"])
    distributions: list[Distribution] = []
    tables: list[str] = []
    for resource in package.get("resources") or []:
        title = resource.get("title") or resource["name"]
        description = resource.get("description") or ""
        distributions.append(_file_distribution(folder / resource["path"], resource, landing, title, description))
        json_copy = (resource.get("kommune") or {}).get("json")
        if json_copy:
            distributions.append(_file_distribution(folder / json_copy["path"], json_copy, landing, title, description))
        tables.append(resource["name"])
        distributions.append(
            Distribution(
                key=f"api:{resource['name']}",
                title=f"{title} (Datasette-API)",
                description="Abfragen, filtern und exportieren über die Datasette-API (JSON, CSV, SQL).",
                access_url=f"{datasette_url}/{resource['name']}",
                download_url=None,
                file_type="JSON",
                media_type="application/json",
                is_api=True,
            )
        )
    descriptor = _file_distribution(
        folder / PACKAGE_FILE,
        {},
        landing,
        "Datenpaket-Beschreibung",
        "Schema, Lizenz und Herkunft aller Dateien dieses Datensatzes (Frictionless Data Package).",
    )
    distributions.append(
        Distribution(
            **{**descriptor.__dict__, "title": "Datenpaket-Beschreibung (JSON)", "conforms_to": DATA_PACKAGE_SPEC}
        )
    )
    if (folder / VERSIONS_FILE).exists():  # the change log (contracts/history.py)
        distributions.append(
            _file_distribution(
                folder / VERSIONS_FILE,
                {},
                landing,
                "Versionen und Änderungen",
                "Jede Version des Datensatzes mit Datum, Prüfsumme, Zeilenzahl, Schema, Grund und Anzahl der "
                "neuen, entfernten und korrigierten Zeilen; die einzelnen Änderungen stehen auf der Seite "
                "„Änderungen“ und in der Tabelle portal_changes.",
            )
        )
    return distributions, tables


GZIP = "application/gzip"


def _earlier_versions(build: BuildFolder, package: dict, landing: str, current: str | None) -> list[EarlierVersion]:
    """The earlier versions whose tables the release still holds whole, oldest first. A version
    whose tables are no longer kept (or were lost from the history store) is listed in
    versions.json only: a catalogue entry without its data would promise a download."""
    folder = build.dataset_dir(package["name"])
    path = folder / VERSIONS_FILE
    if not path.exists():
        return []
    titles = {r["name"]: r.get("title") or r["name"] for r in package.get("resources") or []}
    found = []
    for version in json.loads(path.read_text(encoding="utf-8"))["versions"]:
        number = version["version"]
        tables = [(name, folder / table) for name, table in sorted((version.get("tables") or {}).items())]
        tables = [(name, file) for name, file in tables if file.is_file()]
        if str(number) == current or not tables:
            continue
        distributions = [
            _download(
                file,
                landing + file.relative_to(folder).as_posix(),
                f"version-{number}:{name}",
                f"{titles.get(name, name)} – Version {number} (CSV, gzip)",
                f"Die Tabelle {name} so, wie das Portal sie in Version {number} veröffentlicht hat; "
                "CSV (UTF-8), mit gzip komprimiert.",
                ("CSV", "text/csv"),
                GZIP,
            )
            for name, file in tables
        ]
        changes = folder / version["changes"] if version.get("changes") else None
        if changes is not None and changes.is_file():
            distributions.append(
                _download(
                    changes,
                    landing + changes.relative_to(folder).as_posix(),
                    f"version-{number}:aenderungen",
                    f"Änderungen in Version {number} (JSON Lines, gzip)",
                    "Jede Änderung gegenüber der Version davor als eine Zeile JSON (Tabelle, Art, Schlüssel, "
                    "Spalte, alter und neuer Wert), mit gzip komprimiert.",
                    ("JSON", None),  # JSON Lines has no registered IANA media type
                    GZIP,
                )
            )
        notes = ", ".join(REASONS.get(r, r) for r in version.get("reasons") or [])
        found.append(
            EarlierVersion(
                number=number,
                date=version["date"],
                notes=notes[:1].upper() + notes[1:],
                distributions=distributions,
            )
        )
    return found


def _entry(build: BuildFolder, package: dict, base_url: str, datasette_url: str) -> DatasetEntry:
    dataset_id = package["name"]
    meta = package.get("kommune") or {}
    if not package.get("title") or not package.get("description"):
        raise CatalogueError(f"{dataset_id}: Titel oder Beschreibung fehlt in datapackage.json")
    licence = meta.get("licence") or {}
    publisher = _agent(meta.get("publisher") or build.portal["publisher"])
    spatial = meta.get("spatial") or {}
    temporal = meta.get("temporal") or {}
    muster = meta.get("musterdatenkatalog")
    landing = dataset_landing_page(base_url, dataset_id)
    distributions, tables = _distributions(build, package, landing, datasette_url)
    version = str(meta["version"]["number"]) if meta.get("version") else None
    return DatasetEntry(
        id=dataset_id,
        title=package["title"],
        description=package["description"],
        keywords=list(package.get("keywords") or []),
        themes=[theme["code"] for theme in meta.get("themes") or []],
        frequency=meta.get("frequency"),
        licence=_licence(licence, licence.get("code") or dataset_id),
        publisher=publisher,
        contact=_contact(meta.get("contact") or build.portal["publisher"].get("contact")),
        temporal_start=_iso_date(temporal.get("start")),
        temporal_end=_iso_date(temporal.get("end")),
        spatial_name=spatial.get("name") or publisher.name,
        spatial_ags=str(spatial.get("municipality_key") or publisher.ags),
        spatial_level=spatial.get("level") or "municipality",
        musterdatenkatalog=muster.get("uri") if isinstance(muster, dict) else muster,
        issued=meta.get("issued"),
        modified=meta.get("modified"),
        version=version,
        earlier_versions=_earlier_versions(build, package, landing, version),
        sample=bool(meta.get("sample")),
        status=meta.get("status") or "ok",
        content_hash=meta.get("content_hash") or "",
        landing_page=landing,
        family=meta.get("family") or "allgemein",
        distributions=distributions,
        tables=tables,
        sample_note=(build.portal.get("site") or {}).get("sample_note") or SAMPLE_NOTE,
    )


def _iso_date(value) -> str | None:
    return str(value)[:10] if value else None


def read_catalogue(build: BuildFolder | Path | str) -> Catalogue:
    """The catalogue of every dataset the build publishes (status ok, or stale with its last
    good version). Raises BuildMissing when there is no build, CatalogueError when it lacks
    metadata the catalogue needs (named with file and field), DatasetPublishFailed when one
    dataset's entry cannot be read (its CatalogueError or any unexpected error inside)."""
    if not isinstance(build, BuildFolder):
        build = BuildFolder.open(build)
    portal = build.portal
    site = portal.get("site") or {}
    base_url = str(site.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    datasette_url = f"{base_url}{build.datasette_path.rstrip('/')}/{DATASETTE_DATABASE}"
    publisher = portal.get("publisher") or {}
    licence_code = publisher.get("licence")
    return Catalogue(
        title=site.get("title") or f"Offene Daten {publisher.get('name', '')}".strip(),
        description=site.get("tagline") or site.get("title") or "Offene Daten",
        base_url=base_url,
        datasette_url=datasette_url,
        publisher=_agent(publisher),
        contact=_contact(publisher.get("contact")),
        licence=_licence((portal.get("licences") or {}).get(licence_code), licence_code),
        themes={
            code: theme["label"] for code, theme in ((portal.get("themes") or {}).get("data_themes") or {}).items()
        },
        datasets=[_checked_entry(build, package, base_url, datasette_url) for package in build.packages],
        portal_files=_kpi_file_entries(portal, base_url),
    )


KPI_FILE_ID = "kennzahlen"  # the catalogue entry of the KPI file (beside, not among, the datasets)
KPI_FILE_PAGE = "digitalisierung"  # the dashboard describes the figures


def _kpi_file_entries(portal: dict, base_url: str) -> list[DatasetEntry]:
    """The open KPI file (docs/kpi-file.md) as one catalogue dataset with a JSON and a CSV
    distribution; the site writes the files (publish/site/dashboard.py) after the catalogue,
    so size and checksum are left out. None without KPIs."""
    if not portal.get("kpis"):
        return []
    publisher = _agent(portal.get("publisher") or {})
    licence_code = (portal.get("publisher") or {}).get("licence")
    landing = f"{base_url}/{KPI_FILE_PAGE}/"
    files = [
        (JSON_FILE, "JSON", "application/json", JSON_SCHEMA_FILE),
        (CSV_FILE, "CSV", "text/csv", TABLE_SCHEMA_FILE),
    ]
    return [
        DatasetEntry(
            id=KPI_FILE_ID,
            title="Kennzahlen der Digitalisierung",
            description="Die Kennzahlen des Dashboards mit ihrem neuesten Wert, Zeitraum, Ziel, Definition, "
            "Berechnung und Lizenz – in einem offenen Format, das jede Kommune ohne diese Software "
            "veröffentlichen kann, damit sich Kommunen vergleichen lassen.",
            keywords=["Kennzahlen", "Digitalisierung", "Vergleich"],
            themes=["GOVE"],
            frequency="DAILY",
            licence=_licence((portal.get("licences") or {}).get(licence_code), licence_code),
            publisher=publisher,
            contact=_contact((portal.get("publisher") or {}).get("contact")),
            temporal_start=None,
            temporal_end=None,
            spatial_name=publisher.name,
            spatial_ags=publisher.ags,
            spatial_level="municipality",
            musterdatenkatalog=None,
            issued=None,
            modified=None,
            sample=False,
            status="ok",
            content_hash="",
            landing_page=landing,
            family="allgemein",
            distributions=[
                Distribution(
                    key=name,
                    title=f"Kennzahlen ({file_type})",
                    description="Eine Zeile je Kennzahl; Format und Schema: " + f"{base_url}/{schema}",
                    access_url=f"{base_url}/{name}",
                    download_url=f"{base_url}/{name}",
                    file_type=file_type,
                    media_type=media_type,
                    conforms_to=f"{base_url}/{schema}",
                )
                for name, file_type, media_type, schema in files
            ],
        )
    ]


def _checked_entry(build: BuildFolder, package: dict, base_url: str, datasette_url: str) -> DatasetEntry:
    with for_dataset(package.get("name") or "?", "Katalog"):
        return _entry(build, package, base_url, datasette_url)
