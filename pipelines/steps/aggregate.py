"""Monthly aggregates of service records per service (rows) and channel (columns).

The aggregator consumes records one at a time and keeps per cell only a count, sums and a
histogram of the values seen, so memory is bounded by the number of cells and distinct
values, not by the number of records (1M records stay small). Every month is a
two-dimensional table with its row totals, column totals and grand total, labelled
`total_label`; the disclosure step suppresses cells of exactly this table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

TOTAL = "Insgesamt"


class AggregateInputError(ValueError):
    """A record lacks a value the aggregate needs (month or dimension); names record and field."""

    def __init__(self, record_number: int, field_name: str, message: str):
        super().__init__(f"Datensatz {record_number}, Feld `{field_name}`: {message}")
        self.record_number = record_number
        self.field_name = field_name


@dataclass(frozen=True)
class Measure:
    """One numeric quantity summarised per cell.

    Either `field` names a numeric field, or `start_field` and `end_field` name two date
    fields and the quantity is the number of days between them. A missing value (open
    complaint, no waiting time online) is left out of mean and median and counts as "not
    within" for `within_days`.
    """

    name: str
    field: str | None = None
    start_field: str | None = None
    end_field: str | None = None
    statistics: tuple[str, ...] = ("mean", "median")
    within_days: int | None = None

    def __post_init__(self) -> None:
        if (self.field is None) == (self.start_field is None or self.end_field is None):
            raise ValueError(f"Kennzahl {self.name}: entweder `field` oder `start_field` und `end_field` angeben")
        unknown = set(self.statistics) - {"mean", "median"}
        if unknown:
            raise ValueError(f"Kennzahl {self.name}: unbekannte Statistik {sorted(unknown)}")

    def value_of(self, record: Mapping[str, Any]) -> float | None:
        """The measured value of one record, or None when the record has none."""
        if self.field is not None:
            value = record.get(self.field)
            return None if value is None or value == "" else float(value)
        start, end = record.get(self.start_field), record.get(self.end_field)
        if not isinstance(start, date) or not isinstance(end, date):
            return None
        return float((end - start).days)

    def output_columns(self) -> list[str]:
        """Names of the published columns this measure produces, in order."""
        names = {"mean": f"{self.name}_mittel", "median": f"{self.name}_median"}
        columns = [names[statistic] for statistic in self.statistics]
        if self.within_days is not None:
            columns.append(f"{self.name}_anteil_bis_{self.within_days}_tage")
        return columns

    def source_fields(self) -> list[str]:
        return [name for name in (self.field, self.start_field, self.end_field) if name]


@dataclass(frozen=True)
class AggregateSpec:
    """What to aggregate: the month, the two dimensions and the measures."""

    month_field: str
    row_field: str
    column_field: str
    measures: tuple[Measure, ...] = ()
    total_label: str = TOTAL

    def source_fields(self) -> list[str]:
        """Every record field the aggregate reads; all others can be dropped unread."""
        fields = [self.month_field, self.row_field, self.column_field]
        for measure in self.measures:
            fields.extend(measure.source_fields())
        return list(dict.fromkeys(fields))

    def output_columns(self) -> list[str]:
        columns = ["monat", self.row_field, self.column_field, "anzahl"]
        for measure in self.measures:
            columns.extend(measure.output_columns())
        return columns


class _MeasureState:
    __slots__ = ("count", "total", "within", "histogram")

    def __init__(self) -> None:
        self.count, self.total, self.within = 0, 0.0, 0
        self.histogram: Counter = Counter()

    def merge(self, other: "_MeasureState") -> None:
        self.count += other.count
        self.total += other.total
        self.within += other.within
        self.histogram.update(other.histogram)


class CellStats:
    """Running statistics of one cell (month, row, column)."""

    __slots__ = ("count", "measures")

    def __init__(self) -> None:
        self.count = 0
        self.measures: dict[str, _MeasureState] = {}

    def add(self, spec: AggregateSpec, values: list[float | None]) -> None:
        self.count += 1
        for measure, value in zip(spec.measures, values):
            if value is None:
                continue
            state = self.measures.get(measure.name)
            if state is None:
                state = self.measures[measure.name] = _MeasureState()
            state.count += 1
            state.total += value
            state.histogram[value] += 1
            if measure.within_days is not None and value <= measure.within_days:
                state.within += 1

    def merge(self, other: "CellStats") -> None:
        """Add another cell's statistics to this one (used to build the totals)."""
        self.count += other.count
        for name, state in other.measures.items():
            mine = self.measures.get(name)
            if mine is None:
                mine = self.measures[name] = _MeasureState()
            mine.merge(state)

    def measure_values(self, spec: AggregateSpec, min_values: int = 1) -> dict[str, float | None]:
        """Published measure columns of this cell (mean, median, share in %), rounded to 0.1.

        A mean or median over fewer than `min_values` values is None: it would describe
        too few people (the one resolved complaint among six, say).
        """
        values: dict[str, float | None] = {}
        for measure in spec.measures:
            state = self.measures.get(measure.name, _MeasureState())
            columns = iter(measure.output_columns())
            for statistic in measure.statistics:
                column = next(columns)
                if state.count < max(1, min_values):
                    values[column] = None
                elif statistic == "mean":
                    values[column] = round(state.total / state.count, 1)
                else:
                    values[column] = round(median_of_histogram(state.histogram), 1)
            if measure.within_days is not None:
                values[next(columns)] = round(100.0 * state.within / self.count, 1) if self.count else None
        return values


