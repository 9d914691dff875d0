"""Declarations in a Table Schema that Frictionless would accept and then silently ignore or
misread: refused when the declarations are checked, each with the fix named."""

from __future__ import annotations

from pipelines.config.dataset import COLUMN_NAME
from pipelines.errors import ConfigProblem

_NUMBER_KEYS = ("decimalChar", "groupChar", "bareNumber")
_DATE_TYPES = ("date", "datetime", "time")
_STRING_FORMATS = ("default", "email", "uri", "binary", "uuid")


def field_problems(descriptor: dict, label: str) -> list[ConfigProblem]:
    """Every field problem of a schema at once: names, titles, and options that would not work."""
    problems = []
    for index, field in enumerate(descriptor.get("fields", [])):
        if not isinstance(field, dict):
            continue
        key = f"fields.{index}"
        name, kind = field.get("name", ""), field.get("type", "string")
        if not COLUMN_NAME.match(str(name)):
            problems.append(
                ConfigProblem(
                    label,
                    f"{key}.name",
                    f"„{name}“: Spaltennamen in Kleinbuchstaben, Ziffern und _ "
                    "(die Überschrift der Quelle gehört in label)",
                )
            )
        for option in ("title", "description"):
            if not field.get(option):
                problems.append(
                    ConfigProblem(
                        label, f"{key}.{option}", "fehlt (deutscher Titel und Beschreibung für das Datenlexikon)"
                    )
                )
        problems += [
            ConfigProblem(label, f"{key}.{option}", message) for option, message in _option_problems(field, kind)
        ]
    return problems


def _option_problems(field: dict, kind: str) -> list[tuple[str, str]]:
    problems = []
    decimal_char, group_char = field.get("decimalChar"), field.get("groupChar")
    if kind not in ("number", "integer"):
        for option in _NUMBER_KEYS:
            if option in field:
                problems.append(
                    (
                        option,
                        f"gilt nur für Zahlen, bei type: {kind} wird es übergangen: entfernen "
                        "oder type: number angeben",
                    )
                )
    if kind == "integer" and decimal_char is not None:
        problems.append(
            (
                "decimalChar",
                "eine ganze Zahl hat kein Dezimaltrennzeichen: decimalChar entfernen oder type: number angeben",
            )
        )
    if kind == "number" and group_char and group_char == (decimal_char or "."):
        problems.append(
            (
                "groupChar",
                f"Dezimal- und Tausendertrennzeichen sind beide „{group_char}“: für deutsche Zahlen "
                'decimalChar: "," und groupChar: "." angeben',
            )
        )
    for option in ("decimalChar", "groupChar"):
        value = field.get(option)
        if value is not None and (not isinstance(value, str) or len(value) != 1):
            problems.append((option, 'genau ein Zeichen angeben, z. B. "," oder "."'))
    fmt = field.get("format")
    if fmt is not None:
        if kind in _DATE_TYPES and fmt not in ("default", "any") and "%" not in str(fmt):
            problems.append(
                (
                    "format",
                    f"„{fmt}“ ist kein Datumsformat, das Frictionless versteht: "
                    'z. B. format: "%d.%m.%Y" für 24.01.2020',
                )
            )
        elif kind in ("number", "integer", "boolean", "year", "yearmonth") and fmt != "default":
            problems.append(
                (
                    "format",
                    f"bei type: {kind} wird format übergangen: entfernen "
                    "(Dezimal- und Tausendertrennzeichen: decimalChar, groupChar)",
                )
            )
        elif kind == "string" and fmt not in _STRING_FORMATS:
            problems.append(("format", f"„{fmt}“ ist kein Textformat ({', '.join(_STRING_FORMATS)})"))
    return problems
