"""Benchmark: the consolidated report beside the slowest single service's indicators call.

A throwaway embedded PostgreSQL gets a large dataset (by default 1,000,000 technology
contracts, 1,000,000 commissioner service logs, 200,000 loans over 100,000 registered
enterprises, 50,000 challenge demands and 50,000 funded projects), loaded with COPY. The
four workstream services and reporting run as real uvicorn processes. Then, side by side:

- each service's ``GET /v1/indicators`` for 2023-H1 (one call, as reporting makes it);
- the same service answering the *pair* of calls the report makes to it (2023-H1 and
  2022-H1 at once), i.e. the slowest service's whole share of the report's work;
- the same service answering both periods in one call (``previous_from``/``previous_to``),
  which is what the report asks of it;
- reporting's ``GET /v1/reports/consolidated?period=2023-H1`` cold (one call per service
  for both periods, after a write to every service so no kept answer holds) and when
  nothing changed (every call a revalidation answered 304).

Goal (docs/performance.md): report ÷ slowest single service ≤ 1.5. Both readings are
printed: against one call (the report needs two per service, so on 2 cores this is
bounded below by about the sum of every service's work) and against the slowest
service's pair (what the fan-out and assembly add over its slowest dependency).

    uv run python bench/report.py [--scale 1.0] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import asyncpg
import httpx

from bench import pyspy
from bench.bulk import bulk_fill, draw
from bench.http_paths import PeakRss, uvicorn
from bench.projects_indicators import load as load_projects
from bench.talent_service_logs import seed as seed_talent
from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import ALL, DATABASE
from devstack.pg import EmbeddedPostgres, free_port
from devstack.run import component_env, wait_ready
from shared_kit.auth import Principal, PrincipalSigner, Role
from shared_kit.codes import GUANGXI_CITIES, uscc_check_char

HOST = "127.0.0.1"
CITIES = list(GUANGXI_CITIES)
OUTSIDE = ["110105", "310115", "440305", "330106", "510107"]
START = date(2021, 7, 1)
DAYS = (date(2023, 12, 31) - START).days


def plain(dsn: str) -> str:
    return dsn.replace("postgresql+asyncpg://", "postgresql://")


def uscc(n: int, city: str) -> str:
    body = "91" + city + f"{n:09d}"
    return body + uscc_check_char(body)


def in_region(city: str, salt: int) -> str:
    """SQL: a county code of ``city`` (one of its first twelve)."""
    return f"left({city}, 4) || lpad((1 + {draw(salt)} % 12)::text, 2, '0')"


# Generated in the database: a row costs no Python, and 10,000,000 load in minutes. The
# shape is what the figures and plans see: 70 % of sellers and 60 % of buyers in the
# region, over its 14 cities and their counties, registrations over 2021-07…2023-12.
CONTRACTS_SQL = f"""
INSERT INTO transfer.tech_contracts (id, registration_no, type, title, seller_name,
  seller_region, seller_city, buyer_name, buyer_region, buyer_city, contract_amount,
  tech_transaction_amount, signed_on, registered_on, city, status)
SELECT gen_random_uuid(), '23450100' || lpad(g::text, 8, '0'), type, '技术合同', '卖方',
  seller, CASE WHEN left(seller, 2) = '45' THEN left(seller, 4) || '00' END, '买方', buyer,
  CASE WHEN left(buyer, 2) = '45' THEN left(buyer, 4) || '00' END, amount,
  round(amount * 0.8, 2), registered - 10, registered,
  CASE WHEN left(seller, 2) = '45' THEN left(seller, 4) || '00' ELSE city END, 'registered'
FROM (
  SELECT g,
    CASE WHEN {draw(1)} % 10 < 7 THEN {in_region(f"($4::text[])[1 + {draw(2)} % 14]", 3)}
         ELSE ($5::text[])[1 + {draw(2)} % 5] END AS seller,
    CASE WHEN {draw(4)} % 10 < 6 THEN {in_region(f"($4::text[])[1 + {draw(5)} % 14]", 6)}
         ELSE ($5::text[])[1 + {draw(5)} % 5] END AS buyer,
    ($6::text[])[1 + {draw(7)} % 6] AS type,
    ($4::text[])[1 + {draw(8)} % 14] AS city,
    $2::date + ({draw(9)} % $3)::int AS registered,
    (10000 + {draw(10)} % 49990000)::numeric / 100 AS amount
  FROM generate_series(0, $1::int - 1) g
) x
"""


async def load_contracts(dsn: str, n: int) -> None:
    types = ["development_commissioned", "transfer_patent", "licence_patent", "consulting",
             "service", "service_training"]  # fmt: skip
    conn = await asyncpg.connect(plain(dsn))
    await bulk_fill(
        conn,
        "transfer.tech_contracts",
        lambda: conn.execute(CONTRACTS_SQL, n, START, DAYS, CITIES, OUTSIDE, types),
    )
    await conn.close()


LOANS_SQL = f"""
INSERT INTO enterprise.loans (id, bank_code, contract_no, uscc, enterprise_name, amount,
  disbursed_on, maturity_on, annual_rate, guarantee, status, listed)
