"""Submission, approval and period locks end to end: real processes, through the gateway.

A city bureau submits 2023-H1; every workstream service then refuses its writes dated in
the half-year (a contract, a demand, a contract file, a bank batch) with 409
period_locked, while a write dated 2023-07-01 and another city's writes go through. The
admin returns it (writes reopen), it is submitted again and approved, then unlocked with
a reason, and the history holds every step. A service that cannot take the lock makes
the submission 503 with nothing half-done.

This module runs its own stack (a fresh database): the records it writes must not move
the figures other end-to-end modules check.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from devstack.pytest_plugin import TestDatabase, Tokens
from shared_kit.settings import normalise_dsn
from tests.e2e.conftest import CHROMIUM_ARGS, Stack, start_stack
from tests.e2e.gw import api_key, bank_client, call, uscc

NN, LZ = "450100", "450200"
COUNTY = {NN: "450102", LZ: "450202"}
TR, PJ, RP = "/api/transfer/v1", "/api/projects/v1", "/api/reporting/v1"
BANK = "E2EGOVBANK"
ENT = {NN: uscc(NN, 8101), LZ: uscc(LZ, 8102)}


@pytest.fixture(scope="module")
def gov_stack(pg: TestDatabase) -> Iterator[Stack]:
    with start_stack(pg, "gxst_e2e_govern") as st:
        yield st


def contract(no: str, city: str, day: str) -> dict[str, Any]:
    """Seller in ``city``, buyer outside the region: only ``city`` counts it."""
    return {
        "registration_no": no, "type": "consulting", "seller_name": "卖方",
        "seller_region": COUNTY[city], "buyer_name": "买方", "buyer_region": "440305",
        "contract_amount": "100.00", "tech_transaction_amount": "50.00",
        "signed_on": day, "registered_on": day, "city": city,
    }  # fmt: skip


def contract_csv(*rows: tuple[str, str, str]) -> bytes:
    cols = list(contract("x", NN, "2023-01-01"))
    lines = [",".join(cols)]
    for no, city, day in rows:
        body = contract(no, city, day)
        lines.append(",".join(str(body[c]) for c in cols))
    return ("\n".join(lines) + "\n").encode()


def demand(city: str, day: str) -> dict[str, Any]:
    return {
        "title": "需求", "organisation_name": "某企业", "organisation_uscc": uscc(city, 1),
        "city": city, "field": "新材料", "budget": "1.00", "submitted_on": day,
    }  # fmt: skip


def loan(no: str, city: str, day: str) -> dict[str, str]:
    return {
        "contract_no": no, "uscc": ENT[city], "enterprise_name": "广西某科技有限公司",
        "amount": "100000.00", "disbursed_on": day, "maturity_on": "2025-12-31",
        "annual_rate": "3.45", "guarantee": "credit", "status": "disbursed",
    }  # fmt: skip


def locked(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 409, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == "period_locked"
    assert "南宁市" in body["detail"]
    assert "2023-H1" in body["detail"]
    assert body["title"] == "该地市该期间的数据已上报或已审核，已锁定，不能修改"
    return body


def created(r: httpx.Response) -> None:
    assert r.status_code == 201, r.text


def state(c: httpx.Client, city: str) -> dict[str, Any]:
    rows = call(c, "GET", f"{RP}/approvals", params={"period": "2023-H1"}, expect=200).json()
    return next(r for r in rows if r["city"] == city)


def test_submit_lock_return_approve_unlock(gov_stack: Stack) -> None:
    st = gov_stack
    admin = st.client(api_key(st, "admin"))
    nn = st.client(api_key(st, "city_bureau", city=NN))
    lz = st.client(api_key(st, "city_bureau", city=LZ))
    with st.client(api_key(st, "admin")) as setup:
        bank_row = {"code": BANK, "name": "治理测试银行", "agreement_signed_on": "2021-05-01"}
        call(setup, "POST", "/api/enterprise/v1/partner-banks", json=bank_row, expect=201)
        for city, code in ENT.items():
            firm = {"uscc": code, "name": f"企业{city}", "city": city, "industry": "新材料"}
            call(setup, "POST", "/api/enterprise/v1/enterprises", json=firm, expect=201)
    bank = bank_client(st, BANK)

    def batch(*loans: dict[str, str]) -> httpx.Response:
        return bank.push_loans("gov", list(loans), idempotency_key=uuid.uuid4().hex)

    def upload(c: httpx.Client, content: bytes) -> httpx.Response:
        return call(c, "POST", f"{TR}/imports/tech-contracts",
                    files={"file": ("contracts.csv", content, "text/csv")})  # fmt: skip

    with admin, nn, lz, bank:
        # Nothing to decide yet: approving an open period is an illegal transition.
        r = call(admin, "POST", f"{RP}/approvals/2023-H1/{NN}/approve")
        assert r.status_code == 409
        assert r.json()["code"] == "approval_transition_invalid"
        # A bureau submits only its own city, and cannot decide.
        assert call(nn, "POST", f"{RP}/approvals/2023-H1/{LZ}/submit").status_code == 403
        assert call(nn, "POST", f"{RP}/approvals/2023-H1/{NN}/approve").status_code == 403

        submitted = call(nn, "POST", f"{RP}/approvals/2023-H1/{NN}/submit", expect=200).json()
        assert submitted["state"] == "submitted"
        assert submitted["submitted_by"]
        assert state(admin, NN)["state"] == "submitted"
        assert state(admin, LZ)["state"] == "open"
        own = call(nn, "GET", f"{RP}/approvals", params={"period": "2023-H1"}, expect=200)
        assert [row["city"] for row in own.json()] == [NN]

        # Locked: a write, a withdrawal-like change, a file, a bank batch dated in 2023-H1.
        locked(
            call(nn, "POST", f"{TR}/tech-contracts", json=contract("GOV-NN-1", NN, "2023-03-01"))
        )
        locked(call(nn, "POST", f"{PJ}/challenge-demands", json=demand(NN, "2023-03-01")))
        body = locked(
            upload(nn, contract_csv(("GOV-F-1", NN, "2023-07-02"), ("GOV-F-2", NN, "2023-03-01")))
        )
        assert [(e["row"], e["code"]) for e in body["errors"]] == [(2, "period_locked")]
        body = locked(batch(loan("GOV-L-1", LZ, "2023-03-01"), loan("GOV-L-2", NN, "2023-03-01")))
        assert [e["row"] for e in body["errors"]] == [2]
        # Refused whole: the file's good row and the batch's other-city loan are not stored.
        listed = call(admin, "GET", f"{TR}/tech-contracts",
                      params={"registration_no": "GOV-F-1"}, expect=200)  # fmt: skip
        assert listed.json()["items"] == []
        assert bank.reconciliation("2023-03-01").json()["count"] == 0

        # Outside the period, and another city, nothing changes.
        created(
            call(nn, "POST", f"{TR}/tech-contracts", json=contract("GOV-NN-7", NN, "2023-07-01"))
        )
        created(
            call(lz, "POST", f"{TR}/tech-contracts", json=contract("GOV-LZ-1", LZ, "2023-03-01"))
        )
        created(call(lz, "POST", f"{PJ}/challenge-demands", json=demand(LZ, "2023-03-01")))
        assert batch(loan("GOV-L-3", LZ, "2023-03-01")).status_code == 201

        # Returned with a comment: the bureau sees it and may write again.
        r = call(admin, "POST", f"{RP}/approvals/2023-H1/{NN}/return",
                 json={"comment": "技术合同数据不全，请补录后重新上报"}, expect=200)  # fmt: skip
        assert r.json()["state"] == "returned"
        mine = state(nn, NN)
        assert mine["state"] == "returned"
        assert mine["comment"] == "技术合同数据不全，请补录后重新上报"
        second = call(
            nn, "POST", f"{TR}/tech-contracts", json=contract("GOV-NN-2", NN, "2023-03-01")
        )
        created(second)
        assert upload(nn, contract_csv(("GOV-F-3", NN, "2023-03-01"))).status_code == 200
        assert batch(loan("GOV-L-4", NN, "2023-03-01")).status_code == 201

        # Submitted again and approved: still locked.
        call(nn, "POST", f"{RP}/approvals/2023-H1/{NN}/submit", expect=200)
        approved = call(admin, "POST", f"{RP}/approvals/2023-H1/{NN}/approve", expect=200).json()
        assert approved["state"] == "approved"
        locked(
            call(nn, "POST", f"{TR}/tech-contracts", json=contract("GOV-NN-3", NN, "2023-05-05"))
        )
        locked(batch(loan("GOV-L-4", NN, "2023-03-02")))  # changing a stored loan counts too
        # A withdrawal (revocation) of a March contract would change March's figures too.
        revoke = {"revoked_on": "2023-08-01"}
        locked(call(nn, "POST", f"{TR}/tech-contracts/{second.json()['id']}/revoke", json=revoke))
        # A repayment changes no figure: the bank may still report it.
        assert batch(loan("GOV-L-4", NN, "2023-03-01") | {"status": "repaid"}).status_code == 201
        # An approved period cannot be returned, only unlocked (with a reason).
        r = call(admin, "POST", f"{RP}/approvals/2023-H1/{NN}/return", json={"comment": "x"})
        assert r.status_code == 409
        assert r.json()["code"] == "approval_transition_invalid"
        assert (
            call(admin, "POST", f"{RP}/approvals/2023-H1/{NN}/unlock", json={}).status_code == 422
        )

        call(admin, "POST", f"{RP}/approvals/2023-H1/{NN}/unlock",
             json={"reason": "统计口径调整，需更正3月数据"}, expect=200)  # fmt: skip
        created(
            call(nn, "POST", f"{TR}/tech-contracts", json=contract("GOV-NN-4", NN, "2023-03-01"))
        )

        history = call(admin, "GET", f"{RP}/approvals/2023-H1/{NN}", expect=200).json()
        assert history["state"] == "open"
        steps = [(h["action"], h["from_state"], h["to_state"]) for h in history["history"]]
        assert steps == [
            ("submit", "open", "submitted"),
            ("return", "submitted", "returned"),
            ("submit", "returned", "submitted"),
            ("approve", "submitted", "approved"),
            ("unlock", "approved", "open"),
        ]
        unlock = history["history"][-1]
        assert unlock["comment"] == "统计口径调整，需更正3月数据"
        assert unlock["actor_role"] == "admin"
        assert unlock["actor"]
        # Another city was open throughout.
        assert state(admin, LZ)["state"] == "open"

        # The locks are reporting's alone: a caller cannot place or lift one directly.
        for c in (admin, nn):
            r = call(c, "DELETE", f"{TR}/period-locks/{NN}/2023-H1")
            assert r.status_code == 403, r.text


# ------------------------------------------------------------------ the dashboard page

GL = "450300"


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (CI is set, so this fails instead of skipping)")
        pytest.skip("Chromium is not installed: run `make browser`")
    return exe


def _signed_in(browser: Any, st: Stack, role: str, city: str | None = None) -> Any:
    page = browser.new_context(base_url=st.gateway, locale="zh-CN").new_page()
    page.set_default_timeout(20_000)
    page.goto("/")
    page.get_by_test_id("login-dev").wait_for()
    page.get_by_test_id("login-username").fill(f"gov-{role}")
    page.get_by_test_id("login-role").select_option(role)
    if city:
        page.get_by_test_id("login-city").select_option(city)
    page.get_by_test_id("login-submit").click()
    _governance(page)
    return page


def _governance(page: Any) -> None:
    """The 数据治理 tab for 2023-H1."""
    page.get_by_test_id("user-badge").wait_for()
    page.get_by_test_id("nav-governance").click()
    page.get_by_test_id("period-year").select_option("2023")
    page.get_by_test_id("period-kind").select_option("H1")
    page.locator('[data-testid=governance][data-state=ready][data-period="2023-H1"]').wait_for()


def test_dashboard_submit_return_and_the_grid(gov_stack: Stack) -> None:
    from playwright.sync_api import sync_playwright

    st = gov_stack
    if httpx.get(st.gateway + "/").status_code == 503:
        pytest.skip("the dashboard is not built: run `make web`")
    exe = _chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            bureau = _signed_in(browser, st, "city_bureau", GL)
            rows = bureau.get_by_test_id("approvals-table").locator("tbody tr")
            assert rows.count() == 1  # a bureau sees its own city only
            bureau.get_by_test_id(f"submit-{GL}").click()
            bureau.locator(
                f'[data-testid=approvals-table] tr[data-city="{GL}"][data-state=submitted]'
            ).wait_for()
            # Its own completeness row: six months of contracts expected, none received.
            grid = bureau.get_by_test_id("completeness-grid")
            assert grid.locator("tbody tr[data-city]").count() == 1
            assert "0/6" in grid.locator(f'tr[data-city="{GL}"]').inner_text()

            admin = _signed_in(browser, st, "admin")
            assert admin.get_by_test_id("approvals-table").locator("tbody tr").count() == 14
            admin.once("dialog", lambda d: d.accept("请补充3月技术合同"))
            admin.get_by_test_id(f"return-{GL}").click()
            admin.locator(
                f'[data-testid=approvals-table] tr[data-city="{GL}"][data-state=returned]'
            ).wait_for()

            bureau.reload()
            _governance(bureau)
            comment = bureau.get_by_test_id(f"approval-comment-{GL}")
            assert comment.inner_text() == "请补充3月技术合同"
        finally:
            browser.close()
    history = httpx.get(
        f"{st.gateway}{RP}/approvals/2023-H1/{GL}",
        headers={"X-API-Key": api_key(st, "admin")},
    ).json()["history"]
    assert [h["action"] for h in history] == ["submit", "return"]


# ------------------------------------------- a process lost in the middle of a submission

WZ = "450400"  # a city no other test here decides
WORKSTREAMS = ("enterprise", "projects", "talent", "transfer")


class HeldLockTable:
    """An open transaction holding talent's lock table: its PUT waits in the database."""

    def __init__(self, dsn: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.conn = self.loop.run_until_complete(asyncpg.connect(dsn))
        self.loop.run_until_complete(self.conn.execute("BEGIN"))
        self.loop.run_until_complete(
            self.conn.execute("LOCK TABLE talent.period_locks IN ACCESS EXCLUSIVE MODE")
        )

    def waiting(self) -> bool:
        n = self.loop.run_until_complete(
            self.conn.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND relation = 'talent.period_locks'::regclass"
            )
        )
        return bool(n)

    def release(self) -> None:
        self.loop.run_until_complete(self.conn.execute("ROLLBACK"))
        self.loop.run_until_complete(self.conn.close())
        self.loop.close()


