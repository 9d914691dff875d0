"""CSV and XLSX sources in German dialects, read through the real build."""

from __future__ import annotations

import csv
import json
import shutil

from kommune import portal
from publish.database import open_readonly
from tests.conftest import GERMAN_SCHEMA as MONEY_SCHEMA
from tests.conftest import dataset_yaml


def _published_rows(out, dataset_id):
    table = dataset_id.replace("-", "_")
    with open(out / "datasets" / dataset_id / f"{table}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _report(out):
    return {d["id"]: d for d in json.loads((out / "build-report.json").read_text())["datasets"]}


def test_semicolon_windows_1252_german_numbers_and_dates(portal_dir):
    content = "Datum;Betrag;Ort\r\n24.01.2020;1.234,56;Straßenbau Süd\r\n01.12.2021;-7,5;Größe\r\n".encode("cp1252")
    portal_dir.add(
        "geld",
        dataset_yaml('{kind: csv, path: sample/geld.csv, encoding: cp1252, delimiter: ";"}'),
        MONEY_SCHEMA,
        {"sample/geld.csv": content},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in report.datasets] == ["ok"]
    rows = _published_rows(portal_dir.out, "geld")
    assert rows == [
        {"datum": "2020-01-24", "betrag": "1234.56", "ort": "Straßenbau Süd"},
        {"datum": "2021-12-01", "betrag": "-7.5", "ort": "Größe"},
    ]
    db = open_readonly(portal_dir.out / "portal.db")
    assert tuple(db.execute("select betrag, typeof(betrag) from geld where ort = 'Straßenbau Süd'").fetchone()) == (
        1234.56,
        "real",
    )


def test_utf8_with_bom_from_a_real_town(portal_dir, reference_dir):
    folder = portal_dir.add(
        "owi",
        dataset_yaml('{kind: csv, path: sample/owi.csv, delimiter: ";"}'),
        """\
fields:
  - {name: jahr, type: year, title: Jahr, description: Jahr.}
  - {name: owi_verfahren, type: integer, title: Verfahren, description: Zahl.}
  - {name: bussgeld_verfahren, type: integer, title: Bußgeldverfahren, description: Zahl.}
  - {name: owi_privat, type: integer, title: Privat, description: Zahl.}
  - {name: ertrag, type: integer, title: Ertrag, description: Euro.}
primaryKey: [jahr]
""",
    )
    shutil.copyfile(reference_dir / "samples" / "muenster_owi_ruhender_verkehr.csv", folder / "sample" / "owi.csv")
    report = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in report.datasets] == ["ok"]
    rows = _published_rows(portal_dir.out, "owi")
    assert rows[0] == {
        "jahr": "2018",
        "owi_verfahren": "72809",
        "bussgeld_verfahren": "5921",
        "owi_privat": "928",
        "ertrag": "1424499",
    }
    assert len(rows) == 4


