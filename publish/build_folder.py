"""Reading a build folder: the one thing every publisher starts from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from contracts.build_folder import PACKAGE_FILE, BuildLayout

_TILDE_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class BuildMissing(Exception):
    """The output folder holds no complete build."""


@dataclass
class BuildFolder(BuildLayout):
    """A complete build (a release folder, or the `build/` symlink resolved once); where its
    files lie is contracts/build_folder.py."""

    @classmethod
    def open(cls, path: Path | str) -> BuildFolder:
        """Resolve `path` once, so a concurrent swap cannot mix two releases. Raises BuildMissing."""
        root = Path(path).resolve()
        if not BuildLayout(root).portal_file.exists():
            raise BuildMissing(f"{path} enthält keinen fertigen Build (erst `kommune build` ausführen)")
        return cls(root)

    @cached_property
    def portal(self) -> dict:
        return json.loads(self.portal_file.read_text(encoding="utf-8"))

    @cached_property
    def report(self) -> dict:
        path = self.build_report_file
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"datasets": []}

    @cached_property
    def quality(self) -> dict:
        """quality.json (publish/quality): per dataset the score and the freshness promise; empty
        before the quality step ran."""
        path = self.quality_file
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"datasets": {}}

    @cached_property
    def packages(self) -> list[dict]:
        """Every published dataset's datapackage.json (ok or stale), in declaration order."""
        packages: list[dict] = []
        datasets = self.datasets_dir
        if not datasets.is_dir():
            return packages
        order = {entry["id"]: index for index, entry in enumerate(self.report.get("datasets", []))}
        for folder in datasets.iterdir():
            path = folder / PACKAGE_FILE
            if path.exists():
                packages.append(json.loads(path.read_text(encoding="utf-8")))
        return sorted(packages, key=lambda p: (order.get(p["name"], len(order)), p["name"]))

    def package(self, dataset_id: str) -> dict | None:
        return next((p for p in self.packages if p["name"] == dataset_id), None)

    @property
    def datasette_path(self) -> str:
        return self.portal["site"]["datasette_path"]

    def table_url(self, table: str) -> str:
        return f"{self.datasette_path}portal/{table}"

    def row_url(self, table: str, key: str) -> str:
        """Datasette's page of one row, its primary key tilde-encoded as Datasette does
        (datasette.utils.tilde_encode; written out here so a build need not import Datasette)."""
        encoded = "".join(
            chr(byte) if chr(byte) in _TILDE_SAFE else "+" if byte == 32 else f"~{byte:02X}"
            for byte in str(key).encode("utf-8")
        )
        return f"{self.table_url(table)}/{encoded}"
