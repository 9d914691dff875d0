"""An unexpected error in one dataset's publish step (portal.db, catalogue, site) fails that
dataset alone, with its previous version kept online and marked stale; never the run
(issue 15, point 5). Real builds through the CLI, real files; the faults are real inputs: a
README.md saved in Windows-1252 (the site reads it as UTF-8) and published files damaged on
disk between two builds."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import GERMAN_SCHEMA, dataset_yaml, run_kommune
from tests.reliability.test_bad_inputs import GOOD, add_good, report_of

SOURCE = dataset_yaml('{kind: csv, path: sample/d.csv, delimiter: ";"}')


def build(portal_dir):
    result = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert "Traceback" not in result.stderr, result.stderr
    return result


def tables(out) -> set[str]:
    with sqlite3.connect(out / "portal.db") as db:
        return {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}


def test_a_dataset_the_site_cannot_render_keeps_its_previous_version_marked_stale(portal_dir):
    folder = portal_dir.add("liste", SOURCE, GERMAN_SCHEMA, {"sample/d.csv": GOOD.encode()})
    add_good(portal_dir)
    build(portal_dir)
    assert {k: v["status"] for k, v in report_of(portal_dir.out).items()} == {"liste": "ok", "gut": "ok"}

    (folder / "sample" / "d.csv").write_text(GOOD + "26.01.2020;7,00;West\n", encoding="utf-8")
    (folder / "README.md").write_bytes("Größe und Maße der Liste.\n".encode("cp1252"))
    (portal_dir.root / "datasets" / "gut" / "sample" / "d.csv").write_text(GOOD + "26.01.2020;7,00;West\n")
    build(portal_dir)
    report = report_of(portal_dir.out)
    assert {k: v["status"] for k, v in report.items()} == {"liste": "stale", "gut": "ok"}
    assert report["liste"]["summary"] == "Veröffentlichen fehlgeschlagen (Website)"
    assert report["liste"]["issues"][0]["type"] == "publish-error"
    assert "UnicodeDecodeError" in report["liste"]["issues"][0]["message"]
    # The previous version is online: its rows, its page (marked stale), its catalogue entry.
    with sqlite3.connect(portal_dir.out / "portal.db") as db:
        assert db.execute("select count(*) from liste").fetchone() == (2,)
        assert db.execute("select status from portal_datasets where id = 'liste'").fetchone() == ("stale",)
    package = json.loads((portal_dir.out / "datasets" / "liste" / "datapackage.json").read_text())
    assert package["kommune"]["status"] == "stale"
    page = (portal_dir.out / "site" / "datensaetze" / "liste" / "index.html").read_text(encoding="utf-8")
    assert "nicht auf dem neuesten Stand" in page and "Veröffentlichen fehlgeschlagen (Website)" in page
    assert "datensaetze/liste/#datensatz" in (portal_dir.out / "catalog.ttl").read_text(encoding="utf-8")
    with sqlite3.connect(portal_dir.out / "portal.db") as db:
        assert db.execute("select count(*) from gut").fetchone() == (3,)  # the other dataset's update is out


def test_a_new_dataset_the_site_cannot_render_fails_alone(portal_dir):
    folder = portal_dir.add("liste", SOURCE, GERMAN_SCHEMA, {"sample/d.csv": GOOD.encode()})
    (folder / "README.md").write_bytes("Größe und Maße der Liste.\n".encode("cp1252"))
    add_good(portal_dir)
    build(portal_dir)
    assert {k: v["status"] for k, v in report_of(portal_dir.out).items()} == {"liste": "failed", "gut": "ok"}
    assert "liste" not in tables(portal_dir.out) and "gut" in tables(portal_dir.out)
    assert (portal_dir.out / "site" / "datensaetze" / "gut" / "index.html").exists()
    assert not (portal_dir.out / "site" / "datensaetze" / "liste" / "index.html").exists()


def damage_csv(folder):
    """The last record's commas become spaces: same size (so the build carries the files over),
    one cell where the schema has three."""
    path = folder / "liste.csv"
    text = path.read_text(encoding="utf-8")
    head, last = text.rstrip("\n").rsplit("\n", 1)
    path.write_text(head + "\n" + last.replace(",", " ") + "\n", encoding="utf-8")


def damage_licence(folder):
    """The data package loses its licence URI, which the DCAT catalogue needs."""
    path = folder / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    del package["kommune"]["licence"]["uri"]
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.mark.parametrize("damage, step", [(damage_csv, "Datenbank"), (damage_licence, "Katalog")])
def test_files_damaged_on_disk_fail_their_dataset_alone_in_the_publish_step(portal_dir, damage, step):
    portal_dir.add("liste", SOURCE, GERMAN_SCHEMA, {"sample/d.csv": GOOD.encode()})
    add_good(portal_dir)
    build(portal_dir)
    damage(portal_dir.out.resolve() / "datasets" / "liste")
    (portal_dir.root / "datasets" / "gut" / "sample" / "d.csv").write_text(GOOD + "26.01.2020;7,00;West\n")
    build(portal_dir)
    report = report_of(portal_dir.out)
    assert report["liste"]["status"] == "failed"
    assert report["liste"]["summary"] == f"Veröffentlichen fehlgeschlagen ({step})"
    assert report["gut"]["status"] == "ok"
    with sqlite3.connect(portal_dir.out / "portal.db") as db:
        assert db.execute("select count(*) from gut").fetchone() == (3,)  # the other dataset's update is out
    assert "liste" not in tables(portal_dir.out)
