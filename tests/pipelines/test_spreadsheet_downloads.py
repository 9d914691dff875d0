"""The spreadsheet copies of a table: XLSX and German-dialect CSV, read back with openpyxl and
the csv module."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook

from pipelines.output import write_resource
from pipelines.spreadsheet_downloads import COPIES_STATE, carry_over_copies, record_copies, write_spreadsheet_copies

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


def _published(folder, rows, state, title="Tabelle"):
    """A table with its copies as a build publishes it: the resource and its package entry."""
    folder.mkdir()
    resource = write_resource(folder, "tabelle", SCHEMA, rows, title=title)
    resource.downloads = write_spreadsheet_copies(folder, resource)
    record_copies(state, [resource])
    return {"resources": [resource.descriptor()]}


def test_an_unchanged_table_takes_the_previous_release_copies_and_a_changed_one_does_not(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    previous = tmp_path / "previous"
    package = _published(previous, ROWS, state)

    same = tmp_path / "same"
    same.mkdir()
    resource = write_resource(same, "tabelle", SCHEMA, ROWS, title="Tabelle")
    carried = carry_over_copies(same, resource, previous, package, state)
    assert carried is not None and set(carried) == {"xlsx", "csv_de"}
    for info in carried.values():
        assert (same / info.path).stat().st_ino == (previous / info.path).stat().st_ino
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert carried == write_spreadsheet_copies(fresh, write_resource(fresh, "tabelle", SCHEMA, ROWS, title="Tabelle"))

    changed = tmp_path / "changed"
    changed.mkdir()
    other = write_resource(changed, "tabelle", SCHEMA, ROWS[:2], title="Tabelle")
    assert carry_over_copies(changed, other, previous, package, state) is None
    retitled = write_resource(changed, "tabelle", SCHEMA, ROWS, title="Andere Tabelle")
    assert carry_over_copies(changed, retitled, previous, package, state) is None
    assert not list(changed.glob("*.xlsx"))

    # Copies written by other code (the state names another) are written anew.
    (state / COPIES_STATE).write_text(
        (state / COPIES_STATE).read_text(encoding="utf-8").replace('"code": "', '"code": "0'), encoding="utf-8"
    )
    assert carry_over_copies(tmp_path / "changed", retitled, previous, package, state) is None
