"""Time publish_ckan: first run into a fresh organisation, then an unchanged rerun.

    CKAN_URL=http://127.0.0.1:5000 CKAN_API_TOKEN=... python benchmarks/publish_ckan_timing.py [BUILD] [COPIES]

BUILD defaults to a fresh build of the repository's demo portal. COPIES (default 1) repeats
every dataset under new ids to see how the time grows with the number of datasets. Dataset
ids and the publisher get a random suffix so that the first run really creates everything.
Prints seconds and write calls per run; writes nothing into the repository.
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

from kommune import portal  # noqa: E402
from publish.ckan import publish_ckan  # noqa: E402
from tests.publish.conftest import add_dataset_copy, copy_build  # noqa: E402


def main() -> None:
    url, token = os.environ["CKAN_URL"], os.environ["CKAN_API_TOKEN"]
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    tag = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "-" else None
        if source is None:
            source = Path(tmp) / "demo" / "build"
            portal.build(ROOT, source)
        build = copy_build(source, Path(tmp) / "build", suffix=f"-{tag}", publisher=f"benchmark-{tag}")
        originals = sorted(p.name for p in (build / "datasets").iterdir())
        for copy in range(1, copies):
            for name in originals:
                add_dataset_copy(build, name, f"{name}-{copy}")
        for label in ("first run", "unchanged rerun"):
            start = time.perf_counter()
            report = publish_ckan(build, url, token)
            seconds = time.perf_counter() - start
            print(
                f"{label}: {seconds:.2f} s for {len(originals) * copies} datasets, {len(report.created)} created, "
                f"{len(report.unchanged)} unchanged, {report.writes} write calls, ok={report.ok}"
            )


if __name__ == "__main__":
    main()
