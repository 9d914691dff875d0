"""Service statistics from record-level exports: read → validate → disclosure control →
monthly aggregates. Only the aggregates that pass disclosure control reach `build/`, with
the audit beside them as `disclosure-audit.json`.

`schema.yaml` is the Table Schema of the raw export (every column, personal ones included);
rows are read and checked by the fast reader of the csv kind (`pipelines.reading`). Issues
never quote a cell: a shifted row could put a name or an e-mail address into any column.

```yaml
source:
  kind: service-records
  path: sample/beschwerden.csv        # or url:
  encoding: cp1252
  delimiter: ";"
  month: eingangsdatum                # the date that decides the month
  rows: kategorie                     # row dimension (service, category)
  columns: kanal                      # column dimension (channel)
  count: anzahl                       # optional: cases per record, for exports that arrive counted
  titles: {kategorie: Kategorie, kanal: Eingangskanal}
  measures:
    - {name: erledigungstage, start: eingangsdatum, end: erledigt_am, within_days: 14, title: Tage bis zur Erledigung}
  personal:
    identifiers: [nachname, vorname, strasse, hausnummer, email, telefon]
    free_text: [beschwerdetext]
    first_name: vorname
    last_name: nachname
  threshold: 5
```
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from itertools import islice
from operator import itemgetter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.build_folder import AUDIT_FILE
from pipelines.config.dataset import COLUMN_NAME, DatasetConfig
from pipelines.config.file_source import FileSource
from pipelines.context import RunContext
from pipelines.errors import ConfigProblem, DatasetFailed, Issue
from pipelines.kinds.contract import DeclaredTable, local_unless_url, no_inputs, single_table
from pipelines.kinds.source_files import check_encoding_name, csv_field_limit
from pipelines.kinds.tabular import check_encoding, fetch_source
from pipelines.output import ResourceOutput, write_resource
from pipelines.reading.checked import InvalidTable, consume_valid_rows
from pipelines.report import describe_field
from pipelines.statistics.aggregate import BATCH_SIZE, TOTAL, AggregateInputError, AggregateSpec, Measure
from pipelines.statistics.disclosure import (
    CollectedRecords,
    DisclosureConfigError,
    DisclosureRules,
    PersonalDataFound,
    collect,
    protect_collected,
)
from pipelines.statistics.releases import FormChanged
from pipelines.statistics.suppression import UnprotectableCell

NEEDS_SCHEMA = True  # schema.yaml describes the raw export; the published schema follows from the declaration
PUBLIC_DATA: dict[str, list[str]] = {}  # nothing personal is public by nature here
inputs = no_inputs
local = local_unless_url
MAX_ISSUES = 200


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MeasureConfig(Strict):
    """A quantity summarised per cell: a numeric field, or days from `start` to `end`."""

    name: str = Field(pattern=COLUMN_NAME.pattern)
    title: str
    field: str | None = None
    start: str | None = None
    end: str | None = None
    statistics: list[Literal["mean"]] = ["mean"]  # medians and extremes are one person's value
    within_days: int | None = Field(default=None, ge=0)
    unit: str = ""

    @model_validator(mode="after")
    def _one_source(self) -> MeasureConfig:
        if (self.field is None) == (self.start is None or self.end is None):
            raise ValueError("entweder field oder start und end angeben")
        return self

    def measure(self) -> Measure:
        return Measure(
            self.name,
            field=self.field,
            start_field=self.start,
            end_field=self.end,
            statistics=tuple(self.statistics),
            within_days=self.within_days,
        )


class PersonalFields(Strict):
    """Fields holding personal data: never aggregated, never published."""

    identifiers: list[str] = Field(min_length=1)
    free_text: list[str] = []
    first_name: str | None = None
    last_name: str | None = None


class ProtectionConfig(Strict):
    """How strongly hidden values are protected and how the table may be coarsened first."""

    sum_percent: float = Field(default=20.0, gt=0, lt=100)
    min_cases_for_extreme_share: int = Field(default=10, ge=1)
    max_hidden_share: float = Field(default=0.2, ge=0, le=1)
    quarters: bool = True
    #: Declared hierarchies: per dimension field, coarser label → the labels it groups.
    groups: dict[str, dict[str, list[str]]] = {}


class Source(FileSource):
    kind: Literal["service-records"]
    encoding: str = "utf-8"
    delimiter: str = Field(default=";", min_length=1, max_length=1)
    month: str
    rows: str = Field(pattern=COLUMN_NAME.pattern)
    columns: str = Field(pattern=COLUMN_NAME.pattern)
    count: str | None = None  # field with the cases a record stands for (already-counted exports)
    titles: dict[str, str] = {}
    measures: list[MeasureConfig] = []
    personal: PersonalFields
    threshold: int = Field(default=5, ge=3)
    protection: ProtectionConfig = ProtectionConfig()

    @model_validator(mode="after")
    def _consistent(self) -> Source:
        unknown = set(self.protection.groups) - {self.rows, self.columns}
        if unknown:
            raise ValueError(f"protection.groups: nur für {self.rows} oder {self.columns}, nicht {sorted(unknown)}")
        check_encoding_name(self.encoding)
        return self

    def spec(self) -> AggregateSpec:
        return AggregateSpec(
            self.month, self.rows, self.columns, tuple(m.measure() for m in self.measures), weight_field=self.count
        )

    def rules(self) -> DisclosureRules:
        personal = self.personal
        protection = self.protection
        return DisclosureRules(
            self.threshold,
            tuple(personal.identifiers),
            tuple(personal.free_text),
            personal.first_name,
            personal.last_name,
            protection.sum_percent,
            protection.min_cases_for_extreme_share,
            protection.groups,
            protection.quarters,
            protection.max_hidden_share,
        )


def check(dataset: DatasetConfig) -> list[ConfigProblem]:
    """The source file exists, the schema types the fields the statistics read, and no
    personal field is aggregated."""
    label = f"datasets/{dataset.id}/dataset.yaml"
    source: Source = dataset.source_config
    problems = source.missing_file(dataset)
    types = {field["name"]: field.get("type", "string") for field in (dataset.table_schema or {}).get("fields", [])}
    wanted: dict[str, tuple[str, ...]] = {
        source.month: ("date",),
        source.rows: ("string",),
        source.columns: ("string",),
    }
    for measure in source.measures:
        for name in (measure.start, measure.end):
            if name:
                wanted[name] = ("date",)
        if measure.field:
            wanted[measure.field] = ("number", "integer")
    if source.count:
        wanted[source.count] = ("integer",)
    names = [source.personal.first_name, source.personal.last_name]
    wanted.update({name: ("string",) for name in names if name})
    for name, allowed in wanted.items():
        if name not in types:
            problems.append(ConfigProblem(label, "source", f"Feld „{name}“ fehlt in schema.yaml"))
        elif types[name] not in allowed:
            problems.append(
                ConfigProblem(
                    f"datasets/{dataset.id}/schema.yaml", name, f"Typ {types[name]}, erwartet: {' oder '.join(allowed)}"
                )
            )
    personal = set(source.personal.identifiers) | set(source.personal.free_text)
    for name in source.spec().source_fields():
        if name in personal:
            problems.append(
                ConfigProblem(label, "source", f"„{name}“ ist personenbezogen und darf nicht ausgewertet werden")
            )
    return problems


PERIOD_FIELDS = {
    "monat": {
        "name": "monat",
        "type": "yearmonth",
        "title": "Monat",
        "description": "Kalendermonat (JJJJ-MM).",
        "constraints": {"required": True},
    },
    "quartal": {
        "name": "quartal",
        "type": "string",
        "title": "Quartal",
        "description": "Kalenderquartal (JJJJ-Qn).",
        "constraints": {"required": True, "pattern": "[0-9]{4}-Q[1-4]"},
    },
}


def published_schema(source: Source, period_field: str = "monat") -> dict:
    """The Table Schema of the published aggregates (per month or quarter), with German titles."""

    def title(name: str) -> str:
        return source.titles.get(name, name.replace("_", " ").capitalize())

    fields = [
        PERIOD_FIELDS[period_field],
        {
            "name": source.rows,
            "type": "string",
            "title": title(source.rows),
            "description": f"„{TOTAL}“ ist die Summe über alle Werte.",
            "constraints": {"required": True},
        },
        {
            "name": source.columns,
            "type": "string",
            "title": title(source.columns),
            "description": f"„{TOTAL}“ ist die Summe über alle Werte.",
            "constraints": {"required": True},
        },
        {
            "name": "anzahl",
            "type": "integer",
            "title": "Anzahl Fälle",
            "description": "Leer, wenn die Zelle zum Schutz kleiner Fallzahlen gesperrt ist.",
        },
    ]
    for config in source.measures:
        measure = config.measure()
        unit = f" ({config.unit})" if config.unit else ""
        if measure.mean_column:
            fields.append(
                {
                    "name": measure.mean_column,
                    "type": "number",
                    "title": f"{config.title}: Mittelwert{unit}",
                    "description": f"Leer bei weniger als {source.threshold} Werten oder wenn der Wert "
                    "zum Schutz kleiner Fallzahlen gesperrt ist.",
                }
            )
        if measure.share_column:
            fields.append(
                {
                    "name": measure.share_column,
                    "type": "number",
                    "title": f"{config.title}: Anteil bis {measure.within_days} Tage (%)",
                    "description": "Anteil der Fälle in Prozent; offene Fälle zählen als nicht erledigt. "
                    "Leer, wenn der Anteil zum Schutz kleiner Fallzahlen gesperrt ist.",
                }
            )
    fields.append(
        {
            "name": "gesperrt",
            "type": "boolean",
            "title": "Gesperrt",
            "description": "Ja, wenn die Werte dieser Zelle zum Schutz kleiner Fallzahlen nicht veröffentlicht werden.",
        }
    )
    return {"fields": fields, "primaryKey": [period_field, source.rows, source.columns]}


def tables(dataset: DatasetConfig) -> list[DeclaredTable]:
    # The period column (monat or quartal) follows from the data: columns are known after the run.
    return single_table(dataset)


def run(dataset: DatasetConfig, ctx: RunContext) -> list[ResourceOutput]:
    source: Source = dataset.source_config
    path, shown_name = fetch_source(dataset, source, ctx)
    check_encoding(path, source.encoding, shown_name)
    spec, rules = source.spec(), source.rules()
    raw_schema = dataset.required_schema()
    header = [field["name"] for field in raw_schema["fields"]]
    ctx.progress(f"werte {shown_name} aus")
    try:
        with csv_field_limit():  # overlong cells are errors, as in the csv kind
            protected = protect_collected(
                collect_records(path, source, raw_schema), spec, rules, source_columns=header, state_dir=ctx.state_dir
            )
    except InvalidTable as invalid:
        raise DatasetFailed(f"Fehler in {shown_name}", _issues(invalid, shown_name, raw_schema)) from None
    except (DisclosureConfigError, AggregateInputError, UnprotectableCell, FormChanged) as error:
        raise DatasetFailed(
            "Datenschutzprüfung nicht bestanden", [Issue(message=str(error), file=shown_name)]
        ) from error
    except PersonalDataFound as found:
        raise DatasetFailed(
            "Personenbezogene Daten in der Auswertung gefunden",
            [
                Issue(
                    type="pii-found",
                    file=shown_name,
                    row=finding.row,
                    field=finding.column,
                    message=f"{finding.kind} in einer zu veröffentlichenden Spalte",
                    expected="keine personenbezogenen Daten (Feld in personal.identifiers eintragen)",
                )
                for finding in found.findings[:100]
            ],
        ) from None  # the finding's context would carry nothing more, and no values
    if not protected.rows:
        raise DatasetFailed(
            "Keine Datensätze",
            [Issue(type="blank-table", file=shown_name, message="Die Datei enthält keine Datensätze")],
        )
    name = dataset.table_name()
    audit = {
        "dataset": dataset.id,
        "table": name,
        "row_field": source.rows,
        "column_field": source.columns,
        "total_label": TOTAL,
        **protected.audit,
    }
    (ctx.out_dir / AUDIT_FILE).write_text(json.dumps(audit, ensure_ascii=False, indent=2), encoding="utf-8")
    return [
        write_resource(
            ctx.out_dir,
            name,
            published_schema(source, protected.audit["period"]),
            protected.rows,
            title=dataset.title,
            description=dataset.description,
            facets=[source.columns, source.rows],
            indexes=[[protected.audit["period"]]],
            date_fields=[protected.audit["period"]],
        )
    ]


def collect_records(path, source: Source, raw_schema: dict) -> CollectedRecords:
    """Read, validate and aggregate the records of ``path`` (in parts on several cores when
    the file is big and plain, see pipelines/reading/parallel.py).

    Raises InvalidTable when any row broke the schema (nothing is published then), and
    what `pipelines.statistics.disclosure.collect` raises.
    """
    spec, rules = source.spec(), source.rules()
    names = [field["name"] for field in raw_schema["fields"]]
    keep = list(
        dict.fromkeys(
            spec.source_fields() + [name for name in (source.personal.first_name, source.personal.last_name) if name]
        )
    )
    consume = partial(_collect_part, [names.index(name) for name in keep], keep, spec, rules)
    parts = consume_valid_rows(
        path, raw_schema, consume, encoding=source.encoding, dialect={"csv": {"delimiter": source.delimiter}}
    )
    collected = parts[0]
    for part in parts[1:]:
        collected.merge(part)
    return collected


def _collect_part(
    positions: list[int], keep: list[str], spec: AggregateSpec, rules: DisclosureRules, rows: Iterator[list[Any]]
) -> CollectedRecords:
    # Tuples of plain values, not the reader's lists: the cyclic garbage collector stops
    # tracking such tuples at once, whereas a batch of live lists made it walk the whole
    # heap again and again (1.4 s of 5 s per million records, measured).
    picked = map(itemgetter(*positions), rows)

    def batches() -> Iterator[dict[str, list]]:
        while True:
            batch = list(islice(picked, BATCH_SIZE))
            if not batch:
                return
            # Not zip(*batch): that holds an iterator per record, which the collector walks.
            yield {name: list(map(itemgetter(index), batch)) for index, name in enumerate(keep)}

    return collect(batches(), spec, rules)


def _issues(invalid: InvalidTable, shown_name: str, raw_schema: dict) -> list[Issue]:
    """Frictionless's errors as issues with row, field and what was expected — without the
    cell values that Frictionless's own messages quote."""
    fields = {field["name"]: field for field in raw_schema["fields"]}
    words = {
        "type-error": "hat nicht den erwarteten Typ",
        "constraint-error": "verletzt eine Bedingung",
        "missing-cell": "Zelle fehlt (die Zeile hat zu wenige Spalten)",
        "extra-cell": "überzählige Zelle (die Zeile hat zu viele Spalten)",
        "missing-label": "Spalte fehlt in der Datei",
        "extra-label": "Spalte steht nicht im Schema",
        "incorrect-label": "Spaltenüberschrift passt nicht zum Schema",
        "blank-row": "leere Zeile",
    }
    issues = []
    for error in invalid.errors[:MAX_ISSUES]:
        descriptor = error.to_descriptor()
        field_name = descriptor.get("fieldName")
        kind = descriptor.get("type") or "error"
        issues.append(
            Issue(
                type=kind,
                file=shown_name,
                row=descriptor.get("rowNumber"),
                field=field_name,
                message=f"Feld „{field_name}“ {words.get(kind, 'ist fehlerhaft')}"
                if field_name
                else words.get(kind, "Fehler in der Datei"),
                expected=describe_field(fields[field_name]) if field_name in fields else None,
            )
        )
    return issues
