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
from tests.conftest import dataset_yaml, run_kommune, start_server, stop_server

GOOD = "Datum;Betrag;Ort\n24.01.2020;1,00;Nord\n25.01.2020;2,50;Süd\n"
SCHEMA = """\
fields:
  - {name: datum, label: Datum, type: date, format: "%d.%m.%Y", title: Datum, description: Buchungstag.}
  - {name: betrag, label: Betrag, type: number, decimalChar: ",", title: Betrag, description: In Euro.}
  - {name: ort, label: Ort, type: string, title: Ort, description: Ortsteil.}
"""


def add_csv(portal_dir, dataset_id, content: str, title="Testdaten"):
    return portal_dir.add(
        dataset_id,
        dataset_yaml(title=title, source='{kind: csv, path: sample/d.csv, delimiter: ";"}'),
        SCHEMA,
        {"sample/d.csv": content.encode("utf-8")},
    )


def test_broken_dataset_keeps_its_last_good_version_everywhere(portal_dir):
    add_csv(portal_dir, "gut", GOOD)
    broken = add_csv(portal_dir, "wird-kaputt", GOOD)
    first = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in first.datasets] == ["ok", "ok"]

    (broken / "sample" / "d.csv").write_text("Datum;Betrag;Ort\n31.02.2024;1,00;Nord\n", encoding="utf-8")
    (portal_dir.root / "datasets" / "gut" / "sample" / "d.csv").write_text(
        GOOD + "26.01.2020;3,00;West\n", encoding="utf-8"
    )
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
    portal_dir.add(
        "fehlt", dataset_yaml(title="Fehlt", source='{kind: csv, url: "http://127.0.0.1:9/nichts.csv"}'), SCHEMA
    )
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
    first_modified = json.loads((portal_dir.out / "datasets" / "eins" / "datapackage.json").read_text())["kommune"][
        "modified"
    ]
    (portal_dir.root / "datasets" / "zwei" / "sample" / "d.csv").write_text(GOOD + "27.01.2020;1,00;Ost\n")
    report = portal.build(portal_dir.root, portal_dir.out)
    assert {d.id: d.status for d in report.datasets} == {"eins": "unchanged", "zwei": "ok"}
    again = json.loads((portal_dir.out / "datasets" / "eins" / "datapackage.json").read_text())
    assert again["kommune"]["modified"] == first_modified


def test_an_unchanged_dataset_whose_files_were_lost_is_built_again(portal_dir):
    add_csv(portal_dir, "eins", GOOD)
    add_csv(portal_dir, "zwei", GOOD)
    portal.build(portal_dir.root, portal_dir.out)
    (portal_dir.out / "datasets" / "eins" / "eins.csv").unlink()
    (portal_dir.out / "datasets" / "zwei" / "zwei.json").write_text("[]")
    report = portal.build(portal_dir.root, portal_dir.out)
    assert {d.id: d.status for d in report.datasets} == {"eins": "ok", "zwei": "ok"}
    assert (portal_dir.out / "datasets" / "eins" / "eins.csv").read_text(encoding="utf-8").count("\n") == 3
    assert len(json.loads((portal_dir.out / "datasets" / "zwei" / "zwei.json").read_text(encoding="utf-8"))) == 2
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from eins").fetchone() == (2,)


def test_building_named_datasets_carries_the_others_over(portal_dir):
    add_csv(portal_dir, "eins", GOOD)
    add_csv(portal_dir, "zwei", GOOD)
    portal.build(portal_dir.root, portal_dir.out)
    report = portal.build(portal_dir.root, portal_dir.out, only=["zwei"])
    assert [d.id for d in report.datasets] == ["zwei"]
    assert (portal_dir.out / "datasets" / "eins" / "eins.csv").exists()
    assert {d["id"] for d in json.loads((portal_dir.out / "build-report.json").read_text())["datasets"]} == {
        "eins",
        "zwei",
    }


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
        portal_dir.add(
            "langsam",
            dataset_yaml(
                title="Langsam",
                source=f'{{kind: csv, url: "http://127.0.0.1:{server.server_port}/d.csv", delimiter: ";"}}',
            ),
            SCHEMA,
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "kommune", "build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out)]
        )
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


KILLS = 24


def _version_of(release, tables) -> int:
    """Every table of a release must come from the same build: return that build's row count."""
    db = sqlite3.connect(f"file:{release / 'portal.db'}?mode=ro", uri=True)
    counts = {db.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}
    db.close()
    assert len(counts) == 1, f"tables of {release.name} come from different builds: {counts}"
    return counts.pop()


