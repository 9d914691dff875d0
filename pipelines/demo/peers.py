"""Recorded answers of the public services the peer comparison asks, for the demo and the tests.

    python -m pipelines.demo.peers

writes `datasets/vergleichskommunen/sample/aufzeichnung/` (the recording the bundled demo
answers from, pipelines/peers/recording.py) and `metadata/peers.yaml` for the other towns of
Kreis Unna. The names, keys and approximate populations are real; every other figure (datasets,
OParl dates, KPI values) is invented, and the services live under `.example` addresses, which
cannot exist: the demo cannot pass for the towns' real figures. The answers have the shapes the
real services give: CKAN's action API (`organization_show`, `package_search` with the
`help`/`success`/`result` envelope, 404 with `success: false` for an unknown organisation), OParl
1.1 (system, body list, paged meeting and paper lists) and the IT.NRW table export as CSV.

`write_recording(folder, urls)` is what the tests call with addresses on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import yaml

from contracts.kpi_file import FORMAT
from pipelines.peers.recording import INDEX_FILE

ROOT = Path(__file__).resolve().parents[2]
LICENCE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
RECORDED_ON = dt.date(2026, 12, 1)


@dataclass(frozen=True)
class DemoTown:
    name: str
    ags: str
    inhabitants: int | None
    organisation: str | None  # CKAN organisation; None: not in the catalogue
    datasets: int = 0
    formats: tuple[str, ...] = ("CSV",)
    oparl: str | None = None  # "ok", "down" (503), None: no interface
    oparl_days_old: int = 0  # the newest object's age on RECORDED_ON
    kpis: dict[str, float | None] = field(default_factory=dict)  # its KPI file; {} none
    kpi_file_hostile: bool = False  # its KPI file breaks the format


OWN = DemoTown("Werne", "05978040", 29_704, "stadt-werne", 12, ("CSV", "JSON", "GEOJSON"), "ok", 6)
PEERS = (
    DemoTown(
        "Bergkamen",
        "05978004",
        48_693,
        "stadt-bergkamen",
        9,
        ("CSV", "PDF"),
        "ok",
        2,
        {"reifegrad-3-anteil": 38.0, "online-anteil-gesamt": None},
    ),
    DemoTown("Bönen", "05978008", 18_338, None),
    DemoTown("Fröndenberg/Ruhr", "05978012", 20_712, "stadt-froendenberg", 3, ("PDF", "CSV"), "ok", 41),
    DemoTown("Holzwickede", "05978016", 17_620, "gemeinde-holzwickede", 2, ("XLSX",)),
    DemoTown(
        "Kamen",
        "05978020",
        42_838,
        "stadt-kamen",
        21,
        ("CSV", "JSON"),
        "ok",
        1,
        {"reifegrad-3-anteil": 52.5, "online-anteil-gesamt": 31.0},
    ),
    DemoTown("Lünen", "05978024", 86_404, "stadt-luenen", 47, ("CSV", "GEOJSON", "JSON", "WMS"), "ok", 3),
    DemoTown(
        "Schwerte",
        "05978028",
        46_234,
        "stadt-schwerte",
        15,
        ("CSV",),
        "ok",
        12,
        {"reifegrad-3-anteil": 44.0},
        kpi_file_hostile=True,
    ),
    DemoTown("Selm", "05978032", 25_804, "stadt-selm", 4, ("PDF",), "down"),
    DemoTown(
        "Unna",
        "05978036",
        58_633,
        "kreisstadt-unna",
        30,
        ("CSV", "JSON", "XLSX"),
        "ok",
        0,
        {"reifegrad-3-anteil": 61.0, "online-anteil-gesamt": 22.4},
    ),
)
KPI_TITLES = {
    "reifegrad-3-anteil": ("Leistungen, die man online beantragen kann", "%", True),
    "online-anteil-gesamt": ("Anliegen, die online kamen", "%", True),
}


@dataclass(frozen=True)
class ServiceUrls:
    """Where the recorded services live: the demo's `.example` hosts or a test server."""

    ckan: str
    statistics: str
    oparl: str  # "{slug}" is the town's part of the address
    kpi_file: str

    def for_town(self, pattern: str, town: DemoTown) -> str:
        return pattern.format(slug=slug(town.name))


