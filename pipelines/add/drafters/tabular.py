"""Delimited text files (CSV, TSV, `;`-separated German exports) → the `csv` kind."""

from __future__ import annotations

from pipelines.add.columns import SPACE, draft_column
from pipelines.add.draft import Draft, DraftFailed, Probe
from pipelines.add.names import column_names, title_from_heading
from pipelines.add.sniff import NotATable, TextTable, read_text_table
from pipelines.checks.hygiene import MOJIBAKE

_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
_DELIMITER_WORDS = {";": "Semikolon (;)", ",": "Komma (,)", "\t": "Tabulator", "|": "senkrechter Strich (|)"}


class CsvDrafter:
    kind = "csv"

    def recognises(self, probe: Probe) -> int:
        score = 1 if probe.suffix in _TEXT_SUFFIXES else 0
        head = probe.head
        if head and b"\0" not in head[:4096] and not head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith((b"{", b"[", b"<")):
            first_line = head.split(b"\n", 1)[0]
            if any(mark in first_line for mark in (b";", b",", b"\t", b"|")):
                score += 2
        return score

    def draft(self, probe: Probe) -> Draft:
        try:
            table = read_text_table(probe.path)
        except NotATable as error:
            raise DraftFailed(f"Die Datei ist keine lesbare Tabelle: {error}") from error
        return draft_text_table(table)


def headings_of(table: TextTable) -> list[str]:
    """One heading per column: the heading rows' distinct texts joined, trimmed."""
    headings: list = []
    for column in range(table.width):
        parts: list[str] = []
        for number in table.header_rows:
            cell = table.rows[number - 1][column].strip(SPACE)
            if cell and cell not in parts:
                parts.append(cell)
        headings.append(parts)
    # A part over every column (GENESIS: „Flächennutzungsarten“) names the table, not a column.
    named = [parts for parts in headings if parts]
    shared = {part for part in named[0] if all(part in parts for parts in named)} if len(named) > 2 else set()
    return [" ".join(p for p in parts if p not in shared or len(parts) == 1) for parts in headings]


def draft_text_table(table: TextTable) -> Draft:
    decided = list(table.notes)
    decided.append(f"Trennzeichen: {_DELIMITER_WORDS.get(table.delimiter, table.delimiter)}")
    source: dict = {"kind": "csv", "encoding": table.encoding, "delimiter": table.delimiter}

    def column(number: int, heading: str):
        return draft_column([row[number - 1] for row in table.data], heading, table.delimiter)

    draft = draft_layout(table, source, decided, column)
    garbled = next((cell for row in table.data for cell in row if MOJIBAKE.search(cell)), None)
    if garbled:
        draft.undecided.insert(
            0,
            f"Text sieht doppelt kodiert aus („{garbled[:40]}“): die Datei wurde schon "
            "falsch umgewandelt, bevor sie hierher kam; besser neu exportieren "
            "(der Bau warnt mit Zeile und Feld)",
        )
    return draft


def draft_layout(table: TextTable, source: dict, decided: list[str], column) -> Draft:
    """The declaration and schema for a located table; `column(number, heading)` drafts the
    field of a column (a ColumnDraft)."""
    headings = headings_of(table)
    undecided: list[str] = []
    one_clean_heading = len(table.header_rows) == 1 and all(headings) and len(set(headings)) == len(headings)
    if one_clean_heading:
        decided.append(f"Überschriften in Zeile {table.header_rows[0]}")
        if table.header_rows != [1]:
            source["header_rows"] = table.header_rows
        skipped = list(range(table.last_data_row + 1, len(table.rows) + 1))
    else:
        # Frictionless refuses blank and repeated headings, and joins heading rows into
        # labels no one would type: the columns are taken by position instead.
        why = (
            "Überschrift über mehrere Zeilen"
            if len(table.header_rows) > 1
            else "leere oder doppelte Spaltenüberschriften"
        )
        decided.append(
            f"Überschriften in Zeile {', '.join(map(str, table.header_rows))} ({why}): "
            "Spalten werden nach ihrer Stellung gelesen"
        )
        source["header_rows"] = []
        skipped = sorted(set(table.header_rows) | set(table.skipped_rows()))
    if skipped:
        source["comment_rows"] = skipped
        before = [n for n in skipped if n < table.first_data_row and n not in table.header_rows]
        after = [n for n in skipped if n > table.last_data_row]
        if before:
            decided.append(f"{len(before)} Zeilen vor der Tabelle übersprungen")
        if after:
            decided.append(f"{len(after)} Zeilen nach der Tabelle übersprungen (Fußnoten, Leerzeilen)")
            undecided.append(
                "die Zeilen nach der Tabelle werden nach ihrer Nummer übersprungen: "
                "kommt die Datei künftig mit mehr Zeilen, comment_rows in dataset.yaml anpassen"
            )
    names = column_names(headings)
    fields = []
    for number, (name, heading) in enumerate(zip(names, headings, strict=True), start=1):
        drafted = column(number, heading or f"Spalte {number}")
        title = title_from_heading(heading, number)
        described = (
            f"Spalte „{heading}“ der Quelldatei." if heading else f"Spalte {number} der Quelldatei (ohne Überschrift)."
        )
        field = {"name": name}
        if heading and heading != name:
            field["label"] = heading
        field.update(drafted.field)
        field.update({"title": title, "description": described})
        fields.append(field)
        if drafted.decided:
            decided.append(drafted.decided)
        if drafted.undecided:
            undecided.append(drafted.undecided)
        decided += drafted.notes
    decided.append(f"{len(table.data)} Datenzeilen, {table.width} Spalten")
    return Draft(source=source, schema={"fields": fields}, decided=decided, undecided=undecided)


CSV_DRAFTER = CsvDrafter()
