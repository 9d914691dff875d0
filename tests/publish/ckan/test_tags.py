"""Keywords → CKAN tags (publish.ckan.mapping.ckan_tags); CKAN's own verdict on them is in
test_serves_what_we_built.py."""

from __future__ import annotations

from publish.ckan.mapping import TAG_MAX_LENGTH, ckan_tags


def test_accepted_keywords_pass_unchanged_with_umlauts_digits_and_dots():
    keywords = ["Straßenbäume", "Haushalt 2026", "ÖPNV", "v1.2", "Kita_Plätze", "Ein-Ausgang"]
    assert ckan_tags(keywords) == (keywords, [])


def test_a_keyword_of_refused_characters_only_is_left_out():
    tags, changes = ckan_tags(["§ / &", "OK"])
    assert tags == ["OK"] and [(c.keyword, c.tag) for c in changes] == [("§ / &", None)]


def test_a_word_longer_than_allowed_is_cut_not_dropped():
    tags, changes = ckan_tags(["a" * 150])
    assert tags == ["a" * TAG_MAX_LENGTH] and changes[0].tag == "a" * TAG_MAX_LENGTH


def test_a_keyword_that_becomes_a_repeat_is_sent_once():
    tags, changes = ckan_tags(["Krippe Hort", "krippe/hort"])
    assert tags == ["Krippe Hort"]
    assert [str(c) for c in changes] == ["Schlagwort 'krippe/hort' doppelt: nur einmal gesendet"]
