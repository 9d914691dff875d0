"""Where `kommune serve` keeps what it collects while serving (usage counts, data wishes awaiting
moderation), defined once for the server that writes it, the build that publishes from it and the
`kommune wuensche` command that moderates it.

It lives in the build's state folder (`.build-state/serve/` beside `build`), never in a release:
a rebuild swaps releases and deletes old ones, and whatever the server wrote there would go with
them. The state folder survives builds and restarts.
"""

from __future__ import annotations

from pathlib import Path

USAGE_STORE = "nutzung.sqlite"
WISH_STORE = "wuensche.sqlite"


def build_state_dir(out: Path) -> Path:
    """The state folder of the build folder `out` (`build` → `.build-state`): caches, harvest
    state and the server's stores, kept across releases."""
    return out.parent / f".{out.name}-state"


def serve_state_dir(build_state: Path) -> Path:
    """The server's folder inside a build state folder."""
    return build_state / "serve"


def usage_store(build_state: Path) -> Path:
    return serve_state_dir(build_state) / USAGE_STORE


def wish_store(build_state: Path) -> Path:
    return serve_state_dir(build_state) / WISH_STORE
