"""The site-wide search as a visitor uses it: type a word on the home page, press Enter, read
the results, all in Chromium with JavaScript switched off (the server answers /suche/?q=)."""

from __future__ import annotations

from tests.browser.page_types import PageType


def test_search_from_the_home_page_without_javascript(portal):
    page = portal.visit(PageType("startseite", "/"), javascript=False).page
    page.fill("#suchbegriff", "Strasse")
    with page.expect_navigation():
        page.press("#suchbegriff", "Enter")
    assert "/suche/?q=Strasse" in page.url
    assert page.input_value("#suchbegriff") == "Strasse"
    results = page.locator(".search-results li a").all_inner_texts()
    assert results, page.inner_text("main")
    assert any("Straße" in title for title in results[:5]), results[:5]
    assert "Treffer für „Strasse“" in page.inner_text("h2#ergebnisse")
    first = page.locator(".search-results li a").first
    with page.expect_navigation():
        first.click()
    assert page.locator("h1").inner_text()  # the result leads to a real page
