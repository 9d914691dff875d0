"""Copies of a published table for spreadsheet users: an XLSX, and a CSV in the German
spreadsheet dialect (`;`, decimal comma, UTF-8 with BOM) that Excel opens with a double click.

Written from the resource's JSON file (the original values, one object per line; the UTF-8 CSV
carries apostrophes against formulas), once per build of the dataset; an unchanged dataset
carries them over with its other files.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import re
from collections.abc import Iterator
from pathlib import Path

from pipelines.output import FileInfo, ResourceOutput, _file_info, spreadsheet_safe

#: Rows an XLSX sheet holds besides its heading; a longer table gets no XLSX copy.
XLSX_MAX_ROWS = 1_048_575


def write_spreadsheet_copies(out_dir: Path, resource: ResourceOutput) -> dict[str, FileInfo]:
    """Write `<name>.xlsx` (when the table fits a sheet) and `<name>.de.csv` beside the
    resource's files; returns them by kind (`xlsx`, `csv_de`)."""
    # A geometry is GeoJSON text, often longer than a spreadsheet cell (32,767 characters)
    # and of no use there: the copies leave it out (CSV and JSON keep it).
    fields = [f for f in resource.schema["fields"] if f["name"] != resource.geometry]
    written = {
        "csv_de": _write_german_csv(out_dir / f"{resource.name}.de.csv", fields, _rows(out_dir / resource.json.path))
    }
    if resource.row_count <= XLSX_MAX_ROWS:
        written["xlsx"] = _write_xlsx(
            out_dir / f"{resource.name}.xlsx", resource.title, fields, _rows(out_dir / resource.json.path)
        )
    return written


def _rows(json_path: Path) -> Iterator[dict]:
    """The objects of a JSON file written by pipelines.output, read line by line."""
    with open(json_path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n").rstrip(",")
            if line.startswith("{"):
                yield json.loads(line, parse_float=decimal.Decimal)


def _german_cell(value: object, kind: str) -> str:
    if value is None:
        return ""
    if (
        kind in ("number", "integer")
        and isinstance(value, (int, float, decimal.Decimal))
        and not isinstance(value, bool)
    ):
        return str(value).replace(".", ",")
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    return spreadsheet_safe(text) if kind == "string" else text


def _write_german_csv(path: Path, fields: list[dict], rows: Iterator[dict]) -> FileInfo:
    names = [f["name"] for f in fields]
    kinds = [f.get("type", "string") for f in fields]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow([f.get("title") or f["name"] for f in fields])
        for row in rows:
            writer.writerow([_german_cell(row.get(name), kind) for name, kind in zip(names, kinds, strict=True)])
    return _file_info(path)


#: Control characters an XLSX cell cannot hold (XML 1.0); the build warns about them in the source.
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: The creation date written into every copy: the same table gives the same bytes, so an
#: unchanged rebuild rewrites nothing (and CKAN sees no change). XlsxWriter dates the ZIP
#: entries from it too.
FIXED_TIME = dt.datetime(1980, 1, 1)


def _write_xlsx(path: Path, title: str, fields: list[dict], rows: Iterator[dict]) -> FileInfo:
    # XlsxWriter, not openpyxl: it streams rows to disk (constant_memory) about twice as fast
    # and writes reproducible files; measured in docs/decisions/spreadsheet-copies.md.
    import xlsxwriter

    names = [f["name"] for f in fields]
    kinds = [f.get("type", "string") for f in fields]
    # Text is text: never turned into a formula, a link or a number, whatever it looks like.
    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    try:
        book.set_properties({"title": title, "created": FIXED_TIME})
        date_format = book.add_format({"num_format": "DD.MM.YYYY"})
        sheet = book.add_worksheet("Daten")
        sheet.write_row(0, 0, [f.get("title") or f["name"] for f in fields])
        for number, row in enumerate(rows, start=1):
            for column, (name, kind) in enumerate(zip(names, kinds, strict=True)):
                _write_cell(sheet, number, column, row.get(name), kind, date_format)
    finally:
        book.close()
    return _file_info(path)


def _write_cell(sheet, row: int, column: int, value: object, kind: str, date_format) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, (int, float, decimal.Decimal)):
        sheet.write_number(row, column, float(value) if isinstance(value, decimal.Decimal) else value)
    elif kind == "date" and isinstance(value, str) and _is_iso_date(value):
        sheet.write_datetime(row, column, dt.date.fromisoformat(value), date_format)
    elif isinstance(value, (dict, list)):
        sheet.write_string(row, column, json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    else:
        sheet.write_string(row, column, _ILLEGAL_IN_XLSX.sub("", str(value)))


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
