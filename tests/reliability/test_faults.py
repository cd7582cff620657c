"""Faults: the enterprise service killed inside a bank batch; PostgreSQL restarted under load.

Both run against real processes on a PostgreSQL server of this module's own (the
session's shared server is never stopped: other tests hold connections on it).
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from devstack.layout import ALL
from devstack.pytest_plugin import Tokens
from examples.bank_client import BankClient
from tests.e2e.conftest import Stack, start_stack
from tests.e2e.gw import api_key, bank_client, uscc
from tests.reliability.fault_support import (
    UNLIMITED,
    OwnPostgres,
    Recorder,
    env_float,
    is_problem,
    own_postgres,
    wait_until,
)

DATABASE = "gxst_faults"
NANNING, LIUZHOU = "450100", "450200"
BANK = "FAULTBANK"
# 10,000 loans is the largest batch the interface takes: the most work to interrupt.
BATCH_SIZE = int(env_float("RELIABILITY_BATCH_SIZE", 10_000))
OUTAGE_SECONDS = env_float("RELIABILITY_OUTAGE_SECONDS", 3.0)
# How long a request may take while the database is down: an answer, not a hang.
FAIL_FAST_SECONDS = 5.0
RECOVERY_SECONDS = 30.0


@dataclass
class Faults:
    own: OwnPostgres
    stack: Stack
    admin_key: str
    tokens: Tokens
    bank: BankClient
    serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def admin_dsn(self) -> str:
        return self.own.admin_dsn(DATABASE)

    def direct(self, name: str, role: str = "admin", city: str | None = None) -> httpx.AsyncClient:
        """A client straight to a service, carrying a principal signed as the gateway would."""
        return httpx.AsyncClient(
            base_url=self.stack.urls[name],
            headers=self.tokens.headers(role, city=city),
            timeout=30.0,
        )

    def via_gateway(self, key: str | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.stack.gateway, headers={"X-API-Key": key or self.admin_key}, timeout=30.0
        )


@pytest.fixture(scope="module")
def faults() -> Iterator[Faults]:
    with (
        own_postgres() as own,
        start_stack(own.database, DATABASE, env=UNLIMITED) as stack,
        # Registered here: the gateway CLI runs an event loop of its own.
        bank_client(stack, BANK) as bank,
    ):
        yield Faults(own, stack, api_key(stack, "admin"), Tokens(own.secrets), bank)


# --------------------------------------------------------------------------- kill mid batch


def loans(n: int, prefix: str) -> list[dict[str, str]]:
    borrowers = [uscc(NANNING, 880001), uscc(LIUZHOU, 880002), uscc(NANNING, 880003)]
    return [
        {
            "contract_no": f"{prefix}-{i:06d}",
            "uscc": borrowers[i % len(borrowers)],
            "enterprise_name": "广西某科技有限公司",
            "amount": f"{100_000 + i}.{i % 100:02d}",
            "disbursed_on": "2023-03-15",
            "maturity_on": "2025-03-14",
            "annual_rate": "3.45",
            "guarantee": "credit",
            "status": "disbursed",
        }
        for i in range(n)
    ]


async def stored(conn: asyncpg.Connection, key: str) -> tuple[int, int, int]:
    """(loans, batches, idempotency records) of the fault bank; the key's records only."""
    row = await conn.fetchrow(
        """SELECT (SELECT count(*) FROM enterprise.loans WHERE bank_code = $1),
                  (SELECT count(*) FROM enterprise.loan_batches WHERE bank_code = $1),
                  (SELECT count(*) FROM enterprise.idempotency_keys
                    WHERE bank_code = $1 AND key = $2)""",
        BANK,
        key,
    )
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


# The batch's one statement that writes loans reads the rows COPYed into its temp table.
IN_BATCH = """
SELECT pid, state, wait_event_type FROM pg_stat_activity
WHERE usename = 'gxst_enterprise' AND datname = $1 AND state = 'active'
  AND query LIKE '%pg_temp.loan_input_%'
"""


