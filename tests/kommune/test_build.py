"""Building the portal: a failing dataset fails alone, its last good version stays, and
the swap to a new release is atomic even when the build is killed."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kommune import portal
from kommune.releases import current_release, releases_dir
from tests.conftest import dataset_yaml, run_kommune

GOOD = "Datum;Betrag;Ort\n24.01.2020;1,00;Nord\n25.01.2020;2,50;Süd\n"
SCHEMA = """\
fields:
  - {name: datum, label: Datum, type: date, format: "%d.%m.%Y", title: Datum, description: Buchungstag.}
  - {name: betrag, label: Betrag, type: number, decimalChar: ",", title: Betrag, description: In Euro.}
  - {name: ort, label: Ort, type: string, title: Ort, description: Ortsteil.}
"""


def add_csv(portal_dir, dataset_id, content: str, title="Testdaten"):
    return portal_dir.add(dataset_id, dataset_yaml(title=title, source='{kind: csv, path: sample/d.csv, delimiter: ";"}'),
                          SCHEMA, {"sample/d.csv": content.encode("utf-8")})


def test_broken_dataset_keeps_its_last_good_version_everywhere(portal_dir):
    add_csv(portal_dir, "gut", GOOD)
    broken = add_csv(portal_dir, "wird-kaputt", GOOD)
    first = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in first.datasets] == ["ok", "ok"]

    (broken / "sample" / "d.csv").write_text("Datum;Betrag;Ort\n31.02.2024;1,00;Nord\n", encoding="utf-8")
    (portal_dir.root / "datasets" / "gut" / "sample" / "d.csv").write_text(GOOD + "26.01.2020;3,00;West\n", encoding="utf-8")
    second = portal.build(portal_dir.root, portal_dir.out)
    statuses = {d.id: d.status for d in second.datasets}
    assert statuses == {"gut": "ok", "wird-kaputt": "stale"}

    out = portal_dir.out
    report = {d["id"]: d for d in json.loads((out / "build-report.json").read_text())["datasets"]}
    issue = report["wird-kaputt"]["issues"][0]
    assert (issue["file"], issue["row"], issue["field"], issue["type"]) == ("sample/d.csv", 2, "Datum", "type-error")
    assert issue["expected"] == "Datum im Format TT.MM.JJJJ"

    package = json.loads((out / "datasets" / "wird-kaputt" / "datapackage.json").read_text())
    assert package["kommune"]["status"] == "stale"
    assert "31.02.2024" in package["kommune"]["stale_reason"]
    db = sqlite3.connect(out / "portal.db")
    assert db.execute("select count(*) from wird_kaputt").fetchone() == (2,)
    assert db.execute("select count(*) from gut").fetchone() == (3,)
    assert db.execute("select status from portal_datasets where id = 'wird-kaputt'").fetchone() == ("stale",)
    page = (out / "site" / "datensaetze" / "wird-kaputt" / "index.html").read_text()
    assert "nicht auf dem neuesten Stand" in page and "31.02.2024" in page
    assert (out / "site" / "datensaetze" / "wird-kaputt" / "wird_kaputt.csv").exists()


def test_dataset_that_never_worked_is_reported_and_others_publish(portal_dir):
    add_csv(portal_dir, "gut", GOOD)
    portal_dir.add("fehlt", dataset_yaml(title="Fehlt", source='{kind: csv, url: "http://127.0.0.1:9/nichts.csv"}'), SCHEMA)
    report = portal.build(portal_dir.root, portal_dir.out)
    statuses = {d.id: d.status for d in report.datasets}
    assert statuses == {"gut": "ok", "fehlt": "failed"}
    assert not (portal_dir.out / "datasets" / "fehlt" / "datapackage.json").exists()
    assert (portal_dir.out / "site" / "datensaetze" / "gut" / "index.html").exists()


def test_exit_code_and_strict_warnings(portal_dir):
    folder = add_csv(portal_dir, "gut", GOOD)
    result = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert result.returncode == 0, result.stderr
    (folder / "README.md").unlink()
    assert run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out)).returncode == 0
    strict = run_kommune("build", "-q", "--strict", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert strict.returncode == 1 and "README.md fehlt" in strict.stderr
    (folder / "sample" / "d.csv").write_text("Datum;Betrag;Ort\nkein Datum;1;Nord\n")
    failed = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert failed.returncode == 1
    assert "Zeile 2, Feld „Datum“" in failed.stderr and "Traceback" not in failed.stderr


def test_unchanged_datasets_are_carried_over_not_rebuilt(portal_dir):
    add_csv(portal_dir, "eins", GOOD)
    add_csv(portal_dir, "zwei", GOOD)
    portal.build(portal_dir.root, portal_dir.out)
    first_modified = json.loads((portal_dir.out / "datasets" / "eins" / "datapackage.json").read_text())["kommune"]["modified"]
    (portal_dir.root / "datasets" / "zwei" / "sample" / "d.csv").write_text(GOOD + "27.01.2020;1,00;Ost\n")
    report = portal.build(portal_dir.root, portal_dir.out)
    assert {d.id: d.status for d in report.datasets} == {"eins": "unchanged", "zwei": "ok"}
    again = json.loads((portal_dir.out / "datasets" / "eins" / "datapackage.json").read_text())
    assert again["kommune"]["modified"] == first_modified


def test_building_named_datasets_carries_the_others_over(portal_dir):
    add_csv(portal_dir, "eins", GOOD)
    add_csv(portal_dir, "zwei", GOOD)
    portal.build(portal_dir.root, portal_dir.out)
    report = portal.build(portal_dir.root, portal_dir.out, only=["zwei"])
    assert [d.id for d in report.datasets] == ["zwei"]
    assert (portal_dir.out / "datasets" / "eins" / "eins.csv").exists()
    assert {d["id"] for d in json.loads((portal_dir.out / "build-report.json").read_text())["datasets"]} == {"eins", "zwei"}


class _SlowSource(BaseHTTPRequestHandler):
    """Answers with a CSV it never finishes sending: a build fetching it hangs until killed."""

    requested = threading.Event()

    def do_GET(self):
        type(self).requested.set()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        try:
            self.wfile.write(b"Datum;Betrag;Ort\n")
            for _ in range(600):
                time.sleep(0.1)
                self.wfile.write(b"24.01.2020;1,00;Nord\n")
        except OSError:
            pass

    def log_message(self, *args):
        pass


def _assert_complete_release(out):
    release = current_release(out)
    assert release is not None and not release.name.endswith(".tmp")
    for name in ("portal.db", "portal.json", "build-report.json", "datasette/metadata.json", "site/index.html"):
        assert (release / name).exists(), name
    db = sqlite3.connect(f"file:{release / 'portal.db'}?mode=ro", uri=True)
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    return release


def test_build_killed_midway_leaves_the_previous_portal_intact(portal_dir):
    add_csv(portal_dir, "gut", GOOD)
    portal.build(portal_dir.root, portal_dir.out)
    before = _assert_complete_release(portal_dir.out)

    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowSource)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        portal_dir.add("langsam", dataset_yaml(title="Langsam", source=f'{{kind: csv, url: "http://127.0.0.1:{server.server_port}/d.csv", delimiter: ";"}}'), SCHEMA)
        process = subprocess.Popen([sys.executable, "-m", "kommune", "build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out)])
        assert _SlowSource.requested.wait(60), "build never fetched the slow source"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        server.shutdown()
    assert _assert_complete_release(portal_dir.out) == before
    assert list(releases_dir(portal_dir.out).glob("*.tmp")), "the killed build should have left its staging folder"

    (portal_dir.root / "datasets" / "langsam").rename(portal_dir.root / "langsam-weg")
    portal.build(portal_dir.root, portal_dir.out)
    assert not list(releases_dir(portal_dir.out).glob("*.tmp"))
    assert _assert_complete_release(portal_dir.out) != before


@pytest.mark.parametrize("attempt", range(3))
def test_build_killed_at_a_random_moment_leaves_a_complete_portal(portal_dir, attempt):
    for index in range(4):
        add_csv(portal_dir, f"daten-{index}", GOOD * 1 + "".join(f"0{d}.02.2020;{d},00;Ost\n" for d in range(1, 10)))
    portal.build(portal_dir.root, portal_dir.out)
    for index in range(4):
        (portal_dir.root / "datasets" / f"daten-{index}" / "sample" / "d.csv").write_text(GOOD + f"01.03.2020;{attempt},00;Nord\n")
    process = subprocess.Popen([sys.executable, "-m", "kommune", "build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out)])
    time.sleep(random.uniform(0.3, 2.5))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    _assert_complete_release(portal_dir.out)
