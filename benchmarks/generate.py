"""A seeded generator of raw service records as a German town's systems export them.

Semicolon-separated, Windows-1252, CRLF line ends, decimal commas, dd.mm.yyyy dates, seven
columns (see ``service_records.schema.json``). The same seed and row count always give the
same bytes, so runs on different days measure the same file.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from contracts.german import german_date

SCHEMA_PATH = Path(__file__).with_name("service_records.schema.json")
HEADER = "vorgang_id;eingang;leistung;kanal;stadtteil;bearbeitungstage;wartezeit_min"

SERVICES = {
    "Personalausweis beantragen": 18,
    "Reisepass beantragen": 7,
    "Wohnsitz anmelden": 14,
    "Meldebescheinigung": 9,
    "Führungszeugnis beantragen": 5,
    "Sperrmüll anmelden": 16,
    "Gewerbe anmelden": 3,
    "Hundesteuer anmelden": 2,
    "Anwohnerparkausweis": 2,
    "Geburtsurkunde": 3,
    "Beglaubigung": 4,
    "Fundsache melden": 1,
    "Straßenschaden melden": 2,
    "Müllbehälter ändern": 4,
    "Wohngeld beantragen": 2,
    "Bauantrag einreichen": 1,
}
CHANNELS = {"online": 35, "vor Ort": 40, "Telefon": 15, "Post": 10}
DISTRICTS = {
    "Werne-Mitte": 40,
    "Stockum": 12,
    "Langern": 8,
    "Horst": 6,
    "Holthausen": 10,
    "Evenkamp": 7,
    "Schmintrup": 5,
    "Ehringhausen": 7,
    "": 2,  # not every record knows the district: a missing value
}
FIRST_DAY = date(2020, 1, 1)
DAYS = 1566  # 2020-01-01 .. 2024-04-15, as in the measured file
BATCH = 50_000


def _german_decimal(tenths: int) -> str:
    whole, fraction = divmod(tenths, 10)
    return f"{whole:,}".replace(",", ".") + f",{fraction}"


def generate(path: Path, rows: int, seed: int = 20261125) -> Path:
    """Write ``rows`` service records to ``path`` (overwriting it); return ``path``.

    Raises ``OSError`` when the file cannot be written.
    """
    rng = random.Random(seed)
    dates = [german_date(FIRST_DAY + timedelta(days=offset)) for offset in range(DAYS)]
    processing = [_german_decimal(tenths) for tenths in range(1200)]
    processing_weights = [0.985**tenths for tenths in range(1200)]
    waits = [str(minutes) for minutes in range(181)]
    wait_weights = [0.97**minutes for minutes in range(181)]
    columns = [
        (dates, None),
        (list(SERVICES), list(SERVICES.values())),
        (list(CHANNELS), list(CHANNELS.values())),
        (list(DISTRICTS), list(DISTRICTS.values())),
        (processing, processing_weights),
        (waits, wait_weights),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="cp1252", newline="") as out:
        out.write(HEADER + "\r\n")
        written = 0
        while written < rows:
            size = min(BATCH, rows - written)
            picked = [rng.choices(values, weights, k=size) for values, weights in columns]
            ids = range(written + 1, written + size + 1)
            out.write(
                "".join(
                    f"{record_id};{day};{service};{channel};{district};{days};{wait}\r\n"
                    for record_id, day, service, channel, district, days, wait in zip(ids, *picked, strict=True)
                )
            )
            written += size
    return path


def transcode_to_utf8(source: Path, target: Path) -> Path:
    """Copy the Windows-1252 file as UTF-8 (what ``sqlite3 .import`` and DuckDB can read)."""
    with (
        open(source, encoding="cp1252", newline="") as reader,
        open(target, "w", encoding="utf-8", newline="") as writer,
    ):
        while chunk := reader.read(1 << 20):
            writer.write(chunk)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--utf8-copy", type=Path, help="transcode PATH to this UTF-8 file instead")
    arguments = parser.parse_args()
    if arguments.utf8_copy:
        temporary = arguments.utf8_copy.with_suffix(".tmp")
        transcode_to_utf8(arguments.path, temporary).rename(arguments.utf8_copy)
    else:
        generate(arguments.path, arguments.rows, arguments.seed)


if __name__ == "__main__":
    main()
