"""The council section of the site (`/rat/`): overview, meetings, papers, committees, people, search,
an iCalendar feed of upcoming meetings (all and per committee) and an Atom feed of new papers.

Reads only the `oparl_*` tables of portal.db; renders nothing when no council dataset is
published. Page addresses come from OParl ids (`council_data.page_paths`), so links stay valid
from build to build.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import nullcontext

from contracts.build_folder import DOCUMENTS_DIR
from publish.dataset_failure import for_dataset
from publish.freshness import LOCAL_TIME, health
from publish.site import council_data, council_feeds, council_terms
from publish.site.context import SiteContext

FEED_PAPERS = 50
ALL_MEETINGS_CALENDAR = "rat/sitzungen.ics"
PAPERS_FEED = "rat/vorlagen.atom"
# The files beside a page that follow it: a committee's, a street's, a district's (papers and
# meetings) and a paper's (its consultations and their dates).
OWN_PAPERS_FEED = "vorlagen.atom"
OWN_MEETINGS_CALENDAR = "sitzungen.ics"
CONSULTATIONS_FEED = "beratungen.atom"
CONSULTATIONS_CALENDAR = "beratungen.ics"


# The tables the pages read: all come from one `oparl` dataset. A portal that has only some
# of them (hand-made CSV tables with these names) gets no council section rather than a crash.
REQUIRED_TABLES = (
    "oparl_body",
    "oparl_organization",
    "oparl_person",
    "oparl_membership",
    "oparl_location",
    "oparl_meeting",
    "oparl_paper",
    "oparl_agenda_item",
    "oparl_consultation",
    "oparl_file",
)
# Read by the pages when the system reports them (attendance).
OPTIONAL_TABLES = ("oparl_meeting_participant",)
# The section of the per-object pages, carried over whole when nothing they read changed
# (SiteContext.carried_over).
OBJECT_PAGES = "council-objects"


def render(site: SiteContext) -> None:
    if not all(site.table_exists(table) for table in REQUIRED_TABLES):
        return
    package = next((p for p in site.packages if any(r["name"] == "oparl_meeting" for r in p["resources"])), None)
    # The pages are that dataset's: an unexpected error fails it alone (publish.dataset_failure).
    with for_dataset(package["name"], "Website") if package else nullcontext():
        _render(site, package)


def _render(site: SiteContext, package: dict | None) -> None:
    if package:
        _publish_documents(site, package["name"])
    db = site.db
    now = site.now.astimezone(LOCAL_TIME)
    # meeting times are stored as recorded, with the local offset: compare in local time
    now_iso = now.isoformat(timespec="seconds")
    paths = council_data.page_paths(db)
    common = {
        "paths": paths,
        "sample": bool(package and package["kommune"].get("sample")),
        "dataset_url": f"/datensaetze/{package['name']}/" if package else None,
    }
    meetings = council_data.meetings(db)
    papers = council_data.papers(db)
    committees = council_data.committees(db, now_iso[:10])
    bodies = council_data.bodies(db)

    entry = next((e for e in site.build.report.get("datasets", []) if package and e["id"] == package["name"]), None)
    source = {
        "health": health(entry, package["kommune"]["frequency"], now, package["kommune"].get("modified"))
        if package
        else None,
        "tables": [(r["title"], r.get("kommune", {}).get("rows", 0)) for r in package["resources"]] if package else [],
        "status": package["kommune"]["status"] if package else None,
    }
    _keyed_page(
        site,
        "rat/",
        "council/overview.html",
        common,
        body=bodies[0] if bodies else None,
        committees=committees,
        source=source,
        next_meetings=council_data.next_meetings(db, now_iso),
        decisions=council_data.latest_decisions(db, now_iso),
        paper_count=len(papers),
        findability=council_data.findability(db, now_iso),
        meeting_count=len(meetings),
    )
    _keyed_page(site, "rat/sitzungen/", "council/meetings.html", common, meetings=meetings)
    _keyed_page(site, "rat/vorlagen/", "council/papers.html", common, papers=papers)
    site.write_page("rat/suche", "council/search.html", **common)
    site.write_bytes(
        "rat/suche/index.json",
        json.dumps(council_data.search_index(db, paths), ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    )
    _keyed_page(site, council_terms.PAGE + "/", "council/terms.html", common, terms=council_terms.TERMS)
    persons = council_data.persons(db)
    _keyed_page(site, f"{council_data.SECTION}/personen/", "council/persons.html", common, persons=persons)
    objects: dict[str, list[str]] = {}  # page URL → its files
    for rows, own_files in (
        (meetings, ()),
        (papers, (CONSULTATIONS_FEED, CONSULTATIONS_CALENDAR)),
        (committees, ()),
        (persons, ()),
    ):
        for row in rows:
            folder = paths[row["id"]]
            objects["/" + folder] = [folder + name for name in ("index.html", *own_files)]
    if not site.carried_over(OBJECT_PAGES, _object_pages_inputs(site, common, now_iso, now), objects):
        _object_pages(site, common, meetings, papers, committees, persons, now_iso, now)
    _feeds(site, meetings, papers, committees, paths, now)


def _object_pages_inputs(site: SiteContext, common: dict, now_iso: str, now: dt.datetime) -> dict | None:
    """Everything the pages of meetings, papers (with their own feeds), committees and persons
    depend on besides the templates and code (`SiteContext.fingerprint`), without reading each
    page's data: the council tables as published, the page settings and where the clock stands
    among the council's dates (`council_data.clock_position`). None when that cannot be told."""
    tables = site.tables_key([*REQUIRED_TABLES, *OPTIONAL_TABLES])
    clock = council_data.clock_position(site.db, now_iso, now)
    if tables is None or clock is None:
        return None
    return {"tables": tables, "clock": clock, "common": {k: v for k, v in common.items() if k != "paths"}}


