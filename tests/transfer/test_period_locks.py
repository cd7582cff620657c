"""Period locks in the transfer service: contracts (create, revoke) and achievements."""

from __future__ import annotations

from typing import Any

import pytest

from tests.transfer.conftest import LIUZHOU, NANNING

pytestmark = pytest.mark.asyncio(loop_scope="session")
LOCK = f"/v1/period-locks/{NANNING}/2023-H1"


def achievement(no: str, city: str = NANNING, day: str = "2023-03-01") -> dict[str, Any]:
    return {"registration_no": no, "title": "甘蔗机械化收获技术", "category": "applied",
            "organisation_name": "广西农科院", "city": city, "registered_on": day}  # fmt: skip


def contract(
    no: str, seller: str, buyer: str, city: str, day: str = "2023-03-01"
) -> dict[str, Any]:
    return {"registration_no": no, "type": "consulting", "seller_name": "卖方",
            "seller_region": seller, "buyer_name": "买方", "buyer_region": buyer,
            "contract_amount": "100.00", "tech_transaction_amount": "50.00",
            "signed_on": day, "registered_on": day, "city": city}  # fmt: skip


async def test_locked_writes_are_refused_and_released(svc: Any) -> None:
    admin = svc.as_("admin")
    before = await admin.post("/v1/achievements", json=achievement("LOCKA1"))
    assert before.status_code == 201, before.text
    r = await svc.as_("service").put(LOCK, json={"start": "2023-01-01", "end": "2023-06-30"})
    assert r.status_code == 200, r.text

    refused = [
        await admin.post("/v1/achievements", json=achievement("LOCKA2")),
        await admin.post(f"/v1/achievements/{before.json()['id']}/revoke", json={}),
        # Registered by Liuzhou, but its buyer is in Nanning: it counts in Nanning too.
        await admin.post(
            "/v1/tech-contracts", json=contract("LOCKC1", "450202", "450102", LIUZHOU)
        ),
    ]
    for r in refused:
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "period_locked"
    ok = [
        await admin.post("/v1/achievements", json=achievement("LOCKA3", city=LIUZHOU)),
        await admin.post("/v1/achievements", json=achievement("LOCKA4", day="2023-07-01")),
        await admin.post(
            "/v1/tech-contracts", json=contract("LOCKC2", "450202", "440305", LIUZHOU)
        ),
    ]
    assert [r.status_code for r in ok] == [201, 201, 201]

    assert (await svc.as_("service").delete(LOCK)).status_code == 204
    r = await admin.post(f"/v1/achievements/{before.json()['id']}/revoke", json={})
    assert r.status_code == 200, r.text
