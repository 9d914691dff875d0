"""Coordinate reference systems: find the CRS of a GeoJSON document, transform its
coordinates to WGS84 (longitude, latitude) and check that they lie where that CRS is used.

GeoJSON (RFC 7946) is WGS84 by definition, but German geodata portals still write the
legacy `crs` member of GeoJSON 2008 (`urn:ogc:def:crs:EPSG::25832`) and deliver ETRS89 /
UTM 32N coordinates. A declaration in `dataset.yaml` wins over the embedded member, for
sources that embed none or a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import pyproj
from pyproj.exceptions import CRSError

from pipelines.geo.declarations import DEFAULT_AREA_MARGIN_DEGREES

WGS84 = "EPSG:4326"
# RFC 7946 default: WGS84 with longitude first.
GEOJSON_DEFAULT_CRS = "OGC:CRS84"


class UnknownCrs(ValueError):
    """A CRS name that pyproj cannot resolve, or a malformed `crs` member."""


@dataclass
class SourceCrs:
    """The CRS a document's coordinates are in, and where its name came from."""

    crs: pyproj.CRS
    name: str
    origin: str  # "declared" | "embedded" | "default"

    @cached_property
    def label(self) -> str:
        epsg = self.crs.to_epsg()  # slow (a database search): computed once per document
        if epsg:
            return f"EPSG:{epsg}"
        # A CRS given as WKT (a shapefile's .prj) is named by its own name, not by pages of WKT.
        return self.crs.name if "[" in self.name else self.name


def _shown(name: str) -> str:
    # a .prj's WKT is pages long: its start says enough
    return name if len(name) <= 80 else name[:77] + "…"


def parse_crs(name: str) -> pyproj.CRS:
    """Resolve a CRS name (`EPSG:25832`, `urn:ogc:def:crs:EPSG::25832`, an OGC URL, ...).

    Raises `UnknownCrs` when pyproj does not know it.
    """
    try:
        return pyproj.CRS.from_user_input(name)
    except CRSError as error:
        raise UnknownCrs(f"pyproj kennt das Koordinatensystem „{_shown(name)}“ nicht") from error


def embedded_crs_name(document: dict) -> str | None:
    """The name in a document's legacy `crs` member, or None when it has none.

    Accepts the `name` form (`{"type": "name", "properties": {"name": ...}}`) and the
    `EPSG` form of GeoJSON 2008 drafts (`{"type": "EPSG", "properties": {"code": 25832}}`).
    Raises `UnknownCrs` for a `crs` member of another shape (e.g. a `link` to a file).
    """
    member = document.get("crs")
    if member is None:
        return None
    properties = member.get("properties") if isinstance(member, dict) else None
    if not isinstance(properties, dict):
        raise UnknownCrs("das crs-Element der Datei hat keine properties")
    kind = str(member.get("type", "")).lower()
    if kind == "name" and properties.get("name"):
        return str(properties["name"])
    if kind == "epsg" and properties.get("code"):
        return f"EPSG:{properties['code']}"
    raise UnknownCrs(f"das crs-Element der Datei hat die nicht unterstützte Form „{kind or '?'}“ (erwartet: name)")


def source_crs(document: dict, declared: str | None = None) -> SourceCrs:
    """The CRS of `document`: the declared one, else the embedded one, else RFC 7946's.

    Raises `UnknownCrs` when the chosen name cannot be resolved.
    """
    if declared:
        return SourceCrs(parse_crs(declared), declared, "declared")
    embedded = embedded_crs_name(document)
    if embedded:
        return SourceCrs(parse_crs(embedded), embedded, "embedded")
    return SourceCrs(parse_crs(GEOJSON_DEFAULT_CRS), GEOJSON_DEFAULT_CRS, "default")


@lru_cache(maxsize=32)
def _transformer(crs_wkt: str) -> pyproj.Transformer:
    # always_xy: easting/longitude first whatever the CRS's axis order says, which is
    # how GeoJSON writes coordinates (EPSG:4326 and EPSG:31467 declare the other order).
    return pyproj.Transformer.from_crs(pyproj.CRS.from_wkt(crs_wkt), WGS84, always_xy=True)


def to_wgs84(crs: pyproj.CRS):
    """A function `(xs, ys) -> (lons, lats)` transforming sequences of coordinates."""
    transformer = _transformer(crs.to_wkt())

    def transform(xs, ys):
        return transformer.transform(xs, ys, errcheck=False)

    return transform


def area_of_use(
    crs: pyproj.CRS, margin_degrees: float = DEFAULT_AREA_MARGIN_DEGREES
) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees where `crs` is meant to be used, widened by
    `margin_degrees` and clipped to the globe. A CRS without a declared area is global."""
    area = crs.area_of_use
    if area is None:
        return (-180.0, -90.0, 180.0, 90.0)
    west, south, east, north = area.bounds
    return (
        max(-180.0, west - margin_degrees),
        max(-90.0, south - margin_degrees),
        min(180.0, east + margin_degrees),
        min(90.0, north + margin_degrees),
    )
