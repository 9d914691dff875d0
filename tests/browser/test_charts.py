"""Charts at phone and desktop width: every label lies inside its SVG box (nothing clipped, as
"ebäude" or "2026-Q" once were) and chart text renders at a legible size."""

from __future__ import annotations

import pytest

from tests.browser.conftest import VIEWPORTS
from tests.browser.page_types import PageType

# For each displayed chart: its box, and each text's box and rendered font size in CSS pixels.
MEASURE = """() => [...document.querySelectorAll('svg.chart')]
  .filter((svg) => svg.getBoundingClientRect().width > 0)
  .map((svg) => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    return {
      title: svg.querySelector('title').textContent,
      box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
      texts: [...svg.querySelectorAll('text')].map((text) => {
        const r = text.getBoundingClientRect();
        return {text: text.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                px: parseFloat(text.getAttribute('font-size')) * scale};
      }),
    };
  })"""
MIN_FONT_PX = 10  # below this, chart text on a phone is no longer readable


def kpi_pages(build) -> list[str]:
    return sorted(f"/digitalisierung/kennzahlen/{kpi['id']}/" for kpi in build.portal.get("kpis", []))


def outside(chart: dict) -> list[str]:
    box = chart["box"]
    return [
        f"„{t['text']}“ ({t['left']:.0f}–{t['right']:.0f} in {box['left']:.0f}–{box['right']:.0f})"
        for t in chart["texts"]
        if t["left"] < box["left"] - 0.5
        or t["right"] > box["right"] + 0.5
        or t["top"] < box["top"] - 0.5
        or t["bottom"] > box["bottom"] + 0.5
    ]


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_every_kpi_chart_keeps_its_labels_inside_and_legible(portal, served_build, viewport):
    checked = 0
    for path in kpi_pages(served_build):
        page = portal.visit(PageType(path, path), viewport=VIEWPORTS[viewport]).page
        for chart in page.evaluate(MEASURE):
            assert chart["texts"], f"{path}: chart without any label"
            assert outside(chart) == [], f"{path} at {viewport} width: labels outside the chart: {outside(chart)}"
            small = [f"„{t['text']}“ {t['px']:.1f} px" for t in chart["texts"] if t["px"] < MIN_FONT_PX]
            assert small == [], f"{path} at {viewport} width: chart text too small: {small[:5]}"
            checked += 1
        portal.close()
    assert checked >= 10, "hardly any chart was displayed: the check would prove nothing"


def test_the_measurement_notices_a_clipped_label(portal):
    """The check itself works: a label moved past the right edge is reported."""
    page = portal.visit(PageType("k", "/digitalisierung/kennzahlen/" + portal.build.portal["kpis"][0]["id"] + "/")).page
    page.evaluate("document.querySelector('.chart-wide svg.chart text').setAttribute('x', '700')")
    assert any(outside(chart) for chart in page.evaluate(MEASURE))
