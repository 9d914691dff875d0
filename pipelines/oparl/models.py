"""The product's own models of the OParl objects, written from the specification 1.0 and 1.1.

The models are strict where a wrong value would break the portal (ids, types, dates,
numbers) and tolerant where real council systems are known to deviate harmlessly:
missing `legislativeTerm` on bodies, websites without a scheme, GeoJSON points with
latitude and longitude swapped, 1.0 and 1.1 type URIs, vendor extension fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Germany lies between about 47°N and 55.1°N and between 5.8°E and 15.1°E; a point whose
# first coordinate falls in the latitude band and second in the longitude band was
# written as [lat, lon] instead of GeoJSON's [lon, lat] (seen in most real bodies).
_LATITUDE_BAND = (47.0, 55.5)
_LONGITUDE_BAND = (5.5, 15.5)

TYPE_PATTERN = re.compile(r"^https://schema\.oparl\.org/1\.[01]/(?P<name>[A-Za-z]+)$")


class InvalidObject(ValueError):
    """An OParl object that does not match the specification; `url` names where it came from."""

    def __init__(self, url: str, message: str):
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message


def type_name(type_uri: Any) -> Optional[str]:
    """Return the OParl type name (`Paper`) of a type URI of version 1.0 or 1.1, else None."""
    if not isinstance(type_uri, str):
        return None
    match = TYPE_PATTERN.match(type_uri)
    return match.group("name") if match else None


def _with_scheme(value: Any) -> Any:
    """Give a website without scheme (`www.steinhagen.de`) an `http://` scheme."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if "://" not in value:
            return "http://" + value
    return value


def lon_lat(geojson: Any) -> Optional[tuple[float, float]]:
    """Return (longitude, latitude) of a GeoJSON Point feature or geometry, fixing swapped axes.

    Returns None for anything that is not a usable point (missing, not numeric, rounded to
    whole degrees such as Steinhagen's `[52, 8]` is kept — it is imprecise, not wrong).
    """
    if not isinstance(geojson, dict):
        return None
    geometry = geojson.get("geometry", geojson)
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates")
    if not (isinstance(coordinates, list) and len(coordinates) >= 2):
        return None
    first, second = coordinates[0], coordinates[1]
    if not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in (first, second)):
        return None
    first, second = float(first), float(second)
    if _LATITUDE_BAND[0] <= first <= _LATITUDE_BAND[1] and _LONGITUDE_BAND[0] <= second <= _LONGITUDE_BAND[1]:
        return second, first
    if not (-180 <= first <= 180 and -90 <= second <= 90):
        return None
    return first, second


class OParlObject(BaseModel):
    """Fields common to every OParl object (id, type, timestamps, deletion marker)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, str_strip_whitespace=True)

    id: str
    type: str
    name: Optional[str] = None
    created: Optional[dt.datetime] = None
    modified: Optional[dt.datetime] = None
    deleted: bool = False
    web: Optional[str] = None
    license: Optional[str] = None
    keyword: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _empty_strings_are_missing(cls, data: Any) -> Any:
        # Real systems send "" and "N/A" for values they do not have (Leipzig: `created: ""`).
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() in ("", "N/A"))}
            # An embedded location without an id cannot be kept on its own; it must not make
            # the whole body or meeting invalid (the 1.0 Body example writes "id:").
            if isinstance(data.get("location"), dict) and "id" not in data["location"]:
                del data["location"]
        return data

    @field_validator("id")
    @classmethod
    def _id_is_url(cls, value: str) -> str:
        if not re.match(r"^https?://\S+$", value):
            raise ValueError("id muss eine http(s)-URL sein")
        return value

    @field_validator("type")
    @classmethod
    def _type_matches(cls, value: str) -> str:
        expected = cls.__name__
        if type_name(value) != expected:
            raise ValueError(f"type muss https://schema.oparl.org/1.1/{expected} (oder 1.0) sein")
        return value

    @field_validator("keyword", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def _strings(value: Any) -> Any:
    """Accept a single string where the specification wants a list of strings (1.0 examples)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


