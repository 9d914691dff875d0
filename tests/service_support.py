"""Shared by the service-statistics tests: an independent reader of the raw demo exports,
the personal values they contain, and an integer-programming attacker on suppressed tables.

Deliberately written without the pipeline's code, so tests compare two computations.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

PROJECT = Path(__file__).resolve().parents[1]
RAW = {
    "service-buergerbuero": ("buergerbuero.csv", ["datum", "geburtsdatum"], ["wartezeit_minuten", "bearbeitungstage"]),
    "service-sperrmuell": ("sperrmuell.csv", ["eingangsdatum", "abholtermin"], ["gebuehr_eur"]),
    "service-beschwerden": ("beschwerden.csv", ["eingangsdatum", "erledigt_am"], []),
}
PERSONAL_FIELDS = ("nachname", "vorname", "email", "telefon", "geburtsdatum")
FREE_TEXT_FIELDS = ("bemerkung", "beschwerdetext", "gegenstaende")


def raw_path(dataset_id: str, root: Path = PROJECT) -> Path:
    return root / "datasets" / dataset_id / "sample" / RAW[dataset_id][0]


def _date(text: str) -> date | None:
    return datetime.strptime(text, "%d.%m.%Y").date() if text else None


def read_raw(dataset_id: str, path: Path | None = None) -> list[dict]:
    """Every record of a demo export, dates as `date`, decimals as float (no pipeline code)."""
    _, dates, numbers = RAW[dataset_id]
    with (path or raw_path(dataset_id)).open(encoding="cp1252", newline="") as handle:
        records = list(csv.DictReader(handle, delimiter=";"))
    for record in records:
        for name in dates:
            record[name] = _date(record[name])
        for name in numbers:
            record[name] = float(record[name].replace(".", "").replace(",", ".")) if record[name] else None
    return records


def personal_values(records: list[dict]) -> set[str]:
    """Names, e-mail addresses, phone numbers, street addresses and free texts of the records."""
    values = set()
    for record in records:
        for name in PERSONAL_FIELDS + FREE_TEXT_FIELDS:
            value = record.get(name)
            if isinstance(value, str) and value:
                values.add(value)
        if record.get("vorname") and record.get("nachname"):
            values.add(f"{record['vorname']} {record['nachname']}")
        if record.get("strasse") and record.get("hausnummer"):
            values.add(f"{record['strasse']} {record['hausnummer']}")
    return values


def distinctive_personal_values(records: list[dict]) -> set[str]:
    """Personal values that cannot occur by chance in published text (no lone first names)."""
    return {value for value in personal_values(records) if (" " in value or "@" in value) and len(value) >= 8}


def attacker_range(lines: list[tuple[list, object]], counts: dict, hidden: set, target) -> tuple[float, float]:
    """Integer min and max of `target` over all tables consistent with what is published.

    `lines` are (member cells, total cell); published cells are fixed to their counts,
    hidden cells are whole numbers ≥ 1.
    """
    cells = sorted(counts)
    position = {cell: index for index, cell in enumerate(cells)}
    rows = []
    for members, margin in lines:
        row = np.zeros(len(cells))
        for cell in members:
            row[position[cell]] = 1
        row[position[margin]] = -1
        rows.append(row)
    zeros = np.zeros(len(rows))
    constraints = LinearConstraint(np.array(rows), zeros, zeros)
    lower = np.array([1.0 if cell in hidden else counts[cell] for cell in cells])
    upper = np.array([np.inf if cell in hidden else counts[cell] for cell in cells])
    objective = np.zeros(len(cells))
    objective[position[target]] = 1
    extremes = []
    for sign in (1, -1):
        result = milp(sign * objective, constraints=constraints, integrality=np.ones(len(cells)),
                      bounds=Bounds(lower, upper))
        if sign == -1 and result.status in (3, 4):
            # The true table is feasible, so "infeasible or unbounded" means unbounded here.
            extremes.append(np.inf)
            continue
        assert result.status == 0, result.message
        extremes.append(sign * result.fun)
    return extremes[0], extremes[1]
