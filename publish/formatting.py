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


def german_measurement(value: int | float) -> str:
    """A number from a query result the German way, without binary float noise.

    `105291613.66000001` → `105.291.613,66`, `0.1 + 0.2` → `0,3`, `12345` → `12.345`;
    whole numbers below 10 000 stay ungrouped (`2026`, DIN 5008), so years read as years.
    Twelve significant digits keep every figure a town publishes and drop the noise."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        number = int(value)
        return str(number) if abs(number) < 10_000 else _german_number(number, 0)
    text = f"{value:.12g}"
    if "e" in text or "n" in text:  # very large or small, inf, nan: no grouping would help
        return text.replace(".", ",")
    places = len(text.split(".")[1]) if "." in text else 0
    return _german_number(float(text), places)
