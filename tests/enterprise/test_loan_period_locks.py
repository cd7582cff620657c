"""Bank batches under a city's period lock, service side (the gateway's path is
tests/e2e/test_governance.py's). The batch statement writes, then finds the locked
rows and refuses: these show the refusal still names every row and keeps nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import pytest_asyncio

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
NN, LZ = "914501005794165304", "91450200MAA7L76A5R"
LOCK = f"/v1/period-locks/{NANNING}/2023-H1"
BATCHES = "/v1/bank/loan-batches"


def loan(no: str, uscc: str = NN, day: str = "2023-03-01", **over: str) -> dict[str, str]:
    return {"contract_no": no, "uscc": uscc, "enterprise_name": "某科技", "amount": "500000.00",
            "disbursed_on": day, "maturity_on": "2024-12-31", "annual_rate": "3.45",
            "guarantee": "credit", "status": "disbursed", **over}  # fmt: skip


@pytest_asyncio.fixture(loop_scope="session")
async def bank(svc: Any, register: Any) -> Any:
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    body = {"code": "LOCKBANK", "name": "锁期银行", "agreement_signed_on": "2021-05-01"}
    assert (await svc.as_("admin").post("/v1/partner-banks", json=body)).status_code == 201
    return svc.as_("bank", bank="LOCKBANK")


async def push(bank: Any, *loans: dict[str, str], dry_run: bool = False) -> Any:
    return await bank.post(
        BATCHES,
        json={"loans": list(loans)},
        params={"dry_run": str(dry_run).lower()},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


async def day_count(bank: Any, day: str) -> int:
    r = await bank.get("/v1/bank/reconciliation", params={"date": day})
    assert r.status_code == 200, r.text
    return int(r.json()["count"])


async def lock(svc: Any) -> None:
    r = await svc.as_("service").put(LOCK, json={"start": "2023-01-01", "end": "2023-06-30"})
    assert r.status_code == 200, r.text


async def test_locked_rows_are_named_and_the_batch_is_kept_whole_out(svc: Any, bank: Any) -> None:
    stored = await push(bank, loan("PL-1"), loan("PL-2", day="2023-08-01"))
    assert stored.status_code == 201, stored.text
    await lock(svc)

    # Row 2 (Nanning, March) and row 3 (PL-1 moved within March) are locked; row 1 is
    # Liuzhou's, row 4 a Nanning loan after the period: all refused together.
    batch = (loan("PL-3", uscc=LZ), loan("PL-4"), loan("PL-1", day="2023-03-02"),
             loan("PL-5", day="2023-07-15"))  # fmt: skip
    for dry_run in (True, False):
        r = await push(bank, *batch, dry_run=dry_run)
        assert r.status_code == 409, r.text
        body = r.json()
        assert body["code"] == "period_locked"
        assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
            (2, "rows.PL-4", "period_locked"),
            (3, "rows.PL-1", "period_locked"),
        ]
    # Nothing of it was kept: no new loan, PL-1 still on March 1st, no history written.
    assert await day_count(bank, "2023-03-01") == 1
    assert await day_count(bank, "2023-03-02") == 0
    assert await day_count(bank, "2023-07-15") == 0
    listed = (await svc.as_("admin").get("/v1/loans", params={"bank_code": "LOCKBANK"})).json()
    pl1 = next(x for x in listed["items"] if x["contract_no"] == "PL-1")
    history = (await svc.as_("admin").get(f"/v1/loans/{pl1['id']}/history")).json()
    assert [h["action"] for h in history] == ["created"]


async def test_moves_out_of_a_locked_period_count_and_repayments_pass(svc: Any, bank: Any) -> None:
    assert (await push(bank, loan("PM-1"), loan("PM-2"))).status_code == 201
    await lock(svc)
    # Out of the period, or to a firm of another city: March's figure would change.
    for moved in (loan("PM-1", day="2023-07-02"), loan("PM-1", uscc=LZ)):
        r = await push(bank, moved)
        assert r.status_code == 409, r.text
        assert [e["row"] for e in r.json()["errors"]] == [1]
    # A repayment, a new rate or name change no figure; a cancellation does.
    r = await push(bank, loan("PM-1", status="repaid"), loan("PM-2", annual_rate="4.10"))
    assert r.status_code == 201, r.text
    assert r.json()["updated"] == 2
    r = await push(bank, loan("PM-2", annual_rate="4.10", status="cancelled"))
    assert r.status_code == 409, r.text
    # Released: the same move passes.
    assert (await svc.as_("service").delete(LOCK)).status_code == 204
    r = await push(bank, loan("PM-1", day="2023-07-02", status="repaid"))
    assert r.status_code == 201, r.text
    assert r.json()["updated"] == 1
