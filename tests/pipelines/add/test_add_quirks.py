"""A small corpus of real-world quirks the reference samples lack, generated here: BOM,
mixed date forms, TAB at the end of every line, integer amounts with thousands dots, codes
with leading zeros, headings with spaces, double-encoded text, U+0085, and a hand-written
schema that leaves German numbers as text (the lazy path)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.conftest import GERMAN_SCHEMA, PortalDir, dataset_yaml, run_kommune

ROWS = [
    # Bezirk, Datum (mixed), Monat, Betrag (integer, dots), Anteil, Aktiv, Link (TAB at line end)
    ("01", "07.03.2022", "2023-01", "1.234", "39,20", "ja", "https://example.org/a"),
    ("02", "2022-03-08", "2023-02", "12.345.678", "-0,5", "nein", "https://example.org/b"),
    ("10", "09.03.2022", "2023-03", "-5.000", "1.000,25", "ja", "https://example.org/c"),
    ("11", "10.03.2022", "2023-04", "17", "0,75", "nein", "https://example.org/d"),
]
HEADINGS = ["Bezirk", "Datum", "Monat", "Betrag (EUR)", "Anteil", "Aktiv ", "Link"]


def _quirky_csv() -> bytes:
    lines = [";".join(HEADINGS)] + [";".join(row) + "\t" for row in ROWS]
    return b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n"


def _messy_text_csv() -> bytes:
    # Windows-1252 file whose text was once UTF-8 read as Windows-1252 („â€ž“), plus U+0085
    # (NEL: some readers break the line there) and a replacement character.
    lines = [
        "Nr;Text;Menge",
        "1;Sch\u00f6ne Stra\u00dfe;3",
        "2;â€žZitatâ€œ;4",
        "3;Zeile\u0085Umbruch;5",
        "4;kaputt \ufffd;6",
    ]
    return "\n".join(lines).encode("utf-8")


def _workbook(path) -> None:
    """A title line above the table, typed cells, German numbers typed in as text, two sheets."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Plätze"
    sheet.append(["Kita-Plätze in Werne, Stand Januar"])
    sheet.append(["Einrichtung", "Plätze", "Kosten", "Geöffnet seit"])
    sheet.append(["Kita Sonnenschein", 42, "1.234,50", dt.datetime(1999, 8, 1)])
    sheet.append(["Kita Regenbogen", 18, "980,00", dt.datetime(2005, 1, 15)])
    sheet.append(["Kita Löwenzahn", 65, "2.001,75", dt.datetime(2020, 3, 1)])
    book.create_sheet("Notizen").append(["nur eine Notiz"])
    book.save(path)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    portal = PortalDir(tmp_path_factory.mktemp("quirks") / "portal")
    files = tmp_path_factory.mktemp("files")
    (files / "quirks.csv").write_bytes(_quirky_csv())
    (files / "messy.csv").write_bytes(_messy_text_csv())
    _workbook(files / "kitas.xlsx")
    outputs = {}
    for name in ("quirks.csv", "messy.csv", "kitas.xlsx"):
        result = run_kommune("add", str(files / name), "-C", str(portal.root))
        assert result.returncode == 0, result.stderr
        outputs[name] = result.stdout
    # The lazy path: a schema written by hand that leaves `Betrag` as text.
    lazy_schema = GERMAN_SCHEMA.replace('type: number, decimalChar: ",", groupChar: "."', "type: string")
    rows = "Datum;Betrag;Ort\n" + "".join(f"0{d}.01.2024;{d}.234,5{d};Mitte\n" for d in range(1, 8))
    portal.add(
        "lazy",
        dataset_yaml('{kind: csv, path: sample/b.csv, delimiter: ";"}'),
        lazy_schema,
        {"sample/b.csv": rows.encode()},
    )
    kept = dataset_yaml('{kind: csv, path: sample/k.csv, delimiter: ";", trim: false}')
    portal.add("kept", kept, GERMAN_SCHEMA, {"sample/k.csv": b"Datum;Betrag;Ort\n01.01.2024;1,5;  Mitte \n"})
    build = run_kommune("build", "-C", str(portal.root), "-o", str(portal.out), "--quiet", timeout=600)
    return portal, outputs, build


