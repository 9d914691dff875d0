""" "Rat vor Ort" (/rat/karte/): the links table in a real portal.db, the pages of a real demo
build without JavaScript, and the street lookup answered by a real `kommune serve`."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import httpx
import sqlite_utils

from publish.places import LINKS_TABLE
from publish.places.links import write_place_links
from publish.site.council_places_data import covers, lookup, place_index
from tests.conftest import start_server, stop_server


def page(build: Path, url_path: str) -> str:
    return (build / "site" / url_path / "index.html").read_text(encoding="utf-8")


def visible_text(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", main, flags=re.S)).split())


def test_links_table_holds_streets_with_house_numbers_districts_and_plans(demo_build):
    db = sqlite3.connect(demo_build / "portal.db")
    rows = db.execute(
        f"select art, ziel_name, hausnummer, quelle from [{LINKS_TABLE}] where vorlage in "
        "(select id from oparl_paper where name like 'Sanierung des Gehwegs Stockumer%')"
    ).fetchall()
    assert ("strasse", "Stockumer Straße", "40–44", "oparl_paper") in rows
    assert ("strasse", "Stockumer Straße", "40–44", "oparl_file") in rows  # the document's text
    kinds = dict(db.execute(f"select art, count(*) from [{LINKS_TABLE}] group by art").fetchall())
    assert set(kinds) == {"strasse", "ortsteil", "plan"}
    plan_rows = db.execute(f"select distinct ziel from [{LINKS_TABLE}] where art = 'plan'").fetchall()
    assert ("DE_05978040_BP_42",) in plan_rows
    # a plan named after a street is a plan, never the street "Am Hagen"
    assert not db.execute(
        f"select 1 from [{LINKS_TABLE}] l join oparl_paper p on p.id = l.vorlage "
        "where l.art = 'strasse' and p.name like '%Wohnen am Hagen%'"
    ).fetchall()


def test_links_table_is_empty_but_present_without_register_or_council(tmp_path):
    db = sqlite_utils.Database(tmp_path / "portal.db")
    db["oparl_paper"].insert({"id": "p1", "name": "Ausbau der Bahnhofstraße 3"})
    write_place_links(db, [])
    assert db[LINKS_TABLE].count == 0
    db["strassen"].insert({"id": "10", "name": "Bahnhofstraße", "ortsteil": "Mitte", "geometrie": None})
    db["oparl_file"].insert({"id": "f1", "paper": "p1", "meeting": None, "text": "Anlieger Bahnhofstr. 5a"})
    write_place_links(db, [])
    assert sorted(db.execute(f"select quelle, vorlage, hausnummer from [{LINKS_TABLE}]").fetchall()) == [
        ("oparl_file", "p1", "5a"),
        ("oparl_paper", "p1", "3"),
    ]


def test_map_page_lists_what_the_map_shows_and_loads_no_tiles(demo_build):
    html = page(demo_build, "rat/karte")
    text = visible_text(html)
    assert 'action="/rat/karte/strasse/"' in html and 'name="q"' in html
    assert "data-tiles" not in html.split("data-places-map", 1)[1].split(">", 1)[0]
    assert re.search(r"Bahnhofstraße Werne-Mitte 2\b", text)
    assert "Bebauungsplan Nr. 42 „Wohnen am Hagen“" in text
    places = json.loads((demo_build / "site" / "rat" / "karte" / "orte.geojson").read_text())
    streets = [f for f in places["features"] if f["properties"]["art"] == "strasse"]
    assert len(streets) == 30 and all(f["geometry"]["type"] == "LineString" for f in streets)
    assert {f["properties"]["url"] for f in streets} <= {
        "/" + p.parent.relative_to(demo_build / "site").as_posix() + "/"
        for p in (demo_build / "site" / "rat" / "karte" / "strassen").glob("*/index.html")
    }


def test_street_page_shows_papers_plans_and_district(demo_build):
    text = visible_text(page(demo_build, "rat/karte/strassen/stockumer-strasse"))
    assert "Sanierung des Gehwegs Stockumer Str. 40–44" in text and "Hausnummer: 40–44" in text
    assert "Ortsteil Werne-Mitte" in text
    text = visible_text(page(demo_build, "rat/karte/strassen/bahnhofstrasse"))
    assert "Bebauungsplan Nr. 17 „Bahnhofstraße“" in text  # the street runs through the plan


def test_lookup_reads_what_visitors_type(demo_build):
    db = sqlite3.connect(demo_build / "portal.db")
    index = place_index(db)
    assert [s["name"] for s in lookup(index, "bahnhofstr. 12a")[0]] == ["Bahnhofstraße"]
    assert lookup(index, "Bahnhofstr. 12a")[1] == "12a"
    assert [s["name"] for s in lookup(index, "Luenener Strasse")[0]] == ["Lünener Straße"]
    assert [s["name"] for s in lookup(index, "stockumer")[0]] == ["Stockumer Dorfstraße", "Stockumer Straße"]
    assert lookup(index, "Hauptstraße 1") == ([], "1")
    assert covers("40–44", "42") and covers("12a", "12a") and not covers("12a", "12b") and covers("12", "12")


def test_street_lookup_is_answered_without_javascript(demo_build):
    server = start_server(demo_build)
    try:
        answer = httpx.get(server.url + "/rat/karte/strasse/", params={"q": "Stockumer Str. 42"}, timeout=30)
        assert answer.status_code == 200
        text = visible_text(answer.text)
        assert "Stockumer Straße 42" in text and "betrifft Nr. 42" in text
        several = visible_text(httpx.get(server.url + "/rat/karte/strasse/?q=Stockumer", timeout=30).text)
        assert "Zu „Stockumer“ passen 2 Straßen" in several
        unknown = httpx.get(server.url + "/rat/karte/strasse/?q=%3Cscript%3Ex", timeout=30).text
        assert "<script>x" not in unknown and "kennt das Straßenverzeichnis keine Straße" in unknown
    finally:
        stop_server(server)
