"""Concurrent retries against the real database (committed, then cleaned up).

The usual fixture runs a test's requests on one connection, which cannot show two
transactions racing; this test uses the app's own pool as production does.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from enterprise_service.config import Settings
from enterprise_service.main import create_app

pytestmark = pytest.mark.asyncio(loop_scope="session")

ROWS = 200


async def _cleanup(dsn: str, bank: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute(
                "DELETE FROM enterprise.loan_history h USING enterprise.loans l "
                "WHERE h.loan_id = l.id AND l.bank_code = $1",
                bank,
            )
            await conn.execute("DELETE FROM enterprise.loans WHERE bank_code = $1", bank)
            await conn.execute("DELETE FROM enterprise.loan_batches WHERE bank_code = $1", bank)
            await conn.execute("DELETE FROM enterprise.idempotency_keys WHERE bank_code = $1", bank)
            await conn.execute("DELETE FROM enterprise.partner_banks WHERE code = $1", bank)
    finally:
        await conn.close()


async def test_fifty_identical_retries_store_one_batch(pg: Any, tokens: Any) -> None:
    bank = f"CONC-{uuid.uuid4().hex[:8]}"
    dsn = pg.dsn("enterprise")
    settings = Settings(
        database_url=dsn,
        principal_public_key=tokens.public_pem,
        log_json=False,
        log_level="WARNING",
        db_pool_size=10,
        db_max_overflow=10,
    )
    app = create_app(settings)
    body = {
        "batch_ref": "retry-storm",
        "loans": [
            {
                "contract_no": f"R{i:05d}",
                "uscc": "914501005794165304",
                "enterprise_name": "并发测试",
                "amount": "1000.00",
                "disbursed_on": "2019-01-02",
                "maturity_on": "2020-01-02",
                "annual_rate": "3.1",
                "guarantee": "credit",
                "status": "disbursed",
            }
            for i in range(ROWS)
        ],
    }
    headers = {**tokens.headers("bank", bank=bank), "Idempotency-Key": uuid.uuid4().hex}
    raw_dsn = dsn.replace("postgresql+asyncpg://", "postgresql://")
    try:
        # Only a partner bank in force may push loans.
        conn = await asyncpg.connect(raw_dsn)
        try:
            await conn.execute(
                "INSERT INTO enterprise.partner_banks (id, code, name, agreement_signed_on) "
                "VALUES ($1, $2, '并发测试银行', '2018-01-01')",
                uuid.uuid4(),
                bank,
            )
        finally:
            await conn.close()
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                answers = await asyncio.gather(
                    *(
                        http.post("/v1/bank/loan-batches", json=body, headers=headers)
                        for _ in range(50)
                    )
                )
        assert {a.status_code for a in answers} == {201}, {a.text for a in answers}
        assert len({a.content for a in answers}) == 1
        assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 49
        conn = await asyncpg.connect(raw_dsn)
        try:
            batches = await conn.fetchval(
                "SELECT count(*) FROM enterprise.loan_batches WHERE bank_code = $1", bank
            )
            loans = await conn.fetchval(
                "SELECT count(*) FROM enterprise.loans WHERE bank_code = $1", bank
            )
        finally:
            await conn.close()
        assert (batches, loans) == (1, ROWS)
    finally:
        await _cleanup(raw_dsn, bank)
