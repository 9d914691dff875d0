"""The typed declarations of a portal directory (`datasets/` + `metadata/`).

The models only: `pipelines.declarations.load_portal` reads and checks a portal with them
and with the source kinds (`pipelines.kinds`), which themselves build on these models.
"""

from __future__ import annotations

from pydantic import BaseModel, RootModel

from pipelines.config.dataset import DatasetConfig
from pipelines.config.peers import PeerRegister
from pipelines.config.portal import AccessibilityResults, Kpi, Licence, PortalConfig, Publisher, Site, Themes
from pipelines.config.services import ServiceRegister
from pipelines.config.wishes import WishRegister

__all__ = ["DatasetConfig", "PortalConfig", "EXTRA_METADATA", "REQUIRED_METADATA", "OPTIONAL_METADATA"]

Licences = RootModel[dict[str, Licence]]
Kpis = RootModel[list[Kpi]]

REQUIRED_METADATA: dict[str, type[BaseModel]] = {
    "publisher": Publisher,
    "licences": Licences,
    "themes": Themes,
    "site": Site,
}
OPTIONAL_METADATA: dict[str, type[BaseModel]] = {"kpis": Kpis}
# Further portal-wide files (e.g. the service register) register their model here;
# they end up validated in PortalConfig.extra and in build/portal.json.
EXTRA_METADATA: dict[str, type[BaseModel]] = {
    "services": ServiceRegister,
    "peers": PeerRegister,
    "accessibility_results": AccessibilityResults,
    "datenwuensche": WishRegister,
}
