"""Guards before a tabular reader: ZIP directory limits for XLSX, content types of downloads."""
from __future__ import annotations

import zipfile

import pytest

from pipelines.errors import DatasetFailed
from pipelines.kinds import source_files
from pipelines.kinds.source_files import check_content_type, check_spreadsheet_container


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


@pytest.mark.parametrize("content_type, kind, refused", [
    ("text/html; charset=utf-8", "csv", True), ("application/json", "csv", True), ("text/csv", "csv", False),
    ("text/plain", "csv", False), ("application/octet-stream", "xlsx", False), (None, "csv", False),
    ("text/csv", "xlsx", True), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", False),
])
def test_content_types(content_type, kind, refused):
    if refused:
        with pytest.raises(DatasetFailed, match="keine Tabelle"):
            check_content_type(content_type, kind, "http://127.0.0.1/x")
    else:
        check_content_type(content_type, kind, "http://127.0.0.1/x")
