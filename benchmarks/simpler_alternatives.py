"""Keep only what pays: two optimisations against the simpler way they replace.

    python -m benchmarks.simpler_alternatives [--rows 400000] [--repeat 3]

1. The parallel reader (pipelines/reading/parallel.py): `kommune build` of a portal holding one
   generated German CSV, with KOMMUNE_WORKERS=1 (one process reads the file) against the
   default (one process per core). Each build starts from nothing (no previous release).
   The same for the service-records kind's steps on that file (path 2 of benchmarks.paths).
2. The publishers' reuse of the previous release (publish/reuse.py): `publish_build` of the
   same release with `previous_dir` against without it: the portal with the generated CSV
   (nothing changed), the demo portal (nothing changed, one dataset changed). Both sides use the
   same warm template cache and inputs hard-linked as a rebuild leaves them.

Each figure is a median of `--repeat` runs, each run in its own process, the two sides
alternating so that other load on a shared machine hits both alike. Prints the figures and the
load average; asserts nothing (docs/decisions/keep-only-what-pays.md records the result).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks import run
from benchmarks.portal import change_one_dataset, copy_demo_portal, kommune, make_benchmark_portal
from contracts.build_folder import DATABASE_FILE, SITE_DIR

#: Files and folders publish_build writes into a release (the rest is the pipelines' output).
PUBLISHED = (
    DATABASE_FILE,
    "datasette",
    SITE_DIR,
    "catalog.ttl",
    "catalog.rdf",
    "catalog.jsonld",
    "publish-manifest.json",
)

_PUBLISH_CHILD = """
import sys
from pathlib import Path
from publish import publish_build
release, previous, cache = sys.argv[1:4]
publish_build(Path(release), Path(previous) if previous != "-" else None, cache_dir=Path(cache))
"""


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (also printed at once: a long run may be cut short)."""
    wall, _, _ = run.run_child(command)
    print(
        f"  workers={os.environ.get('KOMMUNE_WORKERS', '-')} wall {wall:.2f} s, CPU {run.LAST_CPU_SECONDS:.2f} s,"
        f" load {os.getloadavg()[0]:.1f}: {' '.join(command[-3:])}",
        file=sys.stderr,
        flush=True,
    )
    return wall, run.LAST_CPU_SECONDS


def _median(figures: list[tuple[float, float]]) -> dict:
    return {
        "wall_s": round(statistics.median(w for w, _ in figures), 2),
        "cpu_s": round(statistics.median(c for _, c in figures), 2),
        "runs": len(figures),
    }


def parallel_reader(rows: int, repeat: int, work: Path) -> dict:
    """`kommune build` from nothing with one reading process against one per core."""
    from benchmarks.generate import SCHEMA_PATH

    raw, _ = run.ensure_files(rows, 20261125, work / "data")
    portal = make_benchmark_portal(work / "portal-parallel", raw.resolve(), SCHEMA_PATH)
    sides: dict[str, list[tuple[float, float]]] = {"1": [], str(os.cpu_count() or 1): []}
    for _ in range(repeat):
        for workers, figures in sides.items():
            out = work / f"out-{workers}"
            for leftover in (out, out.parent / f".{out.name}-releases", out.parent / f".{out.name}-state"):
                shutil.rmtree(leftover, ignore_errors=True)
                if leftover.is_symlink():
                    leftover.unlink()
            os.environ["KOMMUNE_WORKERS"] = workers
            figures.append(_timed(kommune("build", "-C", str(portal), "-o", str(out), "--quiet")))
    os.environ.pop("KOMMUNE_WORKERS", None)
    return {
        "rows": rows,
        "file_mb": round(raw.stat().st_size / 1e6, 1),
        **{f"workers_{workers}": _median(figures) for workers, figures in sides.items()},
    }


