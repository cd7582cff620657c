"""A database that is away answers 503 ``database_unavailable`` with Retry-After, not 500;
a statement the server cancels at its ``statement_timeout`` answers 503 ``query_timeout``.

The errors are the drivers' real ones: connections refused by a port nobody listens
on, and connections the server terminates in the middle of a statement. A bad
statement stays a 500 (it is a bug, not an outage), with the request id to quote.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import text

from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from shared_kit.db import is_database_unavailable, make_engine, make_read_pool
from shared_kit.errors import install_error_handlers
from shared_kit.middleware import RequestContextMiddleware
from shared_kit.settings import normalise_dsn

pytestmark = pytest.mark.asyncio(loop_scope="session")

Route = Callable[[], Awaitable[Any]]


async def terminated_midway(admin_dsn: str, run: Callable[[str], Awaitable[Any]]) -> None:
    """Run ``run(marker)`` (a pg_sleep tagged with ``marker``) and terminate its backend."""
    marker = f"outage_{free_port()}"
    task = asyncio.create_task(run(marker))
    admin = await asyncpg.connect(admin_dsn)
    try:
        for _ in range(200):
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE query LIKE $1 AND pid <> pg_backend_pid()",
                f"%{marker}%",
            )
            if killed:
                break
            await asyncio.sleep(0.02)
    finally:
        await admin.close()
    await task


@pytest_asyncio.fixture(loop_scope="session")
async def client(pg: TestDatabase) -> AsyncIterator[httpx.AsyncClient]:
    dead = f"postgresql+asyncpg://nobody:x@127.0.0.1:{free_port()}/none"
    live = normalise_dsn(pg.admin_dsn)
    dead_engine, live_engine = make_engine(dead), make_engine(live)
    live_pool = await make_read_pool(live, application_name="outage-test")
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    async def orm_refused() -> Any:
        async with dead_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def raw_refused() -> Any:
        await asyncpg.connect(dead.replace("+asyncpg", ""))

    async def orm_terminated() -> Any:
        async def run(marker: str) -> None:
            async with live_engine.begin() as conn:
                await conn.execute(text(f"SELECT pg_sleep(5) AS {marker}"))

        await terminated_midway(pg.admin_dsn, run)

    async def raw_terminated() -> Any:
        async def run(marker: str) -> None:
            async with live_pool.acquire() as conn:
                await conn.fetchval(f"SELECT pg_sleep(5) AS {marker}")

        await terminated_midway(pg.admin_dsn, run)

    async def orm_timeout() -> Any:
        async with live_engine.begin() as conn:
            await conn.execute(text("SET LOCAL statement_timeout = 50"))
            await conn.execute(text("SELECT pg_sleep(5)"))

    async def raw_timeout() -> Any:
        async with live_pool.acquire() as conn, conn.transaction():
            await conn.execute("SET LOCAL statement_timeout = 50")
            await conn.fetchval("SELECT pg_sleep(5)")

    async def bad_statement() -> Any:
        async with live_engine.connect() as conn:
            await conn.execute(text("SELECT 1 / 0"))

    async def bug() -> Any:
        raise RuntimeError("a bug")

    routes: dict[str, Route] = {
        "bug": bug,
        "orm-refused": orm_refused,
        "raw-refused": raw_refused,
        "orm-terminated": orm_terminated,
        "raw-terminated": raw_terminated,
        "bad-statement": bad_statement,
        "orm-timeout": orm_timeout,
        "raw-timeout": raw_timeout,
    }
    for name, route in routes.items():
        app.add_api_route(f"/{name}", route)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c
    await live_pool.close()
    await dead_engine.dispose()
    await live_engine.dispose()


class TestDatabaseOutage:
    @pytest.mark.parametrize(
        "route", ["orm-refused", "raw-refused", "orm-terminated", "raw-terminated"]
    )
    async def test_outage_is_503_problem_with_retry_after(
        self, client: httpx.AsyncClient, route: str
    ) -> None:
        r = await client.get(f"/{route}")
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["retry-after"] == "2"
        body = r.json()
        assert body["code"] == "database_unavailable"
        assert body["title"] == "数据库暂不可用"
        assert body["request_id"] == r.headers["x-request-id"]

    @pytest.mark.parametrize("route", ["orm-timeout", "raw-timeout"])
    async def test_a_statement_past_its_timeout_is_503_query_timeout(
        self, client: httpx.AsyncClient, route: str
    ) -> None:
        r = await client.get(f"/{route}")
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        body = r.json()
        assert body["code"] == "query_timeout"
        assert body["title"] == "查询超时"
        assert "时限" in body["detail"]
        r = await client.get(f"/{route}", headers={"Accept-Language": "en"})
        assert r.json()["title"] == "Query timed out"

    @pytest.mark.parametrize("route", ["bad-statement", "bug"])
    async def test_a_bug_is_still_a_500_with_its_request_id(
        self, client: httpx.AsyncClient, route: str
    ) -> None:
        r = await client.get(f"/{route}", headers={"X-Request-ID": "req-500"})
        assert r.status_code == 500
        assert r.json()["code"] == "internal_error"
        # The answer says to quote the request id: it must be there to quote.
        assert r.json()["request_id"] == "req-500"
        assert r.headers["x-request-id"] == "req-500"

    async def test_ordinary_errors_are_not_outages(self) -> None:
        assert not is_database_unavailable(ValueError("no"))
        assert not is_database_unavailable(asyncpg.UniqueViolationError("duplicate"))
        assert is_database_unavailable(ConnectionRefusedError(111, "refused"))
