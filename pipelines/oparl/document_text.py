"""The text of one council document: the PDF's text layer, or text recognition where it has none.

The text layer is read with pypdfium2 (PDFium, the PDF engine of Chromium): measured against
pypdf and pdfminer.six in docs/decisions/document-text.md. What comes from a source is hostile:
the number of pages read and the characters kept are bounded, a file PDFium cannot open is a
`DocumentUnreadable` (German reason), never an exception from the library.

Text recognition (OCR) runs only when a declaration switches it on and a Tesseract program is
installed: `ocr_pdf` renders each page in grey and hands it to `tesseract` on standard input;
without the program it raises `OcrUnavailable`, which the caller reports once per run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

import numpy
import pypdfium2

MAX_PAGES = 300  # a council paper with more pages is an annex of plans: its first pages say what it is
OCR_RESOLUTION = 300  # dots per inch Tesseract reads best at
OCR_SECONDS_PER_PAGE = 60
TESSERACT = "tesseract"

# Control characters PDF text layers carry (form feeds between pages, NUL in broken fonts);
# line breaks and tabs stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


class DocumentUnreadable(Exception):
    """The file is no PDF PDFium can read; `reason` is German."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class OcrUnavailable(Exception):
    """Text recognition was asked for, but no OCR program is installed."""


@dataclass(frozen=True)
class ExtractedText:
    text: str
    pages: int
    truncated: bool  # more characters (or pages) than kept


def clean(text: str) -> str:
    """Line breaks as `\\n`, no control characters, no spaces before line ends, at most one
    blank line in a row."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", text)).strip()


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise DocumentUnreadable("keine lesbare PDF-Datei") from None


def pdf_text(data: bytes, max_characters: int, max_pages: int = MAX_PAGES) -> ExtractedText:
    """The text layer of the PDF `data`, at most `max_characters` characters of the first
    `max_pages` pages. An empty text means the PDF has no text layer (a scan).

    Raises DocumentUnreadable when the bytes are no readable PDF."""
    document = _open(data)
    try:
        parts: list[str] = []
        length = 0
        pages = len(document)
        for index in range(min(pages, max_pages)):
            page = document[index]
            try:
                text_page = page.get_textpage()
                try:
                    part = clean(text_page.get_text_range())
                finally:
                    text_page.close()
            finally:
                page.close()
            if part:
                parts.append(part)
                length += len(part) + 2
            if length >= max_characters:
                break
        text = "\n\n".join(parts)
        return ExtractedText(text[:max_characters], pages, len(text) > max_characters or pages > max_pages)
    finally:
        document.close()


def ocr_available(engine: str | None = None) -> bool:
    return shutil.which(engine or TESSERACT) is not None


def ocr_pdf(
    data: bytes, max_characters: int, max_pages: int = MAX_PAGES, language: str = "deu", engine: str | None = None
) -> ExtractedText:
    """Recognised text of a PDF without text layer, page by page with Tesseract.

    Raises OcrUnavailable when the program `engine` (default: TESSERACT) is not installed,
    DocumentUnreadable when the bytes are no readable PDF or Tesseract fails on a page."""
    program = shutil.which(engine or TESSERACT)
    if program is None:
        raise OcrUnavailable(engine or TESSERACT)
    document = _open(data)
    try:
        parts: list[str] = []
        pages = len(document)
        for index in range(min(pages, max_pages)):
            page = document[index]
            try:
                bitmap = page.render(scale=OCR_RESOLUTION / 72, grayscale=True)
                image = _pgm(bitmap.to_numpy())
            finally:
                page.close()
            try:
                done = subprocess.run(
                    [program, "stdin", "stdout", "-l", language, "--dpi", str(OCR_RESOLUTION)],
                    input=image,
                    capture_output=True,
                    timeout=OCR_SECONDS_PER_PAGE,
                    check=True,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                raise DocumentUnreadable(f"Texterkennung scheiterte auf Seite {index + 1}") from None
            parts.append(clean(done.stdout.decode("utf-8", "replace")))
            if sum(len(part) for part in parts) >= max_characters:
                break
        text = "\n\n".join(part for part in parts if part)
        return ExtractedText(text[:max_characters], pages, len(text) > max_characters or pages > max_pages)
    finally:
        document.close()


def _pgm(pixels: numpy.ndarray) -> bytes:
    """A grey image (rows × columns, or × 1 channel) as binary PGM, which Tesseract reads
    without an image library."""
    rows, columns = pixels.shape[0], pixels.shape[1]
    grey = pixels.reshape(rows, -1)[:, :columns] if pixels.ndim == 3 else pixels
    return f"P5 {columns} {rows} 255\n".encode("ascii") + grey.astype("uint8").tobytes()
