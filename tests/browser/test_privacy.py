"""Privacy in practice: a page asks no host but the portal's own for anything and sets no
cookie (what /datenschutz/ promises)."""

from __future__ import annotations

import pytest

from tests.browser.page_types import PAGE_TYPES


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[p.name for p in PAGE_TYPES])
def test_page_requests_only_the_portal_itself(portal, page_type):
    visit = portal.visit(page_type)
    assert visit.requests, "no request recorded: the recorder is broken"
    assert visit.foreign_requests == [], f"{visit.url} contacted other hosts: {visit.foreign_requests}"
    assert visit.page.context.cookies() == [], f"{visit.url} set cookies"


def test_recorder_notices_a_request_to_another_host(portal):
    """The recorder is not blind: a script that fetches from another host shows up (and is aborted).
    The portal's Content-Security-Policy would refuse that fetch before it left the browser, so
    this one page ignores it: the recorder must work without the policy's help."""
    visit = portal.visit(PAGE_TYPES[0], bypass_csp=True)
    with visit.page.expect_event("requestfailed"):
        visit.page.evaluate("fetch('http://example.invalid/pixel.gif').catch(() => null)")
    assert visit.foreign_requests == ["http://example.invalid/pixel.gif"]
