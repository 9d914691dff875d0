"""Datasette's metadata for portal.db: German titles and descriptions for the database,
every table and every column, with licence, source, last update and the KPI canned queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from publish.build_folder import BuildFolder
from publish.database import PORTAL_DATASETS_TABLE, PORTAL_QUALITY_TABLE
from publish.datasette.facet_counts import FACET_COUNTS_TABLE
from publish.datasette.summaries import SUMMARIES_TABLE, SUMMARY_VALUES_KEPT, canned_queries, summary_in_build
from publish.geometry_index import rtree_tables
from publish.history import PORTAL_CHANGES_TABLE, PORTAL_VERSIONS_TABLE


def breakdown_query_name(kpi_id: str) -> str:
    """Name of the canned query holding a KPI's breakdown."""
    return f"{kpi_id}-aufschluesselung"


STATUS_WORDS = {"ok": "aktuell", "stale": "veraltet – die letzte Lieferung war fehlerhaft"}


def datasette_metadata(build: BuildFolder) -> dict:
    portal = build.portal
    publisher = portal["publisher"]
    site = portal["site"]
    licence = portal["licences"][publisher["licence"]]
    tables: dict[str, dict[str, Any]] = {}
    summary_queries: dict[str, dict] = {}
    for package in build.packages:
        meta = package["kommune"]
        package_licence = package["licenses"][0]
        for resource in package["resources"]:
            description = resource.get("description") or package["description"]
            status = STATUS_WORDS.get(meta["status"], meta["status"])
            extra = f" Stand: {meta.get('modified', '')[:10]} ({status})."
            if meta.get("sample"):
                extra += " Beispieldaten (synthetisch)."
            options = resource.get("kommune", {})
            table = {
                "title": resource.get("title") or package["title"],
                "description": description + extra,
                "license": package_licence.get("title"),
                "license_url": package_licence.get("path"),
                "source": publisher["name"],
                "source_url": f"/datensaetze/{package['name']}/",
                "columns": {
                    f["name"]: " – ".join(x for x in (f.get("title"), f.get("description")) if x)
                    for f in resource["schema"]["fields"]
                },
            }
            if resource.get("path", "").endswith(".csv"):
                # The whole table as the release's cleaned file: a streamed export of a big table
                # can hit the SQL time limit part way (docs/decisions/datasette-speed.md).
                table["download_csv_url"] = f"/datensaetze/{package['name']}/{resource['path']}"
            if options.get("facets"):
                table["facets"] = options["facets"]
            if options.get("fts"):
                table["fts_table"] = f"{resource['name']}_fts"
                table["searchmode"] = "raw"
            if options.get("label_column"):
                table["label_column"] = options["label_column"]
            if options.get("geometry"):
                table["map"] = map_settings(resource, site.get("map") or {})
                tables.update({helper: {"hidden": True} for helper in rtree_tables(resource["name"])})
            tables[resource["name"]] = table
            summary = summary_in_build(build, package["name"], resource)
            if summary:
                summary_queries.update(canned_queries(summary, table["title"]))
    tables[FACET_COUNTS_TABLE] = {"hidden": True}  # the build's stored facet counts (publish/datasette/facet_counts.py)
    tables[PORTAL_DATASETS_TABLE] = {
        "title": "Datensätze des Portals",
        "description": "Welche Datensätze das Portal veröffentlicht, wie oft sie erneuert werden sollen, "
        "wann sie zuletzt erneuert wurden, wann die nächste Erneuerung fällig ist (due, overdue: zum "
        "Zeitpunkt des Builds überfällig) und ihre Qualitätsbewertung.",
        "source": publisher["name"],
        "license": licence["title"],
        "license_url": licence["uri"],
    }
    tables[PORTAL_QUALITY_TABLE] = {
        "title": "Qualitätsbewertung der Datensätze",
        "description": "Jedes Kriterium der Qualitätsbewertung je Datensatz mit Punkten und Begründung; "
        "Kriterien und Gewichte nach dem Metadata Quality Assessment von data.europa.eu.",
        "source": publisher["name"],
        "license": licence["title"],
        "license_url": licence["uri"],
    }
    for name, title, description in (
        (
            SUMMARIES_TABLE,
            "Vorberechnete Anzahlen je Facette und Monat",
            "Für jede Tabelle mit Facetten und Datum: wie viele Zeilen es je Wert einer Facetten-Spalte und Monat "
            f"gibt, beim Veröffentlichen gezählt (die {SUMMARY_VALUES_KEPT} Werte je Spalte mit den meisten "
            "Zeilen). Die Abfragen „Anzahl je … und Monat“ lesen hier.",
        ),
        (
            PORTAL_VERSIONS_TABLE,
            "Versionen der Datensätze",
            "Jede Version jedes Datensatzes: wann sie entstand, wie viele Zeilen sie hat, ihr Schema, "
            "und was sich gegenüber der vorigen Version geändert hat.",
        ),
        (
            PORTAL_CHANGES_TABLE,
            "Änderungen in den Datensätzen",
            "Jede Änderung zwischen zwei Versionen eines Datensatzes: neue und entfernte Zeilen, korrigierte "
            "Werte (alt und neu) und geänderte Spalten. Werte, die zum Schutz kleiner Fallzahlen gesperrt "
            "sind, erscheinen hier nie.",
        ),
    ):
        tables[name] = {
            "title": title,
            "description": description,
            "source": publisher["name"],
            "license": licence["title"],
            "license_url": licence["uri"],
        }
    tables[SUMMARIES_TABLE]["columns"] = {
        "table_name": "Tabelle",
        "column_name": "Facetten-Spalte",
        "month": "Monat (JJJJ-MM)",
        "value": "Wert der Spalte",
        "count": "Anzahl Zeilen mit diesem Wert in diesem Monat; bei Tabellen, deren Zeilen schon Anzahlen "
        "sind (Nutzung des Portals), deren Summe",
    }
    queries = {}
    for kpi in portal.get("kpis", []):
        queries[kpi["id"]] = {
            "title": kpi["title"],
            "description": _query_description(kpi),
            "sql": kpi["sql"],
        }
        if kpi.get("breakdown_sql"):
            queries[breakdown_query_name(kpi["id"])] = {
                "title": f"{kpi['title']} – Aufschlüsselung",
                "description": f"Aufschlüsselung des aktuellen Werts: {_query_description(kpi)}",
                "sql": kpi["breakdown_sql"],
            }
    for name, query in summary_queries.items():  # after the KPIs; a KPI's id never loses its query
        queries.setdefault(name, query)
    return {
        "title": site["title"],
        "description": site["tagline"],
        "license": licence["title"],
        "license_url": licence["uri"],
        "source": publisher["name"],
        "source_url": publisher["website"],
        "databases": {
            "portal": {
                "title": f"Offene Daten – {publisher['name']}",
                "description": "Alle veröffentlichten Tabellen des Portals in einer SQLite-Datenbank.",
                "tables": tables,
                "queries": queries,
            }
        },
    }


