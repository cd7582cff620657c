"""The partner-bank interface end to end: the reference client, signed, through the gateway.

examples/bank_client.py (what a bank's engineer copies) is used as a library against the
real processes: RFC 9421 signatures checked by the gateway, batches validated and stored
by the enterprise service, and the loans counted in the consolidated report.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx
import pytest

from devstack.layout import REPO
from shared_kit.codes import uscc_check_char
from tests.e2e.conftest import Stack
from tests.e2e.gw import api_key, gateway_cli, run_gateway_cli

NANNING, LIUZHOU = "450100", "450200"
BANK_A, BANK_B = "E2EBANKA", "E2EBANKB"
# 2022-H1 is this module's period: no other end-to-end test reports loans in it.
PERIOD, DAY_JSON, DAY_CSV, DAY_BAD = "2022-H1", "2022-03-15", "2022-04-20", "2022-05-05"


def _uscc(city: str, n: int) -> str:
    first17 = f"91{city}{n:09d}"
    return first17 + uscc_check_char(first17)


ENTERPRISES = [(_uscc(NANNING, 7001), NANNING), (_uscc(NANNING, 7002), NANNING),
               (_uscc(LIUZHOU, 7003), LIUZHOU), (_uscc(LIUZHOU, 7004), LIUZHOU)]  # fmt: skip
LISTED = [u for u, _ in ENTERPRISES[:3]]


def _load_client() -> ModuleType:
    path = REPO / "examples" / "bank_client.py"
    spec = importlib.util.spec_from_file_location("bank_client", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bank_client", module)
    spec.loader.exec_module(module)
    return module


bank_client = _load_client()


def loan(contract_no: str, uscc: str, amount: str, day: str, **over: str) -> dict[str, str]:
    row = {
        "contract_no": contract_no,
        "uscc": uscc,
        "enterprise_name": "广西某科技有限公司",
        "amount": amount,
        "disbursed_on": day,
        "maturity_on": "2023-12-31",
        "annual_rate": "3.45",
        "guarantee": "credit",
        "status": "disbursed",
    }
    row.update(over)
    return row


def register_bank(stack: Stack, code: str) -> Any:
    """The gateway CLI an operator runs; returns the bank's signing credentials."""
    out = gateway_cli(stack, "create-bank-client", "--bank", code, "--alg", "hmac-sha256")
    fields = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return bank_client.Credentials.hmac(fields["key_id"], fields["secret"])


@pytest.fixture(scope="module")
def admin_key(stack: Stack) -> str:
    return api_key(stack, "admin")


@pytest.fixture(scope="module")
def banks(stack: Stack, admin_key: str) -> Iterator[tuple[Any, Any]]:
    with stack.client(admin_key) as c:
        for code in (BANK_A, BANK_B):
            r = c.post(
                "/api/enterprise/v1/partner-banks",
                json={"code": code, "name": f"{code} 银行", "agreement_signed_on": "2021-05-01"},
            )
            assert r.status_code == 201, r.text
        for uscc, city in ENTERPRISES:
            r = c.post(
                "/api/enterprise/v1/enterprises",
                json={"uscc": uscc, "name": f"企业{uscc[-4:]}", "city": city, "industry": "新材料"},
            )
            assert r.status_code == 201, r.text
        for uscc in LISTED:
            r = c.post(
                "/api/enterprise/v1/kcd-listings",
                json={"enterprise_uscc": uscc, "listed_on": "2021-06-01"},
            )
            assert r.status_code == 201, r.text
    a = bank_client.BankClient(stack.gateway, register_bank(stack, BANK_A))
    b = bank_client.BankClient(stack.gateway, register_bank(stack, BANK_B))
    with a, b:
        yield a, b