def _object_pages(
    site: SiteContext,
    common: dict,
    meetings: list[dict],
    papers: list[dict],
    committees: list[dict],
    persons: list[dict],
    now_iso: str,
    now: dt.datetime,
) -> None:
    """The page of every meeting, paper (with its own feeds), committee and person, each
    rendered only when its own inputs changed (`_keyed_page`)."""
    db = site.db
    paths = common["paths"]
    for meeting in meetings:
        page = council_data.meeting_page(db, meeting["id"])
        _keyed_page(site, paths[meeting["id"]], "council/meeting.html", common, **page)
    base_url = str(site.portal["site"]["base_url"])
    agenda = council_data.agenda_names(db)
    for paper in papers:
        page = council_data.paper_page(db, paper["id"])
        summary = council_terms.paper_summary(page["paper"], page["consultations"], now_iso)
        feeds = _paper_feed_inputs(site, page, agenda, now)
        folder = paths[paper["id"]]
        if _keyed_page(
            site,
            folder,
            "council/paper.html",
            common,
            own_files=[folder + CONSULTATIONS_FEED, folder + CONSULTATIONS_CALENDAR],
            feeds=feeds,
            summary=summary,
            **page,
        ):
            _paper_feeds(site, page, feeds, paths, base_url)
    for organization in committees:
        page = council_data.committee_page(db, organization["id"], now_iso)
        _keyed_page(site, paths[organization["id"]], "council/committee.html", common, **page)
    for person in persons:
        page = council_data.person_page(db, person["id"], now_iso)
        _keyed_page(site, paths[person["id"]], "council/person.html", common, **page)


def _keyed_page(
    site: SiteContext, url_path: str, template: str, common: dict, own_files: tuple | list = (), **context
) -> bool:
    """Render a page (and say so) unless the previous release rendered it, and the `own_files`
    that go with it, from the same inputs (`common` without the page addresses, whose lookups
    count instead, and `context`); then they are linked from there."""
    inputs = {"template": template, **{key: value for key, value in common.items() if key != "paths"}, **context}
    if site.unchanged("/" + url_path, [url_path + "index.html", *own_files], inputs, common["paths"]):
        return False
    context.pop("feeds", None)  # the page's own files' inputs, not the page's
    site.write_page(url_path, template, **context, **common)
    return True


