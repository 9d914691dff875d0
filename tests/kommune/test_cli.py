"""The command line is thin: help on every command, known errors as readable messages."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from tests.conftest import run_kommune


def test_every_command_has_help():
    top = run_kommune("--help", check=True).stdout
    for command in ("build", "validate", "serve", "check"):
        assert command in top
        assert "Usage" in run_kommune(command, "--help", check=True).stdout
    assert "Usage" in run_kommune("publish", "ckan", "--help", check=True).stdout


def test_validate_reports_all_problems_and_exits_2(portal_dir):
    (portal_dir.root / "metadata" / "site.yaml").write_text("title: x\n")
    portal_dir.add("kaputt", "title: Kaputt\n", None)
    result = run_kommune("validate", "-C", str(portal_dir.root))
    assert result.returncode == 2
    assert "metadata/site.yaml: tagline: fehlt (Pflichtangabe)" in result.stderr
    assert "datasets/kaputt/dataset.yaml: licence: fehlt (Pflichtangabe)" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_reads_sources_without_publishing(portal_dir):
    portal_dir.add_demo("haushalt-ergebnisplan")
    result = run_kommune("validate", "-q", "-C", str(portal_dir.root))
    assert result.returncode == 0, result.stderr
    assert not portal_dir.out.exists()
    declarations_only = run_kommune("validate", "--no-sources", "-C", str(portal_dir.root))
    assert "Deklarationen gültig: 1 Datensatz." in declarations_only.stdout


def test_serve_without_a_build_says_what_to_do(tmp_path):
    result = run_kommune("serve", "--out", str(tmp_path / "build"))
    assert result.returncode == 2 and "kommune build" in result.stderr


def test_a_wrong_environment_setting_is_named_and_exits_2(portal_dir, monkeypatch):
    portal_dir.add_demo("haushalt-ergebnisplan")
    for variable, value in (("KOMMUNE_WORKERS", "zwei"), ("KOMMUNE_HTTP_TIMEOUT", "lang")):
        monkeypatch.setenv(variable, value)
        result = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
        monkeypatch.delenv(variable)
        assert result.returncode == 2
        assert f"{variable}='{value}'" in result.stderr
        assert "Traceback" not in result.stderr
        assert not portal_dir.out.exists()


def test_progress_in_a_log_file_is_one_plain_line_per_dataset(portal_dir):
    """Not on a terminal (stderr is a pipe here, as with `kommune build 2>> build.log`): no
    carriage-return frames of a progress bar, one readable line per dataset."""
    portal_dir.add_demo("kita-plaetze")
    portal_dir.add_demo("haushalt-ergebnisplan")
    result = run_kommune("build", "-C", str(portal_dir.root), "-o", str(portal_dir.out), check=True)
    assert "\r" not in result.stderr
    assert {"baue kita-plaetze", "baue haushalt-ergebnisplan"} <= set(result.stderr.splitlines())


def test_progress_on_a_terminal_is_a_bar_naming_each_dataset(portal_dir):
    """On a terminal (stderr is a real pseudo-terminal here) the bar shows the dataset being
    validated and counts up; the bar object only exists once a terminal asked for it."""
    portal_dir.add_demo("kita-plaetze")
    portal_dir.add_demo("haushalt-ergebnisplan")
    primary, secondary = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm cuts its bar to the width: 24x80 as a console.
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "kommune", "validate", "-C", str(portal_dir.root)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=secondary,
        )
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal's other end closed: the command is done
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=300) == 0, shown.decode(errors="replace")
    finally:
        os.close(primary)
    frames = shown.decode(errors="replace")
    assert "\r" in frames  # a bar redrawn in place, not lines
    assert "prüfe kita-plaetze" in frames and "prüfe haushalt-ergebnisplan" in frames
    assert "2  Datensätze" in frames
