"""Every file the site publishes is linked from a page a person can find: a download nobody
can reach (once: the plans' GeoJSON) does not count as published."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

# Loaded by a page's own script, not a document for people: the council search's index.
SCRIPT_DATA = {"/rat/suche/index.json"}


def test_every_published_file_is_linked_from_a_page(demo_build):
    site = demo_build / "site"
    files = {
        "/" + path.relative_to(site).as_posix()
        for path in site.rglob("*")
        if path.is_file() and path.suffix != ".html" and path.relative_to(site).parts[0] != "static"
    }
    # Some pages link the portal's own files by their public address (council documents).
    base_url = json.loads((demo_build / "portal.json").read_text(encoding="utf-8"))["site"]["base_url"].rstrip("/")
    links = set()
    for page in site.rglob("*.html"):
        base = "/" + page.parent.relative_to(site).as_posix() + "/"
        hrefs = re.findall(r'href="([^"#?]+)', page.read_text(encoding="utf-8"))
        links |= {urljoin(base, href.removeprefix(base_url)) for href in hrefs}
    assert len(files) > 20
    assert sorted(files - links - SCRIPT_DATA) == []


def test_pages_name_their_favicon(demo_build):
    site = demo_build / "site"
    assert (site / "static" / "favicon.svg").read_text(encoding="utf-8").startswith("<svg")
    for page in ("index.html", "impressum/index.html", "digitalisierung/index.html"):
        assert '<link rel="icon" href="/static/favicon.svg"' in (site / page).read_text(encoding="utf-8")