@pytest.mark.asyncio(loop_scope="session")
async def test_kill_mid_bank_batch(faults: Faults) -> None:
    """SIGKILL inside the batch: nothing stored, and the retry stores it exactly once.

    To kill the process while it is provably inside the batch, the test holds a SHARE
    lock on enterprise.loans: the batch row is inserted, the loans are COPYed into the
    temp table, and the upsert then waits for the lock with its transaction open —
    visible in pg_stat_activity. That is when the enterprise service is killed.
    """
    st, bank = faults.stack, faults.bank
    async with faults.via_gateway() as admin:
        # Recorded before its signing key was registered (tests.e2e.gw.bank_client).
        r = await admin.get(f"/api/enterprise/v1/partner-banks/{BANK}")
        assert r.json()["status"] == "active", r.text
    batch = loans(BATCH_SIZE, "KILL")
    key = f"kill-{uuid.uuid4()}"

    def push() -> httpx.Response:
        # The reference client signs every attempt afresh; the key and body stay the same.
        return bank.push_loans("kill-test", batch, idempotency_key=key)

    conn = await asyncpg.connect(faults.admin_dsn())
    brake = await asyncpg.connect(faults.admin_dsn())
    try:
        assert await stored(conn, key) == (0, 0, 0)
        held = brake.transaction()
        await held.start()
        await brake.execute("LOCK TABLE enterprise.loans IN SHARE MODE")
        first = asyncio.create_task(asyncio.to_thread(push))
        # Parsing and validating 10,000 loans, inserting the batch row and copying the
        # loans come first; then the upsert runs (and waits on the lock): poll for it.
        inside: list[asyncpg.Record] = []

        async def in_batch() -> bool:
            assert not first.done(), first.result().text
            inside[:] = await conn.fetch(IN_BATCH, DATABASE)
            return bool(inside)

        await wait_until(in_batch, within=60, interval=0.01, what="the batch in flight")
        backend = inside[0]["pid"]
        t0 = time.monotonic()
        st.kill("enterprise")
        answer = await asyncio.wait_for(first, FAIL_FAST_SECONDS)
        answered_in = time.monotonic() - t0
        # The bank gets the gateway's own problem at once: the upstream went away.
        assert answer.status_code == 502, answer.text
        assert is_problem(answer), answer.headers
        assert answer.json()["code"] == "upstream_unavailable", answer.text
        assert answered_in < FAIL_FAST_SECONDS
        print(
            f"\nkilled enterprise with its batch's upsert {inside[0]['state']} "
            f"(waiting on {inside[0]['wait_event_type']}); the bank got "
            f"{answer.status_code} after {answered_in:.2f} s"
        )

        # The orphaned backend finishes its statement once the lock is free, finds its
        # client gone and rolls back: nothing of the batch may be committed.
        await held.rollback()

        async def backend_gone() -> bool:
            alive = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", backend
            )
            return bool(alive == 0)

        await wait_until(backend_gone, within=30, what="the orphaned backend gone")
        # No loans, no batch row, and no idempotency record that a retry would replay.
        assert await stored(conn, key) == (0, 0, 0)

        # While the service is down a retry fails fast and stores nothing.
        t0 = time.monotonic()
        down = await asyncio.to_thread(push)
        assert time.monotonic() - t0 < FAIL_FAST_SECONDS
        assert down.status_code == 502, down.text
        assert is_problem(down)

        await asyncio.to_thread(st.start, "enterprise")
        retry = await asyncio.to_thread(push)
        assert retry.status_code == 201, retry.text
        assert "idempotent-replayed" not in retry.headers
        summary = retry.json()
        assert (summary["received"], summary["created"]) == (BATCH_SIZE, BATCH_SIZE)
        assert (summary["updated"], summary["unchanged"]) == (0, 0)
        assert await stored(conn, key) == (BATCH_SIZE, 1, 1)

        again = await asyncio.to_thread(push)
        assert again.status_code == 201, again.text
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.content == retry.content
        assert await stored(conn, key) == (BATCH_SIZE, 1, 1)
        print(f"retry stored {BATCH_SIZE} loans once; the second retry was replayed")
        total = await conn.fetchval(
            "SELECT sum(amount) FROM enterprise.loans WHERE bank_code = $1", BANK
        )
        assert total == sum(Decimal(loan["amount"]) for loan in batch)
    finally:
        await brake.close()
        await conn.close()


