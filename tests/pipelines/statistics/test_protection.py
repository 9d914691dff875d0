"""Protection of every statistic: counts, sums behind means, within-counts behind shares.

The proof is independent of the module: `tests.service_support.attack_period` builds the
attacker's linear system from the published rows alone (plus the number of values behind
each mean, which is not even published) with SciPy, and checks each hidden value's interval.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.statistics.aggregate import AggregateSpec, Measure, record_batches
from pipelines.statistics.disclosure import DisclosureRules, protect
from pipelines.statistics.protection import CASES, COUNT, PeriodProblem, ProtectionRule, Quantity, protect_period
from pipelines.statistics.suppression import Table
from tests.service_support import attack_period, published_truth

TOTAL = "Insgesamt"
SPEC = AggregateSpec("datum", "zeile", "spalte", (Measure("dauer", field="dauer", within_days=14),))
SOURCE = {
    "month": "datum",
    "rows": "zeile",
    "columns": "spalte",
    "threshold": 5,
    "measures": [{"name": "dauer", "field": "dauer", "within_days": 14}],
}
RULES = DisclosureRules(threshold=5, allow_quarters=False, max_hidden_share=1.0)


def assert_protected(records: list[dict], rules: DisclosureRules = RULES) -> list:
    published = protect(record_batches(records), SPEC, rules)
    truth = published_truth(records, SOURCE, "monat", lambda record, measure: record["dauer"])
    found = []
    for month in sorted({row["monat"] for row in published.rows}):
        rows = [row for row in published.rows if row["monat"] == month]
        for row in rows:
            if not row["gesperrt"]:
                assert row["anzahl"] == truth[(month, row["zeile"], row["spalte"])]["n"]
        found += attack_period(rows, "monat", "zeile", "spalte", SOURCE["measures"], truth)
    for kind, key, true, low, high in found:
        assert low - 1e-6 <= true <= high + 1e-6, key
        if kind == COUNT:
            assert high - low >= rules.threshold, (key, true, low, high)
        else:
            share = rules.sum_percent / 100
            assert low <= true * (1 - share) + 1e-6 and high >= true * (1 + share) - 1e-6, (key, true, low, high)
    return found


record_lists = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from(["x", "y", "z"]),
        st.integers(0, 1),
        st.one_of(st.none(), st.integers(0, 40)),
    ),
    min_size=1,
    max_size=150,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_lists)
def test_no_hidden_count_sum_mean_or_share_can_be_narrowed_below_the_rule(drawn):
    records = [
        {"datum": date(2026, 1 + month, 1), "zeile": row, "spalte": column, "dauer": value}
        for row, column, month, value in drawn
    ]
    assert_protected(records)


def test_a_mean_over_few_values_next_to_a_published_margin_is_not_derivable():
    """Issue 14's example: 3 cases of a service whose mean followed from the margin mean."""
    records = [{"datum": date(2026, 1, 1), "zeile": "A", "spalte": "x", "dauer": 7 + day % 3} for day in range(3)]
    records += [
        {"datum": date(2026, 1, 1), "zeile": row, "spalte": column, "dauer": 5}
        for row in "BC"
        for column in "xy"
        for _ in range(12)
    ]
    found = assert_protected(records)
    assert any(kind == "sum" for kind, *_ in found)


def test_a_share_that_would_reveal_one_late_case_is_withheld():
    records = [
        {"datum": date(2026, 1, 1), "zeile": row, "spalte": column, "dauer": 3}
        for row in "AB"
        for column in "xy"
        for _ in range(20)
    ]
    records[0]["dauer"] = 30  # exactly one late case in A/x
    published = protect(record_batches(records), SPEC, RULES)
    cell = next(row for row in published.rows if row["zeile"] == "A" and row["spalte"] == "x")
    assert cell["anzahl"] == 20 and cell["dauer_anteil_bis_14_tage"] is None
    assert_protected(records)


def test_single_small_cell_gets_partners_wide_enough_for_the_threshold():
    counts = {("A", "x"): 3, ("A", "y"): 10, ("B", "x"): 12, ("B", "y"): 9}
    full = dict(counts)
    for (row, column), value in counts.items():
        for key in ((row, TOTAL), (TOTAL, column), (TOTAL, TOTAL)):
            full[key] = full.get(key, 0) + value
    problem = PeriodProblem(Table.from_counts(full, TOTAL), [Quantity(CASES, COUNT, full)], [(CASES, ("A", "x"))])
    intervals = protect_period(problem, ProtectionRule(5))
    assert all(interval.width >= 5 for interval in intervals.values())
    assert len({cell for _, cell in problem.hidden}) >= 4


def test_rule_refuses_a_threshold_below_three_and_a_percentage_outside_0_to_100():
    with pytest.raises(ValueError, match="mindestens 3"):
        ProtectionRule(2)
    with pytest.raises(ValueError, match="Prozentsatz"):
        ProtectionRule(5, sum_percent=0)


def test_a_line_whose_few_cases_sit_in_one_cell_hides_that_cell_and_its_zeros():
    """Eight requests all in row A of column z: "all online requests were A" would be known."""
    records = [
        {"datum": date(2026, 1, 1), "zeile": row, "spalte": column, "dauer": 3 + day % 9}
        for row in "AB"
        for column in "xy"
        for day in range(20)
    ]
    records += [{"datum": date(2026, 1, 1), "zeile": "A", "spalte": "z", "dauer": 5} for _ in range(8)]
    published = protect(record_batches(records), SPEC, RULES)
    cells = {(row["zeile"], row["spalte"]): row for row in published.rows}
    assert cells[("A", "z")]["gesperrt"] and cells[("B", "z")]["gesperrt"]  # the zero is listed, hidden
    assert_protected(records)
