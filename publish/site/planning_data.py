"""The data behind the "Bauen und Planen" pages, read from portal.db and the data packages.

Kept apart from the page rendering so it can be tested and reused (e.g. by the dashboard).
Tables: every plan table (a resource with the plan schema — `verfahrensstand` and a geometry —
from the geojson, wfs, shapefile or xplan kinds, whatever its name; `bebauungsplaene` in the
demo), every other area table of the building family (shown on the map beside the plans),
`stadtgrenze` (town boundary) and `baugenehmigungen` (permit statistics); each may be absent,
and the pages then say so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Sequence

from contracts.german import german_date
from contracts.portal_tables import BOUNDARY_TABLE, PERMITS_TABLE

BUILDING_FAMILY = "bauen"
UNKNOWN_COLOUR = "#999999"
AREA_COLOUR = "#555555"
# Columns that name an area in a table of declared columns, in the order they are tried.
AREA_NAME_COLUMNS = ("name", "bezeichnung", "titel", "nummer")


def table_exists(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("select 1 from sqlite_master where type in ('table', 'view') and name = ?", (name,)).fetchone()
        is not None
    )


def _geometry_tables(packages: list[dict]):
    for package in packages:
        for resource in package["resources"]:
            if resource.get("kommune", {}).get("geometry"):
                names = {field["name"] for field in resource["schema"]["fields"]}
                yield package, resource, {"verfahrensstand", "verfahrensstand_text", "nummer", "name"} <= names


def plan_tables(packages: list[dict]) -> list[dict]:
    """Every table with the plan schema: [{dataset, title, table}], in package order."""
    return [
        {"dataset": package["name"], "title": package.get("title") or package["name"], "table": resource["name"]}
        for package, resource, is_plan in _geometry_tables(packages)
        if is_plan
    ]


def area_tables(packages: list[dict]) -> list[dict]:
    """The other tables with a geometry in the building family (areas declared by columns)."""
    return [
        {"dataset": package["name"], "title": package.get("title") or package["name"], "table": resource["name"]}
        for package, resource, is_plan in _geometry_tables(packages)
        if not is_plan
        and package.get("kommune", {}).get("family") == BUILDING_FAMILY
        and resource["name"] != BOUNDARY_TABLE
    ]  # the boundary is the map's frame, not an area


def planning_states(packages: list[dict], db: sqlite3.Connection) -> list[dict]:
    """The planning-state vocabulary (value, label, colour, order, inProcedure) from the plan
    tables' schema `categories`, in procedure order; states found only in the data follow
    with a neutral colour."""
    states: dict[str, dict] = {}
    tables = {table["table"] for table in plan_tables(packages)}
    for package in packages:
        for resource in package["resources"]:
            if resource["name"] not in tables:
                continue
            for field in resource["schema"]["fields"]:
                if field["name"] == "verfahrensstand":
                    for category in field.get("categories", []):
                        states.setdefault(category["value"], dict(category))
    ordered = sorted(states.values(), key=lambda state: state.get("order", 99))
    for table in sorted(tables):
        if not table_exists(db, table):
            continue
        for value, label in db.execute(f'select distinct verfahrensstand, verfahrensstand_text from "{table}"'):
            if value not in states:
                states[value] = {
                    "value": value,
                    "label": label or value,
                    "colour": UNKNOWN_COLOUR,
                    "order": 99,
                    "inProcedure": False,
                }
                ordered.append(states[value])
    return ordered


def natural_key(number: str | None) -> tuple:
    """Sort "4" < "17" < "42a" < "FNP 27": B-plans by number, land-use changes after them."""
    text = number or ""
    is_fnp = text.upper().startswith("FNP")
    digits = re.search(r"\d+", text)
    return (is_fnp, int(digits.group()) if digits else 0, text)


def plan_slug(plan: dict) -> str:
    """The plan's URL segment: "bebauungsplan-42", "fnp-aenderung-27" (stable across builds
    as long as the number is)."""
    number = (plan.get("nummer") or plan["id"]).strip()
    is_fnp = number.upper().startswith("FNP") or "flächennutzungsplan" in (plan.get("planart") or "").casefold()
    number = re.sub(r"^FNP\s*", "", number, flags=re.IGNORECASE)
    cleaned = re.sub(
        r"[^a-z0-9]+", "-", number.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    ).strip("-")
    return f"{'fnp-aenderung' if is_fnp else 'bebauungsplan'}-{cleaned or 'ohne-nummer'}"


def plan_title(plan: dict) -> str:
    """ "Bebauungsplan Nr. 42 „Wohnen am Hagen“" or "27. Änderung des Flächennutzungsplans „…“"."""
    number = plan.get("nummer") or ""
    name = f" „{plan['name']}“" if plan.get("name") and plan.get("name") != number else ""
    if number.upper().startswith("FNP") or "flächennutzungsplan" in (plan.get("planart") or "").casefold():
        digits = re.sub(r"^FNP\s*", "", number, flags=re.IGNORECASE)
        return f"{digits}. Änderung des Flächennutzungsplans{name}"
    return f"{plan.get('planart') or 'Bebauungsplan'} Nr. {number}{name}"


def timeline(plan: dict) -> list[dict]:
    """The steps of the procedure with their dates (None: not reached or not known)."""
    steps = [
        {"label": "Aufstellungsbeschluss", "date": plan.get("aufstellungsbeschluss"), "until": None},
        {"label": "Offenlage", "date": plan.get("offenlage_beginn"), "until": plan.get("offenlage_ende")},
        {"label": "Satzungsbeschluss", "date": plan.get("satzungsbeschluss"), "until": None},
        {"label": "Inkrafttreten", "date": plan.get("inkrafttreten"), "until": None},
    ]
    if plan.get("aufhebung") or plan.get("verfahrensstand") == "aufgehoben":
        steps.append({"label": "Aufhebung", "date": plan.get("aufhebung"), "until": None})
    if plan.get("verfahrensstand") == "eingestellt":
        steps.append({"label": "Verfahren eingestellt", "date": None, "until": None, "final": True})
    return steps


def path_through_council(steps: list[dict], meetings: list[dict]) -> list[dict]:
    """The procedure steps and the council meetings that dealt with the plan in one list by
    date; steps not reached yet (no date) follow in their procedural order."""
    dated = [{**step, "kind": "step"} for step in steps if step.get("date")]
    dated += [
        {
            "kind": "meeting",
            "label": meeting["name"],
            "date": str(meeting["start"] or "")[:10] or None,
            "url": meeting.get("url"),
            "agenda_items": meeting.get("agenda_items", []),
        }
        for meeting in meetings
        if meeting.get("start")
    ]
    dated.sort(key=lambda entry: (str(entry["date"]), entry["kind"] == "step"))
    return dated + [{**step, "kind": "step"} for step in steps if not step.get("date")]


def displayed_state(plan: dict, state: dict, today: dt.date) -> dict:
    """The state as a citizen should read it today: a plan still recorded as "Offenlage" whose
    public display period has ended is no longer open for comments, so it says so."""
    ended = plan.get("offenlage_ende")
    if state.get("value") == "offenlage" and ended and str(ended)[:10] < today.isoformat():
        return {
            **state,
            "label": f"Offenlage beendet am {german_date(str(ended))}",
            "description": "Die öffentliche Auslegung ist beendet; die Stellungnahmen werden ausgewertet.",
        }
    return state


def load_plans(
    db: sqlite3.Connection, states: list[dict], tables: list[dict], today: dt.date | None = None
) -> list[dict]:
    """Every plan of every plan table (`plan_tables`) with its state (label, colour; see displayed_state),
    documents, slug, title and timeline, and `table`, `dataset` and `key` (its id, unless
    another table has a plan with the same id: then dataset-prefixed); slugs stay unique."""
    today = today or dt.date.today()
    by_value = {state["value"]: state for state in states}
    plans: list[dict] = []
    keys: set[str] = set()
    slugs: set[str] = set()
    for table in tables:
        if not table_exists(db, table["table"]):
            continue
        cursor = db.execute(f'select * from "{table["table"]}"')
        names = [column[0] for column in cursor.description]
        for values in cursor:
            plan = dict(zip(names, values, strict=True), table=table["table"], dataset=table["dataset"])
            plan["state"] = displayed_state(
                plan,
                by_value.get(
                    plan["verfahrensstand"],
                    {"value": plan["verfahrensstand"], "label": plan["verfahrensstand_text"], "colour": UNKNOWN_COLOUR},
                ),
                today,
            )
            plan["documents"] = json.loads(plan.get("dokumente") or "[]")
            plan["key"] = plan["id"] if plan["id"] not in keys else f"{table['dataset']}:{plan['id']}"
            keys.add(plan["key"])
            slug = plan_slug(plan)
            plan["slug"] = slug if slug not in slugs else f"{slug}-{table['dataset']}"
            slugs.add(plan["slug"])
            plan["url"] = f"/bauen-und-planen/plaene/{plan['slug']}/"
            plan["title"] = plan_title(plan)
            plan["timeline"] = timeline(plan)
            plans.append(plan)
    order = {state["value"]: index for index, state in enumerate(states)}
    plans.sort(key=lambda plan: natural_key(plan.get("nummer")))
    plans.sort(key=lambda plan: order.get(plan["verfahrensstand"], len(order)))
    return plans


def load_areas(db: sqlite3.Connection, tables: list[dict]) -> list[dict]:
    """The areas of the building family's other geometry tables: id, a name, the dataset it
    belongs to and its geometry, for the map and the list beside the plans."""
    areas = []
    for table in tables:
        if not table_exists(db, table["table"]):
            continue
        columns = [row[1] for row in db.execute(f'pragma table_info("{table["table"]}")')]
        name = next((column for column in AREA_NAME_COLUMNS if column in columns), "id")
        for identifier, label, geometry in db.execute(
            f'select id, "{name}", geometrie from "{table["table"]}" order by "{name}"'
        ):
            areas.append(
                {
                    "key": f"{table['dataset']}:{identifier}",
                    "id": identifier,
                    "name": label or identifier,
                    "dataset": table["dataset"],
                    "dataset_title": table["title"],
                    "geometrie": geometry,
                    "url": f"/datensaetze/{table['dataset']}/",
                }
            )
    return areas


def plans_geojson(plans: list[dict], areas: Sequence[dict] = ()) -> dict:
    """A FeatureCollection for the map: geometry plus what the popup and colours need; the
    areas of other datasets in a neutral colour, their dataset's title in the popup."""
    return {
        "type": "FeatureCollection",
        "features": [
            *(
                {
                    "type": "Feature",
                    "geometry": json.loads(plan["geometrie"]),
                    "properties": {
                        "id": plan["key"],
                        "titel": plan["title"],
                        "url": plan["url"],
                        "farbe": plan["state"]["colour"],
                        "verfahrensstand": plan["verfahrensstand"],
                        "verfahrensstand_text": plan["state"]["label"],
                    },
                }
                for plan in plans
                if plan.get("geometrie")
            ),
            *(
                {
                    "type": "Feature",
                    "geometry": json.loads(area["geometrie"]),
                    "properties": {
                        "id": area["key"],
                        "titel": area["name"],
                        "url": area["url"],
                        "farbe": AREA_COLOUR,
                        "verfahrensstand": None,
                        "verfahrensstand_text": area["dataset_title"],
                    },
                }
                for area in areas
                if area.get("geometrie")
            ),
        ],
    }


