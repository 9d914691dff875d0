"""checked_url: the allow-list applied to source data, with a warning per refused URL."""

from __future__ import annotations

from pipelines.errors import Issue
from pipelines.links import checked_url


def test_a_refused_url_is_dropped_and_named_in_a_warning():
    warnings: list[Issue] = []
    assert checked_url("java\tscript:alert(1)", warnings, file="https://ris.example/file/1", field="accessUrl") is None
    assert len(warnings) == 1
    warning = warnings[0]
    assert (warning.type, warning.file, warning.field) == ("unsafe-url", "https://ris.example/file/1", "accessUrl")
    assert "java\\tscript:alert(1)" in warning.message  # control characters shown, not executed
    assert warning.expected == "eine Adresse mit http, https oder mailto"


def test_good_and_missing_urls_give_no_warning():
    warnings: list[Issue] = []
    assert checked_url("https://ris.example/a b.pdf", warnings, file=None, field="x") == "https://ris.example/a%20b.pdf"
    assert checked_url(None, warnings, file=None, field="x") is None
    assert checked_url("", warnings, file=None, field="x") is None
    assert warnings == []
