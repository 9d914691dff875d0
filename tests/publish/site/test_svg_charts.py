from xml.etree import ElementTree

import pytest

from publish.site.svg_charts import Series, grouped_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_valid_svg_with_one_bar_per_value_and_accessible_text():
    svg = grouped_bar_chart("Baugenehmigungen", "Genehmigungen und Fertigstellungen je Jahr",
                            ["2023", "2024"], [Series("Genehmigt", "#0072b2", [60, 55]),
                                               Series("Fertiggestellt", "#e69f00", [50, None])])
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Baugenehmigungen"
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2023, Genehmigt: 60", "2023, Fertiggestellt: 50", "2024, Genehmigt: 55"]
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] > heights[2] > heights[1]


def test_text_is_escaped():
    svg = grouped_bar_chart("A & B", "<x>", ["1"], [Series("s", "#000", [1])])
    ElementTree.fromstring(svg)  # would raise on unescaped markup


def test_series_length_must_match():
    with pytest.raises(ValueError):
        grouped_bar_chart("t", "d", ["1", "2"], [Series("s", "#000", [1])])