class Location(OParlObject):
    description: Optional[str] = None
    geojson: Optional[dict[str, Any]] = None
    streetAddress: Optional[str] = None
    room: Optional[str] = None
    postalCode: Optional[str] = None
    subLocality: Optional[str] = None
    locality: Optional[str] = None


class File(OParlObject):
    fileName: Optional[str] = None
    mimeType: Optional[str] = None
    date: Optional[dt.date] = None
    size: Optional[int] = None
    sha1Checksum: Optional[str] = None
    sha512Checksum: Optional[str] = None
    text: Optional[str] = None
    accessUrl: str
    downloadUrl: Optional[str] = None
    externalServiceUrl: Optional[str] = None
    masterFile: Optional[str] = None
    derivativeFile: list[str] = Field(default_factory=list)
    fileLicense: Optional[str] = None
    meeting: list[str] = Field(default_factory=list)
    agendaItem: list[str] = Field(default_factory=list)
    paper: list[str] = Field(default_factory=list)
    person: Optional[str] = None

    _lists = field_validator("derivativeFile", "meeting", "agendaItem", "paper", mode="before")(_strings)


class LegislativeTerm(OParlObject):
    body: Optional[str] = None
    startDate: Optional[dt.date] = None
    endDate: Optional[dt.date] = None


class Membership(OParlObject):
    person: Optional[str] = None
    organization: Optional[str] = None
    role: Optional[str] = None
    votingRight: Optional[bool] = None
    startDate: Optional[dt.date] = None
    endDate: Optional[dt.date] = None
    onBehalfOf: Optional[str] = None


class Person(OParlObject):
    body: Optional[str] = None
    familyName: Optional[str] = None
    givenName: Optional[str] = None
    formOfAddress: Optional[str] = None
    affix: Optional[str] = None
    title: list[str] = Field(default_factory=list)
    gender: Optional[str] = None
    phone: list[str] = Field(default_factory=list)
    email: list[str] = Field(default_factory=list)
    location: Optional[str | dict[str, Any]] = None
    locationObject: Optional[Location] = None
    status: list[str] = Field(default_factory=list)
    membership: list[Membership | str] = Field(default_factory=list)
    image: Optional[File] = None
    life: Optional[str] = None
    lifeSource: Optional[str] = None

    _lists = field_validator("title", "phone", "email", "status", mode="before")(_strings)


class Organization(OParlObject):
    body: Optional[str] = None
    membership: list[Membership | str] = Field(default_factory=list)
    meeting: Optional[str] = None
    consultation: Optional[str] = None
    shortName: Optional[str] = None
    post: list[str] = Field(default_factory=list)
    subOrganizationOf: Optional[str] = None
    organizationType: Optional[str] = None
    classification: Optional[str] = None
    startDate: Optional[dt.date] = None
    endDate: Optional[dt.date] = None
    website: Optional[str] = None
    location: Optional[Location | str] = None
    externalBody: Optional[str] = None

    _website = field_validator("website", mode="before")(_with_scheme)
    _lists = field_validator("post", mode="before")(_strings)

    @field_validator("meeting", "consultation", mode="before")
    @classmethod
    def _list_url_only(cls, value: Any) -> Any:
        # The 1.0 example lists meeting URLs here instead of one list URL; the list is
        # reachable from the meetings themselves, so nothing is lost by dropping it.
        return None if isinstance(value, list) else value


class Consultation(OParlObject):
    paper: Optional[str] = None
    agendaItem: Optional[str] = None
    meeting: Optional[str] = None
    organization: list[str] = Field(default_factory=list)
    authoritative: Optional[bool] = None
    role: Optional[str] = None

    _lists = field_validator("organization", mode="before")(_strings)


class AgendaItem(OParlObject):
    meeting: Optional[str] = None
    number: Optional[str] = None
    # Required by 1.1, new in 1.1: 1.0 systems do not send it, the harvester numbers them.
    order: Optional[int] = None
    public: Optional[bool] = None
    consultation: Optional[str] = None
    result: Optional[str] = None
    resolutionText: Optional[str] = None
    resolutionFile: Optional[File] = None
    auxiliaryFile: list[File] = Field(default_factory=list)
    start: Optional[dt.datetime] = None
    end: Optional[dt.datetime] = None


