"""German search folding: one spelling for "Straße"/"Strasse" and "Müll"/"Muell".

The council's full-text index stores text folded this way (pipelines/oparl/search.py), the
site-wide search folds its index and every query the same way (publish/site/search.py);
publish/site/council_search.py folds document text the same way to place its snippets.
"""

from __future__ import annotations

import re

_REPLACEMENTS = str.maketrans({"ß": "ss", "ẞ": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})
_SPACE = re.compile(r"\s+")
# control characters (NUL ends an FTS5 query string early in SQLite's C code) count as space
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalise(text: str) -> str:
    """Lower-case German text with ß→ss and ä/ö/ü→ae/oe/ue and single spaces.

    "Straßen" and "Strassen" become "strassen", "Sperrmüll" and "Sperrmuell" "sperrmuell".
    """
    return _SPACE.sub(" ", _CONTROL.sub(" ", text.casefold().translate(_REPLACEMENTS))).strip()


def query_words(user_query: str, shortest: int = 3) -> list[str]:
    """The folded words of a query that a search matches as substrings; shorter ones are
    dropped (trigram indexes cannot match them, and "an" would match nearly everything)."""
    return [word for word in normalise(user_query).split(" ") if len(word) >= shortest]


def german_sort_key(text: str | None) -> tuple[str, str]:
    """Sort key for German names and titles as in a phone book (DIN 5007-2): umlauts as their
    two-letter spelling and ß as ss, case ignored, so "Kötter" comes before "Krampe" (a plain
    string sort puts every umlaut after z). Ties keep a fixed order by the original text."""
    return normalise(text or ""), text or ""
