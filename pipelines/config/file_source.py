"""The part every file-based source declaration shares: where the file is."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Self

from pydantic import BaseModel, ConfigDict, HttpUrl, model_validator

from pipelines.config.dataset import DatasetConfig
from pipelines.errors import ConfigProblem


class FileSource(BaseModel):
    """A source read from one file: exactly one of `path` (inside the dataset folder) or `url`.

    Kinds extend it with their own keys (csv, xlsx, ods, json, service-records, geojson,
    shapefile, xplan)."""

    model_config = ConfigDict(extra="forbid")

    kind: str  # each kind narrows it to its own name(s)
    path: str | None = None
    url: HttpUrl | None = None

    @model_validator(mode="after")
    def _one_location(self) -> Self:
        if (self.path is None) == (self.url is None):
            raise ValueError("genau eines von path (Datei im Datensatzordner) oder url angeben")
        # A declaration must not make the build read files outside its own folder.
        if self.path is not None and (PurePosixPath(self.path).is_absolute() or ".." in PurePosixPath(self.path).parts):
            raise ValueError("path muss im Datensatzordner liegen (kein / am Anfang, kein ..)")
        return self

    def missing_file(self, dataset: DatasetConfig) -> list[ConfigProblem]:
        """A problem when the declared `path` does not exist in the dataset folder."""
        if self.path is None or (dataset.folder / self.path).exists():
            return []
        return [
            ConfigProblem(
                f"datasets/{dataset.id}/dataset.yaml",
                "source.path",
                f"Datei {self.path} gibt es nicht im Datensatzordner",
            )
        ]
