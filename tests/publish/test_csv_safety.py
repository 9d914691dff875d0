"""Datasette's CSV export passes through the shared rule (contracts.spreadsheet) as it streams."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.spreadsheet import neutralise_cell
from publish.csv_safety import CsvNeutraliser, TruncatedCsv
from tests.contracts.test_spreadsheet import breaks_outside_quotes

_CELL = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@given(
    st.integers(min_value=1, max_value=4).flatmap(  # every record as wide as the header, as Datasette writes
        lambda width: st.lists(st.lists(_CELL, min_size=width, max_size=width), min_size=1, max_size=6)
    ),
    st.integers(min_value=1, max_value=7),
)
def test_stream_rewriter_matches_rewriting_the_whole_file(rows, chunk_size):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = out.getvalue().encode()
    neutraliser = CsvNeutraliser()
    chunks = [neutraliser.feed(data[i : i + chunk_size]) for i in range(0, len(data), chunk_size)]
    result = (b"".join(chunks) + neutraliser.feed(b"", final=True)).decode()
    expected = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert list(csv.reader(io.StringIO(result, newline=""))) == [[neutralise_cell(c) for c in row] for row in expected]
    assert breaks_outside_quotes(result, "\r\n") == []  # U+2028 and friends are quoted, as Datasette does not


def test_a_stream_ending_in_an_error_text_is_reported_as_truncated():
    """Datasette 0.65 writes an error met after the first page into the body, without a line break."""
    neutraliser = CsvNeutraliser()
    assert neutraliser.feed(b"a,b\r\n1,2\r\n") == b"a,b\r\n1,2\r\n"
    with pytest.raises(TruncatedCsv):
        neutraliser.feed(b"CSV contains more than 104857600 bytes", final=True)


def test_a_record_of_another_width_is_reported_as_truncated():
    neutraliser = CsvNeutraliser()
    with pytest.raises(TruncatedCsv):
        neutraliser.feed(b"a,b\r\n1,2\r\nSQL query took too long\r\n", final=True)
    assert CsvNeutraliser().feed(b"a,b\r\n1,2\r\n", final=True) == b"a,b\r\n1,2\r\n"
