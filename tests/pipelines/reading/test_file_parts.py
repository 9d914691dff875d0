"""Cutting a file into parts: only where every line break ends a record."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from benchmarks.generate import generate
from pipelines.reading.file_parts import FilePart, split_into_parts


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    """Generated service records: `;`, Windows-1252, CRLF, decimal commas, dd.mm.yyyy."""
    return generate(tmp_path_factory.mktemp("parts") / "records.csv", 3_000, seed=7)


def test_parts_cover_the_file_and_start_at_line_starts(records):
    parts = split_into_parts(records, "cp1252", '"', 3, min_part_bytes=1)
    data = records.read_bytes()
    assert len(parts) == 3
    assert parts[0].start == 0 and parts[-1].end == len(data)
    assert all(first.end == second.start for first, second in pairwise(parts))
    assert all(data[part.start - 1 : part.start] == b"\n" for part in parts[1:])


def test_files_that_cannot_be_cut_safely_stay_whole(tmp_path, records):
    quoted = tmp_path / "quoted.csv"
    quoted.write_bytes(records.read_bytes().replace(b"Horst", b'"Horst\r\nNord"', 1))
    assert split_into_parts(quoted, "cp1252", '"', 3, min_part_bytes=1) == [FilePart(0, quoted.stat().st_size)]
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(records.read_text(encoding="cp1252").encode("utf-16"))
    assert len(split_into_parts(utf16, "utf-16", '"', 3, min_part_bytes=1)) == 1
    assert len(split_into_parts(records, "cp1252", '"', 3)) == 1  # too small to be worth a process
