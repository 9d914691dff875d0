"""The usage counts `kommune serve` keeps and the build publishes ("Nutzung des Portals").

Counts only: per day, site section, dataset, kind of access and whether the client looked like a
program. The store holds nothing else (no address, user agent, cookie, path or time of day), and
its keys come from fixed lists and the datasets of the release being served, so the number of
rows per day is bounded whatever visitors send.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

TABLE = "nutzung"
# (tag, bereich, datensatz, art, bot) → anzahl; datensatz is '' where no dataset is meant.
CREATE_TABLE = f"""
create table if not exists {TABLE} (
  tag text not null,
  bereich text not null,
  datensatz text not null,
  art text not null,
  bot integer not null,
  anzahl integer not null,
  primary key (tag, bereich, datensatz, art, bot)
) without rowid
"""
ADD_COUNT = (
    f"insert into {TABLE} (tag, bereich, datensatz, art, bot, anzahl) values (?, ?, ?, ?, ?, ?) "
    "on conflict (tag, bereich, datensatz, art, bot) do update set anzahl = anzahl + excluded.anzahl"
)

#: Site sections (first path segment, German words as in the addresses) → what a reader calls them.
SECTIONS = {
    "startseite": "Startseite",
    "datensaetze": "Datensätze (Seiten und Downloads)",
    "rat": "Rat und Ausschüsse",
    "bauen-und-planen": "Bauen und Planen",
    "digitalisierung": "Digitalisierung (Kennzahlen)",
    "katalog": "Katalog und DCAT-Dateien",
    "suche": "Suche",
    "datenwuensche": "Datenwünsche",
    "ueber-das-portal": "Über das Portal, Stand der Daten, Impressum, Datenschutz, Barrierefreiheit",
    "daten": "Datasette (Tabellen, API und SQL)",
    "sonstige": "alle anderen Adressen",
}
#: Kinds of access.
KINDS = {
    "seite": "eine Seite (HTML)",
    "download": "eine Datei (CSV, JSON, XLSX, Katalog, Kalender, Feed …)",
    "api": "eine Tabelle oder Zeile aus Datasette als JSON oder CSV",
    "sql": "eine eigene SQL-Abfrage in Datasette",
}


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """The store at `path`; created (with its folder) unless `read_only`. Several server
    processes may write at once: WAL and a busy timeout let them take turns."""
    if read_only:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        return connection
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("pragma journal_mode = wal")
    connection.execute(CREATE_TABLE)
    return connection
