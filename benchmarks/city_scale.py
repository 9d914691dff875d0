"""A large city's council archive end to end: harvest, portal.db, site, rebuilds, readers.

    python -m benchmarks.city_scale [--scale 0.05] [--clients 16] [--changes 100]
    make bench BENCH_ARGS="--city --city-scale 0.05"   (benchmarks/run.py)

The archive (benchmarks/city_archive.py, seeded; `--scale 1.0` = 200,000 papers, 50,000
meetings, 1,000,000 agenda items, 500,000 documents) is served by the local OParl test server
(tests/oparl_server.py) on 127.0.0.1, 100 objects per page, and harvested by the real
`kommune build` at the highest rate a declaration allows (50 requests/s), so the wall time of
the harvest is mostly that rate; the CPU seconds are what the harvester itself costs.

Measured, each build in its own child process with its peak memory (`ru_maxrss`):
first build, unchanged rebuild, rebuild after `--changes` papers changed at the source (name
and `modified`), each split into phases (datasets: harvest, document texts and tables;
portal.db load with its full-text index; site render) with wall and CPU seconds; then
`kommune serve` with 2 workers under 16 concurrent clients: council search (common and rare
word, full text of the documents), a council table page and a filtered table query in
Datasette, a paper page. Asserts nothing; the figures go to docs/decisions/city-scale.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from contracts.build_folder import BUILD_REPORT_FILE, DATABASE_FILE

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = Path(__file__).resolve().parent / "output"
DATASET_ID = "rat"
_DATASET_YAML = """\
title: Ratsinformationen einer Großstadt (Benchmark)
description: Erzeugtes Ratsarchiv einer Großstadt, um Abruf, Datenbank und Website im großen Maßstab zu messen.
family: rat
licence: dl-by-de/2.0
themes: [GOVE]
keywords: [Benchmark, OParl]
frequency: DAILY
sample: true
source:
  kind: oparl
  url: {url}
  requests_per_second: 50
  documents:
    max_downloads_per_run: 1000000
steps: []
"""


# --- in the child: one build, split into phases -----------------------------------------------
def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_build(portal: Path, out: Path, figures: Path) -> None:
    """`kommune.portal.build` with every phase's wall and CPU seconds written to `figures`.

    The phases are found by wrapping the functions the build calls (measurement only)."""
    import kommune.portal
    import publish
    import publish.database

    phases: dict[str, dict[str, float]] = {}
    extra: dict[str, Any] = {}

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            wall, cpu = time.perf_counter(), _cpu()
            result = function(*args, **kwargs)
            entry = phases.setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0, "calls": 0})
            entry["wall_s"] += time.perf_counter() - wall
            entry["cpu_s"] += _cpu() - cpu
            entry["calls"] += 1
            if name == "site render":
                extra["site"] = {"files": len(result.written), "council pages not rendered": len(result.reused)}
            return result

        return wrapper

    kommune.portal.build_datasets = timed("datasets (harvest, texts, tables)", kommune.portal.build_datasets)
    publish.build_database = timed("portal.db (full load)", publish.build_database)
    publish.update_database = timed("portal.db (changed tables)", publish.update_database)
    publish.database.index_resource = timed("  of it: indexes and full-text index", publish.database.index_resource)
    publish.render_site = timed("site render", publish.render_site)
    wall, cpu = time.perf_counter(), _cpu()
    report = kommune.portal.build(portal, out)
    total = {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu}
    entry = json.loads((out / BUILD_REPORT_FILE).read_text(encoding="utf-8"))["datasets"][0]
    figures.write_text(
        json.dumps(
            {
                "status": [d.status for d in report.datasets],
                "total": total,
                "phases": phases,
                "harvest": entry.get("harvest"),
                "documents": entry.get("documents"),
                **extra,
            }
        ),
        encoding="utf-8",
    )


# --- in the runner ------------------------------------------------------------------------------
def make_portal(root: Path, system_url: str) -> Path:
    """A portal folder with the repository's metadata and the one council dataset."""
    from benchmarks.portal import one_dataset_portal

    one_dataset_portal(root, DATASET_ID, _DATASET_YAML.format(url=system_url))
    return root


