"""German formatting of KPI values and reporting periods for everything a citizen reads."""

from __future__ import annotations

from publish.periods import Period
from publish.site.context import german_number as _german_number


def german_number(value: float | int | None, places: int | None = None) -> str:
    """`1234.5` → `1.234,5`; whole numbers without decimals unless `places` is given; None → `–`."""
    if value is not None and places is None:
        places = 0 if float(value).is_integer() else 1
    return _german_number(value, places or 0)


def german_period(period: str) -> str:
    """`2026-10` → `Oktober 2026`, `2026-Q3` → `3. Quartal 2026`, `2026-11-25` → `25.11.2026`.

    Anything else is returned unchanged (see publish.periods)."""
    return Period.parse(period).name


def short_period(period: str) -> str:
    """Compact label for chart axes: `2026-10` → `10/26`, `2026-Q4` → `Q4/26`."""
    return Period.parse(period).short
