"""Reusing the previous release's portal.db and catalogue (publish/reuse.py): a rebuild gives
the same content as publishing from nothing, a changed dataset's new values appear everywhere
while the other tables are kept, and a damaged previous release is repaired."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kommune import portal
from publish import publish_build, reuse
from publish.build_folder import BuildFolder
from publish.datasette.facet_counts import FACET_COUNTS_TABLE
from publish.dcat import CATALOGUE_FILES

DATASETS = ("haushalt-ergebnisplan", "kita-plaetze", "bebauungsplaene")  # plain, full-text, R*Tree
TABLES = {
    "haushalt-ergebnisplan": "haushalt_ergebnisplan",
    "kita-plaetze": "kita_plaetze",
    "bebauungsplaene": "bebauungsplaene",
}
OUTPUTS = ("portal.db", "datasette", "site", *CATALOGUE_FILES, reuse.MANIFEST)


@pytest.fixture
def built(portal_dir):
    for dataset_id in DATASETS:
        portal_dir.add_demo(dataset_id)
    portal.build(portal_dir.root, portal_dir.out)
    return portal_dir


def published_from_nothing(release: Path, target: Path) -> Path:
    """The release's inputs published again without a previous release to reuse."""
    shutil.copytree(release, target, ignore=shutil.ignore_patterns(*OUTPUTS))
    publish_build(target)
    return target


def database_content(path: Path) -> dict:
    """Everything a reader can see in a database: schema, every table's rows with rowids, statistics."""
    db = sqlite3.connect(path)
    schema = sorted(db.execute("select type, name, tbl_name, sql from sqlite_master").fetchall(), key=repr)
    rows = {}
    for kind, name, _table, _sql in schema:
        if kind != "table":
            continue
        # SQLite's statistics and the facet counts (rows found by their primary key) may number
        # their rows differently; every other table must keep its rowids (R*Tree ids point at them).
        try:
            rowid = "" if name.startswith("sqlite_") or name == FACET_COUNTS_TABLE else "rowid, "
            rows[name] = sorted(map(repr, db.execute(f"select {rowid}* from [{name}]")))
        except sqlite3.OperationalError:  # WITHOUT ROWID shadow tables of the full-text index
            rows[name] = sorted(map(repr, db.execute(f"select * from [{name}]")))
    db.close()
    return {"schema": schema, "rows": rows}


def assert_same_as_published_from_nothing(release: Path, tmp_path: Path) -> None:
    fresh = published_from_nothing(release, tmp_path / "von-vorn")
    assert database_content(release / "portal.db") == database_content(fresh / "portal.db")
    for name, (rdf_format, _media_type) in CATALOGUE_FILES.items():
        # The same graph: RDF/XML names blank nodes anew on every run, so bytes may differ.
        graphs = [
            Graph().parse(folder / name, format=rdf_format.removeprefix("pretty-")) for folder in (release, fresh)
        ]
        assert len(graphs[0]) > 0 and isomorphic(*graphs), name
    assert (release / "datasette" / "metadata.json").read_text() == (fresh / "datasette" / "metadata.json").read_text()
    inspected = [json.loads((folder / reuse.INSPECT_OUTPUT).read_text())["portal"] for folder in (release, fresh)]
    assert inspected[0]["tables"] == inspected[1]["tables"]
    assert inspected[0]["size"] == (release / "portal.db").stat().st_size  # it describes this release's file


def test_unchanged_rebuild_links_portal_db_and_catalogue_and_equals_a_full_publish(built, tmp_path):
    first = built.out.resolve()
    report = portal.build(built.root, built.out)
    second = built.out.resolve()
    assert second != first and {d.status for d in report.datasets} == {"unchanged"}
    for name in ("portal.db", reuse.INSPECT_OUTPUT, *CATALOGUE_FILES):
        assert (second / name).stat().st_ino == (first / name).stat().st_ino, f"{name} was written again"
    assert_same_as_published_from_nothing(second, tmp_path)
    # The site is rendered for this run: its build report says what this run did.
    assert "unverändert" in (second / "site" / "bericht" / "index.html").read_text(encoding="utf-8")


