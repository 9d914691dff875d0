"""Harvesting the demo system from a real HTTP server on 127.0.0.1, with faults injected."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from collections import Counter

import pytest

from pipelines.http import HttpClient, HttpSettings
from pipelines.oparl.client import HttpJsonFetcher
from pipelines.oparl.harvester import STORE_FILE, Harvester, HarvestFailed, state_folder
from pipelines.oparl.store import ObjectStore


@pytest.fixture
def server(oparl_server):
    return oparl_server


@pytest.fixture
def waits(monkeypatch):
    """The pauses the client asks for. time.sleep is replaced by a recorder (the only stand-in
    in these tests) so that backoff and Retry-After can be checked without spending the time."""
    asked: list[float] = []
    monkeypatch.setattr(time, "sleep", asked.append)
    return asked


def harvest(server, state_dir=None, retries=3):
    settings = HttpSettings(timeout=10, retries=retries, backoff=0.5, max_backoff=60)
    with HttpClient(server.cache_dir, settings) as http:
        client = HttpJsonFetcher(http)
        result = Harvester(client, server.system_url, state_dir=state_dir).run()
    return result, client


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def first_paper(server) -> dict:
    return server.recording.lists["papers"][0]


def test_full_harvest_takes_every_object_once_without_fetching_embedded_objects(server):
    result, client = harvest(server)
    counts = Counter(result.store.type_counts())
    assert counts["Paper"] == len(server.recording.lists["papers"])
    assert counts["Meeting"] == len(server.recording.lists["meetings"])
    assert counts["Person"] == 40
    assert counts["Consultation"] == len(server.recording.list_objects("consultations"))
    assert counts["AgendaItem"] == len(server.recording.list_objects("agendaItems")) - 6  # six are non-public
    assert not result.issues
    # only the system, the body list, and list pages were asked for: never a single embedded object
    single_objects = [p for p in server.requests if "/agendaitem/" in p or "/consultation/" in p or "/file/" in p]
    assert single_objects == []
    assert len(server.requests) == client.requests_made == result.pages


def test_embedded_objects_get_their_back_references(server):
    result, _ = harvest(server)
    for item in result.store.of_type("AgendaItem"):
        assert item["meeting"] in result.store
    for consultation in result.store.of_type("Consultation"):
        assert result.store.get(consultation["paper"]).type == "Paper"


def test_incremental_harvest_asks_only_for_changes_and_applies_them(server, tmp_path):
    full, _ = harvest(server, tmp_path)
    assert not full.incremental
    paper = copy.deepcopy(first_paper(server))
    paper["name"] = "Geänderter Titel der Vorlage"
    paper["modified"] = now().isoformat()
    server.recording.upsert("papers", paper)
    server.requests.clear()

    again, _ = harvest(server, tmp_path)

    assert again.incremental
    list_requests = [p for p in server.requests if "/body/1/" in p]
    assert list_requests and all("modified_since=" in p for p in list_requests)
    assert again.store.get(paper["id"]).data["name"] == "Geänderter Titel der Vorlage"
    assert again.objects_received < 20  # the changed paper and its embedded objects, not the whole system
    assert len(again.store) == len(full.store)


def test_deleted_objects_are_removed_with_everything_embedded_in_them(server, tmp_path):
    harvest(server, tmp_path)
    paper = first_paper(server)
    embedded = [c["id"] for c in paper["consultation"]] + [paper["mainFile"]["id"]]
    server.recording.delete("papers", paper["id"], now())

    result, _ = harvest(server, tmp_path)

    assert paper["id"] not in result.store
    assert not [oid for oid in embedded if oid in result.store]
    assert result.objects_removed >= 1 + len(embedded)
    count = len(result.store)
    result.store.close()
    saved = ObjectStore(state_folder(tmp_path, server.system_url) / STORE_FILE)
    assert paper["id"] not in saved and len(saved) == count


def test_a_500_and_a_429_mid_list_are_retried_honouring_retry_after(server, waits):
    server.fail("/papers?page=3", 500, times=2)
    server.fail("/meetings?page=2", 429, times=1, retry_after="7")
    result, client = harvest(server)
    assert not result.issues
    assert Counter(result.store.type_counts())["Paper"] == len(server.recording.lists["papers"])
    assert waits == [7.0, 0.5, 1.0]  # Retry-After on the meetings page, then backoff for the two 500s


def test_a_page_that_keeps_failing_is_reported_and_the_rest_is_kept(server, tmp_path, waits):
    server.fail("/papers?page=3", 503, times=-1)
    result, _ = harvest(server, tmp_path)
    page_issues = [i for i in result.issues if i.kind == "page"]
    assert len(page_issues) == 1 and "/papers?page=3" in page_issues[0].url and "503" in page_issues[0].message
    papers = Counter(result.store.type_counts())["Paper"]
    assert papers == 50  # the two pages before the broken one
    assert Counter(result.store.type_counts())["Meeting"] == len(server.recording.lists["meetings"])

    server.faults.clear()
    server.requests.clear()
    healed, _ = harvest(server, tmp_path)
    # the unfinished list is walked in full again, the finished ones only for changes
    assert any(p.endswith("/papers") for p in server.requests)
    assert all("modified_since=" in p for p in server.requests if "/meetings" in p)
    assert Counter(healed.store.type_counts())["Paper"] == len(server.recording.lists["papers"])


def test_a_truncated_json_page_is_retried_then_reported(server, waits):
    server.truncate("/persons?page=1", times=1)
    result, _ = harvest(server)
    assert not result.issues
    server.faults.clear()
    server.requests.clear()
    server.truncate("/persons?page=2", times=-1)
    result, _ = harvest(server)
    assert [i.kind for i in result.issues] == ["page"]
    assert "kein gültiges JSON" in result.issues[0].message
    assert sum("/persons?page=2" in p for p in server.requests) == 3  # asked three times
    assert Counter(result.store.type_counts())["Person"] == 25


def test_a_looping_next_link_is_stopped_and_reported(server):
    server.loop("/organizations")
    result, _ = harvest(server)
    assert [i.kind for i in result.issues] == ["loop"]
    assert Counter(result.store.type_counts())["Organization"] == 15
    # the list URL itself, then its page 1 (a different URL); page 1 pointing to itself again stops it
    assert sum("/organizations" in p for p in server.requests) == 2


def test_an_object_breaking_the_schema_is_reported_by_url_and_skipped(server):
    broken = copy.deepcopy(first_paper(server))
    broken["date"] = "31.02.2026"
    server.recording.upsert("papers", broken)
    result, _ = harvest(server)
    object_issues = [i for i in result.issues if i.kind == "object"]
    assert [i.url for i in object_issues] == [broken["id"]]
    assert "date" in object_issues[0].message
    assert broken["id"] not in result.store
    assert Counter(result.store.type_counts())["Paper"] == len(server.recording.lists["papers"]) - 1


def test_an_unreachable_system_fails_the_whole_harvest(server, waits):
    server.fail("/system", 500, times=-1)
    with pytest.raises(HarvestFailed) as caught:
        harvest(server, retries=1)
    assert "/system" in caught.value.url


def test_non_public_and_personal_data_never_reach_the_state_directory(server, tmp_path):
    result, _ = harvest(server, tmp_path)
    # the store is SQLite: its text is UTF-8 between binary page headers
    saved = "".join(
        p.read_bytes().decode("utf-8", errors="ignore") for p in state_folder(tmp_path, server.system_url).iterdir()
    )
    assert "Tanja Pieper" in saved  # a council member's name is public, and readable here
    for forbidden in (
        "Flurstück 4711",
        "Personalangelegenheit",
        "02389 555-0173",
        "h.privat0173@mailbox.example",
        "Amselweg 7",
        "Privat erreichbar",
        "ratsbuero@werne.example",
        "nichtöffentlich",
    ):
        assert forbidden not in saved
    for person in result.store.of_type("Person"):
        assert set(person) <= {
            "id",
            "type",
            "body",
            "name",
            "familyName",
            "givenName",
            "formOfAddress",
            "affix",
            "title",
            "membership",
            "created",
            "modified",
            "deleted",
            "web",
        }
    assert all(item.get("public", True) for item in result.store.of_type("AgendaItem"))


def test_a_url_that_is_not_a_system_is_named_as_the_mistake(server):
    with pytest.raises(HarvestFailed) as caught, HttpClient(server.cache_dir, HttpSettings(retries=0)) as http:
        Harvester(HttpJsonFetcher(http), server.recording.body["id"]).run()
    assert "kein System" in caught.value.message


def test_an_oparl_1_0_system_without_flat_lists_is_harvested_from_embedded_objects():
    """1.0 bodies have no agendaItem/consultation/file/membership lists and agenda items no `order`:
    everything must come from the objects embedded in meetings, papers and persons."""
    from pipelines.oparl.recording import Recording, RecordingFetcher
    from tests.oparl_server import SAMPLE

    as_1_1 = Recording.load(SAMPLE)
    text = json.dumps({"system": as_1_1.system, "body": as_1_1.body, "lists": as_1_1.lists})
    old = json.loads(text.replace("https://schema.oparl.org/1.1/", "https://schema.oparl.org/1.0/"))
    for flat in ("agendaItem", "consultation", "file", "membership", "locationList", "legislativeTermList"):
        del old["body"][flat]
    for meeting in old["lists"]["meetings"]:
        for item in meeting["agendaItem"]:
            del item["order"]
    recording = Recording(**old)
    result = Harvester(RecordingFetcher(recording), recording.system["id"]).run()
    full = Harvester(RecordingFetcher(as_1_1), as_1_1.system["id"]).run()
    assert not result.issues
    assert result.store.type_counts() == full.store.type_counts()
    orders = [
        item["order"]
        for item in result.store.of_type("AgendaItem")
        if item["meeting"] == old["lists"]["meetings"][0]["id"]
    ]
    assert sorted(orders) == list(range(len(orders)))


def test_deleting_a_meeting_keeps_the_location_other_meetings_share(server, tmp_path):
    harvest(server, tmp_path)
    # the last meeting in the list is the last to embed the shared town-hall location
    meeting = server.recording.lists["meetings"][-1]
    server.recording.delete("meetings", meeting["id"], now())
    result, _ = harvest(server, tmp_path)
    assert meeting["id"] not in result.store
    for other in result.store.of_type("Meeting"):
        assert other["location"] in result.store


def test_a_broken_agenda_item_is_reported_and_its_meeting_kept(server):
    meeting = copy.deepcopy(server.recording.lists["meetings"][2])
    broken = meeting["agendaItem"][1]
    broken["order"] = "zweiter Punkt"
    server.recording.upsert("meetings", meeting)
    result, _ = harvest(server)
    assert meeting["id"] in result.store
    assert broken["id"] not in result.store or result.store.get(broken["id"]).data["order"] != "zweiter Punkt"
    assert [i.url for i in result.issues if i.kind == "object"][:1] == [broken["id"]]


def test_a_referenced_object_no_list_delivers_is_fetched_or_named_as_a_warning(server):
    meeting = copy.deepcopy(server.recording.lists["meetings"][1])
    meeting["location"] = server.base + "/location/9999"
    server.recording.upsert("meetings", meeting)
    result, _ = harvest(server, retries=0)
    (issue,) = result.issues
    assert issue.kind == "reference" and issue.url == server.base + "/location/9999"
    assert meeting["id"] in issue.message and "404" in issue.message
    assert not result.incomplete  # a warning, the lists themselves are complete


def test_deletion_markers_without_type_are_counted_per_type_with_everything_embedded(server, tmp_path):
    harvest(server, tmp_path)
    meeting = server.recording.lists["meetings"][0]
    items = [item["id"] for item in meeting["agendaItem"] if item.get("public", True)]
    server.recording.delete("meetings", meeting["id"], now(), with_type=False)
    result, _ = harvest(server, tmp_path)
    assert not result.issues
    assert result.deletions["Meeting"] == [meeting["id"]]
    assert set(items) <= set(result.deletions["AgendaItem"])
    assert not [oid for oid in items if oid in result.store]


def test_a_list_delivering_fewer_objects_than_announced_is_incomplete(server):
    server.overstate("/persons", 2)
    result, _ = harvest(server)
    assert [(i.kind, i.url.rsplit("/", 1)[1]) for i in result.incomplete] == [("count", "persons")]
    assert "42" in result.incomplete[0].message and "40" in result.incomplete[0].message
