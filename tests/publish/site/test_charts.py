"""SVG trend charts: well-formed, accessible, and the table alternative carries the numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from publish.site.charts import Series, grouped_bar_chart, line_chart, nice_ticks, table_rows

SVG = "{http://www.w3.org/2000/svg}"
SERIES = [("2026-08", 28.5), ("2026-09", 30.0), ("2026-10", 31.6)]


def test_chart_is_well_formed_svg_with_accessible_name():
    svg = ElementTree.fromstring(
        str(line_chart(SERIES, title="Online-Anteil <Sperrmüll>", description="Steigt.", unit="%", target=50))
    )
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}title").text == "Online-Anteil <Sperrmüll>"
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "Ziel 50\u00a0%" in texts and "10/26" in texts
    points = svg.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 3
    heights = [float(point.split(",")[1]) for point in points]
    assert heights[0] > heights[1] > heights[2]  # rising values are drawn higher up


def test_chart_ids_are_unique_per_page():
    first, second = (
        str(line_chart(SERIES, title="a", description="b")),
        str(line_chart(SERIES, title="a", description="b")),
    )
    assert ElementTree.fromstring(first).get("aria-labelledby") != ElementTree.fromstring(second).get("aria-labelledby")


def test_empty_series_gives_no_chart_and_single_point_is_centred():
    assert str(line_chart([], title="a", description="b")) == ""
    svg = ElementTree.fromstring(str(line_chart([("2026-10", 5.0)], title="a", description="b")))
    assert svg.find(f"{SVG}circle") is not None


def test_ticks_are_round_and_cover_the_range():
    ticks = nice_ticks(0, 47)
    assert ticks[0] <= 0 and ticks[-1] >= 47
    assert ticks == [0, 10, 20, 30, 40, 50]


def test_table_rows_in_german_with_aligned_decimals():
    assert table_rows([("2026-09", 18.0), ("2026-10", 1234.5)]) == [
        ("September 2026", "18,0"),
        ("Oktober 2026", "1.234,5"),
    ]
    assert table_rows([("2026-10", 6.0)]) == [("Oktober 2026", "6")]


def test_grouped_bar_chart_has_one_bar_per_value_with_its_number():
    svg = grouped_bar_chart(
        ["2023", "2024"],
        [Series("Genehmigt", "#0072b2", [60, 55]), Series("Fertiggestellt", "#e69f00", [1250.5, None])],
        title="Baugenehmigungen",
        description="Genehmigungen & Fertigstellungen je Jahr",
    )
    root = ElementTree.fromstring(str(svg))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Baugenehmigungen"
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2023, Genehmigt: 60",
        "2023, Fertiggestellt: 1.250,5",
        "2024, Genehmigt: 55",
    ]
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[1] > heights[0] > heights[2] > 0


def test_grouped_bar_chart_needs_one_value_per_category():
    with pytest.raises(ValueError):
        grouped_bar_chart(["1", "2"], [Series("s", "#000", [1])], title="t", description="d")
