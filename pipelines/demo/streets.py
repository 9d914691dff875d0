"""Write the synthetic street register of the demo town Werne (deterministic; run once).

    python -m pipelines.demo.streets

Writes datasets/strassenverzeichnis/sample/strassen.geojson: every street as a line in
EPSG:25832 with its district (Ortsteil), laid out around the same centre as the demo plans and
inside the demo boundary (pipelines/demo/geo.py), so that the streets a plan is named after run
through that plan (Bahnhofstraße through plan 17, Capeller Straße through plan 56, Lünener and
Kamener Straße cross in plan 38, Am Hagen in plan 42 …). The names mix the spellings a matcher
must cope with: umlauts, ß, hyphenated names, names of two words, names with an article
("Am Hagen") and bare names ("Markt", "Penningrode"). All of it is invented.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from pipelines.demo.geo import CENTRE, CRS_MEMBER

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "datasets/strassenverzeichnis/sample/strassen.geojson"

# name, district, course as offsets (m) from the market place
STREETS: list[tuple[str, str, list[tuple[int, int]]]] = [
    ("Markt", "Werne-Mitte", [(-60, -40), (60, -40), (120, -10)]),
    ("Kirchhof", "Werne-Mitte", [(40, 60), (120, 90)]),
    ("Steinstraße", "Werne-Mitte", [(-300, 50), (0, 20), (250, 80)]),
    ("Bonenstraße", "Werne-Mitte", [(0, 0), (20, 150), (0, 300)]),
    ("Bahnhofstraße", "Werne-Mitte", [(100, -100), (350, -650), (500, -900)]),
    ("Konrad-Adenauer-Straße", "Werne-Mitte", [(-600, -300), (0, -300), (700, -250)]),
    ("Südring", "Werne-Mitte", [(-700, -500), (0, -560), (700, -600)]),
    ("Lippestraße", "Werne-Mitte", [(-500, -200), (-850, -350), (-1200, -500)]),
    ("Capeller Straße", "Werne-Mitte", [(300, -1200), (600, -1500), (900, -1900)]),
    ("Kamener Straße", "Werne-Mitte", [(-900, -700), (-900, -1100), (-900, -1700)]),
    ("Lünener Straße", "Werne-Mitte", [(-300, -900), (-900, -1100), (-1800, -1300)]),
    ("Wahrbrinkweg", "Werne-Mitte", [(1800, -900), (2300, -900), (2800, -850)]),
    ("Stockumer Straße", "Werne-Mitte", [(400, 0), (2000, 300), (3900, 800)]),
    ("Münsterstraße", "Werne-Nord", [(0, 300), (200, 900), (400, 1800)]),
    ("Schützenstraße", "Werne-Nord", [(-200, 700), (300, 800)]),
    ("Kardinal-von-Galen-Straße", "Werne-Nord", [(-400, 400), (-420, 700), (-400, 1000)]),
    ("Am Hagen", "Werne-Nord", [(700, 900), (900, 950), (1100, 1050)]),
    ("Grüner Weg", "Werne-Nord", [(500, 1300), (700, 1400), (900, 1500)]),
    ("Horster Straße", "Werne-Nord", [(300, 500), (2000, 2000), (3500, 3000)]),
    ("Evenkamper Weg", "Evenkamp", [(-600, 200), (-1400, 400), (-2200, 500)]),
    ("Penningrode", "Evenkamp", [(-1300, 300), (-1400, 450), (-1500, 600)]),
    ("Dörneweg", "Evenkamp", [(-1600, 200), (-1650, 450), (-1700, 700)]),
    ("Stockumer Dorfstraße", "Stockum", [(3900, 800), (4400, 900), (4800, 1000)]),
    ("Im Ostfeld", "Stockum", [(4300, 1100), (4450, 1200), (4600, 1300)]),
    ("Langerner Straße", "Langern", [(900, 2500), (1100, 4000), (1300, 4800)]),
    ("Sonnenweg", "Langern", [(800, 3900), (1100, 4000), (1400, 4100)]),
    ("Holthausener Dorfstraße", "Holthausen", [(-2800, 2600), (-2500, 2800), (-2200, 3100)]),
    ("Zum Sportplatz", "Holthausen", [(-2600, 2900), (-2500, 3050), (-2400, 3200)]),
    ("Süggelstraße", "Horst", [(2900, 2600), (3100, 2950), (3300, 3300)]),
    ("Horster Feldweg", "Horst", [(3500, 3000), (3900, 3500), (4300, 4100)]),
]


def street_features(rng: random.Random) -> list[dict]:
    features = []
    for number, (name, district, course) in enumerate(STREETS, start=1):
        # a few metres of jitter on the inner points: streets are not ruled lines
        points = [
            [
                round(CENTRE[0] + east + (rng.uniform(-15, 15) if 0 < index < len(course) - 1 else 0), 1),
                round(CENTRE[1] + north + (rng.uniform(-15, 15) if 0 < index < len(course) - 1 else 0), 1),
            ]
            for index, (east, north) in enumerate(course)
        ]
        key = f"{number * 10:05d}"  # the town's street key, numbered in tens as towns leave room
        features.append(
            {
                "type": "Feature",
                "id": key,
                "properties": {"strassenschluessel": key, "name": name, "ortsteil": district},
                "geometry": {"type": "LineString", "coordinates": points},
            }
        )
    return features


def main() -> None:
    collection = {
        "type": "FeatureCollection",
        "name": "strassen",
        "crs": CRS_MEMBER,
        "features": street_features(random.Random(5978041)),
    }
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
