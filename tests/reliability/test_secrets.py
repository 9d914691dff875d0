"""Secrets come from the environment and go nowhere else: not into build/, the build state,
the served pages and Datasette's introspection endpoints, the server log or the build's output."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, PortalDir, start_server, stop_server

CANARIES = {"CKAN_API_TOKEN": "ckan-token-canary-5f1d9a", "DATASETTE_SECRET": "datasette-secret-canary-7c2e41"}
INTROSPECTION = ["/", "/bericht/", "/daten/", "/daten/-/settings.json", "/daten/-/config.json", "/daten/-/metadata.json",
                 "/daten/-/versions.json", "/daten/-/plugins.json", "/daten/-/actor.json", "/daten/-/threads.json",
                 "/daten/-/databases.json", "/daten/portal.json?sql=select+1", "/gibt-es-nicht/"]


def files_containing(root: Path, secret: bytes) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and secret in path.read_bytes():
            found.append(str(path))
    return found


def test_tokens_in_the_environment_appear_nowhere(tmp_path):
    portal_dir = PortalDir(tmp_path / "portal")
    portal_dir.add_demo("haushalt-ergebnisplan")
    environment = {**os.environ, **CANARIES}
    build = subprocess.run([sys.executable, "-m", "kommune", "build", "-C", str(portal_dir.root), "-o", str(portal_dir.out)],
                           capture_output=True, text=True, env=environment, cwd=REPO, timeout=300)
    assert build.returncode == 0, build.stderr
    previous = {name: os.environ.get(name) for name in CANARIES}
    os.environ.update(CANARIES)  # start_server passes the test's environment on to `kommune serve`
    try:
        server = start_server(portal_dir.out)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    try:
        served = {path: server.get(path).text for path in INTROSPECTION}
    finally:
        stop_server(server)
    log = server.output()
    for name, secret in CANARIES.items():
        assert secret not in build.stdout + build.stderr, name
        assert secret not in log, name
        for path, text in served.items():
            assert secret not in text, (name, path)
        for folder in (portal_dir.root, tmp_path):
            assert not files_containing(folder, secret.encode()), (name, files_containing(folder, secret.encode()))
