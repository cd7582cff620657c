"""``/dev/…``: the local development issuer, mounted only with GATEWAY_DEV_ISSUER=true;
``/gateway/v1/me``: who the caller is, always mounted."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, model_validator

from gateway.audit.service import caller_names
from gateway.identity.bearer import FRONTEND_ROLES
from gateway.identity.dev import DevIssuer
from gateway.identity.service import Caller
from shared_kit.auth import Role
from shared_kit.codes import GUANGXI_CITIES, CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.i18n import t

router = APIRouter(prefix="/dev", tags=["dev-issuer"])


class DevTokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    role: Role
    city: CityCode | None = None

    @model_validator(mode="after")
    def _check(self) -> DevTokenRequest:
        if self.role not in FRONTEND_ROLES:
            raise ValueError(
                t(
                    "角色只能是 admin、analyst 或 city_bureau",
                    "role must be admin, analyst or city_bureau",
                )
            )
        if self.role is Role.city_bureau and self.city not in GUANGXI_CITIES:
            raise ValueError(
                t(
                    "city_bureau 用户须指定所属地市（14 个地市代码之一）",
                    "a city_bureau user needs city, one of the 14 city codes",
                )
            )
        if self.role is not Role.city_bureau and self.city:
            raise ValueError(
                t("只有 city_bureau 用户带有地市", "only city_bureau users carry a city")
            )
        return self


class DevToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int


@router.post("/token")
async def dev_token(body: DevTokenRequest, request: Request) -> DevToken:
    """A frontend token for any user, for local development. Roles: anyone (dev only)."""
    issuer: DevIssuer = request.app.state.dev_issuer
    token, ttl = issuer.mint(username=body.username, role=body.role, city=body.city)
    return DevToken(access_token=token, expires_in=ttl)


@router.get("/jwks.json")
async def dev_jwks(request: Request) -> dict[str, Any]:
    """The development issuer's public keys. Roles: anyone (dev only)."""
    issuer: DevIssuer = request.app.state.dev_issuer
    return issuer.jwks()


me_router = APIRouter(prefix="/gateway/v1", tags=["identity"], responses=PROBLEM_RESPONSES)


class WhoAmI(BaseModel):
    subject: str
    role: Role
    city: str | None = Field(description="the city a city_bureau principal is bound to")
    city_name: str | None
    bank: str | None
    client_id: str | None
    expert_id: str | None = Field(
        default=None, description="the talent expert an expert principal is bound to"
    )
    name: str = Field(description="the API key's name, the bank, or the user's name")


@me_router.get("/me")
async def who_am_i(principal: Caller, session: SessionDep) -> WhoAmI:
    """The caller as the gateway identified it (role, city, bank), e.g. for a frontend to
    decide what to show. Roles: any API key or frontend token (admin, analyst, city_bureau,
    service); a bank signs its requests on /bank/v1 instead."""
    return WhoAmI(
        subject=principal.subject,
        role=principal.role,
        city=principal.city,
        city_name=GUANGXI_CITIES.get(principal.city or ""),
        bank=principal.bank,
        client_id=principal.client_id,
        expert_id=principal.expert_id,
        name=(await caller_names(session, [principal.subject]))[0].name,
    )
