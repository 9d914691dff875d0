"""Plan ↔ council links: found for mentioned plans, never invented for the others.
Uses its own small OParl tables in a real SQLite file (the OParl tables come from the
council-information part; only their contract names are relied on here)."""

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publish.site.plan_links import council_links, find_references

PLANS = [
    {"id": "bp4", "nummer": "4", "name": "Innenstadt", "planart": "Bebauungsplan"},
    {"id": "bp17", "nummer": "17", "name": "Bahnhofstraße", "planart": "Bebauungsplan"},
    {"id": "bp23", "nummer": "23", "name": "Gewerbegebiet Wahrbrink", "planart": "Bebauungsplan"},
    {"id": "bp42", "nummer": "42", "name": "Wohnen am Hagen", "planart": "Bebauungsplan"},
    {"id": "bp53", "nummer": "53", "name": "Kita Evenkamp", "planart": "Bebauungsplan"},
    {"id": "bp56", "nummer": "56", "name": "Nachverdichtung Capeller Straße", "planart": "Bebauungsplan"},
    {"id": "fnp27", "nummer": "FNP 27", "name": "Windenergie Horst", "planart": "Änderung des Flächennutzungsplans"},
]

PAPERS = [
    ("p1", "Bebauungsplan Nr. 42 „Wohnen am Hagen“ – Aufstellungsbeschluss", "Drucksache Nr. 12/2023", "2023-03-01"),
    ("p2", "B-Plan Nr. 23 – Bericht zur Vermarktung", "Drucksache Nr. 123/2025", "2025-05-02"),
    (
        "p3",
        "27. Änderung des Flächennutzungsplans „Windenergie Horst“ – Offenlage",
        "Drucksache Nr. 88/2026",
        "2026-09-01",
    ),
    ("p4", "Bebauungsplan „Kita Evenkamp“ – Satzungsbeschluss", "Drucksache Nr. 90/2026", "2026-09-20"),
    ("p5", "Haushaltssatzung 2025", "Drucksache Nr. 4/2025", "2025-01-10"),
    ("p6", "42. Änderung der Hauptsatzung", "Drucksache Nr. 17/2025", "2025-02-01"),
    ("p7", "Parken in der Innenstadt und an der Bahnhofstraße", "Drucksache Nr. 56/2025", "2025-03-03"),
    ("p8", "Bebauungsplan Nr. 4.1 „Markt“ – Aufstellungsbeschluss", "Drucksache Nr. 99/2024", "2024-01-01"),
    ("p9", "Bebauungsplan Nr. 17 „Wohnen am Hagen“ (Nummer falsch)", "Drucksache Nr. 5/2024", "2024-02-02"),
]


@pytest.fixture
def council_db(tmp_path):
    db = sqlite3.connect(tmp_path / "portal.db")
    db.executescript("""
        create table oparl_paper (id text primary key, name text, reference text, date text);
        create table oparl_meeting (id text primary key, name text, start text);
        create table oparl_agenda_item (id text primary key, meeting text, number text, name text, public integer);
        create table oparl_consultation (id text primary key, paper text, meeting text, agenda_item text);
    """)
    db.executemany("insert into oparl_paper values (?, ?, ?, ?)", PAPERS)
    db.executemany(
        "insert into oparl_meeting values (?, ?, ?)",
        [
            ("m1", "Sitzung des Rates", "2023-03-21T17:00:00+01:00"),
            ("m2", "Ausschuss für Stadtentwicklung", "2026-09-15T17:00:00+02:00"),
            ("m3", "Haupt- und Finanzausschuss", "2025-01-20T17:00:00+01:00"),
        ],
    )
    db.executemany(
        "insert into oparl_agenda_item values (?, ?, ?, ?, 1)",
        [
            ("a1", "m1", "5", "Bebauungsplan Nr. 42 „Wohnen am Hagen“ – Aufstellungsbeschluss"),
            ("a2", "m2", "7", "Offenlage"),  # linked through its consultation of p3
            ("a3", "m3", "4", "TOP 4 Haushaltssatzung 2025"),
            ("a4", "m2", "8", "B-Plan Nr. 53 Kita Evenkamp – Satzungsbeschluss"),
        ],
    )
    db.executemany(
        "insert into oparl_consultation values (?, ?, ?, ?)", [("c1", "p3", "m2", "a2"), ("c2", "p5", "m3", "a3")]
    )
    db.commit()
    yield db
    db.close()


