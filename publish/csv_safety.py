"""CSV downloads that a spreadsheet cannot turn into formulas (CSV injection).

The rule (which cells, how they are protected, and that every field holding a line break is
quoted) is `contracts.spreadsheet`, shared with the pipelines that write the published CSVs.
Two places apply it:
- the published `<resource>.csv` in build/ (written by pipelines.output, typed: only text
  fields); `contracts.spreadsheet.from_spreadsheet_safe` undoes it when the CSV is loaded into portal.db, so the
  database and the JSON keep the original text;
- Datasette's CSV export, where values come from SQL of any shape: `CsvNeutraliser` rewrites the
  streamed response and exempts cells that read as plain numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys

from contracts.spreadsheet import QuotingWriter, neutralise_cell


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


class TruncatedCsv(Exception):
    """A CSV stream ended with something that is not a complete record of the header's width."""


class CsvNeutraliser:
    """Rewrites a UTF-8 CSV stream chunk by chunk, applying neutralise_cell to every cell.

    It also checks the stream is whole: Datasette writes an error met after the first page
    (the SQL time limit, `max_csv_mb`) as plain text into the body of a `200` answer and ends
    it normally. Every record Datasette writes ends with a line break and has the header's
    number of cells; anything else raises TruncatedCsv.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._width: int | None = None

    def feed(self, data: bytes, final: bool = False) -> bytes:
        """The neutralised complete records in `data` (plus what was held back). Raises
        TruncatedCsv on a record of the wrong width, or at `final` if text is left over."""
        text = self._pending + self._decoder.decode(data, final)
        end = _complete_records_end(text)
        complete, self._pending = text[:end], text[end:]
        if final and self._pending:
            raise TruncatedCsv(f"CSV endet mitten in einer Zeile: {self._pending[:200]!r}")
        if not complete:
            return b""
        out = io.StringIO()
        writer = QuotingWriter(out, lineterminator="\r\n")  # Datasette's excel dialect, minimal quoting
        for row in csv.reader(io.StringIO(complete, newline="")):
            if self._width is None:
                self._width = len(row)
            elif len(row) != self._width:
                raise TruncatedCsv(f"CSV-Zeile mit {len(row)} statt {self._width} Feldern: {row[:3]!r}")
            writer.writerow([neutralise_cell(cell) for cell in row])
        return out.getvalue().encode("utf-8")


def is_csv_response(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Datasette answers `.csv` with text/plain (text/csv with `_dl`); `_trace` gives HTML."""
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"").decode("latin-1").lower()
    return content_type.startswith("text/csv") or (path.endswith(".csv") and content_type.startswith("text/plain"))


def neutralising_send(path: str, send):
    """Wrap an ASGI `send` so that a CSV response body passes through CsvNeutraliser.

    A truncated CSV stream (TruncatedCsv) is never finished: its last records and the error
    text are dropped and no end of body is sent, so the server closes the connection without
    the final chunk and clients report an incomplete download instead of a complete file."""
    state = {"neutraliser": None, "truncated": False}

    async def wrapped(message):
        if state["truncated"]:
            return
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if is_csv_response(path, headers):
                state["neutraliser"] = CsvNeutraliser()
                message = {**message, "headers": [(k, v) for k, v in headers if k.lower() != b"content-length"]}
        elif message["type"] == "http.response.body" and state["neutraliser"] is not None:
            more = message.get("more_body", False)
            try:
                body = state["neutraliser"].feed(message.get("body", b""), final=not more)
            except TruncatedCsv as error:
                state["truncated"] = True
                print(f"CSV-Export abgebrochen ({path}): {error}", file=sys.stderr, flush=True)
                return
            message = {**message, "body": body}
        await send(message)

    return wrapped
