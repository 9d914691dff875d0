"""Scan published values for personal data: e-mail addresses, phone numbers, IBANs,
street addresses and names of people.

Patterns catch what has a shape (e-mail, phone, IBAN, "Bonenstraße 12", "Frau Müller").
Names are found two ways: a first name from a list of first names common in Germany (the
`gender-guesser` package's name dictionary) followed by a capitalised word, and, for
service records, the first-name/last-name pairs the scanner learns from the records'
identifier fields while they stream past. Findings name column, row and kind, never the
value found. The patterns are defined here once; every kind of dataset is scanned with
them (`scan_published`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import gender_guesser

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A phone number: with +49, or 0 and an area code (not 00) with a separator, or 9 and more
#: digits in one run; not inside a word or an id ("DE_05978040_BP_4", "003/2024", AGS 05978040).
PHONE = re.compile(
    r"(?<![\w.,/])(?:\+49[\s/-]?\d{2,5}[\s/-]?\d{3,8}(?:[\s-]\d{1,5})?"
    r"|0[1-9]\d{1,4}[\s/-]\d{3,8}(?:[\s-]\d{1,5})?|0[1-9]\d{7,12})(?![\w.,/])"
)
STREET_ADDRESS = re.compile(
    r"\b(?:[A-ZÄÖÜ][\wäöüß-]*\s)?[\wäöüß-]*"
    r"(?i:straße|strasse|str\.|weg|platz|allee|ring|gasse|damm|ufer|hof|markt|kamp|bredde|mauer)"
    r"\s*\d{1,4}\s?[a-zA-Z]?\b"
    r"|\b(?:Am|An der|Im|In der|Zum|Zur|Auf dem)\s+[A-ZÄÖÜ][\wäöüß-]+\s+\d{1,4}\s?[a-zA-Z]?\b"
)
SALUTATION = re.compile(r"\b(?:Herr|Herrn|Frau|Familie)\s+[A-ZÄÖÜ][a-zäöüß]+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")
DIGIT = re.compile(r"\d")
WORD = re.compile(r"[^\W\d_]+")
TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
#: A word and the next one (lookahead, so "Hallo Sabine Brinkmann" also yields "Sabine Brinkmann").
WORD_PAIR = re.compile(r"\b([^\W\d_]+)(?=\s+([^\W\d_]+))")

EMAIL_KIND = "E-Mail-Adresse"
PHONE_KIND = "Telefonnummer"
IBAN_KIND = "IBAN"
ADDRESS_KIND = "Straßenadresse"
NAME_KIND = "Name"
KINDS = (EMAIL_KIND, PHONE_KIND, IBAN_KIND, ADDRESS_KIND, NAME_KIND)

#: How common a first name must be in gender-guesser's dictionary (its scale: 1 = rare …
#: 13 = extremely common): per column of its country list, Germany and the countries most
#: people with another origin in Germany come from. Rarer names are mostly ordinary words too.
MIN_FIRST_NAME_FREQUENCY = {12: 4, 46: 6, 23: 6, 38: 6, 47: 6, 3: 6, 37: 6, 30: 6}  # DE, TR, PL, RU, AR, IT, GR, HR
_COUNTRY_COLUMNS = 30  # where the dictionary's country columns start
_FREQUENCY_DIGITS = frozenset("123456789ABCD")


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names common among people in Germany, from the gender-guesser package's dictionary."""
    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names = set()
    with path.open(encoding="iso-8859-1") as handle:
        for line in handle:
            if line[:1] in "#=":
                continue
            frequencies = [
                line[_COUNTRY_COLUMNS + column : _COUNTRY_COLUMNS + column + 1] for column in MIN_FIRST_NAME_FREQUENCY
            ]
            if any(
                frequency in _FREQUENCY_DIGITS and int(frequency, 16) >= least
                for frequency, least in zip(frequencies, MIN_FIRST_NAME_FREQUENCY.values(), strict=True)
            ):
                name = line[3:29].strip()
                if " " not in name and "+" not in name:
                    names.add(name)
    return frozenset(names)


@dataclass(frozen=True)
class PiiFinding:
    """Personal data found in a published cell; the value itself is deliberately absent."""

    column: str
    row: int
    kind: str


