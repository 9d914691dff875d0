"""The service-records kind: raw exports in, only disclosure-controlled aggregates out."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from kommune import portal
from tests.conftest import REPO, dataset_yaml
from tests.service_support import distinctive_personal_values, raw_path, read_raw

SOURCE = (
    "{kind: service-records, path: sample/export.csv, encoding: cp1252, "
    "month: datum, rows: leistung, columns: kanal, measures: [{name: wartezeit, field: minuten, title: Wartezeit}], "
    "personal: {identifiers: [name, email], free_text: [notiz], first_name: vorname, last_name: name}, "
    "protection: {quarters: false}}"
)  # one month and the open one: a quarter would be open too
RAW_SCHEMA = """\
fields:
  - {name: datum, type: date, format: "%d.%m.%Y", title: Datum, description: Tag., constraints: {required: true}}
  - {name: leistung, type: string, title: Leistung, description: Leistung., constraints: {required: true}}
  - {name: kanal, type: string, title: Kanal, description: Weg., constraints: {required: true}}
  - {name: minuten, type: number, decimalChar: ",", title: Wartezeit, description: Minuten.}
  - {name: vorname, type: string, title: Vorname, description: Personenbezogen.}
  - {name: name, type: string, title: Name, description: Personenbezogen.}
  - {name: email, type: string, title: E-Mail, description: Personenbezogen.}
  - {name: notiz, type: string, title: Notiz, description: Freitext.}
"""
HEADER = "datum;leistung;kanal;minuten;vorname;name;email;notiz\r\n"


def export(rows: int = 30, extra: str = "") -> bytes:
    """January's records, and one in February: the open month, which is never published."""
    lines = [
        f"{day % 28 + 1:02d}.01.2026;Pass;{'Online' if day % 3 else 'Vor Ort'};{day % 20},5;"
        "Jana;Kortmann;jana.k@example.org;"
        f"Rückruf 0151 2345678\r\n"
        for day in range(rows)
    ]
    february = "02.02.2026;Pass;Vor Ort;3,5;Jana;Kortmann;jana.k@example.org;\r\n"
    return (HEADER + "".join(lines) + extra + february).encode("cp1252")


def test_demo_complaints_publish_aggregates_and_audit(portal_dir):
    portal_dir.add_demo("service-beschwerden")
    report = portal.build(portal_dir.root, portal_dir.out)
    assert [d.status for d in report.datasets] == ["ok"]
    folder = portal_dir.out / "datasets" / "service-beschwerden"
    audit = json.loads((folder / "disclosure-audit.json").read_text(encoding="utf-8"))
    assert audit["table"] == "service_beschwerden" and audit["records_read"] == len(read_raw("service-beschwerden"))
    assert audit["protection_check"]["recoverable"] == 0
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    fields = [field["name"] for field in package["resources"][0]["schema"]["fields"]]
    assert fields[:4] == [audit["period"], "kategorie", "kanal", "anzahl"] and "beschwerdetext" not in fields
    db = sqlite3.connect(portal_dir.out / "portal.db")
    hidden = db.execute("select count(*) from service_beschwerden where gesperrt and anzahl is null").fetchone()[0]
    assert hidden == audit["cells_suppressed"]["primary"] + audit["cells_suppressed"]["secondary"]
    assert db.execute("select count(*) from service_beschwerden where not gesperrt and anzahl < 5").fetchone() == (0,)


