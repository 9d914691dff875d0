"""Monthly aggregates of service records per service (rows) and channel (columns).

The aggregator consumes records in column batches (field name → one value per record) and
keeps only a count per cell and, per measure, how often each distinct value occurred in
each cell. Memory is bounded by cells × distinct values, not by the number of records, and
the per-record work is done by NumPy rather than a Python loop per record (a million
records took ~5 s one by one, see benchmarks/). Every month is a two-dimensional table with
its row totals, column totals and grand total, labelled `total_label`; the disclosure step
suppresses cells of exactly this table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn

import numpy as np

from pipelines.statistics.value_histogram import MeasureSummary, ValueHistogram, reduce_pairs, summaries_per_cell

TOTAL = "Insgesamt"
#: Records per column batch: big enough for NumPy to pay, small enough to stay flat in memory.
BATCH_SIZE = 16_384
#: Field name → one value per record; every list of a batch has the same length.
Batch = Mapping[str, Sequence[Any]]


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
    complaint, no waiting time online) is left out of the mean and counts as "not
    within" for `within_days`.
    """

    name: str
    field: str | None = None
    start_field: str | None = None
    end_field: str | None = None
    statistics: tuple[str, ...] = ("mean",)
    within_days: int | None = None

    def __post_init__(self) -> None:
        if (self.field is None) == (self.start_field is None or self.end_field is None):
            raise ValueError(f"Kennzahl {self.name}: entweder `field` oder `start_field` und `end_field` angeben")
        # No median, minimum or maximum: each is one person's value (or the mean of two).
        unknown = set(self.statistics) - {"mean"}
        if unknown:
            raise ValueError(f"Kennzahl {self.name}: Statistik {sorted(unknown)} wird nicht veröffentlicht, nur mean")

    @property
    def mean_column(self) -> str | None:
        return f"{self.name}_mittel" if "mean" in self.statistics else None

    @property
    def share_column(self) -> str | None:
        return f"{self.name}_anteil_bis_{self.within_days}_tage" if self.within_days is not None else None

    def output_columns(self) -> list[str]:
        """Names of the published columns this measure produces, in order."""
        return [name for name in (self.mean_column, self.share_column) if name]

    def source_fields(self) -> list[str]:
        return [name for name in (self.field, self.start_field, self.end_field) if name]

    def date_fields(self) -> tuple[str, str]:
        """`start_field` and `end_field` of a measure of days. Raises ValueError for a field measure."""
        if self.start_field is None or self.end_field is None:
            raise ValueError(f"Kennzahl {self.name} misst ein Feld, keine Tage zwischen zwei Daten")
        return self.start_field, self.end_field


@dataclass(frozen=True)
class AggregateSpec:
    """What to aggregate: the month, the two dimensions and the measures.

    `weight_field` names a field holding how many cases a record stands for, for exports that
    arrive already counted (waiting people per office and hour); without it a record is one case.
    """

    month_field: str
    row_field: str
    column_field: str
    measures: tuple[Measure, ...] = ()
    total_label: str = TOTAL
    weight_field: str | None = None

    def source_fields(self) -> list[str]:
        """Every record field the aggregate reads; all others can be dropped unread."""
        fields = [self.month_field, self.row_field, self.column_field]
        if self.weight_field:
            fields.append(self.weight_field)
        for measure in self.measures:
            fields.extend(measure.source_fields())
        return list(dict.fromkeys(fields))

    def output_columns(self) -> list[str]:
        columns = ["monat", self.row_field, self.column_field, "anzahl"]
        for measure in self.measures:
            columns.extend(measure.output_columns())
        return columns


