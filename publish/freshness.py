"""Freshness promises: each dataset's declared frequency becomes a due date.

Two things can break the promise, and both make a dataset overdue ("überfällig"):

- the source has not come through whole for longer than the frequency allows: the build report
  records per dataset the start of the last build that published it ok or unchanged
  (`last_success`);
- the source came through, but its data have not changed for longer than the frequency allows:
  `datapackage.json` `kommune.modified` is the last change of a published file's content. The
  build keeps it as it was when a rebuild gives the same bytes (pipelines/build.py `_modified`),
  so it survives unchanged rebuilds without any file being rewritten.

The due date is the last change plus the allowed age (the rhythm and a day's grace); irregular
and unknown frequencies promise nothing. `overdue` is decided once per build with the build's
clock and written into `portal_datasets` (publish/database.py), which the KPI
`datensaetze-ueberfaellig` counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from contracts.german import german_date

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
# How a frequency is said in German (also the site's filter `frequency_de`).
FREQUENCY_WORDS = {
    "CONT": "laufend",
    "DAILY": "täglich",
    "WEEKLY": "wöchentlich",
    "BIWEEKLY": "alle zwei Wochen",
    "MONTHLY": "monatlich",
    "BIMONTHLY": "alle zwei Monate",
    "QUARTERLY": "vierteljährlich",
    "BIANNUAL": "halbjährlich",
    "ANNUAL": "jährlich",
    "BIENNIAL": "alle zwei Jahre",
    "IRREG": "unregelmäßig",
    "NEVER": "nicht mehr",
    "UNKNOWN": "unbekannt",
}


def health(
    entry: Mapping[str, Any] | None,
    frequency: str | None,
    now: dt.datetime,
    last_change: str | None = None,
) -> dict[str, Any]:
    """The dataset's promise as of `now`:

    - `last_success` (aware datetime in local time, or None) and `age` in plain German;
    - `last_change` (aware datetime or None): when its data last changed;
    - `due` (aware datetime or None): last change (else last success) plus the allowed age;
    - `overdue` and `reason` (German, None when on time): never fetched, not fetched for too
      long, or unchanged for too long. Irregular frequencies are never overdue.
    """
    last = _parse((entry or {}).get("last_success"))
    changed = _parse(last_change)
    allowed_days = ALLOWED_AGE_DAYS.get(frequency or "")
    allowed = dt.timedelta(days=allowed_days) if allowed_days is not None else None
    rhythm = FREQUENCY_WORDS.get(frequency or "", "")
    result: dict[str, Any] = {
        "last_success": last.astimezone(LOCAL_TIME) if last else None,
        "age": german_age(now - last) if last else "noch nie",
        "last_change": changed.astimezone(LOCAL_TIME) if changed else None,
        "due": None,
        "overdue": False,
        "reason": None,
    }
    if allowed is None:
        return result
    if last is None:
        result.update(overdue=True, reason=f"Noch nie erfolgreich abgerufen; versprochen ist {rhythm}.")
        return result
    reference = changed or last
    due = reference + allowed
    result["due"] = due.astimezone(LOCAL_TIME)
    if now - last > allowed:
        result.update(
            overdue=True,
            reason=f"Seit {german_date(last.astimezone(LOCAL_TIME).date())} nicht mehr erfolgreich abgerufen; "
            f"versprochen ist {rhythm}.",
        )
    elif now > due:
        result.update(
            overdue=True,
            reason=f"Die Quelle liefert seit {german_date(reference.astimezone(LOCAL_TIME).date())} "
            f"unveränderte Daten; versprochen ist {rhythm}, fällig war eine neue Lieferung am "
            f"{german_date(due.astimezone(LOCAL_TIME).date())}.",
        )
    return result


def promises(build_report: Mapping[str, Any], packages: list[dict], now: dt.datetime) -> dict[str, dict[str, Any]]:
    """`health` of every published dataset, by id, from the build report and the packages."""
    entries = {entry["id"]: entry for entry in build_report.get("datasets", [])}
    return {
        package["name"]: health(
            entries.get(package["name"]), package["kommune"].get("frequency"), now, package["kommune"].get("modified")
        )
        for package in packages
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
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
