"""The WFS source against a real HTTP server on 127.0.0.1 serving recorded-style responses."""

from pathlib import Path

import pytest

from pipelines.geo.features import prepare_features
from pipelines.geo.wfs import WfsError, WfsSettings, get_feature_params, read_wfs, supports_paging
from tests.geo_http import fetch, fetch_any_status, serving

FIXTURES = Path(__file__).parent / "fixtures" / "wfs"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def geoserver(capabilities: str = "capabilities-paging.xml", ignore_start_index: bool = False):
    def respond(path, params):
        if params.get("request") == "GetCapabilities":
            return 200, "application/xml", fixture(capabilities)
        if params.get("typenames", params.get("typename")) != "bplan:BP_Plan":
            return 400, "application/xml", fixture("exception.xml")
        if "startindex" not in params:
            return 200, "application/json", fixture("getfeature-all.json")
        start = "0" if ignore_start_index else params["startindex"]
        return 200, "application/json;charset=UTF-8", fixture(f"getfeature-start-{start}.json")

    return respond


def settings(url: str, **overrides) -> WfsSettings:
    return WfsSettings(url=f"{url}/geoserver/wfs", type_name="bplan:BP_Plan", page_size=2, **overrides)


def test_paged_read_collects_all_pages_in_order():
    with serving(geoserver()) as (url, requests):
        collection = read_wfs(settings(url), fetch)
    assert [feature["id"] for feature in collection["features"]] == [f"BP_Plan.{n}" for n in range(1, 6)]
    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::25832"
    get_features = [params for _, params in requests if params["request"] == "GetFeature"]
    assert [(p["startindex"], p["count"]) for p in get_features] == [("0", "2"), ("2", "2"), ("4", "2")]
    assert get_features[0]["outputformat"] == "application/json"
    assert get_features[0]["version"] == "2.0.0"


def test_features_from_the_wfs_are_checked_and_transformed():
    with serving(geoserver()) as (url, _):
        collection = read_wfs(settings(url), fetch)
    prepared = prepare_features(collection)
    assert prepared.problems == [] and len(prepared.features) == 5
    assert all(7.5 < f.geometry.centroid.x < 7.8 for f in prepared.features)


def test_without_paging_support_one_request_gets_everything():
    with serving(geoserver("capabilities-no-paging.xml")) as (url, requests):
        collection = read_wfs(settings(url), fetch)
    assert len(collection["features"]) == 5
    get_features = [params for _, params in requests if params["request"] == "GetFeature"]
    assert len(get_features) == 1 and "startindex" not in get_features[0]


def test_paging_off_skips_capabilities():
    with serving(geoserver()) as (url, requests):
        read_wfs(settings(url, paging="off"), fetch)
    assert [params["request"] for _, params in requests] == ["GetFeature"]


def test_exception_report_becomes_a_readable_error():
    with serving(geoserver()) as (url, _), pytest.raises(WfsError, match="BP_Plaene unknown"):
        read_wfs(WfsSettings(url=f"{url}/geoserver/wfs", type_name="bplan:BP_Plaene", paging="off"), fetch_any_status)


def test_service_ignoring_start_index_is_detected_instead_of_looping():
    with serving(geoserver(ignore_start_index=True)) as (url, _), pytest.raises(WfsError, match="startIndex"):
        read_wfs(settings(url, paging="on"), fetch)


def test_html_instead_of_geojson_is_an_error_naming_the_output_format():
    with (
        serving(lambda path, params: (200, "text/html", b"<html><body>Wartung</body></html>")) as (url, _),
        pytest.raises(WfsError, match="outputFormat"),
    ):
        read_wfs(settings(url, paging="off"), fetch)


def test_wfs_1_1_uses_its_own_parameter_names():
    params = get_feature_params(
        WfsSettings(url="http://x", type_name="t", version="1.1.0", page_size=50), start_index=100
    )
    assert params["typeName"] == "t" and params["maxFeatures"] == "50" and params["startIndex"] == "100"


def test_capabilities_paging_flag():
    assert supports_paging(fixture("capabilities-paging.xml")) is True
    assert supports_paging(fixture("capabilities-no-paging.xml")) is False
    with pytest.raises(WfsError):
        supports_paging(fixture("exception.xml"))
