"""Roadmap ranking: demand and simplicity by the configured formula; demand from a real table."""

from __future__ import annotations

import sqlite3

import pytest
import yaml

from publish.roadmap import StatisticsTable, complexity_of, rank_services, yearly_demand
from tests.service_support import PROJECT


def service(identifier, level=1, identification="niedrig", payment=False, written=False, appearance=False, others=()):
    return {
        "id": identifier,
        "name": identifier.title(),
        "maturity_level": level,
        "complexity": {
            "identification": identification,
            "payment_required": payment,
            "written_form": written,
            "personal_appearance": appearance,
            "other_authorities": list(others),
        },
    }


def test_formula_ranks_high_demand_and_simple_services_first():
    services = [
        service("sperrmuell", payment=True),  # complexity 2
        service("fischereischein", identification="substanziell", payment=True, written=True, others=["a"]),  # 6
        service("hausnummer"),  # 1
        service("meldebescheinigung", level=4),  # already online: not on the roadmap
        service("personalausweis", identification="hoch", appearance=True),
    ]
    demand = {"sperrmuell": 1200, "fischereischein": 40, "hausnummer": None}
    ranked, apart = rank_services(services, demand)
    assert [entry.service["id"] for entry in ranked] == ["sperrmuell", "hausnummer", "fischereischein"]
    top = ranked[0]
    # 0.6 × 1200/1200 + 0.4 × (1 − 2/6)
    assert top.priority == pytest.approx(0.6 + 0.4 * (1 - 2 / 6), abs=1e-3)
    assert ranked[1].demand is None and ranked[1].demand_share == 0
    assert [entry.service["id"] for entry in apart] == ["personalausweis"] and apart[0].rank is None


def test_weights_are_tunable():
    services = [service("a", payment=True, written=True), service("b")]
    demand = {"a": 1000, "b": 10}
    by_demand, _ = rank_services(services, demand, {"demand_weight": 1, "simplicity_weight": 0})
    by_simplicity, _ = rank_services(services, demand, {"demand_weight": 0, "simplicity_weight": 1})
    assert by_demand[0].service["id"] == "a" and by_simplicity[0].service["id"] == "b"


def test_bundled_register_keeps_services_already_online_off_the_roadmap():
    """Bulky-waste pickups take online requests (the demo statistics' online form): they are
    online in the register too, so however high their demand, they are not on the roadmap."""
    register = yaml.safe_load((PROJECT / "metadata" / "services.yaml").read_text(encoding="utf-8"))
    ranked, apart = rank_services(register["services"], {"sperrmuell": 1100}, register["roadmap"])
    assert "sperrmuell" not in {entry.service["id"] for entry in ranked + apart}
    assert all(entry.service["maturity_level"] < 3 for entry in ranked + apart)
    assert "personalausweis" in {entry.service["id"] for entry in apart}


def test_yearly_demand_sums_the_last_twelve_months_of_totals(tmp_path):
    connection = sqlite3.connect(tmp_path / "portal.db")
    connection.execute("create table sperrmuell_monat (monat text, leistung text, kanal text, anzahl integer)")
    rows = [
        (f"{year}-{month:02d}", "Sperrmüllabholung", "Insgesamt", 100)
        for year in (2025, 2026)
        for month in range(1, 11)
    ]
    rows += [("2026-10", "Sperrmüllabholung", "Telefon", 7), ("2026-09", "Sperrmüllabholung", "Insgesamt", None)]
    connection.executemany("insert into sperrmuell_monat values (?, ?, ?, ?)", rows)
    where = StatisticsTable("sperrmuell_monat", "leistung", "kanal", "Insgesamt")
    # November 2025 … October 2026 holds 2025-11/12 (none here) and 2026-01…10 (10 × 100, one month twice)
    assert yearly_demand(connection, where, "Sperrmüllabholung") == 1000
    assert yearly_demand(connection, where, "Unbekannt") is None
    assert yearly_demand(connection, StatisticsTable("fehlt", "a", "b", "c"), "x") is None


def test_complexity_points_add_up():
    points = {
        "identification": {"keine": 0, "niedrig": 1, "substanziell": 2, "hoch": 3},
        "payment_required": 1,
        "written_form": 2,
        "per_other_authority": 1,
    }
    assert (
        complexity_of(service("x", identification="hoch", payment=True, written=True, others=["a", "b"]), points) == 8
    )
