"""German formatting of numbers, dates, times and reporting periods: the one module the site,
the KPIs, the feeds (Atom, iCal), the council pages and Datasette's pages format by.

Missing values, one rule for every function here: None or an empty text is shown as `MISSING`
("–", the dash German tables use for "no value"). A caller that wants words instead ("heute",
"ohne Datum") tests for the missing value itself. A text that is given but cannot be read
(a date like `2026-13-45` from a source) is shown as it stands rather than stopping the page
build: templates escape it, and the checks of the pipeline report it where it came from.

Reporting periods: `YYYY` (year), `YYYY-Qn` (quarter), `YYYY-MM` (month) or `YYYY-MM-DD` (day).
Anything else is an *unknown* period: it is shown as it is and treated as complete.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MISSING = "–"
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
WEEKDAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
# How long after its end a period's figure still counts as recent: a month's figure is old once
# three newer months have ended without data, a year's once two newer years have (annual
# statistics are usually published well into the next year).
RECENT_FOR_DAYS = {"day": 14, "month": 92, "quarter": 183, "year": 731}


def german_number(value: float | int | None, places: int | None = None) -> str:
    """`1234.5` → `1.234,5`, `1234` → `1.234`. `places` decimals if given; else none for a
    whole number and one otherwise."""
    if value is None:
        return MISSING
    if places is None:
        places = 0 if float(value).is_integer() else 1
    text = f"{value:,.{places}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def german_measurement(value: int | float) -> str:
    """A number from a query result the German way, without binary float noise.

    `105291613.66000001` → `105.291.613,66`, `0.1 + 0.2` → `0,3`, `12345` → `12.345`;
    whole numbers below 10 000 stay ungrouped (`2026`, DIN 5008), so years read as years.
    Twelve significant digits keep every figure a town publishes and drop the noise."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        number = int(value)
        return str(number) if abs(number) < 10_000 else german_number(number, 0)
    text = f"{value:.12g}"
    if "e" in text or "n" in text:  # very large or small, inf, nan: no grouping would help
        return text.replace(".", ",")
    places = len(text.split(".")[1]) if "." in text else 0
    return german_number(float(text), places)


def file_size(size: int | None) -> str:
    """`2048` → `2,0 KB` (binary units, as file managers show them)."""
    if size is None:
        return MISSING
    amount = float(size)
    for unit in ("Bytes", "KB", "MB"):
        if amount < 1024:
            return f"{german_number(amount, 0 if unit == 'Bytes' else 1)} {unit}"
        amount /= 1024
    return f"{german_number(amount, 1)} GB"


def german_date(value: str | dt.date | None) -> str:
    """`2025-01-21` (or a date, or an ISO timestamp) → `21.01.2025`."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    try:
        return f"{dt.date.fromisoformat(value[:10]):%d.%m.%Y}"
    except ValueError:
        return value


def _datetime(value: str | dt.datetime) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def german_datetime(value: str | dt.datetime | None) -> str:
    """`2025-01-21T17:00:00+01:00` → `Di., 21.01.2025, 17:00 Uhr` (local time as recorded)."""
    if value is None or value == "":
        return MISSING
    moment = _datetime(value)
    if moment is None:
        return str(value)
    return f"{WEEKDAYS[moment.weekday()]}, {moment:%d.%m.%Y, %H:%M} Uhr"


def german_time(value: str | dt.datetime | None) -> str:
    """`2025-01-21T19:00:00+01:00` → `19:00`."""
    if value is None or value == "":
        return MISSING
    moment = _datetime(value)
    return str(value) if moment is None else f"{moment:%H:%M}"


@dataclass(frozen=True)
class Period:
    text: str
    kind: str  # "year", "quarter", "month", "day" or "unknown"
    start: dt.date | None = None
    end: dt.date | None = None  # the last day that belongs to the period

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a period label; a label of no known kind gives kind "unknown" (never raises)."""
        text = str(text)
        if match := re.fullmatch(r"(\d{4})", text):
            year = int(match[1])
            return cls(text, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(match[1]), int(match[2])
            last_month = quarter * 3
            return cls(
                text,
                "quarter",
                dt.date(year, last_month - 2, 1),
                dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
            )
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12:
                return cls(
                    text, "month", dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
                )
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                return cls(text, "unknown")
            return cls(text, "day", day, day)
        return cls(text, "unknown")

    def is_running(self, today: dt.date) -> bool:
        """True while `today` lies inside the period: its figure is not final yet ("bisher")."""
        return self.start is not None and self.end is not None and self.start <= today <= self.end

    def is_complete(self, today: dt.date) -> bool:
        return self.end is None or self.end < today

    def is_old(self, today: dt.date) -> bool:
        """True when newer data should long have come: the period ended more than its kind's
        grace time (RECENT_FOR_DAYS) ago. An unknown kind is never called old."""
        if self.end is None:
            return False
        return (today - self.end).days > RECENT_FOR_DAYS[self.kind]

    @property
    def name(self) -> str:
        """The period on its own: `Oktober 2026`, `4. Quartal 2026`, `2026`, `25.11.2026`."""
        if self.start is None:
            return self.text
        if self.kind == "month":
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        if self.kind == "quarter":
            return f"{self.text[-1]}. Quartal {self.start.year}"
        if self.kind == "day":
            return german_date(self.start)
        return self.text

    @property
    def when(self) -> str:
        """The period after a preposition, as a sentence needs it: `im Oktober 2026`,
        `im 4. Quartal 2026`, `im Jahr 2026`, `am 25.11.2026`; an unknown kind: `in 2026/27`."""
        if self.kind == "year":
            return f"im Jahr {self.text}"
        if self.kind == "day":
            return f"am {self.name}"
        if self.kind == "unknown":
            return f"in {self.text}"
        return f"im {self.name}"

    @property
    def short(self) -> str:
        """A compact label for chart axes: `10/26`, `Q4/26`, `2026`."""
        if self.start is None:
            return self.text
        if self.kind == "month":
            return f"{self.start.month:02d}/{self.start.year % 100:02d}"
        if self.kind == "quarter":
            return f"Q{self.text[-1]}/{self.start.year % 100:02d}"
        if self.kind == "day":
            return f"{self.start:%d.%m.}"
        return self.text

    def year_earlier(self) -> str | None:
        """The same period one year earlier (`2026-10` → `2025-10`); None for a day or unknown kind."""
        if self.start is not None and self.kind in ("year", "quarter", "month"):
            return f"{self.start.year - 1}{self.text[4:]}"
        return None


def german_period(period: str | None) -> str:
    """`2026-10` → `Oktober 2026`, `2026-Q3` → `3. Quartal 2026`, `2026-11-25` → `25.11.2026`;
    an unknown kind as it stands."""
    return MISSING if period is None or period == "" else Period.parse(str(period)).name


def short_period(period: str | None) -> str:
    """Compact label for chart axes: `2026-10` → `10/26`, `2026-Q4` → `Q4/26`."""
    return MISSING if period is None or period == "" else Period.parse(str(period)).short
