"""The shape of one period's table: rows × columns with row, column and grand totals.

Inner cells (row, column), row totals (row, TOTAL), column totals (TOTAL, column) and the
grand total (TOTAL, TOTAL); every line (a row with its total, a column with its total) adds
up, and cells absent from the input are zeros. `pipelines.statistics.protection` decides what of
such a table is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

Cell = tuple[str, str]


class UnprotectableCell(RuntimeError):
    """No further suppression can protect a hidden value (should not happen for t ≥ 3)."""


@dataclass(frozen=True)
class Table:
    """A complete table: every (row, column) of rows×columns plus totals, zeros filled in."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    total: str
    counts: Mapping[Cell, int]

    @classmethod
    def from_counts(cls, counts: Mapping[Cell, int], total: str) -> Table:
        """Build from counts that include the totals; missing inner cells become 0.

        Raises ValueError when a line does not add up to its total.
        """
        rows = tuple(sorted({row for row, _ in counts if row != total}))
        columns = tuple(sorted({column for _, column in counts if column != total}))
        full = {
            (row, column): int(counts.get((row, column), 0)) for row in rows + (total,) for column in columns + (total,)
        }
        table = cls(rows, columns, total, full)
        for members, margin in table.lines():
            if sum(full[cell] for cell in members) != full[margin]:
                raise ValueError(f"Summe stimmt nicht: {margin}")
        return table

    def lines(self) -> list[tuple[list[Cell], Cell]]:
        """Each additive line as (member cells, total cell)."""
        total = self.total
        lines = [([(row, column) for column in self.columns], (row, total)) for row in self.rows + (total,)]
        lines += [([(row, column) for row in self.rows], (total, column)) for column in self.columns + (total,)]
        return lines

    def is_margin(self, cell: Cell) -> bool:
        return self.total in cell
