"""Phone and desktop width: no horizontal scrolling at 360 px; screenshots of every page type
under test-output/screenshots/ for people to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, SCREENSHOTS, VIEWPORTS
from tests.browser.page_types import PAGE_TYPES

IDS = [p.name for p in PAGE_TYPES]

# Elements wider than the viewport, named so a failure says what to fix.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  return [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !inScroller(el))
    .slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
      + ` right=${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_phone_width_needs_no_horizontal_scrolling(portal, page_type):
    page = portal.visit(page_type, viewport=PHONE).page
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    client_width = page.evaluate("document.documentElement.clientWidth")
    assert scroll_width <= client_width, (
        f"page is {scroll_width} px wide at {client_width} px: {page.evaluate(TOO_WIDE)}"
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_screenshot_is_written(portal, page_type, viewport):
    page = portal.visit(page_type, viewport=VIEWPORTS[viewport]).page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{page_type.name}-{viewport}.png"
    target.unlink(missing_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.evaluate("document.body.innerText.trim().length") > 0, "the page renders blank"
