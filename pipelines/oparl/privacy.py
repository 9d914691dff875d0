"""What of a council information system may be published, decided per object.

Rules (the harvester applies them before anything is stored, so personal data never
reaches the state directory or `build/`):
- agenda items with `public: false` are dropped together with their files;
- files that are marked non-public by name, file name or keyword are dropped, and so are
  person images;
- of a person only name parts, academic title, form of address and the link to the
  memberships are kept (party and faction follow from the memberships); phone numbers,
  e-mail addresses, postal addresses, images, biographies and vendor fields are dropped;
- locations only referenced by persons (private addresses) are dropped;
- body contact names and e-mail addresses are dropped (real systems put a clerk's
  personal name and address there).
"""

from __future__ import annotations

import re
from typing import Any

from pipelines.oparl import models

NON_PUBLIC_PATTERN = re.compile(r"nicht[\s_-]*(?:ö|oe|o)ffentlich|\bnö\b|vertraulich", re.IGNORECASE)

PERSON_FIELDS = frozenset(
    {
        "id",
        "type",
        "body",
        "name",
        "familyName",
        "givenName",
        "formOfAddress",
        "affix",
        "title",
        "membership",
        "created",
        "modified",
        "deleted",
        "web",
    }
)
BODY_DROPPED_FIELDS = frozenset({"contactEmail", "contactName"})


def is_public_agenda_item(item: models.AgendaItem) -> bool:
    """False only when the source says the item is not public (`public: false`).

    A missing `public` counts as public: the specification makes the field optional and
    systems omit it for ordinary public items; the non-public name check below still applies.
    """
    return item.public is not False and not NON_PUBLIC_PATTERN.search(item.name or "")


def is_public_file(file: models.File) -> bool:
    """False when name, file name or a keyword marks the file as non-public."""
    texts = [file.name or "", file.fileName or "", *file.keyword]
    return not any(NON_PUBLIC_PATTERN.search(text) for text in texts)


def is_private_location(location: models.Location) -> bool:
    """True for a location that only persons refer to (a private or contact address)."""
    extra = location.model_extra or {}
    referenced_by_persons = bool(extra.get("persons"))
    referenced_publicly = any(extra.get(key) for key in ("bodies", "organizations", "meetings", "papers"))
    return referenced_by_persons and not referenced_publicly


def public_fields(obj: models.OParlObject) -> dict[str, Any]:
    """The publishable fields of one object as plain JSON values (declared fields only).

    Vendor extension fields are never kept: nobody has checked them for personal data.
    """
    allowed = set(type(obj).model_fields)
    if isinstance(obj, models.Person):
        allowed &= PERSON_FIELDS
    if isinstance(obj, models.Body):
        allowed -= BODY_DROPPED_FIELDS
    return obj.model_dump(mode="json", include=allowed, exclude_none=True)
