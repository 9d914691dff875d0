"""Council pages cost what changed: a rebuild renders only the pages whose inputs changed.

On a copy of the demo release (real portal.db, real templates), the site is rendered again with
an earlier rendering as the previous release. Unchanged, the pages of meetings, papers,
committees and persons are carried over as a whole (`SiteContext.carried_over`): linked without
reading their data, and the site is the one a full render gives. After one paper changed in
portal.db, its page and the pages listing it are rendered (the meeting that consults it too)
while other papers' pages are not; a deleted paper's page is gone. When the clock passes a
meeting's start or a membership's end, or a file of the previous release is missing, the pages
are compared one by one again.

A table is changed in portal.db and in its package's resource hash, as a build does when a
table's file changes (portal.db is loaded from those files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.site import council_data, render_site
from publish.site.council import OBJECT_PAGES
from publish.site.council_data import page_paths
from publish.site.council_feeds import parse_time
from publish.site.council_terms import PAGE as TERMS_PAGE

HOUR = dt.timedelta(hours=1)


def _consulted_meeting(release: Path) -> tuple[str, str, dt.datetime]:
    """A paper, a meeting that consults it, and that meeting's start."""
    db = open_readonly(release / "portal.db")
    try:
        row = db.execute(
            "select c.paper, c.meeting, m.start from oparl_consultation c join oparl_meeting m on m.id = c.meeting "
            "where not m.cancelled order by m.start, c.paper limit 1"
        ).fetchone()
        start = parse_time(row[2])
        assert start is not None
        return row[0], row[1], start
    finally:
        db.close()


@pytest.fixture(scope="module")
def before_meeting(demo_build, tmp_path_factory):
    """A copy of the demo release rendered an hour before a meeting that consults a paper:
    (the release, its clock)."""
    release = tmp_path_factory.mktemp("before") / "release"
    shutil.copytree(demo_build.resolve(), release)
    now = _consulted_meeting(release)[2] - HOUR
    render_site(BuildFolder(release), previous=demo_build.resolve(), now=now)
    return release, now


@pytest.fixture
def release_copy(before_meeting, tmp_path):
    previous, now = before_meeting
    copy = tmp_path / "release"
    shutil.copytree(previous, copy)
    return previous, copy


@pytest.fixture
def page_data_reads(monkeypatch):
    """How often the per-page data functions are called (they still run)."""
    calls = {"count": 0}
    for name in ("meeting_page", "paper_page", "committee_page", "person_page"):
        original = getattr(council_data, name)

        def counted(*args, _original=original, **kwargs):
            calls["count"] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(council_data, name, counted)
    return calls


def _paths(release):
    db = open_readonly(release / "portal.db")
    try:
        return page_paths(db)
    finally:
        db.close()


def _change(release, sql: str, *params, tables: tuple[str, ...] = ()) -> None:
    with sqlite3.connect(release / "portal.db") as db:
        db.execute(sql, params)
    for path in (release / "datasets").glob("*/datapackage.json"):
        package = json.loads(path.read_text(encoding="utf-8"))
        for resource in package["resources"]:
            if resource["name"] in tables:
                resource["hash"] = "sha256:" + hashlib.sha256((resource["hash"] + sql).encode()).hexdigest()
        path.write_text(json.dumps(package), encoding="utf-8")


def _paper_and_meeting(release) -> tuple[str, str]:
    db = open_readonly(release / "portal.db")
    try:
        row = db.execute(
            "select paper, meeting from oparl_consultation where meeting is not null order by paper limit 1"
        ).fetchone()
        return row[0], row[1]
    finally:
        db.close()


def _files(site_dir: Path) -> dict[str, bytes]:
    """The council section's files (other sections number their charts per process, so two
    renders in one process differ there)."""
    return {
        path.relative_to(site_dir).as_posix(): path.read_bytes()
        for path in (site_dir / "rat").rglob("*")
        if path.is_file()
    }


