"""Typed rows of a CSV file with Frictionless's verdict, at the fast path's speed.

The policy in one place: read with ``FastCsvReader``; if it cannot handle the file, or finds
any error, ask Frictionless itself (``Resource.validate``) for the authoritative report, so
users always see exactly the errors ``frictionless validate`` shows. Valid files — the
common case — never pay for Frictionless's per-row work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Union

from frictionless import Error, FrictionlessException, Report

from pipelines.tabular.fastcast import Converter
from pipelines.tabular.fastcsv import (
    FastCsvReader,
    FastPathUnsupported,
    SchemaSource,
    frictionless_resource,
)


class InvalidTable(Exception):
    """The file does not satisfy its Table Schema; ``errors`` is Frictionless's report."""

    def __init__(self, path: Path, report: Report) -> None:
        self.path = path
        self.report = report
        self.errors: list[Error] = list(report.tasks[0].errors) if report.tasks else list(report.errors)
        first = self.errors[0].message if self.errors else "unknown error"
        super().__init__(f"{path}: {len(self.errors)} error(s), first: {first}")


@dataclass
class TableCheck:
    """What ``check_csv`` found: ``valid``, Frictionless-form ``errors``, and how it knew."""

    valid: bool
    row_count: int
    method: str  # "fast" or "frictionless"
    errors: list[Error] = field(default_factory=list)
    fallback_reason: Optional[str] = None


def frictionless_report(
    path: Union[str, Path],
    schema: SchemaSource = None,
    *,
    encoding: Optional[str] = None,
    dialect: Optional[Mapping[str, Any]] = None,
) -> Report:
    """Validate with Frictionless itself (the authoritative, slow report). Never raises for bad data."""
    return frictionless_resource(path, schema, encoding=encoding, dialect=dialect).validate()


def check_csv(
    path: Union[str, Path],
    schema: SchemaSource = None,
    *,
    encoding: Optional[str] = None,
    dialect: Optional[Mapping[str, Any]] = None,
) -> TableCheck:
    """Validate ``path`` against ``schema``: the fast path, then Frictionless where it matters.

    Returns a ``TableCheck`` whose errors are Frictionless's own report whenever the file is
    invalid or the fast path does not handle it. ``FileNotFoundError`` passes through.
    """
    try:
        reader = FastCsvReader(path, schema, encoding=encoding, dialect=dialect)
    except (FastPathUnsupported, FrictionlessException) as reason:
        # FrictionlessException: Frictionless could not even open the file (encoding,
        # schema); its own report says so in its own words.
        return _check_with_frictionless(path, schema, encoding, dialect, str(reason))
    for _ in reader:
        pass
    if reader.valid:
        return TableCheck(valid=True, row_count=reader.row_count, method="fast")
    return _check_with_frictionless(path, schema, encoding, dialect, "the fast path found errors")


def _check_with_frictionless(
    path: Union[str, Path],
    schema: SchemaSource,
    encoding: Optional[str],
    dialect: Optional[Mapping[str, Any]],
    reason: str,
) -> TableCheck:
    report = frictionless_report(path, schema, encoding=encoding, dialect=dialect)
    task = report.tasks[0] if report.tasks else None
    return TableCheck(
        valid=report.valid,
        row_count=(task.stats.get("rows") or 0) if task else 0,
        method="frictionless",
        errors=list(task.errors if task else report.errors),
        fallback_reason=reason,
    )


def iter_valid_rows(
    path: Union[str, Path],
    schema: SchemaSource = None,
    *,
    encoding: Optional[str] = None,
    dialect: Optional[Mapping[str, Any]] = None,
    converters: Optional[Mapping[str, Converter]] = None,
) -> Iterator[list[Any]]:
    """Yield the typed values of each row (schema field order), then raise if the file was invalid.

    Consumers write as they go inside something they can undo (a transaction, a temporary
    file): after the last row, ``InvalidTable`` carrying Frictionless's authoritative report
    is raised if any row was invalid — rows yielded before that must then be discarded.
    Files the fast path does not handle are streamed through Frictionless's ``row_stream``
    (same contract, slower). ``converters`` as in ``FastCsvReader``.
    """
    try:
        reader = FastCsvReader(
            path, schema, encoding=encoding, dialect=dialect, converters=converters
        )
    except (FastPathUnsupported, FrictionlessException):
        yield from _iter_with_frictionless(path, schema, encoding, dialect, converters)
        return
    yield from reader
    if not reader.valid:
        raise InvalidTable(Path(path), frictionless_report(path, schema, encoding=encoding, dialect=dialect))


def _iter_with_frictionless(
    path: Union[str, Path],
    schema: SchemaSource,
    encoding: Optional[str],
    dialect: Optional[Mapping[str, Any]],
    converters: Optional[Mapping[str, Converter]],
) -> Iterator[list[Any]]:
    converters = converters or {}
    report = frictionless_report(path, schema, encoding=encoding, dialect=dialect)
    if not report.valid:
        raise InvalidTable(Path(path), report)
    with frictionless_resource(path, schema, encoding=encoding, dialect=dialect) as resource:
        conversions = [converters.get(field.type) for field in resource.schema.fields]
        for row in resource.row_stream:
            values = row.to_list()
            yield [
                convert(value) if convert is not None and value is not None else value
                for convert, value in zip(conversions, values)
            ]
