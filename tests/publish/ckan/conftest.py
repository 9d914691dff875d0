"""A real CKAN for the publisher tests.

Session-scoped: started once with ../shared/tools/ckan-test/ckan-up.sh (CKAN_WORK in the
repo's git-ignored .ckan/, about 15 s with its venv in place, 30–50 s from nothing) and
stopped with ckan-down.sh, which kills by the PIDs ckan-up recorded. A CKAN already answering
on the port is used and left running. With CKAN_URL and CKAN_API_TOKEN set, the same tests
run against that CKAN instead. All tests talk to CKAN through a counting proxy (proxy.py).
"""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
import requests

from tests.conftest import REPO
from tests.publish.ckan.proxy import CkanProxy
from tests.publish.conftest import DATASETS, copy_build

CKAN_TOOLS = REPO.parent / "shared" / "tools" / "ckan-test"


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/3/action/status_show", timeout=3).ok
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def ckan():
    """``{"url", "token"}`` of a running CKAN."""
    if os.environ.get("CKAN_URL") and os.environ.get("CKAN_API_TOKEN"):
        yield {"url": os.environ["CKAN_URL"].rstrip("/"), "token": os.environ["CKAN_API_TOKEN"]}
        return
    work = REPO / ".ckan"
    env = {**os.environ, "CKAN_WORK": str(work)}
    url = f"http://127.0.0.1:{os.environ.get('CKAN_PORT', '5000')}"
    started = False
    if not _answers(url):
        if not (CKAN_TOOLS / "ckan-up.sh").is_file():
            reason = f"no CKAN: {CKAN_TOOLS} missing and CKAN_URL/CKAN_API_TOKEN not set"
            if os.environ.get("KOMMUNE_REQUIRE_REFERENCE") == "1":
                pytest.fail(reason + " (KOMMUNE_REQUIRE_REFERENCE=1)")
            pytest.skip(reason)
        run = subprocess.run(
            ["bash", str(CKAN_TOOLS / "ckan-up.sh")], cwd=REPO, env=env, capture_output=True, text=True, timeout=900
        )
        if run.returncode != 0:
            pytest.fail(f"ckan-up.sh failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        started = True
    token_file = work / "token"
    if not token_file.exists():
        pytest.fail(
            f"a CKAN answers on {url} but {token_file} is missing: it was not started by "
            "ckan-up.sh with this CKAN_WORK; stop it or set CKAN_URL and CKAN_API_TOKEN"
        )
    token = token_file.read_text().strip()
    yield {"url": url, "token": token}
    if started:
        subprocess.run(
            ["bash", str(CKAN_TOOLS / "ckan-down.sh")], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
        )


@pytest.fixture
def proxy(ckan):
    with CkanProxy(ckan["url"]) as running:
        yield running


@pytest.fixture
def unique_build(demo_build, tmp_path):
    """A copy of the demo build with two datasets (haushalt-ergebnisplan, kita-plaetze) whose ids
    and publisher are unique to this test. Returns ``(build, suffix)``; ids are the demo ids plus suffix."""
    tag = uuid.uuid4().hex[:8]
    build = copy_build(demo_build, tmp_path / "build", suffix=f"-{tag}", publisher=f"werne-test-{tag}", only=DATASETS)
    return build, f"-{tag}"
