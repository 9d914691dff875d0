"""Which library reads the text layer of council PDFs: pypdfium2 against pypdf and pdfminer.six.

    python -m benchmarks.pdf_text [--documents 300] [--pages 3]

Generates seeded German council documents with a text layer (pipelines/demo/documents.py,
umlauts, ß, numbers, long compounds) and reads each with every library. Speed: documents per
second, one process, median of three passes. Quality: the share of the document's words found
in the extracted text (after the portal's search folding, so line breaks and double spaces do
not count against a library), and the share of documents whose every umlaut word came back.
Prints the figures; asserts nothing (docs/decisions/document-text.md records the result).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from collections.abc import Callable

import pdfminer.high_level
import pypdf

from contracts.german_folding import normalise
from pipelines.demo.documents import text_pdf
from pipelines.oparl.document_text import pdf_text

WORDS = [
    "Bebauungsplan",
    "Straßenbaubeitrag",
    "Lärmschutzgutachten",
    "Öffentlichkeitsbeteiligung",
    "Überschwemmungsgebiet",
    "Haushaltssatzung",
    "Grünfläche",
    "Kindertagesstätte",
    "Feuerwehrgerätehaus",
    "Sperrmüllabfuhr",
    "Radverkehrskonzept",
    "Gewerbegebiet",
    "Stellungnahme",
    "Abwägung",
    "Verwaltung",
    "beschließt",
    "empfiehlt",
    "Rat",
    "Ausschuss",
    "Zustimmung",
    "Kosten",
    "Euro",
    "Maßnahme",
    "Bürgerinnen",
    "Bürger",
    "Gebäude",
    "Schulhof",
    "Sanierung",
    "Förderung",
    "Zuschuss",
    "Haushaltsjahr",
]


def _document(rng: random.Random, pages: int) -> tuple[str, list[str]]:
    paragraphs = []
    for _ in range(pages * 6):
        words = [rng.choice(WORDS) for _ in range(rng.randint(25, 60))]
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 99_999):,}".replace(",", ".") + ",00")
        paragraphs.append(" ".join(words) + ".")
    return f"Beschlussvorlage {rng.randint(1, 400):03d}/2026", paragraphs


def _with_pypdf(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _with_pdfminer(data: bytes) -> str:
    return pdfminer.high_level.extract_text(io.BytesIO(data))


def _with_pypdfium2(data: bytes) -> str:
    return pdf_text(data, max_characters=10_000_000).text


LIBRARIES: dict[str, Callable[[bytes], str]] = {
    "pypdfium2": _with_pypdfium2,
    "pypdf": _with_pypdf,
    "pdfminer.six": _with_pdfminer,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--pages", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(2026)
    documents = []
    for _ in range(args.documents):
        title, paragraphs = _document(rng, args.pages)
        documents.append((text_pdf(title, paragraphs), normalise(" ".join([title, *paragraphs]))))
    size = sum(len(data) for data, _ in documents)
    print(f"{len(documents)} PDFs, {size / len(documents) / 1024:.1f} KiB each on average")
    for name, extract in LIBRARIES.items():
        passes = []
        for _ in range(3):
            started = time.perf_counter()
            texts = [extract(data) for data, _ in documents]
            passes.append(time.perf_counter() - started)
        found = total = complete = 0
        for text, (_, truth) in zip(texts, documents, strict=True):
            folded = " " + normalise(text) + " "
            words = truth.split(" ")
            hits = sum(f" {word} " in folded or word in folded for word in words)
            found, total = found + hits, total + len(words)
            complete += hits == len(words)
        seconds = statistics.median(passes)
        print(
            f"{name:13} {len(documents) / seconds:8.1f} documents/s  "
            f"{seconds / len(documents) * 1000:6.2f} ms each  words found {found / total:7.2%}  "
            f"complete documents {complete / len(documents):7.2%}"
        )


if __name__ == "__main__":
    main()
