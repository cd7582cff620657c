"""The write audit: every POST/PUT/PATCH/DELETE through the gateway leaves a row;
admins query it with filters and keyset pages; nobody else may."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from examples.bank_client import Credentials, build_request
from gateway.bank.service import create_bank_client
from shared_kit.auth import Role
from shared_kit.db import make_engine, make_sessionmaker
from shared_kit.settings import normalise_dsn
from tests.gateway.helpers import BASE, assert_problem, echo_upstream, gateway, make_api_key

asyncio_mark = pytest.mark.asyncio(loop_scope="session")
NANNING = "450100"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def upstream(pg: TestDatabase) -> AsyncIterator[str]:
    async with echo_upstream(pg) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def gw(pg: TestDatabase, upstream: str) -> AsyncIterator[httpx.AsyncClient]:
    stopped = f"http://127.0.0.1:{free_port()}"
    async with gateway(
        pg, upstream_projects=upstream, upstream_enterprise=upstream, upstream_talent=stopped
    ) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def keys(pg: TestDatabase) -> dict[str, tuple[str, str]]:
    return {
        "admin": await make_api_key(pg, Role.admin),
        "analyst": await make_api_key(pg, Role.analyst),
        "city": await make_api_key(pg, Role.city_bureau, city=NANNING),
    }


async def audit(gw: httpx.AsyncClient, admin: str, **params: Any) -> dict[str, Any]:
    r = await gw.get("/gateway/v1/audit-log", headers={"X-API-Key": admin}, params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


@asyncio_mark
class TestRecording:
    async def test_writes_are_recorded_reads_are_not(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]]
    ) -> None:
        key, client = keys["city"]
        headers = {"X-API-Key": key, "X-Request-ID": "rid-audit-1"}
        before = dt.datetime.now(dt.UTC)
        assert (await gw.get("/api/projects/v1/demands", headers=headers)).status_code == 200
        r = await gw.post("/api/projects/v1/demands?status=201", headers=headers, json={"a": 1})
        assert r.status_code == 201
        await gw.put("/api/projects/v1/demands/1", headers=headers, json={})
        await gw.patch("/api/projects/v1/demands/1?status=422", headers=headers, json={})
        await gw.delete("/api/projects/v1/demands/1?status=404", headers=headers)
        after = dt.datetime.now(dt.UTC)

        items = (await audit(gw, keys["admin"][0], client=client))["items"]
        assert [(e["method"], e["status"]) for e in items] == [
            ("DELETE", 404),
            ("PATCH", 422),
            ("PUT", 200),
            ("POST", 201),
        ]
        post = items[-1]
        assert post["path"] == "/api/projects/v1/demands"
        assert (post["role"], post["city"], post["bank"]) == ("city_bureau", NANNING, None)
        assert post["request_id"] == "rid-audit-1"
        assert before <= dt.datetime.fromisoformat(post["occurred_at"]) <= after
        assert post["duration_ms"] >= 0

    async def test_failed_upstream_write_is_recorded(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]], pg: TestDatabase
    ) -> None:
        key, client = await make_api_key(pg, Role.analyst)
        r = await gw.post("/api/talent/v1/people", headers={"X-API-Key": key}, json={})
        assert r.status_code == 502
        items = (await audit(gw, keys["admin"][0], client=client))["items"]
        assert [(e["method"], e["status"], e["path"]) for e in items] == [
            ("POST", 502, "/api/talent/v1/people")
        ]

    async def test_refused_requests_are_not_forwarded_nor_recorded(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]]
    ) -> None:
        r = await gw.post("/api/projects/v1/x", headers={"X-API-Key": "gxk_nope"}, json={})
        assert_problem(r, 401, "invalid_api_key")
        items = (await audit(gw, keys["admin"][0], path_prefix="/api/projects/v1/x"))["items"]
        assert items == []

    async def test_bank_writes_carry_the_bank(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]], pg: TestDatabase
    ) -> None:
        engine = make_engine(normalise_dsn(pg.dsn("gateway")), pool_size=1)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                made = await create_bank_client(session, bank="BANKAUD", alg="hmac-sha256")
        finally:
            await engine.dispose()
        assert made.secret
        creds = Credentials.hmac(made.key_id, made.secret)
        request = build_request(
            BASE, creds, "POST", "loan-batches", json_body={"loans": []}, idempotency_key="a1"
        )
        assert (await gw.send(request)).status_code == 200
        items = (await audit(gw, keys["admin"][0], bank="BANKAUD"))["items"]
        assert len(items) == 1
        assert (items[0]["client_id"], items[0]["role"]) == (made.key_id, "bank")
        assert items[0]["path"] == "/bank/v1/loan-batches"


@asyncio_mark
class TestQuerying:
    async def test_filters_and_keyset_pages(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]], pg: TestDatabase
    ) -> None:
        key, client = await make_api_key(pg, Role.admin)
        prefix = f"/api/projects/v1/pages-{uuid.uuid4().hex[:6]}"
        for n in range(5):
            await gw.post(f"{prefix}/{n}", headers={"X-API-Key": key}, json={})
        await gw.delete(f"{prefix}/0?status=204", headers={"X-API-Key": key})

        seen: list[str] = []
        cursor = None
        for _ in range(4):
            params: dict[str, Any] = {"client": client, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = await audit(gw, key, **params)
            seen += [e["path"] for e in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == [f"{prefix}/0"] + [f"{prefix}/{n}" for n in range(4, -1, -1)]
        assert cursor is None

        admin = keys["admin"][0]
        assert len((await audit(gw, admin, path_prefix=prefix))["items"]) == 6
        assert len((await audit(gw, admin, path_prefix=prefix, method="delete"))["items"]) == 1
        assert len((await audit(gw, admin, path_prefix=prefix, status=204))["items"]) == 1
        assert len((await audit(gw, admin, path_prefix=prefix, role="admin"))["items"]) == 6
        assert (await audit(gw, admin, path_prefix=prefix, role="analyst"))["items"] == []
        assert (await audit(gw, admin, path_prefix=prefix + "%"))["items"] == []  # no wildcards
        future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
        assert (await audit(gw, admin, path_prefix=prefix, **{"from": future}))["items"] == []
        assert len((await audit(gw, admin, path_prefix=prefix, to=future))["items"]) == 6

    async def test_only_admins(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]]
    ) -> None:
        for who in ("analyst", "city"):
            r = await gw.get("/gateway/v1/audit-log", headers={"X-API-Key": keys[who][0]})
            assert_problem(r, 403, "forbidden")
        assert_problem(await gw.get("/gateway/v1/audit-log"), 401, "missing_credentials")

    async def test_bad_filters_are_422(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]]
    ) -> None:
        admin = {"X-API-Key": keys["admin"][0]}
        for params in ({"method": "GET"}, {"from": "yesterday"}, {"cursor": "!!"}, {"role": "x"}):
            r = await gw.get("/gateway/v1/audit-log", headers=admin, params=params)
            assert_problem(r, 422, "validation_error")


@asyncio_mark
async def test_the_table_has_the_columns_asked_for(pg: TestDatabase) -> None:
    engine = make_engine(normalise_dsn(pg.dsn("gateway")), pool_size=1)
    try:
        async with engine.connect() as conn:
            cols = (
                (
                    await conn.execute(
                        text(
                            "SELECT column_name FROM information_schema.columns "
                            "WHERE table_schema = 'gateway' AND table_name = 'audit_entries'"
                        )
                    )
                )
                .scalars()
                .all()
            )
    finally:
        await engine.dispose()
    assert set(cols) >= {
        "client_id", "role", "city", "bank", "method", "path", "status", "request_id",
        "occurred_at", "duration_ms",
    }  # fmt: skip


@asyncio_mark
class TestCallerNames:
    async def test_entries_carry_the_key_name(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]], pg: TestDatabase
    ) -> None:
        key, client = await make_api_key(pg, Role.analyst)  # named "test"
        await gw.post("/api/projects/v1/named", headers={"X-API-Key": key}, json={})
        items = (await audit(gw, keys["admin"][0], client=client))["items"]
        assert [(e["client_id"], e["client_name"], e["client_kind"]) for e in items] == [
            (client, "test", "api_key")
        ]

    async def test_subjects_resolve_to_names(
        self, gw: httpx.AsyncClient, keys: dict[str, tuple[str, str]]
    ) -> None:
        _, admin_id = keys["admin"]
        unknown = str(uuid.uuid4())
        subjects = [f"key:{admin_id}", "user:王科长", f"key:{unknown}"]
        r = await gw.get(
            "/gateway/v1/caller-names",
            headers={"X-API-Key": keys["analyst"][0]},
            params={"subject": subjects},
        )
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [
            {"subject": f"key:{admin_id}", "name": "test", "kind": "api_key"},
            {"subject": "user:王科长", "name": "王科长", "kind": "user"},
            {"subject": f"key:{unknown}", "name": unknown, "kind": "api_key"},
        ]
        r = await gw.get(
            "/gateway/v1/caller-names",
            headers={"X-API-Key": keys["city"][0]},
            params={"subject": subjects},
        )
        assert_problem(r, 403, "forbidden")
        r = await gw.get(
            "/gateway/v1/caller-names",
            headers={"X-API-Key": keys["analyst"][0]},
            params={"subject": [f"user:{n}" for n in range(101)]},
        )
        assert_problem(r, 422, "validation_error")
