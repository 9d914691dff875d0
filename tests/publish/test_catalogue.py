"""Reading build/ into the catalogue that DCAT, CKAN and the site share."""
from __future__ import annotations

import pytest

from publish.catalogue import CatalogueError, read_catalogue
from tests.publish.conftest import edit_json


def test_reads_every_dataset_with_distributions(fixture_build):
    catalogue = read_catalogue(fixture_build)
    assert [d.id for d in catalogue.datasets] == ["gewerbeanmeldungen", "sitzungen"]
    entry = catalogue.dataset("sitzungen")
    assert entry.licence.uri == "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"
    assert not entry.licence.attribution
    assert [d.key for d in entry.distributions] == ["sitzungen.csv", "sitzungen.json", "api:sitzungen",
                                                    "datapackage.json"]
    assert entry.public_description.endswith("synthetische Beispieldaten.")


def test_unknown_licence_is_reported_by_name(fixture_build):
    edit_json(fixture_build / "datasets" / "sitzungen" / "datapackage.json",
              lambda p: p["licenses"][0].update(name="frei-erfunden"))
    with pytest.raises(CatalogueError, match="frei-erfunden"):
        read_catalogue(fixture_build)


def test_missing_portal_json_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogueError, match="portal.json"):
        read_catalogue(tmp_path)
