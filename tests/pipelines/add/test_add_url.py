"""`kommune add URL`: the file is fetched from a real server on 127.0.0.1, the URL stays the
source (nothing copied to sample/), and the build fetches it again. Also what add refuses."""

from __future__ import annotations

import json

import pytest

from kommune import portal
from pipelines.add import AddFailed, add_dataset
from tests.geo_http import serving

CSV = "Stadtteil;Einwohner;Fläche (km²)\nMitte;12.345;4,5\nStockum;3.210;12,25\n".encode("cp1252")


def test_a_url_stays_the_source_and_builds(portal_dir):
    with serving(lambda path, params: (200, "text/csv", CSV)) as (base, requests):
        result = add_dataset(portal_dir.root, f"{base}/daten/einwohner.csv")
        assert result.dataset_id == "einwohner"
        declaration = (result.folder / "dataset.yaml").read_text(encoding="utf-8")
        assert f"url: {base}/daten/einwohner.csv" in declaration and "path:" not in declaration
        assert not (result.folder / "sample").exists()
        report = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in report.datasets] == ["ok"], report.datasets[0].issues
    assert len(requests) >= 2  # drafted from one download, built from another
    published = (portal_dir.out / "datasets" / "einwohner" / "einwohner.csv").read_text(encoding="utf-8")
    assert published.splitlines() == ["stadtteil,einwohner,flaeche_km2", "Mitte,12345,4.5", "Stockum,3210,12.25"]
    schema = json.loads((portal_dir.out / "datasets" / "einwohner" / "datapackage.json").read_text())["resources"][0][
        "schema"
    ]
    assert [f.get("label") for f in schema["fields"]] == [None, None, None]  # labels stay in schema.yaml only


def test_what_add_refuses_is_said_in_german(portal_dir, tmp_path):
    (tmp_path / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    (tmp_path / "tabelle.ods").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    (tmp_path / "alt.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (tmp_path / "leer.csv").write_bytes(b"nur eine Zeile\n")
    with pytest.raises(AddFailed, match="Format nicht erkannt"):
        add_dataset(portal_dir.root, str(tmp_path / "bild.png"))
    with pytest.raises(AddFailed, match="keine lesbare OpenDocument-Tabelle: die Datei ist kein ODS-Container"):
        add_dataset(portal_dir.root, str(tmp_path / "tabelle.ods"))
    with pytest.raises(AddFailed, match="als Excel-Arbeitsmappe"):
        add_dataset(portal_dir.root, str(tmp_path / "alt.xls"))
    with pytest.raises(AddFailed, match="keine lesbare Tabelle"):
        add_dataset(portal_dir.root, str(tmp_path / "leer.csv"))
    with pytest.raises(AddFailed, match="gibt es nicht"):
        add_dataset(portal_dir.root, str(tmp_path / "fehlt.csv"))
    assert list((portal_dir.root / "datasets").iterdir()) == []  # nothing half-written
