"""Whole-product figures: `kommune build` on 1M rows, demo rebuilds, Datasette latencies.

Everything runs the real CLI in child processes and talks to the real server on 127.0.0.1
only; request loops are bounded (a fixed number of requests, one client).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
DATASET_ID = "vorgaenge-benchmark"
TABLE = DATASET_ID.replace("-", "_")

_DATASET_YAML = """\
title: Vorgänge im Bürgerservice (Benchmark)
description: Erzeugte Einzelvorgänge des Bürgerservice, um das Portal mit großen Tabellen zu messen.
family: service
licence: dl-by-de/2.0
themes: [GOVE]
keywords: [Benchmark]
frequency: MONTHLY
sample: true
temporal: {fields: [eingang]}
source:
  kind: csv
  path: sample/vorgaenge.csv
  encoding: cp1252
  delimiter: ";"
table:
  facets: [kanal, leistung]
  indexes: [[eingang], [leistung, kanal]]
"""
_TITLES = {
    "vorgang_id": "Laufende Nummer des Vorgangs.",
    "eingang": "Tag, an dem der Vorgang einging.",
    "leistung": "Die Verwaltungsleistung.",
    "kanal": "Wie der Vorgang einging.",
    "stadtteil": "Stadtteil der antragstellenden Person, wenn bekannt.",
    "bearbeitungstage": "Tage vom Eingang bis zur Erledigung.",
    "wartezeit_min": "Wartezeit vor Ort oder am Telefon in Minuten.",
}


def kommune(*arguments: str) -> list[str]:
    """The command line of the installed CLI, run by the same interpreter."""
    return [sys.executable, "-m", "kommune", *arguments]


def one_dataset_portal(root: Path, dataset_id: str, dataset_yaml: str) -> Path:
    """A fresh portal folder with the repo's metadata and one dataset's folder (returned)."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(ROOT / "metadata", root / "metadata")
    (root / "metadata" / "kpis.yaml").write_text("[]\n", encoding="utf-8")
    # The demo's wishes point at demo datasets this portal lacks.
    (root / "metadata" / "datenwuensche.yaml").write_text("wishes: []\n", encoding="utf-8")
    folder = root / "datasets" / dataset_id
    folder.mkdir(parents=True)
    (folder / "dataset.yaml").write_text(dataset_yaml, encoding="utf-8")
    (folder / "README.md").write_text("Erzeugte Daten für Messungen.\n", encoding="utf-8")
    return folder


