"""Search text for German council documents.

SQLite FTS5 was measured on the demo (see the README section "Suche"): the `trigram`
tokenizer finds words inside compounds ("Sperrmüll" → "Sperrmüllabfuhr", "abfuhr" →
"Sperrmüllabfuhr"), which the word tokenizers `unicode61` and `porter` only do for
prefixes with `*`. None of them equates "ß" with "ss" or "ü" with "ue". So every searchable
table gets a `search_text` column in a normalised spelling, indexed beside the original
text: a query in either spelling then finds the document, if the query is normalised the
same way (`normalise`) or typed in the document's own spelling.
"""

from __future__ import annotations

from contracts.german_folding import normalise, query_words

__all__ = ["FTS_TOKENIZER", "normalise", "search_text", "fts_query"]

FTS_TOKENIZER = "trigram"


def search_text(*parts: str | None) -> str:
    """The normalised search text of several fields, empty parts left out."""
    return normalise(" ".join(part for part in parts if part))


def fts_query(user_query: str) -> str:
    """An FTS5 MATCH expression for a user's words: every word must occur (as a substring).

    Words are quoted, so FTS5 syntax characters in user input cannot cause errors; words
    shorter than three characters are dropped because trigrams cannot match them.
    """
    words = query_words(user_query)
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
