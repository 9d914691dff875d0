"""The Frictionless Table Schemas of the OParl tables, with German titles and descriptions.

Column names follow the OParl property names in snake case; every table has the OParl `id`
as primary key; foreign keys link meeting ↔ agenda item ↔ paper ↔ consultation ↔ file and
organization ↔ membership ↔ person.
"""

from __future__ import annotations

from typing import Any

FILE_ROLES = {
    "mainFile": "Hauptdokument",
    "auxiliaryFile": "Anlage",
    "invitation": "Einladung",
    "resultsProtocol": "Niederschrift",
    "verbatimProtocol": "Wortprotokoll",
    "resolutionFile": "Beschluss",
}


def _field(name: str, type_: str, title: str, description: str, required: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": type_, "title": title, "description": description}
    if required:
        spec["constraints"] = {"required": True}
    return spec


ID = _field("id", "string", "OParl-ID", "Eindeutige Adresse (URL) des Objekts im Ratsinformationssystem", True)
MODIFIED = _field(
    "modified", "datetime", "Zuletzt geändert", "Zeitpunkt der letzten Änderung im Ratsinformationssystem"
)
WEB = _field("web", "string", "Webseite", "Seite des Objekts im Ratsinformationssystem")


def _schema(fields: list[dict[str, Any]], references: dict[str, str]) -> dict[str, Any]:
    return {
        "fields": fields,
        "primaryKey": ["id"],
        "foreignKeys": [
            {"fields": [column], "reference": {"resource": table, "fields": ["id"]}}
            for column, table in references.items()
        ],
    }


SCHEMAS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "oparl_body": (
        "Körperschaft",
        "Die Körperschaft (Stadt), deren Ratsinformationen veröffentlicht werden.",
        _schema(
            [
                ID,
                _field("name", "string", "Name", "Offizieller Name der Körperschaft"),
                _field("short_name", "string", "Kurzname", "Kurzer Name"),
                _field("classification", "string", "Art", "Art der Körperschaft"),
                _field("ags", "string", "Gemeindeschlüssel", "Amtlicher Gemeindeschlüssel (8 Stellen)"),
                _field("rgs", "string", "Regionalschlüssel", "Regionalschlüssel (12 Stellen)"),
                _field("website", "string", "Website", "Website der Körperschaft"),
                _field("license", "string", "Lizenz", "Lizenz der Daten (URL)"),
                _field("longitude", "number", "Längengrad", "Lage (WGS84)"),
                _field("latitude", "number", "Breitengrad", "Lage (WGS84)"),
                WEB,
                MODIFIED,
            ],
            {},
        ),
    ),
    "oparl_legislative_term": (
        "Wahlperioden",
        "Die Wahlperioden des Rates.",
        _schema(
            [
                ID,
                _field("body", "string", "Körperschaft", "Körperschaft der Wahlperiode"),
                _field("name", "string", "Bezeichnung", "Bezeichnung der Wahlperiode"),
                _field("start_date", "date", "Beginn", "Erster Tag der Wahlperiode"),
                _field("end_date", "date", "Ende", "Letzter Tag der Wahlperiode"),
                MODIFIED,
            ],
            {"body": "oparl_body"},
        ),
    ),
    "oparl_organization": (
        "Gremien und Fraktionen",
        "Rat, Ausschüsse, Fraktionen und andere Gruppierungen.",
        _schema(
            [
                ID,
                _field("body", "string", "Körperschaft", "Körperschaft der Gruppierung"),
                _field("name", "string", "Name", "Name der Gruppierung"),
                _field("short_name", "string", "Kurzname", "Abkürzung"),
                _field("organization_type", "string", "Typ", "Gremium, Fraktion, Partei, Verwaltungsbereich …"),
                _field("classification", "string", "Art", "Genauere Art, z. B. Rat oder Ausschuss"),
                _field("start_date", "date", "Gründung", "Beginn der Gruppierung"),
                _field("end_date", "date", "Auflösung", "Ende der Gruppierung"),
                _field("website", "string", "Website", "Website der Gruppierung"),
                WEB,
                MODIFIED,
            ],
            {"body": "oparl_body"},
        ),
    ),
    "oparl_person": (
        "Personen",
        "Ratsmitglieder und andere Personen in öffentlicher Funktion – nur Name, "
        "Titel, Anrede und Fraktion, keine Kontaktdaten.",
        _schema(
            [
                ID,
                _field("body", "string", "Körperschaft", "Körperschaft der Person"),
                _field("name", "string", "Name", "Vollständiger Name"),
                _field("family_name", "string", "Familienname", "Familienname"),
                _field("given_name", "string", "Vorname", "Vorname"),
                _field("title", "string", "Titel", "Akademischer Titel"),
                _field("form_of_address", "string", "Anrede", "Anrede"),
                _field("affix", "string", "Namenszusatz", "Namenszusatz"),
                _field("faction", "string", "Fraktion", "Aktuelle Fraktion oder Partei (aus den Mitgliedschaften)"),
                WEB,
                MODIFIED,
            ],
            {"body": "oparl_body"},
        ),
    ),
    "oparl_membership": (
        "Mitgliedschaften",
        "Wer gehört welchem Gremium oder welcher Fraktion an, in welcher Rolle.",
        _schema(
            [
                ID,
                _field("person", "string", "Person", "Mitglied"),
                _field("organization", "string", "Gruppierung", "Gremium oder Fraktion"),
                _field("role", "string", "Rolle", "Rolle, z. B. Vorsitz oder Mitglied"),
                _field("voting_right", "boolean", "Stimmrecht", "Hat die Person Stimmrecht?"),
                _field("start_date", "date", "Beginn", "Beginn der Mitgliedschaft"),
                _field("end_date", "date", "Ende", "Ende der Mitgliedschaft"),
                _field("on_behalf_of", "string", "Für", "Fraktion, für die die Person entsandt ist"),
                MODIFIED,
            ],
            {"person": "oparl_person", "organization": "oparl_organization", "on_behalf_of": "oparl_organization"},
        ),
    ),
    "oparl_meeting_participant": (
        "Teilnahmen an Sitzungen",
        "Wer an einer Sitzung teilgenommen hat, soweit das Ratsinformationssystem es meldet (OParl participant).",
        _schema(
            [
                _field("id", "string", "Kennung", "Sitzung und Person (OParl-IDs, durch Leerzeichen getrennt)", True),
                _field("meeting", "string", "Sitzung", "Sitzung"),
                _field("person", "string", "Person", "Teilnehmende Person"),
            ],
            {"meeting": "oparl_meeting", "person": "oparl_person"},
        ),
    ),
    "oparl_location": (
        "Orte",
        "Sitzungsorte und Orte, auf die sich Vorlagen beziehen (keine Privatadressen).",
        _schema(
            [
                ID,
                _field("description", "string", "Beschreibung", "Beschreibung des Ortes"),
                _field("street_address", "string", "Straße", "Straße und Hausnummer"),
                _field("room", "string", "Raum", "Raum"),
                _field("postal_code", "string", "Postleitzahl", "Postleitzahl"),
                _field("locality", "string", "Ort", "Ort"),
                _field("sub_locality", "string", "Ortsteil", "Ortsteil"),
                _field("longitude", "number", "Längengrad", "Lage (WGS84)"),
                _field("latitude", "number", "Breitengrad", "Lage (WGS84)"),
                MODIFIED,
            ],
            {},
        ),
    ),
    "oparl_meeting": (
        "Sitzungen",
        "Sitzungen des Rates und der Ausschüsse.",
        _schema(
            [
                ID,
                _field("name", "string", "Name", "Bezeichnung der Sitzung"),
                _field("organization", "string", "Gremium", "Tagendes Gremium (das erste bei gemeinsamen Sitzungen)"),
                _field("meeting_state", "string", "Status", "Status, z. B. geplant, eingeladen, durchgeführt"),
                _field("cancelled", "boolean", "Abgesagt", "Wurde die Sitzung abgesagt?"),
                _field("start", "datetime", "Beginn", "Beginn der Sitzung"),
                _field("end", "datetime", "Ende", "Ende der Sitzung"),
                _field("location", "string", "Ort", "Sitzungsort"),
                _field(
                    "minutes_date",
                    "date",
                    "Niederschrift vom",
                    "Datum der veröffentlichten Niederschrift (leer: noch keine)",
                ),
                WEB,
                MODIFIED,
            ],
            {"organization": "oparl_organization", "location": "oparl_location"},
        ),
    ),
    "oparl_paper": (
        "Vorlagen",
        "Drucksachen: Beschlussvorlagen, Mitteilungen, Anträge und Anfragen.",
        _schema(
            [
                ID,
                _field("body", "string", "Körperschaft", "Körperschaft der Vorlage"),
                _field("reference", "string", "Drucksachennummer", "Aktenzeichen der Vorlage"),
                _field("name", "string", "Titel", "Titel der Vorlage"),
                _field("paper_type", "string", "Art", "Art der Vorlage"),
                _field("date", "date", "Datum", "Datum der Vorlage"),
                _field("under_direction_of", "string", "Federführung", "Federführendes Gremium oder Amt"),
                _field(
                    "originator_organization",
                    "string",
                    "Eingebracht von",
                    "Fraktion oder Gremium, das die Vorlage eingebracht hat",
                ),
                _field(
                    "search_text",
                    "string",
                    "Suchtext",
                    "Titel und Drucksachennummer in vereinheitlichter Schreibweise (ß→ss, ü→ue) für die "
                    "Volltextsuche (die Texte der Dokumente durchsucht die Tabelle Dokumente)",
                ),
                WEB,
                MODIFIED,
            ],
            {
                "body": "oparl_body",
                "under_direction_of": "oparl_organization",
                "originator_organization": "oparl_organization",
            },
        ),
    ),
    "oparl_agenda_item": (
        "Tagesordnungspunkte",
        "Öffentliche Tagesordnungspunkte der Sitzungen mit Ergebnis.",
        _schema(
            [
                ID,
                _field("meeting", "string", "Sitzung", "Sitzung des Tagesordnungspunkts"),
                _field("sort_order", "integer", "Position", "Position in der Tagesordnung, ab 0"),
                _field("number", "string", "Nummer", "Gliederungsnummer, z. B. 4.1"),
                _field("name", "string", "Thema", "Thema des Tagesordnungspunkts"),
                _field("paper", "string", "Vorlage", "Beratene Vorlage"),
                _field("result", "string", "Ergebnis", "Ergebnis der Beratung"),
                _field(
                    "resolution_text",
                    "string",
                    "Beschlusstext",
                    "Text des Beschlusses, wenn er von der Vorlage abweicht",
                ),
                _field("start", "datetime", "Beginn", "Beginn des Tagesordnungspunkts"),
                _field(
                    "search_text",
                    "string",
                    "Suchtext",
                    "Thema und Beschluss in vereinheitlichter Schreibweise für die Volltextsuche",
                ),
                WEB,
                MODIFIED,
            ],
            {"meeting": "oparl_meeting", "paper": "oparl_paper"},
        ),
    ),
    "oparl_consultation": (
        "Beratungen",
        "Beratungsfolge: welche Vorlage in welcher Sitzung beraten wurde oder wird.",
        _schema(
            [
                ID,
                _field("paper", "string", "Vorlage", "Beratene Vorlage"),
                _field("meeting", "string", "Sitzung", "Sitzung der Beratung"),
                _field("agenda_item", "string", "Tagesordnungspunkt", "Tagesordnungspunkt der Beratung"),
                _field("organization", "string", "Gremium", "Beratendes Gremium (das erste ist federführend)"),
                _field("authoritative", "boolean", "Beschließend", "Wird hier abschließend entschieden?"),
                _field("role", "string", "Rolle", "z. B. Vorberatung, Entscheidung, Kenntnisnahme"),
                MODIFIED,
            ],
            {
                "paper": "oparl_paper",
                "meeting": "oparl_meeting",
                "agenda_item": "oparl_agenda_item",
                "organization": "oparl_organization",
            },
        ),
    ),
    "oparl_file": (
        "Dokumente",
        "Metadaten, Links und Text der öffentlichen Dokumente zu Vorlagen und Sitzungen.",
        _schema(
            [
                ID,
                _field("name", "string", "Name", "Name des Dokuments"),
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
                _field(
                    "text",
                    "string",
                    "Text",
                    "Text des Dokuments: vom Ratsinformationssystem geliefert oder aus der Textebene der PDF-Datei "
                    "gelesen (gekürzt auf die eingestellte Höchstlänge)",
                ),
                _field(
                    "text_source",
                    "string",
                    "Herkunft des Textes",
                    "Ratsinformationssystem, PDF-Textebene oder Texterkennung; leer: kein Text",
                ),
                _field(
                    "search_text",
                    "string",
                    "Suchtext",
                    "Name und Text in vereinheitlichter Schreibweise (ß→ss, ü→ue) für die Volltextsuche",
                ),
                MODIFIED,
            ],
            {"paper": "oparl_paper", "meeting": "oparl_meeting", "agenda_item": "oparl_agenda_item"},
        ),
    ),
}
FTS = {
    "oparl_paper": ["name", "reference", "search_text"],
    "oparl_agenda_item": ["name", "resolution_text", "search_text"],
    "oparl_file": ["name", "search_text"],
}
# Offered as facets in Datasette (and indexed there by the publisher).
FACETS = {
    "oparl_meeting": ["organization", "meeting_state"],
    "oparl_paper": ["paper_type", "under_direction_of"],
    "oparl_agenda_item": ["result"],
    "oparl_consultation": ["organization", "role"],
    "oparl_file": ["role", "mime_type", "text_source"],
    "oparl_membership": ["organization", "role"],
    "oparl_person": ["faction"],
    "oparl_organization": ["organization_type"],
}
INDEXES = {
    "oparl_meeting": [["organization"], ["start"]],
    "oparl_agenda_item": [["meeting"], ["paper"]],
    "oparl_consultation": [["paper"], ["meeting"], ["organization"]],
    "oparl_file": [["paper"], ["meeting"], ["agenda_item"]],
    "oparl_membership": [["person"], ["organization"]],
    "oparl_meeting_participant": [["meeting"], ["person"]],
    "oparl_paper": [["date"]],
}