def _change_budget(folder: Path) -> str:
    path = folder / "sample" / "ergebnisplan.csv"
    path.write_bytes(
        path.read_bytes().replace("Innere Verwaltung".encode("cp1252"), "Innere Verwaltung und IT".encode("cp1252"))
    )
    return "select count(*) from haushalt_ergebnisplan where bezeichnung = 'Innere Verwaltung und IT'"


def _change_daycare(folder: Path) -> str:
    path = folder / "sample" / "kitas.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = next(index for index, label in enumerate(header, 1) if "Einrichtung" in str(label))
    sheet.cell(row=2, column=column, value="Kita Sonnenblume am Wasserturm")
    workbook.save(path)
    return "select count(*) from kita_plaetze_fts where kita_plaetze_fts match 'Wasserturm'"


def _change_plans(folder: Path) -> str:
    path = folder / "sample" / "bebauungsplaene.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"][0]["properties"]["name"] = "Innenstadt Nord"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return (
        "select count(*) from bebauungsplaene p join bebauungsplaene_rtree r on p.rowid = r.id"
        " where p.name = 'Innenstadt Nord'"
    )


@pytest.mark.parametrize(
    "dataset_id, change",
    [("haushalt-ergebnisplan", _change_budget), ("kita-plaetze", _change_daycare), ("bebauungsplaene", _change_plans)],
)
def test_one_changed_dataset_reloads_only_its_table_and_its_values_appear_everywhere(
    built, tmp_path, dataset_id, change
):
    first = built.out.resolve()
    query = change(built.root / "datasets" / dataset_id)
    report = portal.build(built.root, built.out)
    second = built.out.resolve()
    assert {d.id: d.status for d in report.datasets if d.status != "unchanged"} == {dataset_id: "ok"}

    plan = reuse.plan_reuse(BuildFolder(second), first)
    assert plan.unchanged_tables == set(TABLES.values()) - {TABLES[dataset_id]}
    assert (second / "portal.db").stat().st_ino != (first / "portal.db").stat().st_ino
    assert sqlite3.connect(second / "portal.db").execute(query).fetchone()[0] >= 1
    # The catalogue describes the new file (its checksum), the site serves it.
    package = json.loads((second / "datasets" / dataset_id / "datapackage.json").read_text(encoding="utf-8"))
    checksum = package["resources"][0]["hash"].removeprefix("sha256:")
    assert checksum in (second / "catalog.ttl").read_text(encoding="utf-8")
    csv_name = package["resources"][0]["path"]
    served = second / "site" / "datensaetze" / dataset_id / csv_name
    assert served.read_bytes() == (second / "datasets" / dataset_id / csv_name).read_bytes()
    assert_same_as_published_from_nothing(second, tmp_path)


def test_a_damaged_previous_release_is_published_again_in_full(built, tmp_path):
    first = built.out.resolve()
    (first / "portal.db").unlink()
    (first / "catalog.ttl").write_text("kaputt", encoding="utf-8")
    shutil.rmtree(first / "site")
    portal.build(built.root, built.out)
    second = built.out.resolve()
    assert sqlite3.connect(second / "portal.db").execute("select count(*) from kita_plaetze").fetchone()[0] > 0
    assert (second / "site" / "datensaetze" / "kita-plaetze" / "index.html").exists()
    assert_same_as_published_from_nothing(second, tmp_path)


def test_other_publisher_code_reuses_nothing(built, monkeypatch):
    release = built.out.resolve()
    assert reuse.plan_reuse(BuildFolder(release), release).database_unchanged()
    monkeypatch.setattr(reuse, "code_version", lambda: "eine andere Version")
    plan = reuse.plan_reuse(BuildFolder(release), release)
    assert not plan.database_unchanged() and not plan.catalogue_unchanged() and plan.unchanged_tables == set()


def test_a_release_without_manifest_offers_nothing_to_reuse(built):
    release = built.out.resolve()
    (release / reuse.MANIFEST).unlink()
    plan = reuse.plan_reuse(BuildFolder(release), release)
    assert plan.previous is None and not plan.database_unchanged() and plan.unchanged_tables == set()


def test_catalogue_outputs_are_the_files_the_catalogue_writes():
    assert tuple(CATALOGUE_FILES) == reuse.CATALOGUE_OUTPUTS
