"""Catalogue entries -> CKAN organisation, group and dataset dicts.

Field names follow what CKAN core and ckanext-dcat (profiles ``euro_dcat_ap_2/3``) read,
so CKAN's own DCAT output carries the same metadata as our catalogue: extras such as
``theme``, ``frequency``, ``temporal_start``, ``spatial_uri``/``spatial_text``,
``contact_*``, ``publisher_*``, and per resource ``format``/``mimetype`` as EU file-type
and IANA URIs, ``license`` as DCAT-AP.de licence URI, ``size``, ``hash``. ``uri`` extras
make CKAN use our catalogue's URIs as subjects, so both catalogues name the same things.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from publish.catalogue import Catalogue, DatasetEntry, Distribution
from publish.dcat.graph import (
    ACCESS_PUBLIC,
    EU,
    LANGUAGE_DEU,
    PUBLISHER_TYPE,
    SHA256,
    STATUS_COMPLETED,
    dataset_uri,
    distribution_uri,
    publisher_uri,
    service_uri,
)

MANAGED_BY_KEY = "kommune_managed_by"
MANAGED_BY_VALUE = "offene-kommune"
HASH_KEY = "kommune_content_hash"
RESOURCE_KEY = "kommune_key"
# CKAN's tag rules (ckan/logic/validators.py tag_length_validator and tag_name_validator,
# ckan/model/tag.py MIN_/MAX_TAG_LENGTH, same in CKAN 2.10 to 2.12): 2 to 100 characters,
# only Unicode word characters, spaces, hyphens, underscores and dots.
TAG_MIN_LENGTH, TAG_MAX_LENGTH = 2, 100
_TAG_REFUSED_CHARACTERS = re.compile(r"[^\w \-.]+")
_SPACES = re.compile(r"\s+")


def organization_name(catalogue: Catalogue) -> str:
    return catalogue.publisher.short_name


def _extras(values: dict[str, str | None]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in sorted(values.items()) if value not in (None, "")]


def organization_dict(catalogue: Catalogue) -> dict:
    publisher = catalogue.publisher
    contact = catalogue.contact
    return {
        "name": organization_name(catalogue),
        "title": publisher.name,
        "description": f"{publisher.name} (Amtlicher Gemeindeschlüssel {publisher.ags}). "
        f"Veröffentlicht über {catalogue.base_url}/",
        "extras": _extras(
            {
                "ags": publisher.ags,
                "political_geocoding_uri": publisher.political_geocoding_uri,
                "publisher_type": PUBLISHER_TYPE + publisher.type,
                "homepage": publisher.homepage,
                "contact_name": contact.name,
                "contact_email": contact.email,
                "contact_url": contact.url,
            }
        ),
    }


def group_name(theme: str) -> str:
    return theme.lower()


def group_dict(theme: str, title: str) -> dict:
    return {
        "name": group_name(theme),
        "title": title,
        "description": f"EU-Datenthema {theme}",
        "extras": _extras({"uri": f"{EU}data-theme/{theme}"}),
    }


@dataclass(frozen=True)
class TagChange:
    """A keyword that CKAN would refuse as a tag, and what the publisher sends instead."""

    keyword: str
    tag: str | None  # None: left out
    duplicate: bool = False  # left out: the same tag (ignoring case) is sent already

    def __str__(self) -> str:
        if self.duplicate:
            return f"Schlagwort {self.keyword!r} doppelt: nur einmal gesendet"
        if self.tag is None:
            return (
                f"Schlagwort {self.keyword!r} weggelassen: CKAN verlangt für Schlagwörter "
                f"{TAG_MIN_LENGTH} bis {TAG_MAX_LENGTH} Zeichen"
            )
        return (
            f"Schlagwort {self.keyword!r} als {self.tag!r} gesendet: CKAN erlaubt nur Buchstaben, Ziffern, "
            f"Leerzeichen, Bindestrich, Unterstrich und Punkt und höchstens {TAG_MAX_LENGTH} Zeichen"
        )


def ckan_tags(keywords: list[str]) -> tuple[list[str], list[TagChange]]:
    """The keywords as tags CKAN accepts, and every keyword that had to change.

    Refused characters (slash, comma, ampersand, dashes other than the hyphen, …) become a
    space, runs of spaces one; a tag longer than CKAN allows is cut at a word boundary; one
    shorter is left out; repeats (ignoring case) are sent once.
    """
    tags: list[str] = []
    seen: set[str] = set()
    changes: list[TagChange] = []
    for keyword in keywords:
        tag = _SPACES.sub(" ", _TAG_REFUSED_CHARACTERS.sub(" ", keyword)).strip()
        if len(tag) > TAG_MAX_LENGTH:
            cut = tag[: TAG_MAX_LENGTH + 1].rsplit(" ", 1)[0]
            tag = (cut if len(cut) >= TAG_MIN_LENGTH else tag)[:TAG_MAX_LENGTH].rstrip()
        if len(tag) < TAG_MIN_LENGTH:
            changes.append(TagChange(keyword, None))
            continue
        if tag.casefold() in seen:
            changes.append(TagChange(keyword, None, duplicate=True))
            continue
        seen.add(tag.casefold())
        tags.append(tag)
        if tag != keyword:
            changes.append(TagChange(keyword, tag))
    return tags, changes


def _resource(catalogue: Catalogue, entry: DatasetEntry, dist: Distribution, upload: bool) -> dict:
    resource: dict[str, Any] = {
        "name": dist.title,
        "description": dist.description,
        "url": dist.access_url,
        "format": dist.file_type_uri,
        "mimetype": dist.media_type_uri,
        "license": entry.licence.uri,
        "uri": str(distribution_uri(catalogue, entry, dist)),
        "status": str(STATUS_COMPLETED),
        "language": json.dumps([str(LANGUAGE_DEU)]),
        RESOURCE_KEY: dist.key,
    }
    uploaded = upload and dist.path is not None
    # Said in both modes: CKAN keeps a resource's url_type when an update leaves it out, and an
    # "upload" resource serves the file in CKAN's storage whatever url it is given.
    resource["url_type"] = "upload" if uploaded else ""
    if not uploaded:
        # Konvention 39: a direct download is both access and download URL. ckanext-dcat
        # writes no accessURL when url equals download_url, so both are set explicitly.
        # Uploaded files get their URLs from CKAN (the resource's url) instead.
        resource["access_url"] = dist.access_url
        if dist.download_url:
            resource["download_url"] = dist.download_url
    if dist.byte_size is not None:
        resource["size"] = dist.byte_size
    if dist.sha256:
        resource["hash"] = dist.sha256
        resource["hash_algorithm"] = str(SHA256)
    if dist.conforms_to:
        resource["conforms_to"] = json.dumps([dist.conforms_to])
    if dist.is_api:
        resource["resource_type"] = "api"
        resource["access_services"] = json.dumps(
            [
                {
                    "uri": str(service_uri(catalogue)),
                    "title": f"Datasette-API {catalogue.title}",
                    "endpoint_url": [catalogue.datasette_url],
                    "endpoint_description": "https://docs.datasette.io/en/stable/json_api.html",
                }
            ]
        )
    return resource


def package_dict(catalogue: Catalogue, entry: DatasetEntry, *, upload: bool = False) -> dict:
    """The CKAN dataset for ``entry``, including its content hash extra.

    ``upload`` marks file resources as uploaded (no portal download URL); the mode is an
    extra, so switching between linking and uploading republishes every dataset.

    The hash covers every field sent (not the hash itself), so any change of metadata,
    file content (sha256) or URL changes it, and an unchanged build gives the same hash.
    """
    extras = {
        "uri": str(dataset_uri(catalogue, entry)),
        "identifier": str(dataset_uri(catalogue, entry)),
        "theme": json.dumps([f"{EU}data-theme/{t}" for t in entry.themes]),
        "frequency": f"{EU}frequency/{entry.frequency}" if entry.frequency else None,
        "temporal_start": entry.temporal_start,
        "temporal_end": entry.temporal_end,
        "spatial_uri": entry.political_geocoding_uri,
        "spatial_text": entry.spatial_name,
        "politicalGeocodingLevelURI": entry.political_geocoding_level_uri,
        "contributorID": json.dumps([entry.publisher.contributor_id]) if entry.publisher.contributor_id else None,
        "contact_name": entry.contact.name,
        "contact_email": entry.contact.email,
        "contact_url": entry.contact.url,
        "publisher_name": entry.publisher.name,
        "publisher_uri": str(publisher_uri(catalogue, None if entry.publisher == catalogue.publisher else entry)),
        "publisher_type": PUBLISHER_TYPE + entry.publisher.type,
        "publisher_url": entry.publisher.homepage,
        "issued": entry.issued,
        "modified": entry.modified,
        "language": json.dumps([str(LANGUAGE_DEU)]),
        "access_rights": str(ACCESS_PUBLIC),
        "license_uri": entry.licence.uri,
        "musterdatenkatalog": entry.musterdatenkatalog,
        MANAGED_BY_KEY: MANAGED_BY_VALUE,
        "kommune_publish_mode": "upload" if upload else "link",
    }
    package: dict[str, Any] = {
        "name": entry.id,
        "title": entry.title,
        "notes": entry.public_description,
        "url": entry.landing_page,
        "license_id": entry.licence.ckan_id,
        "owner_org": organization_name(catalogue),
        "private": False,
        "tags": [{"name": tag} for tag in ckan_tags(entry.keywords)[0]],
        "groups": [{"name": group_name(theme)} for theme in entry.themes],
        "extras": _extras(extras),
        "resources": [_resource(catalogue, entry, dist, upload) for dist in entry.distributions],
    }
    package["extras"].append({"key": HASH_KEY, "value": content_hash(package)})
    package["extras"].sort(key=lambda extra: extra["key"])
    return package


def content_hash(package: dict) -> str:
    """sha256 over the canonical JSON of a package dict, ignoring its own hash extra."""
    without_hash = {**package, "extras": [e for e in package.get("extras", []) if e["key"] != HASH_KEY]}
    canonical = json.dumps(without_hash, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def extras_of(package: dict) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in package.get("extras") or []}