@dataclass
class CellStats:
    """Final statistics of one cell (month, row, column)."""

    count: int = 0
    measures: dict[str, MeasureSummary] = field(default_factory=dict)

    def measure_values(self, spec: AggregateSpec, min_values: int = 1) -> dict[str, float | None]:
        """Measure columns of this cell (mean, share in %) before protection, rounded to 0.1.

        A mean over fewer than `min_values` values is None: it would describe too few people
        (the one resolved complaint among six, say).
        """
        values: dict[str, float | None] = {}
        for measure in spec.measures:
            summary = self.measures.get(measure.name, MeasureSummary())
            if measure.mean_column:
                values[measure.mean_column] = (
                    round(summary.total / summary.count, 1) if summary.count >= max(1, min_values) else None
                )
            if measure.share_column:
                values[measure.share_column] = round(100.0 * summary.within / self.count, 1) if self.count else None
        return values


@dataclass
class MonthTable:
    """One month's cells keyed by (row label, column label), totals included."""

    month: str
    cells: dict[tuple[str, str], CellStats] = field(default_factory=dict)

    def rows(self, total: str) -> list[str]:
        return sorted({row for row, _ in self.cells if row != total})

    def columns(self, total: str) -> list[str]:
        return sorted({column for _, column in self.cells if column != total})


#: A cell is one int64: month, row label and column label code in 20 bits each.
_CODE_BITS = 20
_CODE_LIMIT = 1 << _CODE_BITS
_TOTAL_CODE = 0  # the total label's code in both dimensions; real labels start at 1


