"""The Content-Security-Policy in Chromium: every page type loads without a single violation.

`publish/server/security_headers.py` allows scripts and styles only from the portal itself, so an inline
<script>, a style="" attribute or a <style> block left in a template is refused by the browser and
breaks the page quietly. Chromium reports each refusal as a `securitypolicyviolation` event;
the test collects them from the first byte of the page on (an init script, which the policy
does not govern) and expects none.
"""

from __future__ import annotations

import pytest

from tests.browser.page_types import PAGE_TYPES

_COLLECT = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(
  `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} `
  + `(${event.sourceFile || ''}:${event.lineNumber})`));
"""


def _collect_violations(page) -> None:
    page.add_init_script(_COLLECT)


def _violations(visit) -> list[str]:
    return visit.page.evaluate("window.__violations")


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[p.name for p in PAGE_TYPES])
def test_page_type_loads_without_csp_violation(portal, page_type):
    visit = portal.visit(page_type, prepare=_collect_violations)
    assert visit.status == page_type.status
    assert "script-src 'self'" in visit.page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert _violations(visit) == [], f"{visit.url}: {_violations(visit)}"


def test_violations_are_seen(portal):
    """The collector is not blind: an inline script and a style attribute added to a page are
    refused by the policy and show up as violations."""
    visit = portal.visit(PAGE_TYPES[0], prepare=_collect_violations)
    visit.page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__ran = true';
        document.body.append(script);
        document.body.insertAdjacentHTML('beforeend', '<p style="color: red">x</p>');
    }""")
    visit.page.wait_for_function("window.__violations.length >= 2")
    assert visit.page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in _violations(visit))
    assert any(v.startswith("style-src") for v in _violations(visit))
