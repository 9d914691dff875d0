"""A `kommune publish ckan` run reaches /katalog/ through the publish record
(publish/publish_record.py): state folder → next build's release → catalogue page."""

from __future__ import annotations

import json
import shutil

from contracts.build_folder import PUBLISH_RECORD_FILE
from kommune import portal
from kommune.releases import state_dir
from publish.catalogue import read_catalogue
from publish.publish_record import read_record
from tests.conftest import REPO


def test_a_publish_run_reaches_the_catalogue_page_of_the_next_build(demo_build, ckan, tmp_path, monkeypatch):
    """publish → record in the state folder → next build copies it into its release → /katalog/."""
    out = tmp_path / "build"
    shutil.copytree(demo_build.resolve(), out)  # adopted as the previous release by the next build
    monkeypatch.setenv("CKAN_API_TOKEN", ckan["token"])
    report = portal.publish_ckan(out, ckan["url"])
    assert report.ok, report.lines()
    record = read_record(state_dir(out) / PUBLISH_RECORD_FILE)
    assert set(record) == {entry.id for entry in read_catalogue(out).datasets}
    assert {o.outcome for items in record.values() for o in items} <= {"created", "updated", "unchanged"}
    assert not (out / "site" / "katalog" / "index.html").read_text(encoding="utf-8").count("CKAN (")

    portal.build(REPO, out, only=["kita-plaetze"])
    assert json.loads((out / PUBLISH_RECORD_FILE).read_text(encoding="utf-8"))["datasets"].keys() == record.keys()
    html = (out / "site" / "katalog" / "index.html").read_text(encoding="utf-8")
    assert "Zuletzt an Kataloge übertragen" in html
    assert html.count("CKAN (127.0.0.1:") == len(record)
    assert "Adressen, Größen und Prüfsummen mit dem Build verglichen" in html
