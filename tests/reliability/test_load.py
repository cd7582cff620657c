"""A mixed read/write load through the gateway: no 5xx, and every acknowledged write kept.

Workers (an admin's key and three city bureaus' keys) create and update records of
the four workstream services through their public gateway routes, read them back,
page through lists, read indicators and now and then the consolidated report, for
``RELIABILITY_LOAD_SECONDS`` (60 by default) with ``RELIABILITY_LOAD_WORKERS``
concurrent workers (12). Afterwards every acknowledged write is read by id with the
acknowledged content, and found in the lists.

Each record is written only by the worker that created it, one request at a time, so
the acknowledged content is known exactly.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest

from devstack.pytest_plugin import TestDatabase
from tests.e2e.conftest import Stack, start_stack
from tests.e2e.gw import api_key, uscc
from tests.reliability.fault_support import PRODUCTION_LIKE, Recorder, env_float, env_int

LOAD_SECONDS = env_float("RELIABILITY_LOAD_SECONDS", 60.0)
WORKERS = env_int("RELIABILITY_LOAD_WORKERS", 12)
CITIES = ("450100", "450200", "450300")
MONEY = frozenset(
    {"budget", "funding_amount", "revenue", "contract_amount", "tech_transaction_amount"}
)
H1 = {"from": "2023-01-01", "to": "2023-06-30"}


@dataclass(frozen=True)
class Resource:
    name: str
    service: str
    path: str  # the collection's path under /api/{service}
    id_field: str = "id"

    @property
    def collection(self) -> str:
        return f"/api/{self.service}{self.path}"

    def item(self, ident: str) -> str:
        return f"{self.collection}/{ident}"


DEMAND = Resource("challenge_demand", "projects", "/v1/challenge-demands")
PROJECT = Resource("funded_project", "projects", "/v1/funded-projects")
ENTERPRISE = Resource("enterprise", "enterprise", "/v1/enterprises", id_field="uscc")
TRAINING = Resource("training_session", "enterprise", "/v1/training-sessions")
PERSON = Resource("person", "talent", "/v1/people")
GRANT = Resource("young_phd_grant", "talent", "/v1/young-phd-grants")
INSTITUTION = Resource("institution", "transfer", "/v1/institutions")
TRANSFER = Resource("transfer_record", "transfer", "/v1/transfer-records")
CONTRACT = Resource("tech_contract", "transfer", "/v1/tech-contracts")
RESOURCES = (DEMAND, PROJECT, ENTERPRISE, TRAINING, PERSON, GRANT, INSTITUTION, TRANSFER, CONTRACT)


@dataclass
class Actor:
    name: str
    key: str
    city: str | None  # a city bureau's own city; None for the admin


@dataclass
class Written:
    """An acknowledged write: what the platform promised to keep."""

    resource: Resource
    ident: str
    city: str
    expected: dict[str, Any]
    owner: Actor
    updates: int = 0


def matches(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """The fields whose stored value differs from the acknowledged one."""
    diffs = []
    for name, want in expected.items():
        have = got.get(name, "<missing>")
        if name in MONEY and want is not None and have is not None:
            same = Decimal(str(want)) == Decimal(str(have))
        else:
            same = want == have
        if not same:
            diffs.append(f"{name}: acknowledged {want!r}, stored {have!r}")
    return diffs


def money(rng: random.Random, top: int = 9_999_999) -> str:
    return f"{rng.randint(1, top)}.{rng.randint(0, 99):02d}"


def day(rng: random.Random) -> str:
    return f"2023-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"


@dataclass
class Worker:
    actor: Actor
    http: httpx.AsyncClient
    rec: Recorder
    rng: random.Random
    serial: Iterator[int]
    written: list[Written] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    def city(self) -> str:
        return self.actor.city or self.rng.choice(CITIES)

    def mine(self, resource: Resource, **where: Any) -> Written | None:
        fits = [
            w
            for w in self.written
            if w.resource is resource and all(w.expected.get(k) == v for k, v in where.items())
        ]
        return self.rng.choice(fits) if fits else None

    async def create(self, resource: Resource, body: dict[str, Any], city: str) -> Written | None:
        r = await self.rec.send(
            self.http, f"{resource.name}.create", "POST", resource.collection, json=body
        )
        if r is None or r.status_code != 201:
            return None
        got = r.json()
        written = Written(resource, str(got[resource.id_field]), city, dict(body), self.actor)
        self.written.append(written)
        self.check(written, got, "create answer")
        return written

    async def change(
        self, written: Written, method: str, path: str, body: dict[str, Any], new: dict[str, Any]
    ) -> None:
        r = await self.rec.send(
            self.http, f"{written.resource.name}.update", method, path, json=body
        )
        if r is not None and r.status_code == 200:
            written.expected.update(new)
            written.updates += 1
            self.check(written, r.json(), "update answer")

    def check(self, written: Written, got: dict[str, Any], what: str) -> None:
        diffs = matches(written.expected, got)
        if diffs:
            self.mismatches.append(f"{written.resource.name} {written.ident} ({what}): {diffs}")

    # ---- writes

    async def create_demand(self) -> None:
        n, city = next(self.serial), self.city()
        body = {
            "title": f"负载需求{n}",
            "organisation_name": f"企业{n}",
            "organisation_uscc": uscc(city, n),
            "city": city,
            "field": "新材料",
            "budget": money(self.rng),
            "submitted_on": day(self.rng),
        }
        w = await self.create(DEMAND, body, city)
        if w:
            w.expected["status"] = "submitted"

    async def review_demand(self) -> None:
        w = self.mine(DEMAND, status="submitted")
        if w is None:
            return await self.create_demand()
        path = DEMAND.item(w.ident) + "/transitions"
        r = await self.rec.send(
            self.http,
            "challenge_demand.update",
            "POST",
            path,
            json={"to": "under_review", "on": "2023-07-01"},
        )
        if r is not None and r.status_code in (200, 201):
            w.expected["status"] = "under_review"
            w.updates += 1
        return None

    async def create_project(self) -> None:
        n, city = next(self.serial), self.city()
        body = {
            "project_code": f"LOAD-{n}",
            "name": f"负载项目{n}",
            "category": self.rng.choice(["major_special", "key_rd", "platform"]),
            "field": "先进制造",
            "lead_organisation_name": f"单位{n}",
            "lead_organisation_uscc": uscc(city, n),
            "city": city,
            "approved_on": day(self.rng),
            "funding_amount": money(self.rng),
        }
        await self.create(PROJECT, body, city)

    async def update_project(self) -> None:
        w = self.mine(PROJECT)
        if w is None:
            return await self.create_project()
        body = {"funding_amount": money(self.rng), "name": f"{w.expected['name']}′"}
        await self.change(w, "PATCH", PROJECT.item(w.ident), body, body)
        return None

    async def create_enterprise(self) -> None:
        n, city = next(self.serial), self.city()
        body = {"uscc": uscc(city, n), "name": f"负载企业{n}", "city": city, "industry": "电子信息"}
        await self.create(ENTERPRISE, body, city)

    async def update_enterprise(self) -> None:
        w = self.mine(ENTERPRISE)
        if w is None:
            return await self.create_enterprise()
        body = {"name": f"{w.expected['name']}′", "industry": self.rng.choice(["新材料", "生物"])}
        await self.change(w, "PATCH", ENTERPRISE.item(w.ident), body, body)
        return None

    async def create_training(self) -> None:
        city = self.city()
        body = {
            "city": city,
            "topic": f"高企申报辅导{next(self.serial)}",
            "held_on": day(self.rng),
            "attendees": self.rng.randint(1, 300),
        }
        w = await self.create(TRAINING, body, city)
        if w:
            w.expected["cancelled_on"] = None

    async def cancel_training(self) -> None:
        w = self.mine(TRAINING, cancelled_on=None)
        if w is None:
            return await self.create_training()
        body = {"cancelled_on": "2023-07-01"}
        await self.change(w, "POST", TRAINING.item(w.ident) + "/cancel", body, body)
        return None

    async def create_person(self) -> None:
        n, city = next(self.serial), self.city()
        body = {"name": f"人员{n}", "organisation": "广西大学", "city": city, "field": "化学"}
        await self.create(PERSON, body, city)

    async def create_grant(self) -> None:
        person = self.mine(PERSON)
        if person is None:
            return await self.create_person()
        body = {
            "person_id": person.ident,
            "university": "广西大学",
            "amount": money(self.rng, 200_000),
            "awarded_on": day(self.rng),
        }
        w = await self.create(GRANT, body, person.city)
        if w:
            w.expected.update(status="awarded", city=person.city)
        return None

    async def revoke_grant(self) -> None:
        w = self.mine(GRANT, status="awarded")
        if w is None:
            return await self.create_grant()
        body = {"status": "revoked"}
        await self.change(w, "PATCH", GRANT.item(w.ident), body, body)
        return None

    async def create_institution(self) -> None:
        n, city = next(self.serial), self.city()
        body = {"name": f"负载研究院{n}", "kind": self.rng.choice(["university", "institute"]),
                "city": city}  # fmt: skip
        await self.create(INSTITUTION, body, city)

    async def create_transfer(self) -> None:
        inst = self.mine(INSTITUTION)
        if inst is None:
            return await self.create_institution()
        body = {
            "institution_id": inst.ident,
            "title": f"成果{next(self.serial)}",
            "method": self.rng.choice(["transfer", "licence", "equity"]),
            "transferred_on": day(self.rng),
            "revenue": money(self.rng),
        }
        w = await self.create(TRANSFER, body, inst.city)
        if w:
            w.expected["status"] = "recorded"
        return None

    async def withdraw_transfer(self) -> None:
        w = self.mine(TRANSFER, status="recorded")
        if w is None:
            return await self.create_transfer()
        path = TRANSFER.item(w.ident) + "/withdraw"
        await self.change(w, "POST", path, {}, {"status": "withdrawn"})
        return None

    async def create_contract(self) -> None:
        n, city = next(self.serial), self.city()
        amount = Decimal(money(self.rng))
        body = {
            "registration_no": f"23{n:014d}",
            "type": "development_commissioned",
            "title": f"负载合同{n}",
            "seller_name": "广西大学",
            "seller_region": city,
            "buyer_name": "柳州某公司",
            "buyer_region": "450200",
            "contract_amount": str(amount),
            "tech_transaction_amount": str((amount / 2).quantize(Decimal("0.01"))),
            "signed_on": "2023-01-01",
            "registered_on": day(self.rng),
            "city": city,
        }
        w = await self.create(CONTRACT, body, city)
        if w:
            w.expected["status"] = "registered"

    # ---- reads

    async def read_own(self) -> None:
        """Read one of this worker's acknowledged writes back at once."""
        if not self.written:
            return
        w = self.rng.choice(self.written)
        r = await self.rec.send(
            self.http, f"{w.resource.name}.get", "GET", w.resource.item(w.ident)
        )
        if r is not None and r.status_code == 200:
            self.check(w, r.json(), "read back")
        elif r is not None and r.status_code != 429:
            self.mismatches.append(f"{w.resource.name} {w.ident}: read back {r.status_code}")

    async def read_list(self) -> None:
        resource = self.rng.choice(RESOURCES)
        await self.rec.send(self.http, "list", "GET", resource.collection, params={"limit": 50})

    async def read_indicators(self) -> None:
        service = self.rng.choice(["projects", "enterprise", "talent", "transfer"])
        await self.rec.send(
            self.http, f"indicators.{service}", "GET", f"/api/{service}/v1/indicators", params=H1
        )

    async def read_report(self) -> None:
        await self.rec.send(
            self.http,
            "report.consolidated",
            "GET",
            "/api/reporting/v1/reports/consolidated",
            params={"period": "2023-H1"},
        )

    async def run(self, deadline: float) -> None:
        admin = self.actor.city is None
        ops = [(op, weight) for op, weight, admin_only in MIX if admin or not admin_only]
        funcs, weights = zip(*ops, strict=True)
        while time.monotonic() < deadline:
            await self.rng.choices(funcs, weights)[0](self)


