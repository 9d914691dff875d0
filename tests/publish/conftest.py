"""Fixtures for the catalogue publishers: copies of the real demo build (tests/conftest.py's
`demo_build`) that a test may change, and the official DCAT-AP.de files from
../shared/reference (read where they lie, never copied)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import dataset_yaml

DATASETS = ("haushalt-ergebnisplan", "kita-plaetze")


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def copy_build(
    source: Path, target: Path, suffix: str = "", publisher: str | None = None, only: tuple[str, ...] | None = None
) -> Path:
    """Copy a build to ``target``. ``suffix`` is appended to every dataset id and ``publisher``
    becomes the publisher's short name, so tests sharing one CKAN do not collide; ``only``
    keeps just the named datasets."""
    shutil.copytree(Path(source).resolve(), target)
    datasets = target / "datasets"
    for folder in sorted(datasets.iterdir()):
        if only is not None and folder.name not in only:
            remove_dataset(target, folder.name)
    for folder in sorted(datasets.iterdir()):

        def rename(package, folder=folder):
            package["name"] = folder.name + suffix
            if publisher:
                package["kommune"]["publisher"].update(name=f"Stadt Werne ({publisher})", short_name=publisher)

        edit_json(folder / "datapackage.json", rename)
        if suffix:
            folder.rename(datasets / (folder.name + suffix))
    edit_json(
        target / "build-report.json",
        lambda report: [entry.update(id=entry["id"] + suffix) for entry in report["datasets"]],
    )
    if publisher:
        edit_json(
            target / "portal.json",
            lambda portal: portal["publisher"].update(name=f"Stadt Werne ({publisher})", short_name=publisher),
        )
    return target


def add_dataset_copy(build: Path, source_id: str, new_id: str) -> None:
    """Add a dataset to a build by copying another one under a new id."""
    shutil.copytree(build / "datasets" / source_id, build / "datasets" / new_id)
    edit_json(build / "datasets" / new_id / "datapackage.json", lambda p: p.update(name=new_id))
    edit_json(
        build / "build-report.json",
        lambda r: r["datasets"].append({"id": new_id, "status": "ok", "issues": [], "warnings": []}),
    )


def remove_dataset(build: Path, dataset_id: str) -> None:
    """Take a dataset out of a build as if it were no longer declared."""
    shutil.rmtree(build / "datasets" / dataset_id)
    edit_json(
        build / "build-report.json", lambda r: r.update(datasets=[e for e in r["datasets"] if e["id"] != dataset_id])
    )


@pytest.fixture
def fixture_build(demo_build, tmp_path) -> Path:
    """A changeable copy of the demo build."""
    return copy_build(demo_build, tmp_path / "build")


@pytest.fixture(scope="session")
def dcat_reference_dir(reference_dir) -> Path:
    return (reference_dir / "dcat-ap-de").resolve()


NUMBERS_SCHEMA = """\
fields:
  - {name: n, type: integer, title: N, description: Zahl.}
  - {name: gruppe, type: string, title: Gruppe, description: Gruppe der Zahl.}
"""


def numbers_csv(count: int) -> bytes:
    """`count` rows of n = 0, 1, … with gruppe "gerade"/"ungerade"."""
    return ("n,gruppe\n" + "".join(f"{n},{'gerade' if n % 2 == 0 else 'ungerade'}\n" for n in range(count))).encode()


def add_numbers_dataset(portal_dir, rows: int) -> Path:
    """Declare the dataset `zaehler` (table `zaehler`, `rows` rows of numbers_csv); return its CSV file."""
    folder = portal_dir.add(
        "zaehler",
        dataset_yaml("{kind: csv, path: sample/d.csv}", title="Zähler"),
        NUMBERS_SCHEMA,
        {"sample/d.csv": numbers_csv(rows)},
    )
    return folder / "sample" / "d.csv"
