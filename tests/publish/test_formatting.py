"""German numbers and periods."""

from publish.formatting import german_number, german_period, short_period


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
