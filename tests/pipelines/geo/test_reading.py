import json

import pytest

from pipelines.geo.reading import GeoJsonError, parse_feature_collection, read_geojson_file, read_geojson_url
from tests.geo_http import fetch, serving

FEATURE = {"type": "Feature", "id": 1, "properties": {}, "geometry": None}


def test_bom_and_single_feature_are_accepted():
    document = parse_feature_collection(b"\xef\xbb\xbf" + json.dumps(FEATURE).encode(), "x.geojson")
    assert document["features"] == [FEATURE]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("{not json", "kein gültiges JSON"),
        ("[1, 2]", "GeoJSON-Objekt"),
        ('{"type": "Polygon", "coordinates": []}', "FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [{"type": "Point"}]}', "Objekt 1"),
    ],
)
def test_not_geojson_is_reported_with_the_source(text, fragment):
    with pytest.raises(GeoJsonError, match=fragment) as raised:
        parse_feature_collection(text, "plaene.geojson")
    assert "plaene.geojson" in str(raised.value)


def test_read_from_file(tmp_path):
    path = tmp_path / "plaene.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [FEATURE]}), encoding="utf-8")
    assert len(read_geojson_file(path)["features"]) == 1


def test_read_from_url_over_real_http():
    body = json.dumps({"type": "FeatureCollection", "features": [FEATURE]}).encode()
    with serving(lambda path, params: (200, "application/geo+json", body)) as (url, requests):
        document = read_geojson_url(f"{url}/plaene.geojson", fetch)
    assert len(document["features"]) == 1
    assert requests[0][0] == "/plaene.geojson"
