"""From a GeoJSON document to checked features in WGS84.

For every feature: find its id, check and (if declared) repair its geometry in the source
CRS, transform it to WGS84 and check it lies where the CRS is used. Problems are collected
for all features, so a report names every broken feature at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from pipelines.geo.crs import SourceCrs, area_of_use, source_crs, to_wgs84
from pipelines.geo.declarations import DEFAULT_AREA_MARGIN_DEGREES, GEOMETRY_FIELDS  # noqa: F401 (re-exported)
from pipelines.geo.geometry import POLYGONAL, check_geometry, outside_area_problem, transform_geometry
from pipelines.geo.problems import FeatureProblem

# 7 decimal places of a degree are about 1 cm: finer digits only inflate the files.
COORDINATE_DECIMALS = 7
_GEOD = pyproj.Geod(ellps="GRS80")


@dataclass
class PreparedFeature:
    feature_id: str
    properties: dict
    geometry: BaseGeometry  # WGS84, longitude first
    repairs: list[str] = field(default_factory=list)
    position: int | None = None


@dataclass
class PreparedFeatures:
    crs: SourceCrs
    features: list[PreparedFeature]
    problems: list[FeatureProblem]

    @property
    def repairs(self) -> list[tuple[str, str]]:
        return [(feature.feature_id, note) for feature in self.features for note in feature.repairs]


def feature_id(feature: dict, position: int, id_property: str | None) -> str:
    """The id a feature is reported and stored under: the declared property, else the
    GeoJSON `id`, else its 1-based position in the document ("Objekt 7")."""
    properties = feature.get("properties") or {}
    if id_property and properties.get(id_property) not in (None, ""):
        return str(properties[id_property])
    if feature.get("id") not in (None, ""):
        return str(feature["id"])
    return f"Objekt {position}"


def prepare_features(
    document: dict,
    declared_crs: str | None = None,
    repair: bool = False,
    id_property: str | None = None,
    area_margin_degrees: float = DEFAULT_AREA_MARGIN_DEGREES,
    allowed_types: tuple[str, ...] = POLYGONAL,
) -> PreparedFeatures:
    """Check, repair (if `repair`) and transform every feature of `document` to WGS84.

    Features with problems are left out of `features` and described in `problems`;
    duplicate ids are a problem too. Raises `pipelines.geo.crs.UnknownCrs` when the CRS
    cannot be resolved (then no feature can be placed at all).
    """
    crs = source_crs(document, declared_crs)
    transform = to_wgs84(crs.crs)
    bounds = area_of_use(crs.crs, area_margin_degrees)
    prepared: list[PreparedFeature] = []
    problems: list[FeatureProblem] = []
    seen: set[str] = set()
    for position, feature in enumerate(document.get("features", []), start=1):
        identifier = feature_id(feature, position, id_property)
        if identifier in seen:
            problems.append(
                FeatureProblem(
                    identifier,
                    "duplicate-id",
                    f"Die Kennung {identifier!r} kommt mehrfach vor.",
                    "eine eindeutige Kennung je Objekt",
                    False,
                    id_property or "id",
                    position,
                )
            )
            continue
        seen.add(identifier)
        checked = check_geometry(identifier, feature.get("geometry"), repair, allowed_types)
        problems.extend(replace(problem, position=position) for problem in checked.problems)
        if checked.geometry is None:
            continue
        geometry = transform_geometry(checked.geometry, transform)
        outside = outside_area_problem(identifier, geometry, crs.label, bounds)
        if outside:
            problems.append(replace(outside, position=position))
            continue
        prepared.append(
            PreparedFeature(identifier, dict(feature.get("properties") or {}), geometry, checked.repairs, position)
        )
    return PreparedFeatures(crs, prepared, problems)


def geometry_columns(geometry: BaseGeometry) -> dict:
    """The columns a geometry is stored in: GeoJSON text (WGS84, ~1 cm precision), its
    bounding box in degrees, and its area in hectares on the GRS80 ellipsoid."""
    rounded = shapely.transform(geometry, lambda coordinates: numpy.round(coordinates, COORDINATE_DECIMALS))
    if rounded.is_empty or not rounded.is_valid:  # rounding can fold a sliver: snap safely instead
        rounded = shapely.set_precision(geometry, 10**-COORDINATE_DECIMALS)
    west, south, east, north = geometry.bounds
    area_m2 = abs(_GEOD.geometry_area_perimeter(geometry)[0])
    return {
        "geometrie": shapely.to_geojson(rounded),
        "bbox_west": round(west, COORDINATE_DECIMALS),
        "bbox_sued": round(south, COORDINATE_DECIMALS),
        "bbox_ost": round(east, COORDINATE_DECIMALS),
        "bbox_nord": round(north, COORDINATE_DECIMALS),
        "flaeche_ha": round(area_m2 / 10_000, 4),
    }
