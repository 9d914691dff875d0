"""Writing a resource's rows as the published files: UTF-8 CSV and JSON, typed by its schema."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from contracts.files import file_sha256, hex_of_package_hash, link_or_copy, package_hash
from contracts.spreadsheet import FORMULA_START_CHARS, QuotingWriter, has_line_break, spreadsheet_safe


@dataclass
class FileInfo:
    path: str
    bytes: int
    sha256: str


@dataclass
class ResourceOutput:
    """One published table: what publishers need to load, describe and serve it."""

    name: str
    title: str
    description: str
    schema: dict
    row_count: int
    csv: FileInfo
    json: FileInfo
    fts: list[str] = field(default_factory=list)
    indexes: list[list[str]] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)
    geometry: str | None = None
    fts_tokenizer: str | None = None  # SQLite FTS5 tokenizer; None = the portal default
    # The earliest and latest value of the fields that say when the data is about (given as
    # `date_fields`): ISO text, a day (YYYY-MM-DD), a month (YYYY-MM) or a year (YYYY).
    dates: tuple[str, str] | None = None
    # Those fields, in the order the kind gave them: the publisher counts rows per month of the
    # first (publish/datasette/summaries.py).
    date_fields: list[str] = field(default_factory=list)
    # The field saying how many cases a row stands for, when rows are counts already (portal
    # usage): the publisher's counts per month add it up instead of counting rows.
    count_field: str | None = None
    downloads: dict[str, FileInfo] = field(default_factory=dict)  # spreadsheet copies: xlsx, csv_de

    def descriptor(self) -> dict:
        """The Frictionless tabular data resource, with our serving hints under `kommune`."""
        return {
            "name": self.name,
            "path": self.csv.path,
            "profile": "tabular-data-resource",
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": self.csv.bytes,
            "hash": package_hash(self.csv.sha256),
            "schema": self.schema,
            "kommune": {
                "rows": self.row_count,
                "json": {"path": self.json.path, "bytes": self.json.bytes, "hash": package_hash(self.json.sha256)},
                "fts": self.fts,
                "fts_tokenizer": self.fts_tokenizer,
                "indexes": self.indexes,
                "facets": self.facets,
                "geometry": self.geometry,
                "dates": {"start": self.dates[0], "end": self.dates[1]} if self.dates else None,
                "date_fields": self.date_fields,
                "count_field": self.count_field,
                "downloads": {
                    kind: {"path": info.path, "bytes": info.bytes, "hash": package_hash(info.sha256)}
                    for kind, info in self.downloads.items()
                },
            },
        }

    @classmethod
    def from_descriptor(cls, descriptor: dict) -> ResourceOutput:
        """The resource a `descriptor()` was made of (from an earlier release's datapackage),
        without its spreadsheet copies: those are carried or written apart."""
        extra = descriptor["kommune"]

        def info(path: str, size: int, hash_value: str) -> FileInfo:
            digest = hex_of_package_hash(hash_value)
            if digest is None:
                raise ValueError(f"{path}: no sha256 hash recorded")
            return FileInfo(path=path, bytes=size, sha256=digest)

        dates = extra.get("dates")
        return cls(
            name=descriptor["name"],
            title=descriptor["title"],
            description=descriptor.get("description", ""),
            schema=descriptor["schema"],
            row_count=extra["rows"],
            csv=info(descriptor["path"], descriptor["bytes"], descriptor["hash"]),
            json=info(extra["json"]["path"], extra["json"]["bytes"], extra["json"]["hash"]),
            fts=list(extra.get("fts") or []),
            indexes=[list(index) for index in extra.get("indexes") or []],
            facets=list(extra.get("facets") or []),
            geometry=extra.get("geometry"),
            fts_tokenizer=extra.get("fts_tokenizer"),
            dates=(dates["start"], dates["end"]) if dates else None,
            date_fields=list(extra.get("date_fields") or []),
            count_field=extra.get("count_field"),
        )


def carry_resource(out_dir: Path, previous_dir: Path, descriptor: dict) -> ResourceOutput | None:
    """Hard-link an earlier release's table (CSV and JSON, as `descriptor` lists them) into
    `out_dir` instead of writing it again; None when a file is missing or differs in size."""
    resource = ResourceOutput.from_descriptor(descriptor)
    linked: list[Path] = []
    try:
        for info in (resource.csv, resource.json):
            source = previous_dir / info.path
            if source.stat().st_size != info.bytes:
                raise FileNotFoundError(source)
            link_or_copy(source, out_dir / info.path)
            linked.append(out_dir / info.path)
    except OSError:
        for path in linked:
            path.unlink()
        return None
    return resource


def cell_text(value: object) -> str:
    """How a typed value is written to the published CSV (ISO dates, '.' decimals, empty = missing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        # The exponent of Infinity and NaN (Frictionless reads "inf" as a number) is a letter.
        exponent = value.as_tuple().exponent
        whole = isinstance(exponent, int) and exponent >= 0 and value == value.to_integral_value()
        return int(value) if whole else float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def _iso(value: dt.date | dt.datetime | dt.time) -> str:
    return value.isoformat()


#: Field type → the function that turns a typed cell into the text both published files use.
#: Readers that cache casts (pipelines/reading) apply these once per distinct source cell,
#: so write_resource finds values the CSV and JSON writers take as they are. Numbers stay
#: Decimal: the CSV keeps the source's scale ("1,00" → "1.00"), JSON gets a number.
PUBLISHED_FORM: dict[str, Callable[[Any], Any]] = {"date": _iso, "datetime": _iso, "time": _iso}


def _json_default(value: object) -> object:
    """Called by the C JSON encoder only for values it cannot write itself (Decimal, dates)."""
    converted = _json_value(value)
    return converted if converted is not value else str(value)


# Field types whose Python values the csv module would not write as cell_text does
# (csv writes None as "", str(date) is ISO; bools, datetimes and JSON values differ).
_CSV_NEEDS_CELL_TEXT = {"boolean", "datetime", "object", "array", "geojson", "any"}


def write_resource(
    out_dir: Path,
    name: str,
    schema: dict,
    rows: Iterable[Mapping | Sequence],
    **meta: Any,
) -> ResourceOutput:
    """Stream `rows` (dicts keyed by field name, or sequences in schema order) into
    `<name>.csv` and `<name>.json` in `out_dir`. Rows must already be typed and valid.
    `meta` are ResourceOutput's other fields: title (required), description, fts, indexes,
    facets, geometry, fts_tokenizer, count_field, and `date_fields` (the fields whose values
    make the temporal coverage, `ResourceOutput.dates`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out_dir / f"{name}.csv", out_dir / f"{name}.json"
    with (
        open(csv_path, "w", encoding="utf-8", newline="") as csv_file,
        open(json_path, "w", encoding="utf-8") as json_file,
    ):
        csv_file.write(_csv_header(schema))
        json_file.write("[")
        count, dates = _write_rows(csv_file, json_file, schema, rows, meta.get("date_fields", ()))
        json_file.write("\n]\n")
    return _resource_output(name, schema, count, csv_path, json_path, meta, dates)


@dataclass
class ResourcePart:
    """The rows of one part of a source, written as a CSV body and a JSON fragment."""

    csv_path: str
    json_path: str
    row_count: int
    dates: tuple[str, str] | None = None


def write_resource_part(
    folder: Path, schema: dict, rows: Iterable[Mapping | Sequence], date_fields: Sequence[str] = ()
) -> ResourcePart:
    """Write the rows of one part of a file (read by its own process) into `folder`, in the
    published form; `join_resource_parts` puts the parts together."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, csv_name = tempfile.mkstemp(dir=folder, suffix=".csv")
    os.close(handle)
    json_path = Path(csv_name).with_suffix(".json")
    with (
        open(csv_name, "w", encoding="utf-8", newline="") as csv_file,
        open(json_path, "w", encoding="utf-8") as json_file,
    ):
        count, dates = _write_rows(csv_file, json_file, schema, rows, date_fields)
    return ResourcePart(csv_name, str(json_path), count, dates)


def join_resource_parts(
    out_dir: Path, name: str, schema: dict, parts: Sequence[ResourcePart], **meta: Any
) -> ResourceOutput:
    """`<name>.csv` and `<name>.json` from parts in file order: the same bytes `write_resource`
    writes for the same rows. The part files are removed."""
    csv_path, json_path = out_dir / f"{name}.csv", out_dir / f"{name}.json"
    with open(csv_path, "wb") as csv_file, open(json_path, "wb") as json_file:
        csv_file.write(_csv_header(schema).encode("utf-8"))
        json_file.write(b"[")
        written = 0
        for part in parts:
            if part.row_count:
                json_file.write(b"," if written else b"")  # each fragment starts with its line break
                written += part.row_count
            for source, target in ((part.csv_path, csv_file), (part.json_path, json_file)):
                with open(source, "rb") as piece:
                    shutil.copyfileobj(piece, target, 1 << 20)
                os.unlink(source)
        json_file.write(b"\n]\n")
    return _resource_output(name, schema, written, csv_path, json_path, meta, date_range(part.dates for part in parts))


def _csv_header(schema: dict) -> str:
    buffer = io.StringIO()
    QuotingWriter(buffer).writerow([f["name"] for f in schema["fields"]])
    return buffer.getvalue()


def date_range(ranges: Iterable[tuple[str, str] | None]) -> tuple[str, str] | None:
    """The span covering every given (start, end) range; None if there is none."""
    present = [r for r in ranges if r]
    return (min(r[0] for r in present), max(r[1] for r in present)) if present else None


def _write_rows(
    csv_file: TextIO,
    json_file: TextIO,
    schema: dict,
    rows: Iterable[Mapping | Sequence],
    date_fields: Sequence[str] = (),
) -> tuple[int, tuple[str, str] | None]:
    """The rows as CSV lines and as JSON objects, each after a line break and all but the
    first after a comma (no brackets); returns how many rows, and the earliest and latest
    value of `date_fields` (the first ten characters of their ISO text)."""
    names = [f["name"] for f in schema["fields"]]
    dated = [index for index, f in enumerate(schema["fields"]) if f["name"] in date_fields]
    first: str | None = None
    last: str | None = None
    needs_cell_text = [
        index for index, f in enumerate(schema["fields"]) if f.get("type", "string") in _CSV_NEEDS_CELL_TEXT
    ]
    # json.dumps (one shot) runs the C encoder; json.dump to a file would run the pure-Python one.
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, default=_json_default).encode
    text_fields = [index for index, f in enumerate(schema["fields"]) if f.get("type", "string") == "string"]
    # Text written by cell_text (JSON of objects and arrays) may hold U+2028 as it is.
    break_fields = text_fields + [
        index
        for index in needs_cell_text
        if schema["fields"][index].get("type") in ("object", "array", "geojson", "any")
    ]
    # Text is written spreadsheet_safe (a leading apostrophe before formula-like text;
    # publish.database undoes it) and quoted whenever it holds any line break.
    writer = QuotingWriter(csv_file)
    write_plain = writer.write_plain
    count = 0
    for row in rows:
        # type() first: an isinstance check against the Mapping ABC costs more than the row.
        values = (
            list(row) if type(row) in (list, tuple) or not isinstance(row, Mapping) else [row.get(n) for n in names]
        )
        json_file.write((",\n" if count else "\n") + encode(dict(zip(names, values, strict=True))))
        for index in needs_cell_text:
            values[index] = cell_text(values[index])
        for index in text_fields:
            text = values[index]
            # Only a text that starts like a formula pays for the full check.
            if text and text[0] in FORMULA_START_CHARS:
                values[index] = spreadsheet_safe(text)
        for index in dated:
            when = values[index]
            if when is not None and when != "":
                # ISO text (the published form), a date or a year number: the first ten
                # characters are the day (or month, or year)
                day = (when if type(when) is str else when.isoformat() if isinstance(when, dt.date) else str(when))[:10]
                if first is None or day < first:
                    first = day
                if last is None or day > last:
                    last = day
        for index in break_fields:
            text = values[index]
            # isprintable() is false for every line break: almost every cell stops there, in C.
            if text and not text.isprintable() and has_line_break(text):
                writer.write_quoted(values)
                break
        else:
            write_plain(values)
        count += 1
    return count, (first, last) if first is not None and last is not None else None


def _resource_output(
    name: str,
    schema: dict,
    count: int,
    csv_path: Path,
    json_path: Path,
    meta: dict[str, Any],
    dates: tuple[str, str] | None = None,
) -> ResourceOutput:
    unknown = set(meta) - {
        "title",
        "description",
        "fts",
        "indexes",
        "facets",
        "geometry",
        "fts_tokenizer",
        "date_fields",
        "count_field",
    }
    if unknown:
        raise TypeError(f"unknown resource fields: {sorted(unknown)}")
    return ResourceOutput(
        name=name,
        title=meta["title"],
        description=meta.get("description", ""),
        schema=schema,
        row_count=count,
        csv=_file_info(csv_path),
        json=_file_info(json_path),
        fts=list(meta.get("fts", ())),
        indexes=[list(i) for i in meta.get("indexes", ())],
        facets=list(meta.get("facets", ())),
        geometry=meta.get("geometry"),
        fts_tokenizer=meta.get("fts_tokenizer"),
        dates=dates,
        date_fields=list(meta.get("date_fields", ())),
        count_field=meta.get("count_field"),
    )


def _file_info(path: Path) -> FileInfo:
    return FileInfo(path=path.name, bytes=path.stat().st_size, sha256=file_sha256(path))
