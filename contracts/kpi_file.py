"""The open KPI file (`/kennzahlen.json`, `/kennzahlen.csv`): a town's key figures in a form any
town can publish without this software (docs/kpi-file.md).

Defined once here: `publish/kpi_file.py` writes the portal's own file by this model, and the
`peers` source kind reads other towns' files by it. A file from elsewhere is hostile: it is read
only up to `MAX_FILE_BYTES`, every text is bounded, numbers must be JSON numbers within
±`MAX_ABS_VALUE`, links must pass the URL allow-list, and anything else refuses the whole file
(`KpiFileRefused`, German, never quoting the content). The JSON Schema and the Frictionless
Table Schema of the CSV are derived from the model, so the three cannot disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contracts.kpis import KPI_ID
from contracts.spreadsheet import spreadsheet_safe
from contracts.urls import safe_url

FORMAT = "offene-kommune/kennzahlen/1"
JSON_FILE = "kennzahlen.json"
CSV_FILE = "kennzahlen.csv"
JSON_SCHEMA_FILE = "kennzahlen.schema.json"
TABLE_SCHEMA_FILE = "kennzahlen.tableschema.json"
MAX_FILE_BYTES = 1_000_000
MAX_KPIS = 500
# Larger than any count or amount a town reports, small enough that no sum or ratio overflows.
MAX_ABS_VALUE = 1e12
# The period forms of contracts.german.Period.
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-Q[1-4])?$"
AGS_PATTERN = r"^\d{8}$"
# Text from another town reaches our pages: no markup (a `<` that starts a tag, comment or
# declaration; "< 14 Tage" is fine) and no control characters at all.
_UNWANTED_TEXT = re.compile(r"<[A-Za-z/!?]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

Value = Annotated[float, Field(strict=True, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE, allow_inf_nan=False)]


class KpiFileRefused(ValueError):
    """A KPI file that does not follow the format; the message is German and says where."""


def _plain_text(value: str) -> str:
    if _UNWANTED_TEXT.search(value):
        raise ValueError("HTML-Auszeichnung oder Steuerzeichen sind nicht erlaubt")
    return value.strip()


def _safe_link(value: str | None) -> str | None:
    if value is None:
        return None
    if safe_url(value) is None or value.startswith("mailto:"):
        raise ValueError("nur http- oder https-Adressen sind erlaubt")
    return value


class PublishedKpi(BaseModel):
    """One key figure of a KPI file: its newest value with what it means."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    id: str = Field(max_length=80, pattern=KPI_ID.pattern, description="Kennung, klein mit Bindestrichen")
    title: str = Field(min_length=1, max_length=200, description="Titel der Kennzahl")
    definition: str = Field(max_length=2000, description="Was gezählt oder gemessen wird, in einfacher Sprache")
    unit: str = Field(min_length=1, max_length=40, description="Einheit, z. B. % oder Tage")
    period: str | None = Field(
        default=None,
        pattern=PERIOD_PATTERN,
        description="Zeitraum des Werts: JJJJ, JJJJ-MM, JJJJ-Qn oder JJJJ-MM-TT; leer ohne Wert",
    )
    value: Value | None = Field(default=None, description="Neuester abgeschlossener Wert; leer = keine Angabe")
    target: Value | None = Field(default=None, description="Zielwert, falls es einen gibt")
    target_date: dt.date | None = Field(default=None, description="Bis wann das Ziel erreicht sein soll")
    higher_is_better: bool | None = Field(default=None, description="Ob ein höherer Wert besser ist; leer = weder noch")
    source_query: str | None = Field(
        default=None, max_length=2000, description="Adresse, unter der die Berechnung nachvollziehbar ist"
    )
    licence: str = Field(max_length=300, description="Lizenz der Angabe als URI (DCAT-AP.de-Lizenzvokabular)")

    @field_validator("title", "definition", "unit")
    @classmethod
    def _no_markup(cls, value: str) -> str:
        return _plain_text(value)

    @field_validator("source_query", "licence")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return _safe_link(value)

    @field_validator("target_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        # JSON has no date type: an ISO text is the date, in strict mode too.
        return dt.date.fromisoformat(value) if isinstance(value, str) else value


class Publisher(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    name: str = Field(min_length=1, max_length=200, description="Name der Kommune")
    municipality_key: str = Field(pattern=AGS_PATTERN, description="Amtlicher Gemeindeschlüssel (8 Ziffern)")

    @field_validator("name")
    @classmethod
    def _no_markup(cls, value: str) -> str:
        return _plain_text(value)


class KpiFile(BaseModel):
    """The whole `kennzahlen.json`."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    format: str = Field(pattern=r"^offene-kommune/kennzahlen/1$", description=f"Immer {FORMAT!r}")
    publisher: Publisher
    modified: dt.date = Field(description="Tag, an dem die Datei zuletzt geschrieben wurde")
    kpis: list[PublishedKpi] = Field(max_length=MAX_KPIS)

    @field_validator("modified", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value


def json_schema() -> dict:
    """The JSON Schema (2020-12) of `kennzahlen.json`."""
    schema = KpiFile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Kennzahlen einer Kommune", **schema}


CSV_COLUMNS = tuple(PublishedKpi.model_fields)
_TABLE_TYPES = {"string": "string", "number": "number", "boolean": "boolean", "date": "date"}


def table_schema() -> dict:
    """The Frictionless Table Schema of `kennzahlen.csv`: one row per KPI, the columns of `PublishedKpi`."""
    properties = PublishedKpi.model_json_schema()["properties"]
    required = set(PublishedKpi.model_json_schema().get("required", []))
    fields = []
    for name in CSV_COLUMNS:
        described = properties[name]
        variants = described.get("anyOf", [described])
        kind = next(v for v in variants if v.get("type") != "null")
        field: dict[str, Any] = {
            "name": name,
            "type": "date" if kind.get("format") == "date" else _TABLE_TYPES[kind["type"]],
            "description": described.get("description", ""),
        }
        constraints = {"required": True} if name in required else {}
        for key in ("maxLength", "minLength", "pattern"):
            if key in kind:
                constraints[key] = kind[key]
        if "maximum" in kind:
            constraints.update(minimum=kind["minimum"], maximum=kind["maximum"])
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def refusal(error: ValidationError) -> KpiFileRefused:
    """A German refusal naming where the file breaks the format, never quoting its content."""
    places = sorted({".".join(map(str, e["loc"])) or "Datei" for e in error.errors()})
    shown = ", ".join(places[:5]) + (f" und {len(places) - 5} weitere Stellen" if len(places) > 5 else "")
    return KpiFileRefused(f"Die Kennzahlen-Datei folgt nicht dem Format ({shown})")


def parse_kpi_file(content: bytes) -> KpiFile:
    """Read a `kennzahlen.json` from elsewhere. Raises KpiFileRefused for a file too large, not
    JSON, or not following the model in any detail."""
    if len(content) > MAX_FILE_BYTES:
        raise KpiFileRefused(f"Die Kennzahlen-Datei ist größer als {MAX_FILE_BYTES // 1000} kB")
    try:
        data = json.loads(content.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as error:
        raise KpiFileRefused("Die Kennzahlen-Datei ist kein gültiges JSON in UTF-8") from error
    try:
        return KpiFile.model_validate(data)
    except ValidationError as error:
        raise refusal(error) from None


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} ist keine Zahl in JSON")


def kpi_file_json(document: KpiFile) -> bytes:
    """The file's bytes: UTF-8, keys in model order, one stable form for the same content."""
    return (json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def kpi_file_csv(document: KpiFile) -> bytes:
    """The CSV form (UTF-8, `,`, a header of `CSV_COLUMNS`); texts that a spreadsheet would run as
    a formula are neutralised as in every CSV the portal writes (contracts/spreadsheet.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for kpi in document.kpis:
        row = kpi.model_dump(mode="json")
        writer.writerow([_csv_cell(row[name]) for name in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return json.dumps(value)
