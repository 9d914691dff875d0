"""Typed model of `metadata/services.yaml`: the town's service register and the roadmap formula.

Each service carries its OZG maturity level (model 1.1: 0 information missing, 1 information
online, 2 form to download, 3 online application, 4 fully digital including the decision),
the date it was reached, whether it uses the Servicekonto.NRW/BundID eID and online
payment, and the complexity facts that decide its place on the roadmap.
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from contracts.roadmap import DEFAULT_POINTS, DEFAULT_SETTINGS

IdentificationLevel = Literal["keine", "niedrig", "substanziell", "hoch"]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Complexity(StrictModel):
    """What makes a service hard to bring online."""

    identification: IdentificationLevel = Field(description="eIDAS-Vertrauensniveau, das die Leistung verlangt")
    payment_required: bool = Field(description="Für die Leistung ist eine Gebühr zu zahlen")
    written_form: bool = Field(description="Gesetzliche Schriftform (eigenhändige Unterschrift)")
    personal_appearance: bool = Field(
        default=False, description="Persönliches Erscheinen gesetzlich vorgeschrieben (z. B. Fingerabdrücke)"
    )
    other_authorities: list[str] = Field(default_factory=list, description="Weitere beteiligte Behörden")


class StatisticsLink(StrictModel):
    """Where the service's demand is counted: a service-statistics dataset and its row label."""

    dataset: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    name: str


class Service(StrictModel):
    """One service the town offers."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    name: str
    leika_id: str | None = Field(
        default=None, pattern=r"^\d{14}$", description="Leistungsschlüssel (LeiKa), 14 Ziffern"
    )
    office: str
    maturity_level: int = Field(ge=0, le=4)
    maturity_since: datetime.date
    online_link: HttpUrl | None = None
    eid: bool = Field(description="Anmeldung mit Servicekonto.NRW oder BundID (Online-Ausweis)")
    online_payment: bool
    statistics: StatisticsLink | None = None
    complexity: Complexity

    @model_validator(mode="after")
    def online_claims_need_a_link(self) -> Service:
        if (self.maturity_level >= 3 or self.eid or self.online_payment) and self.online_link is None:
            raise ValueError("Reifegrad ab 3, eID oder Online-Bezahlung brauchen einen `online_link`")
        if self.online_payment and not self.complexity.payment_required:
            raise ValueError("`online_payment` ohne Gebühr (`complexity.payment_required: false`)")
        return self


class ComplexityPoints(StrictModel):
    """Points per complexity fact; their sum is a service's complexity."""

    identification: dict[IdentificationLevel, float] = Field(
        default_factory=lambda: dict(DEFAULT_POINTS["identification"])
    )
    payment_required: float = DEFAULT_POINTS["payment_required"]
    written_form: float = DEFAULT_POINTS["written_form"]
    per_other_authority: float = DEFAULT_POINTS["per_other_authority"]


class RoadmapSettings(StrictModel):
    """The roadmap's tunable scoring formula.

    priority = demand_weight × demand / largest demand
             + simplicity_weight × (1 − complexity / largest possible complexity)
    Services whose law demands personal appearance are listed apart, not ranked.
    """

    below_level: int = Field(default=DEFAULT_SETTINGS["below_level"], ge=1, le=4)
    demand_weight: float = Field(default=DEFAULT_SETTINGS["demand_weight"], ge=0)
    simplicity_weight: float = Field(default=DEFAULT_SETTINGS["simplicity_weight"], ge=0)
    points: ComplexityPoints = Field(default_factory=ComplexityPoints)

    @model_validator(mode="after")
    def weights_are_not_both_zero(self) -> RoadmapSettings:
        if self.demand_weight + self.simplicity_weight == 0:
            raise ValueError("Mindestens ein Gewicht muss größer als 0 sein")
        return self


class ServiceRegister(StrictModel):
    """The whole of `metadata/services.yaml`."""

    roadmap: RoadmapSettings = Field(default_factory=RoadmapSettings)
    services: list[Service] = Field(min_length=1)

    @model_validator(mode="after")
    def ids_are_unique(self) -> ServiceRegister:
        seen: set[str] = set()
        duplicates = []
        for service in self.services:
            if service.id in seen:
                duplicates.append(service.id)
            seen.add(service.id)
        if duplicates:
            raise ValueError(f"Doppelte Leistungs-IDs: {', '.join(duplicates)}")
        return self