def test_mentioned_plans_get_their_papers(council_db):
    links = council_links(council_db, PLANS)
    assert [paper["id"] for paper in links["bp42"].papers] == ["p1"]
    assert [paper["id"] for paper in links["bp23"].papers] == ["p2"]
    assert [paper["id"] for paper in links["fnp27"].papers] == ["p3"]
    assert [paper["id"] for paper in links["bp53"].papers] == ["p4"]  # by quoted name alone


def test_meetings_found_through_agenda_items_and_consultations(council_db):
    links = council_links(council_db, PLANS)
    assert [meeting["id"] for meeting in links["bp42"].meetings] == ["m1"]
    assert [meeting["id"] for meeting in links["fnp27"].meetings] == ["m2"]
    assert links["fnp27"].meetings[0]["agenda_items"] == [{"number": "7", "name": "Offenlage"}]
    assert [meeting["id"] for meeting in links["bp53"].meetings] == ["m2"]


def test_no_link_is_invented(council_db):
    links = council_links(council_db, PLANS)
    # p5-p9: a budget, an amendment number, place names, plan 4.1, a wrong number.
    assert links["bp4"].papers == [] and links["bp4"].meetings == []
    assert links["bp56"].papers == [] and links["bp56"].meetings == []
    assert [paper["id"] for paper in links["bp17"].papers] == ["p9"]  # the number decides
    assert "p9" not in [paper["id"] for paper in links["bp42"].papers]
    linked = {paper["id"] for entry in links.values() for paper in entry.papers}
    assert linked.isdisjoint({"p5", "p6", "p7", "p8"})


def test_without_council_tables_plans_have_no_links(tmp_path):
    db = sqlite3.connect(tmp_path / "empty.db")
    links = council_links(db, PLANS)
    assert all(entry.papers == [] and entry.meetings == [] for entry in links.values())


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bebauungsplan Nr. 42 „Wohnen am Hagen“", [("bplan", "42", "Wohnen am Hagen")]),
        ("des Bebauungsplanes Nr. 051", [("bplan", "51", None)]),
        ("Entwurf des B-Plans Nr. 42", [("bplan", "42", None)]),
        ("FNP-Änderung Nr. 27", [("fnp", "27", None)]),
        ("Änderung Nr. 27 des Flächennutzungsplans", [("fnp", "27", None)]),
        ("Bebauungsplan Nr. 42a", [("bplan", "42a", None)]),
        ("Drucksache Nr. 123/2025", []),
        ("TOP 4", []),
        ("Haushaltssatzung 2025", []),
        ("Flächennutzungsplan 2010", []),
        ("Bebauungspläne der Stadt", []),
        (None, []),
    ],
)
def test_reference_forms(text, expected):
    assert [(r.kind, r.number, r.name) for r in find_references(text)] == expected


@given(
    number=st.integers(min_value=1, max_value=999),
    year=st.integers(min_value=1990, max_value=2030),
    form=st.sampled_from(
        [
            "Drucksache Nr. {n}/{y}",
            "TOP {n}",
            "Haushaltssatzung {y}",
            "{n}. Änderung der Hauptsatzung",
            "Vorlage {n}/{y}",
            "Sitzung Nr. {n}",
            "{n}. Sitzung des Rates {y}",
        ]
    ),
)
def test_numbers_outside_plan_context_never_become_references(number, year, form):
    assert find_references(form.format(n=number, y=year)) == []


@given(
    number=st.integers(min_value=1, max_value=999),
    form=st.sampled_from(
        [
            "Bebauungsplan Nr. {n}",
            "B-Plan Nr. {n}",
            "Bebauungsplanes Nr. {n}",
            "B-Plans Nr. {n}",
            "Bebauungsplan {n}",
            "Entwurf des Bebauungsplans Nr. {n} „X“",
        ]
    ),
)
def test_plan_references_keep_their_number(number, form):
    (reference,) = find_references(form.format(n=number))
    assert (reference.kind, reference.number) == ("bplan", str(number))
