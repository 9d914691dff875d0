"""The geojson kind end to end: declaration → build → portal.db, with broken geometry
failing the dataset (last good version kept) unless make-valid is declared."""

import json
import sqlite3

import pytest

from kommune import portal
from pipelines.errors import ConfigError
from tests.conftest import dataset_yaml
from tests.geo_http import serving

E, N = 405_500.0, 5_724_400.0
SQUARE = [[E, N], [E + 100, N], [E + 100, N + 100], [E, N + 100], [E, N]]
BOWTIE = [[E, N], [E + 100, N + 100], [E + 100, N], [E, N + 100], [E, N]]
PLANS = "{number: nr, name: name, state: stand, decision_date: aufst}"


def collection(*rings, ids=("BP-1", "BP-2")):
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
            "features": [
                {
                    "type": "Feature",
                    "id": ident,
                    "properties": {"nr": str(index), "name": f"Plan {index}", "stand": 4000, "aufst": "01.02.2020"},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
                for index, (ident, ring) in enumerate(zip(ids, rings, strict=True), start=1)
            ],
        }
    ).encode()


def add_plans(portal_dir, data: bytes, steps: str = "", source_extra: str = ""):
    return portal_dir.add(
        "plaene",
        dataset_yaml(
            f"{{kind: geojson, path: sample/p.geojson, plans: {PLANS}{source_extra}}}", title="Pläne", extra=steps
        ),
        files={"sample/p.geojson": data},
    )


def test_demo_plans_build_into_portal_db_with_rtree(portal_dir):
    portal_dir.add_demo("bebauungsplaene")
    report = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in report.datasets] == ["ok"]
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from bebauungsplaene").fetchone() == (12,)
    # R*Tree window around plan 42 "Wohnen am Hagen" finds it and nothing far away
    west, south, east, north = db.execute(
        "select bbox_west, bbox_sued, bbox_ost, bbox_nord from bebauungsplaene where nummer = '42'"
    ).fetchone()
    found = db.execute(
        "select p.nummer from bebauungsplaene p join bebauungsplaene_rtree r on p.rowid = r.id "
        "where r.max_x >= ? and r.min_x <= ? and r.max_y >= ? and r.min_y <= ?",
        (west, east, south, north),
    ).fetchall()
    assert found == [("42",)]
    package = json.loads((portal_dir.out / "datasets" / "bebauungsplaene" / "datapackage.json").read_text())
    resource = package["resources"][0]
    assert resource["kommune"]["geometry"] == "geometrie"
    state_field = next(f for f in resource["schema"]["fields"] if f["name"] == "verfahrensstand")
    assert {c["value"] for c in state_field["categories"]} >= {"offenlage", "rechtskraeftig", "eingestellt"}


def test_self_intersection_fails_the_dataset_and_keeps_the_last_good_version(portal_dir):
    folder = add_plans(portal_dir, collection(SQUARE, SQUARE))
    assert [d.status for d in portal.build(portal_dir.root, portal_dir.out).datasets] == ["ok"]
    (folder / "sample" / "p.geojson").write_bytes(collection(SQUARE, BOWTIE))
    result = portal.build(portal_dir.root, portal_dir.out).datasets[0]
    assert result.status == "stale"
    (issue,) = result.issues
    assert (issue.file, issue.row, issue.field, issue.type) == ("sample/p.geojson", 2, "geometry", "invalid-geometry")
    assert "BP-2" in issue.message and "schneidet sich selbst" in issue.message
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from plaene").fetchone() == (2,)  # the last good version


def test_make_valid_step_repairs_and_publishes(portal_dir):
    add_plans(portal_dir, collection(SQUARE, BOWTIE), steps="steps: [{type: make-valid}]\n")
    result = portal.build(portal_dir.root, portal_dir.out).datasets[0]
    assert result.status == "ok"
    package = json.loads((portal_dir.out / "datasets" / "plaene" / "datapackage.json").read_text())
    assert "BP-2" in package["resources"][0]["description"]  # the repair is disclosed
    db = sqlite3.connect(portal_dir.out / "portal.db")
    geometry = json.loads(db.execute("select geometrie from plaene where id = 'BP-2'").fetchone()[0])
    assert geometry["type"] == "MultiPolygon"


def test_degrees_claiming_utm_fail_even_with_make_valid(portal_dir):
    degrees = [[7.63, 51.66], [7.64, 51.66], [7.64, 51.67], [7.63, 51.67], [7.63, 51.66]]
    add_plans(portal_dir, collection(SQUARE, degrees), steps="steps: [{type: make-valid}]\n")
    result = portal.build(portal_dir.root, portal_dir.out).datasets[0]
    assert result.status == "failed"
    assert [issue.type for issue in result.issues] == ["outside-crs-area"]


def test_geojson_from_url_over_real_http(portal_dir):
    body = collection(SQUARE, SQUARE)
    with serving(lambda path, params: (200, "application/geo+json", body)) as (url, requests):
        portal_dir.add(
            "plaene", dataset_yaml(f"{{kind: geojson, url: '{url}/plaene.geojson', plans: {PLANS}}}", title="Pläne")
        )
        result = portal.build(portal_dir.root, portal_dir.out).datasets[0]
    assert result.status == "ok" and result.rows == 2
    assert requests[0][0] == "/plaene.geojson"


def test_generic_columns_for_other_areas(portal_dir):
    portal_dir.add_demo("stadtgebiet")
    assert [d.status for d in portal.build(portal_dir.root, portal_dir.out).datasets] == ["ok"]
    db = sqlite3.connect(portal_dir.out / "portal.db")
    ags, name = db.execute("select ags, name from stadtgrenze").fetchone()
    assert ags == "05978040" and "synthetisch" in name


@pytest.mark.parametrize(
    "source, steps, fragment",
    [
        (
            f"{{kind: geojson, path: sample/p.geojson, plans: {PLANS}}}",
            "steps: [{type: field-remove, names: [x]}]\n",
            "make-valid",
        ),
        (
            "{kind: geojson, path: sample/p.geojson, "
            "plans: {number: n, name: m, state: s, state_values: {'9': vielleicht}}}",
            "",
            "unknown planning state",
        ),
        ("{kind: geojson, path: sample/fehlt.geojson}", "", "fehlt.geojson"),
        ("{kind: geojson, path: sample/p.geojson, url: 'https://x.example/p.geojson'}", "", "genau eines"),
    ],
)
def test_declaration_mistakes_are_reported(portal_dir, source, steps, fragment):
    portal_dir.add("plaene", dataset_yaml(source, title="Pläne", extra=steps), files={"sample/p.geojson": b"{}"})
    with pytest.raises(ConfigError) as raised:
        portal.validate(portal_dir.root, sources=False)
    assert fragment in str(raised.value)
