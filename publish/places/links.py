"""`portal_ortsbezug`: which council business concerns which street, district and plan area.

Written into portal.db after the datasets' tables are loaded, from what is there: the street
register (`strassen`: id, name, ortsteil), every plan table, and the council texts — paper titles,
agenda item titles and resolutions, and the text of every document (`oparl_file.text`, however it
got there: sent by the council system or extracted from the file). Any table missing means no
links of that kind, never an error. One row per mention:

| column | meaning |
|---|---|
| `quelle`, `quelle_id` | the table and row the text is from |
| `vorlage`, `sitzung` | the paper and meeting the text belongs to (either may be empty) |
| `art` | `strasse`, `ortsteil` or `plan` |
| `ziel`, `ziel_name` | the street's register id / the district / the plan's id, and its name |
| `hausnummer` | as written ("12a", "40–44"), for streets only |
| `fundstelle` | the words around the mention (at most 160 characters) |
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import sqlite_utils

from contracts.portal_tables import STREETS_TABLE
from publish.places import LINKS_TABLE
from publish.places.matching import Street, StreetMatcher
from publish.site.plan_links import PlanReference, find_references, plan_identity, refers_to

CONTEXT = 70  # characters either side of a mention in `fundstelle`
COLUMNS = {
    "quelle": str,
    "quelle_id": str,
    "vorlage": str,
    "sitzung": str,
    "art": str,
    "ziel": str,
    "ziel_name": str,
    "hausnummer": str,
    "fundstelle": str,
}
# (table, text columns, paper column, meeting column): "id" is the paper's own id for papers.
SOURCES = (
    ("oparl_paper", ("name",), "id", None),
    ("oparl_agenda_item", ("name", "resolution_text"), "paper", "meeting"),
    ("oparl_file", ("text",), "paper", "meeting"),
)


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"pragma table_info([{table}])")}


def register_streets(db: sqlite3.Connection) -> list[Street]:
    if not {"id", "name", "ortsteil"} <= _columns(db, STREETS_TABLE):
        return []
    return [
        Street(str(identifier), name, district)
        for identifier, name, district in db.execute(f"select id, name, ortsteil from [{STREETS_TABLE}]")
        if name
    ]


def _plans(db: sqlite3.Connection, plan_tables: list[str]) -> list[tuple[str, str, str | None, PlanReference]]:
    """(id, title, name, identity) of every plan with a number."""
    plans: list[tuple[str, str, str | None, PlanReference]] = []
    for table in plan_tables:
        if not {"id", "nummer", "name", "planart"} <= _columns(db, table):
            continue
        for identifier, number, name, plan_type in db.execute(f"select id, nummer, name, planart from [{table}]"):
            if number:
                title = f"{plan_type or 'Plan'} Nr. {number}" + (f" „{name}“" if name else "")
                plans.append((str(identifier), title, name, plan_identity(number, plan_type)))
    return plans


def _texts(db: sqlite3.Connection) -> Iterator[tuple[str, str, str | None, str | None, str]]:
    """(table, id, paper, meeting, text) for every council text there is."""
    for table, text_columns, paper_column, meeting_column in SOURCES:
        columns = _columns(db, table)
        present = [column for column in text_columns if column in columns]
        if not present or "id" not in columns:
            continue
        paper = f"[{paper_column}]" if paper_column in columns else "null"
        meeting = f"[{meeting_column}]" if meeting_column and meeting_column in columns else "null"
        selected = ", ".join(f"[{column}]" for column in present)
        for identifier, paper_id, meeting_id, *texts in db.execute(
            f"select id, {paper}, {meeting}, {selected} from [{table}]"
        ):
            for text in texts:
                if text:
                    yield table, identifier, paper_id, meeting_id, text


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return (
        ("…" if start > CONTEXT else "")
        + " ".join(f"{before}{text[start:end]}{after}".split())
        + ("…" if end + CONTEXT < len(text) else "")
    )


def place_links(db: sqlite3.Connection, plan_tables: list[str]) -> Iterator[dict]:
    """Every mention of a street, district or plan in the council texts of `db`."""
    streets = register_streets(db)
    matcher = StreetMatcher(streets, {street.district for street in streets if street.district})
    plans = _plans(db, plan_tables)
    for table, identifier, paper, meeting, text in _texts(db):
        base = {"quelle": table, "quelle_id": identifier, "vorlage": paper, "sitzung": meeting}
        for mention in matcher.find(text):
            for street in mention.streets:
                yield {
                    **base,
                    "art": "strasse",
                    "ziel": street.id,
                    "ziel_name": street.name,
                    "hausnummer": mention.house_number,
                    "fundstelle": _context(text, mention.start, mention.end),
                }
        for district in matcher.find_districts(text):
            yield {
                **base,
                "art": "ortsteil",
                "ziel": district.district,
                "ziel_name": district.district,
                "hausnummer": None,
                "fundstelle": _context(text, district.start, district.end),
            }
        if plans:
            seen: set[str] = set()
            for reference in find_references(text):
                for plan_id, title, name, identity in plans:
                    if plan_id not in seen and refers_to(reference, identity, name):
                        seen.add(plan_id)
                        yield {
                            **base,
                            "art": "plan",
                            "ziel": plan_id,
                            "ziel_name": title,
                            "hausnummer": None,
                            "fundstelle": " ".join(text.split())[:160],
                        }


def write_place_links(db: sqlite_utils.Database, plan_tables: list[str]) -> None:
    """(Re)write the links table; an empty table when nothing can be matched, so that SQL and
    the site can always read it."""
    db.conn.execute(f"DROP TABLE IF EXISTS [{LINKS_TABLE}]")
    table = db.table(LINKS_TABLE)
    table.create(COLUMNS)
    table.insert_all(place_links(db.conn, plan_tables), batch_size=1000)
    table.create_index(["art", "ziel"])
    table.create_index(["vorlage"])
