"""axe-core at WCAG 2.1 AA on every page type, at desktop and phone width: zero violations."""

from __future__ import annotations

from itertools import pairwise

import pytest

from tests.browser.conftest import VIEWPORTS
from tests.browser.page_types import PAGE_TYPES

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def run_axe(page, axe_source: str) -> list[dict]:
    """axe's violations of the loaded page (each with rule id, impact, help and the failing nodes).
    Folded-away content (<details>) is opened first: axe skips what is hidden."""
    page.evaluate("document.querySelectorAll('details').forEach((details) => { details.open = true; })")
    # Evaluated through the DevTools protocol: the portal's Content-Security-Policy refuses an
    # inline <script> tag, as it should, and Playwright's evaluation is not a page script.
    page.evaluate(axe_source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']}: {n['failureSummary']}" for n in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[p.name for p in PAGE_TYPES])
def test_axe_finds_no_wcag_21_aa_violations(portal, page_type, viewport, axe_source, findings):
    visit = portal.visit(page_type, viewport=VIEWPORTS[viewport])
    assert visit.status == page_type.status, f"{visit.url} answered {visit.status}"
    violations = run_axe(visit.page, axe_source)
    findings.record(page_type.name, path=visit.url.removeprefix(portal.url), **{f"axe_{viewport}": len(violations)})
    assert violations == [], f"{visit.url} at {viewport} width:\n{describe(violations)}"


def test_axe_does_report_a_known_violation(portal, axe_source):
    """The check itself works: a page with an unlabelled input and no lang fails axe."""
    visit = portal.visit(PAGE_TYPES[0])
    visit.page.set_content("<html><body><main><input type='text'><img src='data:,'></main></body></html>")
    rules = {v["id"] for v in run_axe(visit.page, axe_source)}
    assert {"html-has-lang", "label", "image-alt"} <= rules


HEADINGS = (
    "() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
    ".map((h) => [Number(h.tagName[1]), h.textContent.trim()])"
)


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[p.name for p in PAGE_TYPES])
def test_one_h1_and_no_skipped_heading_levels(portal, page_type):
    """Screen-reader users jump through a page by its headings: one h1, then no level skipped."""
    headings = portal.visit(page_type).page.evaluate(HEADINGS)
    assert [text for level, text in headings if level == 1] and len([1 for level, _ in headings if level == 1]) == 1, (
        headings
    )
    skips = [(previous, current) for previous, current in pairwise(headings) if current[0] > previous[0] + 1]
    assert skips == [], f"heading levels skipped: {skips}"
