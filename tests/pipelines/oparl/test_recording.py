"""The recording answers like an OParl server: lists, pagination, modified_since, objects."""

import datetime as dt

import pytest

from pipelines.http import FetchError
from pipelines.oparl.recording import Recording, RecordingFetcher
from tests.oparl_server import SAMPLE


@pytest.fixture(scope="module")
def recording():
    return Recording.load(SAMPLE, page_size=10)


def test_lists_are_paginated_with_next_links_until_the_last_page(recording):
    url = recording.body["paper"]
    seen, pages = [], 0
    while url:
        page = recording.answer(url)
        seen += [paper["id"] for paper in page["data"]]
        url = page["links"].get("next")
        pages += 1
    assert seen == [paper["id"] for paper in recording.lists["papers"]]
    assert pages == page["pagination"]["totalPages"] == -(-len(seen) // 10)


def test_flat_lists_carry_the_back_references_embedded_objects_omit(recording):
    items = recording.list_objects("agendaItems")
    assert items and all(item["meeting"].startswith(recording.base) for item in items)
    files = recording.list_objects("files")
    assert all(f.get("paper") or f.get("meeting") or f.get("agendaItem") for f in files)


def test_modified_since_returns_only_changes_and_the_deleted_objects(recording):
    since = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    url, received = recording.body["paper"] + "?modified_since=2026-10-01T00:00:00%2B00:00", []
    while url:
        page = recording.answer(url)
        received += page["data"]
        url = page["links"].get("next")
        assert url is None or "modified_since=" in url  # the filter stays on every page
    assert 2 < len(received) < len(recording.lists["papers"])
    for obj in received:
        assert obj.get("deleted") or dt.datetime.fromisoformat(obj["modified"]) >= since
    assert sum(bool(obj.get("deleted")) for obj in received) == 2


def test_single_objects_and_unknown_urls(recording):
    paper = recording.lists["papers"][0]
    assert recording.answer(paper["id"])["name"] == paper["name"]
    with pytest.raises(FetchError) as caught:
        RecordingFetcher(recording).get_json(recording.base + "/gibt-es-nicht")
    assert caught.value.status == 404
