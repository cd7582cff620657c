"""Typed client for talent's expert database: the experts a review may draw."""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from shared_kit.auth import PRINCIPAL_HEADER
from shared_kit.errors import ServiceUnavailable
from shared_kit.http import build_http_client
from shared_kit.i18n import t

log = logging.getLogger(__name__)

# talent's page limit: the pool of one field is fetched in as few calls as possible.
_PAGE = 1000


class TalentUnavailable(ServiceUnavailable):
    code = "talent_unavailable"
    title = t("人才服务（talent）不可用，未抽取任何专家", "the talent service is unavailable")


def _answered(resp: httpx.Response) -> TalentUnavailable:
    return TalentUnavailable(
        t(
            f"人才服务（talent）应答 {resp.status_code}",
            f"talent answered {resp.status_code}",
        )
    )


class EligibleExpert(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    name: str
    organisation: str
    city: str
    fields: list[str]


class TalentClient:
    def __init__(
        self,
        base_url: str,
        *,
        deadline: float,
        retries: int,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.http = build_http_client(
            base_url, timeout=deadline, retries=retries, transport=transport
        )

    async def _get(self, path: str, params: Any, token: str) -> httpx.Response:
        resp = await self._call("GET", path, token, params=params)
        if resp.status_code != 200:
            raise _answered(resp)
        return resp

    async def _call(self, method: str, path: str, token: str, **kw: Any) -> httpx.Response:
        try:
            return await self.http.request(method, path, headers={PRINCIPAL_HEADER: token}, **kw)
        except httpx.TimeoutException as exc:
            raise TalentUnavailable(
                t("人才服务（talent）未在时限内应答", "talent did not answer in time")
            ) from exc
        except httpx.HTTPError as exc:
            raise TalentUnavailable(
                t(
                    f"无法连接人才服务（talent）：{type(exc).__name__}",
                    f"talent could not be reached ({type(exc).__name__})",
                )
            ) from exc

    async def record_conflict(
        self,
        *,
        expert_id: uuid.UUID,
        organisation_uscc: str,
        organisation_name: str,
        declared_on: date,
        reason: str,
        source_ref: str,
        token: str,
    ) -> bool:
        """Record a conflict the expert declared in a review in talent's expert database;
        ``source_ref`` makes a re-send land once. False when talent refuses this one (a
        4xx: say the expert was removed) — it must not hold up anything else; a talent
        that cannot answer raises ``TalentUnavailable``."""
        body = {
            "organisation_uscc": organisation_uscc,
            "organisation_name": organisation_name,
            "declared_on": declared_on.isoformat(),
            "reason": reason,
            "source_ref": source_ref,
        }
        resp = await self._call("POST", f"/v1/experts/{expert_id}/conflicts", token, json=body)
        if resp.status_code in (200, 201):
            return True
        if 400 <= resp.status_code < 500 and resp.status_code != 429:
            log.warning(
                "talent refused conflict %s: %s %s", source_ref, resp.status_code, resp.text[:300]
            )
            return False
        raise _answered(resp)

    async def eligible(
        self, *, field: str, uscc: str, organisation: str, token: str
    ) -> list[EligibleExpert]:
        """Active experts in ``field`` without a tie to the organisation (talent decides the
        ties: the expert works there, or declared a conflict with it by USCC or name)."""
        params: dict[str, Any] = {
            "field": field,
            "uscc": uscc,
            "organisation": organisation,
            "limit": _PAGE,
        }
        out: list[EligibleExpert] = []
        while True:
            page = (await self._get("/v1/experts/eligible", params, token)).json()
            out.extend(EligibleExpert.model_validate(item) for item in page["items"])
            if not page.get("next_cursor"):
                return out
            params["cursor"] = page["next_cursor"]

    async def aclose(self) -> None:
        await self.http.aclose()
