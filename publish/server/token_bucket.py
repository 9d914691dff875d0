"""Per-client token buckets: `burst` requests at once, then `per_minute` — the rate limit of
visitors' own SQL (query_gate.py) and of the wish form (wish_route.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

#: Clients remembered at most; beyond it those whose bucket has long been full again are forgotten.
MAX_CLIENTS = 10_000


@dataclass
class TokenBuckets:
    burst: int
    per_minute: float
    _tokens: dict[str, tuple[float, float]] = field(default_factory=dict)  # client -> (tokens, at)

    def take(self, client: str) -> int | None:
        """Take one token for `client`: None when granted, else the seconds until one is free."""
        now = time.monotonic()
        tokens, at = self._tokens.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.per_minute / 60)
        if tokens < 1:
            self._tokens[client] = (tokens, now)
            return int((1 - tokens) * 60 / self.per_minute) + 1
        self._tokens[client] = (tokens - 1, now)
        if len(self._tokens) > MAX_CLIENTS:
            refill = 60 * self.burst / self.per_minute
            self._tokens = {c: v for c, v in self._tokens.items() if now - v[1] < refill}
        return None
