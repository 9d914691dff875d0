"""Synthetic people and addresses of Werne for the demo exports.

Every person made here is invented; the lists are ordinary German names and the
street names of Werne's town centre and districts, so that the privacy rules meet
values that look like the real thing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "Anna",
    "Maria",
    "Sophie",
    "Laura",
    "Julia",
    "Lena",
    "Sarah",
    "Katharina",
    "Monika",
    "Sabine",
    "Petra",
    "Ursula",
    "Renate",
    "Gabriele",
    "Birgit",
    "Claudia",
    "Stefanie",
    "Jana",
    "Emma",
    "Mia",
    "Hannah",
    "Leonie",
    "Jürgen",
    "Peter",
    "Thomas",
    "Michael",
    "Andreas",
    "Stefan",
    "Klaus",
    "Wolfgang",
    "Uwe",
    "Frank",
    "Markus",
    "Christian",
    "Matthias",
    "Jens",
    "Tobias",
    "Lukas",
    "Jonas",
    "Felix",
    "Paul",
    "Leon",
    "Ben",
    "Hüseyin",
    "Aylin",
    "Mehmet",
    "Elif",
    "Piotr",
    "Agnieszka",
    "Dimitrios",
    "Giulia",
)
LAST_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Schulte",
    "Brinkmann",
    "Hölscher",
    "Tenbrink",
    "Wiesmann",
    "Overkamp",
    "Bröcker",
    "Kortmann",
    "Holtkamp",
    "Yildiz",
    "Kaya",
    "Nowak",
    "Kowalski",
    "Papadopoulos",
)
STREETS = (
    "Bonenstraße",
    "Steinstraße",
    "Markt",
    "Kirchhof",
    "Burgstraße",
    "Südmauer",
    "Nordring",
    "Südring",
    "Konrad-Adenauer-Straße",
    "Stockumer Straße",
    "Lünener Straße",
    "Capeller Straße",
    "Hansaring",
    "Penningrodestraße",
    "Horster Straße",
    "Selmer Straße",
    "Bahnhofstraße",
    "Kamener Straße",
    "Becklohhof",
    "Graf-Adolf-Straße",
    "Münsterstraße",
    "Roggenkamp",
    "Lindenstraße",
    "Am Hagen",
    "Fürstenhof",
    "Wienbredde",
    "Kurt-Schumacher-Straße",
    "Holtkamp",
    "Goetheweg",
    "Schillerstraße",
    "Im Kindl",
    "Am Gänsebach",
    "Ovelgönne",
)
DISTRICTS = (
    "Werne-Mitte",
    "Stockum",
    "Horst",
    "Langern",
    "Holthausen",
    "Ehringhausen",
    "Evenkamp",
    "Schmintrup",
    "Varnhövel",
    "Wessel",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
POSTCODE = "59368"
TOWN = "Werne"


@dataclass(frozen=True)
class Person:
    """One invented inhabitant with the contact details a town system stores."""

    first_name: str
    last_name: str
    street: str
    house_number: str
    district: str
    email: str
    phone: str
    birth_date: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def address(self) -> str:
        return f"{self.street} {self.house_number}"


def _ascii_mail_part(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "", "-": ""})
    return text.lower().translate(table)


def make_people(rng: random.Random, count: int) -> list[Person]:
    """Return `count` invented people, reproducible for the same generator state."""
    people = []
    for _ in range(count):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        suffix = rng.randint(1, 99)
        email = f"{_ascii_mail_part(first)}.{_ascii_mail_part(last)}{suffix}@{rng.choice(EMAIL_DOMAINS)}"
        if rng.random() < 0.5:
            phone = f"02389 {rng.randint(10000, 989999)}"
        else:
            phone = f"0{rng.choice((151, 152, 160, 170, 176))} {rng.randint(1000000, 99999999)}"
        people.append(
            Person(
                first_name=first,
                last_name=last,
                street=rng.choice(STREETS),
                house_number=str(rng.randint(1, 140)) + rng.choice(("", "", "", "a", "b")),
                district=rng.choice(DISTRICTS),
                email=email,
                phone=phone,
                birth_date=f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1935, 2008)}",
            )
        )
    return people
