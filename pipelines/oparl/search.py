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

import re

FTS_TOKENIZER = "trigram"
_REPLACEMENTS = str.maketrans({"ß": "ss", "ẞ": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})
_SPACE = re.compile(r"\s+")
# control characters (NUL ends an FTS5 query string early in SQLite's C code) count as space
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalise(text: str) -> str:
    """Lower-case German text with ß→ss and ä/ö/ü→ae/oe/ue and single spaces.

    "Straßen" and "Strassen" become "strassen", "Sperrmüll" and "Sperrmuell" "sperrmuell".
    """
    return _SPACE.sub(" ", _CONTROL.sub(" ", text.casefold().translate(_REPLACEMENTS))).strip()


def search_text(*parts: str | None) -> str:
    """The normalised search text of several fields, empty parts left out."""
    return normalise(" ".join(part for part in parts if part))


def fts_query(user_query: str) -> str:
    """An FTS5 MATCH expression for a user's words: every word must occur (as a substring).

    Words are quoted, so FTS5 syntax characters in user input cannot cause errors; words
    shorter than three characters are dropped because trigrams cannot match them.
    """
    words = [w for w in normalise(user_query).split(" ") if len(w) >= 3]
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
