"""The portal's own open KPI file (`/kennzahlen.json`, `/kennzahlen.csv` and their schemas), in the
format of contracts/kpi_file.py, from the KPI engine's results.

A KPI without a current complete value is published with `value` and `period` empty (keine
Angabe), never as 0. The DCAT catalogue lists the files as the dataset `kennzahlen`
(publish/catalogue/reader.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from contracts.kpi_file import (
    CSV_FILE,
    FORMAT,
    JSON_FILE,
    JSON_SCHEMA_FILE,
    TABLE_SCHEMA_FILE,
    KpiFile,
    PublishedKpi,
    Publisher,
    json_schema,
    kpi_file_csv,
    kpi_file_json,
    table_schema,
)
from publish.kpis import KpiResult

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def licence_uri(portal: Mapping[str, Any]) -> str:
    """The DCAT-AP.de URI of the portal's default licence (metadata/publisher.yaml `licence`)."""
    code = (portal.get("publisher") or {}).get("licence")
    return str(((portal.get("licences") or {}).get(code) or {}).get("uri") or "")


def base_url(portal: Mapping[str, Any]) -> str:
    return str((portal.get("site") or {}).get("base_url") or DEFAULT_BASE_URL).rstrip("/")


def kpi_file(
    results: list[KpiResult], portal: Mapping[str, Any], query_url: Mapping[str, str], today: dt.date
) -> KpiFile:
    """The portal's KPI file: every KPI in declared order with its current complete value.
    `query_url` maps a KPI id to the path of its canned query; `today` is the file's date."""
    publisher = portal.get("publisher") or {}
    licence = licence_uri(portal)
    root = base_url(portal)
    entries = []
    for result in results:
        definition = result.definition
        current = result.current
        entries.append(
            PublishedKpi(
                id=definition.id,
                title=definition.title,
                definition=" ".join((definition.description or definition.title).split()),
                unit=definition.unit,
                period=current.period if current else None,
                value=current.value if current else None,
                target=definition.target,
                target_date=definition.target_date,
                higher_is_better=definition.higher_is_better,
                source_query=root + query_url[definition.id],
                licence=licence,
            )
        )
    return KpiFile(
        format=FORMAT,
        publisher=Publisher(name=publisher["name"], municipality_key=str(publisher["municipality_key"])),
        modified=today,
        kpis=entries,
    )


def kpi_file_contents(document: KpiFile) -> dict[str, bytes]:
    """The four files of the format by their names at the site's root."""
    return {
        JSON_FILE: kpi_file_json(document),
        CSV_FILE: kpi_file_csv(document),
        JSON_SCHEMA_FILE: (json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        TABLE_SCHEMA_FILE: (json.dumps(table_schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }
