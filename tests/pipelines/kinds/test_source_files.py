"""Guards before a tabular reader: ZIP directory limits for XLSX and ODS, repeated rows and
cells of ODS, content types of downloads."""

from __future__ import annotations

import zipfile

import pytest

from pipelines.errors import DatasetFailed
from pipelines.kinds import source_files
from pipelines.kinds.source_files import check_content_type, check_ods_cells, check_spreadsheet_container


def write_zip(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_total_unpacked_size_is_checked_in_the_directory(tmp_path, monkeypatch):
    path = tmp_path / "gross.xlsx"
    write_zip(path, {"xl/worksheets/sheet1.xml": b"<a>" + b"x" * 5000 + b"</a>", "xl/workbook.xml": b"<w/>"})
    check_spreadsheet_container(path, "gross.xlsx")
    monkeypatch.setattr(source_files, "MAX_XLSX_UNPACKED_BYTES", 4000)
    with pytest.raises(DatasetFailed) as failure:
        check_spreadsheet_container(path, "gross.xlsx")
    assert "entpackt" in failure.value.summary and "ZIP-Bombe" in failure.value.issues[0].message


def test_highly_compressed_members_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "bombe.xlsx"
    write_zip(path, {"xl/worksheets/sheet1.xml": b" " * 200_000})
    monkeypatch.setattr(source_files, "RATIO_CHECKED_ABOVE_BYTES", 100_000)
    with pytest.raises(DatasetFailed) as failure:
        check_spreadsheet_container(path, "bombe.xlsx")
    assert "sheet1.xml" in failure.value.issues[0].message


@pytest.mark.parametrize(
    "content_type, kind, refused",
    [
        ("text/html; charset=utf-8", "csv", True),
        ("application/json", "csv", True),
        ("text/csv", "csv", False),
        ("text/plain", "csv", False),
        ("application/octet-stream", "xlsx", False),
        (None, "csv", False),
        ("text/csv", "xlsx", True),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", False),
        ("text/csv", "ods", True),
        ("application/vnd.oasis.opendocument.spreadsheet", "ods", False),
    ],
)
def test_content_types(content_type, kind, refused):
    if refused:
        with pytest.raises(DatasetFailed, match="keine Tabelle"):
            check_content_type(content_type, kind, "http://127.0.0.1/x")
    else:
        check_content_type(content_type, kind, "http://127.0.0.1/x")


def _ods(path, rows_xml: str) -> None:
    """An ODS whose only table holds `rows_xml` (table:table-row elements)."""
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="Daten">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    write_zip(path, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content.encode()})


def _row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


def _cell(text: str | None, repeat: int = 1) -> str:
    attribute = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if text is None:
        return f"<table:table-cell{attribute}/>"
    return f'<table:table-cell office:value-type="string"{attribute}><text:p>{text}</text:p></table:table-cell>'


def test_ods_filler_rows_and_short_repeats_pass(tmp_path):
    # LibreOffice's million empty rows and thousand empty cells are read once, which loses nothing.
    path = tmp_path / "gut.ods"
    _ods(
        path,
        _row(_cell("a"), _cell("b"))
        + _row(_cell("1"), _cell("1"), repeat=31)
        + _row(_cell(None, repeat=16384), repeat=1_048_000),
    )
    check_ods_cells(path, "gut.ods")


@pytest.mark.parametrize(
    "rows_xml, found",
    [
        (_row(_cell("a")) + _row(_cell("1"), repeat=40), "Zeile 2: 40 gleiche Zeilen untereinander"),
        (_row(_cell("a")) + _row(_cell("x", repeat=32)), "Zeile 2: 32 gleiche Zellen nebeneinander"),
    ],
)
def test_ods_content_the_reader_would_read_once_is_refused(tmp_path, rows_xml, found):
    path = tmp_path / "zusammengefasst.ods"
    _ods(path, rows_xml)
    with pytest.raises(DatasetFailed) as failure:
        check_ods_cells(path, "zusammengefasst.ods")
    assert f"Tabellenblatt „Daten“, {found}" in failure.value.issues[0].message


def test_ods_cells_are_counted_with_repeats_expanded(tmp_path, monkeypatch):
    path = tmp_path / "gross.ods"
    _ods(path, _row(_cell("a"), _cell(None, repeat=30)) + _row(_cell(None), repeat=31) * 3)
    check_ods_cells(path, "gross.ods")  # (1 + 93) rows x 31 cells
    monkeypatch.setattr(source_files, "MAX_ODS_CELLS", 94 * 31 - 1)
    with pytest.raises(DatasetFailed, match="zu groß"):
        check_ods_cells(path, "gross.ods")


@pytest.mark.parametrize(
    "members",
    [
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"},
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content xmlns:of",
        },
    ],
)
def test_ods_without_readable_content_fails_in_german(tmp_path, members):
    path = tmp_path / "kaputt.ods"
    write_zip(path, members)
    with pytest.raises(DatasetFailed) as failure:
        check_ods_cells(path, "kaputt.ods")
    assert failure.value.issues[0].message == "der Tabelleninhalt (content.xml) der ODS-Datei fehlt oder ist beschädigt"
