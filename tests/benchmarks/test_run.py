"""The runner measures real child processes and reports every path on the same file."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from benchmarks import run


def test_run_child_reports_the_peak_memory_of_the_child_itself():
    allocate = "block = bytearray(80 * 1024 * 1024); block[::4096] = b'x' * len(block[::4096])"
    wall, peak, _ = run.run_child([sys.executable, "-c", allocate])
    assert wall > 0
    assert 80 <= peak < 200
    _, small_peak, _ = run.run_child([sys.executable, "-c", "pass"])
    assert small_peak < 40  # not the runner's own size


def test_run_child_raises_when_the_command_fails():
    with pytest.raises(run.subprocess.CalledProcessError):
        run.run_child([sys.executable, "-c", "raise SystemExit(3)"])


def test_measure_refuses_a_path_that_handled_the_wrong_row_count():
    command = [sys.executable, "-c", "print('{\"rows\": 9}')"]
    with pytest.raises(RuntimeError, match="handled 9 rows"):
        run.measure("fake", command, rows=10, repeat=1)


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 shell not installed")
def test_whole_benchmark_on_a_small_file(tmp_path):
    arguments = ["--sizes", "1000,2000", "--output", str(tmp_path), "--no-portal", "--no-oparl", "--no-history"]
    assert run.main(arguments) == 0
    report = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    paths = {result["path"] for result in report["results"]}
    assert {
        "fast-path",
        "fast-path-in-parts",
        "service-statistics",
        "sqlite3-import",
        "sqlite3-import-indexed",
        "frictionless-validate",
        "frictionless-row-stream",
    } <= paths
    floor = [r for r in report["results"] if r["path"] == "sqlite3-import"]
    assert all(result["ratio_to_floor"] == 1.0 for result in floor)
    assert all(result["rows"] in (1000, 2000) and result["wall_s"] > 0 for result in report["results"])
    assert "fast-path" in report["growth"]
    assert "path 1" in report["table"]


def test_history_benchmark_runs_on_a_small_table(tmp_path, capsys):
    """The dataset-history benchmark end to end on 2,000 rows × 3 versions (the figures are
    `make bench`'s; here only that it runs and reports storage and diff time)."""
    from benchmarks import history

    assert history.main(["--rows", "2000", "--versions", "3", "--output", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "one version" in printed and "diff" in printed
