"""Stream typed records from a German-dialect CSV export of a town system.

Only the fields the statistics need are kept from each row, so names, addresses and free
text are dropped as the file is read. Dates (`24.01.2020`) and numbers (`1.234,56`) are cast
with a cache, because an export repeats the same few hundred dates a million times.

Problems are collected, not raised, while reading: `RecordReader.issues` lists each with
row, field and what was expected — but never the cell's value, since a shifted row could
put a name or an e-mail address into any column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

FieldType = Literal["string", "date", "number", "integer"]
MAX_ISSUES = 100
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class RecordIssue:
    """One problem in the source file (row numbers count the header as row 1)."""

    file: str
    row: int
    field: str | None
    type: str  # Frictionless error type
    message: str
    expected: str


class RecordReader:
    """Iterate over typed records of `path`, keeping only `keep` fields.

    `types` maps field names to string/date/number/integer (missing: string). Empty cells
    are None. `required` fields must not be empty. After iterating, `issues` holds the
    problems found (reading stops after MAX_ISSUES) and `header` the file's columns.
    """

    def __init__(self, path: Path, *, keep: list[str], types: dict[str, FieldType], required: list[str],
                 encoding: str = "utf-8", delimiter: str = ";", date_format: str = "%d.%m.%Y",
                 decimal_char: str = ",", group_char: str = "."):
        self.path = path
        self.keep = list(dict.fromkeys(keep))
        self.types = types
        self.required = set(required)
        self.encoding = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
        self.delimiter = delimiter
        self.date_format = date_format
        self.decimal_char = decimal_char
        self.group_char = group_char
        self.header: list[str] = []
        self.issues: list[RecordIssue] = []
        self.rows_read = 0

    def _issue(self, row: int, field: str | None, kind: str, message: str, expected: str) -> None:
        self.issues.append(RecordIssue(self.path.name, row, field, kind, message, expected))

    def _caster(self, field: str):
        """A function text → typed value for `field` (raises ValueError for bad text)."""
        kind = self.types.get(field, "string")
        date_format, decimal, group = self.date_format, self.decimal_char, self.group_char
        if kind == "date":
            return lambda text: datetime.strptime(text, date_format).date()
        if kind == "number":
            return lambda text: float(text.replace(group, "").replace(decimal, "."))
        if kind == "integer":
            return lambda text: int(text.replace(group, ""))
        return str

    def _expected(self, field: str) -> str:
        kind = self.types.get(field, "string")
        example = {"date": date(2024, 1, 24).strftime(self.date_format), "number": f"1{self.group_char}234{self.decimal_char}5",
                   "integer": "17", "string": "Text"}[kind]
        return {"date": "Datum", "number": "Zahl", "integer": "ganze Zahl", "string": "Text"}[kind] + f", z. B. {example}"

    def __iter__(self) -> Iterator[dict[str, Any]]:
        try:
            handle = self.path.open(encoding=self.encoding, newline="")
        except OSError as error:
            self._issue(0, None, "scheme-error", f"Datei nicht lesbar: {error.strerror}", "lesbare Datei")
            return
        with handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            try:
                self.header[:] = [name.strip() for name in next(reader, [])]  # in place: callers hold the list
                missing = [name for name in self.keep if name not in self.header]
                for name in missing:
                    self._issue(1, name, "missing-label", f"Spalte `{name}` fehlt in der Kopfzeile", name)
                if missing:
                    return
                # Each field: its position, caster, whether required, and a cache of casts
                # (an export repeats the same dates and numbers over and over).
                positions = [(name, self.header.index(name), self._caster(name), name in self.required, {})
                             for name in self.keep]
                width = len(self.header)
                for number, row in enumerate(reader, start=2):
                    if len(self.issues) >= MAX_ISSUES:
                        return
                    if len(row) != width:
                        if not any(cell.strip() for cell in row):
                            continue  # blank line, e.g. at the end of an export
                        kind = "extra-cell" if len(row) > width else "missing-cell"
                        self._issue(number, None, kind, f"Zeile hat {len(row)} statt {width} Spalten", f"{width} Spalten")
                        continue
                    record, valid = {}, True
                    for name, position, cast, required, cache in positions:
                        text = row[position]
                        value = cache.get(text)
                        if value is not None:
                            record[name] = value
                            continue
                        text = text.strip()
                        if not text:
                            if required:
                                self._issue(number, name, "constraint-error", f"Feld `{name}` ist leer", "ein Wert")
                                valid = False
                            record[name] = None
                            continue
                        try:
                            value = record[name] = cast(text)
                            if len(cache) < _CACHE_LIMIT:
                                cache[row[position]] = value
                        except ValueError:
                            self._issue(number, name, "type-error",
                                        f"Feld `{name}` ist keine gültige Angabe ({self.types.get(name)})",
                                        self._expected(name))
                            valid = False
                    self.rows_read += 1
                    if valid:
                        yield record
            except UnicodeDecodeError as error:
                self._issue(0, None, "encoding-error",
                            f"Die Datei ist nicht im Zeichensatz {self.encoding} kodiert (Byte {error.start})",
                            f"Zeichensatz {self.encoding}")
            except csv.Error as error:
                self._issue(reader.line_num, None, "source-error", f"CSV nicht lesbar: {error}", "gültiges CSV")
