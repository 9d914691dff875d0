"""Shared fixtures: real portal folders, real builds, real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"

# No test reaches the internet: the build's link check (publish/quality/links.py) asks the
# demo's external addresses (werne.de, govdata.de) only when a test switches it on for its own
# servers on 127.0.0.1. Subprocesses (`kommune` via run_kommune) inherit the setting.
os.environ.setdefault("KOMMUNE_LINK_CHECK", "aus")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference, read where it lies. Skips without it, unless KOMMUNE_REQUIRE_REFERENCE=1."""
    if not REFERENCE.is_dir():
        if os.environ.get("KOMMUNE_REQUIRE_REFERENCE") == "1":
            pytest.fail(f"reference folder missing at {REFERENCE} but KOMMUNE_REQUIRE_REFERENCE=1")
        pytest.skip(f"reference folder {REFERENCE} not present (a town's own checkout)")
    return REFERENCE


GERMAN_SCHEMA = """\
fields:
  - {name: datum, label: Datum, type: date, format: "%d.%m.%Y", title: Datum, description: Buchungstag.}
  - {name: betrag, label: Betrag, type: number, decimalChar: ",", groupChar: ".", title: Betrag, description: In Euro.}
  - {name: ort, label: Ort, type: string, title: Ort, description: Ortsteil., constraints: {required: true}}
"""


