"""CSV, XLSX and ODS sources: read with the declared or detected dialect, apply Frictionless
steps, validate against the Table Schema, write the cleaned table."""

from __future__ import annotations

import codecs
import shutil
from functools import partial
from pathlib import Path
from typing import Any, Literal

from frictionless import Control, Detector, Dialect, FrictionlessException, Pipeline, Schema, Step, formats
from frictionless.resources import TableResource
from pydantic import Field, model_validator

from pipelines.checks.hygiene import scan_delimited, scan_rows, trim_text
from pipelines.config.dataset import DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue
from pipelines.http import FetchError
from pipelines.kinds.contract import DeclaredTable, local_unless_url, no_inputs, schema_columns, single_table
from pipelines.kinds.file_format import refuse_other_format
from pipelines.kinds.source_files import (
    check_content_type,
    check_encoding_name,
    check_ods_cells,
    check_spreadsheet_container,
    csv_field_limit,
)
from pipelines.output import PUBLISHED_FORM, ResourceOutput, join_resource_parts, write_resource_part
from pipelines.reading.checked import InvalidTable, consume_valid_rows
from pipelines.report import issues_from_report

NEEDS_SCHEMA = True
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here
inputs = no_inputs
local = local_unless_url
#: Issues kept in the report; all are counted, up to COUNTED_ISSUES (beyond: "mehr als").
MAX_REPORTED_ISSUES = 200
_DOWNLOAD_SUFFIXES = {"xlsx": ".xlsx", "ods": ".ods", "json": ".json", "shapefile": ".zip", "xplan": ".gml"}
COUNTED_ISSUES = 100_000
#: The decimal character of an integer with thousands separators: none a cell can hold.
NO_DECIMALS = "\x00"
#: Spreadsheet kinds and the Frictionless control that picks their sheet (name or 1-based number).
SPREADSHEET_CONTROLS = {"xlsx": formats.ExcelControl, "ods": formats.OdsControl}


class Source(FileSource):
    kind: Literal["csv", "xlsx", "ods"]
    encoding: str | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | int | None = None
    # [] = no usable heading (blank, repeated or over several rows): columns are taken by
    # position, the schema's labels only document the headings.
    header_rows: list[int] | None = None
    comment_rows: list[int] | None = None
    # Spaces and TABs around text values and headings are removed (and counted in the report).
    trim: bool = True

    @model_validator(mode="after")
    def _known_encoding(self) -> Source:
        check_encoding_name(self.encoding)
        return self


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    """Cross-checks between declaration and schema that no single model can see."""
    label = f"datasets/{dataset.id}/dataset.yaml"
    problems = []
    source: Source | None = dataset.source_config
    if source:
        problems += source.missing_file(dataset)
    if dataset.table_schema:
        names = [f.get("name", "") for f in dataset.table_schema["fields"]]
        for option in ("fts", "facets"):
            for name in getattr(dataset.table, option):
                if name not in names:
                    problems.append(ConfigProblem(label, f"table.{option}", f"Spalte „{name}“ fehlt im Schema"))
        for index in dataset.table.indexes:
            for name in index:
                if name not in names:
                    problems.append(ConfigProblem(label, "table.indexes", f"Spalte „{name}“ fehlt im Schema"))
    return problems


def tables(dataset: DatasetConfig) -> list[DeclaredTable]:
    # Frictionless steps may add, drop or rename columns: then only the name is known.
    return single_table(dataset, None if dataset.steps else schema_columns(dataset.table_schema))


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    source: Source = dataset.source_config
    path, shown_name = fetch_source(dataset, source, ctx)
    if source.kind == "csv" and source.encoding:
        check_encoding(path, source.encoding, shown_name)
    if source.kind in SPREADSHEET_CONTROLS:
        check_spreadsheet_container(path, shown_name, source.kind)
    if source.kind == "ods":
        check_ods_cells(path, shown_name)
    with csv_field_limit():
        return read_validate_write(dataset, source, ctx, path, shown_name)


