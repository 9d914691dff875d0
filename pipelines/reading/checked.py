"""Typed rows of a CSV file with Frictionless's verdict, at the fast path's speed.

The policy in one place: read with ``FastCsvReader``; if it cannot handle the file, or finds
any error, ask Frictionless itself (``Resource.validate``) for the authoritative report, so
users always see exactly the errors ``frictionless validate`` shows. Valid files — the
common case — never pay for Frictionless's per-row work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, TypeVar

from frictionless import Checklist, Error, FrictionlessException, Report, Resource, Schema

from pipelines.checks.grouped_numbers import grouped_numbers
from pipelines.reading import file_parts, parallel
from pipelines.reading.fastcast import Converter
from pipelines.reading.fastcsv import FastCsvReader
from pipelines.reading.source import FastPathUnsupported, SchemaSource, TableSource, as_resource

#: Frictionless's own default: a report stops after this many errors.
LIMIT_ERRORS = 1000
T = TypeVar("T")


class ReadOptions(TypedDict):
    """How a source is read, passed on alike to the fast path and to Frictionless."""

    schema: SchemaSource
    encoding: str | None
    dialect: Mapping[str, Any] | None


class InvalidTable(Exception):
    """The file does not satisfy its Table Schema; ``report`` is Frictionless's own."""

    def __init__(self, source: str, report: Report) -> None:
        self.source = source
        self.report = report
        self.errors: list[Error] = list(report.tasks[0].errors) if report.tasks else list(report.errors)
        first = self.errors[0].message if self.errors else "unknown error"
        super().__init__(f"{source}: {len(self.errors)} error(s), first: {first}")


@dataclass
class TableCheck:
    """What ``check_csv`` found: ``valid``, Frictionless-form ``errors``, and how it knew."""

    valid: bool
    row_count: int
    method: str  # "fast" or "frictionless"
    errors: list[Error] = field(default_factory=list)
    fallback_reason: str | None = None


def frictionless_report(
    source: TableSource,
    schema: SchemaSource = None,
    *,
    encoding: str | None = None,
    dialect: Mapping[str, Any] | None = None,
    limit_errors: int = LIMIT_ERRORS,
) -> Report:
    """Validate with Frictionless itself (the authoritative, slow report). Never raises for bad data."""
    resource = as_resource(source, schema, encoding=encoding, dialect=dialect)
    return resource.validate(Checklist(checks=[grouped_numbers()]), limit_errors=limit_errors)


def check_csv(
    source: TableSource,
    schema: SchemaSource = None,
    *,
    encoding: str | None = None,
    dialect: Mapping[str, Any] | None = None,
    limit_errors: int = LIMIT_ERRORS,
) -> TableCheck:
    """Validate ``source`` against its schema: the fast path, then Frictionless where it matters.

    Returns a ``TableCheck`` whose errors are Frictionless's own report whenever the file is
    invalid or the fast path does not handle it. ``FileNotFoundError`` passes through.
    """
    options = ReadOptions(schema=schema, encoding=encoding, dialect=dialect)
    try:
        reader = FastCsvReader(source, **options, error_limit=limit_errors)
    except (FastPathUnsupported, FrictionlessException) as reason:
        # FrictionlessException: Frictionless could not even open the file (encoding,
        # schema); its own report says so in its own words.
        return _check_with_frictionless(source, options, limit_errors, str(reason))
    for _ in reader:
        pass
    if reader.valid:
        return TableCheck(valid=True, row_count=reader.row_count, method="fast")
    return _check_with_frictionless(source, options, limit_errors, "the fast path found errors")


def _check_with_frictionless(source: TableSource, options: ReadOptions, limit_errors: int, reason: str) -> TableCheck:
    report = frictionless_report(source, **options, limit_errors=limit_errors)
    task = report.tasks[0] if report.tasks else None
    return TableCheck(
        valid=report.valid,
        row_count=(task.stats.get("rows") or 0) if task else 0,
        method="frictionless",
        errors=list(task.errors if task else report.errors),
        fallback_reason=reason,
    )


