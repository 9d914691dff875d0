"""The xplan kind on the real Hamburg plan "Rotherbaum 27" (XPlanGML 5.2), compared with an
independent reading of the XML; other files declared as XPlanGML (or XPlanGML declared as
something else) fail alone, saying in German what the file is."""

import sqlite3
from pathlib import Path
from xml.etree import ElementTree

import pyproj
import pytest

from kommune import portal
from tests.conftest import dataset_yaml

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "samples"
ROTHERBAUM = SAMPLES / "hamburg_bplan_rotherbaum27_xplangml-5.2.gml"
NS = {"xplan": "http://www.xplanung.de/xplangml/5/2", "gml": "http://www.opengis.net/gml/3.2"}


def expected_plan():
    plan = ElementTree.parse(ROTHERBAUM).getroot().find(".//xplan:BP_Plan", NS)
    polygon = plan.find("xplan:raeumlicherGeltungsbereich/gml:Polygon", NS)
    numbers = [float(value) for element in polygon.iterfind(".//gml:posList", NS) for value in element.text.split()]
    transformer = pyproj.Transformer.from_crs(polygon.get("srsName"), "EPSG:4326", always_xy=True)
    lons, lats = transformer.transform(numbers[0::2], numbers[1::2])
    return {
        "id": plan.get("{http://www.opengis.net/gml/3.2}id"),
        "name": plan.findtext("xplan:name", namespaces=NS),
        "gemeinde": plan.findtext("xplan:gemeinde/xplan:XP_Gemeinde/xplan:gemeindeName", namespaces=NS),
        "rechtsstand": plan.findtext("xplan:rechtsstand", namespaces=NS),
        "verordnung": plan.findtext("xplan:rechtsverordnungsDatum", namespaces=NS),
        "bbox": (min(lons), min(lats), max(lons), max(lats)),
    }


def test_rotherbaum_publishes_as_in_the_file_and_leaves_no_gdal_cache_behind(portal_dir):
    folder = portal_dir.add(
        "rotherbaum",
        dataset_yaml("{kind: xplan, path: sample/plan.gml}"),
        files={"sample/plan.gml": ROTHERBAUM.read_bytes()},
    )
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok", result.issues
    expected = expected_plan()
    db = sqlite3.connect(portal_dir.out / "portal.db")
    rows = db.execute(
        "select id, nummer, name, planart, gemeinde, verfahrensstand, satzungsbeschluss, "
        "bbox_west, bbox_sued, bbox_ost, bbox_nord from rotherbaum"
    ).fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert row[:7] == (
        expected["id"],
        expected["name"],
        expected["name"],
        "Bebauungsplan",
        expected["gemeinde"],
        "satzungsbeschluss",
        expected["verordnung"],
    )
    assert expected["rechtsstand"] == "3000" and expected["gemeinde"] == "Freie und Hansestadt Hamburg"
    assert row[7:] == pytest.approx(expected["bbox"], abs=1e-6)
    assert sorted(path.name for path in (folder / "sample").iterdir()) == ["plan.gml"]  # no .gfs written
    assert not list((portal_dir.out / "datasets" / "rotherbaum").glob(".*"))


def test_xplan_declared_as_geojson_says_what_the_file_is(portal_dir):
    portal_dir.add(
        "plaene",
        dataset_yaml("{kind: geojson, path: sample/p.geojson, columns: {a: b}}"),
        files={"sample/p.geojson": ROTHERBAUM.read_bytes()},
    )
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    (issue,) = result.issues
    assert issue.message == "Datei ist XPlanGML 5.2, deklariert ist geojson"
    assert "kind: xplan" in issue.expected


def test_plain_gml_and_xplan_without_plan_fail_in_german(portal_dir, tmp_path):
    plain = (
        b'<?xml version="1.0"?><wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" '
        b'xmlns:gml="http://www.opengis.net/gml/3.2"></wfs:FeatureCollection>'
    )
    text = ROTHERBAUM.read_text(encoding="utf-8")
    start, end = text.index("<gml:featureMember>"), text.index("</gml:featureMember>") + len("</gml:featureMember>")
    portal_dir.add("gml", dataset_yaml("{kind: xplan, path: sample/p.gml}"), files={"sample/p.gml": plain})
    portal_dir.add(
        "ohne-plan",
        dataset_yaml("{kind: xplan, path: sample/p.gml}"),
        files={"sample/p.gml": (text[:start] + text[end:]).encode()},
    )
    results = {d.id: d for d in portal.build(portal_dir.root, portal_dir.out).datasets}
    (issue,) = results["gml"].issues
    assert issue.message.startswith("Datei ist GML (aber kein XPlanGML), deklariert ist xplan")
    (issue,) = results["ohne-plan"].issues
    assert "keinen BP_Plan" in issue.message and "BP_Bereich" in issue.message


