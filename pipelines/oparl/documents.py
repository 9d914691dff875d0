"""The text of every public council document, fetched politely and only when it changed.

For each File the harvest kept (the privacy rules have already dropped non-public files and
the files of non-public agenda items, so those are never fetched):

1. `File.text`, where the system sends it, is the text; nothing is fetched.
2. Otherwise the file at `downloadUrl` (else `accessUrl`) is fetched, if the address passes the
   portal's URL rule (contracts/urls.py), the file is a PDF (or says nothing of its type) and
   its announced `size` is within `max_file_bytes`; the download stops at that size too. Its
   text layer is read (pipelines/oparl/document_text.py); a PDF without one is recognised with
   OCR only when `ocr: true` and Tesseract is installed.
3. A file is fetched again only when what the system says about it changed (`modified`,
   `size`, checksums, address): the state database (`documents.sqlite` in the dataset's state
   folder) keeps per File that key and the sha256 of its bytes, and per sha256 the text, so an
   unchanged archive costs no request and a file that moved costs no second extraction.
   At most `max_downloads_per_run` files are fetched per build; the rest follow in the next
   builds (a big city's archive is read over days, not in one night), keeping their earlier text.

Requests go through the portal's HttpClient with the dataset's rate (`requests_per_second`),
timeouts and retries. Texts are cut at `max_text_characters`. The texts the system sends are
kept in the state database too, and the result names only the files that have a text
(`StoredTexts` reads each when asked): the archive's texts are never in memory at once.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from contracts.urls import safe_url
from pipelines.errors import Issue
from pipelines.http import FetchError, HttpClient
from pipelines.oparl.document_text import DocumentUnreadable, OcrUnavailable, ocr_available, ocr_pdf, pdf_text

# How a text came about, as the `text_source` column says it.
FROM_SYSTEM = "Ratsinformationssystem"
FROM_TEXT_LAYER = "PDF-Textebene"
FROM_OCR = "Texterkennung"
MAX_FAILURES_REPORTED = 50
# The state's key of a text the system sent (`File.text`), beside the sha256 of a file's bytes.
SYSTEM_TEXT = "system:"
# Counts of texts read (fetched and extracted) in this run, and of those not read in this run
# that the next run tries again.
READ = "gelesen"
DEFERRED = "im nächsten Lauf"
UNREACHABLE = "nicht abrufbar"
PDF_TYPES = ("application/pdf", "application/x-pdf")


class DocumentOptions(BaseModel):
    """`source.documents` of an oparl dataset: whether and how document texts are read."""

    model_config = ConfigDict(extra="forbid")

    text: bool = True  # read the text of documents whose system sends none
    max_file_bytes: int = Field(default=30_000_000, gt=0, le=1_000_000_000)
    max_text_characters: int = Field(default=200_000, gt=0, le=5_000_000)
    max_downloads_per_run: int = Field(default=2_000, ge=0)
    ocr: bool = False  # recognise text of PDFs without text layer (needs Tesseract installed)
    ocr_language: str = Field(default="deu", pattern=r"^[a-z_]{3,8}(\+[a-z_]{3,8})*$")


class DocumentFetcher(Protocol):
    def get_document(self, url: str) -> bytes:
        """The file's bytes; raise pipelines.http.FetchError otherwise."""


@dataclass
class HttpDocumentFetcher:
    """Files over HTTP through the portal's client (its rate, retries and `max_bytes` apply)."""

    http: HttpClient

    def get_document(self, url: str) -> bytes:
        return self.http.get(url).content


@dataclass(frozen=True)
class DocumentText:
    text: str
    source: str


