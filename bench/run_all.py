"""``make bench``: every benchmark in bench/, then one table of figures and ratios.

Each script runs in its own process with ``--json`` and prints, as its last line, a JSON
object with its figures (``"bench": <name>`` plus numbers). This runner collects them and
prints one table beside the goals of docs/performance.md, with the date and the machine.
A script it has no formatter for still gets a row per numeric figure; a script may also
give ``"table": [[figure, value, goal], ...]`` to choose its own rows.

Every script starts its own throwaway embedded PostgreSQL (and, where it measures HTTP,
its own uvicorn processes), so nothing else is touched. The default arguments fit a
2-core machine in a few minutes; ``--full`` uses each script's own (benchmark-size)
defaults. Output of each script is kept in ``.data/bench/<name>.log``.

    uv run python bench/run_all.py [--full] [--only http_paths,report] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HELPERS = {"__init__", "loadgen", "raw_baseline", "run_all"}
# Arguments for a 2-core machine, a few minutes in all.
QUICK: dict[str, list[str]] = {
    "http_paths": ["--seconds", "4", "--rounds", "3", "--concurrency", "32"],
    "projects_indicators": ["--rows", "50000", "--runs", "9"],
    "talent_service_logs": ["--logs", "200000", "--import-rows", "20000", "--runs", "5"],
    "transfer_contracts": ["--contracts", "200000", "--import-rows", "20000", "--runs", "5"],
    "report": ["--scale", "0.2", "--runs", "5"],
    "bank_ingestion": ["--rounds", "3", "--loans", "50000"],
    "enterprise_import": ["--rows", "50000", "--files", "2"],
}
Row = tuple[str, str, str]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs (nproc), {cpu}{mem}, {platform.system()} {platform.release()}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def http_paths(f: dict[str, Any]) -> list[Row]:
    p = f["paths"]
    rows: list[Row] = []
    for name in ("raw", "direct", "gateway"):
        m = p[name]
        rows.append(
            (
                f"GET by id, {name}",
                f"{m['rps']:.0f} rps, p50 {m['p50_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms",
                "",
            )
        )
    rows.append(("service ÷ raw (rps)", ratio(p["direct"]["rps"], p["raw"]["rps"]), "≥ 0.6"))
    rows.append(("gateway ÷ direct (rps)", ratio(p["gateway"]["rps"], p["direct"]["rps"]), "≥ 0.6"))
    added = p["gateway"]["p50_ms"] - p["direct"]["p50_ms"]
    rows.append(("gateway added p50", f"{added:.2f} ms", "≤ 2 ms"))
    if any(f["errors"].values()):
        rows.append(("errors under load", json.dumps(f["errors"]), "0"))
    for name, mb in f["peak_rss_mb"].items():
        rows.append((f"peak RSS {name} (GET load)", f"{mb:.0f} MB", "≤ 150 MB"))
    return rows


def indicators_vs_raw(service: str, what: str) -> Callable[[dict[str, Any]], list[Row]]:
    def fmt(f: dict[str, Any]) -> list[Row]:
        rows: list[Row] = [
            (
                f"{service} indicators vs raw SQL{what(f)}",
                f"{f['indicators_ms']:.1f} ms vs {f['raw_ms']:.1f} ms",
                "",
            ),
            (f"{service} indicators ÷ raw SQL", ratio(f["indicators_ms"], f["raw_ms"]), "≤ 1.3"),
        ]
        if "import_rows_per_s" in f:
            rows.append(
                (
                    f"{service} import (in-process app)",
                    f"{f['import_rows_per_s']:,.0f} rows/s, "
                    f"process RSS {f['import_rss_mb']:.0f} MB",
                    "",
                )
            )
        if f.get("agree") is False:
            rows.append((f"{service} figures agree with raw SQL", "NO", "yes"))
        return rows

    return fmt


def report(f: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [
        (f"{name} indicators (report scale {f['scale']:g})", f"{ms:.1f} ms", "")
        for name, ms in f["indicators_ms"].items()
    ]
    slowest = f["slowest"]
    rows.append(("consolidated report 2023-H1", f"{f['report_ms']:.1f} ms", ""))
    rows.append(
        (
            f"report ÷ slowest service ({slowest})",
            ratio(f["report_ms"], f["indicators_ms"][slowest]),
            "≤ 1.5",
        )
    )
    if "pair_ms" in f:  # the slowest service's whole share: both periods, as the report asks
        pair = f["pair_ms"]
        worst = max(pair, key=lambda n: pair[n])
        rows.append((f"{worst} indicators, both periods at once", f"{pair[worst]:.1f} ms", ""))
        rows.append((f"report ÷ slowest service's two calls ({worst})",
                     ratio(f["report_ms"], pair[worst]), ""))  # fmt: skip
    for name, mb in f["peak_rss_mb"].items():
        rows.append((f"peak RSS {name} (report load)", f"{mb:.0f} MB", "≤ 150 MB"))
    return rows


def generic(f: dict[str, Any]) -> list[Row]:
    if "table" in f:
        return [(str(a), str(b), str(c)) for a, b, c in f["table"]]
    rows: list[Row] = []
    for key, value in f.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            rows.append((f"{f.get('bench', '?')} {key}", f"{value:,.2f}", ""))
    return rows


FORMATTERS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "http_paths": http_paths,
    "projects_indicators": indicators_vs_raw("projects", lambda f: ""),
    "talent_service_logs": indicators_vs_raw("talent", lambda f: f" ({f['logs']:,} logs)"),
    "transfer_contracts": indicators_vs_raw(
        "transfer", lambda f: f" ({f['contracts']:,} contracts)"
    ),
    "report": report,
}
ORDER = ("http_paths", "bank_ingestion", "report")  # the headline figures first


def scripts() -> list[str]:
    names = sorted(p.stem for p in (REPO / "bench").glob("*.py") if p.stem not in HELPERS)
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def run(name: str, args: list[str], log_dir: Path) -> tuple[dict[str, Any] | None, float]:
    """Run one script; its JSON figures, or ``{"text": …}`` when it has no ``--json`` yet."""
    t = time.perf_counter()
    cmd = [sys.executable, "-m", f"bench.{name}", *args, "--json"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    plain = proc.returncode == 2 and "unrecognized arguments: --json" in proc.stderr
    if plain:  # an older script: run it as it is and show what it printed
        proc = subprocess.run(cmd[:-1], cwd=REPO, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t
    (log_dir / f"{name}.log").write_text(proc.stdout + proc.stderr)
    found: dict[str, Any] | None = None
    if plain and proc.returncode == 0:
        found = {"bench": name, "text": proc.stdout.strip().splitlines()[-14:]}
    for line in reversed(proc.stdout.strip().splitlines() if not plain else []):
        if line.startswith("{"):
            try:
                found = json.loads(line)
            except json.JSONDecodeError:
                continue
            break
    if proc.returncode != 0 or found is None:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        print(f"  {name}: FAILED (exit {proc.returncode})\n{tail}", file=sys.stderr)
        return None, took
    return found, took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="each script's own defaults")
    parser.add_argument("--only", default="", help="comma-separated script names")
    parser.add_argument("--json", action="store_true", help="also print every figure as JSON")
    args = parser.parse_args(argv)
    names = scripts()
    if args.only:
        wanted = set(args.only.split(","))
        names = [n for n in names if n in wanted]
    log_dir = REPO / ".data" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    collected: dict[str, dict[str, Any]] = {}
    failed: list[str] = []
    for name in names:
        extra = [] if args.full else QUICK.get(name, [])
        print(f"running bench/{name}.py {' '.join(extra)}", file=sys.stderr, flush=True)
        figures, took = run(name, extra, log_dir)
        print(f"  {name}: {took:.0f} s", file=sys.stderr, flush=True)
        if figures is None:
            failed.append(name)
        else:
            collected[name] = figures
    rows: list[Row] = []
    texts: dict[str, list[str]] = {}
    for name, figures in collected.items():
        if "text" in figures:
            texts[name] = figures["text"]
            rows.append((f"{name}", "see its own output below (no --json yet)", ""))
        else:
            rows += FORMATTERS.get(name, generic)(figures)
    if "bank_ingestion" not in names:
        rows.append(("bank ingestion ÷ raw COPY", "not measured (no bench/bank_ingestion.py)", ""))
    w1 = max(len(r[0]) for r in rows) if rows else 10
    w2 = max(len(r[1]) for r in rows) if rows else 10
    print()
    print(f"Benchmarks, {started:%Y-%m-%d %H:%M} UTC, {'full' if args.full else 'quick'} sizes")
    print(f"machine: {machine()}")
    print()
    print(f"| {'figure':<{w1}} | {'measured':<{w2}} | goal |")
    print(f"|{'-' * (w1 + 2)}|{'-' * (w2 + 2)}|------|")
    for figure, value, goal in rows:
        print(f"| {figure:<{w1}} | {value:<{w2}} | {goal} |")
    for name, lines in texts.items():
        print(f"\nbench/{name}.py printed:")
        for line in lines:
            print(f"    {line}")
    if failed:
        print(f"\nfailed: {', '.join(failed)} (logs in {log_dir})")
    if args.json:
        print(json.dumps({"date": started.isoformat(), "machine": machine(), "runs": collected}))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
