"""publish_ckan against a real CKAN (through a counting proxy on 127.0.0.1)."""
from __future__ import annotations

import json
import logging
import shutil

import ckanapi
import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from publish.catalogue import read_catalogue
from publish.ckan import CkanClient, CkanUnavailable, publish_ckan
from publish.ckan.mapping import HASH_KEY, MANAGED_BY_KEY, extras_of, organization_name
from publish.dcat import build_graph
from publish.dcat.graph import SPDX, dataset_uri
from tests.publish.conftest import FIXTURE_BUILD, edit_json


def _publish(build, proxy, ckan, **options):
    client = CkanClient(proxy.url, ckan["token"], retries=2, backoff=0.01)
    return publish_ckan(build, proxy.url, ckan["token"], client=client, **options)


def _show(ckan, name):
    return ckanapi.RemoteCKAN(ckan["url"], apikey=ckan["token"]).action.package_show(
        id=name, include_plugin_data=True)


def test_first_publish_creates_organisation_groups_and_datasets(unique_build, proxy, ckan):
    build, suffix = unique_build
    report = _publish(build, proxy, ckan)
    assert report.ok, report.lines()
    assert sorted(report.created) == sorted([f"gewerbeanmeldungen{suffix}", f"sitzungen{suffix}"])
    assert report.writes == len(proxy.writes)

    stored = _show(ckan, f"gewerbeanmeldungen{suffix}")
    extras = extras_of(stored)
    assert stored["title"] == "Gewerbeanmeldungen"
    assert stored["organization"]["name"] == organization_name(read_catalogue(build))
    assert stored["license_id"] == "dl-by-de/2.0"
    assert stored["url"] == f"http://127.0.0.1:8000/datensaetze/gewerbeanmeldungen{suffix}/"
    assert sorted(t["name"] for t in stored["tags"]) == ["Gewerbe", "Wirtschaft"]
    assert [g["name"] for g in stored["groups"]] == ["econ"]
    assert extras["frequency"] == "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    assert extras["temporal_start"] == "2026-01-01"
    assert extras["spatial_uri"] == "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05978040"
    assert extras["contact_email"] == "wirtschaft@werne.de"
    assert extras["license_uri"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert extras[MANAGED_BY_KEY] == "offene-kommune" and len(extras[HASH_KEY]) == 64
    resources = {r["kommune_key"]: r for r in stored["resources"]}
    assert set(resources) == {"gewerbeanmeldungen.csv", "gewerbeanmeldungen.json",
                              "api:gewerbeanmeldungen", "datapackage.json"}
    csv = resources["gewerbeanmeldungen.csv"]
    assert csv["format"] == "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert csv["mimetype"] == "https://www.iana.org/assignments/media-types/text/csv"
    assert csv["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert csv["url"].endswith(f"/datensaetze/gewerbeanmeldungen{suffix}/gewerbeanmeldungen.csv")
    assert int(csv["size"]) == (build / "datasets" / f"gewerbeanmeldungen{suffix}" / "gewerbeanmeldungen.csv").stat().st_size
    assert resources["api:gewerbeanmeldungen"]["url"] == "http://127.0.0.1:8000/datasette/portal/gewerbeanmeldungen"


def test_unchanged_second_run_writes_nothing(unique_build, proxy, ckan):
    build, _ = unique_build
    assert _publish(build, proxy, ckan).ok
    proxy.actions.clear()
    report = _publish(build, proxy, ckan)
    assert report.ok and not report.created and not report.updated
    assert len(report.unchanged) == 2
    assert proxy.writes == [] and report.writes == 0


def test_changed_field_updates_only_that_dataset_and_dry_run_shows_the_diff(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    name = f"sitzungen{suffix}"
    edit_json(build / "datasets" / name / "datapackage.json",
              lambda p: p.update(title="Sitzungen des Rates"))

    proxy.actions.clear()
    dry = _publish(build, proxy, ckan, dry_run=True)
    assert dry.updated == [name] and proxy.writes == []
    assert [str(c) for c in dry.changes[name] if c.field == "title"] == [
        "title: 'Sitzungen des Rates und der Ausschüsse' → 'Sitzungen des Rates'"]
    assert _show(ckan, name)["title"] == "Sitzungen des Rates und der Ausschüsse"

    report = _publish(build, proxy, ckan)
    assert report.updated == [name] and report.unchanged == [f"gewerbeanmeldungen{suffix}"]
    assert proxy.writes == ["package_update"]
    stored = _show(ckan, name)
    assert stored["title"] == "Sitzungen des Rates"
    assert len(stored["resources"]) == 4


def test_removed_dataset_is_reported_and_pruned_only_with_prune(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    gone = f"sitzungen{suffix}"
    shutil.rmtree(build / "datasets" / gone)
    edit_json(build / "build-report.json", lambda r: r["datasets"].pop(gone))
    new = f"gewerbe-neu{suffix}"
    shutil.copytree(build / "datasets" / f"gewerbeanmeldungen{suffix}", build / "datasets" / new)
    edit_json(build / "datasets" / new / "datapackage.json", lambda p: p.update(name=new))

    report = _publish(build, proxy, ckan)
    assert report.created == [new] and report.orphaned == [gone] and report.removed == []
    assert _show(ckan, gone)["state"] == "active"

    report = _publish(build, proxy, ckan, prune=True, dry_run=True)
    assert report.removed == [gone] and _show(ckan, gone)["state"] == "active"

    report = _publish(build, proxy, ckan, prune=True)
    assert report.removed == [gone] and report.ok
    assert _show(ckan, gone)["state"] == "deleted"
    assert _show(ckan, new)["state"] == "active"

    shutil.copytree(FIXTURE_BUILD / "datasets" / "sitzungen", build / "datasets" / gone)
    edit_json(build / "datasets" / gone / "datapackage.json", lambda p: p.update(name=gone))
    back = _publish(build, proxy, ckan)
    assert back.updated == [gone] and _show(ckan, gone)["state"] == "active"


def test_dataset_ckan_rejects_is_reported_and_the_rest_published(unique_build, proxy, ckan):
    build, suffix = unique_build
    bad = f"gewerbeanmeldungen{suffix}"
    # CKAN's tag rules: at least two characters.
    edit_json(build / "datasets" / bad / "datapackage.json", lambda p: p.update(keywords=["X"]))
    report = _publish(build, proxy, ckan)
    assert not report.ok
    assert list(report.failed) == [bad]
    assert "Tag" in report.failed[bad] and "X" in report.failed[bad]
    assert report.created == [f"sitzungen{suffix}"]
    with pytest.raises(ckanapi.NotFound):
        _show(ckan, bad)


def test_ckan_down_mid_run_reports_the_rest_and_leaves_nothing_half_written(unique_build, proxy, ckan, caplog):
    build, suffix = unique_build
    third = f"gewerbe-drei{suffix}"
    shutil.copytree(build / "datasets" / f"gewerbeanmeldungen{suffix}", build / "datasets" / third)
    edit_json(build / "datasets" / third / "datapackage.json", lambda p: p.update(name=third))

    def go_down_after_first(done, total, name):
        if done == 1:
            proxy.down = True

    caplog.set_level(logging.DEBUG)
    report = _publish(build, proxy, ckan, progress=go_down_after_first)
    assert not report.ok
    first, second, rest = sorted(report.created)[0], *sorted([*report.failed]), *report.not_attempted
    names = sorted([f"gewerbe-drei{suffix}", f"gewerbeanmeldungen{suffix}", f"sitzungen{suffix}"])
    assert [first, second, rest] == names
    assert "antwortet nicht" in report.failed[second]
    for name in (second, rest):
        with pytest.raises(ckanapi.NotFound):
            _show(ckan, name)
    assert ckan["token"] not in caplog.text + json.dumps(report.failed)

    proxy.down = False
    again = _publish(build, proxy, ckan)
    assert again.ok and again.unchanged == [first] and sorted(again.created) == [second, rest]


def test_token_never_appears_in_logs_errors_or_output(unique_build, proxy, ckan, caplog, capsys):
    build, suffix = unique_build
    caplog.set_level(logging.DEBUG)
    edit_json(build / "datasets" / f"sitzungen{suffix}" / "datapackage.json", lambda p: p.update(keywords=["Y"]))
    report = _publish(build, proxy, ckan, dry_run=False)
    proxy.down = True
    with pytest.raises(CkanUnavailable) as down:
        _publish(build, proxy, ckan)
    texts = caplog.text + capsys.readouterr().out + "\n".join(report.lines()) + str(down.value)
    assert report.failed and "antwortet nicht" in str(down.value)
    assert ckan["token"] not in texts
    assert all(ckan["token"] in h.get("Authorization", "") for h in proxy.seen_headers)


def test_upload_mode_uploads_files_and_stays_idempotent(unique_build, proxy, ckan):
    build, suffix = unique_build
    report = _publish(build, proxy, ckan, upload=True)
    assert report.ok, report.lines()
    stored = _show(ckan, f"gewerbeanmeldungen{suffix}")
    csv = next(r for r in stored["resources"] if r["kommune_key"] == "gewerbeanmeldungen.csv")
    assert csv["url_type"] == "upload" and csv["url"].startswith(ckan["url"])
    import requests
    body = requests.get(csv["url"].replace(ckan["url"], proxy.url), timeout=10).content
    assert body == (build / "datasets" / f"gewerbeanmeldungen{suffix}" / "gewerbeanmeldungen.csv").read_bytes()
    proxy.actions.clear()
    assert _publish(build, proxy, ckan, upload=True).unchanged and proxy.writes == []


def test_ckanext_dcat_output_matches_our_catalogue(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    catalogue = read_catalogue(build)
    ours = build_graph(catalogue)
    import requests
    for entry in catalogue.datasets:
        theirs = Graph().parse(data=requests.get(f"{ckan['url']}/dataset/{entry.id}.ttl", timeout=30).content,
                               format="turtle")
        subject = dataset_uri(catalogue, entry)
        assert (subject, None, None) in theirs, f"CKAN names the dataset differently: {entry.id}"
        for predicate in (ns.DCTERMS.title, ns.DCAT.landingPage, ns.DCTERMS.accrualPeriodicity, ns.DCAT.theme,
                          ns.DCTERMS.spatial, ns.DCTERMS.publisher, ns.DCTERMS.license):
            assert {str(o) for o in theirs.objects(subject, predicate)} == \
                   {str(o) for o in ours.objects(subject, predicate)}, predicate
        assert {str(o) for o in theirs.objects(subject, ns.DCAT.keyword)} == set(entry.keywords)
        our_dists = set(ours.objects(subject, ns.DCAT.distribution))
        assert set(theirs.objects(subject, ns.DCAT.distribution)) == our_dists
        for dist in our_dists:
            for predicate in (ns.DCTERMS["format"], ns.DCAT.mediaType, ns.DCTERMS.license, ns.DCAT.byteSize,
                              ns.DCAT.downloadURL):
                assert {str(o) for o in theirs.objects(dist, predicate)} == \
                       {str(o) for o in ours.objects(dist, predicate)}, (dist, predicate)
            checksum = lambda g: {str(g.value(c, SPDX.checksumValue)) for c in g.objects(dist, SPDX.checksum)}
            assert checksum(theirs) == checksum(ours)


def test_upload_broken_off_midway_is_reported_and_repaired_by_the_next_run(unique_build, proxy, ckan):
    """The content hash is written last: a dataset left without it is visibly unfinished."""
    build, suffix = unique_build
    proxy.fail_on = "resource_patch"
    report = _publish(build, proxy, ckan, upload=True)
    first = f"gewerbeanmeldungen{suffix}"
    assert list(report.failed) == [first] and report.not_attempted == [f"sitzungen{suffix}"]
    half = _show(ckan, first)
    assert HASH_KEY not in extras_of(half)

    proxy.fail_on, proxy.down = None, False
    again = _publish(build, proxy, ckan, upload=True)
    assert again.ok and again.updated == [first] and again.created == [f"sitzungen{suffix}"]
    assert HASH_KEY in extras_of(_show(ckan, first))


def test_name_taken_by_a_dataset_the_portal_did_not_create_is_left_alone(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    foreign = f"fremd{suffix}"
    remote = ckanapi.RemoteCKAN(ckan["url"], apikey=ckan["token"])
    organization = organization_name(read_catalogue(build))
    remote.action.package_create(name=foreign, title="Von Hand angelegt", owner_org=organization)
    shutil.copytree(build / "datasets" / f"sitzungen{suffix}", build / "datasets" / foreign)
    edit_json(build / "datasets" / foreign / "datapackage.json", lambda p: p.update(name=foreign))
    report = _publish(build, proxy, ckan, prune=True)
    assert "nicht angelegt" in report.failed[foreign]
    assert _show(ckan, foreign)["title"] == "Von Hand angelegt"
    assert report.removed == []
