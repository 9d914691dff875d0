"""The "Bauen und Planen" section: rendered from a real build, readable without JavaScript,
linked to council papers found in real OParl-shaped tables, and its maps in a real Chromium
reach no host but the portal's own."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import icalendar
import pytest

from kommune import portal
from tests.conftest import dataset_yaml


def page(build: Path, url_path: str) -> str:
    return (build / "site" / url_path / "index.html").read_text(encoding="utf-8")


def test_overview_lists_every_plan_with_legend_and_permits(demo_build):
    html = page(demo_build, "bauen-und-planen")
    rows = re.findall(r'<tr data-plan-id="([^"]+)" data-stand="([^"]+)"', html)
    assert len(rows) == 12
    assert ("DE_05978040_FP_FNP_27", "offenlage") in rows
    assert 'href="/bauen-und-planen/stand/offenlage/"' in html and "Offenlage (2)" in html
    assert "<svg" in html and html.count('<tr><th scope="row">20') == 10  # chart + table, 2015–2024
    assert "tile" not in html.split("data-plan-map", 1)[1].split(">", 1)[0]  # no tiles by default


def test_state_pages_filter_without_javascript(demo_build):
    html = page(demo_build, "bauen-und-planen/stand/offenlage")
    assert re.findall(r'data-plan-id="[^"]+" data-stand="(\w[\w-]*)"', html) == ["offenlage", "offenlage"]
    assert "Wohnen am Hagen" in html and "Windenergie Horst" in html and "Innenstadt" not in html.split("<table", 1)[1]


def test_plan_page_has_timeline_documents_and_map(demo_build):
    html = page(demo_build, "bauen-und-planen/plaene/bebauungsplan-42")
    assert "Bebauungsplan Nr. 42 „Wohnen am Hagen“" in html
    assert "23.06.2025" in html and "02.11.2026 bis 04.12.2026" in html
    assert 'href="https://geodaten.werne.example/bauleitplanung/BP_42_Planzeichnung.pdf"' in html
    assert 'data-highlight="DE_05978040_BP_42"' in html


def test_map_data_carries_state_colours(demo_build):
    plans = json.loads((demo_build / "site" / "bauen-und-planen" / "plaene.geojson").read_text())
    package = json.loads((demo_build / "datasets" / "bebauungsplaene" / "datapackage.json").read_text())
    field = next(f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "verfahrensstand")
    colours = {c["value"]: c["colour"] for c in field["categories"]}
    assert len(plans["features"]) == 12
    assert all(f["properties"]["farbe"] == colours[f["properties"]["verfahrensstand"]] for f in plans["features"])


def test_plan_pages_link_the_council_papers_and_meetings_of_the_oparl_demo(portal_dir):
    """The real OParl demo (recorded system, the oparl kind) beside the demo plans: mentioned
    plans link to their council pages, the others to none (shared demo facts, plans.md)."""
    portal_dir.add_demo("bebauungsplaene")
    portal_dir.add_demo("ratsinformation")
    report = portal.build(portal_dir.root, portal_dir.out)
    assert {d.id: d.status for d in report.datasets} == {"bebauungsplaene": "ok", "ratsinformation": "ok"}
    linked = page(portal_dir.out, "bauen-und-planen/plaene/bebauungsplan-42")
    papers = re.findall(r'<li>[^<]*· <a href="(/rat/vorlagen/[^"]+)">([^<]+)</a>', linked)
    assert [name for _, name in papers] == [
        "Bebauungsplan Nr. 42 „Wohnen am Hagen“ – Aufstellungsbeschluss",
        "B-Plan Nr. 42 „Wohnen am Hagen“ – Beschluss zur öffentlichen Auslegung (Offenlage)",
    ]
    assert all((portal_dir.out / "site" / href.strip("/") / "index.html").exists() for href, _ in papers)
    # the path through the council: the council meeting of 23.06.2025 decided the Aufstellungsbeschluss
    path = linked.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert path.index("4. Sitzung des Rates") < path.index("Aufstellungsbeschluss") < path.index("Offenlage")
    # follow the plan: its papers as Atom, its meetings as iCalendar, linked as "Folgen"
    assert 'href="vorlagen.atom"' in linked and 'href="sitzungen.ics"' in linked
    plan_folder = portal_dir.out / "site" / "bauen-und-planen" / "plaene" / "bebauungsplan-42"
    feed = feedparser.parse((plan_folder / "vorlagen.atom").read_bytes())
    assert not feed.bozo
    assert sorted(entry.title.split(" – ", 1)[1] for entry in feed.entries) == sorted(name for _, name in papers)
    assert {urlsplit(entry.link).path for entry in feed.entries} == {href for href, _ in papers}
    calendar = icalendar.Calendar.from_ical((plan_folder / "sitzungen.ics").read_bytes())
    assert "4. Sitzung des Rates der Stadt Werne" in [str(event["summary"]) for event in calendar.walk("VEVENT")]
    for number in ("23", "45", "51", "53"):
        assert "/rat/vorlagen/" in page(portal_dir.out, f"bauen-und-planen/plaene/bebauungsplan-{number}")
    assert "/rat/vorlagen/" in page(portal_dir.out, "bauen-und-planen/plaene/fnp-aenderung-27")
    for number in ("4", "17", "31", "38", "56", "58"):
        html = page(portal_dir.out, f"bauen-und-planen/plaene/bebauungsplan-{number}")
        assert (
            "wird dieser Plan nicht genannt" in html
            and "/rat/" not in html.split('id="rat"', 1)[1].split("</section>")[0]
        )


ROTHERBAUM = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "reference"
    / "samples"
    / "hamburg_bplan_rotherbaum27_xplangml-5.2.gml"
)
AREAS = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
    "features": [
        {
            "type": "Feature",
            "id": "SG-1",
            "properties": {"bez": "Sanierungsgebiet Altstadt"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[405500, 5724400], [405600, 5724400], [405600, 5724500], [405500, 5724400]]],
            },
        }
    ],
}


def test_every_plan_and_area_dataset_of_the_building_family_reaches_map_and_lists(portal_dir):
    portal_dir.add_demo("bebauungsplaene")
    portal_dir.add(
        "hamburg-plaene",
        dataset_yaml("{kind: xplan, path: sample/plan.gml}", title="Pläne Hamburg", extra="family: bauen\n"),
        files={"sample/plan.gml": ROTHERBAUM.read_bytes()},
    )
    portal_dir.add(
        "sanierung",
        dataset_yaml(
            "{kind: geojson, path: sample/s.geojson, columns: {name: bez}}",
            title="Sanierungsgebiete",
            extra="family: bauen\n",
        ),
        files={"sample/s.geojson": json.dumps(AREAS).encode()},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    assert {d.id: d.status for d in report.datasets} == {
        "bebauungsplaene": "ok",
        "hamburg-plaene": "ok",
        "sanierung": "ok",
    }
    html = page(portal_dir.out, "bauen-und-planen")
    rows = re.findall(r'<tr data-plan-id="([^"]+)" data-stand="([^"]+)"', html)
    assert len(rows) == 13 and ("GML_09F08185-5C1D-4475-95E1-80EDA5DEB7A2", "satzungsbeschluss") in rows
    assert 'href="/datensaetze/hamburg-plaene/"' in html and 'href="/datensaetze/bebauungsplaene/"' in html
    assert "Sanierungsgebiet Altstadt" in html.split('id="flaechen"', 1)[1]
    features = json.loads((portal_dir.out / "site" / "bauen-und-planen" / "plaene.geojson").read_text())["features"]
    assert len(features) == 14
    assert {f["properties"]["titel"] for f in features} >= {
        "Bebauungsplan Nr. Rotherbaum27",
        "Sanierungsgebiet Altstadt",
    }
    plan = page(portal_dir.out, "bauen-und-planen/plaene/bebauungsplan-rotherbaum27")
    assert "Freie und Hansestadt Hamburg" in plan or "Rotherbaum27" in plan
    assert "/daten/portal/hamburg_plaene/" in plan


def test_tile_url_from_site_yaml_reaches_the_map(portal_dir):
    portal_dir.add_demo("bebauungsplaene")
    site_yaml = portal_dir.root / "metadata" / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace(
            "  tile_url: null", "  tile_url: https://tiles.example/{z}/{x}/{y}.png\n  attribution: Testkarte"
        ),
        encoding="utf-8",
    )
    portal.build(portal_dir.root, portal_dir.out)
    html = page(portal_dir.out, "bauen-und-planen")
    assert 'data-tiles="https://tiles.example/{z}/{x}/{y}.png"' in html


@pytest.mark.parametrize(
    "path, selector, shapes",
    [
        ("/bauen-und-planen/", "[data-plan-map]", 13),  # 12 plans + boundary
        ("/bauen-und-planen/plaene/fnp-aenderung-27/", "[data-plan-map]", 13),
        ("/daten/portal/bebauungsplaene?verfahrensstand=offenlage", "#portal-map", 2),  # Datasette, filtered
    ],
)
def test_maps_in_chromium_request_only_the_portal(browser, demo_server, path, selector, shapes):
    own_host = urlsplit(demo_server.url).netloc
    context = browser.new_context()
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    browser_page = context.new_page()
    browser_page.goto(demo_server.url + path)
    browser_page.wait_for_selector(f"{selector}[data-ready]", timeout=20_000)
    assert browser_page.get_attribute(selector, "data-ready") not in ("error", "0")
    assert browser_page.locator(f"{selector} .leaflet-overlay-pane path").count() == shapes
    browser_page.wait_for_load_state("networkidle")
    context.close()
    assert hosts == {own_host}


def test_instant_filter_hides_rows_and_map_shapes(browser, demo_server):
    browser_page = browser.new_page()
    browser_page.goto(demo_server.url + "/bauen-und-planen/")
    browser_page.wait_for_selector("[data-plan-map][data-ready]", timeout=20_000)
    browser_page.select_option("[data-plan-filter] select[name=stand]", "rechtskraeftig")
    assert browser_page.locator("tr[data-plan-id]:visible").count() == 4
    assert browser_page.locator("[data-plan-map] .leaflet-overlay-pane path").count() == 5  # 4 + boundary
    browser_page.fill("[data-plan-filter] input[name=q]", "wahrbrink")
    assert browser_page.locator("tr[data-plan-id]:visible").count() == 1
    assert browser_page.text_content("[data-plan-count]") == "1 von 12 Plänen"
    browser_page.close()
