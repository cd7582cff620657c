"""Typed client for a workstream service: its indicators and its period locks."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from pydantic import TypeAdapter

from shared_kit.arrivals import Arrival
from shared_kit.auth import PRINCIPAL_HEADER
from shared_kit.http import build_http_client
from shared_kit.i18n import CONTENT_LANGUAGE, language_var, t
from shared_kit.indicators import IndicatorsResponse

# A service that did not answer within reporting's own deadline for the whole call.
DEADLINE_EXCEEDED = t("超过时限未答复", "deadline exceeded")


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

    async def _call(self, method: str, path: str, ok: int, **kw: Any) -> httpx.Response:
        try:
            # The caller's language: a message of the service's that reporting relays
            # reads as the caller asked.
            headers = {
                "Accept-Language": CONTENT_LANGUAGE[language_var.get()],
                **kw.pop("headers", {}),
            }
            resp = await self.http.request(method, path, headers=headers, **kw)
        except httpx.TimeoutException as exc:
            raise WorkstreamCallFailed(self.service, t("超时未答复", "timed out")) from exc
        except httpx.HTTPError as exc:
            name = type(exc).__name__
            raise WorkstreamCallFailed(
                self.service, t(f"无法连接（{name}）", f"unreachable ({name})")
            ) from exc
        if resp.status_code != ok:
            code = ""
            if resp.headers.get("content-type", "").startswith("application/problem+json"):
                code = resp.json().get("code", "")
            raise WorkstreamCallFailed(
                self.service,
                t(
                    f"答复 {resp.status_code} {code}".strip(),
                    f"answered {resp.status_code} {code}".strip(),
                ),
            )
        return resp

    async def indicators(self, start: date, end: date, city: str | None) -> IndicatorsResponse:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        if city:
            params["city"] = city
        resp = await self._call("GET", "/v1/indicators", 200, params=params)
        return IndicatorsResponse.model_validate_json(resp.content)

    async def arrivals(self, dataset: str, start: date, end: date) -> list[Arrival]:
        """When each city's records of each month in the range first arrived."""
        params = {"from": start.isoformat(), "to": end.isoformat()}
        resp = await self._call("GET", f"/v1/arrivals/{dataset}", 200, params=params)
        return TypeAdapter(list[Arrival]).validate_json(resp.content)

    async def put_lock(self, city: str, period: str, start: date, end: date, *, token: str) -> None:
        """Lock a city's period in this service (as reporting itself: ``token``)."""
        await self._call(
            "PUT",
            f"/v1/period-locks/{city}/{period}",
            200,
            json={"start": start.isoformat(), "end": end.isoformat(), "source": "reporting"},
            headers={PRINCIPAL_HEADER: token},
        )

    async def delete_lock(self, city: str, period: str, *, token: str) -> None:
        await self._call(
            "DELETE", f"/v1/period-locks/{city}/{period}", 204, headers={PRINCIPAL_HEADER: token}
        )

    async def aclose(self) -> None:
        await self.http.aclose()
