"""The catalogue's parts: datasets, their distributions, licence, publisher, contact."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_NOTE = "Hinweis: Dieser Datensatz enthält synthetische Beispieldaten."
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
MUNICIPALITY_KEY_URI = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/{}"
GEOCODING_LEVEL_URI = "http://dcat-ap.de/def/politicalGeocoding/Level/{}"


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
    media_type: str | None  # IANA media type, e.g. "text/csv"; None where IANA registers none (JSON Lines)
    byte_size: int | None = None
    sha256: str | None = None
    path: Path | None = None  # the file in build/, None for API views
    is_api: bool = False
    conforms_to: str | None = None
    compress_format: str | None = None  # IANA media type of the compression, e.g. "application/gzip"

    @property
    def file_type_uri(self) -> str:
        return EU_FILE_TYPE + self.file_type

    @property
    def media_type_uri(self) -> str | None:
        return IANA_MEDIA_TYPE + self.media_type if self.media_type else None

    @property
    def compress_format_uri(self) -> str | None:
        return IANA_MEDIA_TYPE + self.compress_format if self.compress_format else None


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
    short_name: str
    ags: str
    homepage: str | None
    type: str  # ADMS publisher type code, e.g. "LocalAuthority"
    contributor_id: str | None

    @property
    def political_geocoding_uri(self) -> str:
        return MUNICIPALITY_KEY_URI.format(self.ags)


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None
    url: str | None
    phone: str | None = None


@dataclass(frozen=True)
class EarlierVersion:
    """An earlier version of a dataset that is still downloadable whole (the last `history.keep`,
    contracts/history.py): a dcat:Dataset of its own in the catalogue, never a CKAN dataset."""

    number: int
    date: str  # ISO timestamp of the build that recorded it
    notes: str  # why it was recorded, in plain German
    distributions: list[Distribution]  # its tables as .csv.gz, then its change list


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
    sample_note: str = SAMPLE_NOTE
    version: str | None = None  # the number of the latest recorded version (contracts/history.py)
    earlier_versions: list[EarlierVersion] = field(default_factory=list)  # oldest first

    @property
    def public_description(self) -> str:
        """The description as published; synthetic demo data says so."""
        return self.description + (f"\n\n{self.sample_note}" if self.sample else "")

    @property
    def political_geocoding_uri(self) -> str:
        return MUNICIPALITY_KEY_URI.format(self.spatial_ags)

    @property
    def political_geocoding_level_uri(self) -> str:
        return GEOCODING_LEVEL_URI.format(self.spatial_level)


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
    # What the portal publishes beside the dataset folders (the open KPI file): in DCAT and on
    # /katalog/, not sent to CKAN, which holds the datasets' files.
    portal_files: list[DatasetEntry] = field(default_factory=list)

    @property
    def all_entries(self) -> list[DatasetEntry]:
        return self.datasets + self.portal_files

    def dataset(self, dataset_id: str) -> DatasetEntry:
        for entry in self.datasets:
            if entry.id == dataset_id:
                return entry
        raise KeyError(dataset_id)
