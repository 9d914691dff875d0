"""Reading one big CSV file on several cores.

Casting and checking a million rows in Python takes about 1.4 s on one core of this
machine kind, several times the floor of issue 9. A plain CSV file whose cells contain no
quote character can be cut at any line break into parts that are read independently, so
each worker process reads one part with the fast reader and hands the part's rows to a
``consume`` function (aggregate them, load them). Only the small results travel back.

Whatever goes wrong in a part (a row error, a key repeated across parts, an exception in
``consume``) makes the caller read the whole file again in one process: that run finds
the same problems with file-wide row numbers and Frictionless's own report, so parallel
reading never changes what a user is told.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pipelines.errors import SettingInvalid
from pipelines.reading.fastcsv import FastCsvReader
from pipelines.reading.file_parts import FilePart

T = TypeVar("T")

#: Environment variable: how many processes read one big file (1 switches parallel reading off).
WORKERS_VARIABLE = "KOMMUNE_WORKERS"


def workers_wanted() -> int:
    """``KOMMUNE_WORKERS`` if set, else the number of cores. Raises SettingInvalid."""
    text = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not text:
        return os.cpu_count() or 1
    try:
        workers = int(text)
    except ValueError:
        workers = 0
    if workers < 1:
        raise SettingInvalid(f"{WORKERS_VARIABLE}={text!r}: erwartet eine ganze Zahl ab 1")
    return workers


@dataclass
class PartResult(Generic[T]):
    """What one worker hands back: ``consume``'s result and what the reader learnt."""

    result: T | None
    valid: bool
    readers_keys: list[Any]


class PartFailed(Exception):
    """A part was invalid or could not be combined: read the whole file in one process."""


def consume_parts(
    path: Path, reader_options: Mapping[str, Any], parts: list[FilePart], consume: Callable[[Iterator[list[Any]]], T]
) -> list[T]:
    """Read every part in its own process and return ``consume``'s results in file order.

    ``reader_options`` are FastCsvReader's keyword arguments (schema as a descriptor,
    encoding, dialect, converters); ``consume`` and the options must pickle (a module-level
    function, or a functools.partial of one). Raises PartFailed when any part has a row
    error, keys repeat across parts, or a worker raised: the caller then reads the whole
    file in one process for the exact report.
    """
    context = multiprocessing.get_context("fork")  # workers inherit the imports: no second start-up
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
        futures = [pool.submit(_read_part, path, dict(reader_options), part, consume) for part in parts]
        try:
            results = [future.result() for future in futures]
        except Exception as error:  # noqa: BLE001 - any failure means "read it in one piece"
            raise PartFailed(f"ein Teil der Datei ließ sich nicht lesen: {error.__class__.__name__}") from error
    if not all(part.valid for part in results):
        raise PartFailed("ein Teil der Datei enthält Fehler")
    _check_keys_across_parts([part.readers_keys for part in results])
    # A valid part always carries consume's result (None only for a part that failed).
    return [part.result for part in results]  # type: ignore[misc]


def _read_part(
    path: Path, options: dict[str, Any], part: FilePart, consume: Callable[[Iterator[list[Any]]], T]
) -> PartResult[T]:
    reader = FastCsvReader(path, **options, part=part)
    rows = iter(reader)
    result = consume(rows)
    for _ in rows:  # whatever consume left unread still has to be checked
        pass
    keys = [reader.primary_keys] + [seen for _, seen in reader.unique_keys]
    return PartResult(result if reader.valid else None, reader.valid, keys)


def _check_keys_across_parts(keys_per_part: list[list[Any]]) -> None:
    for index, keys in enumerate(keys_per_part):
        for later in keys_per_part[index + 1 :]:
            for mine, theirs in zip(keys, later, strict=False):
                if mine is not None and theirs is not None and mine.shares_a_key_with(theirs):
                    raise PartFailed("ein Schlüssel kommt in zwei Teilen der Datei vor")
