"""Scan published values for personal data: e-mail addresses, phone numbers, street
addresses and the names of the people in the source records.

Patterns catch what has a shape (e-mail, phone, "Bonenstraße 12", "Frau Müller"); names
have no shape, so the scanner learns the first-name/last-name pairs from the records'
identifier fields while they stream past and looks for those pairs in published text.
Findings name column, row and kind, never the value found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\d.,])(?:\+49[\s/-]?|0)\d{2,5}[\s/-]?\d{3,8}(?:[\s-]\d{1,5})?(?![\d.,])")
STREET_ADDRESS = re.compile(
    r"\b(?:[A-ZÄÖÜ][\wäöüß-]*\s)?[\wäöüß-]*"
    r"(?i:straße|strasse|str\.|weg|platz|allee|ring|gasse|damm|ufer|hof|markt|kamp|bredde|mauer)"
    r"\s*\d{1,4}\s?[a-zA-Z]?\b"
    r"|\b(?:Am|An der|Im|In der|Zum|Zur|Auf dem)\s+[A-ZÄÖÜ][\wäöüß-]+\s+\d{1,4}\s?[a-zA-Z]?\b"
)
SALUTATION = re.compile(r"\b(?:Herr|Herrn|Frau|Familie)\s+[A-ZÄÖÜ][a-zäöüß]+")
TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

EMAIL_KIND = "E-Mail-Adresse"
PHONE_KIND = "Telefonnummer"
ADDRESS_KIND = "Straßenadresse"
NAME_KIND = "Name"


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

    def merge(self, other: "PiiScanner") -> None:
        """Also look for the names another scanner learnt."""
        self._learned |= other._learned
        self._folded = None

    @property
    def _name_pairs(self) -> set[tuple[str, str]]:
        if self._folded is None:
            self._folded = {(str(first).casefold(), str(last).casefold())
                            for first, last in self._learned if first and last}
        return self._folded

    def learn_names(self, first_names: Iterable[Any], last_names: Iterable[Any]) -> None:
        """Remember the names of many people at once (pairs with a missing part are ignored)."""
        # Pairs with a missing part are dropped when folding: the set of people stays small.
        self._learned.update(zip(first_names, last_names))
        self._folded = None

    def kinds_in(self, text: str) -> list[str]:
        """Kinds of personal data present in `text`, each kind at most once."""
        kinds = []
        if EMAIL.search(text):
            kinds.append(EMAIL_KIND)
        if PHONE.search(text):
            kinds.append(PHONE_KIND)
        if STREET_ADDRESS.search(text):
            kinds.append(ADDRESS_KIND)
        if SALUTATION.search(text) or self._contains_known_name(text):
            kinds.append(NAME_KIND)
        return kinds

    def _contains_known_name(self, text: str) -> bool:
        if not self._name_pairs:
            return False
        tokens = [token.casefold() for token in TOKEN.findall(text)]
        for left, right in zip(tokens, tokens[1:]):
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
        findings = []
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