# --------------------------------------------------------------------------- PostgreSQL restart

DB_COMPONENTS = [c.name for c in ALL]  # every service and the gateway own a schema


def demand_body(n: int, city: str = NANNING) -> dict[str, Any]:
    return {
        "title": f"故障演练需求{n}",
        "organisation_name": "南宁某企业",
        "organisation_uscc": uscc(city, 500_000 + n),
        "city": city,
        "field": "新材料",
        "budget": "2000000.00",
        "submitted_on": "2023-03-15",
    }


def contract_body(n: int) -> dict[str, Any]:
    return {
        "registration_no": f"23450101{n:08d}",
        "type": "development_commissioned",
        "title": "故障演练合同",
        "seller_name": "广西大学",
        "seller_region": NANNING,
        "buyer_name": "柳州某公司",
        "buyer_region": LIUZHOU,
        "contract_amount": "1000000.00",
        "tech_transaction_amount": "800000.00",
        "signed_on": "2022-11-01",
        "registered_on": "2023-03-10",
        "city": NANNING,
    }


def enterprise_body(n: int) -> dict[str, Any]:
    return {"uscc": uscc(NANNING, 600_000 + n), "name": f"企业{n}", "city": NANNING,
            "industry": "电子信息"}  # fmt: skip


def probe_writes(faults: Faults) -> dict[str, tuple[str, dict[str, Any]]]:
    """One new record per workstream service: its collection path and body."""
    n = next(faults.serial)
    person = {"name": f"人员{n}", "organisation": "广西大学", "city": NANNING, "field": "化学"}
    return {
        "projects": ("/v1/challenge-demands", demand_body(n)),
        "enterprise": ("/v1/enterprises", enterprise_body(n)),
        "talent": ("/v1/people", person),
        "transfer": ("/v1/tech-contracts", contract_body(n)),
    }


READS = {
    "projects": "/v1/challenge-demands",
    "enterprise": "/v1/enterprises",
    "talent": "/v1/people",
    "transfer": "/v1/tech-contracts",
    "reporting": "/v1/reports/published",
}
GET_BY_ID = {
    "projects": "/v1/challenge-demands/{id}",  # the fast read path (raw asyncpg pool)
    "enterprise": "/v1/enterprises/{uscc}",
    "talent": "/v1/people/{id}",
    "transfer": "/v1/tech-contracts/{id}",  # the fast read path
}


async def light_load(
    faults: Faults, rec: Recorder, stop: asyncio.Event, acked: list[tuple[str, str]]
) -> None:
    """A few requests a second through the gateway: a write, then reading it back."""
    async with faults.via_gateway() as gw:
        while not stop.is_set():
            n = next(faults.serial)
            r = await rec.send(
                gw,
                "load.write",
                "POST",
                "/api/projects/v1/challenge-demands",
                json=demand_body(n),
                allowed=frozenset({503}),
            )
            if r is not None and r.status_code == 201:
                acked.append((r.json()["id"], f"故障演练需求{n}"))
                await rec.send(
                    gw,
                    "load.read",
                    "GET",
                    f"/api/projects/v1/challenge-demands/{r.json()['id']}",
                    allowed=frozenset({503}),
                )
            await asyncio.sleep(0.05)


async def watch_readiness(
    st: Stack, stop: asyncio.Event, seen: list[tuple[float, str, int]]
) -> None:
    """Every component's /readyz, four times a second: (sent at, component, status)."""
    async with httpx.AsyncClient(timeout=FAIL_FAST_SECONDS) as c:
        while not stop.is_set():
            for name in DB_COMPONENTS:
                sent = time.monotonic()
                try:
                    status = (await c.get(st.urls[name] + "/readyz")).status_code
                except httpx.HTTPError:
                    status = 0
                seen.append((sent, name, status))
            await asyncio.sleep(0.25)


