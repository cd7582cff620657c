"""The service-to-service client over its real transport (aiohttp) against a real server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from aiohttp import web

from shared_kit.http import build_http_client

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def echo(request: web.Request) -> web.Response:
    if request.headers.get("If-None-Match") == '"v1"':
        return web.Response(status=304, headers={"ETag": '"v1"'})
    body = await request.read()
    return web.json_response(
        {"q": dict(request.query), "h": request.headers.get("X-Principal"), "n": len(body)},
        headers={"ETag": '"v1"'},
    )


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.Response(text="late")


@pytest_asyncio.fixture(loop_scope="session")
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_round_trip_conditional_and_body(server: str) -> None:
    async with build_http_client(server, headers={"X-Principal": "tok"}) as http:
        r = await http.get("/echo", params={"from": "2023-01-01", "city": "450100"})
        assert r.status_code == 200
        assert r.json() == {"q": {"from": "2023-01-01", "city": "450100"}, "h": "tok", "n": 0}
        assert r.headers["etag"] == '"v1"'
        again = await http.get("/echo", headers={"If-None-Match": '"v1"'})
        assert again.status_code == 304
        assert again.content == b""
        posted = await http.post("/echo", json={"a": "x" * 1000})
        assert posted.json()["n"] > 1000


async def test_failures_are_httpx_errors(server: str) -> None:
    async with build_http_client(server, timeout=0.3, retries=0) as http:
        with pytest.raises(httpx.TimeoutException):
            await http.get("/slow")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nothing listens once the socket is closed
    async with build_http_client(f"http://127.0.0.1:{closed}", retries=0) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("/echo")
