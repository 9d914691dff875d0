"""Numbers with a thousands separator must use it in groups of three digits.

Frictionless removes the group character anywhere in a number, so with `decimalChar: ","`
and `groupChar: "."` an English `1,234.56` is read as 1.23456 and `2.5` as 25: silently
wrong values. This plugin gives Frictionless a number type that refuses such cells as type
errors. Because it replaces the field class itself, Frictionless's reports and the fast path
(pipelines/tabular, which casts with the field's own cell reader) agree. Registered when
`pipelines.kinds` is imported, before any schema is built.
"""
from __future__ import annotations

import re

import attrs
from frictionless import Plugin, fields, system


def grouped_number_pattern(decimal_char: str, group_char: str) -> re.Pattern:
    """The shape of a number like `-1.234.567,89` for the given separators."""
    group, decimal = re.escape(group_char), re.escape(decimal_char)
    return re.compile(rf"^\s*[+-]?(\d{{1,3}}({group}\d{{3}})+|\d+)({decimal}\d+)?\s*$")


@attrs.define(kw_only=True, repr=False)
class GroupedNumberField(fields.NumberField):
    """Frictionless's number, except that group characters must separate groups of three."""

    def create_value_reader(self):
        read = super().create_value_reader()
        if not self.group_char or not self.bare_number:
            return read
        pattern = grouped_number_pattern(self.decimal_char, self.group_char)

        def value_reader(cell):
            if isinstance(cell, str) and not pattern.match(cell):
                return None  # Frictionless turns this into a type-error for the cell
            return read(cell)

        return value_reader


class GroupedNumbersPlugin(Plugin):
    def select_field_class(self, type=None):
        return GroupedNumberField if type == "number" else None


def register() -> None:
    """Make every Frictionless schema built from now on use GroupedNumberField for numbers."""
    system.register("kommune-grouped-numbers", GroupedNumbersPlugin())
