"""The calendar and Atom feeds, parsed with real iCalendar and Atom parsers."""

from __future__ import annotations

import datetime as dt

import feedparser
import icalendar
import pytest

from publish.database import open_readonly
from publish.site import council_data, council_feeds

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def db(demo_build):
    """portal.db of the repository's demo portal, built by the real build."""
    connection = open_readonly(demo_build / "portal.db")
    yield connection
    connection.close()


def test_calendar_of_upcoming_meetings_parses_and_links_each_meeting(db):
    paths = council_data.page_paths(db)
    coming = council_feeds.upcoming(council_data.meetings(db), NOW)
    ics = council_feeds.meetings_calendar(
        coming, "Sitzungen", "https://werne.example/", paths, council_data.agenda_names(db)
    )
    calendar = icalendar.Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == len(coming) >= 5
    assert {str(e["UID"]) for e in events} == {m["id"] for m in coming}
    for event in events:
        assert event.decoded("DTSTART") >= NOW
        assert str(event["URL"]).startswith("https://werne.example/rat/sitzungen/")
        assert "Rathaus Werne" in str(event["LOCATION"])
    assert "Eröffnung der Sitzung" in str(events[0]["DESCRIPTION"])


def test_calendar_per_committee_holds_only_that_committee(db):
    organization = next(o for o in council_data.committees(db, NOW.date().isoformat()) if o["short_name"] == "ASP")
    coming = council_feeds.upcoming(council_data.meetings(db, organization["id"]), NOW)
    calendar = icalendar.Calendar.from_ical(council_feeds.meetings_calendar(coming, "ASP", "", {}, {}))
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries and all("Stadtentwicklung und Planung" in s for s in summaries)


def test_cancelled_meetings_stay_in_the_calendar_marked_cancelled(db):
    cancelled = [m for m in council_data.meetings(db) if m["cancelled"]]
    assert cancelled
    calendar = icalendar.Calendar.from_ical(council_feeds.meetings_calendar(cancelled, "x", "", {}, {}))
    assert {str(e["STATUS"]) for e in calendar.walk("VEVENT")} == {"CANCELLED"}


def test_atom_feed_of_papers_parses_with_links_and_german_summaries(db):
    paths = council_data.page_paths(db)
    papers = council_data.papers(db)[:30]
    atom = council_feeds.papers_atom(
        papers, "Neue Vorlagen", "https://werne.example/", "rat/vorlagen.atom", paths, updated=NOW
    )
    feed = feedparser.parse(atom)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Neue Vorlagen"
    assert len(feed.entries) == 30
    assert feed.entries[0].id == papers[0]["id"]  # newest first
    assert feed.entries[0].link == "https://werne.example/" + paths[papers[0]["id"]]
    assert all(" vom " in e.summary for e in feed.entries)
    again = council_feeds.papers_atom(
        papers, "Neue Vorlagen", "https://werne.example/", "rat/vorlagen.atom", paths, updated=NOW
    )
    assert again == atom  # unchanged data, unchanged file


def test_an_entry_without_a_page_of_its_own_links_the_followed_page():
    """A consultation whose meeting is not published (sent invalid or deleted) still makes a
    valid Atom entry: feedgen refuses an entry with neither an alternate link nor content."""
    entry = council_feeds.FeedEntry(id="urn:x:1", title="Rat: Sitzung abgesagt", updated=NOW, summary="Beratung")
    feed_path = "rat/vorlagen/7/beratungen.atom"
    atom = council_feeds.atom_feed([entry], "Beratungen", "https://werne.example/", feed_path, NOW)
    parsed = feedparser.parse(atom)
    assert not parsed.bozo
    assert parsed.entries[0].link == "https://werne.example/rat/vorlagen/7/"
