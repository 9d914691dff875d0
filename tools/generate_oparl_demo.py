"""Generate the bundled demo: a recorded OParl 1.1 system of the town of Werne (synthetic).

    python tools/generate_oparl_demo.py [--out datasets/ratsinformation/sample] [--seed 2026]

The output is deterministic for a seed (no wall clock): the recording is dated 2026-11-25,
meetings run from January 2025 to December 2026, so some lie in the future. All persons,
papers and texts are invented. Papers mention exactly the development plans that the
geodata demo marks as discussed in council (B-Plan 23, 42, 45, 51, 53 and the 27th change of
the land-use plan), in the usual German ways, plus other numbers that are NOT plan references
("Haushaltssatzung 2025", "TOP 4", "Drucksache Nr. 123/2025"). Some persons carry private phone
numbers, e-mail and home addresses and a few agenda items are non-public, so that the
privacy filter has something to remove.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path
from zoneinfo import ZoneInfo

BASE = "https://ratsinfo.werne.example/oparl/v1.1"
SCHEMA = "https://schema.oparl.org/1.1/"
BERLIN = ZoneInfo("Europe/Berlin")
RECORDED = dt.datetime(2026, 11, 25, 6, 0, tzinfo=BERLIN)
BODY_ID = f"{BASE}/body/1"
LICENSE = "https://www.govdata.de/dl-de/by-2-0"
TERM_OLD = f"{BASE}/legislativeterm/1"
TERM_NEW = f"{BASE}/legislativeterm/2"
NEW_TERM_START = dt.date(2025, 11, 1)

GIVEN_F = ["Anna", "Birgit", "Claudia", "Daniela", "Elke", "Franziska", "Gabriele", "Heike", "Ines", "Julia",
           "Karin", "Laura", "Martina", "Nicole", "Petra", "Sabine", "Tanja", "Ulrike", "Vanessa", "Yvonne"]
GIVEN_M = ["Andreas", "Bernd", "Christian", "Dirk", "Frank", "Georg", "Heinz", "Jens", "Klaus", "Lars",
           "Markus", "Norbert", "Oliver", "Peter", "Ralf", "Stefan", "Thomas", "Uwe", "Volker", "Wolfgang"]
FAMILY = ["Schulte", "Brinkmann", "Hölscher", "Wessel", "Overbeck", "Kemper", "Terhorst", "Lohmann",
          "Schröer", "Heitkamp", "Niehues", "Große-Wilde", "Böckmann", "Rüther", "Pieper", "Averbeck",
          "Kortmann", "Lüdinghaus", "Tenbrock", "Wiewel", "Hüser", "Beckmann", "Suermann", "Kötter",
          "Möllmann", "Osterhaus", "Reckers", "Stratmann", "Vennemann", "Westhoff", "Zurmühlen", "Eickholt",
          "Gausepohl", "Hessling", "Jasper", "Krampe", "Lammers", "Nordhoff", "Pöppelmann", "Rottmann"]

FACTIONS = [("CDU", "CDU-Fraktion im Rat der Stadt Werne", 12), ("SPD", "SPD-Fraktion im Rat der Stadt Werne", 10),
            ("GRÜNE", "Fraktion Bündnis 90/Die Grünen", 6), ("FDP", "FDP-Fraktion", 3),
            ("FW", "Fraktion Freie Wähler Werne", 3), ("LINKE", "Gruppe Die Linke", 2)]
COMMITTEES = [  # short name, name, meetings per year, topics
    ("HFA", "Haupt- und Finanzausschuss", 8, "finance"),
    ("ASP", "Ausschuss für Stadtentwicklung und Planung", 6, "planning"),
    ("AKU", "Ausschuss für Klima, Umwelt und Mobilität", 5, "environment"),
    ("ABS", "Betriebsausschuss Kommunalbetrieb Werne", 5, "services"),
    ("ASK", "Ausschuss für Schule, Sport und Kultur", 5, "school"),
    ("ASF", "Ausschuss für Soziales, Familie und Senioren", 5, "social"),
    ("RPA", "Rechnungsprüfungsausschuss", 3, "audit"),
    ("ADO", "Ausschuss für Digitalisierung und Ordnung", 4, "digital"),
]
COUNCIL = ("RAT", "Rat der Stadt Werne", 8)

TOPICS = {
    "finance": ["Haushaltssatzung {year} und Haushaltsplan {year}", "Jahresabschluss {prev} der Stadt Werne",
                "Überplanmäßige Aufwendungen für die Unterhaltung der Straßen", "Finanzbericht zum 30.06.{year}",
                "Änderung der Hebesätze der Grundsteuer", "Beteiligungsbericht {prev}",
                "Förderprogramm Städtebauförderung – Eigenanteil der Stadt"],
    "planning": ["Sanierung der Straßen im Ortsteil Stockum – Ausbauprogramm {year}",
                 "Städtebauliches Entwicklungskonzept Langern", "Wohnraumbedarfsanalyse für Werne",
                 "Gestaltung des Marktplatzes – Ergebnisse der Bürgerwerkstatt", "Baulückenkataster – Fortschreibung",
                 "Straßenbenennung im Neubaugebiet Evenkamp"],
    "environment": ["Klimaschutzkonzept – Umsetzungsbericht {year}", "Radverkehrskonzept: Radwege an Kreisstraßen",
                    "Baumschutzsatzung – Neufassung", "Kommunale Wärmeplanung – Zwischenbericht",
                    "Straßenbeleuchtung: Umrüstung auf LED", "Hochwasserschutz an der Lippe"],
    "services": ["Sperrmüllabfuhr auf Abruf – Online-Anmeldung", "Abfallgebührensatzung {year}",
                 "Straßenreinigungsgebühren {year}", "Wirtschaftsplan des Kommunalbetriebs {year}",
                 "Winterdienst auf Gehwegen und Straßen", "Neue Wertstoffhöfe und Öffnungszeiten"],
    "school": ["Schulentwicklungsplan {year}–{next}", "Offener Ganztag an Grundschulen – Platzbedarf",
               "Sanierung der Sporthalle am Gymnasium St. Christophorus", "Förderung der Musikschule",
               "Digitalpakt Schule – Ausstattung mit Tablets", "Sportstättenbedarfsplan"],
    "social": ["Kita-Bedarfsplanung {year}/{next}", "Seniorenbeirat – Tätigkeitsbericht",
               "Unterbringung von Geflüchteten – Sachstand", "Quartiersarbeit in Werne-Nord",
               "Bezahlbarer Wohnraum – Förderrichtlinie", "Familienbüro: Jahresbericht {prev}"],
    "audit": ["Prüfbericht zum Jahresabschluss {prev}", "Prüfungsplan der örtlichen Rechnungsprüfung {year}",
              "Bericht über die Prüfung der Vergaben {prev}"],
    "digital": ["Online-Zugangsgesetz: Stand der digitalen Verwaltungsleistungen",
                "Einführung der E-Akte in der Stadtverwaltung", "Sicherheit und Ordnung auf dem Kirmesplatz",
                "Freies WLAN in öffentlichen Gebäuden", "Ratsinformationssystem: Offene Daten über OParl"],
}
ANTRAG_TOPICS = ["Tempo 30 vor Schulen und Kitas", "Mehr Sitzbänke an Spazierwegen", "Trinkwasserbrunnen auf dem Marktplatz",
                 "Sperrmüll-Sammeltage in den Ortsteilen", "Prüfung eines Bürgerbusses nach Stockum",
                 "Beleuchtung der Straßen am Solebad", "Blühstreifen an städtischen Flächen", "Jugendforum Werne"]

# Development plans that council papers mention (see the shared plan table): number, name,
# papers as (year, month, committee path, title suffix, paper type, text).
PLAN_PAPERS = [
    (2025, 3, ["ASP"], "Bebauungsplan Nr. 23 „Gewerbegebiet Wahrbrink“ – Bericht zur Vermarktung der Restflächen",
     "Mitteilungsvorlage", "Der Bebauungsplan Nr. 23 „Gewerbegebiet Wahrbrink“ ist rechtskräftig. Die Verwaltung berichtet über die Vermarktung der verbliebenen Gewerbeflächen."),
    (2025, 5, ["ASP", "HFA", "RAT"], "Bebauungsplan Nr. 42 „Wohnen am Hagen“ – Aufstellungsbeschluss",
     "Beschlussvorlage", "Der Rat beschließt die Aufstellung des Bebauungsplans Nr. 42 „Wohnen am Hagen“ für rund 120 Wohneinheiten."),
    (2026, 6, ["ASP", "RAT"], "B-Plan Nr. 42 „Wohnen am Hagen“ – Beschluss zur öffentlichen Auslegung (Offenlage)",
     "Beschlussvorlage", "Der Entwurf des B-Plans Nr. 42 wird mit Begründung und Umweltbericht öffentlich ausgelegt."),
    (2026, 2, ["ASP", "RAT"], "Bebauungsplan Nr. 45 „Holthausen Dorfmitte“ – Aufstellungsbeschluss und frühzeitige Beteiligung",
     "Beschlussvorlage", "Für den Bebauungsplan Nr. 45 „Holthausen Dorfmitte“ wird die frühzeitige Beteiligung der Öffentlichkeit und der Behörden durchgeführt."),
    (2026, 6, ["AKU", "ASP", "RAT"], "Bebauungsplan Nr. 51 „Solarpark Langern“ – Aufstellungsbeschluss",
     "Beschlussvorlage", "Der Rat beschließt die Aufstellung des Bebauungsplans Nr. 51 „Solarpark Langern“ für eine Freiflächen-Photovoltaikanlage."),
    (2025, 9, ["ASP", "RAT"], "Bebauungsplan Nr. 53 „Kita Evenkamp“ – Aufstellungsbeschluss",
     "Beschlussvorlage", "Für den Neubau einer viergruppigen Kindertageseinrichtung wird der Bebauungsplan Nr. 53 „Kita Evenkamp“ aufgestellt."),
    (2026, 4, ["ASP", "HFA", "RAT"], "B-Plan Nr. 53 Kita Evenkamp – Satzungsbeschluss",
     "Beschlussvorlage", "Der Bebauungsplan Nr. 53 „Kita Evenkamp“ wird als Satzung beschlossen."),
    (2026, 5, ["AKU", "ASP", "RAT"], "27. Änderung des Flächennutzungsplans „Windenergie Horst“ – Beschluss zur Offenlage",
     "Beschlussvorlage", "Der Entwurf der 27. Änderung des Flächennutzungsplans „Windenergie Horst“ wird öffentlich ausgelegt."),
]
NON_PUBLIC_ITEMS = [
    ("Grundstücksangelegenheit: Verkauf einer Teilfläche Flurstück 4711 an die Fa. Beispielbau",
     "Der Verkauf an die Fa. Beispielbau zum Preis von 412.000 Euro wird beschlossen."),
    ("Personalangelegenheit: Besetzung der Stelle Leitung Kämmerei", "Frau Vertraulich-Mustermann wird eingestellt."),
    ("Vergabe Bauleistungen Los 7 Rathausdach – Bieterreihenfolge", "Zuschlag an Bieter Dachbau Geheim GmbH."),
    ("Rechtsstreit Stadt Werne ./. Mustermann Immobilien – Vergleichsangebot", "Der Vergleich über 58.500 Euro wird angenommen."),
    ("Grundstücksangelegenheit: Vorkaufsrecht Gemarkung Stockum Flur 12", "Das Vorkaufsrecht wird nicht ausgeübt."),
    ("Personalangelegenheit: Höhergruppierung im Bauamt", "Zugestimmt."),
]
PRIVATE_CONTACTS = [  # (person index, phone, e-mail, street, postal code)
    (2, "02389 555-0173", "h.privat0173@mailbox.example", "Amselweg 7"),
    (5, "0171 5550199", "familie.fasan@posteo.example", "Fasanenweg 3"),
    (11, "02389 555-0144", "k.drossel@web.example", "Drosselstieg 12"),
    (17, "0152 5550123", "ratsmitglied.zaunkoenig@gmx.example", "Zaunkönigweg 21"),
    (23, "02389 555-0166", "meisenhof@t-online.example", "Meisenhof 9"),
    (31, "0160 5550111", "stieglitz.privat@mail.example", "Stieglitzpfad 4"),
]


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(BERLIN).isoformat()


class Generator:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.counters: dict[str, int] = {}
        self.organizations: list[dict] = []
        self.persons: list[dict] = []
        self.meetings: list[dict] = []
        self.papers: list[dict] = []
        self.by_short: dict[str, dict] = {}
        self.meetings_by_org: dict[str, list[dict]] = {}
        self.references: dict[int, int] = {}  # running paper number per year

    def new_id(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 1000 if kind != "body" else 0) + 1
        return f"{BASE}/{kind}/{self.counters[kind]}"

    def stamp(self, obj: dict, created: dt.datetime, modified: dt.datetime | None = None) -> dict:
        obj["created"] = iso(created)
        obj["modified"] = iso(min(modified or created, RECORDED))
        return obj

    # --- organisations and persons ------------------------------------------------------------
    def organization(self, short: str, name: str, org_type: str, classification: str) -> dict:
        org = {"id": self.new_id("organization"), "type": SCHEMA + "Organization", "body": BODY_ID,
               "name": name, "shortName": short, "organizationType": org_type, "classification": classification,
               "startDate": "2020-11-01", "meeting": None, "membership": []}
        org["meeting"] = f"{org['id']}/meetings"
        self.stamp(org, dt.datetime(2020, 11, 2, 9, 0, tzinfo=BERLIN), dt.datetime(2025, 11, 3, 10, 0, tzinfo=BERLIN))
        self.organizations.append(org)
        self.by_short[short] = org
        return org

    def build_organizations(self) -> None:
        self.organization(COUNCIL[0], COUNCIL[1], "Gremium", "Rat")
        for short, name, _, _ in COMMITTEES:
            self.organization(short, name, "Gremium", "Ausschuss")
        for short, name, _ in FACTIONS:
            self.organization(short, name, "Fraktion", "Fraktion")

    def membership(self, person: dict, org: dict, role: str, start: str, voting: bool = True, on_behalf: dict | None = None) -> dict:
        membership = {"id": self.new_id("membership"), "type": SCHEMA + "Membership",
                      "organization": org["id"], "role": role, "votingRight": voting, "startDate": start}
        if on_behalf is not None:
            membership["onBehalfOf"] = on_behalf["id"]
        self.stamp(membership, dt.datetime(2020, 11, 2, 9, 0, tzinfo=BERLIN))
        person["membership"].append(membership)
        org["membership"].append(membership["id"])
        return membership

    def build_persons(self) -> None:
        families = self.random.sample(FAMILY, 40)
        seats = [faction for faction in FACTIONS for _ in range(faction[2])]
        committee_orgs = [self.by_short[c[0]] for c in COMMITTEES]
        for index in range(40):
            female = self.random.random() < 0.45
            given = self.random.choice(GIVEN_F if female else GIVEN_M)
            family = families[index]
            title = ["Dr."] if self.random.random() < 0.12 else []
            name = " ".join([*title, given, family])
            person = {"id": self.new_id("person"), "type": SCHEMA + "Person", "body": BODY_ID, "name": name,
                      "familyName": family, "givenName": given, "formOfAddress": "Frau" if female else "Herr",
                      "gender": "female" if female else "male", "membership": []}
            if title:
                person["title"] = title
            if index == 0:
                person["status"] = ["Bürgermeister" if not female else "Bürgermeisterin"]
                self.membership(person, self.by_short["RAT"], "Vorsitz", "2020-11-01")
                self.membership(person, self.by_short["HFA"], "Vorsitz", "2020-11-01")
            elif index <= len(seats):
                short, _, _ = seats[index - 1]
                faction = self.by_short[short]
                person["status"] = ["Ratsmitglied"]
                start = "2020-11-01" if index % 9 else NEW_TERM_START.isoformat()
                self.membership(person, self.by_short["RAT"], "Mitglied", start, on_behalf=faction)
                self.membership(person, faction, "Fraktionsvorsitz" if seats.index(seats[index - 1]) == index - 1 else "Mitglied", start)
                for committee in self.random.sample(committee_orgs, 2 + (index % 2)):
                    self.membership(person, committee, "Mitglied", start, on_behalf=faction)
            else:
                person["status"] = ["Sachkundige Bürgerin" if female else "Sachkundiger Bürger"]
                faction = self.by_short[self.random.choice(FACTIONS)[0]]
                self.membership(person, self.random.choice(committee_orgs), "Sachkundige/r Bürger/in", "2020-11-01",
                                voting=False, on_behalf=faction)
            self.stamp(person, dt.datetime(2020, 11, 2, 9, 0, tzinfo=BERLIN),
                       dt.datetime(2025, 11, 3, 10, 0, tzinfo=BERLIN) + dt.timedelta(hours=index))
            self.persons.append(person)
        for index, phone, email, street in PRIVATE_CONTACTS:
            person = self.persons[index]
            person["phone"] = [phone]
            person["email"] = [email]
            location_id = self.new_id("location")
            person["location"] = location_id
            person["locationObject"] = self.stamp({
                "id": location_id, "type": SCHEMA + "Location", "streetAddress": street, "postalCode": "59368",
                "locality": "Werne", "persons": [person["id"]]}, dt.datetime(2020, 11, 2, 9, 0, tzinfo=BERLIN))
            person["life"] = f"Wohnhaft in der {street}, Werne. Privat erreichbar unter {phone}."
        # committee chairs
        for committee in committee_orgs:
            members = [p for p in self.persons[1:] if any(m["organization"] == committee["id"] for m in p["membership"])]
            if members:
                chair = self.random.choice(members)
                for m in chair["membership"]:
                    if m["organization"] == committee["id"]:
                        m["role"] = "Vorsitz"

    # --- meetings --------------------------------------------------------------------------------
    def build_meetings(self) -> None:
        self.town_hall = self.stamp({
            "id": self.new_id("location"), "type": SCHEMA + "Location",
            "description": "Rathaus Werne, Ratssaal", "streetAddress": "Konrad-Adenauer-Platz 1", "room": "Ratssaal",
            "postalCode": "59368", "locality": "Werne",
            "geojson": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.6338, 51.6631]},
                        "properties": {"name": "Rathaus Werne"}}}, dt.datetime(2020, 1, 1, tzinfo=BERLIN))
        self.meeting_room = self.stamp({
            "id": self.new_id("location"), "type": SCHEMA + "Location",
            "description": "Rathaus Werne, Sitzungsraum 1", "streetAddress": "Konrad-Adenauer-Platz 1",
            "room": "Sitzungsraum 1", "postalCode": "59368", "locality": "Werne",
            "geojson": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.6340, 51.6629]},
                        "properties": {"name": "Rathaus Werne"}}}, dt.datetime(2020, 1, 1, tzinfo=BERLIN))
        plans = [(COUNCIL[0], COUNCIL[2])] + [(c[0], c[2]) for c in COMMITTEES]
        for short, per_year in plans:
            org = self.by_short[short]
            number = 0
            for year in (2025, 2026):
                months = sorted(self.random.sample(range(1, 13), per_year)) if per_year < 11 else list(range(1, 13))
                if year == 2026 and 12 not in months:
                    # every body meets once more before the recording's year ends: upcoming meetings
                    months = sorted(months[1:] + [12])
                for month in months:
                    if year == 2025 and month in (10,) and short != "RAT":
                        continue  # local elections: committees pause
                    number += 1
                    day = self.random.randint(3, 24)
                    start = dt.datetime(year, month, day, 17 if short != "RAT" else 18, 0, tzinfo=BERLIN)
                    while start.weekday() >= 4:
                        start += dt.timedelta(days=1)
                    self.add_meeting(org, start, number)
        self.meetings.sort(key=lambda m: m["start"])

    def add_meeting(self, org: dict, start: dt.datetime, number: int) -> dict:
        now = RECORDED
        cancelled = self.random.random() < 0.03
        meeting = {"id": self.new_id("meeting"), "type": SCHEMA + "Meeting",
                   "name": f"{number}. Sitzung des {org['name'].replace('Rat der', 'Rates der').replace('Ausschuss', 'Ausschusses').replace('ausschuss', 'ausschusses')}",
                   "meetingState": "abgesagt" if cancelled else ("durchgeführt" if start < now else
                                                                  ("eingeladen" if start - now < dt.timedelta(days=21) else "geplant")),
                   "cancelled": cancelled,
                   "start": iso(start), "end": iso(start + dt.timedelta(hours=2 if org["shortName"] != "RAT" else 3)),
                   "location": self.town_hall if org["shortName"] == "RAT" else self.meeting_room,
                   "organization": [org["id"]], "agendaItem": [], "auxiliaryFile": []}
        meeting["_start"] = start
        if start - now < dt.timedelta(days=14):
            invited = start - dt.timedelta(days=10)
            meeting["invitation"] = self.file("Einladung", f"einladung-{self.counters['meeting']}.pdf", invited,
                                              f"Einladung zur {meeting['name']} am {start:%d.%m.%Y} um {start:%H:%M} Uhr.")
        self.stamp(meeting, start - dt.timedelta(days=30), start - dt.timedelta(days=10))
        self.meetings.append(meeting)
        self.meetings_by_org.setdefault(org["shortName"], []).append(meeting)
        return meeting

    def file(self, name: str, file_name: str, date: dt.datetime, text: str | None = None, mime: str = "application/pdf") -> dict:
        file_id = self.new_id("file")
        number = file_id.rsplit("/", 1)[1]
        file = {"id": file_id, "type": SCHEMA + "File", "name": name, "fileName": file_name, "mimeType": mime,
                "date": date.date().isoformat(), "size": self.random.randint(40_000, 2_400_000),
                "accessUrl": f"{BASE}/file/{number}/access", "downloadUrl": f"{BASE}/file/{number}/download",
                "fileLicense": LICENSE}
        if text:
            file["text"] = text
        return self.stamp(file, date)

    # --- papers and their consultations --------------------------------------------------------
    def next_meeting(self, short: str, after: dt.datetime) -> dict | None:
        for meeting in self.meetings_by_org.get(short, []):
            if meeting["_start"] > after and not meeting["cancelled"]:
                return meeting
        return None

    def add_paper(self, title: str, paper_type: str, date: dt.datetime, path: list[str], text: str,
                  originator: dict | None = None, agreed: bool = False) -> dict:
        """A paper with its consultations along `path`; `agreed` makes every vote pass
        (development plans must reach the state the shared plan table gives them)."""
        paper_id = self.new_id("paper")
        self.references[date.year] = self.references.get(date.year, 0) + 1
        reference = f"{self.references[date.year]:03d}/{date.year}"
        paper = {"id": paper_id, "type": SCHEMA + "Paper", "body": BODY_ID, "name": title, "reference": reference,
                 "date": date.date().isoformat(), "paperType": paper_type, "consultation": [], "auxiliaryFile": []}
        if originator is not None:
            paper["originatorOrganization"] = [originator["id"]]
        else:
            paper["underDirectionOf"] = [self.by_short[path[0]]["id"]]
        paper["mainFile"] = self.file(f"{paper_type} {reference}", f"vorlage-{reference.replace('/', '-')}.pdf", date,
                                      f"{title}. {text}")
        if self.random.random() < 0.35:
            paper["auxiliaryFile"].append(self.file("Anlage 1", f"anlage-1-{reference.replace('/', '-')}.pdf", date))
        after = date
        last_modified = date
        for position, short in enumerate(path):
            meeting = self.next_meeting(short, after)
            if meeting is None:
                break
            authoritative = position == len(path) - 1 and paper_type != "Mitteilungsvorlage"
            role = "Kenntnisnahme" if paper_type in ("Mitteilungsvorlage", "Anfrage") else ("Entscheidung" if authoritative else "Vorberatung")
            consultation_id = self.new_id("consultation")
            item = self.agenda_item(meeting, title, paper, consultation_id, role, agreed)
            consultation = {"id": consultation_id, "type": SCHEMA + "Consultation", "agendaItem": item["id"],
                            "meeting": meeting["id"], "organization": [self.by_short[short]["id"]],
                            "authoritative": authoritative, "role": role}
            self.stamp(consultation, date, meeting["_start"] + dt.timedelta(days=2))
            paper["consultation"].append(consultation)
            after = meeting["_start"]
            last_modified = max(last_modified, min(RECORDED, meeting["_start"] + dt.timedelta(days=2)))
        self.stamp(paper, date, last_modified)
        self.papers.append(paper)
        return paper

    def agenda_item(self, meeting: dict, title: str, paper: dict, consultation_id: str, role: str,
                    agreed: bool = False) -> dict:
        held = meeting["_start"] < RECORDED
        item = {"id": self.new_id("agendaitem"), "type": SCHEMA + "AgendaItem", "name": title, "public": True,
                "consultation": consultation_id}
        if held:
            if role == "Kenntnisnahme":
                item["result"] = "zur Kenntnis genommen"
            elif agreed:
                item["result"] = "ungeändert beschlossen"
            else:
                item["result"] = self.random.choices(
                    ["ungeändert beschlossen", "geändert beschlossen", "abgelehnt", "vertagt"], [70, 15, 8, 7])[0]
                if item["result"] == "geändert beschlossen":
                    item["resolutionText"] = (f"Der Beschluss wird mit der Maßgabe gefasst, dass die Verwaltung bis zur "
                                              f"nächsten Sitzung berichtet (vgl. Drucksache Nr. {paper['reference']}).")
        self.stamp(item, meeting["_start"] - dt.timedelta(days=12), meeting["_start"] + dt.timedelta(days=2))
        meeting["agendaItem"].append(item)
        return item

    def build_papers(self) -> None:
        committees = {c[0]: c for c in COMMITTEES}
        for year, month, path, title, paper_type, text in PLAN_PAPERS:
            date = dt.datetime(year, month, 2, 10, 0, tzinfo=BERLIN)
            self.add_paper(title, paper_type, date, path, text, agreed=True)
        factions = [self.by_short[f[0]] for f in FACTIONS]
        for short, (_, _, _, topic) in committees.items():
            for meeting in self.meetings_by_org[short]:
                start = meeting["_start"]
                for _ in range(self.random.randint(2, 4)):
                    template = self.random.choice(TOPICS[topic])
                    year = start.year
                    title = template.format(year=year if "Haushalt" not in template else year + (1 if start.month > 8 else 0),
                                            prev=year - 1, next=year + 1)
                    paper_type = self.random.choices(["Beschlussvorlage", "Mitteilungsvorlage"], [60, 40])[0]
                    path = [short] if paper_type == "Mitteilungsvorlage" else ([short, "RAT"] if short != "HFA" else ["HFA", "RAT"])
                    date = start - dt.timedelta(days=self.random.randint(14, 28))
                    text = self.random.choice([
                        "Die Verwaltung legt den Sachstand dar und empfiehlt die Zustimmung.",
                        "Die finanziellen Auswirkungen sind im Haushalt berücksichtigt.",
                        "Die Beteiligung der Öffentlichkeit ist erfolgt; die Stellungnahmen sind beigefügt.",
                        "Unter TOP 4 der letzten Sitzung wurde ein Bericht erbeten, der hiermit vorgelegt wird.",
                    ])
                    self.add_paper(title, paper_type, date, path, text)
                if self.random.random() < 0.3:
                    faction = self.random.choice(factions)
                    topic_title = self.random.choice(ANTRAG_TOPICS)
                    self.add_paper(f"Antrag der {faction['name'].replace(' im Rat der Stadt Werne', '')}: {topic_title}",
                                   "Antrag", start - dt.timedelta(days=20), [short, "RAT"],
                                   "Die Verwaltung wird beauftragt, die Umsetzung zu prüfen und über Kosten zu berichten.",
                                   originator=faction)
        # the budget statute is decided by the council every year
        for year in (2025, 2026):
            self.add_paper(f"Haushaltssatzung {year + 1} – Einbringung des Entwurfs", "Beschlussvorlage",
                           dt.datetime(year, 9, 15, 10, tzinfo=BERLIN), ["RAT", "HFA", "RAT"],
                           f"Der Entwurf der Haushaltssatzung {year + 1} wird eingebracht; vgl. Drucksache Nr. 123/{year}.",
                           agreed=True)

    def finish_meetings(self) -> None:
        """Frame each agenda: opening, minutes, papers, reports, non-public part; minutes files."""
        non_public = list(NON_PUBLIC_ITEMS)
        for meeting in self.meetings:
            start = meeting["_start"]
            items = meeting["agendaItem"]
            held = start < RECORDED
            frame_before = [("Eröffnung der Sitzung und Feststellung der Beschlussfähigkeit", None),
                            ("Genehmigung der Niederschrift der letzten Sitzung", "genehmigt" if held else None)]
            frame_after = [("Mitteilungen der Verwaltung", None), ("Anfragen der Ausschussmitglieder", None)]
            extra = []
            if non_public and held and self.random.random() < 0.12:
                name, resolution = non_public.pop(0)
                extra.append((name, resolution, False))
            new_items = []
            for name, result in frame_before:
                new_items.append(self.frame_item(meeting, name, result))
            new_items.extend(items)
            for name, result in frame_after:
                new_items.append(self.frame_item(meeting, name, result))
            for name, resolution, public in extra:
                item = self.frame_item(meeting, name, "beschlossen", public=False)
                item["resolutionText"] = resolution
                item["auxiliaryFile"] = [self.file("Vorlage nichtöffentlich", f"vorlage-nö-{item['id'].rsplit('/', 1)[1]}.pdf",
                                                   start - dt.timedelta(days=10), resolution)]
                new_items.append(item)
            for order, item in enumerate(new_items):
                item["order"] = order
                item["number"] = str(order + 1)
            meeting["agendaItem"] = new_items
            if held and not meeting["cancelled"]:
                delay = self.random.choice([5, 8, 12, 15, 20, 28, 35, 45])
                published = start + dt.timedelta(days=delay)
                if published < RECORDED and self.random.random() < 0.9:
                    meeting["resultsProtocol"] = self.file(
                        "Niederschrift (öffentlicher Teil)", f"niederschrift-{meeting['id'].rsplit('/', 1)[1]}.pdf", published,
                        f"Niederschrift über die {meeting['name']} am {start:%d.%m.%Y}.")
                    self.stamp(meeting, start - dt.timedelta(days=30), published)
            if meeting["cancelled"]:
                meeting["agendaItem"] = []
        if non_public:
            raise RuntimeError("not every non-public demo item found a meeting; change the seed")

    def frame_item(self, meeting: dict, name: str, result: str | None, public: bool = True) -> dict:
        item = {"id": self.new_id("agendaitem"), "type": SCHEMA + "AgendaItem", "name": name, "public": public}
        if result:
            item["result"] = result
        return self.stamp(item, meeting["_start"] - dt.timedelta(days=12), meeting["_start"] - dt.timedelta(days=10))

    # --- output ------------------------------------------------------------------------------------
    def system_and_body(self) -> tuple[dict, dict]:
        system = {"id": f"{BASE}/system", "type": SCHEMA + "System", "oparlVersion": "https://schema.oparl.org/1.1/",
                  "license": LICENSE, "body": f"{BASE}/bodies", "name": "Ratsinformationssystem der Stadt Werne (Demo)",
                  "website": "https://ratsinfo.werne.example/", "vendor": "https://vendor.example/",
                  "product": "https://vendor.example/ris", "created": "2020-01-01T00:00:00+01:00",
                  "modified": "2025-11-03T10:00:00+01:00"}
        body = {"id": BODY_ID, "type": SCHEMA + "Body", "system": system["id"], "shortName": "Werne",
                "name": "Stadt Werne", "website": "https://www.werne.example/", "license": LICENSE,
                "licenseValidSince": "2020-01-01T00:00:00+01:00", "oparlSince": "2020-01-01T00:00:00+01:00",
                "ags": "05978040", "rgs": "059780040040", "classification": "Mittlere kreisangehörige Stadt",
                "contactEmail": "ratsbuero@werne.example", "contactName": "Ratsbüro der Stadt Werne",
                "mainOrganization": self.by_short["RAT"]["id"],
                "legislativeTerm": [
                    {"id": TERM_OLD, "type": SCHEMA + "LegislativeTerm", "name": "Wahlperiode 2020–2025",
                     "startDate": "2020-11-01", "endDate": "2025-10-31",
                     "created": "2020-11-01T00:00:00+01:00", "modified": "2020-11-01T00:00:00+01:00"},
                    {"id": TERM_NEW, "type": SCHEMA + "LegislativeTerm", "name": "Wahlperiode 2025–2030",
                     "startDate": "2025-11-01", "endDate": "2030-10-31",
                     "created": "2025-11-01T00:00:00+01:00", "modified": "2025-11-01T00:00:00+01:00"}],
                "location": {"id": f"{BASE}/location/1", "type": SCHEMA + "Location",
                             "description": "Stadt Werne, Konrad-Adenauer-Platz 1, 59368 Werne",
                             # recorded as [lat, lon] on purpose: a quirk real systems show
                             "geojson": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [51.6631, 7.6338]}}},
                "created": "2020-01-01T00:00:00+01:00", "modified": "2025-11-03T10:00:00+01:00"}
        for name, prop in (("organizations", "organization"), ("persons", "person"), ("meetings", "meeting"),
                           ("papers", "paper"), ("agendaItems", "agendaItem"), ("consultations", "consultation"),
                           ("files", "file"), ("locations", "locationList"), ("legislativeTerms", "legislativeTermList"),
                           ("memberships", "membership")):
            body[prop] = f"{BODY_ID}/{name}"
        return system, body

    def tombstones(self) -> list[dict]:
        """Two withdrawn papers: the recording keeps them as deleted objects."""
        return [{"id": f"{BASE}/paper/{9000 + n}", "type": SCHEMA + "Paper", "deleted": True,
                 "modified": iso(dt.datetime(2026, 10, 5 + n, 9, 0, tzinfo=BERLIN))} for n in (1, 2)]

    def build(self) -> dict[str, object]:
        self.build_organizations()
        self.build_persons()
        self.build_meetings()
        self.build_papers()
        self.finish_meetings()
        for meeting in self.meetings:
            del meeting["_start"]
            if not meeting["auxiliaryFile"]:
                del meeting["auxiliaryFile"]
        for paper in self.papers:
            if not paper["auxiliaryFile"]:
                del paper["auxiliaryFile"]
        system, body = self.system_and_body()
        return {"system": system, "body": body, "organizations": self.organizations, "persons": self.persons,
                "meetings": self.meetings, "papers": self.papers, "deleted": self.tombstones()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "datasets" / "ratsinformation" / "sample")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in Generator(args.seed).build().items():
        (args.out / f"{name}.json").write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"geschrieben: {args.out}")


if __name__ == "__main__":
    main()
