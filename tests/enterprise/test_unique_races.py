"""Concurrent creates of one natural key: exactly one 201, every other answer a 409 problem.

The creates check the key first and then insert; requests racing past the check meet
the unique constraint, which shared_kit answers with a 409 naming the field (issue 13,
finding 7) instead of a 500. The usual fixture runs a test's requests on one
connection, which cannot race: this test uses the app's own pool, commits, and cleans up.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from devstack.pytest_plugin import TestDatabase, Tokens
from enterprise_service.config import Settings
from enterprise_service.main import create_app
from shared_kit.codes import USCC_CHARSET, uscc_check_char

asyncio_mark = pytest.mark.asyncio(loop_scope="session")

RACERS = 20
TODAY = date.today().isoformat()


def fresh_uscc() -> str:
    first17 = "91450100" + "".join(random.choices(USCC_CHARSET, k=9))
    return first17 + uscc_check_char(first17)


def digits(n: int) -> str:
    return "".join(random.choices("0123456789", k=n))


@pytest_asyncio.fixture(loop_scope="session")
async def racing(pg: TestDatabase, tokens: Tokens) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=pg.dsn("enterprise"),
        principal_public_key=tokens.public_pem,
        log_json=False,
        log_level="WARNING",
        db_pool_size=RACERS,
        db_max_overflow=0,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=tokens.headers("admin")
        ) as http:
            yield http


async def _delete(pg: TestDatabase, statements: list[tuple[str, str]]) -> None:
    conn = await asyncpg.connect(pg.dsn("enterprise").replace("+asyncpg", ""))
    try:
        for sql, value in statements:
            await conn.execute(sql, value)
    finally:
        await conn.close()


def _cases() -> dict[str, tuple[str, dict[str, Any], str, list[tuple[str, str]]]]:
    """Resource → (path, body, conflicting field, cleanup) with a key no other test uses."""
    uscc = fresh_uscc()
    bank = f"RACE-{uuid.uuid4().hex[:8]}"
    zone = f"竞争测试高新区{uuid.uuid4().hex[:8]}"
    enterprise = {"uscc": uscc, "name": "并发登记", "city": "450100", "industry": "新材料"}
    return {
        "enterprises": (
            "/v1/enterprises",
            enterprise,
            "body.uscc",
            [("DELETE FROM enterprise.enterprises WHERE uscc = $1", uscc)],
        ),
        "partner-banks": (
            "/v1/partner-banks",
            {"code": bank, "name": "并发银行", "agreement_signed_on": TODAY},
            "body.code",
            [("DELETE FROM enterprise.partner_banks WHERE code = $1", bank)],
        ),
        "hitech-zones": (
            "/v1/hitech-zones",
            {"name": zone, "city": "450100", "level": "regional", "established_on": TODAY},
            "body.name",
            [("DELETE FROM enterprise.hitech_zones WHERE name = $1", zone)],
        ),
    }


async def race(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> list[httpx.Response]:
    return list(await asyncio.gather(*(http.post(path, json=body) for _ in range(RACERS))))


def assert_one_winner(answers: list[httpx.Response], *fields: str) -> None:
    """One 201; the rest 409 problems, those from the constraint naming one of ``fields``."""
    fields = set(fields)
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 1, 409: RACERS - 1}, [a.text for a in answers if a.status_code >= 500]
    for a in answers:
        if a.status_code == 409:
            assert a.headers["content-type"] == "application/problem+json"
            problem = a.json()
            assert problem["status"] == 409
            # One code whichever path refused: the check before the insert or the constraint.
            assert problem["code"].endswith("_exists"), problem
            if problem.get("errors"):
                assert {e["field"] for e in problem["errors"]} & fields, problem


@asyncio_mark
@pytest.mark.parametrize("resource", ["enterprises", "partner-banks", "hitech-zones"])
async def test_concurrent_creates_of_one_key(
    pg: TestDatabase, racing: httpx.AsyncClient, resource: str
) -> None:
    path, body, field, cleanup = _cases()[resource]
    try:
        assert_one_winner(await race(racing, path, body), field)
    finally:
        await _delete(pg, cleanup)


@asyncio_mark
@pytest.mark.parametrize("resource", ["tech-sme-registrations", "hte-recognitions"])
async def test_concurrent_creates_for_one_enterprise(
    pg: TestDatabase, racing: httpx.AsyncClient, resource: str
) -> None:
    uscc = fresh_uscc()
    enterprise = {"uscc": uscc, "name": "并发登记", "city": "450100", "industry": "新材料"}
    assert (await racing.post("/v1/enterprises", json=enterprise)).status_code == 201
    if resource == "tech-sme-registrations":
        key = digits(4) + uscc[4:]
        body: dict[str, Any] = {
            "enterprise_uscc": uscc,
            "year": 2024,
            "batch": 1,
            "registration_no": key,
            "registered_on": TODAY,
        }
        child = "DELETE FROM enterprise.tech_sme_registrations WHERE enterprise_uscc = $1"
    else:
        body = {
            "enterprise_uscc": uscc,
            "certificate_no": "GR2024" + digits(8),
            "kind": "new",
            "issued_on": TODAY,
        }
        child = "DELETE FROM enterprise.hte_recognitions WHERE enterprise_uscc = $1"
    try:
        # A registration has two natural keys (number; enterprise and year): either may clash.
        fields = (
            ("body.registration_no", "body.enterprise_uscc", "body.year")
            if resource == "tech-sme-registrations"
            else ("body.certificate_no",)
        )
        assert_one_winner(await race(racing, f"/v1/{resource}", body), *fields)
    finally:
        await _delete(
            pg, [(child, uscc), ("DELETE FROM enterprise.enterprises WHERE uscc = $1", uscc)]
        )
