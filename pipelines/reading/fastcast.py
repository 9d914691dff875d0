"""Casting the text cells of one Table Schema field to typed values, fast.

Frictionless's per-cell casting is most of the cost of a Frictionless-based load (see
../shared/notes/measured-pitfalls.md), yet municipal tables repeat themselves: a million
service records hold a few thousand distinct dates, a dozen channels, a few hundred
processing times. ``FieldCaster`` therefore keeps Frictionless's own cell reader as the one
authority on what a cell means (types, formats, ``decimalChar``/``groupChar``,
``missingValues``, constraints) and only remembers its verdicts: a repeated cell costs one
dictionary look-up. The few field shapes that repeat little and have an exact Python
equivalent (plain strings, bare integers) skip the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from frictionless import Field, fields

from pipelines.checks.grouped_numbers import grouped_number_pattern
from pipelines.checks.hygiene import trim_text

#: Marks "not answered by the fast look-up": the caller asks ``FieldCaster.resolve``.
MISS = object()

#: Turns a valid typed value into the form the consumer wants (e.g. ``date`` → ISO text).
Converter = Callable[[Any], Any]


class FieldCaster:
    """Casts cells of one field exactly as Frictionless does, remembering repeated cells.

    ``lookup(cell, MISS)`` is the hot path: it returns the (converted) typed value of a
    cell it can answer without Frictionless, or ``MISS``. ``resolve(cell)`` asks
    Frictionless's cell reader and returns ``(value, notes)`` where ``notes`` is None for a
    valid cell or Frictionless's dict of notes (``type`` and/or constraint names) for an
    invalid one; valid verdicts are remembered (up to ``cache_limit`` distinct cells, so
    memory stays bounded on columns that never repeat).
    """

    def __init__(
        self,
        field: Field,
        number: int,
        *,
        convert: Converter | None = None,
        cache_limit: int = 100_000,
    ) -> None:
        self.field = field
        self.number = number
        self.name = field.name
        self.read_cell = field.create_cell_reader()
        self.convert = convert
        self.cache_limit = cache_limit
        self.cache: dict[str, Any] = {}
        self.missing_values = frozenset(_missing_values(field))
        self.lookup: Callable[[str, Any], Any] = self._choose_lookup()
        # Frictionless drops group characters anywhere ("2.5" → 25 with groupChar "."):
        # the grouped-numbers check refuses that, and so must the fast path.
        number_field = field if isinstance(field, fields.NumberField) else None  # integers have no groupChar
        self.group_char = number_field.group_char if number_field else ""
        self.group_pattern = (
            grouped_number_pattern(number_field.decimal_char, number_field.group_char)
            if number_field and number_field.group_char and number_field.bare_number
            else None
        )

    def resolve(self, cell: str | None) -> tuple[Any, dict[str, str] | None]:
        """Cast ``cell`` with Frictionless; return ``(value, None)`` or ``(None, notes)``.

        ``cell`` None stands for a missing cell (a short row), as in Frictionless.
        Never raises for text input.
        """
        value, notes = self.read_cell(cell)
        if notes:
            return None, notes
        if value is not None and self.group_pattern is not None and not self.group_pattern.match(cell):
            return None, {"type": "Tausendertrennzeichen nicht in Dreiergruppen"}
        if value is not None and self.convert is not None:
            value = self.convert(value)
        if cell is not None and len(self.cache) < self.cache_limit:
            self.cache[cell] = value
        return value, None

    @property
    def inline_kind(self) -> str:
        """How ``compile_row_caster`` may cast this field inline: integer, string or cached."""
        return self._inline_kind

    @property
    def missing_result(self) -> Any:
        """What a missing value becomes on the fast path: None, or MISS if it is an error."""
        return MISS if self.field.constraints.get("required") else None

    def _choose_lookup(self) -> Callable[[str, Any], Any]:
        field = self.field
        only_required = set(field.constraints) <= {"required"}
        if field.type == "string" and field.format == "default" and only_required and self.convert in (None, trim_text):
            # Trimming is inline too: text columns rarely repeat, so a cache would not pay.
            self._inline_kind = "string"
            return self._plain_string_lookup()
        if (
            isinstance(field, fields.IntegerField)
            and field.bare_number
            and only_required
            and self.convert is None
            and not any(_parses_as_int(value) for value in self.missing_values)
        ):
            self._inline_kind = "integer"
            return _bare_integer_lookup
        self._inline_kind = "cached"
        return self.cache.get

    def _plain_string_lookup(self) -> Callable[[str, Any], Any]:
        missing_values = self.missing_values
        missing_result = self.missing_result

        trims = self.convert is trim_text

        def lookup(cell: str, miss: Any) -> Any:
            if cell in missing_values:
                # A missing value in a required field is an error: resolve() reports it.
                return miss if missing_result is MISS else None
            return trim_text(cell) if trims else cell

        return lookup

    @property
    def trims(self) -> bool:
        """Whether text values leave this caster without spaces and TABs around them."""
        return self.convert is trim_text


def _bare_integer_lookup(cell: str, miss: Any) -> Any:
    # int() strips whitespace itself, as Frictionless's strip()+int() does; anything it
    # rejects (missing values, text) goes to resolve() for Frictionless's verdict.
    try:
        return int(cell)
    except ValueError:
        return miss


def _parses_as_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _missing_values(field: Field) -> list[str]:
    # Mirrors Field.create_cell_reader: a field's own missingValues win over the schema's.
    if not field.has_defined("missing_values") and field.schema:
        return list(field.schema.missing_values)
    return list(field.missing_values)


def compile_row_caster(casters: list[FieldCaster]) -> Callable[[list[str]], list[Any] | None]:
    """Build one function that casts a whole row of ``len(casters)`` cells in a single frame.

    Per-cell function calls are most of the fast path's cost; like ``dataclasses`` and
    ``namedtuple``, we generate the function's source from the schema so each cell costs
    an inline expression: ``int(c)`` for bare integers, ``c or None`` for plain strings,
    a cache look-up otherwise. The function returns the row's values when every cell was
    answered, or None when any cell needs ``FieldCaster.resolve`` (a cache miss, a missing
    value in a required field, a bare integer that did not parse); the caller then takes
    the cell-by-cell path. It never raises for text cells.
    """
    names: dict[str, Any] = {"MISS": MISS}
    lookups: list[str] = []
    needs_resolve: list[str] = []
    expressions: list[str] = []
    has_integers = False
    for index, caster in enumerate(casters):
        cell = f"c{index}"
        kind = caster.inline_kind
        if kind == "integer":
            has_integers = True
            expressions.append(f"int({cell})")
        elif kind == "string":
            names[f"m{index}"] = caster.missing_values
            only_empty = caster.missing_values == frozenset({""})
            value = f'({cell}.strip(" \\t") or None)' if caster.trims else cell
            if caster.missing_result is MISS:
                needs_resolve.append(f"not {cell}" if only_empty else f"{cell} in m{index}")
                expressions.append(value)
            elif only_empty:
                expressions.append(f"({value} if {cell} else None)" if caster.trims else f"({cell} or None)")
            else:
                expressions.append(f"(None if {cell} in m{index} else {value})")
        else:
            names[f"g{index}"] = caster.cache.get
            lookups.append(f"    v{index} = g{index}({cell}, MISS)\n")
            needs_resolve.append(f"v{index} is MISS")
            expressions.append(f"v{index}")
    cells = ", ".join(f"c{index}" for index in range(len(casters)))
    values = "[" + ", ".join(expressions) + "]"
    source = f"def cast_row(cells):\n    {cells}, = cells\n" + "".join(lookups)
    if needs_resolve:
        source += f"    if {' or '.join(needs_resolve)}:\n        return None\n"
    if has_integers:
        source += f"    try:\n        return {values}\n    except ValueError:\n        return None\n"
    else:
        source += f"    return {values}\n"
    exec(compile(source, "<fastcast row caster>", "exec"), names)  # noqa: S102 - source built above
    return names["cast_row"]
