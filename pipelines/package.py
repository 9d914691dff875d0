"""The data package a dataset's build folder carries: Frictionless descriptor plus the
resolved portal metadata (publisher, licence URI, themes, …) that publishers need."""
from __future__ import annotations

import datetime as dt

from pipelines.config import DatasetConfig, PortalConfig
from pipelines.errors import Issue
from pipelines.links import checked_url
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
    warnings: list[Issue] | None = None,
) -> dict:
    """The datapackage.json of a freshly built dataset (status ok). Every link in it (source,
    publisher website and contact, licence) passes the URL allow-list; a refused one is left
    out and appended to `warnings`."""
    warnings = [] if warnings is None else warnings
    declaration = f"datasets/{dataset.id}/dataset.yaml"
    licence = portal.licences[dataset.licence]
    licence_links = {key: checked_url(str(value) if value else None, warnings, file="metadata/licences.yaml",
                                      field=f"{dataset.licence}.{key}")
                     for key, value in (("uri", licence.uri), ("url", licence.url))}
    themes = portal.themes
    publisher = portal.publisher.model_dump(mode="json")
    publisher.update(dataset.publisher)
    publisher["website"] = checked_url(publisher.get("website"), warnings, file=declaration, field="publisher.website")
    if isinstance(publisher.get("contact"), dict) and publisher["contact"].get("url") is not None:
        publisher["contact"] = {**publisher["contact"], "url": checked_url(
            publisher["contact"]["url"], warnings, file=declaration, field="publisher.contact.url")}
    source = dataset.source_config
    source_url = checked_url(str(getattr(source, "url", None) or "") or None, warnings, file=declaration,
                             field="source.url")
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
            "licence": {"code": dataset.licence, **licence.model_dump(mode="json"), **licence_links},
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
