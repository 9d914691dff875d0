"""Guards a source file passes before a tabular reader touches it.

Each guard refuses a file that would otherwise take the build down (a zip bomb, a field
that swallows the rest of the file) or be misread (an HTML error page served as CSV), with a
German report naming the file.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import DatasetFailed, Issue

# A cell this long is almost always an unclosed quote that swallowed the rest of the file;
# the limit also keeps a single huge field from being read into memory.
MAX_CELL_CHARS = 1_000_000
# XLSX and ODS are ZIPs of XML; openpyxl and ezodf unpack them while reading. A real sheet compresses 5–30×;
# a zip bomb compresses 1000× and more. Both limits are checked in the ZIP directory,
# before anything is unpacked (Python's zipfile never inflates past the declared size).
MAX_XLSX_UNPACKED_BYTES = 1 << 30
MAX_XLSX_RATIO = 200
RATIO_CHECKED_ABOVE_BYTES = 10 << 20

_NOT_DATA_TYPES = (
    "text/html",
    "application/xhtml",
    "application/json",
    "application/pdf",
    "image/",
    "video/",
    "audio/",
)
_NOT_SPREADSHEET_TYPES = ("text/",)
_EXPECTED_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# spreadsheet kind -> (name in messages, what the file should be)
_SPREADSHEETS = {
    "xlsx": ("XLSX", "eine mit Excel oder LibreOffice gespeicherte .xlsx-Datei"),
    "ods": ("ODS", "eine mit LibreOffice oder Excel gespeicherte .ods-Datei"),
}


def check_spreadsheet_container(path: Path, shown_name: str, kind: str = "xlsx") -> None:
    """Refuse an XLSX or ODS (`kind`) that is no ZIP, or that would unpack to more than the
    limits allow.

    Raises DatasetFailed (type format-error or source-error) naming the member at fault.
    """
    check_zip_container(path, shown_name, *_SPREADSHEETS[kind])


def check_zip_container(path: Path, shown_name: str, what: str, expected: str) -> None:
    """Refuse a ZIP-packed source (`what`: "XLSX", "Shapefile-ZIP") that is no ZIP, or that
    would unpack to more than the limits allow. Raises DatasetFailed naming the member at fault."""
    if not zipfile.is_zipfile(path):
        raise DatasetFailed(
            f"{shown_name} ist keine {what}-Datei",
            [
                Issue(
                    type="format-error",
                    file=shown_name,
                    message=f"die Datei ist kein {what}-Container (ZIP) oder abgeschnitten",
                    expected=expected,
                )
            ],
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise DatasetFailed(
            f"{shown_name} ist beschädigt",
            [
                Issue(
                    type="format-error",
                    file=shown_name,
                    message="das Inhaltsverzeichnis der ZIP-Datei ist nicht lesbar",
                    expected=f"eine vollständige {what}-Datei",
                )
            ],
        ) from None
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise DatasetFailed(
            f"{shown_name} entpackt zu groß",
            [
                Issue(
                    type="source-error",
                    file=shown_name,
                    message=f"die Datei würde auf {total:,} Bytes entpackt (ZIP-Bombe?)".replace(",", "."),
                    expected=f"höchstens {MAX_XLSX_UNPACKED_BYTES:,} Bytes entpackt".replace(",", "."),
                )
            ],
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_XLSX_RATIO:
            raise DatasetFailed(
                f"{shown_name} ist verdächtig stark gepackt",
                [
                    Issue(
                        type="source-error",
                        file=shown_name,
                        message=f"{member.filename} ist {ratio:.0f}-fach gepackt (ZIP-Bombe?)",
                        expected=f"höchstens {MAX_XLSX_RATIO}-fach gepackte Dateien",
                    )
                ],
            )


def check_content_type(content_type: str | None, kind: str, url: str) -> None:
    """Refuse a download whose Content-Type says it is not a table (e.g. an HTML error page
    answered with 200). A missing or generic type (application/octet-stream) passes."""
    if not content_type:
        return
    media_type = content_type.split(";")[0].strip().lower()
    refused = tuple(
        prefix
        for prefix in _NOT_DATA_TYPES + (_NOT_SPREADSHEET_TYPES if kind in _SPREADSHEETS else ())
        if kind not in _EXPECTED_TYPES or not _EXPECTED_TYPES[kind].startswith(prefix)
    )
    if media_type.startswith(refused):
        raise DatasetFailed(
            "Quelle liefert keine Tabelle",
            [
                Issue(
                    type="format-error",
                    file=url,
                    message=f"der Server lieferte „{media_type}“ statt einer {kind.upper()}-Datei",
                    expected=_EXPECTED_TYPES.get(kind, "text/csv"),
                )
            ],
        )


@contextmanager
def csv_field_limit() -> Iterator[None]:
    """Read CSV with cells capped at MAX_CELL_CHARS, then restore the previous process-wide
    limit. Frictionless reports a longer cell as a source-error (see pipelines.report)."""
    previous = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def check_encoding_name(encoding: str | None) -> None:
    """Raise ValueError (German) when Python does not know the declared encoding."""
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(f"unbekannte Zeichenkodierung „{encoding}“") from None


# ezodf (Frictionless's ODS reader) stores a row or cell that the file marks as repeated this
# often or more only once (its default, which keeps LibreOffice's million trailing filler rows
# out of memory), then pads every row to the widest: both decide what it reads and holds.
ODS_COLLAPSED_REPEAT = 32
# ezodf keeps the whole sheet as an XML tree: about 0.8 KB per cell (docs/decisions/ods-reader.md).
MAX_ODS_CELLS = 2_000_000
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def check_ods_cells(path: Path, shown_name: str) -> None:
    """Refuse an ODS whose tables ezodf would misread or could not hold, before it reads them:
    a row or cell with content repeated ODS_COLLAPSED_REPEAT times or more (it would be read
    once: rows silently lost), or more than MAX_ODS_CELLS cells once repetitions are expanded.
    Call after `check_spreadsheet_container`. Raises DatasetFailed naming table and row."""
    from lxml import etree  # installed with frictionless[ods]

    try:
        _count_ods_cells(path, shown_name, etree)
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile, EOFError, zlib.error, OSError):
        raise DatasetFailed(
            f"{shown_name} ist beschädigt",
            [
                Issue(
                    type="format-error",
                    file=shown_name,
                    message="der Tabelleninhalt (content.xml) der ODS-Datei fehlt oder ist beschädigt",
                    expected="eine vollständige, mit LibreOffice oder Excel gespeicherte .ods-Datei",
                )
            ],
        ) from None


def _count_ods_cells(path: Path, shown_name: str, etree) -> None:
    def repeat(element, attribute: str) -> int:
        try:
            return max(int(element.get(f"{{{_TABLE_NS}}}{attribute}", "1")), 1)
        except ValueError:
            return 1

    def kept(count: int) -> int:
        return count if count < ODS_COLLAPSED_REPEAT else 1

    table, rows, width, cells = "?", 0, 0, 0
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        events = etree.iterparse(
            content,
            events=("start", "end"),
            tag=(f"{{{_TABLE_NS}}}table", f"{{{_TABLE_NS}}}table-row"),
            resolve_entities=False,
            no_network=True,
        )
        for event, element in events:
            if element.tag == f"{{{_TABLE_NS}}}table":
                if event == "start":
                    table, rows, width = element.get(f"{{{_TABLE_NS}}}name", "?"), 0, 0
                else:
                    cells += rows * width
                    element.clear()
                continue
            if event == "start":
                continue
            row_width, filled = 0, False
            for cell in element:
                columns = repeat(cell, "number-columns-repeated")
                has_value = cell.get(f"{{{_OFFICE_NS}}}value-type") is not None or len(cell) > 0
                if has_value and columns >= ODS_COLLAPSED_REPEAT:
                    _refuse_repeated(shown_name, table, rows + 1, f"{columns} gleiche Zellen nebeneinander")
                filled = filled or has_value
                row_width += kept(columns)
            count = repeat(element, "number-rows-repeated")
            if filled and count >= ODS_COLLAPSED_REPEAT:
                _refuse_repeated(shown_name, table, rows + 1, f"{count} gleiche Zeilen untereinander")
            rows, width = rows + kept(count), max(width, row_width)
            element.clear()
            while element.getprevious() is not None:  # streamed: read rows leave no empty elements behind
                del element.getparent()[0]
            if cells + rows * width > MAX_ODS_CELLS:
                raise DatasetFailed(
                    f"{shown_name} ist für das ODS-Lesemodul zu groß",
                    [
                        Issue(
                            type="source-error",
                            file=shown_name,
                            message=f"Tabellenblatt „{table}“ hat mehr als {MAX_ODS_CELLS:,} Zellen".replace(",", "."),
                            expected="eine kleinere Tabelle, oder die Tabelle als CSV oder XLSX speichern",
                        )
                    ],
                )


def _refuse_repeated(shown_name: str, table: str, row: int, what: str) -> None:
    raise DatasetFailed(
        f"{shown_name}: zusammengefasste Zeilen oder Zellen",
        [
            Issue(
                type="format-error",
                file=shown_name,
                row=row,
                message=f"Tabellenblatt „{table}“, Zeile {row}: {what} sind in der Datei zusammengefasst gespeichert; "
                "das ODS-Lesemodul läse sie nur einmal",
                expected=f"weniger als {ODS_COLLAPSED_REPEAT} gleiche Zeilen oder Zellen in Folge, "
                "oder die Tabelle als CSV oder XLSX speichern",
            )
        ],
    )
