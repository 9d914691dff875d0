"""CSV downloads that a spreadsheet cannot turn into formulas (CSV injection).

A text cell starting with `=`, `+`, `-`, `@`, tab or carriage return is run by Excel and
LibreOffice as a formula when the CSV is opened (`=HYPERLINK(...)`, `-2+3+cmd|...`). Such a
cell is written with a leading apostrophe, which spreadsheets read as "this is text" and do not
show. Numbers stay numbers: `-2.5` is never touched.

Two places apply it:
- the published `<resource>.csv` in build/ (written by pipelines.output, typed: only text
  fields); `from_published_text` undoes it when the CSV is loaded into portal.db, so the
  database and the JSON keep the original text;
- Datasette's CSV export, where values come from SQL of any shape: `CsvNeutraliser` rewrites the
  streamed response and exempts cells that read as plain numbers.
"""
from __future__ import annotations

import codecs
import csv
import io
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_cell(text: str) -> str:
    """`text` as it may stand in a CSV download: formula-like cells get a leading apostrophe."""
    if len(text) > 1 and text.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def from_published_text(text: str) -> str:
    """Undo the apostrophe pipelines.output.spreadsheet_safe puts before formula-like text in
    build/ CSVs (text fields only)."""
    if text.startswith("'") and text.lstrip("'").startswith(TRIGGERS):
        return text[1:]
    return text


def _complete_records_end(text: str) -> int:
    """Offset after the last newline that ends a CSV record (not one inside a quoted cell).
    Quotes inside a cell are doubled, so an odd count on a line flips in/out of quotes."""
    position, in_quotes, end = 0, False, 0
    while True:
        newline = text.find("\n", position)
        if newline < 0:
            return end
        if text.count('"', position, newline) % 2:
            in_quotes = not in_quotes
        position = newline + 1
        if not in_quotes:
            end = position


class CsvNeutraliser:
    """Rewrites a UTF-8 CSV stream chunk by chunk, applying neutralise_cell to every cell."""

    def __init__(self):
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""

    def feed(self, data: bytes, final: bool = False) -> bytes:
        text = self._pending + self._decoder.decode(data, final)
        end = len(text) if final else _complete_records_end(text)
        complete, self._pending = text[:end], text[end:]
        if not complete:
            return b""
        out = io.StringIO()
        writer = csv.writer(out)  # the excel dialect Datasette writes with (\r\n, minimal quoting)
        for row in csv.reader(io.StringIO(complete, newline="")):
            writer.writerow([neutralise_cell(cell) for cell in row])
        return out.getvalue().encode("utf-8")


def is_csv_response(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Datasette answers `.csv` with text/plain (text/csv with `_dl`); `_trace` gives HTML."""
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"").decode("latin-1").lower()
    return content_type.startswith("text/csv") or (path.endswith(".csv") and content_type.startswith("text/plain"))


def neutralising_send(path: str, send):
    """Wrap an ASGI `send` so that a CSV response body passes through CsvNeutraliser."""
    state = {"neutraliser": None}

    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if is_csv_response(path, headers):
                state["neutraliser"] = CsvNeutraliser()
                message = {**message, "headers": [(k, v) for k, v in headers if k.lower() != b"content-length"]}
        elif message["type"] == "http.response.body" and state["neutraliser"] is not None:
            more = message.get("more_body", False)
            message = {**message, "body": state["neutraliser"].feed(message.get("body", b""), final=not more)}
        await send(message)

    return wrapped
