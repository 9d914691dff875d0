"""Numbers with a thousands separator must use it in groups of three digits.

Frictionless removes the group character anywhere in a number, so with `decimalChar: ","`
and `groupChar: "."` an English `1,234.56` is read as 1.23456 and `2.5` as 25: silently
wrong values. This check looks at the raw cells and reports such numbers as type errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs
from frictionless import Check, errors


def grouped_number_pattern(decimal_char: str, group_char: str) -> re.Pattern:
    """The shape of a number like `-1.234.567,89` for the given separators."""
    group, decimal = re.escape(group_char), re.escape(decimal_char)
    return re.compile(rf"^\s*[+-]?(\d{{1,3}}({group}\d{{3}})+|\d+)({decimal}\d+)?\s*$")


@attrs.define(kw_only=True, repr=False)
class grouped_numbers(Check):
    """Report number cells whose group characters are not in groups of three."""

    type = "grouped-numbers"
    Errors = [errors.TypeError]

    def validate_start(self) -> Iterable[errors.Error]:
        self._patterns: dict[int, tuple[str, str, re.Pattern]] = {}
        for number, field in enumerate(self.resource.schema.fields, start=1):
            group_char = getattr(field, "group_char", "")
            # Only numbers: Frictionless's integer type has no groupChar and refuses `1.000` itself.
            if field.type == "number" and group_char and getattr(field, "bare_number", True):
                self._patterns[number] = (
                    field.name,
                    group_char,
                    grouped_number_pattern(getattr(field, "decimal_char", "."), group_char),
                )
        return []

    def validate_row(self, row) -> Iterable[errors.Error]:
        cells = row.cells
        for number, (field_name, group_char, pattern) in self._patterns.items():
            if number > len(cells):
                continue
            cell = cells[number - 1]
            if not isinstance(cell, str) or cell.strip() in ("", *self.resource.schema.missing_values):
                continue
            # A cell Frictionless could not cast at all is already reported as a type error.
            if row[field_name] is not None and not pattern.match(cell):
                yield errors.TypeError(
                    note=f"Tausendertrennzeichen „{group_char}“ nicht in Dreiergruppen",
                    cells=[str(c) for c in cells],
                    row_number=row.row_number,
                    cell=cell,
                    field_name=field_name,
                    field_number=number,
                )
