"""What every OParl object shares, and the repairs for real-world quirks.

`OParlObject` holds the fields common to all types (id, type, timestamps, deletion marker);
the helpers accept 1.0 and 1.1 type URIs, websites without scheme, single strings where
lists are specified, and GeoJSON points with latitude and longitude swapped.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Germany lies between about 47°N and 55.1°N and between 5.8°E and 15.1°E; a point whose
# first coordinate falls in the latitude band and second in the longitude band was
# written as [lat, lon] instead of GeoJSON's [lon, lat] (seen in most real bodies).
_LATITUDE_BAND = (47.0, 55.5)
_LONGITUDE_BAND = (5.5, 15.5)

# The annotation naming the fields whose stray whitespace was removed.
TRIMMED = "_trimmed"

TYPE_PATTERN = re.compile(r"^https://schema\.oparl\.org/1\.[01]/(?P<name>[A-Za-z]+)$")


class InvalidObject(ValueError):
    """An OParl object that does not match the specification; `url` names where it came from."""

    def __init__(self, url: str, message: str):
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message


def type_name(type_uri: Any) -> str | None:
    """Return the OParl type name (`Paper`) of a type URI of version 1.0 or 1.1, else None."""
    if not isinstance(type_uri, str):
        return None
    match = TYPE_PATTERN.match(type_uri)
    return match.group("name") if match else None


def with_scheme(value: Any) -> Any:
    """Give a website without scheme (`www.steinhagen.de`) an `http://` scheme."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if "://" not in value:
            return "http://" + value
    return value


def _point(geojson: Any) -> tuple[float, float] | None:
    """The first two coordinates of a GeoJSON Point feature or geometry as written, or None."""
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
    return float(first), float(second)


def coordinates_swapped(geojson: Any) -> bool:
    """Whether a point was written as [latitude, longitude] (and lon_lat swaps it back)."""
    point = _point(geojson)
    return (
        point is not None
        and _LATITUDE_BAND[0] <= point[0] <= _LATITUDE_BAND[1]
        and _LONGITUDE_BAND[0] <= point[1] <= _LONGITUDE_BAND[1]
    )


def lon_lat(geojson: Any) -> tuple[float, float] | None:
    """Return (longitude, latitude) of a GeoJSON Point feature or geometry, fixing swapped axes.

    Returns None for anything that is not a usable point (missing, not numeric, rounded to
    whole degrees such as Steinhagen's `[52, 8]` is kept — it is imprecise, not wrong).
    """
    point = _point(geojson)
    if point is None:
        return None
    first, second = point
    if coordinates_swapped(geojson):
        return second, first
    if not (-180 <= first <= 180 and -90 <= second <= 90):
        return None
    return first, second


def municipality_key(value: Any) -> str | None:
    """The eight-digit municipality key (AGS) of a body; a key that lost its leading zero to
    a number type (`5358016`, North Rhine-Westphalia's 05…) gets it back. Other values are
    kept as sent: they are the source's to fix, not ours to guess."""
    if value is None:
        return None
    text = str(value).strip()
    return text.zfill(8) if text.isdigit() and len(text) == 7 else text


class OParlObject(BaseModel):
    """Fields common to every OParl object (id, type, timestamps, deletion marker)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, str_strip_whitespace=True)

    id: str
    type: str
    name: str | None = None
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    deleted: bool = False
    web: str | None = None
    license: str | None = None
    keyword: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _empty_strings_are_missing(cls, data: Any) -> Any:
        # Real systems send "" and "N/A" for values they do not have (Leipzig: `created: ""`).
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() in ("", "N/A"))}
            # str_strip_whitespace removes stray blanks; which fields had them is reported as a
            # data-quality finding (pipelines/oparl/quality.py), not fixed silently
            trimmed = sorted(k for k, v in data.items() if isinstance(v, str) and v != v.strip())
            if trimmed:
                data[TRIMMED] = trimmed
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


def as_string_list(value: Any) -> Any:
    """Accept a single string where the specification wants a list of strings (1.0 examples)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value
