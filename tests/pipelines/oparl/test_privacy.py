"""Privacy rules applied to single OParl objects."""

from pipelines.oparl import models, privacy
from pipelines.oparl.flatten import flatten

T = "https://schema.oparl.org/1.1/"


def person(**extra):
    return models.Person.model_validate(
        {
            "id": "https://x.example/person/1",
            "type": T + "Person",
            "name": "Eva Muster",
            "formOfAddress": "Frau",
            "title": ["Dr."],
            **extra,
        }
    )


def test_persons_keep_only_name_title_address_form_and_memberships():
    p = person(
        phone=["0123 4567"],
        email=["eva@privat.example"],
        gender="female",
        life="wohnt im Amselweg",
        status=["Ratsmitglied"],
        **{"vendor:privateNote": "geheim"},
        locationObject={"id": "https://x.example/location/9", "type": T + "Location", "streetAddress": "Amselweg 7"},
        membership=[
            {
                "id": "https://x.example/membership/1",
                "type": T + "Membership",
                "organization": "https://x.example/organization/1",
                "role": "Mitglied",
            }
        ],
    )
    result = flatten(p)
    data = {d["id"]: d for _, d, _ in result.keep}
    kept_person = data["https://x.example/person/1"]
    assert set(kept_person) == {"id", "type", "name", "formOfAddress", "title", "membership", "deleted"}
    assert data["https://x.example/membership/1"]["person"] == "https://x.example/person/1"
    assert "https://x.example/location/9" in result.withheld
    assert "Amselweg" not in repr(result.keep)


def test_non_public_agenda_items_and_their_files_are_withheld():
    meeting = models.Meeting.model_validate(
        {
            "id": "https://x.example/meeting/1",
            "type": T + "Meeting",
            "agendaItem": [
                {
                    "id": "https://x.example/ai/1",
                    "type": T + "AgendaItem",
                    "order": 0,
                    "name": "Bericht",
                    "public": True,
                },
                {
                    "id": "https://x.example/ai/2",
                    "type": T + "AgendaItem",
                    "order": 1,
                    "name": "Grundstück",
                    "public": False,
                    "auxiliaryFile": [
                        {"id": "https://x.example/file/2", "type": T + "File", "accessUrl": "https://x.example/f/2"}
                    ],
                },
            ],
        }
    )
    result = flatten(meeting)
    kept = {d["id"] for _, d, _ in result.keep}
    assert "https://x.example/ai/1" in kept and "https://x.example/ai/2" not in kept
    assert {"https://x.example/ai/2", "https://x.example/file/2"} <= set(result.withheld)
    parent = next(d for t, d, _ in result.keep if t == "Meeting")
    assert parent["agendaItem"] == ["https://x.example/ai/1"]


def test_files_marked_non_public_by_name_are_withheld():
    public = models.File.model_validate(
        {
            "id": "https://x.example/f/1",
            "type": T + "File",
            "accessUrl": "https://x",
            "name": "Niederschrift (öffentlicher Teil)",
        }
    )
    hidden = models.File.model_validate(
        {
            "id": "https://x.example/f/2",
            "type": T + "File",
            "accessUrl": "https://x",
            "name": "Niederschrift nicht öffentlicher Teil",
        }
    )
    assert privacy.is_public_file(public) and not privacy.is_public_file(hidden)


def test_body_contact_person_is_dropped():
    body = models.Body.model_validate(
        {
            "id": "https://x.example/body/1",
            "type": T + "Body",
            "name": "Stadt",
            "contactName": "Abdessamad Beispiel",
            "contactEmail": "a.beispiel@stadt.example",
        }
    )
    assert "contactName" not in privacy.public_fields(body) and "contactEmail" not in privacy.public_fields(body)


def test_a_location_only_persons_refer_to_is_private():
    home = models.Location.model_validate(
        {"id": "https://x.example/l/1", "type": T + "Location", "persons": ["https://x.example/person/1"]}
    )
    hall = models.Location.model_validate(
        {
            "id": "https://x.example/l/2",
            "type": T + "Location",
            "persons": ["https://x.example/person/1"],
            "meetings": ["https://x.example/m/1"],
        }
    )
    assert privacy.is_private_location(home) and not privacy.is_private_location(hall)
