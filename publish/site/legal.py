"""The legal pages every public body's website must carry: Impressum (DDG § 5, MStV § 18),
Datenschutzerklärung (GDPR Art. 13) and Erklärung zur Barrierefreiheit (BITV NRW).

Their facts come from `metadata/publisher.yaml` (`legal`, required by validation), what the
server logs from publish.server.access_log, what it counts from publish.server.usage, the third
parties from the site configuration, and the
conformity status from the browser suite's results (`metadata/accessibility_results.yaml`):
so the pages say what is true for this portal, not a template's promises.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from publish.server.access_log import LOGGED_FIELDS, NOT_LOGGED
from publish.server.usage import BOT_WORDS, COUNTED, NOT_COUNTED
from publish.site.context import SiteContext

# The three statuses the EU model statement (Implementing Decision (EU) 2018/1523) allows.
FULLY, PARTIALLY, NOT_ASSESSED = "vollständig vereinbar", "teilweise vereinbar", "noch nicht bewertet"


def render(site: SiteContext) -> None:
    legal = site.portal["publisher"]["legal"]
    site.write_page("impressum", "legal/impressum.html", legal=legal)
    site.write_page(
        "datenschutz",
        "legal/datenschutz.html",
        legal=legal,
        logged=LOGGED_FIELDS,
        not_logged=NOT_LOGGED,
        counted=COUNTED,
        not_counted=NOT_COUNTED,
        bot_words=BOT_WORDS,
        usage_dataset=next(
            (p for p in site.packages if (p["kommune"].get("source") or {}).get("kind") == "portal-usage"), None
        ),
        third_parties=third_parties(site.portal["site"]),
    )
    site.write_page(
        "barrierefreiheit",
        "legal/barrierefreiheit.html",
        legal=legal,
        accessibility=legal["accessibility"],
        conformity=conformity(site.portal.get("accessibility_results"), legal["accessibility"]["known_limitations"]),
    )


def third_parties(site_config: dict) -> list[dict]:
    """Hosts other than the portal's own that a visitor's browser contacts, from the configuration:
    today only basemap tiles (`site.yaml`, `map.tile_url`), off by default."""
    tile_url = (site_config.get("map") or {}).get("tile_url")
    if not tile_url:
        return []
    return [
        {
            "host": urlsplit(tile_url.replace("{s}", "a")).hostname or tile_url,
            "purpose": "Kartenkacheln (Hintergrundkarte) der Kartenansichten",
            "attribution": (site_config.get("map") or {}).get("attribution"),
        }
    ]


def conformity(results: dict | None, limitations: list[dict]) -> dict:
    """The statement's status from the automated checks and the known limitations.

    No results: not assessed. Any axe violation or any known limitation: partially conformant
    (the failing page types are listed as limitations). Otherwise fully conformant *as far as
    tested*; the page names the method, so the claim is never larger than the test."""
    if not results or not results.get("pages"):
        return {
            "status": NOT_ASSESSED,
            "sentence": "Die Vereinbarkeit dieses Portals mit den Anforderungen ist noch nicht bewertet.",
            "failing": [],
            "results": None,
            "violations": 0,
        }
    failing = [page for page in results["pages"] if any(page["violations"].values())]
    violations = sum(sum(page["violations"].values()) for page in results["pages"])
    status = PARTIALLY if failing or limitations else FULLY
    return {
        "status": status,
        "sentence": f"Dieses Portal ist mit den Anforderungen {status}.",
        "failing": failing,
        "results": results,
        "violations": violations,
    }