def dataset_yaml(source: str, title: str = "Testdaten", extra: str = "") -> str:
    """A minimal valid dataset.yaml with the given `source` (YAML flow mapping)."""
    return (
        f"title: {title}\ndescription: Ein kleiner Datensatz für Tests.\nlicence: dl-by-de/2.0\n"
        f"themes: [GOVE]\nkeywords: [Test]\nfrequency: MONTHLY\nsource: {source}\n{extra}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_kommune(
    *args: str, cwd: Path | None = None, check: bool = False, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess."""
    result = subprocess.run(
        [sys.executable, "-m", "kommune", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"kommune {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


class PortalDir:
    """A town's portal directory in tmp: the repo's metadata plus chosen datasets."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(REPO / "metadata", root / "metadata")
        (root / "metadata" / "kpis.yaml").write_text("[]\n")
        # The demo register links wishes to demo datasets a test portal may not have.
        (root / "metadata" / "datenwuensche.yaml").write_text("wishes: []\n")
        (root / "datasets").mkdir()

    @property
    def out(self) -> Path:
        return self.root / "build"

    def add_demo(self, dataset_id: str) -> Path:
        target = self.root / "datasets" / dataset_id
        shutil.copytree(REPO / "datasets" / dataset_id, target)
        return target

    def add(
        self,
        dataset_id: str,
        dataset_yaml: str,
        schema_yaml: str | None = None,
        files: dict[str, bytes] | None = None,
        readme: str = "Beschreibung in einfacher Sprache.\n",
    ) -> Path:
        folder = self.root / "datasets" / dataset_id
        (folder / "sample").mkdir(parents=True)
        (folder / "dataset.yaml").write_text(dataset_yaml, encoding="utf-8")
        if schema_yaml is not None:
            (folder / "schema.yaml").write_text(schema_yaml, encoding="utf-8")
        (folder / "README.md").write_text(readme, encoding="utf-8")
        for name, content in (files or {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        return folder


@pytest.fixture
def portal_dir(tmp_path) -> PortalDir:
    return PortalDir(tmp_path / "portal")


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_part_missing(what: str) -> None:
    """Skip a browser test whose tools are missing, or fail with KOMMUNE_REQUIRE_BROWSER=1 (CI)."""
    if os.environ.get("KOMMUNE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} (KOMMUNE_REQUIRE_BROWSER=1: the browser tests must run)")
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian `chromium` for the whole session, driven by Playwright (never a
    downloaded browser). One per session because Playwright's sync API allows one instance per
    thread. Playwright gives it a fresh temporary --user-data-dir; use a new context per test."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        browser_part_missing("Debian's chromium is not installed (apt-get install chromium; `make test` does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_part_missing("playwright is missing (a test extra: pip install -e '.[test]')")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Path:
    """The repository's own demo portal, built once per session. Returns the `build` symlink."""
    from kommune import portal

    out = tmp_path_factory.mktemp("demo") / "build"
    portal.build(REPO, out)
    return out


class Server:
    def __init__(self, process: subprocess.Popen, url: str, log=None):
        self.process, self.url, self._log = process, url, log

    def output(self) -> str:
        """Everything the server wrote to stdout/stderr so far."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read()

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kwargs)


def start_server(out: Path, workers: int = 1) -> Server:
    """`kommune serve` as a real subprocess on a free port; waits until it answers.

    One worker process unless asked for more: the suite starts many servers on a small shared
    machine, and what several workers change has its own tests (tests/reliability/test_workers.py).

    Its output goes to a file, not a pipe: a pipe nobody reads fills up after some hundred access
    log lines and then blocks the server."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the server
    # Every test talks to the server from 127.0.0.1, as one client: a visitor's allowance for
    # own SQL would soon refuse them (the rate limit has its own test, tests/publish/server/test_attacks.py).
    generous = {**os.environ, "KOMMUNE_SQL_BURST": "10000", "KOMMUNE_SQL_PER_MINUTE": "100000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kommune", "serve", "--out", str(out), "--port", str(port), "--workers", str(workers)],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=generous,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"serve exited early:\n{log.read()}")
        try:
            httpx.get(url + "/", timeout=2)
            return Server(process, url, log)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("serve did not answer within 60 s")


def worker_pids(server: Server) -> list[int]:
    """The worker processes uvicorn's supervisor started below the server (none with one worker;
    Python's multiprocessing resource tracker does not answer requests and is left out)."""
    children = []
    for task in Path(f"/proc/{server.process.pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                children.append(int(child))
    return children


def stop_server(server: Server) -> None:
    server.process.terminate()  # with several workers uvicorn's supervisor stops them first
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):  # the workers, not left behind (gone already: fine)
            for task in Path(f"/proc/{server.process.pid}/task").iterdir():
                for child in (task / "children").read_text().split():
                    os.kill(int(child), signal.SIGKILL)
        server.process.kill()


@pytest.fixture(scope="session")
def demo_server(demo_build):
    """The demo portal served by a real `kommune serve` subprocess."""
    server = start_server(demo_build)
    yield server
    stop_server(server)


@pytest.fixture
def oparl_server():
    """The bundled OParl demo of datasets/ratsinformation/ served over real HTTP on 127.0.0.1,
    with pagination, modified_since and injectable faults (tests/oparl_server.py)."""
    from tests.oparl_server import serve_sample

    server = serve_sample()
    yield server
    server.stop()


def run_async(coroutine):
    """Run `coroutine` to its end in a thread of its own: some tests (Playwright's sync API) leave
    an event loop running in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# Under `make test` the suite runs on every core (pytest-xdist, --dist loadgroup). Tests that share
# one thing outside their process run in one worker: the browser suite (one Chromium, and its
# records need every page type) and the CKAN tests (one CKAN on a fixed port).
_SHARED_GROUPS = {"browser": REPO / "tests" / "browser", "ckan": REPO / "tests" / "publish" / "ckan"}


@pytest.hookimpl(tryfirst=True)  # before xdist turns the marks into the groups of --dist loadgroup
def pytest_collection_modifyitems(items):
    for item in items:
        for group, folder in _SHARED_GROUPS.items():
            if folder in Path(str(item.fspath)).parents:
                item.add_marker(pytest.mark.xdist_group(group))


_SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter):
    """Show the browser suite's records if this run wrote them (in this process or a worker)."""
    records = REPO / "metadata" / "accessibility_results.yaml"
    if records.stat().st_mtime >= _SESSION_STARTED:
        terminalreporter.write_line(f"accessibility results written to {records.relative_to(REPO)}")
    findings = REPO / "test-output" / "browser-findings.md"
    if findings.is_file() and findings.stat().st_mtime >= _SESSION_STARTED:
        terminalreporter.write_sep("-", f"browser findings per page type ({findings.relative_to(REPO)})")
        terminalreporter.write(findings.read_text(encoding="utf-8"))
