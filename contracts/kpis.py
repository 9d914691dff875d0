"""The KPI model: one entry of `metadata/kpis.yaml`, as the pipelines validate it and write it
into `build/portal.json` (`kpis`, `model_dump(mode="json")`), and as the KPI engine
(publish/kpis.py) reads it back. The sentence placeholders are the ones the engine fills.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contracts.german import german_number

KPI_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Placeholders a KPI sentence may use (publish.kpis fills every one of them).
SENTENCE_PLACEHOLDERS = frozenset({"value", "period", "when", "unit", "target", "target_date", "previous", "year_ago"})


class KpiDefinitionError(ValueError):
    """A KPI definition lacks a key or its sentence uses an unknown placeholder."""


class Kpi(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    sentence: str
    # A figure without a unit reads as a bare number ("Wert ()"): every KPI names what it counts.
    unit: str = Field(min_length=1)
    unit_singular: str | None = None  # "Tag" beside unit "Tage", for "1 Tag"
    higher_is_better: bool | None = True  # null: a count that describes (meetings), neither good nor bad
    point_in_time: bool = False  # a state now (e.g. services online), so a running period is final
    headline: bool = False  # one of the tiles on the dashboard's first screen
    target: float | None = None
    target_date: dt.date | None = None
    datasets: list[str] = []  # empty for portal-wide figures (e.g. open-data coverage)
    sql: str = Field(min_length=10)
    breakdown_sql: str | None = None  # optional: columns label, value; a breakdown of the current value
    description: str | None = None

    @field_validator("sentence")
    @classmethod
    def _sentence_placeholders(cls, value: str) -> str:
        unknown = sorted(set(re.findall(r"{(\w+)", value)) - SENTENCE_PLACEHOLDERS)
        if unknown:
            raise ValueError(f"unbekannte Platzhalter {unknown}; erlaubt: {', '.join(sorted(SENTENCE_PLACEHOLDERS))}")
        return value

    @field_validator("id")
    @classmethod
    def _kpi_id(cls, value: str) -> str:
        if not KPI_ID.match(value):
            raise ValueError("KPI-ID in Kleinbuchstaben mit Bindestrichen, z. B. sperrmuell-online-anteil")
        return value

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Kpi:
        """Read one entry of `portal.json["kpis"]`. Raises KpiDefinitionError naming the KPI."""
        missing = [key for key in ("id", "title", "sentence", "sql") if not data.get(key)]
        if missing:
            raise KpiDefinitionError(f"KPI {data.get('id', '?')}: fehlt {', '.join(missing)}")
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise KpiDefinitionError(f"KPI {data['id']}: {problems}") from None

    def amount(self, value: float, places: int | None = None) -> str:
        """`value` with its unit in German: `44,2 %`, `1 Tag`, `5 Tage`."""
        unit = self.unit_singular if abs(value) == 1 and self.unit_singular else self.unit
        return f"{german_number(value, places)}\u00a0{unit}" if unit else german_number(value, places)

    def change_amount(self, change: float) -> str:
        """A difference with sign and unit: `+2,2 Prozentpunkte`, `−1 Tag`, `±0 Vorlagen`."""
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        if self.unit == "%":
            return f"{sign}{german_number(abs(change))}\u00a0Prozentpunkt{'' if abs(change) == 1 else 'e'}"
        return sign + self.amount(abs(change))