# (operation, weight, admin only): about half writes, half reads.
MIX: list[tuple[Callable[[Worker], Awaitable[None]], float, bool]] = [
    (Worker.create_demand, 5, False),
    (Worker.review_demand, 2, True),
    (Worker.create_project, 4, False),
    (Worker.update_project, 3, False),
    (Worker.create_enterprise, 4, False),
    (Worker.update_enterprise, 3, False),
    (Worker.create_training, 2, False),
    (Worker.cancel_training, 1, False),
    (Worker.create_person, 3, False),
    (Worker.create_grant, 2, True),
    (Worker.revoke_grant, 1, True),
    (Worker.create_institution, 1, False),
    (Worker.create_transfer, 3, False),
    (Worker.withdraw_transfer, 1, False),
    (Worker.create_contract, 3, False),
    (Worker.read_own, 14, False),
    (Worker.read_list, 6, False),
    (Worker.read_indicators, 3, False),
    (Worker.read_report, 0.3, False),
]


@pytest.fixture(scope="module")
def stack(pg: TestDatabase) -> Iterator[Stack]:
    with start_stack(pg, "gxst_load", env=PRODUCTION_LIKE) as st:
        yield st


@pytest.fixture(scope="module")
def people(stack: Stack) -> list[Actor]:
    """The admin first, then a city bureau of each city (keys made by the gateway CLI)."""
    bureaus = [Actor(f"city_bureau {c}", api_key(stack, "city_bureau", city=c), c) for c in CITIES]
    return [Actor("admin", api_key(stack, "admin"), None), *bureaus]


