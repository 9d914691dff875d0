"""Find the streets (with house numbers) and districts of the town's street register in any text.

Council texts spell a street in many ways: "Bahnhofstraße 12", "Bahnhofstr. 12a",
"Bahnhofstrasse 12–14", "Konrad Adenauer Straße", "Lünener Str.", "Luenener Strasse". Every
spelling folds to one key (`street_key`): lower case, ß→ss, ä→ae …, without spaces, hyphens and
dots, "str" at the end written out. The register's names are turned into one pattern that
accepts these spellings, longest names first, so "Holthausener Dorfstraße" is never read as a
"Dorfstraße".

What is never taken for a street, so that no place is invented:
- a name without a street word ("Markt", "Penningrode", "Kirchhof") unless a house number
  follows — "am Markt" is a place, "Markt 1" an address;
- a name with an article ("Am Hagen", "Im Ostfeld") unless the article is capitalised as in the
  register or a house number follows: "Wohnen am Hagen" is a plan name, "Spielplatz Am Hagen"
  the street;
- a word that only contains a name ("Straßenreinigung", "Bahnhofstraßenfest");
- a number that is a year, an amount or a date ("Bahnhofstraße 2026", "Markt 12,50 €").

Districts are matched by their exact name as a word ("Stockum", "Stockum-Nord", not "Stockumer").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from contracts.german_folding import normalise

# Street words a name may end in, with the abbreviation councils use (only Straße has one).
_STREET_WORDS = (
    "straße",
    "weg",
    "allee",
    "platz",
    "ring",
    "gasse",
    "pfad",
    "damm",
    "wall",
    "ufer",
    "stieg",
    "chaussee",
    "promenade",
    "graben",
    "steig",
)
_ARTICLES = (
    "Am",
    "An der",
    "An den",
    "Im",
    "In der",
    "In den",
    "Zum",
    "Zur",
    "Auf dem",
    "Auf der",
    "Unter den",
    "Vor dem",
)
_LETTER_VARIANTS = {"ä": "(?:ä|ae)", "ö": "(?:ö|oe)", "ü": "(?:ü|ue)", "ß": "(?:ß|ss)"}
# A house number: 1–999 with an optional letter, or a range/list of two ("12–14", "3 bis 9",
# "12/14", "2 und 4"). Not followed by more digits, a decimal part, a date or a unit.
_NUMBER = r"[1-9]\d{0,2}(?:\s?[a-h](?![\w]))?"
HOUSE_NUMBER = re.compile(
    rf"^(?:,?\s*(?:\(\s*)?(?:Höhe\s+)?(?:Nr\.?|Hausnummer)\s*|\s*)(?P<first>{_NUMBER})"
    rf"(?:\s*(?:[-–/]|bis|und|u\.)\s*(?P<last>{_NUMBER}))?"
    r"(?!\d|[,.]\d|\.\s\d|\s?(?:%|€|Euro|EUR|m\b|km|qm|m²|ha|Jahre|Prozent|Uhr))"
)


@dataclass(frozen=True)
class Street:
    """A street of the register: its key in the register, its name and district."""

    id: str
    name: str
    district: str | None = None


@dataclass(frozen=True)
class StreetMention:
    """A street found in a text: the register's streets of that name (more than one when two
    districts have a street of the same name), the house number as written ("12a", "40–44")
    or None, and where in the text."""

    streets: tuple[Street, ...]
    house_number: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DistrictMention:
    district: str
    start: int
    end: int


def street_key(name: str) -> str:
    """One key for every spelling of a street name: "Konrad-Adenauer-Str." and "konrad adenauer
    strasse" both give "konradadenauerstrasse"."""
    folded = normalise(unicodedata.normalize("NFC", name))
    folded = re.sub(r"[\s\-.]+", "", folded)
    return re.sub(r"str$", "strasse", folded)


def _district_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "", normalise(name))


def _letters(text: str) -> str:
    """A pattern for `text` accepting umlauts and ß written out, and space or hyphen between words."""
    parts = []
    for char in text:
        lower = char.lower()
        if lower in _LETTER_VARIANTS:
            parts.append(_LETTER_VARIANTS[lower])
        elif char in " -":
            parts.append(r"[\s\-]+")
        else:
            parts.append(re.escape(char))
    pattern = "".join(parts)
    return pattern.replace("ss", "(?:ss|ß)")