def _cell_codes(months: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    return (months << (2 * _CODE_BITS)) | (rows << _CODE_BITS) | columns


def _split_cell_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mask = _CODE_LIMIT - 1
    return codes >> (2 * _CODE_BITS), (codes >> _CODE_BITS) & mask, codes & mask


def _first_bad(values: Sequence[Any], is_bad) -> int:
    return next(index for index, value in enumerate(values) if is_bad(value))


class MonthlyAggregator:
    """Streams column batches of records into per-month tables; `add_batch`, then `tables()`."""

    def __init__(self, spec: AggregateSpec):
        self.spec = spec
        self.records = 0
        self._day_months: dict[Any, int] = {}
        self._month_codes: dict[str, int] = {}
        self._label_codes: tuple[dict[Any, int], dict[Any, int]] = ({}, {})
        self._ordinals: dict[Any, float] = {}
        self._cell_counts: Counter = Counter()
        self._histograms = {measure.name: ValueHistogram() for measure in spec.measures}
        self._tables: list[MonthTable] | None = None

    def add_batch(self, batch: Batch) -> None:
        """Count the records of one column batch (it must hold every field of spec.source_fields()).

        Raises AggregateInputError naming the first record (counted over all batches) whose
        month or dimension is missing or uses the total label.
        """
        spec = self.spec
        size = len(batch[spec.month_field])
        if size == 0:
            return
        months = self._codes_of_months(batch[spec.month_field])
        rows = self._codes_of_labels(batch[spec.row_field], 0)
        columns = self._codes_of_labels(batch[spec.column_field], 1)
        if months is None or rows is None or columns is None:
            self._raise_first_problem(batch)
        cells = _cell_codes(months, rows, columns)
        weights = self._weights(batch, spec.weight_field, size) if spec.weight_field else None
        if weights is None:
            distinct, counts = np.unique(cells, return_counts=True)
        else:
            distinct, inverse = np.unique(cells, return_inverse=True)
            counts = np.bincount(inverse, weights=weights).astype(np.int64)
        self._cell_counts.update(dict(zip(distinct.tolist(), counts.tolist(), strict=True)))
        for measure in spec.measures:
            values = self._measure_values(measure, batch, size)
            if weights is None:
                self._histograms[measure.name].add(cells, values)
            else:  # a record of n cases with one value is that value n times
                present = ~np.isnan(values) & (weights > 0)
                self._histograms[measure.name].add_pairs(cells[present], values[present], weights[present])
        self.records += size
        self._tables = None

    def _weights(self, batch: Batch, weight_field: str, size: int) -> np.ndarray:
        """The cases each record stands for. Raises AggregateInputError for a missing,
        negative or fractional count."""
        column = batch[weight_field]
        for index, value in enumerate(column):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
                raise AggregateInputError(
                    self.records + index + 1, weight_field, "Anzahl fehlt oder ist keine ganze Zahl ≥ 0"
                )
        return np.fromiter(column, dtype=np.int64, count=size)

    def _codes_of_months(self, days: Sequence[Any]) -> np.ndarray | None:
        known = self._day_months
        for day in set(days).difference(known):
            if not isinstance(day, date):
                return None
            name = f"{day.year:04d}-{day.month:02d}"
            known[day] = self._month_codes.setdefault(name, len(self._month_codes))
        return np.fromiter(map(known.__getitem__, days), dtype=np.int64, count=len(days))

    def _codes_of_labels(self, labels: Sequence[Any], axis: int) -> np.ndarray | None:
        known = self._label_codes[axis]
        for label in set(labels).difference(known):
            if label is None or label == "" or label == self.spec.total_label:
                return None
            if len(known) + 1 >= _CODE_LIMIT:
                raise ValueError(f"Mehr als {_CODE_LIMIT - 2} verschiedene Werte in einer Dimension")
            known[label] = len(known) + 1
        return np.fromiter(map(known.__getitem__, labels), dtype=np.int64, count=len(labels))

    def _raise_first_problem(self, batch: Batch) -> NoReturn:
        spec = self.spec

        def bad_label(label: Any) -> bool:
            return label is None or label == "" or label == spec.total_label

        candidates = []
        for order, (name, is_bad) in enumerate(
            (
                (spec.month_field, lambda day: not isinstance(day, date)),
                (spec.row_field, bad_label),
                (spec.column_field, bad_label),
            )
        ):
            values = batch[name]
            if any(map(is_bad, values)):
                candidates.append((_first_bad(values, is_bad), order, name))
        index, _, name = min(candidates)
        value = batch[name][index]
        if name == spec.month_field:
            message = "Datum fehlt"
        elif value == spec.total_label:
            message = f"`{value}` ist für Summen reserviert"
        else:
            message = "Wert fehlt"
        raise AggregateInputError(self.records + index + 1, name, message)

    def _measure_values(self, measure: Measure, batch: Batch, size: int) -> np.ndarray:
        """The measure's value per record as floats, NaN where a record has none."""
        if measure.field is not None:
            column = batch[measure.field]
            as_float = {value: np.nan if value is None or value == "" else float(value) for value in set(column)}
            return np.fromiter(map(as_float.__getitem__, column), dtype=np.float64, count=size)
        start_field, end_field = measure.date_fields()
        ordinals = self._ordinals
        for day in set(batch[start_field]).union(batch[end_field]).difference(ordinals):
            ordinals[day] = float(day.toordinal()) if isinstance(day, date) else np.nan
        starts = np.fromiter(map(ordinals.__getitem__, batch[start_field]), dtype=np.float64, count=size)
        ends = np.fromiter(map(ordinals.__getitem__, batch[end_field]), dtype=np.float64, count=size)
        return ends - starts

    def merge(self, other: MonthlyAggregator) -> None:
        """Add everything `other` counted (same spec; its records count after this one's)."""
        month_map = np.array(
            [
                self._month_codes.setdefault(name, len(self._month_codes))
                for name, _ in sorted(other._month_codes.items(), key=lambda item: item[1])
            ],
            dtype=np.int64,
        )
        label_maps = []
        for mine, theirs in zip(self._label_codes, other._label_codes, strict=False):
            mapping = np.zeros(len(theirs) + 1, dtype=np.int64)  # code 0 is the total in both
            for label, code in theirs.items():
                mapping[code] = mine.setdefault(label, len(mine) + 1)
            label_maps.append(mapping)

        def translate(cells: np.ndarray) -> np.ndarray:
            month, row, column = _split_cell_codes(cells)
            return _cell_codes(month_map[month], label_maps[0][row], label_maps[1][column])

        names = {code: name for name, code in other._month_codes.items()}
        for day, code in other._day_months.items():
            self._day_months.setdefault(day, self._month_codes[names[code]])
        self._ordinals.update(other._ordinals)
        if other._cell_counts:
            cells = translate(np.fromiter(other._cell_counts.keys(), dtype=np.int64, count=len(other._cell_counts)))
            self._cell_counts.update(dict(zip(cells.tolist(), other._cell_counts.values(), strict=False)))
        for name, histogram in other._histograms.items():
            cells, values, counts = histogram.pairs()
            self._histograms[name].add_pairs(translate(cells), values, counts)
        self.records += other.records
        self._tables = None

    def tables(self) -> list[MonthTable]:
        """The month tables in calendar order, with row, column and grand totals."""
        if self._tables is None:
            self._tables = self._build_tables()
        return self._tables

    def _build_tables(self) -> list[MonthTable]:
        inner = np.fromiter(self._cell_counts.keys(), dtype=np.int64, count=len(self._cell_counts))
        inner_counts = np.fromiter(self._cell_counts.values(), dtype=np.int64, count=len(self._cell_counts))
        month, row, column = _split_cell_codes(inner)
        total = np.full_like(inner, _TOTAL_CODE)
        margins = [_cell_codes(month, row, total), _cell_codes(month, total, column), _cell_codes(month, total, total)]
        all_cells = np.concatenate([inner, *margins])
        counts: Counter = Counter()
        for cell, count in zip(all_cells.tolist(), np.tile(inner_counts, 4).tolist(), strict=False):
            counts[cell] += count
        summaries = {}
        for measure in self.spec.measures:
            cells, values, value_counts = self._histograms[measure.name].pairs()
            found = summaries_per_cell(cells, values, value_counts, measure.within_days)
            month, row, column = _split_cell_codes(cells)
            total = np.full_like(cells, _TOTAL_CODE)
            # One kind of margin at a time: memory stays at a few copies of the pairs.
            for margin in ((month, row, total), (month, total, column), (month, total, total)):
                found.update(
                    summaries_per_cell(
                        *reduce_pairs([(_cell_codes(*margin), values, value_counts)]), measure.within_days
                    )
                )
            summaries[measure.name] = found
        month_names = {code: name for name, code in self._month_codes.items()}
        label_names = [{code: label for label, code in known.items()} for known in self._label_codes]
        for names in label_names:
            names[_TOTAL_CODE] = self.spec.total_label
        tables: dict[str, MonthTable] = {}
        for cell, count in counts.items():
            month_code, row_code, column_code = (
                cell >> (2 * _CODE_BITS),
                (cell >> _CODE_BITS) & (_CODE_LIMIT - 1),
                cell & (_CODE_LIMIT - 1),
            )
            name = month_names[month_code]
            table = tables.get(name)
            if table is None:
                table = tables[name] = MonthTable(name)
            stats = CellStats(count, {measure: found[cell] for measure, found in summaries.items() if cell in found})
            table.cells[(label_names[0][row_code], label_names[1][column_code])] = stats
        return [tables[name] for name in sorted(tables)]

    def distinct_values_held(self) -> int:
        """How many (cell, value) pairs the histograms hold: the aggregator's memory, not the records'."""
        return sum(histogram.distinct_pairs() for histogram in self._histograms.values())


def record_batches(records: Iterable[Mapping[str, Any]], size: int = BATCH_SIZE) -> Iterator[dict[str, list]]:
    """Column batches of dict records (every key of the first record), for callers holding dicts."""
    batch: list[Mapping[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield _columns_of(batch)
            batch = []
    if batch:
        yield _columns_of(batch)


def _columns_of(records: list[Mapping[str, Any]]) -> dict[str, list]:
    return {name: [record.get(name) for record in records] for name in records[0]}


def aggregate(records: Iterable[Mapping[str, Any]], spec: AggregateSpec) -> MonthlyAggregator:
    """Aggregate every record of `records` (dicts, consumed once, streaming) and return the result."""
    aggregator = MonthlyAggregator(spec)
    for batch in record_batches(records):
        aggregator.add_batch(batch)
    return aggregator
