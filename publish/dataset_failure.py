"""One dataset's part of a publish step failing must not stop the others.

The publishers work on every dataset of a build at once (one portal.db, one catalogue, one
site). Each wraps the part that belongs to one dataset in `for_dataset`: an unexpected error
there becomes `DatasetPublishFailed` naming the dataset and the step, and the caller
(`kommune.portal.build`) puts that dataset's previous version back, marked stale (or leaves it
out when there is none), and publishes again.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


class DatasetPublishFailed(Exception):
    """Publishing one dataset failed in `step` (German, e.g. "Datenbank") with `error`."""

    def __init__(self, dataset_id: str, step: str, error: BaseException):
        super().__init__(f"{dataset_id}: Veröffentlichen fehlgeschlagen ({step}): {type(error).__name__}: {error}")
        self.dataset_id = dataset_id
        self.step = step
        self.error = error


def _not_the_datasets_fault(error: BaseException) -> bool:
    """Faults of the machine (disk full, out of memory) stop the whole build, as before."""
    if isinstance(error, MemoryError):
        return True
    if isinstance(error, OSError) and error.errno in DISK_FULL:
        return True
    return isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error)


@contextmanager
def for_dataset(dataset_id: str, step: str) -> Iterator[None]:
    """Turn an unexpected error in the enclosed part of `step` into DatasetPublishFailed."""
    try:
        yield
    except DatasetPublishFailed:
        raise
    except Exception as error:
        if _not_the_datasets_fault(error):
            raise
        raise DatasetPublishFailed(dataset_id, step, error) from error
