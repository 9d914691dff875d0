"""Many readers at once: `kommune serve` with 1 and with N worker processes, 4 and 16 clients.

Every client is a thread with its own keep-alive connection that asks, in turn, for the table
page, a facet, a filtered query of the big table (all `Cache-Control: no-cache`, so Datasette
renders each one) and a page of the static site. Each run is bounded: a fixed number of rounds
per client. Reported per run: requests per second, p50/p95/p99 per request kind, answers by
status, and the load average before and after (the machine is shared: other work shows there).

    python -m benchmarks.serve_concurrency --out benchmarks/output/portal-big/build
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path

from benchmarks.portal import ROOT, UNCACHED, datasette_queries, free_port, kommune

CLIENT_COUNTS = (4, 16)


def request_kinds() -> dict[str, str]:
    """The measured requests: the pages issue 22 sets the p95 target for, plus the static site."""
    queries = datasette_queries()
    return {
        "table page": queries["table page (HTML, declared facets)"],
        "facet": queries["facet (JSON, kanal)"],
        "filtered": queries["filtered (JSON, leistung + kanal)"],
        "site page": "/datensaetze/",
    }


class Server:
    """`kommune serve --workers N` on a free port, stopped on exit (its own process group only)."""

    def __init__(self, out: Path, workers: int) -> None:
        self.out, self.workers = out, workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            kommune("serve", "--out", str(self.out), "--port", str(self.port), "--workers", str(self.workers)),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        ready = 0
        while time.monotonic() < deadline and ready < 3 * self.workers:
            try:
                status, _ = _get(self.port, "/", {})
                ready = ready + 1 if status == 200 else 0
            except OSError:
                time.sleep(0.3)
        if ready < 3 * self.workers:
            self.__exit__()
            raise RuntimeError("kommune serve did not answer within 90 s")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()  # uvicorn's supervisor stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()


def _get(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _client(port: int, kinds: dict[str, str], rounds: int, offset: int, results: list) -> None:
    """One visitor: `rounds` times through every kind, starting at a different one per client."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    names = list(kinds)
    for step in range(rounds * len(names)):
        name = names[(step + offset) % len(names)]
        started = time.perf_counter()
        try:
            connection.request("GET", kinds[name], headers=UNCACHED)
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            status = 0  # connection refused or broken: a failed request like a 5xx
            connection.close()
        results.append((name, (time.perf_counter() - started) * 1000, status))
    connection.close()


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, round(share * len(sorted_values)) - 1)]


def measure(out: Path, workers: int, clients: int, rounds: int, kinds: dict[str, str] | None = None) -> dict:
    """One run; `kinds` (name → path) are the requests, by default `request_kinds()`."""
    kinds = kinds or request_kinds()
    with Server(out, workers) as server:
        for path in kinds.values():  # warm every worker's SQLite page cache a little
            for _ in range(workers * 2):
                _get(server.port, path, UNCACHED)
        load_before = os.getloadavg()
        results: list[tuple[str, float, int]] = []
        threads = [
            threading.Thread(target=_client, args=(server.port, kinds, rounds, index, results))
            for index in range(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
    per_kind = {}
    for name in kinds:
        timings = sorted(ms for kind, ms, _ in results if kind == name)
        per_kind[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_percentile(timings, 0.95), 1),
            "p99_ms": round(_percentile(timings, 0.99), 1),
        }
    statuses: dict[str, int] = {}
    for _, _, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "workers": workers,
        "clients": clients,
        "requests": len(results),
        "seconds": round(wall, 2),
        "requests_per_s": round(len(results) / wall, 1),
        "failed": sum(1 for _, _, status in results if status == 0 or status >= 500),
        "statuses": statuses,
        "per_kind": per_kind,
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in load_after],
    }


def run(out: Path, workers: int, rounds: int) -> list[dict]:
    """1 worker and `workers` workers, each at every client count of CLIENT_COUNTS."""
    figures = []
    for count in sorted({1, workers}):
        for clients in CLIENT_COUNTS:
            figures.append(measure(out, count, clients, rounds))
    return figures


def format_figures(figures: list[dict]) -> str:
    kinds = list(request_kinds())
    header = f"{'workers':>7} {'clients':>7} {'req/s':>7} {'× 1 worker':>10} {'failed':>6}  " + "  ".join(
        f"{kind + ' p50/p95/p99 ms':<26}" for kind in kinds
    )
    lines = ["kommune serve, uncached (Cache-Control: no-cache), 1M-row table", header]
    single = {entry["clients"]: entry["requests_per_s"] for entry in figures if entry["workers"] == 1}
    for entry in figures:
        ratio = entry["requests_per_s"] / single[entry["clients"]] if single.get(entry["clients"]) else 0
        cells = "  ".join(
            f"{'{p50_ms:.0f}/{p95_ms:.0f}/{p99_ms:.0f}'.format(**entry['per_kind'][kind]):<26}" for kind in kinds
        )
        lines.append(
            f"{entry['workers']:>7} {entry['clients']:>7} {entry['requests_per_s']:>7.1f} {ratio:>9.2f}× "
            f"{entry['failed']:>6}  {cells}"
        )
    loads = ", ".join(
        f"{entry['workers']}w/{entry['clients']}c {entry['load_before'][0]:.2f}→{entry['load_after'][0]:.2f}"
        for entry in figures
    )
    lines.append(f"load average (1 min) before → after each run, {os.cpu_count()} cores: {loads}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="build folder of the 1M-row portal")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the N of 1 vs N workers")
    parser.add_argument("--rounds", type=int, default=15, help="times each client asks for every request kind")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    arguments = parser.parse_args(argv)
    figures = run(arguments.out, arguments.workers, arguments.rounds)
    print(format_figures(figures))
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
