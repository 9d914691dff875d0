"""The site-wide search (/suche/): the index the build writes, German folding, ranking, and the
server's answer to `?q=` (plain HTML, so it works without JavaScript; the browser suite also
opens it with JavaScript off)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from contracts.german_folding import normalise
from publish.site.search import MAX_QUERY_CHARACTERS, MAX_SHOWN, find


def _entry(title: str, text: str = "") -> dict:
    return {"t": title, "k": "Datensatz", "p": "/x/", "d": "", "s": normalise(f"{title} {text}")}


ENTRIES = [
    _entry("Straßenreinigung", "Gebühren"),
    _entry("Sperrmüll", "Abfuhr auf Abruf"),
    _entry("Haushalt", "enthält Straßen und Müll"),
    _entry("Kötter-Weg"),
]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("Strasse", ["Straßenreinigung", "Haushalt"]),
        ("STRASSE", ["Straßenreinigung", "Haushalt"]),
        ("straße", ["Straßenreinigung", "Haushalt"]),
        ("Sperrmuell", ["Sperrmüll"]),
        ("müll", ["Sperrmüll", "Haushalt"]),  # title hits first
        ("koetter", ["Kötter-Weg"]),
        ("Müll Straßen", ["Haushalt"]),  # every word must occur
        ("abfuhr", ["Sperrmüll"]),
    ],
)
def test_find_folds_german_spellings(query, titles):
    assert [hit["t"] for hit in find(ENTRIES, query).hits] == titles


def test_words_shorter_than_three_letters_are_no_search():
    result = find(ENTRIES, "an ab")
    assert result.words == [] and result.hits == [] and result.total == 0


def test_long_queries_are_cut_and_results_capped():
    assert len(find(ENTRIES, "x" * 10_000).query) == MAX_QUERY_CHARACTERS
    many = [_entry(f"Tabelle {i}", "Abfall") for i in range(MAX_SHOWN + 20)]
    result = find(many, "abfall")
    assert len(result.hits) == MAX_SHOWN and result.total == MAX_SHOWN + 20


def _index(demo_build) -> list[dict]:
    return json.loads((demo_build / "site" / "suche" / "index.json").read_text(encoding="utf-8"))


def test_index_covers_datasets_kpis_plans_and_council(demo_build):
    kinds = {entry["k"] for entry in _index(demo_build)}
    assert {"Datensatz", "Kennzahl", "Plan", "Sitzung"} <= kinds
    assert any("vorlage" in kind.casefold() for kind in kinds) and any(kind.startswith("Beschluss,") for kind in kinds)


def test_a_dataset_is_found_by_a_column_title_and_a_keyword(demo_build):
    package = json.loads(next((demo_build / "datasets").glob("*/datapackage.json")).read_text(encoding="utf-8"))
    titles = [f["title"] for r in package["resources"] for f in r["schema"]["fields"] if f.get("title")]
    index = _index(demo_build)
    for query in (titles[-1], package["keywords"][0]):
        assert any(hit["p"] == f"/datensaetze/{package['name']}/" for hit in find(index, query).hits), query


def test_every_path_in_the_index_is_a_page_of_the_site(demo_build):
    site = demo_build / "site"
    for entry in _index(demo_build):
        path, _, _anchor = entry["p"].partition("#")
        assert (site / path.strip("/") / "index.html").exists(), entry["p"]


def _result_titles(html: str) -> list[str]:
    listing = re.search(r'<ol class="search-results">(.*?)</ol>', html, re.S)
    return [unescape(t) for t in re.findall(r'<a href="[^"]+">([^<]+)</a>', listing.group(1))] if listing else []


def test_served_search_answers_without_javascript(demo_server):
    response = demo_server.get("/suche/", params={"q": "Strasse"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    titles = _result_titles(response.text)
    assert titles and all("straße" in t.casefold() or "strasse" in t.casefold() for t in titles[:3]), titles
    assert re.search(r"<h2 id=\"ergebnisse\">\d+ Treffer für „Strasse“</h2>", response.text)
    assert 'value="Strasse"' in response.text  # the query stays in the field
    assert "<script" not in response.text.split("<main", 1)[1]


def test_served_search_spellings_agree(demo_server):
    assert _result_titles(demo_server.get("/suche/", params={"q": "Straße"}).text) == _result_titles(
        demo_server.get("/suche/", params={"q": "STRASSE"}).text
    )


def test_search_page_without_query_and_with_hostile_input(demo_server):
    empty = demo_server.get("/suche/")
    assert empty.status_code == 200 and 'name="q"' in empty.text and "Treffer" not in empty.text
    hostile = demo_server.get("/suche/", params={"q": '<script>alert(1)</script>" onfocus="x'})
    assert hostile.status_code == 200
    assert "<script>alert" not in hostile.text and 'onfocus="x' not in hostile.text
    assert demo_server.get("/suche/", params={"q": "ab"}).text.count("mindestens drei Buchstaben") == 1


def test_served_search_offers_the_search_in_council_documents(demo_server):
    html = demo_server.get("/suche/", params={"q": "Fledermausquartiere"}).text
    assert 'href="/rat/suche/?q=Fledermausquartiere"' in html
