"""What the council dataset promises around a harvest, through the real build against a real
OParl server on 127.0.0.1 (tests/oparl_server.py) with the quirks of real systems switched on:
deletions in every form, complete or not at all, unchanged means unchanged, decisions without
`authoritative`, coverage from the data, data-quality findings and source health."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from contracts.build_folder import VERSIONS_DIR, VERSIONS_FILE
from contracts.history import CHANGES_FILE
from kommune import portal
from pipelines.kinds import oparl as oparl_kind
from pipelines.oparl.carry import ended_memberships, source_key
from pipelines.oparl.harvester import STORE_FILE
from pipelines.oparl.store import ObjectStore
from publish.database import open_readonly

# the fixtures `server` and `no_waiting` come from tests/pipelines/kinds/conftest.py
from tests.pipelines.kinds.test_oparl import add_rat, report_of


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def count(out, table: str, where: str = "1", *params) -> int:
    db = open_readonly(out / "portal.db")
    try:
        return db.execute(f"select count(*) from {table} where {where}", params).fetchone()[0]
    finally:
        db.close()


def fingerprint(folder) -> dict[str, tuple[int, int, str]]:
    """(inode, modification time, sha256) of every file below `folder`."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def page(out, path: str) -> str:
    return (out / "site" / path / "index.html").read_text(encoding="utf-8")


def test_a_deletion_marker_without_type_removes_the_meeting_its_agenda_and_its_page(portal_dir, server):
    add_rat(portal_dir, server.system_url)
    portal.build(portal_dir.root, portal_dir.out)
    meeting = next(m for m in server.recording.lists["meetings"] if len(m.get("agendaItem", [])) >= 3)
    items = [item["id"] for item in meeting["agendaItem"]]
    meeting_id = server.url(meeting["id"]) if "127.0.0.1" not in meeting["id"] else meeting["id"]
    assert count(portal_dir.out, "oparl_agenda_item", "meeting = ?", meeting_id) > 0
    slug = meeting_id.rsplit("/", 1)[1]
    assert (portal_dir.out / "site" / "rat" / "sitzungen" / slug / "index.html").exists()

    server.recording.delete("meetings", meeting_id, now(), with_type=False)
    report = portal.build(portal_dir.root, portal_dir.out)

    assert report.datasets[0].status == "ok"
    assert count(portal_dir.out, "oparl_meeting", "id = ?", meeting_id) == 0
    assert count(portal_dir.out, "oparl_agenda_item", "meeting = ?", meeting_id) == 0
    assert not any(count(portal_dir.out, "oparl_agenda_item", "id = ?", item) for item in items)
    assert not (portal_dir.out / "site" / "rat" / "sitzungen" / slug / "index.html").exists()
    entry = report_of(portal_dir.out)
    assert entry["deletions"]["Meeting"] == {"count": 1, "examples": [meeting_id]}
    assert entry["deletions"]["AgendaItem"]["count"] >= 3
    assert not entry["warnings"], "a deletion marker is no invalid object"
    assert "Gelöscht, weil die Quelle sie gelöscht hat" in page(portal_dir.out, "bericht")


