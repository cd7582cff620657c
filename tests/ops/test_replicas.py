"""The platform as several replicas behind a real load balancer (HAProxy), proven.

Two gateways and two replicas of each workstream service (one reporting) run as
processes behind HAProxy on this machine, on one PostgreSQL database, and the
tests run against that: the mixed load of tests/reliability/test_load.py (shorter),
concurrent identical bank batches over both gateways, a bank request replayed to
the other gateway, the shared per-client rate limit, and a replica killed under
load. Figures are printed (``-s`` shows them).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from devstack.pytest_plugin import TestDatabase
from examples.bank_client import build_request
from tests.e2e.gw import api_key, bank_client, uscc
from tests.ops.cluster import Cluster, haproxy, start_cluster
from tests.ops.monitoring import samples
from tests.reliability.fault_support import PRODUCTION_LIKE, Failure, Recorder, env_float
from tests.reliability.test_load import CITIES, RESOURCES, Actor, Worker, verify

pytestmark = [
    pytest.mark.skipif(
        haproxy() is None and not os.environ.get("CI"),
        reason="haproxy not installed (make ops-tools installs it; CI requires it)",
    ),
    pytest.mark.timeout(600),
]

LOAD_SECONDS = env_float("REPLICA_LOAD_SECONDS", 20.0)
KILL_LOAD_SECONDS = env_float("REPLICA_KILL_LOAD_SECONDS", 12.0)
WORKERS = 8
BANK = "REPLBANK"
# The two extra gateways' limit: small enough that one client's burst is visible.
RATE, BURST = 2.0, 10


@pytest.fixture(scope="module")
def cluster(pg: TestDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    workdir: Path = tmp_path_factory.mktemp("haproxy")
    gateway = dict(PRODUCTION_LIKE["gateway"])
    limited = {
        "GATEWAY_RATE_LIMIT_PER_SECOND": str(RATE),
        "GATEWAY_RATE_LIMIT_BURST": str(BURST),
    }
    with start_cluster(
        pg,
        "gxst_replicas",
        workdir,
        replicas={"gateway": 2, "projects": 2, "enterprise": 2, "talent": 2, "transfer": 2},
        env={"gateway": gateway},
        extra_gateways={"limited-1": limited, "limited-2": limited},
    ) as c:
        # Bank signatures cover the URL the bank used: the load balancer's, for every gateway.
        yield c


@pytest.fixture(scope="module")
def people(cluster: Cluster) -> list[Actor]:
    stack = cluster.stack()
    bureaus = [Actor(f"city_bureau {c}", api_key(stack, "city_bureau", city=c), c) for c in CITIES]
    return [Actor("admin", api_key(stack, "admin"), None), *bureaus]


async def run_load(
    cluster: Cluster, people: list[Actor], rec: Recorder, seconds: float, during: Any = None
) -> tuple[list[Any], list[str]]:
    """The mixed load through the load balancer; afterwards every acknowledged write."""
    limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
    lb = cluster.fronts["gateway"]
    clients = {
        a.name: httpx.AsyncClient(
            base_url=lb, headers={"X-API-Key": a.key}, timeout=30.0, limits=limits
        )
        for a in people
    }
    serial = itertools.count(random.randrange(10**6, 10**7) * 100)
    try:
        roles = [people[0] if i % 2 == 0 else people[1 + (i // 2) % 3] for i in range(WORKERS)]
        workers = [
            Worker(actor, clients[actor.name], rec, random.Random(i), serial)
            for i, actor in enumerate(roles)
        ]
        deadline = time.monotonic() + seconds
        jobs = [w.run(deadline) for w in workers]
        if during is not None:
            jobs.append(during())
        await asyncio.gather(*jobs)
        rec.stop()
        written = [w for worker in workers for w in worker.written]
        mismatches = [m for worker in workers for m in worker.mismatches]
        mismatches += await verify(written, clients, people)
    finally:
        for c in clients.values():
            await c.aclose()
    return written, mismatches


def served(replica_url: str) -> float:
    """Requests a replica answered outside probes and scrapes."""
    text = httpx.get(replica_url + "/metrics", timeout=10).text
    return sum(
        v
        for (name, labels), v in samples(text).items()
        if name == "http_server_request_duration_seconds_count"
        and dict(labels).get("route") not in ("/healthz", "/readyz", "/metrics")
    )


@pytest.mark.asyncio(loop_scope="session")
async def test_mixed_load_over_replicas(cluster: Cluster, people: list[Actor]) -> None:
    rec = Recorder()
    written, mismatches = await run_load(cluster, people, rec, LOAD_SECONDS)
    print("\n" + rec.table(f"mixed load over 2 gateways × 2 replicas, {WORKERS} workers"))
    assert not rec.server_errors, rec.failures_report()
    assert not rec.transport_errors, rec.failures_report()
    assert not rec.client_errors, rec.failures_report()
    assert not mismatches, "\n".join(mismatches[:30])
    assert {w.resource for w in written} == set(RESOURCES)
    print(f"verified {len(written)} acknowledged writes")
    # The load balancer really spread the work: every replica answered requests.
    counts = {name: served(rep.url) for name, rep in cluster.replicas.items()}
    print("requests per replica:", counts)
    assert all(n > 0 for n in counts.values()), counts


def loans(firm: str, n: int) -> list[dict[str, str]]:
    return [
        {"contract_no": f"RP-{i}", "uscc": firm, "enterprise_name": "副本企业",
         "amount": f"{100000 + i}.00", "disbursed_on": "2023-03-01",
         "maturity_on": "2024-03-01", "annual_rate": "3.45", "guarantee": "credit",
         "status": "disbursed"}
        for i in range(n)
    ]  # fmt: skip


def to_gateway(request: httpx.Request, gateway_url: str) -> httpx.Request:
    """The very request (signature included) sent to one gateway replica directly."""
    url = gateway_url + request.url.raw_path.decode()
    return httpx.Request(request.method, url, headers=request.headers, content=request.content)


@pytest.fixture(scope="module")
def bank(cluster: Cluster) -> Iterator[Any]:
    stack = cluster.stack()
    with stack.client(api_key(stack, "admin")) as admin:
        r = admin.post(
            "/api/enterprise/v1/partner-banks",
            json={"code": BANK, "name": "副本银行", "agreement_signed_on": "2021-05-01"},
        )
        assert r.status_code == 201, r.text
        firm = uscc("450100", 77001)
        r = admin.post(
            "/api/enterprise/v1/enterprises",
            json={"uscc": firm, "name": "副本企业", "city": "450100", "industry": "新材料"},
        )
        assert r.status_code == 201, r.text
    with bank_client(stack, BANK) as client:
        client.firm = firm
        yield client


@pytest.mark.asyncio(loop_scope="session")
async def test_identical_bank_batches_over_both_gateways(cluster: Cluster, bank: Any) -> None:
    key = uuid.uuid4().hex
    body = {"batch_ref": "replicas", "loans": loans(bank.firm, 20)}
    gateways = [r.url for r in cluster.of("gateway")]

    async def send(i: int, http: httpx.AsyncClient) -> httpx.Response:
        # A bank retries a 409 "still in flight" with the same key, each try signed afresh.
        for _ in range(20):
            signed = build_request(
                cluster.fronts["gateway"], bank.creds, "POST", "loan-batches",
                json_body=body, idempotency_key=key,
            )  # fmt: skip
            r = await http.send(to_gateway(signed, gateways[i % 2]))
            if r.status_code != 409:
                return r
            await asyncio.sleep(float(r.headers.get("retry-after", "1")))
        return r

    t0 = time.monotonic()
    async with httpx.AsyncClient(timeout=60) as http:
        answers = await asyncio.gather(*(send(i, http) for i in range(50)))
    print(f"\n50 identical batches over 2 gateways in {time.monotonic() - t0:.1f} s")
    assert {r.status_code for r in answers} == {201}, [(r.status_code, r.text) for r in answers]
    assert len({r.content for r in answers}) == 1
    assert sum(r.headers.get("idempotent-replayed") != "true" for r in answers) == 1
    batch_id = answers[0].json()["batch_id"]
    stored = bank.batch(batch_id)
    assert stored.status_code == 200
    assert stored.json()["created"] == 20
    # Exactly one batch and its 20 loans in the database, whichever replicas took them.
    conn = await asyncpg.connect(cluster.dsns["enterprise"])
    try:
        batches = await conn.fetchval(
            "SELECT count(*) FROM enterprise.loan_batches WHERE bank_code = $1", BANK
        )
        stored_loans = await conn.fetchval(
            "SELECT count(*) FROM enterprise.loans WHERE bank_code = $1", BANK
        )
    finally:
        await conn.close()
    assert (batches, stored_loans) == (1, 20)


def test_bank_request_replayed_to_the_other_gateway_is_refused(cluster: Cluster, bank: Any) -> None:
    one, two = (r.url for r in cluster.of("gateway"))
    signed = build_request(cluster.fronts["gateway"], bank.creds, "GET", "listed-enterprises")
    with httpx.Client(timeout=30) as http:
        first = http.send(to_gateway(signed, one))
        assert first.status_code == 200, first.text
        again = http.send(to_gateway(signed, two))
    assert again.status_code == 401
    assert again.json()["code"] == "replayed_nonce"


@pytest.fixture(scope="module")
def analyst_key(cluster: Cluster) -> str:
    return api_key(cluster.stack(), "analyst")


@pytest.mark.asyncio(loop_scope="session")
async def test_rate_limit_holds_across_gateways(cluster: Cluster, analyst_key: str) -> None:
    key = analyst_key
    gateways = [r.url for r in cluster.extra.values()]
    gate = asyncio.Semaphore(20)

    async def one(i: int, http: httpx.AsyncClient) -> int:
        async with gate:
            r = await http.get(
                gateways[i % 2] + "/api/projects/v1/challenge-demands",
                params={"limit": 1},
                headers={"X-API-Key": key},
            )
            return r.status_code

    async with httpx.AsyncClient(timeout=30) as http:
        t0 = time.monotonic()
        codes = await asyncio.gather(*(one(i, http) for i in range(80)))
        elapsed = time.monotonic() - t0
    granted = codes.count(200)
    allowed = BURST + RATE * elapsed
    print(
        f"\nrate limit {RATE:g}/s burst {BURST} over 2 gateways: {granted} of 80 granted "
        f"in {elapsed:.2f} s (shared bucket allows {allowed:.1f}; "
        f"one bucket per gateway would allow {2 * allowed:.1f})"
    )
    assert set(codes) <= {200, 429}, codes
    assert BURST <= granted <= allowed + 1
    assert granted < 2 * BURST  # each gateway did not grant its own burst


@dataclass
class RetryingRecorder(Recorder):
    """A client that retries a 502/503/504 or a cut connection, as a caller should."""

    retried: list[Failure] = field(default_factory=list)

    async def send(
        self,
        client: httpx.AsyncClient,
        kind: str,
        method: str,
        path: str,
        *,
        allowed: frozenset[int] = frozenset(),
        **kw: Any,
    ) -> httpx.Response | None:
        for attempt in range(6):
            r = await super().send(client, kind, method, path, allowed=allowed, **kw)
            if (r is not None and r.status_code not in (502, 503, 504)) or attempt == 5:
                return r
            # super().send appended this failure last (no await since): keep it aside.
            failures = self.transport_errors if r is None else self.server_errors
            self.retried.append(failures.pop())
            await asyncio.sleep(0.2 * (attempt + 1))
        return None


@pytest.mark.asyncio(loop_scope="session")
async def test_replica_killed_under_load(cluster: Cluster, people: list[Actor]) -> None:
    rec = RetryingRecorder()
    victim = "projects-2"
    killed_at: list[float] = []

    async def kill_midway() -> None:
        await asyncio.sleep(KILL_LOAD_SECONDS / 3)
        killed_at.append(time.monotonic())
        await asyncio.to_thread(cluster.kill, victim)

    written, mismatches = await run_load(cluster, people, rec, KILL_LOAD_SECONDS, kill_midway)
    assert written
    print(
        "\n"
        + rec.table(f"mixed load, {victim} killed with SIGKILL after {KILL_LOAD_SECONDS / 3:.0f} s")
    )
    print(f"answers retried by the clients: {len(rec.retried)}; after retries: "
          f"5xx {len(rec.server_errors)}, no answer {len(rec.transport_errors)}")  # fmt: skip
    for f in rec.retried[:10]:
        print(f"  retried {f.kind} {f.method} {f.path} → {f.status}")
    assert killed_at
    assert not rec.server_errors, rec.failures_report()
    assert not rec.transport_errors, rec.failures_report()
    assert not rec.client_errors, rec.failures_report()
    assert not mismatches, "\n".join(mismatches[:30])
    # The survivor carried projects after the kill.
    after = [e for e in rec.events if e.sent > killed_at[0] + 1 and e.status in (200, 201)]
    assert any(e.kind.startswith(("challenge_demand", "funded_project")) for e in after)
    assert cluster.backend_up("projects") == 1