def parallel_statistics(rows: int, repeat: int, work: Path) -> dict:
    """The service-records kind's steps (path 2 of benchmarks.paths) with one reading process
    against one per core."""
    raw, _ = run.ensure_files(rows, 20261125, work / "data")
    sides: dict[str, list[tuple[float, float]]] = {"1": [], str(os.cpu_count() or 1): []}
    for _ in range(repeat):
        for workers, figures in sides.items():
            os.environ["KOMMUNE_WORKERS"] = workers
            figures.append(_timed(run.path_command("service-statistics", raw, raw, work)))
    os.environ.pop("KOMMUNE_WORKERS", None)
    return {"rows": rows, **{f"workers_{workers}": _median(figures) for workers, figures in sides.items()}}


def _inputs_only(release: Path, target: Path) -> Path:
    """A copy of `release` as the pipelines left it: everything the publishers wrote removed."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(release, target, symlinks=True, copy_function=os.link)  # as a rebuild links unchanged files
    for name in PUBLISHED:
        path = target / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return target


def _kept_release(out: Path, target: Path) -> Path:
    """The current release of `out`, linked to `target` (a later build may prune it)."""
    from kommune.releases import current_release

    release = current_release(out)
    assert release is not None
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(release, target, symlinks=True, copy_function=os.link)
    return target


def publisher_reuse(rows: int, repeat: int, work: Path) -> dict:
    """publish_build with the previous release against without it: the benchmark portal with one
    big table (nothing changed), the demo portal (nothing changed, one dataset changed)."""
    from benchmarks.generate import SCHEMA_PATH
    from kommune.releases import state_dir

    raw, _ = run.ensure_files(rows, 20261125, work / "data")
    big = make_benchmark_portal(work / "portal-reuse", raw.resolve(), SCHEMA_PATH)
    run.run_child(kommune("build", "-C", str(big), "-o", str(big / "build"), "--quiet"))
    big_release = _kept_release(big / "build", work / "release-big")
    demo = copy_demo_portal(work / "portal-demo")
    out = demo / "build"
    run.run_child(kommune("build", "-C", str(demo), "-o", str(out), "--quiet"))
    keep_first = _kept_release(out, work / "release-first")
    change_one_dataset(demo)
    run.run_child(kommune("build", "-C", str(demo), "-o", str(out), "--quiet"))
    changed = _kept_release(out, work / "release-changed")
    result: dict = {}
    for case, release, previous_release, cache in (
        (f"{rows} rows, nothing changed", big_release, big_release, state_dir(big / "build") / "publish"),
        ("demo, nothing changed", keep_first, keep_first, state_dir(out) / "publish"),
        ("demo, one dataset changed", changed, keep_first, state_dir(out) / "publish"),
    ):
        sides: dict[str, list[tuple[float, float]]] = {"with previous release": [], "from nothing": []}
        for _ in range(repeat):
            for side, figures in sides.items():
                target = _inputs_only(release, work / "publish-target")
                previous = str(previous_release) if side == "with previous release" else "-"
                figures.append(_timed([sys.executable, "-c", _PUBLISH_CHILD, str(target), previous, str(cache)]))
        result[case] = {side: _median(figures) for side, figures in sides.items()}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000, help="rows of the generated CSV (part 1)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=run.OUTPUT / "simpler-alternatives")
    parser.add_argument(
        "--only",
        choices=["build", "statistics", "reuse"],
        action="append",
        help="run only these measurements (repeatable; default: all)",
    )
    arguments = parser.parse_args(argv)
    arguments.output.mkdir(parents=True, exist_ok=True)
    chosen = arguments.only or ["build", "statistics", "reuse"]
    figures: dict[str, Any] = {}
    for name in chosen:
        print(f"load average before {name}:", os.getloadavg(), file=sys.stderr, flush=True)
        if name == "build":
            figures["parallel_reader_build"] = parallel_reader(arguments.rows, arguments.repeat, arguments.output)
        elif name == "statistics":
            figures["parallel_reader_statistics"] = parallel_statistics(
                arguments.rows, arguments.repeat, arguments.output
            )
        else:
            figures["publisher_reuse"] = publisher_reuse(arguments.rows, arguments.repeat, arguments.output)
    figures["load_average_after"] = os.getloadavg()
    print(figures)


if __name__ == "__main__":
    main()
