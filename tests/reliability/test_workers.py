"""`kommune serve --workers 2`: several processes over one release, swapped under load.

Each worker notices a rebuild's swap on its own, at its next request. What must hold anyway:
no request fails, and no answer mixes two releases (the table's title comes from the release's
metadata.json, its rows from the release's portal.db: both must be of the same build).
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from kommune import portal
from tests.conftest import PortalDir, dataset_yaml, start_server, stop_server, worker_pids

REBUILDS = 4
CLIENTS = 4
LOAD_SECONDS = 120


def _counter_dataset(portal_dir: PortalDir, version: int) -> Path:
    """A table of `version` rows whose title names the same number (written anew for a rebuild)."""
    declaration = dataset_yaml("{kind: csv, path: sample/d.csv}", title=f"Zähler Stand {version}")
    rows = "n\n" + "".join(f"{n}\n" for n in range(version))
    folder = portal_dir.root / "datasets" / "zaehler"
    if not folder.exists():
        schema = "fields:\n  - {name: n, type: integer, title: N, description: Zahl.}\n"
        return portal_dir.add("zaehler", declaration, schema, {"sample/d.csv": rows.encode()})
    (folder / "dataset.yaml").write_text(declaration, encoding="utf-8")
    (folder / "sample" / "d.csv").write_text(rows, encoding="utf-8")
    return folder


def test_two_workers_swap_releases_under_load_without_failures_or_mixed_versions(tmp_path):
    portal_dir = PortalDir(tmp_path / "portal")
    portal_dir.add_demo("kita-plaetze")
    _counter_dataset(portal_dir, 1)
    portal.build(portal_dir.root, portal_dir.out)
    server = start_server(portal_dir.out, workers=2)
    failures: list[str] = []
    seen: list[tuple[int, int]] = []  # (version in the title, rows in the database), per answer
    lock = threading.Lock()
    rebuilding = threading.Event()
    rebuilding.set()
    deadline = time.monotonic() + LOAD_SECONDS

    def client() -> None:
        # A new connection per request: uvicorn's workers share one listening socket, so the
        # requests spread over both workers.
        while rebuilding.is_set() and time.monotonic() < deadline:
            for path in ("/daten/portal/zaehler", "/datensaetze/", "/daten/portal/kita_plaetze"):
                try:
                    response = httpx.get(server.url + path, headers={"Cache-Control": "no-cache"}, timeout=30)
                except httpx.HTTPError as error:
                    with lock:
                        failures.append(f"{path}: {error!r}")
                    continue
                with lock:
                    if response.status_code != 200:
                        failures.append(f"{path}: {response.status_code}")
                    elif path == "/daten/portal/zaehler":
                        title = re.search(r"Zähler Stand (\d+)", response.text)
                        rows = len(re.findall(r'data-column="n">\d+</td>', response.text))
                        seen.append((int(title.group(1)) if title else -1, rows))

    def rebuild() -> None:
        try:
            for version in range(2, REBUILDS + 2):
                _counter_dataset(portal_dir, version)
                subprocess.run(
                    [sys.executable, "-m", "kommune", "build", "-q", "-C", str(portal_dir.root)]
                    + ["-o", str(portal_dir.out)],
                    check=True,
                    timeout=LOAD_SECONDS,
                )
                time.sleep(1)  # every worker answers from the new release before the next swap
        finally:
            rebuilding.clear()

    try:
        workers = worker_pids(server)
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)] + [threading.Thread(target=rebuild)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Once the last swap is done, every worker answers from the last release: each one
        # looks at the build folder's link on every request.
        after = [
            httpx.get(server.url + "/daten/portal/zaehler", headers={"Cache-Control": "no-cache"}, timeout=30).text
            for _ in range(20)
        ]
    finally:
        stop_server(server)
    print(f"\n{len(seen)} table answers from {len(workers)} workers, versions seen {sorted({v for v, _ in seen})}")
    assert len(workers) == 2
    assert not failures, failures[:10]
    assert seen and all(version == rows for version, rows in seen), [pair for pair in seen if pair[0] != pair[1]][:10]
    assert len({version for version, _ in seen}) >= 3, "the workers saw too few of the swaps"
    assert all(f"Zähler Stand {REBUILDS + 1}" in page for page in after)
