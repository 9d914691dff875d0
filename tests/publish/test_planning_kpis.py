"""The building-and-planning KPIs of metadata/kpis.yaml, run against the demo portal.db."""

import sqlite3

import pytest
import yaml

from tests.conftest import REPO

KPIS = {kpi["id"]: kpi for kpi in yaml.safe_load((REPO / "metadata" / "kpis.yaml").read_text(encoding="utf-8"))}


def run(demo_build, kpi_id):
    db = sqlite3.connect(demo_build / "portal.db")
    return db.execute(KPIS[kpi_id]["sql"]).fetchall()


def test_plans_in_procedure_now_match_the_plan_table(demo_build):
    rows = run(demo_build, "bauleitplaene-im-verfahren")
    assert [period for period, _ in rows] == sorted(period for period, _ in rows)
    # 42, 45, 51, 53, 56 and FNP 27 are in procedure today (58 was discontinued)
    db = sqlite3.connect(demo_build / "portal.db")
    assert rows[-1][1] == 6 == db.execute("select count(*) from bebauungsplaene where im_verfahren").fetchone()[0]


def test_median_months_from_decision_to_entry_into_force(demo_build):
    # months (days / 30.4375): 4: 25.1, 17: 23.1, 23: 21.3, 31: 20.3, 38: 20.6 → median 21.3 (plan 23)
    ((period, value),) = run(demo_build, "bebauungsplan-verfahrensdauer")
    assert period == "2006" and value == pytest.approx(21.3, abs=0.1)


def test_permits_per_year(demo_build):
    rows = run(demo_build, "baugenehmigungen-pro-jahr")
    assert [period for period, _ in rows] == [str(year) for year in range(2015, 2025)]
    db = sqlite3.connect(demo_build / "portal.db")
    assert (
        rows[-1][1] == db.execute("select sum(baugenehmigungen) from baugenehmigungen where jahr = 2024").fetchone()[0]
    )
