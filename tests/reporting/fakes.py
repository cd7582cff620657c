"""Workstream services' HTTP replaced by in-memory answers (the only thing unit tests replace)."""

from __future__ import annotations

from typing import Any

import httpx

from reporting_service.clients.workstream import WorkstreamClient

SERVICES = ("projects", "enterprise", "talent", "transfer")


class FakeWorkstreams:
    """``figures[year][service]`` is the indicator list a service answers for that year;
    a key ``"2023-07-01"`` (the period's first day) answers that period alone.

    Asked for one city, a service answers like the real ones: the city's column as the
    value (0 when the city has none) and null for the codes in ``region_only``.
    """

    def __init__(
        self,
        figures: dict[Any, dict[str, list[dict[str, Any]]]],
        region_only: frozenset[str] = frozenset(),
    ) -> None:
        self.figures = figures
        self.region_only = region_only
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
            city = request.url.params.get("city")
            if city:
                figs = [self._scoped(f, city) for f in figs]
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

    def _scoped(self, fig: dict[str, Any], city: str) -> dict[str, Any]:
        if fig["code"] in self.region_only:
            return {**fig, "value": None, "by_city": None, "items": None}
        zero: Any = "0" if fig["unit"] == "yuan" else 0
        cell = (fig.get("by_city") or {}).get(city, zero)
        scoped = {**fig, "value": cell, "by_city": {city: cell}}
        if fig["unit"] == "percent":
            scoped.update(numerator=None, denominator=None)
        return scoped


def count(code: str, value: int, by_city: dict[str, int] | None = None) -> dict[str, Any]:
    return {"code": code, "unit": "count", "value": value, "by_city": by_city or {}}


def money(code: str, value: str, by_city: dict[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "unit": "yuan", "value": value, "by_city": by_city or {}}
