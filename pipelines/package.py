"""The data package a dataset's build folder carries: Frictionless descriptor plus the
resolved portal metadata (publisher, licence URI, themes, …) that publishers need."""
from __future__ import annotations

import datetime as dt

from pipelines.config import DatasetConfig, PortalConfig
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
) -> dict:
    """The datapackage.json of a freshly built dataset (status ok).

    It holds no build time: a rebuild from the same data writes the same bytes, so nothing
    downstream (CKAN, the catalogue, mirrors) sees a change that is none."""
    licence = portal.licences[dataset.licence]
    themes = portal.themes
    publisher = portal.publisher.model_dump(mode="json")
    publisher.update(dataset.publisher)
    source = dataset.source_config
    source_url = str(getattr(source, "url", None) or "") or None
    return {
        "name": dataset.id,
        "title": dataset.title,
        "description": dataset.description.strip(),
        "keywords": dataset.keywords,
        "licenses": [{"name": dataset.licence, "path": str(licence.uri), "title": licence.title}],
        "resources": [resource.descriptor() for resource in resources],
        "kommune": {
            "family": dataset.family,
            "themes": [{"code": code, "label": themes.data_themes[code].label, "uri": str(themes.data_themes[code].uri)}
                       for code in dataset.themes],
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
                if dataset.musterdatenkatalog else None
            ),
            "licence": {"code": dataset.licence, **licence.model_dump(mode="json")},
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
    """The earliest and latest date the published data holds (`source: "data"`); the values
    of `temporal:` in dataset.yaml only where the data has no dates (`source: "dataset.yaml"`)."""
    declared = dataset.temporal.model_dump(mode="json")
    found = date_range(resource.dates for resource in resources)
    if found is None:
        return {**declared, "source": "dataset.yaml"}
    return {"start": found[0], "end": found[1], "source": "data"}


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
