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
    written = {"csv_de": _write_german_csv(out_dir / f"{resource.name}.de.csv", fields, _rows(out_dir / resource.json.path))}
    if resource.row_count <= XLSX_MAX_ROWS:
        written["xlsx"] = _write_xlsx(out_dir / f"{resource.name}.xlsx", resource.title, fields,
                                      _rows(out_dir / resource.json.path))
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
    if kind in ("number", "integer") and isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
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


def _xlsx_value(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _write_xlsx(path: Path, title: str, fields: list[dict], rows: Iterator[dict]) -> FileInfo:
    # Imported here: openpyxl costs ~0.2 s, which builds without a changed table need not pay.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Daten")
    names = [f["name"] for f in fields]
    kinds = [f.get("type", "string") for f in fields]
    sheet.append([f.get("title") or f["name"] for f in fields])
    for row in rows:
        cells = []
        for name, kind in zip(names, kinds, strict=True):
            value = _xlsx_value(row.get(name), kind)
            if isinstance(value, str):
                # A text is a text: never a formula, whatever it starts with. Control characters
                # XLSX cannot hold (the build warns about them in the source) are left out.
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
                value = cell
            elif kind == "date" and isinstance(value, dt.date):
                # openpyxl writes a date as such; its stubs list only datetime.
                cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
                cell.number_format = "DD.MM.YYYY"
                value = cell
            cells.append(value)
        sheet.append(cells)
    book.properties.title = title
    # The same table gives the same bytes, so an unchanged rebuild rewrites nothing (and CKAN
    # sees no change): no build time in the document properties nor in the ZIP entries.
    book.properties.created = book.properties.modified = FIXED_TIME
    book.save(path)
    _fix_zip_times(path)
    return _file_info(path)


FIXED_TIME = dt.datetime(1980, 1, 1)


def _fix_zip_times(path: Path) -> None:
    """Rewrite the ZIP with every entry dated FIXED_TIME: openpyxl stamps the entries and the
    document's `modified` property with the time of saving, whatever was set before."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = FIXED_TIME.isoformat().encode() + b"Z"
    entries = [(name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
                if name == "docProps/core.xml" else data) for name, data in entries]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]), data,
                            compress_type=zipfile.ZIP_DEFLATED)