def iter_valid_rows(
    source: TableSource,
    schema: SchemaSource = None,
    *,
    encoding: str | None = None,
    dialect: Mapping[str, Any] | None = None,
    converters: Mapping[str, Converter] | None = None,
    limit_errors: int = LIMIT_ERRORS,
) -> Iterator[list[Any]]:
    """Yield the typed values of each row (schema field order), then raise if the file was invalid.

    Consumers write as they go inside something they can undo (a transaction, a release
    folder that is thrown away): after the last row, ``InvalidTable`` carrying Frictionless's
    authoritative report is raised if any row was invalid — rows yielded before that must
    then be discarded. Sources the fast path does not handle (XLSX, comment rows, a header
    that differs from the schema) are validated and streamed by Frictionless itself, with
    the same contract. ``converters`` as in ``FastCsvReader``.
    """
    options = ReadOptions(schema=schema, encoding=encoding, dialect=dialect)
    try:
        reader = FastCsvReader(source, **options, converters=converters, error_limit=limit_errors)
    except (FastPathUnsupported, FrictionlessException):
        yield from _iter_with_frictionless(source, options, converters, limit_errors)
        return
    yield from reader
    if not reader.valid:
        raise InvalidTable(_describe(source), frictionless_report(source, **options, limit_errors=limit_errors))


def consume_valid_rows(
    source: TableSource,
    schema: SchemaSource,
    consume: Callable[[Iterator[list[Any]]], T],
    *,
    encoding: str | None = None,
    dialect: Mapping[str, Any] | None = None,
    converters: Mapping[str, Converter] | None = None,
    limit_errors: int = LIMIT_ERRORS,
    min_part_bytes: int | None = None,
) -> list[T]:
    """Hand the valid rows of a CSV file to ``consume``; on several cores when the file allows.

    ``source`` is a path (with ``schema``, ``encoding``, ``dialect``) or a Frictionless
    ``Resource`` set up by the caller (then those are None), as for ``iter_valid_rows``.
    A big plain file (no quote characters, a declared line-safe encoding) is cut into
    parts read by worker processes (``pipelines.reading.parallel``), each part's rows going
    to its own call of ``consume``; the results come back in file order. Otherwise, or when
    anything in a part goes wrong, the file is read in one piece by ``iter_valid_rows`` and
    the one result is returned. The contract is iter_valid_rows's: ``InvalidTable`` with
    Frictionless's report for an invalid file; an exception ``consume`` raises on the
    one-piece reading propagates. ``consume`` and ``converters`` must pickle (module-level
    functions, or functools.partial of them). ``min_part_bytes`` defaults to
    ``pipelines.reading.file_parts.MIN_PART_BYTES``.
    """
    if isinstance(source, Resource):
        path, reader_options = _part_reading_of(source)
    else:
        path = Path(source)
        reader_options = dict(
            schema=schema.to_descriptor() if isinstance(schema, Schema) else schema,
            encoding=encoding,
            dialect=dict(dialect) if dialect else None,
        )
    if path is not None and reader_options["encoding"]:
        dialect_descriptor = reader_options["dialect"] or {}
        quote_char = dialect_descriptor.get("csv", {}).get("quoteChar", '"')
        parts = file_parts.split_into_parts(
            path, reader_options["encoding"], quote_char, parallel.workers_wanted(), min_part_bytes
        )
        if len(parts) > 1:
            try:
                return parallel.consume_parts(
                    path, dict(reader_options, converters=converters, error_limit=limit_errors), parts, consume
                )
            except parallel.PartFailed:
                pass  # the one-piece reading below finds the problem with file-wide row numbers
    return [
        consume(
            iter_valid_rows(
                source, schema, encoding=encoding, dialect=dialect, converters=converters, limit_errors=limit_errors
            )
        )
    ]


def _part_reading_of(resource: Resource) -> tuple[Path | None, dict[str, Any]]:
    """The local file of an unopened ``Resource`` and the reader options that read it the same
    way; no path when it is not a plain local CSV file."""
    if resource.format != "csv" or resource.scheme != "file" or not resource.normpath:
        return None, {}
    return Path(resource.normpath), dict(
        schema=resource.schema.to_descriptor(),
        encoding=resource.encoding,
        dialect=resource.dialect.to_descriptor() or None,
    )


def _iter_with_frictionless(
    source: TableSource,
    options: ReadOptions,
    converters: Mapping[str, Converter] | None,
    limit_errors: int,
) -> Iterator[list[Any]]:
    converters = converters or {}
    report = frictionless_report(source, **options, limit_errors=limit_errors)
    if not report.valid:
        raise InvalidTable(_describe(source), report)
    with as_resource(source, **options) as resource:
        conversions = [converters.get(field.type) for field in resource.schema.fields]
        for row in resource.row_stream:
            yield [
                convert(value) if convert is not None and value is not None else value
                for convert, value in zip(conversions, row.to_list(), strict=True)
            ]


def _describe(source: TableSource) -> str:
    return str(source.path) if isinstance(source, Resource) else str(source)