def _assert_consistent(release, dataset_ids):
    """Files, database and site of a release describe the same rows."""
    db = sqlite3.connect(f"file:{release / 'portal.db'}?mode=ro", uri=True)
    for dataset_id in dataset_ids:
        package = json.loads((release / "datasets" / dataset_id / "datapackage.json").read_text())
        resource = package["resources"][0]
        csv_rows = (release / "datasets" / dataset_id / resource["path"]).read_text().count("\n") - 1
        db_rows = db.execute(f"select count(*) from {resource['name']}").fetchone()[0]
        assert resource["kommune"]["rows"] == csv_rows == db_rows, dataset_id
        assert (release / "site" / "datensaetze" / dataset_id / resource["path"]).exists()
    db.close()


def test_build_killed_at_random_moments_always_leaves_the_old_or_the_new_portal_serving(portal_dir):
    """SIGKILL at a random moment of a real `kommune build`, KILLS times in a row, while a real
    `kommune serve` keeps answering: after every kill the served portal is complete, consistent,
    and either the version before the kill or the one the killed build was writing."""
    ids = [f"daten-{index}" for index in range(4)]
    tables = [i.replace("-", "_") for i in ids]

    def write_version(rows: int) -> None:
        body = "".join(f"{1 + n % 28:02d}.02.2020;{n},00;Ost\n" for n in range(rows))
        for dataset_id in ids:
            (portal_dir.root / "datasets" / dataset_id / "sample" / "d.csv").write_text("Datum;Betrag;Ort\n" + body)

    for dataset_id in ids:
        add_csv(portal_dir, dataset_id, GOOD)
    write_version(1)
    command = [sys.executable, "-m", "kommune", "build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out)]
    started = time.monotonic()
    subprocess.run(command, check=True)
    full_build = time.monotonic() - started
    served_version = 1
    server = start_server(portal_dir.out)
    outcomes = {"old": 0, "new": 0}
    rng = random.Random(8)
    try:
        for attempt in range(2, KILLS + 2):
            write_version(attempt)
            process = subprocess.Popen(command)
            time.sleep(rng.uniform(0.2, 1.3) * full_build)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            release = _assert_complete_release(portal_dir.out)
            version = _version_of(release, tables)
            assert version in (served_version, attempt), f"kill {attempt}: version {version}"
            outcomes["old" if version == served_version else "new"] += 1
            served_version = version
            _assert_consistent(release, ids)
            rows = server.get(f"/daten/portal/{tables[0]}.json?_shape=array&_size=max").json()
            assert len(rows) == version
            assert server.get(f"/datensaetze/{ids[0]}/").status_code == 200
    finally:
        stop_server(server)
    subprocess.run(command, check=True)  # a build after all the kills cleans up what they left
    assert not list(releases_dir(portal_dir.out).glob("*.tmp"))
    assert not list(portal_dir.root.glob(".build.link-*"))
    assert len([p for p in releases_dir(portal_dir.out).iterdir() if p.is_dir()]) <= 3
    print(
        f"\n{KILLS} kills survived (full build {full_build:.1f} s): {outcomes['old']} left the old version, "
        f"{outcomes['new']} the new one"
    )
    assert sum(outcomes.values()) == KILLS


@pytest.fixture
def small_disk(tmp_path):
    """A real 24 MB tmpfs (needs root, as in CI); skips where mounting is not allowed."""
    mount_point = tmp_path / "klein"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a size-limited tmpfs here: {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_full_during_a_build_leaves_the_old_portal_serving(portal_dir, small_disk):
    add_csv(portal_dir, "gut", GOOD)
    out = small_disk / "build"
    command = ["build", "-q", "-C", str(portal_dir.root), "-o", str(out)]
    run_kommune(*command, check=True)
    before = _assert_complete_release(out)
    server = start_server(out)
    try:
        big = add_csv(portal_dir, "gross", GOOD)
        with open(big / "sample" / "d.csv", "a", encoding="utf-8") as handle:
            for day in range(60_000):  # ~20 MB source: its CSV and JSON alone need more than 24 MB
                handle.write(f"{1 + day % 28:02d}.03.2020;{day},00;{'Ortsteil mit einem langen Namen ' * 10}\n")
        (portal_dir.root / "datasets" / "gut" / "sample" / "d.csv").write_text(GOOD + "26.01.2020;3,00;West\n")
        failed = run_kommune(*command)
        assert failed.returncode == 2, failed.stderr
        assert "Kein Platz mehr auf dem Datenträger" in failed.stderr and "bleibt online" in failed.stderr
        assert "Traceback" not in failed.stderr
        assert _assert_complete_release(out) == before
        assert not list(releases_dir(out).glob("*.tmp")), "the aborted release must be removed to free the space"
        assert len(server.get("/daten/portal/gut.json?_shape=array").json()) == 2
        assert server.get("/datensaetze/gut/").status_code == 200
    finally:
        stop_server(server)
    (portal_dir.root / "datasets" / "gross").rename(portal_dir.root / "gross-weg")
    run_kommune(*command, check=True)
    assert _assert_complete_release(out) != before


def test_a_recorded_oparl_system_is_skipped_when_its_folder_is_unchanged(portal_dir):
    portal_dir.add_demo("ratsinformation")
    first = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in first.datasets] == ["ok"]
    second = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in second.datasets] == ["unchanged"]
    assert second.datasets[0].rows == first.datasets[0].rows


