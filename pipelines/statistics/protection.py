"""Protection intervals for every statistic published from one period table.

A period table (`pipelines.statistics.suppression.Table`: rows × columns with totals) carries
several additive quantities per cell: the case count, per measure the sum of the values
(published as a mean) and the number of cases within a limit (published as a share). A
mean or a share is a sum over cases, so each quantity is protected like a count: the
attacker knows every published value (a rounded mean or share as the interval its rounding
allows), that every line of every quantity adds up, that a hidden case count is at least 1,
that counts and sums are not negative and that a "within" count is at most the case count.

Linear programming (HiGHS) gives each hidden value its smallest and largest
possible value under all of that at once. A hidden count is protected when that interval
is at least `threshold` wide, a hidden sum when it reaches p % below and above the true
value (the statistical offices' p %-rule). `protect_period` hides further values, cheapest
first, until every hidden value is protected. Hiding more only widens intervals, so a value
once found protected stays protected and is not checked again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from pipelines.statistics.suppression import Cell, Table, UnprotectableCell

COUNT = "count"
SUM = "sum"
CASES = "anzahl"  # the case count quantity; hiding it hides every statistic of the cell
_EPS = 1e-6


@dataclass(frozen=True)
class ProtectionRule:
    """How wide the attacker's interval for a hidden value must stay."""

    threshold: int = 5
    sum_percent: float = 20.0
    #: A share of 0 % or 100 % over fewer cases says something about every one of them.
    min_cases_for_extreme_share: int = 10

    def __post_init__(self) -> None:
        if self.threshold < 3:
            raise ValueError("Schwellenwert muss mindestens 3 sein")
        if not 0 < self.sum_percent < 100:
            raise ValueError("p-%-Regel: Prozentsatz muss zwischen 0 und 100 liegen")

    def protected(self, kind: str, value: float, low: float, high: float) -> bool:
        if kind == COUNT:
            return high - low >= self.threshold
        share = self.sum_percent / 100
        return low <= value * (1 - share) + _EPS and high >= value * (1 + share) - _EPS and high - low > _EPS


@dataclass
class Quantity:
    """One additive statistic over every cell (totals included) of a period table.

    `known` says how exactly a published cell is known: the rounding interval of its mean
    or share; cells absent from it are known exactly. `at_most` names the count quantity
    that bounds this one in every cell (cases within 14 days ≤ cases). `fixed` cells are
    known whatever is published (no cases, or no values of the measure): never hidden.
    """

    name: str
    kind: str
    values: Mapping[Cell, float]
    known: dict[Cell, tuple[float, float]] = field(default_factory=dict)
    at_most: str | None = None
    fixed: frozenset[Cell] = frozenset()


@dataclass
class Interval:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


Key = tuple[str, Cell]  # (quantity name, cell)