def _full_render(release: Path, tmp_path: Path, now: dt.datetime) -> dict[str, bytes]:
    """The files of the same release rendered without a previous one."""
    copy = tmp_path / "full"
    shutil.copytree(release, copy)
    render_site(BuildFolder(copy), now=now)
    return _files(copy / "site")


def test_an_unchanged_rebuild_carries_the_object_pages_over_without_reading_them(
    release_copy, before_meeting, page_data_reads, tmp_path
):
    previous, release = release_copy
    now = before_meeting[1]
    site = render_site(BuildFolder(release), previous=previous, now=now)
    assert site.carried_sections == {OBJECT_PAGES}
    assert page_data_reads["count"] == 0
    object_pages = {"/" + path for path in _paths(release).values()}
    assert object_pages and object_pages <= site.reused
    for listing in ("/rat/sitzungen/", "/rat/vorlagen/", "/rat/personen/", f"/{TERMS_PAGE}/"):
        assert listing in site.reused
    paper_page = next(path for path in object_pages if "/vorlagen/" in path)
    for name in ("index.html", "beratungen.atom", "beratungen.ics"):
        linked, old = release / "site" / paper_page.strip("/") / name, previous / "site" / paper_page.strip("/") / name
        assert linked.stat().st_ino == old.stat().st_ino
    # the per-page keys stay recorded, for a build after this one whose tables changed
    recorded = json.loads((release / "site-inputs.json").read_text(encoding="utf-8"))
    assert recorded == json.loads((previous / "site-inputs.json").read_text(encoding="utf-8"))
    assert _files(release / "site") == _full_render(release, tmp_path, now)


def test_a_changed_paper_renders_its_page_and_the_lists_that_show_it_again(release_copy, before_meeting):
    previous, release = release_copy
    paper, meeting = _paper_and_meeting(release)
    _change(
        release,
        "update oparl_paper set name = ? where id = ?",
        "Neu benannte Vorlage zum Stadtpark",
        paper,
        tables=("oparl_paper",),
    )
    site = render_site(BuildFolder(release), previous=previous, now=before_meeting[1])
    assert site.carried_sections == set()
    paths = _paths(release)
    rendered = {"/" + paths[paper], "/" + paths[meeting], "/rat/vorlagen/"}
    assert not rendered & site.reused
    for url in rendered - {"/" + paths[meeting]}:  # a meeting's agenda shows the item's own name
        html = (release / "site" / url.strip("/") / "index.html").read_text(encoding="utf-8")
        assert "Neu benannte Vorlage zum Stadtpark" in html, url
    feed = (release / "site" / paths[paper] / "beratungen.ics").read_text(encoding="utf-8")
    assert "Neu benannte Vorlage zum Stadtpark" in feed.replace("\r\n ", "")
    others = {"/" + path for key, path in paths.items() if "/vorlagen/" in path and key != paper}
    assert others and others <= site.reused


def test_a_deleted_paper_loses_its_page_and_the_pages_that_linked_it_are_rendered(release_copy, before_meeting):
    previous, release = release_copy
    paper, meeting = _paper_and_meeting(release)
    old_path = _paths(release)[paper]
    _change(release, "pragma foreign_keys = off")
    _change(release, "delete from oparl_consultation where paper = ?", paper, tables=("oparl_consultation",))
    _change(release, "update oparl_agenda_item set paper = null where paper = ?", paper, tables=("oparl_agenda_item",))
    _change(release, "delete from oparl_file where paper = ?", paper, tables=("oparl_file",))
    _change(release, "delete from oparl_paper where id = ?", paper, tables=("oparl_paper",))
    site = render_site(BuildFolder(release), previous=previous, now=before_meeting[1])
    assert not (release / "site" / old_path).exists()
    assert (previous / "site" / old_path / "index.html").exists()
    assert "/" + _paths(release)[meeting] not in site.reused
    assert "/" + old_path not in site.reused


