"""Shared helpers for the talent service tests (real PostgreSQL via the devstack plugin)."""

from __future__ import annotations

from typing import Any

import pytest_asyncio

from talent_service.main import create_app

NANNING, LIUZHOU, GUILIN = "450100", "450200", "450300"
# County-level codes inside each city.
NANNING_COUNTY, LIUZHOU_COUNTY = "450103", "450202"
# 12-digit village/community codes whose first six digits are those counties.
NANNING_VILLAGE, NANNING_VILLAGE_2 = "450103001001", "450103002"
LIUZHOU_VILLAGE = "450202100200"
PII_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # base64 of 32 test bytes


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("talent", create_app, pii_key=PII_KEY)


def figures(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in body["indicators"]}


async def indicators(client: Any, start: str, end: str, **params: Any) -> dict[str, Any]:
    r = await client.get("/v1/indicators", params={"from": start, "to": end, **params})
    assert r.status_code == 200, r.text
    return figures(r.json())


async def all_records(client: Any, code: str, start: str, end: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        q: dict[str, Any] = {"from": start, "to": end, "limit": 1000, **params}
        if cursor:
            q["cursor"] = cursor
        r = await client.get(f"/v1/indicators/{code}/records", params=q)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


async def new_person(client: Any, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "李研究",
        "organisation": "广西大学",
        "city": NANNING,
        "field": "农业",
    }
    body.update(over)
    r = await client.post("/v1/people", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())
