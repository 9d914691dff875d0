"""Datasette's and SQLite's English error messages as plain German for the query pages.

Datasette 0.65 passes SQLite's own message to its pages ("no such table: x", 'near "x":
syntax error') and adds its own ("Statement must be a SELECT", an HTML "SQL query took too
long" page). Citizens read the German sentence; the original message stays beside it (marked
English) because it names the exact spot. JSON answers keep Datasette's messages for machines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TIME_LIMIT_TITLE = "SQL Interrupted"  # the title Datasette gives its time-limit error


@dataclass(frozen=True)
class GermanError:
    sentence: str  # plain German, what went wrong and what to do
    original: str | None  # the message as the database gave it, when it adds something


_PATTERNS: list[tuple[re.Pattern, str]] = [
    (
        re.compile(r"no such table: (?P<name>.+)", re.I),
        "Die Tabelle „{name}“ gibt es in der Datenbank nicht. Die vorhandenen Tabellen stehen in der Übersicht.",
    ),
    (
        re.compile(r"no such column: (?P<name>.+)", re.I),
        "Die Spalte „{name}“ gibt es in den abgefragten Tabellen nicht.",
    ),
    (re.compile(r"no such function: (?P<name>.+)", re.I), "Die Funktion „{name}“ kennt die Datenbank nicht."),
    (
        re.compile(r'near "(?P<name>.*)": syntax error', re.I),
        "Die Abfrage enthält einen Schreibfehler (SQL-Syntaxfehler) bei „{name}“.",
    ),
    (
        re.compile(r"incomplete input", re.I),
        "Die Abfrage ist unvollständig, zum Beispiel fehlt eine schließende Klammer oder ein Anführungszeichen.",
    ),
    (re.compile(r"unrecognized token: (?P<name>.+)", re.I), "Die Abfrage enthält ein unbekanntes Zeichen: {name}."),
    (
        re.compile(r"ambiguous column name: (?P<name>.+)", re.I),
        "Die Spalte „{name}“ kommt in mehreren Tabellen vor; nennen Sie die Tabelle davor (tabelle.spalte).",
    ),
    (
        re.compile(r"Statement must be a SELECT", re.I),
        "Hier sind nur lesende Abfragen erlaubt: Die Abfrage muss mit SELECT oder WITH beginnen.",
    ),
    (
        re.compile(r"Statement contained a disallowed PRAGMA", re.I),
        "Diese PRAGMA-Anweisung ist nicht erlaubt; erlaubt sind nur lesende Abfragen.",
    ),
    (
        re.compile(r"You can only execute one statement at a time", re.I),
        "Bitte nur eine Abfrage auf einmal ausführen (ohne Semikolon dazwischen).",
    ),
    (
        re.compile(r"Cannot sort table by (?P<name>.+)", re.I),
        "Nach „{name}“ kann diese Tabelle nicht sortiert werden: Die Spalte gibt es nicht oder sie ist nicht "
        "sortierbar.",
    ),
    (
        re.compile(r"Cannot use _sort and _sort_desc at the same time", re.I),
        "Bitte nur eine Sortierung angeben: aufsteigend (_sort) oder absteigend (_sort_desc).",
    ),
    (
        re.compile(r"_size must be a positive integer", re.I),
        "Die Zahl der Zeilen je Seite (_size) muss eine positive ganze Zahl sein.",
    ),
    (re.compile(r"_size must be <= (?P<name>\d+)", re.I), "Höchstens {name} Zeilen je Seite (_size) sind möglich."),
    (re.compile(r"interrupted", re.I), "Die Abfrage hat zu lange gedauert und wurde abgebrochen."),
]


def time_limit_sentence(limit_ms: int) -> str:
    seconds = f"{limit_ms / 1000:g}".replace(".", ",")
    unit = "Sekunde" if seconds == "1" else "Sekunden"
    return (
        f"Die Abfrage hat länger als {seconds} {unit} gedauert und wurde abgebrochen. Schränken Sie sie ein, "
        "zum Beispiel mit WHERE oder LIMIT, oder laden Sie die ganze Tabelle als CSV herunter."
    )


def german_error(message: str | None, *, title: str | None = None, time_limit_ms: int = 1000) -> GermanError:
    """The German sentence for a Datasette or SQLite error message (any other message is kept,
    introduced in German). `title` is the DatasetteError title: its time-limit error carries
    HTML with the SQL in it as message, which is never shown."""
    if title == TIME_LIMIT_TITLE:
        return GermanError(time_limit_sentence(time_limit_ms), None)
    message = (message or "").strip()
    for pattern, sentence in _PATTERNS:
        if match := pattern.search(message):
            return GermanError(sentence.format(**{k: v.strip() for k, v in match.groupdict().items()}), message)
    return GermanError("Die Datenbank konnte die Abfrage nicht ausführen.", message or None)