SELECT gen_random_uuid(), 'BANK' || g % 5, 'HT' || lpad(g::text, 9, '0'), f.uscc, '企业',
  100000 + {draw(1)} % 4900000, day, day + 365, 3.4500, 'credit', 'disbursed',
  {draw(2)} % 2 = 0
FROM (SELECT g, 1 + {draw(3)} % $2 AS k, $3::date + ({draw(4)} % $4)::int AS day
      FROM generate_series(0, $1::int - 1) g) x
JOIN firms f USING (k)
"""


async def load_enterprise(dsn: str, n_enterprises: int, n_loans: int) -> None:
    rng = random.Random(13)
    conn = await asyncpg.connect(plain(dsn))
    codes = [uscc(i, rng.choice(CITIES)) for i in range(n_enterprises)]
    await bulk_fill(
        conn,
        "enterprise.enterprises",
        lambda: conn.copy_records_to_table(
            "enterprises",
            schema_name="enterprise",
            columns=["id", "uscc", "name", "city", "industry", "check_overridden"],
            records=(
                (uuid.uuid4(), code, f"企业{i}", code[2:6] + "00", "制造业", False)
                for i, code in enumerate(codes)
            ),
        ),
    )
    # Each loan goes to a random registered enterprise, picked by its ordinal.
    await conn.execute(
        "CREATE TEMP TABLE firms AS SELECT ordinality AS k, uscc"
        " FROM unnest($1::text[]) WITH ORDINALITY AS u(uscc)",
        codes,
    )
    await conn.execute("CREATE UNIQUE INDEX ON firms (k)")
    await bulk_fill(
        conn,
        "enterprise.loans",
        lambda: conn.execute(LOANS_SQL, n_loans, n_enterprises, START, DAYS),
    )
    await conn.close()


def timed(client: httpx.Client, url: str, params: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url, params=params)
        out.append(time.perf_counter() - t)
        r.raise_for_status()
    return out


def timed_pair(client: httpx.Client, url: str, periods: list[dict[str, str]]) -> float:
    """Both periods' calls at once, as reporting makes them; wall time of the pair."""
    with ThreadPoolExecutor(len(periods)) as pool:
        t = time.perf_counter()
        for r in list(pool.map(lambda q: client.get(url, params=q), periods)):
            r.raise_for_status()
        return time.perf_counter() - t


# One table per workstream schema: a statement on it moves that service's data version.
TOUCH = {
    "projects": "projects.challenge_demands",
    "enterprise": "enterprise.loans",
    "talent": "talent.commissioner_service_logs",
    "transfer": "transfer.tech_contracts",
}


async def touch_all(dsn: str) -> None:
    """A write (of no rows) to each service: every indicators ETag changes, the report is cold."""
    conn = await asyncpg.connect(dsn)
    try:
        for table in TOUCH.values():
            await conn.execute(f"UPDATE {table} SET id = id WHERE false")
    finally:
        await conn.close()


