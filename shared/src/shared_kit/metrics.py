"""A small Prometheus text-format registry: request counts and latency per route."""

from __future__ import annotations

from collections import defaultdict

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.requests: defaultdict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: defaultdict[tuple[str, str], list[float]] = defaultdict(
            lambda: [0.0] * (len(_BUCKETS) + 2)
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        hist = self.latency[(method, route)]
        for i, bound in enumerate(_BUCKETS):
            if seconds <= bound:
                hist[i] += 1
        hist[len(_BUCKETS)] += 1  # +Inf / count
        hist[len(_BUCKETS) + 1] += seconds  # sum

    def render(self) -> str:
        lines = [
            "# HELP http_requests_total Requests served, by route template and status.",
            "# TYPE http_requests_total counter",
        ]
        svc = self.service
        for (method, route, status), n in sorted(self.requests.items()):
            lines.append(
                f'http_requests_total{{service="{svc}",method="{method}",route="{route}",'
                f'status="{status}"}} {n}'
            )
        lines += [
            "# HELP http_request_duration_seconds Request latency.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        for (method, route), hist in sorted(self.latency.items()):
            labels = f'service="{svc}",method="{method}",route="{route}"'
            for i, bound in enumerate(_BUCKETS):
                lines.append(
                    f'http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {int(hist[i])}'
                )
            count = int(hist[len(_BUCKETS)])
            lines.append(f'http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {count}')
            lines.append(f"http_request_duration_seconds_count{{{labels}}} {count}")
            lines.append(
                f"http_request_duration_seconds_sum{{{labels}}} {hist[len(_BUCKETS) + 1]:.6f}"
            )
        return "\n".join(lines) + "\n"
