"""Typed client for talent's expert database: the experts a review may draw."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from shared_kit.auth import PRINCIPAL_HEADER
from shared_kit.errors import ServiceUnavailable
from shared_kit.http import build_http_client
from shared_kit.i18n import t

# talent's page limit: the pool of one field is fetched in as few calls as possible.
_PAGE = 1000


class TalentUnavailable(ServiceUnavailable):
    code = "talent_unavailable"
    title = t("人才服务（talent）不可用，未抽取任何专家", "the talent service is unavailable")


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
        try:
            resp = await self.http.get(path, params=params, headers={PRINCIPAL_HEADER: token})
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
        if resp.status_code != 200:
            raise TalentUnavailable(
                t(
                    f"人才服务（talent）应答 {resp.status_code}",
                    f"talent answered {resp.status_code}",
                )
            )
        return resp

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
