"""The OParl models against the official schemas and examples and against real-world responses."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipelines.oparl import models
from pipelines.oparl.recording import FLAT_LISTS, TOP_LEVEL_LISTS, Recording
from tests.oparl_server import SAMPLE


@pytest.fixture(scope="module")
def files(reference_dir):
    """Files of ../shared/reference/oparl/ matching a glob pattern (the folder is read where it lies)."""

    def matching(pattern: str) -> list[Path]:
        found = sorted((reference_dir / "oparl").glob(pattern))
        assert found, f"no reference files match {pattern}"
        return found

    return matching


@pytest.fixture(scope="module")
def validator(files):
    """A Draft-4 validator for an official OParl 1.1 schema, by type name."""

    def for_type(type_name: str) -> jsonschema.Draft4Validator:
        return jsonschema.Draft4Validator(
            json.loads(files(f"spec-1.1/schema/{type_name}.json")[0].read_text(encoding="utf-8"))
        )

    return for_type


def test_all_official_1_1_examples_parse_into_their_model(files):
    for path in files("spec-1.1/examples/*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        obj = models.parse_object(data, str(path))
        assert type(obj).__name__ == models.type_name(data["type"]), path.name
        assert obj.id == data["id"]


def test_official_1_0_examples_parse_including_the_known_invalid_ones(files):
    """SOURCE.md notes 1.0 examples that break the 1.0 schema (Person-01 phone/email as strings,
    Body-01's location written with the key "id:"): the models accept them, repaired."""
    for path in files("spec-1.0/examples/*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert models.parse_object(data, str(path)).id == data["id"]
    person = models.parse_object(json.loads(files("spec-1.0/examples/Person-01.json")[0].read_text()), "p")
    assert isinstance(person.phone, list) and isinstance(person.email, list)
    body = models.parse_object(json.loads(files("spec-1.0/examples/Body-01.json")[0].read_text()), "b")
    assert body.location is None  # dropped, not guessed


def test_every_recorded_real_body_and_system_is_accepted(files):
    paths = files("real-bodies/*.json") + files("real-systems/*.json")
    for path in paths:
        obj = models.parse_object(json.loads(path.read_text(encoding="utf-8")), str(path))
        assert isinstance(obj, (models.Body, models.System)), path.name
    assert len(paths) == 56


def test_real_world_quirks_are_repaired(files):
    steinhagen = json.loads(files("real-bodies/Steinhagen.json")[0].read_text(encoding="utf-8"))
    body = models.parse_object(steinhagen, "steinhagen")
    assert body.website == "http://www.steinhagen.de"
    assert body.legislativeTerm == []  # required by the specification, missing in reality
    assert models.lon_lat(body.location.geojson) == (8.0, 52.0)  # recorded as [52, 8]
    aldenhoven = json.loads(files("real-bodies/Gemeinde Aldenhoven.json")[0].read_text(encoding="utf-8"))
    lon, lat = models.lon_lat(models.parse_object(aldenhoven, "aldenhoven").location.geojson)
    assert 5.8 < lon < 15.1 and 47 < lat < 55.1
    leipzig = json.loads(files("real-bodies/Stadt Leipzig.json")[0].read_text(encoding="utf-8"))
    assert models.parse_object(leipzig, "leipzig").created is None  # sent as ""


@pytest.mark.parametrize(
    ("type_name", "broken"),
    [
        ("Paper", {"type": "https://schema.oparl.org/1.1/Paper", "name": "ohne id"}),
        ("Paper", {"id": "https://x.example/paper/1", "type": "https://schema.oparl.org/2.0/Paper"}),
        (
            "Paper",
            {"id": "https://x.example/paper/1", "type": "https://schema.oparl.org/1.1/Paper", "date": "31.02.2026"},
        ),
        (
            "AgendaItem",
            {"id": "https://x.example/ai/1", "type": "https://schema.oparl.org/1.1/AgendaItem", "order": "eins"},
        ),
        (
            "File",
            {"id": "https://x.example/file/1", "type": "https://schema.oparl.org/1.1/File", "name": "ohne accessUrl"},
        ),
        (
            "Consultation",
            {"id": "https://x.example/c/1", "type": "https://schema.oparl.org/1.1/Consultation", "authoritative": "ja"},
        ),
    ],
)
def test_models_reject_what_the_official_schema_rejects(type_name, broken, validator):
    validator = validator(type_name)
    schema_errors = list(validator.iter_errors(broken))
    if type_name == "Paper" and broken.get("date") == "31.02.2026":
        # draft-04 does not check "format": "date"; the model is stricter on purpose
        assert not schema_errors
    else:
        assert schema_errors
    with pytest.raises(models.InvalidObject) as caught:
        models.parse_object(broken, "https://x.example/list?page=1")
    assert "x.example" in str(caught.value)


def test_the_bundled_demo_validates_against_the_official_1_1_schemas(validator):
    recording = Recording.load(SAMPLE)
    checked = 0
    for name in TOP_LEVEL_LISTS + FLAT_LISTS:
        for obj in recording.list_objects(name):
            type_name = models.type_name(obj["type"])
            errors = [e.message for e in validator(type_name).iter_errors(obj)]
            assert not errors, f"{obj['id']}: {errors}"
            models.parse_object(obj, obj["id"])
            checked += 1
    for obj in (recording.system, recording.body):
        assert not list(validator(models.type_name(obj["type"])).iter_errors(obj))
    assert checked > 2000
