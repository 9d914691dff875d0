"""Schema declarations Frictionless would silently ignore or misread are refused with the fix,
all in one round; integers with thousands separators work."""

from __future__ import annotations

import json

import pytest

from pipelines.declarations import load_portal
from pipelines.errors import ConfigError
from tests.conftest import dataset_yaml, run_kommune

BAD_SCHEMA = """\
fields:
  - {name: Betrag, type: number, decimalChar: ".", groupChar: ".", title: Betrag, description: In Euro.}
  - {name: datum, type: date, format: "dd.mm.yyyy", title: Datum, description: Tag.}
  - {name: ort, type: string, groupChar: ".", description: Ortsteil.}
  - {name: anzahl, type: integer, decimalChar: ",", title: Anzahl, description: Stück.}
  - {name: menge, type: number, format: "0,00", title: Menge, description: Liter.}
"""


def test_every_misleading_declaration_is_refused_in_one_round(portal_dir):
    portal_dir.add("bad", dataset_yaml("{kind: csv, path: sample/a.csv}"), BAD_SCHEMA, {"sample/a.csv": b"x\n"})
    with pytest.raises(ConfigError) as caught:
        load_portal(portal_dir.root)
    found = {(p.key, p.message.split(":")[0][:40]) for p in caught.value.problems}
    keys = {key for key, _ in found}
    assert {
        "fields.0.name",
        "fields.0.groupChar",
        "fields.1.format",
        "fields.2.groupChar",
        "fields.2.title",
        "fields.3.decimalChar",
        "fields.4.format",
    } <= keys
    text = "\n".join(p.describe() for p in caught.value.problems)
    assert 'decimalChar: ","' in text and '"%d.%m.%Y"' in text


def test_integers_with_thousands_dots_publish_and_decimals_among_them_are_errors(portal_dir):
    schema = (
        'fields:\n  - {name: betrag, label: Betrag, type: integer, groupChar: ".", title: Betrag, description: Euro.}\n'
    )
    portal_dir.add(
        "gut",
        dataset_yaml("{kind: csv, path: sample/a.csv}"),
        schema,
        {"sample/a.csv": b"Betrag\n9.577.207\n-1.000\n12\n"},
    )
    portal_dir.add(
        "schlecht",
        dataset_yaml("{kind: csv, path: sample/a.csv}"),
        schema,
        {"sample/a.csv": b'Betrag\n9.577.207\n"1.234,5"\n1.23\n'},
    )
    run_kommune("build", "-C", str(portal_dir.root), "-o", str(portal_dir.out), "--quiet")
    published = (portal_dir.out / "datasets" / "gut" / "gut.csv").read_text()
    assert published.split() == ["betrag", "9577207", "-1000", "12"]
    report = json.loads((portal_dir.out / "build-report.json").read_text())
    failed = {d["id"]: d for d in report["datasets"]}["schlecht"]
    assert failed["status"] == "failed"
    assert sorted(i["row"] for i in failed["issues"]) == [3, 4]
