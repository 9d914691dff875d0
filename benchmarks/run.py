"""One-command benchmark: ``python -m benchmarks.run`` (``make bench``).

Generates the seeded service-records files (100k and 1M rows; ``--big`` adds 5M), runs
every path of ``benchmarks.paths`` in its own child process on the same file, and prints
one table: wall seconds, rows per second, peak memory (the child's own ``ru_maxrss``),
and the ratio to the floor (``sqlite3 .import`` of the UTF-8 copy) measured in the same
run. Writes the figures as JSON to ``benchmarks/output/``. Nothing here asserts a time:
the benchmark reports, the tests check correctness.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = Path(__file__).resolve().parent / "output"
FLOOR = "sqlite3-import"
INDEXED_FLOOR = "sqlite3-import-indexed"
TABLE = "service_records"

#: Path name → what it measures, as printed in the table.
PATH_TITLES = {
    "fast-path": "path 1: read → cast → validate → SQLite (types, indexes)",
    "fast-path-in-parts": "path 1 in parts: one process per core, parts merged",
    "service-statistics": "path 2: records → validate → disclosure → aggregates → SQLite",
    "fast-validate": "fast path, validation only",
    FLOOR: "floor: sqlite3 .import (UTF-8, no types, no checks)",
    INDEXED_FLOOR: "floor into path 1's typed table + its indexes (C only)",
    "duckdb-read-csv": "peer: DuckDB read_csv (UTF-8)",
    "frictionless-validate": "peer: frictionless validate",
    "frictionless-row-stream": "peer: Frictionless row_stream → sqlite-utils",
    "frictionless-validate-then-load": "peer: frictionless validate, then load",
}
#: Paths that take minutes on big files; run only up to ``--slow-peers-up-to`` rows.
SLOW_PATHS = {"frictionless-validate", "frictionless-row-stream", "frictionless-validate-then-load"}


#: What the issue asks for that this runner cannot measure yet, and why (printed and in JSON).
NOT_MEASURED: dict[str, str] = {}
OPARL_HARVEST = Path(__file__).resolve().parent / "oparl_harvest.py"


@dataclass
class Measurement:
    """One path on one file: medians over the repeats."""

    path: str
    rows: int
    wall_s: float
    peak_mib: float
    rows_per_s: float
    ratio_to_floor: float | None = None
    cpu_s: float | None = None
    cpu_ratio_to_floor: float | None = None
    runs: list[float] = field(default_factory=list)
    note: str = ""


#: A launcher small enough (a bare interpreter, ~8 MiB) not to inflate what it measures:
#: the kernel reports a child's peak as at least its parent's size at fork time, so the
#: runner (tens of MiB) cannot fork the measured command itself.
_LAUNCHER = """
import os, sys, time
figures, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(figures, "w") as out:
    out.write("%r %r %r %r" % (wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
                               usage.ru_utime + usage.ru_stime))
"""


LAST_CPU_SECONDS = 0.0


def run_child(command: list[str], *, cwd: Path = ROOT) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, peak MiB of that process, its stdout).

    The CPU seconds it used (user + system, its own children included once reaped) are
    kept in ``LAST_CPU_SECONDS``: on a shared machine they move less than wall time.

    Raises ``subprocess.CalledProcessError`` if it fails. The peak is the process's own
    ``ru_maxrss`` as ``os.wait4`` reports it in a small launcher (kilobytes on Linux).
    """
    with tempfile.TemporaryDirectory(prefix="kommune-bench-") as scratch:
        figures = Path(scratch) / "figures"
        launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(figures), *command]
        completed = subprocess.run(launcher, cwd=cwd, capture_output=True, text=True)
        wall, peak_kib, code, cpu = figures.read_text().split() if figures.exists() else (0, 0, -1, 0)
    if int(code) != 0 or completed.returncode != 0:
        raise subprocess.CalledProcessError(int(code), command, completed.stdout, completed.stderr)
    global LAST_CPU_SECONDS
    LAST_CPU_SECONDS = float(cpu)
    return float(wall), int(peak_kib) / 1024, completed.stdout


