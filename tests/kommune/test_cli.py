"""The command line is thin: help on every command, known errors as readable messages."""
from __future__ import annotations

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
