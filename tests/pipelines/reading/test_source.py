"""as_resource and refuse_unsupported: Frictionless decides, the fast path only takes plain CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.reading.source import FastPathUnsupported, as_resource, refuse_unsupported

BAD_INPUTS = Path(__file__).parent / "bad_inputs"
SERVICE_SCHEMA = BAD_INPUTS / "service-records.schema.json"


def test_a_plain_german_csv_is_accepted_with_frictionless_detection():
    with as_resource(BAD_INPUTS / "service-records-good.csv", SERVICE_SCHEMA) as resource:
        assert refuse_unsupported(resource) == []
        assert resource.encoding == "cp1252"
        assert resource.dialect.to_descriptor() == {"csv": {"delimiter": ";"}}


def test_every_reason_is_named_at_once():
    resource = as_resource(
        BAD_INPUTS / "service-records-renamed-header.csv",
        SERVICE_SCHEMA,
        dialect={"commentChar": "#", "csv": {"delimiter": ";"}},
    )
    with resource, pytest.raises(FastPathUnsupported) as refused:
        refuse_unsupported(resource)
    assert "comment" in str(refused.value) and "header differs" in str(refused.value)


def test_blank_and_duplicate_labels_are_returned_not_refused(reference_dir):
    with as_resource(reference_dir / "frictionless" / "duplicate-headers.csv") as resource:
        assert [error.type for error in refuse_unsupported(resource)] == ["duplicate-label", "duplicate-label"]


def test_a_resource_is_copied_and_takes_no_extra_options():
    original = as_resource(BAD_INPUTS / "service-records-good.csv", SERVICE_SCHEMA)
    copy = as_resource(original)
    assert copy is not original
    assert copy.schema.to_descriptor() == original.schema.to_descriptor()
    with pytest.raises(ValueError):
        as_resource(original, encoding="utf-8")
