"""The council KPIs in metadata/kpis.yaml, run against a real database of the demo."""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

import pytest
import yaml

from publish.database import open_readonly

KPIS = Path(__file__).resolve().parents[2] / "metadata" / "kpis.yaml"
COUNCIL_KPIS = (
    "council-papers-per-month",
    "council-meetings-per-month",
    "council-minutes-published-share",
    "council-days-to-minutes-median",
)
FRESHNESS_KPI = "council-information-age"  # one current value, not a series


@pytest.fixture(scope="module")
def db(demo_build):
    """portal.db of the repository's demo portal, built by the real build."""
    connection = open_readonly(demo_build / "portal.db")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def kpis():
    return {
        k["id"]: k
        for k in yaml.safe_load(KPIS.read_text(encoding="utf-8"))
        if k["id"] in (*COUNCIL_KPIS, FRESHNESS_KPI)
    }


def run(db, kpi):
    cursor = db.execute(kpi["sql"])
    assert [c[0] for c in cursor.description] == ["period", "value"]
    return cursor.fetchall()


def test_every_council_kpi_returns_ordered_periods(db, kpis):
    assert set(kpis) == {*COUNCIL_KPIS, FRESHNESS_KPI}
    for kpi in (kpis[kpi_id] for kpi_id in COUNCIL_KPIS):
        rows = run(db, kpi)
        assert len(rows) >= 6, kpi["id"]
        assert [r[0] for r in rows] == sorted(r[0] for r in rows)
        assert "{value}" in kpi["sentence"] and ("{period}" in kpi["sentence"] or "{when}" in kpi["sentence"])


def test_papers_per_month_add_up_to_the_published_papers(db, kpis):
    total = sum(value for _, value in run(db, kpis["council-papers-per-month"]))
    assert total == db.execute("select count(*) from oparl_paper where date <= date('now')").fetchone()[0]


def test_minutes_share_and_median_agree_with_a_python_computation(db, kpis):
    meetings = db.execute("select start, minutes_date, cancelled from oparl_meeting").fetchall()
    first_quarter = [
        (s, m) for s, m, c in meetings if s.startswith("2025-0") and s[5:7] in ("01", "02", "03") and not c
    ]
    share = dict(run(db, kpis["council-minutes-published-share"]))["2025-Q1"]
    assert share == round(100 * sum(m is not None for _, m in first_quarter) / len(first_quarter), 1)
    delays = [(dt.date.fromisoformat(m) - dt.date.fromisoformat(s[:10])).days for s, m in first_quarter if m]
    assert dict(run(db, kpis["council-days-to-minutes-median"]))["2025-Q1"] == statistics.median(delays)


def test_council_information_age_counts_days_since_the_newest_published_change(db, kpis):
    ((period, value),) = run(db, kpis[FRESHNESS_KPI])
    newest = max(
        dt.datetime.fromisoformat(row[0])
        for table in ("oparl_meeting", "oparl_agenda_item", "oparl_paper")
        for row in db.execute(f"select modified from {table} where modified is not null")
    )
    expected = (dt.datetime.now(dt.UTC) - newest).total_seconds() / 86400
    assert abs(value - expected) < 0.2
    assert period == dt.date.today().strftime("%Y-%m")