DEMO_URLS = ServiceUrls(
    ckan="https://ckan.opendata-nrw.example",
    statistics="https://statistik.it-nrw.example/ldb/12411-01i.csv",
    oparl="https://ris.{slug}.example/oparl/v1.1/system",
    kpi_file="https://www.{slug}.example/kennzahlen.json",
)


def slug(name: str) -> str:
    folded = name.lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    return "".join(c if c.isalnum() else "-" for c in folded).strip("-")


class RecordingWriter:
    def __init__(self, folder: Path):
        self.folder = folder
        self.answers: list[dict] = []

    def add(self, url: str, status: int, content: bytes | None, content_type: str, file: str | None = None) -> None:
        entry: dict = {"url": url, "status": status, "content_type": content_type}
        if content is not None:
            name = file or f"antwort-{len(self.answers) + 1:03d}"
            (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(content)
            entry["file"] = name
        self.answers.append(entry)

    def add_json(self, url: str, data: object, file: str, status: int = 200) -> None:
        content = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        self.add(url, status, content, "application/json;charset=utf-8", file)

    def close(self) -> None:
        index = {"hinweis": "Aufgezeichnete Demo-Antworten (erfunden), geschrieben von pipelines/demo/peers.py"}
        (self.folder / INDEX_FILE).write_text(
            json.dumps({**index, "answers": self.answers}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


def ckan_action_url(ckan: str, action: str, params: dict) -> str:
    """The URL ckanapi asks with `get_only=True` (values as requests writes them)."""
    return f"{ckan.rstrip('/')}/api/action/{action}?" + urlencode({k: str(v) for k, v in params.items()})


def envelope(ckan: str, action: str, result: object) -> dict:
    return {"help": f"{ckan.rstrip('/')}/api/3/action/help_show?name={action}", "success": True, "result": result}


def ckan_answers(writer: RecordingWriter, ckan: str, town: DemoTown) -> None:
    if town.organisation is None:
        return
    org_id = f"{town.ags}-0000-4000-8000-000000000000"
    organisation = {
        "id": org_id,
        "name": town.organisation,
        "title": f"Stadt {town.name}",
        "display_name": f"Stadt {town.name}",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "created": "2021-03-15T10:12:44.123456",
        "description": "",
        "image_url": "",
        "num_followers": 0,
        "package_count": town.datasets,
    }
    base = f"ckan/{town.organisation}"
    writer.add_json(
        ckan_action_url(ckan, "organization_show", {"id": town.organisation, "include_datasets": False}),
        envelope(ckan, "organization_show", organisation),
        f"{base}-organization_show.json",
    )
    packages = []
    for number in range(town.datasets):
        modified = RECORDED_ON - dt.timedelta(days=17 * number + 5)
        fmt = town.formats[number % len(town.formats)]
        packages.append(
            {
                "id": f"{town.ags}-{number:04d}-4000-8000-000000000000",
                "name": f"{town.organisation}-datensatz-{number + 1}",
                "title": f"Datensatz {number + 1} ({town.name})",
                "type": "dataset",
                "state": "active",
                "private": False,
                "license_id": "dl-by-de/2.0",
                "metadata_created": "2022-01-10T08:00:00.000000",
                "metadata_modified": f"{modified.isoformat()}T09:30:00.000000",
                "owner_org": org_id,
                "organization": {k: organisation[k] for k in ("id", "name", "title", "type", "state", "image_url")},
                "num_resources": 1,
                "num_tags": 0,
                "resources": [
                    {
                        "id": f"{town.ags}-{number:04d}-r",
                        "name": f"Daten ({fmt})",
                        "format": fmt,
                        "url": f"https://www.{slug(town.name)}.example/daten/{number + 1}.{fmt.lower()}",
                    }
                ],
                "tags": [],
                "groups": [],
                "extras": [],
            }
        )
    params = {"fq": f"organization:{town.organisation}", "rows": 1000, "start": 0, "sort": "name asc"}
    result = {"count": town.datasets, "facets": {}, "results": packages, "sort": "name asc", "search_facets": {}}
    writer.add_json(
        ckan_action_url(ckan, "package_search", params),
        envelope(ckan, "package_search", result),
        f"{base}-package_search.json",
    )


def oparl_answers(writer: RecordingWriter, system_url: str, town: DemoTown) -> None:
    if town.oparl is None:
        return
    if town.oparl == "down":
        maintenance = b"<html><body>Wartungsarbeiten</body></html>"
        writer.add(system_url, 503, maintenance, "text/html", f"oparl/{slug(town.name)}-system.html")
        return
    root = system_url.rsplit("/system", 1)[0]
    newest = RECORDED_ON - dt.timedelta(days=town.oparl_days_old)
    stamp = f"{newest.isoformat()}T14:05:00+01:00"
    older = f"{(newest - dt.timedelta(days=30)).isoformat()}T10:00:00+01:00"
    body_url = f"{root}/body/1"
    name = f"oparl/{slug(town.name)}"
    writer.add_json(
        system_url,
        {
            "id": system_url,
            "type": "https://schema.oparl.org/1.1/System",
            "oparlVersion": "https://schema.oparl.org/1.1/",
            "name": f"Ratsinformationssystem {town.name}",
            "body": f"{root}/bodies",
            "created": "2019-05-01T00:00:00+02:00",
            "modified": "2019-05-01T00:00:00+02:00",
        },
        f"{name}-system.json",
    )
    body = {
        "id": body_url,
        "type": "https://schema.oparl.org/1.1/Body",
        "system": system_url,
        "name": f"Stadt {town.name}",
        "ags": town.ags,
        "meeting": f"{root}/body/1/meetings",
        "paper": f"{root}/body/1/papers",
        "created": "2019-05-01T00:00:00+02:00",
        "modified": older,
    }
    pagination = {"totalElements": 1, "elementsPerPage": 20, "currentPage": 1, "totalPages": 1}
    writer.add_json(f"{root}/bodies", {"data": [body], "pagination": pagination, "links": {}}, f"{name}-bodies.json")
    for list_name, item_type, modified in (("meetings", "Meeting", stamp), ("papers", "Paper", older)):
        first, last = f"{root}/body/1/{list_name}", f"{root}/body/1/{list_name}?page=2"
        for page, url, item_modified in ((1, first, older), (2, last, modified)):
            writer.add_json(
                url,
                {
                    "data": [
                        {
                            "id": f"{root}/{list_name}/{page}",
                            "type": f"https://schema.oparl.org/1.1/{item_type}",
                            "name": f"{item_type} {page}",
                            "modified": item_modified,
                        }
                    ],
                    "pagination": {"totalElements": 2, "elementsPerPage": 1, "currentPage": page, "totalPages": 2},
                    "links": {"first": first, "last": last, **({"next": last} if page == 1 else {})},
                },
                f"{name}-{list_name}-{page}.json",
            )


def kpi_file_answer(writer: RecordingWriter, url: str, town: DemoTown) -> None:
    if not town.kpis:
        return
    entries = []
    for kpi_id, value in town.kpis.items():
        title, unit, higher = KPI_TITLES[kpi_id]
        entries.append(
            {
                "id": kpi_id,
                "title": title,
                "definition": f"{title}: Anteil in Prozent.",
                "unit": unit,
                "period": "2026-11" if value is not None else None,
                "value": value,
                "target": None,
                "target_date": None,
                "higher_is_better": higher,
                "source_query": None,
                "licence": LICENCE,
            }
        )
    if town.kpi_file_hostile:  # what a careless or hostile file looks like: markup and a number as text
        entries[0] = {**entries[0], "title": "<script>alert('x')</script>Leistungen online", "value": "44,0"}
    document = {
        "format": FORMAT,
        "publisher": {"name": f"Stadt {town.name}", "municipality_key": town.ags},
        "modified": RECORDED_ON.isoformat(),
        "kpis": entries,
    }
    writer.add_json(url, document, f"kennzahlen/{slug(town.name)}.json")


def population_csv(towns: list[DemoTown]) -> bytes:
    lines = [
        "Landesdatenbank NRW;;",
        "12411-01i: Bevölkerungsstand: Gemeinden, Stichtag;;",
        "Bevölkerung (Anzahl);;",
        ";;31.12.2023",
    ]
    for town in sorted(towns, key=lambda t: t.ags):
        figure = f"{town.inhabitants:,}".replace(",", ".") if town.inhabitants else "-"
        lines.append(f"{town.ags};{town.name};{figure}")
    lines += ["__________;;", "(C)opyright Information und Technik Nordrhein-Westfalen, Düsseldorf, 2024"]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def town_entry(town: DemoTown, urls: ServiceUrls) -> dict:
    entry: dict = {"name": town.name, "municipality_key": town.ags}
    if town.organisation:
        entry["ckan_organization"] = town.organisation
    if town.oparl:
        entry["oparl"] = urls.for_town(urls.oparl, town)
    if town.kpis:
        entry["kpi_file"] = urls.for_town(urls.kpi_file, town)
    return entry


def write_recording(folder: Path, urls: ServiceUrls, own: DemoTown = OWN, peers: tuple[DemoTown, ...] = PEERS) -> dict:
    """Write the recorded answers into `folder` (emptied first); return the matching `metadata/peers.yaml`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    writer = RecordingWriter(folder)
    towns = [own, *peers]
    writer.add(urls.statistics, 200, population_csv(towns), "text/csv;charset=windows-1252", "statistik/12411-01i.csv")
    for town in towns:
        ckan_answers(writer, urls.ckan, town)
        if town.oparl:
            oparl_answers(writer, urls.for_town(urls.oparl, town), town)
        if town.kpis:
            kpi_file_answer(writer, urls.for_town(urls.kpi_file, town), town)
    writer.close()
    return {
        "statistics": {
            "url": urls.statistics,
            "title": "IT.NRW, Landesdatenbank NRW, Tabelle 12411-01i (Bevölkerungsstand)",
        },
        "ckan": urls.ckan,
        "town": town_entry(own, urls),
        "peers": [town_entry(town, urls) for town in peers],
    }


HEADER = """\
# Vergleichskommunen (Datensatz vergleichskommunen, Seite /digitalisierung/vergleich/).
# Demo: die anderen Städte und Gemeinden des Kreises Unna. Namen, Gemeindeschlüssel und
# Einwohnerzahlen sind echt; Datensätze, OParl-Daten und Kennzahlen sind erfunden und kommen aus
# einer Aufzeichnung (datasets/vergleichskommunen/sample/aufzeichnung, pipelines/demo/peers.py).
# Vor dem Livegang: die echten Adressen eintragen und `recording:` in dataset.yaml streichen.
"""


def main() -> None:
    folder = ROOT / "datasets" / "vergleichskommunen" / "sample" / "aufzeichnung"
    register = write_recording(folder, DEMO_URLS)
    text = yaml.safe_dump(register, allow_unicode=True, sort_keys=False, width=110)
    # Keys with a leading zero stay text for every YAML reader, not only for PyYAML.
    text = re.sub(r"municipality_key: (\d{8})", r'municipality_key: "\1"', text)
    (ROOT / "metadata" / "peers.yaml").write_text(HEADER + text, encoding="utf-8")


if __name__ == "__main__":
    main()
