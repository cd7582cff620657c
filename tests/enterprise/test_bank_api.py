"""The partner-bank interface behind the gateway (docs/bank-api.md), service side."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import update

from enterprise_service.loan.models import IdempotencyRecord
from enterprise_service.main import create_app

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
NN, LZ, A = "914501005794165304", "91450200MAA7L76A5R", "91350100M000100Y43"
LEGACY = "91350100M0001TGQXM"
COLS = (
    "contract_no,uscc,enterprise_name,amount,disbursed_on,maturity_on,annual_rate,guarantee,status"
)


def loan(contract_no: str, **over: Any) -> dict[str, Any]:
    row = {
        "contract_no": contract_no,
        "uscc": NN,
        "enterprise_name": "南宁某科技",
        "amount": "1000000.00",
        "disbursed_on": "2023-03-01",
        "maturity_on": "2024-03-01",
        "annual_rate": "3.45",
        "guarantee": "credit",
        "status": "disbursed",
    }
    row.update(over)
    return row


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def add_partners(svc: Any, *codes: str) -> None:
    for code in codes:
        body = {"code": code, "name": f"{code} 银行", "agreement_signed_on": "2021-05-01"}
        r = await svc.as_("admin").post("/v1/partner-banks", json=body)
        assert r.status_code == 201, r.text


@pytest_asyncio.fixture(loop_scope="session", autouse=True)
async def partners(svc: Any) -> None:
    """The banks of these tests are partners in force (rolled back with each test)."""
    await add_partners(svc, "BANKA", "BANKB")


@pytest_asyncio.fixture(loop_scope="session")
async def bank_a(svc: Any, register: Any) -> Any:
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    r = await svc.as_("admin").post(
        "/v1/kcd-listings", json={"enterprise_uscc": NN, "listed_on": "2023-01-01"}
    )
    assert r.status_code == 201
    return svc.as_("bank", bank="BANKA")


class TestBatch:
    async def test_json_batch_is_stored_with_counts(self, svc: Any, bank_a: Any) -> None:
        body = {"batch_ref": "2023-03-daily", "loans": [loan("C1"), loan("C2", uscc=LZ)]}
        r = await bank_a.post("/v1/bank/loan-batches", json=body, headers=key())
        assert r.status_code == 201, r.text
        got = r.json()
        assert got["received"] == 2
        assert got["created"] == 2
        assert (got["updated"], got["unchanged"]) == (0, 0)
        assert (got["listed"], got["unlisted"]) == (1, 1)
        assert got["batch_ref"] == "2023-03-daily"
        again = await bank_a.get(f"/v1/bank/loan-batches/{got['batch_id']}")
        assert again.status_code == 200
        assert again.json()["created"] == 2
        loans = (await svc.as_("admin").get("/v1/loans", params={"bank_code": "BANKA"})).json()
        by_no = {x["contract_no"]: x for x in loans["items"]}
        assert by_no["C1"]["listed"] is True
        assert by_no["C2"]["listed"] is False
        assert by_no["C1"]["amount"] == "1000000.00"

    async def test_upsert_keeps_status_history(self, svc: Any, bank_a: Any) -> None:
        first = {"loans": [loan("C1"), loan("C2")]}
        assert (
            await bank_a.post("/v1/bank/loan-batches", json=first, headers=key())
        ).status_code == 201
        second = {"loans": [loan("C1", status="repaid"), loan("C2"), loan("C3")]}
        r = await bank_a.post("/v1/bank/loan-batches", json=second, headers=key())
        got = r.json()
        assert (got["created"], got["updated"], got["unchanged"]) == (1, 1, 1)
        admin = svc.as_("admin")
        items = (await admin.get("/v1/loans", params={"bank_code": "BANKA"})).json()["items"]
        c1 = next(x for x in items if x["contract_no"] == "C1")
        assert c1["status"] == "repaid"
        hist = (await admin.get(f"/v1/loans/{c1['id']}/history")).json()
        assert [(h["action"], h["status"]) for h in hist] == [
            ("created", "disbursed"),
            ("updated", "repaid"),
        ]

    async def test_same_contract_no_at_two_banks_is_two_loans(self, svc: Any, bank_a: Any) -> None:
        bank_b = svc.as_("bank", bank="BANKB")
        for b in (bank_a, bank_b):
            r = await b.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=key())
            assert r.json()["created"] == 1

    async def test_csv_batch(self, bank_a: Any) -> None:
        csv_body = (
            "\ufeff" + COLS + "\n"
            f"K1,{NN},南宁某科技,500.50,2023-03-01,2023-09-01,4,collateral,disbursed\n"
            f'K2,{LZ},"柳州, 某公司",7.00,2023-03-02,2023-09-01,3.9,ip_pledge,repaid\n'
        )
        r = await bank_a.post(
            "/v1/bank/loan-batches",
            content=csv_body.encode(),
            params={"batch_ref": "csv-1"},
            headers={**key(), "Content-Type": "text/csv; charset=utf-8"},
        )
        assert r.status_code == 201, r.text
        assert r.json()["format"] == "csv"
        assert r.json()["created"] == 2
        assert r.json()["batch_ref"] == "csv-1"

    async def test_one_bad_row_stores_nothing_and_every_bad_row_is_listed(
        self, svc: Any, bank_a: Any
    ) -> None:
        rows = [
            loan("C1"),
            loan("C2", uscc="91350100M0001TGQXM"),
            loan("C3"),
            loan("C4", amount="1.001", maturity_on="2023-01-01", guarantee="gold"),
            loan("C1"),
            loan("C6", disbursed_on="2999-01-01", amount=100.5, status="lost"),
        ]
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": rows}, headers=key())
        assert r.status_code == 422
        problem = r.json()
        assert problem["code"] == "batch_invalid"
        got = {(e["row"], e["field"], e["code"]) for e in problem["errors"]}
        assert got == {
            (2, "uscc", "invalid_uscc"),
            (4, "amount", "invalid_amount"),
            (4, "maturity_on", "maturity_before_disbursement"),
            (4, "guarantee", "invalid_guarantee"),
            (5, "contract_no", "duplicate_contract_no"),
            (6, "disbursed_on", "date_in_future"),
            (6, "maturity_on", "maturity_before_disbursement"),
            (6, "amount", "invalid_amount"),
            (6, "status", "invalid_status"),
        }
        loans = await svc.as_("admin").get("/v1/loans", params={"bank_code": "BANKA"})
        assert loans.json()["items"] == []

    async def test_legacy_uscc_accepted_only_when_registered_by_override(
        self, svc: Any, bank_a: Any
    ) -> None:
        body = {"loans": [loan("L1", uscc=LEGACY)]}
        r = await bank_a.post("/v1/bank/loan-batches", json=body, headers=key())
        assert r.status_code == 422
        r = await svc.as_("admin").post(
            "/v1/enterprises",
            json={
                "uscc": LEGACY,
                "name": "老企业",
                "city": NANNING,
                "industry": "i",
                "override_check": True,
            },
        )
        assert r.status_code == 201
        r = await bank_a.post("/v1/bank/loan-batches", json=body, headers=key())
        assert r.status_code == 201, r.text

    async def test_dry_run_counts_and_stores_nothing(self, svc: Any, bank_a: Any) -> None:
        await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=key())
        body = {"loans": [loan("C1", status="repaid"), loan("C9")]}
        r = await bank_a.post(
            "/v1/bank/loan-batches", json=body, params={"dry_run": "true"}, headers=key()
        )
        assert r.status_code == 200, r.text
        got = r.json()
        assert got["dry_run"] is True
        assert got["batch_id"] is None
        assert (got["created"], got["updated"], got["unchanged"]) == (1, 1, 0)
        items = (await svc.as_("admin").get("/v1/loans")).json()["items"]
        assert [(x["contract_no"], x["status"]) for x in items] == [("C1", "disbursed")]

    async def test_limits_and_media_types(self, svc: Any) -> None:
        bank = svc.as_("bank", bank="BANKA")
        r = await bank.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]})
        assert r.status_code == 400
        assert r.json()["code"] == "idempotency_key_required"
        r = await bank.post(
            "/v1/bank/loan-batches",
            content=b"<xml/>",
            headers={**key(), "Content-Type": "application/xml"},
        )
        assert r.status_code == 415
        r = await bank.post(
            "/v1/bank/loan-batches",
            content=b"{not json",
            headers={**key(), "Content-Type": "application/json"},
        )
        assert r.status_code == 422
        assert r.json()["code"] == "malformed_batch"
        r = await bank.post(
            "/v1/bank/loan-batches",
            content=b"contract_no,uscc\nX,Y\n",
            headers={**key(), "Content-Type": "text/csv"},
        )
        assert r.status_code == 422
        assert {e["field"] for e in r.json()["errors"]} >= {"amount", "status"}

    async def test_ten_thousand_loans_in_one_batch(self, bank_a: Any) -> None:
        rows = [loan(f"T{i:05d}", uscc=(NN, LZ)[i % 2]) for i in range(10_000)]
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": rows}, headers=key())
        assert r.status_code == 201, r.text[:500]
        got = r.json()
        assert (got["received"], got["created"], got["listed"]) == (10_000, 10_000, 5_000)
        r = await bank_a.post(
            "/v1/bank/loan-batches", json={"loans": [*rows, loan("T10000")]}, headers=key()
        )
        assert r.status_code == 422
        assert r.json()["code"] == "batch_too_large"

    async def test_too_many_rows(self, service_client_factory: Any) -> None:
        svc = await service_client_factory("enterprise", create_app, loan_batch_max_rows=2)
        # Not BANKA: the autouse fixture's uncommitted BANKA would block this connection.
        await add_partners(svc, "BANKMAX")
        bank = svc.as_("bank", bank="BANKMAX")
        rows = [loan(f"C{i}") for i in range(3)]
        r = await bank.post("/v1/bank/loan-batches", json={"loans": rows}, headers=key())
        assert r.status_code == 422
        assert r.json()["code"] == "batch_too_large"

    async def test_overlong_bank_code_is_refused(self, svc: Any) -> None:
        r = await svc.as_("bank", bank="B" * 65).get(
            "/v1/bank/reconciliation", params={"date": "2023-03-01"}
        )
        assert r.status_code == 403

    async def test_only_banks_may_call(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=key()
        )
        assert r.status_code == 403


class TestIdempotency:
    async def test_same_key_same_body_replays_the_answer(self, svc: Any, bank_a: Any) -> None:
        body = {"loans": [loan("C1")]}
        k = key()
        first = await bank_a.post("/v1/bank/loan-batches", json=body, headers=k)
        second = await bank_a.post("/v1/bank/loan-batches", json=body, headers=k)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["idempotent-replayed"] == "true"
        batches = (await svc.as_("admin").get("/v1/loans")).json()["items"]
        assert len(batches) == 1

    async def test_same_key_other_body_is_422(self, bank_a: Any) -> None:
        k = key()
        await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=k)
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C2")]}, headers=k)
        assert r.status_code == 422
        assert r.json()["code"] == "idempotency_key_reused"

    async def test_keys_belong_to_one_bank(self, svc: Any, bank_a: Any) -> None:
        k = key()
        await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=k)
        bank_b = svc.as_("bank", bank="BANKB")
        r = await bank_b.post("/v1/bank/loan-batches", json={"loans": [loan("C2")]}, headers=k)
        assert r.status_code == 201

    async def test_refused_batch_is_not_remembered(self, bank_a: Any) -> None:
        k = key()
        bad = await bank_a.post(
            "/v1/bank/loan-batches", json={"loans": [loan("C1", amount="0")]}, headers=k
        )
        assert bad.status_code == 422
        good = await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=k)
        assert good.status_code == 201

    async def test_in_flight_is_409(self, pg: Any, service_client_factory: Any) -> None:
        svc = await service_client_factory("enterprise", create_app, idempotency_wait_seconds=0.2)
        await add_partners(svc, "BANKIF")  # this client's own transaction: not BANKA
        bank = svc.as_("bank", bank="BANKIF")
        k = uuid.uuid4().hex
        lock_id = int.from_bytes(
            hashlib.sha256(f"loan-batch\0BANKIF\0{k}".encode()).digest()[:8], "big", signed=True
        )
        # Another connection holds the key, as the first request would while storing.
        conn = await asyncpg.connect(pg.dsn("enterprise").replace("+asyncpg", ""))
        try:
            tr = conn.transaction()
            await tr.start()
            await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_id)
            r = await bank.post(
                "/v1/bank/loan-batches",
                json={"loans": [loan("C1")]},
                headers={"Idempotency-Key": k},
            )
            assert r.status_code == 409
            assert r.json()["code"] == "idempotency_in_flight"
            await tr.rollback()
        finally:
            await conn.close()
        r = await bank.post(
            "/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers={"Idempotency-Key": k}
        )
        assert r.status_code == 201, r.text

    async def test_expired_key_is_forgotten(self, svc: Any, bank_a: Any) -> None:
        k = key()
        await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=k)
        async with svc.session_maker() as s, s.begin():
            await s.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.key == k["Idempotency-Key"])
                # Well in the past: the service compares with the database's now(), which
                # inside the test's outer transaction is the transaction's start time.
                .values(expires_at=datetime.now(UTC) - timedelta(days=8))
            )
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C2")]}, headers=k)
        assert r.status_code == 201, r.text
        assert r.json()["created"] == 1


class TestScope:
    async def test_other_banks_batch_is_404(self, svc: Any, bank_a: Any) -> None:
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("C1")]}, headers=key())
        batch_id = r.json()["batch_id"]
        r = await svc.as_("bank", bank="BANKB").get(f"/v1/bank/loan-batches/{batch_id}")
        assert r.status_code == 404
        assert r.json()["code"] == "loan_batch_not_found"

    async def test_reconciliation_is_per_bank_and_day(self, svc: Any, bank_a: Any) -> None:
        rows = [
            loan("C1", amount="100.10"),
            loan("C2", amount="200.00", status="repaid"),
            loan("C3", amount="5.00", status="cancelled"),
            loan("C4", disbursed_on="2023-03-02"),
        ]
        await bank_a.post("/v1/bank/loan-batches", json={"loans": rows}, headers=key())
        bank_b = svc.as_("bank", bank="BANKB")
        await bank_b.post("/v1/bank/loan-batches", json={"loans": [loan("X")]}, headers=key())
        r = await bank_a.get("/v1/bank/reconciliation", params={"date": "2023-03-01"})
        assert r.status_code == 200, r.text
        got = r.json()
        assert got["count"] == 3
        assert Decimal(got["total_amount"]) == Decimal("305.10")
        assert {s: v["count"] for s, v in got["by_status"].items()} == {
            "disbursed": 1,
            "repaid": 1,
            "cancelled": 1,
        }

    async def test_city_bureau_sees_loans_of_its_city_only(self, svc: Any, bank_a: Any) -> None:
        rows = [loan("C1"), loan("C2", uscc=LZ), loan("C3", uscc=A)]
        await bank_a.post("/v1/bank/loan-batches", json={"loans": rows}, headers=key())
        items = (await svc.as_("city_bureau", city=LIUZHOU).get("/v1/loans")).json()["items"]
        assert [x["contract_no"] for x in items] == ["C2"]


class TestListedSync:
    async def test_full_then_incremental(self, svc: Any, register: Any) -> None:
        admin = svc.as_("admin")
        await register(NN, NANNING)
        await register(LZ, LIUZHOU)
        await register(A, NANNING)
        ids = {}
        for uscc in (NN, LZ, A):
            r = await admin.post(
                "/v1/kcd-listings", json={"enterprise_uscc": uscc, "listed_on": "2023-01-01"}
            )
            ids[uscc] = r.json()["id"]
        bank = svc.as_("bank", bank="BANKA")
        page1 = (await bank.get("/v1/bank/listed-enterprises", params={"limit": 2})).json()
        assert [i["uscc"] for i in page1["items"]] == [NN, LZ]
        assert page1["has_more"] is True
        page2 = (
            await bank.get("/v1/bank/listed-enterprises", params={"cursor": page1["next_cursor"]})
        ).json()
        assert [i["uscc"] for i in page2["items"]] == [A]
        assert page2["has_more"] is False
        assert page2["items"][0]["city"] == NANNING
        idle = (
            await bank.get("/v1/bank/listed-enterprises", params={"cursor": page2["next_cursor"]})
        ).json()
        assert idle["items"] == []
        assert idle["next_cursor"] == page2["next_cursor"]
        await admin.post(f"/v1/kcd-listings/{ids[NN]}/delist", json={"delisted_on": "2023-05-01"})
        changed = (
            await bank.get("/v1/bank/listed-enterprises", params={"cursor": page2["next_cursor"]})
        ).json()
        assert [(i["uscc"], i["delisted_on"]) for i in changed["items"]] == [(NN, "2023-05-01")]
        # A renamed firm is sent again with its new name.
        await admin.patch(f"/v1/enterprises/{LZ}", json={"name": "柳州新名"})
        renamed = (
            await bank.get("/v1/bank/listed-enterprises", params={"cursor": changed["next_cursor"]})
        ).json()
        assert [(i["uscc"], i["name"]) for i in renamed["items"]] == [(LZ, "柳州新名")]


class TestOnlySignedPartners:
    """A bank principal needs the gateway's signature mark and an agreement in force."""

    async def _stored(self, svc: Any) -> int:
        items = (await svc.as_("admin").get("/v1/loans")).json()["items"]
        return len(items)

    async def test_unsigned_bank_principal_is_refused_on_every_bank_route(
        self, svc: Any, bank_a: Any
    ) -> None:
        # What the gateway would forward for a bank API key, had it not refused it.
        unsigned = svc.as_("bank", bank="BANKA", signed=False)
        r = await unsigned.post(
            "/v1/bank/loan-batches", json={"loans": [loan("U1")]}, headers=key()
        )
        assert r.status_code == 403, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "bank_signature_required"
        assert r.json()["title"] == "银行接口须使用签名请求"
        for path, params in (
            ("/v1/bank/listed-enterprises", {}),
            ("/v1/bank/reconciliation", {"date": "2023-03-01"}),
            (f"/v1/bank/loan-batches/{uuid.uuid4()}", {}),
        ):
            r = await unsigned.get(path, params=params)
            assert (r.status_code, r.json()["code"]) == (403, "bank_signature_required"), path
        assert await self._stored(svc) == 0
        # The same bank, signed, is served.
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("U1")]}, headers=key())
        assert r.status_code == 201, r.text

    async def test_unsigned_bank_principal_is_refused_by_every_service(
        self, service_client_factory: Any
    ) -> None:
        # shared_kit decodes the principal for every service: the mark is checked there.
        from projects_service.main import create_app as projects_app

        projects = await service_client_factory("projects", projects_app)
        r = await projects.as_("bank", bank="BANKA", signed=False).get("/v1/action-plans")
        assert (r.status_code, r.json()["code"]) == (403, "bank_signature_required")

    async def test_unknown_bank_code_is_refused(self, svc: Any, register: Any) -> None:
        await register(NN, NANNING)
        stranger = svc.as_("bank", bank="NOTAPARTNER")
        r = await stranger.post(
            "/v1/bank/loan-batches", json={"loans": [loan("X1")]}, headers=key()
        )
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "bank_partner_unknown"
        r = await stranger.get("/v1/bank/listed-enterprises")
        assert (r.status_code, r.json()["code"]) == (403, "bank_partner_unknown")
        assert await self._stored(svc) == 0

    @pytest.mark.parametrize(
        ("action", "code"),
        [("terminate", "bank_partner_terminated"), ("cancel", "bank_partner_cancelled")],
    )
    async def test_ended_agreement_is_refused(
        self, svc: Any, bank_a: Any, action: str, code: str
    ) -> None:
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("E1")]}, headers=key())
        assert r.status_code == 201, r.text
        admin = svc.as_("admin")
        ended = await admin.post(f"/v1/partner-banks/BANKA/{action}", json={"on": "2023-06-01"})
        assert ended.status_code == 200, ended.text
        assert ended.json()["status"] == action.replace("terminate", "terminated").replace(
            "cancel", "cancelled"
        )
        r = await bank_a.post("/v1/bank/loan-batches", json={"loans": [loan("E2")]}, headers=key())
        assert r.status_code == 403, r.text
        assert r.json()["code"] == code
        r = await bank_a.get("/v1/bank/reconciliation", params={"date": "2023-03-01"})
        assert (r.status_code, r.json()["code"]) == (403, code)
        assert await self._stored(svc) == 1
        # Another bank in force is unaffected.
        b = svc.as_("bank", bank="BANKB")
        r = await b.post("/v1/bank/loan-batches", json={"loans": [loan("E3")]}, headers=key())
        assert r.status_code == 201, r.text
