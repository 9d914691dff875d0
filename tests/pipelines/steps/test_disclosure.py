"""Disclosure control on the generated demo exports: nothing personal comes out, totals are
exact, suppressed cells stay hidden and the audit tells what was done without values."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.steps.aggregate import TOTAL, AggregateSpec, Measure, record_batches
from pipelines.steps.disclosure import DisclosureConfigError, DisclosureRules, PersonalDataFound, protect
from pipelines.steps.suppression import Table
from tests.service_support import attacker_range, distinctive_personal_values, read_raw

IDENTIFIERS = ("nachname", "vorname", "geburtsdatum", "strasse", "hausnummer", "email", "telefon")
COMPLAINTS = AggregateSpec(
    "eingangsdatum", "kategorie", "kanal",
    (Measure("erledigungstage", start_field="eingangsdatum", end_field="erledigt_am", within_days=14),),
)
RULES = DisclosureRules(
    threshold=5, identifiers=IDENTIFIERS, free_text=("beschwerdetext", "bemerkung"),
    first_name_field="vorname", last_name_field="nachname",
)


@pytest.fixture(scope="module")
def complaints():
    return read_raw("service-beschwerden")


@pytest.fixture(scope="module")
def protected(complaints):
    return protect(record_batches(complaints), COMPLAINTS, RULES)


def test_no_personal_value_reaches_the_published_rows_or_the_audit(complaints, protected):
    published = json.dumps([protected.rows, protected.audit], ensure_ascii=False)
    leaked = [value for value in distinctive_personal_values(complaints) if value in published]
    assert leaked == []
    assert set(protected.columns) == {
        "monat", "kategorie", "kanal", "anzahl", "erledigungstage_mittel", "erledigungstage_median",
        "erledigungstage_anteil_bis_14_tage", "gesperrt",
    }


def test_grand_totals_match_an_independent_count(complaints, protected):
    expected = Counter(f"{record['eingangsdatum']:%Y-%m}" for record in complaints)
    published = {row["monat"]: row["anzahl"] for row in protected.rows
                 if row["kategorie"] == TOTAL and row["kanal"] == TOTAL}
    assert published == dict(expected)


def test_share_within_14_days_of_the_last_month_matches_the_raw_records(complaints, protected):
    last = max(f"{record['eingangsdatum']:%Y-%m}" for record in complaints)
    month = [record for record in complaints if f"{record['eingangsdatum']:%Y-%m}" == last]
    within = sum(1 for record in month if record["erledigt_am"] and (record["erledigt_am"] - record["eingangsdatum"]).days <= 14)
    row = next(row for row in protected.rows if row["monat"] == last and row["kategorie"] == TOTAL and row["kanal"] == TOTAL)
    assert row["erledigungstage_anteil_bis_14_tage"] == round(100 * within / len(month), 1)


def test_small_cells_are_hidden_and_no_hidden_cell_is_recoverable(complaints, protected):
    """The independent integer-programming attacker checks three months of the demo."""
    for month in ("2024-03", "2025-07", "2026-10"):
        counts = Counter()
        for record in complaints:
            if f"{record['eingangsdatum']:%Y-%m}" == month:
                for key in ((record["kategorie"], record["kanal"]), (record["kategorie"], TOTAL),
                            (TOTAL, record["kanal"]), (TOTAL, TOTAL)):
                    counts[key] += 1
        table = Table.from_counts(counts, TOTAL)
        rows = [row for row in protected.rows if row["monat"] == month]
        hidden = {(row["kategorie"], row["kanal"]) for row in rows if row["gesperrt"]}
        assert {cell for cell, value in table.counts.items() if 0 < value < 5} <= hidden
        for row in rows:
            if row["gesperrt"]:
                assert row["anzahl"] is None and row["erledigungstage_median"] is None
            else:
                assert row["anzahl"] == table.counts[(row["kategorie"], row["kanal"])]
        for cell in hidden:
            low, high = attacker_range(table.lines(), table.counts, hidden, cell)
            assert high > low, f"{month} {cell}"


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
    records = [{"datum": date(2026, 1, 1), "kontakt": f"person{number % 2}@example.com", "kanal": "E-Mail"}
               for number in range(20)]
    spec = AggregateSpec("datum", "kontakt", "kanal")
    with pytest.raises(PersonalDataFound) as raised:
        protect(record_batches(records), spec, DisclosureRules())
    assert "example.com" not in str(raised.value)
    assert {finding.kind for finding in raised.value.findings} == {"E-Mail-Adresse"}

record_lists = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.sampled_from(["x", "y", "z"]), st.integers(0, 1)),
    min_size=1, max_size=120,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_lists)
def test_published_table_alone_never_reveals_a_suppressed_count(drawn):
    """Only what is published is used: visible counts, which cells are hidden, and that
    unlisted combinations are zero. The true counts come from the records."""
    records = [{"datum": date(2026, 1 + month, 1), "zeile": row, "spalte": column} for row, column, month in drawn]
    published = protect(record_batches(records), AggregateSpec("datum", "zeile", "spalte"), DisclosureRules(threshold=5))
    for month in {row["monat"] for row in published.rows}:
        truth = Counter()
        for record in records:
            if f"{record['datum']:%Y-%m}" == month:
                for key in ((record["zeile"], record["spalte"]), (record["zeile"], TOTAL), (TOTAL, record["spalte"]), (TOTAL, TOTAL)):
                    truth[key] += 1
        rows = [row for row in published.rows if row["monat"] == month]
        labels_r = sorted({row["zeile"] for row in rows} - {TOTAL})
        labels_c = sorted({row["spalte"] for row in rows} - {TOTAL})
        known = {(r, c): 0 for r in labels_r + [TOTAL] for c in labels_c + [TOTAL]}
        hidden = set()
        for row in rows:
            key = (row["zeile"], row["spalte"])
            if row["gesperrt"]:
                hidden.add(key)
                known[key] = truth[key]  # only the solver's starting point; bounds come from `hidden`
            else:
                known[key] = row["anzahl"]
                assert row["anzahl"] == truth[key] and (row["anzahl"] >= 5 or row["anzahl"] == 0)
        lines = [([(r, c) for c in labels_c], (r, TOTAL)) for r in labels_r + [TOTAL]]
        lines += [([(r, c) for r in labels_r], (TOTAL, c)) for c in labels_c + [TOTAL]]
        for cell in hidden:
            low, high = attacker_range(lines, known, hidden, cell)
            assert low <= truth[cell] <= high and high > low
