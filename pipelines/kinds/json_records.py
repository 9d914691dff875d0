"""Records from a JSON or JSON Lines file (`kind: json`), validated like a CSV.

```yaml
source:
  kind: json
  path: sample/wartezeiten.json     # or url: https://…
  format: json                      # json | jsonl (default: jsonl for .jsonl/.ndjson, else json)
  records: daten.eintraege          # path to the list of records; default: the file is the list
  columns: {plz: adresse.plz}       # a schema label -> dotted path into a nested object
  encoding: utf-8
```

The schema (`schema.yaml`) names the columns by their key in a record (`label`, or `name`
when they agree) and casts numbers and dates written as text (`"39,20"` with
`decimalChar: ","`) like a CSV. Keys no column reads are a warning, never silently dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from pipelines.config.dataset import DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue
from pipelines.kinds import tabular
from pipelines.kinds.source_files import check_encoding_name
from pipelines.output import ResourceOutput
from pipelines.reading.json_source import (
    JSON_LINES_SUFFIXES,
    JsonSourceError,
    decode_text,
    parse_json,
    parse_json_lines,
    write_records_csv,
)

NEEDS_SCHEMA = True
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here
inputs = tabular.inputs
local = tabular.local
tables = tabular.tables  # the records become one csv table


class Source(FileSource):
    kind: Literal["json"]
    format: Literal["json", "jsonl"] | None = None
    records: str | None = None
    columns: dict[str, str] = {}
    encoding: str = "utf-8"

    @model_validator(mode="after")
    def _valid(self) -> Source:
        check_encoding_name(self.encoding)
        if self.records and self.resolved_format() == "jsonl":
            raise ValueError("records gilt nur für format: json (in JSON Lines ist jede Zeile ein Datensatz)")
        return self

    def resolved_format(self) -> str:
        if self.format:
            return self.format
        location = self.path or (self.url.path if self.url else "") or ""
        return "jsonl" if location.lower().endswith(JSON_LINES_SUFFIXES) else "json"


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    problems = tabular.check(dataset)
    source: Source | None = dataset.source_config
    if source and dataset.table_schema:
        labels = {field.get("label", field.get("name")) for field in dataset.table_schema["fields"]}
        problems += [
            ConfigProblem(
                f"datasets/{dataset.id}/dataset.yaml",
                f"source.columns.{label}",
                "keine Spalte im Schema hat diesen Namen oder label",
            )
            for label in source.columns
            if label not in labels
        ]
    return problems


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    source: Source = dataset.source_config
    path, shown_name = tabular.fetch_source(dataset, source, ctx)
    table = ctx.out_dir / f".{dataset.table_name()}.json.csv"
    try:
        text = decode_text(path.read_bytes(), source.encoding, shown_name)
        records = (
            parse_json_lines(text, shown_name)
            if source.resolved_format() == "jsonl"
            else parse_json(text, shown_name, source.records)
        )
        unread, records_with_unread = write_records_csv(
            records, dataset.required_schema(), source.columns, table, shown_name
        )
    except JsonSourceError as error:
        table.unlink(missing_ok=True)
        raise DatasetFailed(error.summary, error.issues) from error
    if unread:
        ctx.warnings.append(
            Issue(
                type="unread-keys",
                file=shown_name,
                message=f"Schlüssel ohne Spalte im Schema werden nicht veröffentlicht: {', '.join(unread)} "
                f"(in bis zu {records_with_unread} Datensätzen)",
                expected="die Schlüssel im Schema ergänzen, wenn sie veröffentlicht werden sollen",
            )
        )
    try:
        return tabular.read_validate_write(
            dataset,
            tabular.Source(kind="csv", path=table.name, encoding="utf-8", delimiter=","),
            ctx,
            table,
            shown_name,
        )
    except DatasetFailed as failure:
        raise DatasetFailed(
            failure.summary, [_in_source_terms(issue, records.lines) for issue in failure.issues]
        ) from failure
    finally:
        table.unlink(missing_ok=True)


def _in_source_terms(issue: Issue, lines: list[int] | None) -> Issue:
    """Row numbers of the intermediate table (header = row 1) retold as the source's lines,
    or as record numbers where the records lie nested in one document."""
    if issue.row is None or issue.row < 2:
        return issue
    record = issue.row - 1
    if lines is not None and record <= len(lines):
        return Issue(**{**issue.to_dict(), "row": lines[record - 1]})
    return Issue(**{**issue.to_dict(), "row": None, "message": f"Datensatz {record}: {issue.message}"})
