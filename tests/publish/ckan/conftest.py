"""A real CKAN for the publisher tests.

Session-scoped: started once with ../shared/tools/ckan-test/ckan-up.sh (CKAN_WORK in the
repo's git-ignored .ckan/) and stopped with ckan-down.sh, which kills by recorded PIDs.
With CKAN_URL and CKAN_API_TOKEN set, the same tests run against that CKAN instead.
"""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from tests.publish.ckan.proxy import CkanProxy
from tests.publish.conftest import ROOT, copy_build, require_or_skip

CKAN_TOOLS = ROOT / ".." / "shared" / "tools" / "ckan-test"


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/3/action/status_show", timeout=3).ok
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def ckan() -> dict:
    """``{"url", "token"}`` of a running CKAN."""
    if os.environ.get("CKAN_URL") and os.environ.get("CKAN_API_TOKEN"):
        yield {"url": os.environ["CKAN_URL"].rstrip("/"), "token": os.environ["CKAN_API_TOKEN"]}
        return
    work = ROOT / ".ckan"
    env = {**os.environ, "CKAN_WORK": str(work)}
    url = f"http://127.0.0.1:{os.environ.get('CKAN_PORT', '5000')}"
    started = False
    if not _answers(url):
        require_or_skip((CKAN_TOOLS / "ckan-up.sh").is_file(), f"CKAN-Testwerkzeug fehlt: {CKAN_TOOLS}")
        run = subprocess.run(["bash", str(CKAN_TOOLS / "ckan-up.sh")], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=900)
        if run.returncode != 0:
            pytest.fail(f"ckan-up.sh fehlgeschlagen:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
        started = True
    token = (work / "token").read_text().strip()
    yield {"url": url, "token": token}
    if started:
        subprocess.run(["bash", str(CKAN_TOOLS / "ckan-down.sh")], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)


@pytest.fixture
def proxy(ckan):
    with CkanProxy(ckan["url"]) as running:
        yield running


@pytest.fixture
def unique_build(tmp_path):
    """The fixture build with dataset ids and publisher unique to this test."""
    suffix = "-" + uuid.uuid4().hex[:8]
    return copy_build(tmp_path / "build", suffix=suffix, publisher=f"Stadt Werne Test {suffix[1:]}"), suffix