def measure(name: str, command: list[str], rows: int, repeat: int, target: Path | None = None) -> Measurement:
    """Run ``command`` ``repeat`` times and keep the median wall time and peak memory.

    ``target`` (the database a path writes) is removed before every run: the sqlite3 shell
    would otherwise append to the previous run's table, or fail to create it again.
    """
    walls, peaks, cpus = [], [], []
    for _ in range(repeat):
        if target is not None:
            target.unlink(missing_ok=True)
        wall, peak, stdout = run_child(command)
        walls.append(wall)
        peaks.append(peak)
        cpus.append(LAST_CPU_SECONDS)
        lines = stdout.strip().splitlines()
        reported = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
        if reported.get("rows") not in (None, rows):
            raise RuntimeError(f"{name}: handled {reported.get('rows')} rows, expected {rows}")
        note = ", ".join(f"{key} {value}" for key, value in reported.items() if key != "rows")
    wall = statistics.median(walls)
    return Measurement(
        path=name,
        rows=rows,
        wall_s=round(wall, 3),
        peak_mib=round(statistics.median(peaks), 1),
        rows_per_s=round(rows / wall),
        runs=[round(value, 3) for value in walls],
        cpu_s=round(statistics.median(cpus), 3),
        note=note,
    )


def path_command(name: str, raw: Path, utf8: Path, work: Path) -> list[str]:
    """The command line that runs one path on the given files."""
    target = work / f"{name}.db"
    target.unlink(missing_ok=True)
    if name == FLOOR:
        # The floor is the sqlite3 shell itself, not Python calling it.
        return ["sqlite3", str(target), ".mode csv", ".separator ;", f".import {utf8} {TABLE}"]
    if name == INDEXED_FLOOR:
        # What loading alone costs without Python: the same shell filling path 1's table
        # (types, primary key, not-null) and building its indexes. German decimals and
        # dates stay text here, as nothing casts them.
        from benchmarks.paths import typed_table_sql

        create_table, *create_indexes = typed_table_sql()
        return [
            "sqlite3",
            str(target),
            create_table,
            ".mode csv",
            ".separator ;",
            f".import --skip 1 {utf8} {TABLE}",
            *create_indexes,
        ]
    source = utf8 if name == "duckdb-read-csv" else raw
    return [sys.executable, "-m", "benchmarks.paths", name, str(source), str(target)]


def ensure_files(rows: int, seed: int, data: Path) -> tuple[Path, Path]:
    """Generate (or reuse) the raw Windows-1252 file and its UTF-8 copy for ``rows`` rows."""
    raw = data / f"service-records-{rows}-{seed}.csv"
    utf8 = data / f"service-records-{rows}-{seed}.utf8.csv"
    # In a child process: the runner itself must stay small, because a child's peak
    # memory as the kernel reports it is never below its parent's size at fork time.
    if not raw.exists():
        run_child(
            [
                sys.executable,
                "-m",
                "benchmarks.generate",
                str(raw.with_suffix(".tmp")),
                "--rows",
                str(rows),
                "--seed",
                str(seed),
            ]
        )
        raw.with_suffix(".tmp").rename(raw)
    if not utf8.exists():
        run_child([sys.executable, "-m", "benchmarks.generate", str(raw), "--utf8-copy", str(utf8)])
    return raw, utf8


def available_paths() -> list[str]:
    """Every path whose tools are installed here (sqlite3 shell, duckdb)."""
    names = list(PATH_TITLES)
    if shutil.which("sqlite3") is None:
        raise SystemExit("sqlite3 shell missing: apt-get install -y sqlite3 (the benchmark's floor)")
    try:
        import duckdb  # noqa: F401
    except ImportError:
        names.remove("duckdb-read-csv")
    return names


def run_file_paths(
    sizes: list[int], seed: int, repeat: int, slow_up_to: int, output: Path = OUTPUT
) -> list[Measurement]:
    """Measure every available path on a generated file of each size; floor first."""
    data = output / "data"
    work = output / "work"
    data.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    results: list[Measurement] = []
    names = available_paths()
    for rows in sizes:
        raw, utf8 = ensure_files(rows, seed, data)
        floor: Measurement | None = None
        for name in [FLOOR] + [name for name in names if name != FLOOR]:
            if name in SLOW_PATHS and rows > slow_up_to:
                continue
            print(f"  {rows:>9,} rows  {name} ...", file=sys.stderr, flush=True)
            result = measure(name, path_command(name, raw, utf8, work), rows, repeat, target=work / f"{name}.db")
            if name == FLOOR:
                floor = result
            if floor is not None:
                result.ratio_to_floor = round(result.wall_s / floor.wall_s, 2)
                if floor.cpu_s and result.cpu_s is not None:
                    result.cpu_ratio_to_floor = round(result.cpu_s / floor.cpu_s, 2)
            results.append(result)
        for leftover in work.glob("*.db"):
            leftover.unlink()
        shutil.rmtree(work / "duckdb-read-csv.db.wal", ignore_errors=True)
    return results


