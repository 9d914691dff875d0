"""Reading a build into the catalogue that DCAT, CKAN and the site share."""

from __future__ import annotations

import pytest

from publish.build_folder import BuildMissing
from publish.catalogue import CatalogueError, read_catalogue
from publish.dataset_failure import DatasetPublishFailed
from tests.publish.conftest import edit_json


def test_reads_every_dataset_with_its_distributions(fixture_build):
    catalogue = read_catalogue(fixture_build)
    ids = [d.id for d in catalogue.datasets]
    assert {"haushalt-ergebnisplan", "kita-plaetze"} <= set(ids)
    assert sorted(ids) == [p.name for p in sorted((fixture_build / "datasets").iterdir())]
    entry = catalogue.dataset("kita-plaetze")
    assert entry.licence.uri == "http://dcat-ap.de/def/licenses/dl-zero-de/2.0" and not entry.licence.attribution
    assert [d.key for d in entry.distributions] == [
        "kita_plaetze.csv",
        "kita_plaetze.json",
        "api:kita_plaetze",
        "datapackage.json",
        "versions.json",
    ]
    assert entry.temporal_start is None and entry.publisher.ags == "05978040"
    assert catalogue.datasette_url == "http://127.0.0.1:8000/daten/portal"


def test_sizes_and_checksums_come_from_the_data_package(fixture_build):
    """The data package states bytes and sha256 of its files; they are used, not recomputed."""
    edit_json(
        fixture_build / "datasets" / "kita-plaetze" / "datapackage.json",
        lambda p: p["resources"][0].update(bytes=1, hash="sha256:" + "0" * 64),
    )
    csv = read_catalogue(fixture_build).dataset("kita-plaetze").distributions[0]
    assert (csv.byte_size, csv.sha256) == (1, "0" * 64)


def test_missing_licence_uri_is_named(fixture_build):
    edit_json(
        fixture_build / "datasets" / "kita-plaetze" / "datapackage.json", lambda p: p["kommune"]["licence"].pop("uri")
    )
    with pytest.raises(DatasetPublishFailed, match="dl-zero-de/2.0") as failure:
        read_catalogue(fixture_build)
    assert failure.value.dataset_id == "kita-plaetze" and isinstance(failure.value.error, CatalogueError)


def test_no_build_is_a_clear_error(tmp_path):
    with pytest.raises(BuildMissing):
        read_catalogue(tmp_path)
