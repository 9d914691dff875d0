"""Opening a tabular file the way Frictionless does, and refusing what the fast path cannot mirror.

Frictionless makes every decision about a file (format, encoding, dialect, header, schema);
the fast reader only takes over reading rows once ``refuse_unsupported`` agrees that the
file is a plain local CSV whose header matches the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from frictionless import Dialect, Error, Resource, Schema, formats
from frictionless.resources import TableResource

SchemaSource = Schema | Mapping[str, Any] | str | Path | None
#: A file to read: a Frictionless ``Resource`` (opened exactly as the caller set it up), or a path.
TableSource = Resource | str | Path


class FastPathUnsupported(Exception):
    """The file or schema uses something the fast path does not handle; use Frictionless."""


def as_resource(
    source: TableSource,
    schema: SchemaSource = None,
    *,
    encoding: str | None = None,
    dialect: Mapping[str, Any] | None = None,
) -> Resource:
    """A fresh, unopened Frictionless ``Resource`` for ``source``.

    A ``Resource`` is copied (so each use opens it anew, as set up by the caller; passing
    options with it raises ``ValueError``); a path gets the given schema (a ``Schema``, a
    descriptor dict or a file path; None lets Frictionless infer one), encoding and dialect
    descriptor. Raises ``frictionless.FrictionlessException`` for an invalid schema.
    """
    if isinstance(source, Resource):
        if schema is not None or encoding or dialect:
            raise ValueError("schema, encoding and dialect belong into the Resource itself")
        return source.to_copy()
    options: dict[str, Any] = {}
    if schema is not None:
        if isinstance(schema, Schema):
            options["schema"] = schema
        elif isinstance(schema, Mapping):
            options["schema"] = Schema.from_descriptor(dict(schema))
        else:
            schema_path = Path(schema).resolve()
            options["schema"] = Schema.from_descriptor(schema_path.name, basepath=str(schema_path.parent))
    if encoding:
        options["encoding"] = encoding
    if dialect:
        options["dialect"] = Dialect.from_descriptor(dict(dialect))
    # Frictionless treats absolute paths as unsafe; a basepath keeps the path relative.
    path = Path(source).resolve()
    return Resource(path.name, basepath=str(path.parent), **options)


# Blank or repeated labels leave the cells in the schema's positions: rows are read as usual.
_LABEL_ERRORS_WE_MIRROR = {"blank-label", "duplicate-label"}


def refuse_unsupported(resource: TableResource) -> list[Error]:
    """Raise ``FastPathUnsupported`` naming every reason; else return the header's errors.

    ``resource`` must be open. Blank and duplicate labels are mirrored (their errors are
    returned, Frictionless reports them first); any other header error is refused.
    """
    reasons = []
    if resource.format != "csv":
        reasons.append(f"format {resource.format!r}")
    if resource.compression or resource.innerpath:
        reasons.append("compressed source")
    if resource.scheme != "file":
        reasons.append(f"scheme {resource.scheme!r}")
    dialect = resource.dialect
    if not dialect.header or dialect.header_rows != [1]:
        reasons.append("header is not exactly the first row")
    if dialect.comment_char or dialect.comment_rows or dialect.skip_blank_rows:
        reasons.append("comment or blank-row skipping")
    control = formats.CsvControl.from_dialect(dialect)
    if control.null_sequence:
        reasons.append("nullSequence")
    header_errors = resource.header.errors
    if {error.type for error in header_errors} - _LABEL_ERRORS_WE_MIRROR or len(resource.labels) != len(
        resource.schema.fields
    ):
        reasons.append("header differs from the schema")
    if not resource.labels:
        reasons.append("empty source")
    if reasons:
        raise FastPathUnsupported(", ".join(reasons))
    return list(header_errors)
