"""Disclosure control: from raw service records to publishable monthly aggregates.

The one gate every service-statistics dataset passes before anything reaches `build/`:

1. direct identifiers and free text are dropped: only the fields the aggregate needs are
   read from a record (names only to teach the PII scan), and a declaration that
   aggregates over an identifier or free-text field is refused;
2. records are aggregated per month, service and channel (`pipelines.statistics.aggregate`);
3. cells below the threshold are suppressed, and secondary suppression makes sure totals
   cannot reveal them (`pipelines.statistics.suppression`);
4. every published column is scanned for personal data (`pipelines.statistics.pii`);
5. an audit says what was suppressed and why, without any suppressed value.

Records stream through once, in column batches, so memory stays bounded for millions of
records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.statistics.aggregate import AggregateSpec, Batch, MonthlyAggregator
from pipelines.statistics.cube import Cube
from pipelines.statistics.pii import PiiFinding, PiiScanner
from pipelines.statistics.protection import ProtectionRule
from pipelines.statistics.published_form import choose_form
from pipelines.statistics.releases import Released, finalise

SUPPRESSION_RULE = (
    "Gesperrt sind alle Zellen mit 1 bis {below} Fällen, Mittelwerte über weniger als {threshold} Werte und "
    "Anteile, hinter denen 1 bis {below} Fälle stehen oder die bei weniger als {extreme} Fällen 0 % oder 100 % "
    "wären. Zusätzlich ist so viel gesperrt, dass sich aus allem Veröffentlichten – Anzahlen, Mittelwerten, "
    "Anteilen und Summen – keine gesperrte Anzahl genauer als auf {threshold} Fälle und keine gesperrte Summe "
    "genauer als auf ±{percent} % eingrenzen lässt. Welcher Wert aus welchem Grund gesperrt ist, wird nicht "
    "angegeben: auch das könnte Werte verraten."
)


class DisclosureConfigError(ValueError):
    """The declaration would publish an identifier or free text; names the fields."""


class PersonalDataFound(RuntimeError):
    """The PII scan found personal data in a column that would be published."""

    def __init__(self, findings: list[PiiFinding]):
        first = findings[0]
        super().__init__(
            f"{len(findings)} Fundstelle(n) personenbezogener Daten, z. B. Zeile {first.row}, "
            f"Spalte `{first.column}`: {first.kind}"
        )
        self.findings = findings


@dataclass(frozen=True)
class DisclosureRules:
    """Which source fields are personal and how small a cell may be."""

    threshold: int = 5
    identifiers: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    first_name_field: str | None = None
    last_name_field: str | None = None
    sum_percent: float = 20.0
    min_cases_for_extreme_share: int = 10
    #: Declared hierarchies: per dimension field, coarser label → the labels it groups.
    groups: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    allow_quarters: bool = True
    max_hidden_share: float = 0.2

    def protection(self) -> ProtectionRule:
        return ProtectionRule(self.threshold, self.sum_percent, self.min_cases_for_extreme_share)


@dataclass
class ProtectedTable:
    """Publishable rows (suppressed values are None, `gesperrt` true) and the audit."""

    columns: list[str]
    rows: list[dict[str, Any]]
    audit: dict[str, Any] = field(default_factory=dict)


def check_declaration(spec: AggregateSpec, rules: DisclosureRules) -> None:
    """Refuse a declaration that aggregates over personal fields.

    Raises DisclosureConfigError naming every such field, and ValueError for a threshold
    below 3 (a primary cell would then be known to hold exactly 1).
    """
    personal = set(rules.identifiers) | set(rules.free_text)
    used = [name for name in spec.source_fields() if name in personal]
    if used:
        raise DisclosureConfigError(
            "Personenbezogene Felder dürfen nicht ausgewertet werden: " + ", ".join(f"`{name}`" for name in used)
        )
    if rules.threshold < 3:
        raise ValueError("Schwellenwert muss mindestens 3 sein")


@dataclass
class CollectedRecords:
    """Everything disclosure control keeps of the records: aggregates, the names the PII
    scan looks for, and which fields the source had. Parts of one file merge."""

    aggregator: MonthlyAggregator
    scanner: PiiScanner
    seen_fields: set[str]

    def merge(self, other: CollectedRecords) -> None:
        """Add the records another part collected (merge parts in file order)."""
        self.aggregator.merge(other.aggregator)
        self.scanner.merge(other.scanner)
        self.seen_fields |= other.seen_fields


def collect(batches: Iterable[Batch], spec: AggregateSpec, rules: DisclosureRules) -> CollectedRecords:
    """Aggregate raw records given as column batches (`pipelines.statistics.aggregate.record_batches`
    makes them from dicts) and learn the names the PII scan must find.

    Raises DisclosureConfigError for a declaration that uses personal fields and
    `pipelines.statistics.aggregate.AggregateInputError` for a record without month or dimension.
    """
    check_declaration(spec, rules)
    collected = CollectedRecords(MonthlyAggregator(spec), PiiScanner(), set())
    first_field, last_field = rules.first_name_field, rules.last_name_field
    for batch in batches:
        if not collected.seen_fields:
            collected.seen_fields.update(batch.keys())
        if first_field and last_field:
            collected.scanner.learn_names(batch[first_field], batch[last_field])
        # The aggregator reads only spec.source_fields(): identifiers and free text are
        # never read from a record, let alone copied anywhere.
        collected.aggregator.add_batch(batch)
    return collected


def protect(
    batches: Iterable[Batch], spec: AggregateSpec, rules: DisclosureRules, source_columns: Sequence[str] | None = None
) -> ProtectedTable:
    """Turn raw records, as column batches, into publishable aggregates plus an audit:
    `collect`, then `protect_collected`, with the errors of both."""
    return protect_collected(collect(batches, spec, rules), spec, rules, source_columns)


def protect_collected(
    collected: CollectedRecords,
    spec: AggregateSpec,
    rules: DisclosureRules,
    source_columns: Sequence[str] | None = None,
    state_dir: Path | None = None,
) -> ProtectedTable:
    """Coarsen, suppress, scan and audit what `collect` gathered.

    `source_columns` are all columns of the source, for the audit's list of dropped fields;
    without it the fields of the first batch are used. With `state_dir` the result is one
    release of a series (`pipelines.statistics.releases`): released periods stay as they were, the
    open period is withheld, and the state there is updated.

    Raises `pipelines.statistics.suppression.UnprotectableCell` if suppression cannot protect a
    value, and PersonalDataFound if the scan finds personal data in the output.
    """
    aggregator, scanner = collected.aggregator, collected.scanner
    seen_fields = set(source_columns) if source_columns is not None else collected.seen_fields
    released = Released.load(state_dir) if state_dir is not None else None
    chosen = choose_form(
        Cube.from_aggregator(aggregator, spec),
        spec,
        rules.protection(),
        {name: dict(groups) for name, groups in rules.groups.items()},
        rules.allow_quarters,
        rules.max_hidden_share,
        released.form if released else None,
    )
    rows = chosen.rows
    columns = chosen.columns
    series: dict[str, Any] = {}
    if state_dir is not None:
        rows, state, series = finalise(
            list(chosen.name),
            chosen.period_field,
            spec.row_field,
            spec.column_field,
            columns,
            rows,
            chosen.audit["period_tallies"],
            released,
        )
    findings = scanner.scan_rows(rows, columns)
    if findings:
        raise PersonalDataFound(findings)
    audit = {
        "threshold": rules.threshold,
        "records_read": aggregator.records,
        "fields_published": columns,
        "fields_read": spec.source_fields(),
        "dropped": {
            "identifiers": [name for name in rules.identifiers if name in seen_fields],
            "free_text": [name for name in rules.free_text if name in seen_fields],
            "other": sorted(seen_fields - set(spec.source_fields()) - set(rules.identifiers) - set(rules.free_text)),
        },
        **{key: value for key, value in chosen.audit.items() if key != "period_tallies"},
        **series,
        "rule": SUPPRESSION_RULE.format(
            below=rules.threshold - 1,
            threshold=rules.threshold,
            percent=f"{rules.sum_percent:g}",
            extreme=rules.min_cases_for_extreme_share,
        ),
        "pii_scan": {
            "columns": columns,
            "rows": len(rows),
            "findings": 0,
            "kinds": ["E-Mail-Adresse", "Telefonnummer", "Straßenadresse", "Name"],
        },
    }
    if state_dir is not None:
        state.save(state_dir)  # only after the scan: a failed release freezes nothing
    return ProtectedTable(columns, rows, audit)
