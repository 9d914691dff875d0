"""Names the portal needs, drafted from what a file calls things: dataset ids, column names,
German titles."""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_words(text: str) -> list[str]:
    """The lower-case ASCII words of `text` (umlauts spelled out, accents dropped)."""
    plain = unicodedata.normalize("NFKD", text.translate(_UMLAUTS)).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", plain.lower())


def dataset_id(text: str) -> str:
    """A dataset id (`^[a-z0-9][a-z0-9-]{1,62}$`) from a file name or title."""
    slug = "-".join(ascii_words(text))[:63].strip("-")
    return slug if len(slug) >= 2 else f"datensatz-{slug}".strip("-")


def column_names(headings: list[str]) -> list[str]:
    """Unique column names (`^[a-z_][a-z0-9_]*$`) for the headings, in order; a repeated
    heading gets `_2`, `_3`, an empty one `spalte_<n>`."""
    names: list[str] = []
    for number, heading in enumerate(headings, start=1):
        name = "_".join(ascii_words(heading))[:60].strip("_") or f"spalte_{number}"
        if not re.match(r"^[a-z_]", name):
            name = f"spalte_{name}"
        candidate, count = name, 1
        while candidate in names:
            count += 1
            candidate = f"{name}_{count}"
        names.append(candidate)
    return names


def title_from_heading(heading: str, number: int) -> str:
    """A German title for a column: the heading itself, readable (`DATEINAME` → `Dateiname`,
    `owi_verfahren` → `Owi verfahren`), or `Spalte <n>` for an empty heading."""
    text = re.sub(r"[_\s]+", " ", heading).strip()
    if not text:
        return f"Spalte {number}"
    if text.isupper() and len(text) > 3:
        text = text.capitalize()
    return text[0].upper() + text[1:]


def title_from_file(name: str) -> str:
    """A dataset title drafted from a file name: `muenster_ladesaeulen.csv` → `Muenster ladesaeulen`."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,8}$", "", name)
    words = re.sub(r"[_\-\s.]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) if len(words) >= 3 else f"Datensatz {words}".strip()
