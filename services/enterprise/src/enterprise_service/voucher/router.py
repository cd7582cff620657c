from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from enterprise_service.dependencies import SettingsDep
from enterprise_service.voucher import service
from enterprise_service.voucher.models import Voucher, VoucherProvider
from enterprise_service.voucher.schemas import (
    ProviderCreate,
    ProviderRead,
    ProviderRevoke,
    VoucherCancel,
    VoucherCreate,
    VoucherExpire,
    VoucherIssue,
    VoucherRead,
    VoucherRedeem,
)
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, Problem
from shared_kit.pagination import Page, PageParams, page_params

router = APIRouter(prefix="/vouchers", tags=["vouchers"], responses=PROBLEM_RESPONSES)

Writer = Annotated[Principal, Depends(require_roles(Role.admin, Role.city_bureau))]
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]
VoucherStatus = Literal["applied", "issued", "redeemed", "expired", "cancelled"]
TRANSITION_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"model": Problem},
    409: {"model": Problem, "description": "illegal_transition; `allowed` lists the options"},
}


@router.post("", status_code=201, response_model=VoucherRead)
async def create_voucher(session: SessionDep, principal: Writer, body: VoucherCreate) -> Voucher:
    """Record a voucher application (申领) by a registered enterprise.

    Roles: admin, city_bureau (enterprises of its own city).
    """
    return await service.create_voucher(session, principal=principal, data=body)


@router.get("/{voucher_id}", response_model=VoucherRead, responses={404: {"model": Problem}})
async def get_voucher(session: SessionDep, principal: Reader, voucher_id: uuid.UUID) -> Voucher:
    """One voucher. Roles: admin, analyst, service, city_bureau (own city; others 404)."""
    return await service.get_voucher(session, principal=principal, voucher_id=voucher_id)


@router.post("/{voucher_id}/issue", response_model=VoucherRead, responses=TRANSITION_RESPONSES)
async def issue_voucher(
    session: SessionDep,
    principal: Writer,
    settings: SettingsDep,
    voucher_id: uuid.UUID,
    body: VoucherIssue,
) -> Voucher:
    """Issue (审核发放) with a face amount, within the yearly cap. Roles: admin, city_bureau."""
    return await service.issue_voucher(
        session,
        principal=principal,
        voucher_id=voucher_id,
        data=body,
        yearly_cap=settings.voucher_yearly_cap_yuan,
    )


@router.post("/{voucher_id}/redeem", response_model=VoucherRead, responses=TRANSITION_RESPONSES)
async def redeem_voucher(
    session: SessionDep, principal: Writer, voucher_id: uuid.UUID, body: VoucherRedeem
) -> Voucher:
    """Redeem (兑付) against a provider's contract and invoice. Roles: admin, city_bureau."""
    return await service.redeem_voucher(
        session, principal=principal, voucher_id=voucher_id, data=body
    )


@router.post("/{voucher_id}/expire", response_model=VoucherRead, responses=TRANSITION_RESPONSES)
async def expire_voucher(
    session: SessionDep, principal: Writer, voucher_id: uuid.UUID, body: VoucherExpire
) -> Voucher:
    """Mark an issued voucher expired (it still counts as issued). Roles: admin, city_bureau."""
    return await service.expire_voucher(
        session, principal=principal, voucher_id=voucher_id, data=body
    )


@router.post("/{voucher_id}/cancel", response_model=VoucherRead, responses=TRANSITION_RESPONSES)
async def cancel_voucher(
    session: SessionDep, principal: Writer, voucher_id: uuid.UUID, body: VoucherCancel
) -> Voucher:
    """Cancel a voucher: it never counts in any figure. Roles: admin, city_bureau."""
    return await service.cancel_voucher(
        session, principal=principal, voucher_id=voucher_id, data=body
    )


@router.get("", response_model=Page[VoucherRead])
async def list_vouchers(
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    city: Annotated[CityCode | None, Query()] = None,
    status: Annotated[VoucherStatus | None, Query()] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    issued_from: Annotated[date | None, Query()] = None,
    issued_to: Annotated[date | None, Query()] = None,
) -> Page[VoucherRead]:
    """Vouchers, oldest application first. Roles: admin, analyst, service, city_bureau (own)."""
    items, cursor = await service.list_vouchers(
        session,
        principal=principal,
        page=page,
        city=city,
        status=status,
        enterprise_uscc=enterprise_uscc,
        issued_from=issued_from,
        issued_to=issued_to,
    )
    return Page[VoucherRead](
        items=[VoucherRead.model_validate(v) for v in items], next_cursor=cursor
    )


providers = APIRouter(
    prefix="/voucher-providers", tags=["voucher-providers"], responses=PROBLEM_RESPONSES
)
AdminOnly = Annotated[Principal, Depends(require_roles(Role.admin))]


@providers.post(
    "", status_code=201, response_model=ProviderRead, responses={409: {"model": Problem}}
)
async def create_voucher_provider(
    session: SessionDep, principal: AdminOnly, body: ProviderCreate
) -> VoucherProvider:
    """Register a service provider (服务机构) vouchers may be spent at. Roles: admin."""
    return await service.create_provider(session, data=body)


@providers.get("", response_model=list[ProviderRead])
async def list_voucher_providers(
    session: SessionDep,
    principal: Reader,
    city: Annotated[CityCode | None, Query()] = None,
    active_on: Annotated[date | None, Query()] = None,
) -> list[VoucherProvider]:
    """Providers by name (public to every reader). Roles: admin, analyst, service, city_bureau."""
    return await service.list_providers(session, city=city, active_on=active_on)


@providers.get("/{provider_id}", response_model=ProviderRead, responses={404: {"model": Problem}})
async def get_voucher_provider(
    session: SessionDep, principal: Reader, provider_id: uuid.UUID
) -> VoucherProvider:
    """One provider. Roles: admin, analyst, service, city_bureau."""
    return await service.get_provider(session, provider_id=provider_id)


@providers.post(
    "/{provider_id}/revoke", response_model=ProviderRead, responses=TRANSITION_RESPONSES
)
async def revoke_voucher_provider(
    session: SessionDep, principal: AdminOnly, provider_id: uuid.UUID, body: ProviderRevoke
) -> VoucherProvider:
    """Revoke a provider: vouchers can no longer be redeemed there. Roles: admin."""
    return await service.revoke_provider(session, provider_id=provider_id, data=body)
