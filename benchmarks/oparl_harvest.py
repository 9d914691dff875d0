"""Harvest throughput against the local OParl test server (objects per second).

    python benchmarks/oparl_harvest.py [--runs 3]

Full harvests of the bundled Werne demo over real HTTP on 127.0.0.1, no request-rate
limit (the limit, not the harvester, bounds a polite harvest of a real server), for two
page sizes; then an incremental run with one changed paper.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.http import HttpClient, HttpSettings  # noqa: E402
from pipelines.oparl.client import HttpJsonFetcher  # noqa: E402
from pipelines.oparl.harvester import Harvester  # noqa: E402
from tests.oparl_server import serve_sample  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for page_size in (25, 100):
        server = serve_sample(page_size=page_size)
        rates, pages = [], 0
        for _ in range(args.runs):
            with HttpClient(server.cache_dir, HttpSettings()) as http:
                result = Harvester(HttpJsonFetcher(http), server.system_url).run()
            rates.append(result.objects_per_second)
            pages = result.pages
        print(
            f"full harvest, page size {page_size}: {result.objects_received} objects, {pages} requests, "
            f"median {statistics.median(rates):,.0f} objects/s (runs: {', '.join(f'{r:,.0f}' for r in rates)})"
        )
        with tempfile.TemporaryDirectory() as state:
            with HttpClient(server.cache_dir, HttpSettings()) as http:
                Harvester(HttpJsonFetcher(http), server.system_url, state_dir=Path(state)).run()
            paper = copy.deepcopy(server.recording.lists["papers"][0])
            paper["modified"] = dt.datetime.now(dt.UTC).isoformat()
            server.recording.upsert("papers", paper)
            started = time.perf_counter()
            with HttpClient(server.cache_dir, HttpSettings()) as http:
                incremental = Harvester(HttpJsonFetcher(http), server.system_url, state_dir=Path(state)).run()
            print(
                f"incremental harvest, page size {page_size}: {incremental.objects_received} objects, "
                f"{incremental.pages} requests, {time.perf_counter() - started:.2f} s including state load/save"
            )
        server.stop()


if __name__ == "__main__":
    main()
