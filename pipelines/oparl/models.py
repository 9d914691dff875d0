"""The product's own models of the OParl objects, written from the specification 1.0 and 1.1.

The models are strict where a wrong value would break the portal (ids, types, dates,
numbers) and tolerant where real council systems are known to deviate harmlessly:
missing `legislativeTerm` on bodies, websites without a scheme, GeoJSON points with
latitude and longitude swapped, 1.0 and 1.1 type URIs, vendor extension fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import pydantic
from pydantic import Field, field_validator

from pipelines.oparl.model_base import (  # noqa: F401 (re-exported for callers)
    TRIMMED,
    InvalidObject,
    coordinates_swapped,
    municipality_key,
    OParlObject,
    as_string_list,
    lon_lat,
    type_name,
    with_scheme,
)

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

    _lists = field_validator("derivativeFile", "meeting", "agendaItem", "paper", mode="before")(as_string_list)


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

    _lists = field_validator("title", "phone", "email", "status", mode="before")(as_string_list)


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

    _website = field_validator("website", mode="before")(with_scheme)
    _lists = field_validator("post", mode="before")(as_string_list)

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

    _lists = field_validator("organization", mode="before")(as_string_list)


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

    _lists = field_validator("organization", "participant", mode="before")(as_string_list)


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

    _website = field_validator("website", mode="before")(with_scheme)

    @field_validator("ags", "rgs", mode="before")
    @classmethod
    def _keys_are_text(cls, value: Any) -> Any:
        # Some systems send the key as a number, which loses its leading zero (5358016); the
        # text is kept as sent and repaired where published (municipality_key).
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("equivalent", mode="before")
    @classmethod
    def _drop_empty(cls, value: Any) -> Any:
        return [v for v in as_string_list(value) if v] if isinstance(as_string_list(value), list) else value


class System(OParlObject):
    oparlVersion: str
    otherOparlVersions: list[str] = Field(default_factory=list)
    body: str
    contactEmail: Optional[str] = None
    contactName: Optional[str] = None
    website: Optional[str] = None
    vendor: Optional[str] = None
    product: Optional[str] = None

    _website = field_validator("website", "vendor", mode="before")(with_scheme)


MODELS: dict[str, type[OParlObject]] = {
    model.__name__: model
    for model in (System, Body, LegislativeTerm, Organization, Person, Membership, Meeting,
                  AgendaItem, Paper, Consultation, File, Location)
}


def is_deletion_marker(data: Any) -> bool:
    """Whether `data` announces a deleted object: `deleted: true` and an id, with or without
    `type` (real 1.0 systems send `{"id", "created", "modified", "deleted"}` only)."""
    return isinstance(data, dict) and data.get("deleted") is True and isinstance(data.get("id"), str)


def model_for(data: Any, url: str) -> type[OParlObject]:
    if not isinstance(data, dict):
        raise InvalidObject(url, f"Objekt erwartet, {type(data).__name__} erhalten")
    name = type_name(data.get("type"))
    if name not in MODELS and is_deletion_marker(data):
        return OParlObject
    if name not in MODELS:
        raise InvalidObject(url, f"unbekannter OParl-Typ {data.get('type')!r}")
    return MODELS[name]


def describe_errors(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(Objekt)'}: {e['msg']}" for e in errors)


def parse_object(data: Any, url: str) -> OParlObject:
    """Validate one OParl object (any type, 1.0 or 1.1) and return its model.

    Deleted objects (`deleted: true`) need only `id`: the specification allows servers to
    strip them, and real systems strip `type` too. Raises InvalidObject naming `url` and every problem found.
    """
    model = model_for(data, url)
    if is_deletion_marker(data):
        return OParlObject.model_construct(id=data["id"], type=str(data.get("type") or ""), deleted=True)
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidObject(str(data.get("id") or url), describe_errors(error.errors())) from None
