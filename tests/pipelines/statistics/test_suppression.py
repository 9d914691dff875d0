"""The table shape every period of a service statistic has: lines add up, or it is refused."""

from __future__ import annotations

import pytest

from pipelines.statistics.suppression import Table

TOTAL = "Insgesamt"


def test_inconsistent_totals_are_refused():
    with pytest.raises(ValueError, match="Summe"):
        Table.from_counts({("A", "x"): 1, ("A", TOTAL): 2, (TOTAL, "x"): 1, (TOTAL, TOTAL): 1}, TOTAL)


def test_missing_inner_cells_are_zeros_and_lines_cover_rows_and_columns():
    table = Table.from_counts(
        {
            ("A", "x"): 2,
            ("A", TOTAL): 2,
            ("B", "y"): 3,
            ("B", TOTAL): 3,
            (TOTAL, "x"): 2,
            (TOTAL, "y"): 3,
            (TOTAL, TOTAL): 5,
        },
        TOTAL,
    )
    assert table.counts[("A", "y")] == 0
    assert len(table.lines()) == 6
