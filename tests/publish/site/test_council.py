"""The council section of the demo build: pages, links, feeds, privacy, and the search page
in a real Chromium against `kommune serve` on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import icalendar

from publish.database import open_readonly
from publish.site import council_data

# Strings that exist only in non-public agenda items or in persons' private contact data of the
# demo recording (datasets/ratsinformation/sample/): none may appear anywhere in build/.
PRIVATE = [
    "Flurstück 4711",
    "Beispielbau",
    "Personalangelegenheit",
    "Vertraulich-Mustermann",
    "Dachbau Geheim",
    "Mustermann Immobilien",
    "Vorkaufsrecht",
    "Vorlage nichtöffentlich",
    "vorlage-nö-",
    "02389 555-0173",
    "0171 5550199",
    "h.privat0173@mailbox.example",
    "familie.fasan@posteo.example",
    "Amselweg 7",
    "Fasanenweg 3",
    "Drosselstieg 12",
    "Privat erreichbar",
    "ratsbuero@werne.example",
]


def test_the_demo_source_really_contains_the_private_strings():
    sample = "".join(
        p.read_text(encoding="utf-8")
        for p in (Path(__file__).resolve().parents[3] / "datasets" / "ratsinformation" / "sample").glob("*.json")
    )
    assert all(text in sample for text in PRIVATE)


def test_no_non_public_or_personal_data_in_any_file_of_the_build(demo_build):
    root = demo_build.resolve()
    files = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "portal.db" for p in files) and any(p.suffix == ".ics" for p in files)
    for path in files:
        content = path.read_bytes()
        for text in PRIVATE:
            assert text.encode("utf-8") not in content, f"{text!r} in {path.relative_to(root)}"
    db = open_readonly(root / "portal.db")
    columns = {row[1] for row in db.execute("pragma table_info(oparl_person)")}
    assert not columns & {"phone", "email", "location", "life", "status", "gender"}


def test_every_meeting_paper_and_committee_has_its_page(demo_build):
    site = demo_build / "site"
    db = open_readonly(demo_build / "portal.db")
    paths = council_data.page_paths(db)
    assert paths and all((site / path / "index.html").exists() for path in paths.values())
    for page in ("rat", "rat/sitzungen", "rat/vorlagen", "rat/suche"):
        assert (site / page / "index.html").exists()


def test_internal_links_of_the_council_pages_resolve(demo_build):
    site = demo_build / "site"
    broken = set()
    for page in (site / "rat").rglob("index.html"):
        for href in re.findall(r'href="(/[^"#?]*)"', page.read_text(encoding="utf-8")):
            if href.startswith("/daten/"):
                continue  # Datasette, not a file of the static site
            target = site / href.lstrip("/")
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.add((str(page.relative_to(site)), href))
    assert not broken, sorted(broken)[:10]


def test_feeds_parse_and_are_linked_from_the_pages(demo_build):
    site = demo_build / "site"
    overview = (site / "rat" / "index.html").read_text(encoding="utf-8")
    assert 'href="/rat/sitzungen.ics"' in overview and 'href="/rat/vorlagen.atom"' in overview
    assert 'type="application/atom+xml"' in overview
    calendar = icalendar.Calendar.from_ical((site / "rat" / "sitzungen.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) >= 5
    feed = feedparser.parse((site / "rat" / "vorlagen.atom").read_bytes())
    assert not feed.bozo and len(feed.entries) == 50
    assert all(urlparse(e.link).path.startswith("/rat/vorlagen/") for e in feed.entries)
    with_calendar = 0
    for committee in (site / "rat" / "gremien").iterdir():
        page = (committee / "index.html").read_text(encoding="utf-8")
        meets = "Keine Sitzungen veröffentlicht." not in page
        # A group that never meets (a faction) offers no calendar that would stay empty.
        assert ('href="sitzungen.ics"' in page) is meets is (committee / "sitzungen.ics").exists(), committee.name
        if meets:
            icalendar.Calendar.from_ical((committee / "sitzungen.ics").read_bytes())
            with_calendar += 1
    assert with_calendar >= 3


def test_search_index_holds_normalised_text_of_papers(demo_build):
    index = json.loads((demo_build / "site" / "rat" / "suche" / "index.json").read_text(encoding="utf-8"))
    assert any("strassen" in entry["s"] and "Straßen" in entry["t"] for entry in index)
    assert all(entry["p"].startswith("rat/") for entry in index)


# `browser` is the session's one headless Chromium (tests/conftest.py): a second sync
# Playwright in the same run collides with it.


def test_search_page_finds_both_spellings_and_compounds_in_chromium(demo_server, browser):
    page = browser.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto(demo_server.url + "/rat/suche/")
    page.fill("#suchbegriff", "Strassen")
    page.click("#ratssuche button[type=submit]")
    page.wait_for_selector("#suchergebnisse li")
    titles = page.locator("#suchergebnisse li a").all_inner_texts()
    assert any("Straßen" in title for title in titles)
    assert "gefunden" in page.inner_text("#suchstatus")
    page.goto(demo_server.url + "/rat/suche/?q=Sperrm%C3%BCll")
    page.wait_for_selector("#suchergebnisse li")
    assert any("Sperrmüllabfuhr" in t for t in page.locator("#suchergebnisse li a").all_inner_texts())
    page.locator("#suchergebnisse li a").first.click()
    page.wait_for_load_state()
    assert "/rat/" in page.url and page.locator("h1").inner_text()
    assert hosts == {"127.0.0.1"}
    page.close()


def test_datasette_searches_papers_in_both_spellings(demo_server):
    for query in ("Straßen", "strassen"):
        response = demo_server.get("/daten/portal/oparl_paper.json", params={"_search": query, "_shape": "array"})
        assert response.status_code == 200, response.text
        assert any("Straßen" in row["name"] for row in response.json()), query


def test_council_kpis_run_as_canned_queries(demo_server):
    for kpi in (
        "council-papers-per-month",
        "council-meetings-per-month",
        "council-minutes-published-share",
        "council-days-to-minutes-median",
    ):
        response = demo_server.get(f"/daten/portal/{kpi}.json", params={"_shape": "array"})
        assert response.status_code == 200, (kpi, response.text[:300])
        rows = response.json()
        assert rows and set(rows[-1]) == {"period", "value"}


def test_a_word_only_inside_a_document_is_found_with_a_snippet_and_its_paper_and_meeting(demo_build, demo_server):
    word = "Fledermausquartiere"
    db = open_readonly(demo_build / "portal.db")
    pattern = f"%{word}%"
    assert not db.execute(
        "select 1 from oparl_paper where name like ?1 union all "
        "select 1 from oparl_agenda_item where name like ?1 or resolution_text like ?1",
        (pattern,),
    ).fetchall(), "the word must appear only inside documents"
    assert db.execute(
        "select count(*) from oparl_file where text like ? and text_source = ?", (pattern, "PDF-Textebene")
    )
    response = demo_server.get("/rat/suche/", params={"q": "fledermausquartiere"})
    assert response.status_code == 200
    html = response.text
    assert "<mark>Fledermausquartiere</mark>" in html
    hits = html.split('id="dokumenttreffer"', 1)[1].split("</ol>", 1)[0].split("</li>")[:-1]
    assert hits and all("<mark>" in hit and ("Sitzung: <a" in hit or "Vorlage: <a" in hit) for hit in hits)
    first = next(hit for hit in hits if "Vorlage: <a" in hit)
    document, paper, meeting = (
        re.search(r'href="([^"]*/dokumente/[^"]*\.pdf)"', first),
        re.search(r'Vorlage: <a href="(/rat/vorlagen/[^"]+)"', first),
        re.search(r'Sitzung: <a href="(/rat/sitzungen/[^"]+)"', first),
    )
    assert document and paper and meeting, first
    pdf = demo_server.get(urlparse(document.group(1)).path)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert urlparse(document.group(1)).netloc == urlparse(demo_server.url).netloc  # the served address
    for path in (paper.group(1), meeting.group(1)):
        assert demo_server.get(path).status_code == 200


def test_every_document_link_of_the_demo_resolves_on_the_portal(demo_build):
    site = demo_build / "site"
    db = open_readonly(demo_build / "portal.db")
    urls = [row[0] for row in db.execute("select access_url from oparl_file")]
    assert urls and all(".example" not in url for url in urls)
    for url in urls:
        assert (site / urlparse(url).path.lstrip("/")).is_file(), url


def test_council_search_takes_hostile_input_as_words(demo_server):
    for query in ('"<script>alert(1)</script>', "NEAR(a b) OR * ^", "x" * 5000, "ab"):
        response = demo_server.get("/rat/suche/", params={"q": query})
        assert response.status_code == 200, query
        assert "<script>alert" not in response.text and "Traceback" not in response.text
    assert "mindestens drei Buchstaben" in demo_server.get("/rat/suche/", params={"q": "ab"}).text
