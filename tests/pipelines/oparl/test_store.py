"""The object store: cascades, annotations, saving, revisions and scans done by SQLite."""

from pipelines.oparl.store import ObjectStore


def test_removing_a_parent_removes_what_was_embedded_in_it():
    store = ObjectStore()
    store.put("Meeting", {"id": "m"}, None)
    store.put("AgendaItem", {"id": "a"}, "m")
    store.put("File", {"id": "f", "_role": "auxiliaryFile"}, "a")
    store.put("Paper", {"id": "p"}, None)
    assert len(store.remove("m")) == 3
    assert store.ids() == ["p"]


def test_a_flat_list_copy_keeps_parent_role_and_merges_back_references(tmp_path):
    store = ObjectStore(tmp_path / "objects.sqlite")
    store.put("File", {"id": "f", "_role": "mainFile", "paper": ["p1"]}, "p1")
    store.put("File", {"id": "f", "paper": ["p2"]}, None)
    stored = store.get("f")
    assert stored.parent == "p1" and stored.data["_role"] == "mainFile" and stored.data["paper"] == ["p1", "p2"]
    store.commit()
    store.close()
    loaded = ObjectStore(tmp_path / "objects.sqlite")
    assert loaded.get("f") == stored and loaded.children_of("p1") == ["f"]


def test_a_new_store_is_empty():
    assert len(ObjectStore()) == 0


def test_what_is_not_committed_is_not_saved(tmp_path):
    """A harvest that crashes before its commit leaves the previous state as it was."""
    store = ObjectStore(tmp_path / "objects.sqlite")
    store.put("Paper", {"id": "p1"}, None)
    store.write_meta("state", "first")
    store.commit()
    store.put("Paper", {"id": "p2"}, None)
    store.remove("p1")
    store.write_meta("state", "second")
    store.close()
    again = ObjectStore(tmp_path / "objects.sqlite")
    assert again.ids() == ["p1"] and again.read_meta("state") == "first"


def test_the_revision_changes_only_when_an_object_does(tmp_path):
    store = ObjectStore(tmp_path / "objects.sqlite")
    store.put("Paper", {"id": "p", "name": "Haushalt", "keyword": ["a"]}, None)
    store.commit()
    first = store.revision
    # the same object again, its keys in another order, and new list timestamps: same revision
    store.put("Paper", {"keyword": ["a"], "name": "Haushalt", "id": "p"}, None)
    store.write_meta("state", "{}")
    assert not store.changed
    store.commit()
    assert store.revision == first
    store.put("Paper", {"id": "p", "name": "Haushalt 2027", "keyword": ["a"]}, None)
    assert store.changed == {"p"}
    store.commit()
    assert store.revision not in ("", first)
    store.remove("p")
    store.commit()
    assert len({first, store.revision}) == 2 and not store.changed


def test_a_field_scan_and_dangling_references_are_answered_by_sqlite():
    store = ObjectStore()
    store.put("Membership", {"id": "https://ris/m1", "endDate": "2020-01-01"}, None)
    store.put("Membership", {"id": "https://ris/m2"}, None)
    store.put("Location", {"id": "https://ris/l1", "_trimmed": ["description"]}, None)
    store.put(
        "Paper",
        {
            "id": "https://ris/p1",
            "location": ["https://ris/l1", "https://ris/l9"],
            "underDirectionOf": ["https://other/o1", "https://ris/o2"],
        },
        None,
    )
    store.put("Meeting", {"id": "https://ris/s1", "location": "https://ris/l8"}, None)
    assert list(store.with_field("endDate")) == [("https://ris/m1", "2020-01-01")]
    assert list(store.with_field("_trimmed")) == [("https://ris/l1", ["description"])]
    assert list(store.dangling_references("Paper", "location", "https://ris/")) == [
        ("https://ris/p1", "https://ris/l9")
    ]
    assert list(store.dangling_references("Paper", "underDirectionOf", "https://ris/")) == [
        ("https://ris/p1", "https://ris/o2")
    ]
    assert list(store.dangling_references("Meeting", "location", "https://ris/")) == [
        ("https://ris/s1", "https://ris/l8")
    ]
    assert list(store.dangling_references("Meeting", "organization", "https://ris/")) == []


def test_each_type_has_a_revision_of_its_content_and_of_which_objects_exist():
    store = ObjectStore()
    store.put("Paper", {"id": "p1", "name": "a"}, None)
    store.put("File", {"id": "f1"}, "p1")
    store.commit()
    paper_content, paper_ids = store.type_revision("content", "Paper"), store.type_revision("ids", "Paper")
    file_content = store.type_revision("content", "File")
    store.put("Paper", {"id": "p1", "name": "b"}, None)  # a new title: content, not ids
    store.commit()
    assert store.type_revision("content", "Paper") != paper_content
    assert store.type_revision("ids", "Paper") == paper_ids
    assert store.type_revision("content", "File") == file_content
    store.remove("p1")  # the paper and its file are gone
    store.commit()
    assert store.type_revision("ids", "Paper") != paper_ids
    assert store.type_revision("content", "File") != file_content
