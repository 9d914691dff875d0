"""The digitalisation section: the KPI dashboard, the roadmap (Digitalisierungsfahrplan) and
the disclosure-control audit of the service statistics.

Every number on these pages comes from `metadata/kpis.yaml` run against `portal.db`
(publish.kpis) or from the build folder; each links to the canned query, the datasets and
the build report behind it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from contracts.build_folder import AUDIT_FILE
from contracts.german import Period, german_date, german_number, german_period
from publish.datasette.metadata import breakdown_query_name
from publish.kpi_file import kpi_file, kpi_file_contents
from publish.kpis import KpiResult, evaluate_all
from publish.roadmap import StatisticsTable, rank_services, yearly_demand
from publish.site import comparison
from publish.site.charts import line_chart, sparkline, table_rows
from publish.site.context import SiteContext

KPI_PAGES = "digitalisierung/kennzahlen"  # one page per KPI below this path
# A running period in a sentence: "Der Dezember 2026 läuft noch …" (article and noun per kind).
RUNNING_WORDS = {
    "month": ("Der", "der Monat"),
    "quarter": ("Das", "das Quartal"),
    "year": ("Das Jahr", "das Jahr"),
    "day": ("Der", "der Tag"),
}


def render(site: SiteContext) -> None:
    packages = {package["name"]: package for package in site.packages}
    audits = _audits(site)
    results = evaluate_all(
        site.portal.get("kpis", []),
        site.build.database,
        {name: package["kommune"] for name, package in packages.items()},
    )
    cards = [_card(site, result, packages) for result in results]
    # The open KPI file (docs/kpi-file.md) at the site's root, listed in the DCAT catalogue.
    document = kpi_file(
        results, site.portal, {card["definition"].id: card["query_url"] for card in cards}, dt.date.today()
    )
    for name, content in kpi_file_contents(document).items():
        site.write_bytes(name, content)
    headline = [card for card in cards if card["definition"].headline] or cards[:6]
    site.write_page(
        "digitalisierung",
        "dashboard.html",
        headline=headline,
        others=[card for card in cards if card not in headline],
        available=sum(result.available for result in results),
        total=len(results),
        comparison=comparison.available(site),
    )
    for card in cards:
        site.write_page(f"{KPI_PAGES}/{card['definition'].id}", "kpi.html", card=card)
    ranked, apart, settings = _roadmap(site, audits)
    site.write_page(
        "digitalisierung/fahrplan",
        "roadmap.html",
        ranked=ranked,
        apart=apart,
        settings=settings,
        services=(site.portal.get("services") or {}).get("services", []),
    )
    site.write_page(
        "digitalisierung/datenschutz",
        "disclosure.html",
        audits=[_audit_view(site, audit, packages.get(audit["dataset"])) for audit in audits],
    )


def change_text(result: KpiResult, change: float | None, against: str | None) -> dict | None:
    """A change as words: amount with sign and unit, the period compared with, better or worse."""
    if change is None or against is None:
        return None
    better = result.is_improvement(change)
    if result.definition.higher_is_better is None:
        verdict = "" if change else "unverändert"
    else:
        verdict = "unverändert" if better is None else ("besser" if better else "schlechter")
    return {
        "amount": result.definition.change_amount(change),
        "against": german_period(against),
        "verdict": verdict,
        "better": better,
    }


def target_status(result: KpiResult) -> dict | None:
    """Where the current value stands against the target, in words and as a shape (`reached`:
    a check mark; otherwise a ring filled to the share reached), never by colour alone."""
    definition = result.definition
    if definition.target is None or result.target_progress is None:
        return None
    reached = result.target_progress >= 100
    goal = definition.amount(definition.target)
    deadline = f" bis {german_date(definition.target_date)}" if definition.target_date else ""
    words = (
        f"Ziel {goal}{deadline} erreicht"
        if reached
        else f"Ziel {goal}{deadline}: zu {german_number(result.target_progress, 0)}\u00a0% erreicht"
    )
    return {
        "reached": reached,
        "words": words,
        "progress": result.target_progress,
        # The ring: a circle with pathLength 100 drawn with this much dash (site_templates/_kpi.html).
        "dash": f"{result.target_progress:.0f} 100",
    }


def _card(site: SiteContext, result: KpiResult, packages: dict) -> dict:
    definition = result.definition
    query_url = site.build.table_url(definition.id)
    card = {
        "result": result,
        "definition": definition,
        "page_url": f"/{KPI_PAGES}/{definition.id}/",
        "query_url": query_url,
        "csv_url": f"{query_url}.csv",
        "json_url": f"{query_url}.json?_shape=array",
        "breakdown_url": site.build.table_url(breakdown_query_name(definition.id))
        if definition.breakdown_sql
        else None,
        "datasets": [
            {
                "id": name,
                "title": packages[name]["title"] if name in packages else name,
                "stale": name in packages and packages[name]["kommune"].get("status") == "stale",
            }
            for name in definition.datasets
        ],
        "unit": definition.unit,
        "value_heading": "Anteil in %" if definition.unit == "%" else definition.unit,
    }
    if result.running is not None:
        running = Period.parse(result.running.period)
        article, noun = RUNNING_WORDS[running.kind]
        amount = definition.amount(result.running.value)
        card["running"] = {
            "name": running.name,
            "amount": amount,
            "note": f"{article} {running.name} läuft noch: bisher {amount}. Verglichen wird erst, "
            f"wenn {noun} abgeschlossen ist.",
        }
    current = result.current  # None unless the KPI has a value for a complete period
    if current is not None:
        period = Period.parse(current.period)
        series = [(point.period, point.value) for point in result.series]
        running_flag = result.running is not None
        charts = (
            {
                size: line_chart(
                    series,
                    title=definition.title,
                    description=result.sentence,
                    unit=definition.unit,
                    target=definition.target,
                    running=running_flag,
                    narrow=size == "narrow",
                )
                for size in ("wide", "narrow")
            }
            if len(series) > 1
            else {}
        )
        rows = table_rows(series)
        if running_flag:
            rows[-1] = (f"{rows[-1][0]} (bisher)", rows[-1][1])
        card.update(
            {
                "value": german_number(current.value),
                "amount": definition.amount(current.value),
                "period": period.name,
                "when": period.when,
                "previous": change_text(
                    result, result.change_previous, result.previous.period if result.previous else None
                ),
                "year_ago": change_text(
                    result, result.change_year, result.year_ago.period if result.year_ago else None
                ),
                "target": target_status(result),
                "sparkline": sparkline([value for _, value in series[-24:]], running=running_flag),
                "charts": charts,
                "table": rows,
                "breakdown": [
                    (label, "gesperrt" if value is None else german_number(value)) for label, value in result.breakdown
                ],
            }
        )
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
        "audit": audit,
        "title": package["title"] if package else audit["dataset"],
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
    tables = {
        audit["dataset"]: StatisticsTable(
            audit["table"], audit["row_field"], audit["column_field"], audit["total_label"]
        )
        for audit in audits
    }
    demand = {}
    for service in services:
        link = service.get("statistics")
        if link and link["dataset"] in tables and site.table_exists(tables[link["dataset"]].table):
            demand[service["id"]] = yearly_demand(site.db, tables[link["dataset"]], link["name"])
    ranked, apart = rank_services(services, demand, settings)
    return ranked, apart, {"below_level": 3, "demand_weight": 0.6, "simplicity_weight": 0.4, **settings}
