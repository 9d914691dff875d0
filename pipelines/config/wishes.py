"""Typed model of `metadata/datenwuensche.yaml`: the register of data wishes and of data the town
holds but cannot open. Validated with the portal; `kommune wuensche` writes to it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.wishes import DESCRIPTION_MAX, TITLE_MAX

DATASET_ID = r"^[a-z0-9][a-z0-9-]{1,62}$"
WishStatus = Literal["eingegangen", "in-pruefung", "veroeffentlicht", "nicht-moeglich"]
ClosedReason = Literal["datenschutz", "rechte-dritter", "keine-maschinenlesbare-quelle"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Wish(_Strict):
    """One requested piece of data and what became of it."""

    id: int = Field(ge=1, description="Nummer des Wunsches, fortlaufend")
    title: str = Field(min_length=1, max_length=TITLE_MAX, description="Welche Daten gewünscht werden")
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX, description="Genauer: was und wofür")
    received: dt.date = Field(description="Eingangsdatum")
    status: WishStatus
    dataset: str | None = Field(default=None, pattern=DATASET_ID, description="Der Datensatz, der den Wunsch erfüllt")
    published: dt.date | None = Field(default=None, description="Seit wann der Datensatz veröffentlicht ist")
    reason: str | None = Field(default=None, description="Warum die Daten nicht veröffentlicht werden können")
    note: str | None = Field(default=None, description="Antwort oder Stand der Prüfung")

    @model_validator(mode="after")
    def _status_needs(self) -> Wish:
        if self.status == "veroeffentlicht" and (self.dataset is None or self.published is None):
            raise ValueError("Status veroeffentlicht braucht dataset (den Datensatz) und published (das Datum)")
        if self.status == "nicht-moeglich" and not self.reason:
            raise ValueError("Status nicht-moeglich braucht reason (den Grund)")
        if self.published is not None and self.published < self.received:
            raise ValueError("published liegt vor received")
        return self


class ClosedData(_Strict):
    """Data the town holds but cannot open, and why."""

    title: str = Field(min_length=1)
    description: str | None = None
    reason: ClosedReason
    explanation: str = Field(min_length=1, description="Was genau dagegen spricht, in einfachen Worten")


class WishRegister(_Strict):
    wishes: list[Wish] = []
    closed_data: list[ClosedData] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> WishRegister:
        ids = [wish.id for wish in self.wishes]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"Nummern doppelt vergeben: {doubled}")
        return self
