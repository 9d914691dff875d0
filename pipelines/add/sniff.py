"""Where the table is in a text file: encoding, delimiter, header rows, data rows, footer.

German exports put titles above the table (GENESIS), notes and copyright below it, blank
`;;;;` lines at the end and a heading over two or three rows. Frictionless's own detection
guesses `,` and one column for such files (see ../shared/reference/samples/SOURCE.md), so the
region is found here from the rows themselves; the result is declared with Frictionless's
dialect keys (`headerRows`, `commentRows`), which the build then reads as usual.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.checks.german_values import date_shape, number_shape

DELIMITERS = (";", ",", "\t", "|")
#: Files up to this size are read whole for drafting; of bigger ones the beginning and the end.
WHOLE_FILE_BYTES = 64 * 1024 * 1024


class NotATable(Exception):
    """The file holds no table the drafter can find; the message is German."""


@dataclass
class TextTable:
    """A CSV file's rows (1-based record numbers as Frictionless counts them) and its layout."""

    encoding: str
    delimiter: str
    rows: list[list[str]]
    header_rows: list[int]  # record numbers of the heading, [] when there is none
    first_data_row: int
    last_data_row: int
    width: int
    notes: list[str] = field(default_factory=list)

    @property
    def data(self) -> list[list[str]]:
        return self.rows[self.first_data_row - 1 : self.last_data_row]

    def skipped_rows(self) -> list[int]:
        """Records outside the heading and the data block."""
        outside = [n for n in range(1, self.first_data_row) if n not in self.header_rows]
        return outside + list(range(self.last_data_row + 1, len(self.rows) + 1))


def detect_encoding(data: bytes) -> tuple[str, str]:
    """The encoding of `data` and a German sentence on how it was recognised."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 mit BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 mit BOM"
    try:
        data.decode("utf-8")
        return "utf-8", "UTF-8"
    except UnicodeDecodeError as error:
        # A cut-off sample may end inside a character; only a real error inside counts.
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return "utf-8", "UTF-8"
    try:
        data.decode("cp1252")
        return "cp1252", "Windows-1252 (kein gültiges UTF-8)"
    except UnicodeDecodeError:
        return "iso-8859-1", "ISO-8859-1 (kein gültiges UTF-8 oder Windows-1252)"


def _records(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def detect_delimiter(text: str) -> str:
    """The delimiter that gives the most records of one common width (more than one column)."""
    sample = text[:200_000]
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = Counter(len(r) for r in _records(sample, delimiter) if len(r) > 1)
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        if (count, width) > best_score:
            best, best_score = delimiter, (count, width)
    return best


def _filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def _is_value(cell: str) -> bool:
    cell = cell.strip()
    return bool(cell) and (number_shape(cell) is not None or date_shape(cell) is not None)


def read_text_table(path: Path) -> TextTable:
    """Read `path` as a delimited text file and find its table. Raises NotATable."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        data = handle.read(WHOLE_FILE_BYTES)
    notes = []
    if size > WHOLE_FILE_BYTES:
        notes.append(f"nur die ersten {WHOLE_FILE_BYTES // (1024 * 1024)} MB der Datei gelesen")
    encoding, encoding_note = detect_encoding(data)
    text = data.decode(encoding, errors="replace")
    if size > WHOLE_FILE_BYTES:
        text = text[: text.rfind("\n") + 1]  # no half record at the cut
    delimiter = detect_delimiter(text)
    rows = _records(text, delimiter)
    if not rows:
        raise NotATable("die Datei ist leer")
    header_rows, first_data, end, width = locate_table(rows)
    return TextTable(
        encoding=encoding,
        delimiter=delimiter,
        rows=rows,
        header_rows=header_rows,
        first_data_row=first_data,
        last_data_row=end,
        width=width,
        notes=[f"Zeichenkodierung: {encoding_note}"] + notes,
    )


def locate_table(rows: list[list[str]]) -> tuple[list[int], int, int, int]:
    """(heading record numbers, first and last data record, width) of the table in `rows`
    (cells as text, 1-based record numbers). Raises NotATable."""
    widths = Counter(len(r) for r in rows if _filled(r) >= 2)
    if not widths:
        raise NotATable("keine Tabelle gefunden: keine Zeile hat zwei oder mehr ausgefüllte Spalten")
    width = widths.most_common(1)[0][0]
    block = _longest_block(rows, width)
    if block is None:
        raise NotATable("keine Tabelle gefunden")
    start, end = block
    header_rows = [start]
    data_rows = rows[start:end]  # after the first heading row (0-based slice)
    tail = data_rows[len(data_rows) // 2 :] or data_rows
    value_columns = [
        c
        for c in range(width)
        if sum(_is_value(r[c]) for r in tail) > 0.8 * max(1, sum(bool(r[c].strip()) for r in tail))
        and any(r[c].strip() for r in tail)
    ]
    candidate = start + 1  # a further heading row: text where the data has numbers or dates
    while (
        value_columns
        and candidate < end
        and not any(_is_value(rows[candidate - 1][c]) for c in value_columns)
        and any(rows[candidate - 1][c].strip() for c in value_columns)
    ):
        header_rows.append(candidate)
        candidate += 1
    first_data = header_rows[-1] + 1
    if first_data > end:
        raise NotATable("die Tabelle hat nur Überschriften und keine Daten")
    return header_rows, first_data, end, width


def _longest_block(rows: list[list[str]], width: int) -> tuple[int, int] | None:
    """1-based first and last record of the longest run of records of `width` cells with at
    least two filled (one for a one-column file)."""
    needed = 2 if width > 1 else 1
    best, run_start = None, None
    for number, row in enumerate(rows + [[]], start=1):
        fits = len(row) == width and _filled(row) >= needed
        if fits and run_start is None:
            run_start = number
        if not fits and run_start is not None:
            if best is None or number - run_start > best[1] - best[0] + 1:
                best = (run_start, number - 1)
            run_start = None
    return best
