"""Links from source data pass the portal's URL allow-list (contracts.urls) before they are written.

A refused URL is dropped, never rendered as a link, and becomes a warning in the dataset's
report naming where it came from, so the town can ask the source's operator to fix it.
"""

from __future__ import annotations

from contracts.urls import ALLOWED_SCHEMES, safe_url
from pipelines.errors import Issue

_EXPECTED = "eine Adresse mit " + ", ".join(ALLOWED_SCHEMES[:-1]) + " oder " + ALLOWED_SCHEMES[-1]


def checked_url(
    value: object, warnings: list[Issue], *, file: str | None, field: str, row: int | None = None
) -> str | None:
    """`value` as `contracts.urls.safe_url` lets it through; a value given but refused appends a
    warning (`type` unsafe-url) to `warnings` and gives None."""
    if value is None or value == "":
        return None
    url = safe_url(value)
    if url is None:
        shown = repr(value)[1:-1] if isinstance(value, str) else repr(value)
        warnings.append(
            Issue(
                f"Link entfernt, weil er kein erlaubtes Schema hat: „{shown[:120]}“",
                type="unsafe-url",
                file=file,
                row=row,
                field=field,
                expected=_EXPECTED,
            )
        )
    return url
