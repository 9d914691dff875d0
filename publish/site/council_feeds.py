"""Follow the council: an iCalendar feed of meetings, an Atom feed of papers, an Atom feed of
one paper's consultations; and the portal's one Atom writer (`atom_feed`), which the change
feeds use too.

Both are built from rows of `portal.db` (dicts with the columns of `oparl_meeting` and
`oparl_paper`) and are deterministic for the same rows and `now`, so an unchanged build
writes unchanged files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import icalendar
from feedgen.feed import FeedGenerator

from contracts.german import german_date

PRODID = "-//Offene Kommune//Ratsinformation//DE"
# The feed time of a feed with nothing dated in it: fixed, so that an empty feed never changes.
NO_TIME = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO timestamp as an aware datetime in UTC (naive ones are taken as UTC); None stays None."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    # UTC: a fixed offset such as +01:00 has no iCalendar time zone and would come out floating
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def upcoming(meetings: Iterable[dict[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """Meetings that start at or after `now`, earliest first (cancelled ones included)."""
    return sorted(
        (m for m in meetings if (parse_time(m.get("start")) or now - dt.timedelta(1)) >= now), key=lambda m: m["start"]
    )


def meetings_calendar(
    meetings: Iterable[dict[str, Any]],
    title: str,
    site_url: str,
    page_url: dict[str, str],
    agenda: dict[str, list[str]],
) -> bytes:
    """An iCalendar (RFC 5545) file with one event per meeting.

    `page_url` maps meeting ids to site paths, `agenda` to the names of their public agenda
    items; `site_url` (absolute, may be empty) turns paths into links. The event UID is the
    OParl id, so calendar apps update events instead of duplicating them. Cancelled meetings
    are kept with STATUS:CANCELLED so subscribers see the cancellation.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    for meeting in meetings:
        start = parse_time(meeting.get("start"))
        if start is None:
            continue
        event = icalendar.Event()
        event.add("uid", meeting["id"])
        event.add("summary", meeting.get("name") or "Sitzung")
        event.add("dtstart", start)
        event.add("dtend", parse_time(meeting.get("end")) or start + dt.timedelta(hours=2))
        event.add("dtstamp", parse_time(meeting.get("modified")) or start)
        if meeting.get("location_description"):
            event.add("location", meeting["location_description"])
        if meeting.get("cancelled"):
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        lines = [f"{number}. {name}" for number, name in enumerate(agenda.get(meeting["id"], []), start=1)]
        path = page_url.get(meeting["id"])
        if path and site_url:
            event.add("url", urljoin(site_url, path))
            lines.append(f"Tagesordnung und Unterlagen: {urljoin(site_url, path)}")
        if lines:
            event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()


def papers_atom(
    papers: Iterable[dict[str, Any]],
    title: str,
    site_url: str,
    feed_path: str,
    page_url: dict[str, str],
    updated: dt.datetime,
) -> bytes:
    """An Atom feed (RFC 4287) of papers, newest first; entry ids are the OParl ids.

    `updated` is the feed's own timestamp (the newest paper's modification, so that an
    unchanged harvest gives an unchanged feed).
    """
    entries = []
    for paper in sorted(papers, key=lambda p: (p.get("date") or "", p["id"])):
        kind = paper.get("paper_type") or "Vorlage"
        entries.append(
            FeedEntry(
                id=paper["id"],
                title=" – ".join(part for part in (paper.get("reference"), paper.get("name")) if part),
                updated=parse_time(paper.get("modified"))
                or parse_time((paper.get("date") or "") + "T00:00:00+00:00")
                or updated,
                published=parse_time(paper["date"] + "T00:00:00+00:00") if paper.get("date") else None,
                path=page_url.get(paper["id"]),
                summary=f"{kind} vom {german_date(paper['date'])}" if paper.get("date") else kind,
            )
        )
    return atom_feed(entries, title, site_url, feed_path, updated)


