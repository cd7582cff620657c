"""Benchmark: technology contracts at scale — indicators vs raw SQL, and a 100,000-row import.

On a throwaway embedded PostgreSQL (bootstrapped and migrated as the tests do):

1. 1,000,000 contracts are generated in SQL (parties inside and outside the region,
   2% revoked, four years of registration dates). The transfer service's
   ``GET /v1/indicators`` for 2023-H1 (in-process, ASGI) is timed beside the same
   aggregates run as raw SQL over asyncpg (outflow by seller city with both sums,
   absorbed by buyer city), medians of interleaved rounds, and their ratio
   (goal ≤ 1.3).
2. A 100,000-row contract CSV with Chinese headers is imported through
   ``POST /v1/imports/tech-contracts`` (dry run, then for real): rows per second and the
   process's peak resident memory before and after. Beside it, the baseline: asyncpg
   ``copy_records_to_table`` of the same rows into the same table (then deleted and
   vacuumed), and the import ÷ COPY ratio (goal ≥ 0.5).

    uv run python -m bench.transfer_contracts [--contracts 1000000] [--import-rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import resource
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.bulk import bulk_fill
from bench.plans import figures_plan
from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import DATABASE
from devstack.pg import EmbeddedPostgres
from shared_kit.auth import Principal, PrincipalSigner, Role
from transfer_service.config import Settings
from transfer_service.indicator.specs import SPECS
from transfer_service.main import create_app

SEED = """
INSERT INTO transfer.tech_contracts (id, registration_no, type, title, seller_name,
  seller_region, seller_city, buyer_name, buyer_region, buyer_city, contract_amount,
  tech_transaction_amount, signed_on, registered_on, city, status)
SELECT gen_random_uuid(), 'B' || g, 'service', '', 's', sr,
  CASE WHEN left(sr, 2) = '45' THEN left(sr, 4) || '00' END, 'b', br,
  CASE WHEN left(br, 2) = '45' THEN left(br, 4) || '00' END,
  (g % 100000)::numeric / 7, (g % 50000)::numeric / 9, d - 10, d, '450100',
  CASE WHEN g % 50 = 0 THEN 'revoked' ELSE 'registered' END
FROM (SELECT g,
        (ARRAY['450100','450200','450300','450400','450500','451400','440100','110108'])
          [1 + g % 8] AS sr,
        (ARRAY['450100','450200','451000','450900','440300','450300','310000'])
          [1 + (g / 8) % 7] AS br,
        date '2021-01-01' + ((hashint4(g)::bigint % 1400 + 1400) % 1400)::int AS d
      FROM generate_series(1, $1::int) g) x