def _street_pattern(name: str) -> tuple[str, bool]:
    """(pattern, needs a house number) for one name of the register."""
    article = next((a for a in _ARTICLES if name.startswith(a + " ")), None)
    if article:
        rest = name[len(article) + 1 :]
        # The register's capital article, or any case when a house number follows (checked later).
        return rf"(?-i:{_letters(article)})\s+{_letters(rest)}", False
    folded = name.lower()  # not casefold(): that writes ß as ss
    if folded.endswith(("straße", "strasse")):
        stem = name[: -len("straße")] if folded.endswith("straße") else name[: -len("strasse")]
        stem = stem.rstrip(" -")
        return rf"{_letters(stem)}[\s\-]?(?:straße|strasse|str\.|str(?![\w]))", False
    has_street_word = any(folded.endswith(word) for word in _STREET_WORDS)
    if has_street_word:
        return rf"{_letters(name)}(?:e?s)?", False  # "des Grünen Weges", "am Ende des Südrings"
    return _letters(name), True


class StreetMatcher:
    """All streets of a register, compiled once; `find` is then one pass over a text."""

    def __init__(self, streets: Iterable[Street], districts: Iterable[str] = ()):
        self.by_key: dict[str, list[Street]] = {}
        for street in streets:
            self.by_key.setdefault(street_key(street.name), []).append(street)
        self.needs_number: set[str] = set()
        patterns: dict[str, str] = {}
        lower_article: list[str] = []
        for key, same_name in self.by_key.items():
            pattern, needs_number = _street_pattern(same_name[0].name)
            patterns[key] = pattern
            if needs_number:
                self.needs_number.add(key)
            article = next((a for a in _ARTICLES if same_name[0].name.startswith(a + " ")), None)
            if article:
                lower_article.append(
                    rf"{_letters(article.lower())}\s+{_letters(same_name[0].name[len(article) + 1 :])}"
                )
        ordered = sorted(patterns.values(), key=len, reverse=True)
        boundary_before = r"(?<![\w\-])"
        boundary_after = r"(?:(?<=\.)|(?![\w]))"  # "Bahnhofstr.12": the dot ends the name
        self._streets = (
            re.compile(f"{boundary_before}(?:{'|'.join(ordered)}){boundary_after}", re.IGNORECASE) if ordered else None
        )
        # "am Hagen 5": an article in lower case counts only with a house number
        self._lower_article = (
            re.compile(f"{boundary_before}(?:{'|'.join(lower_article)}){boundary_after}") if lower_article else None
        )
        names = sorted({name for name in districts if name}, key=len, reverse=True)
        self.districts = {_district_key(name): name for name in names}
        self._districts = (
            re.compile(rf"(?<![\w])(?:{'|'.join(_letters(name) for name in names)})(?![\w])") if names else None
        )

    def find(self, text: str | None) -> list[StreetMention]:
        """Every street mention in `text`, in order."""
        if not text or self._streets is None:
            return []
        found: list[StreetMention] = []
        taken: list[tuple[int, int]] = []
        for pattern, number_required in ((self._streets, False), (self._lower_article, True)):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                streets = self._streets_named(match.group())
                if streets is None or any(start < match.end() and match.start() < end for start, end in taken):
                    continue
                number = HOUSE_NUMBER.match(text[match.end() :])
                if (number_required or street_key(streets[0].name) in self.needs_number) and number is None:
                    continue
                house_number = None
                end = match.end()
                if number is not None:
                    house_number = number["first"].replace(" ", "")
                    if number["last"]:
                        house_number += "–" + number["last"].replace(" ", "")
                    end += number.end()
                taken.append((match.start(), end))
                found.append(StreetMention(tuple(streets), house_number, match.start(), end, text[match.start() : end]))
        return sorted(found, key=lambda mention: mention.start)

    def _streets_named(self, written: str) -> list[Street] | None:
        """The register's streets for a name as written, also in the genitive ("des Südrings")."""
        key = street_key(written)
        for candidate in (key, key.removesuffix("es"), key.removesuffix("s")):
            if candidate in self.by_key:
                return self.by_key[candidate]
        return None

    def find_districts(self, text: str | None) -> list[DistrictMention]:
        if not text or self._districts is None:
            return []
        return [
            DistrictMention(self.districts[_district_key(match.group())], match.start(), match.end())
            for match in self._districts.finditer(text)
            if _district_key(match.group()) in self.districts
        ]