def test_a_page_failing_mid_full_harvest_publishes_nothing_then_keeps_the_last_good_version(
    portal_dir, server, no_waiting
):
    add_rat(portal_dir, server.system_url)
    server.fail("/papers?page=3", 503, times=-1)
    first = portal.build(portal_dir.root, portal_dir.out)
    assert first.datasets[0].status == "failed"
    issue = first.datasets[0].issues[0]
    assert "/papers?page=3" in issue.file and "503" in issue.message
    assert not (portal_dir.out / "datasets" / "rat" / "oparl_paper.csv").exists()

    server.faults.clear()
    assert portal.build(portal_dir.root, portal_dir.out).datasets[0].status == "ok"
    papers = count(portal_dir.out, "oparl_paper")
    assert papers == len(server.recording.lists["papers"])
    good_csv = (portal_dir.out / "datasets" / "rat" / "oparl_paper.csv").read_bytes()

    # a full walk again (a list's state lost) that breaks off: the complete release stays
    changed = dict(server.recording.lists["papers"][0], name="Neu", modified=now().isoformat())
    server.recording.upsert("papers", changed)
    server.fail("/papers?page=2", 404, times=-1)
    state = portal_dir.root / ".build-state" / "datasets" / "rat" / "oparl"
    for saved in state.glob(f"*/{STORE_FILE}"):
        store = ObjectStore(saved)
        lists = json.loads(store.read_meta("state") or "{}")
        lists["lists"] = {url: since for url, since in lists["lists"].items() if not url.endswith("/papers")}
        store.write_meta("state", json.dumps(lists))
        store.commit()
        store.close()
    third = portal.build(portal_dir.root, portal_dir.out)
    assert third.datasets[0].status == "stale"
    assert count(portal_dir.out, "oparl_paper") == papers
    assert (portal_dir.out / "datasets" / "rat" / "oparl_paper.csv").read_bytes() == good_csv
    package = json.loads((portal_dir.out / "datasets" / "rat" / "datapackage.json").read_text())
    assert package["kommune"]["status"] == "stale" and "/papers?page=2" in package["kommune"]["stale_reason"]
    assert "veraltet" in page(portal_dir.out, "datensaetze/rat")
    assert "/papers?page=2" in page(portal_dir.out, "bericht")


def test_a_page_failing_mid_incremental_harvest_keeps_the_state_and_the_next_run_resumes(
    portal_dir, server, no_waiting
):
    add_rat(portal_dir, server.system_url)
    portal.build(portal_dir.root, portal_dir.out)
    renamed = []
    for paper in server.recording.lists["papers"][:30]:  # two pages of changes
        server.recording.upsert("papers", dict(paper, name=f"Geändert: {paper['name']}", modified=now().isoformat()))
        renamed.append(paper["id"])
    server.fail("page=2", 503, times=-1)
    failed = portal.build(portal_dir.root, portal_dir.out)
    assert failed.datasets[0].status == "stale"
    assert "modified_since" in failed.datasets[0].issues[0].file
    assert count(portal_dir.out, "oparl_paper", "name like 'Geändert:%'") == 0  # nothing half-published

    server.faults.clear()
    server.requests.clear()
    healed = portal.build(portal_dir.root, portal_dir.out)
    assert healed.datasets[0].status == "ok"
    assert count(portal_dir.out, "oparl_paper", "name like 'Geändert:%'") == len(renamed)
    # resumed, not started over: every list is asked only for changes
    lists = [p for p in server.requests if "/body/1/" in p and "page=" not in p]
    assert lists and all("modified_since=" in p for p in lists)


def test_fewer_objects_than_total_elements_announces_fail_the_dataset(portal_dir, server):
    add_rat(portal_dir, server.system_url)
    server.overstate("/organizations", 3)
    report = portal.build(portal_dir.root, portal_dir.out)
    assert report.datasets[0].status == "failed"
    (issue,) = [i for i in report.datasets[0].issues if i.type == "oparl-count"]
    assert issue.file.endswith("/organizations") and "totalElements" in issue.message


