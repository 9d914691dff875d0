"""`kommune publish ckan` and `kommune check` as real subprocesses (kommune/cli.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from contracts.build_folder import PUBLISH_RECORD_FILE
from kommune.releases import state_dir
from tests.conftest import REPO, run_kommune


def _publish(out, url, token, *args):
    env = {k: v for k, v in os.environ.items() if k != "CKAN_API_TOKEN"}
    if token:
        env["CKAN_API_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "kommune", "publish", "ckan", "--url", url, "--out", str(out), "-q", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_publish_without_token_says_so_and_exits_2(demo_build, ckan):
    result = _publish(demo_build, ckan["url"], None)
    assert result.returncode == 2
    assert "CKAN_API_TOKEN ist nicht gesetzt" in result.stderr and "Traceback" not in result.stderr


def test_publish_demo_then_rerun_writes_nothing(demo_build, ckan):
    first = _publish(demo_build, ckan["url"], ckan["token"])
    assert first.returncode == 0, first.stderr
    second = _publish(demo_build, ckan["url"], ckan["token"])
    assert second.returncode == 0, second.stderr
    assert "= haushalt-ergebnisplan: unverändert" in second.stdout
    assert "0 Schreibzugriffe" in second.stdout
    dry = _publish(demo_build, ckan["url"], ckan["token"], "--dry-run")
    assert dry.returncode == 0 and "Probelauf (nichts geändert)" in dry.stdout
    for result in (first, second, dry):
        assert ckan["token"] not in result.stdout + result.stderr


def test_upload_with_verify_downloads_every_file_and_records_the_run(unique_build, ckan):
    build, suffix = unique_build
    result = _publish(build, ckan["url"], ckan["token"], "--upload", "--verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"+ kita-plaetze{suffix}: angelegt, Downloads geprüft" in result.stdout
    assert "/katalog/ zeigt diesen Lauf nach dem nächsten Build" in result.stdout
    record = json.loads((state_dir(build) / PUBLISH_RECORD_FILE).read_text(encoding="utf-8"))
    entry = record["datasets"][f"kita-plaetze{suffix}"][0]
    assert (entry["mode"], entry["checked"], entry["outcome"]) == ("upload", "downloads", "created")
    assert ckan["token"] not in json.dumps(record)


def test_unreachable_ckan_exits_2_with_a_readable_message(demo_build):
    result = _publish(demo_build, "http://127.0.0.1:1", "geheim-123")
    assert result.returncode == 2
    assert "antwortet nicht" in result.stderr and "geheim-123" not in result.stderr + result.stdout


def test_check_passes_on_the_demo_build(demo_build, reference_dir):
    result = run_kommune("check", "--out", str(demo_build), "--shapes", str(reference_dir / "dcat-ap-de"), cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DCAT-AP.de: 0 Verstöße" in result.stdout


def test_check_without_shapes_says_where_it_looked(demo_build, tmp_path):
    result = run_kommune("check", "--out", str(demo_build), "--shapes", str(tmp_path / "nirgends"), cwd=REPO)
    assert result.returncode == 2 and "nirgends" in result.stderr and "Traceback" not in result.stderr
