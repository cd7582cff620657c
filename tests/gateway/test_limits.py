"""Limits at the gateway: rate (429), body size (413), upstream timeout (504) and
connection failure (502), all problem+json; and CORS for the frontend's origins."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from examples.bank_client import Credentials, build_request
from gateway.bank.service import create_bank_client
from gateway.limit.ratelimit import DatabaseLimiter, TokenBucketLimiter
from shared_kit.auth import Role
from shared_kit.db import make_engine, make_sessionmaker
from shared_kit.settings import normalise_dsn
from tests.gateway.helpers import BASE, assert_problem, echo_upstream, gateway, make_api_key

asyncio_mark = pytest.mark.asyncio(loop_scope="session")
FRONTEND = "https://portal.gxst.example"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def upstream(pg: TestDatabase) -> AsyncIterator[str]:
    async with echo_upstream(pg) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def admin_key(pg: TestDatabase) -> str:
    return (await make_api_key(pg, Role.admin))[0]


class TestTokenBucket:
    def test_burst_then_refill(self) -> None:
        bucket = TokenBucketLimiter(rate_per_second=2, burst=3)
        assert [bucket.take("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
        assert bucket.take("a", now=0.0) == pytest.approx(0.5)
        assert bucket.take("b", now=0.0) == 0.0  # buckets are per client
        assert bucket.take("a", now=0.5) == 0.0  # one token refilled
        assert bucket.take("a", now=0.5) > 0
        assert bucket.take("a", now=100.0) == 0.0  # refill is capped at the burst
        assert [bucket.take("a", now=100.0) for _ in range(3)][-1] > 0

    def test_zero_rate_disables(self) -> None:
        bucket = TokenBucketLimiter(rate_per_second=0, burst=1)
        assert all(bucket.take("a") == 0.0 for _ in range(1000))


@asyncio_mark
class TestSharedBuckets:
    """GATEWAY_RATE_LIMIT_STORE=database: replicas spend from one bucket per client."""

    async def test_two_replicas_share_one_bucket(self, pg: TestDatabase) -> None:
        pools = [
            await asyncpg.create_pool(pg.dsn("gateway"), min_size=1, max_size=5) for _ in range(2)
        ]
        try:
            one, two = (DatabaseLimiter(p, rate_per_second=0.5, burst=10) for p in pools)
            key = f"client-{uuid.uuid4()}"
            waits = await asyncio.gather(*(lim.take(key) for lim in [one, two] * 15))
            # Ten tokens between them, whichever replica asked (at most one refilled meanwhile).
            assert sum(w == 0.0 for w in waits) in (10, 11)
            assert all(0 < w <= 2.0 for w in waits if w)
            assert await one.take(f"other-{uuid.uuid4()}") == 0.0  # per client
        finally:
            for p in pools:
                await p.close()

    async def test_database_unavailable_limits_per_replica(self, pg: TestDatabase) -> None:
        pool = await asyncpg.create_pool(pg.dsn("gateway"), min_size=1, max_size=1)
        await pool.close()
        limiter = DatabaseLimiter(pool, rate_per_second=0.1, burst=2)
        assert [await limiter.take("c") == 0.0 for _ in range(3)] == [True, True, False]


@asyncio_mark
class TestRateLimit:
    async def test_burst_gets_429_with_retry_after(
        self, pg: TestDatabase, upstream: str, admin_key: str
    ) -> None:
        other, _ = await make_api_key(pg, Role.analyst)
        async with gateway(
            pg, upstream_projects=upstream, rate_limit_per_second=0.2, rate_limit_burst=5
        ) as gw:
            codes = [
                (await gw.get("/api/projects/v1/x", headers={"X-API-Key": admin_key})).status_code
                for _ in range(5)
            ]
            assert codes == [200] * 5
            r = await gw.get("/api/projects/v1/x", headers={"X-API-Key": admin_key})
            body = assert_problem(r, 429, "rate_limited")
            assert int(r.headers["retry-after"]) == 5  # one token at 0.2/s
            assert "0.2" in body["detail"]
            # Writes are limited too, and another client keeps its own budget.
            r = await gw.post("/api/projects/v1/x", headers={"X-API-Key": admin_key}, json={})
            assert_problem(r, 429, "rate_limited")
            r = await gw.get("/api/projects/v1/x", headers={"X-API-Key": other})
            assert r.status_code == 200

    async def test_bank_traffic_is_limited_too(self, pg: TestDatabase, upstream: str) -> None:
        engine = make_engine(normalise_dsn(pg.dsn("gateway")), pool_size=1)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                made = await create_bank_client(session, bank="BANKRL", alg="hmac-sha256")
        finally:
            await engine.dispose()
        assert made.secret
        creds = Credentials.hmac(made.key_id, made.secret)
        async with gateway(
            pg, upstream_enterprise=upstream, rate_limit_per_second=0.5, rate_limit_burst=2
        ) as gw:
            for expected in (200, 200, 429):
                r = await gw.send(build_request(BASE, creds, "GET", "listed-enterprises"))
                assert r.status_code == expected, r.text
            assert r.headers["retry-after"] == "2"


@asyncio_mark
class TestBodyLimit:
    async def test_oversized_body_is_413(
        self, pg: TestDatabase, upstream: str, admin_key: str
    ) -> None:
        async with gateway(pg, upstream_projects=upstream, max_body_bytes=1024) as gw:
            headers = {"X-API-Key": admin_key}
            ok = await gw.post("/api/projects/v1/x", headers=headers, content=b"x" * 1024)
            assert ok.status_code == 200, ok.text
            r = await gw.post("/api/projects/v1/x", headers=headers, content=b"x" * 1025)
            assert_problem(r, 413, "payload_too_large")

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(3):
                    yield b"y" * 512

            # No Content-Length (chunked): counted as it arrives.
            r = await gw.post("/api/projects/v1/x", headers=headers, content=chunks())
            assert_problem(r, 413, "payload_too_large")


@asyncio_mark
class TestUpstreamFailures:
    async def test_stalled_upstream_is_504(
        self, pg: TestDatabase, upstream: str, admin_key: str
    ) -> None:
        async with gateway(pg, upstream_projects=upstream, upstream_timeout_seconds=0.3) as gw:
            r = await gw.get("/api/projects/v1/slow", headers={"X-API-Key": admin_key})
            body = assert_problem(r, 504, "upstream_timeout")
            assert "projects" in body["detail"]

    async def test_stopped_upstream_is_502(self, pg: TestDatabase, admin_key: str) -> None:
        stopped = f"http://127.0.0.1:{free_port()}"
        async with gateway(pg, upstream_talent=stopped) as gw:
            r = await gw.get("/api/talent/v1/people", headers={"X-API-Key": admin_key})
            body = assert_problem(r, 502, "upstream_unavailable")
            assert "talent" in body["detail"]


@asyncio_mark
class TestCors:
    async def test_preflight_from_an_allowed_origin(
        self, pg: TestDatabase, upstream: str, admin_key: str
    ) -> None:
        origins = f"{FRONTEND}, http://localhost:5173"
        async with gateway(pg, upstream_projects=upstream, cors_origins=origins) as gw:
            r = await gw.options(
                "/api/projects/v1/x",
                headers={
                    "Origin": FRONTEND,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization, content-type",
                },
            )
            assert r.status_code == 200, r.text
            assert r.headers["access-control-allow-origin"] == FRONTEND
            assert "POST" in r.headers["access-control-allow-methods"]
            assert "authorization" in r.headers["access-control-allow-headers"].lower()

            r = await gw.get(
                "/api/projects/v1/x", headers={"Origin": FRONTEND, "X-API-Key": admin_key}
            )
            assert r.status_code == 200
            assert r.headers["access-control-allow-origin"] == FRONTEND
            exposed = r.headers["access-control-expose-headers"].lower()
            assert "x-request-id" in exposed
            assert r.headers["x-request-id"]

            r = await gw.options(
                "/api/projects/v1/x",
                headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
            )
            assert r.status_code == 400
            assert "access-control-allow-origin" not in r.headers

    async def test_no_cors_without_configured_origins(
        self, pg: TestDatabase, upstream: str, admin_key: str
    ) -> None:
        async with gateway(pg, upstream_projects=upstream) as gw:
            r = await gw.get(
                "/api/projects/v1/x", headers={"Origin": FRONTEND, "X-API-Key": admin_key}
            )
            assert "access-control-allow-origin" not in r.headers
