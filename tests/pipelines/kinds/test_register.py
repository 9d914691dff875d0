"""The register kind publishes metadata/services.yaml, and rebuilds when it changes."""

from __future__ import annotations

import sqlite3

import yaml

from kommune import portal


def test_register_is_published_one_row_per_service(portal_dir):
    portal_dir.add_demo("leistungsverzeichnis")
    [result] = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok"
    services = yaml.safe_load((portal_dir.root / "metadata" / "services.yaml").read_text(encoding="utf-8"))["services"]
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from leistungsverzeichnis").fetchone() == (len(services),)
    row = db.execute(
        "select reifegrad, eid, online_bezahlung, gebuehr, statistik_zeile from leistungsverzeichnis "
        "where id = 'sperrmuell'"
    ).fetchone()
    assert row == (3, 0, 0, 1, "Sperrmüllabholung")


def test_editing_services_yaml_rebuilds_the_register(portal_dir):
    portal_dir.add_demo("leistungsverzeichnis")
    portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in portal.build(portal_dir.root, portal_dir.out).datasets] == ["unchanged"]
    path = portal_dir.root / "metadata" / "services.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "maturity_level: 3\n    maturity_since: 2023-11-01", "maturity_level: 4\n    maturity_since: 2026-11-01", 1
        ),
        encoding="utf-8",
    )
    assert [d.status for d in portal.build(portal_dir.root, portal_dir.out).datasets] == ["ok"]
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select reifegrad from leistungsverzeichnis where id = 'sperrmuell'").fetchone() == (4,)
