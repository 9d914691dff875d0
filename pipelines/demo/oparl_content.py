"""The invented content of the Werne OParl demo: names, bodies, topics and the texts that
exercise plan mentions and the privacy filter (used by pipelines/demo/oparl.py)."""

from __future__ import annotations

import datetime as dt
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


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(BERLIN).isoformat()


GIVEN_F = [
    "Anna",
    "Birgit",
    "Claudia",
    "Daniela",
    "Elke",
    "Franziska",
    "Gabriele",
    "Heike",
    "Ines",
    "Julia",
    "Karin",
    "Laura",
    "Martina",
    "Nicole",
    "Petra",
    "Sabine",
    "Tanja",
    "Ulrike",
    "Vanessa",
    "Yvonne",
]
GIVEN_M = [
    "Andreas",
    "Bernd",
    "Christian",
    "Dirk",
    "Frank",
    "Georg",
    "Heinz",
    "Jens",
    "Klaus",
    "Lars",
    "Markus",
    "Norbert",
    "Oliver",
    "Peter",
    "Ralf",
    "Stefan",
    "Thomas",
    "Uwe",
    "Volker",
    "Wolfgang",
]
# No family name of pipelines/demo/people.py (the invented citizens of the service demo):
# a councillor's public name must never equal a citizen's withheld one.
FAMILY = [
    "Dahlhoff",
    "Frerichs",
    "Hagedorn",
    "Wessel",
    "Overbeck",
    "Kemper",
    "Terhorst",
    "Lohmann",
    "Schröer",
    "Heitkamp",
    "Niehues",
    "Große-Wilde",
    "Böckmann",
    "Rüther",
    "Pieper",
    "Averbeck",
    "Wellerdiek",
    "Lüdinghaus",
    "Tenbrock",
    "Wiewel",
    "Hüser",
    "Beckmann",
    "Suermann",
    "Kötter",
    "Möllmann",
    "Osterhaus",
    "Reckers",
    "Stratmann",
    "Vennemann",
    "Westhoff",
    "Zurmühlen",
    "Eickholt",
    "Gausepohl",
    "Hessling",
    "Jasper",
    "Krampe",
    "Lammers",
    "Nordhoff",
    "Pöppelmann",
    "Rottmann",
]

FACTIONS = [
    ("CDU", "CDU-Fraktion im Rat der Stadt Werne", 12),
    ("SPD", "SPD-Fraktion im Rat der Stadt Werne", 10),
    ("GRÜNE", "Fraktion Bündnis 90/Die Grünen", 6),
    ("FDP", "FDP-Fraktion", 3),
    ("FW", "Fraktion Freie Wähler Werne", 3),
    ("LINKE", "Gruppe Die Linke", 2),
]
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
    "finance": [
        "Haushaltssatzung {year} und Haushaltsplan {year}",
        "Jahresabschluss {prev} der Stadt Werne",
        "Überplanmäßige Aufwendungen für die Unterhaltung der Straßen",
        "Finanzbericht zum 30.06.{year}",
        "Änderung der Hebesätze der Grundsteuer",
        "Beteiligungsbericht {prev}",
        "Förderprogramm Städtebauförderung – Eigenanteil der Stadt",
    ],
    "planning": [
        "Sanierung der Straßen im Ortsteil Stockum – Ausbauprogramm {year}",
        "Städtebauliches Entwicklungskonzept Langern",
        "Wohnraumbedarfsanalyse für Werne",
        "Gestaltung des Marktplatzes – Ergebnisse der Bürgerwerkstatt",
        "Baulückenkataster – Fortschreibung",
        "Straßenbenennung im Neubaugebiet Evenkamp",
    ],
    "environment": [
        "Klimaschutzkonzept – Umsetzungsbericht {year}",
        "Radverkehrskonzept: Radwege an Kreisstraßen",
        "Baumschutzsatzung – Neufassung",
        "Kommunale Wärmeplanung – Zwischenbericht",
        "Straßenbeleuchtung: Umrüstung auf LED",
        "Hochwasserschutz an der Lippe",
    ],
    "services": [
        "Sperrmüllabfuhr auf Abruf – Online-Anmeldung",
        "Abfallgebührensatzung {year}",
        "Straßenreinigungsgebühren {year}",
        "Wirtschaftsplan des Kommunalbetriebs {year}",
        "Winterdienst auf Gehwegen und Straßen",
        "Neue Wertstoffhöfe und Öffnungszeiten",
    ],
    "school": [
        "Schulentwicklungsplan {year}–{next}",
        "Offener Ganztag an Grundschulen – Platzbedarf",
        "Sanierung der Sporthalle am Gymnasium St. Christophorus",
        "Förderung der Musikschule",
        "Digitalpakt Schule – Ausstattung mit Tablets",
        "Sportstättenbedarfsplan",
    ],
    "social": [
        "Kita-Bedarfsplanung {year}/{next}",
        "Seniorenbeirat – Tätigkeitsbericht",
        "Unterbringung von Geflüchteten – Sachstand",
        "Quartiersarbeit in Werne-Nord",
        "Bezahlbarer Wohnraum – Förderrichtlinie",
        "Familienbüro: Jahresbericht {prev}",
    ],
    "audit": [
        "Prüfbericht zum Jahresabschluss {prev}",
        "Prüfungsplan der örtlichen Rechnungsprüfung {year}",
        "Bericht über die Prüfung der Vergaben {prev}",
    ],
    "digital": [
        "Online-Zugangsgesetz: Stand der digitalen Verwaltungsleistungen",
        "Einführung der E-Akte in der Stadtverwaltung",
        "Sicherheit und Ordnung auf dem Kirmesplatz",
        "Freies WLAN in öffentlichen Gebäuden",
        "Ratsinformationssystem: Offene Daten über OParl",
    ],
}
ANTRAG_TOPICS = [
    "Tempo 30 vor Schulen und Kitas",
    "Mehr Sitzbänke an Spazierwegen",
    "Trinkwasserbrunnen auf dem Marktplatz",
    "Sperrmüll-Sammeltage in den Ortsteilen",
    "Prüfung eines Bürgerbusses nach Stockum",
    "Beleuchtung der Straßen am Solebad",
    "Blühstreifen an städtischen Flächen",
    "Jugendforum Werne",
]