def _published(portal: PortalDir, dataset_id: str) -> tuple[list[dict], dict, dict]:
    folder = portal.out / "datasets" / dataset_id
    package = json.loads((folder / "datapackage.json").read_text())
    with open(folder / package["resources"][0]["path"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows, package, json.loads((folder / "report.json").read_text())


def test_all_quirky_datasets_publish(built):
    portal, _, build = built
    report = json.loads((portal.out / "build-report.json").read_text())
    assert {d["id"]: d["status"] for d in report["datasets"]} == {
        "quirks": "ok",
        "messy": "ok",
        "lazy": "ok",
        "kept": "ok",
        "kitas": "ok",
    }, build.stderr


def test_quirks_are_read_the_german_way(built):
    portal, outputs, _ = built
    rows, package, report = _published(portal, "quirks")
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert [r["bezirk"] for r in rows] == ["01", "02", "10", "11"]  # leading zero kept
    assert fields["bezirk"]["type"] == "string"
    assert fields["betrag_eur"]["type"] == "integer"
    assert sum(int(r["betrag_eur"]) for r in rows) == 1234 + 12345678 - 5000 + 17
    assert sum(Decimal(r["anteil"]) for r in rows) == Decimal("39.20") - Decimal("0.5") + Decimal("1000.25") + Decimal(
        "0.75"
    )
    assert [r["aktiv"] for r in rows] == ["true", "false", "true", "false"]
    assert fields["datum"]["type"] == "string"  # mixed forms: kept as text, and said so
    assert "gemischte Datumsformen" in outputs["quirks.csv"]
    assert [r["link"] for r in rows] == [row[-1] for row in ROWS]  # the TAB is gone
    trimmed = [w for w in report["warnings"] if w["type"] == "trimmed-values"]
    assert [(w["field"], w["message"].split()[0]) for w in trimmed] == [("link", "4")]
    assert "UTF-8 mit BOM" in outputs["quirks.csv"]


def test_messy_text_is_reported_with_row_and_field(built):
    portal, outputs, _ = built
    rows, _, report = _published(portal, "messy")
    found = {(w["type"], w["row"], w["field"]) for w in report["warnings"]}
    assert {("mojibake", 3, "text"), ("line-breaker", 4, "text"), ("replacement", 5, "text")} <= found
    assert rows[0]["text"] == "Schöne Straße"
    assert "doppelt kodiert" in outputs["messy.csv"]


def test_lazy_path_guard_names_the_type_to_declare(built):
    portal, _, _ = built
    _, _, report = _published(portal, "lazy")
    guard = [w for w in report["warnings"] if w["type"] == "undeclared-type"]
    assert [w["field"] for w in guard] == ["betrag"]
    assert 'decimalChar: ","' in guard[0]["expected"]


def test_trim_false_keeps_spaces_and_counts_them(built):
    portal, _, _ = built
    rows, _, report = _published(portal, "kept")
    assert rows[0]["ort"] == "  Mitte "
    assert any(w["type"] == "trimmed-values" and "behalten" in w["message"] for w in report["warnings"])


def test_dataset_page_links_the_spreadsheet_copies(built):
    portal, _, _ = built
    page = (portal.out / "site" / "datensaetze" / "quirks" / "index.html").read_text(encoding="utf-8")
    for name in ("quirks.xlsx", "quirks.de.csv"):
        assert f'href="/datensaetze/quirks/{name}"' in page
        assert (portal.out / "site" / "datensaetze" / "quirks" / name).stat().st_size > 0
    german = (portal.out / "site" / "datensaetze" / "quirks" / "quirks.de.csv").read_bytes().decode("utf-8-sig")
    assert german.splitlines()[1].split(";")[4] == "39,2"


def test_spreadsheet_with_a_title_line_and_german_numbers_as_text(built):
    portal, outputs, _ = built
    rows, package, _ = _published(portal, "kitas")
    assert [r["einrichtung"] for r in rows] == ["Kita Sonnenschein", "Kita Regenbogen", "Kita Löwenzahn"]
    assert sum(int(r["plaetze"]) for r in rows) == 125
    assert sum(Decimal(r["kosten"]) for r in rows) == Decimal("4216.25")
    assert [r["geoeffnet_seit"] for r in rows] == ["1999-08-01", "2005-01-15", "2020-03-01"]
    assert "2 Tabellenblätter" in outputs["kitas.xlsx"]  # the second sheet is named, not guessed
