"""Organisations, persons and memberships of the Werne OParl demo, and the system and body
objects (a part of pipelines/demo/oparl.py's Generator)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pipelines.demo.oparl_content import (
    BASE,
    BERLIN,
    BODY_ID,
    COMMITTEES,
    COUNCIL,
    FACTIONS,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    LICENSE,
    NEW_TERM_START,
    PRIVATE_CONTACTS,
    SCHEMA,
    TERM_NEW,
    TERM_OLD,
    iso,
)

if TYPE_CHECKING:
    from random import Random


class PeopleAndBody:
    """Mixin for Generator: needs `random`, `new_id`, `stamp`, `organizations`, `persons`, `by_short`."""

    if TYPE_CHECKING:  # what Generator (pipelines/demo/oparl.py) provides
        random: Random
        organizations: list[dict]
        persons: list[dict]
        by_short: dict[str, dict]

        def new_id(self, kind: str) -> str: ...

        def stamp(self, obj: dict, created: dt.datetime, modified: dt.datetime | None = None) -> dict: ...

    # --- organisations and persons ------------------------------------------------------------
    def organization(self, short: str, name: str, org_type: str, classification: str) -> dict:
        org: dict[str, Any] = {
            "id": self.new_id("organization"),
            "type": SCHEMA + "Organization",
            "body": BODY_ID,
            "name": name,
            "shortName": short,
            "organizationType": org_type,
            "classification": classification,
            "startDate": "2020-11-01",
            "meeting": None,
            "membership": [],
        }
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

    def membership(
        self, person: dict, org: dict, role: str, start: str, voting: bool = True, on_behalf: dict | None = None
    ) -> dict:
        membership = {
            "id": self.new_id("membership"),
            "type": SCHEMA + "Membership",
            "organization": org["id"],
            "role": role,
            "votingRight": voting,
            "startDate": start,
        }
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
            person: dict[str, Any] = {
                "id": self.new_id("person"),
                "type": SCHEMA + "Person",
                "body": BODY_ID,
                "name": name,
                "familyName": family,
                "givenName": given,
                "formOfAddress": "Frau" if female else "Herr",
                "gender": "female" if female else "male",
                "membership": [],
            }
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
                self.membership(
                    person,
                    faction,
                    "Fraktionsvorsitz" if seats.index(seats[index - 1]) == index - 1 else "Mitglied",
                    start,
                )
                for committee in self.random.sample(committee_orgs, 2 + (index % 2)):
                    self.membership(person, committee, "Mitglied", start, on_behalf=faction)
            else:
                person["status"] = ["Sachkundige Bürgerin" if female else "Sachkundiger Bürger"]
                faction = self.by_short[self.random.choice(FACTIONS)[0]]
                self.membership(
                    person,
                    self.random.choice(committee_orgs),
                    "Sachkundige/r Bürger/in",
                    "2020-11-01",
                    voting=False,
                    on_behalf=faction,
                )
            self.stamp(
                person,
                dt.datetime(2020, 11, 2, 9, 0, tzinfo=BERLIN),
                dt.datetime(2025, 11, 3, 10, 0, tzinfo=BERLIN) + dt.timedelta(hours=index),
            )
            self.persons.append(person)
        for index, phone, email, street in PRIVATE_CONTACTS:
            person = self.persons[index]
            person["phone"] = [phone]
            person["email"] = [email]
            location_id = self.new_id("location")
            person["location"] = location_id
            person["locationObject"] = self.stamp(
                {
                    "id": location_id,
                    "type": SCHEMA + "Location",
                    "streetAddress": street,
                    "postalCode": "59368",
                    "locality": "Werne",
                    "persons": [person["id"]],
                },
                dt.datetime(2020, 11, 2, 9, 0, tzinfo=BERLIN),
            )
            person["life"] = f"Wohnhaft in der {street}, Werne. Privat erreichbar unter {phone}."
        # committee chairs
        for committee in committee_orgs:
            members = [
                p for p in self.persons[1:] if any(m["organization"] == committee["id"] for m in p["membership"])
            ]
            if members:
                chair = self.random.choice(members)
                for m in chair["membership"]:
                    if m["organization"] == committee["id"]:
                        m["role"] = "Vorsitz"

    # --- output ------------------------------------------------------------------------------------
    def system_and_body(self) -> tuple[dict, dict]:
        system = {
            "id": f"{BASE}/system",
            "type": SCHEMA + "System",
            "oparlVersion": "https://schema.oparl.org/1.1/",
            "license": LICENSE,
            "body": f"{BASE}/bodies",
            "name": "Ratsinformationssystem der Stadt Werne (Demo)",
            "website": "https://ratsinfo.werne.example/",
            "vendor": "https://vendor.example/",
            "product": "https://vendor.example/ris",
            "created": "2020-01-01T00:00:00+01:00",
            "modified": "2025-11-03T10:00:00+01:00",
        }
        body = {
            "id": BODY_ID,
            "type": SCHEMA + "Body",
            "system": system["id"],
            "shortName": "Werne",
            "name": "Stadt Werne",
            "website": "https://www.werne.example/",
            "license": LICENSE,
            "licenseValidSince": "2020-01-01T00:00:00+01:00",
            "oparlSince": "2020-01-01T00:00:00+01:00",
            "ags": "05978040",
            "rgs": "059780040040",
            "classification": "Mittlere kreisangehörige Stadt",
            "contactEmail": "ratsbuero@werne.example",
            "contactName": "Ratsbüro der Stadt Werne",
            "mainOrganization": self.by_short["RAT"]["id"],
            "legislativeTerm": [
                {
                    "id": TERM_OLD,
                    "type": SCHEMA + "LegislativeTerm",
                    "name": "Wahlperiode 2020–2025",
                    "startDate": "2020-11-01",
                    "endDate": "2025-10-31",
                    "created": "2020-11-01T00:00:00+01:00",
                    "modified": "2020-11-01T00:00:00+01:00",
                },
                {
                    "id": TERM_NEW,
                    "type": SCHEMA + "LegislativeTerm",
                    "name": "Wahlperiode 2025–2030",
                    "startDate": "2025-11-01",
                    "endDate": "2030-10-31",
                    "created": "2025-11-01T00:00:00+01:00",
                    "modified": "2025-11-01T00:00:00+01:00",
                },
            ],
            "location": {
                "id": f"{BASE}/location/1",
                "type": SCHEMA + "Location",
                "description": "Stadt Werne, Konrad-Adenauer-Platz 1, 59368 Werne",
                # recorded as [lat, lon] on purpose: a quirk real systems show
                "geojson": {"type": "Feature", "geometry": {"type": "Point", "coordinates": [51.6631, 7.6338]}},
            },
            "created": "2020-01-01T00:00:00+01:00",
            "modified": "2025-11-03T10:00:00+01:00",
        }
        for name, prop in (
            ("organizations", "organization"),
            ("persons", "person"),
            ("meetings", "meeting"),
            ("papers", "paper"),
            ("agendaItems", "agendaItem"),
            ("consultations", "consultation"),
            ("files", "file"),
            ("locations", "locationList"),
            ("legislativeTerms", "legislativeTermList"),
            ("memberships", "membership"),
        ):
            body[prop] = f"{BODY_ID}/{name}"
        return system, body

    def tombstones(self) -> list[dict]:
        """Two withdrawn papers: the recording keeps them as deleted objects."""
        return [
            {
                "id": f"{BASE}/paper/{9000 + n}",
                "type": SCHEMA + "Paper",
                "deleted": True,
                "modified": iso(dt.datetime(2026, 10, 5 + n, 9, 0, tzinfo=BERLIN)),
            }
            for n in (1, 2)
        ]