def plan_document(version: str, gml: str, plan: str, members: str) -> bytes:
    """A minimal XPlanGML file as a town's software writes it (namespaces per version)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<xplan:XPlanAuszug xmlns:xplan="http://www.xplanung.de/xplangml/'
        f'{version.replace(".", "/")}" xmlns:gml="{gml}" gml:id="A1">\n<gml:featureMember>\n'
        f'<xplan:{plan} gml:id="P1">\n{members}\n</xplan:{plan}>\n</gml:featureMember>\n</xplan:XPlanAuszug>\n'
    ).encode()


RING = "405500 5724400 405600 5724400 405600 5724500 405500 5724500 405500 5724400"


def test_fp_plan_in_xplangml_4_1_and_bp_plan_in_6_0(portal_dir):
    fp = plan_document(
        "4.1",
        "http://www.opengis.net/gml",
        "FP_Plan",
        f"""
<xplan:name>Flächennutzungsplan Werne, 27. Änderung</xplan:name><xplan:nummer>FNP 27</xplan:nummer>
<xplan:gemeinde><xplan:XP_Gemeinde><xplan:ags>05978040</xplan:ags><xplan:gemeindeName>Werne</xplan:gemeindeName></xplan:XP_Gemeinde></xplan:gemeinde>
<xplan:rechtsstand>4000</xplan:rechtsstand><xplan:wirksamkeitsDatum>2021-05-04</xplan:wirksamkeitsDatum>
<xplan:raeumlicherGeltungsbereich><gml:MultiSurface srsName="EPSG:25832"><gml:surfaceMember><gml:Polygon>
<gml:exterior><gml:LinearRing><gml:posList>{RING}</gml:posList></gml:LinearRing></gml:exterior>
</gml:Polygon></gml:surfaceMember></gml:MultiSurface></xplan:raeumlicherGeltungsbereich>""",
    )
    bp = plan_document(
        "6.0",
        "http://www.opengis.net/gml/3.2",
        "BP_Plan",
        f"""
<xplan:name>Wohnen am Hagen</xplan:name><xplan:nummer>42</xplan:nummer>
<xplan:raeumlicherGeltungsbereich><gml:Polygon gml:id="G1" srsName="EPSG:25832">
<gml:exterior><gml:LinearRing><gml:posList>{RING}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>
</xplan:raeumlicherGeltungsbereich>
<xplan:gemeinde><xplan:XP_Gemeinde><xplan:ags>05978040</xplan:ags><xplan:gemeindeName>Werne</xplan:gemeindeName></xplan:XP_Gemeinde></xplan:gemeinde>
<xplan:planArt>1000</xplan:planArt><xplan:rechtsstand>2400</xplan:rechtsstand>
<xplan:aufstellungsbeschlussDatum>2025-06-23</xplan:aufstellungsbeschlussDatum>
<xplan:auslegungsStartDatum>2026-11-02</xplan:auslegungsStartDatum><xplan:auslegungsEndDatum>2026-12-04</xplan:auslegungsEndDatum>""",
    )
    portal_dir.add("fnp", dataset_yaml("{kind: xplan, path: sample/fnp.gml}"), files={"sample/fnp.gml": fp})
    portal_dir.add("bplan", dataset_yaml("{kind: xplan, path: sample/bp.gml}"), files={"sample/bp.gml": bp})
    results = {d.id: d for d in portal.build(portal_dir.root, portal_dir.out).datasets}
    assert {key: result.status for key, result in results.items()} == {"fnp": "ok", "bplan": "ok"}, {
        key: result.issues for key, result in results.items()
    }
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select nummer, planart, gemeinde, verfahrensstand, inkrafttreten from fnp").fetchone() == (
        "FNP 27",
        "Flächennutzungsplan",
        "Werne",
        "rechtskraeftig",
        "2021-05-04",
    )
    assert db.execute(
        "select nummer, name, verfahrensstand, aufstellungsbeschluss, offenlage_beginn, offenlage_ende from bplan"
    ).fetchone() == ("42", "Wohnen am Hagen", "offenlage", "2025-06-23", "2026-11-02", "2026-12-04")
    west, south = db.execute("select bbox_west, bbox_sued from bplan").fetchone()
    lons, lats = pyproj.Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(
        [405500, 405600, 405600, 405500], [5724400, 5724400, 5724500, 5724500]
    )
    assert (west, south) == pytest.approx((min(lons), min(lats)), abs=1e-6)
