"""Shared pieces of the gateway tests: a real echo upstream, the real gateway in-process."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

import httpx
from aiohttp import web
from fastapi import FastAPI

from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from gateway.apikey.service import create_key
from gateway.config import Settings
from gateway.main import create_app
from shared_kit.auth import PrincipalVerifier, Role
from shared_kit.db import make_engine, make_sessionmaker
from shared_kit.settings import normalise_dsn

BASE = "http://testserver"


@contextlib.asynccontextmanager
async def echo_upstream(pg: TestDatabase) -> AsyncIterator[str]:
    """A stand-in service: verifies the forwarded principal and echoes the request.

    ``?status=N`` answers with status N; ``/slow`` stalls for 5 s (timeouts).
    """
    verifier = PrincipalVerifier(pg.secrets.principal_public_key.encode())

    async def echo(request: web.Request) -> web.Response:
        if request.path.endswith("/slow"):
            await asyncio.sleep(5)
        token = request.headers.get("x-principal")
        principal = asdict(verifier.verify(token)) if token else None
        body = await request.read()
        return web.json_response(
            {
                "method": request.method,
                "path": request.path,
                "principal": principal,
                "body_sha256": hashlib.sha256(body).hexdigest(),
            },
            status=int(request.query.get("status", "200")),
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def gateway_settings(pg: TestDatabase, **over: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": pg.dsn("gateway"),
        "principal_private_key": pg.secrets.principal_private_key,
        "principal_public_key": pg.secrets.principal_public_key,
        "api_key_cache_seconds": 0,
        "log_json": False,
        "log_level": "WARNING",
    } | over
    return Settings(**values)


@contextlib.asynccontextmanager
async def gateway(pg: TestDatabase, **over: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The real gateway app (lifespan run) behind an in-process client."""
    app: FastAPI = create_app(gateway_settings(pg, **over))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield client


async def make_api_key(
    pg: TestDatabase, role: Role, *, city: str | None = None, bank: str | None = None
) -> tuple[str, str]:
    """A new API key of ``role``: (key, client id)."""
    engine = make_engine(normalise_dsn(pg.dsn("gateway")), pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            new = await create_key(session, role=role, city=city, bank=bank, name="test")
    finally:
        await engine.dispose()
    return new.key, str(new.id)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    return body
