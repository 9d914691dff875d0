"""Typed model of `metadata/peers.yaml`: the comparable towns and where their public facts are.

```yaml
statistics:                  # population of every town: the state statistics office's table export
  url: https://www.landesdatenbank.nrw.de/…/12411-01i.csv
  title: IT.NRW, Landesdatenbank, Tabelle 12411-01i (Bevölkerungsstand)
ckan: https://ckan.example.org      # the CKAN API the towns' open datasets are counted from
town:                        # the portal's own town, measured the same way
  name: Werne
  municipality_key: "05978040"
  ckan_organization: stadt-werne
  oparl: https://ris.example.de/oparl/v1.1/system
peers:
  - name: Kamen
    municipality_key: "05978016"
    ckan_organization: stadt-kamen       # omit: not in the catalogue (keine Angabe)
    oparl: https://…/oparl/v1.1/system   # omit: no OParl interface known
    kpi_file: https://…/kennzahlen.json  # omit: publishes no KPI file
```
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

AGS = r"^\d{8}$"
CKAN_NAME = r"^[a-z0-9_-]{2,100}$"  # CKAN's own rule for organisation names


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatisticsSource(Strict):
    url: HttpUrl = Field(description="CSV-Export der Bevölkerungstabelle des Statistischen Landesamts")
    title: str = Field(min_length=3, description="Quellenangabe, wie sie auf der Seite steht")
    encoding: str = Field(default="cp1252", description="Zeichenkodierung des Exports")


class Town(Strict):
    name: str = Field(min_length=2, max_length=100)
    municipality_key: str = Field(pattern=AGS, description="Amtlicher Gemeindeschlüssel (8 Ziffern)")
    ckan_organization: str | None = Field(default=None, pattern=CKAN_NAME)
    oparl: HttpUrl | None = Field(default=None, description="OParl-System-Adresse")
    kpi_file: HttpUrl | None = Field(default=None, description="Adresse der kennzahlen.json")


class PeerRegister(Strict):
    """The whole of `metadata/peers.yaml`."""

    statistics: StatisticsSource
    ckan: HttpUrl | None = Field(default=None, description="Adresse des CKAN, dessen API die Datensätze zählt")
    town: Town
    peers: list[Town] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _distinct_towns(self) -> PeerRegister:
        keys = [self.town.municipality_key] + [peer.municipality_key for peer in self.peers]
        doubled = sorted({key for key in keys if keys.count(key) > 1})
        if doubled:
            raise ValueError(f"Gemeindeschlüssel mehrfach: {', '.join(doubled)}")
        if self.ckan is None and any(t.ckan_organization for t in [self.town, *self.peers]):
            raise ValueError("ckan_organization ist angegeben, aber ckan (die Adresse des Katalogs) fehlt")
        return self
