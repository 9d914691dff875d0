"""The council page queries against a real SQLite database of the demo."""

from __future__ import annotations

import pytest

from publish.database import open_readonly
from publish.site import council_data

NOW = "2026-11-25T12:00:00+01:00"


@pytest.fixture(scope="module")
def db(demo_build):
    """portal.db of the repository's demo portal, built by the real build."""
    connection = open_readonly(demo_build / "portal.db")
    yield connection
    connection.close()


def test_slugs_are_stable_readable_and_safe():
    assert council_data.slug("https://ratsinfo.werne.example/oparl/v1.1/meeting/1017") == "1017"
    assert council_data.slug("https://ratsinfo.leipzig.de/bi/oparl/1.0/papers.asp?id=2387") == "papers-asp-id-2387"
    assert len(council_data.slug("https://x.example/")) == 12  # nothing usable: a hash


def test_every_meeting_paper_and_committee_gets_a_unique_path(db):
    paths = council_data.page_paths(db)
    assert len(paths) == len(set(paths.values()))
    assert sum(p.startswith("rat/sitzungen/") for p in paths.values()) == len(council_data.meetings(db))
    assert all(p.endswith("/") and " " not in p for p in paths.values())


def test_overview_lists_council_first_and_upcoming_meetings(db):
    committees = council_data.committees(db, NOW[:10])
    assert committees[0]["classification"] == "Rat"
    assert committees[0]["member_count"] >= 30
    coming = council_data.next_meetings(db, NOW)
    assert coming and all(m["start"] >= NOW for m in coming)
    decisions = council_data.latest_decisions(db, NOW)
    assert decisions and all(d["result"] and d["meeting_start"] < NOW for d in decisions)


def test_meeting_page_has_public_agenda_with_papers_and_files(db):
    held = [m for m in council_data.meetings(db) if m["minutes_date"]]
    page = council_data.meeting_page(db, held[0]["id"])
    assert page["meeting"]["organization_name"]
    assert [i["sort_order"] for i in page["items"]] == sorted(i["sort_order"] for i in page["items"])
    assert any(i["paper_reference"] for i in page["items"])
    assert {f["role"] for f in page["files"]} >= {"Niederschrift"}


def test_paper_page_shows_its_path_through_the_committees(db):
    paper = next(p for p in council_data.papers(db) if "Wohnen am Hagen" in p["name"] and "Aufstellung" in p["name"])
    page = council_data.paper_page(db, paper["id"])
    steps = [c["organization_name"] for c in page["consultations"]]
    assert steps == ["Ausschuss für Stadtentwicklung und Planung", "Haupt- und Finanzausschuss", "Rat der Stadt Werne"]
    assert page["consultations"][-1]["authoritative"]
    assert page["files"][0]["role"] == "Hauptdokument"


def test_committee_page_lists_members_with_chair_first(db):
    committee = next(o for o in council_data.committees(db, NOW[:10]) if o["short_name"] == "HFA")
    page = council_data.committee_page(db, committee["id"], NOW)
    assert page["members"][0]["role"] == "Vorsitz"
    assert all("phone" not in m and "email" not in m for m in page["members"])
    assert page["meetings"]


def test_members_are_listed_in_german_name_order(demo_build):
    """The demo council has Laura Kötter and Vanessa Krampe as members: Kötter comes first."""
    from contracts.german_folding import german_sort_key

    db = open_readonly(demo_build / "portal.db")
    council = next(o for o in council_data.committees(db, NOW[:10]) if o["classification"] == "Rat")
    members = council_data.committee_page(db, council["id"], NOW)["members"]
    names = [m["name"] for m in members]
    assert names.index("Laura Kötter") < names.index("Vanessa Krampe")
    plain = [m for m in members if council_data._role_rank(m["role"]) == 2]
    assert plain == sorted(plain, key=lambda m: (german_sort_key(m["family_name"]), german_sort_key(m["name"])))
