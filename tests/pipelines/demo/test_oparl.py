"""The committed demo recording is exactly what the seeded generator writes."""

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