def read_validate_write(
    dataset: DatasetConfig, source: Source, ctx: RunContext, path: Path, shown_name: str
) -> list[ResourceOutput]:
    """Apply the steps, validate `path` against the dataset's schema and write the table.

    Shared with the kinds that turn their source into a CSV first (`json`). Raises
    DatasetFailed with Frictionless's report retold in German."""
    published_schema = dataset.required_schema()
    if dataset.steps:
        path = _apply_steps(_open(path, source), dataset, shown_name, ctx.out_dir)
        source = Source(kind="csv", path=path.name, encoding="utf-8", delimiter=",")
    by_position = source.header_rows == []
    source_schema = source_side_schema(published_schema, None if by_position else _raw_labels(_open(path, source)))
    name = dataset.table_name()
    parts_folder = ctx.out_dir / ".teile"
    try:
        # The fast path reads valid files at close to csv-module speed, big plain files in
        # parts on every core; any error, or a source it does not handle (XLSX,
        # header/comment rows), gets Frictionless's own report (pipelines/reading/checked.py).
        # Files written before an error are discarded with the release's dataset folder.
        converters = {**PUBLISHED_FORM, "string": trim_text} if source.trim else PUBLISHED_FORM
        parts = consume_valid_rows(
            _open(path, source, source_schema),
            None,
            partial(
                write_resource_part, parts_folder, _published(published_schema), date_fields=dataset.temporal.fields
            ),
            converters=converters,
            limit_errors=COUNTED_ISSUES,
        )
        ctx.warnings.extend(_hygiene(path, source, published_schema, shown_name))
        return [
            join_resource_parts(
                ctx.out_dir,
                name,
                _published(published_schema),
                parts,
                title=dataset.title,
                description=dataset.description,
                fts=dataset.table.fts,
                indexes=dataset.table.indexes,
                facets=dataset.table.facets,
                date_fields=dataset.temporal.fields,
            )
        ]
    except InvalidTable as invalid:
        issues = issues_from_report(invalid.report, shown_name, published_schema)
        raise DatasetFailed(counted_summary(len(issues), shown_name), issues[:MAX_REPORTED_ISSUES]) from invalid
    finally:
        shutil.rmtree(parts_folder, ignore_errors=True)
        if dataset.steps:
            path.unlink(missing_ok=True)


def counted_summary(count: int, shown_name: str) -> str:
    """„368 Fehler in x.csv, die ersten 200 gezeigt“: the true count, and how many the report holds."""
    number = f"{count:,}".replace(",", ".")
    if count >= COUNTED_ISSUES:
        return f"mehr als {number} Fehler in {shown_name}, die ersten {MAX_REPORTED_ISSUES} gezeigt"
    if count > MAX_REPORTED_ISSUES:
        return f"{number} Fehler in {shown_name}, die ersten {MAX_REPORTED_ISSUES} gezeigt"
    return f"{number} Fehler in {shown_name}"


def _hygiene(path: Path, source: Source, schema: dict, shown_name: str) -> list[Issue]:
    """Warnings about what the valid file still carries (pipelines/checks/hygiene.py)."""
    names = [f["name"] for f in schema["fields"]]
    text_fields = {
        f["name"]
        for f in schema["fields"]
        if f.get("type", "string") == "string" and not f.get("constraints", {}).get("pattern")
    }
    if source.kind == "csv":
        found = (
            scan_delimited(
                path,
                source.encoding or _detected_encoding(path, source),
                source.delimiter or ",",
                names,
                source.header_rows,
                source.comment_rows,
                text_fields,
            )
            if source.delimiter
            else _scan_with_frictionless(path, source, names, text_fields)
        )
    else:
        found = _scan_with_frictionless(path, source, names, text_fields)
    return found.issues(shown_name, text_fields, source.trim)


def _detected_encoding(path: Path, source: Source) -> str:
    with _open(path, source) as resource:
        return resource.encoding


def _scan_with_frictionless(path: Path, source: Source, names: list[str], text_fields: set[str]):
    with _open(path, source) as resource:
        return scan_rows(((row.row_number, row.to_list()) for row in resource.row_stream), names, text_fields)


def fetch_source(dataset: DatasetConfig, source: FileSource, ctx: RunContext) -> tuple[Path, str]:
    """The local path of a file source (inside the dataset folder, or downloaded) and the name
    reports show for it. Shared by the file-based kinds. Raises DatasetFailed, also when the
    file is plainly of another format than the kind reads (`file_format.refuse_other_format`)."""
    if source.path is not None:
        path = (dataset.folder / source.path).resolve()
        if not path.is_relative_to(dataset.folder.resolve()):
            raise DatasetFailed(
                "Quelldatei liegt außerhalb des Datensatzordners",
                [Issue(message="unzulässiger Pfad", file=source.path)],
            )
        if not path.exists():
            raise DatasetFailed(
                "Quelldatei fehlt", [Issue(type="scheme-error", message="Datei nicht gefunden", file=source.path)]
            )
        refuse_other_format(path, source.kind, source.path, getattr(source, "encoding", None))
        return path, source.path
    url = str(source.url)
    try:
        ctx.progress(f"lade {url}")
        path = ctx.http.download(url)
    except FetchError as error:
        raise DatasetFailed(
            "Quelle nicht abrufbar", [Issue(type="source-error", message=error.reason, file=url)]
        ) from error
    check_content_type(ctx.http.cached_content_type(url), source.kind, url)
    suffix = _DOWNLOAD_SUFFIXES.get(source.kind, ".csv")  # readers that go by the file name see the right one
    linked = path.with_suffix(suffix)
    linked.unlink(missing_ok=True)
    linked.hardlink_to(path)
    refuse_other_format(linked, source.kind, url, getattr(source, "encoding", None))
    return linked, url