class TestBankThroughGateway:
    def test_listed_enterprises_follow_the_cursor(self, banks: tuple[Any, Any]) -> None:
        bank, _ = banks
        # limit=2 forces at least two pages for three listings.
        items = list(bank.listed_enterprises(limit=2))
        mine = {i["uscc"]: i for i in items if i["uscc"] in LISTED}
        assert set(mine) == set(LISTED)
        assert mine[LISTED[2]]["city"] == LIUZHOU
        assert mine[LISTED[0]]["listed_on"] == "2021-06-01"
        cursor = bank.last_cursor
        assert cursor
        # Nothing changed since: the stored cursor yields nothing new.
        assert list(bank.listed_enterprises(cursor=cursor, limit=2)) == []

    def test_batches_summary_reconciliation_and_report(
        self, stack: Stack, admin_key: str, banks: tuple[Any, Any]
    ) -> None:
        bank, other = banks
        nn1, nn2, lz1, lz_unlisted = (u for u, _ in ENTERPRISES)
        loans = [
            loan("A-J-1", nn1, "1000000.00", DAY_JSON),
            loan("A-J-2", lz1, "250000.50", DAY_JSON, guarantee="ip_pledge"),
            loan("A-J-3", lz_unlisted, "300000.00", DAY_JSON, status="cancelled"),
        ]
        key = uuid.uuid4().hex
        first = bank.push_loans("2022-03-15", loans, idempotency_key=key)
        assert first.status_code == 201, first.text
        answer = first.json()
        assert (answer["received"], answer["created"], answer["updated"]) == (3, 3, 0)
        assert (answer["listed"], answer["unlisted"]) == (2, 1)

        # A retry (signed afresh) with the same key and body: the original answer, verbatim.
        again = bank.push_loans("2022-03-15", loans, idempotency_key=key)
        assert again.status_code == 201
        assert again.content == first.content
        assert again.headers.get("idempotent-replayed") == "true"
        # The same key with another body is refused.
        changed = bank.push_loans("2022-03-15", loans[:2], idempotency_key=key)
        assert changed.status_code == 422, changed.text
        assert changed.json()["code"] == "idempotency_key_reused"

        csv_body = (
            ",".join(bank_client.LOAN_COLUMNS)
            + "\n"
            + f"A-C-1,{nn2},南宁某材料,500000.25,{DAY_CSV},2024-04-20,4.1,collateral,disbursed\n"
            + f"A-C-2,{nn1},南宁某科技,120000.00,{DAY_CSV},2024-04-20,3.9,guaranteed,disbursed\n"
        ).encode()
        r = bank.request(
            "POST",
            "loan-batches",
            params={"batch_ref": "2022-04-20"},
            content=csv_body,
            headers={"content-type": "text/csv"},
        )
        assert r.status_code == 201, r.text
        csv_answer = r.json()
        assert csv_answer["format"] == "csv"
        assert (csv_answer["created"], csv_answer["listed"]) == (2, 2)

        summary = bank.batch(answer["batch_id"])
        assert summary.status_code == 200, summary.text
        assert summary.json() == answer

        rec = bank.reconciliation(DAY_JSON).json()
        assert rec["count"] == 3
        assert Decimal(rec["total_amount"]) == Decimal("1550000.50")
        assert rec["by_status"]["cancelled"]["count"] == 1

        # One bad row (USCC check digit) among good ones: 422 naming it, nothing stored.
        bad = [
            loan("A-B-1", nn1, "10000.00", DAY_BAD),
            loan("A-B-2", nn1[:-1] + ("0" if nn1[-1] != "0" else "1"), "10000.00", DAY_BAD),
            loan("A-B-3", nn2, "10000.00", DAY_BAD),
        ]
        r = bank.push_loans("bad", bad)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["code"] == "batch_invalid"
        assert [(e["row"], e["field"], e["code"]) for e in problem["errors"]] == [
            (2, "uscc", "invalid_uscc")
        ]
        assert bank.reconciliation(DAY_BAD).json()["count"] == 0

        # Bank B cannot see bank A's batch (404, as if it did not exist) nor its loans.
        assert other.batch(answer["batch_id"]).status_code == 404
        assert other.reconciliation(DAY_JSON).json()["count"] == 0

        # The loans count in the consolidated report (cancelled ones never do).
        with stack.client(admin_key) as c:
            r = c.get("/api/reporting/v1/reports/consolidated", params={"period": PERIOD})
        assert r.status_code == 200, r.text
        fig = next(i for i in r.json()["indicators"] if i["code"] == "enterprise.loan_amount")
        # The report shows 亿元 and keeps the exact yuan sum beside it.
        assert Decimal(fig["raw_value"]) == Decimal("1870000.75")
        assert (fig["unit"], fig["value"]) == ("亿元", "0.02")
        assert fig["by_city"] == {NANNING: "0.02", LIUZHOU: "0.00"}


