"""Normalised German search text and safe FTS5 queries."""

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from pipelines.oparl import search


def test_both_spellings_normalise_to_the_same_text():
    assert search.normalise("Straßen") == search.normalise("STRASSEN") == "strassen"
    assert search.normalise("Sperrmüll") == search.normalise("Sperrmuell") == "sperrmuell"
    assert search.normalise("  Größe\n der  Ämter ") == "groesse der aemter"
    assert search.search_text("Titel", None, "", "Text") == "titel text"


def test_fts_query_quotes_user_input_and_drops_short_words():
    assert search.fts_query('Straße "AND" x OR') == '"strasse" AND """and"""'
    assert search.fts_query("ab") == ""
    assert search.fts_query('Haus"halt') == '"haus""halt"'


@given(st.text(max_size=40))
def test_any_user_input_gives_a_query_sqlite_accepts(text):
    db = sqlite3.connect(":memory:")
    db.execute(f"create virtual table t using fts5(x, tokenize='{search.FTS_TOKENIZER}')")
    db.execute("insert into t values ('sperrmuellabfuhr strassen')")
    query = search.fts_query(text)
    if query:
        db.execute("select * from t where t match ?", (query,)).fetchall()
