"""Embedded objects become entries of their own, with back-references and file roles."""

from pipelines.oparl import models
from pipelines.oparl.flatten import flatten

T = "https://schema.oparl.org/1.1/"


def test_paper_is_split_into_paper_consultations_and_files():
    paper = models.Paper.model_validate(
        {
            "id": "https://x.example/paper/1",
            "type": T + "Paper",
            "name": "Vorlage",
            "mainFile": {"id": "https://x.example/file/1", "type": T + "File", "accessUrl": "https://x.example/f1"},
            "auxiliaryFile": [
                {"id": "https://x.example/file/2", "type": T + "File", "accessUrl": "https://x.example/f2"}
            ],
            "consultation": [{"id": "https://x.example/c/1", "type": T + "Consultation", "role": "Entscheidung"}],
        }
    )
    kept = {data["id"]: (kind, data, parent) for kind, data, parent in flatten(paper).keep}
    kind, data, parent = kept["https://x.example/paper/1"]
    assert (kind, parent) == ("Paper", None)
    assert data["mainFile"] == "https://x.example/file/1" and data["consultation"] == ["https://x.example/c/1"]
    assert kept["https://x.example/c/1"][1]["paper"] == "https://x.example/paper/1"
    assert kept["https://x.example/file/1"][1]["_role"] == "mainFile"
    assert kept["https://x.example/file/2"][1]["paper"] == ["https://x.example/paper/1"]
    assert {parent for _, _, parent in kept.values() if parent} == {"https://x.example/paper/1"}


def test_agenda_items_of_a_1_0_meeting_are_numbered_in_order():
    meeting = models.Meeting.model_validate(
        {
            "id": "https://x.example/m/1",
            "type": "https://schema.oparl.org/1.0/Meeting",
            "agendaItem": [
                {"id": f"https://x.example/ai/{n}", "type": T + "AgendaItem", "name": f"Punkt {n}"} for n in range(3)
            ],
        }
    )
    items = [data for kind, data, _ in flatten(meeting).keep if kind == "AgendaItem"]
    assert [(i["order"], i["meeting"]) for i in items] == [(n, "https://x.example/m/1") for n in range(3)]