@pytest.mark.asyncio(loop_scope="session")
async def test_postgres_restart_under_load(faults: Faults) -> None:
    """Stop PostgreSQL (fast shutdown) under load and start it again on the same port.

    While it is down every /readyz answers 503 naming the database, and requests fail
    fast with a 503 problem (never a 500, never a hang). Once it is back, every service
    answers reads and writes again within a bounded time, without being restarted.
    """
    st = faults.stack
    pids = {name: proc.pid for name, proc in st.procs.items()}
    rec = Recorder()
    stop = asyncio.Event()
    acked: list[tuple[str, str]] = []
    readiness: list[tuple[float, str, int]] = []

    async def every_ready() -> bool:
        async with httpx.AsyncClient(timeout=5) as c:
            codes = [(await c.get(st.urls[n] + "/readyz")).status_code for n in DB_COMPONENTS]
        return all(code == 200 for code in codes)

    tasks = [asyncio.create_task(light_load(faults, rec, stop, acked)) for _ in range(4)]
    tasks.append(asyncio.create_task(watch_readiness(st, stop, readiness)))
    try:
        await asyncio.sleep(2.0)
        assert rec.total > 0
        assert not rec.server_errors, rec.failures_report()

        down_at = time.monotonic()
        await asyncio.to_thread(faults.own.stop)
        stopped_at = time.monotonic()
        print(f"\nPostgreSQL stopped in {stopped_at - down_at:.2f} s")
        await check_outage(faults)
        await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))

        up_at = time.monotonic()
        await asyncio.to_thread(faults.own.start)
        took = await wait_until(every_ready, within=RECOVERY_SECONDS, what="every /readyz 200")
        ready_at = time.monotonic()
        print(f"PostgreSQL back; every /readyz 200 after {took:.2f} s")
        await check_recovered(faults)
        await asyncio.sleep(2.0)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    rec.stop()
    print(rec.table("light load through the gateway, across the restart").split("\n")[0])

    # Readiness told the truth all along: ready before, 503 while down, ready after.
    for name in DB_COMPONENTS:
        mine = [(t, status) for t, n, status in readiness if n == name]
        assert all(status == 200 for t, status in mine if t < down_at), (name, mine)
        outage = [status for t, status in mine if stopped_at < t < up_at]
        assert outage, f"{name}: no readiness probe during the outage"
        assert set(outage) == {503}, (name, outage)
        assert all(status == 200 for t, status in mine if t > ready_at), (name, mine)

    # Never a 500 and never silence; 503 only while the database was away.
    assert all(f.status == 503 for f in rec.server_errors), rec.failures_report()
    assert not rec.transport_errors, rec.failures_report()
    assert not rec.client_errors, rec.failures_report()
    for kind, values in rec.latencies.items():
        assert max(values) < FAIL_FAST_SECONDS * 1000, (kind, max(values))
    ok = (200, 201)
    before = [e for e in rec.events if e.answered < down_at and e.status not in ok]
    assert not before, f"failures before the database went down: {before}"
    after = [e for e in rec.events if e.sent > ready_at]
    assert after, "no load after the recovery"
    failed_after = [e for e in after if e.status not in ok]
    assert not failed_after, f"failures after recovery: {failed_after}"
    during = [e for e in rec.events if stopped_at < e.sent < up_at]
    assert during, "no load while the database was down"
    assert {e.status for e in during} == {503}, during
    print(f"while the database was down: {len(during)} requests, all 503")

    # Every acknowledged write survived the restart.
    async with faults.via_gateway() as gw:
        for demand_id, title in acked:
            r = await gw.get(f"/api/projects/v1/challenge-demands/{demand_id}")
            assert r.status_code == 200, r.text
            assert r.json()["title"] == title
    print(f"{len(acked)} acknowledged writes read back after the restart")

    # Nobody restarted the services: the same processes answered throughout.
    assert {name: proc.pid for name, proc in st.procs.items()} == pids
    assert all(proc.poll() is None for proc in st.procs.values())


