"""Disclosure control on the generated demo exports: nothing personal comes out, totals are
exact, suppressed cells stay hidden and the audit tells what was done without values."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from pipelines.statistics.aggregate import TOTAL, AggregateSpec, Measure, record_batches
from pipelines.statistics.disclosure import DisclosureConfigError, DisclosureRules, PersonalDataFound, protect
from tests.service_support import distinctive_personal_values, read_raw

IDENTIFIERS = ("nachname", "vorname", "geburtsdatum", "strasse", "hausnummer", "email", "telefon")
COMPLAINTS = AggregateSpec(
    "eingangsdatum",
    "kategorie",
    "kanal",
    (Measure("erledigungstage", start_field="eingangsdatum", end_field="erledigt_am", within_days=14),),
)
RULES = DisclosureRules(
    threshold=5,
    identifiers=IDENTIFIERS,
    free_text=("beschwerdetext", "bemerkung"),
    first_name_field="vorname",
    last_name_field="nachname",
)


@pytest.fixture(scope="module")
def complaints():
    return read_raw("service-beschwerden")


@pytest.fixture(scope="module")
def protected(complaints):
    return protect(record_batches(complaints), COMPLAINTS, RULES)


def period_of(day: date, period: str) -> str:
    return f"{day:%Y-%m}" if period == "monat" else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def test_no_personal_value_reaches_the_published_rows_or_the_audit(complaints, protected):
    published = json.dumps([protected.rows, protected.audit], ensure_ascii=False)
    leaked = [value for value in distinctive_personal_values(complaints) if value in published]
    assert leaked == []
    assert set(protected.columns) == {
        protected.audit["period"],
        "kategorie",
        "kanal",
        "anzahl",
        "erledigungstage_mittel",
        "erledigungstage_anteil_bis_14_tage",
        "gesperrt",
    }


def test_without_declared_groups_the_sparse_complaints_are_published_per_quarter(protected):
    assert protected.audit["period"] == "quartal"
    assert protected.audit["form"] == ["quarter"]
    assert protected.audit["forms_tried"][0] == {"form": [], "hidden_share_above": 0.2}


def test_grand_totals_match_an_independent_count(complaints, protected):
    period = protected.audit["period"]
    expected = Counter(period_of(record["eingangsdatum"], period) for record in complaints)
    published = {
        row[period]: row["anzahl"] for row in protected.rows if row["kategorie"] == TOTAL and row["kanal"] == TOTAL
    }
    assert published == dict(expected)


def test_share_within_14_days_of_the_last_period_matches_the_raw_records(complaints, protected):
    period = protected.audit["period"]
    last = max(period_of(record["eingangsdatum"], period) for record in complaints)
    records = [record for record in complaints if period_of(record["eingangsdatum"], period) == last]
    within = sum(
        1
        for record in records
        if record["erledigt_am"] and (record["erledigt_am"] - record["eingangsdatum"]).days <= 14
    )
    row = next(
        row for row in protected.rows if row[period] == last and row["kategorie"] == TOTAL and row["kanal"] == TOTAL
    )
    assert row["erledigungstage_anteil_bis_14_tage"] == round(100 * within / len(records), 1)


def test_no_published_count_is_small_and_hidden_cells_show_no_statistic(protected):
    for row in protected.rows:
        if row["gesperrt"]:
            assert row["anzahl"] is None and row["erledigungstage_mittel"] is None
            assert row["erledigungstage_anteil_bis_14_tage"] is None
        else:
            assert row["anzahl"] >= 5


def test_audit_counts_suppressions_without_values(protected):
    audit = protected.audit
    suppressed = audit["cells_suppressed"]
    assert suppressed["primary"] > 0 and suppressed["secondary"] > 0
    assert suppressed["primary"] + suppressed["secondary"] == len(audit["suppressed_cells"])
    assert all(set(cell) == {"monat", "zeile", "spalte"} for cell in audit["suppressed_cells"])
    assert audit["protection_check"]["recoverable"] == 0
    assert audit["dropped"]["free_text"] == ["beschwerdetext"]
    assert "email" in audit["dropped"]["identifiers"]
    assert audit["pii_scan"]["findings"] == 0


def test_aggregating_over_an_identifier_is_refused():
    spec = AggregateSpec("eingangsdatum", "strasse", "kanal")
    with pytest.raises(DisclosureConfigError, match="`strasse`"):
        protect(record_batches([]), spec, RULES)


def test_personal_data_in_an_undeclared_dimension_fails_the_dataset():
    """A town forgot to declare the complainant's e-mail and aggregated over it."""
    records = [
        {"datum": date(2026, 1, 1), "kontakt": f"person{number % 2}@example.com", "kanal": "E-Mail"}
        for number in range(20)
    ]
    spec = AggregateSpec("datum", "kontakt", "kanal")
    with pytest.raises(PersonalDataFound) as raised:
        protect(record_batches(records), spec, DisclosureRules())
    assert "example.com" not in str(raised.value)
    assert {finding.kind for finding in raised.value.findings} == {"E-Mail-Adresse"}
