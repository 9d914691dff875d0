"""Spreadsheets (XLSX, ODS) → the `xlsx` and `ods` kinds. Cells come typed (numbers, dates,
text), read by Frictionless exactly as the build reads them; text cells are drafted like CSV
cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from frictionless import Dialect, FrictionlessException
from frictionless.resources import TableResource

from pipelines.add.columns import ColumnDraft, draft_column
from pipelines.add.draft import Draft, DraftFailed, Probe
from pipelines.add.drafters.tabular import draft_layout
from pipelines.add.sniff import NotATable, TextTable, locate_table
from pipelines.errors import DatasetFailed
from pipelines.kinds.source_files import check_ods_cells, check_spreadsheet_container
from pipelines.kinds.tabular import SPREADSHEET_CONTROLS

_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class SpreadsheetDrafter:
    kind: str  # "xlsx" or "ods": the source kind, also Frictionless's format name
    suffixes: tuple[str, ...]
    marker: bytes  # in the first bytes of a ZIP of this format
    label: str  # German: "Excel-Arbeitsmappe"
    sheet_names: Callable[[Probe], list[str]]
    refused_suffixes: tuple[str, ...] = ()  # old binary formats: refused with advice

    def recognises(self, probe: Probe) -> int:
        if probe.suffix in self.refused_suffixes:
            return 1  # refused with advice in draft()
        score = 1 if probe.suffix in self.suffixes else 0
        if probe.head.startswith(_ZIP) and self.marker in probe.head:
            score += 2
        return score

    def draft(self, probe: Probe) -> Draft:
        if probe.suffix in self.refused_suffixes:
            raise DraftFailed(
                f"{probe.suffix[1:].upper()}-Dateien liest das Portal noch nicht: in der Tabellenkalkulation "
                "„Speichern unter“ als Excel-Arbeitsmappe (.xlsx), OpenDocument-Tabelle (.ods) oder CSV "
                "wählen und diese Datei angeben"
            )
        sheets = self.sheet_names(probe)
        try:
            resource = TableResource(
                probe.path.name,
                basepath=str(probe.path.parent),
                format=self.kind,
                dialect=Dialect(header=False, controls=[SPREADSHEET_CONTROLS[self.kind](sheet=1)]),
            )
            typed = [list(row) for row in resource.read_cells()]
        except FrictionlessException as error:
            raise DraftFailed(f"keine lesbare {self.label} ({error.error.note or error.error.message})") from error
        width = max((len(row) for row in typed), default=0)
        typed = [row + [None] * (width - len(row)) for row in typed]
        text_rows = [[_as_text(cell) for cell in row] for row in typed]
        try:
            header_rows, first, last, width = locate_table(text_rows)
        except NotATable as error:
            raise DraftFailed(f"Die Datei ist keine lesbare Tabelle: {error}") from error
        table = TextTable(
            encoding="",
            delimiter="",
            rows=text_rows,
            header_rows=header_rows,
            first_data_row=first,
            last_data_row=last,
            width=width,
        )
        decided = [f"{self.label}, Tabellenblatt „{sheets[0]}“" if sheets else self.label]
        draft_undecided = []
        if len(sheets) > 1:
            draft_undecided.append(
                f"die Datei hat {len(sheets)} Tabellenblätter ({', '.join(sheets)}); übernommen ist das "
                "erste, ein anderes mit sheet: in dataset.yaml wählen"
            )
        data = typed[first - 1 : last]

        def column(number: int, heading: str) -> ColumnDraft:
            return _typed_column([row[number - 1] for row in data], heading)

        source = {"kind": self.kind, "sheet": sheets[0]} if sheets else {"kind": self.kind}
        draft = draft_layout(table, source, decided, column)
        draft.undecided = draft_undecided + draft.undecided
        return draft


def _xlsx_sheet_names(probe: Probe) -> list[str]:
    from openpyxl import load_workbook  # only when a spreadsheet is drafted

    try:
        book = load_workbook(probe.path, read_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign file
        raise DraftFailed(f"keine lesbare Excel-Datei ({type(error).__name__})") from error
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _ods_sheet_names(probe: Probe) -> list[str]:
    import ezodf  # installed with frictionless[ods]; only when a spreadsheet is drafted

    try:  # the build's guards first: ezodf would read a collapsed row once, or fill the memory
        check_spreadsheet_container(probe.path, probe.path.name, "ods")
        check_ods_cells(probe.path, probe.path.name)
    except DatasetFailed as error:
        issue = error.issues[0]
        raise DraftFailed(
            f"keine lesbare OpenDocument-Tabelle: {issue.message} (erwartet: {issue.expected})"
        ) from error
    try:
        return list(ezodf.opendoc(str(probe.path)).sheets.names())
    except Exception as error:  # ezodf raises many kinds (zipfile, lxml, its own) for a broken file
        raise DraftFailed(f"keine lesbare OpenDocument-Tabelle ({type(error).__name__})") from error


def _as_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, bool):
        return "ja" if cell else "nein"
    return str(cell)


def _typed_column(cells: list, heading: str) -> ColumnDraft:
    values = [c for c in cells if c is not None and c != ""]
    kinds = {type(v) for v in values}
    if not values or kinds == {str}:
        return draft_column([c if isinstance(c, str) else "" for c in cells], heading)
    if kinds == {bool}:
        return ColumnDraft({"type": "boolean"}, decided=f"„{heading}“: ja/nein")
    if kinds <= {int, float}:
        if all(float(v).is_integer() for v in values):
            return ColumnDraft({"type": "integer"}, decided=f"„{heading}“: ganze Zahl")
        return ColumnDraft({"type": "number"}, decided=f"„{heading}“: Zahl")
    if kinds <= {dt.datetime, dt.date}:
        if all(not isinstance(v, dt.datetime) or v.time() == dt.time() for v in values):
            return ColumnDraft({"type": "date"}, decided=f"„{heading}“: Datum")
        return ColumnDraft({"type": "datetime"}, decided=f"„{heading}“: Zeitpunkt")
    kind_names = ", ".join(sorted(k.__name__ for k in kinds))
    return ColumnDraft(
        {"type": "any"},
        undecided=(
            f"„{heading}“ mischt Zellen verschiedener Art ({kind_names}): unverändert "
            "übernommen; einheitlich formatieren und einen Typ angeben"
        ),
    )


XLSX_DRAFTER = SpreadsheetDrafter(
    "xlsx", (".xlsx", ".xlsm"), b"xl/", "Excel-Arbeitsmappe", _xlsx_sheet_names, refused_suffixes=(".xls",)
)
# The mimetype member comes first and uncompressed (OpenDocument 1.2, part 3, 3.3).
ODS_DRAFTER = SpreadsheetDrafter(
    "ods", (".ods",), b"application/vnd.oasis.opendocument.spreadsheet", "OpenDocument-Tabelle", _ods_sheet_names
)
