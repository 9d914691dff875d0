"""The peer comparison's tables: what the `peers` source kind writes (pipelines/kinds/peers.py)
and the comparison page reads by name (publish/site/comparison.py).

`vergleich_kommunen` holds one row per town (the portal's own first, `eigene` true) with its
population and what is known of its services; `vergleich_werte` one row per town and figure,
`wert` empty when nothing is known (keine Angabe, with the reason in `hinweis`), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOWNS_TABLE = "vergleich_kommunen"
VALUES_TABLE = "vergleich_werte"
PER_INHABITANTS = 10_000  # per-capita figures are given per this many inhabitants


@dataclass(frozen=True)
class Indicator:
    """A figure the kind measures the same way for every town (not from their KPI files)."""

    id: str
    title: str
    unit: str
    higher_is_better: bool
    per_capita: bool  # size matters: compared per PER_INHABITANTS inhabitants
    phrase: str  # "bei den offenen Datensätzen je 10.000 Einwohner" in "Werne liegt … auf Platz 4"
    definition: str


OPEN_DATASETS = Indicator(
    "offene-datensaetze", "Offene Datensätze", "Datensätze", True, True,
    phrase="bei den offenen Datensätzen je 10.000 Einwohner",
    definition="Datensätze der Kommune im offenen Datenkatalog (CKAN), gezählt über dessen API.",
)  # fmt: skip
COUNCIL_FRESHNESS = Indicator(
    "ratsinformation-aktualitaet", "Aktualität des Ratsinformationssystems", "Tage", False, False,
    phrase="bei der Aktualität des Ratsinformationssystems (OParl)",
    definition="Tage seit der letzten Änderung im Ratsinformationssystem, gelesen über seine OParl-Schnittstelle "
    "(neuestes Objekt der Körperschaft, ihrer Sitzungen und Vorlagen).",
)  # fmt: skip
INDICATORS = (OPEN_DATASETS, COUNCIL_FRESHNESS)

TOWNS_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "ags", "type": "string", "title": "Gemeindeschlüssel", "description": "Amtlicher Gemeindeschlüssel."},
        {"name": "name", "type": "string", "title": "Kommune"},
        {"name": "eigene", "type": "boolean", "title": "Eigene Kommune", "description": "Die Kommune dieses Portals."},
        {"name": "einwohner", "type": "integer", "title": "Einwohner", "description": "Leer: keine Angabe."},
        {"name": "einwohner_stand", "type": "date", "title": "Einwohner am", "description": "Stichtag der Zahl."},
        {"name": "einwohner_quelle", "type": "string", "title": "Quelle der Einwohnerzahl"},
        {"name": "ckan_organisation", "type": "string", "title": "Organisation im Datenkatalog"},
        {"name": "formate", "type": "string", "title": "Dateiformate", "description": "Formate der Datensätze."},
        {"name": "oparl", "type": "boolean", "title": "OParl-Schnittstelle", "description": "Leer: keine Angabe."},
        {
            "name": "oparl_neuestes_objekt",
            "type": "date",
            "title": "Neuestes OParl-Objekt",
            "description": "Tag der letzten Änderung im Ratsinformationssystem.",
        },
        {"name": "oparl_quelle", "type": "string", "title": "OParl-Adresse"},
        {"name": "kennzahlen_datei", "type": "string", "title": "Kennzahlen-Datei", "description": "kennzahlen.json"},
        {"name": "hinweise", "type": "string", "title": "Hinweise", "description": "Was nicht abrufbar war."},
    ],
    "primaryKey": ["ags"],
}

VALUES_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "ags", "type": "string", "title": "Gemeindeschlüssel"},
        {"name": "kennzahl", "type": "string", "title": "Kennzahl", "description": "Kennung der Kennzahl."},
        {"name": "titel", "type": "string", "title": "Titel"},
        {"name": "einheit", "type": "string", "title": "Einheit"},
        {"name": "hoeher_ist_besser", "type": "boolean", "title": "Höher ist besser"},
        {"name": "wert", "type": "number", "title": "Wert", "description": "Leer: keine Angabe (nie 0)."},
        {
            "name": "je_10000",
            "type": "number",
            "title": "Je 10.000 Einwohner",
            "description": "Nur wo die Größe der Kommune zählt.",
        },
        {"name": "stand", "type": "string", "title": "Stand", "description": "Tag oder Zeitraum des Werts."},
        {"name": "quelle", "type": "string", "title": "Quelle", "description": "Woher der Wert stammt."},
        {"name": "hinweis", "type": "string", "title": "Hinweis", "description": "Warum es keine Angabe gibt."},
    ],
    "primaryKey": ["ags", "kennzahl"],
    "foreignKeys": [{"fields": ["ags"], "reference": {"resource": TOWNS_TABLE, "fields": ["ags"]}}],
}
