"""What a valid file can still carry that a reader would not want: spaces and TABs around
values, text decoded twice (UTF-8 read as Windows-1252: `Ã¤`, `â€ž`), replacement characters
from a broken conversion, and characters that some readers take for a line break (U+0085,
U+2028). And text fields whose values are nearly all German numbers or dates, which publish
as text when the type was not declared (the lazy-path guard).

Nothing here changes data: it counts and points at row and field; the reader trims.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.checks.german_values import declared_type_hint
from pipelines.errors import Issue

SPACE = " \t"
MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u2013\u2014\u2018-\u201e\u2020-\u2022"
    "\u2026\u2030\u2039\u203a\u20ac\u2122]|â€|Â[\u00a0-\u00bf]"
)
REPLACEMENT = "\ufffd"
#: Characters Python's str.splitlines() (and many readers) treat as a line break, besides CR/LF.
LINE_BREAKERS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
#: Shown per field and kind of problem; the count is always the true one.
SHOWN_PER_FIELD = 3
#: Values per text field that the lazy-path guard looks at.
GUARD_SAMPLE = 2000


def trim_text(value: str) -> str | None:
    """A text value without spaces and TABs around it; empty becomes missing."""
    trimmed = value.strip(SPACE)
    return trimmed or None


@dataclass
class Hygiene:
    trimmed: Counter = field(default_factory=Counter)  # field → values with spaces/TABs around
    headings_trimmed: list[str] = field(default_factory=list)
    problems: dict = field(default_factory=lambda: defaultdict(list))  # (kind, field) → rows
    samples: dict = field(default_factory=lambda: defaultdict(list))  # text field → values
    samples_wanted: bool = True

    def issues(self, file: str, text_fields: set[str], trim: bool) -> list[Issue]:
        """The findings as warnings (German), each with row and field where there is one."""
        issues = []
        for name, count in self.trimmed.items():
            done = "entfernt" if trim else "behalten (trim: false)"
            issues.append(
                Issue(
                    type="trimmed-values",
                    file=file,
                    field=name,
                    message=f"{count} Werte mit Leerzeichen oder Tabulatoren am Rand: {done}",
                )
            )
        for heading in self.headings_trimmed:
            issues.append(
                Issue(
                    type="trimmed-label",
                    file=file,
                    field=heading.strip(SPACE),
                    message=f"Spaltenüberschrift „{heading}“ hat Leerzeichen oder Tabulatoren am Rand: ignoriert",
                )
            )
        words = {
            "mojibake": (
                "Text sieht doppelt kodiert aus (z. B. „Ã¤“ statt „ä“)",
                "die Datei in der richtigen Kodierung exportieren (UTF-8 oder encoding angeben)",
            ),
            "replacement": (
                "Ersatzzeichen „\ufffd“: ein Zeichen ging bei einer früheren Umwandlung verloren",
                "die Datei aus dem Ursprungssystem neu exportieren",
            ),
            "line-breaker": (
                "Steuerzeichen, das manche Programme als Zeilenumbruch lesen (U+0085, U+2028 o. Ä.)",
                "das Zeichen in der Quelle entfernen",
            ),
        }
        for (kind, name), rows in self.problems.items():
            message, expected = words[kind]
            for row in rows[:SHOWN_PER_FIELD]:
                more = f" ({len(rows)} Werte in diesem Feld)" if len(rows) > 1 else ""
                issues.append(
                    Issue(type=kind, file=file, row=row, field=name, message=message + more, expected=expected)
                )
        for name in sorted(text_fields):
            hint = declared_type_hint(self.samples.get(name, []))
            if hint:
                issues.append(
                    Issue(
                        type="undeclared-type",
                        file=file,
                        field=name,
                        message="fast alle Werte sind Zahlen oder Daten, werden aber als Text veröffentlicht",
                        expected=f"in schema.yaml {hint}",
                    )
                )
        return issues


def scan_delimited(
    path: Path,
    encoding: str | None,
    delimiter: str,
    field_names: list[str],
    header_rows: list[int] | None,
    comment_rows: list[int] | None,
    text_fields: set[str],
) -> Hygiene:
    """Look at every raw cell of a delimited file, read as the csv kind reads it: records
    numbered as Frictionless numbers rows, heading rows and comment rows left out."""
    found = Hygiene()
    headings = set(header_rows if header_rows is not None else [1])
    first_data = max(headings) + 1 if headings else 1
    skipped = set(comment_rows or [])

    def data_rows():
        with open(path, encoding=encoding or "utf-8", errors="replace", newline="") as handle:
            # Frictionless reads UTF-8 files with a BOM the same way (utf-8-sig).
            if (encoding or "").replace("_", "-").lower() in ("utf-8", "utf8") and handle.read(
                1
            ) != codecs.BOM_UTF8.decode("utf-8"):
                handle.seek(0)
            for number, cells in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
                if number in headings:
                    found.headings_trimmed += [c for c in cells if c != c.strip(SPACE) and c.strip(SPACE)]
                elif number >= first_data and number not in skipped:
                    yield number, cells

    return scan_rows(data_rows(), field_names, text_fields, found)


def scan_rows(rows, field_names: list[str], text_fields: set[str], found: Hygiene | None = None) -> Hygiene:
    """The same for (row number, cells) pairs from another reader (e.g. a spreadsheet)."""
    found, block = found or Hygiene(), []
    for number, cells in rows:
        cells = [c if isinstance(c, str) else "" for c in cells]
        if found.samples_wanted:
            _sample(found, number, field_names, cells, text_fields)
        block.append((number, cells))
        if len(block) >= _BLOCK_ROWS:
            _scan_block(found, block, field_names, text_fields)
    _scan_block(found, block, field_names, text_fields)
    return found


# Most rows are clean: a block of rows is searched at once for anything suspect (one search
# per row, or one test per cell, costs more than parsing the CSV), and only the rows of a block
# with a hit are looked at cell by cell. Cells are joined by NUL, rows by a line break; a
# separator that occurs in the data only causes a closer look.
_BLOCK_ROWS = 1000
# A character class alone: an alternation would make the search ten times slower (measured).
_SUSPECT = re.compile("[\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029\ufffd\u00c2\u00c3\u00e2]")
_PADDED = (" \x00", "\x00 ", " \n", "\n ")


def _scan_block(found: Hygiene, block: list, names: list[str], text_fields: set[str]) -> None:
    if not block:
        return
    text = "\n".join("\x00".join(cells) for _, cells in block)
    if _SUSPECT.search(text) or text.startswith(" ") or text.endswith(" ") or any(mark in text for mark in _PADDED):
        for number, cells in block:
            _look_at_row(found, number, names, cells, text_fields)
    block.clear()


def _sample(found: Hygiene, number: int, names: list[str], cells: list[str], text_fields: set[str]) -> None:
    for name, cell in zip(names, cells, strict=False):
        if name in text_fields and cell and len(found.samples[name]) < GUARD_SAMPLE:
            found.samples[name].append(cell.strip(SPACE))
    found.samples_wanted = number < 10 * GUARD_SAMPLE and any(
        len(found.samples[name]) < GUARD_SAMPLE for name in text_fields
    )


def _look_at_row(found: Hygiene, number: int, names: list[str], cells: list[str], text_fields: set[str]) -> None:
    for name, cell in zip(names, cells, strict=False):
        if not cell:
            continue
        if cell[0] in SPACE or cell[-1] in SPACE:
            found.trimmed[name] += 1
        if not cell.isascii():
            if MOJIBAKE.search(cell):
                found.problems["mojibake", name].append(number)
            if REPLACEMENT in cell:
                found.problems["replacement", name].append(number)
        if LINE_BREAKERS.search(cell):
            found.problems["line-breaker", name].append(number)