class StoredTexts(Mapping[str, DocumentText]):
    """File id → text, read from the state database when asked (a city's half a million texts
    are never in memory at once); only the ids are held."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self._db: sqlite3.Connection | None = None
        self._path: Path | None = None

    def attach(self, state: TextState, path: Path | None) -> None:
        """Read from `state`'s database: its file (opened again when asked), or, kept in
        memory, its open connection."""
        self._path = path
        self._db = None if path is not None else state.db

    def __getitem__(self, file_id: str) -> DocumentText:
        if file_id not in self.ids:
            raise KeyError(file_id)
        if self._db is None:
            if self._path is None:
                raise KeyError(file_id)
            self._db = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)
        row = self._db.execute(
            "select t.body, t.source from file f join text t on t.sha256 = f.sha256 where f.id = ?", (file_id,)
        ).fetchone()
        if row is None:
            raise KeyError(file_id)
        return DocumentText(row[0], row[1])

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.ids))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class DocumentResult:
    texts: StoredTexts = field(default_factory=StoredTexts)  # File id -> text
    counts: Counter[str] = field(default_factory=Counter)
    issues: list[Issue] = field(default_factory=list)
    # names the texts remembered after this run (TextState.revision): the same while none is read anew
    revision: str = ""

    def failed(self, what: str, reason: str, url: str, expected: str) -> None:
        """Count a document that could not be read; the first MAX_FAILURES_REPORTED are named."""
        self.counts[what] += 1
        if len(self.issues) < MAX_FAILURES_REPORTED:
            self.issues.append(Issue(f"Dokument {what}: {reason}", type="document-error", file=url, expected=expected))

    @property
    def complete(self) -> bool:
        """Whether every text there is to read was read: none left for the next run by the
        download cap, none to fetch again because the fetch failed."""
        return not (self.counts[DEFERRED] or self.counts[UNREACHABLE])

    def keep(self, file_id: str, has_text: bool, what: str) -> None:
        """Publish the text the state holds for the file (if any) without fetching."""
        if has_text:
            self.texts.ids.add(file_id)
        self.counts[what] += 1


def _change_key(file: dict[str, Any], url: str) -> str:
    """What the system says about a file that changes when its content does."""
    return json.dumps(
        [file.get("modified"), file.get("size"), file.get("sha1Checksum"), file.get("sha512Checksum"), url]
    )


def _is_pdf(file: dict[str, Any]) -> bool:
    mime = (file.get("mimeType") or "").split(";")[0].strip().lower()
    if mime:
        return mime in PDF_TYPES
    name = (file.get("fileName") or "").lower()
    return not name or name.endswith(".pdf")


class TextState:
    """The state database: File id → change key and sha256 of its bytes; sha256 → text."""

    def __init__(self, path: Path | None):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path if path is not None else ":memory:")
        self.db.executescript(
            """
            create table if not exists file (id text primary key, change_key text not null, sha256 text);
            create table if not exists text (sha256 text primary key, body text not null, source text not null);
            create table if not exists meta (key text primary key, value text not null);
            """
        )
        self._changed = False

    @property
    def revision(self) -> str:
        """Names what the state holds: the same until a file is remembered anew."""
        row = self.db.execute("select value from meta where key = 'revision'").fetchone()
        return row[0] if row else ""

    def known(self, file_id: str) -> tuple[str, str | None] | None:
        row = self.db.execute("select change_key, sha256 from file where id = ?", (file_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def has_text(self, sha256: str | None) -> bool:
        return (
            sha256 is not None
            and self.db.execute("select 1 from text where sha256 = ?", (sha256,)).fetchone() is not None
        )

    def text_of(self, sha256: str | None) -> DocumentText | None:
        if sha256 is None:
            return None
        row = self.db.execute("select body, source from text where sha256 = ?", (sha256,)).fetchone()
        return DocumentText(row[0], row[1]) if row else None

    def remember(self, file_id: str, change_key: str, sha256: str, text: DocumentText | None) -> None:
        self.db.execute("insert or replace into file values (?, ?, ?)", (file_id, change_key, sha256))
        self._changed = True
        if text is not None:
            self.db.execute("insert or replace into text values (?, ?, ?)", (sha256, text.text, text.source))

    def forget_others(self, file_ids: set[str]) -> None:
        """Drop files the system no longer has, and texts no file points to."""
        gone = [row[0] for row in self.db.execute("select id from file") if row[0] not in file_ids]
        self.db.executemany("delete from file where id = ?", [(file_id,) for file_id in gone])
        self.db.execute("delete from text where sha256 not in (select sha256 from file where sha256 is not null)")

    def save(self) -> str:
        """Commit; return the revision saved."""
        if self._changed or not self.revision:
            self.db.execute("insert or replace into meta values ('revision', ?)", (uuid.uuid4().hex,))
        self._changed = False
        self.db.commit()
        return self.revision

    def close(self) -> str:
        """Save and close; return the revision saved."""
        revision = self.save()
        self.db.close()
        return revision


def read_texts(
    files: Iterable[dict[str, Any]],
    fetcher: DocumentFetcher,
    options: DocumentOptions,
    state_path: Path | None,
) -> DocumentResult:
    """The text of every file in `files` (public files only: the caller's store holds no other),
    fetching what is new or changed. Never raises for one file; failures become issues."""
    result = DocumentResult()
    state = TextState(state_path)
    downloads = 0
    ocr_missing_reported = False
    seen: set[str] = set()
    try:
        for file in files:
            file_id = file["id"]
            seen.add(file_id)
            given = (file.get("text") or "").strip()
            if given:
                # kept in the state database like a text read, so that none is held in memory
                given = given[: options.max_text_characters]
                key = SYSTEM_TEXT + hashlib.sha256(given.encode("utf-8")).hexdigest()
                if state.known(file_id) != (key, key):
                    state.remember(file_id, key, key, DocumentText(given, FROM_SYSTEM))
                result.keep(file_id, True, "vom System")
                continue
            if not options.text:
                continue
            url = safe_url(file.get("downloadUrl")) or safe_url(file.get("accessUrl"))
            if url is None or not url.lower().startswith(("http://", "https://")):  # not mailto:
                result.counts["ohne abrufbare Adresse"] += 1
                continue
            if not _is_pdf(file):
                result.counts["kein PDF"] += 1
                continue
            size = file.get("size")
            if isinstance(size, int) and size > options.max_file_bytes:
                result.counts["zu groß"] += 1
                continue
            key = _change_key(file, url)
            known = state.known(file_id)
            if known is not None and known[0] == key:
                result.keep(file_id, state.has_text(known[1]), "unverändert")
                continue
            if downloads >= options.max_downloads_per_run:
                result.keep(file_id, known is not None and state.has_text(known[1]), DEFERRED)
                continue
            downloads += 1
            try:
                data = fetcher.get_document(url)
            except FetchError as error:
                result.failed(UNREACHABLE, error.reason, url, "ein abrufbares Dokument")
                continue
            digest = hashlib.sha256(data).hexdigest()
            text = state.text_of(digest)
            if text is None:
                try:
                    text, ocr_missing = _extract(data, options, ocr_missing_reported)
                except DocumentUnreadable as error:
                    result.failed("unlesbar", error.reason, url, "eine lesbare PDF-Datei")
                    state.remember(file_id, key, digest, None)
                    continue
                if ocr_missing and not ocr_missing_reported:
                    ocr_missing_reported = True
                    result.issues.append(
                        Issue(
                            "Texterkennung ist eingeschaltet (ocr: true), aber kein OCR-Programm installiert "
                            "(tesseract): Dokumente ohne Textebene bleiben ohne Text",
                            type="ocr-unavailable",
                            file=url,
                            expected="das Programm tesseract mit deutschen Sprachdaten (tesseract-ocr-deu)",
                        )
                    )
            result.counts[READ] += 1
            state.remember(file_id, key, digest, text)
            if text is not None:
                result.texts.ids.add(file_id)
            else:
                result.counts["ohne Textebene"] += 1
        state.forget_others(seen)
    finally:
        result.revision = state.close() if state_path is not None else state.save()
        result.texts.attach(state, state_path)
    return result


def _extract(data: bytes, options: DocumentOptions, ocr_missing_known: bool) -> tuple[DocumentText | None, bool]:
    """(text or None without text layer, whether OCR was wanted but is not installed)."""
    layer = pdf_text(data, options.max_text_characters)
    if layer.text:
        return DocumentText(layer.text, FROM_TEXT_LAYER), False
    if not options.ocr:
        return None, False
    if ocr_missing_known or not ocr_available():
        return None, True
    try:
        recognised = ocr_pdf(data, options.max_text_characters, language=options.ocr_language)
    except OcrUnavailable:
        return None, True
    return (DocumentText(recognised.text, FROM_OCR) if recognised.text else None), False
