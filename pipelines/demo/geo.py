"""Write the synthetic demo geodata of the demo town Werne (deterministic; run once).

    python -m pipelines.demo.geo

Writes datasets/bebauungsplaene/sample/bebauungsplaene.geojson (12 plans, EPSG:25832,
XPlanung-style attributes), datasets/stadtgebiet/sample/stadtgrenze.geojson (a simplified,
synthetic town boundary) and datasets/baugenehmigungen/sample/baugenehmigungen.csv
(ten years of permit statistics in German CSV dialect: `;`, Windows-1252, `1.234,56`).
All of it is invented; the plan table of the shared demo facts is followed, and the dates of
the plans the OParl demo mentions are those of its council decisions (the council meeting that
decided the Aufstellungsbeschluss, Offenlage or Satzungsbeschluss).
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from pathlib import Path

from contracts.german import german_number

ROOT = Path(__file__).resolve().parents[2]
# EPSG:25832, Werne market place (lat 51.663, lon 7.634). The shared demo facts round this to
# "about E 400 000, N 5 727 000", which is 6 km off; the geographic position wins.
CENTRE = (405_520.0, 5_724_440.0)
CRS_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
DOCS = "https://geodaten.werne.example/bauleitplanung"

# number, name, plan type, XPlanung rechtsstand (9999: the town GIS's local code for a
# discontinued procedure), centre offset (m), half size (m), dates
PLANS = [
    (
        "4",
        "Innenstadt",
        "Bebauungsplan",
        4000,
        (0, 0),
        (420, 330),
        dict(
            aufstellungsbeschlussDatum="12.03.1974",
            auslegungsStartDatum="02.06.1975",
            auslegungsEndDatum="04.07.1975",
            satzungsbeschlussDatum="20.01.1976",
            inkrafttretensDatum="15.04.1976",
        ),
    ),
    (
        "17",
        "Bahnhofstraße",
        "Bebauungsplan",
        4000,
        (350, -650),
        (230, 160),
        dict(
            aufstellungsbeschlussDatum="1988-02-10",
            auslegungsStartDatum="1989-04-04",
            auslegungsEndDatum="1989-05-05",
            satzungsbeschlussDatum="1989-09-26",
            inkrafttretensDatum="1990-01-12",
        ),
    ),
    (
        "23",
        "Gewerbegebiet Wahrbrink",
        "Bebauungsplan",
        4000,
        (2300, -900),
        (520, 380),
        dict(
            aufstellungsbeschlussDatum="1996-05-14",
            auslegungsStartDatum="1997-03-10",
            auslegungsEndDatum="1997-04-11",
            satzungsbeschlussDatum="1997-09-30",
            inkrafttretensDatum="1998-02-20",
        ),
    ),
    (
        "31",
        "Stockum-Nord",
        "Bebauungsplan",
        4000,
        (4400, 900),
        (300, 260),
        dict(
            aufstellungsbeschlussDatum="2004-06-22",
            auslegungsStartDatum="2005-04-11",
            auslegungsEndDatum="2005-05-12",
            satzungsbeschlussDatum="2005-11-08",
            inkrafttretensDatum="2006-03-02",
        ),
    ),
    (
        "38",
        "Lünener Straße / Kamener Straße",
        "Bebauungsplan",
        50000,
        (-900, -1100),
        (260, 200),
        dict(
            aufstellungsbeschlussDatum="1979-09-18",
            auslegungsStartDatum="1980-05-05",
            auslegungsEndDatum="1980-06-06",
            satzungsbeschlussDatum="1981-02-17",
            inkrafttretensDatum="1981-06-05",
            untergangsDatum="2019-12-10",
        ),
    ),
    (
        "42",
        "Wohnen am Hagen",
        "Bebauungsplan",
        2400,
        (900, 950),
        (280, 220),
        dict(
            aufstellungsbeschlussDatum="2025-06-23", auslegungsStartDatum="2026-11-02", auslegungsEndDatum="2026-12-04"
        ),
    ),
    (
        "45",
        "Holthausen Dorfmitte",
        "Bebauungsplan",
        2200,
        (-2500, 2800),
        (240, 200),
        dict(aufstellungsbeschlussDatum="2026-03-16"),
    ),
    (
        "51",
        "Solarpark Langern",
        "Bebauungsplan",
        1000,
        (1100, 4000),
        (600, 350),
        dict(aufstellungsbeschlussDatum="2026-10-26"),
    ),
    (
        "53",
        "Kita Evenkamp",
        "Bebauungsplan",
        3000,
        (-1400, 400),
        (90, 70),
        dict(
            aufstellungsbeschlussDatum="2026-01-06",
            auslegungsStartDatum="2026-03-02",
            auslegungsEndDatum="2026-04-03",
            satzungsbeschlussDatum="2026-07-27",
        ),
    ),
    (
        "56",
        "Nachverdichtung Capeller Straße",
        "Bebauungsplan",
        2000,
        (600, -1500),
        (200, 130),
        dict(aufstellungsbeschlussDatum="2022-11-15"),
    ),
    (
        "58",
        "Gewerbepark Horst",
        "Bebauungsplan",
        9999,
        (3500, 3000),
        (450, 320),
        dict(
            aufstellungsbeschlussDatum="2019-05-07", auslegungsStartDatum="2020-09-07", auslegungsEndDatum="2020-10-09"
        ),
    ),
    (
        "FNP 27",
        "Windenergie Horst",
        "Änderung des Flächennutzungsplans",
        2400,
        (4300, 4100),
        (900, 600),
        dict(
            aufstellungsbeschlussDatum="2024-05-14", auslegungsStartDatum="2026-11-09", auslegungsEndDatum="2026-12-11"
        ),
    ),
]


def blob(centre, half, vertices, rng, jitter=0.18):
    """An irregular, simple (non self-intersecting) ring: a noisy ellipse, closed."""
    cx, cy = centre
    ring = []
    for index in range(vertices):
        angle = 2 * math.pi * index / vertices + rng.uniform(-0.1, 0.1)
        scale = 1 + rng.uniform(-jitter, jitter)
        ring.append(
            [round(cx + half[0] * scale * math.cos(angle), 3), round(cy + half[1] * scale * math.sin(angle), 3)]
        )
    return [*ring, ring[0]]


def plan_features(rng):
    features = []
    for number, name, plan_type, state, offset, half, dates in PLANS:
        centre = (CENTRE[0] + offset[0], CENTRE[1] + offset[1])
        slug = number.replace(" ", "_")
        kind = "FP" if number.startswith("FNP") else "BP"
        outer = blob(centre, half, rng.randint(7, 11), rng)
        if number == "4":  # the market place is excluded from the plan: a hole
            hole = blob((centre[0] + 60, centre[1] - 40), (70, 50), 6, rng, 0.05)[::-1]
            geometry = {"type": "Polygon", "coordinates": [outer, hole]}
        elif number == "38":  # two separate parts either side of the crossing
            second = blob(
                (centre[0] + 2.4 * half[0], centre[1] + 0.3 * half[1]), (half[0] * 0.6, half[1] * 0.6), 7, rng
            )
            geometry = {"type": "MultiPolygon", "coordinates": [[outer], [second]]}
        else:
            geometry = {"type": "Polygon", "coordinates": [outer]}
        has_documents = state in (4000, 50000, 3000, 2400)
        properties = {
            "planid": f"DE_05978040_{kind}_{slug}",
            "nummer": number,
            "name": name,
            "planArt": plan_type,
            "rechtsstand": state,
            "gkz": "05978040",
            "gemeinde": "Werne",
            **{
                key: dates.get(key)
                for key in (
                    "aufstellungsbeschlussDatum",
                    "auslegungsStartDatum",
                    "auslegungsEndDatum",
                    "satzungsbeschlussDatum",
                    "inkrafttretensDatum",
                    "untergangsDatum",
                )
            },
            "scanurl": f"{DOCS}/{kind}_{slug}_Planzeichnung.pdf" if has_documents else "",
            "begruendurl": f"{DOCS}/{kind}_{slug}_Begruendung.pdf" if has_documents else "",
            "texturl": f"{DOCS}/{kind}_{slug}_Textliche_Festsetzungen.pdf" if has_documents and kind == "BP" else "",
        }
        features.append({"type": "Feature", "id": properties["planid"], "properties": properties, "geometry": geometry})
    return features


def boundary(rng):
    """A synthetic town boundary around all plans: about 15 km by 13 km, 48 vertices."""
    ring = []
    for index in range(48):
        angle = 2 * math.pi * index / 48
        radius_x = 7200 + 500 * math.sin(3 * angle) + rng.uniform(-150, 150)
        radius_y = 6300 + 400 * math.cos(2 * angle) + rng.uniform(-150, 150)
        ring.append(
            [
                round(CENTRE[0] + 600 + radius_x * math.cos(angle), 1),
                round(CENTRE[1] + 700 + radius_y * math.sin(angle), 1),
            ]
        )
    ring.append(ring[0])
    return {
        "type": "FeatureCollection",
        "name": "stadtgrenze",
        "crs": CRS_MEMBER,
        "features": [
            {
                "type": "Feature",
                "id": "05978040",
                "properties": {
                    "ags": "05978040",
                    "name": "Stadt Werne (vereinfachte, synthetische Grenze)",
                    "hinweis": "Demo-Geometrie: keine amtliche Gemeindegrenze",
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }


def permits(rng) -> str:
    # building type: (permits per year, dwellings per building, m² living space per dwelling)
    types = {
        "Einfamilienhäuser": (38, 1, 138.0),
        "Zweifamilienhäuser": (7, 2, 96.0),
        "Mehrfamilienhäuser": (6, 9, 71.0),
        "Nichtwohngebäude": (14, 0, 0.0),
    }
    trend = {
        2015: 0.9,
        2016: 1.0,
        2017: 1.05,
        2018: 1.1,
        2019: 1.15,
        2020: 1.1,
        2021: 1.2,
        2022: 0.95,
        2023: 0.7,
        2024: 0.65,
    }
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Jahr",
            "Gebäudeart",
            "Baugenehmigungen",
            "Baufertigstellungen",
            "Wohnungen genehmigt",
            "Wohnungen fertiggestellt",
            "Wohnfläche genehmigt (m²)",
            "Nutzfläche genehmigt (m²)",
            "Veranschlagte Baukosten (1.000 €)",
        ]
    )
    for year, factor in trend.items():
        for building_type, (base, dwellings, living) in types.items():
            permitted = max(1, round(base * factor * rng.uniform(0.85, 1.15)))
            completed = max(1, round(permitted * rng.uniform(0.75, 1.05)))
            homes = permitted * dwellings + (rng.randint(0, 2) if dwellings == 0 else 0)
            homes_done = completed * dwellings
            living_area = homes * living * rng.uniform(0.92, 1.08)
            usable = (permitted * rng.uniform(550, 1400)) if dwellings == 0 else 0.0
            cost = (living_area * rng.uniform(2.1, 2.9) + usable * rng.uniform(1.1, 1.6)) * (1 + (year - 2015) * 0.045)
            writer.writerow(
                [
                    year,
                    building_type,
                    permitted,
                    completed,
                    homes,
                    homes_done,
                    german_number(living_area, 1),
                    german_number(usable, 1),
                    german_number(cost, 0),
                ]
            )
    return out.getvalue()


def main() -> None:
    rng = random.Random(5978040)
    plans = {"type": "FeatureCollection", "name": "bebauungsplaene", "crs": CRS_MEMBER, "features": plan_features(rng)}
    (ROOT / "datasets/bebauungsplaene/sample/bebauungsplaene.geojson").write_text(
        json.dumps(plans, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (ROOT / "datasets/stadtgebiet/sample/stadtgrenze.geojson").write_text(
        json.dumps(boundary(rng), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (ROOT / "datasets/baugenehmigungen/sample/baugenehmigungen.csv").write_bytes(permits(rng).encode("cp1252"))


if __name__ == "__main__":
    main()