"""
RAW = (
    "SELECT seller_city, count(*), sum(contract_amount), sum(tech_transaction_amount) "
    "FROM transfer.tech_contracts WHERE registered_on BETWEEN $1 AND $2 "
    "AND status = 'registered' AND seller_city IS NOT NULL GROUP BY ROLLUP(seller_city)",
    "SELECT buyer_city, count(*) FROM transfer.tech_contracts "
    "WHERE registered_on BETWEEN $1 AND $2 AND status = 'registered' "
    "AND buyer_city IS NOT NULL GROUP BY ROLLUP(buyer_city)",
)
HEADER = ["合同登记编号", "合同类型", "项目名称", "卖方名称", "卖方统一社会信用代码",
          "卖方行政区划代码", "买方名称", "买方统一社会信用代码", "买方行政区划代码",
          "合同成交额", "技术交易额", "签订日期", "登记日期", "登记城市"]  # fmt: skip


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(n):
            out.writerow([f"IMP{i:010d}", "委托开发", "项目", "广西大学", "914501005794165304",
                          "450100", "某公司", "91450200MAA7L76A5R", "450200", "1000.00",
                          "800.00", "2023-02-01", "2023-03-01", "450100"])  # fmt: skip


COPY_COLUMNS = ("id", "registration_no", "type", "title", "seller_name", "seller_uscc",
                "seller_region", "seller_city", "buyer_name", "buyer_uscc", "buyer_region",
                "buyer_city", "contract_amount", "tech_transaction_amount", "signed_on",
                "registered_on", "city", "status", "created_at", "updated_at")  # fmt: skip


def copy_records(path: Path) -> list[tuple[Any, ...]]:
    """The file's rows as the table's typed rows, built before the clock starts."""
    now = datetime.now(UTC)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return [
        (uuid.uuid4(), no, "development_commissioned", title, seller, s_uscc, s_region,
         s_region[:4] + "00", buyer, b_uscc, b_region, b_region[:4] + "00", Decimal(amount),
         Decimal(tech), date.fromisoformat(signed), date.fromisoformat(registered), city,
         "registered", now, now)
        for no, _, title, seller, s_uscc, s_region, buyer, b_uscc, b_region, amount, tech,
            signed, registered, city in rows
    ]  # fmt: skip


async def run_copy(pg: asyncpg.Connection, records: list[tuple[Any, ...]]) -> float:
    """Seconds to COPY ``records`` into tech_contracts in one transaction; then removed."""
    t = time.perf_counter()
    async with pg.transaction():
        await pg.copy_records_to_table(
            "tech_contracts", schema_name="transfer", records=records, columns=COPY_COLUMNS
        )
    took = time.perf_counter() - t
    await pg.execute("DELETE FROM transfer.tech_contracts WHERE registration_no LIKE 'IMP%'")
    await pg.execute("VACUUM ANALYZE transfer.tech_contracts")
    return took


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(
    dsn: str, creds: Secrets, n_contracts: int, n_import: int, runs: int, as_json: bool = False
) -> None:
    raw_dsn = dsn.replace("postgresql+asyncpg://", "postgresql://")
    pg = await asyncpg.connect(raw_dsn)
    t = time.perf_counter()
    await bulk_fill(pg, "transfer.tech_contracts", lambda: pg.execute(SEED, n_contracts))
    print(f"seeded {n_contracts:,} contracts in {time.perf_counter() - t:.1f} s")
    settings = Settings(
        database_url=dsn,
        principal_public_key=creds.principal_public_key,
        log_json=False,
        log_level="WARNING",
        db_statement_timeout_ms=900_000,  # national scale: measure, do not time out
    )
    app = create_app(settings)
    token = PrincipalSigner(creds.principal_private_key.encode()).sign(
        Principal("bench", Role.admin)
    )
    start, end = date(2023, 1, 1), date(2023, 6, 30)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=900,
            headers={"X-Principal": token},
        ) as client:  # fmt: skip
            raws, apis = [], []
            for i in range(runs + 2):
                t = time.perf_counter()
                for sql in RAW:
                    await pg.fetch(sql, start, end)
                raw = time.perf_counter() - t
                t = time.perf_counter()
                r = await client.get("/v1/indicators", params={"from": str(start), "to": str(end)})
                api = time.perf_counter() - t
                r.raise_for_status()
                if i >= 2:  # the first two warm caches and plans
                    raws.append(raw)
                    apis.append(api)
            raw_ms, api_ms = statistics.median(raws) * 1000, statistics.median(apis) * 1000
            plan = await figures_plan(pg, SPECS, start, end)
            print("\nthe figures statement's plan (EXPLAIN ANALYZE, BUFFERS):")
            print("\n".join("  " + line for line in plan))
            print(f"\nindicators over {n_contracts:,} contracts, 2023-H1, median of {runs}:")
            print(f"  endpoint {api_ms:8.1f} ms   raw SQL {raw_ms:8.1f} ms   "
                  f"ratio {api_ms / raw_ms:.2f} (goal ≤ 1.3)")  # fmt: skip

            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "contracts.csv"
                write_csv(path, n_import)
                size = path.stat().st_size / 2**20
                print(f"\nimport of {n_import:,} rows ({size:.1f} MiB CSV):")
                copy_s = await run_copy(pg, copy_records(path))
                print(f"  COPY    {n_import / copy_s:9,.0f} rows/s  ({copy_s:.1f} s)   "
                      "raw copy_records_to_table into the same table")  # fmt: skip
                for dry in ("true", "false"):
                    before = rss_mb()
                    t = time.perf_counter()
                    with path.open("rb") as fh:
                        r = await client.post(
                            "/v1/imports/tech-contracts",
                            params={"dry_run": dry},
                            files={"file": ("contracts.csv", fh, "text/csv")},
                        )
                    took = time.perf_counter() - t
                    assert r.status_code in (200, 201), r.text[:500]
                    label = "dry run" if dry == "true" else "import "
                    print(f"  {label} {n_import / took:9,.0f} rows/s  ({took:.1f} s)   "
                          f"peak RSS {before:.0f} → {rss_mb():.0f} MB")  # fmt: skip
                print(f"  import ÷ COPY {copy_s / took:.2f} (goal ≥ 0.5)")
    await pg.close()
    if as_json:  # the last line, for bench/run_all.py
        out = {
            "bench": "transfer_contracts",
            "contracts": n_contracts,
            "indicators_ms": api_ms,
            "raw_ms": raw_ms,
            "import_rows_per_s": n_import / took,
            "import_copy_rows_per_s": n_import / copy_s,
            "import_over_copy": copy_s / took,
            "import_rss_mb": rss_mb(),
            "plan": plan,
        }
        print(json.dumps(out))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gxst-bench-transfer-"))
    server = EmbeddedPostgres(root / "pg").start()
    try:
        creds = Secrets.load_or_create(root / "secrets.json")
        asyncio.run(bootstrap(server.admin_dsn(), creds))
        dsns = component_dsns(server.admin_dsn(), creds, DATABASE)
        migrate(dsns)
        asyncio.run(
            run(dsns["transfer"], creds, args.contracts, args.import_rows, args.runs, args.json)
        )
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
