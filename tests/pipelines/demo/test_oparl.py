"""The committed demo recording, its documents included, is exactly what the seeded generator writes."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_generator_reproduces_the_committed_sample(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pipelines.demo.oparl", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    committed = ROOT / "datasets" / "ratsinformation" / "sample"
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    assert written == sorted(p.name for p in committed.glob("*.json"))
    for name in written:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
    documents = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("dokumente/*.pdf"))
    assert documents == sorted(p.relative_to(committed).as_posix() for p in committed.glob("dokumente/*.pdf"))
    for name in documents:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
