"""The city-scale archive generator: seeded, proportional to the scale, and answered by the
cached recording exactly as the plain recording answers it (list pages, objects, changes)."""

from __future__ import annotations

import json

from benchmarks.city_archive import AGENDA_ITEMS, MEETINGS, PAPERS, CachedRecording, Recording, write


def test_the_archive_is_seeded_and_scaled(tmp_path):
    counts = write(tmp_path / "a", 0.001, seed=7)
    write(tmp_path / "b", 0.001, seed=7)
    assert counts["papers"] == PAPERS // 1000 and counts["meetings"] == MEETINGS // 1000
    assert counts["agenda_items"] >= AGENDA_ITEMS // 1000
    assert 0 < counts["pdf_documents"] < counts["documents"]
    for name in ("meetings.json", "papers.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    papers = json.loads((tmp_path / "a" / "papers.json").read_text(encoding="utf-8"))
    assert all(paper["consultation"] and paper["mainFile"] for paper in papers)


def test_the_cached_recording_answers_like_the_recording(tmp_path):
    write(tmp_path, 0.001, seed=7)
    plain, cached = Recording.load(tmp_path, page_size=40), CachedRecording.load(tmp_path, page_size=40)
    body = plain.body["id"]
    for name in ("papers", "agendaItems", "files", "consultations"):
        url = f"{body}/{name}"
        assert cached.answer(url + "?page=2") == plain.answer(url + "?page=2")
    paper = plain.lists["papers"][3]
    assert cached.answer(paper["id"]) == plain.answer(paper["id"])
    file = paper["mainFile"]
    assert cached.answer(file["id"]) == plain.answer(file["id"])

    changed = dict(paper, name="Geändert", modified="2030-01-01T00:00:00+00:00")
    plain.upsert("papers", changed)
    cached.upsert("papers", dict(changed))
    since = f"{body}/papers?modified_since=2029-01-01T00:00:00%2B00:00"
    assert cached.answer(since)["data"] == plain.answer(since)["data"] == [changed]
    assert cached.answer(paper["id"])["name"] == "Geändert"
