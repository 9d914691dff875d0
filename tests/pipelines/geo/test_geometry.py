"""Each kind of invalid geometry is reported with the feature's id, and repaired only by
the declared make-valid step — never published silently."""

import pytest
import shapely

from pipelines.geo.features import geometry_columns, prepare_features
from pipelines.geo.geometry import check_geometry

E, N = 405_500.0, 5_724_400.0  # Werne, EPSG:25832
SQUARE = [[E, N], [E + 100, N], [E + 100, N + 100], [E, N + 100], [E, N]]
BOWTIE = [[E, N], [E + 100, N + 100], [E + 100, N], [E, N + 100], [E, N]]
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}


def collection(*geometries, ids=None):
    ids = ids or [f"plan-{index}" for index in range(1, len(geometries) + 1)]
    return {
        "type": "FeatureCollection",
        "crs": CRS,
        "features": [
            {"type": "Feature", "id": identifier, "properties": {}, "geometry": geometry}
            for identifier, geometry in zip(ids, geometries, strict=True)
        ],
    }


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def test_valid_polygon_passes_and_is_transformed_to_degrees():
    prepared = prepare_features(collection(polygon(SQUARE)))
    assert prepared.problems == []
    (feature,) = prepared.features
    west, south, east, north = feature.geometry.bounds
    assert 7.6 < west < east < 7.7 and 51.6 < south < north < 51.7


@pytest.mark.parametrize(
    "geometry", [None, {"type": "Polygon", "coordinates": []}, {"type": "MultiPolygon", "coordinates": []}]
)
def test_empty_geometry_is_rejected_even_with_repair(geometry):
    prepared = prepare_features(collection(geometry, ids=["BP-7"]), repair=True)
    assert prepared.features == []
    (problem,) = prepared.problems
    assert (problem.feature_id, problem.type, problem.field) == ("BP-7", "empty-geometry", "geometry")


def test_unclosed_ring_is_rejected_without_repair():
    prepared = prepare_features(collection(polygon(SQUARE[:-1]), ids=["BP-12"]))
    assert prepared.features == []
    (problem,) = prepared.problems
    assert (problem.feature_id, problem.type, problem.repairable) == ("BP-12", "unclosed-ring", True)


def test_unclosed_ring_is_closed_by_make_valid_and_recorded():
    prepared = prepare_features(collection(polygon(SQUARE[:-1]), ids=["BP-12"]), repair=True)
    assert prepared.problems == []
    assert prepared.repairs and prepared.repairs[0][0] == "BP-12"
    assert prepared.features[0].geometry.is_valid


def test_ring_of_two_points_cannot_be_closed():
    prepared = prepare_features(collection(polygon(SQUARE[:2]), ids=["BP-2"]), repair=True)
    assert [problem.type for problem in prepared.problems] == ["unclosed-ring"]
    assert prepared.features == []


def test_self_intersection_is_rejected_without_repair():
    prepared = prepare_features(collection(polygon(BOWTIE), ids=["BP-8"]))
    (problem,) = prepared.problems
    assert (problem.feature_id, problem.type) == ("BP-8", "invalid-geometry")
    assert "schneidet sich selbst" in problem.message
    assert prepared.features == []


def test_self_intersection_is_repaired_by_make_valid_keeping_the_area():
    prepared = prepare_features(collection(polygon(BOWTIE), ids=["BP-8"]), repair=True)
    assert prepared.problems == []
    (feature,) = prepared.features
    assert feature.geometry.is_valid and feature.geometry.geom_type == "MultiPolygon"
    assert "make-valid" in feature.repairs[0]
    # The two triangles of the bow tie keep half the square's 1 ha.
    assert geometry_columns(feature.geometry)["flaeche_ha"] == pytest.approx(0.5, rel=0.01)


def test_degrees_in_a_file_claiming_utm_are_rejected_as_outside_the_crs_area():
    degrees = [[7.63, 51.66], [7.64, 51.66], [7.64, 51.67], [7.63, 51.67], [7.63, 51.66]]
    prepared = prepare_features(collection(polygon(SQUARE), polygon(degrees), ids=["ok", "BP-99"]), repair=True)
    assert [feature.feature_id for feature in prepared.features] == ["ok"]
    (problem,) = prepared.problems
    assert (problem.feature_id, problem.type, problem.repairable) == ("BP-99", "outside-crs-area", False)
    assert "EPSG:25832" in problem.message


def test_declared_crs_overrides_wrong_embedded_one():
    document = collection(polygon(SQUARE))
    document["crs"] = {"type": "name", "properties": {"name": "EPSG:4326"}}
    assert [p.type for p in prepare_features(document).problems] == ["outside-crs-area"]
    assert prepare_features(document, declared_crs="EPSG:25832").problems == []


def test_points_are_refused_where_areas_are_expected():
    prepared = prepare_features(collection({"type": "Point", "coordinates": [E, N]}, ids=["P"]))
    assert [p.type for p in prepared.problems] == ["unsupported-geometry"]


def test_duplicate_ids_are_reported():
    prepared = prepare_features(collection(polygon(SQUARE), polygon(SQUARE), ids=["A", "A"]))
    assert [(p.feature_id, p.type) for p in prepared.problems] == [("A", "duplicate-id")]


def test_features_without_id_are_named_by_position():
    document = collection(polygon(SQUARE), polygon(BOWTIE))
    for feature in document["features"]:
        del feature["id"]
    assert [p.feature_id for p in prepare_features(document).problems] == ["Objekt 2"]


def test_all_broken_features_are_reported_at_once():
    prepared = prepare_features(collection(None, polygon(BOWTIE), polygon(SQUARE[:-1]), ids=["a", "b", "c"]))
    assert sorted((p.feature_id, p.type) for p in prepared.problems) == [
        ("a", "empty-geometry"),
        ("b", "invalid-geometry"),
        ("c", "unclosed-ring"),
    ]


def test_hole_outside_shell_is_invalid():
    hole = [[E + 200, N], [E + 250, N], [E + 250, N + 50], [E + 200, N]]
    result = check_geometry("H", polygon(SQUARE, hole))
    assert [p.type for p in result.problems] == ["invalid-geometry"]


def test_geometry_columns_hold_geojson_and_a_matching_bbox():
    (feature,) = prepare_features(collection(polygon(SQUARE))).features
    columns = geometry_columns(feature.geometry)
    stored = shapely.from_geojson(columns["geometrie"])
    assert stored.bounds == pytest.approx(
        (columns["bbox_west"], columns["bbox_sued"], columns["bbox_ost"], columns["bbox_nord"]), abs=1e-7
    )
    assert columns["flaeche_ha"] == pytest.approx(1.0, rel=0.002)  # 100 m × 100 m in UTM