# Development plans that council papers mention (see the shared plan table): number, name,
# papers as (year, month, committee path, title suffix, paper type, text).
PLAN_PAPERS = [
    (
        2025,
        3,
        ["ASP"],
        "Bebauungsplan Nr. 23 „Gewerbegebiet Wahrbrink“ – Bericht zur Vermarktung der Restflächen",
        "Mitteilungsvorlage",
        "Der Bebauungsplan Nr. 23 „Gewerbegebiet Wahrbrink“ ist rechtskräftig. Die Verwaltung berichtet über "
        "die Vermarktung der verbliebenen Gewerbeflächen.",
    ),
    (
        2025,
        5,
        ["ASP", "HFA", "RAT"],
        "Bebauungsplan Nr. 42 „Wohnen am Hagen“ – Aufstellungsbeschluss",
        "Beschlussvorlage",
        "Der Rat beschließt die Aufstellung des Bebauungsplans Nr. 42 „Wohnen am Hagen“ für rund 120 Wohneinheiten.",
    ),
    (
        2026,
        6,
        ["ASP", "RAT"],
        "B-Plan Nr. 42 „Wohnen am Hagen“ – Beschluss zur öffentlichen Auslegung (Offenlage)",
        "Beschlussvorlage",
        "Der Entwurf des B-Plans Nr. 42 wird mit Begründung und Umweltbericht öffentlich ausgelegt.",
    ),
    (
        2026,
        2,
        ["ASP", "RAT"],
        "Bebauungsplan Nr. 45 „Holthausen Dorfmitte“ – Aufstellungsbeschluss und frühzeitige Beteiligung",
        "Beschlussvorlage",
        "Für den Bebauungsplan Nr. 45 „Holthausen Dorfmitte“ wird die frühzeitige Beteiligung der "
        "Öffentlichkeit und der Behörden durchgeführt.",
    ),
    (
        2026,
        6,
        ["AKU", "ASP", "RAT"],
        "Bebauungsplan Nr. 51 „Solarpark Langern“ – Aufstellungsbeschluss",
        "Beschlussvorlage",
        "Der Rat beschließt die Aufstellung des Bebauungsplans Nr. 51 „Solarpark Langern“ für eine "
        "Freiflächen-Photovoltaikanlage.",
    ),
    (
        2025,
        9,
        ["ASP", "RAT"],
        "Bebauungsplan Nr. 53 „Kita Evenkamp“ – Aufstellungsbeschluss",
        "Beschlussvorlage",
        "Für den Neubau einer viergruppigen Kindertageseinrichtung wird der Bebauungsplan Nr. 53 „Kita "
        "Evenkamp“ aufgestellt.",
    ),
    (
        2026,
        4,
        ["ASP", "HFA", "RAT"],
        "B-Plan Nr. 53 Kita Evenkamp – Satzungsbeschluss",
        "Beschlussvorlage",
        "Der Bebauungsplan Nr. 53 „Kita Evenkamp“ wird als Satzung beschlossen.",
    ),
    (
        2026,
        5,
        ["AKU", "ASP", "RAT"],
        "27. Änderung des Flächennutzungsplans „Windenergie Horst“ – Beschluss zur Offenlage",
        "Beschlussvorlage",
        "Der Entwurf der 27. Änderung des Flächennutzungsplans „Windenergie Horst“ wird öffentlich ausgelegt.",
    ),
]
NON_PUBLIC_ITEMS = [
    (
        "Grundstücksangelegenheit: Verkauf einer Teilfläche Flurstück 4711 an die Fa. Beispielbau",
        "Der Verkauf an die Fa. Beispielbau zum Preis von 412.000 Euro wird beschlossen.",
    ),
    ("Personalangelegenheit: Besetzung der Stelle Leitung Kämmerei", "Frau Vertraulich-Mustermann wird eingestellt."),
    ("Vergabe Bauleistungen Los 7 Rathausdach – Bieterreihenfolge", "Zuschlag an Bieter Dachbau Geheim GmbH."),
    (
        "Rechtsstreit Stadt Werne ./. Mustermann Immobilien – Vergleichsangebot",
        "Der Vergleich über 58.500 Euro wird angenommen.",
    ),
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

# Papers about places of the demo street register (pipelines/demo/streets.py), spelled as
# councils write them: "Str." and "Straße", "Strasse", house numbers and ranges, districts. Titles
# never name a plan's street in full ("Bahnhofstraße"): the plan table's promise is that only the
# plans it lists are mentioned (tests/pipelines/oparl/test_tables.py); texts may.
# (year, month, committee path, title, paper type, text, faction short name or None)
PLACE_PAPERS = [
    (
        2025,
        4,
        ["AKU", "RAT"],
        "Anfrage der SPD-Fraktion: Verkehrssicherheit auf dem Schulweg",
        "Anfrage",
        "Vor dem Haus Bahnhofstr. 12 kam es wiederholt zu gefährlichen Situationen für Kinder auf dem Schulweg. "
        "Wie bewertet die Verwaltung eine Querungshilfe auf Höhe der Einmündung Südring?",
        "SPD",
    ),
    (
        2025,
        10,
        ["AKU", "HFA", "RAT"],
        "Ausbau der Kamener Straße zwischen Südring und Lippestraße",
        "Beschlussvorlage",
        "Die Kamener Strasse wird im Abschnitt Kamener Straße 14 bis 48 erneuert; Gehwege und Radweg "
        "werden verbreitert. Die Anlieger werden nach dem KAG nicht beteiligt.",
        None,
    ),
    (
        2026,
        3,
        ["ABS"],
        "Sanierung des Gehwegs Stockumer Str. 40–44",
        "Mitteilungsvorlage",
        "Der Kommunalbetrieb saniert im Sommer den Gehweg vor den Häusern Stockumer Str. 40–44 in Werne.",
        None,
    ),
    (
        2026,
        5,
        ["AKU", "RAT"],
        "Kreisverkehr Konrad-Adenauer-Str. / Bahnhofstr. – Vorplanung",
        "Beschlussvorlage",
        "Die Kreuzung Konrad-Adenauer-Straße / Bahnhofstrasse wird zu einem Kreisverkehr umgebaut. "
        "Die Vorplanung liegt der Vorlage bei.",
        None,
    ),
    (
        2025,
        6,
        ["ADO"],
        "Parken in der Steinstraße und am Markt",
        "Mitteilungsvorlage",
        "Die Verwaltung berichtet über die Kontrollen des ruhenden Verkehrs in der Steinstraße 3 bis 9 "
        "und vor dem Haus Markt 1.",
        None,
    ),
    (
        2026,
        1,
        ["ASP", "RAT"],
        "Barrierefreier Umbau der Bushaltestelle Holthausener Dorfstraße",
        "Beschlussvorlage",
        "Die Haltestelle an der Holthausener Dorfstr. 7 im Ortsteil Holthausen wird barrierefrei umgebaut.",
        None,
    ),
    (
        2026,
        4,
        ["ASK", "RAT"],
        "Antrag der Fraktion Bündnis 90/Die Grünen: Spielplatz Am Hagen erneuern",
        "Antrag",
        "Die Spielgeräte auf dem Spielplatz Am Hagen in Werne-Nord sind in die Jahre gekommen und sollen "
        "erneuert werden.",
        "GRÜNE",
    ),
    (
        2025,
        11,
        ["AKU", "RAT"],
        "Verkehrsberuhigung Penningrode im Ortsteil Evenkamp",
        "Beschlussvorlage",
        "Zwischen Penningrode 2 und Penningrode 30 wird eine Tempo-30-Zone eingerichtet; "
        "der Evenkamper Weg bleibt Vorfahrtstraße.",
        None,
    ),
    (
        2026,
        9,
        ["AKU", "RAT"],
        "Antrag der CDU-Fraktion: Querungshilfe an der Horster Straße",
        "Antrag",
        "An der Horster Str. (Höhe Nr. 55) fehlt eine sichere Querung zum Süggelweg und zur Süggelstraße.",
        "CDU",
    ),
    (
        2026,
        8,
        ["ASF"],
        "Quartierszentrum an der Münsterstraße: Sachstand",
        "Mitteilungsvorlage",
        "Das Quartierszentrum in der Münsterstrasse 21a in Werne-Nord öffnet im Herbst; die Räume der "
        "Schützenstraße 4 werden aufgegeben.",
        None,
    ),
    (
        2026,
        10,
        ["ASP", "RAT"],
        "Erschließung des Wohngebiets Im Ostfeld in Stockum",
        "Beschlussvorlage",
        "Die Straße Im Ostfeld wird endgültig hergestellt; Anliegerversammlung am 12.11.2026 im Ortsteil Stockum.",
        None,
    ),
    (
        2026,
        6,
        ["ABS"],
        "Winterdienst: Räumpläne für Langern und Horst",
        "Mitteilungsvorlage",
        "Die Räumpläne für die Ortsteile Langern und Horst werden angepasst; die Langerner Straße und der "
        "Horster Feldweg werden vorrangig geräumt.",
        None,
    ),
]

# Details only a document holds (never a title or a resolution): a search for one of their
# words proves that the portal reads the documents' text.
DOCUMENT_DETAILS = [
    "Das Lärmschutzgutachten des Ingenieurbüros Schallkontor kommt zu dem Ergebnis, dass die "
    "Immissionsrichtwerte tagsüber und nachts eingehalten werden.",
    "Eine Artenschutzprüfung der Stufe I ergab keine Hinweise auf Fledermausquartiere oder Brutplätze "
    "geschützter Vogelarten im Plangebiet.",
    "Die Kosten für den Austausch der Straßenbeleuchtung gegen LED-Leuchten betragen 48.500 Euro; "
    "Fördermittel aus dem Klimaschutzprogramm sind beantragt.",
    "Der Bodengutachter empfiehlt, den Oberboden vor Ort zu lagern und beim Bau der Grünflächen wiederzuverwenden.",
    "Die Feuerwehr bestätigt, dass die Zufahrt für Drehleiterfahrzeuge über die Planstraße gesichert ist.",
    "Nach der Verkehrszählung vom Frühjahr fahren werktags rund 4.200 Kraftfahrzeuge durch die Straße, "
    "davon 3 Prozent Schwerverkehr.",
    "Die Entwässerung erfolgt im Trennsystem; das Niederschlagswasser wird in ein Regenrückhaltebecken "
    "am Hornebach geleitet.",
    "Die Stellungnahme des Denkmalschutzes weist auf die Sichtachse zur Christophoruskirche hin, die freizuhalten ist.",
    "Im Haushalt stehen unter der Kostenstelle 5410 Mittel in Höhe von 120.000 Euro bereit.",
    "Die Schulkonferenz hat dem Vorhaben in ihrer Sitzung einstimmig zugestimmt.",
]
# What an annex without other text shows.
ANNEX_CONTENTS = [
    "Lageplan im Maßstab 1:1.000 mit Darstellung des Geltungsbereichs.",
    "Kostenschätzung nach DIN 276, Kostengruppen 300 bis 500.",
    "Übersicht der eingegangenen Stellungnahmen der Behörden und sonstigen Träger öffentlicher Belange.",
    "Fotodokumentation des heutigen Zustands mit Aufnahmestandorten.",
    "Auszug aus dem Flächennutzungsplan mit Legende.",
]
