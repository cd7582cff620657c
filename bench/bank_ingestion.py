"""Benchmark: 100,000 科创贷 loans through the partner-bank interface vs raw COPY.

- gateway:  10 signed batches of 10,000 (RFC 9421, hmac-sha256, content-digest,
            Idempotency-Key) from the reference client (examples/bank_client.py) through
            the gateway's ``/bank/v1/loan-batches`` to the enterprise service, which
            validates every row and upserts the batch atomically;
- direct:   the same batches straight to the enterprise service (principal token, no
            signature check), to show what the gateway hop costs;
- copy:     asyncpg ``copy_records_to_table`` of the same 100,000 rows into the same
            ``enterprise.loans`` table in one transaction (the baseline of
            docs/performance.md);
- in-process breakdown: the service's own parse + validate, and its store step (batch
            row + the one upsert statement + commit), timed without HTTP.

Gateway and enterprise run as uvicorn processes (one worker, uvloop, httptools) against a
throwaway embedded PostgreSQL; every variant starts from empty loan tables (TRUNCATE).
Rounds are interleaved and medians reported with the goal ratio gateway ÷ copy (≥ 0.5).

    uv run python -m bench.bank_ingestion [--rounds 3] [--concurrency 1|2]

Side by side with another version of the service (its source, e.g. main's)::

    git archive main services/enterprise/src | tar -x -C /tmp/base
    uv run python -m bench.bank_ingestion --baseline-src /tmp/base/services/enterprise/src

On a shared machine the rounds vary by ±50 %: read the per-round ratios and the
fastest round ("best") rather than one run's seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import httpx
import orjson
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bench.http_paths import HOST, PeakRss, uvicorn
from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import ALL, DATABASE, REPO
from devstack.pg import EmbeddedPostgres, free_port
from devstack.run import component_env, wait_ready
from enterprise_service.loan import parsing
from enterprise_service.loan import service as loan_service
from shared_kit.auth import Principal, PrincipalSigner, Role
from shared_kit.codes import uscc_check_char

BANK = "BENCHBANK"
COPY_COLUMNS = (
    "id", "bank_code", "contract_no", "uscc", "enterprise_name", "amount", "disbursed_on",
    "maturity_on", "annual_rate", "guarantee", "status", "listed", "last_batch_id",
    "created_at", "updated_at",
)  # fmt: skip
GUARANTEES = ("credit", "guaranteed", "collateral", "ip_pledge")
TRUNCATE = (
    "TRUNCATE enterprise.loan_history, enterprise.loans, enterprise.loan_batches, "
    "enterprise.idempotency_keys"
)


def load_client() -> ModuleType:
    """examples/bank_client.py as a module: the client a bank would copy."""
    path = REPO / "examples" / "bank_client.py"
    spec = importlib.util.spec_from_file_location("bank_client", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bank_client"] = module
    spec.loader.exec_module(module)
    return module


def make_uscc(n: int) -> str:
    first17 = f"91450100{n:09d}"
    return first17 + uscc_check_char(first17)


def make_loans(total: int, borrowers: list[str]) -> list[dict[str, str]]:
    start = date(2023, 1, 1)
    loans = []
    for i in range(total):
        disbursed = start + timedelta(days=i % 365)
        loans.append({
            "contract_no": f"KCD-{i:07d}",
            "uscc": borrowers[i % len(borrowers)],
            "enterprise_name": f"广西基准科技有限公司{i % len(borrowers)}",
            "amount": f"{100000 + (i % 9000) * 100}.{i % 100:02d}",
            "disbursed_on": disbursed.isoformat(),
            "maturity_on": (disbursed + timedelta(days=365)).isoformat(),
            "annual_rate": "3.4500",
            "guarantee": GUARANTEES[i % 4],
            "status": "disbursed",
        })  # fmt: skip
    return loans


def copy_records(loans: list[dict[str, str]]) -> list[tuple[Any, ...]]:
    """The loans as typed rows for COPY (built before the clock starts)."""
    now = datetime.now(UTC)
    return [
        (
            uuid.uuid4(),
            BANK,
            r["contract_no"],
            r["uscc"],
            r["enterprise_name"],
            Decimal(r["amount"]),
            date.fromisoformat(r["disbursed_on"]),
            date.fromisoformat(r["maturity_on"]),
            Decimal(r["annual_rate"]),
            r["guarantee"],
            r["status"],
            False,
            None,
            now,
            now,
        )
        for r in loans
    ]


async def truncate(admin_dsn: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(TRUNCATE)
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def run_copy(admin_dsn: str, records: list[tuple[Any, ...]]) -> float:
    conn = await asyncpg.connect(admin_dsn)
    try:
        t0 = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table(
                "loans", schema_name="enterprise", records=records, columns=COPY_COLUMNS
            )
        return time.perf_counter() - t0
    finally:
        await conn.close()


def run_http(
    send: Any, bodies: list[bytes], concurrency: int
) -> tuple[float, list[dict[str, Any]]]:
    """Send every batch (``concurrency`` at a time); seconds and the 201 answers."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        responses = list(pool.map(send, bodies))
    elapsed = time.perf_counter() - t0
    for r in responses:
        if r.status_code != 201:
            raise RuntimeError(f"batch refused: {r.status_code} {r.text[:500]}")
    return elapsed, [r.json() for r in responses]


