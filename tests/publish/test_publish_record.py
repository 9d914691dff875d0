"""The publish record (publish/publish_record.py): merged per catalogue, kept across failures,
read defensively, put into words for /katalog/ (the whole way: ckan/test_publish_record_page.py)."""

from __future__ import annotations

from contracts.build_folder import PUBLISH_RECORD_FILE
from publish.catalogue import read_catalogue
from publish.publish_record import PublishOutcome, read_record, record_run
from publish.site.catalogue import catalogue_rows


def outcome(outcome="updated", at="2026-12-07T11:40:00+00:00", url="https://ckan.example.org", **fields):
    ok = outcome not in ("failed", "not_attempted")
    values = dict(target="ckan", url=url, mode="link", at=at, outcome=outcome, checked="metadata")
    values["last_success"] = at if ok else None
    values.update(fields)
    return PublishOutcome(**values)


def test_runs_replace_their_catalogue_entry_and_a_failure_keeps_the_last_success(tmp_path):
    path = tmp_path / "state" / PUBLISH_RECORD_FILE
    record_run(path, {"kita": outcome(), "haushalt": outcome(url="https://andere.example.org")})
    record_run(path, {"kita": outcome("failed", at="2026-12-08T09:00:00+00:00")})
    record = read_record(path)
    [kita] = record["kita"]
    assert (kita.outcome, kita.at, kita.last_success) == (
        "failed",
        "2026-12-08T09:00:00+00:00",
        "2026-12-07T11:40:00+00:00",
    )
    assert [o.url for o in record["haushalt"]] == ["https://andere.example.org"]
    record_run(path, {"haushalt": outcome("created")})
    assert [o.url for o in read_record(path)["haushalt"]] == ["https://andere.example.org", "https://ckan.example.org"]
    assert not list(path.parent.glob("*.tmp"))


def test_a_missing_or_damaged_record_shows_nothing(tmp_path):
    assert read_record(tmp_path / "fehlt.json") == {}
    damaged = tmp_path / PUBLISH_RECORD_FILE
    for text in ("{", '{"version": 1, "datasets": {"kita": [{"outcome": "gehackt"}]}}', "[]"):
        damaged.write_text(text, encoding="utf-8")
        assert read_record(damaged) == {}


def test_rows_say_when_and_with_what_result_each_dataset_was_published(fixture_build):
    catalogue = read_catalogue(fixture_build)
    record = {
        "kita-plaetze": [outcome("failed", at="2026-12-08T09:00:00+00:00", last_success="2026-12-07T11:40:00+00:00")],
        "haushalt-ergebnisplan": [outcome("repaired", checked="downloads", mode="upload")],
    }
    rows = {row.entry.id: row for row in catalogue_rows(catalogue, record=record)}
    [kita] = rows["kita-plaetze"].published
    assert (kita.ok, kita.catalogue, kita.result) == (False, "CKAN (ckan.example.org)", "fehlgeschlagen")
    assert kita.when == "Di., 08.12.2026, 10:00 Uhr"  # shown in German local time
    assert kita.last_success == "Mo., 07.12.2026, 12:40 Uhr"
    [haushalt] = rows["haushalt-ergebnisplan"].published
    assert haushalt.ok and haushalt.result.startswith("repariert")
    assert haushalt.how == "Dateien hochgeladen; alle Dateien heruntergeladen und mit dem Build verglichen"
    assert all(not row.published for name, row in rows.items() if name not in record)
