"""How often each distinct value of a measure occurs in each cell, counted with NumPy.

The aggregator (`pipelines.statistics.aggregate`) codes every cell as one int64. Per measure it
keeps (cell, value, count) pairs, sorted and summed now and then, so memory is bounded by
cells × distinct values, not by records; count, sum, share within a limit and median of
every cell come from the pairs at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MeasureSummary:
    """One measure in one cell: how many values, their sum, how many within the limit, median."""

    count: int = 0
    total: float = 0.0
    within: int = 0
    median: float | None = None


def reduce_pairs(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum the counts per distinct (cell, value) over `parts` of (cell, value, count) arrays;
    the result is sorted by cell, then value. Empties `parts`, and each array is dropped as
    soon as it is copied: at 5M records these copies were the path's peak memory."""
    cells = np.concatenate([part[0] for part in parts])
    values = np.concatenate([part[1] for part in parts])
    counts = np.concatenate([part[2] for part in parts])
    parts.clear()
    if len(cells) == 0:
        return cells, values, counts
    order = np.lexsort((values, cells))
    cells = cells[order]
    values = values[order]
    counts = counts[order]
    del order
    starts = np.ones(len(cells), dtype=bool)
    starts[1:] = (cells[1:] != cells[:-1]) | (values[1:] != values[:-1])
    first = np.flatnonzero(starts)
    return cells[first], values[first], np.add.reduceat(counts, first)


#: New (cell, value) pairs a histogram collects before it compacts, at least (4 MiB per
#: measure; 1 << 20 raised the peak at 5M records by ~40 MB, smaller only sorts more often).
COMPACT_AFTER = 1 << 18


def _no_pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    empty = np.empty(0, dtype=np.int64)
    return empty, np.empty(0), empty


class ValueHistogram:
    """Per cell, how often each distinct value of one measure occurred (compacted as it grows)."""

    def __init__(self) -> None:
        self._compacted: tuple[np.ndarray, np.ndarray, np.ndarray] = _no_pairs()
        self._raw: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = []
        self._raw_pairs = 0

    def add(self, cells: np.ndarray, values: np.ndarray) -> None:
        present = ~np.isnan(values)
        self._add_raw(cells[present], values[present], None)  # None: each pair counts once

    def add_pairs(self, cells: np.ndarray, values: np.ndarray, counts: np.ndarray) -> None:
        """Add (cell, value, count) pairs another histogram collected."""
        self._add_raw(cells, values, counts)

    def _add_raw(self, cells: np.ndarray, values: np.ndarray, counts: np.ndarray | None) -> None:
        self._raw.append((cells, values, counts))
        self._raw_pairs += len(cells)
        # One sort over many batches is cheaper than a sort per batch; compacting once the
        # new pairs outnumber the compacted ones (or COMPACT_AFTER) keeps memory within a few
        # times cells × distinct values at an amortised cost.
        if self._raw_pairs > max(len(self._compacted[0]), COMPACT_AFTER):
            self._compact()

    def _compact(self) -> None:
        if not self._raw:
            return
        parts = [self._compacted] + [
            (cells, values, np.ones(len(cells), dtype=np.int64) if counts is None else counts)
            for cells, values, counts in self._raw
        ]
        # Dropped here, so that only `parts` holds the arrays and reduce_pairs can free them early.
        self._raw, self._raw_pairs, self._compacted = [], 0, _no_pairs()
        self._compacted = reduce_pairs(parts)

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(cell, value, count) per distinct pair, sorted by cell, then value."""
        self._compact()
        return self._compacted

    def distinct_pairs(self) -> int:
        return len(self._compacted[0]) + self._raw_pairs


def summaries_per_cell(
    cells: np.ndarray, values: np.ndarray, counts: np.ndarray, within_days: int | None
) -> dict[int, MeasureSummary]:
    """Count, sum, values within the limit and median per cell, from sorted (cell, value, count) pairs."""
    if len(cells) == 0:
        return {}
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    per_cell = np.add.reduceat(counts, starts)
    totals = np.add.reduceat(values * counts, starts)
    within = (
        np.add.reduceat(np.where(values <= within_days, counts, 0), starts)
        if within_days is not None
        else np.zeros(len(starts), dtype=np.int64)
    )
    cumulative = np.cumsum(counts)
    before = cumulative[starts] - counts[starts]  # values in all earlier cells
    # Ranks are 0-based within the cell; the pair holding rank k is the first whose
    # cumulative count exceeds it (median_of_histogram's rule, for all cells at once).
    lower = values[np.searchsorted(cumulative, before + (per_cell - 1) // 2, side="right")]
    upper = values[np.searchsorted(cumulative, before + per_cell // 2, side="right")]
    medians = (lower + upper) / 2
    return {
        int(cell): MeasureSummary(int(count), float(total), int(inside), float(median))
        for cell, count, total, inside, median in zip(cells[starts], per_cell, totals, within, medians, strict=True)
    }
