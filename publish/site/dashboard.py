"""The digitalisation section: the KPI dashboard, the roadmap (Digitalisierungsfahrplan) and
the disclosure-control audit of the service statistics.

Every number on these pages comes from `metadata/kpis.yaml` run against `portal.db`
(publish.kpis) or from the build folder; each links to the canned query, the datasets and
the build report behind it.
"""
from __future__ import annotations

import json
from collections import Counter

from publish.datasette_metadata import breakdown_query_name
from publish.formatting import german_number, german_period
from publish.kpis import KpiResult, evaluate_all
from publish.roadmap import StatisticsTable, rank_services, yearly_demand
from publish.site.charts import line_chart, table_rows
from publish.site.context import SiteContext

AUDIT_FILE = "disclosure-audit.json"  # written by the service-records kind beside the data


def render(site: SiteContext) -> None:
    packages = {package["name"]: package for package in site.packages}
    audits = _audits(site)
    results = evaluate_all(site.portal.get("kpis", []), site.build.database,
                           {name: package["kommune"] for name, package in packages.items()})
    site.write_page("digitalisierung", "dashboard.html", cards=[_card(site, result, packages) for result in results],
                    available=sum(result.available for result in results), total=len(results))
    ranked, apart, settings = _roadmap(site, audits)
    site.write_page("digitalisierung/fahrplan", "roadmap.html", ranked=ranked, apart=apart, settings=settings,
                    services=(site.portal.get("services") or {}).get("services", []))
    site.write_page("digitalisierung/datenschutz", "disclosure.html",
                    audits=[_audit_view(site, audit, packages.get(audit["dataset"])) for audit in audits])


def change_text(result: KpiResult, change: float | None, against: str | None) -> dict | None:
    """A change as words: amount with sign and unit, the period compared with, better or worse."""
    if change is None or against is None:
        return None
    unit = result.definition.unit
    unit_words = "\u00a0Prozentpunkte" if unit == "%" else (f"\u00a0{unit}" if unit else "")
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    better = result.is_improvement(change)
    verdict = "unverändert" if better is None else ("besser" if better else "schlechter")
    return {"amount": f"{sign}{german_number(abs(change))}{unit_words}", "against": german_period(against),
            "verdict": verdict, "better": better}


def _card(site: SiteContext, result: KpiResult, packages: dict) -> dict:
    definition = result.definition
    series = [(point.period, point.value) for point in result.series]
    unit = definition.unit
    card = {
        "result": result, "definition": definition,
        "query_url": site.build.table_url(definition.id),
        "breakdown_url": site.build.table_url(breakdown_query_name(definition.id)) if definition.breakdown_sql else None,
        "datasets": [{"id": name, "title": packages[name]["title"] if name in packages else name,
                      "stale": name in packages and packages[name]["kommune"].get("status") == "stale"}
                     for name in definition.datasets],
        "unit_suffix": f"\u00a0{unit}" if unit else "",
        "target_text": None if definition.target is None else german_number(definition.target),
        "target_date": definition.target_date,
    }
    if result.available:
        current = result.current
        card.update({
            "value": german_number(current.value), "period": german_period(current.period),
            "previous": change_text(result, result.change_previous, result.previous and result.previous.period),
            "year_ago": change_text(result, result.change_year, result.year_ago and result.year_ago.period),
            "chart": line_chart(series, title=definition.title, description=result.sentence, unit=unit,
                                target=definition.target) if len(series) > 1 else "",
            "table": table_rows(series[-24:]),
            "breakdown": [(label, "gesperrt" if value is None else german_number(value)) for label, value in result.breakdown],
        })
    return card


def _audits(site: SiteContext) -> list[dict]:
    audits = []
    for package in site.packages:
        path = site.build.dataset_dir(package["name"]) / AUDIT_FILE
        if path.exists():
            audits.append(json.loads(path.read_text(encoding="utf-8")))
            site.publish_file(path, f"datensaetze/{package['name']}/{AUDIT_FILE}")
    return audits


def _audit_view(site: SiteContext, audit: dict, package: dict | None) -> dict:
    per_month = Counter(cell["monat"] for cell in audit["suppressed_cells"])
    return {
        "audit": audit, "title": package["title"] if package else audit["dataset"],
        "stale": bool(package and package["kommune"].get("status") == "stale"),
        "json_url": f"/datensaetze/{audit['dataset']}/{AUDIT_FILE}",
        "table_url": site.build.table_url(audit["table"]),
        "months": [(german_period(month), count) for month, count in sorted(per_month.items(), reverse=True)],
        "suppressed_total": audit["cells_suppressed"]["primary"] + audit["cells_suppressed"]["secondary"],
    }


def _roadmap(site: SiteContext, audits: list[dict]) -> tuple[list, list, dict]:
    register = site.portal.get("services") or {}
    services = register.get("services", [])
    settings = register.get("roadmap") or {}
    tables = {audit["dataset"]: StatisticsTable(audit["table"], audit["row_field"], audit["column_field"],
                                                audit["total_label"]) for audit in audits}
    demand = {}
    for service in services:
        link = service.get("statistics")
        if link and link["dataset"] in tables and site.table_exists(tables[link["dataset"]].table):
            demand[service["id"]] = yearly_demand(site.db, tables[link["dataset"]], link["name"])
    ranked, apart = rank_services(services, demand, settings)
    return ranked, apart, {**{"below_level": 3, "demand_weight": 0.6, "simplicity_weight": 0.4}, **settings}
