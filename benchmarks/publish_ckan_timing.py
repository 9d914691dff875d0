"""Time publish_ckan on a build: first run into a fresh organisation, then an unchanged rerun.

    CKAN_URL=http://127.0.0.1:5000 CKAN_API_TOKEN=... python benchmarks/publish_ckan_timing.py [BUILD_DIR]

Dataset ids and the publisher get a random suffix so the first run really creates
everything. Prints seconds and write calls per run; writes nothing into the repository.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publish.ckan import publish_ckan  # noqa: E402
from tests.publish.conftest import FIXTURE_BUILD, copy_build  # noqa: E402


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE_BUILD
    url, token = os.environ["CKAN_URL"], os.environ["CKAN_API_TOKEN"]
    suffix = "-" + uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory() as tmp:
        import tests.publish.conftest as fixtures
        fixtures.FIXTURE_BUILD = source.resolve()
        build = copy_build(Path(tmp) / "build", suffix=suffix, publisher=f"Benchmark {suffix[1:]}")
        for label in ("first run", "unchanged rerun"):
            start = time.perf_counter()
            report = publish_ckan(build, url, token)
            seconds = time.perf_counter() - start
            print(f"{label}: {seconds:.2f} s, {len(report.created)} created, {len(report.unchanged)} unchanged, "
                  f"{report.writes} writes, ok={report.ok}")


if __name__ == "__main__":
    main()
