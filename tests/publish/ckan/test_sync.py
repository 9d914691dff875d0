"""publish_ckan against a real CKAN, through a counting proxy on 127.0.0.1."""

from __future__ import annotations

import logging

import ckanapi
import pytest
import requests
from rdflib import Graph
from rdflib import namespace as ns

from publish.catalogue import read_catalogue
from publish.ckan import CkanClient, CkanUnavailable, publish_ckan
from publish.ckan.mapping import HASH_KEY, MANAGED_BY_KEY, extras_of
from publish.dcat import build_graph
from publish.dcat.graph import SPDX, dataset_uri
from tests.publish.conftest import add_dataset_copy, edit_json, remove_dataset

HAUSHALT, KITA = "haushalt-ergebnisplan", "kita-plaetze"


def _publish(build, proxy, ckan, **options):
    client = CkanClient(proxy.url, ckan["token"], retries=2, backoff=0.01)
    return publish_ckan(build, proxy.url, ckan["token"], client=client, **options)


def _show(ckan, name):
    return ckanapi.RemoteCKAN(ckan["url"], apikey=ckan["token"]).action.package_show(id=name, include_plugin_data=True)


def test_first_publish_creates_organisation_groups_and_datasets(unique_build, proxy, ckan):
    build, suffix = unique_build
    report = _publish(build, proxy, ckan)
    assert report.ok, report.lines()
    assert sorted(report.created) == [HAUSHALT + suffix, KITA + suffix]
    assert report.writes == len(proxy.writes) and "organization_create" in proxy.writes
    assert f"+ Organisation werne-test{suffix}: angelegt" in report.lines()

    stored = _show(ckan, HAUSHALT + suffix)
    extras = extras_of(stored)
    assert stored["title"] == "Haushalt – Ergebnisplan nach Produktbereichen"
    assert stored["organization"]["name"] == f"werne-test{suffix}"
    assert stored["license_id"] == "dl-by-de/2.0"
    assert stored["url"] == f"http://127.0.0.1:8000/datensaetze/{HAUSHALT}{suffix}/"
    assert sorted(t["name"] for t in stored["tags"]) == ["Ergebnisplan", "Finanzen", "Haushalt", "Produktbereich"]
    assert sorted(g["name"] for g in stored["groups"]) == ["econ", "gove"]
    assert extras["frequency"] == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2021-01-01", "2026-12-31")
    assert extras["spatial_uri"] == "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05978040"
    assert extras["contact_email"] == "opendata@werne.de"
    assert extras["license_uri"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert extras["musterdatenkatalog"] == "https://musterdatenkatalog.de/def/musterdatensatz/finanzen/haushalt/plan"
    assert extras[MANAGED_BY_KEY] == "offene-kommune" and len(extras[HASH_KEY]) == 64
    resources = {r["kommune_key"]: r for r in stored["resources"]}
    assert set(resources) == {
        "haushalt_ergebnisplan.csv",
        "haushalt_ergebnisplan.json",
        "api:haushalt_ergebnisplan",
        "datapackage.json",
        "versions.json",  # the change log (contracts/history.py)
    }
    csv = resources["haushalt_ergebnisplan.csv"]
    assert csv["format"] == "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert csv["mimetype"] == "https://www.iana.org/assignments/media-types/text/csv"
    assert csv["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert csv["url"] == f"http://127.0.0.1:8000/datensaetze/{HAUSHALT}{suffix}/haushalt_ergebnisplan.csv"
    assert int(csv["size"]) == (build / "datasets" / (HAUSHALT + suffix) / "haushalt_ergebnisplan.csv").stat().st_size
    assert resources["api:haushalt_ergebnisplan"]["url"] == "http://127.0.0.1:8000/daten/portal/haushalt_ergebnisplan"
    assert resources["versions.json"]["url"] == f"http://127.0.0.1:8000/datensaetze/{HAUSHALT}{suffix}/versions.json"
    organization = ckanapi.RemoteCKAN(ckan["url"], apikey=ckan["token"]).action.organization_show(
        id=f"werne-test{suffix}"
    )
    assert extras_of(organization)["ags"] == "05978040"


def test_unchanged_second_run_writes_nothing(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    proxy.actions.clear()
    report = _publish(build, proxy, ckan)
    assert report.ok and not report.created and not report.updated and not report.setup
    assert sorted(report.unchanged) == [HAUSHALT + suffix, KITA + suffix]
    assert proxy.writes == [] and report.writes == 0


def test_changed_field_updates_only_that_dataset_and_dry_run_shows_the_diff(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    name = KITA + suffix
    edit_json(build / "datasets" / name / "datapackage.json", lambda p: p.update(title="Kitas in Werne"))

    proxy.actions.clear()
    dry = _publish(build, proxy, ckan, dry_run=True)
    assert dry.updated == [name] and proxy.writes == []
    changes = [str(c) for c in dry.changes[name]]
    assert changes[0] == "title: 'Kindertageseinrichtungen und Betreuungsplätze' → 'Kitas in Werne'"
    # The edited datapackage.json itself changed too: its size and checksum, nothing else.
    assert {c.field for c in dry.changes[name][1:]} == {
        "resources[datapackage.json].size",
        "resources[datapackage.json].hash",
    }
    assert any("würde geändert" in line for line in dry.lines())
    assert _show(ckan, name)["title"] == "Kindertageseinrichtungen und Betreuungsplätze"

    report = _publish(build, proxy, ckan)
    assert report.updated == [name] and report.unchanged == [HAUSHALT + suffix]
    assert proxy.writes == ["package_update"]
    stored = _show(ckan, name)
    assert stored["title"] == "Kitas in Werne" and len(stored["resources"]) == 5


def test_new_and_removed_dataset_with_and_without_prune(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    gone, new = KITA + suffix, f"haushalt-kopie{suffix}"
    remove_dataset(build, gone)
    add_dataset_copy(build, HAUSHALT + suffix, new)

    report = _publish(build, proxy, ckan)
    assert report.created == [new] and report.orphaned == [gone] and report.removed == []
    assert any("löschen mit --prune" in line for line in report.lines())
    assert _show(ckan, gone)["state"] == "active"

    report = _publish(build, proxy, ckan, prune=True, dry_run=True)
    assert report.removed == [gone] and _show(ckan, gone)["state"] == "active"

    report = _publish(build, proxy, ckan, prune=True)
    assert report.removed == [gone] and report.ok
    assert _show(ckan, gone)["state"] == "deleted" and _show(ckan, new)["state"] == "active"


def test_a_pruned_dataset_that_returns_is_restored(unique_build, demo_build, proxy, ckan, tmp_path):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    gone = KITA + suffix
    kept = tmp_path / "kita"
    (build / "datasets" / gone).rename(kept)
    edit_json(build / "build-report.json", lambda r: r.update(datasets=[e for e in r["datasets"] if e["id"] != gone]))
    assert _publish(build, proxy, ckan, prune=True).removed == [gone]
    kept.rename(build / "datasets" / gone)
    back = _publish(build, proxy, ckan)
    assert back.updated == [gone] and _show(ckan, gone)["state"] == "active"


def test_dataset_ckan_rejects_is_reported_and_the_rest_published(unique_build, proxy, ckan):
    build, suffix = unique_build
    # CKAN's name rule: at most 100 characters (a keyword it refuses is cleaned instead,
    # test_serves_what_we_built.py).
    bad = "h" * (101 - len(suffix)) + suffix
    add_dataset_copy(build, HAUSHALT + suffix, bad)
    report = _publish(build, proxy, ckan)
    assert not report.ok
    assert list(report.failed) == [bad]
    assert "maximum of 100 characters" in report.failed[bad]
    assert report.created == [HAUSHALT + suffix, KITA + suffix]
    with pytest.raises(ckanapi.NotFound):
        _show(ckan, bad)


def test_ckan_down_mid_run_reports_the_rest_and_leaves_nothing_half_written(unique_build, proxy, ckan):
    build, suffix = unique_build
    third = f"haushalt-drei{suffix}"
    add_dataset_copy(build, HAUSHALT + suffix, third)

    def go_down_after_first(done, total, name):
        if done == 1:
            proxy.down = True

    report = _publish(build, proxy, ckan, progress=go_down_after_first)
    assert not report.ok
    [first], [second], [rest] = report.created, list(report.failed), report.not_attempted
    assert [first, second, rest] == [HAUSHALT + suffix, KITA + suffix, third]  # declaration order
    assert "antwortet nicht" in report.failed[second]
    assert any("nicht versucht" in line for line in report.lines())
    for name in (second, rest):
        with pytest.raises(ckanapi.NotFound):
            _show(ckan, name)

    proxy.down = False
    again = _publish(build, proxy, ckan)
    assert again.ok and again.unchanged == [first] and again.created == [second, rest]


def test_upload_broken_off_midway_is_reported_and_repaired_by_the_next_run(unique_build, proxy, ckan):
    """The content hash is written last: a dataset left without it is visibly unfinished."""
    build, suffix = unique_build
    proxy.fail_on = "resource_patch"
    report = _publish(build, proxy, ckan, upload=True)
    first = HAUSHALT + suffix
    assert list(report.failed) == [first] and report.not_attempted == [KITA + suffix]
    assert HASH_KEY not in extras_of(_show(ckan, first))

    proxy.fail_on, proxy.down = None, False
    again = _publish(build, proxy, ckan, upload=True)
    assert again.ok and again.updated == [first] and again.created == [KITA + suffix]
    assert HASH_KEY in extras_of(_show(ckan, first))


def test_upload_mode_uploads_files_and_stays_idempotent(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan, upload=True).ok
    stored = _show(ckan, KITA + suffix)
    csv = next(r for r in stored["resources"] if r["kommune_key"] == "kita_plaetze.csv")
    assert csv["url_type"] == "upload" and csv["url"].startswith(ckan["url"])
    body = requests.get(csv["url"], timeout=10).content
    assert body == (build / "datasets" / (KITA + suffix) / "kita_plaetze.csv").read_bytes()
    proxy.actions.clear()
    assert len(_publish(build, proxy, ckan, upload=True).unchanged) == 2 and proxy.writes == []


def test_name_taken_by_a_dataset_the_portal_did_not_create_is_left_alone(unique_build, proxy, ckan):
    build, suffix = unique_build
    assert _publish(build, proxy, ckan).ok
    foreign = f"fremd{suffix}"
    ckanapi.RemoteCKAN(ckan["url"], apikey=ckan["token"]).action.package_create(
        name=foreign, title="Von Hand angelegt", owner_org=f"werne-test{suffix}"
    )
    add_dataset_copy(build, KITA + suffix, foreign)
    report = _publish(build, proxy, ckan, prune=True)
    assert "nicht angelegt" in report.failed[foreign]
    assert _show(ckan, foreign)["title"] == "Von Hand angelegt"
    assert report.removed == []


def test_token_never_appears_in_logs_errors_or_output(unique_build, proxy, ckan, caplog, capsys):
    build, suffix = unique_build
    caplog.set_level(logging.DEBUG)
    add_dataset_copy(build, KITA + suffix, "k" * (101 - len(suffix)) + suffix)  # a name CKAN refuses
    report = _publish(build, proxy, ckan)
    proxy.down = True
    with pytest.raises(CkanUnavailable) as down:
        _publish(build, proxy, ckan)
    texts = caplog.text + capsys.readouterr().out + "\n".join(report.lines()) + str(down.value)
    assert report.failed and "antwortet nicht" in str(down.value) and "maximum of 100" in texts
    assert ckan["token"] not in texts
    assert proxy.seen_headers and all(ckan["token"] in h.get("Authorization", "") for h in proxy.seen_headers)


def test_ckanext_dcat_output_matches_our_catalogue(unique_build, proxy, ckan):
    build, _ = unique_build
    assert _publish(build, proxy, ckan).ok
    catalogue = read_catalogue(build)
    ours = build_graph(catalogue)
    for entry in catalogue.datasets:
        answer = requests.get(f"{ckan['url']}/dataset/{entry.id}.ttl", timeout=30)
        theirs = Graph().parse(data=answer.content, format="turtle")
        subject = dataset_uri(catalogue, entry)
        assert (subject, None, None) in theirs, f"CKAN names the dataset differently: {entry.id}"
        for predicate in (
            ns.DCTERMS.title,
            ns.DCAT.landingPage,
            ns.DCTERMS.accrualPeriodicity,
            ns.DCAT.theme,
            ns.DCTERMS.spatial,
            ns.DCTERMS.publisher,
            ns.DCTERMS.description,
        ):
            assert {str(o) for o in theirs.objects(subject, predicate)} == {
                str(o) for o in ours.objects(subject, predicate)
            }, predicate
        assert {str(o) for o in theirs.objects(subject, ns.DCAT.keyword)} == set(entry.keywords)
        our_dists = set(ours.objects(subject, ns.DCAT.distribution))
        assert set(theirs.objects(subject, ns.DCAT.distribution)) == our_dists
        for dist in our_dists:
            for predicate in (
                ns.DCTERMS["format"],
                ns.DCAT.mediaType,
                ns.DCTERMS.license,
                ns.DCAT.byteSize,
                ns.DCAT.downloadURL,
                ns.DCAT.accessURL,
            ):
                assert {str(o) for o in theirs.objects(dist, predicate)} == {
                    str(o) for o in ours.objects(dist, predicate)
                }, (dist, predicate)
            assert _checksums(theirs, dist) == _checksums(ours, dist)


def _checksums(graph, dist) -> set[str]:
    return {str(graph.value(c, SPDX.checksumValue)) for c in graph.objects(dist, SPDX.checksum)}


def test_dry_run_into_an_empty_ckan_lists_everything_and_writes_nothing(unique_build, proxy, ckan):
    build, suffix = unique_build
    report = _publish(build, proxy, ckan, dry_run=True)
    assert proxy.writes == [] and report.writes == 0
    lines = report.lines()
    assert f"+ Organisation werne-test{suffix}: würde angelegt" in lines
    assert f"+ {HAUSHALT}{suffix}: würde angelegt" in lines
    assert any(c.field == "title" and c.old is None for c in report.changes[HAUSHALT + suffix])
    with pytest.raises(ckanapi.NotFound):
        _show(ckan, HAUSHALT + suffix)
