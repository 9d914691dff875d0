"""Source health: when a dataset last came through whole, and whether that is too long ago.

The build report records per dataset the start of the last build that published it ok or
unchanged (`last_success`). A dataset is overdue ("veraltet") when that lies further back
than its declared frequency allows; the margins are those of the KPI `datensaetze-aktuell`
in metadata/kpis.yaml (a day's grace on top of the rhythm).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

# Times are shown as a reader in the town reads a clock.
LOCAL_TIME = ZoneInfo("Europe/Berlin")

ALLOWED_AGE_DAYS = {
    "DAILY": 2,
    "WEEKLY": 8,
    "BIWEEKLY": 15,
    "MONTHLY": 32,
    "BIMONTHLY": 62,
    "QUARTERLY": 93,
    "BIANNUAL": 184,
    "ANNUAL": 367,
    "BIENNIAL": 732,
}


def health(entry: dict[str, Any] | None, frequency: str | None, now: dt.datetime) -> dict[str, Any]:
    """`last_success` (aware datetime or None), `age` in plain German ("vor 3 Stunden"), and
    `overdue`: never succeeded, or longer ago than `frequency` allows (never for irregular ones)."""
    last = _parse((entry or {}).get("last_success"))
    allowed = ALLOWED_AGE_DAYS.get(frequency or "")
    if last is None:
        return {"last_success": None, "age": "noch nie", "overdue": allowed is not None}
    age = now - last
    return {
        "last_success": last.astimezone(LOCAL_TIME),
        "age": german_age(age),
        "overdue": allowed is not None and age > dt.timedelta(days=allowed),
    }


def german_age(age: dt.timedelta) -> str:
    """How long ago, rounded down to what a reader needs."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 2:
        return "gerade eben"
    if minutes < 120:
        return f"vor {minutes} Minuten"
    hours = minutes // 60
    if hours < 48:
        return f"vor {hours} Stunden"
    return f"vor {hours // 24} Tagen"


def _parse(value: Any) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
