"""Following the council without an account (issues 19 and 20, point 5): the Atom and iCalendar
files beside the pages of a committee, a paper, a street and a district of the real demo build,
parsed with feedparser and icalendar, checked against portal.db and linked as "Folgen"."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import icalendar

from publish.build_folder import BuildFolder
from publish.places import LINKS_TABLE
from publish.site.council_data import page_paths
from publish.site.council_feeds import parse_time
from publish.site.council_places_data import url_segment


def atom(build: Path, path: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((build / "site" / path).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return feed


def events(build: Path, path: str) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical((build / "site" / path).read_bytes()).walk("VEVENT")


def page(build: Path, folder: str) -> str:
    return (build / "site" / folder / "index.html").read_text(encoding="utf-8")


def linked(html: str, href: str, kind: str) -> bool:
    """The page offers `href` both to people ("Folgen") and to feed readers (link rel=alternate)."""
    folgen = html.split('class="folgen">Folgen:', 1)
    return len(folgen) == 2 and f'href="{href}"' in folgen[1].split("</p>", 1)[0] and f'type="{kind}"' in html


def test_a_committee_and_a_faction_can_be_followed_by_their_papers(demo_build):
    db = sqlite3.connect(demo_build / "portal.db")
    paths = page_paths(db)
    committee = db.execute(
        "select id from oparl_organization where name = 'Ausschuss für Stadtentwicklung und Planung'"
    ).fetchone()[0]
    faction = db.execute(
        "select id from oparl_organization where name = 'CDU-Fraktion im Rat der Stadt Werne'"
    ).fetchone()[0]
    for organization in (committee, faction):
        expected = {
            row[0]
            for row in db.execute(
                "select id from oparl_paper where originator_organization = ?1 or under_direction_of = ?1 "
                "or id in (select paper from oparl_consultation where organization = ?1)",
                (organization,),
            )
        }
        feed = atom(demo_build, paths[organization] + "vorlagen.atom")
        listed = {entry.id for entry in feed.entries}
        assert 0 < len(listed) <= 50
        assert listed == expected if len(expected) <= 50 else listed < expected
        assert all(urlsplit(entry.link).path.startswith("/rat/vorlagen/") for entry in feed.entries)
        assert linked(page(demo_build, paths[organization]), "vorlagen.atom", "application/atom+xml")
    # the committee meets: its calendar stays linked beside the papers feed
    assert linked(page(demo_build, paths[committee]), "sitzungen.ics", "text/calendar")


def test_a_paper_can_be_followed_through_its_consultations_and_coming_dates(demo_build):
    db = sqlite3.connect(demo_build / "portal.db")
    db.row_factory = sqlite3.Row
    paths = page_paths(db)
    # a paper consulted more than once, with one consultation still to come and one decided
    paper = db.execute(
        "select c.paper from oparl_consultation c join oparl_meeting m on m.id = c.meeting "
        "join oparl_agenda_item a on a.id = c.agenda_item group by c.paper "
        "having count(*) > 1 and sum(a.result is not null) > 0 order by c.paper"
    ).fetchall()
    assert paper
    build_started = parse_time(BuildFolder.open(demo_build).report["started"])
    for (paper_id,) in paper:
        folder = paths[paper_id]
        consultations = db.execute(
            "select c.id, o.name, a.result, m.start from oparl_consultation c "
            "left join oparl_organization o on o.id = c.organization left join oparl_meeting m on m.id = c.meeting "
            "left join oparl_agenda_item a on a.id = c.agenda_item where c.paper = ?",
            (paper_id,),
        ).fetchall()
        feed = atom(demo_build, folder + "beratungen.atom")
        assert {entry.id for entry in feed.entries} == {row["id"] for row in consultations}
        by_id = {entry.id: entry for entry in feed.entries}
        for row in consultations:
            title = by_id[row["id"]].title
            assert title.startswith(f"{row['name']}: ")
            if row["result"]:
                assert row["result"] in title
        calendar = {str(event["uid"]) for event in events(demo_build, folder + "beratungen.ics")}
        starts = {
            meeting: parse_time(start)
            for meeting, start in db.execute(
                "select c.meeting, m.start from oparl_consultation c join oparl_meeting m on m.id = c.meeting "
                "where c.paper = ?",
                (paper_id,),
            )
        }
        # The calendar holds what was still to come when the build rendered it: after the build
        # started, and surely everything after the file was written.
        written = dt.datetime.fromtimestamp((demo_build / "site" / folder / "beratungen.ics").stat().st_mtime, dt.UTC)
        assert {meeting for meeting, start in starts.items() if start >= written} <= calendar
        assert all(starts[meeting] >= build_started for meeting in calendar)
        html = page(demo_build, folder)
        assert linked(html, "beratungen.atom", "application/atom+xml")
        assert linked(html, "beratungen.ics", "text/calendar")


def test_a_street_and_its_district_can_be_followed_by_papers_and_meetings(demo_build):
    db = sqlite3.connect(demo_build / "portal.db")
    paths = page_paths(db)
    paper_id = db.execute("select id from oparl_paper where name like 'Sanierung des Gehwegs Stockumer%'").fetchone()[0]
    street = "rat/karte/strassen/stockumer-strasse/"
    papers = atom(demo_build, street + "vorlagen.atom")
    expected = {
        row[0]
        for row in db.execute(
            f"select distinct vorlage from [{LINKS_TABLE}] where art = 'strasse' and ziel_name = 'Stockumer Straße' "
            "and vorlage is not null"
        )
    }
    assert paper_id in expected and {entry.id for entry in papers.entries} == expected
    consulted = {
        row[0]
        for row in db.execute(
            "select meeting from oparl_consultation where paper = ? and meeting is not null", (paper_id,)
        )
    }
    street_meetings = {str(event["uid"]) for event in events(demo_build, street + "sitzungen.ics")}
    assert consulted and consulted <= street_meetings
    assert all(event.get("url") for event in events(demo_build, street + "sitzungen.ics"))
    assert linked(page(demo_build, street), "/" + street + "vorlagen.atom", "application/atom+xml")

    (district_name,) = db.execute("select ortsteil from strassen where name = 'Stockumer Straße'").fetchone()
    district = f"rat/karte/ortsteile/{url_segment(district_name)}/"
    district_papers = {entry.id for entry in atom(demo_build, district + "vorlagen.atom").entries}
    assert expected <= district_papers  # the district's feed carries its streets' papers too
    assert street_meetings <= {str(event["uid"]) for event in events(demo_build, district + "sitzungen.ics")}
    html = page(demo_build, district)
    assert linked(html, "/" + district + "vorlagen.atom", "application/atom+xml")
    assert linked(html, "/" + district + "sitzungen.ics", "text/calendar")
    assert paths[paper_id]


def test_feed_times_come_from_the_data_so_an_unchanged_build_gives_unchanged_feeds(demo_build):
    """The feeds carry no build time: every <updated> is a time from portal.db (or the fixed
    time of an empty feed), which is what lets the site keep the previous files."""
    db = sqlite3.connect(demo_build / "portal.db")
    stamps = {
        parse_time(value)
        for (value,) in db.execute(
            "select modified from oparl_paper union select modified from oparl_meeting "
            "union select start from oparl_meeting union select date || 'T00:00:00+00:00' from oparl_paper"
        )
        if value
    } | {dt.datetime(1970, 1, 1, tzinfo=dt.UTC)}
    site = demo_build / "site"
    feeds = [*site.glob("rat/gremien/*/vorlagen.atom"), *site.glob("rat/karte/*/*/vorlagen.atom")]
    feeds += list(site.glob("rat/vorlagen/*/beratungen.atom"))[:40]
    assert len(feeds) > 40
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert parse_time(feed.feed.updated) in stamps, path


def test_the_share_of_papers_with_a_place_is_on_the_overview_and_the_dashboard(demo_build):
    db = sqlite3.connect(demo_build / "portal.db")
    papers, with_place = db.execute(
        f"select count(*), sum(exists (select 1 from [{LINKS_TABLE}] o where o.vorlage = p.id)) from oparl_paper p"
    ).fetchone()
    assert 0 < with_place < papers
    share = f"{round(100 * with_place / papers, 1):.1f}".replace(".", ",")
    text = " ".join(page(demo_build, "rat").split())
    assert f"<strong>{share} %</strong> ({with_place}) nennen einen Ort" in text

    by_quarter = dict(
        db.execute(
            "select substr(p.date, 1, 4) || '-Q' || ((cast(substr(p.date, 6, 2) as integer) + 2) / 3), "
            f"round(100.0 * sum(exists (select 1 from [{LINKS_TABLE}] o where o.vorlage = p.id)) / count(*), 1) "
            "from oparl_paper p where p.date is not null group by 1"
        )
    )
    kpis = json.loads((demo_build / "site" / "kennzahlen.json").read_text(encoding="utf-8"))["kpis"]
    (kpi,) = [kpi for kpi in kpis if kpi["id"] == "council-papers-with-place-share"]
    assert kpi["value"] == by_quarter[kpi["period"]] and 0 < kpi["value"] < 100
