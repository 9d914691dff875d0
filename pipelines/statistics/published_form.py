"""Which form of a service table is published, and its rows with every hidden value protected.

Before anything is suppressed, the table is coarsened along the declared hierarchies:
labels with fewer cases than the threshold over the whole dataset always become "Sonstige"
(they never reach a row, a label or the audit); then the candidate forms — declared groups
of columns, of rows, months → quarters, and their combinations — are tried from the finest
to the coarsest, and the first whose share of hidden cells stays within the target is
published (the finest keeps the most information). If none reaches the target, the form
with the smallest hidden share is published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from pipelines.statistics.aggregate import AggregateSpec
from pipelines.statistics.cube import OTHER, Cube, by_quarter, group_mapping, rare_labels, recode
from pipelines.statistics.protection import CASES, COUNT, SUM, PeriodProblem, ProtectionRule, Quantity, protect_period
from pipelines.statistics.suppression import Cell, Table

COARSENINGS = ("columns", "rows", "quarter")  # finest first within one number of steps


@dataclass
class PublishedForm:
    """The rows to publish (hidden values None, `gesperrt` true when the case count is hidden)."""

    name: tuple[str, ...]
    period_field: str
    columns: list[str]
    rows: list[dict[str, Any]]
    audit: dict[str, Any] = field(default_factory=dict)

    @property
    def hidden_share(self) -> float:
        return self.audit["hidden_share"]


def published_mean(total: float, values: float) -> float:
    """A mean as published: rounded to 0.1 with Python's float rounding. The linear program
    takes the rounding interval of exactly this number (NumPy rounds some halves the other way)."""
    return round(float(total) / float(values), 1)


def published_share(within: float, cases: float) -> float:
    """A share in percent as published, rounded to 0.1 (see `published_mean`)."""
    return round(100.0 * float(within) / float(cases), 1)


def _quantities(spec: AggregateSpec, table: dict, shape: Table, rule: ProtectionRule) -> tuple[list[Quantity], set]:
    """The additive quantities of one period table and the values hidden for their own sake."""
    from pipelines.statistics.cube import Layout

    layout = Layout(tuple(measure.name for measure in spec.measures))
    threshold = rule.threshold
    cases = {cell: vector[0] for cell, vector in table.items()}
    primary = {(CASES, cell) for cell, count in cases.items() if 0 < count < threshold}
    # A line whose few cases all sit in one cell tells something about each of them ("all 8
    # online requests were for bulky waste"): that cell and the line's zeros are hidden, so
    # the zeros are no longer known to be zeros.
    concentrated: set[Cell] = set()
    for members, margin in shape.lines():
        filled = [cell for cell in members if cases[cell] > 0]
        if len(members) > 1 and len(filled) == 1 and cases[margin] < rule.min_cases_for_extreme_share:
            concentrated.update(cell for cell in members if cases[cell] == 0)
            primary.add((CASES, filled[0]))
    primary.update((CASES, cell) for cell in concentrated)
    empty = frozenset(cell for cell, count in cases.items() if count == 0) - concentrated
    quantities = [Quantity(CASES, COUNT, cases, fixed=empty)]
    for position, measure in enumerate(spec.measures):
        values = {cell: vector[layout.values(position)] for cell, vector in table.items()}
        sums = {cell: vector[layout.total(position)] for cell, vector in table.items()}
        known = {}
        for cell, count in values.items():
            if count >= threshold:
                mean = published_mean(sums[cell], count)
                known[cell] = (count * (mean - 0.05), count * (mean + 0.05))
            elif count > 0:
                primary.add((f"{measure.name}:summe", cell))
        quantities.append(
            Quantity(
                f"{measure.name}:summe",
                SUM,
                sums,
                known,
                fixed=frozenset(cell for cell, count in values.items() if count == 0),
            )
        )
        if measure.within_days is None:
            continue
        within = {cell: vector[layout.within(position)] for cell, vector in table.items()}
        known = {}
        for cell, inside in within.items():
            total = cases[cell]
            outside = total - inside
            if (
                0 < inside < threshold
                or 0 < outside < threshold
                or (total and (inside == 0 or outside == 0) and total < rule.min_cases_for_extreme_share)
            ):
                primary.add((f"{measure.name}:anteil", cell))
            elif total:
                share = published_share(inside, total)
                known[cell] = (max(0.0, total * (share - 0.05) / 100), min(total, total * (share + 0.05) / 100))
        quantities.append(Quantity(f"{measure.name}:anteil", COUNT, within, known, at_most=CASES, fixed=empty))
    return quantities, primary


class TooMuchHidden(Exception):
    """The form hides more cells than allowed; trying it further is wasted work."""


def protect_form(
    cube: Cube,
    spec: AggregateSpec,
    rule: ProtectionRule,
    name: tuple[str, ...],
    period_field: str,
    max_hidden_cells: float = float("inf"),
) -> PublishedForm:
    """Protect every period table of `cube`; rows and audit of the result.

    Raises TooMuchHidden as soon as more than `max_hidden_cells` cells are hidden, and
    `pipelines.statistics.suppression.UnprotectableCell` when a value cannot be protected.
    """
    total = spec.total_label
    layout = cube.layout
    columns = [period_field, spec.row_field, spec.column_field, "anzahl"]
    for measure in spec.measures:
        columns.extend(measure.output_columns())
    rows: list[dict[str, Any]] = []
    hidden_cells: list[dict[str, str]] = []
    tallies = {"cells": 0, "primary": 0, "secondary": 0, "values_hidden": 0}
    per_period: dict[str, dict[str, int]] = {}
    narrowest: dict[str, float | None] = {COUNT: None, SUM: None}
    for period in cube.periods():
        table = cube.period_table(period, total)
        shape = Table.from_counts({cell: int(vector[0]) for cell, vector in table.items()}, total)
        quantities, primary = _quantities(spec, table, shape, rule)
        problem = PeriodProblem(shape, quantities, primary)
        primary_cells = {cell for name_, cell in problem.hidden if name_ == CASES}
        intervals = protect_period(problem, rule)
        per_period[period] = {
            "primary": len(primary_cells),
            "secondary": sum(1 for key in problem.hidden if key[0] == CASES) - len(primary_cells),
        }
        for key, interval in intervals.items():
            kind = problem.quantities[key[0]].kind
            value = problem.value(key)
            measure_ = (
                interval.width
                if kind == COUNT
                else (min(value - interval.low, interval.high - value) / value * 100 if value else float("inf"))
            )
            so_far = narrowest[kind]
            if so_far is None or measure_ < so_far:
                narrowest[kind] = measure_
        order = [(row, column) for row in problem.table.rows + (total,) for column in problem.table.columns + (total,)]
        for cell in order:
            vector = table[cell]
            hidden = (CASES, cell) in problem.hidden
            if vector[0] == 0 and not hidden:
                continue  # an absent combination is a zero; zeros are not listed (unless hidden)
            tallies["cells"] += 1
            row: dict[str, Any] = {
                period_field: period,
                spec.row_field: cell[0],
                spec.column_field: cell[1],
                "anzahl": None if hidden else int(vector[0]),
            }
            for position, measure in enumerate(spec.measures):
                values = vector[layout.values(position)]
                if measure.mean_column:
                    shown = (f"{measure.name}:summe", cell) not in problem.hidden and values >= rule.threshold
                    row[measure.mean_column] = published_mean(vector[layout.total(position)], values) if shown else None
                if measure.share_column:
                    shown = (f"{measure.name}:anteil", cell) not in problem.hidden
                    row[measure.share_column] = (
                        published_share(vector[layout.within(position)], vector[0]) if shown else None
                    )
            row["gesperrt"] = hidden
            rows.append(row)
            if hidden:
                tallies["primary" if cell in primary_cells else "secondary"] += 1
                hidden_cells.append({"monat": period, "zeile": cell[0], "spalte": cell[1]})
        tallies["values_hidden"] += sum(1 for key in problem.hidden if key[0] != CASES)
        if tallies["primary"] + tallies["secondary"] > max_hidden_cells:
            raise TooMuchHidden(name)
    hidden_total = tallies["primary"] + tallies["secondary"]
    narrowest_sum = narrowest[SUM]
    audit = {
        "form": list(name),
        "period": period_field,
        "months": len(cube.periods()),
        "cells": tallies["cells"],
        "cells_published": tallies["cells"] - hidden_total,
        "cells_suppressed": {"primary": tallies["primary"], "secondary": tallies["secondary"]},
        "hidden_share": round(hidden_total / tallies["cells"], 4) if tallies["cells"] else 0.0,
        "values_suppressed": tallies["values_hidden"],
        "suppressed_cells": hidden_cells,
        "period_tallies": per_period,
        "protection_check": {
            "method": "Lineare Optimierung über alle veröffentlichten Anzahlen, Summen, Mittelwerte und Anteile "
            "(mit ihrer Rundung): kleinster und größter möglicher Wert jedes gesperrten Werts",
            "cells_checked": len(hidden_cells),
            "values_checked": tallies["values_hidden"] + hidden_total,
            "recoverable": 0,
            "narrowest_count_interval": narrowest[COUNT],
            "narrowest_sum_margin_percent": None if narrowest_sum is None else round(narrowest_sum, 1),
        },
    }
    return PublishedForm(name, period_field, columns + ["gesperrt"], rows, audit)


def base_cube(cube: Cube, threshold: int) -> tuple[Cube, int]:
    """`cube` with every label rarer than `threshold` over the dataset recoded to "Sonstige";
    also how many labels were recoded (their names are never reported)."""
    recoded = 0
    for axis in (1, 2):
        rare = rare_labels(cube, axis, threshold)
        if rare:
            recoded += len(rare)
            cube = recode(cube, axis, dict.fromkeys(rare, OTHER))
    return cube, recoded


def candidate_forms(
    cube: Cube, groups: Mapping[str, Mapping[str, Sequence[str]]], spec: AggregateSpec, allow_quarters: bool
) -> list[tuple[tuple[str, ...], Cube, str]]:
    """Every declared coarsening and combination, finest first: (name, cube, period field)."""
    steps = [
        step
        for step in COARSENINGS
        if (step == "quarter" and allow_quarters)
        or (step == "rows" and groups.get(spec.row_field))
        or (step == "columns" and groups.get(spec.column_field))
    ]
    forms = []
    for size in range(len(steps) + 1):
        for chosen in combinations(steps, size):
            coarse = cube
            if "columns" in chosen:
                coarse = recode(coarse, 2, group_mapping(groups[spec.column_field]))
            if "rows" in chosen:
                coarse = recode(coarse, 1, group_mapping(groups[spec.row_field]))
            period_field = "monat"
            if "quarter" in chosen:
                coarse, period_field = by_quarter(coarse), "quartal"
            forms.append((chosen, coarse, period_field))
    return forms


def listed_cells(cube: Cube, total: str) -> int:
    """How many cells (totals included) the form lists: absent combinations are not listed."""
    return sum(1 for period in cube.periods() for vector in cube.period_table(period, total).values() if vector[0] > 0)


def choose_form(
    cube: Cube,
    spec: AggregateSpec,
    rule: ProtectionRule,
    groups: Mapping[str, Mapping[str, Sequence[str]]],
    allow_quarters: bool,
    max_hidden_share: float,
    pinned: list[str] | None = None,
) -> PublishedForm:
    """The finest candidate form whose hidden share is at most `max_hidden_share`, else the
    candidate with the smallest hidden share; its audit says how many labels became "Sonstige".
    With `pinned` (the form of an earlier release) only that form is made."""
    cube, recoded = base_cube(cube, rule.threshold)
    best: PublishedForm | None = None
    tried = []
    forms = candidate_forms(cube, groups, spec, allow_quarters)
    if pinned is not None:
        forms = [form for form in forms if list(form[0]) == pinned] or forms
    for number, (name, coarse, period_field) in enumerate(forms):
        last = number == len(forms) - 1
        cells = listed_cells(coarse, spec.total_label)
        try:
            # Stop a form once it cannot reach the target; the coarsest form is always finished.
            form = protect_form(
                coarse, spec, rule, name, period_field, float("inf") if last else max_hidden_share * cells
            )
        except TooMuchHidden:
            tried.append({"form": list(name), "hidden_share_above": max_hidden_share})
            continue
        tried.append({"form": list(name), "hidden_share": form.hidden_share})
        if best is None or form.hidden_share < best.hidden_share:
            best = form
        if form.hidden_share <= max_hidden_share:
            best = form
            break
    assert best is not None  # the coarsest form is always finished
    best.audit["labels_recoded_to_other"] = recoded
    best.audit["forms_tried"] = tried
    return best
