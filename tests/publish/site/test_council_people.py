"""Pages per person and per committee of the demo council, built by the real build: what they
show, what they link, and that no private contact data reaches them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from publish.database import open_readonly
from publish.site import council_data

NOW = "2026-11-25T12:00:00+01:00"
SAMPLE = Path(__file__).resolve().parents[3] / "datasets" / "ratsinformation" / "sample"
# The demo recording gives some persons private phone numbers, e-mail addresses and home
# streets (pipelines/demo/oparl_content.py PRIVATE_CONTACTS); the harvest must drop them.
PRIVATE_MARKERS = re.compile(r"@|mailto:|tel:|\b0\d{3,4}[ /-]?\d{3,}|Privat erreichbar")


def text_of(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def persons_with_private_contacts() -> list[dict]:
    persons = json.loads((SAMPLE / "persons.json").read_text(encoding="utf-8"))
    return [p for p in persons if p.get("email") or p.get("phone") or p.get("location")]


def test_every_person_has_a_page_with_faction_and_memberships(demo_build):
    db = open_readonly(demo_build / "portal.db")
    paths = council_data.page_paths(db)
    persons = council_data.persons(db)
    assert len(persons) == 40
    for person in persons:
        assert (demo_build / "site" / paths[person["id"]] / "index.html").exists()
    chair = next(m["person"] for m in db.execute("select person, role from oparl_membership where role = 'Vorsitz'"))
    text = text_of((demo_build / "site" / paths[chair] / "index.html").read_text(encoding="utf-8"))
    assert "Aktuelle Mitgliedschaften" in text and "Vorsitz" in text and "Fraktion" in text
    index = (demo_build / "site" / "rat" / "personen" / "index.html").read_text(encoding="utf-8")
    assert index.count('href="/rat/personen/') == 40


def test_person_page_lists_past_memberships_and_next_meetings(demo_build):
    db = open_readonly(demo_build / "portal.db")
    person = council_data.persons(db)[0]
    page = council_data.person_page(db, person["id"], NOW)
    assert page["current"] and all(m["end_date"] is None or m["end_date"] >= NOW[:10] for m in page["current"])
    assert all(m["start"] >= NOW for m in page["next_meetings"])
    # a membership that ended moves to the former ones
    later = council_data.person_page(db, person["id"], "2999-01-01T00:00:00+01:00")
    assert later["next_meetings"] == []
    ended = [m for m in page["current"] if m["end_date"]]
    assert len(later["former"]) == len(page["former"]) + len(ended)


def test_attendance_is_shown_as_the_council_system_reports_it(demo_build):
    db = open_readonly(demo_build / "portal.db")
    participants = json.loads((SAMPLE / "meetings.json").read_text(encoding="utf-8"))
    reported = {(m["id"], person) for m in participants for person in m.get("participant", [])}
    assert reported
    person = next(iter(reported))[1]
    page = council_data.person_page(db, person, NOW)
    assert page["attendance_reported"]
    assert {m["id"] for m in page["attended"]} == {meeting for meeting, who in reported if who == person}
    html = (demo_build / "site" / council_data.page_paths(db)[person] / "index.html").read_text(encoding="utf-8")
    assert "Laut Ratsinformationssystem hat" in html


def test_no_private_contact_data_on_person_and_committee_pages(demo_build):
    private = persons_with_private_contacts()
    assert private, "the demo must exercise the privacy filter"
    db = open_readonly(demo_build / "portal.db")
    paths = council_data.page_paths(db)
    pages = [demo_build / "site" / paths[p["id"]] / "index.html" for p in private if p["id"] in paths]
    pages += list((demo_build / "site" / "rat" / "gremien").glob("*/index.html"))
    pages.append(demo_build / "site" / "rat" / "personen" / "index.html")
    assert len(pages) > len(private)
    for page in pages:
        text = text_of(page.read_text(encoding="utf-8"))
        assert not PRIVATE_MARKERS.search(text), page
    for person in private:
        for value in (person.get("email") or []) + (person.get("phone") or []):
            assert value not in (demo_build / "site" / paths[person["id"]] / "index.html").read_text()


def test_committee_page_has_members_linked_and_next_meetings(demo_build):
    db = open_readonly(demo_build / "portal.db")
    committee = next(c for c in council_data.committees(db, NOW[:10]) if c["classification"] == "Rat")
    page = council_data.committee_page(db, committee["id"], NOW)
    assert page["next_meetings"] and all(m["start"] >= NOW for m in page["next_meetings"])
    html = (demo_build / "site" / council_data.page_paths(db)[committee["id"]] / "index.html").read_text()
    assert "Die nächsten Sitzungen" in html and html.count('href="/rat/personen/') >= 30
