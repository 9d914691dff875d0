"""Links from data (issue 15, point 3): every URL field of every kind of source is fed with
`javascript:`, `data:` and `vbscript:` forms, and no built file carries such a link — not the
site's pages, the published CSV and JSON, portal.db, the DCAT catalogue or what CKAN receives.
Each refused URL is a warning in its dataset's report. Chromium then clicks every document
link of the council meeting and paper pages with a dialog handler: nothing fires.

Real parts throughout: the bundled OParl recording and GeoJSON plans with hostile values
written into them, a real `kommune build`, a real `kommune serve` and Debian's chromium."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml

from kommune import portal
from tests.conftest import GERMAN_SCHEMA, PortalDir, dataset_yaml, start_server, stop_server

# The first form has `://`: OParl's website repair (`www.x.de` → `http://www.x.de`) leaves it
# alone, so a field on a single object (the body) still gets a scheme of its own.
FORMS = [
    "javascript://x.example/%0Aalert('{m}')",
    "javascript:alert('{m}')",
    " JaVaScRiPt:alert('{m}')",
    "java\tscript:alert('{m}')",
    "java\nscript:alert('{m}')",
    "\x01javascript:alert('{m}')",
    "&#106;avascript:alert('{m}')",
    "javascript&colon;alert('{m}')",
    "data:text/html,<script>alert('{m}')</script>",
    " DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#{m}",
    "vbscript:msgbox('{m}')",
    "VBScript:msgbox('{m}')",
]
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
OPARL_URL_FIELDS = {
    "File": ["accessUrl", "downloadUrl"],
    "Body": ["website", "web", "license"],
    "Organization": ["website", "web"],
    "Person": ["web"],
    "Meeting": ["web"],
    "Paper": ["web"],
    "AgendaItem": ["web"],
}
PLAN_DOCUMENT_FIELDS = ["scanurl", "begruendurl", "texturl"]


class Injector:
    """Hands out the hostile forms round-robin per field, each with a unique marker."""

    def __init__(self):
        self.count: dict[str, int] = {}

    def __call__(self, field: str) -> str:
        n = self.count.get(field, 0)
        self.count[field] = n + 1
        return FORMS[n % len(FORMS)].format(m=f"xss-{field}-{n}")


def poison_oparl(node, inject: Injector) -> None:
    if isinstance(node, list):
        for item in node:
            poison_oparl(item, inject)
    elif isinstance(node, dict):
        kind = str(node.get("type", "")).rsplit("/", 1)[-1]
        for field in OPARL_URL_FIELDS.get(kind, []):
            node[field] = inject(field)
        for value in node.values():
            poison_oparl(value, inject)


def is_bad(value: str) -> bool:
    """What a browser would run: entities decoded, control characters and spaces dropped."""
    normal = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    return normal.startswith(BAD_SCHEMES)


def bad_strings(node) -> list[str]:
    if isinstance(node, str):
        return [node] if is_bad(node) else []
    if isinstance(node, dict):
        return [bad for value in node.values() for bad in bad_strings(value)]
    if isinstance(node, list):
        return [bad for value in node for bad in bad_strings(value)]
    return []


_ATTRIBUTE = re.compile(r"""\b(?:href|src|action|formaction|poster|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


@pytest.fixture(scope="module")
def hostile_links(tmp_path_factory):
    """The demo council, plans and a declaration with hostile URLs in every URL field, built."""
    portal_dir = PortalDir(tmp_path_factory.mktemp("links") / "portal")
    council = portal_dir.add_demo("ratsinformation")
    inject = Injector()
    for path in sorted((council / "sample").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        poison_oparl(data, inject)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    plans = portal_dir.add_demo("bebauungsplaene")
    document = json.loads((plans / "sample" / "bebauungsplaene.geojson").read_text(encoding="utf-8"))
    for feature in document["features"]:
        for field in PLAN_DOCUMENT_FIELDS:
            feature["properties"][field] = inject(field)
    (plans / "sample" / "bebauungsplaene.geojson").write_text(json.dumps(document), encoding="utf-8")
    declaration = dataset_yaml('{kind: csv, path: sample/d.csv, delimiter: ";"}') + yaml.safe_dump(
        {
            "publisher": {
                "website": inject("publisher.website"),
                "contact": {
                    "name": "Bürgerbüro",
                    "email": "buergerbuero@werne.example",
                    "url": inject("publisher.contact.url"),
                },
            }
        }
    )
    portal_dir.add(
        "deklaration", declaration, GERMAN_SCHEMA, {"sample/d.csv": b"Datum;Betrag;Ort\n24.01.2020;1,00;Nord\n"}
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    yield portal_dir, report, inject


def test_no_built_file_carries_a_hostile_link(hostile_links):
    portal_dir, report, _ = hostile_links
    assert {d.id: d.status for d in report.datasets} == {
        "ratsinformation": "ok",
        "bebauungsplaene": "ok",
        "deklaration": "ok",
    }
    out = portal_dir.out.resolve()
    found: dict[str, list[str]] = {}
    pages = 0
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = str(path.relative_to(out))
        if path.suffix == ".html":
            pages += 1
            text = path.read_text(encoding="utf-8")
            bad = [value for match in _ATTRIBUTE.finditer(text) for value in match.groups() if value and is_bad(value)]
        elif path.suffix in (".json", ".jsonld"):
            bad = bad_strings(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".csv":
            import csv

            with open(path, encoding="utf-8", newline="") as handle:
                bad = [cell for row in csv.reader(handle) for cell in row if is_bad(cell)]
        elif path.suffix in (".ttl", ".rdf", ".ics", ".atom", ".xml"):
            text = path.read_text(encoding="utf-8")
            bad = [m for m in re.findall(r"(?:<|\"|resource=\")([^\s\"<>]{0,40})", text) if is_bad(m)]
            bad += [scheme for scheme in BAD_SCHEMES if f"<{scheme}" in text.lower() or f'"{scheme}' in text.lower()]
        else:
            continue
        if bad:
            found[name] = bad[:3]
    assert pages > 300  # every council meeting and paper page was written and looked at
    assert found == {}
    with sqlite3.connect(out / "portal.db") as db:
        tables = [name for (name,) in db.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            for row in db.execute(f"select * from [{table}]"):
                assert not [v for v in row if isinstance(v, str) and is_bad(v)], table


def test_what_ckan_would_receive_has_no_hostile_link(hostile_links):
    from publish.catalogue import read_catalogue
    from publish.ckan.mapping import organization_dict, package_dict

    portal_dir, _, _ = hostile_links
    catalogue = read_catalogue(portal_dir.out)
    assert bad_strings(organization_dict(catalogue)) == []
    for entry in catalogue.datasets:
        assert bad_strings(package_dict(catalogue, entry, upload=True)) == []


def test_every_refused_link_is_a_warning_in_its_dataset_report(hostile_links):
    portal_dir, _, inject = hostile_links
    reports = {
        d: json.loads((portal_dir.out / "datasets" / d / "report.json").read_text())
        for d in ("ratsinformation", "bebauungsplaene", "deklaration")
    }
    refused = {d: [w for w in r["warnings"] if w["type"] == "unsafe-url"] for d, r in reports.items()}
    # Every field was fed and each one had refusals reported, naming the field.
    assert {w["field"] for w in refused["ratsinformation"]} == {
        f for fields in OPARL_URL_FIELDS.values() for f in fields
    }
    assert {w["field"] for w in refused["bebauungsplaene"]} == set(PLAN_DOCUMENT_FIELDS)
    assert {w["field"] for w in refused["deklaration"]} == {"publisher.website", "publisher.contact.url"}
    # Plans are published one row per feature: every injected value is refused and counted once.
    assert len(refused["bebauungsplaene"]) == sum(inject.count[f] for f in PLAN_DOCUMENT_FIELDS)
    assert all(w["row"] for w in refused["bebauungsplaene"])
    files = [w for w in refused["ratsinformation"] if w["field"] == "accessUrl"]
    assert len(files) >= len(FORMS) and all(w["file"].startswith("https://") for w in files)
    assert all("http, https oder mailto" in w["expected"] for ws in refused.values() for w in ws)


@pytest.fixture(scope="module")
def hostile_server(hostile_links):
    server = start_server(hostile_links[0].out)
    yield server
    stop_server(server)


def council_pages(out: Path, section: str, wanted: int) -> list[str]:
    """Pages of `section` (sitzungen, vorlagen) whose document lists were fed hostile links."""
    pages = []
    for page in sorted((out / "site" / "rat" / section).glob("*/index.html")):
        if "xss-" in page.read_text(encoding="utf-8") or len(pages) < wanted:
            pages.append(f"/rat/{section}/{page.parent.name}/")
        if len(pages) >= wanted:
            break
    return pages


def test_nothing_fires_in_chromium_on_council_meeting_and_paper_pages(hostile_links, hostile_server, browser):
    """Every absolute link of three meeting and three paper pages (the OParl source, links to
    other sites) is clicked, each in a fresh browser context with a dialog handler; other hosts
    are blocked, so such a click just fails to load."""
    out = hostile_links[0].out
    pages = council_pages(out, "sitzungen", 3) + council_pages(out, "vorlagen", 3)
    assert len(pages) == 6
    own = hostile_server.url

    def fresh_context():
        # one context per click, closed after it: whatever a click opened (a popup, a download)
        # goes with it instead of piling up in one long-lived context
        context = browser.new_context(accept_downloads=False)
        context.set_default_timeout(10_000)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(own) else route.abort())
        return context

    dialogs: list[str] = []
    clicked, bad = 0, []
    for path in pages:
        context = fresh_context()
        try:
            page = context.new_page()
            page.goto(own + path)
            links = page.eval_on_selector_all("main a", "links => links.map(a => a.getAttribute('href'))")
        finally:
            context.close()
        bad += [href for href in links if href and is_bad(href)]
        for index, href in enumerate(links):
            if href is None or href.startswith(("/", "#")):
                continue
            context = fresh_context()
            try:
                page = context.new_page()
                page.on(
                    "dialog", lambda dialog, path=path: (dialogs.append(f"{path}: {dialog.message}"), dialog.dismiss())
                )
                page.goto(own + path)
                page.locator("main a").nth(index).click(no_wait_after=True, timeout=5000)
                page.wait_for_timeout(200)
            finally:
                context.close()
            clicked += 1
    assert clicked >= 6  # at least the OParl source link of each page
    assert dialogs == []
    assert bad == []
