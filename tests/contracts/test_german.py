"""German numbers and periods."""

from contracts.german import german_number, german_period, short_period


def test_numbers():
    assert german_number(1234.56) == "1.234,6"
    assert german_number(1234) == "1.234"
    assert german_number(3.0) == "3"
    assert german_number(0.5, places=2) == "0,50"


def test_periods():
    assert german_period("2026-03") == "März 2026"
    assert german_period("2026-Q3") == "3. Quartal 2026"
    assert german_period("2026-11-25") == "25.11.2026"
    assert german_period("2026") == "2026"
    assert short_period("2026-03") == "03/26"


def test_a_missing_value_reads_as_a_dash_everywhere():
    from contracts.german import MISSING, file_size, german_date, german_datetime, german_time

    assert MISSING == "–"
    for format_value in (
        german_number,
        german_date,
        german_datetime,
        german_time,
        german_period,
        short_period,
        file_size,
    ):
        assert format_value(None) == MISSING, format_value
    for format_text in (german_date, german_datetime, german_time, german_period, short_period):
        assert format_text("") == MISSING, format_text


def test_dates_and_times():
    import datetime as dt

    from contracts.german import german_date, german_datetime, german_time

    assert german_date("2025-01-21") == german_date(dt.date(2025, 1, 21)) == "21.01.2025"
    assert german_date("2025-01-21T17:00:00+01:00") == "21.01.2025"
    assert german_datetime("2025-01-21T17:00:00+01:00") == "Di., 21.01.2025, 17:00 Uhr"
    assert german_time("2025-01-21T19:05:00+01:00") == "19:05"


def test_a_text_that_is_no_date_stands_as_it_is():
    from contracts.german import german_date, german_datetime, german_time

    assert german_date("2026-13-45") == "2026-13-45"
    assert german_datetime("morgen") == "morgen" and german_time("abends") == "abends"


def test_file_sizes_and_measurements():
    from contracts.german import file_size, german_measurement

    assert file_size(512) == "512 Bytes" and file_size(2048) == "2,0 KB" and file_size(3 * 1024**4) == "3.072,0 GB"
    assert german_measurement(105291613.66000001) == "105.291.613,66" and german_measurement(2026) == "2026"