class PiiScanner:
    """Learns names from source records, then scans published rows for personal data."""

    def __init__(self) -> None:
        self._learned: set[tuple[Any, Any]] = set()
        self._folded: set[tuple[str, str]] | None = None

    def merge(self, other: PiiScanner) -> None:
        """Also look for the names another scanner learnt."""
        self._learned |= other._learned
        self._folded = None

    @property
    def _name_pairs(self) -> set[tuple[str, str]]:
        if self._folded is None:
            self._folded = {
                (str(first).casefold(), str(last).casefold()) for first, last in self._learned if first and last
            }
        return self._folded

    def learn_names(self, first_names: Iterable[Any], last_names: Iterable[Any]) -> None:
        """Remember the names of many people at once (pairs with a missing part are ignored)."""
        # Pairs with a missing part are dropped when folding: the set of people stays small.
        self._learned.update(zip(first_names, last_names, strict=True))
        self._folded = None

    def kinds_in(self, text: str) -> list[str]:
        """Kinds of personal data present in `text`, each kind at most once."""
        kinds = list(pattern_kinds(text))
        if NAME_KIND not in kinds and self._contains_known_name(text):
            kinds.append(NAME_KIND)
        return kinds

    def _contains_known_name(self, text: str) -> bool:
        if not self._name_pairs:
            return False
        tokens = [token.casefold() for token in TOKEN.findall(text)]
        for left, right in pairwise(tokens):
            if (left, right) in self._name_pairs or (right, left) in self._name_pairs:
                return True
        return False

    def scan_rows(self, rows: Iterable[Mapping[str, Any]], columns: Iterable[str]) -> list[PiiFinding]:
        """Scan every text value of `columns` in `rows` (row numbers start at 1).

        Numbers, dates and booleans carry no personal data of these kinds and are skipped;
        a number that was meant as text (a phone number typed as integer) is caught by
        scanning its text form when it has seven digits or more.
        """
        columns = list(columns)
        findings: list[PiiFinding] = []
        for number, row in enumerate(rows, start=1):
            for column in columns:
                value = row.get(column)
                if isinstance(value, bool) or value is None:
                    continue
                if isinstance(value, int) and abs(value) < 1_000_000:
                    continue
                if isinstance(value, float):
                    continue
                findings.extend(PiiFinding(column, number, kind) for kind in self.kinds_in(str(value)))
        return findings


def pattern_kinds(text: str) -> tuple[str, ...]:
    """The kinds `text` shows by the patterns and the first-name list alone (no learned names).

    Published columns repeat their values (categories, districts, titles, boilerplate), so
    answers are kept in a bounded cache: short texts by themselves, long ones by a digest, so
    the cache stays small whatever the texts' length."""
    if len(text) <= _CACHED_TEXT_LENGTH:
        return _cached_pattern_kinds(text)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    kinds = _long_text_kinds.get(digest)
    if kinds is None:
        if len(_long_text_kinds) >= _CACHE_SIZE:
            _long_text_kinds.clear()
        kinds = _long_text_kinds[digest] = _pattern_kinds(text)
    return kinds


_CACHED_TEXT_LENGTH = 256
_CACHE_SIZE = 65_536
_long_text_kinds: dict[bytes, tuple[str, ...]] = {}


def _pattern_kinds(text: str) -> tuple[str, ...]:
    kinds = []
    if EMAIL.search(text):
        kinds.append(EMAIL_KIND)
    # Phone numbers, IBANs and street addresses all carry digits: a text without any skips the
    # three patterns (the street pattern backtracks over every word ending in "weg", "ring" …).
    if DIGIT.search(text):
        if any(sum(character.isdigit() for character in match) >= 8 for match in PHONE.findall(text)):
            kinds.append(PHONE_KIND)  # fewer digits are references like "051/2025"
        if IBAN.search(text):
            kinds.append(IBAN_KIND)
        if STREET_ADDRESS.search(text):
            kinds.append(ADDRESS_KIND)
    if SALUTATION.search(text) or _contains_first_and_last_name(text):
        kinds.append(NAME_KIND)
    return tuple(kinds)


_cached_pattern_kinds = lru_cache(maxsize=_CACHE_SIZE)(_pattern_kinds)


def _contains_first_and_last_name(text: str) -> bool:
    names = first_names()
    # The pair pattern is slow on long texts; most texts hold no first name at all.
    if names.isdisjoint(WORD.findall(text)):
        return False
    return any(match[1] in names and match[2][0].isupper() for match in WORD_PAIR.finditer(text))


@dataclass(frozen=True)
class ColumnFinding:
    """Personal data of one kind in one published column: how many rows, the first one."""

    column: str
    kind: str
    rows: int
    first_row: int


def scan_published(
    rows: Iterable[Mapping[str, Any]],
    allowed_values: Sequence[str] = (),
    allowed_kinds: Mapping[str, Sequence[str]] | None = None,
) -> list[ColumnFinding]:
    """Scan the text values of published rows (row numbers from 1) with the patterns and
    the first-name list; per column and kind one finding.

    `allowed_values` are public contact data (the town hall's e-mail address) removed from a
    text before the scan; `allowed_kinds` maps a column to the kinds that are public there
    (council members' names).
    """
    scanner = PiiScanner()
    allowed_kinds = allowed_kinds or {}
    found: dict[tuple[str, str], list[int]] = {}
    for number, row in enumerate(rows, start=1):
        for column, value in row.items():
            if not isinstance(value, str) or len(value) < 5:
                continue
            for allowed in allowed_values:
                value = value.replace(allowed, " ")
            for kind in scanner.kinds_in(value):
                if kind not in allowed_kinds.get(column, ()):
                    entry = found.setdefault((column, kind), [0, number])
                    entry[0] += 1
    return [ColumnFinding(column, kind, count, first) for (column, kind), (count, first) in found.items()]
