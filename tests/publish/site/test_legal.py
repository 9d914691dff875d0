"""The legal pages say what is true for this portal: facts from metadata/, the log from the
server's own definition, third parties from the site configuration, conformity from the tests."""

from __future__ import annotations

import re

from publish.build_folder import BuildFolder
from publish.server.access_log import LOGGED_FIELDS
from publish.site.legal import FULLY, NOT_ASSESSED, PARTIALLY, conformity, third_parties

RESULTS = {
    "checked": "2026-12-07",
    "tool": "axe-core 4.10",
    "standard": "WCAG 2.1 AA",
    "pages": [
        {"name": "startseite", "path": "/", "violations": {"desktop": 0, "telefon": 0}},
        {"name": "rat", "path": "/rat/", "violations": {"desktop": 0, "telefon": 0}},
    ],
}


def test_conformity_status_follows_the_results_and_the_known_limitations():
    assert conformity(None, [])["status"] == NOT_ASSESSED
    assert conformity(RESULTS, [])["status"] == FULLY
    assert conformity(RESULTS, [{"what": "Karte", "why": "…"}])["status"] == PARTIALLY
    failing = {
        **RESULTS,
        "pages": RESULTS["pages"] + [{"name": "karte", "path": "/k/", "violations": {"desktop": 2, "telefon": 1}}],
    }
    result = conformity(failing, [])
    assert (
        result["status"] == PARTIALLY
        and [p["name"] for p in result["failing"]] == ["karte"]
        and result["violations"] == 3
    )


def test_third_parties_come_from_the_map_configuration():
    assert third_parties({"map": {"tile_url": None}}) == []
    [party] = third_parties(
        {"map": {"tile_url": "https://{s}.tile.example.org/{z}/{x}/{y}.png", "attribution": "© OSM"}}
    )
    assert party["host"] == "a.tile.example.org"


def text_of(path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_legal_pages_are_rendered_from_the_configuration_and_linked_from_every_footer(demo_build):
    build = BuildFolder.open(demo_build)
    legal = build.portal["publisher"]["legal"]
    site = build.site_dir
    impressum = text_of(site / "impressum" / "index.html")
    assert legal["represented_by"] in impressum and legal["supervisory_authority"]["name"] in impressum
    privacy = text_of(site / "datenschutz" / "index.html")
    assert f"{legal['log_retention_days']} Tage" in privacy
    assert all(field.split(" (")[0] in privacy for field in LOGGED_FIELDS)
    assert "Keine. Alle Schriften" in privacy  # the demo configures no basemap tiles
    statement = text_of(site / "barrierefreiheit" / "index.html")
    assert legal["accessibility"]["enforcement"]["email"] in statement
    assert "Ombudsstelle" in statement and "Barrieren melden" in statement
    expected = conformity(build.portal.get("accessibility_results"), legal["accessibility"]["known_limitations"])
    assert expected["sentence"] in statement
    for page in ("index.html", "datensaetze/index.html", "digitalisierung/index.html", "rat/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert all(f'href="/{target}/"' in html for target in ("impressum", "datenschutz", "barrierefreiheit")), page
