"""Declarations are validated as a whole: every mistake in every file is reported at once."""

from __future__ import annotations

import pytest

from pipelines.declarations import load_portal
from pipelines.errors import ConfigError
from tests.conftest import dataset_yaml

GOOD_DATASET = dataset_yaml("{kind: csv, path: sample/data.csv}")
GOOD_SCHEMA = """\
fields:
  - {name: nummer, type: integer, title: Nummer, description: Laufende Nummer.}
"""


def test_demo_portal_declarations_are_valid():
    from tests.conftest import REPO

    portal = load_portal(REPO)
    assert {"haushalt-ergebnisplan", "kita-plaetze"} <= set(portal.datasets)
    assert portal.publisher.municipality_key == "05978040"


def test_several_mistakes_in_several_files_are_all_reported(portal_dir):
    publisher = portal_dir.root / "metadata" / "publisher.yaml"
    publisher.write_text(publisher.read_text().replace('"05978040"', '"5978040"'))
    portal_dir.add(
        "a-bad-licence",
        GOOD_DATASET.replace("dl-by-de/2.0", "dl-by-xx"),
        GOOD_SCHEMA,
        {"sample/data.csv": b"nummer\n1\n"},
    )
    portal_dir.add(
        "b-missing-title",
        GOOD_DATASET.replace("title: Testdaten\n", "").replace("frequency: MONTHLY", "frequency: sometimes"),
        GOOD_SCHEMA,
        {"sample/data.csv": b"nummer\n1\n"},
    )
    portal_dir.add(
        "c-unknown-key",
        GOOD_DATASET + "colour: blue\n",
        GOOD_SCHEMA.replace("integer", "integr"),
        {"sample/data.csv": b"nummer\n1\n"},
    )
    portal_dir.add("d-unknown-kind", GOOD_DATASET.replace("kind: csv", "kind: pdf"), GOOD_SCHEMA)
    portal_dir.add("e-missing-file", GOOD_DATASET.replace("data.csv", "nope.csv"), GOOD_SCHEMA)
    portal_dir.add("Bad Name", GOOD_DATASET, GOOD_SCHEMA)

    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    found = {(p.file, p.key) for p in caught.value.problems}
    assert ("metadata/publisher.yaml", "municipality_key") in found
    assert ("datasets/a-bad-licence/dataset.yaml", "licence") in found
    assert ("datasets/b-missing-title/dataset.yaml", "title") in found
    assert ("datasets/b-missing-title/dataset.yaml", "frequency") in found
    assert ("datasets/c-unknown-key/dataset.yaml", "colour") in found
    assert any(f == "datasets/c-unknown-key/schema.yaml" for f, _ in found)
    assert ("datasets/d-unknown-kind/dataset.yaml", "source.kind") in found
    assert ("datasets/e-missing-file/dataset.yaml", "source.path") in found
    assert ("datasets/Bad Name", "") in found
    messages = "\n".join(p.describe() for p in caught.value.problems)
    assert "fehlt (Pflichtangabe)" in messages and "unbekannter Schlüssel" in messages


def test_yaml_aliases_and_invalid_utf8_are_refused(portal_dir):
    portal_dir.add(
        "aliases",
        GOOD_DATASET.replace("keywords: [Test]", "keywords: &k [Test]\nextra_keywords: *k"),
        GOOD_SCHEMA,
        {"sample/data.csv": b"nummer\n1\n"},
    )
    folder = portal_dir.add("latin1", "", GOOD_SCHEMA, {"sample/data.csv": b"nummer\n1\n"})
    (folder / "dataset.yaml").write_bytes(GOOD_DATASET.replace("Testdaten", "Straße").encode("cp1252"))
    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    by_file = {p.file: p.message for p in caught.value.problems}
    assert "Anker und Aliase" in by_file["datasets/aliases/dataset.yaml"]
    assert "UTF-8" in by_file["datasets/latin1/dataset.yaml"]


def test_source_path_may_not_leave_the_dataset_folder(portal_dir):
    portal_dir.add("escape", GOOD_DATASET.replace("sample/data.csv", "../../metadata/publisher.yaml"), GOOD_SCHEMA)
    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    assert any(p.key == "source" and "Datensatzordner" in p.message for p in caught.value.problems)


def test_validate_refuses_a_portal_without_its_legal_facts(portal_dir):
    """Impressum, privacy and accessibility statement are required of a public body's site:
    `kommune validate` names what is missing instead of publishing pages without them."""
    import yaml

    from tests.conftest import run_kommune

    publisher = portal_dir.root / "metadata" / "publisher.yaml"
    data = yaml.safe_load(publisher.read_text(encoding="utf-8"))
    del data["legal"]["accessibility"]["enforcement"]
    del data["legal"]["data_protection_officer"]
    publisher.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    found = {(p.file, p.key) for p in caught.value.problems}
    assert {
        ("metadata/publisher.yaml", "legal.data_protection_officer"),
        ("metadata/publisher.yaml", "legal.accessibility.enforcement"),
    } <= found

    del data["legal"]
    publisher.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_kommune("validate", "--no-sources", "-C", str(portal_dir.root))
    assert result.returncode != 0
    assert "metadata/publisher.yaml" in result.stdout + result.stderr and "legal" in result.stdout + result.stderr


def test_more_headline_kpis_than_fit_one_screen_are_refused(portal_dir):
    from tests.conftest import REPO

    kpis = (REPO / "metadata" / "kpis.yaml").read_text(encoding="utf-8")
    (portal_dir.root / "metadata" / "kpis.yaml").write_text(
        kpis.replace("  higher_is_better: false\n", "  higher_is_better: false\n  headline: true\n"), encoding="utf-8"
    )
    for folder in (
        "leistungsverzeichnis",
        "service-buergerbuero",
        "service-sperrmuell",
        "service-beschwerden",
        "ratsinformation",
        "bebauungsplaene",
        "baugenehmigungen",
    ):
        portal_dir.add_demo(folder)
    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    assert ("metadata/kpis.yaml", "headline") in {(p.file, p.key) for p in caught.value.problems}
