"""Reporting periods of KPI series: what kind a period is, whether it is over yet, how it reads
in German, and whether a figure's newest period is old.

A KPI period is one of `YYYY` (year), `YYYY-Qn` (quarter), `YYYY-MM` (month) or `YYYY-MM-DD`
(day). Anything else is an *unknown* period: it is shown as it is and treated as complete.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)
# How long after its end a period's figure still counts as recent: a month's figure is old once
# three newer months have ended without data, a year's once two newer years have (annual
# statistics are usually published well into the next year).
RECENT_FOR_DAYS = {"day": 14, "month": 92, "quarter": 183, "year": 731}


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
            return cls(text, "quarter", dt.date(year, last_month - 2, 1),
                       dt.date(year, last_month, calendar.monthrange(year, last_month)[1]))
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12:
                return cls(text, "month", dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
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
        start = self.start  # None only for an unknown kind
        if start is None:
            return self.text
        if self.kind == "month":
            return f"{MONTHS[start.month - 1]} {start.year}"
        if self.kind == "quarter":
            return f"{self.text[-1]}. Quartal {start.year}"
        if self.kind == "day":
            return start.strftime("%d.%m.%Y")
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
        start = self.start  # None only for an unknown kind
        if start is None:
            return self.text
        if self.kind == "month":
            return f"{start.month:02d}/{start.year % 100:02d}"
        if self.kind == "quarter":
            return f"Q{self.text[-1]}/{start.year % 100:02d}"
        if self.kind == "day":
            return start.strftime("%d.%m.")
        return self.text

    def year_earlier(self) -> str | None:
        """The same period one year earlier (`2026-10` → `2025-10`); None for a day or unknown kind."""
        if self.kind in ("year", "quarter", "month") and self.start is not None:
            return f"{self.start.year - 1}{self.text[4:]}"
        return None