def boundary_geojson(db: sqlite3.Connection) -> dict | None:
    """The town boundary as a FeatureCollection, or None without the table."""
    if not table_exists(db, BOUNDARY_TABLE):
        return None
    features = [
        {"type": "Feature", "geometry": json.loads(geometry), "properties": {"name": name}}
        for geometry, name in db.execute(f"select geometrie, name from {BOUNDARY_TABLE}")
        if geometry
    ]
    return {"type": "FeatureCollection", "features": features} if features else None


def permit_statistics(db: sqlite3.Connection) -> dict | None:
    """Per year: permits, completions and dwellings (sums over building types), and the rows
    by building type; None without the table."""
    if not table_exists(db, PERMITS_TABLE):
        return None
    years = [
        dict(
            zip(
                (
                    "jahr",
                    "genehmigungen",
                    "fertigstellungen",
                    "wohnungen_genehmigt",
                    "wohnungen_fertiggestellt",
                    "wohnflaeche_m2",
                ),
                row,
                strict=True,
            )
        )
        for row in db.execute(
            f"select jahr, sum(baugenehmigungen), sum(baufertigstellungen), sum(wohnungen_genehmigt), "
            f"sum(wohnungen_fertiggestellt), sum(wohnflaeche_m2) from {PERMITS_TABLE} "
            f"group by jahr order by jahr"
        )
    ]
    latest = years[-1]["jahr"] if years else None
    by_type = [
        dict(zip(("gebaeudeart", "baugenehmigungen", "baufertigstellungen", "wohnungen_genehmigt"), row, strict=True))
        for row in db.execute(
            f"select gebaeudeart, baugenehmigungen, baufertigstellungen, wohnungen_genehmigt "
            f"from {PERMITS_TABLE} where jahr = ? order by baugenehmigungen desc",
            (latest,),
        )
    ]
    return {"years": years, "latest": latest, "latest_by_type": by_type}
