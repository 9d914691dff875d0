"""The KPI engine: every dashboard number is named SQL run read-only against `portal.db`.

Definitions come from `metadata/kpis.yaml` as resolved into `build/portal.json` (key
`kpis`). Each KPI's SQL returns the columns `period` and `value` ordered by period; the last
row is the newest value. The engine picks the current value (the newest *complete* period: a
running month, quarter or year is shown as "bisher" and never compared, unless the KPI is a
`point_in_time` figure, a state that is true now), the previous complete period, the same period a
year earlier, the progress towards the target, whether the data are old, and the sentence.

A KPI whose SQL fails, returns nothing, or reads a dataset that is stale or missing is
*unavailable* with the reason — never 0: a dashboard that shows 0 % for "we could not
compute it" would tell citizens something false.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from contracts.german import MISSING, Period, german_date, german_number
from contracts.kpis import Kpi, KpiDefinitionError
from publish.database import open_readonly

QUERY_SECONDS = 2.0


# The model of a KPI definition is the one the pipelines validate (contracts/kpis.py).
KpiDefinition = Kpi


@dataclass(frozen=True)
class KpiPoint:
    period: str
    value: float


@dataclass
class KpiResult:
    """What the dashboard shows for one KPI; `available` false means show `reason` instead."""

    definition: KpiDefinition
    available: bool
    reason: str | None = None
    series: list[KpiPoint] = field(default_factory=list)
    current_point: KpiPoint | None = None  # the newest complete period (or the state now)
    running: KpiPoint | None = None  # a period still under way: "bisher", never compared
    old: bool = False  # the current period ended long ago and no newer data came
    previous: KpiPoint | None = None
    year_ago: KpiPoint | None = None
    target_progress: float | None = None  # percent of the target reached, 0–100
    sentence: str = ""
    breakdown: list[tuple[str, float | None]] = field(default_factory=list)
    breakdown_problem: str | None = None

    @property
    def current(self) -> KpiPoint | None:
        return self.current_point if self.available else None

    @property
    def change_previous(self) -> float | None:
        return None if self.previous is None or self.current is None else self.current.value - self.previous.value

    @property
    def change_year(self) -> float | None:
        return None if self.year_ago is None or self.current is None else self.current.value - self.year_ago.value

    def is_improvement(self, change: float | None) -> bool | None:
        """Whether a change points the good way (None for no change, no data, or a KPI that is
        neither better nor worse when higher)."""
        if change is None or change == 0 or self.definition.higher_is_better is None:
            return None
        return (change > 0) == self.definition.higher_is_better


def year_earlier(period: str) -> str | None:
    """The same period one year earlier for `YYYY`, `YYYY-MM`, `YYYY-Qn`; None otherwise."""
    return Period.parse(period).year_earlier()


def target_progress(current: float, target: float, higher_is_better: bool) -> float:
    """Percent of the target reached (0–100): current/target, or target/current when lower is better."""
    if higher_is_better:
        ratio = current / target if target else 1.0
    else:
        ratio = target / current if current else 1.0
    return round(max(0.0, min(1.0, ratio)) * 100, 1)


def _fetch(connection: sqlite3.Connection, sql: str, seconds: float, key: str) -> list[tuple[Any, Any]]:
    """Rows of (`key`, value) from `sql`; raises sqlite3.Error or KpiDefinitionError."""
    deadline = time.monotonic() + seconds
    # The progress handler aborts a runaway query instead of hanging the build.
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    # Named parameters (:monat) make a canned query a form in Datasette; here they are left
    # empty, and the SQL picks its default (e.g. the latest month) with nullif(:monat, '').
    parameters = dict.fromkeys(re.findall(r"(?<![:\w]):([A-Za-z_]\w*)", sql), "")
    try:
        cursor = connection.execute(sql, parameters)
        columns = [description[0] for description in cursor.description or ()]
        if key not in columns or "value" not in columns:
            raise KpiDefinitionError(f"Die Abfrage liefert die Spalten {columns}, erwartet: {key}, value")
        position, value_position = columns.index(key), columns.index("value")
        return [(row[position], row[value_position]) for row in cursor.fetchall()]
    finally:
        connection.set_progress_handler(None, 0)


def _run_query(connection: sqlite3.Connection, sql: str, seconds: float) -> list[KpiPoint]:
    rows = _fetch(connection, sql, seconds, "period")
    position, value_position = 0, 1
    points = []
    for row in rows:
        if row[value_position] is None:
            continue  # a suppressed or missing month is a gap in the series, not a zero
        points.append(KpiPoint(str(row[position]), float(row[value_position])))
    return points


def _dataset_problem(definition: KpiDefinition, datasets: Mapping[str, Mapping[str, Any]]) -> str | None:
    for dataset_id in definition.datasets:
        info = datasets.get(dataset_id)
        if info is None:
            return f"Der Datensatz „{dataset_id}“ ist nicht veröffentlicht."
        if info.get("status") == "stale":
            reason = info.get("stale_reason") or "die letzte Aktualisierung ist fehlgeschlagen"
            return f"Der Datensatz „{dataset_id}“ ist veraltet: {reason}"
    return None


def _sentence(definition: KpiDefinition, result: KpiResult) -> str:
    current = result.current
    assert current is not None

    def number(point: KpiPoint | None) -> str:
        return MISSING if point is None else german_number(point.value)

    period = Period.parse(current.period)
    text = definition.sentence.format(
        value=german_number(current.value),
        period=period.name,
        when=period.when,
        unit=definition.unit,
        target=german_number(definition.target),
        target_date=german_date(definition.target_date),
        previous=number(result.previous),
        year_ago=number(result.year_ago),
    )
    return text[:1].upper() + text[1:]  # "{when} wurden …" starts a sentence with "im …"


def evaluate(
    definition: KpiDefinition,
    connection: sqlite3.Connection,
    datasets: Mapping[str, Mapping[str, Any]],
    seconds: float = QUERY_SECONDS,
    today: date | None = None,
) -> KpiResult:
    """Compute one KPI as of `today` (default: the real today). Never raises for bad SQL or
    stale data: the result says why instead.

    `datasets` maps dataset id → the `kommune` block of its datapackage (status,
    stale_reason); a KPI reading a dataset absent from it or marked stale is unavailable.
    """
    problem = _dataset_problem(definition, datasets)
    if problem:
        return KpiResult(definition, available=False, reason=problem)
    try:
        series = _run_query(connection, definition.sql, seconds)
    except (sqlite3.Error, KpiDefinitionError) as error:
        message = "Zeitlimit überschritten" if "interrupted" in str(error) else str(error)
        return KpiResult(definition, available=False, reason=f"Die Berechnung ist fehlgeschlagen: {message}")
    if not series:
        return KpiResult(definition, available=False, reason="Für diese Kennzahl liegen noch keine Werte vor.")
    today = today or date.today()
    running = None
    if not definition.point_in_time and Period.parse(series[-1].period).is_running(today):
        running = series[-1]
    complete = series[:-1] if running else series
    if not complete and running is not None:  # the only point of `series` is still running
        return KpiResult(
            definition,
            available=False,
            running=running,
            series=series,
            reason=f"Der erste Zeitraum ({Period.parse(running.period).name}) läuft noch; "
            "verglichen wird erst, wenn er abgeschlossen ist.",
        )
    by_period = {point.period: point for point in complete}
    current = complete[-1]
    current_period = Period.parse(current.period)
    result = KpiResult(
        definition,
        available=True,
        series=series,
        current_point=current,
        running=running,
        old=not definition.point_in_time and current_period.is_old(today),
        previous=complete[-2] if len(complete) > 1 else None,
        year_ago=by_period.get(year_earlier(current.period) or ""),
    )
    if current_period.kind == "year":
        result.year_ago = None  # the previous period is the year before: say it once
    if definition.target is not None:
        result.target_progress = target_progress(
            current.value, definition.target, definition.higher_is_better is not False
        )
    result.sentence = _sentence(definition, result)
    if definition.breakdown_sql:
        try:
            result.breakdown = [
                (str(label), None if value is None else float(value))
                for label, value in _fetch(connection, definition.breakdown_sql, seconds, "label")
            ]
        except (sqlite3.Error, KpiDefinitionError) as error:
            result.breakdown_problem = f"Die Aufschlüsselung ist fehlgeschlagen: {error}"
    return result


def evaluate_all(
    definitions: list[Mapping[str, Any]],
    database: Path,
    datasets: Mapping[str, Mapping[str, Any]],
    today: date | None = None,
) -> list[KpiResult]:
    """Compute every KPI of `portal.json["kpis"]` against `database` as of `today`, in declared order.

    A missing database makes every KPI unavailable. Raises KpiDefinitionError for a
    malformed definition (configuration validation should have caught it).
    """
    parsed = [KpiDefinition.from_dict(definition) for definition in definitions]
    try:
        if not database.exists():
            raise sqlite3.OperationalError(f"Datenbank fehlt: {database.name}")
        connection = open_readonly(database)
    except sqlite3.Error as error:
        return [
            KpiResult(definition, available=False, reason=f"Die Datenbank ist nicht lesbar: {error}")
            for definition in parsed
        ]
    try:
        return [evaluate(definition, connection, datasets, today=today) for definition in parsed]
    finally:
        connection.close()
