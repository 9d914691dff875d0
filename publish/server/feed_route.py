"""`/rat/vorlagen.atom?q=Wort`: follow a council search term (papers containing the words)
as an Atom feed, answered by the server; without `q` the build's static feed of all papers is
served as before.

The term is matched only as text, as the site search matches it: folded words of at least three
letters, each a substring of the paper's normalised `search_text`, every word required. Terms
are cut at MAX_QUERY characters and at most FEED_PAPERS papers are listed, newest first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, quote

from starlette.responses import Response

from contracts.build_folder import DATABASE_FILE
from contracts.german_folding import query_words
from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.site import council_data, council_feeds
from publish.site.council import FEED_PAPERS, PAPERS_FEED
from publish.site.planning_data import table_exists

PATH = "/" + PAPERS_FEED
MAX_QUERY = 100
MAX_WORDS = 5


def handles(scope: dict) -> bool:
    """True for a GET or HEAD of the papers feed with a search term."""
    return (
        scope.get("path") == PATH
        and scope.get("method") in ("GET", "HEAD")
        and bool(parse_qs(scope.get("query_string", b"").decode("utf-8", "replace")).get("q"))
    )


def papers_feed(root: Path, term: str) -> bytes:
    """The Atom feed of the release at `root` for papers containing every word of `term`."""
    portal = BuildFolder.open(root).portal
    site_url, town = str(portal["site"]["base_url"]), portal["publisher"]["name"]
    words = query_words(term[:MAX_QUERY])[:MAX_WORDS]
    db = open_readonly(root / DATABASE_FILE)
    try:
        found = []
        if words and table_exists(db, "oparl_paper"):
            where = " and ".join("search_text like ? escape '\\'" for _ in words)
            patterns = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in words]
            found = [
                dict(row)
                for row in db.execute(
                    f"select * from oparl_paper where {where} order by date desc, reference desc limit ?",
                    [*patterns, FEED_PAPERS],
                )
            ]
        paths = council_data.page_paths(db) if found else {}
    finally:
        db.close()
    stamps = [council_feeds.parse_time(p.get("modified")) for p in found]
    updated = max((s for s in stamps if s is not None), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    return council_feeds.papers_atom(
        found,
        f"Vorlagen mit „{term[:MAX_QUERY]}“ – {town}",
        site_url,
        f"{PATH}?q={quote(term[:MAX_QUERY])}",
        paths,
        updated=updated,
    )


async def answer(root: Path, scope, receive, send) -> None:
    term = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))["q"][0]
    body = papers_feed(root, term)
    await Response(body, media_type="application/atom+xml; charset=utf-8")(scope, receive, send)
