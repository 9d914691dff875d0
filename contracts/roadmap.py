"""Defaults of the digitalisation roadmap's scoring formula (`roadmap:` in metadata/services.yaml).

The register's model (pipelines/config/services.py) fills them into what a town leaves out; the
roadmap (publish/roadmap.py) falls back on them for a register written without them. The
formula itself is described in publish/roadmap.py.
"""

from __future__ import annotations

from typing import Any

#: Points per complexity fact; their sum is a service's complexity.
DEFAULT_POINTS: dict[str, Any] = {
    "identification": {"keine": 0, "niedrig": 1, "substanziell": 2, "hoch": 3},
    "payment_required": 1,
    "written_form": 2,
    "per_other_authority": 1,
}
#: Services below this OZG maturity level are ranked; the weights of demand and simplicity.
DEFAULT_SETTINGS: dict[str, Any] = {
    "below_level": 3,
    "demand_weight": 0.6,
    "simplicity_weight": 0.4,
    "points": DEFAULT_POINTS,
}
