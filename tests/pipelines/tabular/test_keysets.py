"""SeenKeys answers like a Python set, whatever mix of keys it is given."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipelines.tabular.keysets import NO_RUN, SeenKeys

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
