"""Fixtures shared by the kinds' tests (a conftest, so that pytest finds them without imports)."""

from __future__ import annotations

import time

import pytest


@pytest.fixture
def server(oparl_server):
    return oparl_server


@pytest.fixture
def no_waiting(monkeypatch):
    """time.sleep is replaced by a no-op: the retries against a server that stays down are real,
    the pauses between them are not spent."""
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
