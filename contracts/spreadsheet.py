"""Text in CSV files that spreadsheets and line-based readers cannot misread.

Formulas (CSV injection, OWASP "CSV Injection"): Excel and LibreOffice run a cell as a formula
when it starts with `=`, `+`, `-` or `@`, also after leading spaces, tabs or line breaks, and
after a `;` (a semicolon-separated import splits `;=cmd|...` into an empty cell and a formula);
a cell starting with tab, carriage return or any other line break is refused by OWASP too.
Such a cell gets a leading apostrophe, which spreadsheets read as "this is text" and do not
show. Plain numbers (`-2.5`) are never touched.

Line breaks: Python's csv module quotes a field only for the characters of its own line
terminator; readers that split lines like `str.splitlines` (U+0085, U+2028, U+2029, vertical
tab, form feed, file/group/record separators, a bare carriage return) would cut such a record
in two. `QuotingWriter` quotes every field holding any of them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any, TextIO

#: Every character `str.splitlines` breaks a line at.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"[{re.escape(LINE_BREAKS)}]")

# Whitespace (any that `str.isspace` knows) and `;` may stand before the formula character.
_FORMULA = re.compile(r"[\s;]*[=+\-@]|[\t" + re.escape(LINE_BREAKS) + "]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: First characters of every text `looks_like_formula` or `spreadsheet_safe` may change: a cheap
#: test that lets writers skip the regular expressions for almost every cell.
FORMULA_START_CHARS = frozenset("'=+-@;" + "".join(c for c in map(chr, range(0x3001)) if c.isspace()))


def _starts_like_formula(text: str) -> bool:
    return _FORMULA.match(text) is not None


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet might run `text` as a formula (a plain number never is)."""
    return len(text) > 1 and _starts_like_formula(text) and not _PLAIN_NUMBER.match(text)


def neutralise_cell(text: str) -> str:
    """`text` as it may stand in a CSV download: formula-like cells get a leading apostrophe."""
    return "'" + text if looks_like_formula(text) else text


def spreadsheet_safe(text: str) -> str:
    """`text` of a text field as written to a published CSV: `neutralise_cell`, and text that
    already starts with apostrophes before a formula start gets one more, so that
    `from_spreadsheet_safe` gives back exactly `text`."""
    if text.startswith("'") and _starts_like_formula(text.lstrip("'")):
        return "'" + text
    return neutralise_cell(text)


def from_spreadsheet_safe(text: str) -> str:
    """Undo `spreadsheet_safe` (when a published CSV is loaded into a database)."""
    if text.startswith("'") and _starts_like_formula(text.lstrip("'")):
        return text[1:]
    return text


def has_line_break(text: str) -> bool:
    """True if `text` holds a character some reader takes for the end of a line."""
    # isprintable() is false for every line break and runs in C: most cells stop here.
    return not text.isprintable() and _LINE_BREAK.search(text) is not None


class QuotingWriter:
    """A `csv.writer` (minimal quoting) that also quotes every field holding a line break of
    any kind, so the file has a line break outside quotes only at the end of a record."""

    def __init__(self, file: TextIO, lineterminator: str = "\n"):
        #: Writes a record the caller knows to hold no line break (the csv module's own method,
        #: so a hot loop pays nothing extra).
        self.write_plain = csv.writer(file, lineterminator=lineterminator).writerow
        self._file = file
        self._terminator = lineterminator
        self._buffer = io.StringIO()
        # csv quotes a field holding any character of its line terminator: a terminator of
        # all line breaks quotes each of them; it is cut off again below.
        self._quoting = csv.writer(self._buffer, lineterminator=LINE_BREAKS)

    def writerow(self, values: Sequence[Any]) -> None:
        """Write one record."""
        if any(type(value) is str and has_line_break(value) for value in values):
            self.write_quoted(values)
        else:
            self.write_plain(values)

    def write_quoted(self, values: Sequence[Any]) -> None:
        """Write a record, quoting every field that holds a line break."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._quoting.writerow(values)
        self._file.write(self._buffer.getvalue()[: -len(LINE_BREAKS)] + self._terminator)
