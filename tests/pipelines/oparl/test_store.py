"""The object store: cascades, annotations and saving."""

from pipelines.oparl.store import ObjectStore


def test_removing_a_parent_removes_what_was_embedded_in_it(tmp_path):
    store = ObjectStore()
    store.put("Meeting", {"id": "m"}, None)
    store.put("AgendaItem", {"id": "a"}, "m")
    store.put("File", {"id": "f", "_role": "auxiliaryFile"}, "a")
    store.put("Paper", {"id": "p"}, None)
    assert len(store.remove("m")) == 3
    assert list(store.objects) == ["p"]


def test_a_flat_list_copy_keeps_parent_role_and_merges_back_references(tmp_path):
    store = ObjectStore()
    store.put("File", {"id": "f", "_role": "mainFile", "paper": ["p1"]}, "p1")
    store.put("File", {"id": "f", "paper": ["p2"]}, None)
    stored = store.get("f")
    assert stored.parent == "p1" and stored.data["_role"] == "mainFile" and stored.data["paper"] == ["p1", "p2"]
    store.save(tmp_path / "objects.json")
    loaded = ObjectStore.load(tmp_path / "objects.json")
    assert loaded.get("f") == stored and loaded.children_of("p1") == ["f"]


def test_a_missing_store_file_is_an_empty_store(tmp_path):
    assert len(ObjectStore.load(tmp_path / "none.json")) == 0