def test_bad_records_fail_the_dataset_with_row_and_field_but_no_values(portal_dir):
    portal_dir.add(
        "statistik",
        dataset_yaml(SOURCE),
        RAW_SCHEMA,
        files={"sample/export.csv": export(extra="31.02.2026;Pass;Online;;Jana;Kortmann;jana.k@example.org;\r\n")},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    [result] = report.datasets
    assert result.status == "failed"
    issue = result.issues[0]
    assert (issue.file, issue.row, issue.field, issue.type) == ("sample/export.csv", 32, "datum", "type-error")
    text = json.dumps([i.to_dict() for i in result.issues], ensure_ascii=False)
    assert "Kortmann" not in text and "example.org" not in text


def test_personal_data_in_a_published_column_fails_the_dataset(portal_dir):
    """The town forgot to declare the e-mail column and used it as a dimension."""
    source = SOURCE.replace("columns: kanal", "columns: email").replace(
        "identifiers: [name, email]", "identifiers: [name]"
    )
    portal_dir.add("statistik", dataset_yaml(source), RAW_SCHEMA, files={"sample/export.csv": export()})
    [result] = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "failed" and result.issues[0].type == "pii-found"
    assert result.issues[0].field == "email" and "example.org" not in result.issues[0].message
    assert not (portal_dir.out / "datasets" / "statistik" / "statistik.csv").exists()


def test_declaring_an_identifier_as_dimension_is_a_configuration_error(portal_dir):
    from pipelines.declarations import load_portal
    from pipelines.errors import ConfigError

    source = SOURCE.replace("rows: leistung", "rows: name")
    portal_dir.add("statistik", dataset_yaml(source), RAW_SCHEMA, files={"sample/export.csv": export()})
    try:
        load_portal(portal_dir.root)
    except ConfigError as error:
        assert "„name“ ist personenbezogen" in str(error)
    else:
        raise AssertionError("expected a configuration error")


def test_channels_rarer_than_the_threshold_become_sonstige_and_the_open_month_is_withheld(portal_dir):
    portal_dir.add("statistik", dataset_yaml(SOURCE), RAW_SCHEMA, files={"sample/export.csv": export(rows=7)})
    [result] = portal.build(portal_dir.root, portal_dir.out).datasets
    assert result.status == "ok"
    rows = {
        (service, channel): (count, hidden, wait)
        for service, channel, count, hidden, wait in sqlite3.connect(portal_dir.out / "portal.db").execute(
            "select leistung, kanal, anzahl, gesperrt, wartezeit_mittel from statistik"
        )
    }
    # 7 records in January (3 on site, 4 online) and 1 on site in February (open, withheld):
    # both channels have fewer than 5 cases over the whole export, so they become "Sonstige"
    # and their names appear nowhere; January's 7 cases are then published in one cell.
    assert set(rows) == {
        ("Pass", "Sonstige"),
        ("Pass", "Insgesamt"),
        ("Insgesamt", "Sonstige"),
        ("Insgesamt", "Insgesamt"),
    }
    assert rows[("Pass", "Insgesamt")] == (7, 0, 3.5)


TOKEN = re.compile(r"[\w@.+\-]+")


def _ngrams(text: str, sizes: set[int]) -> set[str]:
    tokens = TOKEN.findall(text)
    return {" ".join(tokens[start : start + size]) for size in sizes for start in range(len(tokens) - size + 1)}


def _public_council_values(sizes: set[int]) -> set[str]:
    """Word sequences of the demo council's public source: its recording and the texts its
    documents are generated from."""
    from pipelines.demo import oparl_content

    recording = REPO / "datasets" / "ratsinformation" / "sample"
    texts = [path.read_text(encoding="utf-8") for path in recording.glob("*.json")]

    def strings(value) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple):
            return [text for item in value for text in strings(item)]
        return []

    texts += [text for name in dir(oparl_content) if name.isupper() for text in strings(getattr(oparl_content, name))]
    return {gram for text in texts for gram in _ngrams(text, sizes)}


