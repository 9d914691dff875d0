"""The one shape in which geodata problems are reported, feature by feature."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureProblem:
    """Something wrong with one feature of a source.

    `feature_id` is the feature's id (declared id property, GeoJSON `id`, or its position),
    `field` the attribute concerned (`geometry` for geometry problems), `type` a short
    kebab-case code, `message` and `expected` plain German for the build report, and
    `repairable` whether a declared step (`make-valid`) could have fixed it, `position`
    the feature's place in the source (what a report calls its row).
    """

    feature_id: str
    type: str
    message: str
    expected: str
    repairable: bool = False
    field: str = "geometry"
    position: int | None = None  # 1-based place of the feature in the source document
