"""``make bench``: every benchmark in bench/, then one table of figures and ratios.

Each script runs in its own process with ``--json`` and prints, as its last line, a JSON
object with its figures (``"bench": <name>`` plus numbers). This runner collects them and
prints one table beside the goals of docs/performance.md, with the date and the machine.
A script it has no formatter for still gets a row per numeric figure; a script may also
give ``"table": [[figure, value, goal], ...]`` to choose its own rows.

Every script starts its own throwaway embedded PostgreSQL (and, where it measures HTTP,
its own uvicorn processes), so nothing else is touched. The default arguments fit a
2-core machine in a few minutes; ``--full`` is the national scale of issue 17 (10M
contracts, 10M service logs, 2M loans, 2M enterprises; hours and tens of GB here), and
``--full --factor 0.01`` the same shape a hundred times smaller, to try it. Output of
each script is kept in ``.data/bench/<name>.log``.

    uv run python bench/run_all.py [--full [--factor F]] [--only http_paths,report] [--json]
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HELPERS = {"__init__", "bulk", "loadgen", "plans", "pyspy", "raw_baseline", "run_all"}
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


# National scale (issue 17): 10,000,000 technology contracts, 10,000,000 service logs,
# 2,000,000 loans over 2,000,000 enterprises; every count is multiplied by --factor.
NATIONAL: dict[str, list[tuple[str, int | float | str]]] = {
    "http_paths": [("--seconds", "6"), ("--rounds", "3")],
    "projects_indicators": [("--rows", 500_000), ("--runs", "9")],
    "talent_service_logs": [("--logs", 10_000_000), ("--import-rows", 100_000), ("--runs", "5")],
    "transfer_contracts": [
        ("--contracts", 10_000_000),
        ("--import-rows", 100_000),
        ("--runs", "5"),
    ],
    "report": [("--scale", 10.0), ("--enterprises", 2_000_000), ("--runs", "5")],
    "bank_ingestion": [("--rounds", "3"), ("--loans", 200_000)],
    "enterprise_import": [("--rows", 200_000), ("--files", "5")],
}


def national(name: str, factor: float) -> list[str]:
    """The national-scale arguments of one script, its counts multiplied by ``factor``."""
    out: list[str] = []
    for flag, value in NATIONAL.get(name, []):
        if isinstance(value, str):
            out += [flag, value]
        elif isinstance(value, float):
            out += [flag, f"{value * factor:g}"]
        else:
            out += [flag, str(max(1, int(value * factor)))]
    return out


@dataclass(frozen=True)
class Fig:
    """One row of the table, and under ``key`` one number of the final JSON (if ``value``)."""

    key: str  # stable across runs: how one run is compared with another
    label: str
    shown: str
    goal: str = ""
    value: float | None = None


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


def div(a: float, b: float) -> float | None:
    return a / b if b else None


def ratio_fig(key: str, label: str, a: float, b: float, goal: str = "") -> Fig:
    r = div(a, b)
    return Fig(key, label, f"{r:.2f}" if r is not None else "n/a", goal, r)


def ms_fig(key: str, label: str, ms: float, goal: str = "") -> Fig:
    return Fig(key, label, f"{ms:.1f} ms", goal, ms)


def rss_figs(prefix: str, what: str, peaks: dict[str, float]) -> list[Fig]:
    return [
        Fig(f"{prefix}.rss_mb.{name}", f"peak RSS {name} ({what})", f"{mb:.0f} MB", "≤ 150 MB", mb)
        for name, mb in peaks.items()
    ]


def http_paths(f: dict[str, Any]) -> list[Fig]:
    figs: list[Fig] = []
    levels = [(f.get("concurrency", 32), f["paths"])]
    if f.get("paths_low"):
        levels.append((f["low_concurrency"], f["paths_low"]))
    for conns, p in levels:
        k = f"http.c{conns}"
        for name in ("raw", "direct", "gateway"):
            m = p[name]
            figs.append(
                Fig(
                    f"{k}.{name}_rps",
                    f"GET by id, {name}, {conns} connections",
                    f"{m['rps']:.0f} rps, p50 {m['p50_ms']:.2f} ms, p99 {m['p99_ms']:.2f} ms",
                    value=m["rps"],
                )
            )
            figs.append(Fig(f"{k}.{name}_p50_ms", "", "", value=m["p50_ms"]))
        figs.append(ratio_fig(f"{k}.service_over_raw", f"service ÷ raw (rps), {conns} conn.",
                              p["direct"]["rps"], p["raw"]["rps"], "≥ 0.6"))  # fmt: skip
        figs.append(ratio_fig(f"{k}.gateway_over_direct", f"gateway ÷ direct (rps), {conns} conn.",
                              p["gateway"]["rps"], p["direct"]["rps"], "≥ 0.8"))  # fmt: skip
        added = p["gateway"]["p50_ms"] - p["direct"]["p50_ms"]
        goal = "≤ 2 ms" if conns <= 8 else ""
        figs.append(Fig(f"{k}.gateway_added_p50_ms", f"gateway added p50, {conns} conn.",
                        f"{added:.2f} ms", goal, added))  # fmt: skip
    if any(f["errors"].values()):
        figs.append(Fig("http.errors", "errors under load", json.dumps(f["errors"]), "0",
                        sum(f["errors"].values())))  # fmt: skip
    return figs + rss_figs("http", "GET load", f["peak_rss_mb"])


def indicators_vs_raw(service: str, what: str) -> Callable[[dict[str, Any]], list[Fig]]:
    def fmt(f: dict[str, Any]) -> list[Fig]:
        k = f"{service}_indicators"
        figs: list[Fig] = [
            Fig(f"{k}.indicators_ms", f"{service} indicators vs raw SQL{what(f)}",
                f"{f['indicators_ms']:.1f} ms vs {f['raw_ms']:.1f} ms", "", f["indicators_ms"]),
            Fig(f"{k}.raw_ms", "", "", value=f["raw_ms"]),
            ratio_fig(f"{k}.over_raw", f"{service} indicators ÷ raw SQL", f["indicators_ms"],
                      f["raw_ms"], "≤ 1.3"),
        ]  # fmt: skip
        if "import_rows_per_s" in f:
            figs.append(
                Fig(
                    f"{k}.import_rows_per_s",
                    f"{service} import (in-process app)",
                    f"{f['import_rows_per_s']:,.0f} rows/s, "
                    f"process RSS {f['import_rss_mb']:.0f} MB",
                    "",
                    f["import_rows_per_s"],
                )
            )
            figs.append(Fig(f"{k}.import_rss_mb", "", "", "≤ 150 MB", f["import_rss_mb"]))
        if "import_over_copy" in f:
            figs.append(
                Fig(f"{k}.import_over_copy", f"{service} import ÷ raw COPY",
                    f"{f['import_over_copy']:.2f}", "≥ 0.5", f["import_over_copy"])
            )  # fmt: skip
        if f.get("agree") is False:
            figs.append(Fig(f"{k}.agree", f"{service} figures agree with raw SQL", "NO", "yes", 0))
        return figs

    return fmt


def report(f: dict[str, Any]) -> list[Fig]:
    figs: list[Fig] = [
        ms_fig(f"report.{name}_indicators_ms", f"{name} indicators (report scale {f['scale']:g})",
               ms)
        for name, ms in f["indicators_ms"].items()
    ]  # fmt: skip
    for name, ms in f.get("both_periods_ms", {}).items():
        figs.append(ms_fig(f"report.{name}_both_periods_ms", f"{name}, both periods in one call",
                           ms))  # fmt: skip
    figs.append(ms_fig("report.cold_ms", "consolidated report 2023-H1, cold", f["report_ms"]))
    if "report_warm_ms" in f:
        figs.append(ms_fig("report.warm_ms", "consolidated report, no record changed",
                           f["report_warm_ms"], "≤ 25 ms"))  # fmt: skip
    if "both_periods_ms" in f:
        worst = f["slowest_both"]
        figs.append(ratio_fig("report.cold_over_slowest_call",
                              f"report ÷ slowest service's call for both periods ({worst})",
                              f["report_ms"], f["both_periods_ms"][worst], "≤ 1.5"))  # fmt: skip
    slowest = f["slowest"]
    figs.append(ratio_fig("report.cold_over_slowest_one_period",
                          f"report ÷ slowest service's one-period call ({slowest})",
                          f["report_ms"], f["indicators_ms"][slowest]))  # fmt: skip
    return figs + rss_figs("report", "report load", f["peak_rss_mb"])


def bank_ingestion(f: dict[str, Any]) -> list[Fig]:
    rps = f["rows_per_s"]
    figs = [
        Fig(f"bank.{k}_rows_per_s", f"bank ingestion, {k}", f"{v:,.0f} rows/s", "", v)
        for k, v in rps.items()
    ]
    figs += [
        Fig("bank.gateway_over_copy", f"bank ingestion through the gateway ÷ COPY, "
            f"{f['concurrency']} batch in flight", f"{f['gateway_over_copy']:.2f}", "≥ 0.5",
            f["gateway_over_copy"]),
        Fig("bank.direct_over_copy", "bank ingestion direct to the service ÷ COPY",
            f"{f['direct_over_copy']:.2f}", "", f["direct_over_copy"]),
        Fig("bank.store_over_copy", "bank ingestion, store step alone ÷ COPY",
            f"{f['store_over_copy']:.2f}", "", f["store_over_copy"]),
        Fig("bank.gateway_hop_ms_per_batch", "bank ingestion, gateway hop",
            f"{f['gateway_hop_ms_per_batch']:.0f} ms/batch", "", f["gateway_hop_ms_per_batch"]),
    ]  # fmt: skip
    return figs + rss_figs("bank", "bank ingestion", f["peak_rss_mb"])


def generic(f: dict[str, Any]) -> list[Fig]:
    name = f.get("bench", "?")
    if "table" in f:
        return [Fig(f"{name}.row{i}", str(a), str(b), str(c)) for i, (a, b, c) in
                enumerate(f["table"])] + [
            Fig(f"{name}.{k}", "", "", value=v) for k, v in f.items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]  # fmt: skip
    figs: list[Fig] = []
    for key, value in f.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            figs.append(Fig(f"{name}.{key}", f"{name} {key}", f"{value:,.2f}", "", value))
    return figs


FORMATTERS: dict[str, Callable[[dict[str, Any]], list[Fig]]] = {
    "http_paths": http_paths,
    "bank_ingestion": bank_ingestion,
    "projects_indicators": indicators_vs_raw("projects", lambda f: ""),
    "talent_service_logs": indicators_vs_raw("talent", lambda f: f" ({f['logs']:,} logs)"),
    "transfer_contracts": indicators_vs_raw(
        "transfer", lambda f: f" ({f['contracts']:,} contracts)"
    ),
    "report": report,
}
ORDER = ("http_paths", "bank_ingestion", "report")  # the headline figures first


def all_figures(collected: dict[str, dict[str, Any]]) -> list[Fig]:
    """Every script's figures, in the order the scripts ran."""
    figs: list[Fig] = []
    for name, figures in collected.items():
        if "text" in figures:
            figs.append(Fig(name, name, "see its own output below (no --json yet)"))
        else:
            figs += FORMATTERS.get(name, generic)(figures)
    return figs


