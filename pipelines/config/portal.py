"""The typed shape of the portal-wide files in `metadata/`."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from contracts.kpis import Kpi
from pipelines.config.dataset import DatasetConfig, Strict

AGS = re.compile(r"^\d{8}$")


class Contact(Strict):
    name: str
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = None
    url: HttpUrl | None = None
    street: str | None = None
    postcode: str | None = Field(default=None, pattern=r"^\d{5}$")
    city: str | None = None


class Body(Strict):
    """An office or authority a citizen can write to (legal pages)."""

    name: str
    street: str | None = None
    postcode: str | None = Field(default=None, pattern=r"^\d{5}$")
    city: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = None
    url: HttpUrl | None = None


class Limitation(Strict):
    """Content that is not (fully) accessible: what, why, and how to get it otherwise."""

    what: str
    why: str
    alternative: str | None = None


class Accessibility(Strict):
    """Facts of the accessibility statement (BITV NRW / § 10b BGG NRW) that a test cannot know."""

    feedback: Body  # where to report a barrier (the statement's feedback mechanism)
    enforcement: Body  # where to turn when the town does not answer (NRW: Ombudsstelle)
    enforcement_basis: str  # the legal basis of that procedure, e.g. "§§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW"
    monitoring_body: Body | None = None  # where the statement is reported to (NRW: Überwachungsstelle)
    known_limitations: list[Limitation] = []
    statement_date: dt.date  # when the statement was written or last reviewed


class Legal(Strict):
    """What the legal pages (/impressum/, /datenschutz/, /barrierefreiheit/) state about the town.

    Required: a public body's website must carry them (DDG § 5, GDPR Art. 13, BITV NRW)."""

    legal_form: str
    represented_by: str
    responsible_for_content: Body  # § 18 Abs. 2 MStV
    supervisory_authority: Body
    vat_id: str | None = None
    data_protection_officer: Body
    data_protection_authority: Body
    hosting: str  # who runs the server that delivers the portal (a processor under GDPR Art. 28)
    log_retention_days: int = Field(ge=1, le=90)
    accessibility: Accessibility


class Publisher(Strict):
    name: str
    short_name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    municipality_key: str
    district: str | None = None
    state: str | None = None
    website: HttpUrl
    contact: Contact
    licence: str
    contributor_id: str | None = None
    description: str | None = None
    legal: Legal

    @field_validator("municipality_key")
    @classmethod
    def _ags(cls, value: str) -> str:
        if not AGS.match(value):
            raise ValueError("Amtlicher Gemeindeschlüssel hat 8 Ziffern, z. B. 05978040")
        return value


class Licence(Strict):
    title: str
    uri: HttpUrl
    url: HttpUrl | None = None
    ckan_id: str | None = None
    attribution_required: bool = True


class DataTheme(Strict):
    label: str
    uri: HttpUrl


class MusterdatenkatalogEntry(Strict):
    label: str
    uri: HttpUrl


class Themes(Strict):
    data_themes: dict[str, DataTheme]
    musterdatenkatalog: dict[str, MusterdatenkatalogEntry] = {}


class NavItem(Strict):
    label: str
    url: str


class MapSettings(Strict):
    """Basemap tiles are off by default: a citizen's visit must not reach another host."""

    tile_url: str | None = None
    attribution: str | None = None


class Site(Strict):
    title: str
    tagline: str
    base_url: HttpUrl = HttpUrl("http://127.0.0.1:8000/")
    datasette_path: str = Field(default="/daten/", pattern=r"^/[a-z0-9-]+/$")
    ckan_url: HttpUrl | None = None  # the CKAN `kommune publish ckan` publishes to, linked on /katalog/
    navigation: list[NavItem]
    intro: str
    sample_note: str
    map: MapSettings = MapSettings()


class PortalConfig(BaseModel):
    """Everything a build needs from a portal directory, validated as a whole."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    publisher: Publisher
    licences: dict[str, Licence]
    themes: Themes
    site: Site
    kpis: list[Kpi] = []
    extra: dict[str, object] = {}
    datasets: dict[str, DatasetConfig] = {}
    # Datasets whose declaration has mistakes, by folder name (see load_portal).
    invalid_datasets: dict[str, list] = {}

    def resolved(self) -> dict:
        """The portal metadata as written to build/portal.json."""
        return {
            "publisher": self.publisher.model_dump(mode="json"),
            "licences": {code: lic.model_dump(mode="json") for code, lic in self.licences.items()},
            "themes": self.themes.model_dump(mode="json"),
            "site": self.site.model_dump(mode="json"),
            "kpis": [kpi.model_dump(mode="json") for kpi in self.kpis],
            **{
                name: value.model_dump(mode="json") if isinstance(value, BaseModel) else value
                for name, value in self.extra.items()
            },
        }


class PageCheck(Strict):
    name: str  # the page type, e.g. "rat-sitzung"
    path: str  # the example page checked
    violations: dict[str, int]  # viewport ("desktop", "telefon") → axe violations found


class AccessibilityResults(Strict):
    """metadata/accessibility_results.yaml: written by the browser suite (tests/browser) after a
    complete run; /barrierefreiheit/ derives its conformity status from it."""

    checked: dt.date
    tool: str
    standard: str
    pages: list[PageCheck]