def test_the_clock_passing_a_meeting_renders_the_pages_that_show_it(release_copy, page_data_reads, tmp_path):
    previous, release = release_copy
    paper, meeting, start = _consulted_meeting(release)
    later = start + HOUR
    site = render_site(BuildFolder(release), previous=previous, now=later)
    assert site.carried_sections == set()
    assert page_data_reads["count"] > 0
    paper_folder = _paths(release)[paper]
    assert "/" + paper_folder not in site.reused  # "Als Nächstes" became "Zuletzt"
    for name in ("index.html", "beratungen.ics"):
        assert (release / "site" / paper_folder / name).read_bytes() != (
            previous / "site" / paper_folder / name
        ).read_bytes()

    def calendar(site_dir: Path) -> str:
        return (site_dir / paper_folder / "beratungen.ics").read_text(encoding="utf-8").replace("\r\n ", "")

    assert meeting in calendar(previous / "site")
    assert meeting not in calendar(release / "site")
    assert _files(release / "site") == _full_render(release, tmp_path, later)


def _with_membership_ending(release: Path, end: str) -> tuple[str, str]:
    """Let one membership (its person's only one in that organization) end on `end`: the
    organization's and the person's page addresses."""
    db = open_readonly(release / "portal.db")
    try:
        membership, person, organization = db.execute(
            "select min(id), person, organization from oparl_membership group by person, organization "
            "having count(*) = 1 order by person, organization limit 1"
        ).fetchone()
    finally:
        db.close()
    _change(
        release, "update oparl_membership set end_date = ? where id = ?", end, membership, tables=("oparl_membership",)
    )
    paths = _paths(release)
    return paths[organization], paths[person]


def test_a_membership_ending_renders_the_pages_that_show_it(demo_build, tmp_path):
    """A person's page and a committee's page both compare a membership's end with the site's
    day (one clock: they cannot disagree around midnight); the day passing the end renders both
    pages, which then show the membership as ended."""
    ended = "2030-06-15"
    first = tmp_path / "first"
    shutil.copytree(demo_build.resolve(), first)
    committee, person = _with_membership_ending(first, ended)
    noon = dt.datetime(2030, 6, 15, 10, tzinfo=dt.UTC)
    render_site(BuildFolder(first), previous=demo_build.resolve(), now=noon)

    def page(release: Path, folder: str) -> str:
        return (release / "site" / folder / "index.html").read_text(encoding="utf-8")

    assert "Frühere Mitgliedschaften" not in page(first, person)
    assert "bis 15.06.2030" not in page(first, committee)

    next_day = tmp_path / "next-day"
    shutil.copytree(first, next_day)
    site = render_site(BuildFolder(next_day), previous=first, now=noon + dt.timedelta(days=1))
    assert site.carried_sections == set()
    assert "/" + person not in site.reused and "/" + committee not in site.reused
    assert "Frühere Mitgliedschaften" in page(next_day, person)
    assert "bis 15.06.2030" in page(next_day, committee)


def test_a_file_missing_in_the_previous_release_renders_the_pages_one_by_one(before_meeting, tmp_path):
    release, now = before_meeting
    damaged = tmp_path / "damaged"
    shutil.copytree(release, damaged)
    paper_folder = next(path for path in _paths(damaged).values() if "/vorlagen/" in path)
    (damaged / "site" / paper_folder / "beratungen.ics").unlink()
    damaged_files = _files(damaged / "site")
    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(release, rebuilt)
    site = render_site(BuildFolder(rebuilt), previous=damaged, now=now)
    assert site.carried_sections == set()
    assert "/" + paper_folder not in site.reused
    assert _files(rebuilt / "site") == _files(release / "site")
    assert sorted(p.relative_to(rebuilt) for p in (rebuilt / "site").rglob("*")) == sorted(
        p.relative_to(release) for p in (release / "site").rglob("*")
    )
    assert _files(damaged / "site") == damaged_files  # nothing was written through a link