def test_an_unchanged_source_rewrites_nothing_and_one_changed_paper_only_its_tables(portal_dir, server):
    add_rat(portal_dir, server.system_url)
    portal.build(portal_dir.root, portal_dir.out)
    dataset = portal_dir.out.resolve() / "datasets" / "rat"
    before = fingerprint(dataset)
    pages = fingerprint(portal_dir.out.resolve() / "site")
    database = fingerprint_of(portal_dir.out.resolve() / "portal.db")
    catalogue = fingerprint_of(portal_dir.out.resolve() / "catalog.ttl")

    second = portal.build(portal_dir.root, portal_dir.out)
    assert second.datasets[0].status == "unchanged"
    assert fingerprint(portal_dir.out.resolve() / "datasets" / "rat") == before
    assert fingerprint_of(portal_dir.out.resolve() / "portal.db") == database
    assert fingerprint_of(portal_dir.out.resolve() / "catalog.ttl") == catalogue
    assert "built" not in json.loads((dataset / "datapackage.json").read_text())["kommune"]
    # the site is rendered again (it shows the time since the last harvest and this run's
    # report), but every page that comes out the same is the previous file, not a new one
    pages_again = fingerprint(portal_dir.out.resolve() / "site")
    rewritten_pages = {name for name in pages_again if pages_again[name] != pages.get(name)}
    assert not {
        name for name in rewritten_pages if name.startswith(("datensaetze/rat/", "rat/sitzungen/", "rat/vorlagen/"))
    }
    assert len(rewritten_pages) < len(pages) / 10

    paper = dict(server.recording.lists["papers"][4], name="Neuer Titel", modified=now().isoformat())
    server.recording.upsert("papers", paper)
    third = portal.build(portal_dir.root, portal_dir.out)
    assert third.datasets[0].status == "ok"
    after = fingerprint(portal_dir.out.resolve() / "datasets" / "rat")
    rewritten = sorted(name for name in after if after[name] != before.get(name))
    # the new version's log and change list, and version 1 kept whole (links into the history store)
    history = [name for name in rewritten if name == VERSIONS_FILE or name.startswith(f"{VERSIONS_DIR}/")]
    assert {VERSIONS_FILE, f"{VERSIONS_DIR}/2/{CHANGES_FILE}", f"{VERSIONS_DIR}/1/oparl_paper.csv.gz"} <= set(history)
    # the table and its copies for spreadsheet users (German CSV, XLSX)
    assert [name for name in rewritten if name not in history] == [
        "datapackage.json",
        "oparl_paper.csv",
        "oparl_paper.de.csv",
        "oparl_paper.json",
        "oparl_paper.xlsx",
    ]


def fingerprint_of(path) -> tuple[int, int, str]:
    return path.stat().st_ino, path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


def test_quirks_of_real_systems_are_repaired_and_reported(portal_dir, server):
    assert server.drop_authoritative() > 0
    swapped = server.swap_coordinates()
    key = server.ags_as_number()
    assert key == "5978040"
    add_rat(portal_dir, server.system_url)
    report = portal.build(portal_dir.root, portal_dir.out)
    assert report.datasets[0].status == "ok"

    db = open_readonly(portal_dir.out / "portal.db")
    assert db.execute("select ags from oparl_body").fetchone()[0] == "05978040"
    lon, lat = db.execute("select longitude, latitude from oparl_location where id = ?", (swapped[0],)).fetchone()
    assert 5.5 < lon < 15.5 and 47 < lat < 55.5
    results = db.execute("select count(*) from oparl_agenda_item where result is not null").fetchone()[0]
    assert (
        results
        and db.execute("select count(*) from oparl_consultation where authoritative is not null").fetchone()[0] == 0
    )

    findings = {
        f["type"]: f for f in json.loads((portal_dir.out / "datasets" / "rat" / "report.json").read_text())["quality"]
    }
    # the demo's body location is written [lat, lon] already
    assert findings["swapped-coordinates"]["count"] == len(swapped) + 1
    assert set(swapped) < set(findings["swapped-coordinates"]["examples"])
    assert findings["municipality-key"]["examples"] == [f"{server.recording.body['id']} (5978040 → 05978040)"]
    assert report_of(portal_dir.out)["quality"] == list(findings.values())

    overview = page(portal_dir.out, "rat")
    assert "Noch keine Beschlüsse" not in overview
    newest = db.execute(
        "select a.name, a.result from oparl_agenda_item a join oparl_meeting m on m.id = a.meeting "
        "where a.result is not null and m.start < ? order by m.start desc, a.sort_order limit 1",
        (now().astimezone().isoformat(timespec="seconds"),),
    ).fetchone()
    decisions = overview.split("Neueste Beschlüsse")[1].split("<h2>")[0]
    first = decisions.split("<li>")[1]
    assert newest[0] in first and f"<em>{newest[1]}</em>" in first
    for where in (page(portal_dir.out, "datensaetze/rat"), page(portal_dir.out, "bericht")):
        assert "für die Karte getauscht" in where and "auf acht Stellen ergänzt" in where


