"""The route table answers every request exactly as FastAPI's own router would.

shared_kit.routing.RouteTable dispatches a request straight to its route from a flat
table built once (FastAPI walks its tree of included routers on every request). Each
case below goes to an app with the table and to its twin without one; the answers
must be the same, and a request the table matches must not reach FastAPI's router.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import PlainTextResponse, Response

from shared_kit import app as app_module
from shared_kit.app import create_service_app
from shared_kit.routing import RouteTable
from shared_kit.settings import ServiceSettings

asyncio_mark = pytest.mark.asyncio(loop_scope="session")


def make_app() -> FastAPI:
    things = APIRouter(prefix="/v1/things", tags=["things"])

    @things.get("/{thing_id}")
    async def get_thing(thing_id: str, q: str | None = None) -> dict[str, Any]:
        return {"route": "by-id", "id": thing_id, "q": q}

    # Declared after the parameter route: FastAPI answers GET /v1/things/special there.
    @things.get("/special")
    async def special() -> dict[str, str]:
        return {"route": "special"}

    @things.post("/special")
    async def post_special() -> dict[str, str]:
        return {"route": "post-special"}

    @things.get("/{thing_id}/parts/{n}")
    async def part(thing_id: str, n: int) -> dict[str, Any]:
        return {"route": "part", "id": thing_id, "n": n}

    files = APIRouter(tags=["files"])

    async def raw(request: Request) -> Response:
        return PlainTextResponse(f"raw {request.path_params['rest']}")

    files.add_route("/v1/files/{rest:path}", raw, methods=["GET", "HEAD"])

    return create_service_app(
        name="route-table-test",
        settings=ServiceSettings(log_json=False, log_level="WARNING"),
        routers=[things, files],
        uses_database=False,
    )


@pytest.fixture(scope="module")
def apps() -> tuple[FastAPI, FastAPI]:
    fast = make_app()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(app_module, "route_directly", lambda app: None)
        plain = make_app()
    return fast, plain


CASES = [
    ("GET", "/v1/things/abc"),
    ("GET", "/v1/things/abc?q=x"),
    ("GET", "/v1/things/special"),
    ("POST", "/v1/things/special"),
    ("DELETE", "/v1/things/abc"),
    ("HEAD", "/v1/things/abc"),
    ("GET", "/v1/things/abc/parts/7"),
    ("GET", "/v1/things/abc/parts/seven"),
    ("GET", "/v1/things/"),
    ("GET", "/v1/files/a/b/c.txt"),
    ("HEAD", "/v1/files/a"),
    ("GET", "/v1/nothing"),
    ("GET", "/healthz"),
]


async def answer(app: FastAPI, method: str, url: str) -> tuple[int, bytes, str | None]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        r = await client.request(
            method, url, headers={"X-Request-ID": "same"}, follow_redirects=False
        )
    return r.status_code, r.content, r.headers.get("allow") or r.headers.get("location")


@asyncio_mark
@pytest.mark.parametrize(("method", "url"), CASES)
async def test_same_answer_as_fastapis_router(
    apps: tuple[FastAPI, FastAPI], method: str, url: str
) -> None:
    fast, plain = apps
    assert await answer(fast, method, url) == await answer(plain, method, url)


@asyncio_mark
async def test_a_matched_request_skips_the_router(apps: tuple[FastAPI, FastAPI]) -> None:
    fast, _ = apps
    await answer(fast, "GET", "/healthz")  # builds the stack
    node: Any = fast.middleware_stack
    while not isinstance(node, RouteTable):
        node = node.app
    calls: list[str] = []
    router_stack = fast.router.middleware_stack

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        calls.append(scope["path"])
        await router_stack(scope, receive, send)

    fast.router.middleware_stack = spy
    try:
        assert (await answer(fast, "GET", "/v1/things/special"))[0] == 200
        assert (await answer(fast, "GET", "/v1/files/x/y"))[0] == 200
        assert (await answer(fast, "GET", "/v1/nothing"))[0] == 404
    finally:
        fast.router.middleware_stack = router_stack
    assert calls == ["/v1/nothing"]  # only the unmatched one went through the router
