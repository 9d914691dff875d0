"""Constants that geodata declarations and schemas need, kept apart from pyproj and shapely:
those take ~0.1 s to import, which loading the declarations (every `kommune build`, even
one that skips every dataset) should not pay."""

from __future__ import annotations

# Town data in a UTM or Gauss-Krüger zone often reaches a little past the zone's official
# area of use (western NRW lies west of 6° E and is still mapped in EPSG:25832).
DEFAULT_AREA_MARGIN_DEGREES = 1.0

# The columns `pipelines.geo.features.geometry_columns` fills for every feature.
GEOMETRY_FIELDS = [
    {
        "name": "geometrie",
        "type": "geojson",
        "title": "Geometrie (GeoJSON, WGS84)",
        "description": "Umriss als GeoJSON in WGS84 (Länge, Breite).",
    },
    {
        "name": "bbox_west",
        "type": "number",
        "title": "Westgrenze (Grad)",
        "description": "Kleinste geografische Länge des Umrisses (WGS84).",
    },
    {
        "name": "bbox_sued",
        "type": "number",
        "title": "Südgrenze (Grad)",
        "description": "Kleinste geografische Breite des Umrisses (WGS84).",
    },
    {
        "name": "bbox_ost",
        "type": "number",
        "title": "Ostgrenze (Grad)",
        "description": "Größte geografische Länge des Umrisses (WGS84).",
    },
    {
        "name": "bbox_nord",
        "type": "number",
        "title": "Nordgrenze (Grad)",
        "description": "Größte geografische Breite des Umrisses (WGS84).",
    },
    {
        "name": "flaeche_ha",
        "type": "number",
        "title": "Fläche (ha)",
        "description": "Fläche auf dem Ellipsoid GRS80 in Hektar.",
    },
]
