"""`kommune add` for JSON, JSON Lines, shapefiles and XPlanGML: the real samples and files
generated here go through `kommune add` and `kommune build` with no edit, and the published
values are compared with an independent parse of each file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from xml.etree import ElementTree

import pyproj
import pytest

from tests.conftest import PortalDir, run_kommune
from tests.pipelines.kinds.test_shapefile import BOXES, NAMES, write_shapefile, zipped


def add(portal: PortalDir, location: Path, dataset_id: str):
    return run_kommune("add", str(location), "--id", dataset_id, "-C", str(portal.root))


@pytest.fixture(scope="module")
def built(reference_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    portal = PortalDir(root / "portal")
    files = root / "files"
    files.mkdir()
    nested = {
        "stand": "2024-01",
        "daten": {
            "eintraege": [
                {
                    "amt": "Bürgerbüro Süd",
                    "adresse": {"plz": "01067", "ort": "Werne"},
                    "wartezeit": "39,20",
                    "termin": "24.01.2020",
                    "online": True,
                },
                {
                    "amt": "Straßenverkehrsamt",
                    "adresse": {"plz": "59368", "ort": "Werne"},
                    "wartezeit": "1.204,50",
                    "termin": "25.01.2020",
                    "online": False,
                },
            ]
        },
    }
    (files / "aemter.json").write_text(json.dumps(nested, ensure_ascii=False), encoding="utf-8")
    (files / "zaehlung.jsonl").write_text(
        "".join(json.dumps({"monat": f"2024-0{m}", "anzahl": m * 10}) + "\n" for m in range(1, 4)), encoding="utf-8"
    )
    (files / "plaene.zip").write_bytes(zipped(write_shapefile(root / "shp", keep_cpg=False, language_driver=0x57)))
    added = {
        "heilbronn": add(
            portal, reference_dir / "samples" / "heilbronn_kfz-zulassung_wartezeiten_2016-07.json", "heilbronn"
        ),
        "moers": add(portal, reference_dir / "samples" / "moers_buergerservice_wartezeiten_2014-KW36.json", "moers"),
        "rotherbaum": add(
            portal, reference_dir / "samples" / "hamburg_bplan_rotherbaum27_xplangml-5.2.gml", "rotherbaum"
        ),
        "aemter": add(portal, files / "aemter.json", "aemter"),
        "zaehlung": add(portal, files / "zaehlung.jsonl", "zaehlung"),
        "plaene": add(portal, files / "plaene.zip", "plaene"),
    }
    build = run_kommune("build", "-C", str(portal.root), "-o", str(portal.out), "--quiet", timeout=600)
    return portal, added, build


def test_every_format_builds_without_an_edit(built):
    portal, added, build = built
    assert {name: result.returncode for name, result in added.items()} == {
        "heilbronn": 0,
        "moers": 2,
        "rotherbaum": 0,
        "aemter": 0,
        "zaehlung": 0,
        "plaene": 0,
    }, {name: result.stderr for name, result in added.items()}
    assert build.returncode == 0, build.stdout + build.stderr
    report = json.loads((portal.out / "build-report.json").read_text())
    assert {d["id"]: d["status"] for d in report["datasets"]} == {
        "heilbronn": "ok",
        "rotherbaum": "ok",
        "aemter": "ok",
        "zaehlung": "ok",
        "plaene": "ok",
    }


def test_moers_is_refused_with_the_line_and_the_fix_and_nothing_written(built):
    portal, added, _ = built
    message = added["moers"].stderr + added["moers"].stdout
    assert "Zeile 1, Spalte 64" in message and "Abhilfe" in message and "[ … ]" in message
    assert "Extra data" not in message and not (portal.root / "datasets" / "moers").exists()


def test_heilbronn_values_equal_the_file(built, reference_dir):
    portal, _, _ = built
    records = json.loads((reference_dir / "samples" / "heilbronn_kfz-zulassung_wartezeiten_2016-07.json").read_text())
    db = sqlite3.connect(portal.out / "portal.db")
    assert db.execute("select count(*) from heilbronn").fetchone() == (len(records),)
    for column in ("year", "week", "weekday", "hour", "wait"):
        assert db.execute(f"select sum({column}), typeof({column}) from heilbronn").fetchone() == (
            sum(r[column] for r in records),
            "integer",
        )


def test_nested_json_with_german_numbers_and_dates(built):
    portal, added, _ = built
    assert "daten.eintraege" in added["aemter"].stdout
    db = sqlite3.connect(portal.out / "portal.db")
    rows = db.execute(
        "select amt, adresse_plz, adresse_ort, wartezeit, termin, online from aemter order by amt"
    ).fetchall()
    assert rows == [
        ("Bürgerbüro Süd", "01067", "Werne", 39.2, "2020-01-24", 1),
        ("Straßenverkehrsamt", "59368", "Werne", 1204.5, "2020-01-25", 0),
    ]


def test_json_lines(built):
    portal, _, _ = built
    db = sqlite3.connect(portal.out / "portal.db")
    assert db.execute("select count(*), sum(anzahl) from zaehlung").fetchone() == (3, 60)


def test_rotherbaum_plan_equals_the_xml(built, reference_dir):
    portal, _, _ = built
    namespaces = {"xplan": "http://www.xplanung.de/xplangml/5/2", "gml": "http://www.opengis.net/gml/3.2"}
    plan = (
        ElementTree.parse(reference_dir / "samples" / "hamburg_bplan_rotherbaum27_xplangml-5.2.gml")
        .getroot()
        .find(".//xplan:BP_Plan", namespaces)
    )
    positions = [
        float(v)
        for e in plan.iterfind("xplan:raeumlicherGeltungsbereich//gml:posList", namespaces)
        for v in e.text.split()
    ]
    lons, lats = pyproj.Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(
        positions[0::2], positions[1::2]
    )
    db = sqlite3.connect(portal.out / "portal.db")
    row = db.execute(
        "select name, gemeinde, verfahrensstand, bbox_west, bbox_sued, bbox_ost, bbox_nord from rotherbaum"
    ).fetchone()
    assert row[:3] == (
        plan.findtext("xplan:name", namespaces=namespaces),
        "Freie und Hansestadt Hamburg",
        "satzungsbeschluss",
    )
    assert row[3:] == pytest.approx((min(lons), min(lats), max(lons), max(lats)), abs=1e-6)


def test_shapefile_zip_cp1252_by_language_driver_and_odd_false_easting(built):
    portal, added, _ = built
    assert "cp1252 (laut DBF-Sprachtreiber)" in added["plaene"].stdout
    assert "ETRS89_UTM_Zone_32N_mit_Zonenkennung (es gelten die Parameter der .prj" in added["plaene"].stdout
    db = sqlite3.connect(portal.out / "portal.db")
    rows = db.execute("select bezeichnun, bbox_west, bbox_sued from plaene order by id").fetchall()
    assert [row[0] for row in rows] == NAMES
    to_wgs84 = pyproj.Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    for (west, south, east, north), row in zip(BOXES, rows, strict=True):
        lons, lats = to_wgs84.transform([west - 32_000_000, east - 32_000_000] * 2, [south, south, north, north])
        assert row[1:] == pytest.approx((min(lons), min(lats)), abs=1e-6)