class Meeting(OParlObject):
    meetingState: Optional[str] = None
    cancelled: Optional[bool] = None
    start: Optional[dt.datetime] = None
    end: Optional[dt.datetime] = None
    location: Optional[Location | str] = None
    organization: list[str] = Field(default_factory=list)
    participant: list[str] = Field(default_factory=list)
    invitation: Optional[File] = None
    resultsProtocol: Optional[File] = None
    verbatimProtocol: Optional[File] = None
    auxiliaryFile: list[File] = Field(default_factory=list)
    agendaItem: list[AgendaItem] = Field(default_factory=list)

    _lists = field_validator("organization", "participant", mode="before")(_strings)


class Paper(OParlObject):
    body: Optional[str] = None
    reference: Optional[str] = None
    date: Optional[dt.date] = None
    paperType: Optional[str] = None
    relatedPaper: list[str] = Field(default_factory=list)
    superordinatedPaper: list[str] = Field(default_factory=list)
    subordinatedPaper: list[str] = Field(default_factory=list)
    mainFile: Optional[File] = None
    auxiliaryFile: list[File] = Field(default_factory=list)
    location: list[Location | str] = Field(default_factory=list)
    originatorPerson: list[str] = Field(default_factory=list)
    underDirectionOf: list[str] = Field(default_factory=list)
    originatorOrganization: list[str] = Field(default_factory=list)
    consultation: list[Consultation] = Field(default_factory=list)


class Body(OParlObject):
    system: Optional[str] = None
    shortName: Optional[str] = None
    website: Optional[str] = None
    licenseValidSince: Optional[dt.datetime] = None
    oparlSince: Optional[dt.datetime] = None
    ags: Optional[str] = None
    rgs: Optional[str] = None
    equivalent: list[str] = Field(default_factory=list)
    contactEmail: Optional[str] = None
    contactName: Optional[str] = None
    organization: Optional[str] = None
    person: Optional[str] = None
    meeting: Optional[str] = None
    paper: Optional[str] = None
    # Required by the specification, missing in 25 of 28 recorded real bodies.
    legislativeTerm: list[LegislativeTerm | str] = Field(default_factory=list)
    agendaItem: Optional[str] = None
    consultation: Optional[str] = None
    file: Optional[str] = None
    locationList: Optional[str] = None
    legislativeTermList: Optional[str] = None
    membership: Optional[str] = None
    classification: Optional[str] = None
    location: Optional[Location | str] = None
    mainOrganization: Optional[str] = None

    _website = field_validator("website", mode="before")(_with_scheme)

    @field_validator("equivalent", mode="before")
    @classmethod
    def _drop_empty(cls, value: Any) -> Any:
        return [v for v in _strings(value) if v] if isinstance(_strings(value), list) else value


class System(OParlObject):
    oparlVersion: str
    otherOparlVersions: list[str] = Field(default_factory=list)
    body: str
    contactEmail: Optional[str] = None
    contactName: Optional[str] = None
    website: Optional[str] = None
    vendor: Optional[str] = None
    product: Optional[str] = None

    _website = field_validator("website", "vendor", mode="before")(_with_scheme)


MODELS: dict[str, type[OParlObject]] = {
    model.__name__: model
    for model in (System, Body, LegislativeTerm, Organization, Person, Membership, Meeting,
                  AgendaItem, Paper, Consultation, File, Location)
}


def parse_object(data: Any, url: str) -> OParlObject:
    """Validate one OParl object (any type, 1.0 or 1.1) and return its model.

    Deleted objects (`deleted: true`) need only `id` and `type`, as the specification allows
    servers to strip them. Raises InvalidObject naming `url` and every problem found.
    """
    if not isinstance(data, dict):
        raise InvalidObject(url, f"Objekt erwartet, {type(data).__name__} erhalten")
    name = type_name(data.get("type"))
    if name not in MODELS:
        raise InvalidObject(url, f"unbekannter OParl-Typ {data.get('type')!r}")
    model = MODELS[name]
    if data.get("deleted") is True:
        return OParlObject.model_construct(id=str(data.get("id", url)), type=data["type"], deleted=True)
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(Objekt)'}: {e['msg']}" for e in error.errors()
        )
        raise InvalidObject(str(data.get("id") or url), problems) from None
