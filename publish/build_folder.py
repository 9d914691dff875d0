"""Reading a build folder: the one thing every publisher starts from."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_TILDE_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class BuildMissing(Exception):
    """The output folder holds no complete build."""


@dataclass
class BuildFolder:
    """A complete build (a release folder, or the `build/` symlink resolved once)."""

    root: Path

    @classmethod
    def open(cls, path: Path | str) -> BuildFolder:
        """Resolve `path` once, so a concurrent swap cannot mix two releases. Raises BuildMissing."""
        root = Path(path).resolve()
        if not (root / "portal.json").exists():
            raise BuildMissing(f"{path} enthält keinen fertigen Build (erst `kommune build` ausführen)")
        return cls(root)

    @cached_property
    def portal(self) -> dict:
        return json.loads((self.root / "portal.json").read_text(encoding="utf-8"))

    @cached_property
    def report(self) -> dict:
        path = self.root / "build-report.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"datasets": []}

    @cached_property
    def packages(self) -> list[dict]:
        """Every published dataset's datapackage.json (ok or stale), in declaration order."""
        packages: list[dict] = []
        datasets = self.root / "datasets"
        if not datasets.is_dir():
            return packages
        order = {entry["id"]: index for index, entry in enumerate(self.report.get("datasets", []))}
        for folder in datasets.iterdir():
            path = folder / "datapackage.json"
            if path.exists():
                packages.append(json.loads(path.read_text(encoding="utf-8")))
        return sorted(packages, key=lambda p: (order.get(p["name"], len(order)), p["name"]))

    def package(self, dataset_id: str) -> dict | None:
        return next((p for p in self.packages if p["name"] == dataset_id), None)

    def dataset_dir(self, dataset_id: str) -> Path:
        return self.root / "datasets" / dataset_id

    @property
    def database(self) -> Path:
        return self.root / "portal.db"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def datasette_path(self) -> str:
        return self.portal["site"]["datasette_path"]

    def table_url(self, table: str) -> str:
        return f"{self.datasette_path}portal/{table}"

    def row_url(self, table: str, key: str) -> str:
        """Datasette's page of one row, its primary key tilde-encoded as Datasette does
        (datasette.utils.tilde_encode; written out here so a build need not import Datasette)."""
        encoded = "".join(chr(byte) if chr(byte) in _TILDE_SAFE else "+" if byte == 32 else f"~{byte:02X}"
                          for byte in str(key).encode("utf-8"))
        return f"{self.table_url(table)}/{encoded}"
