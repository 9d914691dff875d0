"""Field-by-field difference between the dataset CKAN holds and the one we would send."""

from __future__ import annotations

from dataclasses import dataclass

from publish.ckan.mapping import HASH_KEY, RESOURCE_KEY, extras_of

PACKAGE_FIELDS = ("title", "notes", "url", "license_id", "private")
RESOURCE_FIELDS = (
    "name",
    "description",
    "url",
    "url_type",
    "format",
    "mimetype",
    "license",
    "size",
    "hash",
    "download_url",
    "access_url",
    "uri",
    "status",
    "conforms_to",
    "access_services",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object

    def __str__(self) -> str:
        return f"{self.field}: {short_value(self.old)} → {short_value(self.new)}"


def short_value(value: object, limit: int = 80) -> str:
    text = "—" if value in (None, "", [], {}) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _norm(value: object) -> object:
    # CKAN returns numbers in resources as numbers or strings depending on the field's origin.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None if value == "" else value


def _names(items: list[dict] | None) -> list[str]:
    return sorted(item["name"] for item in items or [])


def package_changes(current: dict | None, desired: dict, *, compare_urls: bool = True) -> list[FieldChange]:
    """Every field whose value in CKAN (``current``, None if absent) differs from ``desired``.

    Resources are matched by their ``kommune_key``; ``compare_urls=False`` skips resource
    URLs (when files are uploaded, CKAN chooses their URLs).
    """
    current = current or {}
    changes: list[FieldChange] = []
    for name in PACKAGE_FIELDS:
        if _norm(current.get(name)) != _norm(desired.get(name)):
            changes.append(FieldChange(name, current.get(name), desired.get(name)))
    organization = (current.get("organization") or {}).get("name")
    if organization != desired.get("owner_org"):
        changes.append(FieldChange("organization", organization, desired.get("owner_org")))
    for name in ("tags", "groups"):
        if _names(current.get(name)) != _names(desired.get(name)):
            changes.append(FieldChange(name, _names(current.get(name)), _names(desired.get(name))))
    old_extras, new_extras = extras_of(current), extras_of(desired)
    for key in sorted(set(old_extras) | set(new_extras)):
        if key != HASH_KEY and old_extras.get(key) != new_extras.get(key):
            changes.append(FieldChange(f"extras.{key}", old_extras.get(key), new_extras.get(key)))
    old_resources = {r.get(RESOURCE_KEY): r for r in current.get("resources") or []}
    new_resources = {r[RESOURCE_KEY]: r for r in desired.get("resources") or []}
    for key in sorted(set(old_resources) | set(new_resources), key=str):
        old, new = old_resources.get(key), new_resources.get(key)
        if old is None or new is None:
            changes.append(FieldChange(f"resources[{key}]", "vorhanden" if old else None, "vorhanden" if new else None))
            continue
        for name in RESOURCE_FIELDS:
            if name == "url" and not compare_urls:
                continue
            if _norm(old.get(name)) != _norm(new.get(name)):
                changes.append(FieldChange(f"resources[{key}].{name}", old.get(name), new.get(name)))
    return changes
