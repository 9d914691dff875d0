"""The wfs kind end to end against a real HTTP server on 127.0.0.1 serving recorded-style
GeoServer responses (tests/pipelines/geo/fixtures/wfs)."""

import sqlite3

from kommune import portal
from tests.conftest import dataset_yaml
from tests.geo_http import serving
from tests.pipelines.geo.test_wfs import geoserver

PLANS = "{id: planid, number: nummer, name: name, state: rechtsstand, decision_date: aufstellungsbeschlussDatum}"


def add_wfs(portal_dir, url: str, type_name: str = "bplan:BP_Plan"):
    portal_dir.add(
        "plaene-wfs",
        dataset_yaml(
            f"{{kind: wfs, url: '{url}/geoserver/wfs', type_name: '{type_name}', page_size: 2, id_property: planid, "
            f"plans: {PLANS}}}",
            title="Pläne aus dem WFS",
        ),
    )


def test_wfs_dataset_builds_page_by_page(portal_dir):
    with serving(geoserver()) as (url, requests):
        add_wfs(portal_dir, url)
        result = portal.build(portal_dir.root, portal_dir.out).datasets[0]
    assert result.status == "ok" and result.rows == 5
    assert [params.get("startindex") for _, params in requests if params["request"] == "GetFeature"] == ["0", "2", "4"]
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from plaene_wfs where bbox_west between 7.5 and 7.8").fetchone() == (5,)


def test_wfs_exception_report_fails_the_dataset_readably(portal_dir):
    with serving(geoserver()) as (url, _):
        add_wfs(portal_dir, url, type_name="bplan:BP_Plaene")
        result = portal.build(portal_dir.root, portal_dir.out).datasets[0]
    assert result.status == "failed"
    assert "BP_Plaene unknown" in result.issues[0].message
