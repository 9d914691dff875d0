"""The "Bauen und Planen" section: a map and filterable list of development plans, one page
per plan (status timeline, documents, small map, the council papers and meetings that dealt
with it) and the building-permit statistics with a chart and a table.

Everything works without JavaScript (list, legend, filter pages per state, tables); the map is
added by the self-hosted Leaflet and loads tiles only when `site.map.tile_url` is configured.
"""

from __future__ import annotations

import datetime as dt
import json

from publish.dataset_failure import for_dataset
from publish.site import council_feeds
from publish.site.charts import Series, grouped_bar_chart
from publish.site.context import SiteContext
from publish.site.council_data import FOLDERS as COUNCIL_PAGE_TABLES
from publish.site.council_data import page_paths
from publish.site.plan_links import CouncilLinks, council_links
from publish.site.planning_data import (
    PERMITS_TABLE,
    area_tables,
    boundary_geojson,
    load_areas,
    load_plans,
    path_through_council,
    permit_statistics,
    plan_tables,
    planning_states,
    plans_geojson,
    table_exists,
)

BASE = "bauen-und-planen"
PERMIT_COLOURS = {"genehmigungen": "#0072b2", "fertigstellungen": "#e69f00"}


def render(site: SiteContext) -> None:
    states = planning_states(site.packages, site.db)
    tables = plan_tables(site.packages)
    plans = load_plans(site.db, states, tables)
    areas = load_areas(site.db, area_tables(site.packages))
    boundary = boundary_geojson(site.db)
    permits = permit_statistics(site.db)
    if not plans and not areas and permits is None:
        return  # a portal without building data has no such section
    _write_json(site, f"{BASE}/plaene.geojson", plans_geojson(plans, areas))
    if boundary:
        _write_json(site, f"{BASE}/stadtgrenze.geojson", boundary)
    for state in states:
        state["count"] = sum(1 for plan in plans if plan["verfahrensstand"] == state["value"])
    common = {
        "states": states,
        "map_settings": site.portal["site"].get("map") or {},
        "has_boundary": boundary is not None,
        "sample": any(
            package["kommune"].get("sample")
            for package in site.packages
            if package["name"]
            in {table["dataset"] for table in tables}
            | {area["dataset"] for area in areas}
            | set(_datasets_with(site, PERMITS_TABLE))
        ),
        "plan_sources": [{**table, "table_url": site.build.table_url(table["table"])} for table in tables],
        "areas": areas,
        "permits_dataset": next(iter(_datasets_with(site, PERMITS_TABLE)), None),
    }
    site.write_page(
        BASE,
        "planning.html",
        plans=plans,
        all_count=len(plans),
        active_state=None,
        permits=permits,
        permits_chart=_permits_chart(permits),
        **common,
    )
    for state in states:
        chosen = [plan for plan in plans if plan["verfahrensstand"] == state["value"]]
        site.write_page(
            f"{BASE}/stand/{state['value']}",
            "planning.html",
            plans=chosen,
            all_count=len(plans),
            active_state=state,
            permits=None,
            permits_chart=None,
            **common,
        )
    links = council_links(site.db, plans)
    council_pages = page_paths(site.db) if all(site.table_exists(table) for table in COUNCIL_PAGE_TABLES) else {}
    council_data = table_exists(site.db, "oparl_paper")
    for plan in plans:
        council = _council_view(site, links.get(plan["id"], CouncilLinks()), council_pages)
        with for_dataset(plan["dataset"], "Website"):  # a plan's page is its dataset's
            if council_data:
                _plan_feeds(site, plan, links.get(plan["id"], CouncilLinks()), council_pages)
            site.write_page(
                f"{BASE}/plaene/{plan['slug']}",
                "plan.html",
                plan=plan,
                council=council,
                path=path_through_council(plan["timeline"], council["meetings"]),
                council_data=council_data,
                row_url=site.build.row_url(plan["table"], plan["id"]),
                plans_dataset=plan["dataset"],
                **common,
            )


def _datasets_with(site: SiteContext, *tables: str) -> list[str]:
    return [
        package["name"]
        for package in site.packages
        if any(resource["name"] in tables for resource in package["resources"])
    ]


def _write_json(site: SiteContext, relative: str, data: dict) -> None:
    target = site.out_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    site.written.append("/" + relative)


def _permits_chart(permits: dict | None) -> str | None:
    if not permits or not permits["years"]:
        return None
    years = permits["years"]
    first, last = years[0]["jahr"], years[-1]["jahr"]
    return grouped_bar_chart(
        [str(year["jahr"]) for year in years],
        [
            Series("Genehmigte Gebäude", PERMIT_COLOURS["genehmigungen"], [y["genehmigungen"] for y in years]),
            Series(
                "Fertiggestellte Gebäude", PERMIT_COLOURS["fertigstellungen"], [y["fertigstellungen"] for y in years]
            ),
        ],
        title=f"Baugenehmigungen und Baufertigstellungen {first}–{last}",
        description=f"Säulendiagramm: genehmigte und fertiggestellte Gebäude je Jahr von {first} bis {last}. "
        "Die Zahlen stehen auch in der Tabelle unter dem Diagramm.",
    )


PLAN_PAPERS_FEED = "vorlagen.atom"
PLAN_MEETINGS_CALENDAR = "sitzungen.ics"


def _plan_feeds(site: SiteContext, plan: dict, links: CouncilLinks, council_pages: dict[str, str]) -> None:
    """Follow one plan: an Atom feed of the papers and a calendar of the meetings that name it
    (the same writers as the council's own feeds). Their times come from the papers and
    meetings themselves, so unchanged council data gives unchanged files."""
    base_url = str(site.portal["site"]["base_url"])
    folder = f"{BASE}/plaene/{plan['slug']}/"
    dates = [council_feeds.parse_time(p["date"] + "T00:00:00+00:00") for p in links.papers if p.get("date")]
    updated = max((d for d in dates if d is not None), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    title = plan.get("title") or plan["name"]
    site.write_bytes(
        folder + PLAN_PAPERS_FEED,
        council_feeds.papers_atom(
            links.papers,
            f"Vorlagen zu {title}",
            base_url,
            "/" + folder + PLAN_PAPERS_FEED,
            council_pages,
            updated=updated,
        ),
    )
    agenda = {m["id"]: [item["name"] for item in m.get("agenda_items") or []] for m in links.meetings}
    site.write_bytes(
        folder + PLAN_MEETINGS_CALENDAR,
        council_feeds.meetings_calendar(links.meetings, f"Sitzungen zu {title}", base_url, council_pages, agenda),
    )


def _council_view(site: SiteContext, links: CouncilLinks, council_pages: dict[str, str]) -> dict:
    """Papers and meetings with links to their council pages (`/rat/…`, rendered by the council
    section before this one), or to their Datasette rows where the council section made none."""

    def url(table: str, key: str) -> str:
        return f"/{council_pages[key]}" if key in council_pages else site.build.row_url(table, key)

    return {
        "papers": [{**paper, "url": url("oparl_paper", paper["id"])} for paper in links.papers],
        "meetings": [{**meeting, "url": url("oparl_meeting", meeting["id"])} for meeting in links.meetings],
    }