class PeriodProblem:
    """The attacker's linear system for one period table and its hidden values."""

    def __init__(self, table: Table, quantities: Iterable[Quantity], hidden: Iterable[Key] = ()):
        self.table = table
        self.quantities = {quantity.name: quantity for quantity in quantities}
        self.cells = list(table.counts)
        self.hidden: set[Key] = set()
        for key in hidden:
            self.hide(key)

    def hide(self, key: Key) -> None:
        name, cell = key
        names = list(self.quantities) if name == CASES else [name]
        self.hidden.update((other, cell) for other in names if cell not in self.quantities[other].fixed)

    def value(self, key: Key) -> float:
        name, cell = key
        return float(self.quantities[name].values.get(cell, 0))

    def _component(self, name: str) -> list[str]:
        """Quantities linked to `name` by `at_most` (solved together; the others apart)."""
        quantity = self.quantities[name]
        if quantity.kind == SUM:
            return [name]
        return [
            other.name
            for other in self.quantities.values()
            if other.name == CASES or other.at_most == CASES or other.name == name
        ]

    def intervals(self, keys: Iterable[Key]) -> dict[Key, Interval]:
        """Smallest and largest possible value of each key (integers for counts).

        Raises RuntimeError if the solver fails, which would mean an inconsistent table.
        """
        import highspy  # imported here: most tables hide nothing and need no solver

        keys = list(keys)
        found: dict[Key, Interval] = {}
        by_component: dict[tuple[str, ...], list[Key]] = {}
        for key in keys:
            by_component.setdefault(tuple(self._component(key[0])), []).append(key)
        for names, wanted in by_component.items():
            index = {
                (name, cell): position
                for position, (name, cell) in enumerate((name, cell) for name in names for cell in self.cells)
            }
            lower, upper = [], []
            for name, cell in index:
                if (name, cell) in self.hidden:
                    # A hidden count is known to be ≥ 1 (zeros are not listed) unless it is one
                    # of the zeros hidden in a line whose cases sit in one cell.
                    lower.append(1.0 if name == CASES and self.value((name, cell)) > 0 else 0.0)
                    upper.append(highspy.kHighsInf)
                else:
                    exact = self.value((name, cell))
                    low, high = self.quantities[name].known.get(cell, (exact, exact))
                    lower.append(low)
                    upper.append(high)
            rows: list[tuple[list[int], list[float], float]] = []  # (columns, coefficients, row's upper bound)
            for name in names:
                for members, margin in self.table.lines():
                    rows.append(
                        (
                            [index[(name, member)] for member in members] + [index[(name, margin)]],
                            [1.0] * len(members) + [-1.0],
                            0.0,
                        )
                    )
            inequalities = []
            for name in names:
                bound_by = self.quantities[name].at_most
                if bound_by in names:
                    inequalities += [
                        ([index[(name, cell)], index[(bound_by, cell)]], [1.0, -1.0], 0.0)
                        for cell in self.cells
                        if (name, cell) in self.hidden or (bound_by, cell) in self.hidden
                    ]
            solver = highspy.Highs()
            solver.setOptionValue("output_flag", False)
            size = len(index)
            solver.addCols(
                size,
                np.zeros(size),
                np.array(lower),
                np.array(upper),
                0,
                np.array([], dtype=np.int32),
                np.array([], dtype=np.int32),
                np.array([]),
            )
            for equal, group in ((True, rows), (False, inequalities)):
                for columns, coefficients, high in group:
                    solver.addRow(
                        high if equal else -highspy.kHighsInf,
                        high,
                        len(columns),
                        np.array(columns, dtype=np.int32),
                        np.array(coefficients),
                    )
            for key in wanted:
                position = index[key]
                ends = []
                for direction in (1.0, -1.0):
                    solver.changeColCost(position, direction)
                    solver.run()
                    status = solver.getModelStatus()
                    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded):
                        solver.clearSolver()  # a warm start can stall on near-degenerate rounding bounds
                        solver.run()
                        status = solver.getModelStatus()
                    if status == highspy.HighsModelStatus.kUnbounded:
                        ends.append(-direction * math.inf)
                    elif status == highspy.HighsModelStatus.kOptimal:
                        ends.append(float(solver.getSolution().col_value[position]))
                    else:
                        raise RuntimeError(
                            f"Lineares Programm für {key} nicht lösbar: {solver.modelStatusToString(status)}"
                        )
                solver.changeColCost(position, 0.0)
                low, high = ends
                if self.quantities[key[0]].kind == COUNT:  # whole cases: round inwards
                    low = math.ceil(low - _EPS)
                    high = math.floor(high + _EPS) if high != math.inf else high
                found[key] = Interval(low, high)
        return found

    def unprotected(self, rule: ProtectionRule, skip: set[Key]) -> tuple[list[Key], dict[Key, Interval]]:
        """Hidden values (except `skip`) whose interval is too narrow, and all intervals computed."""
        todo = sorted(self.hidden - skip)
        found = self.intervals(todo)
        failing = [
            key
            for key in todo
            if not rule.protected(self.quantities[key[0]].kind, self.value(key), found[key].low, found[key].high)
        ]
        return failing, found

    def candidates(self, key: Key) -> list[Key]:
        """Published values of the same quantity in the lines through the key's cell, cheapest first.

        A case count of zero never qualifies (it is known to be zero, hiding it protects nothing).
        """
        name, cell = key
        table = self.table
        fixed = self.quantities[name].fixed

        def open_(other: Cell) -> bool:
            return (name, other) not in self.hidden and other not in fixed and table.counts[other] > 0

        options = {
            other
            for members, margin in table.lines()
            if cell in members + [margin]
            for other in members + [margin]
            if open_(other)
        }
        if not options:  # its lines are used up: widening any other line can still add slack
            options = {other for other in self.cells if open_(other)}
        lines = [members + [margin] for members, margin in table.lines()]

        def closes_cycle(other: Cell) -> bool:
            # A value whose other line already hides something makes a rectangle of hidden
            # values: each can move against the others without touching anything published.
            return any(
                other in line and cell not in line and any((name, third) in self.hidden for third in line)
                for line in lines
            )

        return [
            (name, other)
            for other in sorted(
                options,
                key=lambda other: (
                    other == (table.total, table.total),
                    table.is_margin(other),
                    not closes_cycle(other),
                    self.value((name, other)),
                    other,
                ),
            )
        ]


def _single_hidden(problem: PeriodProblem) -> Key | None:
    """A case count hidden alone in a line: it follows from the total and the others at once.
    (Rounded means and shares leave some room even alone; the linear program judges those.)"""
    for members, margin in problem.table.lines():
        hidden = [cell for cell in members + [margin] if (CASES, cell) in problem.hidden]
        if len(hidden) == 1:
            return CASES, hidden[0]
    return None


def protect_period(problem: PeriodProblem, rule: ProtectionRule) -> dict[Key, Interval]:
    """Hide further values of `problem` until every hidden value is protected by `rule`.

    Returns the final interval of every hidden value. Raises UnprotectableCell when a value
    cannot be protected by hiding more.
    """
    certified: dict[Key, Interval] = {}
    while True:
        single = _single_hidden(problem)
        if single is not None:
            failing = [single]
        else:
            failing, found = problem.unprotected(rule, set(certified))
            certified.update({key: interval for key, interval in found.items() if key not in failing})
            if not failing:
                return certified
        options = problem.candidates(failing[0])
        if not options:
            raise UnprotectableCell(f"Wert {failing[0]} lässt sich nicht schützen")
        problem.hide(options[0])
        # Hiding a case count hides its cell's other values: earlier intervals only widen.
