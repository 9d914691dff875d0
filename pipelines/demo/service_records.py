"""Seeded generator of synthetic record-level service exports for the demo town Werne.

It writes what the town's systems would export: German-dialect CSV (`;`, Windows-1252,
`dd.mm.yyyy`, decimal commas) with the personal fields those systems hold (names,
addresses, e-mail addresses, phone numbers, free text), so that the disclosure-control
rules are exercised on realistic input. Three exports:

- citizen office (Bürgerbüro): one row per appointment or visit,
- bulky-waste requests (Sperrmüll): one row per pickup request, the online share grows,
- complaints (Beschwerden): one row per complaint with free text and complainant.

Run `python -m pipelines.demo.service_records DIR` to rewrite the demo samples; the same
seed always writes the same bytes. `scale` multiplies every volume (benchmarks use it).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from contracts.german import german_date
from pipelines.demo.demand import (
    BEMERKUNGEN,
    BESCHWERDE_CATEGORIES,
    BESCHWERDE_TEXTS,
    CITIZEN_OFFICE_SERVICES,
    SPERRMUELL_ITEMS,
    SPERRMUELL_SERVICES,
)
from pipelines.demo.people import POSTCODE, TOWN, Person, make_people

FIRST_MONTH = date(2023, 11, 1)
MONTHS = 36  # November 2023 up to October 2026
EXPORT_DATE = date(2026, 10, 31)
DEFAULT_SEED = 5978040  # from Werne's municipality key

BESCHWERDE_CHANNELS = ("Online-Formular", "E-Mail", "Telefon", "Brief", "Persönlich")


def month_start(index: int) -> date:
    """First day of the `index`-th month after the first demo month."""
    months = FIRST_MONTH.month - 1 + index
    return date(FIRST_MONTH.year + months // 12, months % 12 + 1, 1)


def _days_in_month(first: date) -> int:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (following - first).days


def _poisson(rng: random.Random, mean: float) -> int:
    # Normal approximation is good enough for demo volumes and keeps generation fast.
    if mean < 30:
        limit, product, count = math.exp(-mean), rng.random(), 0
        while product > limit:
            product *= rng.random()
            count += 1
        return count
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _german_decimal(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def _progress(index: int) -> float:
    return index / (MONTHS - 1)


def _fill(template: str, person: Person, neighbour: Person) -> str:
    return template.format(
        address=person.address,
        street=person.street,
        phone=person.phone,
        email=person.email,
        name=person.full_name,
        neighbour=neighbour.full_name,
    )


def _weekday_in_month(rng: random.Random, first: date) -> date:
    while True:
        day = first + timedelta(days=rng.randrange(_days_in_month(first)))
        if day.weekday() < 5:
            return day


def buergerbuero_rows(rng: random.Random, people: list[Person], scale: float = 1.0) -> Iterator[list[str]]:
    """Yield citizen-office export rows (without header), month by month."""
    number = 0
    for index in range(MONTHS):
        first = month_start(index)
        summer = 1.0 if first.month in (5, 6, 7) else 0.0
        for service in CITIZEN_OFFICE_SERVICES:
            mean = service.monthly * (1 + service.summer_peak * summer) * scale
            for _ in range(_poisson(rng, mean)):
                number += 1
                day = _weekday_in_month(rng, first)
                online_share = 0.0
                if service.online_from is not None and index >= service.online_from:
                    span = max(1, MONTHS - 1 - service.online_from)
                    online_share = service.online_start + (service.online_end - service.online_start) * (
                        (index - service.online_from) / span
                    )
                draw = rng.random()
                if draw < online_share:
                    channel = "Online"
                elif draw < online_share + service.post_share:
                    channel = "Post"
                else:
                    # Appointments replace walk-ins over the three years.
                    channel = (
                        "Vor Ort mit Termin" if rng.random() < 0.55 + 0.3 * _progress(index) else "Vor Ort ohne Termin"
                    )
                if channel == "Vor Ort ohne Termin":
                    wait = _german_decimal(max(1.0, rng.gauss(38 - 14 * _progress(index), 12)))
                elif channel == "Vor Ort mit Termin":
                    wait = _german_decimal(max(0.0, rng.gauss(7, 4)))
                else:
                    wait = ""
                low, high = service.in_person_days if channel.startswith("Vor Ort") else service.remote_days
                person = rng.choice(people)
                note = _fill(rng.choice(BEMERKUNGEN), person, person)
                yield [
                    f"BB-{first.year}-{number:06d}",
                    german_date(day),
                    f"{rng.randint(8, 17):02d}:{rng.choice((0, 10, 20, 30, 40, 50)):02d}",
                    service.name,
                    channel,
                    wait,
                    str(rng.randint(low, high)),
                    person.last_name,
                    person.first_name,
                    person.birth_date,
                    person.street,
                    person.house_number,
                    POSTCODE,
                    TOWN,
                    person.email,
                    person.phone,
                    note,
                ]


def sperrmuell_rows(rng: random.Random, people: list[Person], scale: float = 1.0) -> Iterator[list[str]]:
    """Yield bulky-waste request rows; the online share grows from ~6 % to ~32 %."""
    number = 0
    for index in range(MONTHS):
        first = month_start(index)
        spring = 1.35 if first.month in (3, 4, 5) else 1.0
        online_share = 0.06 + 0.26 * _progress(index)
        phone_share = 0.2 - 0.06 * _progress(index)
        for service, monthly in SPERRMUELL_SERVICES:
            for _ in range(_poisson(rng, monthly * spring * scale)):
                number += 1
                received = first + timedelta(days=rng.randrange(_days_in_month(first)))
                draw = rng.random()
                if draw < online_share:
                    channel, days = "Online-Formular", rng.randint(6, 14)
                elif draw < online_share + phone_share:
                    channel, days = "Telefon", rng.randint(8, 18)
                else:
                    # The paper card is bought at the citizen office and posted to the depot.
                    channel, days = "Papierkarte", rng.randint(12, 26)
                person = rng.choice(people)
                yield [
                    f"SP-{number:06d}",
                    german_date(received),
                    service,
                    channel,
                    german_date(received + timedelta(days=days)),
                    "Überweisung" if channel == "Online-Formular" else "Bar",
                    _german_decimal(25.0 if service == "Sperrmüllabholung" else 15.0, 2),
                    person.district,
                    person.last_name,
                    person.first_name,
                    person.street,
                    person.house_number,
                    POSTCODE,
                    person.phone,
                    person.email if channel == "Online-Formular" else "",
                    rng.choice(SPERRMUELL_ITEMS),
                ]


def beschwerden_rows(rng: random.Random, people: list[Person], scale: float = 1.0) -> Iterator[list[str]]:
    """Yield complaint rows; resolution gets faster over time, recent ones may be open."""
    number = 0
    for index in range(MONTHS):
        first = month_start(index)
        for category, monthly, median_days in BESCHWERDE_CATEGORIES:
            for _ in range(_poisson(rng, 2.2 * monthly * scale)):
                number += 1
                received = first + timedelta(days=rng.randrange(_days_in_month(first)))
                channel = rng.choices(BESCHWERDE_CHANNELS, weights=(3 + 4 * _progress(index), 4, 3, 1, 1))[0]
                typical = median_days * (1.15 - 0.35 * _progress(index))
                days = max(0, round(rng.lognormvariate(math.log(typical), 0.6)))
                resolved = received + timedelta(days=days)
                status = "erledigt"
                if resolved > EXPORT_DATE or rng.random() < 0.01:
                    resolved_text, status = "", "offen"
                else:
                    resolved_text = german_date(resolved)
                person, neighbour = rng.choice(people), rng.choice(people)
                yield [
                    f"BS-{number:05d}",
                    german_date(received),
                    category,
                    channel,
                    resolved_text,
                    status,
                    _fill(rng.choice(BESCHWERDE_TEXTS), person, neighbour),
                    person.last_name,
                    person.first_name,
                    person.street,
                    person.house_number,
                    POSTCODE,
                    TOWN,
                    person.email,
                    person.phone,
                ]


EXPORTS = {
    "service-buergerbuero": (
        "buergerbuero.csv",
        [
            "vorgangsnummer",
            "datum",
            "uhrzeit",
            "leistung",
            "kanal",
            "wartezeit_minuten",
            "bearbeitungstage",
            "nachname",
            "vorname",
            "geburtsdatum",
            "strasse",
            "hausnummer",
            "plz",
            "ort",
            "email",
            "telefon",
            "bemerkung",
        ],
        buergerbuero_rows,
    ),
    "service-sperrmuell": (
        "sperrmuell.csv",
        [
            "antragsnummer",
            "eingangsdatum",
            "leistung",
            "kanal",
            "abholtermin",
            "zahlungsart",
            "gebuehr_eur",
            "ortsteil",
            "nachname",
            "vorname",
            "strasse",
            "hausnummer",
            "plz",
            "telefon",
            "email",
            "gegenstaende",
        ],
        sperrmuell_rows,
    ),
    "service-beschwerden": (
        "beschwerden.csv",
        [
            "fallnummer",
            "eingangsdatum",
            "kategorie",
            "kanal",
            "erledigt_am",
            "status",
            "beschwerdetext",
            "nachname",
            "vorname",
            "strasse",
            "hausnummer",
            "plz",
            "ort",
            "email",
            "telefon",
        ],
        beschwerden_rows,
    ),
}


def write_export(dataset_id: str, path: Path, seed: int = DEFAULT_SEED, scale: float = 1.0) -> int:
    """Write one dataset's export to `path` (Windows-1252, `;`); return the number of rows.

    The same `dataset_id`, `seed` and `scale` always give the same bytes. Raises KeyError for
    an unknown dataset id.
    """
    _, header, rows = EXPORTS[dataset_id]
    rng = random.Random(f"{seed}:{dataset_id}")
    people = make_people(rng, max(400, int(2500 * min(scale, 40))))
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for row in rows(rng, people, scale):
            writer.writerow(row)
            count += 1
    return count


def write_demo_samples(datasets_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Rewrite every demo export into `datasets/<id>/sample/`; return rows per dataset."""
    return {
        dataset_id: write_export(dataset_id, datasets_dir / dataset_id / "sample" / filename, seed)
        for dataset_id, (filename, _, _) in EXPORTS.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets_dir", type=Path, help="folder holding the datasets/<id>/ folders")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    arguments = parser.parse_args()
    for dataset_id, count in write_demo_samples(arguments.datasets_dir, arguments.seed).items():
        print(f"{dataset_id}: {count} Zeilen")


if __name__ == "__main__":
    main()
