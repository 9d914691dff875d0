"""The snippet of a council document hit: found in the folded text, cut from the original."""

from __future__ import annotations

from publish.site.council_search import fts_match, snippet


def test_the_snippet_marks_the_original_spelling_of_a_folded_hit():
    text = "Vorbemerkung. " + "Wort " * 40 + "Die Straßenbäume an der Großen Straße werden ersetzt. " + "Ende " * 60
    found = snippet(text, ["strassenbaeume"])
    assert found is not None
    assert found.hit == "Straßenbäume"
    assert found.before.startswith("… ") and found.before.endswith("Die ")
    assert found.after.startswith(" an der Großen Straße") and found.after.endswith(" …")
    assert len(found.before) + len(found.after) < 300


def test_a_hit_at_the_start_has_no_leading_ellipsis_and_no_hit_no_snippet():
    found = snippet("Lärmschutzgutachten liegt bei.", ["laermschutz"])
    assert (
        found is not None and found.before == "" and found.hit == "Lärmschutz" and found.after == "gutachten liegt bei."
    )
    assert snippet("Nichts davon.", ["fledermaus"]) is None


def test_query_words_are_quoted_for_fts5():
    assert fts_match(['a"b', "strasse"]) == '"a""b" AND "strasse"'


def test_a_spelling_the_pattern_misses_is_still_found_in_the_folded_copy():
    # "sß" folds to "sss": the pattern reads "ss" then "s", the folded copy finds it
    found = snippet("Die Massstäbe: Maßstab und Masßstab.", ["masssstab"])
    assert found is not None and found.hit == "Masßstab"
    assert snippet("STRASSE und Straße", ["strasse"]).hit == "STRASSE"
