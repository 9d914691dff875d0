"""Shared by the service-statistics tests: an independent reader of the raw demo exports,
the personal values they contain, the true totals behind each published cell and a
linear-programming attacker on everything published.

Deliberately written without the pipeline's code, so tests compare two computations.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

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


def published_truth(records: list[dict], source: dict, period_field: str, value_of) -> dict:
    """The true additive totals behind every cell of the published form, computed from raw
    records without the pipeline: {(period, row, column): {"n": cases, measure: (values, sum, within)}}.

    `source` is the dataset.yaml `source` mapping; its declared groups apply if the published
    labels use them, labels rarer than the threshold become "Sonstige", and `value_of(record,
    measure)` gives a record's value of a measure (None when it has none).
    """
    groups = (source.get("protection") or {}).get("groups") or {}
    row_field, column_field = source["rows"], source["columns"]
    threshold = source.get("threshold", 5)

    def label(record, field):
        mapping = {member: group for group, members in groups.get(field, {}).items() for member in members}
        return mapping.get(record[field], record[field])

    def period(day):
        return (
            f"{day.year:04d}-{day.month:02d}"
            if period_field == "monat"
            else f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        )

    totals: dict[str, dict[str, int]] = {row_field: {}, column_field: {}}
    for record in records:
        for field in totals:
            totals[field][label(record, field)] = totals[field].get(label(record, field), 0) + 1
    truth: dict = {}
    for record in records:
        keys = [
            label(record, field) if totals[field][label(record, field)] >= threshold else "Sonstige"
            for field in (row_field, column_field)
        ]
        when = period(record[source["month"]])
        for row, column in (
            (keys[0], keys[1]),
            (keys[0], "Insgesamt"),
            ("Insgesamt", keys[1]),
            ("Insgesamt", "Insgesamt"),
        ):
            cell = truth.setdefault((when, row, column), {"n": 0})
            cell["n"] += 1
            for measure in source.get("measures", []):
                value = value_of(record, measure)
                values, total, within = cell.get(measure["name"], (0, 0.0, 0))
                if value is not None:
                    values, total = values + 1, total + value
                    within += measure.get("within_days") is not None and value <= measure["within_days"]
                cell[measure["name"]] = (values, total, within)
    return truth


def attack_period(
    rows: list[dict], period_field: str, row_field: str, column_field: str, measures: list[dict], truth: dict
) -> list[tuple[str, tuple, float, float, float]]:
    """Every hidden value of one period's published rows as (kind, key, true value, low, high).

    The attacker's linear system: every published count, mean and share (a rounded mean is
    the interval its rounding allows for the sum, a share for the number within), every line
    of every quantity adds up, hidden counts ≥ 1 (he even knows which hidden ones are zeros),
    sums and within-counts ≥ 0, within ≤ cases,
    unlisted cells are 0. As side knowledge he even has the number of values behind each mean
    (which is not published). kind is "count" or "sum"; scipy's linprog, not the pipeline's solver.
    """
    from scipy.optimize import linprog

    period = rows[0][period_field]
    listed = {(row[row_field], row[column_field]): row for row in rows}
    labels_r = sorted({r for r, _ in listed} - {"Insgesamt"}) + ["Insgesamt"]
    labels_c = sorted({c for _, c in listed} - {"Insgesamt"}) + ["Insgesamt"]
    cells = [(r, c) for r in labels_r for c in labels_c]
    quantities = (
        ["n"]
        + [f"s:{m['name']}" for m in measures]
        + [f"w:{m['name']}" for m in measures if m.get("within_days") is not None]
    )
    index = {(q, cell): i for i, (q, cell) in enumerate((q, cell) for q in quantities for cell in cells)}
    bounds: list[tuple[int, int | None]] = []  # None: no upper bound
    hidden: list[tuple[str, Any, float]] = []
    inequalities: list[tuple[Any, Any]] = []
    for q, cell in index:
        row = listed.get(cell)
        true = truth.get((period, *cell), {"n": 0})
        if row is None:
            bounds.append((0, 0))
            continue
        if q == "n":
            if row["gesperrt"]:  # ≥ 1, except a zero hidden in a line whose cases sit in one cell
                bounds.append((1 if true["n"] > 0 else 0, None))
                hidden.append(("count", (q, cell), true["n"]))
            else:
                bounds.append((row["anzahl"], row["anzahl"]))
            continue
        name = q[2:]
        measure = next(m for m in measures if m["name"] == name)
        values, total, within = true.get(name, (0, 0.0, 0))
        if q.startswith("s:"):
            mean = row.get(f"{name}_mittel")
            if mean is not None:
                bounds.append((values * (mean - 0.05), values * (mean + 0.05)))
            elif values == 0:
                bounds.append((0, 0))
            else:
                bounds.append((0, None))
                hidden.append(("sum", (q, cell), total))
            continue
        share = row.get(f"{name}_anteil_bis_{measure['within_days']}_tage")
        if share is not None:
            assert not row["gesperrt"], "a share published for a hidden count"
            bounds.append((row["anzahl"] * (share - 0.05) / 100, row["anzahl"] * (share + 0.05) / 100))
        else:
            bounds.append((0, None))
            hidden.append(("count", (q, cell), within))
            inequalities.append((index[(q, cell)], index[("n", cell)]))
    equations = []
    for q in quantities:
        for r in labels_r:
            equations.append({index[(q, (r, c))]: 1.0 for c in labels_c[:-1]} | {index[(q, (r, "Insgesamt"))]: -1.0})
        for c in labels_c:
            equations.append({index[(q, (r, c))]: 1.0 for r in labels_r[:-1]} | {index[(q, ("Insgesamt", c))]: -1.0})
    a_eq = np.zeros((len(equations), len(index)))
    for number, equation in enumerate(equations):
        for position, coefficient in equation.items():
            a_eq[number, position] = coefficient
    a_ub = np.zeros((len(inequalities), len(index)))
    for number, (small, big) in enumerate(inequalities):
        a_ub[number, small], a_ub[number, big] = 1, -1
    b_ub = np.zeros(len(inequalities)) if inequalities else None
    found = []
    for kind, key, true in hidden:
        ends = []
        for sign in (1, -1):
            objective = np.zeros(len(index))
            objective[index[key]] = sign
            result = linprog(
                objective,
                A_ub=a_ub if inequalities else None,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=np.zeros(len(equations)),
                bounds=bounds,
                method="highs",
            )
            if result.status == 3:
                ends.append(-sign * np.inf)
                continue
            assert result.status == 0 and result.fun is not None, result.message
            ends.append(sign * result.fun)
        low, high = ends
        if kind == "count":
            low, high = np.ceil(low - 1e-6), np.floor(high + 1e-6)
        found.append((kind, (period, *key), true, low, high))
    return found