def _build_figures(name: str, portal: Path, out: Path, rows: int) -> tuple[Measurement, dict]:
    """Run `kommune build` once; the measurement plus what its build report says per dataset."""
    from benchmarks.portal import kommune
    from contracts.build_folder import BUILD_REPORT_FILE

    wall, peak, _ = run_child(kommune("build", "-C", str(portal), "-o", str(out), "--quiet"))
    report = json.loads((out / BUILD_REPORT_FILE).read_text(encoding="utf-8"))
    datasets = {entry["id"]: {"status": entry["status"], "seconds": entry["seconds"]} for entry in report["datasets"]}
    failed = [key for key, value in datasets.items() if value["status"] in ("failed", "stale")]
    if failed:
        raise RuntimeError(f"{name}: datasets failed: {failed}")
    measurement = Measurement(
        path=name,
        rows=rows,
        wall_s=round(wall, 3),
        peak_mib=round(peak, 1),
        cpu_s=round(LAST_CPU_SECONDS, 3),
        rows_per_s=round(rows / wall) if rows else 0,
        note=f"datasets {report['seconds']:.2f} s of it",
    )
    return measurement, datasets


def run_portal_figures(
    big_rows: int, seed: int, output: Path, floor: Measurement | None, requests: int, full_exports: int
) -> dict:
    """The product end to end: a 1M-row dataset through `kommune build`, demo rebuilds, Datasette."""
    from benchmarks.generate import SCHEMA_PATH
    from benchmarks.portal import change_one_dataset, copy_demo_portal, make_benchmark_portal, measure_datasette
    from kommune.releases import state_dir

    raw, _ = ensure_files(big_rows, seed, output / "data")
    big = make_benchmark_portal(output / "portal-big", raw.resolve(), SCHEMA_PATH)
    builds: list[Measurement] = []
    per_dataset: dict[str, dict] = {}
    first, _ = _build_figures("product: kommune build (CSV, JSON, portal.db, site)", big, big / "build", big_rows)
    unchanged, _ = _build_figures("product: rebuild, nothing changed", big, big / "build", big_rows)
    for result in (first, unchanged):
        if floor is not None and floor.rows == big_rows:
            result.ratio_to_floor = round(result.wall_s / floor.wall_s, 2)
            result.cpu_ratio_to_floor = (
                round(result.cpu_s / floor.cpu_s, 2) if floor.cpu_s and result.cpu_s is not None else None
            )
        builds.append(result)
    demo = copy_demo_portal(output / "portal-demo")
    demo_rows = 0
    demo_first, per_dataset["demo, first build"] = _build_figures("demo: first build", demo, demo / "build", demo_rows)
    demo_same, per_dataset["demo, nothing changed"] = _build_figures(
        "demo: rebuild, nothing changed", demo, demo / "build", demo_rows
    )
    # The same without the compiled-template cache a rebuild normally finds (its cold figure).
    shutil.rmtree(state_dir(demo / "build") / "publish", ignore_errors=True)
    demo_same_cold, _ = _build_figures(
        "demo: rebuild, nothing changed, no template cache", demo, demo / "build", demo_rows
    )
    changed_id = change_one_dataset(demo)
    demo_changed, per_dataset["demo, one changed"] = _build_figures(
        f"demo: rebuild, {changed_id} changed", demo, demo / "build", demo_rows
    )
    builds += [demo_first, demo_same, demo_same_cold, demo_changed]
    print("  Datasette latencies ...", file=sys.stderr, flush=True)
    latencies = measure_datasette(big / "build", requests, full_exports)
    return {"builds": builds, "per_dataset": per_dataset, "datasette": latencies}


def format_portal(figures: dict) -> str:
    """Build and Datasette figures as plain text."""
    lines = [
        f"{'build':<58} {'wall s':>8} {'peak MiB':>9} {'× floor':>8} {'CPU s':>7} {'CPU × floor':>11}  note",
        "-" * 128,
    ]
    for result in figures["builds"]:
        ratio = f"{result.ratio_to_floor:.2f}" if result.ratio_to_floor is not None else ""
        lines.append(
            f"{result.path:<58} {result.wall_s:>8.2f} {result.peak_mib:>9.1f} {ratio:>8}"
            f" {result.cpu_s or 0:>7.2f} {result.cpu_ratio_to_floor or '':>11}  {result.note}"
        )
    for name, datasets in figures["per_dataset"].items():
        lines.append(
            f"  {name}: "
            + ", ".join(f"{key} {value['status']} {value['seconds']:.2f} s" for key, value in datasets.items())
        )
    lines += [
        "",
        f"{'Datasette on the big table (one client, 127.0.0.1)':<58} {'first ms':>8} {'p50 ms':>8}"
        f" {'p95 ms':>8} {'max ms':>8} {'CPU ms':>8}",
        "-" * 108,
    ]
    for name, result in figures["datasette"].items():
        if "p50_ms" in result:
            first = f"{result['first_ms']:.1f}" if "first_ms" in result else ""
            lines.append(
                f"{name:<58} {first:>8} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f}"
                f" {result['max_ms']:>8.1f} {result['server_cpu_ms']:>8.1f}  ({result['requests']} requests)"
            )
        else:
            median = f"median {result['median_s']:.2f} s" if result["median_s"] is not None else "no complete run"
            lines.append(
                f"{name:<58} {median} for {result['mib']} MiB ({result['requests']} requests,"
                f" {result.get('broken_off', 0)} broken off)"
            )
    lines.append(
        "uncached: every request with Cache-Control: no-cache (Datasette renders it); first: the first"
        " request for that URL after the server started; cached: answered by the per-release cache."
    )
    return "\n".join(lines)


