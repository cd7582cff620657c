"""Typed client for a workstream service: its indicators and its period locks."""

from __future__ import annotations

from collections import OrderedDict
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


class Revalidated:
    """The answers a client has had, by URL, each with its ``ETag`` (least recently used out).

    Every use revalidates with ``If-None-Match``: a 304 hands back the kept answer, so
    nothing is ever served stale. The services put the caller's scope into their tags,
    so a copy kept for one caller is never confirmed for a caller who may not see it.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, tuple[str, Any]] = OrderedDict()

    def get(self, key: str) -> tuple[str, Any] | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: str, etag: str, value: Any) -> None:
        self.entries[key] = (etag, value)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


_ARRIVALS = TypeAdapter(list[Arrival])


class WorkstreamClient:
    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        deadline: float,
        retries: int,
        transport: httpx.AsyncBaseTransport | None = None,
        cache_size: int = 256,
    ) -> None:
        self.service = service
        self.cache = Revalidated(cache_size)
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
        if resp.status_code != ok and not (resp.status_code == 304 and method == "GET"):
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

    async def _get_revalidated(
        self, path: str, params: dict[str, str], parse: Any
    ) -> tuple[Any, str | None]:
        """GET ``path``, answered from the kept copy when the service says it still holds;
        with the answer's ``ETag`` (None when the service gave none)."""
        key = str(httpx.URL(path, params=params))
        kept = self.cache.get(key)
        headers = {"If-None-Match": kept[0]} if kept else {}
        resp = await self._call("GET", path, 200, params=params, headers=headers)
        if resp.status_code == 304 and kept is not None:
            return kept[1], kept[0]
        if resp.status_code == 304:
            raise WorkstreamCallFailed(
                self.service,
                t("对无条件请求答复了 304", "answered 304 to an unconditional request"),
            )
        value = parse(resp.content)
        etag = resp.headers.get("etag")
        if etag:
            self.cache.put(key, etag, value)
        return value, etag

    async def tagged_indicators(
        self,
        start: date,
        end: date,
        city: str | None,
        previous: tuple[date, date] | None = None,
    ) -> tuple[IndicatorsResponse, str | None]:
        """The figures of a period and, with ``previous``, of its comparison period too, with
        the strong ``ETag`` the service gave them (it moves with any write they count)."""
        params = {"from": start.isoformat(), "to": end.isoformat()}
        if city:
            params["city"] = city
        if previous is not None:
            params["previous_from"], params["previous_to"] = (d.isoformat() for d in previous)
        answer: tuple[IndicatorsResponse, str | None] = await self._get_revalidated(
            "/v1/indicators", params, IndicatorsResponse.model_validate_json
        )
        return answer

    async def indicators(
        self,
        start: date,
        end: date,
        city: str | None,
        previous: tuple[date, date] | None = None,
    ) -> IndicatorsResponse:
        """The figures of a period and, with ``previous``, of its comparison period too."""
        return (await self.tagged_indicators(start, end, city, previous))[0]

    async def arrivals(self, dataset: str, start: date, end: date) -> list[Arrival]:
        """When each city's records of each month in the range first arrived."""
        params = {"from": start.isoformat(), "to": end.isoformat()}
        answer: list[Arrival] = (
            await self._get_revalidated(f"/v1/arrivals/{dataset}", params, _ARRIVALS.validate_json)
        )[0]
        return answer

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
