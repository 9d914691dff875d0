"""OpenDocument spreadsheets (.ods) from `kommune add` to the published table, with no edit.

The files are generated here with ezodf (installed with frictionless[ods]); the published
values are compared with an independent read of the file's content.xml (stdlib XML parser,
not the ezodf reader the build uses). Broken files are declared `kind: ods` by hand and must
fail alone with a German report, and so does a `sheet:` the file lacks."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import PortalDir, dataset_yaml, run_kommune

TITLE = "Einwohner und Flächen der Ortsteile, Stand 31.12.2024"
HEADINGS = ["Ortsteil", "Einwohner", "Fläche km²", "Stichtag", "PLZ"]
# Einwohner as text cells with thousands dots (typed in by hand), Fläche as real numeric
# cells, Stichtag as date cells, PLZ as text with leading zeros.
ROWS = [
    ["Werne-Mitte", "12.345", 10.25, dt.date(2024, 1, 31), "59368"],
    ["Stockum", "1.234.567", 3.5, dt.date(2024, 2, 29), "01067"],
    ["Langern", "987", 7.0, dt.date(2024, 12, 1), "04109"],
    ["Horst-Rünthe", "2.001", 0.125, dt.date(2023, 7, 14), "09111"],
]
PREVIOUS_YEAR = [["Ortsteil", "Einwohner"], ["Werne-Mitte", 12001], ["Stockum", 1234000]]

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _write_ods(path: Path) -> None:
    import ezodf

    book = ezodf.newdoc(doctype="ods", filename=str(path))
    sheet = ezodf.Sheet("Ortsteile", size=(3 + len(ROWS), len(HEADINGS)))
    book.sheets += sheet
    sheet[(0, 0)].set_value(TITLE)  # a title line, then an empty line above the table
    for column, heading in enumerate(HEADINGS):
        sheet[(2, column)].set_value(heading)
    for row_number, row in enumerate(ROWS, start=3):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet[(row_number, column)].set_value(value.isoformat(), value_type="date")
            else:
                sheet[(row_number, column)].set_value(value)
    previous = ezodf.Sheet("Vorjahr", size=(len(PREVIOUS_YEAR), 2))
    book.sheets += previous
    for row_number, row in enumerate(PREVIOUS_YEAR):
        for column, value in enumerate(row):
            previous[(row_number, column)].set_value(value)
    book.save()


def _independent_read(path: Path, sheet: str) -> list[list[str]]:
    """The sheet's non-empty rows as ODS stores them: a cell's typed value attribute
    (office:value, office:date-value) or else its text, repetitions expanded."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    table = next(t for t in root.iter(f"{{{TABLE}}}table") if t.get(f"{{{TABLE}}}name") == sheet)
    rows = []
    for row in table.iter(f"{{{TABLE}}}table-row"):
        cells = []
        for cell in row:
            value = cell.get(f"{{{OFFICE}}}value") or cell.get(f"{{{OFFICE}}}date-value") or "".join(cell.itertext())
            cells += [value] * int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1"))
        if any(cells):
            rows += [cells] * int(row.get(f"{{{TABLE}}}number-rows-repeated", "1"))
    return rows


