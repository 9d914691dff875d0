"""The generated service records are deterministic, German-dialect and valid against their schema."""

from __future__ import annotations

from benchmarks.generate import HEADER, SCHEMA_PATH, generate, transcode_to_utf8
from pipelines.reading.checked import check_csv


def test_same_seed_gives_the_same_bytes(tmp_path):
    first = generate(tmp_path / "a.csv", 3_000, seed=7).read_bytes()
    second = generate(tmp_path / "b.csv", 3_000, seed=7).read_bytes()
    other = generate(tmp_path / "c.csv", 3_000, seed=8).read_bytes()
    assert first == second
    assert first != other


def test_file_is_windows_1252_semicolon_decimal_comma(tmp_path):
    raw = generate(tmp_path / "records.csv", 2_000).read_bytes()
    text = raw.decode("cp1252")
    lines = text.split("\r\n")
    assert lines[0] == HEADER
    assert len(lines) == 2_000 + 2  # header, rows, and the empty string after the last CRLF
    with_umlaut = "Führungszeugnis beantragen".encode("cp1252")
    assert with_umlaut in raw
    assert "Führungszeugnis".encode() not in raw
    cells = lines[1].split(";")
    assert len(cells) == 7 and "," in cells[5] and cells[1][2] == "."


def test_generated_file_is_valid_against_its_schema(tmp_path):
    path = generate(tmp_path / "records.csv", 5_000)
    result = check_csv(path, SCHEMA_PATH, encoding="cp1252", dialect={"csv": {"delimiter": ";"}})
    assert result.valid, [error.message for error in result.errors[:3]]
    assert result.method == "fast" and result.row_count == 5_000


def test_utf8_copy_has_the_same_text(tmp_path):
    raw = generate(tmp_path / "records.csv", 500)
    copy = transcode_to_utf8(raw, tmp_path / "records.utf8.csv")
    assert copy.read_text(encoding="utf-8") == raw.read_text(encoding="cp1252")
