"""Keyboard use: German page language, a working skip link, every interactive element reachable
with Tab and visibly focused."""

from __future__ import annotations

import warnings

import pytest

from tests.browser.page_types import PAGE_TYPES

IDS = [p.name for p in PAGE_TYPES]
NO_RING = "no visible focus ring"

# Opens every <details> (its content must be reachable once opened), then marks every element a
# keyboard user should reach, in document order.
MARK_FOCUSABLE = """() => {
  document.querySelectorAll('details').forEach((details) => { details.open = true; });
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const visible = (el) => {
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && el.getClientRects().length > 0;
  };
  const wanted = [...document.querySelectorAll(selector)].filter((el) =>
    el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden' && !el.closest('[inert]') &&
    (visible(el) || el.classList.contains('skip-link')));
  wanted.forEach((el, index) => el.setAttribute('data-keyboard-index', index));
  return wanted.length;
}"""

# What the focused element looks like: which one it is, its focus ring, whether it is on screen.
DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    index: el.getAttribute('data-keyboard-index'),
    html: el.outerHTML.slice(0, 120),
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none',
    focusVisible: el.matches(':focus-visible'),
    outline: `${style.outlineStyle} ${style.outlineWidth}`,
    sheets: [...document.styleSheets].map((sheet) => sheet.href),
    pageFocused: document.hasFocus(),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
              box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_page_language_is_german(portal, page_type):
    visit = portal.visit(page_type)
    assert visit.page.evaluate("document.documentElement.lang") == "de"


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_skip_link_is_first_and_jumps_to_the_content(portal, page_type):
    page = portal.visit(page_type).page
    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => "
        "({text: document.activeElement.textContent.trim(), top: document.activeElement.getBoundingClientRect().top})"
    )
    assert first["text"] == "Zum Inhalt springen"
    assert first["top"] >= 0, "the skip link stays off screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def _tab_through(page, expected: int) -> tuple[set[str], list[str]]:
    """Press Tab until focus wraps around: the marked elements reached and what was wrong on
    the way."""
    reached: set[str] = set()
    problems: list[str] = []
    for _ in range(2 * expected + 10):  # room for stray focus stops, which are reported below
        page.keyboard.press("Tab")
        focus = page.evaluate(DESCRIBE_FOCUS)
        if focus is None or focus["index"] is None:
            if focus is not None:
                problems.append(f"focus on an element that is not interactive: {focus['html']}")
            continue
        if focus["index"] in reached:
            break  # Tab wrapped around to the start
        reached.add(focus["index"])
        if not focus["ring"]:
            problems.append(
                f"{NO_RING}: {focus['html']} (outline {focus['outline']}, "
                f":focus-visible {focus['focusVisible']}, page focused {focus['pageFocused']}, "
                f"style sheets {focus['sheets']})"
            )
        if not focus["onScreen"]:
            problems.append(f"focused but off screen: {focus['html']}")
    return reached, problems


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_tab_reaches_every_interactive_element_with_a_visible_focus(portal, page_type):
    """Rarely (once in CI, once in eight local runs of the map pages' subset, on the street
    lookup's page both times) no Tab stop at all showed a ring, the skip link included, although
    the same page passed every other run: a state of the browser or of the page's loading, not
    of the page. Only then is the page walked once more in a new browser context, with what the
    first walk saw (outline, `:focus-visible`, page focus, style sheets) kept as a warning. A page
    without rings fails both walks; a ring missing on some stops fails at once."""
    visit = portal.visit(page_type)
    page = visit.page
    expected = page.evaluate(MARK_FOCUSABLE)
    assert expected > 0
    reached, problems = _tab_through(page, expected)
    if reached and len([p for p in problems if p.startswith(NO_RING)]) == len(reached):
        failed = [request["url"] for request in visit.requests if request.get("failed")]
        warnings.warn(
            f"no focus ring on any Tab stop, walking again; failed requests {failed}: {problems[:2]}", stacklevel=1
        )
        page = portal.visit(page_type).page
        assert page.evaluate(MARK_FOCUSABLE) == expected
        reached, problems = _tab_through(page, expected)
    missing = [
        page.evaluate("(i) => document.querySelector(`[data-keyboard-index='${i}']`).outerHTML.slice(0, 120)", index)
        for index in map(str, range(expected))
        if index not in reached
    ]
    assert problems == []
    assert missing == [], f"not reachable with Tab: {missing}"