def _published(portal: PortalDir, dataset_id: str) -> tuple[list[dict], dict]:
    folder = portal.out / "datasets" / dataset_id
    package = json.loads((folder / "datapackage.json").read_text())
    with open(folder / package["resources"][0]["path"], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle)), package


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    portal = PortalDir(tmp_path_factory.mktemp("ods") / "portal")
    files = tmp_path_factory.mktemp("files")
    good = files / "ortsteile.ods"
    _write_ods(good)
    added = run_kommune("add", str(good), "-C", str(portal.root))
    # The second sheet, chosen with `sheet:` as for XLSX.
    portal.add(
        "vorjahr",
        dataset_yaml("{kind: ods, path: sample/v.ods, sheet: Vorjahr}"),
        "fields:\n  - {name: ortsteil, label: Ortsteil, type: string, title: Ortsteil, description: Name.}\n"
        "  - {name: einwohner, label: Einwohner, type: integer, title: Einwohner, description: Anzahl.}\n",
        {"sample/v.ods": good.read_bytes()},
    )
    broken_schema = "fields:\n  - {name: a, type: string, title: A, description: A.}\n"
    portal.add(
        "falsches-blatt",
        dataset_yaml("{kind: ods, path: sample/v.ods, sheet: Fehlt}"),
        broken_schema,
        {"sample/v.ods": good.read_bytes()},
    )
    data = good.read_bytes()
    portal.add(
        "abgeschnitten",
        dataset_yaml("{kind: ods, path: sample/d.ods}"),
        broken_schema,
        {"sample/d.ods": data[: len(data) // 2]},
    )
    portal.add(
        "umbenannt",
        dataset_yaml("{kind: ods, path: sample/d.ods}"),
        broken_schema,
        {"sample/d.ods": "Ortsteil;Einwohner\nStockum;1.234\n".encode("cp1252")},
    )
    build = run_kommune("build", "-C", str(portal.root), "-o", str(portal.out), "--quiet", timeout=600)
    return portal, good, added, build


def test_add_drafts_the_ods_and_names_what_it_decided(built):
    _, _, added, _ = built
    assert added.returncode == 0, added.stderr
    assert "(Quellenart ods)" in added.stdout
    assert "OpenDocument-Tabelle, Tabellenblatt „Ortsteile“" in added.stdout
    assert "Überschriften in Zeile 3" in added.stdout
    assert "2 Tabellenblätter (Ortsteile, Vorjahr)" in added.stdout  # the second sheet is named, not guessed


def test_each_dataset_publishes_or_fails_alone(built):
    portal, _, _, build = built
    report = json.loads((portal.out / "build-report.json").read_text())
    assert {d["id"]: d["status"] for d in report["datasets"]} == {
        "ortsteile": "ok",
        "vorjahr": "ok",
        "abgeschnitten": "failed",
        "umbenannt": "failed",
        "falsches-blatt": "failed",
    }, build.stderr


def test_published_values_match_an_independent_read(built):
    portal, good, _, _ = built
    rows, package = _published(portal, "ortsteile")
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert [fields[n]["type"] for n in ("ortsteil", "einwohner", "flaeche_km2", "stichtag", "plz")] == [
        "string",
        "integer",
        "number",
        "date",
        "string",
    ]
    source = _independent_read(good, "Ortsteile")
    assert source[0] == [TITLE] + [""] * (len(HEADINGS) - 1)
    assert source[1] == HEADINGS
    table = source[2:]
    assert len(rows) == len(table) == len(ROWS)
    assert [r["ortsteil"] for r in rows] == [t[0] for t in table]  # umlauts as in the file
    assert sum(int(r["einwohner"]) for r in rows) == sum(int(t[1].replace(".", "")) for t in table)
    assert sum(Decimal(r["flaeche_km2"]) for r in rows) == sum(Decimal(t[2]) for t in table)
    assert [r["stichtag"] for r in rows] == [t[3] for t in table]
    assert [r["plz"] for r in rows] == [t[4] for t in table] == ["59368", "01067", "04109", "09111"]
    assert all(v == v.strip() for r in rows for v in r.values())


def test_the_sheet_is_chosen_by_name(built):
    portal, good, _, _ = built
    rows, _ = _published(portal, "vorjahr")
    source = _independent_read(good, "Vorjahr")
    assert [(r["ortsteil"], r["einwohner"]) for r in rows] == [(t[0], t[1]) for t in source[1:]]


@pytest.mark.parametrize(
    "dataset_id, file, what, fix",
    [
        (
            "abgeschnitten",
            "sample/d.ods",
            "Datei ist eine beschädigte ZIP-Datei, deklariert ist ods",
            "die richtige Datei angeben",
        ),
        ("umbenannt", "sample/d.ods", "Datei ist Text (CSV), deklariert ist ods", "kind: csv deklarieren"),
        (
            "falsches-blatt",
            "sample/v.ods",
            "das Tabellenblatt aus `sheet:` gibt es in der Datei nicht (Name oder Nummer, 1 = erstes)",
            "",
        ),
    ],
)
def test_a_broken_ods_fails_alone_with_a_german_report(built, dataset_id, file, what, fix):
    portal, _, _, _ = built
    report = json.loads((portal.out / "build-report.json").read_text())
    (dataset,) = [d for d in report["datasets"] if d["id"] == dataset_id]
    issue = dataset["issues"][0]
    assert (issue["file"], issue["message"]) == (file, what)
    assert (issue.get("expected") or "").startswith(fix)
    assert "Traceback" not in json.dumps(dataset) and "Error" not in json.dumps(dataset)


def test_add_refuses_a_truncated_ods_in_german(built, tmp_path):
    portal, good, _, _ = built
    data = good.read_bytes()
    (tmp_path / "kaputt.ods").write_bytes(data[: len(data) // 2])
    result = run_kommune("add", str(tmp_path / "kaputt.ods"), "-C", str(portal.root))
    assert result.returncode != 0
    assert (
        "keine lesbare OpenDocument-Tabelle: die Datei ist kein ODS-Container (ZIP) oder abgeschnitten" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (portal.root / "datasets" / "kaputt").exists()