def profile(
    out: Path,
    procs: dict[str, subprocess.Popen[bytes]],
    c: httpx.Client,
    consolidated: str,
    admin: str,
    seconds: float = 8,
) -> None:
    """Sample every process while cold reports run, then while unchanged ones run."""
    out.mkdir(parents=True, exist_ok=True)
    for phase in ("cold", "warm"):
        spies = {
            n: pyspy.record(p.pid, out / f"{n}-{phase}.txt", seconds) for n, p in procs.items()
        }
        if any(s is None for s in spies.values()):
            print("py-spy not found: no profile")
            return
        time.sleep(1)  # let the samplers attach
        until = time.monotonic() + seconds - 1.5
        while time.monotonic() < until:
            if phase == "cold":
                asyncio.run(touch_all(admin))
            c.get(consolidated, params={"period": "2023-H1"}).raise_for_status()
        for spy in spies.values():
            assert spy is not None
            spy.wait(30)
        for name in procs:
            path = out / f"{name}-{phase}.txt"
            if path.exists():
                print("\n".join(pyspy.summary(path)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M contracts")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--enterprises", type=int, default=0, help="enterprises (default 100,000 × scale)"
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy every process, cold then warm, into DIR"
    )
    args = parser.parse_args()
    s = args.scale
    root = Path(tempfile.mkdtemp(prefix="gxst-bench-report-"))
    server = EmbeddedPostgres(root / "pg").start()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        creds = Secrets.load_or_create(root / "secrets.json")
        asyncio.run(bootstrap(server.admin_dsn(), creds))
        dsns = component_dsns(server.admin_dsn(), creds, DATABASE)
        migrate(dsns)
        t = time.perf_counter()

        async def load_all() -> None:
            await load_contracts(dsns["transfer"], int(1_000_000 * s))
            await seed_talent(plain(dsns["talent"]), int(1_000_000 * s))
            firms = args.enterprises or int(100_000 * s)
            await load_enterprise(dsns["enterprise"], firms, int(200_000 * s))
            await load_projects(plain(dsns["projects"]), int(50_000 * s))

        asyncio.run(load_all())
        load_s = time.perf_counter() - t
        print(f"loaded in {load_s:.0f} s")
        ports = {c.name: free_port() for c in ALL}
        urls = {n: f"http://{HOST}:{p}" for n, p in ports.items()}
        names = ("projects", "enterprise", "talent", "transfer", "reporting")
        comps = {c.name: c for c in ALL}
        for name in names:
            env = component_env(comps[name], dsns, creds, urls)
            env[comps[name].env_prefix + "LOG_LEVEL"] = "WARNING"
            # At national scale a call can outlast the 30 s statement timeout of a
            # deployment; the bench measures how long it takes instead of failing it.
            env[comps[name].env_prefix + "DB_STATEMENT_TIMEOUT_MS"] = "900000"
            env["REPORTING_CALL_DEADLINE_SECONDS"] = "900"
            procs[name] = uvicorn(comps[name].module, ports[name], env)
        wait_ready({n: urls[n] for n in names})
        rss = PeakRss({n: procs[n] for n in names})
        token = PrincipalSigner(creds.principal_private_key.encode(), ttl_seconds=3600).sign(
            Principal("bench", Role.admin)
        )
        period = {"from": "2023-01-01", "to": "2023-06-30"}
        both = [period, {"from": "2022-01-01", "to": "2022-06-30"}]
        # What the report asks of each service: both periods in one call.
        one_call = {**period, "previous_from": "2022-01-01", "previous_to": "2022-06-30"}
        admin = plain(server.admin_dsn(DATABASE))
        with httpx.Client(headers={"X-Principal": token}, timeout=900) as c:
            for name in names[:4]:  # warm caches and plans
                timed(c, urls[name] + "/v1/indicators", period, 2)
            timed(c, urls["reporting"] + "/v1/reports/consolidated", {"period": "2023-H1"}, 2)
            single: dict[str, list[float]] = {n: [] for n in names[:4]}
            pair: dict[str, list[float]] = {n: [] for n in names[:4]}
            joint: dict[str, list[float]] = {n: [] for n in names[:4]}
            report: list[float] = []
            warm: list[float] = []
            consolidated = urls["reporting"] + "/v1/reports/consolidated"
            for _ in range(args.runs):  # interleaved rounds
                for name in names[:4]:
                    single[name] += timed(c, urls[name] + "/v1/indicators", period, 1)
                    pair[name].append(timed_pair(c, urls[name] + "/v1/indicators", both))
                    joint[name] += timed(c, urls[name] + "/v1/indicators", one_call, 1)
                asyncio.run(touch_all(admin))  # cold: every service's data moved
                report += timed(c, consolidated, {"period": "2023-H1"}, 1)
                # Nothing changed since: reporting only revalidates (304s).
                warm += timed(c, consolidated, {"period": "2023-H1"}, 3)
            if args.profile is not None:
                profile(args.profile, procs, c, consolidated, admin)
        peaks = rss.stop()
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(10)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    med = {n: statistics.median(v) * 1000 for n, v in single.items()}
    med_pair = {n: statistics.median(v) * 1000 for n, v in pair.items()}
    med_joint = {n: statistics.median(v) * 1000 for n, v in joint.items()}
    rep = statistics.median(report) * 1000
    rep_warm = statistics.median(warm) * 1000
    slowest_joint = max(med_joint, key=lambda n: med_joint[n])
    slowest = max(med, key=lambda n: med[n])
    print(f"\nConsolidated report at scale {s} (1M contracts, 1M logs, 200k loans at 1.0); "
          f"medians of {args.runs}")  # fmt: skip
    for name, ms in med.items():
        both_ms = med_pair[name]
        print(f"  {name:<11} indicators {ms:8.1f} ms, two calls at once {both_ms:8.1f} ms, "
              f"both periods in one call {med_joint[name]:8.1f} ms")  # fmt: skip
    print(f"  report      consolidated, cold {rep:6.1f} ms, nothing changed {rep_warm:6.1f} ms")
    print(f"report ÷ slowest ({slowest_joint}) call for both periods  "
          f"{rep / med_joint[slowest_joint]:.2f}   (goal ≤ 1.5)")  # fmt: skip
    slowest_pair = max(med_pair, key=lambda n: med_pair[n])
    print(f"report ÷ slowest ({slowest}) one period   {rep / med[slowest]:.2f}")
    print(f"report ÷ slowest ({slowest_pair}) both periods  "
          f"{rep / med_pair[slowest_pair]:.2f}")  # fmt: skip
    for name, mb in peaks.items():
        print(f"  peak RSS {name:<11}{mb:6.0f} MB")
    if args.json:  # the last line, for bench/run_all.py
        print(json.dumps({"bench": "report", "scale": s, "load_s": load_s, "indicators_ms": med,
                          "report_ms": rep, "report_warm_ms": rep_warm,
                          "pair_ms": med_pair, "both_periods_ms": med_joint,
                          "slowest": slowest, "slowest_both": slowest_joint,
                          "peak_rss_mb": peaks}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
