"""What the pages "Rat vor Ort" (`/rat/karte/`) show: council business by street, district and
plan area, read from portal.db (`strassen`, `portal_ortsbezug`, the `oparl_*` tables, the plan
tables). Shared by the static pages and the street lookup the server answers
(`publish/server/street_route.py`), so both say the same.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

from contracts.german_folding import german_sort_key
from contracts.portal_tables import STREETS_TABLE
from publish.places import LINKS_TABLE
from publish.places.matching import Street, StreetMatcher, street_key
from publish.site.council_data import consulted_in
from publish.site.planning_data import load_plans, plan_tables, planning_states, table_exists

BASE = "rat/karte"
# A street name as a visitor types it may end in a house number ("Bahnhofstr. 12a").
_TRAILING_NUMBER = re.compile(r"[\s,]*(?:Nr\.?\s*)?(?P<number>\d{1,4}\s?[a-zA-Z]?)\s*$")


def url_segment(name: str) -> str:
    """ "Kardinal-von-Galen-Straße" → "kardinal-von-galen-strasse"."""
    folded = name.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "strasse"


@dataclass
class PlaceIndex:
    """The streets of the register with their page addresses, and the districts."""

    streets: list[dict] = field(default_factory=list)  # id, name, ortsteil, url, geometrie
    by_id: dict[str, dict] = field(default_factory=dict)
    districts: list[dict] = field(default_factory=list)  # name, url

    def matcher(self) -> StreetMatcher:
        return StreetMatcher(
            [Street(street["id"], street["name"], street["ortsteil"]) for street in self.streets],
            [district["name"] for district in self.districts],
        )


def place_index(db: sqlite3.Connection) -> PlaceIndex:
    """Every street (sorted as in a phone book) with a unique page address; empty without a register."""
    index = PlaceIndex()
    if not table_exists(db, STREETS_TABLE):
        return index
    rows = db.execute(f"select id, name, ortsteil, geometrie from [{STREETS_TABLE}]").fetchall()
    taken: set[str] = set()
    for identifier, name, district, geometry in sorted(rows, key=lambda row: (german_sort_key(row[1]), row[2] or "")):
        if not name:
            continue
        segment = url_segment(name)
        if segment in taken:  # the same name in two districts
            segment = f"{segment}-{url_segment(district or str(identifier))}"
        taken.add(segment)
        street = {
            "id": str(identifier),
            "name": name,
            "ortsteil": district,
            "url": f"/{BASE}/strassen/{segment}/",
            "geometrie": geometry,
        }
        index.streets.append(street)
        index.by_id[street["id"]] = street
    names = sorted({street["ortsteil"] for street in index.streets if street["ortsteil"]}, key=german_sort_key)
    index.districts = [{"name": name, "url": f"/{BASE}/ortsteile/{url_segment(name)}/"} for name in names]
    return index


def _links(db: sqlite3.Connection, art: str, target: str | None = None) -> list[dict]:
    if not table_exists(db, LINKS_TABLE):
        return []
    sql = f"select * from [{LINKS_TABLE}] where art = ?" + (" and ziel = ?" if target is not None else "")
    cursor = db.execute(sql, (art, target) if target is not None else (art,))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _business(db: sqlite3.Connection, links: list[dict], paths: dict[str, str]) -> list[dict]:
    """The papers (or, for texts without a paper, the meetings) behind `links`, newest first,
    each once with every house number and the first place in the text it was found."""
    grouped: dict[str, dict] = {}
    for link in links:
        key = link["vorlage"] or link["sitzung"]
        if not key:
            continue
        entry = grouped.setdefault(key, {"key": key, "numbers": [], "found": link["fundstelle"], "kind": None})
        if link["hausnummer"] and link["hausnummer"] not in entry["numbers"]:
            if not entry["numbers"]:
                entry["found"] = link["fundstelle"]  # the words around an address say most
            entry["numbers"].append(link["hausnummer"])
    result = []
    for key, entry in grouped.items():
        paper = db.execute("select name, reference, paper_type, date from oparl_paper where id = ?", (key,)).fetchone()
        if paper is not None:
            entry.update(kind="paper", title=paper[0], reference=paper[1], paper_type=paper[2], date=paper[3], url=None)
        else:
            meeting = db.execute("select name, start from oparl_meeting where id = ?", (key,)).fetchone()
            if meeting is None:
                continue
            entry.update(kind="meeting", title=meeting[0], reference=None, paper_type="Sitzung", date=meeting[1])
        entry["url"] = f"/{paths[key]}" if key in paths else None
        entry["last_result"] = _last_result(db, key) if entry["kind"] == "paper" else None
        result.append(entry)
    return sorted(result, key=lambda entry: str(entry["date"] or ""), reverse=True)


def _last_result(db: sqlite3.Connection, paper: str) -> dict | None:
    """The newest consultation of the paper with a result, as the council system reports it."""
    row = db.execute(
        "select a.result, m.start, m.name from oparl_agenda_item a join oparl_meeting m on m.id = a.meeting "
        "where a.paper = ? and a.result is not null and a.result != '' order by m.start desc limit 1",
        (paper,),
    ).fetchone()
    return {"result": row[0], "date": row[1], "meeting": row[2]} if row else None


def counts_by_street(db: sqlite3.Connection) -> dict[str, int]:
    """How many papers (or meetings) concern each street."""
    if not table_exists(db, LINKS_TABLE):
        return {}
    return dict(
        db.execute(
            f"select ziel, count(distinct coalesce(vorlage, sitzung)) from [{LINKS_TABLE}] "
            "where art = 'strasse' and coalesce(vorlage, sitzung) is not null group by ziel"
        )
    )


def counts_by_district(db: sqlite3.Connection, index: PlaceIndex) -> dict[str, int]:
    """Papers about the district by name or about one of its streets."""
    if not table_exists(db, LINKS_TABLE):
        return {}
    district_of = {street["id"]: street["ortsteil"] for street in index.streets}
    keys: dict[str, set[str]] = {}
    for art, target, key in db.execute(
        f"select art, ziel, coalesce(vorlage, sitzung) from [{LINKS_TABLE}] "
        "where art in ('strasse', 'ortsteil') and coalesce(vorlage, sitzung) is not null"
    ):
        district = target if art == "ortsteil" else district_of.get(target)
        if district:
            keys.setdefault(district, set()).add(key)
    return {district: len(papers) for district, papers in keys.items()}


def plans_crossed(street_geometry: str | None, plans: list[dict]) -> list[dict]:
    """The plans whose area the street runs through or touches."""
    if not street_geometry:
        return []
    # Imported here: shapely is needed only for portals with a street register.
    from shapely.geometry import shape

    line = shape(json.loads(street_geometry))
    return [plan for plan in plans if plan.get("geometrie") and shape(json.loads(plan["geometrie"])).intersects(line)]


def street_page(
    db: sqlite3.Connection,
    index: PlaceIndex,
    street: dict,
    paths: dict[str, str],
    plans: list[dict],
    house_number: str | None = None,
) -> dict:
    """Everything the page of one street shows; with `house_number`, what concerns that house first."""
    business = _business(db, _links(db, "strasse", street["id"]), paths)
    if house_number:
        for entry in business:
            entry["at_number"] = any(covers(number, house_number) for number in entry["numbers"])
        business.sort(key=lambda entry: not entry["at_number"])
    district = next((d for d in index.districts if d["name"] == street["ortsteil"]), None)
    district_business = [
        entry
        for entry in _business(db, _links(db, "ortsteil", street["ortsteil"]), paths)
        if entry["key"] not in {b["key"] for b in business}
    ]
    return {
        "street": street,
        "business": business,
        "house_number": house_number,
        "district": district,
        "district_business": district_business,
        "plans": [
            {"title": plan["title"], "url": plan["url"], "state": plan["state"]["label"]}
            for plan in plans_crossed(street.get("geometrie"), plans)
        ],
    }


def district_page(db: sqlite3.Connection, index: PlaceIndex, district: dict, paths: dict[str, str]) -> dict:
    counts = counts_by_street(db)
    streets = [{**street, "count": counts.get(street["id"], 0)} for street in index.streets]
    return {
        "district": district,
        "business": _business(db, _links(db, "ortsteil", district["name"]), paths),
        "streets": [street for street in streets if street["ortsteil"] == district["name"]],
    }


def followed(db: sqlite3.Connection, links: list[dict]) -> tuple[list[str], list[str]]:
    """The papers that `links` found and the meetings that name the place or consult one of
    those papers: what a feed of the place lists."""
    papers = sorted({link["vorlage"] for link in links if link["vorlage"]})
    meetings = {link["sitzung"] for link in links if link["sitzung"]}
    return papers, sorted(meetings | consulted_in(db, papers))


def street_followed(db: sqlite3.Connection, street: dict) -> tuple[list[str], list[str]]:
    return followed(db, _links(db, "strasse", street["id"]))


def district_followed(db: sqlite3.Connection, index: PlaceIndex, district: dict) -> tuple[list[str], list[str]]:
    """Papers and meetings that name the district or one of its streets (as the counts do)."""
    links = _links(db, "ortsteil", district["name"])
    for street in index.streets:
        if street["ortsteil"] == district["name"]:
            links += _links(db, "strasse", street["id"])
    return followed(db, links)


def covers(written: str, wanted: str) -> bool:
    """Whether the house number as written in a text ("12", "12a", "40–44") covers the wanted one."""
    wanted_digits = re.match(r"\d+", wanted)
    parts = [int(part) for part in re.findall(r"\d+", written)]
    if not wanted_digits or not parts:
        return False
    if len(parts) == 1:
        return written.replace(" ", "").lower() == wanted.replace(" ", "").lower() or (
            parts[0] == int(wanted_digits.group()) and not re.search(r"[a-z]", wanted.lower())
        )
    return parts[0] <= int(wanted_digits.group()) <= parts[-1]


def lookup(index: PlaceIndex, query: str) -> tuple[list[dict], str | None]:
    """The streets a visitor's input names, and the house number typed (if any).

    "Bahnhofstr. 12a" → ([Bahnhofstraße], "12a"); "bahnhof" → every street whose name starts
    like that; "Dorfstraße" with two such streets → both."""
    text = " ".join(query.split())[:200]
    number_match = _TRAILING_NUMBER.search(text)
    house_number = None
    if number_match and number_match.start() > 0:
        house_number = number_match["number"].replace(" ", "").lower()
        text = text[: number_match.start()]
    if not text.strip():
        return [], None
    mentions = index.matcher().find(text + (f" {house_number}" if house_number else ""))
    if mentions:
        ids = [street.id for street in mentions[0].streets]
        return [index.by_id[identifier] for identifier in ids if identifier in index.by_id], house_number
    wanted = street_key(text)
    if len(wanted) < 3:
        return [], house_number
    starting = [street for street in index.streets if street_key(street["name"]).startswith(wanted)]
    containing = [street for street in index.streets if wanted in street_key(street["name"]) and street not in starting]
    return (starting + containing)[:20], house_number


def load_plan_areas(db: sqlite3.Connection, packages: list[dict]) -> list[dict]:
    """The plans of every plan table with title, page address, state and area."""
    return load_plans(db, planning_states(packages, db), plan_tables(packages))
