"""Copies of a published table for spreadsheet users: an XLSX, and a CSV in the German
spreadsheet dialect (`;`, decimal comma, UTF-8 with BOM) that Excel opens with a double click.

Written from the resource's JSON file (the original values, one object per line; the UTF-8 CSV
carries apostrophes against formulas), once per build of the dataset; an unchanged dataset
carries them over with its other files. A table of a changed dataset whose JSON, schema and
title are the previous release's takes that release's copies too (`carry_over_copies`): for a
council archive the XLSX of unchanged tables cost more than everything else of a rebuild.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import hashlib
import json
import re
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from contracts.files import HASH_PREFIX, link_or_copy, package_hash
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


#: In a dataset's state folder: per table, which code wrote its copies and the copies' hashes.
COPIES_STATE = "spreadsheet-copies.json"


def _code() -> str:
    """What decides the copies besides the table: this module and the XLSX library."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(metadata.version("xlsxwriter").encode())
    return digest.hexdigest()


def _package_entry(downloads: dict[str, FileInfo]) -> dict:
    """The copies as datapackage.json records them (`kommune.downloads`)."""
    return {
        kind: {"path": info.path, "bytes": info.bytes, "hash": package_hash(info.sha256)}
        for kind, info in downloads.items()
    }


def carry_over_copies(
    out_dir: Path, resource: ResourceOutput, previous: Path | None, previous_package: dict | None, state_dir: Path
) -> dict[str, FileInfo] | None:
    """The previous release's copies of this table, hard-linked, when the table's JSON, schema,
    title and geometry are that release's and the same code wrote them; else None."""
    if previous is None or not previous_package:
        return None
    old = next((r for r in previous_package.get("resources", []) if r.get("name") == resource.name), None)
    if old is None:
        return None
    facts = old.get("kommune", {})
    same_table = (
        facts.get("json", {}).get("hash") == package_hash(resource.json.sha256)
        and old.get("schema") == resource.schema
        and old.get("title") == resource.title
        and facts.get("geometry") == resource.geometry
    )
    try:
        recorded = json.loads((state_dir / COPIES_STATE).read_text(encoding="utf-8")).get(resource.name)
    except (OSError, ValueError):
        return None
    downloads = facts.get("downloads")
    # The state ties the code to these very files: the hashes the previous release published.
    if not same_table or not downloads or recorded != {"code": _code(), "downloads": downloads}:
        return None
    carried: dict[str, FileInfo] = {}
    for kind, info in downloads.items():
        source, target = previous / info["path"], out_dir / info["path"]
        try:
            link_or_copy(source, target)
        except OSError:
            # The links made go first: writing the copies anew must not write into the previous release.
            for made in carried.values():
                (out_dir / made.path).unlink(missing_ok=True)
            return None
        carried[kind] = FileInfo(info["path"], info["bytes"], info["hash"].removeprefix(HASH_PREFIX))
    return carried


def record_copies(state_dir: Path, resources: list[ResourceOutput]) -> None:
    """Remember which code wrote the tables' copies (for `carry_over_copies` next build)."""
    code = _code()
    record = {r.name: {"code": code, "downloads": _package_entry(r.downloads)} for r in resources}
    (state_dir / COPIES_STATE).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


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
