"""SeenKeys answers like a Python set, whatever mix of keys it is given."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipelines.reading.keysets import NO_RUN, SeenKeys

keys = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=0, max_value=300_000),
    st.text(max_size=5),
    st.tuples(st.integers(0, 5), st.text(max_size=2)),
    st.booleans(),
)


@given(st.lists(keys, max_size=300), st.integers(min_value=1, max_value=8))
def test_seen_keys_agrees_with_a_set(values, max_blocks):
    seen = SeenKeys(max_blocks=max_blocks)
    reference: set = set()
    for value in values:
        assert seen.add(value) == (value in reference)
        reference.add(value)


def test_dense_integer_keys_stay_in_the_bitmap():
    seen = SeenKeys()
    for key in range(2024_000_001, 2024_200_001):
        assert seen.add(key) is False
    assert seen.add(2024_100_000) is True
    assert len(seen._blocks) <= 5 and not seen._others


def test_sparse_integer_keys_move_into_the_set_without_forgetting():
    seen = SeenKeys(max_blocks=2)
    spread = [0, 1 << 20, 1 << 30, 1 << 40]
    for key in spread:
        assert seen.add(key) is False
    assert all(seen.add(key) for key in spread)


@given(st.lists(st.integers(min_value=0, max_value=80), max_size=200), st.integers(0, 40))
def test_run_protocol_of_the_reader_agrees_with_a_set(values, sorted_prefix):
    """The reader proves keys new by comparing with next_in_run() and reports back."""
    values = sorted(set(values))[:sorted_prefix] + values
    seen = SeenKeys(max_blocks=2)
    reference: set = set()
    next_key = NO_RUN
    for value in values:
        if value == next_key:
            duplicate = False
            next_key += 1
        else:
            seen.extend_run_to(next_key)
            duplicate = seen.add(value)
            next_key = seen.next_in_run()
        assert duplicate == (value in reference)
        reference.add(value)


def _filled(values: list, max_blocks: int) -> SeenKeys:
    """A SeenKeys filled the way the reader fills it (runs included)."""
    seen = SeenKeys(max_blocks=max_blocks)
    next_key = NO_RUN
    for value in values:
        if value == next_key:
            next_key += 1
        else:
            seen.extend_run_to(next_key)
            seen.add(value)
            next_key = seen.next_in_run()
    seen.extend_run_to(next_key)
    return seen


part_keys = st.one_of(st.integers(-300, 300_000), st.text(max_size=3), st.integers(-(2**40), 2**40))


@given(
    st.lists(part_keys, max_size=80),
    st.lists(part_keys, max_size=80),
    st.integers(0, 300),
    st.integers(-100, 200_000),
    st.integers(1, 8),
)
def test_two_parts_share_a_key_exactly_when_their_sets_intersect(first, second, run_length, run_start, max_blocks):
    """Parts of one file often hold long runs (1, 2, 3, ...): a run in one part is
    compared with the bitmap, the set and the run of the other."""
    first = list(range(run_start, run_start + run_length)) + first
    second = list(range(run_start + run_length // 2, run_start + run_length // 2 + run_length)) + second
    mine, theirs = _filled(first, max_blocks), _filled(second, max_blocks)
    assert mine.shares_a_key_with(theirs) == bool(set(first) & set(second))
    assert theirs.shares_a_key_with(mine) == bool(set(first) & set(second))


def test_adjacent_runs_of_two_parts_do_not_collide():
    mine, theirs = _filled(list(range(1, 500_001)), 4096), _filled(list(range(500_001, 1_000_001)), 4096)
    assert not mine.shares_a_key_with(theirs)
    assert _filled(list(range(1, 500_002)), 4096).shares_a_key_with(theirs)


def test_a_short_run_far_below_zero_costs_no_memory():
    """A run shorter than one bitmap byte once made the comparison fill blocks from the run's
    block up to zero: 2**24 blocks for keys near -2**40 (a test run was killed at 24 GB)."""
    mine, theirs = _filled([-(2**40), -(2**40) + 1], 8), _filled([5, 6, 7], 8)
    assert not mine.shares_a_key_with(theirs)
    blocks, _ = mine._blocks_and_others()
    assert len(blocks) == 1
