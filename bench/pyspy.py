"""Profiles of running processes under load, for the benchmarks' ``--profile DIR``.

py-spy is not a dependency: install it into your own environment to profile
(``uv pip install py-spy``). ``record`` samples a process for some seconds and keeps
the collapsed stacks; ``summary`` names where the time went, inclusive of callees,
grouped by the frames a reader recognises (FastAPI dependency solving, serialisation,
the database driver, the HTTP client).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

# Frame substrings → what that time is spent on (the frame nearest the leaf that matches).
BUCKETS: tuple[tuple[str, str], ...] = (
    ("solve_dependencies", "FastAPI dependency solving"),
    ("serialize_response", "response validation + serialisation"),
    ("jsonable_encoder", "response validation + serialisation"),
    ("model_validate_json", "parsing JSON answers"),
    ("asyncpg", "database driver"),
    ("sqlalchemy", "SQLAlchemy"),
    ("httpx", "HTTP client"),
    ("httpcore", "HTTP client"),
    ("aiohttp", "HTTP client"),
    ("build_row", "report assembly"),
    ("consolidated_report", "report assembly"),
    ("middleware", "middleware"),
    ("opentelemetry", "telemetry"),
    ("prometheus", "metrics"),
    ("verify", "principal verification"),
)


def _bucket(frames: list[str]) -> str:
    """The most specific recognised frame of a stack (nearest the leaf) names its time."""
    for frame in reversed(frames):
        for needle, name in BUCKETS:
            if needle in frame:
                return name
    return "other"


def py_spy() -> str | None:
    here = Path(sys.executable).with_name("py-spy")
    return str(here) if here.exists() else shutil.which("py-spy")


def record(pid: int, out: Path, seconds: float) -> subprocess.Popen[bytes] | None:
    """Sample ``pid`` for ``seconds`` into ``out`` (collapsed stacks); None without py-spy."""
    exe = py_spy()
    if exe is None:
        return None
    cmd = [exe, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "250",
           "--format", "raw", "--nonblocking", "--output", str(out)]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summary(path: Path, top: int = 12) -> list[str]:
    """Lines naming the share of busy samples per bucket and the hottest own frames."""
    buckets: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        if not frames or any(w in frames[-1] for w in ("select (", "poll (", "epoll")):
            continue  # idle: the event loop waiting
        total += n
        own[frames[-1]] += n
        buckets[_bucket(frames)] += n
    if not total:
        return [f"{path.name}: no busy samples"]
    lines = [f"{path.name}: {total} busy samples"]
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in buckets.most_common()]
    lines.append("  hottest own frames:")
    lines += [f"  {100 * n / total:5.1f} %  {frame}" for frame, n in own.most_common(top)]
    return lines