def map_settings(resource: dict, site_map: dict) -> dict:
    """What the map above a geometry table's rows needs (site_templates/datasette/table.html):
    the GeoJSON column, a label column, colours from a field's Table Schema `categories`, and
    the portal's tile URL (None by default: no request to another host)."""
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    coloured = next((f for f in fields if any("colour" in c for c in f.get("categories", []))), None)
    return {
        "column": resource["kommune"]["geometry"],
        "label": next((name for name in ("name", "titel", "bezeichnung", "id") if name in names), names[0]),
        "colour_column": coloured["name"] if coloured else None,
        "colours": {c["value"]: c["colour"] for c in coloured["categories"]} if coloured else {},
        "tile_url": site_map.get("tile_url"),
        "attribution": site_map.get("attribution"),
    }


def write_datasette_metadata(build: BuildFolder) -> Path:
    target = build.root / "datasette" / "metadata.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(datasette_metadata(build), ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def _query_description(kpi: dict) -> str:
    """What a KPI's canned query returns, in words. Never the dashboard sentence: its
    `{value}`/`{period}` placeholders are filled on the dashboard, not on the query page."""
    if kpi.get("description"):
        return kpi["description"]
    unit = f" in {kpi['unit']}" if kpi.get("unit") else ""
    return f"{kpi['title']}: je Zeitraum (Spalte „period“) der Wert{unit} (Spalte „value“)."
