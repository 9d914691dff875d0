"""A data wish from the form to "veröffentlicht": posted to a real `kommune serve`, accepted and
moved on with `kommune wuensche` (the real CLI in a subprocess), published by the next build,
shown by the server with the link to its dataset — the contact never anywhere public."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import httpx
import pytest
import yaml

from kommune import portal
from kommune import wishes as wish_commands
from publish.build_folder import BuildFolder
from tests.conftest import REPO, start_server, stop_server

CONTACT = "leserin@example.org"


def _kommune(*arguments: str) -> str:
    done = subprocess.run([sys.executable, "-m", "kommune", *arguments], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def wish_portal(portal_dir):
    portal_dir.add_demo("haushalt-ergebnisplan")
    portal_dir.add_demo("datenwuensche")
    kpis = yaml.safe_load((REPO / "metadata" / "kpis.yaml").read_text(encoding="utf-8"))
    chosen = [kpi for kpi in kpis if kpi["id"].startswith("datenwuensche-")]
    (portal_dir.root / "metadata" / "kpis.yaml").write_text(yaml.safe_dump(chosen, allow_unicode=True))
    portal.build(portal_dir.root, portal_dir.out)
    return portal_dir


def test_a_wish_goes_from_the_form_to_published(wish_portal, capsys):
    root, out = wish_portal.root, wish_portal.out
    server = start_server(out)
    story = []
    try:
        posted = httpx.post(
            server.url + "/datenwuensche/neu/",
            data={
                "titel": "Haushalt <b>als</b> Tabelle",
                "beschreibung": "Den Ergebnisplan je Produktbereich, um Jahre zu vergleichen.",
                "kontakt": CONTACT,
            },
            headers={"Origin": server.url},
            timeout=30,
            follow_redirects=True,
        )
        assert posted.status_code == 200 and posted.url.path == "/datenwuensche/danke/"
        story.append(f"POST /datenwuensche/neu/ → 303 → {posted.url.path} ({posted.status_code})")
        assert "Haushalt" not in server.get("/datenwuensche/").text  # queued, not published

        listed = _kommune("wuensche", "list", "-o", str(out))
        assert "Nr. 1 vom" in listed and CONTACT in listed
        story.append("$ kommune wuensche list\n" + listed.strip())
        accepted = _kommune("wuensche", "accept", "1", "--status", "in-pruefung", "-C", str(root), "-o", str(out))
        story.append("$ kommune wuensche accept 1 --status in-pruefung\n" + accepted.strip())
        assert wish_commands.waiting(out) == []
        register_text = (root / "metadata" / "datenwuensche.yaml").read_text(encoding="utf-8")
        assert CONTACT not in register_text and "status: in-pruefung" in register_text

        changed = _kommune(
            "wuensche", "status", "1", "veroeffentlicht", "--datensatz", "haushalt-ergebnisplan", "-C", str(root)
        )
        story.append(
            "$ kommune wuensche status 1 veroeffentlicht --datensatz haushalt-ergebnisplan\n" + changed.strip()
        )
        portal.build(root, out)
        page = server.get("/datenwuensche/")  # the running server picks up the new release
    finally:
        stop_server(server)

    assert page.status_code == 200
    row = page.text[page.text.index('id="wunsch-1"') :]
    row = row[: row.index("</tr>")]
    assert "Haushalt &lt;b&gt;als&lt;/b&gt; Tabelle" in row
    assert 'veröffentlicht: <a href="/datensaetze/haushalt-ergebnisplan/">' in row
    assert CONTACT not in page.text
    story.append("GET /datenwuensche/ →" + " ".join(row.split()))

    build = BuildFolder.open(out)
    published = json.loads((build.root / "datasets" / "datenwuensche" / "datenwuensche.json").read_text())
    assert published[0]["status"] == "veröffentlicht" and published[0]["datensatz"] == "haushalt-ergebnisplan"
    assert CONTACT not in json.dumps(published) and CONTACT.encode() not in build.database.read_bytes()
    with sqlite3.connect(build.database) as db:
        kpis = yaml.safe_load((root / "metadata" / "kpis.yaml").read_text(encoding="utf-8"))
        values = {kpi["id"]: db.execute(kpi["sql"]).fetchall() for kpi in kpis}
    received = dt.date.fromisoformat(published[0]["eingegangen"])
    on = dt.date.fromisoformat(published[0]["veroeffentlicht"])
    assert values["datenwuensche-eingegangen"] == [(f"{received.year}-Q{(received.month + 2) // 3}", 1)]
    assert values["datenwuensche-erfuellt"] == [(f"{on.year}-Q{(on.month + 2) // 3}", 1)]
    assert values["datenwuensche-tage-bis-veroeffentlichung"] == [(str(on.year), float((on - received).days))]
    story.append("datasets/datenwuensche/datenwuensche.json: " + json.dumps(published[0], ensure_ascii=False))
    story.append("KPIs: " + json.dumps(values, ensure_ascii=False))
    with capsys.disabled():
        print("\n" + "\n".join(story))
