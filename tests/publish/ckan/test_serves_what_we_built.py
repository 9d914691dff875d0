"""CKAN serves exactly what we built: mode switches, verification after writing, repair of
resources changed on CKAN's side, keywords cleaned to CKAN's tag rules. Against a real CKAN,
with the linked files served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import ckanapi
import pytest
import requests

from contracts.files import package_hash
from publish.catalogue import read_catalogue
from publish.ckan import CkanClient, publish_ckan
from publish.ckan.mapping import HASH_KEY, extras_of
from tests.publish.conftest import edit_json

HAUSHALT, KITA = "haushalt-ergebnisplan", "kita-plaetze"


class PortalFiles:
    """The portal's file addresses (/datensaetze/<id>/<file>) answered from the build folder, as
    `kommune serve` answers them from the release (tests/publish/server covers that server);
    here only the bytes matter, and a test can make one address serve other bytes."""

    def __init__(self, build: Path):
        self.build = build
        self.replaced: dict[str, bytes] = {}
        files = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = self.path.split("?")[0].strip("/").split("/")
                body = files.replaced.get(self.path)
                if body is None and len(parts) == 3 and parts[0] == "datensaetze" and ".." not in parts:
                    path = files.build / "datasets" / parts[1] / parts[2]
                    body = path.read_bytes() if path.is_file() else None
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def served_build(unique_build):
    """The unique build with its base address pointing at a running PortalFiles server."""
    build, suffix = unique_build
    files = PortalFiles(build)
    edit_json(build / "portal.json", lambda portal: portal["site"].update(base_url=files.url + "/"))
    yield build, suffix, files
    files.server.shutdown()
    files.server.server_close()


def _publish(build, proxy, ckan, **options):
    client = CkanClient(proxy.url, ckan["token"], retries=2, backoff=0.01)
    return publish_ckan(build, proxy.url, ckan["token"], client=client, **options)


def _api(ckan):
    return ckanapi.RemoteCKAN(ckan["url"], apikey=ckan["token"])


def _show(ckan, name):
    return _api(ckan).action.package_show(id=name, include_plugin_data=True)


def checksum_table(build: Path, ckan) -> list[tuple[str, str, str, bool]]:
    """For every file resource of every dataset in the build: (dataset/resource, sha256 of the
    file in the build, sha256 of what CKAN's resource URL serves, equal)."""
    rows = []
    for entry in read_catalogue(build).datasets:
        stored = {r["kommune_key"]: r for r in _show(ckan, entry.id)["resources"]}
        for dist in entry.distributions:
            if dist.path is None:
                continue
            built = hashlib.sha256(dist.path.read_bytes()).hexdigest()
            answer = requests.get(stored[dist.key]["url"], timeout=30)
            served = hashlib.sha256(answer.content).hexdigest() if answer.ok else f"HTTP {answer.status_code}"
            rows.append((f"{entry.id}/{dist.key}", built, served, built == served))
    return rows


def _print_table(title: str, rows) -> None:
    print(f"\n{title}\n| resource | build sha256 | CKAN sha256 | match |\n|---|---|---|---|")
    for resource, built, served, same in rows:
        print(f"| {resource} | {built[:16]}… | {served[:16]}… | {'ja' if same else 'NEIN'} |")


def change_data_file(build: Path, dataset: str, file_name: str, content: bytes) -> None:
    """A changed build: new content for one data file, with its size and hash in datapackage.json."""
    (build / "datasets" / dataset / file_name).write_bytes(content)
    described = {"bytes": len(content), "hash": package_hash(hashlib.sha256(content).hexdigest())}

    def update(package):
        for resource in package["resources"]:
            for entry in (resource, (resource.get("kommune") or {}).get("json") or {}):
                if entry.get("path") == file_name:
                    entry.update(described)

    edit_json(build / "datasets" / dataset / "datapackage.json", update)


def test_upload_then_link_then_a_changed_build_every_download_matches_the_build(served_build, proxy, ckan):
    build, suffix, _files = served_build
    kita = KITA + suffix

    uploaded = _publish(build, proxy, ckan, upload=True, verify_downloads=True)
    assert uploaded.ok, uploaded.lines()
    csv = next(r for r in _show(ckan, kita)["resources"] if r["kommune_key"] == "kita_plaetze.csv")
    assert csv["url_type"] == "upload" and csv["url"].startswith(ckan["url"])
    assert all(same for *_, same in checksum_table(build, ckan))

    linked = _publish(build, proxy, ckan, verify_downloads=True)
    assert linked.ok, linked.lines()
    assert sorted(linked.updated) == [HAUSHALT + suffix, kita]
    for name in (HAUSHALT + suffix, kita):
        for resource in _show(ckan, name)["resources"]:
            assert not resource.get("url_type"), resource  # no resource left on CKAN's storage
            assert resource["url"].startswith(f"{build_base(build)}/"), resource
    proxy.actions.clear()
    again = _publish(build, proxy, ckan, verify_downloads=True)
    assert again.ok and proxy.writes == [] and sorted(again.unchanged) == [HAUSHALT + suffix, kita]

    new_row = b"Kita Neu,Stadt Werne,Innenstadt,10,20,07:30,16:30,false,2026-08-01\n"
    changed_csv = (build / "datasets" / kita / "kita_plaetze.csv").read_bytes() + new_row
    change_data_file(build, kita, "kita_plaetze.csv", changed_csv)
    rebuilt = _publish(build, proxy, ckan, verify_downloads=True)
    assert rebuilt.ok and rebuilt.updated == [kita], rebuilt.lines()

    table = checksum_table(build, ckan)
    _print_table("upload → link → rebuild", table)
    # per dataset: CSV, JSON, datapackage.json and the version log (versions.json)
    assert len(table) == 8 and all(same for *_, same in table), table
    assert hashlib.sha256(changed_csv).hexdigest() in {built for _, built, _, _ in table}


def build_base(build: Path) -> str:
    return json.loads((build / "portal.json").read_text(encoding="utf-8"))["site"]["base_url"].rstrip("/")


def test_link_then_upload_serves_the_files_from_ckan(served_build, proxy, ckan):
    build, suffix, _files = served_build
    assert _publish(build, proxy, ckan).ok
    switched = _publish(build, proxy, ckan, upload=True, verify_downloads=True)
    assert switched.ok and len(switched.updated) == 2, switched.lines()
    for name in (HAUSHALT + suffix, KITA + suffix):
        files = [r for r in _show(ckan, name)["resources"] if not r["kommune_key"].startswith("api:")]
        assert files and all(r["url_type"] == "upload" and "download_url" not in r for r in files)
    assert all(same for *_, same in checksum_table(build, ckan))


def test_a_file_replaced_on_ckan_is_found_by_verify_and_repaired(unique_build, proxy, ckan):
    build, suffix = unique_build
    kita = KITA + suffix
    assert _publish(build, proxy, ckan, upload=True).ok
    csv = next(r for r in _show(ckan, kita)["resources"] if r["kommune_key"] == "kita_plaetze.csv")
    original = (build / "datasets" / kita / "kita_plaetze.csv").read_bytes()
    forged = original.replace(b"1", b"7")  # same size, other content: only a download finds it
    assert forged != original and len(forged) == len(original)
    forged_file = build.parent / "kita_plaetze.csv"
    forged_file.write_bytes(forged)
    with forged_file.open("rb") as handle:
        _api(ckan).call_action("resource_patch", {"id": csv["id"]}, files={"upload": handle})
    assert hashlib.sha256(requests.get(csv["url"], timeout=30).content).hexdigest() != csv["hash"]

    proxy.actions.clear()
    without_downloads = _publish(build, proxy, ckan, upload=True)
    assert without_downloads.unchanged == [HAUSHALT + suffix, kita] and proxy.writes == []

    repaired = _publish(build, proxy, ckan, upload=True, verify_downloads=True)
    assert repaired.ok and repaired.updated == [kita] and repaired.outcome(kita) == "repaired"
    [mismatch] = repaired.repaired[kita]
    assert (mismatch.resource, mismatch.field, mismatch.built) == ("kita_plaetze.csv", "Download (sha256)", csv["hash"])
    assert any("CKAN liefert nicht, was gebaut wurde: kita_plaetze.csv" in line for line in repaired.lines())
    assert all(same for *_, same in checksum_table(build, ckan))


def test_a_link_changed_on_ckan_is_repaired_without_downloading(unique_build, proxy, ckan):
    build, suffix = unique_build
    kita = KITA + suffix
    assert _publish(build, proxy, ckan).ok
    csv = next(r for r in _show(ckan, kita)["resources"] if r["kommune_key"] == "kita_plaetze.csv")
    _api(ckan).action.resource_patch(id=csv["id"], url="https://example.org/andere.csv", size=1)
    repaired = _publish(build, proxy, ckan)
    assert repaired.ok and repaired.updated == [kita] and repaired.outcome(kita) == "repaired"
    assert {m.field for m in repaired.repaired[kita]} == {"url", "size"}
    stored = next(r for r in _show(ckan, kita)["resources"] if r["kommune_key"] == "kita_plaetze.csv")
    assert (stored["url"], int(stored["size"])) == (csv["url"], int(csv["size"]))


def test_a_mismatch_after_writing_fails_the_dataset_and_the_next_run_writes_it_again(served_build, proxy, ckan):
    build, suffix, files = served_build
    kita = KITA + suffix
    address = f"/datensaetze/{kita}/kita_plaetze.json"
    files.replaced[address] = b"[]"  # the portal serves something else than the build holds
    report = _publish(build, proxy, ckan, verify_downloads=True)
    assert list(report.failed) == [kita] and report.created == [HAUSHALT + suffix]
    assert "nicht, was gebaut wurde" in report.failed[kita] and "kita_plaetze.json" in report.failed[kita]
    assert HASH_KEY not in extras_of(_show(ckan, kita))  # so no later run takes it for done

    del files.replaced[address]
    again = _publish(build, proxy, ckan)
    assert again.ok and again.updated == [kita] and HASH_KEY in extras_of(_show(ckan, kita))


def test_keywords_ckan_would_refuse_are_cleaned_and_reported(unique_build, proxy, ckan):
    build, suffix = unique_build
    kita = KITA + suffix
    keywords = ["Kita", "X", "Krippe/Hort", "Ein- & Auszahlungen", "Kita", "Betreuung (U3)", "Wort " * 30]
    edit_json(build / "datasets" / kita / "datapackage.json", lambda p: p.update(keywords=keywords))
    report = _publish(build, proxy, ckan)
    assert report.ok and kita in report.created, report.lines()
    tags = sorted(t["name"] for t in _show(ckan, kita)["tags"])
    long_tag = ("Wort " * 20).strip()
    assert tags == sorted(["Kita", "Krippe Hort", "Ein- Auszahlungen", "Betreuung U3", long_tag])
    notes = [line.strip() for line in report.lines() if line.startswith("    Schlagwort")]
    assert notes == [
        "Schlagwort 'X' weggelassen: CKAN verlangt für Schlagwörter 2 bis 100 Zeichen",
        "Schlagwort 'Krippe/Hort' als 'Krippe Hort' gesendet: CKAN erlaubt nur Buchstaben, Ziffern, "
        "Leerzeichen, Bindestrich, Unterstrich und Punkt und höchstens 100 Zeichen",
        "Schlagwort 'Ein- & Auszahlungen' als 'Ein- Auszahlungen' gesendet: CKAN erlaubt nur Buchstaben, "
        "Ziffern, Leerzeichen, Bindestrich, Unterstrich und Punkt und höchstens 100 Zeichen",
        "Schlagwort 'Kita' doppelt: nur einmal gesendet",
        "Schlagwort 'Betreuung (U3)' als 'Betreuung U3' gesendet: CKAN erlaubt nur Buchstaben, Ziffern, "
        "Leerzeichen, Bindestrich, Unterstrich und Punkt und höchstens 100 Zeichen",
        f"Schlagwort {'Wort ' * 30!r} als {long_tag!r} gesendet: CKAN erlaubt nur Buchstaben, Ziffern, "
        "Leerzeichen, Bindestrich, Unterstrich und Punkt und höchstens 100 Zeichen",
    ]
    proxy.actions.clear()
    again = _publish(build, proxy, ckan)
    assert kita in again.unchanged and proxy.writes == []