async def check_outage(faults: Faults) -> None:
    st = faults.stack
    async with httpx.AsyncClient(timeout=FAIL_FAST_SECONDS * 2) as c:
        for name in DB_COMPONENTS:
            t0 = time.monotonic()
            r = await c.get(st.urls[name] + "/readyz")
            assert time.monotonic() - t0 < FAIL_FAST_SECONDS, name
            assert r.status_code == 503, (name, r.status_code, r.text)
            assert is_problem(r), (name, r.headers)
            body = r.json()
            assert body["code"] == "database_unavailable", (name, body)
            assert body["title"] == "数据库暂不可用", (name, body)
    # Straight to each service: its own database error, as a 503 problem.
    for name, (path, body) in probe_writes(faults).items():
        async with faults.direct(name) as c:
            for method, url, payload in (("GET", READS[name], None), ("POST", path, body)):
                t0 = time.monotonic()
                r = await c.request(method, url, json=payload)
                took = time.monotonic() - t0
                assert r.status_code == 503, (name, method, r.status_code, r.text)
                assert is_problem(r), (name, r.headers)
                assert r.json()["code"] == "database_unavailable", (name, r.text)
                assert r.headers.get("retry-after"), (name, r.headers)
                assert took < FAIL_FAST_SECONDS, (name, method, took)
    async with faults.direct("projects") as c:
        r = await c.get(f"/v1/challenge-demands/{uuid.uuid4()}")
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "database_unavailable"
    async with faults.direct("reporting") as c:
        r = await c.get(READS["reporting"])
        assert r.status_code == 503, r.text
        # The report is assembled from the services, which answer 503 themselves.
        t0 = time.monotonic()
        r = await c.get("/v1/reports/consolidated", params={"period": "2023-H1"})
        assert r.status_code == 503, r.text
        assert is_problem(r)
        assert time.monotonic() - t0 < FAIL_FAST_SECONDS
    # Through the gateway (which needs its own database to check the key): 503 as well.
    async with faults.via_gateway() as gw:
        for name in READS:
            r = await gw.get(f"/api/{name}{READS[name]}")
            assert r.status_code == 503, (name, r.status_code, r.text)
            assert is_problem(r)
            assert r.headers.get("retry-after"), (name, r.headers)


async def check_recovered(faults: Faults) -> None:
    """Reads and writes on every service, direct and through the gateway, the report too."""
    for name, (path, body) in probe_writes(faults).items():
        async with faults.direct(name) as c:
            r = await c.post(path, json=body)
            assert r.status_code == 201, (name, r.text)
            ident = r.json().get("id") or r.json().get("uscc")
            got = await c.get(GET_BY_ID[name].format(id=ident, uscc=ident))
            assert got.status_code == 200, (name, got.text)
            listed = await c.get(READS[name])
            assert listed.status_code == 200, (name, listed.text)
    async with faults.direct("transfer") as c:
        # The fast read path's list (raw asyncpg pool), after its connections died.
        r = await c.get("/v1/tech-contracts", params={"limit": 5})
        assert r.status_code == 200, r.text
    async with faults.via_gateway() as gw:
        for name, (path, body) in probe_writes(faults).items():
            r = await gw.post(f"/api/{name}{path}", json=body)
            assert r.status_code == 201, (name, r.text)
        for name in READS:
            r = await gw.get(f"/api/{name}{READS[name]}")
            assert r.status_code == 200, (name, r.text)
        r = await gw.get("/api/reporting/v1/reports/consolidated", params={"period": "2023-H1"})
        assert r.status_code == 200, r.text
        body = {"period": "2023-H1", "approval_override": "测试：未经审核发布"}
        r = await gw.post("/api/reporting/v1/reports/published", json=body)
        assert r.status_code == 201, r.text
        r = await gw.get("/api/reporting/v1/reports/published")
        assert r.status_code == 200, r.text
        assert r.json()["items"], r.text
