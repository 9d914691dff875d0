"""Where the town stands among its peers: for each comparable figure its rank, the median and
the spread, from the `peers` kind's tables (contracts/peer_comparison.py) and the portal's own
KPI file.

A town without a value is listed as "keine Angabe" with the reason and never ranked, counted
into the median or given 0. Ties share a rank (1, 2, 2, 4). Figures whose size depends on the
town's size are compared per 10,000 inhabitants.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
from dataclasses import dataclass, field

from contracts.german import german_date, german_number, german_period
from contracts.kpi_file import KpiFile
from contracts.peer_comparison import COUNCIL_FRESHNESS, OPEN_DATASETS, TOWNS_TABLE, VALUES_TABLE

NO_VALUE = "keine Angabe"


@dataclass
class TownValue:
    town: str
    own: bool
    value: float | None
    shown: str  # the value as the page shows it, with unit
    detail: str | None = None  # e.g. the raw count beside a per-capita value
    date: str = ""  # the source's date, in German
    source: str | None = None  # where the value comes from (URL or path)
    reason: str | None = None  # why there is no value
    rank: int | None = None


@dataclass
class Comparison:
    id: str
    title: str
    unit: str
    definition: str
    higher_is_better: bool | None
    phrase: str  # "bei den offenen Datensätzen je 10.000 Einwohner", for the sentence
    per_capita: bool = False
    values: list[TownValue] = field(default_factory=list)

    @property
    def known(self) -> list[TownValue]:
        return [v for v in self.values if v.value is not None]

    @property
    def missing(self) -> list[TownValue]:
        return [v for v in self.values if v.value is None]

    @property
    def own(self) -> TownValue | None:
        return next((v for v in self.values if v.own), None)

    @property
    def median(self) -> float | None:
        known = [v.value for v in self.known if v.value is not None]
        return statistics.median(known) if known else None

    @property
    def spread(self) -> tuple[float, float] | None:
        known = [v.value for v in self.known if v.value is not None]
        return (min(known), max(known)) if known else None


def rank(comparison: Comparison) -> Comparison:
    """Give ranks (best first; ties share the better rank) and order the rows: ranked towns
    first, then those without a value in their given order. Unranked when neither direction is better."""
    known = comparison.known
    if comparison.higher_is_better is not None:
        sign = -1 if comparison.higher_is_better else 1
        for entry in known:
            assert entry.value is not None
            entry.rank = 1 + sum(
                1 for other in known if other.value is not None and sign * other.value < sign * entry.value
            )
        known.sort(key=lambda v: (v.rank or 0, v.town))
    comparison.values = known + comparison.missing
    return comparison


def sentence(comparison: Comparison, town: str) -> str:
    """The plain-German summary: "Werne liegt bei … auf Platz 4 von 9." plus what is missing."""
    own, phrase = comparison.own, comparison.phrase
    known = len(comparison.known)
    missing = len(comparison.missing)
    missing_text = ""
    if missing:
        towns = "Kommune" if missing == 1 else "Kommunen"
        missing_text = f" Für {missing} {towns} gibt es keine Angabe."
    if own is None or own.value is None:
        return f"Für {town} gibt es {phrase} keine Angabe; verglichen werden {known} Kommunen.{missing_text}"
    if own.rank is not None:
        return f"{town} liegt {phrase} auf Platz {own.rank} von {known}.{missing_text}"
    median = comparison.median
    position = (
        "über"
        if median is not None and own.value > median
        else "unter"
        if median is not None and own.value < median
        else "auf"
    )
    return f"{town} liegt {phrase} {position} dem Median von {known} Kommunen.{missing_text}"


def _amount(value: float, unit: str) -> str:
    return f"{german_number(value)}\u00a0{unit}"


def _stand(text: str | None) -> str:
    if not text:
        return ""
    return german_date(text) if len(text) == 10 else german_period(text)


def read_comparisons(
    db: sqlite3.Connection, own_file: KpiFile | None, own_source: str, today: dt.date
) -> list[Comparison]:
    """Every comparable figure: open datasets per 10,000 inhabitants, the age of the newest OParl
    object, and each KPI of the own file that a peer's file has with the same id and unit."""
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row  # on this cursor only: the connection is shared by the site
    towns = [dict(row) for row in cursor.execute(f"select * from {TOWNS_TABLE} order by eigene desc, name")]
    values = [dict(row) for row in cursor.execute(f"select * from {VALUES_TABLE}")]
    by_figure: dict[str, dict[str, dict]] = {}
    for row in values:
        by_figure.setdefault(row["kennzahl"], {})[row["ags"]] = row
    comparisons = [_open_datasets(towns, by_figure.get(OPEN_DATASETS.id, {})), _council_freshness(towns, today)]
    for kpi in own_file.kpis if own_file else []:
        peers = {ags: row for ags, row in by_figure.get(kpi.id, {}).items() if row["einheit"] == kpi.unit}
        if kpi.value is None or not any(row["wert"] is not None for row in peers.values()):
            continue
        comparison = Comparison(
            kpi.id, kpi.title, kpi.unit, kpi.definition, kpi.higher_is_better, phrase=f"bei „{kpi.title}“"
        )
        for town in towns:
            if town["eigene"]:
                comparison.values.append(
                    TownValue(
                        town["name"],
                        True,
                        kpi.value,
                        _amount(kpi.value, kpi.unit),
                        date=_stand(kpi.period),
                        source=own_source,
                    )
                )
                continue
            found = peers.get(town["ags"])
            if found is None or found["wert"] is None:
                reason = found["hinweis"] if found else _kpi_reason(town)
                comparison.values.append(
                    TownValue(
                        town["name"], False, None, NO_VALUE, reason=reason, source=found["quelle"] if found else None
                    )
                )
            else:
                comparison.values.append(
                    TownValue(
                        town["name"],
                        False,
                        found["wert"],
                        _amount(found["wert"], kpi.unit),
                        date=_stand(found["stand"]),
                        source=found["quelle"],
                    )
                )
        comparisons.append(rank(comparison))
    return comparisons


