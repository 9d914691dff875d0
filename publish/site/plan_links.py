"""Link development plans to the council papers and meetings that dealt with them.

No council system links them, so the link is found in the text: German papers name a plan
as "Bebauungsplan Nr. 42 „Wohnen am Hagen“", "B-Plan Nr. 23", "Bebauungsplan „Kita
Evenkamp“" or, for the land-use plan, "27. Änderung des Flächennutzungsplans". Only such
references count: a bare number ("TOP 4", "Drucksache Nr. 123/2025", "Haushaltssatzung
2025") or a place name alone ("Parken in der Innenstadt") never links, so no link is invented.

Reads the OParl tables `oparl_paper`, `oparl_agenda_item`, `oparl_meeting` (and
`oparl_consultation` where present) from portal.db; when they are absent, every plan simply
has no links.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

QUOTED_NAME = r"\s*[-–,:]?\s*[„\"“»‚']\s*(?P<name>[^“\"”«‘'\n]{2,80}?)\s*[“\"”«‘']"

_BPLAN = re.compile(
    r"\b(?:Bebauungsplan(?:es|s|entwurf(?:es|s)?|verfahren(?:s)?)?|B-Plan(?:es|s)?(?:-Verfahren)?|BPlan)"
    r"(?:\s*(?:Nr\.?|Nummer)\s*|\s+)?(?P<number>0*\d+[a-z]?(?![\d/]|\.\d))?"
    rf"(?:{QUOTED_NAME})?",
    re.IGNORECASE,
)
_FNP_WORD = r"(?:Flächennutzungsplan(?:es|s)?|FNP)"
_FNP = re.compile(
    rf"(?:\b(?P<n1>\d+)\.\s*Änderung\s+des\s+{_FNP_WORD}"
    rf"|\bÄnderung\s+(?:Nr\.?\s*)?(?P<n2>\d+)\s+des\s+{_FNP_WORD}"
    rf"|\b{_FNP_WORD}(?:-?\s*[äÄ]nderung)?\s*(?:Nr\.?|Nummer)\s*(?P<n3>\d+)"
    rf"|\bFNP[-\s]?(?P<n4>\d+)\b(?!\s*/))"
    rf"(?:{QUOTED_NAME})?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlanReference:
    """A reference to a plan found in a text: the kind ("bplan" or "fnp") with a number
    and/or a quoted name (at least one of the two)."""

    kind: str
    number: str | None
    name: str | None


def _normal_name(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("ß", "ss")
    return " ".join(re.sub(r"[^\w/]+", " ", text).split())


def _normal_number(text: str) -> str:
    return text.lstrip("0").lower() or "0"


def find_references(text: str | None) -> list[PlanReference]:
    """Every plan reference in `text`, in order; an empty list for None or plain text."""
    if not text:
        return []
    found = []
    for match in _FNP.finditer(text):
        number = match["n1"] or match["n2"] or match["n3"] or match["n4"]  # each alternative has one
        found.append((match.start(), PlanReference("fnp", _normal_number(number), _clean(match.group("name")))))
    for match in _BPLAN.finditer(text):
        number, name = match.group("number"), _clean(match.group("name"))
        if number or name:
            found.append((match.start(), PlanReference("bplan", _normal_number(number) if number else None, name)))
    return [reference for _, reference in sorted(found, key=lambda item: item[0])]


def _clean(name: str | None) -> str | None:
    return name.strip() if name and name.strip() else None


def plan_identity(number: str, plan_type: str | None) -> PlanReference:
    """How a plan of the plan table is referred to: kind from its type or number prefix
    ("FNP 27", "Änderung des Flächennutzungsplans"), number without prefix."""
    is_fnp = number.upper().startswith("FNP") or "flächennutzungsplan" in (plan_type or "").casefold()
    digits = re.sub(r"^(?:FNP|BP|B-Plan)\s*", "", number.strip(), flags=re.IGNORECASE)
    return PlanReference("fnp" if is_fnp else "bplan", _normal_number(digits), None)


def refers_to(reference: PlanReference, plan: PlanReference, plan_name: str | None) -> bool:
    """Whether `reference` names the plan: same kind and number, or — without a number — the
    same quoted name. A number that disagrees is never rescued by the name."""
    if reference.kind != plan.kind:
        return False
    if reference.number is not None:
        return reference.number == plan.number
    if not plan_name:
        return False
    return _normal_name(reference.name or "") == _normal_name(plan_name)


@dataclass
class CouncilLinks:
    papers: list[dict] = field(default_factory=list)  # id, name, reference, date
    meetings: list[dict] = field(default_factory=list)  # id, name, start, agenda_items[]


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"pragma table_info([{table}])")]


def _first(columns: list[str], *candidates: str) -> str | None:
    return next((name for name in candidates if name in columns), None)


def _rows(db: sqlite3.Connection, table: str, wanted: dict[str, tuple[str, ...]]) -> list[dict]:
    """All rows of `table` with the first present column of each candidate tuple, under the
    wanted key (None where the table has none of them). Empty when the table is absent."""
    columns = _columns(db, table)
    if not columns:
        return []
    chosen = {key: _first(columns, *candidates) for key, candidates in wanted.items()}
    select = ", ".join(f"[{column}]" if column else "null" for column in chosen.values())
    return [dict(zip(chosen, row, strict=True)) for row in db.execute(f"select {select} from [{table}]")]


def council_links(db: sqlite3.Connection, plans: list[dict]) -> dict[str, CouncilLinks]:
    """For each plan (dicts with `id`, `nummer`, `name`, `planart`): the papers and meetings
    whose texts refer to it. Papers are ordered by date, meetings by start; a plan nobody
    referred to gets empty lists. Raises only `sqlite3.Error` for a broken database."""
    links = {plan["id"]: CouncilLinks() for plan in plans}
    identities = [
        (plan["id"], plan_identity(plan["nummer"], plan.get("planart")), plan.get("name"))
        for plan in plans
        if plan.get("nummer")
    ]

    def matching(*texts: str | None) -> set[str]:
        references = [ref for text in texts for ref in find_references(text)]
        return {
            plan_id
            for plan_id, identity, name in identities
            if any(refers_to(ref, identity, name) for ref in references)
        }

    papers = _rows(
        db,
        "oparl_paper",
        {"id": ("id",), "name": ("name",), "reference": ("reference",), "date": ("date",), "text": ("text", "body")},
    )
    paper_plans: dict[str, set[str]] = {}
    for paper in papers:
        hits = matching(paper["name"], paper["text"])
        paper_plans[paper["id"]] = hits
        for plan_id in hits:
            links[plan_id].papers.append({key: paper[key] for key in ("id", "name", "reference", "date")})

    meetings = {
        row["id"]: row
        for row in _rows(
            db, "oparl_meeting", {"id": ("id",), "name": ("name",), "start": ("start", "start_date", "date")}
        )
    }
    items = _rows(
        db,
        "oparl_agenda_item",
        {
            "id": ("id",),
            "meeting": ("meeting", "meeting_id"),
            "number": ("number",),
            "name": ("name",),
            "resolution": ("resolution_text", "resolutionText", "result"),
            "paper": ("paper", "paper_id"),
            "consultation": ("consultation", "consultation_id"),
        },
    )
    items_by_id = {item["id"]: item for item in items}
    consultations = _rows(
        db,
        "oparl_consultation",
        {
            "id": ("id",),
            "paper": ("paper", "paper_id"),
            "meeting": ("meeting", "meeting_id"),
            "agenda_item": ("agenda_item", "agendaItem", "agenda_item_id"),
        },
    )
    consultation_paper = {row["id"]: row["paper"] for row in consultations}
    meeting_items: dict[tuple[str, str], list[dict]] = {}

    def link(plan_id: str, meeting_id: str | None, item: dict | None) -> None:
        if meeting_id is None or meeting_id not in meetings:
            return
        entries = meeting_items.setdefault((plan_id, meeting_id), [])
        entry = {"number": item["number"], "name": item["name"]} if item else None
        if entry and entry not in entries:
            entries.append(entry)

    for item in items:
        hits = matching(item["name"], item["resolution"])
        paper_id = item["paper"] or consultation_paper.get(item["consultation"])
        if paper_id:
            hits |= paper_plans.get(paper_id, set())
        for plan_id in hits:
            link(plan_id, item["meeting"], item)
    for consultation in consultations:  # a paper dealt with under a neutral agenda title
        agenda_item = items_by_id.get(consultation["agenda_item"])
        for plan_id in paper_plans.get(consultation["paper"], set()):
            link(plan_id, consultation["meeting"] or (agenda_item or {}).get("meeting"), agenda_item)
    for (plan_id, meeting_id), agenda_items in meeting_items.items():
        meeting = meetings[meeting_id]
        links[plan_id].meetings.append({**meeting, "agenda_items": agenda_items})
    for entry in links.values():
        entry.papers.sort(key=lambda paper: str(paper["date"] or ""))
        entry.meetings.sort(key=lambda meeting: str(meeting["start"] or ""))
    return links
