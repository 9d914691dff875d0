"""The change pages and feeds over three real builds (issue 19): /datensaetze/<id>/aenderungen/,
/neu/ and their Atom feeds, parsed with feedparser."""

from __future__ import annotations

import feedparser
from rdflib import Graph, Literal, URIRef

from kommune import portal
from publish.dcat.graph import DCAT_VERSION
from tests.pipelines.test_history import build_version


def test_three_builds_show_their_versions_in_plain_german_and_as_feeds(portal_dir):
    for number in (1, 2, 3):
        build_version(portal_dir, number, with_names=False)
    site = portal_dir.out / "site"

    page = (site / "datensaetze" / "wartezeiten" / "aenderungen" / "index.html").read_text(encoding="utf-8")
    assert "1 neue Zeile, 1 Zeile entfernt, 1 Wert korrigiert: Wartezeit, Oktober 2026, Bürgerbüro: 9,4 → 9,6." in page
    assert "1 Spalte geändert." in page and "Spalte hinzugefügt" in page
    assert "Erste Version mit 3 Zeilen." in page
    assert 'href="/datensaetze/wartezeiten/aenderungen.atom"' in page
    # versions 1 and 2 downloadable whole (default keep: 5), the change lists too
    assert (site / "datensaetze" / "wartezeiten" / "versionen" / "1" / "wartezeiten.csv.gz").is_file()
    assert (site / "datensaetze" / "wartezeiten" / "versionen" / "2" / "aenderungen.jsonl.gz").is_file()
    dataset_page = (site / "datensaetze" / "wartezeiten" / "index.html").read_text(encoding="utf-8")
    assert 'href="/datensaetze/wartezeiten/aenderungen/"' in dataset_page

    news = (site / "neu" / "index.html").read_text(encoding="utf-8")
    assert "Was ist neu?" in news
    assert news.index("Version 3") < news.index("Version 2") < news.index("Version 1")
    assert 'href="/neu.atom"' in news

    feed = feedparser.parse((site / "datensaetze" / "wartezeiten" / "aenderungen.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == [
        "Testdaten: Version 3",
        "Testdaten: Version 2",
        "Testdaten: Version 1",
    ]
    assert feed.entries[1].summary.startswith("1 neue Zeile, 1 Zeile entfernt, 1 Wert korrigiert")
    assert feed.entries[0].link.endswith("/datensaetze/wartezeiten/aenderungen/#version-3")
    portal_feed = feedparser.parse((site / "neu.atom").read_bytes())
    assert not portal_feed.bozo and len(portal_feed.entries) == 3
    assert portal_feed.feed.title.startswith("Was ist neu?")

    # the catalogue: the version number, and the change log as a distribution (a CKAN resource too)
    graph = Graph().parse(portal_dir.out / "catalog.ttl")
    (node,) = [s for s in graph.subjects(DCAT_VERSION, None) if str(s).endswith("/datensaetze/wartezeiten/#datensatz")]
    assert graph.value(node, DCAT_VERSION) == Literal("3")
    downloads = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL"))}
    assert any(url.endswith("/datensaetze/wartezeiten/versions.json") for url in downloads)

    # an unchanged rebuild leaves pages and feeds as they were (the same files, linked)
    followed = ["datensaetze/wartezeiten/aenderungen/index.html", "datensaetze/wartezeiten/aenderungen.atom"]
    followed += ["neu/index.html", "neu.atom"]
    before = {name: (site / name).stat().st_ino for name in followed}
    assert not portal.build(portal_dir.root, portal_dir.out).failed
    assert {name: (portal_dir.out / "site" / name).stat().st_ino for name in followed} == before