def _kpi_reason(town: dict) -> str:
    notes = [note for note in (town["hinweise"] or "").split("; ") if note.startswith("Kennzahlen:")]
    return notes[0].removeprefix("Kennzahlen: ") if notes else "Kennzahl nicht in der Kennzahlen-Datei"


def _note(town: dict, prefix: str, default: str) -> str:
    notes = [note for note in (town["hinweise"] or "").split("; ") if note.startswith(prefix)]
    return notes[0].removeprefix(prefix).strip() if notes else default


def _open_datasets(towns: list[dict], rows: dict[str, dict]) -> Comparison:
    indicator = OPEN_DATASETS
    comparison = Comparison(
        indicator.id,
        f"{indicator.title} je 10.000 Einwohner",
        "Datensätze je 10.000 Einwohner",
        indicator.definition,
        indicator.higher_is_better,
        phrase=indicator.phrase,
        per_capita=True,
    )
    for town in towns:
        row = rows.get(town["ags"], {})
        count, per_capita = row.get("wert"), row.get("je_10000")
        if per_capita is None:
            reason = row.get("hinweis") or ("keine Einwohnerzahl" if count is not None else "keine Daten")
            reason = reason.removeprefix("Offene Daten: ")
            if count is not None and town["einwohner"] is None:
                reason = "keine Einwohnerzahl: " + _note(town, "Einwohnerzahl:", "nicht in der Tabelle")
            comparison.values.append(
                TownValue(town["name"], bool(town["eigene"]), None, NO_VALUE, reason=reason, source=row.get("quelle"))
            )
            continue
        comparison.values.append(
            TownValue(
                town["name"],
                bool(town["eigene"]),
                per_capita,
                german_number(per_capita, 2),
                detail=f"{german_number(count)} Datensätze, {german_number(town['einwohner'])} Einwohner",
                date=_stand(row.get("stand")),
                source=row.get("quelle"),
            )
        )
    return rank(comparison)


def _council_freshness(towns: list[dict], today: dt.date) -> Comparison:
    indicator = COUNCIL_FRESHNESS
    comparison = Comparison(
        indicator.id,
        indicator.title,
        indicator.unit,
        indicator.definition,
        indicator.higher_is_better,
        indicator.phrase,
    )
    for town in towns:
        newest = town["oparl_neuestes_objekt"]
        if not town["oparl"] or not newest:
            default = "keine OParl-Schnittstelle bekannt" if town["oparl"] == 0 else "nicht abrufbar"
            reason = _note(town, "OParl:", default)
            comparison.values.append(
                TownValue(
                    town["name"], bool(town["eigene"]), None, NO_VALUE, reason=reason, source=town["oparl_quelle"]
                )
            )
            continue
        days = max((today - dt.date.fromisoformat(newest)).days, 0)
        comparison.values.append(
            TownValue(
                town["name"],
                bool(town["eigene"]),
                days,
                f"{days}\u00a0{'Tag' if days == 1 else 'Tage'}",
                date=german_date(newest),
                source=town["oparl_quelle"],
            )
        )
    return rank(comparison)
