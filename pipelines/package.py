"""The data package a dataset's build folder carries: Frictionless descriptor plus the
resolved portal metadata (publisher, licence URI, themes, …) that publishers need."""
from __future__ import annotations

import datetime as dt

from pipelines.config import DatasetConfig, PortalConfig
from pipelines.output import ResourceOutput

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
    """The datapackage.json of a freshly built dataset (status ok)."""
    licence = portal.licences[dataset.licence]
    themes = portal.themes
    publisher = portal.publisher.model_dump(mode="json", exclude={"legal"})  # legal facts: portal pages only
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
            "temporal": dataset.temporal.model_dump(mode="json"),
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
            "built": now_iso(),
            "source": {"kind": dataset.kind, "url": source_url},
            **(extra or {}),
        },
    }


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
