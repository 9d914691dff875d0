"""`/rat/karte/strasse/?q=…` answered by the server: the street lookup of "Rat vor Ort" without
JavaScript.

One street found: its page, with what concerns the typed house number first. Several (a name
two districts share, or the beginning of a name): the choice. None: a plain answer and the
A–Z list. The query is only ever matched as text against the street register of the release
being served; nothing is stored.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse

from publish.build_folder import BuildFolder
from publish.database import open_readonly
from publish.site import council_places_data as places
from publish.site.context import SiteContext
from publish.site.council_data import page_paths
from publish.site.council_places import TEMPLATE_STREET

PATHS = ("/rat/karte/strasse", "/rat/karte/strasse/")
MAX_QUERY = 200


def handles(scope: dict) -> bool:
    """True for a GET or HEAD of the lookup (with or without a query)."""
    return scope.get("path") in PATHS and scope.get("method") in ("GET", "HEAD")


@lru_cache(maxsize=4)
def _release(root: Path) -> tuple[SiteContext, places.PlaceIndex, dict[str, str], list[dict]]:
    """What a lookup needs of a release, read once (a release folder never changes)."""
    build = BuildFolder.open(root)
    site = SiteContext(build=build, out_dir=build.site_dir)
    db = open_readonly(build.database)
    try:
        index = places.place_index(db)
        paths = page_paths(db) if index.streets else {}
        plans = places.load_plan_areas(db, build.packages) if index.streets else []
    finally:
        db.close()
    return site, index, paths, plans


def page(root: Path, query: str) -> str:
    site, index, paths, plans = _release(root)
    query = " ".join(query.split())[:MAX_QUERY]
    found, house_number = places.lookup(index, query) if query else ([], None)
    common = {
        "map_settings": site.portal["site"].get("map") or {},
        "sample": any(package["kommune"].get("sample") for package in site.packages),
    }
    template = site.env.get_template(TEMPLATE_STREET)
    url = "/" + places.BASE + "/strasse/"
    if len(found) == 1:
        db = open_readonly(site.build.database)
        try:
            context = places.street_page(db, index, found[0], paths, plans, house_number)
        finally:
            db.close()
        return template.render(current_url=url, **context, **common)
    return template.render(current_url=url, street=None, query=query, candidates=found, **common)


async def answer(root: Path, scope, receive, send) -> None:
    """Render the lookup's answer for the release at `root`."""
    values = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace")).get("q")
    html = page(root, values[0] if values else "")
    await HTMLResponse(html)(scope, receive, send)
