"""The registered drafters, one per format (see pipelines/add/draft.py for the contract).

Add a format by writing a module with a `DRAFTER` object and adding one line here.
"""

from __future__ import annotations

from pipelines.add.draft import Drafter, Probe
from pipelines.add.drafters import geodata, geojson, json_records, spreadsheet, tabular

DRAFTERS: list[Drafter] = [
    tabular.CSV_DRAFTER,
    spreadsheet.XLSX_DRAFTER,
    spreadsheet.ODS_DRAFTER,
    geojson.DRAFTER,
    json_records.DRAFTER,
    geodata.SHAPEFILE_DRAFTER,
    geodata.XPLAN_DRAFTER,
]


def choose_drafter(probe: Probe) -> Drafter | None:
    """The drafter surest that the probe is its format; None when none recognises it."""
    best, best_score = None, 0
    for drafter in DRAFTERS:
        score = drafter.recognises(probe)
        if score > best_score:
            best, best_score = drafter, score
    return best