def run_oparl_harvest(runs: int) -> list[str]:
    """OParl harvest throughput against the local test server (benchmarks/oparl_harvest.py)."""
    _, _, stdout = run_child([sys.executable, str(OPARL_HARVEST), "--runs", str(runs)])
    return stdout.strip().splitlines()


def growth(results: list[Measurement]) -> dict[str, dict[str, str | float]]:
    """Per path: time and memory at the largest size divided by the smallest."""
    by_path: dict[str, list[Measurement]] = {}
    for result in results:
        by_path.setdefault(result.path, []).append(result)
    summary: dict[str, dict[str, str | float]] = {}
    for name, measured in by_path.items():
        if len(measured) > 1:
            small, large = min(measured, key=lambda m: m.rows), max(measured, key=lambda m: m.rows)
            summary[name] = {
                "rows": f"{small.rows}->{large.rows}",
                "time_ratio": round(large.wall_s / small.wall_s, 2),
                "memory_ratio": round(large.peak_mib / small.peak_mib, 2),
            }
    return summary


def format_table(results: list[Measurement]) -> str:
    """The results as one plain-text table."""
    lines = [
        f"{'rows':>9}  {'path':<58} {'wall s':>8} {'rows/s':>10} {'peak MiB':>9} {'× floor':>8}"
        f" {'CPU s':>7} {'CPU × floor':>11}",
        "-" * 128,
    ]
    for result in results:
        ratio = f"{result.ratio_to_floor:.2f}" if result.ratio_to_floor is not None else ""
        lines.append(
            f"{result.rows:>9,}  {PATH_TITLES.get(result.path, result.path):<58} "
            f"{result.wall_s:>8.2f} {result.rows_per_s:>10,} {result.peak_mib:>9.1f} {ratio:>8}"
            f" {result.cpu_s or 0:>7.2f} {result.cpu_ratio_to_floor or '':>11}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="row counts, comma-separated")
    parser.add_argument("--big", action="store_true", help="add the 5,000,000-row file")
    parser.add_argument("--repeat", type=int, default=1, help="runs per path (median is kept)")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for data and JSON")
    parser.add_argument(
        "--no-portal", action="store_true", help="skip the product build, demo rebuilds and Datasette figures"
    )
    parser.add_argument(
        "--portal-rows", type=int, default=1_000_000, help="rows of the table the product is built and served with"
    )
    parser.add_argument("--requests", type=int, default=40, help="requests per Datasette query")
    parser.add_argument("--no-oparl", action="store_true", help="skip the OParl harvest throughput")
    parser.add_argument(
        "--no-history", action="store_true", help="skip the dataset history (benchmarks/history.py, 1M rows × 24)"
    )
    parser.add_argument(
        "--no-serve-attacks",
        action="store_true",
        help="skip the attacks on kommune serve (limits, peak memory; benchmarks/serve_attacks.py)",
    )
    parser.add_argument(
        "--serve-workers",
        type=int,
        default=0,
        metavar="N",
        help="also measure kommune serve with 1 vs N workers at 4 and 16 clients on the big portal "
        "(benchmarks/serve_concurrency.py; needs the portal figures)",
    )
    parser.add_argument(
        "--no-summaries",
        action="store_true",
        help="skip the counts per facet and month: canned query vs GROUP BY (benchmarks/summaries.py)",
    )
    parser.add_argument(
        "--full-exports", type=int, default=1, help="full streamed CSV exports of the big table (each ~20 s at 1M rows)"
    )
    parser.add_argument(
        "--slow-peers-up-to",
        type=int,
        default=1_000_000,
        help="run the Frictionless peers only on files up to this many rows",
    )
    parser.add_argument(
        "--city",
        action="store_true",
        help="add the city-scale council archive: harvest, portal.db, site, rebuilds, 16 readers "
        "(benchmarks/city_scale.py)",
    )
    parser.add_argument(
        "--city-scale", type=float, default=0.05, help="size of that archive; 1.0 = 200,000 papers, 50,000 meetings"
    )
    parser.add_argument("--city-only", action="store_true", help="run only the city-scale council archive")
    arguments = parser.parse_args(argv)
    if arguments.city_only:
        arguments.city = arguments.no_portal = arguments.no_oparl = arguments.no_history = True
        arguments.no_serve_attacks = True
        arguments.sizes = ""
    sizes = [int(size) for size in arguments.sizes.split(",") if size]
    if arguments.big:
        sizes.append(5_000_000)
    output = arguments.output
    results = run_file_paths(sizes, arguments.seed, arguments.repeat, arguments.slow_peers_up_to, output)
    table = format_table(results)
    print(table)
    for name, reason in NOT_MEASURED.items():
        print(f"not measured: {name}: {reason}")
    summary = growth(results)
    for name, figures in summary.items():
        print(f"growth {name}: {figures}")
    portal_figures: dict | None = None
    if not arguments.no_portal:
        floor = next((r for r in results if r.path == FLOOR and r.rows == arguments.portal_rows), None)
        portal_figures = run_portal_figures(
            arguments.portal_rows, arguments.seed, output, floor, arguments.requests, arguments.full_exports
        )
        portal_text = format_portal(portal_figures)
        print()
        print(portal_text)
        table += "\n\n" + portal_text
    concurrency: list[dict] | None = None
    if arguments.serve_workers and portal_figures is not None:
        from benchmarks import serve_concurrency

        print("  many readers: 1 vs N workers ...", file=sys.stderr, flush=True)
        concurrency = serve_concurrency.run(output / "portal-big" / "build", arguments.serve_workers, rounds=15)
        print()
        print(serve_concurrency.format_figures(concurrency))
        table += "\n\n" + serve_concurrency.format_figures(concurrency)
    summary_figures: dict | None = None
    if not arguments.no_summaries and portal_figures is not None:
        from benchmarks import summaries

        print("  counts per facet and month ...", file=sys.stderr, flush=True)
        summary_figures = summaries.run(output / "portal-big" / "build", arguments.requests)
        print()
        print(summaries.format_figures(summary_figures))
        table += "\n\n" + summaries.format_figures(summary_figures)
    oparl: list[str] = []
    if not arguments.no_oparl and OPARL_HARVEST.exists():
        print("  OParl harvest ...", file=sys.stderr, flush=True)
        oparl = run_oparl_harvest(arguments.repeat if arguments.repeat > 1 else 3)
        print()
        print("\n".join(oparl))
        table += "\n\n" + "\n".join(oparl)
    history: list[str] = []
    if not arguments.no_history:
        print("  dataset history ...", file=sys.stderr, flush=True)
        _, peak, stdout = run_child([sys.executable, "-m", "benchmarks.history", "--output", str(output)])
        history = [*stdout.strip().splitlines(), f"  peak memory of the history run: {peak:.0f} MiB"]
        print()
        print("\n".join(history))
        table += "\n\n" + "\n".join(history)
    attacks: dict | None = None
    if not arguments.no_serve_attacks:
        from benchmarks import serve_attacks

        print("  attacks on kommune serve ...", file=sys.stderr, flush=True)
        attacks = serve_attacks.build_and_run(output)
        print()
        print(serve_attacks.format_figures(attacks))
        table += "\n\n" + serve_attacks.format_figures(attacks)
    city: dict | None = None
    if arguments.city:
        from benchmarks import city_scale

        print(f"  city-scale council archive, scale {arguments.city_scale} ...", file=sys.stderr, flush=True)
        city = city_scale.run(
            arguments.city_scale, arguments.seed, changes=100, clients=16, rounds=5, workers=2, output=output
        )
        print()
        print(city_scale.format_figures(city))
        table += "\n\n" + city_scale.format_figures(city)
    report = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "sizes": sizes,
        "repeat": arguments.repeat,
        "results": [asdict(result) for result in results],
        "growth": summary,
        "portal": None
        if portal_figures is None
        else {**portal_figures, "builds": [asdict(result) for result in portal_figures["builds"]]},
        "serve_concurrency": concurrency,
        "summaries": summary_figures,
        "oparl_harvest": oparl,
        "history": history,
        "serve_attacks": attacks,
        "city_scale": city,
        "not_measured": NOT_MEASURED,
        "table": table,
    }
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (output / name).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"written: {output / 'latest.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
