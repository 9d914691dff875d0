"""What a cell of a German municipal file looks like: a number in German or English notation,
a date in one of the common forms, ja/nein, a code with leading zeros.

One definition, used where a schema is drafted (`pipelines/add/`) and where a text field is
checked for values that should have been declared as numbers or dates (the lazy-path guard).
"""

from __future__ import annotations

import datetime as dt
import re

_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")  # 1.596.852.249 (or an English 1.234?)
_PLAIN_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")  # -999.999.999,99  51,964164
_DECIMAL_DOT = re.compile(r"^[+-]?\d*\.\d+$")  # 51.923733
_GROUPED_COMMA_DECIMAL_DOT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234.56 (English)

DATE_FORMATS = {
    "german": (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y", "TT.MM.JJJJ"),
    "iso": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d", "JJJJ-MM-TT"),
    "german-short": (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2}$"), "%d.%m.%y", "TT.MM.JJ"),
    "slash": (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), None, "TT/MM/JJJJ oder MM/TT/JJJJ"),
}
YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
YEAR = re.compile(r"^(1[89]|20|21)\d{2}$")
TRUE_WORDS = ("ja", "Ja", "JA", "wahr", "Wahr", "WAHR", "true", "True", "TRUE")
FALSE_WORDS = ("nein", "Nein", "NEIN", "falsch", "Falsch", "FALSCH", "false", "False", "FALSE")
#: Cells German statistics use for "no value" (GENESIS: `-` nothing, `.` unknown, `x` not sensible).
PLACEHOLDERS = ("-", ".", "x", "X", "…", "...")


def number_shape(text: str) -> str | None:
    """`integer`, `grouped` (dot thousands, no decimals), `decimal-comma`, `decimal-dot`,
    `english-grouped` or None when `text` is no number."""
    if _PLAIN_INTEGER.match(text):
        return "integer"
    if _GROUPED_DOT.match(text):
        return "grouped"
    if _DECIMAL_COMMA.match(text):
        return "decimal-comma"
    if _DECIMAL_DOT.match(text):
        return "decimal-dot"
    if _GROUPED_COMMA_DECIMAL_DOT.match(text):
        return "english-grouped"
    return None


def date_shape(text: str) -> str | None:
    """The key of DATE_FORMATS whose pattern `text` has and which is a real date, or
    `year-month`; None otherwise."""
    if YEAR_MONTH.match(text):
        return "year-month"
    for key, (pattern, fmt, _) in DATE_FORMATS.items():
        if pattern.match(text):
            if fmt is None:
                return key
            try:
                dt.datetime.strptime(text, fmt)
            except ValueError:
                return None
            return key
    return None


def looks_german_number(text: str) -> bool:
    """A value a German spreadsheet shows as a number but a text field would keep as text."""
    return number_shape(text) in ("grouped", "decimal-comma")


def declared_type_hint(values: list[str], share: float = 0.95) -> str | None:
    """For the values of a text field: the type to declare when nearly all (`share`) of the
    non-empty ones are German numbers or dates, in German words; None otherwise."""
    filled = [v for v in values if v and v not in PLACEHOLDERS]
    if len(filled) < 3:
        return None
    numbers = sum(1 for v in filled if number_shape(v) in ("integer", "grouped", "decimal-comma"))
    german = sum(1 for v in filled if looks_german_number(v))
    if german and numbers >= share * len(filled):
        return 'type: number mit decimalChar: "," und groupChar: "."'
    dates = sum(1 for v in filled if date_shape(v) == "german")
    if dates >= share * len(filled):
        return 'type: date mit format: "%d.%m.%Y"'
    return None