async def run_inprocess(dsn: str, bodies: list[bytes]) -> tuple[float, float]:
    """(parse + validate seconds, store seconds) for every batch, without HTTP."""
    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    validate = store = 0.0
    try:
        for body in bodies:
            t0 = time.perf_counter()
            ref, fmt, rows = parsing.read_rows(
                body, "application/json", batch_ref=None, max_rows=10_000
            )
            batch = parsing.validate_rows(
                rows, batch_ref=ref, fmt=fmt, max_rows=10_000, today=date.today()
            )
            t1 = time.perf_counter()
            if batch.errors or batch.legacy_uscc_rows:
                raise RuntimeError("the benchmark's loans should all be valid")
            async with sessions() as session, session.begin():
                await loan_service._store(session, bank=BANK, batch=batch, dry_run=False)
            t2 = time.perf_counter()
            validate += t1 - t0
            store += t2 - t1
    finally:
        await engine.dispose()
    return validate, store


def setup_registry(url: str, token: str, borrowers: list[str]) -> None:
    """Register the borrowers and list half of them (the upsert flags listed loans)."""
    with httpx.Client(base_url=url, headers={"X-Principal": token}, timeout=30) as c:
        # Only a partner bank in force may push loans.
        r = c.post("/v1/partner-banks", json={
            "code": BANK, "name": "基准银行", "agreement_signed_on": "2020-01-01",
        })  # fmt: skip
        r.raise_for_status()
        for i, uscc in enumerate(borrowers):
            r = c.post("/v1/enterprises", json={
                "uscc": uscc, "name": f"广西基准科技有限公司{i}", "city": "450100",
                "industry": "电子信息",
            })  # fmt: skip
            r.raise_for_status()
            if i % 2 == 0:
                r = c.post(
                    "/v1/kcd-listings", json={"enterprise_uscc": uscc, "listed_on": "2022-06-01"}
                )
                r.raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--borrowers", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1, help="batches in flight")
    parser.add_argument(
        "--baseline-src",
        default="",
        help="another enterprise_service source tree (e.g. `git archive` of main's "
        "services/enterprise/src): also run it directly, side by side, as 'baseline'",
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    client_mod = load_client()
    borrowers = [make_uscc(i + 1) for i in range(args.borrowers)]
    loans = make_loans(args.loans, borrowers)
    bodies = [
        orjson.dumps({"batch_ref": f"bench-{i}", "loans": loans[i : i + args.batch]})
        for i in range(0, len(loans), args.batch)
    ]
    records = copy_records(loans)

    root = Path(tempfile.mkdtemp(prefix="gxst-bench-bank-"))
    server = EmbeddedPostgres(root / "pg").start()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    results: dict[str, list[float]] = {
        k: [] for k in ("copy", "gateway", "direct", "baseline", "validate", "store")
    }
    try:
        creds = Secrets.load_or_create(root / "secrets.json")
        asyncio.run(bootstrap(server.admin_dsn(), creds))
        dsns = component_dsns(server.admin_dsn(), creds, DATABASE)
        migrate(dsns)
        admin_dsn = server.admin_dsn(DATABASE)
        ports = {c.name: free_port() for c in ALL} | {"baseline": free_port()}
        urls = {n: f"http://{HOST}:{p}" for n, p in ports.items()}
        comps = {c.name: c for c in ALL}
        for name in ("enterprise", "gateway"):
            env = component_env(comps[name], dsns, creds, urls)
            env[comps[name].env_prefix + "LOG_LEVEL"] = "WARNING"
            env["GATEWAY_RATE_LIMIT_PER_SECOND"] = "0"
            procs[name] = uvicorn(comps[name].module, ports[name], env)
        if args.baseline_src:
            env = component_env(comps["enterprise"], dsns, creds, urls)
            env["ENTERPRISE_LOG_LEVEL"] = "WARNING"
            # Ahead of the installed (editable) package, so this tree's code is what runs.
            env["PYTHONPATH"] = os.pathsep.join([args.baseline_src, env.get("PYTHONPATH", "")])
            procs["baseline"] = uvicorn(comps["enterprise"].module, ports["baseline"], env)
        wait_ready({n: urls[n] for n in procs})

        signer = PrincipalSigner(creds.principal_private_key.encode(), ttl_seconds=3600)
        admin_token = signer.sign(Principal("bench", Role.admin))
        # As the gateway forwards a verified signature (the direct runs skip the gateway).
        bank_token = signer.sign(Principal("bench-bank", Role.bank, bank=BANK, signed=True))
        setup_registry(urls["enterprise"], admin_token, borrowers)

        out = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "create-bank-client", "--bank", BANK,
             "--alg", "hmac-sha256"],
            # The gateway's environment: it asks the partner registry before registering.
            env=component_env(comps["gateway"], dsns, creds, urls), cwd=REPO, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        fields = dict(line.split("=", 1) for line in out.split() if "=" in line)
        bank_creds = client_mod.Credentials.hmac(fields["key_id"], fields["secret"])
        bank = client_mod.BankClient(urls["gateway"], bank_creds, timeout=120)
        direct = httpx.Client(base_url=urls["enterprise"], timeout=120)
        baseline = httpx.Client(base_url=urls["baseline"], timeout=120)
        json_type = {"content-type": "application/json"}

        def via_gateway(body: bytes) -> httpx.Response:
            # Signed at send time, as a bank would: the digest of 2 MB is part of the cost.
            r: httpx.Response = bank.request(
                "POST", "loan-batches", content=body, headers=json_type
            )
            return r

        def via(client: httpx.Client) -> Any:
            def send(body: bytes) -> httpx.Response:
                key = uuid.uuid4().hex
                headers = {**json_type, "X-Principal": bank_token, "Idempotency-Key": key}
                return client.post("/v1/bank/loan-batches", content=body, headers=headers)

            return send

        via_direct, via_baseline = via(direct), via(baseline)

        # Warm up both paths (imports, pools, plans) on a small batch, then start clean.
        warm = orjson.dumps({"batch_ref": "warm", "loans": loans[:500]})
        run_http(via_gateway, [warm], 1)
        run_http(via_direct, [warm], 1)
        if args.baseline_src:
            run_http(via_baseline, [warm], 1)
        rss = PeakRss({n: procs[n] for n in ("enterprise", "gateway")})
        answers: list[dict[str, Any]] = []
        for round_no in range(args.rounds):
            asyncio.run(truncate(admin_dsn))
            results["copy"].append(asyncio.run(run_copy(admin_dsn, records)))
            asyncio.run(truncate(admin_dsn))
            elapsed, answers = run_http(via_gateway, bodies, args.concurrency)
            results["gateway"].append(elapsed)
            pair = [("direct", via_direct)]
            if args.baseline_src:
                # Alternate which goes first, so neither always meets the warmer cache.
                pair.append(("baseline", via_baseline))
                pair = pair[::-1] if round_no % 2 else pair
            for name, send in pair:
                asyncio.run(truncate(admin_dsn))
                results[name].append(run_http(send, bodies, args.concurrency)[0])
            asyncio.run(truncate(admin_dsn))
            validate, store = asyncio.run(run_inprocess(dsns["enterprise"], bodies))
            results["validate"].append(validate)
            results["store"].append(store)
        peaks = rss.stop()
        bank.close()
        direct.close()
        baseline.close()
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(10)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    created = sum(a["created"] for a in answers)
    listed = sum(a["listed"] for a in answers)
    med = {k: statistics.median(v) for k, v in results.items() if v}
    n = args.loans
    print(f"\n{n:,} loans as {len(bodies)} batches of {args.batch:,}, {args.rounds} rounds, "
          f"{args.concurrency} batch(es) in flight, medians; last gateway run: "
          f"{created:,} created, {listed:,} listed")  # fmt: skip
    best = {k: min(v) for k, v in results.items() if v}
    print(f"{'variant':<34}{'seconds':>9}{'rows/s':>11}{'÷ copy':>8}{'best s':>9}{'÷ copy':>8}")
    rows = [
        ("copy (asyncpg copy_records_to_table)", "copy"),
        ("gateway (signed, end to end)", "gateway"),
        ("direct to enterprise service", "direct"),
        *([("direct, baseline source", "baseline")] if "baseline" in med else []),
        ("  in-process parse + validate", "validate"),
        ("  in-process store (upsert+commit)", "store"),
    ]
    for label, key in rows:
        secs, low = med[key], best[key]
        print(f"{label:<34}{secs:>9.2f}{n / secs:>11,.0f}{med['copy'] / secs:>8.2f}"
              f"{low:>9.2f}{best['copy'] / low:>8.2f}")  # fmt: skip
    print("(best = fastest round of each: the least disturbed figure on a shared machine)")
    # The machine may be shared: each round's own ratio, then their median, is the figure.
    per_round = [c / g for c, g in zip(results["copy"], results["gateway"], strict=True)]
    print()
    print(f"gateway ÷ copy   {statistics.median(per_round):.2f}   (goal ≥ 0.5; median of "
          f"rounds {', '.join(f'{r:.2f}' for r in per_round)})")  # fmt: skip
    if "baseline" in med:
        speedups = [b / d for b, d in zip(results["baseline"], results["direct"], strict=True)]
        print(f"direct speed-up over baseline source  {statistics.median(speedups):.2f}x "
              f"(rounds {', '.join(f'{r:.2f}' for r in speedups)})")  # fmt: skip
    print(f"gateway hop      {(med['gateway'] - med['direct']) / len(bodies) * 1000:.0f} ms/batch")
    other = med["direct"] - med["validate"] - med["store"]
    print(f"HTTP + rest      {other / len(bodies) * 1000:.0f} ms/batch in the service beyond "
          "validate + store")  # fmt: skip
    for name, mb in peaks.items():
        print(f"peak RSS {name:<11}{mb:.0f} MB (goal ≤ 150 MB)")
    if args.json:  # the last line, for bench/run_all.py
        print(json.dumps({
            "bench": "bank_ingestion", "loans": n, "batch": args.batch,
            "concurrency": args.concurrency, "rounds": args.rounds,
            "seconds": med, "best_seconds": best,
            "rows_per_s": {k: n / v for k, v in med.items()},
            "gateway_over_copy": statistics.median(per_round),
            "gateway_over_copy_rounds": per_round,
            "direct_over_copy": med["copy"] / med["direct"],
            "store_over_copy": med["copy"] / med["store"],
            "gateway_hop_ms_per_batch": (med["gateway"] - med["direct"]) / len(bodies) * 1000,
            "peak_rss_mb": peaks,
        }))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
