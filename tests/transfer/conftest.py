"""Shared helpers for the transfer service tests (fixtures come from the devstack plugin)."""

from __future__ import annotations

from typing import Any

import pytest_asyncio

from transfer_service.main import create_app

NANNING, LIUZHOU, GUILIN = "450100", "450200", "450300"
WUMING = "450110"  # a district of Nanning
GUANGZHOU, BEIJING_HAIDIAN = "440100", "110108"
USCC_NANNING = "914501005794165304"
USCC_LIUZHOU = "91450200MAA7L76A5R"


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("transfer", create_app)