def check_encoding(path: Path, encoding: str, shown_name: str) -> None:
    """Decode the whole file incrementally so a wrong encoding is reported with its line."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line += chunk[: error.start].count(b"\n")
                raise DatasetFailed(
                    f"{shown_name} ist nicht in {encoding} kodiert",
                    [
                        Issue(
                            type="encoding-error",
                            file=shown_name,
                            row=line,
                            message=f"Byte 0x{chunk[error.start]:02x} ist in {encoding} kein gültiges Zeichen",
                            expected=f"Text in der Kodierung {encoding} "
                            "(oder die richtige Kodierung in dataset.yaml angeben)",
                        )
                    ],
                ) from error
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise DatasetFailed(
                f"{shown_name} endet mitten in einem Zeichen",
                [
                    Issue(
                        type="encoding-error",
                        file=shown_name,
                        row=line,
                        message="Datei endet mitten in einem Zeichen (abgeschnitten?)",
                        expected=encoding,
                    )
                ],
            ) from None


def _open(path: Path, source: Source, schema: dict | None = None) -> TableResource:
    """A Frictionless resource for the file. Without a schema every field is read as text,
    so that steps see the source's own strings (no guessing of German number formats)."""
    controls: list[Control] = []
    if source.kind == "csv" and source.delimiter:
        controls.append(formats.CsvControl(delimiter=source.delimiter))
    if source.kind in SPREADSHEET_CONTROLS and source.sheet is not None:
        controls.append(SPREADSHEET_CONTROLS[source.kind](sheet=source.sheet))
    dialect_options: dict[str, Any] = {}
    if source.header_rows == []:
        dialect_options["header"] = False  # columns by position: see Source.header_rows
    elif source.header_rows is not None:
        dialect_options["header_rows"] = source.header_rows
    if source.comment_rows is not None:
        dialect_options["comment_rows"] = source.comment_rows
    options: dict[str, Any] = {"format": source.kind, "dialect": Dialect(controls=controls, **dialect_options)}
    if source.encoding and source.kind == "csv":
        options["encoding"] = source.encoding
    if schema is not None:
        options["schema"] = Schema.from_descriptor(schema)
    else:
        options["detector"] = Detector(field_type="string")
    # Relative path + basepath: Frictionless refuses absolute paths as unsafe.
    return TableResource(path.name, basepath=str(path.parent), **options)


def _apply_steps(resource: TableResource, dataset: DatasetConfig, shown_name: str, work_dir: Path) -> Path:
    """Run the declared Frictionless steps and write the result as a UTF-8 CSV to validate."""
    target = work_dir / f".{dataset.table_name()}.steps.csv"
    try:
        steps = [Step.from_descriptor(step.model_dump()) for step in dataset.steps]
        resource.transform(Pipeline(steps=steps)).write(str(target))
    except FrictionlessException as error:
        target.unlink(missing_ok=True)
        raise DatasetFailed(
            "Verarbeitungsschritt fehlgeschlagen",
            [Issue(type=error.error.type, file=shown_name, message=error.error.message)],
        ) from error
    return target


def _raw_labels(resource: TableResource) -> list[str] | None:
    """The file's headings as Frictionless reads them; None when it cannot even open the file
    (the validation that follows reports why)."""
    try:
        with resource:
            return list(resource.labels)
    except FrictionlessException:
        return None


def source_side_schema(schema: dict, raw_labels: list[str] | None) -> dict:
    """The schema as it meets the source file.

    Field names become the file's headings (`label`), matched with spaces and TABs around a
    heading ignored: the raw heading is used where only those differ. Without `raw_labels`
    (columns by position) the names stay. An integer with `groupChar`, which Frictionless
    ignores, is read as a number without decimals (`decimalChar` a character no cell holds,
    so `1.234,5` is a type error) whose groups the grouped-numbers check verifies.
    """
    raw_by_trimmed = {label.strip(" \t"): label for label in raw_labels or [] if isinstance(label, str)}
    names = {}
    fields = []
    for field in schema["fields"]:
        source_name = field["name"]
        if raw_labels is not None:
            label = field.get("label", field["name"])
            source_name = raw_by_trimmed.get(label, label)
        names[field["name"]] = source_name
        field = {k: v for k, v in field.items() if k != "label"}
        field["name"] = source_name
        if field.get("type") == "integer" and field.get("groupChar"):
            field.update(type="number", decimalChar=NO_DECIMALS)
        fields.append(field)
    result = {**schema, "fields": fields}
    if "primaryKey" in schema:
        keys = schema["primaryKey"] if isinstance(schema["primaryKey"], list) else [schema["primaryKey"]]
        result["primaryKey"] = [names[k] for k in keys]
    result.pop("foreignKeys", None)  # resolved across datasets in portal.db, not within one file
    return result


# How the source is read, not how the published CSV is written (`.` decimals, no thousands
# separators, ISO dates, true/false, empty = missing): left out of the published schema, so
# that the data package describes its own files.
_SOURCE_READING = ("label", "decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues", "missingValues")


def _published(schema: dict) -> dict:
    fields = []
    for field in schema["fields"]:
        field = {k: v for k, v in field.items() if k not in _SOURCE_READING}
        if field.get("type") in ("date", "datetime", "time"):
            field.pop("format", None)
        fields.append(field)
    return {**{k: v for k, v in schema.items() if k != "missingValues"}, "fields": fields}
