""" "Rat vor Ort" (`/rat/karte/`): council business on the map and by street.

Pages: the overview with the street lookup, a map and the lists it draws (streets, districts
and plans with council business), all streets A–Z (`/rat/karte/strassen/`), one page per street
and per district, and `orte.geojson` for the map. The map's base layer is the town's own data —
boundary, street register and plan areas — so nothing is loaded from other servers unless the
town configures its state's basemap (`site.yaml` `map.tile_url`). Without JavaScript the lists
are the map, and the lookup form is answered by the server (`publish/server/street_route.py`);
a portal served without it still has the A–Z list.

Renders nothing without a street register (`strassen`) or council data.
"""

from __future__ import annotations

import json
from contextlib import nullcontext

from contracts.portal_tables import STREETS_TABLE
from publish.dataset_failure import for_dataset
from publish.places import LINKS_TABLE
from publish.site import council_data, council_feeds
from publish.site import council_places_data as places
from publish.site.context import SiteContext
from publish.site.council import FEED_PAPERS, OWN_MEETINGS_CALENDAR, OWN_PAPERS_FEED, REQUIRED_TABLES
from publish.site.council_data import page_paths

TEMPLATE_STREET = "council/place_street.html"
STREET_COLOUR = "#0072b2"


def render(site: SiteContext) -> None:
    index = places.place_index(site.db)
    if not index.streets or not all(site.table_exists(table) for table in REQUIRED_TABLES):
        return
    register = next((p["name"] for p in site.packages if any(r["name"] == STREETS_TABLE for r in p["resources"])), None)
    # The pages are the street register's: an unexpected error fails it alone (publish.dataset_failure).
    with for_dataset(register, "Website") if register else nullcontext():
        _render(site, index)


def _render(site: SiteContext, index: places.PlaceIndex) -> None:
    db = site.db
    paths = page_paths(db)
    plans = places.load_plan_areas(db, site.packages)
    street_counts = places.counts_by_street(db)
    district_counts = places.counts_by_district(db, index)
    streets = [{**street, "count": street_counts.get(street["id"], 0)} for street in index.streets]
    districts = [{**district, "count": district_counts.get(district["name"], 0)} for district in index.districts]
    plans_with_business = _plans_with_council_papers(db, plans)
    common = {
        "map_settings": site.portal["site"].get("map") or {},
        "sample": any(package["kommune"].get("sample") for package in site.packages),
    }
    site.write_bytes(f"{places.BASE}/orte.geojson", _geojson(streets, plans))
    site.write_page(
        places.BASE,
        "council/places.html",
        streets=[street for street in streets if street["count"]],
        street_total=len(streets),
        districts=districts,
        plans=plans_with_business,
        **common,
    )
    site.write_page(f"{places.BASE}/strassen", "council/place_streets.html", streets=streets, **common)
    agenda = council_data.agenda_names(db)
    for street in index.streets:
        site.write_page(
            street["url"].strip("/"), TEMPLATE_STREET, **places.street_page(db, index, street, paths, plans), **common
        )
        _place_feeds(site, street["url"], street["name"], places.street_followed(db, street), paths, agenda)
    for district in index.districts:
        site.write_page(
            district["url"].strip("/"),
            "council/place_district.html",
            **places.district_page(db, index, district, paths),
            **common,
        )
        followed = places.district_followed(db, index, district)
        _place_feeds(site, district["url"], f"Ortsteil {district['name']}", followed, paths, agenda)


def _place_feeds(
    site: SiteContext,
    url: str,
    name: str,
    followed: tuple[list[str], list[str]],
    paths: dict[str, str],
    agenda: dict[str, list[str]],
) -> None:
    """Follow a street or district: the newest papers that name it (Atom) and every meeting that
    names it or consults one of its papers (iCalendar, past ones too, as for a plan: the file
    then changes only when the council data does)."""
    paper_ids, meeting_ids = followed
    base_url = str(site.portal["site"]["base_url"])
    folder = url.strip("/") + "/"
    papers = council_data.papers_with_ids(site.db, paper_ids, FEED_PAPERS)
    site.write_bytes(
        folder + OWN_PAPERS_FEED,
        council_feeds.papers_atom(
            papers,
            f"Vorlagen zu {name}",
            base_url,
            "/" + folder + OWN_PAPERS_FEED,
            paths,
            updated=council_feeds.newest_modified(papers),
        ),
    )
    meetings = council_data.meetings_with_ids(site.db, meeting_ids)
    site.write_bytes(
        folder + OWN_MEETINGS_CALENDAR,
        council_feeds.meetings_calendar(meetings, f"Sitzungen zu {name}", base_url, paths, agenda),
    )


def _plans_with_council_papers(db, plans: list[dict]) -> list[dict]:
    counts = dict(
        db.execute(f"select ziel, count(distinct vorlage) from [{LINKS_TABLE}] where art = 'plan' group by ziel")
    )
    return [{**plan, "count": counts[plan["id"]]} for plan in plans if counts.get(plan["id"])]


def _geojson(streets: list[dict], plans: list[dict]) -> bytes:
    """Streets (with how many papers concern them) and plan areas, WGS84, for the map."""
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(plan["geometrie"]),
            "properties": {"art": "plan", "titel": plan["title"], "url": plan["url"], "farbe": plan["state"]["colour"]},
        }
        for plan in plans
        if plan.get("geometrie")
    ] + [
        {
            "type": "Feature",
            "geometry": json.loads(street["geometrie"]),
            "properties": {
                "art": "strasse",
                "titel": street["name"],
                "url": street["url"],
                "anzahl": street["count"],
                "farbe": STREET_COLOUR,
            },
        }
        for street in streets
        if street.get("geometrie")
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
