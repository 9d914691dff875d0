"""Monthly aggregation: counts, totals, means, medians and shares per cell."""

from __future__ import annotations

import statistics
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.statistics.aggregate import (
    BATCH_SIZE,
    TOTAL,
    AggregateInputError,
    AggregateSpec,
    Measure,
    aggregate,
)

SPEC = AggregateSpec(
    month_field="datum",
    row_field="leistung",
    column_field="kanal",
    measures=(
        Measure("wartezeit_minuten", field="wartezeit"),
        Measure("erledigungstage", start_field="datum", end_field="erledigt", within_days=14),
    ),
)


def record(day, service, channel, wait=None, resolved=None):
    return {"datum": day, "leistung": service, "kanal": channel, "wartezeit": wait, "erledigt": resolved}


def test_counts_and_totals_per_month():
    records = [
        record(date(2026, 1, 5), "Pass", "Online"),
        record(date(2026, 1, 6), "Pass", "Vor Ort"),
        record(date(2026, 1, 7), "Ausweis", "Vor Ort"),
        record(date(2026, 2, 1), "Pass", "Online"),
    ]
    tables = aggregate(records, SPEC).tables()
    assert [table.month for table in tables] == ["2026-01", "2026-02"]
    january = {key: cell.count for key, cell in tables[0].cells.items()}
    assert january == {
        ("Pass", "Online"): 1,
        ("Pass", "Vor Ort"): 1,
        ("Ausweis", "Vor Ort"): 1,
        ("Pass", TOTAL): 2,
        ("Ausweis", TOTAL): 1,
        (TOTAL, "Online"): 1,
        (TOTAL, "Vor Ort"): 2,
        (TOTAL, TOTAL): 3,
    }


def test_measures_skip_missing_values_and_share_counts_open_cases_as_late():
    day = date(2026, 3, 1)
    records = [
        record(day, "A", "x", wait=10.0, resolved=date(2026, 3, 3)),
        record(day, "A", "x", wait=20.0, resolved=date(2026, 3, 31)),
        record(day, "A", "x", wait=None, resolved=None),
        record(day, "A", "x", wait=30.0, resolved=date(2026, 3, 15)),
    ]
    cell = aggregate(records, SPEC).tables()[0].cells[("A", "x")]
    values = cell.measure_values(SPEC)
    assert values["wartezeit_minuten_mittel"] == 20.0
    assert cell.measures["wartezeit_minuten"].median == 20.0  # kept inside, never published
    assert cell.measures["erledigungstage"].median == 14.0  # 2, 14, 30
    assert values["erledigungstage_anteil_bis_14_tage"] == 50.0  # 2 of 4, the open one is not within


def test_measures_over_too_few_values_are_withheld():
    records = [record(date(2026, 3, 1), "A", "x", wait=10.0)] + [record(date(2026, 3, 1), "A", "x")] * 5
    cell = aggregate(records, SPEC).tables()[0].cells[("A", "x")]
    assert cell.measure_values(SPEC, min_values=5)["wartezeit_minuten_mittel"] is None
    assert cell.measure_values(SPEC, min_values=1)["wartezeit_minuten_mittel"] == 10.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 300), st.floats(0, 50, allow_nan=False)), min_size=1, max_size=60),
    st.integers(0, 2),
)
def test_mean_median_and_share_match_the_statistics_module(values, cells):
    """Every cell and every margin, whatever the order the values arrive in."""
    day = date(2026, 5, 1)
    records = [record(day, f"S{index % (cells + 1)}", "x", wait=value) for index, value in enumerate(values)]
    tables = aggregate(records, SPEC).tables()
    for (service, channel), cell in tables[0].cells.items():
        mine = [
            r["wartezeit"]
            for r in records
            if service in (TOTAL, r["leistung"]) and channel in (TOTAL, r["kanal"]) and r["wartezeit"] is not None
        ]
        published = cell.measure_values(SPEC)
        if not mine:
            assert published["wartezeit_minuten_mittel"] is None
            continue
        summary = cell.measures["wartezeit_minuten"]
        assert summary.median == statistics.median(mine)
        assert summary.count == len(mine)
        # The unrounded mean: summing in another order may differ in the last binary digit.
        assert summary.total / summary.count == pytest.approx(statistics.fmean(mine), rel=1e-12)


