"""The council search (`/rat/suche/?q=…`): papers and decisions by title, documents by their text.

Papers and decisions come from the council's search index (`rat/suche/index.json`, matched as
the site-wide search matches). Documents come from the full-text index of `oparl_file`
(`oparl_file_fts`, trigram over the folded `search_text`): every word of the query must occur.
Each document hit carries a snippet of the document's own text around the first word found, and
the document, its paper and its meeting to link to. The folded index and the original text
differ in length (ß→ss), so the snippet is found in a folded copy that remembers for every
character where it came from.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from contracts.german import german_date
from publish.site import search

PAGE = "rat/suche"
INDEX_FILE = f"{PAGE}/index.json"
TEMPLATE = "council/search.html"
MAX_DOCUMENTS = 50
COUNT_LIMIT = 1000  # "mehr als 1.000": counting every hit of a common word costs more than it tells
SNIPPET_BEFORE = 90
SNIPPET_AFTER = 160

_FOLD = {"ß": "ss", "ẞ": "ss", "ä": "ae", "ö": "oe", "ü": "ue"}


@dataclass(frozen=True)
class Snippet:
    before: str
    hit: str
    after: str


@dataclass
class DocumentHit:
    name: str
    role: str | None
    url: str | None
    snippet: Snippet | None
    paper: dict | None = None  # path, reference, name
    meeting: dict | None = None  # path, name, date


@dataclass
class CouncilSearch:
    query: str
    words: list[str]
    pages: search.SearchResult
    documents: list[DocumentHit] = field(default_factory=list)
    documents_total: int = 0

    @property
    def documents_more(self) -> bool:
        return self.documents_total > COUNT_LIMIT


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` folded like contracts.german_folding.normalise (without joining spaces), and for
    each folded character the index of the original character it came from."""
    folded: list[str] = []
    origin: list[int] = []
    for position, character in enumerate(text):
        for piece in character.casefold():
            replacement = _FOLD.get(piece, piece)
            folded.append(replacement)
            origin.extend([position] * len(replacement))
    return "".join(folded), origin


def snippet(text: str, words: list[str]) -> Snippet | None:
    """The passage of `text` around the first occurrence of any of `words` (folded), cut at
    spaces, with the hit itself apart so the page can mark it."""
    folded, origin = _folded_with_positions(text)
    found = [(folded.find(word), word) for word in words]
    found = [(at, word) for at, word in found if at >= 0]
    if not found:
        return None
    at, word = min(found)
    start, end = origin[at], origin[at + len(word) - 1] + 1
    left = max(0, start - SNIPPET_BEFORE)
    right = min(len(text), end + SNIPPET_AFTER)
    if left > 0 and " " in text[left:start]:
        left = text.index(" ", left, start) + 1
    if right < len(text) and " " in text[end:right]:
        right = text.rindex(" ", end, right)
    before = " ".join(text[left:start].split())
    after = " ".join(text[end:right].split())
    if text[left:start][-1:].isspace():
        before += " "
    if text[end:right][:1].isspace():
        after = " " + after
    return Snippet(("… " if left > 0 else "") + before, text[start:end], after + (" …" if right < len(text) else ""))


def fts_match(words: list[str]) -> str:
    """An FTS5 expression in which every word must occur; words are quoted, so nothing a
    visitor types is read as FTS5 syntax."""
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def find_documents(
    db: sqlite3.Connection, words: list[str], paths: dict[str, str], limit: int = MAX_DOCUMENTS
) -> tuple[list[DocumentHit], int]:
    """Documents whose name or text holds every word, best first, and how many there are (up to
    COUNT_LIMIT + 1)."""
    if not words:
        return [], 0
    match = fts_match(words)
    total = db.execute(
        "select count(*) from (select 1 from oparl_file_fts where oparl_file_fts match ? limit ?)",
        (match, COUNT_LIMIT + 1),
    ).fetchone()[0]
    rows = db.execute(
        """
        select f.name, f.file_name, f.role, f.access_url, f.text, f.paper, p.reference as paper_reference,
               p.name as paper_name,
               coalesce(f.meeting, a.meeting, (
                   select c.meeting from oparl_consultation c join oparl_meeting cm on cm.id = c.meeting
                   where c.paper = f.paper order by cm.start desc limit 1)) as meeting
        from (select rowid, rank from oparl_file_fts where oparl_file_fts match ? order by rank limit ?) hit
        join oparl_file f on f.rowid = hit.rowid
        left join oparl_paper p on p.id = f.paper
        left join oparl_agenda_item a on a.id = f.agenda_item
        order by hit.rank""",
        (match, limit),
    ).fetchall()
    meeting_ids = {row["meeting"] for row in rows if row["meeting"]}
    meetings = {
        row["id"]: row
        for row in db.execute(
            f"select id, name, start from oparl_meeting where id in ({','.join('?' * len(meeting_ids))})",
            sorted(meeting_ids),
        )
    }
    hits = []
    for row in rows:
        meeting = meetings.get(row["meeting"])
        hits.append(
            DocumentHit(
                name=row["name"] or row["file_name"] or "Dokument",
                role=row["role"],
                url=row["access_url"],
                snippet=snippet(row["text"], words) if row["text"] else None,
                paper={
                    "path": "/" + paths[row["paper"]],
                    "reference": row["paper_reference"],
                    "name": row["paper_name"],
                }
                if row["paper"] in paths
                else None,
                meeting={
                    "path": "/" + paths[meeting["id"]],
                    "name": meeting["name"],
                    "date": german_date(meeting["start"]) if meeting["start"] else None,
                }
                if meeting is not None and meeting["id"] in paths
                else None,
            )
        )
    return hits, total


def find(db: sqlite3.Connection, entries: list[dict], paths: dict[str, str], query: str) -> CouncilSearch:
    """Papers and decisions (from the council index `entries`) and documents for `query`."""
    pages = search.find([{**entry, "p": "/" + entry["p"]} for entry in entries], query)
    documents, total = find_documents(db, pages.words, paths)
    return CouncilSearch(pages.query, pages.words, pages, documents, total)
