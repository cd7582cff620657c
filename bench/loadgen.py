"""A small closed-loop HTTP load generator (aiohttp + uvloop), run as its own process.

    python bench/loadgen.py URL [URL ...] --seconds 8 --concurrency 32 [--header K:V]

Each worker picks URLs round-robin and sends the next request as soon as the
previous answer is read. Prints one JSON line: requests, rps, p50/p99 (ms), errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import aiohttp
import uvloop


async def run(urls: list[str], seconds: float, concurrency: int, headers: dict[str, str]) -> dict:
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    stop_at = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def worker(offset: int) -> None:
            nonlocal errors
            i = offset
            while time.perf_counter() < stop_at:
                url = urls[i % len(urls)]
                i += 1
                started = time.perf_counter()
                try:
                    async with session.get(url) as resp:
                        await resp.read()
                        statuses[resp.status] = statuses.get(resp.status, 0) + 1
                        if resp.status >= 400:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / elapsed,
        "p50_ms": latencies[n // 2] * 1000 if n else None,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else None,
        "errors": errors,
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    headers = dict(h.split(":", 1) for h in args.header)
    result = uvloop.run(run(args.urls, args.seconds, args.concurrency, headers))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