def test_coverage_comes_from_the_data_and_the_source_health_is_shown(portal_dir, server):
    add_rat(portal_dir, server.system_url)
    portal.build(portal_dir.root, portal_dir.out)
    db = open_readonly(portal_dir.out / "portal.db")
    first = min(
        db.execute("select min(substr(start, 1, 10)) from oparl_meeting").fetchone()[0],
        db.execute("select min(date) from oparl_paper").fetchone()[0],
    )
    last = max(
        db.execute("select max(substr(start, 1, 10)) from oparl_meeting").fetchone()[0],
        db.execute("select max(date) from oparl_paper").fetchone()[0],
    )
    temporal = json.loads((portal_dir.out / "datasets" / "rat" / "datapackage.json").read_text())["kommune"]["temporal"]
    assert temporal == {"start": first, "end": last, "source": "data"}
    catalogue = (portal_dir.out / "catalog.ttl").read_text(encoding="utf-8")
    assert f'"{first}"^^xsd:date' in catalogue and f'"{last}"^^xsd:date' in catalogue

    overview = page(portal_dir.out, "rat")
    assert "zuletzt vollständig und erfolgreich abgerufen" in overview and "gerade eben" in overview
    assert "veraltet" not in overview and "überfällig" not in overview
    papers = db.execute("select count(*) from oparl_paper").fetchone()[0]
    assert "Vorlagen" in overview and f": {papers}</li>" in overview
    assert report_of(portal_dir.out)["harvest"]["objects"]["Paper"] == papers
    assert f"Paper {papers}" in page(portal_dir.out, "bericht")

    # a report whose last success lies 40 days back: a monthly dataset is overdue
    report_path = portal_dir.out / "build-report.json"
    saved = json.loads(report_path.read_text())
    saved["datasets"][0]["last_success"] = (now() - dt.timedelta(days=40, hours=1)).isoformat()
    from publish.build_folder import BuildFolder
    from publish.site import render_site

    report_path.unlink()  # the release's file may be shared with others by hard link
    report_path.write_text(json.dumps(saved))
    render_site(BuildFolder(portal_dir.out.resolve()))
    assert "vor 40 Tagen" in page(portal_dir.out, "rat") and "überfällig" in page(portal_dir.out, "rat")
    assert "überfällig" in page(portal_dir.out, "bericht")


def test_a_source_that_sent_nothing_new_is_carried_over_without_building_a_table(portal_dir, server, monkeypatch):
    """The tables are not built again (a spy counts `build_tables`) when the harvest changed no
    object; the first change after that builds them again."""
    add_rat(portal_dir, server.system_url)
    portal.build(portal_dir.root, portal_dir.out)
    built = []
    real_build_tables = oparl_kind.build_tables
    monkeypatch.setattr(oparl_kind, "build_tables", lambda *a, **k: built.append(1) or real_build_tables(*a, **k))

    second = portal.build(portal_dir.root, portal_dir.out)
    assert second.datasets[0].status == "unchanged" and built == []
    assert report_of(portal_dir.out)["harvest"]["objects_changed"] == 0
    package = json.loads((portal_dir.out / "datasets" / "rat" / "datapackage.json").read_text())
    assert package["kommune"]["content_hash"]

    paper = dict(server.recording.lists["papers"][2], name="Geänderter Titel", modified=now().isoformat())
    server.recording.upsert("papers", paper)
    third = portal.build(portal_dir.root, portal_dir.out)
    assert third.datasets[0].status == "ok" and built == [1]
    assert report_of(portal_dir.out)["harvest"]["objects_changed"] >= 1
    assert count(portal_dir.out, "oparl_paper", "name = ?", "Geänderter Titel") == 1


