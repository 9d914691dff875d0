import pytest

from pipelines.config.dataset import Step
from pipelines.errors import DatasetFailed
from pipelines.geo.resource import FeatureSettings, build_rows, plan_schema, wants_repair

E, N = 405_500.0, 5_724_400.0
SQUARE = [[E, N], [E + 100, N], [E + 100, N + 100], [E, N + 100], [E, N]]
DOCUMENT = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
    "features": [
        {
            "type": "Feature",
            "id": "a",
            "properties": {"bez": "Nord", "n": 1},
            "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
        },
        {"type": "Feature", "id": "b", "properties": {"bez": "Süd"}, "geometry": None},
    ],
}


def test_generic_columns_are_text_beside_the_geometry_columns():
    settings = FeatureSettings(columns={"bezirk": "bez", "nummer": "n"})
    document = {**DOCUMENT, "features": DOCUMENT["features"][:1]}
    schema, rows, repairs = build_rows(document, settings, repair=False, source="x.geojson")
    assert [f["name"] for f in schema["fields"]][:4] == ["id", "bezirk", "nummer", "geometrie"]
    assert rows[0]["bezirk"] == "Nord" and rows[0]["nummer"] == "1" and repairs == []


def test_any_broken_feature_fails_with_its_position_and_id():
    with pytest.raises(DatasetFailed) as raised:
        build_rows(DOCUMENT, FeatureSettings(), repair=True, source="x.geojson")
    (issue,) = raised.value.issues
    assert (issue.file, issue.row, issue.type) == ("x.geojson", 2, "empty-geometry")
    assert issue.message.startswith("Objekt „b“")


def test_unknown_crs_fails_readably():
    with pytest.raises(DatasetFailed, match="Koordinatensystem"):
        build_rows(DOCUMENT, FeatureSettings(crs="EPSG:999999"), repair=False, source="x.geojson")


def test_plans_and_columns_exclude_each_other():
    with pytest.raises(ValueError):
        FeatureSettings(columns={"a": "b"}, plans={"number": "n", "name": "m", "state": "s"})


def test_plan_schema_carries_the_vocabulary():
    field = next(f for f in plan_schema()["fields"] if f["name"] == "verfahrensstand")
    assert field["categories"][0] == {
        "value": "aufstellungsbeschluss",
        "label": "Aufstellungsbeschluss",
        "colour": "#56b4e9",
        "order": 1,
        "inProcedure": True,
    }


def test_make_valid_is_read_from_the_declared_steps():
    assert wants_repair([Step(type="make-valid")]) and wants_repair([{"type": "make-valid"}])
    assert not wants_repair([Step(type="field-remove")]) and not wants_repair([])
