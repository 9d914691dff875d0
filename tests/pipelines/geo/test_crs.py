"""CRS detection and the transformation to WGS84, checked against an independent formula."""

import math

import pytest

from pipelines.geo.crs import UnknownCrs, area_of_use, embedded_crs_name, parse_crs, source_crs, to_wgs84

GRS80_A = 6_378_137.0
GRS80_F = 1 / 298.257222101


def utm_to_geographic(easting: float, northing: float, zone: int) -> tuple[float, float]:
    """Inverse transverse Mercator by Krüger's series to 4th order in n (written out
    here from the published series, independent of PROJ; accurate to well below 1 mm
    inside a UTM zone). Returns (longitude, latitude) in degrees."""
    n = GRS80_F / (2 - GRS80_F)
    big_a = GRS80_A / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    k0 = 0.9996
    xi = northing / (k0 * big_a)
    eta = (easting - 500_000.0) / (k0 * big_a)
    beta = [
        n / 2 - 2 * n**2 / 3 + 37 * n**3 / 96 - n**4 / 360,
        n**2 / 48 + n**3 / 15 - 437 * n**4 / 1440,
        17 * n**3 / 480 - 37 * n**4 / 840,
        4397 * n**4 / 161280,
    ]
    delta = [
        2 * n - 2 * n**2 / 3 - 2 * n**3 + 116 * n**4 / 45,
        7 * n**2 / 3 - 8 * n**3 / 5 - 227 * n**4 / 45,
        56 * n**3 / 15 - 136 * n**4 / 35,
        4279 * n**4 / 630,
    ]
    xi_p = xi - sum(b * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, b in enumerate(beta, 1))
    eta_p = eta - sum(b * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, b in enumerate(beta, 1))
    chi = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    latitude = chi + sum(d * math.sin(2 * j * chi) for j, d in enumerate(delta, 1))
    longitude = math.radians(6 * zone - 183) + math.atan2(math.sinh(eta_p), math.cos(xi_p))
    return math.degrees(longitude), math.degrees(latitude)


def metres_apart(lon1, lat1, lon2, lat2) -> float:
    """Local flat-earth distance, exact enough for differences of centimetres."""
    north = math.radians(lat2 - lat1) * 6_371_000
    east = math.radians(lon2 - lon1) * 6_371_000 * math.cos(math.radians(lat1))
    return math.hypot(north, east)


@pytest.mark.parametrize(
    "easting, northing",
    [
        (405_520.0, 5_724_440.0),  # Werne, market place
        (400_000.0, 5_727_000.0),  # Werne, west
        (565_463.986, 5_936_206.747),  # Hamburg, Rotherbaum 27 (XPlanGML sample)
        (300_000.0, 5_650_000.0),  # Aachen area, west of the zone's 6° E edge
    ],
)
def test_utm32_to_wgs84_matches_kruger_series_to_the_centimetre(easting, northing):
    transform = to_wgs84(parse_crs("urn:ogc:def:crs:EPSG::25832"))
    lons, lats = transform([easting], [northing])
    expected_lon, expected_lat = utm_to_geographic(easting, northing, zone=32)
    # ETRS89 and WGS84 are taken as identical (PROJ's null transformation); the pipeline's
    # job is the projection, and that must agree to the centimetre.
    assert metres_apart(expected_lon, expected_lat, lons[0], lats[0]) < 0.01


def test_werne_centre_lands_in_werne():
    lons, lats = to_wgs84(parse_crs("EPSG:25832"))([405_520.0], [5_724_440.0])
    assert lons[0] == pytest.approx(7.634, abs=0.001)
    assert lats[0] == pytest.approx(51.663, abs=0.001)


def test_legacy_crs_member_is_read():
    document = {
        "type": "FeatureCollection",
        "features": [],
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
    }
    found = source_crs(document)
    assert found.origin == "embedded"
    assert found.crs.to_epsg() == 25832
    assert found.label == "EPSG:25832"


def test_old_epsg_form_of_crs_member_is_read():
    assert embedded_crs_name({"crs": {"type": "EPSG", "properties": {"code": 31467}}}) == "EPSG:31467"


def test_declared_crs_wins_over_embedded():
    document = {"crs": {"type": "name", "properties": {"name": "EPSG:4326"}}}
    found = source_crs(document, declared="EPSG:25832")
    assert (found.origin, found.crs.to_epsg()) == ("declared", 25832)


def test_without_crs_geojson_means_wgs84_longitude_first():
    found = source_crs({"type": "FeatureCollection", "features": []})
    assert found.origin == "default"
    lons, lats = to_wgs84(found.crs)([7.634], [51.663])
    assert (lons[0], lats[0]) == pytest.approx((7.634, 51.663))


def test_epsg_4326_urn_keeps_geojson_longitude_first_order():
    # The URN's official axis order is latitude first; GeoJSON writes longitude first.
    lons, lats = to_wgs84(parse_crs("urn:ogc:def:crs:EPSG::4326"))([7.634], [51.663])
    assert (lons[0], lats[0]) == pytest.approx((7.634, 51.663))


def test_gauss_krueger_northing_first_crs_is_read_easting_first():
    lons, lats = to_wgs84(parse_crs("EPSG:31467"))([3_405_000.0], [5_726_000.0])
    assert 7.5 < lons[0] < 7.8 and 51.6 < lats[0] < 51.7


@pytest.mark.parametrize("name", ["EPSG:999999", "not a crs"])
def test_unknown_crs_raises(name):
    with pytest.raises(UnknownCrs):
        parse_crs(name)


def test_link_crs_member_is_refused():
    with pytest.raises(UnknownCrs):
        embedded_crs_name({"crs": {"type": "link", "properties": {"href": "x.prj"}}})


def test_area_of_use_is_widened_by_margin():
    west, south, east, north = area_of_use(parse_crs("EPSG:25832"), margin_degrees=1.0)
    assert (west, east) == pytest.approx((5.0, 13.01))
