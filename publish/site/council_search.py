"""The council search (`/rat/suche/?q=…`): papers and decisions by title, documents by their text.

Papers and decisions come from the council's search index (`rat/suche/index.json`, matched as
the site-wide search matches). Documents come from the full-text index of `oparl_file`
(`oparl_file_fts`, trigram over the folded `search_text`): every word of the query must occur.
Each document hit carries a snippet of the document's own text around the first word found, and
the document, its paper and its meeting to link to. The folded index and the original text
differ in length (ß→ss), so the snippet is found with a pattern that accepts both spellings of
each folded pair ("strasse" matches "Straße" and "Strasse"), and, should that miss, in a folded
copy that remembers for every character where it came from (slower: every character once).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from contracts.german import german_date
from publish.site import search

PAGE = "rat/suche"
INDEX_FILE = f"{PAGE}/index.json"
TEMPLATE = "council/search.html"
MAX_DOCUMENTS = 50
COUNT_LIMIT = 1000  # "mehr als 1.000": counting every hit of a common word costs more than it tells
# Hits are shown newest first (rows are stored oldest first, so by descending rowid, which FTS5
# walks without sorting): ordering by relevance (bm25) costs the same for every hit, and for a
# common word in a large city's archive that was seconds (benchmarks/council_search_scale.py).
SNIPPET_BEFORE = 90
SNIPPET_AFTER = 160

_FOLD = {"ß": "ss", "ẞ": "ss", "ä": "ae", "ö": "oe", "ü": "ue"}
_UNFOLD = {"ss": "(?:ss|ß|ẞ)", "ae": "(?:ae|ä)", "oe": "(?:oe|ö)", "ue": "(?:ue|ü)"}


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


def _spellings(word: str) -> str:
    """A pattern for every original spelling of a folded word (ae → ae or ä, ss → ss or ß)."""
    parts = []
    position = 0
    while position < len(word):
        pair = word[position : position + 2]
        if pair in _UNFOLD:
            parts.append(_UNFOLD[pair])
            position += 2
        else:
            parts.append(re.escape(word[position]))
            position += 1
    return "".join(parts)


def _first_hit(text: str, words: list[str]) -> tuple[int, int] | None:
    """(start, end) in `text` of the first occurrence of any folded word."""
    match = re.search("|".join(_spellings(word) for word in words), text, re.IGNORECASE)
    if match:
        return match.start(), match.end()
    folded, origin = _folded_with_positions(text)
    found = [(at, word) for at, word in ((folded.find(word), word) for word in words) if at >= 0]
    if not found:
        return None
    at, word = min(found)
    return origin[at], origin[at + len(word) - 1] + 1


def snippet(text: str, words: list[str]) -> Snippet | None:
    """The passage of `text` around the first occurrence of any of `words` (folded), cut at
    spaces, with the hit itself apart so the page can mark it."""
    hit = _first_hit(text, words)
    if hit is None:
        return None
    start, end = hit
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
    """Documents whose name or text holds every word, newest first, and how many there are (up to
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
        from (select rowid from oparl_file_fts where oparl_file_fts match ? order by rowid desc limit ?) hit
        join oparl_file f on f.rowid = hit.rowid
        left join oparl_paper p on p.id = f.paper
        left join oparl_agenda_item a on a.id = f.agenda_item
        order by hit.rowid desc""",
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
