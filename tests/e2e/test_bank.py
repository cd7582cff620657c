"""The partner-bank interface end to end: the reference client, signed, through the gateway.

examples/bank_client.py (what a bank's engineer copies) is used as a library against the
real processes: RFC 9421 signatures checked by the gateway, batches validated and stored
by the enterprise service, and the loans counted in the consolidated report.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from devstack.layout import REPO
from shared_kit.codes import uscc_check_char
from tests.e2e.conftest import Stack

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
    out = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "create-bank-client", "--bank", code,
         "--alg", "hmac-sha256"],
        env=dict(os.environ, GATEWAY_DATABASE_URL=stack.dsns["gateway"]),
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    fields = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return bank_client.Credentials.hmac(fields["key_id"], fields["secret"])


@pytest.fixture(scope="module")
def admin_key(stack: Stack) -> str:
    return stack.create_key("admin")


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
