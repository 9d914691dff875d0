"""Cutting a CSV file into parts at line breaks, and reading one part as text.

A part starts at a line start and ends before the next part's start, so every record lies
in exactly one part, as long as no cell holds a line break: only a file without any quote
character is cut, in an encoding whose line-break byte is never part of another character.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, BinaryIO

#: Parts smaller than this are not worth a process (forking and merging cost ~50 ms).
MIN_PART_BYTES = 8 * 2**20
#: Encodings in which byte 0x0A is always a line break and never part of another character.
_LINE_SAFE_CODECS = {"utf-8", "utf-8-sig", "ascii", "cp1252", "latin-1", "iso8859-15", "cp850"}


@dataclass(frozen=True)
class FilePart:
    """Bytes ``[start, end)`` of a file; ``start`` is 0 (the header's line) or a line start."""

    start: int
    end: int


class _Window(io.RawIOBase):
    """The bytes of one ``FilePart``, as a stream a text reader can wrap."""

    def __init__(self, path: Path, part: FilePart) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - the window owns it; close() closes it
        self._file.seek(part.start)
        self._left = part.end - part.start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: self._left]
        count = self._file.readinto(view)
        self._left -= count
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def open_part_text(path: Path, part: FilePart, encoding: str) -> io.TextIOBase:
    """The text of ``part`` (newlines untranslated, as the csv module wants)."""
    return io.TextIOWrapper(io.BufferedReader(_Window(path, part)), encoding=encoding, newline="")


def split_into_parts(
    path: Path, encoding: str, quote_char: str | None, parts: int, min_part_bytes: int | None = None
) -> list[FilePart]:
    """Cut ``path`` at line breaks into up to ``parts`` parts of at least ``min_part_bytes``
    (default ``MIN_PART_BYTES``).

    Returns one part (the whole file) when cutting is not safe: an encoding in which a line
    break byte may belong to another character, or a quote character anywhere in the file
    (a quoted cell may hold a line break, and only reading from the start can tell).
    """
    size = path.stat().st_size
    whole = [FilePart(0, size)]
    min_part_bytes = MIN_PART_BYTES if min_part_bytes is None else min_part_bytes
    parts = min(parts, size // max(1, min_part_bytes))
    if parts < 2 or codecs.lookup(encoding).name not in _LINE_SAFE_CODECS:
        return whole
    # Plain reads, not mmap: a mapped file's pages count as the process's resident memory.
    with open(path, "rb") as handle:
        if quote_char and _contains(handle, quote_char.encode(encoding)):
            return whole
        cuts = [0, _next_line_start(handle, 0)]
        if cuts[1] >= size:
            return whole
        for number in range(1, parts):
            cut = _next_line_start(handle, max(size * number // parts, cuts[-1]))
            if cut >= size:
                break
            cuts.append(cut)
    cuts = sorted(set(cuts[:1] + cuts[2:]))
    return [FilePart(start, end) for start, end in pairwise([*cuts, size])]


def _contains(handle: BinaryIO, needle: bytes) -> bool:
    handle.seek(0)
    return any(needle in block for block in iter(lambda: handle.read(1 << 20), b""))


def _next_line_start(handle: BinaryIO, offset: int) -> int:
    """The offset just after the first line break at or after ``offset`` (the file's size if none)."""
    handle.seek(offset)
    position = offset
    for block in iter(lambda: handle.read(1 << 16), b""):
        found = block.find(b"\n")
        if found != -1:
            return position + found + 1
        position += len(block)
    return position
