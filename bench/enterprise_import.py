"""Benchmark: the enterprise registry import — rows per second and the service's memory.

The enterprise service runs as a uvicorn process (one worker, uvloop, httptools) against a
throwaway embedded PostgreSQL (bootstrapped and migrated as the tests do). CSV files of
``--rows`` enterprises each (default 100,000, the import's limit) are generated first;
then, timed:

1. copy:      asyncpg ``copy_records_to_table`` of the first file's rows straight into
              ``enterprise.enterprises`` in one transaction (the baseline), then emptied;
2. dry run:   ``POST /v1/imports/enterprises?dry_run=true`` of the first file;
3. create:    every file (default 5: 500,000 enterprises, the benchmark size) imported
              one after the other into a growing registry;
4. unchanged: the first file again (every row compared, nothing written);
5. update:    the first file with every tenth firm renamed and moved to another city
              (upsert plus dated name/city history).

Rows per second are end to end (multipart upload, parse, check, COPY to staging, checks
in SQL, upsert, commit). The service's resident memory is sampled throughout: its peak
against its size at rest shows the import streams instead of holding the file.

    uv run python -m bench.enterprise_import [--rows 100000] [--files 5]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

from bench.http_paths import HOST, PeakRss, uvicorn
from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import ALL, DATABASE
from devstack.pg import EmbeddedPostgres, free_port
from devstack.run import component_env, wait_ready
from shared_kit.auth import Principal, PrincipalSigner, Role
from shared_kit.codes import GUANGXI_CITIES, uscc_check_char

CITIES = tuple(GUANGXI_CITIES)
INDUSTRIES = ("新材料", "电子信息", "生物医药", "先进装备制造", "现代农业")
HEADER = ["统一社会信用代码", "企业名称", "所在城市", "区县代码", "所属行业", "变更日期"]
COPY_COLUMNS = ("id", "uscc", "name", "city", "industry", "check_overridden",
                "created_at", "updated_at")  # fmt: skip


def enterprise(n: int, renamed: bool = False) -> list[str]:
    city = CITIES[(n + renamed) % len(CITIES)]
    county = city[:4] + ("02", "03", "21", "22")[n % 4]
    first17 = f"91{CITIES[n % len(CITIES)][:4]}02{n:09d}"
    name = f"{GUANGXI_CITIES[city][:-1]}华桂{INDUSTRIES[n % 5]}科技有限公司{n:07d}"
    if renamed:
        name += "（更名）"
    changed = "2023-03-15" if renamed else ""
    return [first17 + uscc_check_char(first17), name, city, county, INDUSTRIES[n % 5], changed]


def write_csv(path: Path, start: int, n: int, *, rename_every: int = 0) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(start, start + n):
            out.writerow(enterprise(i, renamed=bool(rename_every) and i % rename_every == 0))


def copy_records(path: Path) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return [(uuid.uuid4(), u, name, city, industry, False, now, now)
            for u, name, city, _, industry, _ in rows]  # fmt: skip


async def run_copy(admin_dsn: str, records: list[tuple[Any, ...]]) -> float:
    conn = await asyncpg.connect(admin_dsn)
    try:
        t = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table(
                "enterprises", schema_name="enterprise", records=records, columns=COPY_COLUMNS
            )
        took = time.perf_counter() - t
        await conn.execute("TRUNCATE enterprise.enterprises CASCADE")
        await conn.execute("VACUUM ANALYZE enterprise.enterprises")
        return took
    finally:
        await conn.close()


def post(client: httpx.Client, path: Path, *, dry_run: bool = False) -> tuple[float, Any]:
    t = time.perf_counter()
    with path.open("rb") as fh:
        r = client.post(
            "/v1/imports/enterprises",
            params={"dry_run": str(dry_run).lower()},
            files={"file": (path.name, fh, "text/csv")},
        )
    took = time.perf_counter() - t
    if r.status_code != 200:
        raise RuntimeError(f"import refused: {r.status_code} {r.text[:500]}")
    return took, r.json()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="rows per file")
    parser.add_argument("--files", type=int, default=5, help="files imported into the registry")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    n = args.rows
    root = Path(tempfile.mkdtemp(prefix="gxst-bench-entimport-"))
    server = EmbeddedPostgres(root / "pg").start()
    proc = None
    try:
        files = [root / f"registry-{k}.csv" for k in range(args.files)]
        for k, path in enumerate(files):
            write_csv(path, k * n, n)
        update = root / "registry-update.csv"
        write_csv(update, 0, n, rename_every=10)
        mib = files[0].stat().st_size / 2**20

        creds = Secrets.load_or_create(root / "secrets.json")
        asyncio.run(bootstrap(server.admin_dsn(), creds))
        dsns = component_dsns(server.admin_dsn(), creds, DATABASE)
        migrate(dsns)
        ports = {c.name: free_port() for c in ALL}
        urls = {name: f"http://{HOST}:{port}" for name, port in ports.items()}
        comp = next(c for c in ALL if c.name == "enterprise")
        env = component_env(comp, dsns, creds, urls)
        env["ENTERPRISE_LOG_LEVEL"] = "WARNING"
        proc = uvicorn(comp.module, ports["enterprise"], env)
        wait_ready({"enterprise": urls["enterprise"]})

        copy_s = asyncio.run(run_copy(server.admin_dsn(DATABASE), copy_records(files[0])))
        token = PrincipalSigner(creds.principal_private_key.encode(), ttl_seconds=3600).sign(
            Principal("bench", Role.admin)
        )
        client = httpx.Client(
            base_url=urls["enterprise"], headers={"X-Principal": token}, timeout=600
        )
        client.get("/v1/enterprises", params={"limit": 1}).raise_for_status()  # warm up
        idle = psutil.Process(proc.pid).memory_info().rss / 2**20
        rss = PeakRss({"enterprise": proc})
        dry_s, dry = post(client, files[0], dry_run=True)
        assert dry["created"] == n, dry
        creates = []
        for path in files:
            took, got = post(client, path)
            assert got["created"] == n, got
            creates.append(took)
            print(f"  created {n:,} in {took:.1f} s")
        same_s, same = post(client, files[0])
        assert same["unchanged"] == n, same
        upd_s, upd = post(client, update)
        assert (upd["updated"], upd["changes"]) == (n // 10, 2 * (n // 10)), upd
        peak = rss.stop()["enterprise"]
        client.close()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    total = n * len(files)
    create_rps = total / sum(creates)
    print(f"\nenterprise registry import, files of {n:,} rows ({mib:.1f} MiB CSV), "
          f"{len(files)} files = {total:,} enterprises")  # fmt: skip
    figures = [("raw COPY into enterprises (1 file)", copy_s), ("dry run (1 file)", dry_s)]
    for k, secs in enumerate(creates):
        figures.append((f"create, file {k + 1} (registry {k * n:,} → {(k + 1) * n:,})", secs))
    figures.append(("file 1 again, unchanged", same_s))
    figures.append((f"file 1, {n // 10:,} renamed and moved", upd_s))
    for label, secs in figures:
        print(f"  {label:<48}{secs:8.2f} s{n / secs:12,.0f} rows/s")
    print(f"  create overall: {create_rps:,.0f} rows/s, {create_rps * copy_s / n:.2f} of raw COPY")
    print(f"  peak RSS enterprise {peak:.0f} MB (at rest {idle:.0f} MB; goal ≤ 150 MB)")
    if args.json:
        table = [
            [f"enterprise registry import, create ({total:,} in files of {n:,})",
             f"{create_rps:,.0f} rows/s", ""],
            ["enterprise registry import ÷ raw COPY", f"{create_rps * copy_s / n:.2f}", ""],
            ["enterprise registry import, dry run / unchanged / 10% updated",
             f"{n / dry_s:,.0f} / {n / same_s:,.0f} / {n / upd_s:,.0f} rows/s", ""],
            ["peak RSS enterprise (registry import)", f"{peak:.0f} MB (idle {idle:.0f} MB)",
             "≤ 150 MB"],
        ]  # fmt: skip
        out = {
            "bench": "enterprise_import",
            "rows_per_file": n,
            "files": len(files),
            "create_rows_per_s": create_rps,
            "over_copy": create_rps * copy_s / n,
            "copy_rows_per_s": n / copy_s,
            "dry_run_rows_per_s": n / dry_s,
            "unchanged_rows_per_s": n / same_s,
            "update_rows_per_s": n / upd_s,
            "peak_rss_mb": peak,
            "idle_rss_mb": idle,
            "table": table,
        }
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
