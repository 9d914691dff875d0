"""Fixtures for the publishers: a build folder that follows docs/architecture.md, and the
official DCAT-AP.de files from ../shared/reference (read where they lie, never copied)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_BUILD = ROOT / "tests" / "fixtures" / "build"
DCAT_REFERENCE = ROOT / ".." / "shared" / "reference" / "dcat-ap-de"


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip when something outside the repo is missing; fail instead under KOMMUNE_REQUIRE_REFERENCE=1."""
    if condition:
        return
    if os.environ.get("KOMMUNE_REQUIRE_REFERENCE") == "1":
        pytest.fail(reason + " (KOMMUNE_REQUIRE_REFERENCE=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def dcat_reference_dir() -> Path:
    path = DCAT_REFERENCE.resolve()
    require_or_skip((path / "shacl-3.0").is_dir(), f"DCAT-AP.de-Referenz fehlt: {path}")
    return path


def copy_build(target: Path, suffix: str = "", publisher: str | None = None) -> Path:
    """Copy the fixture build to ``target``; append ``suffix`` to every dataset id and
    optionally rename the publisher, so that tests sharing one CKAN do not collide."""
    shutil.copytree(FIXTURE_BUILD, target)
    datasets = target / "datasets"
    if suffix:
        for folder in sorted(datasets.iterdir()):
            package_path = folder / "datapackage.json"
            package = json.loads(package_path.read_text(encoding="utf-8"))
            package["name"] = folder.name + suffix
            package_path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
            folder.rename(datasets / (folder.name + suffix))
        report_path = target / "build-report.json"
        report = json.loads(report_path.read_text(encoding="utf-8"))
        report["datasets"] = {key + suffix: value for key, value in report["datasets"].items()}
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if publisher:
        edit_json(target / "portal.json", lambda portal: portal["publisher"].update(name=publisher))
        for folder in datasets.iterdir():
            edit_json(folder / "datapackage.json",
                      lambda package: package["kommune"]["publisher"].update(name=publisher))
    return target


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def fixture_build(tmp_path) -> Path:
    return copy_build(tmp_path / "build")
