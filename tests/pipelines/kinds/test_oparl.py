"""The oparl kind through the real build: a real OParl server on 127.0.0.1, incremental
builds, warnings for broken objects, failure and stale carry-over for an unreachable system."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from kommune import portal
from pipelines.declarations import load_portal
from pipelines.errors import ConfigError
from publish.database import open_readonly
from tests.conftest import dataset_yaml

OPARL_TABLES = {
    "oparl_body",
    "oparl_organization",
    "oparl_person",
    "oparl_membership",
    "oparl_meeting",
    "oparl_agenda_item",
    "oparl_paper",
    "oparl_consultation",
    "oparl_file",
    "oparl_location",
    "oparl_legislative_term",
    "oparl_meeting_participant",
}


def add_rat(portal_dir, url: str, extra: str = "") -> None:
    portal_dir.add(
        "rat",
        dataset_yaml(
            f"{{kind: oparl, url: '{url}', requests_per_second: 50, retries: 1{extra}}}", title="Ratsinformationen"
        ),
    )


def report_of(out, dataset_id="rat"):
    return next(d for d in json.loads((out / "build-report.json").read_text())["datasets"] if d["id"] == dataset_id)


def test_harvest_over_http_publishes_every_table_with_foreign_keys(portal_dir, server):
    add_rat(portal_dir, server.system_url)
    report = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in report.datasets] == ["ok"]
    db = open_readonly(portal_dir.out / "portal.db")
    tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    assert tables >= OPARL_TABLES
    assert db.execute("select count(*) from oparl_paper").fetchone()[0] == len(server.recording.lists["papers"])
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert "trigram" in db.execute("select sql from sqlite_master where name = 'oparl_paper_fts'").fetchone()[0]
    hits = db.execute(
        "select name from oparl_paper where rowid in (select rowid from oparl_paper_fts where oparl_paper_fts match ?)",
        ('"strassen"',),
    ).fetchall()
    assert any("Straßen" in row[0] for row in hits)
    package = json.loads((portal_dir.out / "datasets" / "rat" / "datapackage.json").read_text())
    assert package["kommune"]["source"] == {"kind": "oparl", "url": server.system_url}


def test_second_build_asks_only_for_changes(portal_dir, server):
    add_rat(portal_dir, server.system_url)
    portal.build(portal_dir.root, portal_dir.out)
    paper = copy.deepcopy(server.recording.lists["papers"][5])
    paper["name"] = "Neu: Sperrmüllabfuhr an Feiertagen"
    paper["modified"] = dt.datetime.now(dt.UTC).isoformat()
    server.recording.upsert("papers", paper)
    server.requests.clear()
    portal.build(portal_dir.root, portal_dir.out)
    assert all("modified_since=" in p for p in server.requests if "/body/1/" in p)
    db = open_readonly(portal_dir.out / "portal.db")
    assert db.execute("select name from oparl_paper where id = ?", (paper["id"],)).fetchone()[0] == paper["name"]


def test_an_invalid_object_is_a_warning_naming_its_url_and_the_rest_publishes(portal_dir, server):
    broken = copy.deepcopy(server.recording.lists["meetings"][3])
    broken["start"] = "gestern abend"
    server.recording.upsert("meetings", broken)
    add_rat(portal_dir, server.system_url)
    report = portal.build(portal_dir.root, portal_dir.out)
    assert report.datasets[0].status == "ok"
    assert any(broken["id"] in warning and "start" in warning for warning in report.datasets[0].warnings)
    saved = json.loads((portal_dir.out / "datasets" / "rat" / "report.json").read_text())
    assert [w["file"] for w in saved["warnings"] if w["type"].startswith("oparl-")] == [broken["id"]]
    db = open_readonly(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from oparl_meeting").fetchone()[0] == len(server.recording.lists["meetings"]) - 1


def test_an_unreachable_system_fails_first_and_keeps_the_last_good_version_later(portal_dir, server, no_waiting):
    add_rat(portal_dir, server.system_url)
    server.fail("/system", 503, times=-1)
    first = portal.build(portal_dir.root, portal_dir.out)
    assert first.datasets[0].status == "failed"
    assert server.system_url in first.datasets[0].issues[0].file
    server.faults.clear()
    portal.build(portal_dir.root, portal_dir.out)
    server.fail("/system", 503, times=-1)
    third = portal.build(portal_dir.root, portal_dir.out)
    assert third.datasets[0].status == "stale"
    db = open_readonly(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from oparl_paper").fetchone()[0] > 200


def test_declaration_problems_are_reported_before_any_work(portal_dir):
    portal_dir.add("rat", dataset_yaml("{kind: oparl, url: 'kein-link', recording: ../anderswo, retries: 99}"))
    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    text = str(caught.value)
    assert "source.url" in text and "source.recording" in text and "source.retries" in text


def test_a_declared_recording_must_hold_a_system(portal_dir):
    portal_dir.add("rat", dataset_yaml("{kind: oparl, url: 'https://ris.example/oparl/system', recording: sample}"))
    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    assert "system.json" in str(caught.value)


def test_http_limits_come_from_kommune_http_unless_the_declaration_sets_them():
    from pipelines.http import HttpSettings
    from pipelines.kinds.oparl import Source

    portal_limits = HttpSettings.from_environment(
        {
            "KOMMUNE_HTTP_TIMEOUT": "5",
            "KOMMUNE_HTTP_RETRIES": "0",
            "KOMMUNE_HTTP_MAX_BYTES": "1000",
            "KOMMUNE_HTTP_MIN_INTERVAL": "2",
        }
    )
    plain = Source(kind="oparl", url="https://ris.example/oparl/system").http_settings(portal_limits)
    assert (plain.timeout, plain.retries, plain.max_bytes, plain.min_interval) == (5.0, 0, 1000, 2.0)
    declared = Source(
        kind="oparl", url="https://ris.example/oparl/system", retries=3, timeout_seconds=60, requests_per_second=0.25
    ).http_settings(portal_limits)
    assert (declared.timeout, declared.retries, declared.min_interval) == (60.0, 3, 4.0)
