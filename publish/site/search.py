"""The site-wide search (`/suche/`): one index over datasets (title, description, keywords,
column titles), KPIs, development plans, council meetings, papers and decisions.

The build writes the index as `suche/index.json` (entries like the council search's: `t`
title, `k` kind, `p` page path, `d` detail, `s` folded search text) and the empty search page.
`kommune serve` answers `/suche/?q=…` on the server with the same template and `find`, so the
search works without JavaScript (publish/server/search_route.py). Every word of a query must occur in
an entry's folded text (contracts/german_folding.py: "Strasse" finds "Straße").
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from contracts.german import german_date
from contracts.german_folding import normalise, query_words
from publish.site import council, council_data
from publish.site.context import SiteContext
from publish.site.planning_data import load_plans, plan_tables, planning_states

PAGE = "suche"
INDEX_FILE = f"{PAGE}/index.json"
TEMPLATE = "search.html"
MAX_QUERY_CHARACTERS = 200  # a visitor's query longer than any sensible search is cut here
MAX_SHOWN = 100
DETAIL_CHARACTERS = 180


@dataclass(frozen=True)
class SearchResult:
    query: str
    words: list[str]
    hits: list[dict]  # the first MAX_SHOWN entries found
    total: int


def render(site: SiteContext) -> None:
    entries = search_entries(site)
    site.write_bytes(INDEX_FILE, json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    site.write_page(PAGE, TEMPLATE, result=None)


def search_entries(site: SiteContext) -> list[dict]:
    """Every searchable page of the site once, datasets first (they are what the portal is for)."""
    entries = [_dataset_entry(package) for package in site.packages]
    entries += [_kpi_entry(site, kpi) for kpi in site.portal.get("kpis", [])]
    entries += [
        _entry(
            plan["title"],
            "Plan",
            plan["url"],
            plan["state"]["label"],
            plan["title"],
            plan.get("nummer"),
            plan.get("planart"),
            plan["state"]["label"],
        )
        for plan in load_plans(site.db, planning_states(site.packages, site.db), plan_tables(site.packages))
    ]
    if all(site.table_exists(table) for table in council.REQUIRED_TABLES):
        paths = council_data.page_paths(site.db)
        for meeting in reversed(council_data.meetings(site.db)):  # newest first
            date = german_date(meeting["start"]) if meeting["start"] else None
            entries.append(
                _entry(
                    meeting["name"],
                    "Sitzung",
                    "/" + paths[meeting["id"]],
                    date,
                    meeting["name"],
                    meeting["organization_name"],
                    meeting["location_description"],
                    date,
                )
            )
        entries += [{**entry, "p": "/" + entry["p"]} for entry in council_data.search_index(site.db, paths)]
    return entries


def _entry(title: str, kind: str, path: str, detail: str | None, *searched: str | None) -> dict:
    return {
        "t": title,
        "k": kind,
        "p": path,
        "d": _shortened(detail or ""),
        "s": normalise(" ".join(part for part in searched if part)),
    }


def _shortened(text: str) -> str:
    if len(text) <= DETAIL_CHARACTERS:
        return text
    return text[:DETAIL_CHARACTERS].rsplit(" ", 1)[0] + " …"


def _dataset_entry(package: dict) -> dict:
    columns = [
        field.get("title") or field["name"]
        for resource in package["resources"]
        for field in resource.get("schema", {}).get("fields", [])
    ]
    return _entry(
        package.get("title") or package["name"],
        "Datensatz",
        f"/datensaetze/{package['name']}/",
        package.get("description"),
        package.get("title"),
        package.get("description"),
        *package.get("keywords", []),
        *columns,
    )


def _kpi_entry(site: SiteContext, kpi: dict) -> dict:
    # A KPI's own page where the dashboard has one, else its tile on the dashboard.
    own_page = f"/digitalisierung/kennzahlen/{kpi['id']}/"
    path = own_page if own_page in site.written else f"/digitalisierung/#{kpi['id']}"
    return _entry(kpi["title"], "Kennzahl", path, kpi.get("description"), kpi["title"], kpi.get("description"))


def find(entries: list[dict], query: str) -> SearchResult:
    """The entries whose folded text holds every word of `query` (three letters or more), those
    with every word in the title first, each group in index order."""
    query = query[:MAX_QUERY_CHARACTERS]
    words = query_words(query)
    if not words:
        return SearchResult(query, [], [], 0)
    found = [entry for entry in entries if all(word in entry["s"] for word in words)]
    found.sort(key=lambda entry: not all(word in normalise(entry["t"]) for word in words))
    return SearchResult(query, words, found[:MAX_SHOWN], len(found))
