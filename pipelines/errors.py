"""Errors the pipelines raise: each carries what a person needs to act on it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Issue:
    """One problem in a dataset's source data, placed as precisely as the source allows."""

    message: str
    type: str = "error"
    file: str | None = None
    row: int | None = None
    field: str | None = None
    expected: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        place = ", ".join(
            part
            for part in (
                self.file,
                f"Zeile {self.row}" if self.row is not None else None,
                f"Feld „{self.field}“" if self.field else None,
            )
            if part
        )
        text = f"{place}: {self.message}" if place else self.message
        if self.expected:
            text += f" (erwartet: {self.expected})"
        return text


class DatasetFailed(Exception):
    """A dataset cannot be published; its last good version stays online."""

    def __init__(self, summary: str, issues: list[Issue] | tuple[Issue, ...] = ()):
        super().__init__(summary)
        self.summary = summary
        self.issues = list(issues)


class SourceUnchanged(Exception):  # noqa: N818 (a signal, not an error)
    """A remote source holds exactly what the dataset's last good version was built from
    (`RunContext.previous_content_hash`): that version is carried over instead of built again."""


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake in a declaration file: which file, which key, what was expected."""

    file: str
    key: str
    message: str

    def describe(self) -> str:
        return f"{self.file}: {self.key}: {self.message}" if self.key else f"{self.file}: {self.message}"


class ConfigError(Exception):
    """The portal's declarations are invalid; holds every problem found, not just the first."""

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(p.describe() for p in problems))


class SettingInvalid(ValueError):
    """An environment setting (`KOMMUNE_*`) has a value that cannot be used; the message names it."""