def test_no_generated_personal_value_anywhere_in_build_or_portal_db(demo_build):
    """Every file of the demo build (site, downloads, reports, audit, portal.db) is searched
    for the names, e-mail addresses, phone numbers, street addresses, birth dates and free
    texts of all three generated exports."""
    personal = set()
    texts = []
    for dataset_id in ("service-buergerbuero", "service-sperrmuell", "service-beschwerden"):
        records = read_raw(dataset_id)
        personal |= {" ".join(TOKEN.findall(value)) for value in distinctive_personal_values(records)}
        personal |= {record["geburtsdatum"].strftime("%d.%m.%Y") for record in records if record.get("geburtsdatum")}
        texts += [record.get("beschwerdetext") or record.get("bemerkung") for record in records]
    sizes = {len(value.split(" ")) for value in personal if len(value.split(" ")) <= 6}
    long_texts = sorted({text for text in texts if text and len(text) > 30})[:150]
    # Control: the same search finds the values in a raw export, so an empty result means something.
    raw = raw_path("service-beschwerden").read_bytes().decode("cp1252")
    assert len(personal & _ngrams(raw, sizes)) > 1000 and all(
        text in raw for text in long_texts[:5] if "Beschwerde" in text
    )
    # A value the council's own public papers also name (the place demo's "Kamener Straße 14")
    # is not one this export leaked: the synthetic export draws from the same streets.
    personal -= _public_council_values(sizes)
    root = demo_build.resolve()
    files = [path for path in root.rglob("*") if path.is_file()]
    assert (root / "portal.db") in files and len(files) > 50
    db = sqlite3.connect(root / "portal.db")
    tables = [name for (name,) in db.execute("select name from sqlite_master where type = 'table'")]
    # Cell by cell: joining cells would invent values across them ("Kamener Straße" in one
    # plan's name, "42" in the next plan's number).
    cells = [str(value) for table in tables for row in db.execute(f'select * from "{table}"') for value in row]
    leaks = []
    for name, text in [(str(path.relative_to(root)), path.read_bytes().decode("utf-8", "replace")) for path in files]:
        # A page's table cells are separate values too: the text between two tags is one piece.
        pieces = re.split(r"<[^>]*>", text) if name.endswith(".html") else [text]
        found = {value for piece in pieces for value in personal & _ngrams(piece, sizes)}
        found |= {long for long in long_texts if long in text}
        leaks += [(name, value) for value in found]
    for cell in cells:
        found = personal & _ngrams(cell, sizes)
        found |= {long for long in long_texts if long in cell}
        leaks += [("portal.db cells", value) for value in found]
    assert leaks == []


def test_schema_must_type_the_fields_the_statistics_read(portal_dir):
    from pipelines.declarations import load_portal
    from pipelines.errors import ConfigError

    schema = RAW_SCHEMA.replace('{name: datum, type: date, format: "%d.%m.%Y"', "{name: datum, type: string")
    portal_dir.add(
        "statistik",
        dataset_yaml(SOURCE.replace("field: minuten", "field: fehlt")),
        schema,
        files={"sample/export.csv": export()},
    )
    with pytest.raises(ConfigError) as raised:
        load_portal(portal_dir.root)
    text = str(raised.value)
    assert "schema.yaml: datum: Typ string, erwartet: date" in text and "Feld „fehlt“ fehlt in schema.yaml" in text


def test_a_big_export_read_in_parts_publishes_what_one_piece_publishes(tmp_path, monkeypatch):
    """Parallel reading (pipelines/reading/parallel.py) changes nothing that is published."""
    from benchmarks.generate import SCHEMA_PATH, generate
    from pipelines.kinds.service_records import Source, collect_records
    from pipelines.reading import file_parts, parallel
    from pipelines.statistics.disclosure import protect_collected

    records = generate(tmp_path / "records.csv", 5_000, seed=11)
    raw_schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    declared = Source(
        kind="service-records",
        path="records.csv",
        encoding="cp1252",
        delimiter=";",
        month="eingang",
        rows="leistung",
        columns="kanal",
        measures=[
            {"name": "bearbeitungstage", "field": "bearbeitungstage", "title": "Dauer", "unit": "Tage"},
            {"name": "wartezeit_min", "field": "wartezeit_min", "title": "Wartezeit", "unit": "Minuten"},
        ],
        personal={"identifiers": ["vorgang_id", "stadtteil"]},
        threshold=5,
    )

    def published(workers: str):
        monkeypatch.setenv(parallel.WORKERS_VARIABLE, workers)
        return protect_collected(collect_records(records, declared, raw_schema), declared.spec(), declared.rules())

    monkeypatch.setattr(file_parts, "MIN_PART_BYTES", 1)
    assert len(file_parts.split_into_parts(records, "cp1252", '"', 3)) == 3
    in_parts, in_one_piece = published("3"), published("1")
    assert in_parts.rows == in_one_piece.rows
    assert in_parts.audit == in_one_piece.audit
    assert in_parts.audit["records_read"] == 5_000
