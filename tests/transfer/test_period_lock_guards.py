"""The transfer record kinds the lock guards by trigger (transfer_service.period_locks), by
request. Nanning's 2023-H1 is locked; transfers take the institution's city."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.transfer.conftest import LIUZHOU, NANNING

pytestmark = pytest.mark.asyncio(loop_scope="session")
IN, OUT = "2023-03-01", "2023-07-01"
LOCK = {"start": "2023-01-01", "end": "2023-06-30"}
_serial = itertools.count(1)

Write = Callable[[Any, str, str], Awaitable[httpx.Response]]


async def transfer(admin: Any, city: str, day: str) -> httpx.Response:
    body = {"name": f"院所{next(_serial)}", "kind": "university", "city": city}
    inst = await admin.post("/v1/institutions", json=body)
    assert inst.status_code == 201, inst.text
    record = {
        "institution_id": inst.json()["id"],
        "title": "一种高效稻米加工方法",
        "method": "licence",
        "transferee_name": "某企业",
        "transferred_on": day,
        "revenue": "100.00",
    }
    return await admin.post("/v1/transfer-records", json=record)


async def pilot(admin: Any, city: str, day: str) -> httpx.Response:
    body = {"kind": "ownership_reform", "organisation_name": "某单位", "city": city}
    body["started_on"] = day
    return await admin.post("/v1/pilots", json=body)


async def base(admin: Any, city: str, day: str) -> httpx.Response:
    body = {"name": "中试基地", "operator_name": "某公司", "city": city, "established_on": day}
    return await admin.post("/v1/pilot-bases", json=body)


async def intention(admin: Any, city: str, day: str) -> httpx.Response:
    event = {"name": "科技招商推介会", "city": city, "held_on": "2022-12-01"}
    made = await admin.post("/v1/recruitment-events", json=event)
    assert made.status_code == 201, made.text
    body = {
        "event_id": made.json()["id"],
        "enterprise_name": "某企业",
        "enterprise_uscc": "91350100M000100Y43",
        "signed_on": day,
    }
    return await admin.post("/v1/cooperation-intentions", json=body)


WRITES: dict[str, Write] = {
    "transfer_records": transfer,
    "pilots": pilot,
    "pilot_bases": base,
    "cooperation_intentions": intention,
}
# The withdrawal route of each kind (records made before the lock).
UNDO = {
    "transfer_records": "/v1/transfer-records/{}/withdraw",
    "pilots": "/v1/pilots/{}/cancel",
    "pilot_bases": "/v1/pilot-bases/{}/cancel",
    "cooperation_intentions": "/v1/cooperation-intentions/{}/withdraw",
}


@pytest.mark.parametrize("kind", list(WRITES))
async def test_writes_inside_the_locked_period_are_refused(svc: Any, kind: str) -> None:
    admin, write, service = svc.as_("admin"), WRITES[kind], svc.as_("service")
    before = await write(admin, NANNING, IN)
    assert before.status_code == 201, before.text
    assert (await service.put(f"/v1/period-locks/{NANNING}/2023-H1", json=LOCK)).status_code == 200

    r = await write(admin, NANNING, IN)
    assert (r.status_code, r.json()["code"]) == (409, "period_locked"), r.text
    for city, day in ((NANNING, OUT), (LIUZHOU, IN)):  # after the period; another city
        r = await write(admin, city, day)
        assert r.status_code == 201, r.text
    undo = UNDO[kind].format(before.json()["id"])
    r = await admin.post(undo, json={})
    assert (r.status_code, r.json()["code"]) == (409, "period_locked"), r.text
    assert (await service.delete(f"/v1/period-locks/{NANNING}/2023-H1")).status_code == 204
    r = await admin.post(undo, json={})
    assert r.status_code == 200, r.text
