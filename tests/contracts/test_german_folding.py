"""The one German folding both the council index and the site-wide search use, and the German
name order built on it."""

from __future__ import annotations

from contracts.german_folding import german_sort_key, normalise, query_words
from pipelines.oparl import search as council_search


def test_folding_spellings_agree():
    assert normalise("Straße") == normalise("STRASSE") == "strasse"
    assert normalise("Größe der Ämter") == "groesse der aemter"


def test_council_search_uses_the_same_folding():
    assert council_search.normalise is normalise


def test_query_words_drop_short_words():
    assert query_words("an der Straße") == ["der", "strasse"]


def test_names_sort_the_german_way():
    names = ["Krampe", "Kötter", "Zander", "Özdemir", "Adler", "Kosta", "Müller", "Mueller", "Muster"]
    # DIN 5007-2 reads ö as oe, so "Kötter" (koetter) also comes before "Kosta".
    assert sorted(names, key=german_sort_key) == [
        "Adler",
        "Kötter",
        "Kosta",
        "Krampe",
        "Mueller",
        "Müller",
        "Muster",
        "Özdemir",
        "Zander",
    ]
    assert sorted(["Kötter", "Krampe"]) == ["Krampe", "Kötter"]  # what a plain sort did
