"""Workstream services' HTTP replaced by in-memory answers (the only thing unit tests replace)."""

from __future__ import annotations

from typing import Any

import httpx

from reporting_service.clients.workstream import WorkstreamClient

SERVICES = ("projects", "enterprise", "talent", "transfer")


class FakeWorkstreams:
    """``figures[year][service]`` is the indicator list a service answers for that year;
    a key ``"2023-07-01"`` (the period's first day) answers that period alone."""

    def __init__(self, figures: dict[Any, dict[str, list[dict[str, Any]]]]) -> None:
        self.figures = figures
        self.down: set[str] = set()
        self.calls: list[tuple[str, str]] = []

    def clients(self) -> dict[str, WorkstreamClient]:
        return {name: self._client(name) for name in SERVICES}

    def _client(self, name: str) -> WorkstreamClient:
        def handler(request: httpx.Request) -> httpx.Response:
            if name in self.down:
                raise httpx.ConnectError("connection refused", request=request)
            start = request.url.params["from"]
            self.calls.append((name, start))
            by_period = self.figures.get(start, self.figures.get(int(start[:4]), {}))
            figs = by_period.get(name, [])
            body = {
                "service": name,
                "from": start,
                "to": request.url.params["to"],
                "city": request.url.params.get("city"),
                "indicators": figs,
            }
            return httpx.Response(200, json=body)

        return WorkstreamClient(
            name, "http://svc", deadline=2.0, retries=0, transport=httpx.MockTransport(handler)
        )


def count(code: str, value: int, by_city: dict[str, int] | None = None) -> dict[str, Any]:
    return {"code": code, "unit": "count", "value": value, "by_city": by_city or {}}


def money(code: str, value: str, by_city: dict[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "unit": "yuan", "value": value, "by_city": by_city or {}}
