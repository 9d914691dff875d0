"""Reporting periods: kinds, running versus complete, German names, old data."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.german import Period, german_period, short_period

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    "text, when, name",
    [
        ("2026", "im Jahr 2026", "2026"),
        ("2026-Q4", "im 4. Quartal 2026", "4. Quartal 2026"),
        ("2026-10", "im Oktober 2026", "Oktober 2026"),
        ("2026-03", "im März 2026", "März 2026"),
        ("2026-11-25", "am 25.11.2026", "25.11.2026"),
        ("2025/26", "in 2025/26", "2025/26"),
    ],
)
def test_every_period_kind_reads_as_correct_german(text, when, name):
    period = Period.parse(text)
    assert (period.when, period.name) == (when, name)
    assert german_period(text) == name


@pytest.mark.parametrize(
    "text, running",
    [
        ("2026-12", True),
        ("2026-11", False),
        ("2026-Q4", True),
        ("2026-Q3", False),
        ("2026", True),
        ("2025", False),
        ("2026-12-07", True),
        ("2026-12-06", False),
        ("2027-01", False),
    ],
)
def test_a_period_runs_while_today_lies_inside_it(text, running):
    period = Period.parse(text)
    assert period.is_running(TODAY) is running
    # A future period is neither running nor complete; a past one is complete.
    assert period.is_complete(TODAY) is (period.end < TODAY)


def test_period_boundaries_follow_the_calendar():
    assert Period.parse("2024-02").end == dt.date(2024, 2, 29)  # leap year
    assert Period.parse("2026-Q1").start == dt.date(2026, 1, 1) and Period.parse("2026-Q1").end == dt.date(2026, 3, 31)
    assert Period.parse("2026-13").kind == "unknown" and Period.parse("2026-02-30").kind == "unknown"
    assert Period.parse("aktuell").is_complete(TODAY) and not Period.parse("aktuell").is_running(TODAY)


def test_old_data_is_named_per_period_kind():
    assert not Period.parse("2026-09").is_old(TODAY)
    assert Period.parse("2026-08").is_old(TODAY)  # three newer months ended without data
    assert not Period.parse("2024").is_old(TODAY)  # annual statistics come a year late
    assert Period.parse("2006").is_old(TODAY)
    assert not Period.parse("sonstwann").is_old(TODAY)


def test_short_axis_labels_and_year_earlier():
    assert [short_period(p) for p in ("2026-03", "2026-Q4", "2026")] == ["03/26", "Q4/26", "2026"]
    assert Period.parse("2026-Q4").year_earlier() == "2025-Q4" and Period.parse("2026-11-25").year_earlier() is None