def test_wrong_encoding_gets_a_clear_error_with_its_line(portal_dir):
    content = "Datum;Betrag;Ort\n24.01.2020;1,00;Nord\n25.01.2020;2,00;Süd\n".encode("cp1252")
    portal_dir.add(
        "falsch",
        dataset_yaml('{kind: csv, path: sample/f.csv, encoding: utf-8, delimiter: ";"}'),
        MONEY_SCHEMA,
        {"sample/f.csv": content},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    result = report.datasets[0]
    assert result.status == "failed"
    issue = result.issues[0]
    assert (issue.type, issue.file, issue.row) == ("encoding-error", "sample/f.csv", 3)
    assert "utf-8" in issue.expected


def test_schema_violations_name_row_field_and_expectation(portal_dir):
    content = "Datum;Betrag;Ort\n31.02.2024;1,00;Nord\n01.03.2024;zwölf;\n".encode()
    portal_dir.add(
        "kaputt",
        dataset_yaml('{kind: csv, path: sample/k.csv, delimiter: ";"}'),
        MONEY_SCHEMA,
        {"sample/k.csv": content},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    issues = {(i.row, i.field, i.type): i for i in report.datasets[0].issues}
    assert issues[(2, "Datum", "type-error")].expected == "Datum im Format TT.MM.JJJJ"
    assert "Dezimaltrennzeichen „,“" in issues[(3, "Betrag", "type-error")].expected
    assert (3, "Ort", "constraint-error") in issues
    assert "Zeile 2, Feld „Datum“: „31.02.2024“" in issues[(2, "Datum", "type-error")].describe()


def test_truncated_file_is_reported_not_published(portal_dir):
    content = b"Datum;Betrag;Ort\n24.01.2020;1,00;Nord\n25.01.2020;2"
    portal_dir.add(
        "abgeschnitten",
        dataset_yaml('{kind: csv, path: sample/a.csv, delimiter: ";"}'),
        MONEY_SCHEMA,
        {"sample/a.csv": content},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    assert report.datasets[0].status == "failed"
    assert any(i.type == "missing-cell" and i.row == 3 for i in report.datasets[0].issues)


def test_real_windows_1252_file_with_trailing_blank_lines_is_reported(portal_dir, reference_dir):
    folder = portal_dir.add(
        "kontenrahmen",
        dataset_yaml('{kind: csv, path: sample/k.csv, encoding: cp1252, delimiter: ";"}'),
        """\
fields:
  - {name: konto, label: Konto beginnend mit, type: string, title: Konto, description: Kontenpräfix.}
  - {name: betrag_von, label: Betrag von, type: number, decimalChar: ",", groupChar: ".",
     title: Von, description: Untergrenze.}
  - {name: betrag_bis, label: Betrag bis, type: number, decimalChar: ",", groupChar: ".",
     title: Bis, description: Obergrenze.}
  - {name: id, label: ID, type: string, title: ID, description: Kennung.}
  - {name: bezeichnung, label: Bezeichnung, type: string, title: Bezeichnung, description: Name.}
  - {name: plan, label: Erg/Fin, type: string, title: Plan, description: Ergebnis- oder Finanzplan.}
  - {name: richtung, label: E/A, type: string, title: Richtung, description: Ertrag oder Aufwand.}
""",
    )
    shutil.copyfile(reference_dir / "samples" / "wesel_haushalt_kontenrahmen.csv", folder / "sample" / "k.csv")
    report = portal.build(portal_dir.root, portal_dir.out)
    issues = report.datasets[0].issues
    assert issues and all(i.type == "blank-row" for i in issues), [
        i.describe() for i in issues if i.type != "blank-row"
    ]
    assert len(issues) == 9


def test_declared_frictionless_steps_run_before_validation(portal_dir):
    content = "Datum;Betrag;Ort;Intern\n24.01.2020;1,00;Nord;x\n25.01.2020;2,00;Süd;y\n".encode()
    portal_dir.add(
        "schritte",
        dataset_yaml(
            '{kind: csv, path: sample/s.csv, delimiter: ";"}',
            extra="steps:\n  - {type: field-remove, names: [Intern]}\n"
            "  - {type: row-filter, formula: \"Ort != 'Süd'\"}\n",
        ),
        MONEY_SCHEMA,
        {"sample/s.csv": content},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    assert report.datasets[0].status == "ok", report.datasets[0].issues
    assert _published_rows(portal_dir.out, "schritte") == [{"datum": "2020-01-24", "betrag": "1.00", "ort": "Nord"}]


def test_xlsx_demo_dataset(demo_build):
    rows = _published_rows(demo_build, "kita-plaetze")
    assert len(rows) == 12
    first = rows[0]
    assert first["familienzentrum"] in ("true", "false")
    assert first["stand"] == "2026-08-01"
    assert int(first["plaetze_unter_3"]) > 0


def test_a_big_plain_file_read_in_parts_publishes_what_one_piece_publishes(portal_dir, monkeypatch, tmp_path):
    """The csv kind reads a big plain file on several processes (pipelines/reading/parallel.py):
    the published files are the bytes one process writes, and an error in a later part is
    reported with its row in the whole file."""
    from pipelines.reading import file_parts, parallel

    lines = ["Datum;Betrag;Ort"] + [
        f"{1 + n % 28:02d}.{1 + n % 12:02d}.2020;{1 + n % 999}.{n % 1000:03d},{n % 100:02d};Ort {n % 7}"
        for n in range(3_000)
    ]
    content = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    portal_dir.add(
        "geld",
        dataset_yaml('{kind: csv, path: sample/geld.csv, encoding: cp1252, delimiter: ";"}'),
        MONEY_SCHEMA,
        {"sample/geld.csv": content},
    )
    monkeypatch.setattr(file_parts, "MIN_PART_BYTES", 1)

    def published(workers: str, out) -> dict:
        monkeypatch.setenv(parallel.WORKERS_VARIABLE, workers)
        report = portal.build(portal_dir.root, out)
        assert [d.status for d in report.datasets] == ["ok"]
        folder = out / "datasets" / "geld"
        return {name: (folder / name).read_bytes() for name in ("geld.csv", "geld.json")}

    in_parts, in_one_piece = published("3", tmp_path / "parts"), published("1", tmp_path / "one")
    assert in_parts == in_one_piece
    assert in_parts["geld.csv"].count(b"\n") == 3_001

    lines[2_500] = lines[2_500].replace(".2020;", ".2020;zwölf;", 1)
    (portal_dir.root / "datasets" / "geld" / "sample" / "geld.csv").write_bytes(
        ("\r\n".join(lines) + "\r\n").encode("cp1252")
    )
    reports = {}
    for workers in ("3", "1"):
        monkeypatch.setenv(parallel.WORKERS_VARIABLE, workers)
        portal.build(portal_dir.root, tmp_path / workers)
        reports[workers] = _report(tmp_path / workers)["geld"]["issues"]
    assert reports["3"] == reports["1"]
    assert {issue["row"] for issue in reports["3"]} == {2_501}
