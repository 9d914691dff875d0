"""Harvested OParl objects as tables: rows plus Frictionless Table Schemas in German.

Every table is keyed by the OParl `id` URL and linked by foreign keys (meeting ↔ agenda item
↔ paper ↔ consultation ↔ file, organization ↔ membership ↔ person). A reference to an object
that the harvest does not hold (withheld for privacy, deleted, or on another system) becomes
empty rather than a broken link. Every link an object carries (`web`, `website`, `license`,
a file's `accessUrl` and `downloadUrl`) passes the portal's URL allow-list (pipelines.links).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipelines.errors import Issue
from pipelines.links import checked_url
from pipelines.oparl import models, search
from pipelines.oparl.documents import FROM_SYSTEM, DocumentText
from pipelines.oparl.store import ObjectStore
from pipelines.oparl.table_schemas import FACETS, FILE_ROLES, FTS, INDEXES, SCHEMAS


@dataclass
class Table:
    name: str
    title: str
    description: str
    schema: dict[str, Any]
    # made while the table is written: iterate once
    rows: Iterable[dict[str, Any]] = field(default_factory=list)
    fts: list[str] = field(default_factory=list)
    indexes: list[list[str]] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)
    # the fields whose dates make the dataset's temporal coverage (pipelines.output's
    # `date_fields`): when the council met and when papers were issued, not when a committee
    # was founded or a file last touched
    date_fields: list[str] = field(default_factory=list)


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _date_part(value: str | None) -> str | None:
    return value[:10] if value else None


def build_tables(
    store: ObjectStore,
    today: dt.date | None = None,
    warnings: list[Issue] | None = None,
    texts: Mapping[str, DocumentText] | None = None,
    document_links: dict[str, str] | None = None,
) -> list[Table]:
    """Rows for every OParl table from a harvested store, in the order of SCHEMAS.

    References to objects not in the store are emptied so foreign keys always hold. A link
    the URL allow-list refuses is emptied and appended to `warnings` (object id as file).
    `texts` are the files' texts (pipelines/oparl/documents.py; without it, `File.text` as
    sent); `document_links` replace a file's addresses by those of the portal's own copy.
    """
    today = today or dt.date.today()
    warnings = [] if warnings is None else warnings
    document_links = document_links or {}
    if texts is None:
        texts = {
            f["id"]: DocumentText(f["text"], FROM_SYSTEM)
            for f in store.of_type("File")
            if (f.get("text") or "").strip()
        }

    def link(obj: dict[str, Any], key: str) -> str | None:
        return checked_url(obj.get(key), warnings, file=obj["id"], field=key)

    known: dict[str, set[str]] = {name: set() for name in SCHEMAS}
    type_table = {
        "Body": "oparl_body",
        "LegislativeTerm": "oparl_legislative_term",
        "Organization": "oparl_organization",
        "Person": "oparl_person",
        "Membership": "oparl_membership",
        "Location": "oparl_location",
        "Meeting": "oparl_meeting",
        "Paper": "oparl_paper",
        "AgendaItem": "oparl_agenda_item",
        "Consultation": "oparl_consultation",
        "File": "oparl_file",
    }
    for type_name, table_name in type_table.items():
        known[table_name].update(store.ids(type_name))

    def ref(table: str) -> Callable[[Any], str | None]:
        return lambda value: value if (value := _first(value)) in known[table] else None

    body, org, person, location = (
        ref("oparl_body"),
        ref("oparl_organization"),
        ref("oparl_person"),
        ref("oparl_location"),
    )
    meeting, paper, agenda_item = ref("oparl_meeting"), ref("oparl_paper"), ref("oparl_agenda_item")
    organizations = {o["id"]: o for o in store.of_type("Organization")}
    memberships = list(store.of_type("Membership"))

    def point(obj: dict[str, Any]) -> tuple[float | None, float | None]:
        located = models.lon_lat(obj.get("geojson"))
        return located if located else (None, None)

    def stored_data(object_id: Any) -> dict[str, Any]:
        stored = store.get(object_id) if isinstance(object_id, str) and object_id else None
        return stored.data if stored else {}

    def body_rows() -> Iterator[dict[str, Any]]:
        for b in store.of_type("Body"):
            loc = store.get(b.get("location", "")) if isinstance(b.get("location"), str) else None
            lon, lat = point(loc.data) if loc else (None, None)
            yield (
                {
                    "id": b["id"],
                    "name": b.get("name"),
                    "short_name": b.get("shortName"),
                    "classification": b.get("classification"),
                    "ags": models.municipality_key(b.get("ags")),
                    "rgs": b.get("rgs"),
                    "website": link(b, "website"),
                    "license": link(b, "license"),
                    "longitude": lon,
                    "latitude": lat,
                    "web": link(b, "web"),
                    "modified": b.get("modified"),
                }
            )

    def legislative_term_rows() -> Iterator[dict[str, Any]]:
        for t in store.of_type("LegislativeTerm"):
            yield (
                {
                    "id": t["id"],
                    "body": body(t.get("body")),
                    "name": t.get("name"),
                    "start_date": t.get("startDate"),
                    "end_date": t.get("endDate"),
                    "modified": t.get("modified"),
                }
            )

    def organization_rows() -> Iterator[dict[str, Any]]:
        for o in organizations.values():
            yield (
                {
                    "id": o["id"],
                    "body": body(o.get("body")),
                    "name": o.get("name"),
                    "short_name": o.get("shortName"),
                    "organization_type": o.get("organizationType"),
                    "classification": o.get("classification"),
                    "start_date": o.get("startDate"),
                    "end_date": o.get("endDate"),
                    "website": link(o, "website"),
                    "web": link(o, "web"),
                    "modified": o.get("modified"),
                }
            )

    def person_rows() -> Iterator[dict[str, Any]]:
        for p in store.of_type("Person"):
            yield (
                {
                    "id": p["id"],
                    "body": body(p.get("body")),
                    "name": p.get("name"),
                    "family_name": p.get("familyName"),
                    "given_name": p.get("givenName"),
                    "title": " ".join(p.get("title", [])) or None,
                    "form_of_address": p.get("formOfAddress"),
                    "affix": p.get("affix"),
                    "faction": _faction(p["id"], memberships, organizations, today),
                    "web": link(p, "web"),
                    "modified": p.get("modified"),
                }
            )

    def membership_rows() -> Iterator[dict[str, Any]]:
        for m in memberships:
            yield (
                {
                    "id": m["id"],
                    "person": person(m.get("person")),
                    "organization": org(m.get("organization")),
                    "role": m.get("role"),
                    "voting_right": m.get("votingRight"),
                    "start_date": m.get("startDate"),
                    "end_date": m.get("endDate"),
                    "on_behalf_of": org(m.get("onBehalfOf")),
                    "modified": m.get("modified"),
                }
            )

    def location_rows() -> Iterator[dict[str, Any]]:
        for place in store.of_type("Location"):
            lon, lat = point(place)
            yield (
                {
                    "id": place["id"],
                    "description": place.get("description"),
                    "street_address": place.get("streetAddress"),
                    "room": place.get("room"),
                    "postal_code": place.get("postalCode"),
                    "locality": place.get("locality"),
                    "sub_locality": place.get("subLocality"),
                    "longitude": lon,
                    "latitude": lat,
                    "modified": place.get("modified"),
                }
            )

    def meeting_rows() -> Iterator[dict[str, Any]]:
        for mt in store.of_type("Meeting", order_by=(("start", ""),)):
            minutes = stored_data(mt.get("resultsProtocol"))
            yield (
                {
                    "id": mt["id"],
                    "name": mt.get("name"),
                    "organization": org(mt.get("organization")),
                    "meeting_state": mt.get("meetingState"),
                    "cancelled": bool(mt.get("cancelled")),
                    "start": mt.get("start"),
                    "end": mt.get("end"),
                    "location": location(mt.get("location")),
                    "minutes_date": minutes.get("date") or _date_part(minutes.get("created")),
                    "web": link(mt, "web"),
                    "modified": mt.get("modified"),
                }
            )

    def meeting_participant_rows() -> Iterator[dict[str, Any]]:
        for mt in store.of_type("Meeting", order_by=(("start", ""),)):
            for participant in dict.fromkeys(mt.get("participant") or []):
                if (attended := person(participant)) is not None:
                    yield ({"id": f"{mt['id']} {attended}", "meeting": mt["id"], "person": attended})

    def paper_rows() -> Iterator[dict[str, Any]]:
        for pp in store.of_type("Paper", order_by=(("date", ""),)):
            yield (
                {
                    "id": pp["id"],
                    "body": body(pp.get("body")),
                    "reference": pp.get("reference"),
                    "name": pp.get("name"),
                    "paper_type": pp.get("paperType"),
                    "date": pp.get("date"),
                    "under_direction_of": org(pp.get("underDirectionOf")),
                    "originator_organization": org(pp.get("originatorOrganization")),
                    "search_text": search.search_text(pp.get("name"), pp.get("reference")),
                    "web": link(pp, "web"),
                    "modified": pp.get("modified"),
                }
            )

    def agenda_item_rows() -> Iterator[dict[str, Any]]:
        for ai in store.of_type("AgendaItem", order_by=(("meeting", ""), ("order", 0))):
            consultation = stored_data(ai.get("consultation"))
            yield (
                {
                    "id": ai["id"],
                    "meeting": meeting(ai.get("meeting")),
                    "sort_order": ai.get("order"),
                    "number": ai.get("number"),
                    "name": ai.get("name"),
                    "paper": paper(consultation.get("paper")),
                    "result": ai.get("result"),
                    "resolution_text": ai.get("resolutionText"),
                    "start": ai.get("start"),
                    "search_text": search.search_text(ai.get("name"), ai.get("resolutionText")),
                    "web": link(ai, "web"),
                    "modified": ai.get("modified"),
                }
            )

    def consultation_rows() -> Iterator[dict[str, Any]]:
        for c in store.of_type("Consultation"):
            yield (
                {
                    "id": c["id"],
                    "paper": paper(c.get("paper")),
                    "meeting": meeting(c.get("meeting")),
                    "agenda_item": agenda_item(c.get("agendaItem")),
                    "organization": org(c.get("organization")),
                    "authoritative": c.get("authoritative"),
                    "role": c.get("role"),
                    "modified": c.get("modified"),
                }
            )
        # oldest first, as the other tables: the council search ranks the newest hits by their row order

    def file_rows() -> Iterator[dict[str, Any]]:
        for f in store.of_type("File", order_by=(("date", ""),)):
            text = texts.get(f["id"])
            own_copy = document_links.get(f["id"])
            # Checked even when the portal serves its own copy: a refused address is still reported.
            access_url, download_url = link(f, "accessUrl"), link(f, "downloadUrl")
            yield (
                {
                    "id": f["id"],
                    "name": f.get("name"),
                    "file_name": f.get("fileName"),
                    "mime_type": f.get("mimeType"),
                    "date": f.get("date"),
                    "size": f.get("size"),
                    "role": FILE_ROLES.get(f.get("_role", ""), "Dokument"),
                    "paper": paper(f.get("paper")),
                    "meeting": meeting(f.get("meeting")),
                    "agenda_item": agenda_item(f.get("agendaItem")),
                    "access_url": own_copy or access_url,
                    "download_url": own_copy or download_url,
                    "text": text.text if text else None,
                    "text_source": text.source if text else None,
                    "search_text": search.search_text(f.get("name"), text.text if text else None),
                    "modified": f.get("modified"),
                }
            )

    # Each table's rows are made while it is written (pipelines.output streams them), one
    # table after the other: the archive is never held in memory as rows.
    generators: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {
        "oparl_body": body_rows,
        "oparl_legislative_term": legislative_term_rows,
        "oparl_organization": organization_rows,
        "oparl_person": person_rows,
        "oparl_membership": membership_rows,
        "oparl_meeting_participant": meeting_participant_rows,
        "oparl_location": location_rows,
        "oparl_meeting": meeting_rows,
        "oparl_paper": paper_rows,
        "oparl_agenda_item": agenda_item_rows,
        "oparl_consultation": consultation_rows,
        "oparl_file": file_rows,
    }
    return [
        Table(
            name,
            title,
            description,
            schema,
            generators[name](),
            FTS.get(name, []),
            INDEXES.get(name, []),
            FACETS.get(name, []),
            COVERAGE_FIELDS.get(name, []),
        )
        for name, (title, description, schema) in SCHEMAS.items()
    ]


# What each table is made of: the OParl types whose objects its rows read, and those whose ids
# it only checks (a reference to an object the store does not hold is emptied). A table whose
# types did not change since the last build is the same table (pipelines/kinds/oparl.py).
TABLE_INPUTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "oparl_body": (frozenset({"Body", "Location"}), frozenset()),
    "oparl_legislative_term": (frozenset({"LegislativeTerm"}), frozenset({"Body"})),
    "oparl_organization": (frozenset({"Organization"}), frozenset({"Body"})),
    "oparl_person": (frozenset({"Person", "Membership", "Organization"}), frozenset({"Body"})),
    "oparl_membership": (frozenset({"Membership"}), frozenset({"Person", "Organization"})),
    "oparl_meeting_participant": (frozenset({"Meeting"}), frozenset({"Person"})),
    "oparl_location": (frozenset({"Location"}), frozenset()),
    "oparl_meeting": (frozenset({"Meeting", "File"}), frozenset({"Organization", "Location"})),
    "oparl_paper": (frozenset({"Paper"}), frozenset({"Body", "Organization"})),
    "oparl_agenda_item": (frozenset({"AgendaItem", "Consultation"}), frozenset({"Meeting", "Paper"})),
    "oparl_consultation": (
        frozenset({"Consultation"}),
        frozenset({"Paper", "Meeting", "AgendaItem", "Organization"}),
    ),
    "oparl_file": (frozenset({"File"}), frozenset({"Paper", "Meeting", "AgendaItem"})),
}

COVERAGE_FIELDS = {"oparl_meeting": ["start"], "oparl_paper": ["date"]}


def _faction(
    person_id: str, memberships: Iterable[dict[str, Any]], organizations: dict[str, dict[str, Any]], today: dt.date
) -> str | None:
    """Names of the factions or parties a person belongs to today, joined by ", ".

    Members of a faction count first; a person sent to a committee on behalf of a faction
    (a "sachkundige Bürgerin") counts for that faction when they are no member of one.
    """
    members: set[str | None] = set()  # None: a faction without a name, left out below
    sent_by: set[str | None] = set()
    for m in memberships:
        if m.get("person") != person_id or (m.get("endDate") and m["endDate"] < today.isoformat()):
            continue
        for target, key in ((members, "organization"), (sent_by, "onBehalfOf")):
            organization = organizations.get(m.get(key) or "")
            if organization and (organization.get("organizationType") or "").casefold() in ("fraktion", "partei"):
                target.add(organization.get("shortName") or organization.get("name"))
    return ", ".join(sorted(n for n in (members or sent_by) if n)) or None
