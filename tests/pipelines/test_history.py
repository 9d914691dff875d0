"""Versions and row-level changes over real builds of changed sources (issue 19)."""

from __future__ import annotations

import gzip
import json
import sqlite3

from contracts.build_folder import VERSIONS_FILE
from contracts.history import read_changes
from kommune import portal
from pipelines.history import table_at
from pipelines.history.store import HistoryStore
from tests.conftest import dataset_yaml

KEYED_SCHEMA = """\
fields:
  - {name: monat, type: string, title: Monat, description: Monat.}
  - {name: amt, type: string, title: Amt, description: Amt.}
  - {name: wartezeit, type: number, title: Wartezeit, description: In Minuten.}
primaryKey: [monat, amt]
"""
KEYED_SCHEMA_WITH_COLUMN = KEYED_SCHEMA.replace(
    "primaryKey:", "  - {name: schalter, type: integer, title: Schalter, description: Offene Schalter.}\nprimaryKey:"
)
UNKEYED_SCHEMA = """\
fields:
  - {name: name, type: string, title: Name, description: Name.}
  - {name: anzahl, type: integer, title: Anzahl, description: Anzahl.}
"""


def _write(portal_dir, dataset_id: str, schema: str, text: str) -> None:
    folder = portal_dir.root / "datasets" / dataset_id
    if not folder.exists():
        portal_dir.add(dataset_id, dataset_yaml("{kind: csv, path: sample/daten.csv}"), schema)
    (folder / "schema.yaml").write_text(schema, encoding="utf-8")
    (folder / "sample" / "daten.csv").write_text(text, encoding="utf-8")


# The waiting-times table in three versions: then rows added, removed and one value corrected;
# then a column added. The keyless table beside it loses one of two equal rows and gains one.
WAITING_TIMES = [
    (KEYED_SCHEMA, "monat,amt,wartezeit\n2026-09,Bürgerbüro,8.1\n2026-10,Bürgerbüro,9.4\n2026-10,Standesamt,3.0\n"),
    (KEYED_SCHEMA, "monat,amt,wartezeit\n2026-10,Bürgerbüro,9.6\n2026-10,Standesamt,3.0\n2026-11,Bürgerbüro,7.0\n"),
    (
        KEYED_SCHEMA_WITH_COLUMN,
        "monat,amt,wartezeit,schalter\n2026-10,Bürgerbüro,9.6,3\n2026-10,Standesamt,3.0,1\n2026-11,Bürgerbüro,7.0,3\n",
    ),
]
NAMES = ["name,anzahl\nA,1\nB,2\nB,2\n", "name,anzahl\nA,1\nB,2\nC,5\n", "name,anzahl\nA,1\nB,2\nC,5\n"]


def build_version(portal_dir, number: int, *, with_names: bool = True) -> None:
    """Write version `number` (1–3) of the demo tables and build."""
    _write(portal_dir, "wartezeiten", *WAITING_TIMES[number - 1])
    if with_names:
        _write(portal_dir, "namen", UNKEYED_SCHEMA, NAMES[number - 1])
    assert not portal.build(portal_dir.root, portal_dir.out).failed


def _log(portal_dir, dataset_id: str) -> dict:
    return json.loads((portal_dir.out / "datasets" / dataset_id / VERSIONS_FILE).read_text(encoding="utf-8"))


def _changes(portal_dir, dataset_id: str, version: dict) -> list[dict]:
    return list(read_changes(portal_dir.out / "datasets" / dataset_id / version["changes"]))


