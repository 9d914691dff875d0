"""The product-level figures run the real CLI and a real server on 127.0.0.1."""

from __future__ import annotations

import json

from benchmarks import portal
from benchmarks.generate import SCHEMA_PATH, generate
from benchmarks.run import run_child


def test_benchmark_portal_builds_and_serves_every_measured_query(tmp_path):
    records = generate(tmp_path / "records.csv", 3_000)
    root = portal.make_benchmark_portal(tmp_path / "portal", records, SCHEMA_PATH)
    run_child(portal.kommune("build", "-C", str(root), "-o", str(root / "build"), "--quiet"))
    report = json.loads((root / "build" / "build-report.json").read_text(encoding="utf-8"))
    assert [(entry["status"], entry["rows"]) for entry in report["datasets"]] == [("ok", 3_000)]

    figures = portal.measure_datasette(root / "build", requests=2, full_exports=1)
    for name in portal.datasette_queries():
        if "CSV" in name:
            assert name in figures
        else:  # cold and warm reported side by side, never one for the other
            assert figures[f"{name}, uncached"]["first_ms"] > 0 and f"{name}, cached" in figures
    for name, result in figures.items():
        if "p50_ms" in result:
            assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"], name
            assert result["server_cpu_ms"] >= 0, name
    whole = figures["CSV export, streamed, whole table"]
    assert whole["mib"] > 0.05 and whole["broken_off"] == 0  # 3,000 rows of seven columns really came back
    release_file = figures["CSV file of the release, whole table"]
    assert abs(release_file["mib"] - whole["mib"]) < 0.1 * whole["mib"]


def test_changing_one_demo_dataset_changes_only_its_hash(tmp_path):
    from pipelines.build import dataset_hash
    from pipelines.declarations import load_portal

    root = portal.copy_demo_portal(tmp_path / "demo")
    before = {key: dataset_hash(value) for key, value in load_portal(root).datasets.items()}
    changed = portal.change_one_dataset(root)
    after = {key: dataset_hash(value) for key, value in load_portal(root).datasets.items()}
    assert [key for key in before if before[key] != after[key]] == [changed]
