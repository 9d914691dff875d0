"""The dashboard, roadmap and audit pages in a real headless Chromium (Debian's package),
served by a real `kommune serve`: they render, charts are visible with their text
alternative, and the pages make no request to any other host."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.conftest import REPO

SCREENSHOTS = REPO / "test-output" / "screenshots"

# `browser` is the session's headless Chromium from tests/conftest.py.


def visit(browser, server, path: str, width: int = 1100):
    page = browser.new_page(viewport={"width": width, "height": 900})
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    response = page.goto(server.url + path)
    assert response.status == 200
    return page, hosts


def test_dashboard_headline_tiles_fit_one_desktop_screen_and_stack_on_a_phone(browser, demo_server):
    page, hosts = visit(browser, demo_server, "/digitalisierung/", width=1280)
    assert page.locator("h1").inner_text() == "Digitalisierung in Zahlen"
    tiles = page.locator("ul.kpi-grid").first.locator("li.kpi-tile")
    assert tiles.count() == 6
    boxes = [tiles.nth(index).bounding_box() for index in range(tiles.count())]
    assert max(box["y"] + box["height"] for box in boxes) <= 900, "the headline tiles need scrolling at 1280×900"
    assert len({round(box["y"]) for box in boxes}) == 2  # three per row
    assert hosts == {"127.0.0.1"}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-erster-bildschirm-desktop.png"))  # the first screen only
    page.close()
    phone, _ = visit(browser, demo_server, "/digitalisierung/", width=360)
    tiles = phone.locator("ul.kpi-grid").first.locator("li.kpi-tile")
    boxes = [tiles.nth(index).bounding_box() for index in range(tiles.count())]
    assert len({round(box["x"]) for box in boxes}) == 1 and all(box["width"] <= 360 for box in boxes)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.set_viewport_size({"width": 360, "height": 740})
    phone.screenshot(path=str(SCREENSHOTS / "dashboard-erster-bildschirm-telefon.png"))
    phone.close()


def test_kpi_page_shows_the_chart_for_its_width_with_table(browser, demo_server):
    for width, shown in ((1280, ".chart-wide"), (360, ".chart-narrow")):
        page, hosts = visit(browser, demo_server, "/digitalisierung/kennzahlen/sperrmuell-online-anteil/", width=width)
        charts = page.locator("svg.chart[role=img]")
        visible = [charts.nth(index) for index in range(charts.count()) if charts.nth(index).is_visible()]
        assert len(visible) == 1 and page.locator(f"{shown} svg.chart").is_visible()
        box = visible[0].bounding_box()
        assert box["width"] > 300 and box["height"] > 100
        assert page.locator("table tbody tr").first.is_visible()
        assert hosts == {"127.0.0.1"}
        page.close()


def test_roadmap_and_audit_pages_render_on_a_phone(browser, demo_server):
    for path, heading in (
        ("/digitalisierung/fahrplan/", "Digitalisierungsfahrplan"),
        ("/digitalisierung/datenschutz/", "Datenschutz der Service-Statistiken"),
    ):
        page, hosts = visit(browser, demo_server, path, width=360)
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.locator("table").count() >= 1
        assert hosts == {"127.0.0.1"}
        page.close()


def test_how_computed_link_opens_the_canned_query(browser, demo_server):
    page, _ = visit(browser, demo_server, "/digitalisierung/")
    page.locator("a", has_text="Sperrmüll-Anträge online").click()
    page.wait_for_load_state()
    page.locator("a", has_text="Abfrage selbst ausführen").click()
    page.wait_for_load_state()
    assert "/daten/portal/sperrmuell-online-anteil" in page.url
    # the newest published month (the open one is withheld by disclosure control) is on the page
    rows = demo_server.get("/daten/portal/sperrmuell-online-anteil.json", params={"_shape": "array"}).json()
    assert rows and rows[-1]["period"] in page.content()
    page.close()


def test_per_service_online_share_for_any_month_through_the_canned_query(demo_server):
    """The breakdown query is a Datasette form: per service, for the month asked for."""
    from tests.service_support import read_raw

    rows = demo_server.get(
        "/daten/portal/online-anteil-buergerbuero-aufschluesselung.json", params={"monat": "2025-06", "_shape": "array"}
    ).json()
    by_service = {row["label"]: row["value"] for row in rows}
    records = [r for r in read_raw("service-buergerbuero") if f"{r['datum']:%Y-%m}" == "2025-06"]
    service = "Meldebescheinigung beantragen"
    mine = [r for r in records if r["leistung"] == service]
    online = sum(r["kanal"] == "Online" for r in mine)
    if by_service[service] is not None:
        assert by_service[service] == round(100 * online / len(mine), 1)
    assert by_service["Personalausweis beantragen"] == 0.0  # never online