def test_batches_are_one_stream():
    """A month, cell and median spread over several batches count as if read in one piece."""
    day = date(2026, 2, 3)
    records = [record(day, "A", "x", wait=float(number % 11)) for number in range(BATCH_SIZE + 10)]
    cell = aggregate(records, SPEC).tables()[0].cells[("A", "x")]
    assert cell.count == BATCH_SIZE + 10
    assert cell.measures["wartezeit_minuten"].median == statistics.median(r["wartezeit"] for r in records)


def test_record_without_date_names_record_and_field():
    with pytest.raises(AggregateInputError, match="Datensatz 2, Feld `datum`"):
        aggregate([record(date(2026, 1, 1), "A", "x"), record(None, "A", "x")], SPEC)


def test_total_label_cannot_be_a_dimension_value():
    with pytest.raises(AggregateInputError, match="reserviert"):
        aggregate([record(date(2026, 1, 1), TOTAL, "x")], SPEC)


def test_the_first_bad_record_is_named_across_fields_and_batches():
    good = [record(date(2026, 1, 1), "A", "x")] * (BATCH_SIZE + 3)
    bad = good + [record(date(2026, 1, 1), "A", ""), record(None, "A", "x")]
    with pytest.raises(AggregateInputError, match=f"Datensatz {BATCH_SIZE + 4}, Feld `kanal`: Wert fehlt"):
        aggregate(bad, SPEC)


def test_measure_needs_a_field_or_two_dates():
    with pytest.raises(ValueError, match="entweder"):
        Measure("x")
    with pytest.raises(ValueError, match="nur mean"):
        Measure("x", field="y", statistics=("median",))


def test_aggregator_keeps_no_records():
    """Memory is bounded by cells and distinct values: a long stream leaves small state."""

    def stream():
        for number in range(50_000):
            yield record(date(2026, 1 + number % 12, 1), f"S{number % 7}", "x", wait=float(number % 40))

    result = aggregate(stream(), SPEC)
    assert result.records == 50_000
    cells = [cell for table in result.tables() for cell in table.cells.values()]
    assert len(cells) == 12 * (7 * 2 + 2)  # inner + row totals + column total + grand total
    assert result.distinct_values_held() <= 12 * 7 * 40  # inner cells × distinct values


def test_parts_merged_in_file_order_count_as_one_stream():
    """Parts of one file, aggregated by separate workers, merge into the whole file's tables
    even when their label and month codes were handed out in different orders."""
    records = [
        record(
            date(2026, 1 + number % 3, 1 + number % 28),
            f"S{(number * 7) % 5}",
            ("x", "y")[number % 2],
            wait=float(number % 13),
            resolved=date(2026, 4, 1) if number % 4 else None,
        )
        for number in range(2_000)
    ]
    whole = aggregate(records, SPEC)
    first, second = aggregate(records[1_500:], SPEC), aggregate(records[:1_500], SPEC)
    first.merge(second)
    assert first.records == whole.records
    merged, expected = first.tables(), whole.tables()
    assert [table.month for table in merged] == [table.month for table in expected]
    for mine, theirs in zip(merged, expected, strict=True):
        assert mine.cells.keys() == theirs.cells.keys()
        for key, cell in theirs.cells.items():
            assert mine.cells[key].count == cell.count
            assert mine.cells[key].measure_values(SPEC) == cell.measure_values(SPEC)


def test_a_count_field_weighs_each_record_like_that_many_records():
    """An export that arrives counted (waiting people per office and hour) aggregates exactly
    like the records it stands for."""
    weighted_spec = AggregateSpec("datum", "leistung", "kanal", SPEC.measures, weight_field="personen")
    day = date(2026, 4, 2)
    counted = [{**record(day, "A", "x", wait=4.0 + people), "personen": people} for people in (0, 1, 3, 7)]
    expanded = [record(day, "A", "x", wait=4.0 + people) for people in (0, 1, 3, 7) for _ in range(people)]
    mine = aggregate(counted, weighted_spec).tables()[0].cells
    theirs = aggregate(expanded, SPEC).tables()[0].cells
    assert {key: (cell.count, cell.measures["wartezeit_minuten"]) for key, cell in mine.items()} == {
        key: (cell.count, cell.measures["wartezeit_minuten"]) for key, cell in theirs.items()
    }
    with pytest.raises(AggregateInputError, match="Feld `personen`"):
        aggregate([{**record(day, "A", "x"), "personen": 1.5}], weighted_spec)
