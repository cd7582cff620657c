"""Corrections and withdrawals of technology contracts (shared_kit.corrections)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.transfer.conftest import GUILIN, LIUZHOU, NANNING
from tests.transfer.test_contract_import import csv_bytes, stored, upload, zh_row
from tests.transfer.test_contracts import create, figures

pytestmark = pytest.mark.asyncio(loop_scope="session")


def bureau(svc: Any, city: str = NANNING) -> Any:
    return svc.as_("city_bureau", city=city)


def value(figs: dict[str, Any], code: str, city: str = NANNING) -> Decimal:
    return Decimal(str((figs[code]["by_city"] or {}).get(city) or 0))


async def test_withdrawal_and_amount_correction_move_the_figures(svc: Any) -> None:
    nanning = bureau(svc)
    c = await create(svc.as_("admin"))
    before = await figures(nanning)

    r = await nanning.post(
        f"/v1/tech-contracts/{c['id']}/corrections",
        json={"changes": {"contract_amount": "1500000.00"}, "reason": "合同金额录入有误"},
    )
    assert r.status_code == 200, r.text
    after = await figures(nanning)
    assert value(after, "transfer.contract_value") - value(before, "transfer.contract_value") == (
        Decimal("500000.00")
    )

    r = await nanning.post(f"/v1/tech-contracts/{c['id']}/withdraw", json={"reason": "重复登记"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["withdrawal_reason"]) == ("withdrawn", "重复登记")
    gone = await figures(nanning)
    assert value(gone, "transfer.contracts_total") == value(after, "transfer.contracts_total") - 1
    assert value(gone, "transfer.contract_value") == value(before, "transfer.contract_value") - (
        Decimal("1000000.00")
    )
    listed = (await nanning.get("/v1/tech-contracts", params={"limit": 1000})).json()["items"]
    assert c["id"] not in {x["id"] for x in listed}
    history = (await nanning.get(f"/v1/tech-contracts/{c['id']}/corrections")).json()
    assert [h["action"] for h in history] == ["correct", "withdraw"]
    assert history[0]["before"] == {"contract_amount": "1000000.00"}
    # Neither revoking nor correcting a withdrawn contract.
    r = await nanning.post(
        f"/v1/tech-contracts/{c['id']}/revoke", json={"revoked_on": "2023-04-01"}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "record_withdrawn"


async def test_corrected_contract_keeps_the_create_rules(svc: Any) -> None:
    c = await create(svc.as_("admin"))
    r = await bureau(svc).post(
        f"/v1/tech-contracts/{c['id']}/corrections",
        json={"changes": {"tech_transaction_amount": "2000000.00"}, "reason": "更正"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "correction_invalid"
    assert r.json()["errors"][0]["code"] == "tech_amount_exceeds_contract"
    # Moving the buyer re-derives the buyer's city.
    r = await bureau(svc).post(
        f"/v1/tech-contracts/{c['id']}/corrections",
        json={"changes": {"buyer_region": GUILIN}, "reason": "买方地址更正"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["buyer_city"] == GUILIN


async def test_only_the_registering_city_changes_it(svc: Any) -> None:
    c = await create(svc.as_("admin"))  # seller Nanning, buyer Liuzhou, registered in Nanning
    body = {"reason": "r"}
    # The buyer's city reads it but may not change it; another city does not see it.
    r = await bureau(svc, LIUZHOU).post(f"/v1/tech-contracts/{c['id']}/withdraw", json=body)
    assert r.status_code == 403
    assert r.json()["code"] == "city_not_allowed"
    r = await bureau(svc, GUILIN).post(f"/v1/tech-contracts/{c['id']}/withdraw", json=body)
    assert r.status_code == 404
    r = await bureau(svc).post(
        f"/v1/tech-contracts/{c['id']}/corrections",
        json={"changes": {"registration_no": "X-1234567"}, "reason": "编号错误"},
    )
    assert r.status_code == 403
    assert r.json()["code"] == "correction_not_allowed"


async def test_a_registration_number_request_is_approved_by_the_department(svc: Any) -> None:
    c = await create(svc.as_("admin"))
    filed = await bureau(svc).post(
        f"/v1/tech-contracts/{c['id']}/correction-requests",
        json={"changes": {"registration_no": "FIX-0000001"}, "reason": "登记号录错"},
    )
    assert filed.status_code == 201, filed.text
    r = await svc.as_("admin").post(
        f"/v1/correction-requests/{filed.json()['id']}/approve", json={}
    )
    assert r.status_code == 200, r.text
    got = (await bureau(svc).get(f"/v1/tech-contracts/{c['id']}")).json()
    assert got["registration_no"] == "FIX-0000001"


async def test_a_locked_period_refuses_the_withdrawal(svc: Any) -> None:
    c = await create(svc.as_("admin"), city=GUILIN, seller_region=GUILIN)
    service = svc.as_("service")
    lock = f"/v1/period-locks/{GUILIN}/2023-H1"
    assert (
        await service.put(lock, json={"start": "2023-01-01", "end": "2023-06-30"})
    ).status_code == 200
    try:
        r = await bureau(svc, GUILIN).post(
            f"/v1/tech-contracts/{c['id']}/withdraw", json={"reason": "撤回"}
        )
        assert r.status_code == 409
        assert r.json()["code"] == "period_locked"
        assert (await svc.as_("admin").get(f"/v1/tech-contracts/{c['id']}")).json()[
            "status"
        ] == "registered"
    finally:
        assert (await service.delete(lock)).status_code == 204


async def test_an_achievement_withdrawn_stops_counting(svc: Any) -> None:
    nanning = bureau(svc)
    body = {
        "registration_no": "CORR-A-0001",
        "title": "甘蔗高效栽培技术",
        "category": "applied",
        "organisation_name": "广西农科院",
        "city": NANNING,
        "registered_on": "2023-04-20",
    }
    r = await nanning.post("/v1/achievements", json=body)
    assert r.status_code == 201, r.text
    a = r.json()
    before = value(await figures(nanning), "transfer.achievements_registered")
    r = await nanning.post(
        f"/v1/achievements/{a['id']}/corrections",
        json={"changes": {"category": "basic"}, "reason": "类别录错"},
    )
    assert r.status_code == 200, r.text
    r = await nanning.post(f"/v1/achievements/{a['id']}/withdraw", json={"reason": "重复登记"})
    assert r.status_code == 200, r.text
    assert value(await figures(nanning), "transfer.achievements_registered") == before - 1
    history = (await nanning.get(f"/v1/achievements/{a['id']}/corrections")).json()
    assert [h["action"] for h in history] == ["correct", "withdraw"]
    r = await nanning.post(f"/v1/achievements/{a['id']}/revoke")
    assert r.status_code == 409
    assert r.json()["code"] == "record_withdrawn"


async def test_a_withdrawn_contract_is_not_brought_back_by_an_import(svc: Any) -> None:
    nanning = bureau(svc)
    no = "2023450100009901"
    r = await upload(nanning, csv_bytes([zh_row(no)]))
    assert r.status_code == 200, r.text
    stored_id = next(c["id"] for c in await stored(nanning) if c["registration_no"] == no)
    r = await nanning.post(f"/v1/tech-contracts/{stored_id}/withdraw", json={"reason": "重复"})
    assert r.status_code == 200, r.text

    again = await upload(nanning, csv_bytes([zh_row(no, 合同成交额="2,000.00")]))
    assert again.status_code == 422, again.text
    [error] = again.json()["errors"]
    assert (error["row"], error["field"], error["code"]) == (1, "合同登记编号", "record_withdrawn")
    assert "已撤回" in error["message"]
    r = await nanning.get(f"/v1/tech-contracts/{stored_id}")
    assert (r.json()["status"], r.json()["contract_amount"]) == ("withdrawn", "1000.00")
