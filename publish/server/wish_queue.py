"""The moderation queue of data wishes: what the form sent, until someone at the town accepts or
rejects it with `kommune wuensche`. A SQLite file outside the release
(contracts/serve_state.py), so rebuilds and restarts keep it; nothing in it is ever published
by itself. It holds the form's three fields and the day of arrival — no address, no time of day.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

CREATE_TABLE = """
create table if not exists eingang (
  nummer integer primary key autoincrement,
  eingegangen text not null,
  titel text not null,
  beschreibung text,
  kontakt text
)
"""


class NotQueued(LookupError):
    """No wish with this number is waiting."""


@dataclass(frozen=True)
class QueuedWish:
    number: int
    received: dt.date
    title: str
    description: str | None
    contact: str | None


def _connect(store: Path) -> sqlite3.Connection:
    store.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(store, timeout=30, isolation_level=None)
    connection.execute("pragma journal_mode = wal")
    connection.execute(CREATE_TABLE)
    return connection


def add(store: Path, title: str, description: str | None, contact: str | None, received: dt.date) -> int:
    """Queue one wish; returns its number."""
    connection = _connect(store)
    try:
        cursor = connection.execute(
            "insert into eingang (eingegangen, titel, beschreibung, kontakt) values (?, ?, ?, ?)",
            (received.isoformat(), title, description, contact),
        )
        return int(cursor.lastrowid or 0)
    finally:
        connection.close()


def waiting(store: Path) -> list[QueuedWish]:
    """Every queued wish, oldest first."""
    if not store.exists():
        return []
    connection = _connect(store)
    try:
        rows = connection.execute("select * from eingang order by nummer").fetchall()
    finally:
        connection.close()
    return [
        QueuedWish(number, dt.date.fromisoformat(received), title, description, contact)
        for number, received, title, description, contact in rows
    ]


def count(store: Path) -> int:
    if not store.exists():
        return 0
    connection = _connect(store)
    try:
        return int(connection.execute("select count(*) from eingang").fetchone()[0])
    finally:
        connection.close()


def take(store: Path, number: int) -> QueuedWish:
    """Remove the wish `number` from the queue and return it. Raises NotQueued."""
    for wish in waiting(store):
        if wish.number == number:
            connection = _connect(store)
            try:
                connection.execute("delete from eingang where nummer = ?", (number,))
            finally:
                connection.close()
            return wish
    raise NotQueued(f"Kein Wunsch mit der Nummer {number} in der Warteschlange")
