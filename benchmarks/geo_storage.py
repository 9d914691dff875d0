"""Geometry storage in portal.db: bounding-box query times for N synthetic polygons.

    /usr/bin/python3 benchmarks/geo_storage.py [--polygons 100000] [--queries 100]

Variants (each a fresh SQLite file under benchmarks/output/):
- scan:       GeoJSON text + bbox columns, no index (baseline)
- bbox-index: GeoJSON text + bbox columns + one composite B-tree index on them
- rtree:      GeoJSON text + bbox columns + an R*Tree virtual table (built into SQLite)
- spatialite: SpatiaLite geometry + spatial index (only where mod_spatialite can be
              loaded: Debian's /usr/bin/python3 can; a Python built without
              --enable-loadable-sqlite-extensions cannot, and then it is skipped)
Each query asks for the id and GeoJSON of every polygon whose bounding box meets a
random window — what a map view needs. Stdlib only, so it runs under any Python.
Results go to benchmarks/output/geo_storage.json and are printed as a table.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent / "output"
AREA = (5.9, 50.3, 9.5, 52.5)  # North Rhine-Westphalia, degrees
WINDOWS = {"Stadtteil (0,05° × 0,03°)": (0.05, 0.03), "Kreis (0,5° × 0,3°)": (0.5, 0.3)}
BBOX_WHERE = "bbox_ost >= ? and bbox_west <= ? and bbox_nord >= ? and bbox_sued <= ?"


def polygons(count: int, rng: random.Random):
    west, south, east, north = AREA
    for index in range(count):
        cx, cy = rng.uniform(west, east), rng.uniform(south, north)
        radius = rng.uniform(0.0003, 0.004)
        ring = []
        for vertex in range(10):
            angle = 2 * math.pi * vertex / 10
            r = radius * rng.uniform(0.7, 1.0)
            ring.append([round(cx + r * math.cos(angle) * 1.6, 7), round(cy + r * math.sin(angle), 7)])
        ring.append(ring[0])
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        geojson = json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))
        yield (f"plan-{index}", geojson, min(xs), min(ys), max(xs), max(ys))


def create_plain(db: sqlite3.Connection, rows) -> None:
    db.execute(
        "create table plans (id text primary key, geometrie text, bbox_west real, "
        "bbox_sued real, bbox_ost real, bbox_nord real)"
    )
    with db:
        db.executemany("insert into plans values (?, ?, ?, ?, ?, ?)", rows)


def build(variant: str, path: Path, rows) -> sqlite3.Connection:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    if variant == "spatialite":
        db.enable_load_extension(True)
        db.load_extension("mod_spatialite")
        db.execute("select InitSpatialMetadata(1)")
        db.execute("create table plans (id text primary key)")
        db.execute("select AddGeometryColumn('plans', 'geom', 4326, 'POLYGON', 'XY')")
        with db:
            db.executemany(
                "insert into plans (id, geom) values (?, SetSRID(GeomFromGeoJSON(?), 4326))",
                [(row[0], row[1]) for row in rows],
            )
        db.execute("select CreateSpatialIndex('plans', 'geom')")
        db.commit()
        return db
    create_plain(db, rows)
    if variant == "bbox-index":
        db.execute("create index plans_bbox on plans (bbox_west, bbox_ost, bbox_sued, bbox_nord)")
    if variant == "rtree":
        db.execute("create virtual table plans_rtree using rtree(id, min_x, max_x, min_y, max_y)")
        with db:
            db.execute("insert into plans_rtree select rowid, bbox_west, bbox_ost, bbox_sued, bbox_nord from plans")
    db.commit()
    return db


QUERIES = {
    "scan": f"select id, geometrie from plans where {BBOX_WHERE}",
    "bbox-index": f"select id, geometrie from plans where {BBOX_WHERE}",
    "rtree": "select p.id, p.geometrie from plans p join plans_rtree r on p.rowid = r.id "
    "where r.max_x >= ? and r.min_x <= ? and r.max_y >= ? and r.min_y <= ?",
    "spatialite": "select id, AsGeoJSON(geom) from plans where rowid in (select rowid from "
    "SpatialIndex where f_table_name = 'plans' and search_frame = BuildMbr(?, ?, ?, ?, 4326))",
}


def params(variant: str, window) -> tuple:
    west, south, east, north = window
    if variant == "spatialite":
        return (west, south, east, north)
    return (west, east, south, north)


def windows(size, count: int, rng: random.Random):
    width, height = size
    west, south, east, north = AREA
    for _ in range(count):
        x, y = rng.uniform(west, east - width), rng.uniform(south, north - height)
        yield (x, y, x + width, y + height)


def measure(db, variant: str, size, queries: int) -> dict:
    rng = random.Random(42)  # the same windows for every variant
    times, counts = [], []
    for window in windows(size, queries, rng):
        start = time.perf_counter()
        result = db.execute(QUERIES[variant], params(variant, window)).fetchall()
        times.append((time.perf_counter() - start) * 1000)
        counts.append(len(result))
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "mean_rows": round(statistics.mean(counts), 1),
        "checksum_rows": sum(counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polygons", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    rows = list(polygons(args.polygons, random.Random(5978040)))
    results = {
        "polygons": args.polygons,
        "queries_per_window": args.queries,
        "sqlite": sqlite3.sqlite_version,
        "variants": {},
    }
    for variant in QUERIES:
        path = OUTPUT / f"geo_storage_{variant}.db"
        start = time.perf_counter()
        try:
            db = build(variant, path, rows)
        except (AttributeError, sqlite3.OperationalError) as error:
            results["variants"][variant] = {"skipped": str(error)}
            path.unlink(missing_ok=True)
            continue
        load_s = round(time.perf_counter() - start, 2)
        entry: dict[str, Any] = {"load_s": load_s, "size_mb": round(path.stat().st_size / 1e6, 1), "windows": {}}
        for label, size in WINDOWS.items():
            entry["windows"][label] = measure(db, variant, size, args.queries)
        db.close()
        path.unlink()
        results["variants"][variant] = entry
    (OUTPUT / "geo_storage.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"{args.polygons} polygons, {args.queries} windows each, SQLite {sqlite3.sqlite_version}")
    for variant, entry in results["variants"].items():
        if "skipped" in entry:
            print(f"{variant:11} skipped: {entry['skipped']}")
            continue
        cells = "  ".join(
            f"{label}: median {w['median_ms']} ms, p95 {w['p95_ms']} ms, {w['mean_rows']} rows"
            for label, w in entry["windows"].items()
        )
        print(f"{variant:11} load {entry['load_s']} s, {entry['size_mb']} MB  {cells}")


if __name__ == "__main__":
    main()
