"""Additive cell totals per period, row and column, and the coarser forms made from them.

Everything published about a cell is a sum over its cases: the number of cases and, per
measure, the number of values, their sum (a mean is sum ÷ values) and the number within the
limit (a share is within ÷ cases). Because every statistic is additive, coarsening is
summation: a rare value becomes "Sonstige", channels become their declared group, months
become quarters — without going back to the records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from pipelines.statistics.aggregate import AggregateSpec, MonthlyAggregator

OTHER = "Sonstige"

Key = tuple[str, str, str]  # (period, row label, column label)


@dataclass(frozen=True)
class Layout:
    """Where each statistic sits in a cell's vector: [cases, then per measure values, sum, within]."""

    measures: tuple[str, ...]

    @property
    def size(self) -> int:
        return 1 + 3 * len(self.measures)

    def values(self, measure: int) -> int:
        return 1 + 3 * measure

    def total(self, measure: int) -> int:
        return 2 + 3 * measure

    def within(self, measure: int) -> int:
        return 3 + 3 * measure


@dataclass
class Cube:
    """Inner cells only (no totals): key → vector laid out by `layout`. Zeros are absent."""

    layout: Layout
    cells: dict[Key, np.ndarray]

    @classmethod
    def from_aggregator(cls, aggregator: MonthlyAggregator, spec: AggregateSpec) -> Cube:
        layout = Layout(tuple(measure.name for measure in spec.measures))
        total = spec.total_label
        cells: dict[Key, np.ndarray] = {}
        for month in aggregator.tables():
            for (row, column), stats in month.cells.items():
                if row == total or column == total:
                    continue
                vector = np.zeros(layout.size)
                vector[0] = stats.count
                for position, name in enumerate(layout.measures):
                    summary = stats.measures.get(name)
                    if summary is not None:
                        vector[layout.values(position)] = summary.count
                        vector[layout.total(position)] = summary.total
                        vector[layout.within(position)] = summary.within
                cells[(month.month, row, column)] = vector
        return cls(layout, cells)

    def relabel(self, change: Callable[[Key], Key]) -> Cube:
        """A cube whose cells are summed under their new keys."""
        cells: dict[Key, np.ndarray] = {}
        for key, vector in self.cells.items():
            new = change(key)
            cells[new] = cells[new] + vector if new in cells else vector.copy()
        return Cube(self.layout, cells)

    def label_totals(self, axis: int) -> dict[str, float]:
        """Cases per row label (axis 1) or column label (axis 2) over the whole dataset."""
        totals: dict[str, float] = {}
        for key, vector in self.cells.items():
            totals[key[axis]] = totals.get(key[axis], 0) + vector[0]
        return totals

    def periods(self) -> list[str]:
        return sorted({key[0] for key in self.cells})

    def period_table(self, period: str, total: str) -> dict[tuple[str, str], np.ndarray]:
        """One period's cells with row, column and grand totals (zeros of absent combinations
        filled in, so every line of the table is complete)."""
        inner = {(row, column): vector for (when, row, column), vector in self.cells.items() if when == period}
        rows = sorted({row for row, _ in inner})
        columns = sorted({column for _, column in inner})
        zero = np.zeros(self.layout.size)
        table = {(row, column): inner.get((row, column), zero) for row in rows for column in columns}
        for row in rows:
            table[(row, total)] = sum((table[(row, column)] for column in columns), zero)
        for column in columns + [total]:
            table[(total, column)] = sum((table[(row, column)] for row in rows), zero)
        return table


def rare_labels(cube: Cube, axis: int, below: float) -> set[str]:
    """Labels with fewer than `below` cases over the whole dataset."""
    return {label for label, cases in cube.label_totals(axis).items() if cases < below}


def recode(cube: Cube, axis: int, mapping: Mapping[str, str]) -> Cube:
    """Replace labels on one axis (1 rows, 2 columns) by `mapping`; others stay."""

    def change(key: Key) -> Key:
        parts = list(key)
        parts[axis] = mapping.get(parts[axis], parts[axis])
        return (parts[0], parts[1], parts[2])

    return cube.relabel(change)


def quarter_of(month: str) -> str:
    """'2024-05' → '2024-Q2'."""
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // 3 + 1}"


def by_quarter(cube: Cube) -> Cube:
    return cube.relabel(lambda key: (quarter_of(key[0]), key[1], key[2]))


def group_mapping(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """{group: [members]} as member → group."""
    return {member: group for group, members in groups.items() for member in members}
