"""Geometry checks: every feature's geometry is checked before anything is published.

Problems found (each reported with the feature's id):
- `empty-geometry`: no geometry, no coordinates, or nothing left after parsing;
- `unsupported-geometry`: a type the dataset does not accept (plans are areas);
- `unclosed-ring`: a polygon ring whose last position is not its first (or too short);
- `invalid-geometry`: self-intersections and other OGC simple-feature violations;
- `outside-crs-area`: coordinates outside the declared CRS's area of use — typically a
  file that claims EPSG:25832 but holds degrees.
Unclosed rings and invalid geometries can be repaired when the dataset declares the step
`make-valid`; the repair is then recorded. The other problems are never repaired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from pipelines.geo.problems import FeatureProblem

POLYGONAL = ("Polygon", "MultiPolygon")
# Tables of declared columns may hold streets and addresses too; plans are always areas.
ANY_SIMPLE_FEATURE = (*POLYGONAL, "LineString", "MultiLineString", "Point", "MultiPoint")

# GEOS validity reasons (shapely.is_valid_reason) in plain German.
_REASONS_DE = {
    "Self-intersection": "Die Umrisslinie schneidet sich selbst",
    "Ring Self-intersection": "Ein Ring berührt sich selbst",
    "Too few points in geometry component": "Zu wenige Punkte",
    "Nested shells": "Flächen liegen ineinander",
    "Hole lies outside shell": "Ein Loch liegt außerhalb der Fläche",
    "Interior is disconnected": "Die Fläche zerfällt durch Löcher in Teile",
    "Duplicate Rings": "Doppelte Ringe",
    "Invalid Coordinate": "Ungültige Koordinate",
}


@dataclass
class CheckedGeometry:
    """The outcome for one feature: the usable geometry (source CRS), problems left, repairs made."""

    geometry: BaseGeometry | None
    problems: list[FeatureProblem] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.geometry is not None and not self.problems


def _rings(raw: dict) -> list[list]:
    coordinates = raw.get("coordinates") or []
    if raw.get("type") == "Polygon":
        return list(coordinates)
    if raw.get("type") == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


def _ring_is_closed(ring: list) -> bool:
    return len(ring) >= 4 and list(ring[0])[:2] == list(ring[-1])[:2]


def _close_rings(raw: dict) -> dict:
    def close(ring):
        return ring if _ring_is_closed(ring) else [*ring, ring[0]]

    if raw["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [close(ring) for ring in raw["coordinates"]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[close(ring) for ring in polygon] for polygon in raw["coordinates"]],
    }


def _polygonal_part(geometry: BaseGeometry) -> BaseGeometry:
    """make_valid may return lines or points beside the areas; a plan keeps its areas."""
    if geometry.geom_type in POLYGONAL:
        return geometry
    parts = [part for part in getattr(geometry, "geoms", []) if part.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _empty(feature_id: str) -> CheckedGeometry:
    return CheckedGeometry(
        None,
        [
            FeatureProblem(
                feature_id,
                "empty-geometry",
                "Das Objekt hat keine Geometrie.",
                "eine Fläche (Polygon oder MultiPolygon) mit Koordinaten",
                False,
            )
        ],
    )


def check_geometry(
    feature_id: str, raw: dict | None, repair: bool = False, allowed_types: tuple[str, ...] = POLYGONAL
) -> CheckedGeometry:
    """Check one GeoJSON geometry (source CRS) and, when `repair` is set, repair what can be.

    Never raises for bad geometry: problems are returned. With `repair`, unclosed rings are
    closed and invalid geometries made valid (`shapely.make_valid`, keeping the polygonal
    part); what was done is listed in `repairs`.
    """
    if not raw or not raw.get("coordinates"):
        return _empty(feature_id)
    if raw.get("type") not in allowed_types:
        return CheckedGeometry(
            None,
            [
                FeatureProblem(
                    feature_id,
                    "unsupported-geometry",
                    f"Geometrietyp {raw.get('type')!r} wird hier nicht angenommen.",
                    " oder ".join(allowed_types),
                    False,
                )
            ],
        )
    problems: list[FeatureProblem] = []
    repairs: list[str] = []
    open_rings = [ring for ring in _rings(raw) if not _ring_is_closed(ring)]
    if open_rings:
        closable = all(len({tuple(p[:2]) for p in ring}) >= 3 for ring in open_rings)
        if repair and closable:
            raw = _close_rings(raw)
            repairs.append(f"{len(open_rings)} nicht geschlossene(r) Ring(e) geschlossen")
        else:
            return CheckedGeometry(
                None,
                [
                    FeatureProblem(
                        feature_id,
                        "unclosed-ring",
                        f"{len(open_rings)} Ring(e) der Fläche sind nicht geschlossen "
                        "(der letzte Punkt ist nicht der erste).",
                        "geschlossene Ringe mit mindestens 4 Punkten, erster = letzter Punkt",
                        closable,
                    )
                ],
            )
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, shapely.errors.GEOSException) as error:
        return CheckedGeometry(
            None,
            [
                FeatureProblem(
                    feature_id,
                    "invalid-geometry",
                    f"Die Geometrie ist nicht lesbar: {error}",
                    "gültiges GeoJSON (RFC 7946)",
                    False,
                )
            ],
        )
    if geometry.is_empty:
        return _empty(feature_id)
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        kind = reason.split("[")[0].strip()
        german = _REASONS_DE.get(kind, kind)
        if repair:
            repaired = _polygonal_part(shapely.make_valid(geometry))
            if not repaired.is_empty and repaired.is_valid:
                repairs.append(f"Geometrie repariert (make-valid): {german} ({reason})")
                geometry = repaired
            else:
                problems.append(
                    FeatureProblem(
                        feature_id,
                        "invalid-geometry",
                        f"{german} ({reason}); die Reparatur ergab keine Fläche.",
                        "eine gültige Fläche ohne Selbstüberschneidung",
                        False,
                    )
                )
        else:
            problems.append(
                FeatureProblem(
                    feature_id,
                    "invalid-geometry",
                    f"{german} ({reason}).",
                    "eine gültige Fläche ohne Selbstüberschneidung (oder den Schritt make-valid deklarieren)",
                    True,
                )
            )
    return CheckedGeometry(None if problems else geometry, problems, repairs)


def transform_geometry(geometry: BaseGeometry, transform) -> BaseGeometry:
    """`geometry` with every coordinate passed through `transform(xs, ys) -> (xs, ys)`."""

    def apply(coordinates: numpy.ndarray) -> numpy.ndarray:
        xs, ys = transform(coordinates[:, 0], coordinates[:, 1])
        return numpy.column_stack([xs, ys])

    return shapely.transform(geometry, apply)


def outside_area_problem(
    feature_id: str, geometry_wgs84: BaseGeometry, crs_label: str, bounds: tuple[float, float, float, float]
) -> FeatureProblem | None:
    """A problem when any transformed coordinate is not finite or lies outside `bounds`."""
    coordinates = shapely.get_coordinates(geometry_wgs84)
    lons, lats = coordinates[:, 0], coordinates[:, 1]
    west, south, east, north = bounds
    inside = (
        numpy.isfinite(lons)
        & numpy.isfinite(lats)
        & (lons >= west)
        & (lons <= east)
        & (lats >= south)
        & (lats <= north)
    )
    if inside.all():
        return None
    first = int(numpy.argmin(inside))
    return FeatureProblem(
        feature_id,
        "outside-crs-area",
        f"{int((~inside).sum())} Koordinate(n) liegen außerhalb des Gebiets, für das "
        f"{crs_label} gilt (erste: Punkt {first + 1}). Stimmt das angegebene "
        "Koordinatensystem? Grad-Angaben in einer Datei, die EPSG:25832 angibt, landen hier.",
        f"Koordinaten in {crs_label} innerhalb von {west:.1f}–{east:.1f}° Ost, {south:.1f}–{north:.1f}° Nord",
        False,
    )
