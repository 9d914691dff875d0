"""A large city's council archive, generated (seeded) as an OParl recording.

    python -m benchmarks.city_archive OUT [--scale 0.05] [--seed 2026]

At `--scale 1.0` the archive has 200,000 papers, 50,000 meetings, 1,000,000 agenda items
and 500,000 documents (issue 22); every count is multiplied by the scale. Persons,
organizations and the body come from the bundled Werne demo (its committees hold the
meetings), so the privacy rules and the pages see real shapes; the meetings and papers
span 26 years up to the demo's recording date.

Documents: each paper has a main file and zero to two annexes, each held meeting an
invitation and minutes. 49 in 50 documents carry their text as `File.text` (about 150
words each, as systems that send the text do); every 50th has none and is served as a
real PDF with a text layer from `dokumente/`, so the harvest reads PDFs too (a polite
harvest downloads them at the source's rate; their count stays small on purpose).

`CachedRecording` answers list pages from precomputed lists: `Recording` derives the flat
lists anew for every page, which is quadratic in the archive's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from benchmarks.council_search_scale import COMMON
from pipelines.demo.documents import text_pdf
from pipelines.oparl.recording import DOCUMENTS_FOLDER, TOP_LEVEL_LISTS, Recording

SAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "ratsinformation" / "sample"
SCHEMA = "https://schema.oparl.org/1.1/"
BERLIN = dt.timezone(dt.timedelta(hours=1))
RECORDED = dt.datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN)
FIRST_DAY = dt.datetime(2001, 1, 8, 17, 0, tzinfo=BERLIN)
# The city at scale 1.0 (issue 22).
PAPERS = 200_000
MEETINGS = 50_000
AGENDA_ITEMS = 1_000_000
DOCUMENTS = 500_000
PDF_EVERY = 50  # every 50th document has no File.text and is read from its PDF
WORDS_PER_DOCUMENT = 150
FIRST_NUMBER = 100_000  # generated ids start here, far from the demo's (1001 …)

WORDS = [
    *COMMON,
    *["Radweg", "Kita", "Spielplatz", "Friedhof", "Feuerwehr", "Bebauungsplan", "Grünfläche", "Haltestelle"],
    *["Vergabe", "Zuschuss", "Satzung", "Gebühren", "Stellungnahme", "Gutachten", "Lärmschutz", "Parkplatz"],
]
RARE = ("Fledermausquartier", "Schallkontor", "Regenrückhaltebecken", "Drehleiter", "Oberbodenabtrag")
SUBJECTS = ("Sanierung", "Neubau", "Erweiterung", "Umgestaltung", "Förderantrag", "Machbarkeitsstudie")
PLACES = ("der Grundschule", "der Sporthalle", "des Marktplatzes", "der Kita", "des Stadtparks", "des Hallenbads")
DISTRICTS = ("Nord", "Süd", "Ost", "West", "Mitte", "am Hafen", "im Feld", "an der Lippe")
FRAME_ITEMS = (
    "Eröffnung der Sitzung und Feststellung der Beschlussfähigkeit",
    "Genehmigung der Niederschrift der letzten Sitzung",
    "Mitteilungen der Verwaltung",
    "Anfragen der Ausschussmitglieder",
    "Einwohnerfragestunde",
    "Bericht der Verwaltung zu laufenden Vorhaben",
)
RESULTS = ("ungeändert beschlossen", "geändert beschlossen", "abgelehnt", "vertagt", "zur Kenntnis genommen")


def iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


class CityArchive:
    """The generator; `build()` returns the recording's files as name → content."""

    def __init__(self, scale: float, seed: int = 2026) -> None:
        self.scale = scale
        self.random = random.Random(seed)
        self.next_number = FIRST_NUMBER
        self.documents: dict[str, bytes] = {}
        self.document_count = 0
        demo = Recording.load(SAMPLE)
        self.system, self.body = demo.system, demo.body
        self.base = demo.base
        self.organizations = demo.lists["organizations"]
        self.persons = demo.lists["persons"]
        self.committees = [o["id"] for o in self.organizations if o.get("organizationType") == "Gremium"]
        self.location = next(m["location"] for m in demo.lists["meetings"] if isinstance(m.get("location"), dict))

    def count(self, full: int) -> int:
        return max(1, round(full * self.scale))

    def new_id(self, kind: str) -> str:
        self.next_number += 1
        return f"{self.base}/{kind}/{self.next_number}"

    def text(self) -> str:
        words = [self.random.choice(WORDS) for _ in range(WORDS_PER_DOCUMENT)]
        if self.random.random() < 0.002:
            words.insert(self.random.randrange(len(words)), self.random.choice(RARE))
        return " ".join(words) + "."

    def file(self, name: str, day: dt.datetime) -> dict[str, Any]:
        file_id = self.new_id("file")
        number = file_id.rsplit("/", 1)[1]
        self.document_count += 1
        file: dict[str, Any] = {
            "id": file_id,
            "type": SCHEMA + "File",
            "name": name,
            "fileName": f"{number}.pdf",
            "mimeType": "application/pdf",
            "date": day.date().isoformat(),
            "accessUrl": f"{self.base}/file/{number}/access",
            "downloadUrl": f"{self.base}/file/{number}/download",
            "fileLicense": "https://www.govdata.de/dl-de/by-2-0",
            "created": iso(day),
            "modified": iso(min(day, RECORDED)),
        }
        text = self.text()
        if self.document_count % PDF_EVERY == 0:
            pdf = text_pdf(name, [text])
            self.documents[f"{number}.pdf"] = pdf
            file["size"] = len(pdf)
        else:
            file["text"] = text
            file["size"] = len(text.encode("utf-8"))
        return file

    def meetings(self) -> list[dict[str, Any]]:
        total = self.count(MEETINGS)
        span = (RECORDED + dt.timedelta(days=60) - FIRST_DAY).total_seconds()
        meetings = []
        for index in range(total):
            start = FIRST_DAY + dt.timedelta(seconds=span * index / total)
            start = start.replace(hour=17, minute=0, second=0)
            organization = self.committees[index % len(self.committees)]
            held = start < RECORDED
            meeting: dict[str, Any] = {
                "id": self.new_id("meeting"),
                "type": SCHEMA + "Meeting",
                "name": f"{index // len(self.committees) + 1}. Sitzung",
                "meetingState": "durchgeführt" if held else "eingeladen",
                "cancelled": False,
                "start": iso(start),
                "end": iso(start + dt.timedelta(hours=2)),
                "location": self.location,
                "organization": [organization],
                "agendaItem": [],
                "created": iso(start - dt.timedelta(days=30)),
                "modified": iso(min(start + dt.timedelta(days=2), RECORDED)),
                "_start": start,
            }
            meeting["invitation"] = self.file("Einladung", start - dt.timedelta(days=10))
            if held:
                minutes_day = start + dt.timedelta(days=14)
                meeting["resultsProtocol"] = self.file("Niederschrift (öffentlicher Teil)", minutes_day)
            meetings.append(meeting)
        return meetings

    def papers(self, meetings: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each paper is consulted in one to three meetings (two on average), in date order."""
        total = self.count(PAPERS)
        per_year: dict[int, int] = {}
        papers = []
        for _ in range(total):
            first = self.random.randrange(len(meetings))
            chosen = [first]
            for _ in range(self.random.choice((0, 1, 1, 2))):
                chosen.append(min(len(meetings) - 1, chosen[-1] + self.random.randint(1, 60)))
            first_start = meetings[first]["_start"]
            day = first_start - dt.timedelta(days=self.random.randint(14, 28))
            per_year[day.year] = per_year.get(day.year, 0) + 1
            reference = f"{per_year[day.year]:04d}/{day.year}"
            title = f"{self.random.choice(SUBJECTS)} {self.random.choice(PLACES)} {self.random.choice(DISTRICTS)}"
            paper_type = self.random.choice(("Beschlussvorlage", "Mitteilungsvorlage", "Antrag"))
            paper: dict[str, Any] = {
                "id": self.new_id("paper"),
                "type": SCHEMA + "Paper",
                "body": self.body["id"],
                "name": title,
                "reference": reference,
                "date": day.date().isoformat(),
                "paperType": paper_type,
                "underDirectionOf": [meetings[first]["organization"][0]],
                "mainFile": self.file(f"{paper_type} {reference}", day),
                "consultation": [],
                "created": iso(day),
            }
            annexes = [self.file(f"Anlage {n + 1}", day) for n in range(self.random.choice((0, 0, 1, 1, 2, 2)))]
            if annexes:
                paper["auxiliaryFile"] = annexes
            last = day
            for position, index in enumerate(dict.fromkeys(chosen)):
                meeting = meetings[index]
                consultation_id = self.new_id("consultation")
                item: dict[str, Any] = {
                    "id": self.new_id("agendaitem"),
                    "type": SCHEMA + "AgendaItem",
                    "name": title,
                    "public": True,
                    "consultation": consultation_id,
                    "created": meeting["created"],
                    "modified": meeting["modified"],
                }
                if meeting["_start"] < RECORDED:
                    item["result"] = self.random.choice(RESULTS)
                meeting["agendaItem"].append(item)
                authoritative = position == len(chosen) - 1 and paper_type != "Mitteilungsvorlage"
                paper["consultation"].append(
                    {
                        "id": consultation_id,
                        "type": SCHEMA + "Consultation",
                        "agendaItem": item["id"],
                        "meeting": meeting["id"],
                        "organization": meeting["organization"],
                        "authoritative": authoritative,
                        "role": "Entscheidung" if authoritative else "Vorberatung",
                        "created": iso(day),
                        "modified": meeting["modified"],
                    }
                )
                last = max(last, meeting["_start"])
            paper["modified"] = iso(min(last + dt.timedelta(days=2), RECORDED))
            papers.append(paper)
        return papers

    def frame_agendas(self, meetings: list[dict[str, Any]]) -> None:
        """Fill every agenda to the archive's average (20 items at scale 1.0) with the usual
        opening and closing items, and number it."""
        per_meeting = AGENDA_ITEMS // MEETINGS
        for meeting in meetings:
            items = meeting["agendaItem"]
            opening = [self.frame_item(meeting, FRAME_ITEMS[0]), self.frame_item(meeting, FRAME_ITEMS[1])]
            closing = [
                self.frame_item(meeting, FRAME_ITEMS[2 + n % (len(FRAME_ITEMS) - 2)])
                for n in range(max(2, per_meeting - len(items) - 2))
            ]
            meeting["agendaItem"] = opening + items + closing
            for order, item in enumerate(meeting["agendaItem"]):
                item["order"] = order
                item["number"] = str(order + 1)

    def frame_item(self, meeting: dict[str, Any], name: str) -> dict[str, Any]:
        return {
            "id": self.new_id("agendaitem"),
            "type": SCHEMA + "AgendaItem",
            "name": name,
            "public": True,
            "created": meeting["created"],
            "modified": meeting["modified"],
        }

    def build(self) -> dict[str, Any]:
        meetings = self.meetings()
        papers = self.papers(meetings)
        self.frame_agendas(meetings)
        for meeting in meetings:
            del meeting["_start"]
        return {
            "system": self.system,
            "body": self.body,
            "organizations": self.organizations,
            "persons": self.persons,
            "meetings": meetings,
            "papers": papers,
            "deleted": [],
        }


def write(out: Path, scale: float, seed: int = 2026) -> dict[str, int]:
    """Write the recording to `out` (JSON files and `dokumente/`); return its counts."""
    archive = CityArchive(scale, seed)
    content = archive.build()
    out.mkdir(parents=True, exist_ok=True)
    for name, value in content.items():
        (out / f"{name}.json").write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    documents = out / DOCUMENTS_FOLDER
    documents.mkdir(exist_ok=True)
    for name, pdf in archive.documents.items():
        (documents / name).write_bytes(pdf)
    return {
        "papers": len(content["papers"]),
        "meetings": len(content["meetings"]),
        "agenda_items": sum(len(m["agendaItem"]) for m in content["meetings"]),
        "documents": archive.document_count,
        "pdf_documents": len(archive.documents),
    }


class CachedRecording(Recording):
    """A Recording whose derived lists are computed once per change, not once per page."""

    def list_objects(self, name: str) -> list[dict[str, Any]]:
        cache = self.__dict__.setdefault("_list_cache", {})
        if name not in cache:
            cache[name] = super().list_objects(name)
        return cache[name]

    def live_objects(self, name: str) -> list[dict[str, Any]]:
        cache = self.__dict__.setdefault("_live_cache", {})
        if name not in cache:
            cache[name] = super().live_objects(name)
        return cache[name]

    def answer(self, url: str) -> Any:
        if not hasattr(self, "_by_id"):
            self._by_id = {obj["id"]: obj for name in TOP_LEVEL_LISTS + ("files",) for obj in self.list_objects(name)}
        found = self._by_id.get(url.split("?", 1)[0].rstrip("/"))
        return found if found is not None else super().answer(url)

    def changed(self) -> None:
        """Forget the derived lists after the objects were changed in place."""
        self.__dict__.pop("_list_cache", None)
        self.__dict__.pop("_live_cache", None)
        self.__dict__.pop("_by_id", None)
        self._document_urls = None

    def upsert(self, list_name: str, obj: dict[str, Any]) -> None:
        super().upsert(list_name, obj)
        self.changed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=0.05, help="1.0 = 200,000 papers, 50,000 meetings, …")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(json.dumps(write(args.out, args.scale, args.seed)))


if __name__ == "__main__":
    main()
