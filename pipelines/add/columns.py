"""A Table Schema field for one column, drafted from its cells the way a German reader
reads them: `1.234,56` is a number, `07.03.2022` a date, `ja`/`nein` yes and no, `01067` a
code (text, the leading zero stays).

Every decision is safe for the build: a column is typed only when every value casts; when
values disagree (two date forms, an English number among German ones) it stays text and the
disagreement is reported as undecided.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pipelines.checks.german_values import (
    DATE_FORMATS,
    FALSE_WORDS,
    PLACEHOLDERS,
    TRUE_WORDS,
    YEAR,
    date_shape,
    number_shape,
)

SPACE = " \t"
# Headings of number columns that are codes, not amounts: never summed, leading zeros matter.
_CODE_HEADING = re.compile(
    r"(?i)(\bplz\b|postleitzahl|schl(ü|ue)ssel|\bags\b|\bgkz\b|kennziffer|\bars\b|konto|nummer|\bnr\b)"
)


@dataclass
class ColumnDraft:
    field: dict  # type and its options (no name/title)
    decided: str | None = None  # German, for the terminal
    undecided: str | None = None
    notes: list[str] = dataclasses.field(default_factory=list)


def draft_column(cells: list[str], heading: str, delimiter: str = ";") -> ColumnDraft:
    """The field for a column with these raw `cells` (strings as in the file)."""
    values = [c.strip(SPACE) for c in cells]
    padded = any(v != c for v, c in zip(values, cells, strict=True) if v)
    filled = [v for v in values if v]
    if not filled:
        return ColumnDraft({"type": "string"}, undecided=f"„{heading}“ ist leer: als Text übernommen")
    placeholders = sorted({v for v in filled if v in PLACEHOLDERS})
    real = [v for v in filled if v not in PLACEHOLDERS]
    if real:
        for attempt in (_numbers, _dates, _booleans):
            result = attempt(real, heading, delimiter, padded)
            if result is not None:
                if placeholders and result.field["type"] != "string":
                    result.field["missingValues"] = ["", *placeholders]
                    result.notes.append(f"„{heading}“: {', '.join(placeholders)} gilt als „kein Wert“")
                return result
    return ColumnDraft({"type": "string"})


def _numbers(values: list[str], heading: str, delimiter: str, padded: bool) -> ColumnDraft | None:
    shapes = [number_shape(v) for v in values]
    if None in shapes:
        return None
    kinds = set(shapes)
    if "english-grouped" in kinds:
        return ColumnDraft(
            {"type": "string"},
            undecided=(
                f"„{heading}“ enthält Zahlen in englischer Schreibweise (1,234.56): als Text übernommen; "
                'wenn es Zahlen sind, type: number mit groupChar: "," angeben'
            ),
        )
    multi_group = any(v.count(".") > 1 for v in values)
    if "decimal-comma" in kinds:
        if "decimal-dot" in kinds:
            return ColumnDraft(
                {"type": "string"}, undecided=(f"„{heading}“ mischt Dezimalkomma und Dezimalpunkt: als Text übernommen")
            )
        return ColumnDraft(
            {"type": "number", "decimalChar": ",", "groupChar": "."},
            decided=f"„{heading}“: Zahl mit Dezimalkomma (1.234,56)",
        )
    if "decimal-dot" in kinds:
        if multi_group:
            return ColumnDraft(
                {"type": "string"},
                undecided=(f"„{heading}“ mischt Tausenderpunkte und Dezimalpunkte: als Text übernommen"),
            )
        return ColumnDraft({"type": "number"}, decided=f"„{heading}“: Zahl mit Dezimalpunkt (51.96)")
    if "grouped" in kinds:
        if multi_group or delimiter == ";":
            return ColumnDraft(
                {"type": "integer", "groupChar": "."}, decided=f"„{heading}“: ganze Zahl mit Tausenderpunkt (1.234.567)"
            )
        grouped = next(v for v, s in zip(values, shapes, strict=True) if s == "grouped")
        return ColumnDraft(
            {"type": "number"},
            undecided=(
                f"„{heading}“: „{grouped}“ kann 1,234 oder 1234 "
                'bedeuten; als Zahl mit Dezimalpunkt gelesen (bei Tausenderpunkt: type: integer, groupChar: ".")'
            ),
        )
    # Only plain integers from here on.
    if _CODE_HEADING.search(heading):
        return ColumnDraft({"type": "string"}, decided=f"„{heading}“: Kennziffer (Postleitzahl, Schlüssel), als Text")
    if any(len(v.lstrip("+-")) > 1 and v.lstrip("+-").startswith("0") for v in values):
        return ColumnDraft(
            {"type": "string"}, decided=f"„{heading}“: Kennziffer mit führender Null, als Text (die Null bleibt)"
        )
    if all(YEAR.match(v) for v in values) and "jahr" in heading.lower():
        return ColumnDraft({"type": "integer"}, decided=f"„{heading}“: Jahreszahl (ganze Zahl)")
    if any(len(v.lstrip("+-")) > 15 for v in values):
        return ColumnDraft({"type": "string"}, decided=f"„{heading}“: lange Ziffernfolge, als Text (Kennung)")
    return ColumnDraft({"type": "integer"}, decided=f"„{heading}“: ganze Zahl")


def _dates(values: list[str], heading: str, delimiter: str, padded: bool) -> ColumnDraft | None:
    shapes: set[str] = set()
    for value in values:
        shape = date_shape(value)
        if shape is None:
            return None
        shapes.add(shape)
    if len(shapes) > 1:
        forms = ", ".join(sorted("JJJJ-MM" if s == "year-month" else DATE_FORMATS[s][2] for s in shapes))
        return ColumnDraft(
            {"type": "string"},
            undecided=(
                f"„{heading}“ hat gemischte Datumsformen ({forms}): als Text übernommen; für ein Datum die Werte "
                "vereinheitlichen und type: date mit format angeben"
            ),
        )
    shape = shapes.pop()
    if shape == "year-month":
        return ColumnDraft(
            {"type": "string", "constraints": {"pattern": "[0-9]{4}-[0-9]{2}"}},
            decided=f"„{heading}“: Jahr und Monat (JJJJ-MM), als Text im Format JJJJ-MM",
        )
    _, fmt, words = DATE_FORMATS[shape]
    if fmt is None:
        return ColumnDraft(
            {"type": "string"},
            undecided=(f"„{heading}“: Datum in der Form {words} ist mehrdeutig: als Text übernommen"),
        )
    if padded:
        return ColumnDraft(
            {"type": "string"}, undecided=(f"„{heading}“: Datumswerte mit Leerzeichen am Rand: als Text übernommen")
        )
    descriptor = {"type": "date"} if shape == "iso" else {"type": "date", "format": fmt}
    return ColumnDraft(descriptor, decided=f"„{heading}“: Datum ({words})")


def _booleans(values: list[str], heading: str, delimiter: str, padded: bool) -> ColumnDraft | None:
    distinct = set(values)
    trues, falses = distinct & set(TRUE_WORDS), distinct & set(FALSE_WORDS)
    if not trues or not falses or distinct - trues - falses or padded:
        return None
    return ColumnDraft(
        {"type": "boolean", "trueValues": sorted(trues), "falseValues": sorted(falses)}, decided=f"„{heading}“: ja/nein"
    )
