"""Harvested OParl objects as tables: rows plus Frictionless Table Schemas in German.

Every table is keyed by the OParl `id` URL and linked by foreign keys (meeting ↔ agenda item
↔ paper ↔ consultation ↔ file, organization ↔ membership ↔ person). A reference to an object
that the harvest does not hold (withheld for privacy, deleted, or on another system) becomes
empty rather than a broken link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from pipelines.oparl import models, search
from pipelines.oparl.store import ObjectStore

FILE_ROLES = {
    "mainFile": "Hauptdokument",
    "auxiliaryFile": "Anlage",
    "invitation": "Einladung",
    "resultsProtocol": "Niederschrift",
    "verbatimProtocol": "Wortprotokoll",
    "resolutionFile": "Beschluss",
}


@dataclass
class Table:
    name: str
    title: str
    description: str
    schema: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    fts: list[str] = field(default_factory=list)
    indexes: list[list[str]] = field(default_factory=list)


def _field(name: str, type_: str, title: str, description: str, required: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": type_, "title": title, "description": description}
    if required:
        spec["constraints"] = {"required": True}
    return spec


ID = _field("id", "string", "OParl-ID", "Eindeutige Adresse (URL) des Objekts im Ratsinformationssystem", True)
MODIFIED = _field("modified", "datetime", "Zuletzt geändert", "Zeitpunkt der letzten Änderung im Ratsinformationssystem")
WEB = _field("web", "string", "Webseite", "Seite des Objekts im Ratsinformationssystem")


def _schema(fields: list[dict[str, Any]], references: dict[str, str]) -> dict[str, Any]:
    return {
        "fields": fields,
        "primaryKey": ["id"],
        "foreignKeys": [
            {"fields": column, "reference": {"resource": table, "fields": "id"}} for column, table in references.items()
        ],
    }


SCHEMAS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "oparl_body": ("Körperschaft", "Die Körperschaft (Stadt), deren Ratsinformationen veröffentlicht werden.", _schema([
        ID, _field("name", "string", "Name", "Offizieller Name der Körperschaft"),
        _field("short_name", "string", "Kurzname", "Kurzer Name"),
        _field("classification", "string", "Art", "Art der Körperschaft"),
        _field("ags", "string", "Gemeindeschlüssel", "Amtlicher Gemeindeschlüssel (8 Stellen)"),
        _field("rgs", "string", "Regionalschlüssel", "Regionalschlüssel (12 Stellen)"),
        _field("website", "string", "Website", "Website der Körperschaft"),
        _field("license", "string", "Lizenz", "Lizenz der Daten (URL)"),
        _field("longitude", "number", "Längengrad", "Lage (WGS84)"),
        _field("latitude", "number", "Breitengrad", "Lage (WGS84)"),
        WEB, MODIFIED], {})),
    "oparl_legislative_term": ("Wahlperioden", "Die Wahlperioden des Rates.", _schema([
        ID, _field("body", "string", "Körperschaft", "Körperschaft der Wahlperiode"),
        _field("name", "string", "Bezeichnung", "Bezeichnung der Wahlperiode"),
        _field("start_date", "date", "Beginn", "Erster Tag der Wahlperiode"),
        _field("end_date", "date", "Ende", "Letzter Tag der Wahlperiode"), MODIFIED],
        {"body": "oparl_body"})),
    "oparl_organization": ("Gremien und Fraktionen", "Rat, Ausschüsse, Fraktionen und andere Gruppierungen.", _schema([
        ID, _field("body", "string", "Körperschaft", "Körperschaft der Gruppierung"),
        _field("name", "string", "Name", "Name der Gruppierung"),
        _field("short_name", "string", "Kurzname", "Abkürzung"),
        _field("organization_type", "string", "Typ", "Gremium, Fraktion, Partei, Verwaltungsbereich …"),
        _field("classification", "string", "Art", "Genauere Art, z. B. Rat oder Ausschuss"),
        _field("start_date", "date", "Gründung", "Beginn der Gruppierung"),
        _field("end_date", "date", "Auflösung", "Ende der Gruppierung"),
        _field("website", "string", "Website", "Website der Gruppierung"), WEB, MODIFIED],
        {"body": "oparl_body"})),
    "oparl_person": ("Personen", "Ratsmitglieder und andere Personen in öffentlicher Funktion – nur Name, "
                     "Titel, Anrede und Fraktion, keine Kontaktdaten.", _schema([
        ID, _field("body", "string", "Körperschaft", "Körperschaft der Person"),
        _field("name", "string", "Name", "Vollständiger Name"),
        _field("family_name", "string", "Familienname", "Familienname"),
        _field("given_name", "string", "Vorname", "Vorname"),
        _field("title", "string", "Titel", "Akademischer Titel"),
        _field("form_of_address", "string", "Anrede", "Anrede"),
        _field("affix", "string", "Namenszusatz", "Namenszusatz"),
        _field("faction", "string", "Fraktion", "Aktuelle Fraktion oder Partei (aus den Mitgliedschaften)"),
        WEB, MODIFIED], {"body": "oparl_body"})),
    "oparl_membership": ("Mitgliedschaften", "Wer gehört welchem Gremium oder welcher Fraktion an, in welcher Rolle.", _schema([
        ID, _field("person", "string", "Person", "Mitglied"),
        _field("organization", "string", "Gruppierung", "Gremium oder Fraktion"),
        _field("role", "string", "Rolle", "Rolle, z. B. Vorsitz oder Mitglied"),
        _field("voting_right", "boolean", "Stimmrecht", "Hat die Person Stimmrecht?"),
        _field("start_date", "date", "Beginn", "Beginn der Mitgliedschaft"),
        _field("end_date", "date", "Ende", "Ende der Mitgliedschaft"),
        _field("on_behalf_of", "string", "Für", "Fraktion, für die die Person entsandt ist"), MODIFIED],
        {"person": "oparl_person", "organization": "oparl_organization", "on_behalf_of": "oparl_organization"})),
    "oparl_location": ("Orte", "Sitzungsorte und Orte, auf die sich Vorlagen beziehen (keine Privatadressen).", _schema([
        ID, _field("description", "string", "Beschreibung", "Beschreibung des Ortes"),
        _field("street_address", "string", "Straße", "Straße und Hausnummer"),
        _field("room", "string", "Raum", "Raum"),
        _field("postal_code", "string", "Postleitzahl", "Postleitzahl"),
        _field("locality", "string", "Ort", "Ort"),
        _field("sub_locality", "string", "Ortsteil", "Ortsteil"),
        _field("longitude", "number", "Längengrad", "Lage (WGS84)"),
        _field("latitude", "number", "Breitengrad", "Lage (WGS84)"), MODIFIED], {})),
    "oparl_meeting": ("Sitzungen", "Sitzungen des Rates und der Ausschüsse.", _schema([
        ID, _field("name", "string", "Name", "Bezeichnung der Sitzung"),
        _field("organization", "string", "Gremium", "Tagendes Gremium (das erste bei gemeinsamen Sitzungen)"),
        _field("meeting_state", "string", "Status", "Status, z. B. geplant, eingeladen, durchgeführt"),
        _field("cancelled", "boolean", "Abgesagt", "Wurde die Sitzung abgesagt?"),
        _field("start", "datetime", "Beginn", "Beginn der Sitzung"),
        _field("end", "datetime", "Ende", "Ende der Sitzung"),
        _field("location", "string", "Ort", "Sitzungsort"),
        _field("minutes_date", "date", "Niederschrift vom", "Datum der veröffentlichten Niederschrift (leer: noch keine)"),
        WEB, MODIFIED], {"organization": "oparl_organization", "location": "oparl_location"})),
    "oparl_paper": ("Vorlagen", "Drucksachen: Beschlussvorlagen, Mitteilungen, Anträge und Anfragen.", _schema([
        ID, _field("body", "string", "Körperschaft", "Körperschaft der Vorlage"),
        _field("reference", "string", "Drucksachennummer", "Aktenzeichen der Vorlage"),
        _field("name", "string", "Titel", "Titel der Vorlage"),
        _field("paper_type", "string", "Art", "Art der Vorlage"),
        _field("date", "date", "Datum", "Datum der Vorlage"),
        _field("under_direction_of", "string", "Federführung", "Federführendes Gremium oder Amt"),
        _field("originator_organization", "string", "Eingebracht von", "Fraktion oder Gremium, das die Vorlage eingebracht hat"),
        _field("search_text", "string", "Suchtext", "Titel und Text in vereinheitlichter Schreibweise (ß→ss, ü→ue) für die Volltextsuche"),
        WEB, MODIFIED],
        {"body": "oparl_body", "under_direction_of": "oparl_organization", "originator_organization": "oparl_organization"})),
    "oparl_agenda_item": ("Tagesordnungspunkte", "Öffentliche Tagesordnungspunkte der Sitzungen mit Ergebnis.", _schema([
        ID, _field("meeting", "string", "Sitzung", "Sitzung des Tagesordnungspunkts"),
        _field("sort_order", "integer", "Position", "Position in der Tagesordnung, ab 0"),
        _field("number", "string", "Nummer", "Gliederungsnummer, z. B. 4.1"),
        _field("name", "string", "Thema", "Thema des Tagesordnungspunkts"),
        _field("paper", "string", "Vorlage", "Beratene Vorlage"),
        _field("result", "string", "Ergebnis", "Ergebnis der Beratung"),
        _field("resolution_text", "string", "Beschlusstext", "Text des Beschlusses, wenn er von der Vorlage abweicht"),
        _field("start", "datetime", "Beginn", "Beginn des Tagesordnungspunkts"),
        _field("search_text", "string", "Suchtext", "Thema und Beschluss in vereinheitlichter Schreibweise für die Volltextsuche"),
        WEB, MODIFIED], {"meeting": "oparl_meeting", "paper": "oparl_paper"})),
    "oparl_consultation": ("Beratungen", "Beratungsfolge: welche Vorlage in welcher Sitzung beraten wurde oder wird.", _schema([
        ID, _field("paper", "string", "Vorlage", "Beratene Vorlage"),
        _field("meeting", "string", "Sitzung", "Sitzung der Beratung"),
        _field("agenda_item", "string", "Tagesordnungspunkt", "Tagesordnungspunkt der Beratung"),
        _field("organization", "string", "Gremium", "Beratendes Gremium (das erste ist federführend)"),
        _field("authoritative", "boolean", "Beschließend", "Wird hier abschließend entschieden?"),
        _field("role", "string", "Rolle", "z. B. Vorberatung, Entscheidung, Kenntnisnahme"), MODIFIED],
        {"paper": "oparl_paper", "meeting": "oparl_meeting", "agenda_item": "oparl_agenda_item",
         "organization": "oparl_organization"})),
    "oparl_file": ("Dokumente", "Metadaten und Links der öffentlichen Dokumente zu Vorlagen und Sitzungen.", _schema([
        ID, _field("name", "string", "Name", "Name des Dokuments"),
        _field("file_name", "string", "Dateiname", "Dateiname"),
        _field("mime_type", "string", "Dateityp", "MIME-Typ"),
        _field("date", "date", "Datum", "Datum des Dokuments"),
        _field("size", "integer", "Größe", "Größe in Bytes"),
        _field("role", "string", "Rolle", "Hauptdokument, Anlage, Einladung, Niederschrift …"),
        _field("paper", "string", "Vorlage", "Vorlage, zu der das Dokument gehört"),
        _field("meeting", "string", "Sitzung", "Sitzung, zu der das Dokument gehört"),
        _field("agenda_item", "string", "Tagesordnungspunkt", "Tagesordnungspunkt, zu dem das Dokument gehört"),
        _field("access_url", "string", "Zugriff", "Adresse zum Öffnen des Dokuments"),
        _field("download_url", "string", "Download", "Adresse zum Herunterladen"),
        _field("text", "string", "Text", "Textfassung des Dokuments, soweit vorhanden"), MODIFIED],
        {"paper": "oparl_paper", "meeting": "oparl_meeting", "agenda_item": "oparl_agenda_item"})),
}
FTS = {"oparl_paper": ["name", "reference", "search_text"], "oparl_agenda_item": ["name", "resolution_text", "search_text"]}
INDEXES = {
    "oparl_meeting": [["organization"], ["start"]],
    "oparl_agenda_item": [["meeting"], ["paper"]],
    "oparl_consultation": [["paper"], ["meeting"], ["organization"]],
    "oparl_file": [["paper"], ["meeting"], ["agenda_item"]],
    "oparl_membership": [["person"], ["organization"]],
    "oparl_paper": [["date"]],
}
# Tables in an order that loads referenced tables before those referring to them.
TABLE_ORDER = list(SCHEMAS)


def _first(value: Any) -> Optional[str]:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _date_part(value: Optional[str]) -> Optional[str]:
    return value[:10] if value else None


def build_tables(store: ObjectStore, today: Optional[dt.date] = None) -> list[Table]:
    """Rows for every OParl table from a harvested store, in TABLE_ORDER.

    References to objects not in the store are emptied so foreign keys always hold.
    """
    today = today or dt.date.today()
    known = {name: set() for name in SCHEMAS}
    type_table = {"Body": "oparl_body", "LegislativeTerm": "oparl_legislative_term", "Organization": "oparl_organization",
                  "Person": "oparl_person", "Membership": "oparl_membership", "Location": "oparl_location",
                  "Meeting": "oparl_meeting", "Paper": "oparl_paper", "AgendaItem": "oparl_agenda_item",
                  "Consultation": "oparl_consultation", "File": "oparl_file"}
    for stored in store.objects.values():
        if stored.type in type_table:
            known[type_table[stored.type]].add(stored.data["id"])

    def ref(table: str) -> Callable[[Any], Optional[str]]:
        return lambda value: value if (value := _first(value)) in known[table] else None

    body, org, person, location = ref("oparl_body"), ref("oparl_organization"), ref("oparl_person"), ref("oparl_location")
    meeting, paper, agenda_item = ref("oparl_meeting"), ref("oparl_paper"), ref("oparl_agenda_item")
    organizations = {o["id"]: o for o in store.of_type("Organization")}
    files = {f["id"]: f for f in store.of_type("File")}
    consultations = {c["id"]: c for c in store.of_type("Consultation")}
    memberships = list(store.of_type("Membership"))
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}

    def point(obj: dict[str, Any]) -> tuple[Optional[float], Optional[float]]:
        located = models.lon_lat(obj.get("geojson"))
        return located if located else (None, None)

    for b in store.of_type("Body"):
        loc = store.get(b.get("location", "")) if isinstance(b.get("location"), str) else None
        lon, lat = point(loc.data) if loc else (None, None)
        rows["oparl_body"].append({"id": b["id"], "name": b.get("name"), "short_name": b.get("shortName"),
                                   "classification": b.get("classification"), "ags": b.get("ags"), "rgs": b.get("rgs"),
                                   "website": b.get("website"), "license": b.get("license"), "longitude": lon,
                                   "latitude": lat, "web": b.get("web"), "modified": b.get("modified")})
    for t in store.of_type("LegislativeTerm"):
        rows["oparl_legislative_term"].append({"id": t["id"], "body": body(t.get("body")), "name": t.get("name"),
                                               "start_date": t.get("startDate"), "end_date": t.get("endDate"),
                                               "modified": t.get("modified")})
    for o in organizations.values():
        rows["oparl_organization"].append({"id": o["id"], "body": body(o.get("body")), "name": o.get("name"),
                                           "short_name": o.get("shortName"), "organization_type": o.get("organizationType"),
                                           "classification": o.get("classification"), "start_date": o.get("startDate"),
                                           "end_date": o.get("endDate"), "website": o.get("website"), "web": o.get("web"),
                                           "modified": o.get("modified")})
    for p in store.of_type("Person"):
        rows["oparl_person"].append({"id": p["id"], "body": body(p.get("body")), "name": p.get("name"),
                                     "family_name": p.get("familyName"), "given_name": p.get("givenName"),
                                     "title": " ".join(p.get("title", [])) or None, "form_of_address": p.get("formOfAddress"),
                                     "affix": p.get("affix"), "faction": _faction(p["id"], memberships, organizations, today),
                                     "web": p.get("web"), "modified": p.get("modified")})
    for m in memberships:
        rows["oparl_membership"].append({"id": m["id"], "person": person(m.get("person")), "organization": org(m.get("organization")),
                                         "role": m.get("role"), "voting_right": m.get("votingRight"),
                                         "start_date": m.get("startDate"), "end_date": m.get("endDate"),
                                         "on_behalf_of": org(m.get("onBehalfOf")), "modified": m.get("modified")})
    for loc in store.of_type("Location"):
        lon, lat = point(loc)
        rows["oparl_location"].append({"id": loc["id"], "description": loc.get("description"),
                                       "street_address": loc.get("streetAddress"), "room": loc.get("room"),
                                       "postal_code": loc.get("postalCode"), "locality": loc.get("locality"),
                                       "sub_locality": loc.get("subLocality"), "longitude": lon, "latitude": lat,
                                       "modified": loc.get("modified")})
    for mt in sorted(store.of_type("Meeting"), key=lambda m: (m.get("start") or "", m["id"])):
        minutes = files.get(mt.get("resultsProtocol", ""))
        rows["oparl_meeting"].append({"id": mt["id"], "name": mt.get("name"), "organization": org(mt.get("organization")),
                                      "meeting_state": mt.get("meetingState"), "cancelled": bool(mt.get("cancelled")),
                                      "start": mt.get("start"), "end": mt.get("end"), "location": location(mt.get("location")),
                                      "minutes_date": (minutes or {}).get("date") or _date_part((minutes or {}).get("created")),
                                      "web": mt.get("web"), "modified": mt.get("modified")})
    for pp in sorted(store.of_type("Paper"), key=lambda p: (p.get("date") or "", p["id"])):
        main_text = (files.get(pp.get("mainFile", "")) or {}).get("text")
        rows["oparl_paper"].append({"id": pp["id"], "body": body(pp.get("body")), "reference": pp.get("reference"),
                                    "name": pp.get("name"), "paper_type": pp.get("paperType"), "date": pp.get("date"),
                                    "under_direction_of": org(pp.get("underDirectionOf")),
                                    "originator_organization": org(pp.get("originatorOrganization")),
                                    "search_text": search.search_text(pp.get("name"), pp.get("reference"), main_text),
                                    "web": pp.get("web"), "modified": pp.get("modified")})
    for ai in sorted(store.of_type("AgendaItem"), key=lambda a: (a.get("meeting") or "", a.get("order") or 0)):
        consultation = consultations.get(ai.get("consultation", ""))
        rows["oparl_agenda_item"].append({"id": ai["id"], "meeting": meeting(ai.get("meeting")), "sort_order": ai.get("order"),
                                          "number": ai.get("number"), "name": ai.get("name"),
                                          "paper": paper((consultation or {}).get("paper")), "result": ai.get("result"),
                                          "resolution_text": ai.get("resolutionText"), "start": ai.get("start"),
                                          "search_text": search.search_text(ai.get("name"), ai.get("resolutionText")),
                                          "web": ai.get("web"), "modified": ai.get("modified")})
    for c in consultations.values():
        rows["oparl_consultation"].append({"id": c["id"], "paper": paper(c.get("paper")), "meeting": meeting(c.get("meeting")),
                                           "agenda_item": agenda_item(c.get("agendaItem")),
                                           "organization": org(c.get("organization")), "authoritative": c.get("authoritative"),
                                           "role": c.get("role"), "modified": c.get("modified")})
    for f in files.values():
        rows["oparl_file"].append({"id": f["id"], "name": f.get("name"), "file_name": f.get("fileName"),
                                   "mime_type": f.get("mimeType"), "date": f.get("date"), "size": f.get("size"),
                                   "role": FILE_ROLES.get(f.get("_role", ""), "Dokument"), "paper": paper(f.get("paper")),
                                   "meeting": meeting(f.get("meeting")), "agenda_item": agenda_item(f.get("agendaItem")),
                                   "access_url": f.get("accessUrl"), "download_url": f.get("downloadUrl"),
                                   "text": f.get("text"), "modified": f.get("modified")})
    return [Table(name, title, description, schema, rows[name], FTS.get(name, []), INDEXES.get(name, []))
            for name, (title, description, schema) in SCHEMAS.items()]


def _faction(person_id: str, memberships: Iterable[dict[str, Any]], organizations: dict[str, dict[str, Any]],
             today: dt.date) -> Optional[str]:
    """Names of the factions or parties a person belongs to today, joined by ", ".

    Members of a faction count first; a person sent to a committee on behalf of a faction
    (a "sachkundige Bürgerin") counts for that faction when they are no member of one.
    """
    members, sent_by = set(), set()
    for m in memberships:
        if m.get("person") != person_id or (m.get("endDate") and m["endDate"] < today.isoformat()):
            continue
        for target, key in ((members, "organization"), (sent_by, "onBehalfOf")):
            organization = organizations.get(m.get(key) or "")
            if organization and (organization.get("organizationType") or "").casefold() in ("fraktion", "partei"):
                target.add(organization.get("shortName") or organization.get("name"))
    return ", ".join(sorted(n for n in (members or sent_by) if n)) or None