def newest_modified(rows: Iterable[dict[str, Any]], default: dt.datetime = NO_TIME) -> dt.datetime:
    """The latest `modified` of `rows` (papers, meetings): a feed's own time that changes only
    when the data does."""
    stamps = (parse_time(row.get("modified")) for row in rows)
    return max((stamp for stamp in stamps if stamp is not None), default=default)


def consultations_atom(
    paper: dict[str, Any],
    consultations: Iterable[dict[str, Any]],
    site_url: str,
    feed_path: str,
    page_url: dict[str, str],
) -> bytes:
    """An Atom feed of one paper's path through the committees: one entry per consultation
    (rows of `council_data.paper_page`, in meeting order), titled with the committee and its
    result as the council system reports it. An entry's time is its meeting's modification, so
    a result or a cancellation entered later updates the entry and the feed."""
    paper_time = parse_time(paper.get("modified")) or parse_time(
        (paper.get("date") or "") + "T00:00:00+00:00" if paper.get("date") else None
    )
    entries: list[FeedEntry] = []
    for consultation in consultations:
        start = parse_time(consultation.get("meeting_start"))
        committee = consultation.get("organization_name") or "Gremium"
        if consultation.get("meeting_cancelled"):
            state = "Sitzung abgesagt"
        elif consultation.get("result"):
            state = str(consultation["result"])
        elif start:
            state = "Beratung angesetzt"
        else:
            state = "Beratung noch nicht terminiert"
        role = consultation.get("role") or "Beratung"
        details = [f"{role}{' (entscheidet)' if consultation.get('authoritative') else ''}"]
        if start:
            details.append(f"Sitzung am {german_date(consultation['meeting_start'])}")
        if consultation.get("resolution_text"):
            details.append(str(consultation["resolution_text"]))
        entries.append(
            FeedEntry(
                id=consultation.get("consultation_id") or f"{paper['id']}#{len(entries)}",
                title=f"{committee}: {state}" + (f" ({german_date(consultation['meeting_start'])})" if start else ""),
                updated=parse_time(consultation.get("meeting_modified")) or start or paper_time or NO_TIME,
                published=start,
                path=page_url.get(consultation.get("meeting") or ""),
                summary=" – ".join(details),
            )
        )
    updated = max([entry.updated for entry in entries] + ([paper_time] if paper_time else []), default=NO_TIME)
    title = " – ".join(part for part in (paper.get("reference"), paper.get("name")) if part)
    return atom_feed(entries, f"Beratungen: {title}", site_url, feed_path, updated)


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    updated: dt.datetime
    summary: str
    path: str | None = None  # the site page of the entry
    published: dt.datetime | None = None


def atom_feed(
    entries: Iterable[FeedEntry], title: str, site_url: str, feed_path: str, updated: dt.datetime, page: str = ""
) -> bytes:
    """An Atom feed (RFC 4287) of `entries` given oldest first (the feed lists them newest
    first). `updated` is the feed's own time: the newest entry's, so that unchanged data gives
    an unchanged feed. `page` is the site page the feed follows (default: the feed's folder)."""
    base = site_url or "https://example.invalid/"
    feed = FeedGenerator()
    feed.id(urljoin(base, feed_path))
    feed.title(title)
    feed.language("de")
    feed.link(href=urljoin(base, feed_path), rel="self")
    followed = urljoin(base, page or feed_path.rsplit("/", 1)[0] + "/")
    feed.link(href=followed, rel="alternate")
    feed.updated(updated)
    feed.generator("Offene Kommune")
    for item in entries:  # feedgen puts each new entry first: add oldest first
        entry = feed.add_entry()
        entry.id(item.id)
        entry.title(item.title)
        entry.updated(item.updated)
        if item.published:
            entry.published(item.published)
        # An entry without a page of its own (a consultation whose meeting the source no longer
        # delivers) links the page the feed follows: Atom wants a link or content in every entry.
        entry.link(href=urljoin(base, item.path) if item.path else followed, rel="alternate")
        entry.summary(item.summary)
    return feed.atom_str(pretty=True)
