"""Helpers shared by all OParl models: type URIs, websites, coordinates."""

from pipelines.oparl.model_base import as_string_list, lon_lat, type_name, with_scheme


def test_type_names_of_both_versions_and_nothing_else():
    assert type_name("https://schema.oparl.org/1.0/Body") == "Body"
    assert type_name("https://schema.oparl.org/1.1/AgendaItem") == "AgendaItem"
    assert type_name("https://schema.oparl.org/2.0/Body") is None
    assert type_name(None) is None


def test_websites_get_a_scheme_and_single_strings_become_lists():
    assert with_scheme("www.steinhagen.de") == "http://www.steinhagen.de"
    assert with_scheme("https://www.krefeld.de") == "https://www.krefeld.de"
    assert with_scheme("  ") is None
    assert as_string_list("0123") == ["0123"] and as_string_list(None) == []


def test_swapped_points_are_turned_and_correct_ones_left_alone():
    assert lon_lat({"type": "Feature", "geometry": {"type": "Point", "coordinates": [51.663, 7.634]}}) == (
        7.634,
        51.663,
    )
    assert lon_lat({"type": "Point", "coordinates": [7.634, 51.663]}) == (7.634, 51.663)
    assert lon_lat({"type": "Point", "coordinates": ["a", 1]}) is None
    assert lon_lat({"type": "LineString", "coordinates": [[7, 51], [8, 52]]}) is None
    assert lon_lat(None) is None
