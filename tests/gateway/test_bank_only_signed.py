"""A bank reaches data only through signed /bank/v1 requests: no bank API keys, no bank
tokens, and a bank key made before this rule is refused on every route that takes keys."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from devstack.pytest_plugin import TestDatabase
from gateway.apikey.service import KEY_PREFIX, hash_key
from shared_kit.auth import Role
from tests.gateway.helpers import assert_problem, echo_upstream, gateway, make_api_key

asyncio_mark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def upstream(pg: TestDatabase) -> AsyncIterator[str]:
    async with echo_upstream(pg) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def legacy_bank_key(pg: TestDatabase) -> str:
    """A bank API key as ``make key ROLE=bank`` used to make them (written directly)."""
    key = KEY_PREFIX + uuid.uuid4().hex
    conn = await asyncpg.connect(pg.dsn("gateway").replace("+asyncpg", ""))
    try:
        await conn.execute(
            "INSERT INTO gateway.api_keys (id, name, prefix, key_hash, role, bank) "
            "VALUES ($1, 'legacy-bank', $2, $3, 'bank', 'LEGACYBANK')",
            uuid.uuid4(),
            key[4:12],
            hash_key(key),
        )
    finally:
        await conn.close()
    return key


@asyncio_mark
class TestNoBankKeys:
    async def test_bank_keys_cannot_be_created(self, pg: TestDatabase) -> None:
        with pytest.raises(ValueError, match="create-bank-client"):
            await make_api_key(pg, Role.bank, bank="ANYBANK")

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("POST", "/api/enterprise/v1/bank/loan-batches"),
            ("GET", "/api/enterprise/v1/bank/listed-enterprises"),
            ("GET", "/api/enterprise/v1/bank/reconciliation?date=2024-05-31"),
            ("GET", f"/api/enterprise/v1/bank/loan-batches/{uuid.uuid4()}"),
            ("GET", "/api/projects/v1/action-plans"),
            ("GET", "/gateway/v1/me"),
        ],
    )
    async def test_an_existing_bank_key_is_refused_everywhere(
        self, pg: TestDatabase, upstream: str, legacy_bank_key: str, method: str, path: str
    ) -> None:
        upstreams = {"upstream_enterprise": upstream, "upstream_projects": upstream}
        async with gateway(pg, **upstreams) as gw:
            r = await gw.request(
                method,
                path,
                headers={"X-API-Key": legacy_bank_key, "Idempotency-Key": "probe-1"},
                json={"loans": [{"contract_no": "P1"}]} if method == "POST" else None,
            )
        # The gateway answers itself: the echo upstream would have said 200.
        problem = assert_problem(r, 403, "bank_signature_required")
        assert problem["title"] == "银行接口须使用签名请求"
        assert "/bank/v1/" in problem["detail"]

    async def test_other_keys_still_work(self, pg: TestDatabase, upstream: str) -> None:
        key, _ = await make_api_key(pg, Role.admin)
        async with gateway(pg, upstream_projects=upstream) as gw:
            r = await gw.get("/api/projects/v1/action-plans", headers={"X-API-Key": key})
        assert r.status_code == 200, r.text
        assert r.json()["principal"]["signed"] is False
