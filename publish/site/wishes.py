"""`/datenwuensche/`: the register of data wishes with their status, the data the town holds but
cannot open (both from `metadata/datenwuensche.yaml`, in `portal.json`), and the wish form.

The form page is static and posts to `kommune serve` (publish/server/wish_route.py), which
queues a wish for moderation; nothing a visitor sends reaches these pages until the town has
accepted it with `kommune wuensche accept`.
"""

from __future__ import annotations

from contracts.wishes import CLOSED_REASONS, CONTACT_MAX, DESCRIPTION_MAX, STATUSES, TITLE_MAX
from publish.site.context import SiteContext

PAGE = "datenwuensche"
FORM_PAGE = "datenwuensche/neu"
THANKS_PAGE = "/datenwuensche/danke/"
TEMPLATE = "datenwuensche/form.html"


def form_limits() -> dict[str, int]:
    """The limits the form announces (maxlength) and the server enforces."""
    return {"title_max": TITLE_MAX, "description_max": DESCRIPTION_MAX, "contact_max": CONTACT_MAX}


def render(site: SiteContext) -> None:
    register = site.portal.get("datenwuensche") or {}
    titles = {package["name"]: package["title"] for package in site.packages}
    wishes = sorted(register.get("wishes") or [], key=lambda wish: wish["id"], reverse=True)
    counts = {code: sum(1 for wish in wishes if wish["status"] == code) for code in STATUSES}
    site.write_page(
        PAGE,
        "datenwuensche/index.html",
        wishes=wishes,
        counts=counts,
        statuses=STATUSES,
        titles=titles,
        closed=register.get("closed_data") or [],
        reasons=CLOSED_REASONS,
    )
    site.write_page(FORM_PAGE, TEMPLATE, values={}, errors={}, message=None, **form_limits())
    site.write_page(THANKS_PAGE, "datenwuensche/thanks.html")
