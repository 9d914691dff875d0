"""The summary benchmark (benchmarks/summaries.py) measures what it says on a small benchmark
portal, through the real CLI and a real server on 127.0.0.1."""

from __future__ import annotations

from benchmarks import portal, summaries
from benchmarks.generate import SCHEMA_PATH, generate
from benchmarks.run import run_child


def test_the_canned_query_and_the_group_by_it_stands_for_are_measured_side_by_side(tmp_path):
    records = generate(tmp_path / "records.csv", 3_000)
    root = portal.make_benchmark_portal(tmp_path / "portal", records, SCHEMA_PATH)
    run_child(portal.kommune("build", "-C", str(root), "-o", str(root / "build"), "--quiet"))

    # sqlite_figures raises when the canned query's rows are not the GROUP BY's
    figures = summaries.run(root / "build", requests=2, group_by_requests=2)
    assert figures["build"]["rows_stored"] > 0 and figures["build"]["facet_columns"] == 2
    for part in ("sqlite", "http"):
        assert len(figures[part]) == 2
        for name, result in figures[part].items():
            assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"], name
    own_sql = next(result for name, result in figures["http"].items() if "GROUP BY" in name)
    assert own_sql["answered"] == 3 and own_sql["stopped_at_time_limit"] == 0  # 3,000 rows stay under 1 s
    assert "canned query" in summaries.format_figures(figures)
