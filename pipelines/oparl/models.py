"""The product's own models of the OParl objects, written from the specification 1.0 and 1.1.

The models are strict where a wrong value would break the portal (ids, types, dates,
numbers) and tolerant where real council systems are known to deviate harmlessly:
missing `legislativeTerm` on bodies, websites without a scheme, GeoJSON points with
latitude and longitude swapped, 1.0 and 1.1 type URIs, vendor extension fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pydantic
from pydantic import Field, field_validator
from pydantic_core import ErrorDetails

from pipelines.oparl.model_base import (  # noqa: F401 (re-exported for callers)
    TRIMMED,
    InvalidObject,
    OParlObject,
    as_string_list,
    coordinates_swapped,
    lon_lat,
    municipality_key,
    type_name,
    with_scheme,
)


class Location(OParlObject):
    description: str | None = None
    geojson: dict[str, Any] | None = None
    streetAddress: str | None = None
    room: str | None = None
    postalCode: str | None = None
    subLocality: str | None = None
    locality: str | None = None


class File(OParlObject):
    fileName: str | None = None
    mimeType: str | None = None
    date: dt.date | None = None
    size: int | None = None
    sha1Checksum: str | None = None
    sha512Checksum: str | None = None
    text: str | None = None
    accessUrl: str
    downloadUrl: str | None = None
    externalServiceUrl: str | None = None
    masterFile: str | None = None
    derivativeFile: list[str] = Field(default_factory=list)
    fileLicense: str | None = None
    meeting: list[str] = Field(default_factory=list)
    agendaItem: list[str] = Field(default_factory=list)
    paper: list[str] = Field(default_factory=list)
    person: str | None = None

    _lists = field_validator("derivativeFile", "meeting", "agendaItem", "paper", mode="before")(as_string_list)


class LegislativeTerm(OParlObject):
    body: str | None = None
    startDate: dt.date | None = None
    endDate: dt.date | None = None


class Membership(OParlObject):
    person: str | None = None
    organization: str | None = None
    role: str | None = None
    votingRight: bool | None = None
    startDate: dt.date | None = None
    endDate: dt.date | None = None
    onBehalfOf: str | None = None


class Person(OParlObject):
    body: str | None = None
    familyName: str | None = None
    givenName: str | None = None
    formOfAddress: str | None = None
    affix: str | None = None
    title: list[str] = Field(default_factory=list)
    gender: str | None = None
    phone: list[str] = Field(default_factory=list)
    email: list[str] = Field(default_factory=list)
    location: str | dict[str, Any] | None = None
    locationObject: Location | None = None
    status: list[str] = Field(default_factory=list)
    membership: list[Membership | str] = Field(default_factory=list)
    image: File | None = None
    life: str | None = None
    lifeSource: str | None = None

    _lists = field_validator("title", "phone", "email", "status", mode="before")(as_string_list)


class Organization(OParlObject):
    body: str | None = None
    membership: list[Membership | str] = Field(default_factory=list)
    meeting: str | None = None
    consultation: str | None = None
    shortName: str | None = None
    post: list[str] = Field(default_factory=list)
    subOrganizationOf: str | None = None
    organizationType: str | None = None
    classification: str | None = None
    startDate: dt.date | None = None
    endDate: dt.date | None = None
    website: str | None = None
    location: Location | str | None = None
    externalBody: str | None = None

    _website = field_validator("website", mode="before")(with_scheme)
    _lists = field_validator("post", mode="before")(as_string_list)

    @field_validator("meeting", "consultation", mode="before")
    @classmethod
    def _list_url_only(cls, value: Any) -> Any:
        # The 1.0 example lists meeting URLs here instead of one list URL; the list is
        # reachable from the meetings themselves, so nothing is lost by dropping it.
        return None if isinstance(value, list) else value


class Consultation(OParlObject):
    paper: str | None = None
    agendaItem: str | None = None
    meeting: str | None = None
    organization: list[str] = Field(default_factory=list)
    authoritative: bool | None = None
    role: str | None = None

    _lists = field_validator("organization", mode="before")(as_string_list)


class AgendaItem(OParlObject):
    meeting: str | None = None
    number: str | None = None
    # Required by 1.1, new in 1.1: 1.0 systems do not send it, the harvester numbers them.
    order: int | None = None
    public: bool | None = None
    consultation: str | None = None
    result: str | None = None
    resolutionText: str | None = None
    resolutionFile: File | None = None
    auxiliaryFile: list[File] = Field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None


class Meeting(OParlObject):
    meetingState: str | None = None
    cancelled: bool | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    location: Location | str | None = None
    organization: list[str] = Field(default_factory=list)
    participant: list[str] = Field(default_factory=list)
    invitation: File | None = None
    resultsProtocol: File | None = None
    verbatimProtocol: File | None = None
    auxiliaryFile: list[File] = Field(default_factory=list)
    agendaItem: list[AgendaItem] = Field(default_factory=list)

    _lists = field_validator("organization", "participant", mode="before")(as_string_list)


class Paper(OParlObject):
    body: str | None = None
    reference: str | None = None
    date: dt.date | None = None
    paperType: str | None = None
    relatedPaper: list[str] = Field(default_factory=list)
    superordinatedPaper: list[str] = Field(default_factory=list)
    subordinatedPaper: list[str] = Field(default_factory=list)
    mainFile: File | None = None
    auxiliaryFile: list[File] = Field(default_factory=list)
    location: list[Location | str] = Field(default_factory=list)
    originatorPerson: list[str] = Field(default_factory=list)
    underDirectionOf: list[str] = Field(default_factory=list)
    originatorOrganization: list[str] = Field(default_factory=list)
    consultation: list[Consultation] = Field(default_factory=list)


class Body(OParlObject):
    system: str | None = None
    shortName: str | None = None
    website: str | None = None
    licenseValidSince: dt.datetime | None = None
    oparlSince: dt.datetime | None = None
    ags: str | None = None
    rgs: str | None = None
    equivalent: list[str] = Field(default_factory=list)
    contactEmail: str | None = None
    contactName: str | None = None
    organization: str | None = None
    person: str | None = None
    meeting: str | None = None
    paper: str | None = None
    # Required by the specification, missing in 25 of 28 recorded real bodies.
    legislativeTerm: list[LegislativeTerm | str] = Field(default_factory=list)
    agendaItem: str | None = None
    consultation: str | None = None
    file: str | None = None
    locationList: str | None = None
    legislativeTermList: str | None = None
    membership: str | None = None
    classification: str | None = None
    location: Location | str | None = None
    mainOrganization: str | None = None

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
    contactEmail: str | None = None
    contactName: str | None = None
    website: str | None = None
    vendor: str | None = None
    product: str | None = None

    _website = field_validator("website", "vendor", mode="before")(with_scheme)


MODELS: dict[str, type[OParlObject]] = {
    model.__name__: model
    for model in (
        System,
        Body,
        LegislativeTerm,
        Organization,
        Person,
        Membership,
        Meeting,
        AgendaItem,
        Paper,
        Consultation,
        File,
        Location,
    )
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


def describe_errors(errors: Sequence[ErrorDetails]) -> str:
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