def legacy_bank_key(stack: Stack, bank: str) -> str:
    """A bank API key as `make key ROLE=bank` made them before (now refused at creation)."""
    import asyncio

    import asyncpg

    from gateway.apikey.service import KEY_PREFIX, hash_key

    key = KEY_PREFIX + uuid.uuid4().hex

    async def insert() -> None:
        conn = await asyncpg.connect(stack.dsns["gateway"].replace("+asyncpg", ""))
        try:
            await conn.execute(
                "INSERT INTO gateway.api_keys (id, name, prefix, key_hash, role, bank) "
                "VALUES ($1, 'legacy', $2, $3, 'bank', $4)",
                uuid.uuid4(), key[4:12], hash_key(key), bank,
            )  # fmt: skip
        finally:
            await conn.close()

    asyncio.run(insert())
    return key


class TestOnlySignedPartners:
    def test_unsigned_bank_write_through_the_gateway_is_refused(
        self, stack: Stack, admin_key: str, banks: tuple[Any, Any]
    ) -> None:
        # The probe: a bank key, an Idempotency-Key and a one-loan body on /api/….
        assert run_gateway_cli(stack, "create-key", "--role", "bank")[0] == 2
        key = legacy_bank_key(stack, BANK_A)
        nn1 = ENTERPRISES[0][0]
        with stack.client(key) as c:
            r = c.post(
                "/api/enterprise/v1/bank/loan-batches",
                json={"loans": [loan("PROBE-1", nn1, "1000.00", DAY_JSON)]},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            assert r.status_code == 403, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == "bank_signature_required"
            for path in (
                "/api/enterprise/v1/bank/listed-enterprises",
                f"/api/enterprise/v1/bank/reconciliation?date={DAY_JSON}",
                f"/api/enterprise/v1/bank/loan-batches/{uuid.uuid4()}",
            ):
                r = c.get(path)
                assert (r.status_code, r.json()["code"]) == (403, "bank_signature_required"), path
        with stack.client(admin_key) as c:
            stored = c.get("/api/enterprise/v1/loans", params={"bank_code": BANK_A}).json()
        assert "PROBE-1" not in {x["contract_no"] for x in stored["items"]}

    def test_unsigned_bank_principal_straight_at_the_service_is_refused(
        self, stack: Stack, tokens: Any, banks: tuple[Any, Any]
    ) -> None:
        headers = tokens.headers("bank", bank=BANK_A, signed=False)
        with httpx.Client(base_url=stack.urls["enterprise"], headers=headers) as c:
            r = c.get("/v1/bank/listed-enterprises")
        assert (r.status_code, r.json()["code"]) == (403, "bank_signature_required")
        # Signed through the gateway, the same bank is served.
        bank, _ = banks
        assert bank.reconciliation(DAY_JSON).status_code == 200

    def test_only_partners_in_force_register_and_push(
        self, stack: Stack, admin_key: str, banks: tuple[Any, Any]
    ) -> None:
        code, _, err = run_gateway_cli(
            stack, "create-bank-client", "--bank", "E2ENOBANK", "--alg", "hmac-sha256"
        )
        assert code == 2
        assert "bank_partner_unknown" in err
        assert BANK_A in err  # the valid codes are listed
        ending = "E2EBANKEND"
        with stack.client(admin_key) as c:
            body = {"code": ending, "name": "终止银行", "agreement_signed_on": "2021-05-01"}
            assert c.post("/api/enterprise/v1/partner-banks", json=body).status_code == 201
            client = bank_client.BankClient(stack.gateway, register_bank(stack, ending))
            nn1 = ENTERPRISES[0][0]
            with client:
                first = client.push_loans("end", [loan("END-1", nn1, "1000.00", DAY_JSON)])
                assert first.status_code == 201, first.text
                r = c.post(
                    f"/api/enterprise/v1/partner-banks/{ending}/terminate",
                    json={"on": "2022-06-01"},
                )
                assert r.status_code == 200, r.text
                refused = client.push_loans("end", [loan("END-2", nn1, "1000.00", DAY_JSON)])
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "bank_partner_terminated"
            stored = c.get("/api/enterprise/v1/loans", params={"bank_code": ending}).json()
        assert [x["contract_no"] for x in stored["items"]] == ["END-1"]
        code, _, err = run_gateway_cli(
            stack, "create-bank-client", "--bank", ending, "--alg", "hmac-sha256"
        )
        assert code == 2
        assert "bank_partner_terminated" in err
