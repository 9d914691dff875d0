"""The json kind end to end: declaration → build → portal.db, compared with an independent
parse of the file; near-JSON refused with line and fix, the other datasets still publishing."""

import json
import sqlite3
from pathlib import Path

from kommune import portal
from tests.conftest import dataset_yaml

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "samples"
HEILBRONN = SAMPLES / "heilbronn_kfz-zulassung_wartezeiten_2016-07.json"
MOERS = SAMPLES / "moers_buergerservice_wartezeiten_2014-KW36.json"
WAIT_SCHEMA = "fields:\n" + "".join(
    f"  - {{name: {name}, type: integer, title: {name.title()}, description: {name}}}\n"
    for name in ("year", "week", "weekday", "hour", "wait")
)


def add_json(portal_dir, dataset_id, data: bytes, schema=WAIT_SCHEMA, source_extra="", name="sample/daten.json"):
    return portal_dir.add(
        dataset_id, dataset_yaml(f"{{kind: json, path: {name}{source_extra}}}"), schema, files={name: data}
    )


def test_heilbronn_waiting_times_publish_as_in_the_file(portal_dir):
    add_json(portal_dir, "wartezeiten", HEILBRONN.read_bytes())
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok", result.issues
    expected = json.loads(HEILBRONN.read_text(encoding="utf-8"))
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from wartezeiten").fetchone() == (len(expected),)
    for column in ("year", "week", "weekday", "hour", "wait"):
        assert db.execute(f"select sum({column}) from wartezeiten").fetchone() == (sum(r[column] for r in expected),)
    assert db.execute("select typeof(wait) from wartezeiten limit 1").fetchone() == ("integer",)


def test_moers_concatenated_objects_fail_alone_with_line_and_fix(portal_dir):
    add_json(portal_dir, "moers", MOERS.read_bytes())
    add_json(portal_dir, "heilbronn", HEILBRONN.read_bytes())
    results = {d.id: d for d in portal.build(portal_dir.root, portal_dir.out).datasets}
    assert results["heilbronn"].status == "ok"
    assert results["moers"].status == "failed"
    (issue,) = results["moers"].issues
    assert issue.row == 1 and "Spalte 64" in issue.message and "ohne umschließende Liste" in issue.message
    assert "[ … ]" in issue.expected and "jsonl" in issue.expected
    report = (portal_dir.out / "datasets" / "moers" / "report.json").read_text()
    assert "Extra data" not in report and "JSONDecodeError" not in report


def test_trailing_comma_is_named_on_its_line(portal_dir):
    add_json(portal_dir, "komma", b'[\n {"year": 2020, "week": 1, "weekday": 0, "hour": 8, "wait": 3},\n]\n')
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    (issue,) = result.issues
    assert (issue.row, issue.type) == (2, "format-error")
    assert "Komma" in issue.message and "entfernen" in issue.expected


NESTED_SCHEMA = """fields:
  - {name: amt, type: string, title: Amt, description: Amt}
  - {name: plz, type: string, label: postleitzahl, title: PLZ, description: Postleitzahl}
  - {name: wartezeit, type: number, decimalChar: ",", title: Wartezeit, description: Minuten}
  - {name: offen, type: boolean, trueValues: [ja], falseValues: [nein], title: Offen, description: geöffnet}
"""


def test_records_at_a_path_nested_values_by_declaration_numbers_in_strings(portal_dir):
    document = {
        "stand": "2024-01",
        "daten": {
            "eintraege": [
                {
                    "amt": "Bürgerbüro Süd",
                    "adresse": {"plz": "01067"},
                    "wartezeit": "39,20",
                    "offen": True,
                    "intern": 1,
                },
                {"amt": "Straßenverkehrsamt", "adresse": {"plz": "59368"}, "wartezeit": 12.5, "offen": False},
            ]
        },
    }
    add_json(
        portal_dir,
        "aemter",
        json.dumps(document, ensure_ascii=False).encode(),
        NESTED_SCHEMA,
        ", records: daten.eintraege, columns: {postleitzahl: adresse.plz}",
    )
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok", result.issues
    assert any("intern" in warning for warning in result.warnings)  # an unread key is never dropped silently
    db = sqlite3.connect(portal_dir.out / "portal.db")
    rows = db.execute("select amt, plz, wartezeit, offen from aemter order by amt").fetchall()
    assert rows == [("Bürgerbüro Süd", "01067", 39.2, 1), ("Straßenverkehrsamt", "59368", 12.5, 0)]


def test_nested_object_without_declared_path_names_the_fix(portal_dir):
    document = [{"amt": "A", "postleitzahl": {"plz": "1"}, "wartezeit": "1", "offen": True}]
    add_json(portal_dir, "aemter", json.dumps(document).encode(), NESTED_SCHEMA)
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    (issue,) = result.issues
    assert issue.field == "postleitzahl" and "postleitzahl.plz" in issue.expected and "source.columns" in issue.expected


def test_json_lines_report_source_lines(portal_dir):
    lines = [json.dumps({"year": 2020, "week": 1, "weekday": 0, "hour": h, "wait": w}) for h, w in ((8, 3), (9, "x"))]
    add_json(portal_dir, "zeilen", ("\n".join(["", *lines]) + "\n").encode(), name="sample/daten.jsonl")
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "failed"
    (issue,) = result.issues
    assert (issue.row, issue.field) == (3, "wait")  # line 3 of the file (line 1 is empty)


def test_records_path_that_misses_lists_the_keys_there(portal_dir):
    add_json(portal_dir, "pfad", b'{"daten": {"liste": []}}', source_extra=", records: daten.eintraege")
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    (issue,) = result.issues
    assert "eintraege" in issue.message and "liste" in issue.message


def test_bom_and_umlauts_in_json_lines(portal_dir):
    schema = (
        "fields:\n  - {name: amt, type: string, title: Amt, description: Amt}\n"
        "  - {name: anzahl, type: integer, title: Anzahl, description: Anzahl}\n"
    )
    text = '\ufeff{"amt": "Bürgerbüro", "anzahl": 3}\n{"amt": "Straßenverkehrsamt „Nord“", "anzahl": 4}\n'
    add_json(portal_dir, "zeilen", text.encode("utf-8"), schema, name="sample/daten.jsonl")
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok", result.issues
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select amt, anzahl from zeilen order by anzahl").fetchall() == [
        ("Bürgerbüro", 3),
        ("Straßenverkehrsamt „Nord“", 4),
    ]
