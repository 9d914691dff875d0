"""Council pages cost what changed: a rebuild renders only the pages whose inputs changed.

On a copy of the demo release (real portal.db, real templates), the site is rendered again with
the demo release as the previous one: unchanged, every per-object page is linked from there
without rendering; after one paper changed in portal.db, its page and the pages listing it are
rendered (the meeting that consults it too) while other papers' pages are not; a deleted paper's page is gone.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.site import render_site
from publish.site.council_data import page_paths
from publish.site.council_terms import PAGE as TERMS_PAGE


@pytest.fixture
def release_copy(demo_build, tmp_path):
    previous = demo_build.resolve()
    copy = tmp_path / "release"
    shutil.copytree(previous, copy)
    return previous, copy


def _paths(release):
    db = open_readonly(release / "portal.db")
    try:
        return page_paths(db)
    finally:
        db.close()


def _change(release, sql: str, *params) -> None:
    with sqlite3.connect(release / "portal.db") as db:
        db.execute(sql, params)


def _paper_and_meeting(release) -> tuple[str, str]:
    db = open_readonly(release / "portal.db")
    try:
        row = db.execute(
            "select paper, meeting from oparl_consultation where meeting is not null order by paper limit 1"
        ).fetchone()
        return row[0], row[1]
    finally:
        db.close()


def test_an_unchanged_rebuild_renders_none_of_the_per_object_pages(release_copy):
    previous, release = release_copy
    site = render_site(BuildFolder(release), previous=previous)
    object_pages = {"/" + path for path in _paths(release).values()}
    assert object_pages and object_pages <= site.reused
    for listing in ("/rat/sitzungen/", "/rat/vorlagen/", "/rat/personen/", f"/{TERMS_PAGE}/"):
        assert listing in site.reused
    paper_page = next(path for path in object_pages if "/vorlagen/" in path)
    for name in ("index.html", "beratungen.atom", "beratungen.ics"):
        linked, old = release / "site" / paper_page.strip("/") / name, previous / "site" / paper_page.strip("/") / name
        assert linked.stat().st_ino == old.stat().st_ino


def test_a_changed_paper_renders_its_page_and_the_lists_that_show_it_again(release_copy):
    previous, release = release_copy
    paper, meeting = _paper_and_meeting(release)
    _change(release, "update oparl_paper set name = ? where id = ?", "Neu benannte Vorlage zum Stadtpark", paper)
    site = render_site(BuildFolder(release), previous=previous)
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


def test_a_deleted_paper_loses_its_page_and_the_pages_that_linked_it_are_rendered(release_copy):
    previous, release = release_copy
    paper, meeting = _paper_and_meeting(release)
    old_path = _paths(release)[paper]
    _change(release, "pragma foreign_keys = off")
    _change(release, "delete from oparl_consultation where paper = ?", paper)
    _change(release, "update oparl_agenda_item set paper = null where paper = ?", paper)
    _change(release, "delete from oparl_file where paper = ?", paper)
    _change(release, "delete from oparl_paper where id = ?", paper)
    site = render_site(BuildFolder(release), previous=previous)
    assert not (release / "site" / old_path).exists()
    assert (previous / "site" / old_path / "index.html").exists()
    assert "/" + _paths(release)[meeting] not in site.reused
    assert "/" + old_path not in site.reused
