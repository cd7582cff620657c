"""Benchmark: the projects indicators call beside the same aggregates as raw SQL.

50,000 challenge demands and 50,000 funded projects (plus a plan, tasks, special fields,
platforms and key-lab applications so that every figure has data) are inserted with
asyncpg COPY into a throwaway embedded PostgreSQL, bootstrapped and migrated exactly as
the test suite does. Then, on the same data:

- endpoint: ``GET /v1/indicators`` of the projects app, in-process over
  ``httpx.ASGITransport``, with a principal token minted by ``PrincipalSigner`` from the
  generated secrets (all 12 figures, per city and in total, with the named lists);
- raw SQL, two ways, over one asyncpg connection: (a) hand-written aggregate queries,
  one statement per figure (ROLLUP for the city breakdown) and per named list; (b) the
  endpoint's own single UNION ALL statement, compiled once and sent as plain SQL.

Each side is warmed up, then timed ``--runs`` times; the script prints both medians and
their ratio (the goal in docs/performance.md is endpoint ÷ raw ≤ 1.3).

    uv run python bench/projects_indicators.py [--runs 15] [--rows 50000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import union_all
from sqlalchemy.dialects import postgresql

from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import DATABASE, SERVICES
from devstack.pg import EmbeddedPostgres
from projects_service.config import Settings
from projects_service.indicator.compute import _branches
from projects_service.indicator.specs import BASE_SPECS
from projects_service.main import create_app
from shared_kit.auth import Principal, PrincipalSigner, Role
from shared_kit.codes import GUANGXI_CITIES, USCC_CHARSET, uscc_check_char
from shared_kit.indicators import PeriodQuery

FROM, TO = date(2023, 1, 1), date(2023, 6, 30)
CITIES = list(GUANGXI_CITIES)
START = date(2021, 1, 1)
DAYS = (date(2024, 12, 31) - START).days


def uscc(rng: random.Random, city: str) -> str:
    body = "91" + city + "".join(rng.choice(USCC_CHARSET[:10]) for _ in range(9))
    return body + uscc_check_char(body)


def some_day(rng: random.Random) -> date:
    return START + timedelta(days=rng.randrange(DAYS))


def money(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randrange(100, top * 100)) / 100


def demand_rows(rng: random.Random, n: int) -> list[tuple[Any, ...]]:
    statuses = ["submitted", "under_review", "listed", "rejected", "claimed", "contracted"]
    statuses += ["accepted", "terminated", "withdrawn"]
    weights = [10, 10, 20, 10, 15, 15, 10, 5, 5]
    listed = {"listed", "claimed", "contracted", "accepted", "terminated"}
    rows = []
    for i in range(n):
        city = rng.choice(CITIES)
        submitted = some_day(rng)
        status = rng.choices(statuses, weights)[0]
        listed_on = submitted + timedelta(days=rng.randrange(10, 120)) if status in listed else None
        rows.append(
            (
                uuid.uuid4(),
                f"D{i:07d}",
                f"需求{i}",
                f"单位{i % 5000}",
                uscc(rng, city),
                city,
                rng.choice(["新材料", "生物医药", "人工智能", "新能源汽车"]),
                "",
                money(rng, 5_000_000),
                submitted,
                status,
                listed_on,
            )
        )
    return rows


def project_rows(rng: random.Random, n: int) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(n):
        city = rng.choice(CITIES)
        rows.append(
            (
                uuid.uuid4(),
                f"P{i:07d}",
                f"项目{i}",
                rng.choices(["major_special", "key_rd", "platform"], [3, 5, 2])[0],
                rng.choice(["新材料", "生物医药", "人工智能"]),
                f"牵头单位{i % 3000}",
                uscc(rng, city),
                city,
                some_day(rng),
                money(rng, 20_000_000),
                rng.choices(["approved", "in_progress", "completed", "cancelled"], [4, 4, 2, 1])[0],
            )
        )
    return rows


async def load(dsn: str, n: int) -> None:
    rng = random.Random(20230630)
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        await conn.copy_records_to_table(
            "challenge_demands",
            schema_name="projects",
            columns=[
                "id",
                "external_ref",
                "title",
                "organisation_name",
                "organisation_uscc",
                "city",
                "field",
                "goal",
                "budget",
                "submitted_on",
                "status",
                "listed_on",
            ],
            records=demand_rows(rng, n),
        )
        await conn.copy_records_to_table(
            "funded_projects",
            schema_name="projects",
            columns=[
                "id",
                "project_code",
                "name",
                "category",
                "field",
                "lead_organisation_name",
                "lead_organisation_uscc",
                "city",
                "approved_on",
                "funding_amount",
                "status",
            ],
            records=project_rows(rng, n),
        )
        # The smaller tables: enough rows that every figure has something to count.
        plan = uuid.uuid4()
        await conn.execute(
            "INSERT INTO projects.action_plans (id, name, start_year, end_year)"
            " VALUES ($1, '三年行动方案', 2023, 2025)",
            plan,
        )
        programs = [(uuid.uuid4(), plan, f"工程{i}") for i in range(6)]
        await conn.copy_records_to_table(
            "programs", schema_name="projects", columns=["id", "plan_id", "name"], records=programs
        )
        tasks = []
        for i in range(2000):
            done = rng.random() < 0.5
            tasks.append(
                (
                    uuid.uuid4(),
                    programs[i % 6][0],
                    f"任务{i}",
                    "处室",
                    some_day(rng),
                    "completed" if done else "in_progress",
                    some_day(rng) if done else None,
                )
            )
        await conn.copy_records_to_table(
            "action_plan_tasks",
            schema_name="projects",
            columns=["id", "program_id", "title", "owner", "due_on", "status", "completed_on"],
            records=tasks,
        )
        fields = [(uuid.uuid4(), f"领域{i}", "completed", some_day(rng)) for i in range(30)]
        await conn.copy_records_to_table(
            "special_fields",
            schema_name="projects",
            columns=["id", "name", "plan_status", "completed_on"],
            records=fields,
        )
        kinds = ["state_key_lab", "joint_state_key_lab", "regional_key_lab", "engineering_center"]
        platforms = [
            (
                uuid.uuid4(),
                f"平台{i}",
                rng.choice(["national", "regional"]),
                rng.choice(kinds),
                f"依托单位{i}",
                rng.choice(CITIES),
                some_day(rng),
                some_day(rng) if rng.random() < 0.3 else None,
                "revoked" if rng.random() < 0.05 else "active",
            )
            for i in range(3000)
        ]
        await conn.copy_records_to_table(
            "platforms",
            schema_name="projects",
            columns=[
                "id",
                "name",
                "level",
                "kind",
                "host_organisation_name",
                "city",
                "approved_on",
                "plan_approved_on",
                "status",
            ],
            records=platforms,
        )
        batches = [
            (uuid.uuid4(), n_, date(2020 + n_ // 3, 1 + (n_ % 3) * 4, 1)) for n_ in range(1, 13)
        ]
        await conn.copy_records_to_table(
            "key_lab_batches",
            schema_name="projects",
            columns=["id", "number", "opened_on"],
            records=batches,
        )
        applications = [
            (
                uuid.uuid4(),
                rng.choice(batches)[0],
                f"实验室{i}",
                f"单位{i}",
                rng.choice(CITIES),
                some_day(rng),
                rng.choices(["submitted", "approved", "withdrawn"], [6, 3, 1])[0],
            )
            for i in range(5000)
        ]
        await conn.copy_records_to_table(
            "key_lab_applications",
            schema_name="projects",
            columns=[
                "id",
                "batch_id",
                "lab_name",
                "organisation_name",
                "city",
                "submitted_on",
                "status",
            ],
            records=applications,
        )
        await conn.execute("ANALYZE")
        print(
            f"loaded {n:,} demands + {n:,} funded projects (+ small tables) in "
            f"{time.perf_counter() - started:.1f} s"
        )
    finally:
        await conn.close()


def _rollup(select_from_where: str, value: str = "count(*)") -> str:
    return f"SELECT city, {value}, GROUPING(city) FROM {select_from_where} GROUP BY ROLLUP(city)"


RAW: dict[str, str] = {
    "projects.action_plan_programs": (
        "SELECT count(*), coalesce(array_agg(p.name ORDER BY p.name), '{}')"
        " FROM projects.programs p JOIN projects.action_plans a ON a.id = p.plan_id"
        " WHERE a.start_year <= $1 AND a.end_year >= $2"
    ),
    "projects.action_plan_tasks_completed": (
        "SELECT count(*) FROM projects.action_plan_tasks"
        " WHERE status = 'completed' AND completed_on BETWEEN $1 AND $2"
    ),
    "projects.special_plans_completed": (
        "SELECT count(*), coalesce(array_agg(name ORDER BY name), '{}')"
        " FROM projects.special_fields"
        " WHERE plan_status = 'completed' AND completed_on BETWEEN $1 AND $2"
    ),
    "projects.challenge_demands_collected": _rollup(
        "projects.challenge_demands WHERE submitted_on BETWEEN $1 AND $2 AND status <> 'withdrawn'"
    ),
    "projects.challenge_demands_listed": _rollup(
        "projects.challenge_demands WHERE listed_on BETWEEN $1 AND $2 AND status <> 'withdrawn'"
    ),
    "projects.major_projects_funded": _rollup(
        "projects.funded_projects WHERE approved_on BETWEEN $1 AND $2"
        " AND category = 'major_special' AND status <> 'cancelled'"
    ),
    "projects.key_rd_projects_funded": _rollup(
        "projects.funded_projects WHERE approved_on BETWEEN $1 AND $2"
        " AND category = 'key_rd' AND status <> 'cancelled'"
    ),
    "projects.project_funding": _rollup(
        "projects.funded_projects WHERE approved_on BETWEEN $1 AND $2"
        " AND category IN ('major_special', 'key_rd') AND status <> 'cancelled'",
        "coalesce(sum(funding_amount), 0)",
    ),
    "projects.platform_funding": _rollup(
        "projects.funded_projects WHERE approved_on BETWEEN $1 AND $2"
        " AND category = 'platform' AND status <> 'cancelled'",
        "coalesce(sum(funding_amount), 0)",
    ),
    "projects.national_platforms_added": _rollup(
        "projects.platforms WHERE level = 'national' AND approved_on BETWEEN $1 AND $2"
        " AND status <> 'revoked'"
    ),
    "projects.national_platforms_added/items": (
        "SELECT DISTINCT name FROM projects.platforms WHERE level = 'national'"
        " AND approved_on BETWEEN $1 AND $2 AND status <> 'revoked' ORDER BY name"
    ),
    "projects.joint_lab_plans_approved": _rollup(
        "projects.platforms WHERE kind = 'joint_state_key_lab'"
        " AND plan_approved_on BETWEEN $1 AND $2 AND status <> 'revoked'"
    ),
    "projects.key_lab_applications": _rollup(
        "projects.key_lab_applications WHERE submitted_on BETWEEN $1 AND $2"
        " AND status <> 'withdrawn'"
    ),
    "projects.key_lab_applications/items": (
        "SELECT '第' || b.number || '批' FROM projects.key_lab_applications a"
        " JOIN projects.key_lab_batches b ON b.id = a.batch_id"
        " WHERE a.submitted_on BETWEEN $1 AND $2 AND a.status <> 'withdrawn'"
        " GROUP BY b.number ORDER BY b.number"
    ),
}
REGION = {
    "projects.action_plan_programs",
    "projects.action_plan_tasks_completed",
    "projects.special_plans_completed",
}


async def raw_figures(conn: asyncpg.Connection) -> dict[str, Any]:
    """Every figure by hand-written SQL: total (and per-city values for city figures)."""
    out: dict[str, Any] = {}
    for code, sql in RAW.items():
        if code.endswith("/items"):
            await conn.fetch(sql, FROM, TO)
        elif code == "projects.action_plan_programs":
            out[code] = (await conn.fetchrow(sql, FROM.year, TO.year))[0]
        elif code in REGION:
            out[code] = (await conn.fetchrow(sql, FROM, TO))[0]
        else:
            rows = await conn.fetch(sql, FROM, TO)
            out[code] = next((r[1] for r in rows if r[2]), 0)
    return out


def endpoint_sql() -> str:
    """The statement the endpoint runs, with the period inlined (the same plan shape)."""
    period = PeriodQuery(FROM, TO, None)
    stmt = union_all(*(b for spec in BASE_SPECS for b in _branches(spec, period)))
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def measure(
    dsn: str, public_key: str, private_key: str, runs: int, *, as_json: bool = False
) -> None:
    settings = Settings(
        database_url=dsn, principal_public_key=public_key, log_json=False, log_level="WARNING"
    )
    app = create_app(settings)
    token = PrincipalSigner(private_key.encode()).sign(Principal("bench", Role.analyst))
    params = {"from": FROM.isoformat(), "to": TO.isoformat()}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
            assert pool is not None
            try:

                async def endpoint() -> dict[str, Any]:
                    r = await http.get(
                        "/v1/indicators", params=params, headers={"X-Principal": token}
                    )
                    r.raise_for_status()
                    return {f["code"]: f["value"] for f in r.json()["indicators"]}

                async def raw() -> dict[str, Any]:
                    async with pool.acquire() as conn:
                        return await raw_figures(conn)

                single = endpoint_sql()

                async def raw_one() -> None:
                    async with pool.acquire() as conn:
                        await conn.fetch(single)

                got_api, got_raw = await endpoint(), await raw()
                agree = all(str(got_api[c]) == str(got_raw[c]) for c in got_raw)
                for _ in range(3):  # warm all: plans, caches, pools
                    await endpoint()
                    await raw()
                    await raw_one()
                api_t: list[float] = []
                raw_t: list[float] = []
                one_t: list[float] = []
                for _ in range(runs):  # interleaved, so drift affects all alike
                    t0 = time.perf_counter()
                    await endpoint()
                    api_t.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    await raw()
                    raw_t.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    await raw_one()
                    one_t.append(time.perf_counter() - t0)
            finally:
                await pool.close()
    api_ms, raw_ms, one_ms = median_ms(api_t), median_ms(raw_t), median_ms(one_t)
    print(f"period {FROM} .. {TO}, {len(got_api)} figures, {runs} runs each (median)")
    print(f"figures agree between endpoint and raw SQL: {'yes' if agree else 'NO'}")
    for code in sorted(got_raw):
        print(f"  {code:42s} {got_api[code]!s:>20s}")
    print(f"indicators endpoint (ASGI in-process):        {api_ms:8.2f} ms")
    print(f"raw SQL, one statement per figure (asyncpg):  {raw_ms:8.2f} ms")
    print(f"raw SQL, the endpoint's one statement:        {one_ms:8.2f} ms")
    print(f"ratio endpoint / raw per-figure:              {api_ms / raw_ms:8.2f}  (goal <= 1.3)")
    print(f"ratio endpoint / raw one statement:           {api_ms / one_ms:8.2f}")
    if as_json:  # the last line, for bench/run_all.py
        out = {"bench": "projects_indicators", "indicators_ms": api_ms, "raw_ms": raw_ms,
               "raw_one_ms": one_ms, "agree": agree}  # fmt: skip
        print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gxst-bench-"))
    server = EmbeddedPostgres(root / "pg").start()
    try:
        secrets = Secrets.load_or_create(root / "secrets.json")
        admin = server.admin_dsn()
        asyncio.run(bootstrap(admin, secrets))
        dsns = component_dsns(admin, secrets, DATABASE)
        projects = next(c for c in SERVICES if c.name == "projects")
        migrate(dsns, (projects,))
        asyncio.run(load(dsns["projects"], args.rows))
        asyncio.run(
            measure(
                dsns["projects"],
                secrets.principal_public_key,
                secrets.principal_private_key,
                args.runs,
                as_json=args.json,
            )
        )
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
