"""Council document search at the size of a large city's archive: p50/p95 of the document query.

    python -m benchmarks.council_search_scale [--papers 200000] [--documents 500000] [--words 150]

Builds a portal.db-shaped SQLite file with generated German text (seeded): `oparl_paper`,
`oparl_meeting`, `oparl_consultation`, `oparl_agenda_item` and `oparl_file` with the folded
`search_text` and its FTS5 trigram index made as publish/database.py makes it (sqlite-utils
`enable_fts`). Then runs `publish.site.council_search.find_documents` — the query the council
search page sends, with its count and best-50 hits, snippets and links — for rare words, common
words and two-word queries, 20 times each, and prints p50 and p95 per kind and over all.
Asserts nothing; the figures go to docs/decisions/document-text.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlite_utils

from contracts.build_folder import DATABASE_FILE
from contracts.german_folding import normalise
from publish.database import open_readonly
from publish.site.council_search import find_documents

COMMON = [
    "Verwaltung",
    "Beschluss",
    "Rat",
    "Ausschuss",
    "Haushalt",
    "Kosten",
    "Straße",
    "Stadt",
    "Antrag",
    "Vorlage",
    "Bericht",
    "Sitzung",
    "Euro",
    "Maßnahme",
    "Planung",
    "Gebäude",
    "Schule",
    "Verkehr",
    "Förderung",
    "Bürger",
    "Umwelt",
    "Klima",
    "Bau",
    "Gewerbe",
    "Fläche",
    "Wohnen",
    "Sanierung",
    "Jahr",
]
RARE_PREFIXES = ("Fledermaus", "Schallkontor", "Regenrückhalte", "Drehleiter", "Oberboden", "Sichtachse")


def _text(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(COMMON) for _ in range(words)]
    if rng.random() < 0.001:
        chosen.insert(rng.randrange(len(chosen)), rng.choice(RARE_PREFIXES) + "quartier")
    return " ".join(chosen) + "."


def build(path: Path, papers: int, documents: int, words: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    db = sqlite_utils.Database(path)
    meetings = max(1, papers // 20)
    with db.conn:
        db.table("oparl_meeting").insert_all(
            (
                {"id": f"m{i}", "name": f"{i}. Sitzung", "start": f"20{10 + i % 15}-03-01T17:00:00+01:00"}
                for i in range(meetings)
            ),
            pk="id",
        )
        db.table("oparl_paper").insert_all(
            (
                {"id": f"p{i}", "reference": f"{i % 999:03d}/20{10 + i % 15}", "name": _text(rng, 6)}
                for i in range(papers)
            ),
            pk="id",
            batch_size=5000,
        )
        db.table("oparl_agenda_item").insert_all(
            ({"id": f"a{i}", "meeting": f"m{i % meetings}"} for i in range(papers)), pk="id", batch_size=5000
        )
        db.table("oparl_consultation").insert_all(
            ({"id": f"c{i}", "paper": f"p{i}", "meeting": f"m{i % meetings}"} for i in range(papers)),
            pk="id",
            batch_size=5000,
        )

        def files():
            for i in range(documents):
                text = _text(rng, words)
                yield {
                    "id": f"f{i}",
                    "name": f"Anlage {i}",
                    "file_name": f"{i}.pdf",
                    "role": "Anlage",
                    "access_url": f"https://ris.example/{i}.pdf",
                    "paper": f"p{i % papers}",
                    "meeting": None,
                    "agenda_item": None,
                    "text": text,
                    "search_text": normalise(f"Anlage {i} {text}"),
                }

        db.table("oparl_file").insert_all(files(), pk="id", batch_size=5000)
    db.table("oparl_consultation").create_index(["paper"])
    db.table("oparl_file").enable_fts(["name", "search_text"], tokenize="trigram")
    db.conn.execute("vacuum")
    db.close()


def measure(path: Path, repeat: int = 20) -> dict[str, list[float]]:
    db = open_readonly(path)
    queries = {
        "rare word": [["fledermausquartier"], ["schallkontor"], ["drehleiter"]],
        "common word": [["haushalt"], ["strasse"], ["sanierung"]],
        "two words": [["klima", "schule"], ["gewerbe", "flaeche"], ["verkehr", "foerderung"]],
    }
    paths = {f"p{i}": f"rat/vorlagen/{i}/" for i in range(10)}  # links are looked up, not needed for timing
    timings: dict[str, list[float]] = {}
    for kind, word_lists in queries.items():
        for _ in range(repeat):
            for words in word_lists:
                started = time.perf_counter()
                find_documents(db, words, paths)
                timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    db.close()
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--documents", type=int, default=500_000)
    parser.add_argument("--words", type=int, default=150, help="words of text per document")
    parser.add_argument("--keep", type=Path, help="write the database here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / DATABASE_FILE
        started = time.perf_counter()
        build(path, args.papers, args.documents, args.words)
        print(
            f"{args.papers:,} papers, {args.documents:,} documents of {args.words} words: built in "
            f"{time.perf_counter() - started:.0f} s, {path.stat().st_size / 2**20:,.0f} MiB"
        )
        timings = measure(path)
        everything = [t for values in timings.values() for t in values]
        for kind, values in [*timings.items(), ("all", everything)]:
            median = statistics.median(values)
            print(f"{kind:12} p50 {median:7.1f} ms   p95 {p95(values):7.1f} ms   ({len(values)} queries)")


if __name__ == "__main__":
    main()