def by_key(figs: list[Fig]) -> dict[str, float]:
    """The numbers of the final JSON, each under its stable name."""
    return {f.key: f.value for f in figs if f.value is not None}


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
    parser.add_argument(
        "--full", action="store_true", help="national scale (10M contracts, 10M logs, 2M loans)"
    )
    parser.add_argument(
        "--factor", type=float, default=1.0, help="with --full: multiply every count (e.g. 0.01)"
    )
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
        extra = national(name, args.factor) if args.full else QUICK.get(name, [])
        print(f"running bench/{name}.py {' '.join(extra)}", file=sys.stderr, flush=True)
        figures, took = run(name, extra, log_dir)
        print(f"  {name}: {took:.0f} s", file=sys.stderr, flush=True)
        if figures is None:
            failed.append(name)
        else:
            collected[name] = figures
    figs = all_figures(collected)
    texts = {name: f["text"] for name, f in collected.items() if "text" in f}
    rows = [(f.label, f.shown, f.goal) for f in figs if f.label]
    w1 = max(len(r[0]) for r in rows) if rows else 10
    w2 = max(len(r[1]) for r in rows) if rows else 10
    print()
    sizes = f"national × {args.factor:g}" if args.full else "quick"
    print(f"Benchmarks, {started:%Y-%m-%d %H:%M} UTC, {sizes} sizes, load {os.getloadavg()[0]:.1f}")
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
    if args.json:  # the last line: every figure and ratio by a stable name, then the raw runs
        summary = {
            "date": started.isoformat(),
            "machine": machine(),
            "load_average": list(os.getloadavg()),
            "sizes": sizes,
            "figures": by_key(figs),
            "failed": failed,
            "runs": collected,
        }
        print(json.dumps(summary, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
