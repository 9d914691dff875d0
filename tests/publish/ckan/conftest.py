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
import time
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


def _answers_within(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers(url):
            return True
        time.sleep(1)
    return False


_START_ATTEMPTS = 3


def _start_ckan(work, env: dict, url: str) -> None:
    """Start CKAN with ckan-up.sh; on failure stop what it started and try again.

    ckan-up.sh sends the output of its database and user steps to /dev/null. A CI run failed there
    when two workers started CKAN over each other (the group in tests/conftest.py was ignored, see
    tests/publish/ckan/test_grouping.py); a failure now repeats the step that broke to show CKAN's
    own error, and the test run fails only after three attempts."""
    reports = []
    for attempt in range(1, _START_ATTEMPTS + 1):
        run = subprocess.run(
            ["bash", str(CKAN_TOOLS / "ckan-up.sh")], cwd=REPO, env=env, capture_output=True, text=True, timeout=900
        )
        if run.returncode == 0 and _answers(url):
            return
        if "sysadmin + token done" in run.stdout and _answers_within(url, seconds=90):
            return  # only its 30 s wait for the web server ran out, on a busy machine
        reports.append(f"attempt {attempt}, exit {run.returncode}:\n{_diagnose(work, run)}")
        subprocess.run(
            ["bash", str(CKAN_TOOLS / "ckan-down.sh")], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
        )
        time.sleep(5)
    pytest.fail("ckan-up.sh failed:\n" + "\n\n".join(reports))


def _diagnose(work, run: subprocess.CompletedProcess) -> str:
    # pip's "Location … is ignored" lines fill stderr on machines with a local package index
    stderr = "\n".join(line for line in run.stderr.splitlines() if "is ignored: it is neither" not in line)
    parts = [f"stdout:\n{run.stdout[-2000:]}", f"stderr:\n{stderr[-2000:]}"]
    ckan_cli, ini = work / "venv" / "bin" / "ckan", work / "ckan.ini"
    if ckan_cli.exists() and ini.exists():
        again = subprocess.run(
            [str(ckan_cli), "-c", str(ini), "db", "init"], capture_output=True, text=True, timeout=300
        )
        parts.append(f"ckan db init again: exit {again.returncode}\n{(again.stdout + again.stderr)[-2000:]}")
    for log in ("ckan.log", "fakesolr.log"):
        if (work / log).exists():
            parts.append(f"{log}:\n{(work / log).read_text(errors='replace')[-1500:]}")
    ready = subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True, text=True)
    parts.append(f"pg_isready: {ready.stdout.strip()} {ready.stderr.strip()}")
    return "\n".join(parts)


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
        _start_ckan(work, env, url)
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
