"""What the council pages show, read from `portal.db` (the `oparl_*` tables).

Every function takes a read-only sqlite3 connection whose rows are `sqlite3.Row`
(`publish.database.open_readonly`) and returns plain dicts and lists for the templates. Page addresses are
derived from OParl ids (`slug`) so they stay the same from build to build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from contracts.german import german_date
from contracts.german_folding import german_sort_key
from publish.places import LINKS_TABLE
from publish.site.council_feeds import parse_time

SECTION = "rat"
NEXT_MEETINGS_PER_COMMITTEE = 5
FOLDERS = {
    "oparl_meeting": "sitzungen",
    "oparl_paper": "vorlagen",
    "oparl_organization": "gremien",
    "oparl_person": "personen",
}


def slug(oparl_id: str) -> str:
    """A stable, readable URL segment for an OParl id (`…/meeting/1017` → `1017`).

    Uses the id's last path segment and query; falls back to a hash of the whole id when
    that leaves nothing usable (ids are URLs chosen by the council system's vendor).
    """
    parts = urlsplit(oparl_id)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1] + ("-" + parts.query if parts.query else "")
    cleaned = re.sub(r"[^a-z0-9]+", "-", tail.lower()).strip("-")
    return cleaned[:60] if cleaned else hashlib.sha1(oparl_id.encode("utf-8")).hexdigest()[:12]


def page_paths(db: sqlite3.Connection) -> dict[str, str]:
    """Site path (`rat/sitzungen/1017/`) of every meeting, paper and committee, by OParl id.

    Two ids with the same slug (possible with odd vendor URLs) get a short hash appended,
    decided in id order so the result is stable.
    """
    paths: dict[str, str] = {}
    for table, folder in FOLDERS.items():
        taken: set[str] = set()
        for row in _all(db, f"select id from {table} order by id"):
            key = row["id"]
            segment = slug(key)
            if segment in taken:
                segment = f"{segment}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"
            taken.add(segment)
            paths[key] = f"{SECTION}/{folder}/{segment}/"
    return paths


def _all(db: sqlite3.Connection, sql: str, *params: Any) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    columns = [c[0] for c in cursor.description]
    return [row if isinstance(row, dict) else dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _one(db: sqlite3.Connection, sql: str, *params: Any) -> dict[str, Any] | None:
    rows = _all(db, sql, *params)
    return rows[0] if rows else None


MEETING_COLUMNS = """m.id, m.name, m.start, m.end, m.cancelled, m.meeting_state, m.minutes_date, m.modified,
    m.organization, o.name as organization_name, o.short_name as organization_short_name,
    l.description as location_description, l.street_address as location_street, l.room as location_room"""
MEETING_JOINS = """from oparl_meeting m left join oparl_organization o on o.id = m.organization
    left join oparl_location l on l.id = m.location"""


def bodies(db: sqlite3.Connection) -> list[dict[str, Any]]:
    return _all(db, "select * from oparl_body order by name")


def committees(db: sqlite3.Connection, today: str) -> list[dict[str, Any]]:
    """Council, committees and factions with their member count on `today` (ISO date), council
    first."""
    found = _all(
        db,
        """
        select o.*, (select count(distinct ms.person) from oparl_membership ms where ms.organization = o.id
                     and (ms.end_date is null or ms.end_date >= ?)) as member_count,
               (select count(*) from oparl_meeting mt where mt.organization = o.id) as meeting_count
        from oparl_organization o""",
        today,
    )
    return sorted(
        found,
        key=lambda o: (
            0 if o["classification"] == "Rat" else 1 if o["organization_type"] == "Gremium" else 2,
            german_sort_key(o["name"]),
        ),
    )


def meetings(db: sqlite3.Connection, organization: str | None = None) -> list[dict[str, Any]]:
    """All meetings (of one organization if given), earliest first."""
    where, params = ("where m.organization = ?", (organization,)) if organization else ("", ())
    return _all(db, f"select {MEETING_COLUMNS} {MEETING_JOINS} {where} order by m.start, m.id", *params)


def meetings_with_ids(db: sqlite3.Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The meetings with these ids, earliest first."""
    wanted = json.dumps(sorted(set(ids)))
    return _all(
        db,
        f"select {MEETING_COLUMNS} {MEETING_JOINS} where m.id in (select value from json_each(?)) "
        "order by m.start, m.id",
        wanted,
    )


def papers_with_ids(db: sqlite3.Connection, ids: Iterable[str], limit: int = -1) -> list[dict[str, Any]]:
    """The papers with these ids, newest first (at most `limit`; -1 is all)."""
    wanted = json.dumps(sorted(set(ids)))
    return _all(
        db,
        "select * from oparl_paper where id in (select value from json_each(?)) "
        "order by date desc, reference desc, id limit ?",
        wanted,
        limit,
    )


def consulted_in(db: sqlite3.Connection, papers: Iterable[str]) -> set[str]:
    """The meetings in which any of these papers is (to be) consulted."""
    return {
        row["meeting"]
        for row in _all(
            db,
            "select distinct meeting from oparl_consultation where meeting is not null "
            "and paper in (select value from json_each(?))",
            json.dumps(sorted(set(papers))),
        )
    }


def committee_papers(db: sqlite3.Connection, organization_id: str, limit: int) -> list[dict[str, Any]]:
    """The newest papers a committee or faction brings in, leads or consults, at most `limit`."""
    return _all(
        db,
        "select * from oparl_paper where originator_organization = ? or under_direction_of = ? "
        "or id in (select paper from oparl_consultation where organization = ?) "
        "order by date desc, reference desc, id limit ?",
        organization_id,
        organization_id,
        organization_id,
        limit,
    )


def next_meetings(db: sqlite3.Connection, now_iso: str, limit: int = 8) -> list[dict[str, Any]]:
    return _all(
        db, f"select {MEETING_COLUMNS} {MEETING_JOINS} where m.start >= ? order by m.start limit ?", now_iso, limit
    )


def latest_decisions(db: sqlite3.Connection, now_iso: str, limit: int = 10) -> list[dict[str, Any]]:
    """Agenda items of meetings already held that carry a result or a resolution text, newest
    first, in the system's own wording, with their paper if any.

    Most systems never send `authoritative`; only a consultation that says it is not the
    deciding one (a committee's recommendation) is left out."""
    return _all(
        db,
        """
        select a.name, coalesce(a.result, a.resolution_text) as result, a.paper, p.reference as paper_reference,
               m.id as meeting, m.name as meeting_name, m.start as meeting_start
        from oparl_agenda_item a join oparl_meeting m on m.id = a.meeting
        left join oparl_paper p on p.id = a.paper
        where (a.result is not null or a.resolution_text is not null) and m.start < ?
          and not exists (select 1 from oparl_consultation c where c.agenda_item = a.id and c.authoritative = 0)
        order by m.start desc, a.sort_order limit ?""",
        now_iso,
        limit,
    )


def meeting_page(db: sqlite3.Connection, meeting_id: str) -> dict[str, Any]:
    """One meeting with its public agenda (papers and files per item) and its own files."""
    meeting = _one(db, f"select {MEETING_COLUMNS} {MEETING_JOINS} where m.id = ?", meeting_id)
    items = _all(
        db,
        """
        select a.*, p.reference as paper_reference, p.name as paper_name, p.paper_type
        from oparl_agenda_item a left join oparl_paper p on p.id = a.paper
        where a.meeting = ? order by a.sort_order, a.id""",
        meeting_id,
    )
    for item in items:
        # unlikely(): where no agenda item has files (many systems), the statistics say every file
        # shares the one value NULL and SQLite would scan all files for each item.
        item["files"] = _all(db, "select * from oparl_file where unlikely(agenda_item = ?) order by name", item["id"])
        if item["paper"]:
            item["files"] += _all(
                db, "select * from oparl_file where paper = ? order by role desc, name", item["paper"]
            )
    files = _all(db, "select * from oparl_file where meeting = ? order by role, name", meeting_id)
    return {"meeting": meeting, "items": items, "files": files}


def paper_page(db: sqlite3.Connection, paper_id: str) -> dict[str, Any]:
    """One paper with its path through the committees (consultations in meeting order) and files."""
    paper = _one(
        db,
        """
        select p.*, o.name as under_direction_of_name, oo.name as originator_name
        from oparl_paper p left join oparl_organization o on o.id = p.under_direction_of
        left join oparl_organization oo on oo.id = p.originator_organization where p.id = ?""",
        paper_id,
    )
    consultations = _all(
        db,
        """
        select c.id as consultation_id, c.role, c.authoritative, c.organization, o.name as organization_name,
               c.meeting, m.name as meeting_name, m.start as meeting_start, m.cancelled as meeting_cancelled,
               m.modified as meeting_modified, a.result, a.resolution_text, a.number as agenda_number
        from oparl_consultation c left join oparl_meeting m on m.id = c.meeting
        left join oparl_organization o on o.id = c.organization
        left join oparl_agenda_item a on a.id = c.agenda_item
        where c.paper = ? order by m.start is null, m.start, c.id""",
        paper_id,
    )
    files = _all(db, "select * from oparl_file where paper = ? order by role desc, name", paper_id)
    return {"paper": paper, "consultations": consultations, "files": files}


def _role_rank(role: str | None) -> int:
    """Chairs first, then their deputies, then everyone else."""
    role = (role or "").casefold()
    return 0 if role.startswith("vorsitz") else 1 if role.startswith("stellv") else 2


def committee_page(db: sqlite3.Connection, organization_id: str, now_iso: str) -> dict[str, Any]:
    """One committee or faction with its current and former members (role, faction) on `now_iso`'s
    day, its meetings and the next of them (after `now_iso`, local time as stored)."""
    today = now_iso[:10]
    organization = _one(db, "select * from oparl_organization where id = ?", organization_id)
    members = _all(
        db,
        """
        select p.id, p.name, p.family_name, p.title, p.form_of_address, p.faction, ms.role, ms.voting_right,
               ms.start_date, ms.end_date
        from oparl_membership ms join oparl_person p on p.id = ms.person
        where ms.organization = ? and (ms.end_date is null or ms.end_date >= ?)""",
        organization_id,
        today,
    )
    members.sort(key=lambda m: (_role_rank(m["role"]), german_sort_key(m["family_name"]), german_sort_key(m["name"])))
    former = _all(
        db,
        """
        select p.id, p.name, p.family_name, ms.role, ms.start_date, ms.end_date
        from oparl_membership ms join oparl_person p on p.id = ms.person
        where ms.organization = ? and ms.end_date < ?
          and ms.person not in (select person from oparl_membership where organization = ?
                                and (end_date is null or end_date >= ?))
        order by ms.end_date desc, p.family_name""",
        organization_id,
        today,
        organization_id,
        today,
    )
    held = meetings(db, organization_id)
    upcoming = [m for m in held if m["start"] and m["start"] >= now_iso and not m["cancelled"]]
    return {
        "organization": organization,
        "members": members,
        "former_members": former,
        "meetings": held,
        "next_meetings": upcoming[:NEXT_MEETINGS_PER_COMMITTEE],
    }


# What a person's page shows of the person: public by office (OParl Person), never contact data.
PERSON_COLUMNS = "id, name, family_name, given_name, title, form_of_address, affix, faction, web"


def persons(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Everyone with a membership in a body of the council, in phone-book order."""
    found = _all(
        db,
        f"select {PERSON_COLUMNS} from oparl_person where id in (select person from oparl_membership)",
    )
    return sorted(found, key=lambda p: (german_sort_key(p["family_name"] or p["name"]), german_sort_key(p["name"])))


def person_page(db: sqlite3.Connection, person_id: str, now_iso: str) -> dict[str, Any]:
    """One person: name, faction, every membership with its time (current first), the committees
    they sit on now and those bodies' next meetings."""
    person = _one(db, f"select {PERSON_COLUMNS} from oparl_person where id = ?", person_id)
    memberships = _all(
        db,
        """
        select ms.organization, o.name as organization_name, o.organization_type, o.classification,
               ms.role, ms.voting_right, ms.start_date, ms.end_date, ms.on_behalf_of, b.name as on_behalf_of_name
        from oparl_membership ms left join oparl_organization o on o.id = ms.organization
        left join oparl_organization b on b.id = ms.on_behalf_of
        where ms.person = ? order by ms.end_date is not null, ms.end_date desc, ms.start_date desc""",
        person_id,
    )
    today = now_iso[:10]
    current = [m for m in memberships if not m["end_date"] or m["end_date"] >= today]
    former = [m for m in memberships if m["end_date"] and m["end_date"] < today]
    bodies_now = {m["organization"] for m in current if m["organization_type"] != "Fraktion"}
    upcoming = _all(
        db,
        f"select {MEETING_COLUMNS} {MEETING_JOINS} where m.start >= ? and coalesce(m.cancelled, 0) = 0 "
        f"and m.organization in (select value from json_each(?)) order by m.start limit ?",
        now_iso,
        json.dumps(sorted(bodies_now)),
        NEXT_MEETINGS_PER_COMMITTEE,
    )
    attendance_reported, attended = _attended(db, person_id)
    return {
        "person": person,
        "current": current,
        "former": former,
        "next_meetings": upcoming,
        "attendance_reported": attendance_reported,
        "attended": attended,
    }


def _attended(db: sqlite3.Connection, person_id: str) -> tuple[bool, list[dict[str, Any]]]:
    """(whether the council system reports attendance at all, the meetings the person attended,
    newest first). Without reports a page must not suggest that the person missed meetings."""
    exists = _one(db, "select 1 as found from sqlite_master where name = 'oparl_meeting_participant'")
    if not exists or not _one(db, "select 1 as found from oparl_meeting_participant limit 1"):
        return False, []
    return True, _all(
        db,
        f"select {MEETING_COLUMNS} {MEETING_JOINS} join oparl_meeting_participant t on t.meeting = m.id "
        "where t.person = ? order by m.start desc",
        person_id,
    )


def papers(db: sqlite3.Connection) -> list[dict[str, Any]]:
    return _all(db, "select * from oparl_paper order by date desc, reference desc")


def agenda_names(db: sqlite3.Connection) -> dict[str, list[str]]:
    """Names of the public agenda items of every meeting, in agenda order."""
    names: dict[str, list[str]] = {}
    for row in _all(db, "select meeting, name from oparl_agenda_item order by meeting, sort_order, id"):
        names.setdefault(row["meeting"], []).append(row["name"])
    return names


def search_index(db: sqlite3.Connection, paths: dict[str, str]) -> list[dict[str, str]]:
    """Entries for the search page: papers, and agenda items with a resolution text.

    `s` is the normalised `search_text` the pipeline wrote (ß→ss, ä→ae …), so the page
    searches exactly what the database's full-text index holds; `p` is the page path.
    """
    entries = []
    for p in _all(
        db, "select id, reference, name, paper_type, date, search_text from oparl_paper order by date desc, id"
    ):
        entries.append(
            {
                "t": " – ".join(x for x in (p["reference"], p["name"]) if x),
                "p": paths[p["id"]],
                "k": p["paper_type"] or "Vorlage",
                "d": german_date(p["date"]) if p["date"] else "",
                "s": p["search_text"] or "",
            }
        )
    for a in _all(
        db,
        """select a.name, a.search_text, a.meeting, m.name as meeting_name, m.start
                          from oparl_agenda_item a join oparl_meeting m on m.id = a.meeting
                          where a.resolution_text is not null order by m.start desc, a.sort_order""",
    ):
        entries.append(
            {
                "t": a["name"],
                "p": paths[a["meeting"]],
                "k": f"Beschluss, {a['meeting_name']}",
                "d": german_date(a["start"]) if a["start"] else "",
                "s": a["search_text"] or "",
            }
        )
    return entries


# A paper has a decision when a held, not cancelled meeting's agenda item for one of its
# consultations carries a result, unless the consultation is marked as not deciding or the
# result only postpones or takes note (publish/site/council_terms.py NOT_DECIDED, same words).
DECIDED_SQL = """exists (
    select 1 from oparl_consultation c join oparl_agenda_item a on a.id = c.agenda_item
    join oparl_meeting m on m.id = c.meeting
    where c.paper = p.id and coalesce(c.authoritative, 1) = 1 and not m.cancelled and m.start < :now
      and a.result is not null and lower(a.result) not like '%vertagt%' and lower(a.result) not like '%zurückgestellt%'
      and lower(a.result) not like '%abgesetzt%' and lower(a.result) not like '%verwiesen%'
      and lower(a.result) not like '%kenntnis%')"""
WITH_TEXT_SQL = "exists (select 1 from oparl_file f where f.paper = p.id and f.text is not null)"
# A paper has a place when its title, text or a document names a street, district or plan of
# the portal (publish.places writes these links; metadata/kpis.yaml uses the same rule).
WITH_PLACE_SQL = f"exists (select 1 from [{LINKS_TABLE}] o where o.vorlage = p.id)"


def findability(db: sqlite3.Connection, now_iso: str) -> dict[str, Any]:
    """How findable the papers are: how many there are, how many have the text of a document to
    search (`with_text`), a place (`with_place`: None when the portal matches no places) and a
    decision (`decided`), with shares in per cent."""
    places = _one(db, "select 1 as found from sqlite_master where name = ?", LINKS_TABLE) is not None
    with_place = f"coalesce(sum({WITH_PLACE_SQL}), 0)" if places else "null"
    row = _one(
        db,
        f"select count(*) as papers, coalesce(sum({WITH_TEXT_SQL}), 0) as with_text, {with_place} as with_place, "
        f"coalesce(sum({DECIDED_SQL.replace(':now', '?')}), 0) as decided from oparl_paper p",
        now_iso,
    )
    assert row is not None
    papers = row["papers"]

    def share(count: int | None) -> float | None:
        return round(100 * count / papers, 1) if papers and count is not None else None

    return {
        **row,
        "with_text_share": share(row["with_text"]),
        "with_place_share": share(row["with_place"]),
        "decided_share": share(row["decided"]),
    }


def clock_position(db: sqlite3.Connection, now_iso: str, now: dt.datetime) -> dict[str, int] | None:
    """Where the clock stands among the council's dates, by each rule with which a meeting's,
    paper's, committee's or person's page compares a date with it: how many dates lie before it.
    Each count can only grow as the clock moves on, so two clocks with the same counts lie
    between the same dates and every comparison gives the same result: the pages are the same.
    Whole tables, one query each (not per page). None when a meeting's start is no time: the
    pages' own reading of it decides then.

    - `paper_summary` (held or coming) and `committee_page` (next meetings): a meeting's start,
      when set, before `now_iso` as text; `person_page` (next meetings): `start >= ?` in SQL.
    - A paper's calendar (`council_feeds.upcoming`): the start as a time before `now`.
    - `committees`, `committee_page` and `person_page` (current and former members): a
      membership's end before `now_iso`'s day."""
    starts = [row[0] for row in db.execute("select start from oparl_meeting")]
    ends = [row[0] for row in db.execute("select end_date from oparl_membership")]
    today = now_iso[:10]
    try:
        begun_text = sum(1 for start in starts if start and start < now_iso)
        times = [parse_time(start) for start in starts]
        ended = sum(1 for end in ends if end and end < today)
    except (TypeError, ValueError, AttributeError):
        return None
    return {
        "meetings_begun_text": begun_text,
        "meetings_begun_sql": _count(db, "select count(*) from oparl_meeting where start < ?", now_iso),
        "meetings_begun_time": sum(1 for time in times if time is not None and time < now),
        "memberships_ended_today": ended,
    }


def _count(db: sqlite3.Connection, sql: str, *params: Any) -> int:
    return db.execute(sql, params).fetchone()[0]
