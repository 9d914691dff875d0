"""The one rule for CSV text: formula-like cells get an apostrophe, every line break is quoted."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from contracts.spreadsheet import (
    LINE_BREAKS,
    QuotingWriter,
    from_spreadsheet_safe,
    has_line_break,
    looks_like_formula,
    neutralise_cell,
    spreadsheet_safe,
)

FORMULAS = [
    '=HYPERLINK("http://127.0.0.1:9/x";"Klick")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUMME(A1:A9)",
    "+49 2389 71-0",
    "\t=1+1",
    "\r=1+1",
]
# The gaps of issue 15 (OWASP CSV injection): `;` and whitespace of any kind before the trigger.
OWASP_GAPS = [
    ";=1+1",
    ";;=cmd|' /C calc'!A0",
    "\n=1+1",
    " =1+1",
    "   -2+3",
    "\t\t@SUMME(A1)",
    " \t+1+1",
    "\u00a0=1+1",
    "\u3000=1+1",
    "\u2028=1",
    "\x85@x",
    "; =1",
    "\nNord",
]


def test_formula_cells_get_an_apostrophe_and_numbers_stay_numbers():
    for text in FORMULAS + OWASP_GAPS:
        assert looks_like_formula(text), text
        assert spreadsheet_safe(text) == "'" + text
        assert neutralise_cell(text) == "'" + text
    for text in ("-2.5", "+3", "-1e5", "Nord", "", "-", "'Zitat'", "a;=b", "Nord =1", "1;2"):
        assert spreadsheet_safe(text) == text
        assert neutralise_cell(text) == text


@given(st.text())
def test_published_text_round_trips(text):
    safe = spreadsheet_safe(text)
    assert from_spreadsheet_safe(safe) == text
    assert not looks_like_formula(safe)


@given(st.text(alphabet=st.sampled_from(list(";'= \t\n-+@\u2028") + ["a", "1", "."]), max_size=8))
def test_published_text_round_trips_near_the_triggers(text):
    """Random text rarely starts like a formula; this alphabet almost always does."""
    safe = spreadsheet_safe(text)
    assert from_spreadsheet_safe(safe) == text
    assert not looks_like_formula(safe)


def test_every_line_break_python_knows_is_covered():
    every = "".join(c for c in map(chr, range(0x110000)) if len(f"a{c}b".splitlines()) > 1)
    assert set(every) == set(LINE_BREAKS)
    assert all(has_line_break(f"a{c}b") for c in every)
    assert not has_line_break("Straße\tNord €")


def breaks_outside_quotes(text: str, terminator: str) -> list[str]:
    """Line breaks in CSV `text` that are not inside a quoted field and not a record's end."""
    found, in_quotes, position = [], False, 0
    while position < len(text):
        char = text[position]
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and text.startswith(terminator, position):
            position += len(terminator)
            continue
        elif not in_quotes and char in LINE_BREAKS:
            found.append(char)
        position += 1
    return found


_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]))


@given(
    st.lists(st.lists(st.one_of(_TEXT, st.none(), st.integers()), min_size=3, max_size=3), max_size=5),
    st.sampled_from(["\n", "\r\n"]),
)
def test_quoting_writer_quotes_every_line_break_and_reads_back(rows, terminator):
    out = io.StringIO()
    writer = QuotingWriter(out, lineterminator=terminator)
    for row in rows:
        writer.writerow(row)
    assert breaks_outside_quotes(out.getvalue(), terminator) == []
    expected = [["" if value is None else str(value) for value in row] for row in rows]
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == expected
    plain = io.StringIO()
    csv.writer(plain, lineterminator=terminator).writerows(rows)
    if not any(type(value) is str and has_line_break(value) for row in rows for value in row):
        assert out.getvalue() == plain.getvalue()  # the files of yesterday's builds stay the same bytes