def test_an_unforeseen_exception_never_reaches_the_report_only_its_reference(portal_dir, monkeypatch, capsys):
    """A bug cannot be produced on purpose without planting one: the csv kind's `run` is
    replaced by one that raises with internal English text. Everything else is real."""
    import pipelines.kinds.tabular as tabular_kind

    def broken(dataset, ctx):
        raise AttributeError("'JsonResource' object has no attribute 'header' in /srv/geheim/pfad.py")

    monkeypatch.setattr(tabular_kind, "run", broken)
    portal_dir.add(
        "kaputt",
        dataset_yaml("{kind: csv, path: sample/d.csv}"),
        "fields:\n  - {name: a, type: string, title: A, description: A}\n",
        files={"sample/d.csv": b"a\n1\n"},
    )
    (result,) = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "failed"
    (issue,) = result.issues
    reference = issue.expected.split("Fehlerkennung ")[1].split(":")[0]
    published = (portal_dir.out / "datasets" / "kaputt" / "report.json").read_text() + (
        portal_dir.out / "build-report.json"
    ).read_text()
    assert "AttributeError" not in published and "JsonResource" not in published and "/srv/" not in published
    assert reference in published and "Fehlers im Portal" in published
    assert "JsonResource" in capsys.readouterr().err  # the terminal has the details
    (log,) = (portal_dir.root / ".build-state" / "fehler").glob(f"kaputt-{reference}.txt")
    assert "AttributeError" in log.read_text()


def test_personal_data_in_any_kind_warns_with_column_and_rows_and_strict_fails(portal_dir):
    """The csv kind has no disclosure control of its own; the scan after writing still finds
    an e-mail address and a name, and the allow-list in dataset.yaml silences public ones."""
    folder = add_csv(
        portal_dir,
        "kontakte",
        "Datum;Betrag;Ort\n24.01.2020;1,00;Sabine Brinkmann\n25.01.2020;2,50;info@werne.de\n26.01.2020;2,50;Nord\n",
    )
    result = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert result.returncode == 0, result.stderr
    strict = run_kommune("build", "-q", "--strict", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert strict.returncode == 1
    assert "Name in 1 veröffentlichten Zeilen der Spalte „ort“" in strict.stderr
    assert "E-Mail-Adresse in 1 veröffentlichten Zeilen" in strict.stderr
    assert "Brinkmann" not in strict.stderr and "info@werne.de" not in strict.stderr
    yaml_path = folder / "dataset.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8")
        + "privacy: {allow_values: [info@werne.de], allow_kinds: {ort: [Name]}}\n",
        encoding="utf-8",
    )
    allowed = run_kommune("build", "-q", "--strict", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert allowed.returncode == 0, allowed.stderr


def test_the_personal_data_scan_reads_a_table_once_per_content_and_rules(portal_dir, tmp_path):
    """The findings are remembered per table content and scan rules: the same table is not read
    again (its file is swapped behind the scan's back to prove it), a changed one is."""
    from pipelines.build import personal_data_warnings
    from pipelines.declarations import load_portal
    from pipelines.output import write_resource

    add_csv(portal_dir, "kontakte", "Datum;Betrag;Ort\n24.01.2020;1,00;info@werne.de\n")
    dataset = load_portal(portal_dir.root).datasets["kontakte"]
    schema = {"fields": [{"name": "ort", "type": "string"}]}
    out, state = tmp_path / "out", tmp_path / "state"
    resource = write_resource(out, "kontakte", schema, [{"ort": "info@werne.de"}], title="Kontakte")
    first = personal_data_warnings(dataset, out, [resource], state)
    assert [w.message for w in first] == ["E-Mail-Adresse in 1 veröffentlichten Zeilen der Spalte „ort“"]
    (out / resource.csv.path).write_text("ort\nNord\n", encoding="utf-8")  # same recorded hash
    assert personal_data_warnings(dataset, out, [resource], state) == first
    changed = write_resource(out, "kontakte", schema, [{"ort": "Nord"}], title="Kontakte")
    assert personal_data_warnings(dataset, out, [changed], state) == []
