"""Primary and secondary cell suppression for a two-dimensional table with totals.

The table is one month of counts: inner cells (row, column), row totals (row, TOTAL),
column totals (TOTAL, column) and the grand total (TOTAL, TOTAL). Every line (a row with
its total, a column with its total) adds up. Cells absent from the input are zeros.

Primary suppression hides every cell with 0 < count < threshold, totals included.
Secondary suppression then hides further cells until no hidden cell can be recovered from
what is published. The attacker we protect against knows every published cell, that
every line adds up, the threshold, and that a hidden cell is not zero (zeros are never
hidden, so an unlisted combination is known to be 0). The published table and the audit
do not say which hidden cell is primary and which secondary: with per-cell reasons a
line "four primary cells, total 4" would give every cell away as exactly 1.

A hidden cell counts as protected when, under those constraints, it can take at least two
different values. Linear programming (HiGHS via SciPy) computes each hidden cell's
smallest and largest possible value; tables with additive margins have a totally
unimodular constraint matrix, so these bounds are whole numbers and the answer for whole
counts is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

Cell = tuple[str, str]
PRIMARY = "primary"
SECONDARY = "secondary"


class UnprotectableCell(RuntimeError):
    """No further suppression can protect a hidden cell (should not happen for t ≥ 3)."""


@dataclass
class SuppressionResult:
    """Which cells are hidden and why. `reasons` maps a cell to PRIMARY or SECONDARY."""

    reasons: dict[Cell, str] = field(default_factory=dict)
    recoverable: int = 0  # hidden cells the final check found recoverable (0 on success)

    @property
    def primary(self) -> set[Cell]:
        return {cell for cell, reason in self.reasons.items() if reason == PRIMARY}

    @property
    def secondary(self) -> set[Cell]:
        return {cell for cell, reason in self.reasons.items() if reason == SECONDARY}


@dataclass(frozen=True)
class Table:
    """A complete table: every (row, column) of rows×columns plus totals, zeros filled in."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    total: str
    counts: Mapping[Cell, int]

    @classmethod
    def from_counts(cls, counts: Mapping[Cell, int], total: str) -> "Table":
        """Build from counts that include the totals; missing inner cells become 0.

        Raises ValueError when a line does not add up to its total.
        """
        rows = tuple(sorted({row for row, _ in counts if row != total}))
        columns = tuple(sorted({column for _, column in counts if column != total}))
        full = {(row, column): int(counts.get((row, column), 0)) for row in rows + (total,) for column in columns + (total,)}
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


def recoverable_cells(table: Table, hidden: Iterable[Cell]) -> list[Cell]:
    """The hidden cells whose value follows exactly from what is published.

    A cell is safe as soon as one feasible table gives it a value other than its true one
    (the true table is always feasible). Each solver run maximises or minimises one cell
    and every cell whose value differs in that solution is marked safe too, so most cells
    need no run of their own. Raises RuntimeError if the solver fails, which would mean
    the table itself is inconsistent.
    """
    hidden = sorted(hidden)
    if not hidden:
        return []
    # Imported here: SciPy costs ~0.3 s and ~60 MB, and most tables hide no cell.
    from scipy.optimize import linprog

    index = {cell: position for position, cell in enumerate(hidden)}
    equations, right_sides = [], []
    for members, margin in table.lines():
        row = np.zeros(len(hidden))
        known = 0
        touched = False
        for cell, sign in [(member, 1) for member in members] + [(margin, -1)]:
            if cell in index:
                row[index[cell]] += sign
                touched = True
            else:
                known += sign * table.counts[cell]
        if touched:
            equations.append(row)
            right_sides.append(-known)
    a_eq, b_eq = np.array(equations), np.array(right_sides)
    truth = np.array([table.counts[cell] for cell in hidden], dtype=float)
    bounds = [(1, None)] * len(hidden)
    unresolved = set(range(len(hidden)))
    recoverable = []
    for position in range(len(hidden)):
        for direction in (-1.0, 1.0):  # maximise first: secondary cells are often unbounded above
            if position not in unresolved:
                break
            objective = np.zeros(len(hidden))
            objective[position] = direction
            result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if result.status == 3:  # unbounded: the cell can grow without limit
                unresolved.discard(position)
                continue
            if result.status != 0:
                raise RuntimeError(f"Lineares Programm für Zelle {hidden[position]} nicht lösbar: {result.message}")
            unresolved -= {other for other in unresolved if abs(result.x[other] - truth[other]) >= 0.5}
        if position in unresolved:
            unresolved.discard(position)
            recoverable.append(hidden[position])
    return recoverable


def _candidates(table: Table, line: list[Cell], reasons: Mapping[Cell, str]) -> list[Cell]:
    """Publishable cells of a line that may be hidden, cheapest first.

    Zeros never qualify (hiding a known zero protects nothing). Inner cells before totals,
    then cells whose other line already has a hidden cell (they close a cycle), then the
    smaller count.
    """
    def hidden_in_other_line(cell: Cell) -> int:
        return sum(1 for members, margin in table.lines() if cell in members + [margin] and members + [margin] != line
                   for other in members + [margin] if other != cell and other in reasons)

    options = [cell for cell in line if cell not in reasons and table.counts[cell] > 0]
    return sorted(options, key=lambda cell: (
        cell == (table.total, table.total), table.is_margin(cell), -min(hidden_in_other_line(cell), 1),
        table.counts[cell], cell,
    ))


def _lines_with_single_hidden(table: Table, reasons: Mapping[Cell, str]) -> list[tuple[Cell, list[Cell]]]:
    single = []
    for members, margin in table.lines():
        line = members + [margin]
        hidden = [cell for cell in line if cell in reasons]
        if len(hidden) == 1:
            single.append((hidden[0], line))
    return single


def suppress(table: Table, threshold: int = 5) -> SuppressionResult:
    """Choose primary and secondary suppressions so no hidden cell can be recovered.

    Raises ValueError for a threshold below 3 (official statistics use at least 3) and
    UnprotectableCell if no suppression pattern protects every hidden cell.
    """
    if threshold < 3:
        raise ValueError("Schwellenwert muss mindestens 3 sein")
    reasons: dict[Cell, str] = {
        cell: PRIMARY for cell, count in table.counts.items() if 0 < count < threshold
    }
    if not reasons:
        return SuppressionResult(reasons)
    while True:
        # Cheap rule first: a lone hidden cell in a line equals total minus the others.
        singles = _lines_with_single_hidden(table, reasons)
        if singles:
            cell, line = singles[0]
            options = _candidates(table, line, reasons)
            if not options:
                raise UnprotectableCell(f"Zelle {cell} lässt sich nicht schützen")
            reasons[options[0]] = SECONDARY
            continue
        exposed = recoverable_cells(table, reasons)
        if not exposed:
            return SuppressionResult(reasons, recoverable=len(exposed))
        cell = exposed[0]
        lines = [members + [margin] for members, margin in table.lines() if cell in members + [margin]]
        options = sorted(
            (option for line in lines for option in _candidates(table, line, reasons)),
            key=lambda option: (table.is_margin(option), table.counts[option], option),
        )
        if not options:
            # The cell's own lines are used up: widening any other line can still add slack.
            everything = list(table.counts)
            options = _candidates(table, everything, reasons)
        if not options:
            raise UnprotectableCell(f"Zelle {cell} lässt sich nicht schützen")
        reasons[options[0]] = SECONDARY
