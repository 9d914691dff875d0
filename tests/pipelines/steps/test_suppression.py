"""Suppression: no hidden cell can be recovered from the published table and its totals.

The proof is independent of the implementation's own check: the attacker here is an
integer program (scipy's MILP with integrality constraints, not the LP relaxation the
module uses) that knows every published cell, every line sum, that unlisted cells are 0
and that hidden cells are at least 1, and computes each hidden cell's smallest and
largest possible value. A recovered cell is one where both are equal.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.steps.suppression import PRIMARY, SECONDARY, Table, UnprotectableCell, suppress
from tests.service_support import attacker_range as integer_attacker_range

TOTAL = "Insgesamt"


def table_from_inner(inner: dict[tuple[str, str], int]) -> Table:
    counts = dict(inner)
    for (row, column), value in inner.items():
        counts[(row, TOTAL)] = counts.get((row, TOTAL), 0) + value
        counts[(TOTAL, column)] = counts.get((TOTAL, column), 0) + value
        counts[(TOTAL, TOTAL)] = counts.get((TOTAL, TOTAL), 0) + value
    return Table.from_counts(counts, TOTAL)


def attacker_range(table: Table, hidden: set, target) -> tuple[float, float]:
    return integer_attacker_range(table.lines(), table.counts, hidden, target)


small_counts = st.one_of(st.integers(0, 4), st.integers(0, 30))
tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(small_counts, min_size=rows * columns, max_size=rows * columns).map(
            lambda values: {(f"r{index // columns}", f"c{index % columns}"): value
                            for index, value in enumerate(values)}
        )
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inner=tables, threshold=st.integers(3, 6))
def test_no_hidden_cell_can_be_recovered(inner, threshold):
    inner = {cell: value for cell, value in inner.items() if value > 0} or {("r0", "c0"): 1}
    table = table_from_inner(inner)
    result = suppress(table, threshold)
    hidden = set(result.reasons)
    for cell in hidden:
        low, high = attacker_range(table, hidden, cell)
        assert low <= table.counts[cell] <= high
        assert high > low, f"{cell} is recoverable as {low}"


@settings(max_examples=150, deadline=None)
@given(inner=tables, threshold=st.integers(3, 6))
def test_primary_cells_are_exactly_the_small_ones_and_zeros_stay_visible(inner, threshold):
    table = table_from_inner({cell: value for cell, value in inner.items() if value > 0} or {("r0", "c0"): 7})
    result = suppress(table, threshold)
    assert result.primary == {cell for cell, value in table.counts.items() if 0 < value < threshold}
    assert all(table.counts[cell] > 0 for cell in result.secondary)
    assert result.recoverable == 0


def test_single_small_cell_in_a_line_gets_a_partner():
    table = table_from_inner({("A", "x"): 3, ("A", "y"): 10, ("B", "x"): 12, ("B", "y"): 9})
    result = suppress(table, 5)
    assert result.primary == {("A", "x")}
    # Row A and column x each need a second hidden cell, so B/y closes the rectangle.
    assert result.secondary == {("A", "y"), ("B", "x"), ("B", "y")}


def test_line_of_ones_with_published_total_is_protected():
    """Four cells of 1 under a total of 4 would all be given away by the lower bound."""
    inner = {(f"r{index}", "x"): 1 for index in range(4)}
    inner.update({(f"r{index}", "y"): 20 for index in range(4)})
    table = table_from_inner(inner)
    result = suppress(table, 5)
    hidden = set(result.reasons)
    for cell in hidden:
        low, high = attacker_range(table, hidden, cell)
        assert high > low


def test_table_without_small_cells_is_untouched():
    table = table_from_inner({("A", "x"): 5, ("A", "y"): 10})
    assert suppress(table, 5).reasons == {}


def test_threshold_below_three_is_refused():
    with pytest.raises(ValueError, match="mindestens 3"):
        suppress(table_from_inner({("A", "x"): 1}), 2)


def test_inconsistent_totals_are_refused():
    with pytest.raises(ValueError, match="Summe"):
        Table.from_counts({("A", "x"): 1, ("A", TOTAL): 2, (TOTAL, "x"): 1, (TOTAL, TOTAL): 1}, TOTAL)


def test_reasons_use_the_two_published_constants():
    result = suppress(table_from_inner({("A", "x"): 1, ("A", "y"): 6, ("B", "x"): 7, ("B", "y"): 8}), 5)
    assert set(result.reasons.values()) <= {PRIMARY, SECONDARY}
    assert UnprotectableCell.__mro__[1] is RuntimeError
