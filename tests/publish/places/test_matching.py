"""Street and district matching, measured on a hand-labelled set of council sentences.

The register is the demo's street register as published (datasets/strassenverzeichnis/); the
labels are in labelled_mentions.yaml. Precision and recall are counted over (street, house
number) pairs per sentence, so a right street with a wrong number is one miss and one false find.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from publish.places.matching import HOUSE_NUMBER, Street, StreetMatcher, street_key

ROOT = Path(__file__).resolve().parents[3]
LABELS = yaml.safe_load((Path(__file__).parent / "labelled_mentions.yaml").read_text(encoding="utf-8"))


def demo_matcher() -> StreetMatcher:
    collection = json.loads((ROOT / "datasets/strassenverzeichnis/sample/strassen.geojson").read_text(encoding="utf-8"))
    streets = [
        Street(feature["id"], feature["properties"]["name"], feature["properties"]["ortsteil"])
        for feature in collection["features"]
    ]
    return StreetMatcher(streets, {street.district for street in streets if street.district})


def score(found: Counter, expected: Counter) -> tuple[int, int, int]:
    right = sum((found & expected).values())
    return right, sum(found.values()), sum(expected.values())


def measure() -> dict[str, tuple[float, float, int, int, int]]:
    matcher = demo_matcher()
    totals = {"strassen": [0, 0, 0], "strassen_ohne_nummer": [0, 0, 0], "ortsteile": [0, 0, 0]}
    for entry in LABELS:
        mentions = matcher.find(entry["text"])
        found = Counter(
            f"{mention.streets[0].name} {mention.house_number}" if mention.house_number else mention.streets[0].name
            for mention in mentions
        )
        expected = Counter(entry.get("streets") or [])
        found_names = Counter(mention.streets[0].name for mention in mentions)
        expected_names = Counter(_name_of(label) for label in expected.elements())
        districts = Counter(mention.district for mention in matcher.find_districts(entry["text"]))
        for key, (f, e) in {
            "strassen": (found, expected),
            "strassen_ohne_nummer": (found_names, expected_names),
            "ortsteile": (districts, Counter(entry.get("districts") or [])),
        }.items():
            for index, value in enumerate(score(f, e)):
                totals[key][index] += value
    return {
        key: (right / found if found else 1.0, right / expected if expected else 1.0, right, found, expected)
        for key, (right, found, expected) in totals.items()
    }


def _name_of(label: str) -> str:
    """ "Bahnhofstraße 12a" → "Bahnhofstraße"; "Am Hagen" stays."""
    head, _, tail = label.rpartition(" ")
    return head if head and tail[:1].isdigit() else label


def test_precision_and_recall_on_the_labelled_set(capsys):
    figures = measure()
    with capsys.disabled():
        for key, (precision, recall, right, found, expected) in figures.items():
            print(f"\n{key}: precision {precision:.3f} ({right}/{found}), recall {recall:.3f} ({right}/{expected})")
    precision, recall, *_ = figures["strassen"]
    assert precision >= 0.95
    assert recall >= 0.9
    district_precision, district_recall, *_ = figures["ortsteile"]
    assert district_precision >= 0.9
    assert district_recall >= 0.95


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Bahnhofstraße", "bahnhofstrasse"),
        ("Bahnhofstr.", "bahnhofstrasse"),
        ("bahnhof-strasse", "bahnhofstrasse"),
        ("Konrad-Adenauer-Str.", "konradadenauerstrasse"),
        ("Konrad Adenauer Straße", "konradadenauerstrasse"),
        ("Lünener Str", "luenenerstrasse"),
        ("Luenener Strasse", "luenenerstrasse"),
    ],
)
def test_every_spelling_of_a_street_has_one_key(written, key):
    assert street_key(written) == key


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (" 12", "12"),
        (" 12a ", "12"),
        (" 40–44", "40"),
        (", Nr. 7", "7"),
        (" 2026", None),
        (" 12,50 €", None),
        (" 12.03.2025", None),
        (" 5 m breit", None),
        (" 30 km", None),
    ],
)
def test_house_numbers_are_not_years_amounts_dates_or_lengths(text, number):
    match = HOUSE_NUMBER.match(text)
    assert (match["first"].rstrip("abcdefgh ") if match else None) == number


def test_a_name_two_districts_share_finds_both_streets():
    matcher = StreetMatcher(
        [Street("1", "Dorfstraße", "Stockum"), Street("2", "Dorfstraße", "Horst"), Street("3", "Am Hagen", "Nord")]
    )
    (mention,) = matcher.find("Sanierung der Dorfstr. 4")
    assert {street.district for street in mention.streets} == {"Stockum", "Horst"}
    assert mention.house_number == "4"


def test_the_longest_name_wins_and_words_containing_a_name_are_not_streets():
    matcher = StreetMatcher([Street("1", "Dorfstraße"), Street("2", "Holthausener Dorfstraße")])
    assert [m.streets[0].id for m in matcher.find("Holthausener Dorfstraße 3 und Dorfstraße 5")] == ["2", "1"]
    assert matcher.find("Dorfstraßenfest und Straßenreinigung") == []
