"""Plan attribute mapping: declared in dataset.yaml, applied to the demo and to real data."""

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from pipelines.geo.features import prepare_features
from pipelines.geo.plans import PLAN_SCHEMA, PlanAttributes, parse_date, plan_rows
from pipelines.geo.reading import read_geojson_file

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "datasets" / "bebauungsplaene"


def demo_rows():
    declaration = yaml.safe_load((DEMO / "dataset.yaml").read_text(encoding="utf-8"))
    attributes = PlanAttributes(**declaration["source"]["plans"])
    document = read_geojson_file(DEMO / declaration["source"]["path"])
    prepared = prepare_features(document, id_property=declaration["source"]["id_property"])
    return plan_rows(prepared, attributes)


def test_demo_plans_map_to_every_state_of_the_shared_plan_table():
    rows, problems = demo_rows()
    assert problems == []
    by_number = {row["nummer"]: row for row in rows}
    assert {number: row["verfahrensstand"] for number, row in by_number.items()} == {
        "4": "rechtskraeftig",
        "17": "rechtskraeftig",
        "23": "rechtskraeftig",
        "31": "rechtskraeftig",
        "38": "aufgehoben",
        "42": "offenlage",
        "45": "fruehzeitige-beteiligung",
        "51": "aufstellungsbeschluss",
        "53": "satzungsbeschluss",
        "56": "im-verfahren",
        "58": "eingestellt",
        "FNP 27": "offenlage",
    }
    assert by_number["FNP 27"]["planart"] == "Änderung des Flächennutzungsplans"
    assert by_number["4"]["aufstellungsbeschluss"] == date(1974, 3, 12)  # written 12.03.1974
    assert json.loads(by_number["23"]["dokumente"])[0]["titel"] == "Planzeichnung"
    assert json.loads(by_number["51"]["dokumente"]) == []


def test_demo_rows_fit_the_published_schema():
    rows, _ = demo_rows()
    names = [field["name"] for field in PLAN_SCHEMA["fields"]]
    assert all(list(row) == names for row in rows)


def test_real_nrw_inventory_maps_with_its_own_names(reference_dir):
    document = read_geojson_file(reference_dir / "samples" / "nrw_bebauungsplaene_15_rows_epsg25832.geojson")
    attributes = PlanAttributes(
        number="nr",
        name="name",
        state="stand",
        in_force_date="datum",
        documents=[{"title": "Planzeichnung", "property": "scanurl"}],
    )
    rows, problems = plan_rows(prepare_features(document, id_property="planid"), attributes)
    assert problems == [] and len(rows) == 15
    assert {row["verfahrensstand"] for row in rows} == {"rechtskraeftig"}  # stand 4000
    # all 15 plans lie in North Rhine-Westphalia
    assert all(5.8 < row["bbox_west"] < row["bbox_ost"] < 9.5 for row in rows)
    assert all(50.3 < row["bbox_sued"] < row["bbox_nord"] < 52.6 for row in rows)


def feature(properties):
    square = [[405500, 5724400], [405600, 5724400], [405600, 5724500], [405500, 5724400]]
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
        "features": [
            {
                "type": "Feature",
                "id": "BP-1",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": [square]},
            }
        ],
    }


ATTRIBUTES = PlanAttributes(number="nr", name="name", state="stand", decision_date="aufst")


def test_unknown_state_and_bad_date_are_reported_with_feature_and_field():
    rows, problems = plan_rows(
        prepare_features(feature({"nr": "7", "name": "X", "stand": "irgendwie", "aufst": "31.02.2024"})), ATTRIBUTES
    )
    assert rows == []
    assert sorted((p.feature_id, p.field, p.type) for p in problems) == [
        ("BP-1", "aufst", "date-error"),
        ("BP-1", "stand", "state-error"),
    ]
    assert "31.02.2024" in next(p.message for p in problems if p.type == "date-error")


def test_missing_number_is_reported():
    _, problems = plan_rows(prepare_features(feature({"name": "X", "stand": 4000})), ATTRIBUTES)
    assert [(p.field, p.type) for p in problems] == [("nr", "constraint-error")]


def test_only_web_links_become_documents():
    attributes = PlanAttributes(
        number="nr",
        name="name",
        state="stand",
        documents=[{"title": "Plan", "property": "a"}, {"title": "Lokal", "property": "b"}],
    )
    rows, _ = plan_rows(
        prepare_features(
            feature({"nr": "7", "name": "X", "stand": 4000, "a": "https://x.example/p.pdf", "b": "C:\\plan.pdf"})
        ),
        attributes,
    )
    assert json.loads(rows[0]["dokumente"]) == [{"titel": "Plan", "url": "https://x.example/p.pdf"}]


def test_declared_state_values_must_name_known_states():
    with pytest.raises(ValueError, match="unknown planning state"):
        PlanAttributes(number="n", name="m", state="s", state_values={"9": "vielleicht"})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021-03-04", date(2021, 3, 4)),
        ("04.03.2021", date(2021, 3, 4)),
        ("4.3.2021", date(2021, 3, 4)),
        ("1986-09-30T00:00:00", date(1986, 9, 30)),
        ("2021-03-04T00:00:00Z", date(2021, 3, 4)),
        (None, None),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31.02.2024", "2024/01/02", "gestern"])
def test_bad_dates_raise(text):
    with pytest.raises(ValueError):
        parse_date(text)
