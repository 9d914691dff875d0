"""The demo export generator: seeded, German dialect, personal fields, growing online share."""

from __future__ import annotations

import re

from pipelines.demo.service_records import EXPORTS, write_demo_samples, write_export
from tests.service_support import PROJECT, raw_path, read_raw


def test_committed_samples_are_exactly_what_the_seeded_generator_writes(tmp_path):
    counts = write_demo_samples(tmp_path)
    for dataset_id, (filename, _, _) in EXPORTS.items():
        generated = (tmp_path / dataset_id / "sample" / filename).read_bytes()
        assert generated == raw_path(dataset_id).read_bytes(), (
            f"{dataset_id}: run python -m pipelines.demo.service_records datasets"
        )
        assert counts[dataset_id] == generated.count(b"\r\n") - 1


def test_samples_are_small_and_in_german_dialect():
    for dataset_id in EXPORTS:
        data = raw_path(dataset_id).read_bytes()
        assert len(data) < 2_000_000
        header = data.split(b"\r\n", 1)[0].decode("cp1252")
        assert ";" in header and "," not in header
        text = data.decode("cp1252")
        assert "ß" in text or "ü" in text
        assert re.search(r";\d\d\.\d\d\.20\d\d;", text)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise AssertionError(f"{dataset_id} should be Windows-1252, not UTF-8")
    assert re.search(r";\d+,\d;", raw_path("service-buergerbuero").read_text(encoding="cp1252"))


def test_personal_fields_are_present_for_the_privacy_rules_to_act_on():
    complaints = read_raw("service-beschwerden")
    assert all(record["email"].endswith(("example.com", "example.org", "example.net")) for record in complaints)
    assert any(
        "@" in record["beschwerdetext"] or re.search(r"\d{4,}", record["beschwerdetext"]) for record in complaints
    )


def test_bulky_waste_online_share_grows_over_the_three_years():
    records = read_raw("service-sperrmuell")

    def online_share(year_month: str) -> float:
        month = [record for record in records if f"{record['eingangsdatum']:%Y-%m}" == year_month]
        return sum(record["kanal"] == "Online-Formular" for record in month) / len(month)

    assert online_share("2023-11") < 0.15 < 0.2 < online_share("2026-10")
    assert {f"{record['eingangsdatum']:%Y-%m}" for record in records} >= {"2023-11", "2026-10"}


def test_scale_multiplies_volume_and_seed_changes_content(tmp_path):
    base = write_export("service-sperrmuell", tmp_path / "a.csv", seed=1)
    double = write_export("service-sperrmuell", tmp_path / "b.csv", seed=1, scale=2)
    other = write_export("service-sperrmuell", tmp_path / "c.csv", seed=2)
    assert 1.8 < double / base < 2.2
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()
    assert PROJECT.joinpath("datasets").is_dir() and other > 0