def build_once(name: str, portal: Path, out: Path, work: Path) -> dict[str, Any]:
    """One `kommune build` in a child process: its phases, peak memory and CPU."""
    from benchmarks import run

    figures = work / "phases.json"
    print(f"  {name} ...", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    wall, peak, _ = run.run_child(
        [sys.executable, "-m", "benchmarks.city_scale", "--timed-build", str(portal), str(out), str(figures)]
    )
    result = json.loads(figures.read_text(encoding="utf-8"))
    if result["status"] not in (["ok"], ["unchanged"]):
        raise RuntimeError(f"{name}: dataset status {result['status']}")
    return {
        "name": name,
        "wall_s": round(wall, 2),
        "cpu_s": round(run.LAST_CPU_SECONDS, 2),
        "peak_mib": round(peak, 1),
        "load_before": round(load_before, 2),
        **result,
    }


def change_papers(server, count: int, seed: int) -> list[str]:
    """Change `count` papers at the source (a new title and `modified` now); return their ids."""
    import random

    papers = server.recording.lists["papers"]
    chosen = random.Random(seed).sample(range(len(papers)), min(count, len(papers)))
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for index in chosen:
        papers[index]["name"] += " (geändert)"
        papers[index]["modified"] = stamp
    server.recording.changed()
    return [papers[index]["id"] for index in chosen]


def reader_kinds(server_paper_path: str) -> dict[str, str]:
    table = "/daten/portal/oparl_paper"
    return {
        "council search, common word": "/rat/suche/?q=" + quote("Haushalt"),
        "council search, rare word (document text)": "/rat/suche/?q=" + quote("Fledermausquartier"),
        "table page oparl_paper": table,
        "filtered table (JSON)": f"{table}.json?paper_type=Antrag&_size=50",
        "paper page (static)": "/" + server_paper_path,
    }


def measure_readers(out: Path, clients: int, rounds: int, workers: int, paper_path: str) -> dict:
    from benchmarks import serve_concurrency

    return serve_concurrency.measure(out, workers, clients, rounds, kinds=reader_kinds(paper_path))


def start_server(archive: Path, page_size: int):
    from benchmarks.city_archive import CachedRecording
    from tests.oparl_server import OParlTestServer

    recording = CachedRecording.load(archive, page_size=page_size)
    server = OParlTestServer(recording).start()
    # start() copies the recording with the served address; keep the cached answers
    served = server.recording
    server.recording = CachedRecording(
        **{field.name: getattr(served, field.name) for field in dataclasses.fields(served) if field.init}
    )
    return server


def run(scale: float, seed: int, changes: int, clients: int, rounds: int, workers: int, output: Path) -> dict:
    from benchmarks import city_archive

    work = output / f"city-{scale}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    started = time.perf_counter()
    counts = city_archive.write(work / "archive", scale, seed)
    generated_s = round(time.perf_counter() - started, 1)
    server = start_server(work / "archive", page_size=100)
    try:
        portal = make_portal(work / "portal", server.system_url)
        out = portal / "build"
        builds = [build_once("first build (full harvest)", portal, out, work)]
        builds.append(build_once("rebuild, nothing changed", portal, out, work))
        changed = change_papers(server, changes, seed)
        builds.append(build_once(f"rebuild, {len(changed)} papers changed", portal, out, work))
    finally:
        server.stop()
    from publish.site.council_data import slug

    paper_path = f"rat/vorlagen/{slug(changed[0])}/"
    print(f"  {clients} readers ...", file=sys.stderr, flush=True)
    readers = measure_readers(out, clients, rounds, workers, paper_path)
    database = out / DATABASE_FILE
    return {
        "scale": scale,
        "seed": seed,
        "counts": counts,
        "generated_s": generated_s,
        "builds": builds,
        "portal_db_mib": round(database.stat().st_size / 2**20, 1),
        "readers": readers,
        "cpus": os.cpu_count(),
    }


def format_figures(figures: dict) -> str:
    counts = figures["counts"]
    lines = [
        f"City-scale council archive, scale {figures['scale']}: {counts['papers']:,} papers, "
        f"{counts['meetings']:,} meetings, {counts['agenda_items']:,} agenda items, "
        f"{counts['documents']:,} documents ({counts['pdf_documents']:,} as PDF); portal.db "
        f"{figures['portal_db_mib']} MiB; {figures['cpus']} cores",
        f"{'build':<34} {'wall s':>7} {'CPU s':>7} {'peak MiB':>8} {'load':>5}  phases (wall/CPU s)",
    ]
    for build in figures["builds"]:
        phases = "; ".join(
            f"{name} {value['wall_s']:.1f}/{value['cpu_s']:.1f}" for name, value in build["phases"].items()
        )
        lines.append(
            f"{build['name']:<34} {build['wall_s']:>7.1f} {build['cpu_s']:>7.1f} {build['peak_mib']:>8.0f}"
            f" {build['load_before']:>5.2f}  {phases}"
        )
        harvest = build.get("harvest") or {}
        if harvest:
            datasets = build["phases"].get("datasets (harvest, texts, tables)", {})
            received = harvest.get("objects_received") or 0
            per_object = f", {datasets.get('cpu_s', 0) / received * 1000:.2f} ms CPU per object" if received else ""
            lines.append(
                f"{'':<34} harvest: {received:,} objects in {harvest.get('requests')} requests"
                f" ({'incremental' if harvest.get('incremental') else 'full'}){per_object}; site: {build.get('site')}"
            )
    readers = figures["readers"]
    lines.append(
        f"kommune serve, {readers['workers']} workers, {readers['clients']} clients, uncached:"
        f" {readers['requests_per_s']} requests/s, {readers['failed']} failed;"
        f" load {readers['load_before'][0]:.2f} → {readers['load_after'][0]:.2f}"
    )
    for kind, values in readers["per_kind"].items():
        lines.append(f"  {kind:<44} p50 {values['p50_ms']:>7.1f} ms  p95 {values['p95_ms']:>7.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05, help="1.0 = 200,000 papers, 50,000 meetings, …")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--changes", type=int, default=100, help="papers changed before the last rebuild")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5, help="times each client asks for every request kind")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="kommune serve workers")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--timed-build", nargs=3, type=Path, metavar=("PORTAL", "OUT", "FIGURES"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args(argv)
    if arguments.timed_build:
        timed_build(*arguments.timed_build)
        return 0
    figures = run(
        arguments.scale,
        arguments.seed,
        arguments.changes,
        arguments.clients,
        arguments.rounds,
        arguments.workers,
        arguments.output,
    )
    print(format_figures(figures))
    arguments.output.mkdir(parents=True, exist_ok=True)
    (arguments.output / f"city-{arguments.scale}.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