async def list_ids(http: httpx.AsyncClient, resource: Resource) -> set[str]:
    """Every id in a resource's listing, following the cursor."""
    ids: set[str] = set()
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1000}
        if cursor:
            params["cursor"] = cursor
        r = await http.get(resource.collection, params=params)
        assert r.status_code == 200, (resource.name, r.status_code, r.text)
        page = r.json()
        ids |= {str(item[resource.id_field]) for item in page["items"]}
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


@pytest.mark.asyncio(loop_scope="session")
async def test_mixed_load_through_gateway(stack: Stack, people: list[Actor]) -> None:
    rec = Recorder()
    serial = itertools.count(100_000)
    limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
    clients = {
        a.name: httpx.AsyncClient(
            base_url=stack.gateway, headers={"X-API-Key": a.key}, timeout=30.0, limits=limits
        )
        for a in people
    }
    try:
        # Half the workers are the admin, the rest the three city bureaus in turn.
        roles = [people[0] if i % 2 == 0 else people[1 + (i // 2) % 3] for i in range(WORKERS)]
        workers = [
            Worker(actor, clients[actor.name], rec, random.Random(i), serial)
            for i, actor in enumerate(roles)
        ]
        deadline = time.monotonic() + LOAD_SECONDS
        await asyncio.gather(*(w.run(deadline) for w in workers))
        rec.stop()
        print("\n" + rec.table(f"mixed load, {WORKERS} workers, {LOAD_SECONDS:.0f} s"))
        if rec.failures_report():
            print(rec.failures_report())

        written = [w for worker in workers for w in worker.written]
        mismatches = [m for worker in workers for m in worker.mismatches]
        t0 = time.monotonic()
        mismatches += await verify(written, clients, people)
        print(
            f"verified {len(written)} acknowledged writes "
            f"({sum(w.updates for w in written)} updates) in {time.monotonic() - t0:.1f} s"
        )
    finally:
        for c in clients.values():
            await c.aclose()

    assert not rec.server_errors, rec.failures_report()
    assert not rec.transport_errors, rec.failures_report()
    assert not rec.client_errors, rec.failures_report()
    assert not mismatches, "\n".join(mismatches[:30])
    # The mix really ran: every resource was written, and updates happened.
    assert {w.resource for w in written} == set(RESOURCES)
    assert any(w.updates for w in written)


async def verify(
    written: list[Written], clients: dict[str, httpx.AsyncClient], people: list[Actor]
) -> list[str]:
    """Every acknowledged write by id (with its writer's key) and in the lists."""
    problems: list[str] = []
    gate = asyncio.Semaphore(WORKERS)

    async def by_id(w: Written) -> None:
        async with gate:
            r = await clients[w.owner.name].get(w.resource.item(w.ident))
        if r.status_code != 200:
            problems.append(f"{w.resource.name} {w.ident}: GET {r.status_code} {r.text[:300]}")
            return
        diffs = matches(w.expected, r.json())
        if diffs:
            problems.append(f"{w.resource.name} {w.ident} (after the load): {diffs}")

    await asyncio.gather(*(by_id(w) for w in written))

    admin = people[0]
    for resource in RESOURCES:
        mine = {w.ident for w in written if w.resource is resource}
        listed = await list_ids(clients[admin.name], resource)
        if missing := mine - listed:
            problems.append(f"{resource.name}: {len(missing)} missing from the admin's list")
        for bureau in people[1:]:
            theirs = {w.ident for w in written if w.resource is resource and w.city == bureau.city}
            listed = await list_ids(clients[bureau.name], resource)
            if missing := theirs - listed:
                problems.append(
                    f"{resource.name}: {len(missing)} missing from {bureau.name}'s list"
                )
    return problems
