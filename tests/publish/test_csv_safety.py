"""CSV injection: formula-like text is neutralised in downloads and round-trips into portal.db."""
from __future__ import annotations

import csv
import io

from hypothesis import given, strategies as st

from pipelines.output import spreadsheet_safe
from publish.csv_safety import CsvNeutraliser, from_published_text, neutralise_cell

FORMULAS = ['=HYPERLINK("http://127.0.0.1:9/x";"Klick")', "-2+3+cmd|' /C calc'!A0", "@SUMME(A1:A9)", "+49 2389 71-0", "\t=1+1"]


def test_formula_cells_get_an_apostrophe_and_numbers_stay_numbers():
    for text in FORMULAS:
        assert spreadsheet_safe(text) == "'" + text
        assert neutralise_cell(text) == "'" + text
    for text in ("-2.5", "+3", "-1e5", "Nord", "", "-", "'Zitat'"):
        assert spreadsheet_safe(text) == text
        assert neutralise_cell(text) == text


@given(st.text())
def test_published_text_round_trips(text):
    assert from_published_text(spreadsheet_safe(text)) == text
    assert not spreadsheet_safe(text).startswith(("=", "@")) or len(text) <= 1


@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12), min_size=1, max_size=4),
                min_size=1, max_size=6),
       st.integers(min_value=1, max_value=7))
def test_stream_rewriter_matches_rewriting_the_whole_file(rows, chunk_size):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = out.getvalue().encode()
    neutraliser = CsvNeutraliser()
    chunks = [neutraliser.feed(data[i:i + chunk_size]) for i in range(0, len(data), chunk_size)]
    result = (b"".join(chunks) + neutraliser.feed(b"", final=True)).decode()
    expected = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert list(csv.reader(io.StringIO(result, newline=""))) == [[neutralise_cell(c) for c in row] for row in expected]
