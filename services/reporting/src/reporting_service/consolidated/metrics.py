"""Consolidated report builds: how many, how they ended, how long they took."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

BUILDS = Counter(
    "gxst_report_builds",
    "Consolidated report builds, by outcome (complete, partial: a workstream missing, failed).",
    ["outcome"],
)
BUILD_SECONDS = Histogram(
    "gxst_report_build_duration_seconds",
    "Time to build a consolidated report (the four workstream calls included).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
for _outcome in ("complete", "partial", "failed"):
    BUILDS.labels(_outcome)


def observe(outcome: str, seconds: float) -> None:
    BUILDS.labels(outcome).inc()
    BUILD_SECONDS.observe(seconds)