def test_versions_and_row_level_changes_over_three_builds(portal_dir):
    build_version(portal_dir, 1)
    first = _log(portal_dir, "wartezeiten")["versions"]
    assert [v["version"] for v in first] == [1] and first[0]["reasons"] == ["first"]
    assert first[0]["rows"] == {"wartezeiten": 3}

    # an unchanged rebuild records nothing
    assert not portal.build(portal_dir.root, portal_dir.out).failed
    assert _log(portal_dir, "wartezeiten")["versions"] == first

    # rows added, removed and one value corrected; the keyless table loses one of two equal rows
    build_version(portal_dir, 2)
    versions = _log(portal_dir, "wartezeiten")["versions"]
    second = versions[-1]
    assert second["version"] == 2
    assert set(second["reasons"]) == {"rows-added", "rows-removed", "values-corrected"}
    assert second["counts"] == {
        "rows_added": 1,
        "rows_removed": 1,
        "rows_changed": 1,
        "values_changed": 1,
        "schema_changes": 0,
    }
    changes = _changes(portal_dir, "wartezeiten", second)
    corrected = [c for c in changes if c["kind"] == "value-changed"]
    assert corrected == [
        {
            "table": "wartezeiten",
            "kind": "value-changed",
            "key": "2026-10 · Bürgerbüro",
            "column": "wartezeit",
            "old": "9.4",
            "new": "9.6",
        }
    ]
    assert second["examples"][0]["key_fields"] == ["monat", "amt"]
    assert {c["key"] for c in changes if c["kind"] == "row-added"} == {"2026-11 · Bürgerbüro"}
    removed = [c for c in changes if c["kind"] == "row-removed"]
    assert [json.loads(c["old"]) for c in removed] == [{"monat": "2026-09", "amt": "Bürgerbüro", "wartezeit": "8.1"}]
    # version 1 stays downloadable whole, as it was
    kept = portal_dir.out / "datasets" / "wartezeiten" / versions[0]["tables"]["wartezeiten"]
    assert gzip.decompress(kept.read_bytes()).decode().splitlines()[1:] == [
        "2026-09,Bürgerbüro,8.1",
        "2026-10,Bürgerbüro,9.4",
        "2026-10,Standesamt,3.0",
    ]
    unkeyed = _log(portal_dir, "namen")["versions"][-1]
    unkeyed_changes = _changes(portal_dir, "namen", unkeyed)
    assert sorted((c["kind"], c["old"] or c["new"]) for c in unkeyed_changes) == [
        ("row-added", '{"name": "C", "anzahl": "5"}'),
        ("row-removed", '{"name": "B", "anzahl": "2"}'),
    ]
    assert all(c["key"].startswith("#") for c in unkeyed_changes)

    # a column added
    build_version(portal_dir, 3)
    third = _log(portal_dir, "wartezeiten")["versions"][-1]
    assert third["version"] == 3 and third["reasons"] == ["schema-changed"]
    assert _changes(portal_dir, "wartezeiten", third) == [
        {
            "table": "wartezeiten",
            "kind": "column-added",
            "key": None,
            "column": "schalter",
            "old": None,
            "new": "integer",
        }
    ]
    package = json.loads((portal_dir.out / "datasets" / "wartezeiten" / "datapackage.json").read_text())
    assert package["kommune"]["version"]["number"] == 3

    # the same history in portal.db, queryable like every table
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute(
        "select version, rows, reasons from portal_versions where dataset = 'wartezeiten' order by version"
    ).fetchall() == [
        (1, 3, "erste Version"),
        (2, 3, "neue Zeilen, Zeilen entfernt, Werte korrigiert"),
        (3, 3, "Spalten geändert"),
    ]
    rows = db.execute(
        "select version, table_name, kind, key, [column], old, new from portal_changes where dataset = 'wartezeiten'"
    ).fetchall()
    assert (2, "wartezeiten", "value-changed", "2026-10 · Bürgerbüro", "wartezeit", "9.4", "9.6") in rows
    assert (3, "wartezeiten", "column-added", None, "schalter", None, "integer") in rows
    assert len(rows) == 4


def test_an_earlier_version_is_rebuilt_from_the_deltas_when_not_kept_whole(portal_dir):
    rows = {f"2026-{month:02d}": float(month) for month in range(1, 7)}

    def text(values: dict) -> str:
        return "monat,amt,wartezeit\n" + "".join(f"{m},Amt,{v}\n" for m, v in values.items())

    _write(portal_dir, "wartezeiten", KEYED_SCHEMA, text(rows))
    folder = portal_dir.root / "datasets" / "wartezeiten"
    (folder / "dataset.yaml").write_text(
        dataset_yaml("{kind: csv, path: sample/daten.csv}", extra="history: {keep: 0}\n"), encoding="utf-8"
    )
    expected = []
    for step in range(4):
        assert not portal.build(portal_dir.root, portal_dir.out).failed
        expected.append(text(rows).splitlines())
        rows = {**{m: v + 0.5 for m, v in rows.items() if m != "2026-01"}, f"2027-{step + 1:02d}": 1.0}
        rows.pop(next(iter(rows)))
        _write(portal_dir, "wartezeiten", KEYED_SCHEMA, text(rows))
    log = _log(portal_dir, "wartezeiten")
    assert [v["tables"] for v in log["versions"]] == [{}, {}, {}, {}]  # keep: 0
    store = HistoryStore(portal_dir.root / ".build-state" / "history" / "wartezeiten")
    # whole: only the latest version and the one before (the previous release may still serve it)
    assert len(list((store.root / "snapshots").iterdir())) == 2
    for version, lines in enumerate(expected, start=1):
        rebuilt = table_at(store, log, version, "wartezeiten")
        assert rebuilt[0] == lines[0].split(",")
        assert sorted(rebuilt[1:]) == sorted(line.split(",") for line in lines[1:])


def test_a_stored_table_lost_from_the_state_folder_leaves_its_version_listed_but_not_downloadable(portal_dir):
    for number in (1, 2):
        build_version(portal_dir, number, with_names=False)
    store = HistoryStore(portal_dir.root / ".build-state" / "history" / "wartezeiten")
    first = _log(portal_dir, "wartezeiten")["versions"][0]
    assert first["tables"]
    store.snapshot(first["hashes"]["wartezeiten"]).unlink()  # e.g. the state folder restored from an old backup
    build_version(portal_dir, 3, with_names=False)
    versions = _log(portal_dir, "wartezeiten")["versions"]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[0]["tables"] == {} and versions[1]["tables"]
    assert not (portal_dir.out / "datasets" / "wartezeiten" / "versionen" / "1").exists()
