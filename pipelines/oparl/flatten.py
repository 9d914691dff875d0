"""Split a harvested object into itself and the objects embedded in it, applying privacy.

OParl embeds objects in their parents (agenda items and files in meetings, consultations
and files in papers, memberships in persons, legislative terms and locations in bodies).
The harvester takes them from there instead of fetching them again: each embedded object
becomes its own entry, the parent keeps only its id, and the back-reference that the
specification leaves out for embedded objects (`AgendaItem.meeting`, `Consultation.paper`,
`Membership.person`, `LegislativeTerm.body`) is filled in from the parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.oparl import models, privacy

# (property, back-reference to set on the child) for every embedding the specification allows
FILE_PROPERTIES = {
    "Paper": ("mainFile", "auxiliaryFile"),
    "Meeting": ("invitation", "resultsProtocol", "verbatimProtocol", "auxiliaryFile"),
    "AgendaItem": ("resolutionFile", "auxiliaryFile"),
}
FILE_BACKREFERENCE = {"Paper": "paper", "Meeting": "meeting", "AgendaItem": "agendaItem"}


@dataclass
class Flattened:
    """Objects to store as (type, data, parent id) and ids that privacy rules removed."""

    keep: list[tuple[str, dict[str, Any], str | None]] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)


def flatten(obj: models.OParlObject, parent: str | None = None) -> Flattened:
    """Return `obj` and its embedded objects as separate publishable entries.

    Never raises for valid models; objects that privacy rules withhold (and everything
    embedded in them) are listed in `withheld` so the store can forget earlier versions.
    """
    result = Flattened()
    _flatten_into(obj, parent, result)
    return result


def _withhold(obj: models.OParlObject, result: Flattened) -> None:
    result.withheld.append(obj.id)
    if isinstance(obj, models.AgendaItem):
        for file in _files_of(obj):
            result.withheld.append(file.id)


def _files_of(obj: models.OParlObject) -> list[models.File]:
    files: list[models.File] = []
    for prop in FILE_PROPERTIES.get(type(obj).__name__, ()):
        value = getattr(obj, prop)
        files.extend(value if isinstance(value, list) else [value] if value is not None else [])
    return files


def _flatten_into(obj: models.OParlObject, parent: str | None, result: Flattened) -> None:
    kind = type(obj).__name__
    if isinstance(obj, models.AgendaItem) and not privacy.is_public_agenda_item(obj):
        _withhold(obj, result)
        return
    if isinstance(obj, models.File) and not privacy.is_public_file(obj):
        _withhold(obj, result)
        return
    if isinstance(obj, models.Location) and privacy.is_private_location(obj):
        _withhold(obj, result)
        return

    data = privacy.public_fields(obj)
    trimmed = [name for name in (obj.model_extra or {}).get(models.TRIMMED, ()) if name in data]
    if trimmed:
        data[models.TRIMMED] = trimmed

    for prop in FILE_PROPERTIES.get(kind, ()):
        value = getattr(obj, prop)
        files = value if isinstance(value, list) else [value] if value is not None else []
        kept_ids = []
        for file in files:
            if not privacy.is_public_file(file):
                result.withheld.append(file.id)
                continue
            file_data = privacy.public_fields(file)
            backref = FILE_BACKREFERENCE[kind]
            file_data[backref] = sorted(set(file_data.get(backref, [])) | {obj.id})
            file_data["_role"] = prop
            result.keep.append(("File", file_data, obj.id))
            kept_ids.append(file.id)
        if isinstance(value, list):
            data[prop] = kept_ids
        elif value is not None:
            if kept_ids:
                data[prop] = kept_ids[0]
            else:
                data.pop(prop, None)

    if isinstance(obj, models.Meeting):
        data["agendaItem"] = []
        for position, item in enumerate(obj.agendaItem):
            if item.meeting is None:
                item.meeting = obj.id
            if item.order is None:
                item.order = position
            if privacy.is_public_agenda_item(item):
                data["agendaItem"].append(item.id)
            _flatten_into(item, obj.id, result)
        _embed_location(obj, data, "location", result)
    elif isinstance(obj, models.Paper):
        data["consultation"] = []
        for consultation in obj.consultation:
            if consultation.paper is None:
                consultation.paper = obj.id
            data["consultation"].append(consultation.id)
            _flatten_into(consultation, obj.id, result)
        data["location"] = [loc.id if isinstance(loc, models.Location) else loc for loc in obj.location]
        for location in obj.location:
            if isinstance(location, models.Location):
                _flatten_into(location, None, result)  # shared like meeting locations
    elif isinstance(obj, models.Person):
        data["membership"] = _embed_memberships(obj, "person", result)
        if obj.locationObject is not None:
            # the person's contact address: never kept, and forgotten if stored before
            result.withheld.append(obj.locationObject.id)
        if obj.image is not None:
            result.withheld.append(obj.image.id)
    elif isinstance(obj, models.Organization):
        data["membership"] = _embed_memberships(obj, "organization", result)
        _embed_location(obj, data, "location", result)
    elif isinstance(obj, models.Body):
        data["legislativeTerm"] = [t.id if isinstance(t, models.LegislativeTerm) else t for t in obj.legislativeTerm]
        for term in obj.legislativeTerm:
            if isinstance(term, models.LegislativeTerm):
                if term.body is None:
                    term.body = obj.id
                _flatten_into(term, obj.id, result)
        _embed_location(obj, data, "location", result)

    result.keep.append((kind, data, parent))


def _embed_memberships(obj: models.Person | models.Organization, backreference: str, result: Flattened) -> list[str]:
    """Flatten embedded memberships (setting their person or organization); return all ids."""
    ids = []
    for membership in obj.membership:
        if isinstance(membership, models.Membership):
            if getattr(membership, backreference) is None:
                setattr(membership, backreference, obj.id)
            _flatten_into(membership, obj.id, result)
            ids.append(membership.id)
        else:
            ids.append(membership)
    return ids


def _embed_location(obj: models.OParlObject, data: dict[str, Any], prop: str, result: Flattened) -> None:
    location = getattr(obj, prop)
    if isinstance(location, models.Location):
        data[prop] = location.id
        # no parent: one location (the town hall) is embedded in many meetings, and deleting
        # one meeting must not take it away from the others
        _flatten_into(location, None, result)
