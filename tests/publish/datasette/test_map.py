from publish.datasette.metadata import map_settings

RESOURCE = {
    "name": "bebauungsplaene",
    "kommune": {"geometry": "geometrie"},
    "schema": {
        "fields": [
            {"name": "id"},
            {"name": "name"},
            {"name": "geometrie"},
            {
                "name": "verfahrensstand",
                "categories": [{"value": "offenlage", "label": "Offenlage", "colour": "#e69f00"}],
            },
        ]
    },
}


def test_map_settings_take_colours_from_categories_and_no_tiles_by_default():
    settings = map_settings(RESOURCE, {"tile_url": None})
    assert settings == {
        "column": "geometrie",
        "label": "name",
        "colour_column": "verfahrensstand",
        "colours": {"offenlage": "#e69f00"},
        "tile_url": None,
        "attribution": None,
    }


def test_map_settings_pass_a_configured_tile_server():
    settings = map_settings(RESOURCE, {"tile_url": "https://tiles.example/{z}/{x}/{y}.png", "attribution": "X"})
    assert settings["tile_url"].startswith("https://tiles.example/") and settings["attribution"] == "X"
