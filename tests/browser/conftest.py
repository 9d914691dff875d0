"""The browser suite: the session's headless Chromium (`browser` in tests/conftest.py) against
the demo portal served by a real `kommune serve` subprocess; axe-core comes from the npm registry
(`npm ci` in this folder, run by `make test`) and is injected into each page from disk.

Without Chromium or axe-core the suite skips with the reason, unless KOMMUNE_REQUIRE_BROWSER=1
(set by .ci/run): then it fails, so CI cannot pass without having run it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from publish.build_folder import BuildFolder
from tests.browser.page_types import NoExamplePage, PageType
from tests.conftest import REPO, browser_part_missing

HERE = Path(__file__).resolve().parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = REPO / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"desktop": DESKTOP, "telefon": PHONE}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        browser_part_missing(
            f"axe-core missing at {AXE_SCRIPT} (run `npm ci --prefix tests/browser`; `make test` does it)"
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


@dataclass
class Visit:
    """One page load with everything the page asked the network for."""

    page: object
    url: str
    status: int
    requests: list[dict] = field(default_factory=list)

    @property
    def foreign_requests(self) -> list[str]:
        own = urlsplit(self.url).netloc
        return [
            r["url"]
            for r in self.requests
            if urlsplit(r["url"]).scheme not in ("data", "blob", "about") and urlsplit(r["url"]).netloc != own
        ]

    @property
    def transferred_bytes(self) -> int:
        return sum(r["bytes"] for r in self.requests)


class Portal:
    """The served demo portal and a way to open its pages in fresh browser contexts."""

    def __init__(self, server, build: BuildFolder, browser):
        self.url, self.build, self.browser = server.url, build, browser
        self._contexts: list = []

    def address(self, page_type: PageType) -> str:
        """The example page's URL; skips when this build has no such page (e.g. no KPI yet)."""
        try:
            return self.url + page_type.url_path(self.build)
        except NoExamplePage as reason:
            pytest.skip(f"{page_type.name}: {reason}")

    def visit(
        self,
        page_type: PageType,
        viewport: dict = DESKTOP,
        javascript: bool = True,
        prepare: Callable[[object], None] | None = None,
        bypass_csp: bool = False,
    ) -> Visit:
        """Open the page type's example page in a new context (empty cache, no cookies);
        `prepare(page)` runs before the page loads (listeners, init scripts); `bypass_csp` lets
        the page ignore the portal's Content-Security-Policy (to test what lies behind it).

        Requests to any host but the portal's are recorded and then aborted, so a leak fails
        the privacy test without ever reaching another server."""
        context = self.browser.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            locale="de-DE",
            service_workers="block",
            bypass_csp=bypass_csp,
        )
        self._contexts.append(context)
        page = context.new_page()
        address = self.address(page_type)
        own = urlsplit(address).netloc
        requests: list[dict] = []

        def route(route_request):
            request = route_request.request
            if urlsplit(request.url).netloc == own or request.url.startswith(("data:", "blob:")):
                route_request.continue_()
            else:
                route_request.abort()

        def finished(request):
            sizes = request.sizes()
            requests.append(
                {
                    "url": request.url,
                    "type": request.resource_type,
                    "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                }
            )

        def failed(request):
            requests.append({"url": request.url, "type": request.resource_type, "bytes": 0, "failed": request.failure})

        context.route("**/*", route)
        page.on("requestfinished", finished)
        page.on("requestfailed", failed)
        if prepare is not None:
            prepare(page)
        response = page.goto(address, wait_until="load")
        page.wait_for_load_state("networkidle")
        return Visit(page=page, url=address, status=response.status if response else 0, requests=requests)

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self._contexts.clear()


@pytest.fixture(scope="session")
def served_build(demo_build) -> BuildFolder:
    return BuildFolder.open(demo_build)


@pytest.fixture
def portal(demo_server, served_build, browser):
    opened = Portal(demo_server, served_build, browser)
    yield opened
    opened.close()


class Findings:
    """What the suite measured per page type, written as the closing table of the run."""

    def __init__(self):
        self.rows: dict[str, dict] = {}

    def record(self, page_type: str, **values) -> None:
        self.rows.setdefault(page_type, {}).update(values)

    def write(self, folder: Path) -> Path | None:
        if not self.rows:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "browser-findings.json").write_text(
            json.dumps(self.rows, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        lines = [
            "| Seitentyp | Adresse | axe (WCAG 2.1 AA) Desktop / Telefon | übertragen | Anfragen |",
            "|---|---|---|---|---|",
        ]
        for name, row in self.rows.items():
            axe = " / ".join(_axe_cell(row.get(f"axe_{viewport}")) for viewport in VIEWPORTS)
            weight = f"{row['bytes'] / 1024:.1f} KB" if "bytes" in row else "–"
            lines.append(f"| {name} | `{row.get('path', '–')}` | {axe} | {weight} | {row.get('requests', '–')} |")
        path = folder / "browser-findings.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def _axe_cell(violations: int | None) -> str:
    if violations is None:
        return "–"
    return "0 Verstöße" if violations == 0 else f"{violations} Verstöße"


_FINDINGS = Findings()


@pytest.fixture(scope="session")
def findings() -> Findings:
    return _FINDINGS


ACCESSIBILITY_RESULTS = REPO / "metadata" / "accessibility_results.yaml"


def write_accessibility_results(findings: Findings, target: Path = ACCESSIBILITY_RESULTS) -> Path | None:
    """After a run that checked every page type at every width with axe, record the counts in
    metadata/ for /barrierefreiheit/ (its conformity status is derived from them). A partial run
    (`-k`, a skipped page type) writes nothing: it must not replace a complete record."""
    from tests.browser.page_types import PAGE_TYPES

    rows = findings.rows
    if not all(f"axe_{viewport}" in rows.get(page.name, {}) for page in PAGE_TYPES for viewport in VIEWPORTS):
        return None
    version = json.loads((HERE / "node_modules" / "axe-core" / "package.json").read_text(encoding="utf-8"))["version"]
    pages = [
        {
            "name": page.name,
            "path": rows[page.name].get("path", ""),
            "violations": {viewport: rows[page.name][f"axe_{viewport}"] for viewport in VIEWPORTS},
        }
        for page in PAGE_TYPES
    ]
    record = {
        "checked": dt.date.today().isoformat(),
        "tool": f"axe-core {version}",
        "standard": "WCAG 2.1 AA",
        "pages": pages,
    }
    header = (
        "# Geschrieben von der Browser-Testsuite (tests/browser) nach einem vollständigen Lauf; nicht von Hand\n"
        "# ändern. /barrierefreiheit/ leitet daraus den Stand der Vereinbarkeit ab.\n"
    )
    target.write_text(header + yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def pytest_sessionfinish(session):
    """Write the records where the browser tests ran: in the one process of a plain run, or in
    the xdist worker that ran the `browser` group (tests/conftest.py reports them)."""
    write_accessibility_results(_FINDINGS)
    _FINDINGS.write(OUTPUT)
