"""Benchmark: one database-backed GET three ways, side by side in one run.

- raw:     Starlette + asyncpg pool + orjson (bench/raw_baseline.py), the baseline of
           docs/performance.md;
- direct:  the projects service's ``GET /v1/challenge-demands/{id}`` (principal verified,
           one transaction, pydantic response);
- gateway: the same call through the gateway (API key, principal signing, aiohttp proxy).

Each runs as its own uvicorn process (one worker, uvloop, httptools) against a throwaway
embedded PostgreSQL; the load comes from bench/loadgen.py in another process. Rounds are
interleaved and the medians reported, with the ratios the goals are stated in:
direct ÷ raw (goal ≥ 0.6), gateway ÷ direct (goal ≥ 0.6, added p50 ≤ 2 ms).

    uv run python bench/http_paths.py [--seconds 6] [--rounds 3] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

from bench import pyspy
from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import ALL, DATABASE, REPO
from devstack.pg import EmbeddedPostgres, free_port
from devstack.run import component_env, spawn_module, wait_ready
from shared_kit.auth import Principal, PrincipalSigner, Role

HOST = "127.0.0.1"


def uvicorn(module: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return spawn_module(module, env, HOST, port)


def load(urls: list[str], seconds: float, concurrency: int, headers: dict[str, str]) -> dict:
    cmd = [sys.executable, str(REPO / "bench" / "loadgen.py"), *urls, "--seconds", str(seconds),
           "--concurrency", str(concurrency)]  # fmt: skip
    for k, v in headers.items():
        cmd += ["--header", f"{k}:{v}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class PeakRss:
    """Samples the resident set size of some processes in the background."""

    def __init__(self, procs: dict[str, subprocess.Popen[bytes]]) -> None:
        self.procs = {n: psutil.Process(p.pid) for n, p in procs.items()}
        self.peak = dict.fromkeys(procs, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, proc in self.procs.items():
                with contextlib.suppress(psutil.Error):
                    self.peak[name] = max(self.peak[name], proc.memory_info().rss)
            time.sleep(0.2)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {n: v / 2**20 for n, v in self.peak.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--also-at", type=int, default=8, help="also measure at this many connections (0: no)"
    )
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy the service and the gateway into DIR"
    )
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="gxst-bench-http-"))
    server = EmbeddedPostgres(root / "pg").start()
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        creds = Secrets.load_or_create(root / "secrets.json")
        asyncio.run(bootstrap(server.admin_dsn(), creds))
        dsns = component_dsns(server.admin_dsn(), creds, DATABASE)
        migrate(dsns)
        ports = {c.name: free_port() for c in ALL} | {"raw": free_port()}
        urls = {n: f"http://{HOST}:{p}" for n, p in ports.items()}
        comps = {c.name: c for c in ALL}
        for name in ("projects", "gateway"):
            env = component_env(comps[name], dsns, creds, urls)
            env[comps[name].env_prefix + "LOG_LEVEL"] = "WARNING"
            env["GATEWAY_RATE_LIMIT_PER_SECOND"] = "0"  # one key drives all the load
            procs[name] = uvicorn(comps[name].module, ports[name], env)
        raw_env = dict(
            os.environ, RAW_DSN=dsns["projects"].replace("postgresql+asyncpg", "postgresql")
        )
        procs["raw"] = uvicorn("bench.raw_baseline:create_app", ports["raw"], raw_env)
        wait_ready({"projects": urls["projects"], "gateway": urls["gateway"]})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(urls["raw"] + "/challenge-demands/00000000-0000-0000-0000-000000000000")
                break
            except httpx.HTTPError:
                time.sleep(0.2)

        signer = PrincipalSigner(creds.principal_private_key.encode(), ttl_seconds=3600)
        token = signer.sign(Principal("bench", Role.admin))
        ids = []
        with httpx.Client(base_url=urls["projects"], headers={"X-Principal": token}) as c:
            for i in range(args.rows):
                r = c.post("/v1/challenge-demands", json={
                    "title": f"基准需求{i}", "organisation_name": "南宁某企业",
                    "organisation_uscc": "914501005794165304", "city": "450100",
                    "field": "新材料", "budget": "1000000.00", "submitted_on": "2023-03-01",
                })  # fmt: skip
                r.raise_for_status()
                ids.append(r.json()["id"])
        env = dict(os.environ, GATEWAY_DATABASE_URL=dsns["gateway"])
        key = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "create-key", "--role", "admin"],
            env=env, cwd=REPO, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip

        targets = {
            "raw": ([f"{urls['raw']}/challenge-demands/{i}" for i in ids], {}),
            "direct": (
                [f"{urls['projects']}/v1/challenge-demands/{i}" for i in ids],
                {"X-Principal": token},
            ),
            "gateway": (
                [f"{urls['gateway']}/api/projects/v1/challenge-demands/{i}" for i in ids],
                {"X-API-Key": key},
            ),
        }
        for u, h in targets.values():  # warm up every path
            load(u, 1.5, args.concurrency, h)
        rss = PeakRss({"projects": procs["projects"], "gateway": procs["gateway"]})
        results: dict[str, list[dict]] = {n: [] for n in targets}
        low: dict[str, list[dict]] = {n: [] for n in targets}
        for _ in range(args.rounds):
            for name, (u, h) in targets.items():
                results[name].append(load(u, args.seconds, args.concurrency, h))
            if args.also_at:
                for name, (u, h) in targets.items():
                    low[name].append(load(u, args.seconds, args.also_at, h))
        if args.profile is not None:  # sampled apart from the measured rounds
            args.profile.mkdir(parents=True, exist_ok=True)
            for name, (u, h) in targets.items():
                proc = procs["projects" if name == "direct" else name]
                out = args.profile / f"{name}.txt"
                spy = pyspy.record(proc.pid, out, args.seconds + 2)
                if spy is None:
                    print("py-spy not found: no profile")
                    break
                time.sleep(1)
                load(u, args.seconds, args.concurrency, h)
                spy.wait(30)
                if out.exists():
                    print("\n".join(pyspy.summary(out)))
        peaks = rss.stop()
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(10)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    med = {
        n: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50_ms", "p99_ms")}
        for n, rs in results.items()
    }
    med_low = {
        n: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50_ms", "p99_ms")}
        for n, rs in low.items()
        if rs
    }
    errors = {n: sum(r["errors"] for r in rs) for n, rs in results.items()}
    print(f"\nDB-backed GET by id, {args.rounds} rounds x {args.seconds:.0f}s, "
          f"{args.concurrency} connections, medians")  # fmt: skip
    print(f"{'path':<10}{'rps':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for n, m in med.items():
        print(f"{n:<10}{m['rps']:>10.0f}{m['p50_ms']:>10.2f}{m['p99_ms']:>10.2f}{errors[n]:>8}")
    print()
    print(f"direct ÷ raw      {med['direct']['rps'] / med['raw']['rps']:.2f}   (goal ≥ 0.6)")
    print(f"gateway ÷ direct  {med['gateway']['rps'] / med['direct']['rps']:.2f}   (goal ≥ 0.6)")
    added = med["gateway"]["p50_ms"] - med["direct"]["p50_ms"]
    print(f"gateway added p50 {added:.2f} ms at {args.concurrency} connections")
    if med_low:
        added_low = med_low["gateway"]["p50_ms"] - med_low["direct"]["p50_ms"]
        print(f"at {args.also_at} connections: direct ÷ raw "
              f"{med_low['direct']['rps'] / med_low['raw']['rps']:.2f}, gateway ÷ direct "
              f"{med_low['gateway']['rps'] / med_low['direct']['rps']:.2f}, gateway added p50 "
              f"{added_low:.2f} ms (goal ≤ 2 ms)")  # fmt: skip
    for name, mb in peaks.items():
        print(f"peak RSS {name:<9}{mb:.0f} MB (goal ≤ 150 MB)")
    if args.json:  # the last line, for bench/run_all.py
        print(json.dumps({"bench": "http_paths", "concurrency": args.concurrency, "paths": med,
                          "low_concurrency": args.also_at, "paths_low": med_low,
                          "errors": errors, "peak_rss_mb": peaks}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
