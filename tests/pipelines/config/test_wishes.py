"""The register of data wishes (`metadata/datenwuensche.yaml`): a status says what it needs, and
a wish can only point at a dataset that exists."""

from __future__ import annotations

import pytest

from pipelines.config.validation import validate_model
from pipelines.config.wishes import WishRegister
from pipelines.declarations import load_portal
from pipelines.errors import ConfigError
from tests.conftest import REPO

BASE = {"id": 1, "title": "Toiletten", "received": "2026-03-01"}


@pytest.mark.parametrize(
    ("wish", "complaint"),
    [
        ({"status": "veroeffentlicht", "published": "2026-04-01"}, "braucht dataset"),
        ({"status": "veroeffentlicht", "dataset": "kita-plaetze"}, "braucht dataset"),
        ({"status": "nicht-moeglich"}, "braucht reason"),
        ({"status": "veroeffentlicht", "dataset": "kita-plaetze", "published": "2026-02-01"}, "vor received"),
        ({"status": "erledigt"}, "status"),
    ],
)
def test_a_status_needs_what_it_promises(wish, complaint):
    _, problems = validate_model(WishRegister, {"wishes": [{**BASE, **wish}]}, "metadata/datenwuensche.yaml")
    assert problems and any(complaint in f"{p.key} {p.message}" for p in problems), problems


def test_closed_data_needs_one_of_the_three_reasons():
    closed = {"title": "Melderegister", "reason": "geheim", "explanation": "personenbezogen"}
    _, problems = validate_model(WishRegister, {"closed_data": [closed]}, "metadata/datenwuensche.yaml")
    assert [p.key for p in problems] == ["closed_data.0.reason"]


def test_numbers_are_unique():
    wishes = [{**BASE, "status": "eingegangen"}, {**BASE, "status": "in-pruefung"}]
    _, problems = validate_model(WishRegister, {"wishes": wishes}, "metadata/datenwuensche.yaml")
    assert problems and "doppelt" in problems[0].message


def test_a_published_wish_must_name_an_existing_dataset(portal_dir):
    portal_dir.add_demo("kita-plaetze")
    (portal_dir.root / "metadata" / "datenwuensche.yaml").write_text(
        "wishes:\n- {id: 1, title: Kitas, received: 2026-01-01, status: veroeffentlicht,"
        " dataset: kita-plaetzchen, published: 2026-02-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_portal(portal_dir.root)
    assert [(p.file, p.key) for p in raised.value.problems] == [("metadata/datenwuensche.yaml", "wishes.0.dataset")]


def test_the_demo_register_is_valid():
    portal = load_portal(REPO)
    register = portal.extra["datenwuensche"]
    assert isinstance(register, WishRegister)
    assert {wish.status for wish in register.wishes} == {
        "eingegangen",
        "in-pruefung",
        "veroeffentlicht",
        "nicht-moeglich",
    }
    assert {item.reason for item in register.closed_data} == {
        "datenschutz",
        "rechte-dritter",
        "keine-maschinenlesbare-quelle",
    }