def make_benchmark_portal(root: Path, records: Path, schema_path: Path) -> Path:
    """A portal folder with the repo's metadata and one dataset holding ``records`` (hard-linked)."""
    folder = one_dataset_portal(root, DATASET_ID, _DATASET_YAML)
    (folder / "sample").mkdir()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        field["description"] = _TITLES[field["name"]]
    (folder / "schema.yaml").write_text(json.dumps(schema, ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        (folder / "sample" / "vorgaenge.csv").hardlink_to(records)
    except OSError:
        shutil.copyfile(records, folder / "sample" / "vorgaenge.csv")
    return root


def copy_demo_portal(root: Path) -> Path:
    """The repository's own demo portal (datasets + metadata), copied so it can be changed."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(ROOT / "datasets", root / "datasets")
    shutil.copytree(ROOT / "metadata", root / "metadata")
    return root


def change_one_dataset(portal: Path) -> str:
    """Touch one dataset's content (its README) so its hash changes; return its id."""
    first = sorted(path for path in (portal / "datasets").iterdir() if path.is_dir())[0]
    with open(first / "README.md", "a", encoding="utf-8") as readme:
        readme.write(f"\nGeändert für eine Messung ({time.time():.0f}).\n")
    return first.name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningPortal:
    """`kommune serve` on a free port of 127.0.0.1, stopped on exit (its own process only).

    One worker process: the figures include the server's CPU time, read from that process
    (many workers are measured by benchmarks/serve_concurrency.py)."""

    def __init__(self, out: Path, environment: dict[str, str] | None = None) -> None:
        self.out = out
        self.environment = environment
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> RunningPortal:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            kommune("serve", "--out", str(self.out), "--port", str(port), "--workers", "1"),
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/", timeout=2)
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("kommune serve did not answer within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextlib.contextmanager
def measured_server(out: Path) -> Iterator[tuple[httpx.Client, int]]:
    """`kommune serve` for the release `out` (own SQL allowed as often as measured), a client
    for it and the server's process id; both stopped on exit."""
    with (
        RunningPortal(out, GENEROUS_SQL_ALLOWANCE) as portal,
        httpx.Client(base_url=portal.url, timeout=120) as client,
    ):
        if portal.process is None:
            raise RuntimeError("the portal's server did not start")
        yield client, portal.process.pid


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: One client sends every measured request: the allowance for own SQL (publish/server/query_gate.py,
#: 10 at once and 30 a minute) would refuse most of them with 429; the benchmark measures speed.
GENEROUS_SQL_ALLOWANCE = {**os.environ, "KOMMUNE_SQL_BURST": "100000", "KOMMUNE_SQL_PER_MINUTE": "100000"}

#: Asks the server for a fresh answer (HTTP request `no-cache`): the per-release response cache
#: (publish/datasette/response_cache.py) then lets Datasette render it, so these are the uncached figures.
UNCACHED = {"Cache-Control": "no-cache"}


def latencies(
    client: httpx.Client,
    url: str,
    requests: int,
    check: Callable[[httpx.Response], None],
    server_pid: int,
    headers: dict | None = None,
) -> dict:
    """Request ``url`` ``requests`` times after one warm-up; p50/p95/max in milliseconds.

    Also the server's CPU milliseconds per request: on a shared machine wall times include
    waiting for a core, CPU time does not.
    """
    check(client.get(url, headers=headers))
    cpu_before = process_cpu_seconds(server_pid)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        if response.is_stream_consumed is False:
            response.read()
        timings.append((time.perf_counter() - started) * 1000)
        check(response)
    cpu_ms = (process_cpu_seconds(server_pid) - cpu_before) * 1000 / requests
    timings.sort()
    p95_index = max(0, round(0.95 * len(timings)) - 1)
    return {
        "requests": requests,
        "server_cpu_ms": round(cpu_ms, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[p95_index], 1),
        "max_ms": round(timings[-1], 1),
    }


def require_success(response: httpx.Response) -> None:
    """Raises RuntimeError unless the answer is a 200 (a benchmark never times a failure unseen)."""
    if response.status_code != 200:
        raise RuntimeError(f"{response.url}: HTTP {response.status_code}: {response.text[:200]}")


def first_request_ms(client: httpx.Client, url: str, check: Callable[[httpx.Response], None]) -> float:
    """Milliseconds of the first request for ``url`` since the server started: nothing cached
    for it yet (SQLite's page cache is only as warm as the requests before left it)."""
    started = time.perf_counter()
    response = client.get(url)
    response.read()
    check(response)
    return round((time.perf_counter() - started) * 1000, 1)


def datasette_queries(datasette_path: str = "/daten/") -> dict[str, str]:
    """The measured requests against the big table (relative URLs)."""
    table = f"{datasette_path}portal/{TABLE}"
    group_by = f"select kanal, count(*) as vorgaenge from {TABLE} group by kanal"
    return {
        "table page (HTML, declared facets)": table,
        "facet (JSON, kanal)": f"{table}.json?_facet=kanal&_size=0",
        "filtered (JSON, leistung + kanal)": (
            f"{table}.json?leistung={quote('Sperrmüll anmelden')}&kanal=online&_size=50"
        ),
        "GROUP BY kanal (SQL, JSON)": f"{datasette_path}portal.json?sql={quote(group_by)}",
        "CSV export, streamed, one channel": f"{table}.csv?kanal=Post&_stream=on&_size=max",
    }


def measure_datasette(out: Path, requests: int, full_exports: int) -> dict:
    """For every query of ``datasette_queries``: the first request after the server started,
    p50/p95 of uncached requests (``Cache-Control: no-cache``: Datasette renders every one) and,
    under their own names, p50/p95 of cached ones (the response cache answers); plus full
    streamed CSV exports. Streamed CSV is too big for the cache and is measured once."""
    results: dict[str, dict] = {}
    ok = require_success
    with measured_server(out) as (client, pid):
        for name, url in datasette_queries().items():
            if "CSV" in name:
                results[name] = latencies(client, url, max(3, requests // 10), ok, pid, UNCACHED)
                continue
            first = first_request_ms(client, url, ok)
            results[f"{name}, uncached"] = {**latencies(client, url, requests, ok, pid, UNCACHED), "first_ms": first}
            results[f"{name}, cached"] = latencies(client, url, requests, ok, pid)
        if full_exports:
            results["CSV export, streamed, whole table"] = full_download(
                client, f"/daten/portal/{TABLE}.csv?_stream=on&_size=max", full_exports
            )
            results["CSV file of the release, whole table"] = full_download(
                client, f"/datensaetze/{DATASET_ID}/{TABLE}.csv", full_exports
            )
    return results


def full_download(client: httpx.Client, url: str, times: int) -> dict:
    """Median seconds and size of downloading ``url`` whole ``times`` times; a download the server
    broke off (the truncated-CSV guard of publish/csv_safety.py) is counted, not timed."""
    timings, size, broken = [], 0, 0
    for _ in range(times):
        started = time.perf_counter()
        try:
            with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status_code}")
                size = sum(len(chunk) for chunk in response.iter_bytes())
        except httpx.RemoteProtocolError:
            broken += 1
            continue
        timings.append(time.perf_counter() - started)
    return {
        "requests": times,
        "median_s": round(statistics.median(timings), 2) if timings else None,
        "mib": round(size / 2**20, 1),
        "broken_off": broken,
    }
