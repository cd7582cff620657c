"""Per-client token buckets: shared by the gateway replicas in PostgreSQL, or in memory.

``GATEWAY_RATE_LIMIT_STORE=database`` (the default) keeps each client's bucket in
``gateway.rate_buckets``: one atomic upsert per request (a row lock per client, so
concurrent requests of one client through any replica queue on it), and the limit
holds however many gateways run. ``memory`` keeps the buckets in each process: no
I/O, but N replicas then allow N times the rate; right for a single gateway.
When the database does not answer in time, a request is judged by the replica's
own bucket instead (fail open to the per-replica limit, not to none).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Protocol

import asyncpg

log = logging.getLogger("gateway.limit")


class Limiter(Protocol):
    rate: float
    burst: float

    async def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket: 0.0 if allowed, else seconds to wait."""
        ...


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


class MemoryLimiter:
    """:class:`TokenBucketLimiter` behind the async :class:`Limiter` interface."""

    def __init__(self, rate_per_second: float, burst: int) -> None:
        self.buckets = TokenBucketLimiter(rate_per_second, burst)
        self.rate, self.burst = self.buckets.rate, self.buckets.burst

    async def take(self, key: str) -> float:
        return self.buckets.take(key)


# Refill by the time elapsed (never negative: concurrent statements see their own
# now()), cap at the burst, then spend one token if a whole one is there.
_TAKE = """
INSERT INTO gateway.rate_buckets AS b (client, tokens, granted, updated_at)
VALUES ($1, $3 - 1, true, now())
ON CONFLICT (client) DO UPDATE SET
    granted = LEAST($3, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.updated_at)) * $2)
        >= 1,
    tokens = LEAST($3, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.updated_at)) * $2)
        - CASE WHEN LEAST($3, b.tokens
                    + GREATEST(0, EXTRACT(EPOCH FROM now() - b.updated_at)) * $2) >= 1
               THEN 1 ELSE 0 END,
    updated_at = GREATEST(b.updated_at, now())
RETURNING granted, tokens
"""


class DatabaseLimiter:
    """Token buckets in ``gateway.rate_buckets``, shared by every gateway replica."""

    def __init__(
        self, pool: asyncpg.Pool, rate_per_second: float, burst: int, *, timeout: float = 0.5
    ) -> None:
        self.pool, self.timeout = pool, timeout
        self.fallback = TokenBucketLimiter(rate_per_second, burst)
        self.rate, self.burst = self.fallback.rate, self.fallback.burst
        self._degraded = False

    async def take(self, key: str) -> float:
        if not self.fallback.enabled:
            return 0.0
        try:
            async with asyncio.timeout(self.timeout):
                row = await self.pool.fetchrow(_TAKE, key, self.rate, self.burst)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            if not self._degraded:
                log.warning("shared rate limit unavailable; limiting per replica",
                            extra={"error": type(exc).__name__})  # fmt: skip
                self._degraded = True
            return self.fallback.take(key)
        if self._degraded:
            log.warning("shared rate limit available again")
            self._degraded = False
        if row["granted"]:
            return 0.0
        return max(0.001, (1.0 - float(row["tokens"])) / self.rate)


async def make_limiter(
    store: str, dsn: str, rate_per_second: float, burst: int, *, pool_size: int
) -> tuple[Limiter, asyncpg.Pool | None]:
    """The configured limiter, and the connection pool it owns (None in memory)."""
    if store == "memory" or rate_per_second <= 0:
        return MemoryLimiter(rate_per_second, burst), None
    pool = await asyncpg.create_pool(
        dsn.replace("postgresql+asyncpg://", "postgresql://"),
        min_size=1,
        max_size=pool_size,
        timeout=5,
        server_settings={"application_name": "gateway-limit"},
    )
    return DatabaseLimiter(pool, rate_per_second, burst), pool


def retry_after(wait: float) -> str:
    """Retry-After in whole seconds (RFC 9110), never 0."""
    return str(max(1, math.ceil(wait)))