def test_documents_left_for_the_next_run_are_read_then_not_skipped(portal_dir, server):
    """A download cap leaves texts for the next run: that run must not carry the version over."""
    add_rat(portal_dir, server.system_url, ", documents: {max_downloads_per_run: 3}")
    portal.build(portal_dir.root, portal_dir.out)
    first = count(portal_dir.out, "oparl_file", "text_source = ?", "PDF-Textebene")
    package = json.loads((portal_dir.out / "datasets" / "rat" / "datapackage.json").read_text())
    assert 0 < first <= 3 and not package["kommune"].get("content_hash")
    second = portal.build(portal_dir.root, portal_dir.out)
    assert second.datasets[0].status == "ok"
    assert count(portal_dir.out, "oparl_file", "text_source = ?", "PDF-Textebene") > first


def test_the_content_hash_follows_the_store_the_declaration_and_ended_memberships():
    store = ObjectStore()
    store.put("Membership", {"id": "https://ris/m1", "endDate": "2026-12-31"}, None)
    store.commit()

    def key(inputs_hash: str, day: dt.date) -> str:
        return source_key(inputs_hash, store, ended_memberships(store, day))

    before = key("a", dt.date(2026, 12, 31))
    assert key("a", dt.date(2026, 12, 31)) == before
    assert key("a", dt.date(2027, 1, 1)) != before  # the membership has ended
    assert key("b", dt.date(2026, 12, 31)) != before
    store.put("Membership", {"id": "https://ris/m2"}, None)
    store.commit()
    assert key("a", dt.date(2026, 12, 31)) != before


def published_warnings(dataset) -> list[dict]:
    return json.loads((dataset / "report.json").read_text())["warnings"]


def test_tables_whose_objects_did_not_change_are_linked_with_their_warnings_not_written(portal_dir, server):
    """After one changed paper only the papers' table is written; the others are the last good
    version's files, and a refused link in a carried table is still reported."""
    meeting = server.recording.lists["meetings"][0]
    server.recording.upsert("meetings", dict(meeting, web="javascript:alert(1)", modified=now().isoformat()))
    add_rat(portal_dir, server.system_url)
    portal.build(portal_dir.root, portal_dir.out)
    dataset = portal_dir.out.resolve() / "datasets" / "rat"
    meetings_csv = (dataset / "oparl_meeting.csv").stat().st_ino
    assert any(w["type"] == "unsafe-url" for w in published_warnings(dataset))

    paper = dict(server.recording.lists["papers"][3], name="Geänderter Titel", modified=now().isoformat())
    server.recording.upsert("papers", paper)
    (dataset / "oparl_location.json").unlink()  # a file of the last good version lost: written anew
    report = portal.build(portal_dir.root, portal_dir.out)
    assert report.datasets[0].status == "ok"
    entry = report_of(portal_dir.out)
    carried = set(entry["tables_carried_over"])
    assert "oparl_paper" not in carried and "oparl_location" not in carried
    assert {"oparl_meeting", "oparl_file", "oparl_agenda_item", "oparl_person"} <= carried
    dataset = portal_dir.out.resolve() / "datasets" / "rat"  # the new release
    assert (dataset / "oparl_meeting.csv").stat().st_ino == meetings_csv
    refused = [w for w in published_warnings(dataset) if w["type"] == "unsafe-url"]
    assert refused and refused[0]["file"] == meeting["id"]
    assert any(meeting["id"] in w and "Link entfernt" in w for w in entry["warnings"])
    assert (dataset / "oparl_location.json").exists()
    assert count(portal_dir.out, "oparl_paper", "name = ?", "Geänderter Titel") == 1