def _paper_feed_inputs(site: SiteContext, page: dict, agenda: dict[str, list[str]], now: dt.datetime) -> dict:
    """What a paper's own feeds are made of beyond the page: its meetings, which of them are
    still to come (the clock moves) and those meetings' agenda."""
    meetings = council_data.meetings_with_ids(site.db, (c["meeting"] for c in page["consultations"] if c["meeting"]))
    coming = council_feeds.upcoming(meetings, now)
    return {"upcoming": coming, "agenda": {m["id"]: agenda[m["id"]] for m in coming if m["id"] in agenda}}


def _paper_feeds(site: SiteContext, page: dict, feeds: dict, paths: dict[str, str], base_url: str) -> None:
    """Follow one paper: its consultations and their results (Atom) and the dates of its
    coming consultations (iCalendar)."""
    paper = page["paper"]
    folder = paths[paper["id"]]
    feed = folder + CONSULTATIONS_FEED
    site.write_bytes(feed, council_feeds.consultations_atom(paper, page["consultations"], base_url, "/" + feed, paths))
    title = " – ".join(part for part in (paper.get("reference"), paper.get("name")) if part)
    site.write_bytes(
        folder + CONSULTATIONS_CALENDAR,
        council_feeds.meetings_calendar(feeds["upcoming"], f"Beratungen: {title}", base_url, paths, feeds["agenda"]),
    )


def _publish_documents(site: SiteContext, dataset_id: str) -> None:
    """Documents bundled with a recorded system (the demo) are served beside the dataset's
    downloads, where the pipeline pointed their links."""
    folder = site.build.dataset_dir(dataset_id) / DOCUMENTS_DIR
    if folder.is_dir():
        for document in sorted(folder.iterdir()):
            if document.is_file():
                site.publish_file(document, f"datensaetze/{dataset_id}/{DOCUMENTS_DIR}/{document.name}")


def _feeds(
    site: SiteContext,
    meetings: list[dict],
    papers: list[dict],
    committees: list[dict],
    paths: dict[str, str],
    now: dt.datetime,
) -> None:
    base_url = str(site.portal["site"]["base_url"])
    town = site.portal["publisher"]["name"]
    db = site.db
    agenda = council_data.agenda_names(db)
    site.write_bytes(
        ALL_MEETINGS_CALENDAR,
        council_feeds.meetings_calendar(
            council_feeds.upcoming(meetings, now), f"Sitzungen – {town}", base_url, paths, agenda
        ),
    )
    for organization in committees:
        held = council_data.meetings(db, organization["id"])
        if not held:
            continue  # a faction or group that never meets offers no (always empty) calendar
        own = council_feeds.upcoming(held, now)
        site.write_bytes(
            paths[organization["id"]] + "sitzungen.ics",
            council_feeds.meetings_calendar(own, f"{organization['name']} – Sitzungen", base_url, paths, agenda),
        )
    for organization in committees:
        own_papers = council_data.committee_papers(db, organization["id"], FEED_PAPERS)
        feed = paths[organization["id"]] + OWN_PAPERS_FEED
        site.write_bytes(
            feed,
            council_feeds.papers_atom(
                own_papers,
                f"{organization['name']} – neue Vorlagen",
                base_url,
                "/" + feed,
                paths,
                updated=council_feeds.newest_modified(own_papers),
            ),
        )
    newest = papers[:FEED_PAPERS]
    updated = council_feeds.newest_modified(newest, default=now)
    site.write_bytes(
        PAPERS_FEED,
        council_feeds.papers_atom(newest, f"Neue Vorlagen – {town}", base_url, PAPERS_FEED, paths, updated=updated),
    )
