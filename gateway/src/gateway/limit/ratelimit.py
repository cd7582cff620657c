"""Per-client token buckets, in the gateway process's memory.

Cheap enough for the hot path (a dict lookup and a little arithmetic, no I/O).
Each gateway replica keeps its own buckets, so N replicas allow up to N times
the configured rate to one client; good enough against abuse and runaway
scripts, not an exact quota.
"""

from __future__ import annotations

import math
import time


class TokenBucketLimiter:
    def __init__(self, rate_per_second: float, burst: int) -> None:
        self.rate, self.burst = rate_per_second, float(max(burst, 1))
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, at)

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token of ``key``'s bucket: 0.0 if allowed, else seconds to wait."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        tokens, at = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens >= 1.0:
            if len(self._buckets) > 100_000:
                self._prune(now)
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        # A bucket idle long enough to be full again carries no information.
        refill = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}


def retry_after(wait: float) -> str:
    """Retry-After in whole seconds (RFC 9110), never 0."""
    return str(max(1, math.ceil(wait)))
