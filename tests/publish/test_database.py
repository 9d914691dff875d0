"""portal.db takes its types, keys, indexes and search from the Table Schema."""

from __future__ import annotations

import sqlite_utils

from kommune import portal
from tests.conftest import dataset_yaml


def test_types_keys_not_null_foreign_keys_and_search(portal_dir):
    portal_dir.add(
        "orte",
        dataset_yaml("{kind: csv, path: sample/d.csv}", title="Orte", extra="table: {indexes: [[plz]]}\n"),
        """\
fields:
  - {name: plz, type: string, title: Postleitzahl, description: Mit führender Null., constraints: {required: true}}
  - {name: name, type: string, title: Name, description: Ortsname.}
primaryKey: [plz]
""",
        {"sample/d.csv": b"plz,name\n01067,Dresden\n59368,Werne\n"},
    )
    portal_dir.add(
        "meldungen",
        dataset_yaml(
            "{kind: csv, path: sample/d.csv}", title="Meldungen", extra="table: {fts: [text], facets: [plz]}\n"
        ),
        """\
fields:
  - {name: nummer, type: integer, title: Nummer, description: Laufende Nummer., constraints: {required: true}}
  - {name: plz, type: string, title: Postleitzahl, description: Ort der Meldung.}
  - {name: betrag, type: number, title: Betrag, description: Euro.}
  - {name: tag, type: date, title: Tag, description: Datum.}
  - {name: erledigt, type: boolean, title: Erledigt, description: Ja oder nein.}
  - {name: text, type: string, title: Text, description: Beschreibung.}
primaryKey: [nummer]
foreignKeys:
  - {fields: [plz], reference: {resource: orte, fields: [plz]}}
""",
        {
            "sample/d.csv": (
                "nummer,plz,betrag,tag,erledigt,text\n1,59368,12.5,2024-01-02,true,Sperrmüllabfuhr verpasst\n"
                "2,01067,,2024-01-03,false,Straßenlaterne defekt\n"
            ).encode()
        },
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    assert all(d.status == "ok" for d in report.datasets), [d.issues for d in report.datasets]

    db = sqlite_utils.Database(portal_dir.out / "portal.db")
    meldungen = db["meldungen"]
    assert meldungen.columns_dict == {
        "nummer": int,
        "plz": str,
        "betrag": float,
        "tag": str,
        "erledigt": int,
        "text": str,
    }
    assert meldungen.pks == ["nummer"]
    assert [(fk.column, fk.other_table, fk.other_column) for fk in meldungen.foreign_keys] == [("plz", "orte", "plz")]
    assert {tuple(i.columns) for i in meldungen.indexes} >= {("plz",)}
    assert "not null" in db.execute("select sql from sqlite_master where name = 'meldungen'").fetchone()[0].lower()
    assert db["orte"].get("01067")["name"] == "Dresden"  # leading zero kept: typed from the schema
    assert db.execute("select betrag from meldungen where nummer = 2").fetchone() == (None,)
    hits = db.execute(
        "select nummer from meldungen where rowid in (select rowid from meldungen_fts where meldungen_fts "
        "match 'sperrmullabfuhr')"
    ).fetchall()
    assert hits == [(1,)]
    datasets = {row["id"]: row for row in db["portal_datasets"].rows}
    assert datasets["meldungen"]["rows"] == 2 and datasets["meldungen"]["status"] == "ok"


def test_demo_database_has_a_table_per_resource(demo_build):
    db = sqlite_utils.Database(demo_build / "portal.db")
    assert {"haushalt_ergebnisplan", "kita_plaetze", "portal_datasets"} <= set(db.table_names())
    assert db["haushalt_ergebnisplan"].pks == ["produktbereich", "haushaltsjahr", "art"]
    assert db.execute("select produktbereich from haushalt_ergebnisplan order by 1 limit 1").fetchone() == ("01",)


LOAD_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "plz", "type": "string"},
        {"name": "betrag", "type": "number"},
    ],
    "primaryKey": ["id"],
}


def test_load_resource_inserts_typed_rows_and_counts_them(tmp_path):
    from publish.database import index_resource, load_resource

    db = sqlite_utils.Database(tmp_path / "portal.db")
    resource = {"name": "zahlungen", "schema": LOAD_SCHEMA, "kommune": {"indexes": [["plz"]]}}
    with db.atomic():
        assert load_resource(db, resource, iter([(1, "01067", 12.5), (2, None, None)])) == 2
        index_resource(db, resource)
    assert db.execute("select plz, typeof(betrag) from zahlungen order by id").fetchall() == [
        ("01067", "real"),
        (None, "null"),
    ]
    assert [index.columns for index in db["zahlungen"].indexes] == [["plz"]]


def test_load_resource_in_a_transaction_keeps_nothing_when_the_rows_fail(tmp_path):
    from publish.database import load_resource

    db = sqlite_utils.Database(tmp_path / "portal.db")

    def rows_then_invalid():
        yield (1, "59368", 1.0)
        raise ValueError("Zeile 3 ist ungültig")

    try:
        with db.atomic():
            load_resource(db, {"name": "zahlungen", "schema": LOAD_SCHEMA}, rows_then_invalid())
    except ValueError as error:
        assert "Zeile 3" in str(error)
    else:
        raise AssertionError("the row source's error must propagate")
    assert "zahlungen" not in db.table_names()


def test_a_table_two_packages_publish_fails_the_later_dataset_not_the_build(portal_dir):
    """The net behind `kommune validate`'s unique-name rule: a clash only the build folder
    shows (e.g. a previous version kept for a failed dataset) names the later dataset."""
    from publish.build_folder import BuildFolder
    from publish.database import SchemaConflict, build_database
    from publish.dataset_failure import DatasetPublishFailed

    schema = "fields:\n  - {name: ort, type: string, title: Ort, description: Ort.}\n"
    for dataset_id in ("a-orte", "b-orte"):
        portal_dir.add(
            dataset_id, dataset_yaml("{kind: csv, path: sample/d.csv}"), schema, {"sample/d.csv": b"ort\nWerne\n"}
        )
    portal.build(portal_dir.root, portal_dir.out)
    package_file = portal_dir.out / "datasets" / "b-orte" / "datapackage.json"
    package_file.write_text(
        package_file.read_text(encoding="utf-8").replace('"name": "b_orte"', '"name": "a_orte"'), encoding="utf-8"
    )
    try:
        build_database(BuildFolder(portal_dir.out), portal_dir.root / "probe.db")
    except DatasetPublishFailed as failure:
        assert failure.dataset_id == "b-orte" and isinstance(failure.error, SchemaConflict)
    else:
        raise AssertionError("the clash went unnoticed")


def test_the_tables_publish_adds_use_the_names_declarations_may_not():
    """contracts.portal_tables reserves these names for publish/; pipelines.portal_rules
    refuses them in declarations."""
    from contracts.portal_tables import DERIVED_SUFFIXES, RESERVED_PREFIX
    from publish.database import PORTAL_DATASETS_TABLE
    from publish.datasette.facet_counts import FACET_COUNTS_TABLE
    from publish.geometry_index import rtree_name

    assert PORTAL_DATASETS_TABLE.startswith(RESERVED_PREFIX) and FACET_COUNTS_TABLE.startswith(RESERVED_PREFIX)
    assert rtree_name("orte").endswith(DERIVED_SUFFIXES)
    assert (
        sqlite_utils.Database(memory=True)["orte"]
        .create({"ort": str})
        .enable_fts(["ort"])
        .detect_fts()
        .endswith(DERIVED_SUFFIXES)
    )
