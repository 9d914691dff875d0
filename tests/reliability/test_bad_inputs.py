"""The bad-input corpus (tests/corpus/NOTES.md): every broken file fails its own dataset with a
readable German report, the good dataset next to it publishes, and nothing prints a traceback."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kommune import portal
from tests.conftest import GERMAN_SCHEMA, REPO, dataset_yaml, run_kommune

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOOD = "Datum;Betrag;Ort\n24.01.2020;1.234,56;Nord\n25.01.2020;-2,50;Süd\n"

# file → (status, issue type, a fragment of the German message or expectation, row or None)
EXPECTED = {
    "wrong-encoding.csv": ("failed", "encoding-error", "0xfc", 2),
    "mixed-line-endings.csv": ("ok", None, None, None),
    "bom-in-middle.csv": ("failed", "type-error", "Datum im Format TT.MM.JJJJ", 3),
    "duplicate-headers.csv": ("failed", "duplicate-label", "„Datum“ kommt doppelt vor", None),
    "missing-headers.csv": ("failed", "blank-label", "Spaltenüberschrift ist leer", None),
    "no-header-row.csv": ("failed", "incorrect-label", "Überschrift „Datum“", None),
    "ragged-rows.csv": ("failed", "extra-cell", "zu viele Spalten", 2),
    "empty.csv": ("failed", "source-error", "die Datei ist leer", None),
    "cut-off-mid-row.csv": ("failed", "missing-cell", "zu wenige Spalten", 3),
    "cut-off-mid-character.csv": ("failed", "encoding-error", "mitten in einem Zeichen", 3),
    "wrong-locale-numbers.csv": ("failed", "type-error", "„1,234.56“", 2),
    "impossible-dates.csv": ("failed", "type-error", "„31.02.2024“", 2),
    "formula-injection.csv": ("ok", None, None, None),
    "html-in-text.csv": ("ok", None, None, None),
    "not-a-zip.xlsx": ("failed", "format-error", "kein XLSX-Container", None),
    "truncated.xlsx": ("failed", "format-error", "kein XLSX-Container", None),
    "yaml/invalid-utf8.dataset.yaml": ("failed", "config-error", "kein gültiges UTF-8", None),
    "yaml/anchors.dataset.yaml": ("failed", "config-error", "Anker und Aliase", None),
    "yaml/billion-laughs.dataset.yaml": ("failed", "config-error", "Anker und Aliase", None),
    "yaml/unknown-keys.dataset.yaml": ("failed", "config-error", "unbekannter Schlüssel", None),
    "yaml/path-traversal.dataset.yaml": ("failed", "config-error", "Datensatzordner", None),
}


def corpus_id(name: str) -> str:
    """`yaml/anchors.dataset.yaml` → `yaml-anchors`, `not-a-zip.xlsx` → `not-a-zip-xlsx`."""
    stem = name.replace(".dataset.yaml", "").replace(".csv", "").replace(".xlsx", "-xlsx")
    return re.sub(r"[^a-z0-9-]", "-", stem)


def add_corpus_file(portal_dir, name: str) -> str:
    dataset_id = corpus_id(name)
    data = (CORPUS / name).read_bytes()
    if name.startswith("yaml/"):
        folder = portal_dir.add(dataset_id, "", GERMAN_SCHEMA, {"sample/d.csv": GOOD.encode()})
        (folder / "dataset.yaml").write_bytes(data)
    elif name.endswith(".xlsx"):
        portal_dir.add(
            dataset_id, dataset_yaml("{kind: xlsx, path: sample/d.xlsx}"), GERMAN_SCHEMA, {"sample/d.xlsx": data}
        )
    else:
        portal_dir.add(
            dataset_id,
            dataset_yaml('{kind: csv, path: sample/d.csv, encoding: utf-8, delimiter: ";"}'),
            GERMAN_SCHEMA,
            {"sample/d.csv": data},
        )
    return dataset_id


def add_good(portal_dir, dataset_id: str = "gut") -> Path:
    return portal_dir.add(
        dataset_id,
        dataset_yaml('{kind: csv, path: sample/d.csv, delimiter: ";"}'),
        GERMAN_SCHEMA,
        {"sample/d.csv": GOOD.encode()},
    )


def report_of(out: Path) -> dict:
    return {entry["id"]: entry for entry in json.loads((out / "build-report.json").read_text())["datasets"]}


def test_every_corpus_file_is_documented_and_expected():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name != "NOTES.md"}
    notes = (CORPUS / "NOTES.md").read_text(encoding="utf-8")
    assert files == set(EXPECTED)
    for name in files:
        assert f"`{name}`" in notes, f"{name} has no line in NOTES.md"


def test_corpus_each_file_fails_alone_with_a_readable_report(portal_dir):
    add_good(portal_dir)
    ids = {name: add_corpus_file(portal_dir, name) for name in EXPECTED}
    result = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    report = report_of(portal_dir.out)
    assert report["gut"]["status"] == "ok"
    for name, (status, issue_type, fragment, row) in EXPECTED.items():
        entry = report[ids[name]]
        assert entry["status"] == status, (name, entry)
        if status == "ok":
            continue
        matching = [i for i in entry["issues"] if i["type"] == issue_type]
        assert matching, (name, entry["issues"])
        issue = matching[0]
        text = f"{issue['message']} {issue.get('expected') or ''}"
        assert fragment in text, (name, issue)
        assert issue["file"], (name, issue)
        if row is not None:
            assert issue["row"] == row, (name, issue)
        assert f"FEHLER {ids[name]}:" in result.stderr
        assert "internal-error" not in {i["type"] for i in entry["issues"]}, (name, entry)
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from gut").fetchone() == (2,)
    assert db.execute("select count(*) from mixed_line_endings").fetchone() == (3,)
    # The wrong-locale file must not have been loaded with misread values.
    assert "wrong_locale_numbers" not in {r[0] for r in db.execute("select name from sqlite_master")}
    page = (portal_dir.out / "site" / "bericht" / "index.html").read_text(encoding="utf-8")
    assert "wrong-locale-numbers" in page and "1,234.56" in page


def test_a_declaration_broken_after_a_good_build_keeps_the_last_good_version(portal_dir):
    add_good(portal_dir)
    folder = add_good(portal_dir, "wird-kaputt")
    portal.build(portal_dir.root, portal_dir.out)
    (folder / "dataset.yaml").write_bytes((CORPUS / "yaml" / "anchors.dataset.yaml").read_bytes())
    report = portal.build(portal_dir.root, portal_dir.out)
    assert {d.id: d.status for d in report.datasets} == {"gut": "unchanged", "wird-kaputt": "stale"}
    package = json.loads((portal_dir.out / "datasets" / "wird-kaputt" / "datapackage.json").read_text())
    assert package["kommune"]["status"] == "stale" and "Anker" in package["kommune"]["stale_reason"]
    db = sqlite3.connect(portal_dir.out / "portal.db")
    assert db.execute("select count(*) from wird_kaputt").fetchone() == (2,)


def test_dataset_ids_with_spaces_and_dots_never_become_paths(portal_dir, tmp_path):
    add_good(portal_dir)
    spaced = portal_dir.root / "datasets" / "mit leerzeichen"
    shutil.copytree(portal_dir.root / "datasets" / "gut", spaced)
    outside = tmp_path / "geheim.csv"
    outside.write_text(GOOD)
    linked = add_good(portal_dir, "verlinkt")
    (linked / "sample" / "d.csv").unlink()
    (linked / "sample" / "d.csv").symlink_to(outside)

    result = run_kommune("build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = report_of(portal_dir.out)
    assert report["gut"]["status"] == "ok"
    assert report["mit leerzeichen"]["status"] == "failed"
    assert "keine gültige Datensatz-ID" in report["mit leerzeichen"]["issues"][0]["message"]
    assert not (portal_dir.out / "datasets" / "mit leerzeichen").exists()
    assert report["verlinkt"]["status"] == "failed"
    assert "außerhalb des Datensatzordners" in report["verlinkt"]["summary"]

    for name in ("../metadata", "gut/../../x", "/etc"):
        refused = run_kommune("build", "-q", name, "-C", str(portal_dir.root), "-o", str(portal_dir.out))
        assert refused.returncode == 2 and "kein solcher Datensatz" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    "content",
    [
        "Datum;Betrag;Ort\n24.01.2020;1,00;" + "x" * 2_000_000 + "\n",
        'Datum;Betrag;Ort\n24.01.2020;1,00;"Nord\n' + "25.01.2020;2,00;Süd\n" * 100_000,
    ],
    ids=["2-mb-cell", "unclosed-quote"],
)
def test_overlong_cells_fail_with_a_hint(portal_dir, content):
    add_good(portal_dir)
    portal_dir.add(
        "lang",
        dataset_yaml('{kind: csv, path: sample/d.csv, delimiter: ";"}'),
        GERMAN_SCHEMA,
        {"sample/d.csv": content.encode()},
    )
    report = portal.build(portal_dir.root, portal_dir.out)
    result = {d.id: d for d in report.datasets}
    assert result["gut"].status == "ok" and result["lang"].status == "failed"
    assert "nicht geschlossenes Anführungszeichen" in result["lang"].issues[0].message


# The build's own peak memory: VmHWM of the process after exec. (ru_maxrss from wait4 would count
# the forked copy of the pytest process, which is large late in a full run.)
_PEAK_WRAPPER = """
import atexit, sys
def report_peak():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\nPEAK_KB={peak}\\n")
atexit.register(report_peak)
from kommune.cli import main
sys.argv = ["kommune", *sys.argv[1:]]
main()
"""


def build_measuring_peak(portal_dir) -> tuple[int, str, int]:
    """Run `kommune build` in a subprocess; return (exit code, stderr, peak resident bytes)."""
    if not Path("/proc/self/status").is_file():
        pytest.skip("needs Linux /proc to measure the build's peak memory")
    result = subprocess.run(
        [sys.executable, "-c", _PEAK_WRAPPER, "build", "-q", "-C", str(portal_dir.root), "-o", str(portal_dir.out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
    )
    peak = re.search(r"PEAK_KB=(\d+)", result.stderr)
    assert peak, result.stderr
    return result.returncode, result.stderr, int(peak.group(1)) * 1024


def write_zip_bomb(path: Path, unpacked_mb: int = 300) -> None:
    """A real XLSX (the demo's) whose first sheet is padded with `unpacked_mb` MB of spaces."""
    with (
        zipfile.ZipFile(REPO / "datasets" / "kita-plaetze" / "sample" / "kitas.xlsx") as demo,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for member in demo.infolist():
            data = demo.read(member)
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member, data)
                continue
            with bomb.open(member.filename, "w", force_zip64=True) as sheet:
                head, tail = data.split(b"<sheetData>", 1)
                sheet.write(head + b"<sheetData>")
                block = b" " * (1 << 20)
                for _ in range(unpacked_mb):
                    sheet.write(block)
                sheet.write(tail)


def test_xlsx_zip_bomb_is_refused_before_unpacking(portal_dir, tmp_path):
    add_good(portal_dir)
    bomb = tmp_path / "bombe.xlsx"
    write_zip_bomb(bomb)
    assert bomb.stat().st_size < 2_000_000
    portal_dir.add(
        "bombe", dataset_yaml("{kind: xlsx, path: sample/d.xlsx}"), GERMAN_SCHEMA, {"sample/d.xlsx": bomb.read_bytes()}
    )
    _, stderr, peak = build_measuring_peak(portal_dir)
    assert "Traceback" not in stderr
    report = report_of(portal_dir.out)
    assert report["gut"]["status"] == "ok" and report["bombe"]["status"] == "failed"
    assert "ZIP-Bombe" in report["bombe"]["issues"][0]["message"]
    # Refused from the ZIP directory: the 300 MB sheet was never inflated into memory.
    assert peak < 250_000_000, peak


def test_a_200_mb_file_is_streamed_not_loaded_into_memory(portal_dir, tmp_path):
    """Peak memory (VmHWM of the build process) is measured, not time."""
    size = 200 * 1000 * 1000
    row = "24.01.2020;1.234,56;" + "Straße " * 140 + "\n"
    rows = size // len(row.encode()) + 1
    folder = portal_dir.add(
        "gross", dataset_yaml('{kind: csv, path: sample/d.csv, delimiter: ";", encoding: utf-8}'), GERMAN_SCHEMA
    )
    with open(folder / "sample" / "d.csv", "w", encoding="utf-8") as handle:
        handle.write("Datum;Betrag;Ort\n")
        for _ in range(rows):
            handle.write(row)
    assert (folder / "sample" / "d.csv").stat().st_size >= size
    code, stderr, peak = build_measuring_peak(portal_dir)
    assert code == 0, stderr
    assert report_of(portal_dir.out)["gross"]["rows"] == rows
    print(f"\n200 MB CSV, {rows} rows: peak RSS of the build {peak / 1e6:.0f} MB")
    assert peak < 400_000_000, f"peak RSS {peak / 1e6:.0f} MB for a 200 MB file"
