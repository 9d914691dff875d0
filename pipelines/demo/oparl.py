"""Generate the bundled demo: a recorded OParl 1.1 system of the town of Werne (synthetic).

    python -m pipelines.demo.oparl [--out datasets/ratsinformation/sample] [--seed 2026]

The output is deterministic for a seed (no wall clock): the recording is dated 2026-11-25,
meetings run from January 2025 to December 2026, so some lie in the future. All persons,
papers and texts are invented. Papers mention exactly the development plans that the
geodata demo marks as discussed in council (B-Plan 23, 42, 45, 51, 53 and the 27th change of
the land-use plan), in the usual German ways, plus other numbers that are NOT plan references
("Haushaltssatzung 2025", "TOP 4", "Drucksache Nr. 123/2025"). Some persons carry private phone
numbers, e-mail and home addresses and a few agenda items are non-public, so that the
privacy filter has something to remove.

Every file is also written as a small real PDF (`dokumente/<number>.pdf`, pipelines/demo/documents.py):
the recording sends `File.text` only for invitations, as some systems do; the other documents'
text is in the PDF's text layer, with details that appear nowhere else (expert reports, costs,
species surveys) so a search can prove it reads the documents. A few annexes are scans without
a text layer. Document contents come from their own random stream, so the objects of the
recording stay the same for a seed whether or not documents are written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from contracts.german import german_date, german_time
from pipelines.demo.documents import scanned_pdf, text_pdf
from pipelines.demo.oparl_content import (
    ANNEX_CONTENTS,
    ANTRAG_TOPICS,
    BASE,
    BERLIN,
    BODY_ID,
    COMMITTEES,
    COUNCIL,
    DOCUMENT_DETAILS,
    FACTIONS,
    LICENSE,
    NON_PUBLIC_ITEMS,
    PLACE_PAPERS,
    PLAN_PAPERS,
    RECORDED,
    SCHEMA,
    TOPICS,
    iso,
)
from pipelines.demo.oparl_people import PeopleAndBody
from pipelines.oparl.recording import DOCUMENTS_FOLDER


def _genitive(name: str) -> str:
    """`Rat der Stadt Werne` → `Rates der Stadt Werne`, `Bauausschuss` → `Bauausschusses`."""
    return name.replace("Rat der", "Rates der").replace("Ausschuss", "Ausschusses").replace("ausschuss", "ausschusses")


class Generator(PeopleAndBody):
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
        # the documents' contents: their own random stream, so the recording does not depend on them
        self.document_random = random.Random(seed * 7919 + 1)
        self.documents: dict[str, bytes] = {}  # file name in dokumente/ -> PDF

    def new_id(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 1000 if kind != "body" else 0) + 1
        return f"{BASE}/{kind}/{self.counters[kind]}"

    def stamp(self, obj: dict, created: dt.datetime, modified: dt.datetime | None = None) -> dict:
        obj["created"] = iso(created)
        obj["modified"] = iso(min(modified or created, RECORDED))
        return obj

    # --- meetings --------------------------------------------------------------------------------
    def build_meetings(self) -> None:
        self.town_hall = self.stamp(
            {
                "id": self.new_id("location"),
                "type": SCHEMA + "Location",
                "description": "Rathaus Werne, Ratssaal",
                "streetAddress": "Konrad-Adenauer-Platz 1",
                "room": "Ratssaal",
                "postalCode": "59368",
                "locality": "Werne",
                "geojson": {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [7.6338, 51.6631]},
                    "properties": {"name": "Rathaus Werne"},
                },
            },
            dt.datetime(2020, 1, 1, tzinfo=BERLIN),
        )
        self.meeting_room = self.stamp(
            {
                "id": self.new_id("location"),
                "type": SCHEMA + "Location",
                "description": "Rathaus Werne, Sitzungsraum 1",
                "streetAddress": "Konrad-Adenauer-Platz 1",
                "room": "Sitzungsraum 1",
                "postalCode": "59368",
                "locality": "Werne",
                "geojson": {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [7.6340, 51.6629]},
                    "properties": {"name": "Rathaus Werne"},
                },
            },
            dt.datetime(2020, 1, 1, tzinfo=BERLIN),
        )
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
        meeting: dict[str, Any] = {
            "id": self.new_id("meeting"),
            "type": SCHEMA + "Meeting",
            "name": f"{number}. Sitzung des {_genitive(org['name'])}",
            "meetingState": "abgesagt"
            if cancelled
            else (
                "durchgeführt" if start < now else ("eingeladen" if start - now < dt.timedelta(days=21) else "geplant")
            ),
            "cancelled": cancelled,
            "start": iso(start),
            "end": iso(start + dt.timedelta(hours=2 if org["shortName"] != "RAT" else 3)),
            "location": self.town_hall if org["shortName"] == "RAT" else self.meeting_room,
            "organization": [org["id"]],
            "agendaItem": [],
            "auxiliaryFile": [],
        }
        meeting["_start"] = start
        if start - now < dt.timedelta(days=14):
            invited = start - dt.timedelta(days=10)
            meeting["invitation"] = self.file(
                "Einladung",
                f"einladung-{self.counters['meeting']}.pdf",
                invited,
                f"Einladung zur {meeting['name']} am {german_date(start)} um {german_time(start)} Uhr.",
                send_text=True,
            )
        self.stamp(meeting, start - dt.timedelta(days=30), start - dt.timedelta(days=10))
        self.meetings.append(meeting)
        self.meetings_by_org.setdefault(org["shortName"], []).append(meeting)
        return meeting

    def file(
        self,
        name: str,
        file_name: str,
        date: dt.datetime,
        text: str | None = None,
        mime: str = "application/pdf",
        send_text: bool = False,
    ) -> dict:
        """A File and its PDF; `send_text`: the recording also sends the text as `File.text`."""
        file_id = self.new_id("file")
        number = file_id.rsplit("/", 1)[1]
        file = {
            "id": file_id,
            "type": SCHEMA + "File",
            "name": name,
            "fileName": file_name,
            "mimeType": mime,
            "date": date.date().isoformat(),
            "size": 0,  # the PDF's own size, below
            "accessUrl": f"{BASE}/file/{number}/access",
            "downloadUrl": f"{BASE}/file/{number}/download",
            "fileLicense": LICENSE,
        }
        if text and send_text:
            file["text"] = text
        # An earlier demo drew a made-up size here; the draw stays so the seeded recording does not
        # change, and the size is the document's own.
        self.random.randint(40_000, 2_400_000)
        self.documents[f"{number}.pdf"] = self.document(name, text)
        file["size"] = len(self.documents[f"{number}.pdf"])
        return self.stamp(file, date)

    def document(self, name: str, text: str | None) -> bytes:
        """The PDF of a file: its text and one or two details only the document holds; an annex
        without text is a plan, a table or (one in eight) a scan without text layer."""
        rng = self.document_random
        if text is None:
            if rng.random() < 0.125:
                return scanned_pdf()
            return text_pdf(name, [rng.choice(ANNEX_CONTENTS)])
        details = rng.sample(DOCUMENT_DETAILS, rng.randint(1, 2))
        return text_pdf(name, ["Sachverhalt", text, *details])

    # --- papers and their consultations --------------------------------------------------------
    def next_meeting(self, short: str, after: dt.datetime) -> dict | None:
        for meeting in self.meetings_by_org.get(short, []):
            if meeting["_start"] > after and not meeting["cancelled"]:
                return meeting
        return None

    def add_paper(
        self,
        title: str,
        paper_type: str,
        date: dt.datetime,
        path: list[str],
        text: str,
        originator: dict | None = None,
        agreed: bool = False,
    ) -> dict:
        """A paper with its consultations along `path`; `agreed` makes every vote pass
        (development plans must reach the state the shared plan table gives them)."""
        paper_id = self.new_id("paper")
        self.references[date.year] = self.references.get(date.year, 0) + 1
        reference = f"{self.references[date.year]:03d}/{date.year}"
        paper: dict[str, Any] = {
            "id": paper_id,
            "type": SCHEMA + "Paper",
            "body": BODY_ID,
            "name": title,
            "reference": reference,
            "date": date.date().isoformat(),
            "paperType": paper_type,
            "consultation": [],
            "auxiliaryFile": [],
        }
        if originator is not None:
            paper["originatorOrganization"] = [originator["id"]]
        else:
            paper["underDirectionOf"] = [self.by_short[path[0]]["id"]]
        paper["mainFile"] = self.file(
            f"{paper_type} {reference}", f"vorlage-{reference.replace('/', '-')}.pdf", date, f"{title}. {text}"
        )
        if self.random.random() < 0.35:
            paper["auxiliaryFile"].append(self.file("Anlage 1", f"anlage-1-{reference.replace('/', '-')}.pdf", date))
        after = date
        last_modified = date
        for position, short in enumerate(path):
            meeting = self.next_meeting(short, after)
            if meeting is None:
                break
            authoritative = position == len(path) - 1 and paper_type != "Mitteilungsvorlage"
            role = (
                "Kenntnisnahme"
                if paper_type in ("Mitteilungsvorlage", "Anfrage")
                else ("Entscheidung" if authoritative else "Vorberatung")
            )
            consultation_id = self.new_id("consultation")
            item = self.agenda_item(meeting, title, paper, consultation_id, role, agreed)
            consultation = {
                "id": consultation_id,
                "type": SCHEMA + "Consultation",
                "agendaItem": item["id"],
                "meeting": meeting["id"],
                "organization": [self.by_short[short]["id"]],
                "authoritative": authoritative,
                "role": role,
            }
            self.stamp(consultation, date, meeting["_start"] + dt.timedelta(days=2))
            paper["consultation"].append(consultation)
            after = meeting["_start"]
            last_modified = max(last_modified, min(RECORDED, meeting["_start"] + dt.timedelta(days=2)))
        self.stamp(paper, date, last_modified)
        self.papers.append(paper)
        return paper

    def agenda_item(
        self, meeting: dict, title: str, paper: dict, consultation_id: str, role: str, agreed: bool = False
    ) -> dict:
        held = meeting["_start"] < RECORDED
        item = {
            "id": self.new_id("agendaitem"),
            "type": SCHEMA + "AgendaItem",
            "name": title,
            "public": True,
            "consultation": consultation_id,
        }
        if held:
            if role == "Kenntnisnahme":
                item["result"] = "zur Kenntnis genommen"
            elif agreed:
                item["result"] = "ungeändert beschlossen"
            else:
                item["result"] = self.random.choices(
                    ["ungeändert beschlossen", "geändert beschlossen", "abgelehnt", "vertagt"], [70, 15, 8, 7]
                )[0]
                if item["result"] == "geändert beschlossen":
                    item["resolutionText"] = (
                        f"Der Beschluss wird mit der Maßgabe gefasst, dass die Verwaltung bis zur "
                        f"nächsten Sitzung berichtet (vgl. Drucksache Nr. {paper['reference']})."
                    )
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
                # different topics within one meeting: two papers of the same title would confuse
                for template in self.random.sample(TOPICS[topic], min(len(TOPICS[topic]), self.random.randint(2, 4))):
                    year = start.year
                    title = template.format(
                        year=year if "Haushalt" not in template else year + (1 if start.month > 8 else 0),
                        prev=year - 1,
                        next=year + 1,
                    )
                    paper_type = self.random.choices(["Beschlussvorlage", "Mitteilungsvorlage"], [60, 40])[0]
                    path = (
                        [short]
                        if paper_type == "Mitteilungsvorlage"
                        else ([short, "RAT"] if short != "HFA" else ["HFA", "RAT"])
                    )
                    date = start - dt.timedelta(days=self.random.randint(14, 28))
                    text = self.random.choice(
                        [
                            "Die Verwaltung legt den Sachstand dar und empfiehlt die Zustimmung.",
                            "Die finanziellen Auswirkungen sind im Haushalt berücksichtigt.",
                            "Die Beteiligung der Öffentlichkeit ist erfolgt; die Stellungnahmen sind beigefügt.",
                            "Unter TOP 4 der letzten Sitzung wurde ein Bericht erbeten, der hiermit vorgelegt wird.",
                        ]
                    )
                    self.add_paper(title, paper_type, date, path, text)
                if self.random.random() < 0.3:
                    faction = self.random.choice(factions)
                    topic_title = self.random.choice(ANTRAG_TOPICS)
                    self.add_paper(
                        f"Antrag der {faction['name'].replace(' im Rat der Stadt Werne', '')}: {topic_title}",
                        "Antrag",
                        start - dt.timedelta(days=20),
                        [short, "RAT"],
                        "Die Verwaltung wird beauftragt, die Umsetzung zu prüfen und über Kosten zu berichten.",
                        originator=faction,
                    )
        # the budget statute is decided by the council every year
        for year in (2025, 2026):
            self.add_paper(
                f"Haushaltssatzung {year + 1} – Einbringung des Entwurfs",
                "Beschlussvorlage",
                dt.datetime(year, 9, 15, 10, tzinfo=BERLIN),
                ["RAT", "HFA", "RAT"],
                f"Der Entwurf der Haushaltssatzung {year + 1} wird eingebracht; vgl. Drucksache Nr. 123/{year}.",
                agreed=True,
            )

    def finish_meetings(self) -> None:
        """Frame each agenda: opening, minutes, papers, reports, non-public part; minutes files."""
        non_public = list(NON_PUBLIC_ITEMS)
        for meeting in self.meetings:
            start = meeting["_start"]
            items = meeting["agendaItem"]
            held = start < RECORDED
            frame_before = [
                ("Eröffnung der Sitzung und Feststellung der Beschlussfähigkeit", None),
                ("Genehmigung der Niederschrift der letzten Sitzung", "genehmigt" if held else None),
            ]
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
            for name, resolution, _public in extra:
                item = self.frame_item(meeting, name, "beschlossen", public=False)
                item["resolutionText"] = resolution
                item["auxiliaryFile"] = [
                    self.file(
                        "Vorlage nichtöffentlich",
                        f"vorlage-nö-{item['id'].rsplit('/', 1)[1]}.pdf",
                        start - dt.timedelta(days=10),
                        resolution,
                    )
                ]
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
                        "Niederschrift (öffentlicher Teil)",
                        f"niederschrift-{meeting['id'].rsplit('/', 1)[1]}.pdf",
                        published,
                        f"Niederschrift über die {meeting['name']} am {german_date(start)}.",
                    )
                    self.stamp(meeting, start - dt.timedelta(days=30), published)
            if meeting["cancelled"]:
                meeting["agendaItem"] = []
        if non_public:
            raise RuntimeError("not every non-public demo item found a meeting; change the seed")

    def build_place_papers(self) -> None:
        """Papers about streets and districts, added after the agendas are framed and with their
        own random numbers, so every object generated before keeps its id and content."""
        main_random, self.random = self.random, random.Random(20260)
        for year, month, path, title, paper_type, text, faction in PLACE_PAPERS:
            before = {short: len(meeting["agendaItem"]) for short, meeting in self._meetings_by_id().items()}
            self.add_paper(
                title,
                paper_type,
                dt.datetime(year, month, 2, 10, 0, tzinfo=BERLIN),
                path,
                text,
                originator=self.by_short[faction] if faction else None,
            )
            for meeting_id, meeting in self._meetings_by_id().items():
                if len(meeting["agendaItem"]) > before[meeting_id]:
                    self._before_closing_items(meeting)
        self.random = main_random

    def record_attendance(self) -> None:
        """Who took part in each held meeting (OParl `participant`): the members of the body on
        that day, about nine in ten of them; own random numbers, so nothing generated before changes."""
        attendance = random.Random(20261)
        for meeting in self.meetings:
            if meeting["cancelled"] or meeting["_start"] >= RECORDED:
                continue
            day = meeting["_start"].date().isoformat()
            organization = meeting["organization"][0]
            members = [
                person["id"]
                for person in self.persons
                if any(
                    m["organization"] == organization
                    and m["startDate"] <= day
                    and (not m.get("endDate") or m["endDate"] >= day)
                    for m in person["membership"]
                )
            ]
            meeting["participant"] = [person for person in members if attendance.random() < 0.9]

    def _meetings_by_id(self) -> dict[str, dict]:
        return {meeting["id"]: meeting for meeting in self.meetings}

    @staticmethod
    def _before_closing_items(meeting: dict) -> None:
        """Move the item just appended in front of the closing items (reports, questions,
        the non-public part) and number the agenda again."""
        items = meeting["agendaItem"]
        added = items.pop()
        closing = next(index for index, item in enumerate(items) if item["name"] == "Mitteilungen der Verwaltung")
        items.insert(closing, added)
        for order, item in enumerate(items):
            item["order"] = order
            item["number"] = str(order + 1)

    def frame_item(self, meeting: dict, name: str, result: str | None, public: bool = True) -> dict:
        item = {"id": self.new_id("agendaitem"), "type": SCHEMA + "AgendaItem", "name": name, "public": public}
        if result:
            item["result"] = result
        return self.stamp(item, meeting["_start"] - dt.timedelta(days=12), meeting["_start"] - dt.timedelta(days=10))

    def build(self) -> dict[str, object]:
        self.build_organizations()
        self.build_persons()
        self.build_meetings()
        self.build_papers()
        self.finish_meetings()
        self.build_place_papers()
        self.record_attendance()
        for meeting in self.meetings:
            del meeting["_start"]
            if not meeting["auxiliaryFile"]:
                del meeting["auxiliaryFile"]
        for paper in self.papers:
            if not paper["auxiliaryFile"]:
                del paper["auxiliaryFile"]
        system, body = self.system_and_body()
        return {
            "system": system,
            "body": body,
            "organizations": self.organizations,
            "persons": self.persons,
            "meetings": self.meetings,
            "papers": self.papers,
            "deleted": self.tombstones(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[2] / "datasets" / "ratsinformation" / "sample"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    generator = Generator(args.seed)
    for name, content in generator.build().items():
        (args.out / f"{name}.json").write_text(
            json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    documents = args.out / DOCUMENTS_FOLDER
    documents.mkdir(exist_ok=True)
    for stale in documents.glob("*.pdf"):
        if stale.name not in generator.documents:
            stale.unlink()
    for file_name, pdf in generator.documents.items():
        (documents / file_name).write_bytes(pdf)
    print(f"geschrieben: {args.out}")


if __name__ == "__main__":
    main()