def held_locks(
    st: Stack, service_token: str, names: tuple[str, ...] = WORKSTREAMS
) -> dict[str, set[tuple[str, str]]]:
    out = {}
    for name in names:
        r = httpx.get(
            f"{st.urls[name]}/v1/period-locks", headers={"X-Principal": service_token}, timeout=10
        )
        assert r.status_code == 200, r.text
        out[name] = {(row["city"], row["period"]) for row in r.json()}
    return out


def until(check: Any, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_process_lost_mid_submission_leaves_no_lock(gov_stack: Stack, pg: TestDatabase) -> None:
    """Talent's lock call is held in its database while the other three lock.

    Reporting killed there: its state was never committed, yet four services end up locked
    (talent's call completes once released); the next read of the approvals heals them.
    Talent killed there: the submission answers 503 naming talent, the three locks placed
    are released, the state stays open with no history."""
    st = gov_stack
    token = Tokens(pg.secrets).token("service")
    talent_dsn = normalise_dsn(st.dsns["talent"]).replace("postgresql+asyncpg", "postgresql")
    nobody: dict[str, set[tuple[str, str]]] = {s: set() for s in WORKSTREAMS}
    locked = {(WZ, "2023-H1")}
    wz_key = api_key(st, "city_bureau", city=WZ)
    with st.client(api_key(st, "admin")) as admin, st.client(wz_key) as wz:

        def submit(into: list[httpx.Response]) -> threading.Thread:
            def run() -> None:
                with st.client(wz_key) as own:  # a client of its own thread
                    into.append(own.post(f"{RP}/approvals/2023-H1/{WZ}/submit"))

            worker = threading.Thread(target=run)
            worker.start()
            return worker

        def others_locked() -> bool:
            others = tuple(s for s in WORKSTREAMS if s != "talent")  # talent's table is held
            return all(v == locked for v in held_locks(st, token, others).values())

        # 1. Reporting dies after the calls, before its commit.
        table, answers = HeldLockTable(talent_dsn), []
        worker = submit(answers)
        until(table.waiting, "talent's lock call did not reach its database")
        until(others_locked, "the other services did not lock")
        st.kill("reporting")
        worker.join(30)
        table.release()
        until(lambda: held_locks(st, token)["talent"] == locked, "talent's call did not finish")
        assert answers[0].status_code >= 500
        st.start("reporting")
        assert state(admin, WZ)["state"] == "open"  # this read heals
        assert held_locks(st, token) == nobody

        # 2. Talent dies while its lock call waits.
        table, answers = HeldLockTable(talent_dsn), []
        worker = submit(answers)
        until(table.waiting, "talent's lock call did not reach its database")
        st.kill("talent")
        worker.join(30)
        table.release()
        st.start("talent")
        r = answers[0]
        assert r.status_code == 503, r.text
        assert (r.json()["code"], r.json()["service"]) == ("period_lock_unavailable", "talent")
        assert "talent" in r.json()["detail"]
        assert held_locks(st, token) == nobody
        detail = call(admin, "GET", f"{RP}/approvals/2023-H1/{WZ}", expect=200).json()
        assert (detail["state"], detail["history"]) == ("open", [])
        # Nothing is left to heal, and the city submits normally afterwards.
        call(wz, "POST", f"{RP}/approvals/2023-H1/{WZ}/submit", expect=200)
        assert held_locks(st, token) == dict.fromkeys(WORKSTREAMS, locked)
