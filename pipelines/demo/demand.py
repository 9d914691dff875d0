"""What the demo town's services see: demand per month, channels, processing times, and the
texts people write. Volumes are a sample of a town of ~30,000; `scale` in the generator
multiplies them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CitizenOfficeService:
    """Demand and behaviour of one citizen-office service in the demo."""

    name: str
    monthly: float  # mean requests per month
    online_from: int | None  # month index from which the online channel exists
    online_start: float  # online share when it opens
    online_end: float  # online share in the last month
    post_share: float
    in_person_days: tuple[int, int]  # processing days in person (min, max)
    remote_days: tuple[int, int]  # processing days online or by post
    summer_peak: float = 0.0


CITIZEN_OFFICE_SERVICES = (
    CitizenOfficeService("Personalausweis beantragen", 44, None, 0, 0, 0, (18, 30), (18, 30), 0.15),
    CitizenOfficeService("Reisepass beantragen", 22, None, 0, 0, 0, (20, 35), (20, 35), 0.6),
    CitizenOfficeService("Kinderreisepass beantragen", 6, None, 0, 0, 0, (0, 0), (0, 0), 0.8),
    CitizenOfficeService("Vorläufigen Personalausweis beantragen", 3, None, 0, 0, 0, (0, 0), (0, 0), 0.3),
    CitizenOfficeService("Wohnsitz anmelden", 30, 8, 0.08, 0.38, 0.0, (0, 0), (1, 4)),
    CitizenOfficeService("Wohnsitz ummelden", 14, 8, 0.08, 0.42, 0.0, (0, 0), (1, 4)),
    CitizenOfficeService("Wohnsitz abmelden", 4, 20, 0.1, 0.3, 0.25, (0, 0), (2, 8)),
    CitizenOfficeService("Meldebescheinigung beantragen", 20, 0, 0.3, 0.66, 0.1, (0, 0), (1, 3)),
    CitizenOfficeService("Führungszeugnis beantragen", 18, 0, 0.24, 0.56, 0.08, (7, 14), (5, 12)),
    CitizenOfficeService("Beglaubigung", 12, None, 0, 0, 0.15, (0, 0), (3, 7)),
    CitizenOfficeService("Bewohnerparkausweis beantragen", 6, 12, 0.1, 0.52, 0.1, (0, 0), (2, 6)),
    CitizenOfficeService("Fundsache abholen", 4, None, 0, 0, 0, (0, 0), (0, 0), 0.3),
    CitizenOfficeService("Hund anmelden", 5, 16, 0.1, 0.4, 0.35, (1, 5), (3, 10)),
    CitizenOfficeService("Lebensbescheinigung ausstellen", 5, None, 0, 0, 0.1, (0, 0), (2, 5)),
)

SPERRMUELL_SERVICES = (("Sperrmüllabholung", 80), ("Elektrogroßgeräte-Abholung", 20), ("Kühlgeräte-Abholung", 7))
SPERRMUELL_ITEMS = (
    "Sofa, zwei Sessel",
    "Kleiderschrank zerlegt",
    "Matratze und Lattenrost",
    "Waschmaschine",
    "Kühlschrank mit Gefrierfach",
    "Gartenmöbel",
    "Teppich, Regal",
    "Trockner",
    "Küchenzeile",
    "Bettgestell, Kommode",
    "Gefriertruhe",
    "Fernsehschrank",
)
BESCHWERDE_CATEGORIES = (
    ("Straßen und Wege", 8, 12),
    ("Grünflächen und Bäume", 6, 10),
    ("Abfall und Sauberkeit", 7, 6),
    ("Lärm", 3, 14),
    ("Verkehr und Parken", 5, 9),
    ("Bürgerservice", 3, 5),
    ("Spielplätze", 2, 11),
    ("Sonstiges", 2, 8),
)
BESCHWERDE_TEXTS = (
    "Schlagloch vor dem Haus {address}, bitte dringend reparieren.",
    "Seit einer Woche liegt Müll an der {street}. Rückruf bitte unter {phone}.",
    "Der Baum vor {address} muss geschnitten werden, Äste hängen auf den Gehweg.",
    "Beschwerde über Lärm in der Nacht, Nachbar {neighbour} feiert jedes Wochenende.",
    "Ich warte seit Wochen auf eine Antwort, bitte an {email} schreiben. Gruß {name}",
    "Parkende Autos blockieren die Einfahrt {address}.",
    "Das Spielgerät am Spielplatz {street} ist kaputt.",
    "Termin im Bürgerbüro wurde kurzfristig abgesagt, bitte melden: {phone}",
)
BEMERKUNGEN = (
    "",
    "",
    "",
    "",
    "",
    "",
    "Unterlagen unvollständig, Nachreichung vereinbart",
    "Kunde bittet um Rückruf unter {phone}",
    "{name} bringt Geburtsurkunde nach",
    "Bestätigung an {email} gesendet",
    "Abholung durch Bevollmächtigte(n)",
)
