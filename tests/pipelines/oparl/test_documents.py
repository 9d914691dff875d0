"""Document texts: the PDF text layer of generated PDFs, a scan without one, OCR without an
engine, and the fetching rules against the real OParl test server on 127.0.0.1 (public files
only, the declared rate, the size cap, nothing fetched twice)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from contracts.german_folding import normalise
from pipelines.demo.documents import scanned_pdf, text_pdf
from pipelines.http import HttpClient, HttpSettings
from pipelines.oparl import document_text
from pipelines.oparl.client import HttpJsonFetcher
from pipelines.oparl.document_text import DocumentUnreadable, OcrUnavailable, ocr_pdf, pdf_text
from pipelines.oparl.documents import (
    FROM_SYSTEM,
    FROM_TEXT_LAYER,
    DocumentOptions,
    DocumentText,
    HttpDocumentFetcher,
    read_texts,
)
from pipelines.oparl.harvester import Harvester
from pipelines.oparl.privacy import NON_PUBLIC_PATTERN

PARAGRAPH = "Die Straßenbäume an der Münsterstraße werden ersetzt; das Lärmschutzgutachten kostet 12.500,00 Euro."


def test_the_text_layer_of_a_generated_pdf_comes_back_word_for_word():
    data = text_pdf("Beschlussvorlage 017/2026 – Grünfläche", ["Sachverhalt", PARAGRAPH * 3])
    extracted = pdf_text(data, max_characters=100_000)
    assert extracted.pages == 1 and not extracted.truncated
    folded = normalise(extracted.text)
    for word in normalise("Beschlussvorlage 017/2026 Grünfläche " + PARAGRAPH).split(" "):
        assert word in folded, word
    assert "Straßenbäume" in extracted.text and "\r" not in extracted.text


def test_the_text_is_cut_at_the_cap():
    extracted = pdf_text(text_pdf("Lang", [PARAGRAPH] * 60), max_characters=500)
    assert len(extracted.text) == 500 and extracted.truncated


def test_a_scan_without_text_layer_gives_no_text_and_other_bytes_are_unreadable():
    assert pdf_text(scanned_pdf(), max_characters=1000).text == ""
    with pytest.raises(DocumentUnreadable):
        pdf_text(b"<html>Fehlerseite des Servers</html>", max_characters=1000)


def test_ocr_without_an_engine_says_so(monkeypatch):
    monkeypatch.setattr(document_text, "TESSERACT", "tesseract-auf-diesem-rechner-nicht-installiert")
    with pytest.raises(OcrUnavailable):
        ocr_pdf(scanned_pdf(), max_characters=1000)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="no Tesseract installed here")
def test_ocr_reads_a_rendered_page_when_tesseract_is_installed():
    # A PDF whose only text is drawn large; OCR must find its words in the picture of the page.
    data = text_pdf("Niederschrift", ["Haushaltssatzung beschlossen"])
    recognised = ocr_pdf(data, max_characters=10_000)
    assert "haushaltssatzung" in normalise(recognised.text)


# --- fetching from a council system ---------------------------------------------------------


def harvest(server):
    with HttpClient(server.cache_dir / "json", HttpSettings(retries=0)) as http:
        return Harvester(HttpJsonFetcher(http), server.system_url).run().store


def read(server, store, options: DocumentOptions, state, requests_per_second: float = 50.0):
    settings = HttpSettings(retries=0, min_interval=1 / requests_per_second, max_bytes=options.max_file_bytes)
    with HttpClient(server.cache_dir / "documents", settings) as http:
        return read_texts(list(store.of_type("File")), HttpDocumentFetcher(http), options, state)


def document_requests(server) -> list[str]:
    return [path for path in server.requests if "/file/" in path]


def test_texts_come_from_the_system_or_the_pdf_and_non_public_files_are_never_fetched(oparl_server, tmp_path):
    recorded_files = oparl_server.recording.list_objects("files")
    non_public = [f for f in recorded_files if NON_PUBLIC_PATTERN.search(f.get("name", "") + f.get("fileName", ""))]
    assert non_public, "the demo has non-public files"
    store = harvest(oparl_server)
    oparl_server.requests.clear()
    result = read(oparl_server, store, DocumentOptions(), tmp_path / "documents.sqlite")
    asked = document_requests(oparl_server)
    for file in non_public:
        assert oparl_server.url(file["downloadUrl"]).split("127.0.0.1", 1)[1].split("/", 1)[1] not in " ".join(asked)
        assert file["id"] not in result.texts
    sent = [f for f in store.of_type("File") if f.get("text")]
    assert sent and all(result.texts[f["id"]].source == FROM_SYSTEM for f in sent)
    assert not any(f["id"].rsplit("/", 1)[1] + "/" in " ".join(asked) for f in sent)  # File.text: no request
    from_pdf = [t for t in result.texts.values() if t.source == FROM_TEXT_LAYER]
    assert len(from_pdf) == result.counts["gelesen"] - result.counts["ohne Textebene"] > 100
    assert result.counts["ohne Textebene"] > 0  # the scanned annexes
    assert any("Fledermausquartiere" in t.text for t in from_pdf)


def test_a_second_run_fetches_nothing_and_a_changed_file_alone_again(oparl_server, tmp_path):
    state = tmp_path / "documents.sqlite"
    store = harvest(oparl_server)
    first = read(oparl_server, store, DocumentOptions(), state)
    oparl_server.requests.clear()
    second = read(oparl_server, store, DocumentOptions(), state)
    assert document_requests(oparl_server) == []
    assert second.texts == first.texts and second.counts["unverändert"] == first.counts["gelesen"]
    changed = next(f for f in store.of_type("File") if not f.get("text"))
    changed["modified"] = "2026-12-01T09:00:00+01:00"
    store.put("File", changed, None)
    read(oparl_server, store, DocumentOptions(), state)
    assert len(document_requests(oparl_server)) == 1


def test_the_declared_rate_is_kept_between_document_requests(oparl_server, tmp_path):
    store = harvest(oparl_server)
    files = [f for f in store.of_type("File") if not f.get("text")][:6]
    oparl_server.request_times.clear()
    settings = HttpSettings(retries=0, min_interval=0.5)  # 2 requests per second
    with HttpClient(oparl_server.cache_dir / "rate", settings) as http:
        read_texts(files, HttpDocumentFetcher(http), DocumentOptions(), tmp_path / "state.sqlite")
    times = oparl_server.request_times
    assert len(times) == 6
    # The client starts one request per half second at most; measured where they arrive, the
    # first may arrive a little late on a busy machine, hence the quarter second of slack.
    assert times[-1] - times[0] >= 5 * 0.5 - 0.25


def test_the_size_cap_skips_big_files_unasked_and_stops_downloads_that_grow_past_it(oparl_server, tmp_path):
    store = harvest(oparl_server)
    files = [f for f in store.of_type("File") if not f.get("text")][:4]
    announced_big, unannounced = files[:2], [dict(f) for f in files[2:]]
    for file in announced_big:
        file["size"] = 50_000_000
    for file in unannounced:
        file.pop("size", None)
    oparl_server.requests.clear()
    options = DocumentOptions(max_file_bytes=500)  # every demo PDF is larger
    with HttpClient(oparl_server.cache_dir / "cap", HttpSettings(retries=0, max_bytes=500)) as http:
        result = read_texts(announced_big + unannounced, HttpDocumentFetcher(http), options, tmp_path / "cap.sqlite")
    assert result.counts["zu groß"] == 2 and result.counts["nicht abrufbar"] == 2
    assert all("größer als 500 Bytes" in issue.message for issue in result.issues)
    asked = " ".join(document_requests(oparl_server))
    assert not any("/file/" + f["id"].rsplit("/", 1)[1] + "/" in asked for f in announced_big)
    assert not result.texts


def test_at_most_the_declared_number_of_downloads_per_run_and_the_rest_next_time(oparl_server, tmp_path):
    store = harvest(oparl_server)
    state = tmp_path / "documents.sqlite"
    oparl_server.requests.clear()
    first = read(oparl_server, store, DocumentOptions(max_downloads_per_run=10), state)
    assert len(document_requests(oparl_server)) == 10 and first.counts["im nächsten Lauf"] > 0
    oparl_server.requests.clear()
    read(oparl_server, store, DocumentOptions(max_downloads_per_run=10), state)
    assert len(document_requests(oparl_server)) == 10  # ten others: the first ten are unchanged


class Documents:
    """Files answered from memory (the DocumentFetcher protocol), for the paths that need no server."""

    def __init__(self, documents: dict[str, bytes]):
        self.documents = documents

    def get_document(self, url: str) -> bytes:
        return self.documents[url]


def test_ocr_asked_for_without_an_engine_is_one_warning_and_the_scans_stay_without_text(monkeypatch, tmp_path):
    monkeypatch.setattr(document_text, "TESSERACT", "tesseract-auf-diesem-rechner-nicht-installiert")
    files = [
        {
            "id": f"https://ris.example/file/{n}",
            "accessUrl": f"https://ris.example/{n}.pdf",
            "mimeType": "application/pdf",
        }
        for n in range(3)
    ]
    fetcher = Documents({file["accessUrl"]: scanned_pdf() for file in files})
    result = read_texts(files, fetcher, DocumentOptions(ocr=True), tmp_path / "state.sqlite")
    assert [issue.type for issue in result.issues] == ["ocr-unavailable"]
    assert result.texts == {} and result.counts["ohne Textebene"] == 3


def test_only_http_addresses_the_allow_list_passes_are_fetched(tmp_path):
    files = [
        {"id": "a", "accessUrl": "javascript:alert(1)"},
        {"id": "b", "accessUrl": "file:///etc/passwd"},
        {"id": "c", "accessUrl": "mailto:rat@werne.example"},
        {"id": "d", "accessUrl": "https://ris.example/d.docx", "mimeType": "application/msword"},
    ]
    result = read_texts(files, Documents({}), DocumentOptions(), tmp_path / "state.sqlite")
    assert result.counts == {"ohne abrufbare Adresse": 3, "kein PDF": 1} and not result.issues


def test_texts_stay_in_the_state_database_and_are_read_when_asked(tmp_path):
    """A city's texts are never held at once: the result keeps ids, the state database the
    texts (edited behind the result's back here, to show where they are read from)."""

    class NoDocuments:
        def get_document(self, url: str) -> bytes:
            raise AssertionError(f"nothing to fetch: {url}")

    state = tmp_path / "documents.sqlite"
    files = [{"id": f"https://ris.example/file/{n}", "text": f"  Beschluss Nummer {n}  "} for n in range(3)]
    result = read_texts(iter(files), NoDocuments(), DocumentOptions(max_text_characters=12), state)
    assert result.texts.ids == {f["id"] for f in files} and result.counts == {"vom System": 3}
    assert result.texts[files[0]["id"]] == DocumentText("Beschluss Nu", FROM_SYSTEM)
    db = sqlite3.connect(state)
    db.execute("update text set body = 'anders'")
    db.commit()
    assert {text.text for text in result.texts.values()} == {"anders"}
    again = read_texts(iter(files), NoDocuments(), DocumentOptions(max_text_characters=12), state)
    assert again.revision == result.revision  # the same texts: nothing remembered anew
