"""The data package a dataset's build folder carries: Frictionless descriptor plus the
resolved portal metadata (publisher, licence URI, themes, …) that publishers need."""

from __future__ import annotations

import datetime as dt

from pipelines.config import DatasetConfig, PortalConfig
from pipelines.errors import Issue
from pipelines.links import checked_url
from pipelines.output import ResourceOutput, date_range

MUNICIPALITY_KEY_URI = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/{}"


def describe_dataset(
    dataset: DatasetConfig,
    portal: PortalConfig,
    resources: list[ResourceOutput],
    *,
    content_hash: str | None,
    issued: str,
    modified: str,
    extra: dict | None = None,
    warnings: list[Issue] | None = None,
) -> dict:
    """The datapackage.json of a freshly built dataset (status ok).

    It holds no build time: a rebuild from the same data writes the same bytes, so nothing
    downstream (CKAN, the catalogue, mirrors) sees a change that is none. Every link in it
    (source, publisher website and contact, licence) passes the URL allow-list; a refused one
    is left out and appended to `warnings`."""
    warnings = [] if warnings is None else warnings
    declaration = f"datasets/{dataset.id}/dataset.yaml"
    licence = portal.licences[dataset.licence]
    licence_links = {
        key: checked_url(
            str(value) if value else None, warnings, file="metadata/licences.yaml", field=f"{dataset.licence}.{key}"
        )
        for key, value in (("uri", licence.uri), ("url", licence.url))
    }
    themes = portal.themes
    publisher = portal.publisher.model_dump(mode="json", exclude={"legal"})  # legal facts: portal pages only
    publisher.update(dataset.publisher)
    publisher["website"] = checked_url(publisher.get("website"), warnings, file=declaration, field="publisher.website")
    if isinstance(publisher.get("contact"), dict) and publisher["contact"].get("url") is not None:
        publisher["contact"] = {
            **publisher["contact"],
            "url": checked_url(publisher["contact"]["url"], warnings, file=declaration, field="publisher.contact.url"),
        }
    source = dataset.source_config
    source_url = checked_url(
        str(getattr(source, "url", None) or "") or None, warnings, file=declaration, field="source.url"
    )
    return {
        "name": dataset.id,
        "title": dataset.title,
        "description": dataset.description.strip(),
        "keywords": dataset.keywords,
        "licenses": [{"name": dataset.licence, "path": str(licence.uri), "title": licence.title}],
        "resources": [resource.descriptor() for resource in resources],
        "kommune": {
            "family": dataset.family,
            "themes": [
                {"code": code, "label": themes.data_themes[code].label, "uri": str(themes.data_themes[code].uri)}
                for code in dataset.themes
            ],
            "frequency": dataset.frequency,
            "publisher": publisher,
            "contact": publisher["contact"],
            "temporal": temporal_coverage(dataset, resources),
            "spatial": {
                "name": portal.publisher.name,
                "municipality_key": portal.publisher.municipality_key,
                "uri": MUNICIPALITY_KEY_URI.format(portal.publisher.municipality_key),
            },
            "musterdatenkatalog": (
                themes.musterdatenkatalog[dataset.musterdatenkatalog].model_dump(mode="json")
                if dataset.musterdatenkatalog
                else None
            ),
            "licence": {"code": dataset.licence, **licence.model_dump(mode="json"), **licence_links},
            "sample": dataset.sample,
            "status": "ok",
            "stale_reason": None,
            "content_hash": content_hash,
            "issued": issued,
            "modified": modified,
            "source": {"kind": dataset.kind, "url": source_url},
            **(extra or {}),
        },
    }


def temporal_coverage(dataset: DatasetConfig, resources: list[ResourceOutput]) -> dict:
    """The earliest and latest day the published data is about (`source: "data"`, from the
    resources' `dates`: a month counts from its first to its last day, a year likewise); the
    `start`/`end` of dataset.yaml only where the data says nothing (`source: "dataset.yaml"`)."""
    found = date_range(resource.dates for resource in resources)
    if found is None:
        return {"start": _iso(dataset.temporal.start), "end": _iso(dataset.temporal.end), "source": "dataset.yaml"}
    return {"start": _first_day(found[0]), "end": _last_day(found[1]), "source": "data"}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _first_day(value: str) -> str:
    if quarter := _quarter(value):
        return f"{value[:4]}-{3 * quarter - 2:02d}-01"
    return {4: f"{value}-01-01", 7: f"{value}-01"}.get(len(value), value)


def _quarter(value: str) -> int | None:
    """The quarter of a period written `YYYY-Qn` (service statistics coarsened to quarters)."""
    return int(value[6]) if len(value) == 7 and value[5] == "Q" and value[6] in "1234" else None


def _last_day(value: str) -> str:
    if len(value) == 4:
        return f"{value}-12-31"
    if quarter := _quarter(value):
        value = f"{value[:4]}-{3 * quarter:02d}"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return (following - dt.timedelta(days=1)).isoformat()
    return value


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
