"""Paths through the proxy: what the client sent is the path the service sees.

Found by the schemathesis suite (tests/reliability/test_fuzz.py): a ``#`` in a
path parameter cut the upstream URL short and the service answered 405.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from devstack.pytest_plugin import TestDatabase
from shared_kit.auth import Role
from tests.gateway.helpers import assert_problem, echo_upstream, gateway, make_api_key

asyncio_mark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def upstream(pg: TestDatabase) -> AsyncIterator[str]:
    async with echo_upstream(pg) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def admin_key(pg: TestDatabase) -> str:
    return (await make_api_key(pg, Role.admin))[0]


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def bureau_key(pg: TestDatabase) -> str:
    return (await make_api_key(pg, Role.city_bureau, city="450300"))[0]


@asyncio_mark
class TestProxyPaths:
    @pytest.mark.parametrize(
        ("sent", "seen"),
        [
            ("/api/projects/v1/items/a%23b/close", "/v1/items/a#b/close"),
            ("/api/projects/v1/items/a%3Fb/close", "/v1/items/a?b/close"),
            ("/api/projects/v1/items/100%25/close", "/v1/items/100%/close"),
            ("/api/projects/v1/items/%E5%8D%97%E5%AE%81/close", "/v1/items/南宁/close"),
        ],
    )
    async def test_reserved_characters_in_a_segment_reach_the_service(
        self, pg: TestDatabase, upstream: str, admin_key: str, sent: str, seen: str
    ) -> None:
        async with gateway(pg, upstream_projects=upstream) as gw:
            r = await gw.post(sent, headers={"X-API-Key": admin_key}, json={})
        assert r.status_code == 200, r.text
        assert r.json()["path"] == seen
        assert r.json()["method"] == "POST"

    async def test_dot_segments_are_not_forwarded(
        self, pg: TestDatabase, upstream: str, admin_key: str
    ) -> None:
        async with gateway(pg, upstream_projects=upstream) as gw:
            for path in ("/api/projects/%2E%2E/metrics", "/api/projects/v1/%2E/x"):
                r = await gw.get(path, headers={"X-API-Key": admin_key})
                assert_problem(r, 404, "not_found")

    @pytest.mark.parametrize(
        "path",
        [
            "/api/projects/metrics",
            "/api/projects/readyz",
            "/api/projects/healthz",
            "/api/projects/openapi.json",
            "/api/projects/docs",
            "/api/projects/redoc",
            "/api/projects/v2/items",
            "/api/projects/",
            "/api/projects/v1x/items",
        ],
    )
    async def test_only_the_versioned_api_of_a_service_is_forwarded(
        self, pg: TestDatabase, upstream: str, admin_key: str, bureau_key: str, path: str
    ) -> None:
        """The echo upstream answers 200 to anything: a 404 here is the gateway's."""
        async with gateway(pg, upstream_projects=upstream) as gw:
            for key in (admin_key, bureau_key):
                r = await gw.get(path, headers={"X-API-Key": key})
                assert_problem(r, 404, "not_found")
            r = await gw.get("/api/projects/v1/items", headers={"X-API-Key": bureau_key})
            assert r.status_code == 200, r.text
            assert r.json()["path"] == "/v1/items"
            # The gateway's own merged document stays.
            assert (await gw.get("/openapi.json")).status_code == 200
