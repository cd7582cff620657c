"""Period locks in the transfer service: contracts (create, revoke) and achievements."""

from __future__ import annotations

from typing import Any

import pytest

from tests.transfer.conftest import LIUZHOU, NANNING
from tests.transfer.test_contract_import import csv_bytes, stored, upload, zh_row

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


async def test_an_import_under_a_lock_names_each_row_and_keeps_nothing(svc: Any) -> None:
    """The import's one write statement finds the locked rows after writing: the refusal
    must still name every row, and the rollback keep nothing of the file."""
    admin = svc.as_("admin")
    liuzhou = {"卖方行政区划代码": "450202", "登记城市": "柳州市"}
    first = csv_bytes([zh_row("LOCKF1", **liuzhou), zh_row("LOCKF2", **liuzhou)])
    assert (await upload(admin, first)).status_code == 200
    await svc.as_("service").put(LOCK, json={"start": "2023-01-01", "end": "2023-06-30"})

    # Row 1 is Liuzhou's alone; row 2 moves LOCKF2's buyer to Nanning; row 3 is new and
    # registered in Nanning in March; row 4 re-sends LOCKF1 unchanged.
    nanning_buyer = {"买方行政区划代码": "450102", "合同成交额": "2,000.00"}
    batch = csv_bytes([zh_row("LOCKF3", **liuzhou), zh_row("LOCKF2", **liuzhou, **nanning_buyer),
                       zh_row("LOCKF4"), zh_row("LOCKF1", **liuzhou)])  # fmt: skip
    for dry_run in (True, False):
        r = await upload(admin, batch, dry_run=dry_run)
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "period_locked"
        assert [e["row"] for e in r.json()["errors"]] == [2, 3]
    kept = {c["registration_no"]: c for c in await stored(admin)}
    assert "LOCKF3" not in kept
    assert "LOCKF4" not in kept
    assert kept["LOCKF2"]["buyer_region"] == LIUZHOU

    # A file changing nothing locked passes; after the release, the refused one passes.
    assert (await upload(admin, csv_bytes([zh_row("LOCKF1", **liuzhou)]))).status_code == 200
    assert (await svc.as_("service").delete(LOCK)).status_code == 204
    r = await upload(admin, batch)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (2, 1, 1)
