"""Weight per page type (transferred bytes, request count, within a budget) and pages that read
fully without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.page_types import PAGE_TYPES

IDS = [p.name for p in PAGE_TYPES]

# The readable text of the main content, one visible line per entry. Controls are left out: a
# script may add a filter form or map buttons, which enhance the page but are not its content.
MAIN_TEXT = """() => {
  const main = document.querySelector('main');
  main.querySelectorAll('form, button, select, .leaflet-control-container').forEach((control) => control.remove());
  return main.innerText.split('\\n').map((line) => line.trim()).filter(Boolean);
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_page_weight_stays_within_budget(portal, page_type, findings):
    visit = portal.visit(page_type)
    findings.record(
        page_type.name,
        path=page_type.url_path(portal.build),
        bytes=visit.transferred_bytes,
        requests=len(visit.requests),
    )
    failed = [r for r in visit.requests if r.get("failed")]
    assert failed == [], f"requests failed: {failed}"
    assert len(visit.requests) <= page_type.max_requests, [r["url"] for r in visit.requests]
    assert visit.transferred_bytes <= page_type.max_kilobytes * 1024, sorted(
        ((r["bytes"], r["url"]) for r in visit.requests), reverse=True
    )


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_page_reads_fully_without_javascript(portal, page_type):
    with_script = portal.visit(page_type).page.evaluate(MAIN_TEXT)
    without = portal.visit(page_type, javascript=False)
    assert without.status == page_type.status
    text = without.page.evaluate(MAIN_TEXT)
    assert with_script, "the page has no readable main content"
    missing = [line for line in with_script if line not in text]
    assert missing == [], f"only readable with JavaScript: {missing[:10]}"
