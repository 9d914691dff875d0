"""The comparison page `/digitalisierung/vergleich/`: where the town stands among comparable
towns (publish/comparison.py), from the `peers` dataset's tables and the portal's own KPI file
(written by the dashboard section, read back by the same reader as the peers' files).
Without the peers' tables in portal.db there is no page (and the dashboard does not link it)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from contracts.german import german_date, german_number
from contracts.kpi_file import JSON_FILE, KpiFileRefused, parse_kpi_file
from contracts.peer_comparison import TOWNS_TABLE, VALUES_TABLE
from publish.comparison import Comparison, TownValue, read_comparisons, sentence
from publish.kpi_file import base_url
from publish.site.context import SiteContext

PAGE = "digitalisierung/vergleich"


def available(site: SiteContext) -> bool:
    return site.table_exists(TOWNS_TABLE) and site.table_exists(VALUES_TABLE)


def render(site: SiteContext) -> None:
    if not available(site):
        return
    package = next((p for p in site.packages if any(r["name"] == TOWNS_TABLE for r in p.get("resources") or [])), None)
    own_file = site.out_dir / JSON_FILE
    try:
        own = parse_kpi_file(own_file.read_bytes()) if own_file.exists() else None
    except KpiFileRefused:
        own = None  # the own file is written by the same model; refused only if that breaks
    today = dt.date.today()
    comparisons = read_comparisons(site.db, own, f"{base_url(site.portal)}/{JSON_FILE}", today)
    town = next((v.town for c in comparisons for v in c.values if v.own), site.portal["publisher"]["name"])
    site.write_page(
        PAGE,
        "comparison.html",
        town=town,
        comparisons=[_view(comparison, town) for comparison in comparisons],
        package=package,
        today=german_date(today.isoformat()),
    )


def _view(comparison: Comparison, town: str) -> dict:
    median, spread = comparison.median, comparison.spread
    places = 2 if comparison.per_capita else None
    return {
        "comparison": comparison,
        "sentence": sentence(comparison, town),
        "median": german_number(median, places) if median is not None else None,
        "spread": f"{german_number(spread[0], places)} bis {german_number(spread[1], places)}" if spread else None,
        "rows": [{"value": value, "source_label": _source_label(value)} for value in comparison.values],
    }


def _source_label(value: TownValue) -> str:
    """A short name for a value's source: its host, or which KPI file."""
    source = value.source
    if not source:
        return ""
    parts = urlsplit(source)
    if parts.path.endswith(f"/{JSON_FILE}"):
        return "eigene Kennzahlen-Datei" if value.own else f"{parts.hostname} ({JSON_FILE})"
    return parts.hostname or source
