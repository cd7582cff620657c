"""Fixtures of the enterprise service tests: an app client and registry helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest_asyncio

from enterprise_service.main import create_app

NANNING, LIUZHOU, GUILIN = "450100", "450200", "450300"
USCC_A = "91350100M000100Y43"  # valid, Wikipedia illustration
USCC_LZ = "91450200MAA7L76A5R"  # valid, 柳州
USCC_NN = "914501005794165304"  # valid, 南宁
USCC_BAD = "91350100M0001TGQXM"  # fails its check digit (computes 1)


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("enterprise", create_app)


Register = Callable[..., Awaitable[dict[str, Any]]]


@pytest_asyncio.fixture(loop_scope="session")
async def register(svc: Any) -> Register:
    """``await register(uscc, city, name=…)``: put an enterprise in the registry as admin."""

    async def make(uscc: str, city: str, **over: Any) -> dict[str, Any]:
        body = {"uscc": uscc, "name": f"企业{uscc[-4:]}", "city": city, "industry": "新材料"}
        body.update(over)
        r = await svc.as_("admin").post("/v1/enterprises", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    return make