def median_of_histogram(histogram: Counter) -> float:
    """Median of the values counted in `histogram` (mean of the two middle ones for even n).

    Raises ValueError for an empty histogram.
    """
    total = sum(histogram.values())
    if total == 0:
        raise ValueError("Median einer leeren Menge")
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen, lower = 0, None
    for value in sorted(histogram):
        seen += histogram[value]
        if lower is None and seen > lower_rank:
            lower = value
        if seen > upper_rank:
            return (lower + value) / 2
    raise AssertionError("unreachable: ranks lie within the histogram")


@dataclass
class MonthTable:
    """One month's cells keyed by (row label, column label), totals included."""

    month: str
    cells: dict[tuple[str, str], CellStats] = field(default_factory=dict)

    def rows(self, total: str) -> list[str]:
        return sorted({row for row, _ in self.cells if row != total})

    def columns(self, total: str) -> list[str]:
        return sorted({column for _, column in self.cells if column != total})


class MonthlyAggregator:
    """Streams records into per-month tables; call `add` per record, then `tables()`."""

    def __init__(self, spec: AggregateSpec):
        self.spec = spec
        self.records = 0
        self._months: dict[str, MonthTable] = {}
        self._month_names: dict[date, str] = {}
        self._totalled = True

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one record. Raises AggregateInputError when month or a dimension is missing."""
        self.records += 1
        spec = self.spec
        day = record.get(spec.month_field)
        if not isinstance(day, date):
            raise AggregateInputError(self.records, spec.month_field, "Datum fehlt")
        row, column = record.get(spec.row_field), record.get(spec.column_field)
        for name, label in ((spec.row_field, row), (spec.column_field, column)):
            if label is None or label == "":
                raise AggregateInputError(self.records, name, "Wert fehlt")
            if label == spec.total_label:
                raise AggregateInputError(self.records, name, f"`{label}` ist für Summen reserviert")
        month = self._month_names.get(day)
        if month is None:
            month = self._month_names[day] = f"{day.year:04d}-{day.month:02d}"
        table = self._months.get(month)
        if table is None:
            table = self._months[month] = MonthTable(month)
        # Only the inner cell is counted per record; totals are merged once in tables().
        cell = table.cells.get((row, column))
        if cell is None:
            cell = table.cells[(row, column)] = CellStats()
        cell.add(spec, [measure.value_of(record) for measure in spec.measures])
        self._totalled = False

    def tables(self) -> list[MonthTable]:
        """The month tables in calendar order, with row, column and grand totals."""
        if not self._totalled:
            total = self.spec.total_label
            for table in self._months.values():
                inner = [(key, cell) for key, cell in table.cells.items() if total not in key]
                for key in [key for key in table.cells if total in key]:
                    del table.cells[key]
                for (row, column), cell in inner:
                    for key in ((row, total), (total, column), (total, total)):
                        margin = table.cells.get(key)
                        if margin is None:
                            margin = table.cells[key] = CellStats()
                        margin.merge(cell)
            self._totalled = True
        return [self._months[month] for month in sorted(self._months)]


def aggregate(records: Iterable[Mapping[str, Any]], spec: AggregateSpec) -> MonthlyAggregator:
    """Aggregate every record of `records` (consumed once, streaming) and return the result."""
    aggregator = MonthlyAggregator(spec)
    for record in records:
        aggregator.add(record)
    return aggregator
