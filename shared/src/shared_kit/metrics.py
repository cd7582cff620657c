"""Prometheus metrics through ``prometheus-client``: the plumbing every component shares.

The default registry carries the client's process, platform (Python) and GC
collectors. Each component runs as one uvicorn worker per process (``make run``,
the container's ``serve``, Kubernetes scales by replicas), so the in-process
registry is exact and multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``) is not used;
a component started with several workers would need it.

Business metrics live beside the code that counts them (the gateway's bank
signatures, enterprise's loan batches, the imports, reporting's builds); their
names start with ``gxst_``. ``deploy/prometheus`` and ``deploy/grafana`` name only
metrics found here or there, which a test checks against live ``/metrics`` pages.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

# Seconds: the platform's latency goals sit between 50 ms and 2 s.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_SERVER_DURATION = Histogram(
    "http_server_request_duration_seconds",
    "Duration of HTTP requests served, by method, route template and status.",
    ["method", "route", "status"],
    buckets=_BUCKETS,
)
DATABASE_UP = Gauge(
    "gxst_database_up",
    "1 when the component's database answered its check at the last scrape, else 0.",
)
IMPORT_ROWS = Counter(
    "gxst_import_rows",
    "Rows of uploaded tables, by import kind and outcome (accepted, refused).",
    ["kind", "outcome"],
)


# The labelled series by (method, route, status): ``labels()`` takes a lock and builds a
# key on every call; the set of routes and statuses a process answers is small.
_SERIES: dict[tuple[str, str, int], Any] = {}


def observe_request(
    method: str, route: str, status: int, seconds: float, ids: tuple[str, str, str] | None
) -> None:
    """One served request; a sampled trace (``ids``: the request's, ``current_ids()``)
    becomes the bucket's exemplar."""
    key = (method, route, status)
    child = _SERIES.get(key)
    if child is None:
        child = _SERIES[key] = HTTP_SERVER_DURATION.labels(method, route, str(status))
    if ids and int(ids[2], 16) & 1:  # the W3C "sampled" flag
        child.observe(seconds, exemplar={"trace_id": ids[0]})
    else:
        child.observe(seconds)


def count_import(kind: str, *, accepted: int, refused: int) -> None:
    """Rows an import kept and refused (an atomic import refusing any row keeps none)."""
    if accepted:
        IMPORT_ROWS.labels(kind, "accepted").inc(accepted)
    if refused:
        IMPORT_ROWS.labels(kind, "refused").inc(refused)


def exposition(accept: str | None) -> tuple[bytes, str]:
    """The registry as text, in OpenMetrics (with exemplars) when the scraper asks for it."""
    encoder, content_type = choose_encoder(accept or "")
    return encoder(REGISTRY), content_type
