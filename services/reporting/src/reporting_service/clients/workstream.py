"""Typed client for a workstream service's indicator endpoint."""

from __future__ import annotations

from datetime import date

import httpx

from shared_kit.http import build_http_client
from shared_kit.indicators import IndicatorsResponse


class WorkstreamCallFailed(Exception):
    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service, self.reason = service, reason


class WorkstreamClient:
    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        deadline: float,
        retries: int,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.service = service
        self.http = build_http_client(
            base_url, timeout=deadline, retries=retries, transport=transport
        )

    async def indicators(self, start: date, end: date, city: str | None) -> IndicatorsResponse:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        if city:
            params["city"] = city
        try:
            resp = await self.http.get("/v1/indicators", params=params)
        except httpx.TimeoutException as exc:
            raise WorkstreamCallFailed(self.service, "timed out") from exc
        except httpx.HTTPError as exc:
            raise WorkstreamCallFailed(self.service, f"unreachable ({type(exc).__name__})") from exc
        if resp.status_code != 200:
            code = ""
            if resp.headers.get("content-type", "").startswith("application/problem+json"):
                code = resp.json().get("code", "")
            raise WorkstreamCallFailed(self.service, f"answered {resp.status_code} {code}".strip())
        return IndicatorsResponse.model_validate_json(resp.content)

    async def aclose(self) -> None:
        await self.http.aclose()
