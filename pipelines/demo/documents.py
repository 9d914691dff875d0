"""Small, real PDF documents for the demo council system, made with fpdf2.

`text_pdf` writes a document with a text layer (what an office suite exports), `scanned_pdf`
one without (a scan: only drawn shapes, no characters), so the demo exercises both the
text-layer extraction and the missing-text-layer path. The bytes depend only on the
arguments: the creation date is fixed and fpdf2 writes no random file id.
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

# A fixed date: the PDF's metadata must not change from one generation to the next.
CREATED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
# Characters the PDF core fonts (Latin-1) cannot show, in the form a typewriter would use.
_LATIN1_FORMS = str.maketrans({"–": "-", "—": "-", "„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'"})


def _document() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(CREATED)
    pdf.set_creator("Offene Kommune Demo")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    return pdf


def text_pdf(title: str, paragraphs: list[str], *, header: str = "Stadt Werne") -> bytes:
    """A one- or two-page PDF with a text layer: header line, title, paragraphs."""
    pdf = _document()
    pdf.set_title(title.translate(_LATIN1_FORMS))
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 6, header.translate(_LATIN1_FORMS), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.multi_cell(0, 7, title.translate(_LATIN1_FORMS), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph.translate(_LATIN1_FORMS), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def scanned_pdf(lines: int = 18) -> bytes:
    """A PDF as a scanner makes it without text recognition: grey bars where the lines of text
    are, and not one character in the file."""
    pdf = _document()
    pdf.set_fill_color(90, 90, 90)
    for line in range(lines):
        width = 170 - (line * 37) % 60
        pdf.rect(20, 30 + line * 9, width, 3.5, style="F")
    return bytes(pdf.output())
