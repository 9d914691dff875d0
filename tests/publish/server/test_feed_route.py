"""Follow a council search term: `/rat/vorlagen.atom?q=…` from a real server on a real build
of the OParl demo, parsed with feedparser (issue 19)."""

from __future__ import annotations

from urllib.parse import urlsplit

import feedparser

from contracts.german_folding import normalise
from kommune import portal
from publish.database import open_readonly
from tests.conftest import start_server, stop_server


def test_a_search_term_feed_lists_exactly_the_papers_that_contain_it(portal_dir):
    portal_dir.add_demo("ratsinformation")
    assert not portal.build(portal_dir.root, portal_dir.out).failed
    db = open_readonly(portal_dir.out / "portal.db")
    texts = {row["id"]: row["search_text"] for row in db.execute("select id, search_text from oparl_paper")}
    db.close()
    expected = {key for key, text in texts.items() if normalise("Bebauungsplan") in text}
    assert 0 < len(expected) < len(texts)
    server = start_server(portal_dir.out)
    try:
        answer = server.get("/rat/vorlagen.atom?q=Bebauungsplan")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(answer.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title.startswith("Vorlagen mit „Bebauungsplan“")
        listed = {entry.id for entry in feed.entries}
        assert listed == expected if len(expected) <= 50 else (listed < expected and len(listed) == 50)
        assert all(urlsplit(entry.link).path.startswith("/rat/vorlagen/") for entry in feed.entries)
        # both searches offer the term's feed as "Folgen"
        for search in ("/rat/suche/?q=Bebauungsplan", "/suche/?q=Bebauungsplan"):
            assert 'Folgen: <a href="/rat/vorlagen.atom?q=Bebauungsplan">' in server.get(search).text, search
        # a hostile term is text: nothing found, still a feed; and without q the static feed of all papers
        hostile = feedparser.parse(server.get("/rat/vorlagen.atom?q=%25'%20or%201=1%20--").content)
        assert not hostile.bozo and hostile.entries == []
        everything = feedparser.parse(server.get("/rat/vorlagen.atom").content)
        static = feedparser.parse((portal_dir.out / "site" / "rat" / "vorlagen.atom").read_bytes())
        assert [e.id for e in everything.entries] == [e.id for e in static.entries] and len(static.entries) > 0
    finally:
        stop_server(server)
