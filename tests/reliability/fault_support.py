"""Shared pieces of the reliability tests: timing figures, a throwaway PostgreSQL, probes.

Everything here talks to real processes over real HTTP and to a real PostgreSQL;
nothing is mocked.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from devstack.bootstrap import Secrets
from devstack.pg import EmbeddedPostgres, RunningPostgres
from devstack.pytest_plugin import TestDatabase

PROBLEM = "application/problem+json"
# The gateway's per-client rate limit (50 requests/s by default) would turn a load test
# into a rate-limit test: these stacks raise it far above what the tests send.
UNLIMITED = {
    "gateway": {"GATEWAY_RATE_LIMIT_PER_SECOND": "100000", "GATEWAY_RATE_LIMIT_BURST": "100000"}
}
# As `make run` runs it: API keys cached for 30 s (the end-to-end stacks turn that off).
PRODUCTION_LIKE = {"gateway": {**UNLIMITED["gateway"], "GATEWAY_API_KEY_CACHE_SECONDS": "30"}}


def env_float(name: str, default: float) -> float:
    """A knob from the environment (longer runs locally, bounded ones in CI)."""
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Failure:
    kind: str
    method: str
    path: str
    status: int | None  # None: no answer at all (transport error)
    body: str


@dataclass(frozen=True)
class Event:
    sent: float
    answered: float
    kind: str
    status: int | None


@dataclass
class Recorder:
    """Every request's kind, status and latency; the answers that count as failures."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    server_errors: list[Failure] = field(default_factory=list)
    client_errors: list[Failure] = field(default_factory=list)
    transport_errors: list[Failure] = field(default_factory=list)
    # When each request was sent and answered (monotonic), and how it ended.
    events: list[Event] = field(default_factory=list)
    rate_limited: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    async def send(
        self,
        client: httpx.AsyncClient,
        kind: str,
        method: str,
        path: str,
        *,
        allowed: frozenset[int] = frozenset(),
        **kw: Any,
    ) -> httpx.Response | None:
        """One request, recorded; ``None`` when no answer came (counted as a failure).

        ``allowed`` are non-2xx statuses the caller expects (they are not failures).
        """
        sent = time.monotonic()
        t0 = time.perf_counter()
        try:
            r = await client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            self.events.append(Event(sent, time.monotonic(), kind, None))
            self.transport_errors.append(Failure(kind, method, path, None, repr(exc)))
            return None
        ms = (time.perf_counter() - t0) * 1000
        self.events.append(Event(sent, time.monotonic(), kind, r.status_code))
        self.latencies[kind].append(ms)
        self.statuses[kind][r.status_code] += 1
        if r.status_code >= 500:
            self.server_errors.append(Failure(kind, method, path, r.status_code, r.text[:2000]))
        elif r.status_code == 429:
            self.rate_limited += 1
        elif r.status_code >= 400 and r.status_code not in allowed:
            self.client_errors.append(Failure(kind, method, path, r.status_code, r.text[:2000]))
        return r

    def stop(self) -> None:
        self.finished = time.monotonic()

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def table(self, title: str) -> str:
        elapsed = (self.finished or time.monotonic()) - self.started
        lines = [
            f"{title}: {self.total} requests in {elapsed:.1f} s = "
            f"{self.total / elapsed:.1f} req/s; 429: {self.rate_limited}, "
            f"5xx: {len(self.server_errors)}, no answer: {len(self.transport_errors)}",
            f"  {'kind':<34} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}  statuses",
        ]
        for kind in sorted(self.latencies):
            values = self.latencies[kind]
            statuses = ", ".join(f"{s}×{n}" for s, n in sorted(self.statuses[kind].items()))
            lines.append(
                f"  {kind:<34} {len(values):>6} {len(values) / elapsed:>7.1f} "
                f"{percentile(values, 50):>8.1f} {percentile(values, 99):>8.1f}  {statuses}"
            )
        return "\n".join(lines)

    def failures_report(self, limit: int = 20) -> str:
        out = []
        for label, items in (
            ("server errors", self.server_errors),
            ("no answer", self.transport_errors),
            ("unexpected 4xx", self.client_errors),
        ):
            if items:
                out.append(f"{label} ({len(items)}):")
                for f in items[:limit]:
                    out.append(f"  {f.kind} {f.method} {f.path} → {f.status}: {f.body}")
        return "\n".join(out)


class OwnPostgres:
    """A PostgreSQL server of the test's own, in a temporary folder, that it may stop.

    The session's shared test server must not be restarted: other tests hold
    connections on it. This one restarts on the same port with the same data.
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="gxst-reliability-"))
        self.server: RunningPostgres = EmbeddedPostgres(self.root / "pg").start()
        self.port = self.server.port
        self.secrets = Secrets.load_or_create(self.root / "secrets.json")
        self.database = TestDatabase(
            self.server, self.secrets, self.server.admin_dsn(), {}, self.root
        )

    def admin_dsn(self, database: str) -> str:
        return self.server.admin_dsn(database)

    def stop(self) -> None:
        """Fast shutdown: clients are disconnected, the server checkpoints and exits."""
        self.server.stop()

    def start(self) -> None:
        self.server = EmbeddedPostgres(self.root / "pg", port=self.port).start()

    def close(self) -> None:
        self.server.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    own = OwnPostgres()
    try:
        yield own
    finally:
        own.close()


def is_problem(r: httpx.Response) -> bool:
    return str(r.headers.get("content-type", "")).startswith(PROBLEM)


async def wait_until(
    check: Any, *, within: float, interval: float = 0.2, what: str = "condition"
) -> float:
    """Await ``check()`` until it returns true; the seconds it took, or AssertionError."""
    t0 = time.monotonic()
    last: object = None
    while time.monotonic() - t0 < within:
        try:
            last = await check()
            if last:
                return time.monotonic() - t0
        except (httpx.HTTPError, OSError) as exc:
            last = exc
        await asyncio.sleep(interval)
    raise AssertionError(f"{what} not reached within {within} s (last: {last!r})")
