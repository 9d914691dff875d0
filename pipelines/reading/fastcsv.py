"""A streaming typed reader and validator for CSV files described by a Frictionless Table Schema.

``FastCsvReader`` gives Frictionless's answers at close to the speed of Python's ``csv``
module: Frictionless opens the file (so encoding, dialect, header and schema are detected
and checked by Frictionless itself), then the rows are read with ``csv.reader`` and cast by
``FieldCaster`` (Frictionless's own cell readers behind a cache). Row-level checks mirror
``frictionless.Row`` and ``TableResource.row_stream`` (missing/extra cells, blank rows,
unique fields, primary key) and errors are Frictionless's own error objects with the same
type, row number, field number and message.

The reader is a fast path, not a second validator: where it meets something it does not
handle (a header that differs from the schema, compressed or remote sources, comment rows,
several header rows) it raises ``FastPathUnsupported`` before reading any row, and callers
treat any error it reports as "ask Frictionless for the authoritative report"
(``pipelines.reading.checked``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from frictionless import Error, Schema, errors, formats
from frictionless.resources import TableResource

from pipelines.reading.fastcast import MISS, Converter, FieldCaster, compile_row_caster
from pipelines.reading.file_parts import FilePart, open_part_text
from pipelines.reading.keysets import NO_RUN as _NO_KEY
from pipelines.reading.keysets import SeenKeys
from pipelines.reading.source import (  # noqa: F401 - FastPathUnsupported is part of this API
    FastPathUnsupported,
    SchemaSource,
    TableSource,
    as_resource,
    refuse_unsupported,
)


def _to_str(value: Any) -> str:
    return str(value) if value is not None else ""


class FastCsvReader:
    """Reads a CSV file row by row, yielding the typed values of every valid row.

    ``source`` is a Frictionless ``Resource`` set up as the caller wants the file read (then
    ``schema``, ``encoding`` and ``dialect`` must be None), or a path with those options.
    Construction opens the file with Frictionless and raises ``FastPathUnsupported`` when
    the fast path cannot promise Frictionless's behaviour; ``FileNotFoundError`` and
    ``frictionless.FrictionlessException`` (unreadable source, bad schema) pass through.
    Iterating yields one list of values per valid row, in schema field order; invalid rows
    are not yielded but recorded in ``errors`` (Frictionless error objects), and reading
    stops after ``error_limit`` errors (Frictionless's default is 1000). With ``part`` only
    those bytes are read (the header only if the part starts at 0) and row numbers count
    from the part's start: errors found there only say that the file is invalid, so
    callers ask Frictionless for the file's report. ``converters``
    maps a field type (``"date"``, ``"number"``, ...) to a function applied to its valid
    values, e.g. ISO text for SQLite; conversions are cached with the casts. Memory stays
    bounded: rows are streamed, cast caches are capped, and unique keys are kept compactly
    (``SeenKeys``).
    """

    def __init__(
        self,
        source: TableSource,
        schema: SchemaSource = None,
        *,
        encoding: str | None = None,
        dialect: Mapping[str, Any] | None = None,
        converters: Mapping[str, Converter] | None = None,
        cache_limit: int = 100_000,
        error_limit: int = 1000,
        part: FilePart | None = None,
    ) -> None:
        self.error_limit = error_limit
        self.row_count = 0
        self.part = part
        #: After reading: the keys seen, for checks across parts (pipelines.reading.parallel).
        self.primary_keys: SeenKeys | None = None
        self.unique_keys: list[tuple[int, SeenKeys]] = []
        resource = as_resource(source, schema, encoding=encoding, dialect=dialect)
        if resource.normpath is None:  # inline data: nothing to read in parts or quickly
            raise FastPathUnsupported(f"{resource.name}: no file")
        self.path = Path(resource.normpath)
        if resource.scheme == "file" and not self.path.is_file():
            raise FileNotFoundError(self.path)
        if not isinstance(resource, TableResource):
            raise FastPathUnsupported(f"{resource.name}: not a table resource")
        with resource:
            header_errors = refuse_unsupported(resource)
        # Frictionless reports label errors first (validate_start), then the rows.
        self.errors: list[Error] = header_errors
        self.schema: Schema = resource.schema
        # Optional in Frictionless's types; opening the resource above detected it.
        self.encoding: str = resource.encoding  # type: ignore[assignment]
        self.dialect_descriptor = resource.dialect.to_descriptor()
        self.labels: list[str] = list(resource.labels)
        self._csv_dialect = formats.CsvControl.from_dialect(resource.dialect).to_python()
        converters = converters or {}
        self.casters = [
            FieldCaster(
                field,
                number,
                convert=converters.get(field.type),
                cache_limit=cache_limit,
            )
            for number, field in enumerate(self.schema.fields, start=1)
        ]
        self.field_names = [caster.name for caster in self.casters]
        self._unique_positions = [
            index for index, field in enumerate(self.schema.fields) if field.constraints.get("unique")
        ]
        self._primary_key_positions = [self.field_names.index(name) for name in self.schema.primary_key]

    @property
    def valid(self) -> bool:
        """True when every row read so far was valid (read all rows before trusting it)."""
        return not self.errors

    def __iter__(self) -> Iterator[list[Any]]:
        try:
            yield from self._rows()
        except UnicodeDecodeError as exception:
            self.errors.append(errors.EncodingError(note=str(exception)))
        except csv.Error as exception:
            self.errors.append(errors.SourceError(note=f"CSV-Fehler nach Zeile {self.row_count + 1}: {exception}"))

    def _rows(self) -> Iterator[list[Any]]:
        casters = self.casters
        cast_row = compile_row_caster(casters)
        lookups = [caster.lookup for caster in casters]
        width = len(casters)
        unique_checks = self.unique_keys = [(index, SeenKeys()) for index in self._unique_positions]
        key_positions = self._primary_key_positions
        single_key = key_positions[0] if len(key_positions) == 1 else None
        primary_keys = self.primary_keys = SeenKeys() if key_positions else None
        # Exports are usually sorted by a dense integer id: while the keys come as
        # n, n+1, n+2, ... a comparison proves them new (see SeenKeys.next_in_run).
        next_key: Any = _NO_KEY
        row_number = 1
        try:
            with self._open_text() as text:
                reader = csv.reader(text, dialect=self._csv_dialect)
                if self.part is None or self.part.start == 0:
                    next(reader, None)  # the header, already checked by Frictionless
                for row_number, cells in enumerate(reader, start=2):
                    row_errors: list[Error] | None = None
                    values: list[Any] | None = None
                    if len(cells) == width:
                        values = cast_row(cells)
                        if values is None:
                            values = [lookup(cell, MISS) for lookup, cell in zip(lookups, cells, strict=True)]
                            if MISS in values:
                                values = self._resolve_misses(values, cells)
                        # `is` first: counting compares every value with None, slow for dates and decimals.
                        if values is not None and values[0] is None and values.count(None) == width:
                            values = None  # blank row: let the exact path report it
                    checked_slowly = values is None
                    if values is None:
                        row_errors = []
                        values = self._check_row(row_number, cells, row_errors)
                    if unique_checks:
                        row_errors = self._check_unique(row_number, cells, values, unique_checks, row_errors)
                    if single_key is not None and values[single_key] == next_key:
                        next_key += 1
                    elif primary_keys is not None:
                        if single_key is not None:
                            primary_keys.extend_run_to(next_key)
                        row_errors = self._check_primary_key(row_number, cells, values, primary_keys, row_errors)
                        next_key = primary_keys.next_in_run()
                    if checked_slowly:
                        # After the row's own errors, as Frictionless runs its checks.
                        row_errors = self._check_grouped(row_number, cells, values, row_errors)
                    if row_errors:
                        self.errors.extend(row_errors)
                        if len(self.errors) >= self.error_limit:
                            del self.errors[self.error_limit :]
                            return
                    else:
                        yield values
        finally:
            self.row_count = row_number - 1
            if primary_keys is not None and single_key is not None:
                primary_keys.extend_run_to(next_key)  # the run as far as it got

    def _open_text(self) -> io.TextIOBase:
        if self.part is None:
            return open(self.path, encoding=self.encoding, newline="")
        return open_part_text(self.path, self.part, self.encoding)

    def _check_grouped(
        self, row_number: int, cells: list[str], values: list[Any], row_errors: list[Error] | None
    ) -> list[Error] | None:
        """The grouped-numbers check (pipelines/checks/grouped_numbers.py) on one row."""
        for index, caster in enumerate(self.casters):
            pattern = caster.group_pattern
            if pattern is None or index >= len(cells) or values[index] is None:
                continue
            cell = cells[index]
            if cell.strip() in caster.missing_values or cell.strip() == "" or pattern.match(cell):
                continue
            row_errors = list(row_errors or [])
            row_errors.append(
                errors.TypeError(
                    note=f"Tausendertrennzeichen „{caster.group_char}“ nicht in Dreiergruppen",
                    cells=list(map(_to_str, cells)),
                    row_number=row_number,
                    cell=cell,
                    field_name=caster.name,
                    field_number=caster.number,
                )
            )
        return row_errors

    def _resolve_misses(self, values: list[Any], cells: list[str]) -> list[Any] | None:
        """Fill MISS slots via Frictionless; None if any cell is invalid."""
        for index, value in enumerate(values):
            if value is MISS:
                value, notes = self.casters[index].resolve(cells[index])
                if notes:
                    return None
                values[index] = value
        return values

    def _check_row(self, row_number: int, cells: list[str], row_errors: list[Error]) -> list[Any]:
        """Cast one row exactly like ``frictionless.Row`` and append its errors, in order."""
        cell_texts = list(map(_to_str, cells))
        values: list[Any] = []
        blank_cells = 0
        for index, caster in enumerate(self.casters):
            source = cells[index] if index < len(cells) else None
            target, notes = caster.read_cell(source)
            type_note = notes.pop("type", None) if notes else None
            if target is None and not type_note:
                blank_cells += 1
            common: dict[str, Any] = dict(
                cells=cell_texts,
                row_number=row_number,
                cell=str(source),
                field_name=caster.name,
                field_number=caster.number,
            )
            if type_note:
                row_errors.append(errors.TypeError(note=type_note, **common))
            for note in (notes or {}).values():
                row_errors.append(errors.ConstraintError(note=note, **common))
            if target is not None and caster.convert is not None and not notes and not type_note:
                target = caster.convert(target)
            values.append(target)
        for field_number in range(len(self.casters) + 1, len(cells) + 1):
            row_errors.append(
                errors.ExtraCellError(
                    note="",
                    cells=cell_texts,
                    row_number=row_number,
                    cell=str(cells[field_number - 1]),
                    field_name="",
                    field_number=field_number,
                )
            )
        for caster in self.casters[len(cells) :]:
            row_errors.append(
                errors.MissingCellError(
                    note="",
                    cells=cell_texts,
                    row_number=row_number,
                    cell="",
                    field_name=caster.name,
                    field_number=caster.number,
                )
            )
        if blank_cells == len(self.casters):
            row_errors[:] = [errors.BlankRowError(note="", cells=cell_texts, row_number=row_number)]
        return values

    def _check_unique(
        self,
        row_number: int,
        cells: list[str],
        values: list[Any],
        unique_checks: list[tuple[int, SeenKeys]],
        row_errors: list[Error] | None,
    ) -> list[Error] | None:
        for index, seen in unique_checks:
            value = values[index]
            if value is not None and seen.add(value):
                caster = self.casters[index]
                row_errors = row_errors or []
                row_errors.append(
                    errors.UniqueError(
                        # The first row is not remembered (memory stays flat); the
                        # authoritative Frictionless report names it.
                        note="the same as in an earlier row",
                        cells=list(map(_to_str, cells)),
                        row_number=row_number,
                        cell=str(value),
                        field_name=caster.name,
                        field_number=caster.number,
                    )
                )
        return row_errors

    def _check_primary_key(
        self,
        row_number: int,
        cells: list[str],
        values: list[Any],
        primary_keys: SeenKeys,
        row_errors: list[Error] | None,
    ) -> list[Error] | None:
        key_values = tuple(values[index] for index in self._primary_key_positions)
        if set(key_values) == {None}:
            note = 'cells composing the primary keys are all "None"'
        elif primary_keys.add(key_values[0] if len(key_values) == 1 else key_values):
            note = "the same as in an earlier row"
        else:
            return row_errors
        row_errors = row_errors or []
        row_errors.append(errors.PrimaryKeyError(note=note, cells=list(map(_to_str, cells)), row_number=row_number))
        return row_errors
