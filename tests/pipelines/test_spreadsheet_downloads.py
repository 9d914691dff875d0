"""The spreadsheet copies of a table: XLSX and German-dialect CSV, read back with openpyxl and
the csv module."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook

from pipelines.output import write_resource
from pipelines.spreadsheet_downloads import write_spreadsheet_copies

SCHEMA = {
    "fields": [
        {"name": "ort", "type": "string", "title": "Ort"},
        {"name": "betrag", "type": "number", "title": "Betrag in Euro"},
        {"name": "anzahl", "type": "integer", "title": "Anzahl"},
        {"name": "tag", "type": "date", "title": "Tag"},
        {"name": "offen", "type": "boolean", "title": "Geöffnet"},
    ]
}
ROWS = [
    ["Südstadt", Decimal("1234.56"), 9577207, "2024-01-24", True],
    ['=HYPERLINK("http://x")', Decimal("-0.5"), None, None, False],
    ["Zeile\x0bmit Steuerzeichen", None, 3, "2024-02-29", None],
]


def test_copies_keep_values_in_the_spreadsheet_dialect(tmp_path):
    resource = write_resource(tmp_path, "tabelle", SCHEMA, ROWS, title="Tabelle")
    copies = write_spreadsheet_copies(tmp_path, resource)
    assert set(copies) == {"xlsx", "csv_de"}

    raw = (tmp_path / "tabelle.de.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lines[0] == ["Ort", "Betrag in Euro", "Anzahl", "Tag", "Geöffnet"]
    assert lines[1] == ["Südstadt", "1234,56", "9577207", "2024-01-24", "ja"]
    assert lines[2][:2] == ['\'=HYPERLINK("http://x")', "-0,5"]  # a formula stays text

    sheet = load_workbook(tmp_path / "tabelle.xlsx").active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Ort", "Betrag in Euro", "Anzahl", "Tag", "Geöffnet"]
    assert values[1] == ["Südstadt", 1234.56, 9577207, dt.datetime(2024, 1, 24), True]
    assert values[2][0] == '=HYPERLINK("http://x")'
    assert sheet.cell(row=3, column=1).data_type == "s"  # text, never a formula
    assert values[3][0] == "Zeilemit Steuerzeichen"


def test_the_same_table_gives_the_same_xlsx_bytes_at_another_time(tmp_path):
    """An unchanged rebuild must rewrite nothing: openpyxl stamps the ZIP entries and the
    document's `modified` property with the time of saving, which the writer fixes."""
    import time

    from pipelines.spreadsheet_downloads import _write_xlsx

    fields = [{"name": "ort", "type": "string"}, {"name": "anzahl", "type": "integer"}]
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _write_xlsx(first, "Tabelle", fields, iter([{"ort": "Werne", "anzahl": 3}]))
    time.sleep(2.1)  # ZIP times have a resolution of two seconds
    _write_xlsx(second, "Tabelle", fields, iter([{"ort": "Werne", "anzahl": 3}]))
    assert first.read_bytes() == second.read_bytes()
