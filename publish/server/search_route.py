"""`/suche/?q=…` and `/rat/suche/?q=…` answered by the server: the searches without JavaScript.

The build wrote the indexes (`suche/index.json`, `rat/suche/index.json`) and the page
templates; this renders a page with the results of `publish.site.search.find` (site-wide) or
`publish.site.council_search.find` (papers, decisions and the documents' text from portal.db's
full-text index) for the release being served. An index is read once per release (a release
folder never changes) and the query is only ever matched as text or as quoted FTS5 words.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse

from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.site import council_data, council_search, search
from publish.site.context import SiteContext

PATHS = ("/suche", "/suche/")
COUNCIL_PATHS = ("/rat/suche", "/rat/suche/")


def handles(scope: dict) -> bool:
    """True for a GET or HEAD of a search page (with or without a query); the council's page
    only with a query (without one it is the static page)."""
    if scope.get("method") not in ("GET", "HEAD"):
        return False
    path = scope.get("path")
    return path in PATHS or (path in COUNCIL_PATHS and b"q=" in scope.get("query_string", b""))


@lru_cache(maxsize=4)
def _release_search(root: Path) -> tuple[SiteContext, list[dict]]:
    build = BuildFolder.open(root)
    index = json.loads((build.site_dir / search.INDEX_FILE).read_text(encoding="utf-8"))
    return SiteContext(build=build, out_dir=build.site_dir), index


@lru_cache(maxsize=4)
def _council_index(root: Path) -> tuple[list[dict], dict[str, str]]:
    build = BuildFolder.open(root)
    entries = json.loads((build.site_dir / council_search.INDEX_FILE).read_text(encoding="utf-8"))
    db = open_readonly(build.database)
    try:
        return entries, council_data.page_paths(db)
    finally:
        db.close()


def _query(scope: dict) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace")).get("q")
    return values[0] if values else None


async def answer(root: Path, scope, receive, send) -> None:
    """Render the search page for the release at `root` with the results for `q`."""
    site, index = _release_search(root)
    query = _query(scope)
    if scope.get("path") in COUNCIL_PATHS:
        html = _council_page(root, site, query or "")
        if html is None:  # a portal without council data has no council search
            html = site.env.get_template("404.html").render(current_url="/" + council_search.PAGE + "/")
            await HTMLResponse(html, status_code=404)(scope, receive, send)
            return
    else:
        result = search.find(index, query) if query is not None else None
        html = site.env.get_template(search.TEMPLATE).render(
            current_url="/" + search.PAGE + "/",
            result=result,
            council_search=(site.build.site_dir / council_search.INDEX_FILE).exists(),
        )
    await HTMLResponse(html)(scope, receive, send)


def _council_page(root: Path, site: SiteContext, query: str) -> str | None:
    if not (site.build.site_dir / council_search.INDEX_FILE).exists():
        return None
    entries, paths = _council_index(root)
    db = open_readonly(site.build.database)
    try:
        result = council_search.find(db, entries, paths, query)
    finally:
        db.close()
    return site.env.get_template(council_search.TEMPLATE).render(
        current_url="/" + council_search.PAGE + "/", result=result, paths=paths
    )
