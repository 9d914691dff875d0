"""(cell, value) counting: compacting in any rhythm gives the counts of one pass."""

from __future__ import annotations

import statistics
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.statistics import value_histogram
from pipelines.statistics.value_histogram import ValueHistogram, reduce_pairs, summaries_per_cell

pairs = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 20).map(lambda tenths: tenths / 10)), max_size=300)


@settings(max_examples=100, deadline=None)
@given(pairs, st.integers(1, 50), st.integers(1, 64))
def test_compacting_in_any_rhythm_counts_every_pair_once(drawn, batch, compact_after):
    expected = Counter(drawn)
    old, value_histogram.COMPACT_AFTER = value_histogram.COMPACT_AFTER, compact_after
    try:
        histogram = ValueHistogram()
        for start in range(0, len(drawn), batch):
            part = drawn[start : start + batch]
            histogram.add(np.array([cell for cell, _ in part], dtype=np.int64), np.array([value for _, value in part]))
        cells, values, counts = histogram.pairs()
    finally:
        value_histogram.COMPACT_AFTER = old
    assert dict(zip(zip(cells.tolist(), values.tolist(), strict=True), counts.tolist(), strict=True)) == dict(expected)
    assert list(zip(cells.tolist(), values.tolist(), strict=True)) == sorted(expected)


def test_missing_values_are_not_counted():
    histogram = ValueHistogram()
    histogram.add(np.array([1, 1, 2], dtype=np.int64), np.array([np.nan, 3.0, np.nan]))
    assert [array.tolist() for array in histogram.pairs()] == [[1], [3.0], [1]]


@given(st.lists(st.integers(0, 30), min_size=1, max_size=50))
def test_median_sum_and_share_per_cell(values):
    cells = np.zeros(len(values), dtype=np.int64)
    summary = summaries_per_cell(
        *reduce_pairs([(cells, np.array(values, dtype=float), np.ones(len(values), dtype=np.int64))]), within_days=14
    )[0]
    assert summary.median == statistics.median(values)
    assert (summary.count, summary.total, summary.within) == (len(values), sum(values), sum(v <= 14 for v in values))
