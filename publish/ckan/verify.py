"""Does CKAN serve what we built? CKAN's answer (package_show) against the dataset we sent,
and on request every file downloaded from the address CKAN gives for it, against the build's
sha256.

A CKAN can hold our content hash and still serve something else: a resource that stayed
``url_type=upload`` after a switch to linking serves the old file from CKAN's storage, and a
file can be replaced by hand. So the publisher checks the resources themselves, not only the
hash, before it calls a dataset unchanged and after every write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from publish.ckan.diff import short_value
from publish.ckan.mapping import RESOURCE_KEY

# A download is read only up to the size we built plus one byte (more cannot match);
# without a declared size it stops here.
MAX_DOWNLOAD_BYTES = 2 * 1024**3
DOWNLOAD_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Mismatch:
    """One resource property that CKAN serves differently from the build."""

    resource: str
    field: str
    ckan: object
    built: object

    def __str__(self) -> str:
        return f"{self.resource}: {self.field} in CKAN {short_value(self.ckan)}, gebaut {short_value(self.built)}"


def _text(value: object) -> str:
    # CKAN answers sizes as numbers or strings, and an unset url_type as None or "".
    return "" if value is None else str(value)


def resource_mismatches(stored: dict, desired: dict) -> list[Mismatch]:
    """Each resource's url, url_type, size and hash as CKAN answers them, against ``desired``.

    An uploaded file's url is CKAN's own download address (``…/resource/<id>/download/<file>``),
    so for uploads the file name and the resource id in it are checked.
    """
    mismatches: list[Mismatch] = []
    have = {r.get(RESOURCE_KEY): r for r in stored.get("resources") or []}
    wanted_keys = {r[RESOURCE_KEY] for r in desired["resources"]}
    for key in sorted(set(have) - wanted_keys, key=str):
        mismatches.append(Mismatch(str(key), "Ressource", "vorhanden", None))
    for wanted in desired["resources"]:
        key = wanted[RESOURCE_KEY]
        resource = have.get(key)
        if resource is None:
            mismatches.append(Mismatch(key, "Ressource", None, "vorhanden"))
            continue
        if _text(resource.get("url_type")) != _text(wanted.get("url_type")):
            mismatches.append(Mismatch(key, "url_type", resource.get("url_type"), wanted.get("url_type")))
        url = _text(resource.get("url"))
        if wanted.get("url_type") == "upload":
            # CKAN lower-cases uploaded file names (ckan.lib.munge.munge_filename); ours are
            # Frictionless resource paths, which have no other characters it would change.
            if not url.lower().endswith(f"/resource/{resource.get('id')}/download/{key}".lower()):
                mismatches.append(Mismatch(key, "url", url, f"…/resource/{resource.get('id')}/download/{key}"))
        elif url != _text(wanted.get("url")):
            mismatches.append(Mismatch(key, "url", url, wanted.get("url")))
        for name in ("size", "hash"):
            if _text(resource.get(name)) != _text(wanted.get(name)):
                mismatches.append(Mismatch(key, name, resource.get(name), wanted.get(name)))
    return mismatches


def download_mismatches(stored: dict, desired: dict, session: requests.Session, timeout: float) -> list[Mismatch]:
    """Download every file resource from the url CKAN gives and compare its sha256 with the build's.

    No token is sent: a linked file lies on the portal's server, and what the public gets is
    what counts. A download that fails counts as a mismatch.
    """
    mismatches: list[Mismatch] = []
    have = {r.get(RESOURCE_KEY): r for r in stored.get("resources") or []}
    for wanted in desired["resources"]:
        key, built = wanted[RESOURCE_KEY], wanted.get("hash")
        resource = have.get(key)
        if not built or resource is None:
            continue  # API views have no file; a missing resource is already a mismatch
        limit = int(wanted["size"]) + 1 if wanted.get("size") is not None else MAX_DOWNLOAD_BYTES
        served = _sha256_of_download(_text(resource.get("url")), session, timeout, limit)
        if served != built:
            mismatches.append(Mismatch(key, "Download (sha256)", served, built))
    return mismatches


def _sha256_of_download(url: str, session: requests.Session, timeout: float, limit: int) -> str:
    """The sha256 of what ``url`` serves, or a German reason why there is none."""
    if urlsplit(url).scheme not in ("http", "https"):
        return f"keine http(s)-Adresse: {url!r}"
    digest, read = hashlib.sha256(), 0
    try:
        with session.get(url, stream=True, timeout=timeout, allow_redirects=True) as answer:
            if answer.status_code != 200:
                return f"nicht abrufbar (HTTP {answer.status_code})"
            for chunk in answer.iter_content(DOWNLOAD_CHUNK):
                read += len(chunk)
                if read > limit:
                    return f"größer als gebaut (mehr als {limit - 1} Bytes)"
                digest.update(chunk)
    except requests.RequestException as error:
        return f"nicht abrufbar ({type(error).__name__})"
    return digest.hexdigest()
