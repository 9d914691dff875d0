"""What usage counting costs a request of `kommune serve` (publish/server/usage.py).

    python -m benchmarks.usage_counting [--requests 200000]

Measures, in process: the time `UsageCounter.count` adds to one answered request (classify the
path, apply the bot rule, take the lock, increment), over a mix of site pages, downloads,
Datasette calls, own SQL and invented paths; and one flush of a busy day's keys to a fresh store.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from publish.server.usage import Catalogue, UsageCounter

DATASETS = [f"datensatz-{number}" for number in range(40)]
CATALOGUE = Catalogue(
    datasets=frozenset(DATASETS), tables={d.replace("-", "_"): d for d in DATASETS}, datasette_prefix="/daten/"
)
AGENTS = [b"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", b"Googlebot/2.1"]


def scopes(count: int) -> list[dict]:
    paths = []
    for number in range(count):
        dataset = DATASETS[number % len(DATASETS)]
        paths.append(
            [
                (f"/datensaetze/{dataset}/", b""),
                (f"/datensaetze/{dataset}/{dataset.replace('-', '_')}.csv", b""),
                (f"/daten/portal/{dataset.replace('-', '_')}.json", b"_size=50"),
                ("/daten/portal.json", b"sql=select+1"),
                (f"/rat/sitzungen/{number}/", b""),
                (f"/erfunden-{number}/", b""),
            ][number % 6]
        )
    return [
        {"method": "GET", "path": path, "query_string": query, "headers": [(b"user-agent", AGENTS[i % 2])]}
        for i, (path, query) in enumerate(paths)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    arguments = parser.parse_args(argv)
    requests = scopes(arguments.requests)
    with tempfile.TemporaryDirectory() as folder:
        counter = UsageCounter(Path(folder) / "nutzung.sqlite")
        rounds = []
        for _ in range(5):
            started = time.perf_counter()
            for scope in requests:
                counter.count(scope, 200, CATALOGUE)
            rounds.append((time.perf_counter() - started) / len(requests) * 1e6)
        keys = len(counter._counts)
        started = time.perf_counter()
        counter.flush()
        flush_ms = (time.perf_counter() - started) * 1000
    print(f"count() per request: median {statistics.median(rounds):.2f} µs (5 rounds of {len(requests):,} requests)")
    print(f"keys after {5 * len(requests):,} requests: {keys}; one flush of them: {flush_ms:.1f} ms")


if __name__ == "__main__":
    main()
