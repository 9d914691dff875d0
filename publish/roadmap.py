"""The digitalisation roadmap (Digitalisierungsfahrplan): which service to bring online next.

Services below the configured maturity level are ranked by a formula that the town tunes in
`metadata/services.yaml` (`roadmap`):

    priority = demand_weight × demand / largest demand
             + simplicity_weight × (1 − complexity / largest complexity)

Demand is the number of cases in the last twelve published months (from the service
statistics); complexity is the sum of points for identification level, fee, written-form
requirement and every other authority involved. Services whose law demands personal
appearance cannot go fully online and are listed apart instead of ranked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contracts.roadmap import DEFAULT_POINTS, DEFAULT_SETTINGS


@dataclass(frozen=True)
class RoadmapEntry:
    """One service on the roadmap with every part of its score, for the page to show."""

    service: Mapping[str, Any]
    demand: int | None
    demand_share: float  # demand / largest demand, 0 when unknown
    complexity: float
    simplicity: float  # 1 − complexity / largest complexity
    priority: float
    rank: int | None  # None for services listed apart


@dataclass(frozen=True)
class StatisticsTable:
    """Where a service-statistics dataset's monthly counts live in portal.db."""

    table: str
    row_field: str
    column_field: str
    total_label: str


def complexity_of(service: Mapping[str, Any], points: Mapping[str, Any]) -> float:
    facts = service["complexity"]
    return (
        points["identification"][facts["identification"]]
        + points["payment_required"] * bool(facts.get("payment_required"))
        + points["written_form"] * bool(facts.get("written_form"))
        + points["per_other_authority"] * len(facts.get("other_authorities") or ())
    )


def quote(name: str) -> str:
    """An SQL identifier in double quotes (table and column names come from our own build)."""
    return '"' + name.replace('"', '""') + '"'


def yearly_demand(connection: sqlite3.Connection, where: StatisticsTable, row_label: str) -> int | None:
    """Cases of `row_label` (all channels) in the last twelve months that the table holds.

    Months whose total is suppressed count as unknown and are left out, so the figure is
    a lower bound; None when the table has no such row or cannot be read.
    """
    sql = (
        f"select sum(anzahl), count(*) from (select anzahl from {quote(where.table)} "
        f"where {quote(where.row_field)} = ? and {quote(where.column_field)} = ? "
        f"and monat > (select date(max(monat) || '-01', '-12 months') from {quote(where.table)}) )"
    )
    try:
        total, months = connection.execute(sql, (row_label, where.total_label)).fetchone()
    except sqlite3.Error:
        return None
    return None if not months or total is None else int(total)


def rank_services(
    services: Sequence[Mapping[str, Any]], demand: Mapping[str, int | None], settings: Mapping[str, Any] | None = None
) -> tuple[list[RoadmapEntry], list[RoadmapEntry]]:
    """Rank the services below the level; return (ranked, listed apart).

    `demand` maps service id → yearly demand (None or absent: unknown, counted as 0 in the
    formula and shown as unknown). Ties are broken by demand, then name.
    """
    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    points = {**DEFAULT_POINTS, **(settings.get("points") or {})}
    candidates = [service for service in services if service["maturity_level"] < settings["below_level"]]
    if not candidates:
        return [], []
    largest_demand = max((demand.get(service["id"]) or 0 for service in candidates), default=0)
    largest_complexity = max(complexity_of(service, points) for service in candidates) or 1
    entries = []
    for service in candidates:
        cases = demand.get(service["id"])
        share = (cases or 0) / largest_demand if largest_demand else 0.0
        complexity = complexity_of(service, points)
        simplicity = 1 - complexity / largest_complexity
        priority = settings["demand_weight"] * share + settings["simplicity_weight"] * simplicity
        entries.append((service, cases, share, complexity, simplicity, priority))
    ranked = sorted(
        (entry for entry in entries if not entry[0]["complexity"].get("personal_appearance")),
        key=lambda entry: (-entry[5], -(entry[1] or 0), entry[0]["name"]),
    )
    apart = sorted(
        (entry for entry in entries if entry[0]["complexity"].get("personal_appearance")),
        key=lambda entry: entry[0]["name"],
    )
    return (
        [
            RoadmapEntry(*entry[:3], entry[3], round(entry[4], 3), round(entry[5], 3), rank)
            for rank, entry in enumerate(ranked, start=1)
        ],
        [RoadmapEntry(*entry[:3], entry[3], round(entry[4], 3), round(entry[5], 3), None) for entry in apart],
    )
