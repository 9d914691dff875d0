"""Counts per facet value and month on the 1M-row table: the canned query reading
`portal_summaries` against the GROUP BY over the table it stands for (docs/decisions/summary-tables.md).

``python -m benchmarks.summaries`` measures a built benchmark portal (`benchmarks.run` builds it
as ``<output>/portal-big/build``; given none, this module builds it the same way):
- both statements in SQLite directly (a read-only connection, no time limit), and that they
  return the same rows;
- both through the real `kommune serve` on 127.0.0.1, uncached (``Cache-Control: no-cache``), one
  client: the canned query's JSON and the GROUP BY as own SQL (``?sql=``), which Datasette stops at
  its 1 s limit: answers refused that way are counted beside the times;
- what storing the summary costs the build (the table's counts again on a copy of portal.db).
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import sqlite_utils

from benchmarks.portal import (
    DATASET_ID,
    TABLE,
    UNCACHED,
    first_request_ms,
    latencies,
    measured_server,
    require_success,
)
from contracts.build_folder import DATABASE_FILE, PACKAGE_FILE
from publish.datasette.summaries import SUMMARIES_TABLE, store_summary, summary_of

COLUMN = "kanal"
GROUP_BY = (
    f"select substr(eingang, 1, 7) as monat, {COLUMN}, count(*) as anzahl from {TABLE}"
    f" where eingang is not null and {COLUMN} is not null group by monat, {COLUMN}"
    f" order by monat desc, anzahl desc, {COLUMN}"
)


def _summary(build: Path):
    package = json.loads((build / "datasets" / DATASET_ID / PACKAGE_FILE).read_text(encoding="utf-8"))
    summary = summary_of(package["resources"][0], aggregated=False)
    if summary is None:
        raise RuntimeError(f"{TABLE} has no summary: does the benchmark dataset name its date field?")
    return summary


def _canned_sql(build: Path) -> str:
    metadata = json.loads((build / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    sql = metadata["databases"]["portal"]["queries"][_summary(build).query_name(COLUMN)]["sql"]
    return sql.replace(":monat", "''").replace(":wert", "''")  # the form left empty: every row


def _timed(connection: sqlite3.Connection, sql: str, runs: int) -> tuple[dict, list]:
    timings, rows = [], []
    for _ in range(runs):
        started = time.perf_counter()
        rows = connection.execute(sql).fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    return _percentiles(timings), rows


def _percentiles(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "runs": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, round(0.95 * len(timings)) - 1)], 2),
        "max_ms": round(timings[-1], 2),
    }


def sqlite_figures(build: Path, group_by_runs: int, summary_runs: int) -> dict:
    """Both statements on a read-only connection; raises if their rows differ."""
    connection = sqlite3.connect(f"file:{build / DATABASE_FILE}?mode=ro", uri=True)
    try:
        summary, summary_rows = _timed(connection, _canned_sql(build), summary_runs)
        group_by, group_by_rows = _timed(connection, GROUP_BY, group_by_runs)
    finally:
        connection.close()
    if summary_rows != group_by_rows:
        raise RuntimeError("the summary and the GROUP BY disagree")
    return {
        f"SQLite: GROUP BY month, {COLUMN} over {TABLE}": group_by,
        f"SQLite: canned summary query ({len(summary_rows)} rows)": summary,
    }


def http_figures(build: Path, requests: int, group_by_requests: int) -> dict:
    """Uncached through `kommune serve`: the canned query, and the GROUP BY as own SQL with the
    answers Datasette refused at its time limit counted (over its requests and one warm-up)."""
    statuses: dict[int, int] = {}

    def counted(response: httpx.Response) -> None:
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code not in (200, 400):
            raise RuntimeError(f"{response.url}: HTTP {response.status_code}: {response.text[:200]}")

    canned = f"/daten/portal/{_summary(build).query_name(COLUMN)}.json?_shape=array"
    own_sql = f"/daten/portal.json?_shape=array&sql={quote(GROUP_BY)}"
    with measured_server(build) as (client, pid):
        first = first_request_ms(client, canned, require_success)
        results = {
            "HTTP: canned query „Anzahl je Kanal und Monat“, uncached": {
                **latencies(client, canned, requests, require_success, pid, UNCACHED),
                "first_ms": first,
            }
        }
        group_by = latencies(client, own_sql, group_by_requests, counted, pid, UNCACHED)
        results[f"HTTP: GROUP BY month, {COLUMN} as own SQL, uncached"] = {
            **group_by,
            "answered": statuses.get(200, 0),
            "stopped_at_time_limit": statuses.get(400, 0),
        }
    return results


def build_cost(build: Path, work: Path) -> dict:
    """Seconds to count the table's summary again on a copy of portal.db, and what it holds."""
    work.mkdir(parents=True, exist_ok=True)
    copy = work / DATABASE_FILE
    shutil.copyfile(build / DATABASE_FILE, copy)
    db = sqlite_utils.Database(copy)
    try:
        summary = _summary(build)
        with db.conn:
            db.execute(f"delete from {SUMMARIES_TABLE} where table_name = ?", [TABLE])
        started = time.perf_counter()
        stored = store_summary(db, summary)
        seconds = time.perf_counter() - started
    finally:
        db.close()
    copy.unlink()
    return {"seconds": round(seconds, 2), "rows_stored": stored, "facet_columns": len(summary.facets)}


def run(build: Path, requests: int, group_by_requests: int = 10) -> dict:
    return {
        "build": build_cost(build, build.parent / "summary-build-cost"),
        "sqlite": sqlite_figures(build, group_by_requests, requests),
        "http": http_figures(build, requests, group_by_requests),
    }


def format_figures(figures: dict) -> str:
    lines = [
        f"{'Counts per facet and month (1M rows, one client)':<64} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  note",
        "-" * 110,
    ]
    for part in ("sqlite", "http"):
        for name, result in figures[part].items():
            notes = []
            if "first_ms" in result:
                notes.append(f"first {result['first_ms']} ms")
            if "server_cpu_ms" in result:
                notes.append(f"server CPU {result['server_cpu_ms']} ms")
            if "stopped_at_time_limit" in result:
                notes.append(f"{result['answered']} answered, {result['stopped_at_time_limit']} stopped at 1 s limit")
            runs = result.get("runs") or result.get("requests")
            lines.append(
                f"{name:<64} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} {result['max_ms']:>8.1f}"
                f"  {runs} runs; {', '.join(notes)}"
            )
    cost = figures["build"]
    lines.append(
        f"build: storing the summary ({cost['facet_columns']} facet columns, {cost['rows_stored']} rows)"
        f" took {cost['seconds']:.2f} s"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "output")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--requests", type=int, default=40, help="requests (and SQLite runs) of the canned query")
    parser.add_argument("--group-by-requests", type=int, default=10, help="requests and runs of the GROUP BY")
    arguments = parser.parse_args(argv)
    build = arguments.output / "portal-big" / "build"
    if not (build / DATABASE_FILE).exists():
        from benchmarks.generate import SCHEMA_PATH
        from benchmarks.portal import kommune, make_benchmark_portal
        from benchmarks.run import ensure_files, run_child

        raw, _ = ensure_files(arguments.rows, arguments.seed, arguments.output / "data")
        portal = make_benchmark_portal(arguments.output / "portal-big", raw.resolve(), SCHEMA_PATH)
        run_child(kommune("build", "-C", str(portal), "-o", str(build), "--quiet"))
    figures = run(build, arguments.requests, arguments.group_by_requests)
    print(format_figures(figures))
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
