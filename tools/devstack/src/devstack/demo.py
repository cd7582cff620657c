"""``make demo``: a realistic synthetic dataset, loaded through the public API.

Everything goes through the gateway of a running stack (``make run``): bulk imports
where a service offers one (the enterprise registry, challenge demands, funded projects,
training sessions, vouchers, R&D subsidy applications, technology contracts, service
logs), single POSTs elsewhere, and the partner banks' loans as signed batches on
``/bank/v1/loan-batches`` (the reference client ``examples/bank_client.py`` signs them).
Only the credentials are made directly in the gateway's schema: admin API keys and bank
signing keys. The big datasets go in chunks as large as each bulk path takes (rows and
bytes, see the limits below), a few at a time, generated as they are sent.

The data covers the 14 cities over 2022-2023, with every figure of the consolidated
report present in both halves so that ``2023-H1`` compares with ``2022-H1``. It is
deterministic (``--seed``). ``--scale`` (or ``DEMO_SCALE``) is the fraction of the
benchmark size: 1.0 = 500,000 enterprises, 1,000,000 technology contracts, 1,000,000
service logs and 200,000 loans; the default 0.002 loads in well under two minutes.

    make demo                       # against make run's gateway (GXST_HOST, GATEWAY_PORT)
    make demo DEMO_SCALE=0.05 GATEWAY_URL=http://127.0.0.1:8100

The keys are made in the database ``make run`` uses (GXST_DATA_DIR, PG_PORT or
DATABASE_URL, as for every devstack command); a gateway that does not know them runs
on another database, and the demo stops saying so.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import importlib.util
import io
import os
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx

from devstack.layout import REPO, gateway_url
from shared_kit.codes import GUANGXI_CITIES, uscc_check_char

CITIES = tuple(GUANGXI_CITIES)
# Bigger cities hold more of everything (南宁, 柳州, 桂林 first).
CITY_WEIGHTS = (18, 12, 10, 5, 5, 3, 5, 5, 7, 6, 4, 5, 4, 4)
FULL = {"enterprises": 500_000, "contracts": 1_000_000, "logs": 1_000_000, "loans": 200_000}
# What one request of each bulk path takes (the services' default limits). Bodies stay
# under the gateway's 20 MiB (GATEWAY_MAX_BODY_BYTES) with room for multipart framing.
MAX_BODY = 16 * 2**20
REGISTRY_ROWS = 100_000  # ENTERPRISE_REGISTRY_IMPORT_MAX_ROWS: about 9 MiB of CSV
# TRANSFER_CONTRACT_IMPORT_MAX_ROWS and TALENT_IMPORT_MAX_ROWS are 100,000, but half,
# one at a time, keeps each request well inside the gateway's 30 s upstream timeout
# while everything else loads beside it (and 100,000 contract rows exceed the body).
CONTRACT_ROWS = 50_000
LOG_ROWS = 50_000
LOAN_BATCH_ROWS = 10_000  # ENTERPRISE_LOAN_BATCH_MAX_ROWS
RECORD_ROWS = 5_000  # the enterprise service's record imports (training, vouchers, R&D)
DEFAULT_SCALE = 0.002
MARKER_BANK = "DEMO-GXBANK"  # present once the demo has been loaded
FIRST, LAST = dt.date(2022, 1, 1), dt.date(2023, 12, 31)
# (start, end) of the four halves; the first four records of a kind land in H1s first.
HALVES = (
    (dt.date(2022, 1, 1), dt.date(2022, 6, 30)),
    (dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
    (dt.date(2022, 7, 1), dt.date(2022, 12, 31)),
    (dt.date(2023, 7, 1), dt.date(2023, 12, 31)),
)
HALF_WEIGHTS = (22, 27, 24, 27)  # a little growth year on year
INDUSTRIES = (
    "新材料",
    "电子信息",
    "生物医药",
    "先进装备制造",
    "新能源汽车",
    "现代农业",
    "节能环保",
)
FIELDS = ("新材料", "高端装备", "生物医药", "新一代信息技术", "糖业", "铝产业", "现代种业")
TOPICS = ("科技型中小企业评价", "高企认定", "研发费用加计扣除", "创新券")
WORDS = ("华", "桂", "邕", "柳", "漓", "海", "壮", "瑞", "兴", "盛", "恒", "创", "智", "源")
BANKS = (  # code, name, agreement date
    (MARKER_BANK, "广西北部湾银行", dt.date(2021, 5, 10)),
    ("DEMO-GXRCU", "广西农村信用社联合社", dt.date(2021, 9, 1)),
    ("DEMO-ICBCGX", "工商银行广西分行", dt.date(2022, 3, 18)),
    ("DEMO-CCBGX", "建设银行广西分行", dt.date(2022, 10, 12)),
    ("DEMO-BOCGX", "中国银行广西分行", dt.date(2023, 2, 20)),
    ("DEMO-GLBANK", "桂林银行", dt.date(2023, 5, 8)),
)


@dataclass(frozen=True)
class Sizes:
    enterprises: int
    contracts: int
    logs: int
    loans: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(kind: str, least: int) -> int:
            return max(least, round(FULL[kind] * scale))

        return cls(n("enterprises", 112), n("contracts", 112), n("logs", 112), n("loans", 56))

    def part(self, share: float, least: int) -> int:
        """A count proportional to the enterprise registry, at least ``least``."""
        return max(least, round(self.enterprises * share))


@dataclass
class Credentials:
    keys: list[str]
    banks: dict[str, tuple[str, str]]  # bank code → (key id, hmac secret)


@dataclass
class Stats:
    requests: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    # bulk path → [files, wall seconds of all of them, slowest request]
    bulk: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, n: int) -> None:
        self.rows[kind] = self.rows.get(kind, 0) + n

    def took(self, path: str, seconds: float) -> None:
        entry = self.bulk.setdefault(path, [0, 0.0, 0.0])
        entry[0] += 1
        entry[2] = max(entry[2], seconds)


class DemoError(RuntimeError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


# --- synthetic values ---------------------------------------------------------------


def uscc(county: str, serial: int, kind: str = "91") -> str:
    first17 = f"{kind}{county}{serial:09d}"
    return first17 + uscc_check_char(first17)


def county_of(city: str, rng: random.Random) -> str:
    return city[:4] + rng.choice(("02", "03", "21", "22", "23"))


def pick_city(rng: random.Random, i: int) -> str:
    return CITIES[i] if i < len(CITIES) else rng.choices(CITIES, CITY_WEIGHTS)[0]


def pick_date(rng: random.Random, i: int, halves: Sequence[int] = (0, 1, 2, 3)) -> dt.date:
    """A date in 2022-2023; the first records fill each allowed half once."""
    if i < len(halves):
        half = halves[i]
    else:
        half = rng.choices(halves, [HALF_WEIGHTS[h] for h in halves])[0]
    start, end = HALVES[half]
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def money(rng: random.Random, low: int, high: int) -> str:
    """Yuan with fen, as the decimal string the API takes."""
    return str(Decimal(rng.randrange(low * 100, high * 100)) / 100)


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def csv_files(
    rows: Iterable[dict[str, Any]], *, max_rows: int, max_bytes: int = MAX_BODY
) -> Iterator[tuple[bytes, int]]:
    """``rows`` as CSV files (content, row count) of at most ``max_rows`` rows and
    ``max_bytes`` bytes each, made one at a time as they are asked for."""
    line = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    header = b""
    parts: list[bytes] = []
    size = count = 0
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(line, fieldnames=list(row))
            writer.writeheader()
            header = line.getvalue().encode("utf-8")
        line.seek(0)
        line.truncate()
        writer.writerow(row)
        data = line.getvalue().encode("utf-8")
        if count and (count == max_rows or len(header) + size + len(data) > max_bytes):
            yield b"".join([header, *parts]), count
            parts, size, count = [], 0, 0
        parts.append(data)
        size += len(data)
        count += 1
    if count:
        yield b"".join([header, *parts]), count


def chunks(rows: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def bank_client_module() -> ModuleType:
    """The reference bank client (examples/bank_client.py), which signs batches."""
    spec = importlib.util.spec_from_file_location("bank_client", REPO / "examples/bank_client.py")
    if spec is None or spec.loader is None:
        raise DemoError("examples/bank_client.py is missing")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bank_client", module)
    spec.loader.exec_module(module)
    return module


# --- credentials, made in the gateway's schema ---------------------------------------


async def make_credentials(gateway_dsn: str, *, keys: int) -> Credentials:
    from gateway.apikey.service import create_key
    from gateway.bank.service import create_bank_client
    from shared_kit.auth import Role
    from shared_kit.db import make_engine, make_sessionmaker
    from shared_kit.settings import normalise_dsn

    engine = make_engine(normalise_dsn(gateway_dsn), pool_size=1, application_name="demo")
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            made = [
                (await create_key(session, role=Role.admin, name=f"demo-{n}")).key
                for n in range(keys)
            ]
            banks: dict[str, tuple[str, str]] = {}
            for code, _, _ in BANKS:
                client = await create_bank_client(session, bank=code, alg="hmac-sha256")
                assert client.secret is not None
                banks[code] = (client.key_id, client.secret)
    finally:
        await engine.dispose()
    return Credentials(made, banks)


# --- HTTP ----------------------------------------------------------------------------


class Api:
    """The gateway, with one admin key per worker (the rate limit is per client)."""

    def __init__(self, base_url: str, creds: Credentials, stats: Stats, workers: int) -> None:
        self.base_url = base_url.rstrip("/")
        self.creds = creds
        self.stats = stats
        self.workers = workers
        self._calls = 0
        self.http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=600.0,
            # Well under uvicorn's 5 s keep-alive: a connection the server may be closing
            # is never reused (that race drops a request with ReadError).
            limits=httpx.Limits(max_connections=4 * workers, keepalive_expiry=2.0),
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        worker: int = 0,
        ok: tuple[int, ...] = (200, 201),
        **kw: Any,
    ) -> Any:
        headers = {"X-API-Key": self.creds.keys[worker % len(self.creds.keys)]}
        while True:
            r = await self.http.request(method, path, headers=headers, **kw)
            self.stats.requests += 1
            if r.status_code == 429:  # nothing was stored: wait as told and resend
                await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
                continue
            if r.status_code not in ok:
                raise DemoError(
                    f"{method} {path} → {r.status_code}: {r.text[:2000]}", r.status_code
                )
            return r.json() if r.content else None

    async def post(self, path: str, body: Any, *, worker: int = 0) -> Any:
        return await self.call("POST", path, json=body, worker=worker)

    async def upload(self, path: str, rows: list[dict[str, Any]], *, worker: int = 0) -> Any:
        files = {"file": ("demo.csv", csv_bytes(rows), "text/csv")}
        return await self.call("POST", path, files=files, worker=worker)

    async def upload_files(
        self,
        path: str,
        files: Iterator[tuple[bytes, int]],
        *,
        in_flight: int = 1,
        retry: bool = False,
    ) -> int:
        """POST every CSV of ``files`` to ``path``, ``in_flight`` at a time; rows sent.

        ``retry``: the import is an upsert, so a gateway timeout (the service may have
        stored the file or not) is answered by sending the same file again.
        """
        base = self._calls * self.workers
        self._calls += 1
        sent = 0
        started = time.perf_counter()
        turn = asyncio.Lock()

        async def next_file() -> tuple[bytes, int] | None:
            # Made in a thread, one at a time: the event loop keeps serving the others.
            async with turn:
                return await asyncio.to_thread(next, files, None)

        async def work(worker: int) -> None:
            nonlocal sent
            while (item := await next_file()) is not None:
                content, count = item
                body = {"file": ("demo.csv", content, "text/csv")}
                for attempt in range(3):
                    t = time.perf_counter()
                    try:
                        await self.call("POST", path, files=body, worker=worker)
                        break
                    except DemoError as exc:
                        if not retry or attempt == 2 or exc.status not in (502, 503, 504):
                            raise
                    finally:
                        self.stats.took(path, time.perf_counter() - t)
                sent += count

        await asyncio.gather(*(work(base + w) for w in range(in_flight)))
        self.stats.bulk.setdefault(path, [0, 0.0, 0.0])[1] = time.perf_counter() - started
        return sent

    async def each(
        self, items: Sequence[Any], fn: Callable[[Any, int], Awaitable[Any]]
    ) -> list[Any]:
        """``fn(item, worker)`` for every item, one worker per key, results in order."""
        results: list[Any] = [None] * len(items)
        cursor = iter(range(len(items)))
        # Steps run side by side: each call takes the next set of keys.
        base = self._calls * self.workers
        self._calls += 1

        async def work(worker: int) -> None:
            for i in cursor:
                results[i] = await fn(items[i], worker)

        await asyncio.gather(*(work(base + w) for w in range(min(self.workers, len(items)))))
        return results

    async def post_all(self, path: str, bodies: Sequence[dict[str, Any]]) -> list[Any]:
        return await self.each(bodies, lambda body, w: self.post(path, body, worker=w))

    async def aclose(self) -> None:
        await self.http.aclose()


# --- the dataset -----------------------------------------------------------------------


@dataclass
class Enterprise:
    uscc: str
    name: str
    city: str


class Demo:
    def __init__(self, api: Api, sizes: Sizes, seed: int, log: Callable[[str], None]) -> None:
        self.api, self.sizes, self.seed, self.log = api, sizes, seed, log
        self.enterprises: list[Enterprise] = []

    def rng(self, kind: str) -> random.Random:
        """One generator per kind, so a kind's data does not depend on the others' sizes."""
        return random.Random(f"{self.seed}:{kind}")

    async def step(self, name: str, coro: Awaitable[Any]) -> None:
        t = time.perf_counter()
        await coro
        self.log(f"  {name:<28} {time.perf_counter() - t:6.1f} s")

    # enterprise registry first: every enterprise record takes its city from it
    async def registry(self) -> None:
        rng = self.rng("enterprises")

        def rows() -> Iterator[dict[str, Any]]:
            for i in range(self.sizes.enterprises):
                city = pick_city(rng, i)
                name = f"{GUANGXI_CITIES[city][:-1]}{rng.choice(WORDS)}{rng.choice(WORDS)}"
                name += f"{rng.choice(INDUSTRIES)}科技有限公司{i:06d}"
                county = county_of(city, rng)
                ent = Enterprise(uscc(county, 100_000_000 + i), name, city)
                self.enterprises.append(ent)
                industry = rng.choice(INDUSTRIES)
                yield {"uscc": ent.uscc, "name": name, "county": county, "industry": industry}

        sent = await self.api.upload_files(
            "/api/enterprise/v1/imports/enterprises",
            csv_files(rows(), max_rows=REGISTRY_ROWS),
            in_flight=2,  # the registry loads alone, before everything else
            retry=True,
        )
        self.api.stats.add("enterprises (registry imports)", sent)

    def some(self, rng: random.Random, n: int) -> list[Enterprise]:
        return rng.sample(self.enterprises, min(n, len(self.enterprises)))

    async def enterprise_programmes(self) -> None:
        api, sizes = self.api, self.sizes
        rng = self.rng("techsme")
        regs = []
        for i, ent in enumerate(self.some(rng, sizes.part(0.04, 8))):
            on = pick_date(rng, i)
            batch = 1 + (on.month - 1) // 4  # three batches a year
            regs.append(
                {
                    "enterprise_uscc": ent.uscc,
                    "year": on.year,
                    "batch": batch,
                    "registration_no": f"{on.year}{ent.city[:4]}{batch:02d}{i:08d}",
                    "registered_on": on.isoformat(),
                }
            )
        await api.post_all("/api/enterprise/v1/tech-sme-registrations", regs)
        rng = self.rng("hte")
        pool = [
            {"enterprise_uscc": e.uscc, "entered_on": pick_date(rng, i).isoformat()}
            for i, e in enumerate(self.some(rng, sizes.part(0.02, 8)))
        ]
        await api.post_all("/api/enterprise/v1/hte-pool-entries", pool)
        recognitions = []
        for i, ent in enumerate(self.some(rng, sizes.part(0.01, 8))):
            issued = pick_date(rng, i)
            recognitions.append(
                {
                    "enterprise_uscc": ent.uscc,
                    "certificate_no": f"GR{issued.year}45{i:06d}",
                    "kind": rng.choice(("new", "new", "re_recognition")),
                    "issued_on": issued.isoformat(),
                }
            )
        made = await api.post_all("/api/enterprise/v1/hte-recognitions", recognitions)
        awards = []
        for rec in made:
            issued = dt.date.fromisoformat(rec["issued_on"])
            # Rewarded within the same half year it was recognised in.
            on = min(issued + dt.timedelta(days=rng.randrange(0, 40)), _half_end(issued))
            awards.append(
                (rec["id"], {"amount": money(rng, 50_000, 300_000), "awarded_on": str(on)})
            )
        await api.each(
            awards,
            lambda a, w: api.post(
                f"/api/enterprise/v1/hte-recognitions/{a[0]}/awards", a[1], worker=w
            ),
        )
        self.api.stats.add("tech-SME, pool, recognitions", len(regs) + len(pool) + len(made))

    async def enterprise_imports(self) -> None:
        api, sizes = self.api, self.sizes
        rng = self.rng("training")
        sessions = [
            {
                "city": pick_city(rng, i),
                "topic": f"{rng.choice(TOPICS)}业务辅导班",
                "held_on": pick_date(rng, i).isoformat(),
                "attendees": rng.randrange(30, 300),
                "organiser": "市科技局",
            }
            for i in range(max(28, sizes.part(0.002, 28)))
        ]
        rng = self.rng("vouchers")
        vouchers = []
        for year in (2022, 2023):  # one voucher a year per enterprise keeps under the cap
            for i, ent in enumerate(self.some(rng, sizes.part(0.05, 8))):
                applied = pick_date(rng, i, (0, 2) if year == 2022 else (1, 3))
                issued = min(applied + dt.timedelta(days=rng.randrange(5, 30)), _half_end(applied))
                vouchers.append(
                    {
                        "enterprise_uscc": ent.uscc,
                        "applied_on": applied.isoformat(),
                        "purpose": "检验检测服务",
                        "face_amount": money(rng, 10_000, 100_000),
                        "issued_on": issued.isoformat(),
                    }
                )
        rng = self.rng("rd")
        applications = []
        for i, ent in enumerate(self.some(rng, sizes.part(0.03, 8))):
            on = pick_date(rng, i)
            applications.append(
                {
                    "enterprise_uscc": ent.uscc,
                    "year": on.year - 1,
                    "requested_amount": money(rng, 1_000_000, 20_000_000),
                    "submitted_on": on.isoformat(),
                }
            )
        jobs = [("training-sessions", c) for c in chunks(sessions, RECORD_ROWS)]
        jobs += [("vouchers", c) for c in chunks(vouchers, RECORD_ROWS)]
        jobs += [("rd-subsidy-applications", c) for c in chunks(applications, RECORD_ROWS)]
        await api.each(
            jobs, lambda j, w: api.upload(f"/api/enterprise/v1/imports/{j[0]}", j[1], worker=w)
        )
        api.stats.add(
            "training, vouchers, R&D (imports)", len(sessions) + len(vouchers) + len(applications)
        )

    async def partners_and_loans(self) -> None:
        api, sizes = self.api, self.sizes
        await api.post_all(
            "/api/enterprise/v1/partner-banks",
            [{"code": c, "name": n, "agreement_signed_on": d.isoformat()} for c, n, d in BANKS],
        )
        rng = self.rng("kcd")
        listed = self.some(rng, sizes.part(0.03, 14))
        listings = []
        for i, ent in enumerate(listed):
            # Most were on the list by mid-2022; the rest join until mid-2023.
            days = 0 if i < 2 else rng.randrange(0, 540)
            on = dt.date(2021, 12, 1) + dt.timedelta(days=days)
            listings.append({"enterprise_uscc": ent.uscc, "listed_on": on.isoformat()})
        await api.post_all("/api/enterprise/v1/kcd-listings", listings)
        # Loans: a third to listed firms, the rest anywhere; each bank lends after it signed.
        rng = self.rng("loans")
        by_bank: dict[str, list[dict[str, str]]] = {c: [] for c, _, _ in BANKS}
        for i in range(sizes.loans):
            ent = listed[i % len(listed)] if i % 3 == 0 else rng.choice(self.enterprises)
            on = pick_date(rng, i)
            code = rng.choice([b[0] for b in BANKS if b[2] < on])
            by_bank[code].append(
                {
                    "contract_no": f"{code}-{on.year}-{i:07d}",
                    "uscc": ent.uscc,
                    "enterprise_name": ent.name,
                    "amount": money(rng, 200_000, 10_000_000),
                    "disbursed_on": on.isoformat(),
                    "maturity_on": (on + dt.timedelta(days=365)).isoformat(),
                    "annual_rate": rng.choice(("3.4500", "3.6500", "3.8500", "4.2000")),
                    "guarantee": rng.choice(("credit", "guaranteed", "collateral", "ip_pledge")),
                    "status": "repaid" if on.year == 2022 and i % 4 == 0 else "disbursed",
                }
            )
        bank = bank_client_module()
        batches = [
            (code, n, rows)
            for code, loans in by_bank.items()
            for n, rows in enumerate(chunks(loans, LOAN_BATCH_ROWS))
        ]

        async def push(batch: tuple[str, int, list[dict[str, str]]], worker: int) -> None:
            code, n, rows = batch
            key_id, secret = api.creds.banks[code]
            creds = bank.Credentials.hmac(key_id, secret)
            idem = str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{self.seed}:{code}:{n}"))
            while True:  # a retry is signed afresh with the same Idempotency-Key
                request = bank.build_request(
                    api.base_url,
                    creds,
                    "POST",
                    "loan-batches",
                    json_body={"batch_ref": f"demo-{code}-{n}", "loans": rows},
                    idempotency_key=idem,
                )
                r = await api.http.send(request)
                api.stats.requests += 1
                if r.status_code in (409, 429):
                    await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
                    continue
                if r.status_code not in (200, 201):
                    raise DemoError(f"loan batch {code}/{n} → {r.status_code}: {r.text[:2000]}")
                return

        await api.each(batches, push)
        api.stats.add("kcd listings", len(listings))
        api.stats.add("loans (signed bank batches)", sizes.loans)

    async def zones(self) -> None:
        api = self.api
        rng = self.rng("zones")
        bodies = []
        for i, city in enumerate(CITIES):
            established = dt.date(2022, 9, 1) if i == 13 else dt.date(1992 + i, 3, 1)
            level = "national" if i < 5 else "regional"
            name = f"{GUANGXI_CITIES[city][:-1]}高新技术产业开发区"
            bodies.append(
                {"name": name, "city": city, "level": level, "established_on": str(established)}
            )
        zones = await api.post_all("/api/enterprise/v1/hitech-zones", bodies)
        puts = []
        for zone in zones:
            base = rng.randrange(50, 800) * 10**6
            for year in (2022, 2023):
                for quarter in (1, 2, 3, 4):
                    output = base * (1.0 + 0.08 * (year - 2022)) * (0.8 + 0.1 * quarter)
                    puts.append(
                        (
                            f"/api/enterprise/v1/hitech-zones/{zone['id']}/quarters/{year}/{quarter}",
                            {
                                "gross_output": f"{int(output)}.00",
                                "revenue": f"{int(output * 1.3)}.00",
                                "enterprises": rng.randrange(100, 2000),
                            },
                        )
                    )
        await api.each(puts, lambda p, w: api.call("PUT", p[0], json=p[1], worker=w))
        api.stats.add("zones + quarterly statistics", len(zones) + len(puts))

    async def projects(self) -> None:
        api, sizes = self.api, self.sizes
        rng = self.rng("projects")
        plan = await api.post(
            "/api/projects/v1/action-plans",
            {
                "name": "广西科技创新三年行动方案（2021—2023年）",
                "start_year": 2021,
                "end_year": 2023,
            },
        )
        names = (
            "科技创新平台建设工程",
            "关键核心技术攻坚工程",
            "创新主体培育工程",
            "科技成果转化工程",
            "科技人才集聚工程",
        )
        programs = await api.post_all(
            "/api/projects/v1/programs", [{"plan_id": plan["id"], "name": n} for n in names]
        )
        tasks = []
        for i in range(40):
            done = pick_date(rng, i)
            tasks.append(
                {
                    "program_id": programs[i % len(programs)]["id"],
                    "title": f"重点任务{i + 1:02d}",
                    "owner": "自治区科技厅",
                    "due_on": _half_end(done).isoformat(),
                    "status": "completed",
                    "completed_on": done.isoformat(),
                }
            )
        await api.post_all("/api/projects/v1/action-plan-tasks", tasks)
        await api.post_all(
            "/api/projects/v1/special-fields",
            [
                {
                    "name": f"{f}重大专项",
                    "plan_status": "completed",
                    "completed_on": str(pick_date(rng, i, (0, 1))),
                }
                for i, f in enumerate(FIELDS)
            ],
        )
        # Challenge demands: most come in a city's import file; those that reach the 榜单
        # are created one by one and moved along the workflow.
        n_demands = sizes.part(0.02, 28)
        rows: list[dict[str, Any]] = []
        listed: list[dict[str, Any]] = []
        for i in range(n_demands):
            ent = rng.choice(self.enterprises)
            on = pick_date(rng, i)
            row = {
                "external_ref": f"JB{on.year}{i:06d}",
                "title": f"{rng.choice(FIELDS)}关键技术攻关需求{i:05d}",
                "organisation_name": ent.name,
                "organisation_uscc": ent.uscc,
                "city": ent.city,
                "field": rng.choice(FIELDS),
                "goal": "实现进口替代",
                "budget": money(rng, 500_000, 20_000_000),
                "submitted_on": on.isoformat(),
            }
            (listed if i % 5 < 2 and on.month not in (6, 12) else rows).append(row)
        for chunk in chunks(rows, 5000):
            await api.upload("/api/projects/v1/imports/challenge-demands", chunk)
        made = await api.post_all("/api/projects/v1/challenge-demands", listed)

        async def advance(demand: dict[str, Any], worker: int) -> None:
            submitted = dt.date.fromisoformat(demand["submitted_on"])
            listed_on = min(submitted + dt.timedelta(days=14), _half_end(submitted))
            path = f"/api/projects/v1/challenge-demands/{demand['id']}/transitions"
            await api.post(path, {"to": "under_review", "on": str(submitted)}, worker=worker)
            body = {
                "to": "listed",
                "on": str(listed_on),
                "reward_amount": demand["budget"],
                "deadline": str(listed_on + dt.timedelta(days=90)),
                "eligibility": "区内外具有相关研发能力的企业、高校和科研院所",
            }
            await api.post(path, body, worker=worker)

        await api.each(made, advance)
        projects = []
        for i in range(sizes.part(0.03, 42)):
            ent = rng.choice(self.enterprises)
            category = ("major_special", "key_rd", "platform")[i % 3]
            low, high = {"major_special": (5, 30), "key_rd": (1, 5), "platform": (1, 10)}[category]
            on = pick_date(rng, i // 3)
            projects.append(
                {
                    "project_code": f"GK{on.year}{category[:2].upper()}{i:06d}",
                    "name": f"{rng.choice(FIELDS)}研发项目{i:05d}",
                    "category": category,
                    "field": rng.choice(FIELDS),
                    "lead_organisation_name": ent.name,
                    "lead_organisation_uscc": ent.uscc,
                    "city": ent.city,
                    "approved_on": on.isoformat(),
                    "funding_amount": money(rng, low * 1_000_000, high * 1_000_000),
                    "status": "approved",
                }
            )
        for chunk in chunks(projects, 5000):
            await api.upload("/api/projects/v1/imports/funded-projects", chunk)
        platforms = []
        for i in range(28):
            ent = rng.choice(self.enterprises)
            national = i % 2 == 0
            level_name = "国家" if national else "自治区"
            platforms.append(
                {
                    "name": f"{rng.choice(FIELDS)}{level_name}重点实验室{i:02d}",
                    "level": "national" if national else "regional",
                    "kind": "joint_state_key_lab"
                    if i % 4 == 1
                    else "state_key_lab"
                    if national
                    else "regional_key_lab",
                    "host_organisation_name": ent.name,
                    "host_organisation_uscc": ent.uscc,
                    "city": ent.city,
                    "approved_on": str(pick_date(rng, i // 2)) if national else None,
                    "plan_approved_on": str(pick_date(rng, i // 4)) if i % 4 == 1 else None,
                }
            )
        await api.post_all("/api/projects/v1/platforms", platforms)
        batches = await api.post_all(
            "/api/projects/v1/key-lab-batches",
            [{"number": 11, "opened_on": "2022-02-15"}, {"number": 12, "opened_on": "2023-02-15"}],
        )
        applications = []
        for i in range(28):
            batch = batches[i % 2]
            start = dt.date.fromisoformat(batch["opened_on"])
            ent = rng.choice(self.enterprises)
            applications.append(
                {
                    "batch_id": batch["id"],
                    "lab_name": f"广西{rng.choice(FIELDS)}重点实验室（{i:02d}）",
                    "organisation_name": ent.name,
                    "organisation_uscc": ent.uscc,
                    "city": ent.city,
                    "submitted_on": str(start + dt.timedelta(days=rng.randrange(10, 100))),
                }
            )
        await api.post_all("/api/projects/v1/key-lab-applications", applications)
        api.stats.add("projects records", len(tasks) + n_demands + len(projects) + 56 + len(FIELDS))

    async def talent(self) -> None:
        api, sizes = self.api, self.sizes
        rng = self.rng("talent")
        n_people = max(56, sizes.part(0.01, 56))
        people = []
        for i in range(n_people):
            city = pick_city(rng, i)
            people.append(
                {
                    "name": rng.choice("韦黄李陈梁覃蒙刘") + rng.choice(WORDS) + rng.choice(WORDS),
                    "organisation": f"{GUANGXI_CITIES[city]}某大学",
                    "city": city,
                    "field": rng.choice(FIELDS),
                }
            )
        made = await api.post_all("/api/talent/v1/people", people)
        ids = [p["id"] for p in made]
        group = len(ids) // 5
        candidates = [
            {
                "person_id": pid,
                "academy": rng.choice(("cae", "cas")),
                "discipline": rng.choice(FIELDS),
                "selected_year": 2021,
                "valid_candidate_on": str(pick_date(rng, i, (0, 1))),
            }
            for i, pid in enumerate(ids[:group])
        ]
        cands = await api.post_all("/api/talent/v1/academician-candidates", candidates)
        grants = []
        for i, cand in enumerate(cands):
            for kind in ("team_allowance", "research_project"):
                grants.append(
                    {
                        "candidate_id": cand["id"],
                        "kind": kind,
                        "amount": money(rng, 200_000, 1_000_000),
                        "paid_on": str(pick_date(rng, i)),
                    }
                )
        await api.post_all("/api/talent/v1/academician-grants", grants)
        phd = [
            {
                "person_id": pid,
                "university": "广西大学",
                "amount": "200000.00",
                "awarded_on": str(pick_date(rng, i)),
            }
            for i, pid in enumerate(ids[group : 2 * group])
        ]
        await api.post_all("/api/talent/v1/young-phd-grants", phd)
        noms = [
            {
                "person_id": pid,
                "category": "科技创新领军人才",
                "nominated_on": str(pick_date(rng, i)),
            }
            for i, pid in enumerate(ids[2 * group : 3 * group])
        ]
        await api.post_all("/api/talent/v1/national-nominations", noms)
        experts = [
            {"person_id": pid, "fields": [rng.choice(FIELDS)], "added_on": str(pick_date(rng, i))}
            for i, pid in enumerate(ids[3 * group : 4 * group])
        ]
        await api.post_all("/api/talent/v1/experts", experts)
        intl = []
        for i, pid in enumerate(ids[4 * group :]):
            program = ("asean_young_scientist", "hong_kong_macao_taiwan")[i % 2]
            intl.append(
                {
                    "person_id": pid,
                    "program": program,
                    "origin": rng.choice(("越南", "泰国", "老挝"))
                    if i % 2 == 0
                    else rng.choice(("香港", "澳门", "台湾")),
                    "host_organisation": "广西大学",
                    "received_on": str(pick_date(rng, i // 2)),
                }
            )
        await api.post_all("/api/talent/v1/international-talents", intl)
        # Commissioners, one dispatch a year each, and their service logs by import.
        n_comm = max(28, sizes.logs // 200)
        comms = await api.post_all(
            "/api/talent/v1/commissioners",
            [
                {
                    "name": f"特派员{i:05d}",
                    "organisation": "广西农业科学院",
                    "kind": "individual",
                    "home_city": pick_city(rng, i),
                }
                for i in range(n_comm)
            ],
        )
        dispatches = []
        for i, comm in enumerate(comms):
            city = pick_city(rng, i)
            year = 2022 if i % 2 == 0 else 2023
            dispatches.append(
                {
                    "commissioner_id": comm["id"],
                    "year": year,
                    "dispatching_unit": f"{GUANGXI_CITIES[city]}科技局",
                    "city": city,
                    "county": county_of(city, rng),
                    "dispatched_on": str(
                        dt.date(year, 1, 5) + dt.timedelta(days=rng.randrange(0, 60))
                    ),
                }
            )
        disp = await api.post_all("/api/talent/v1/commissioner-dispatches", dispatches)
        per = -(-sizes.logs // len(disp))

        def logs() -> Iterator[dict[str, Any]]:
            made = 0
            for d in disp:
                start = dt.date.fromisoformat(d["dispatched_on"])
                span = (dt.date(start.year, 12, 31) - start).days
                for slot in rng.sample(range(20 * span), min(per, 20 * span)):
                    if made >= sizes.logs:
                        break
                    made += 1
                    yield {
                        "dispatch_id": d["id"],
                        "village_code": f"{d['county']}{100 + slot % 20:03d}",
                        "served_on": str(start + dt.timedelta(days=slot // 20)),
                        "days": rng.randrange(1, 6),
                        "content": "技术指导",
                        "outcome": "",
                    }

        # Not retried: a visit already recorded is refused, so a resend would fail.
        sent = await api.upload_files(
            "/api/talent/v1/imports/commissioner-service-logs",
            csv_files(logs(), max_rows=LOG_ROWS),
        )
        api.stats.add("people and programmes", len(made) + len(cands) + len(grants))
        api.stats.add("commissioners + dispatches", len(comms) + len(disp))
        api.stats.add("service logs (imports)", sent)

    async def transfer(self) -> None:
        api, sizes = self.api, self.sizes
        rng = self.rng("transfer")
        insts = await api.post_all(
            "/api/transfer/v1/institutions",
            [
                {
                    "name": f"{GUANGXI_CITIES[c]}{'大学' if i < 14 else '科学研究院'}",
                    "kind": "university" if i < 14 else "institute",
                    "city": c,
                }
                for i, c in enumerate(CITIES + CITIES)
            ],
        )
        records = []
        for i in range(sizes.part(0.004, 28)):
            records.append(
                {
                    "institution_id": insts[i % len(insts)]["id"],
                    "title": f"{rng.choice(FIELDS)}成果转化{i:05d}",
                    "method": rng.choice(("transfer", "licence", "equity")),
                    "transferee_name": rng.choice(self.enterprises).name,
                    "transferred_on": str(pick_date(rng, i)),
                    "revenue": money(rng, 50_000, 5_000_000),
                }
            )
        await api.post_all("/api/transfer/v1/transfer-records", records)
        pilots = [
            {
                "kind": ("ownership_reform", "achievement_evaluation")[i % 2],
                "organisation_name": f"{GUANGXI_CITIES[pick_city(rng, i)]}试点单位{i:02d}",
                "city": pick_city(rng, i),
                "started_on": str(pick_date(rng, i // 2)),
            }
            for i in range(24)
        ]
        await api.post_all("/api/transfer/v1/pilots", pilots)
        bases = [
            {
                "name": f"{rng.choice(FIELDS)}中试基地{i:02d}",
                "operator_name": rng.choice(self.enterprises).name,
                "field": rng.choice(FIELDS),
                "city": pick_city(rng, i),
                "established_on": str(pick_date(rng, i)),
            }
            for i in range(16)
        ]
        await api.post_all("/api/transfer/v1/pilot-bases", bases)
        events = await api.post_all(
            "/api/transfer/v1/recruitment-events",
            [
                {
                    "name": f"科技招商推介会{i}",
                    "organiser": "自治区科技厅",
                    "city": CITIES[i % 14],
                    "held_on": str(HALVES[i % 4][0] + dt.timedelta(days=30)),
                }
                for i in range(8)
            ],
        )
        intentions = []
        for i in range(sizes.part(0.004, 28)):
            event = events[i % len(events)]
            held = dt.date.fromisoformat(event["held_on"])
            outside = uscc(rng.choice(("440300", "330100", "110108")), 200_000_000 + i)
            intentions.append(
                {
                    "event_id": event["id"],
                    "enterprise_name": f"外省科技企业{i:05d}",
                    "enterprise_uscc": outside,
                    "enterprise_region": outside[2:8],
                    "project_name": f"{rng.choice(FIELDS)}产业化项目",
                    "intended_investment": money(rng, 1_000_000, 100_000_000),
                    "signed_on": str(held + dt.timedelta(days=rng.randrange(0, 20))),
                }
            )
        await api.post_all("/api/transfer/v1/cooperation-intentions", intentions)
        achievements = []
        for i in range(sizes.part(0.01, 28)):
            ent = rng.choice(self.enterprises)
            on = pick_date(rng, i)
            achievements.append(
                {
                    "registration_no": f"GK{on.year}-{i:06d}",
                    "title": f"{rng.choice(FIELDS)}技术成果{i:05d}",
                    "category": rng.choice(("applied", "applied", "basic", "soft_science")),
                    "organisation_name": ent.name,
                    "organisation_uscc": ent.uscc,
                    "city": ent.city,
                    "registered_on": on.isoformat(),
                }
            )
        await api.post_all("/api/transfer/v1/achievements", achievements)
        types = (
            "development_commissioned",
            "development_cooperative",
            "transfer_patent",
            "licence_patent",
            "consulting",
            "service",
        )

        def contracts() -> Iterator[dict[str, Any]]:
            for i in range(sizes.contracts):
                on = pick_date(rng, i)
                seller, buyer = rng.choice(self.enterprises), rng.choice(self.enterprises)
                # Most contracts stay inside Guangxi; some sell out of it, some buy in.
                where = i % 5
                seller_region = county_of(seller.city, rng) if where != 4 else "440300"
                buyer_region = county_of(buyer.city, rng) if where != 3 else "330100"
                amount = Decimal(rng.randrange(5_000_000, 500_000_000)) / 100
                yield {
                    "registration_no": f"{on.year}4501{i:08d}",
                    "type": rng.choice(types),
                    "title": f"{rng.choice(FIELDS)}技术合同{i:07d}",
                    "seller_name": seller.name,
                    "seller_uscc": seller.uscc if where != 4 else "",
                    "seller_region": seller_region,
                    "buyer_name": buyer.name,
                    "buyer_uscc": buyer.uscc if where != 3 else "",
                    "buyer_region": buyer_region,
                    "contract_amount": f"{amount:.2f}",
                    "tech_transaction_amount": f"{amount * Decimal('0.85'):.2f}",
                    "signed_on": str(on - dt.timedelta(days=min(rng.randrange(0, 20), on.day - 1))),
                    "registered_on": on.isoformat(),
                    "city": seller.city if where != 4 else buyer.city,
                }

        sent = await api.upload_files(
            "/api/transfer/v1/imports/tech-contracts",
            csv_files(contracts(), max_rows=CONTRACT_ROWS),
            retry=True,  # upserts by registration number: a resend changes nothing
        )
        api.stats.add(
            "transfer records, pilots, intentions, achievements",
            len(records) + 40 + len(intentions) + len(achievements),
        )
        api.stats.add("technology contracts (imports)", sent)


def _half_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 6, 30) if day.month <= 6 else dt.date(day.year, 12, 31)


class OtherStack(RuntimeError):
    """The gateway answering at the URL does not use the database the keys went into."""


async def same_database(api: Api, gateway_url: str) -> None:
    r = await api.http.get("/gateway/v1/me", headers={"X-API-Key": api.creds.keys[0]})
    if r.status_code == 401:
        raise OtherStack(
            f"the gateway at {gateway_url} does not know the key just made in this database:"
            " it runs on another one. Give make demo the environment make run has"
            " (GXST_DATA_DIR, PG_PORT or DATABASE_URL, GXST_HOST, GATEWAY_PORT) or GATEWAY_URL."
        )
    r.raise_for_status()


async def already_loaded(api: Api) -> bool:
    r = await api.http.get(
        f"/api/enterprise/v1/partner-banks/{MARKER_BANK}",
        headers={"X-API-Key": api.creds.keys[0]},
    )
    return r.status_code == 200


async def load(
    gateway_url: str,
    gateway_dsn: str,
    *,
    scale: float = DEFAULT_SCALE,
    seed: int = 2023,
    workers: int = 8,
    log: Callable[[str], None] = print,
) -> Stats:
    """Load the dataset through the gateway at ``gateway_url``; the statistics of the run."""
    sizes = Sizes.at(scale)
    stats = Stats()
    creds = await make_credentials(gateway_dsn, keys=4 * workers)
    api = Api(gateway_url, creds, stats, workers)
    try:
        await same_database(api, gateway_url)
        if await already_loaded(api):
            log(f"demo data already loaded (partner bank {MARKER_BANK} exists); nothing to do")
            return stats
        log(
            f"loading demo data at scale {scale:g} through {gateway_url}: "
            f"{sizes.enterprises:,} enterprises, {sizes.contracts:,} contracts, "
            f"{sizes.logs:,} service logs, {sizes.loans:,} loans"
        )
        demo = Demo(api, sizes, seed, log)
        await demo.step("enterprise registry", demo.registry())
        await demo.step(
            "everything else",
            # Side by side; each part's own time says which one the total waits for.
            asyncio.gather(
                demo.step("  enterprise programmes", demo.enterprise_programmes()),
                demo.step("  enterprise record imports", demo.enterprise_imports()),
                demo.step("  partner banks and loans", demo.partners_and_loans()),
                demo.step("  zones", demo.zones()),
                demo.step("  projects", demo.projects()),
                demo.step("  talent and service logs", demo.talent()),
                demo.step("  transfer and contracts", demo.transfer()),
            ),
        )
    finally:
        await api.aclose()
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devstack.demo", description=__doc__.split("\n")[0])
    parser.add_argument("--gateway", default=gateway_url())
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("DEMO_SCALE") or DEFAULT_SCALE),
        help="share of benchmark size (1.0: 500k enterprises, 1M contracts, 1M logs, 200k loans)",
    )
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--workers", type=int, default=8, help="concurrent clients (one key each)")
    args = parser.parse_args(argv)
    from devstack.stack import database

    try:
        httpx.get(args.gateway.rstrip("/") + "/healthz", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        print(f"no gateway at {args.gateway} ({exc}); start `make run` first", file=sys.stderr)
        return 1
    t = time.perf_counter()
    with database(do_migrate=False) as db:
        print(f"gateway {args.gateway}, keys made in {db.where()}")
        try:
            stats = asyncio.run(
                load(
                    args.gateway,
                    db.dsns["gateway"],
                    scale=args.scale,
                    seed=args.seed,
                    workers=args.workers,
                )
            )
        except OtherStack as exc:
            print(exc, file=sys.stderr)
            return 1
    for kind, n in stats.rows.items():
        print(f"  {kind:<52} {n:>10,}")
    for path, (files, wall, slowest) in stats.bulk.items():
        print(f"  {path:<52} {files:3.0f} files {wall:6.1f} s, slowest {slowest:5.1f} s")
    print(f"{stats.requests:,} requests in {time.perf_counter() - t:.1f} s")
    print(f"report: {args.gateway}/api/reporting/v1/reports/consolidated?period=2023-H1")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
