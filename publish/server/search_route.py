"""`/suche/?q=…` answered by the server: the site-wide search without JavaScript.

The build wrote the index (`suche/index.json`) and the page template; this renders the page
with the results of `publish.site.search.find` for the release being served. The index is read
once per release (a release folder never changes) and the query is only ever matched as text.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse

from publish.build_folder import BuildFolder
from publish.site import search
from publish.site.context import SiteContext

PATHS = ("/suche", "/suche/")


def handles(scope: dict) -> bool:
    """True for a GET or HEAD of the search page (with or without a query)."""
    return scope.get("path") in PATHS and scope.get("method") in ("GET", "HEAD")


@lru_cache(maxsize=4)
def _release_search(root: Path) -> tuple[SiteContext, list[dict]]:
    build = BuildFolder.open(root)
    index = json.loads((build.site_dir / search.INDEX_FILE).read_text(encoding="utf-8"))
    return SiteContext(build=build, out_dir=build.site_dir), index


async def answer(root: Path, scope, receive, send) -> None:
    """Render the search page for the release at `root` with the results for `q`."""
    site, index = _release_search(root)
    values = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace")).get("q")
    result = search.find(index, values[0]) if values else None
    html = site.env.get_template(search.TEMPLATE).render(current_url="/" + search.PAGE + "/", result=result)
    await HTMLResponse(html)(scope, receive, send)
