"""Salvaging valid parents from invalid embedded objects."""

import pytest

from pipelines.oparl.models import InvalidObject
from pipelines.oparl.parsing import parse_salvaging


def test_an_invalid_embedded_object_is_dropped_and_the_parent_kept():
    t = "https://schema.oparl.org/1.1/"
    meeting = {
        "id": "https://x.example/m/1",
        "type": t + "Meeting",
        "agendaItem": [
            {"id": "https://x.example/ai/1", "type": t + "AgendaItem", "order": 0, "name": "gut"},
            {"id": "https://x.example/ai/2", "type": t + "AgendaItem", "order": "zwei", "name": "kaputt"},
            {
                "id": "https://x.example/ai/3",
                "type": t + "AgendaItem",
                "order": 2,
                "name": "gut",
                "auxiliaryFile": [{"id": "https://x.example/f/1", "type": t + "File", "name": "ohne accessUrl"}],
            },
        ],
        "location": {"type": t + "Location", "id": 17},
    }
    obj, dropped = parse_salvaging(meeting, "https://x.example/list")
    assert [item.id for item in obj.agendaItem] == ["https://x.example/ai/1", "https://x.example/ai/3"]
    assert obj.agendaItem[1].auxiliaryFile == [] and obj.location is None
    assert sorted(d.url for d in dropped) == [
        "https://x.example/ai/2",
        "https://x.example/f/1",
        "https://x.example/m/1#location",
    ]
    broken_item = next(d for d in dropped if d.url.endswith("/ai/2"))
    assert "order" in broken_item.message and "eingebettet in https://x.example/m/1" in broken_item.message
    assert meeting["agendaItem"][1]["order"] == "zwei"  # the caller's data is left as it was


def test_an_invalid_parent_is_still_rejected_as_a_whole():
    with pytest.raises(InvalidObject) as caught:
        parse_salvaging(
            {"id": "https://x.example/m/1", "type": "https://schema.oparl.org/1.1/Meeting", "start": "morgen"}, "u"
        )
    assert caught.value.url == "https://x.example/m/1" and "start" in caught.value.message
