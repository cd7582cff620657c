from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.enterprise import service as enterprise_service
from enterprise_service.voucher.exceptions import (
    IllegalTransition,
    ProviderExists,
    ProviderNotFound,
    ProviderNotUsable,
    VoucherCapExceeded,
    VoucherInvalid,
    VoucherNotFound,
)
from enterprise_service.voucher.models import (
    TRANSITIONS,
    VOUCHER_STATUS_WORDS,
    Voucher,
    VoucherProvider,
)
from enterprise_service.voucher.schemas import (
    ProviderCreate,
    ProviderRevoke,
    VoucherCancel,
    VoucherCreate,
    VoucherExpire,
    VoucherIssue,
    VoucherRedeem,
)
from shared_kit.auth import Principal
from shared_kit.errors import FieldError
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows


def _not_before(later: date, earlier: date | None, field: str, what: str) -> None:
    if earlier is not None and later < earlier:
        raise VoucherInvalid(
            t(f"{field} 早于{what}", f"{field} is before {what}"),
            errors=[
                FieldError(
                    field=f"body.{field}",
                    code="date_order",
                    message=t(f"早于{what}", f"before {what}"),
                )
            ],
        )


def _transition(voucher: Voucher, target: str) -> None:
    allowed = TRANSITIONS[voucher.status]
    if target not in allowed:
        raise IllegalTransition(
            t(
                f"「{VOUCHER_STATUS_WORDS[voucher.status]}」的创新券"
                f"不能转为「{VOUCHER_STATUS_WORDS[target]}」",
                f"a {voucher.status} voucher cannot become {target}",
            ),
            extra={"current_status": voucher.status, "allowed": list(allowed)},
        )
    voucher.status = target


async def create_voucher(
    session: AsyncSession, *, principal: Principal, data: VoucherCreate
) -> Voucher:
    await enterprise_service.require_registered(
        session, principal=principal, uscc=data.enterprise_uscc
    )
    voucher = Voucher(
        enterprise_uscc=data.enterprise_uscc,
        applied_on=data.applied_on,
        purpose=data.purpose,
        status="applied",
    )
    session.add(voucher)
    await session.flush()
    return voucher


async def get_voucher(
    session: AsyncSession, *, principal: Principal, voucher_id: uuid.UUID, for_update: bool = False
) -> Voucher:
    # The voucher's city is its enterprise's current city in the registry.
    stmt = enterprise_service.scope_by_registry_city(
        select(Voucher).where(Voucher.id == voucher_id),
        Voucher.enterprise_uscc,
        principal=principal,
    )
    if for_update:
        stmt = stmt.with_for_update(of=Voucher)
    voucher = await session.scalar(stmt)
    if voucher is None:
        raise VoucherNotFound(t(f"没有创新券 {voucher_id}", f"no voucher {voucher_id}"))
    return voucher


async def issued_in_year(
    session: AsyncSession, *, uscc: str, year: int, exclude: uuid.UUID | None = None
) -> Decimal:
    """Face amounts already issued to ``uscc`` in ``year``; cancelled vouchers give theirs back."""
    stmt = select(func.coalesce(func.sum(Voucher.face_amount), 0)).where(
        Voucher.enterprise_uscc == uscc,
        Voucher.issued_on.is_not(None),
        extract("year", Voucher.issued_on) == year,
        Voucher.status != "cancelled",
    )
    if exclude is not None:
        stmt = stmt.where(Voucher.id != exclude)
    return Decimal(await session.scalar(stmt) or 0)


async def issue_voucher(
    session: AsyncSession,
    *,
    principal: Principal,
    voucher_id: uuid.UUID,
    data: VoucherIssue,
    yearly_cap: Decimal,
) -> Voucher:
    voucher = await get_voucher(
        session, principal=principal, voucher_id=voucher_id, for_update=True
    )
    _transition(voucher, "issued")
    _not_before(data.issued_on, voucher.applied_on, "issued_on", "applied_on")
    # Lock the enterprise row so two concurrent issues cannot both pass the cap.
    await enterprise_service.require_registered(
        session, principal=principal, uscc=voucher.enterprise_uscc, for_update=True
    )
    year = data.issued_on.year
    already = await issued_in_year(
        session, uscc=voucher.enterprise_uscc, year=year, exclude=voucher.id
    )
    if already + data.face_amount > yearly_cap:
        raise VoucherCapExceeded(
            t(
                f"{voucher.enterprise_uscc} 在 {year} 年已获发创新券 {already} 元，再发 "
                f"{data.face_amount} 元将超过年度上限 {yearly_cap} 元",
                f"{voucher.enterprise_uscc} already holds {already} yuan of vouchers issued in "
                f"{year}; {data.face_amount} more exceeds the yearly cap of {yearly_cap}",
            ),
            errors=[
                FieldError(
                    field="body.face_amount",
                    code="voucher_cap_exceeded",
                    message=t(
                        f"最多还剩 {max(yearly_cap - already, Decimal('0.00'))} 元",
                        f"at most {max(yearly_cap - already, Decimal('0.00'))} remains",
                    ),
                )
            ],
            extra={
                "cap": str(yearly_cap),
                "issued_this_year": str(already),
                "remaining": str(max(yearly_cap - already, Decimal("0.00"))),
            },
        )
    voucher.face_amount = data.face_amount
    voucher.issued_on = data.issued_on
    await session.flush()
    await session.refresh(voucher)
    return voucher


async def redeem_voucher(
    session: AsyncSession, *, principal: Principal, voucher_id: uuid.UUID, data: VoucherRedeem
) -> Voucher:
    voucher = await get_voucher(
        session, principal=principal, voucher_id=voucher_id, for_update=True
    )
    _transition(voucher, "redeemed")
    _not_before(data.redeemed_on, voucher.issued_on, "redeemed_on", "issued_on")
    assert voucher.face_amount is not None
    if data.redeemed_amount > voucher.face_amount:
        raise VoucherInvalid(
            t("兑付金额超过创新券面额", "the redeemed amount exceeds the face amount"),
            errors=[
                FieldError(
                    field="body.redeemed_amount",
                    code="exceeds_face_amount",
                    message=t(
                        f"不能超过 {voucher.face_amount} 元", f"at most {voucher.face_amount}"
                    ),
                )
            ],
        )
    if data.provider_id is not None:
        provider = await session.get(VoucherProvider, data.provider_id)
        if provider is None or (
            provider.revoked_on is not None and provider.revoked_on <= data.redeemed_on
        ):
            raise ProviderNotUsable(
                t(
                    f"服务机构 {data.provider_id} 不存在或已撤销",
                    f"provider {data.provider_id} is unknown or was revoked",
                ),
                errors=[
                    FieldError(
                        field="body.provider_id",
                        code="provider_not_usable",
                        message=t("服务机构不存在或已撤销", "unknown or revoked provider"),
                    )
                ],
            )
        voucher.provider_id = provider.id
        voucher.provider_name = provider.name
    else:
        voucher.provider_name = data.provider_name
    voucher.contract_no = data.contract_no
    voucher.invoice_no = data.invoice_no
    voucher.redeemed_amount = data.redeemed_amount
    voucher.redeemed_on = data.redeemed_on
    await session.flush()
    await session.refresh(voucher)
    return voucher


async def expire_voucher(
    session: AsyncSession, *, principal: Principal, voucher_id: uuid.UUID, data: VoucherExpire
) -> Voucher:
    voucher = await get_voucher(
        session, principal=principal, voucher_id=voucher_id, for_update=True
    )
    _transition(voucher, "expired")
    _not_before(data.expired_on, voucher.issued_on, "expired_on", "issued_on")
    voucher.expired_on = data.expired_on
    await session.flush()
    await session.refresh(voucher)
    return voucher


async def cancel_voucher(
    session: AsyncSession, *, principal: Principal, voucher_id: uuid.UUID, data: VoucherCancel
) -> Voucher:
    voucher = await get_voucher(
        session, principal=principal, voucher_id=voucher_id, for_update=True
    )
    _transition(voucher, "cancelled")
    _not_before(data.cancelled_on, voucher.applied_on, "cancelled_on", "applied_on")
    voucher.cancelled_on = data.cancelled_on
    voucher.cancel_reason = data.reason
    await session.flush()
    await session.refresh(voucher)
    return voucher


async def list_vouchers(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    status: str | None = None,
    enterprise_uscc: str | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> tuple[list[Voucher], str | None]:
    stmt = enterprise_service.scope_by_registry_city(
        select(Voucher), Voucher.enterprise_uscc, principal=principal, city=city
    )
    if status is not None:
        stmt = stmt.where(Voucher.status == status)
    if enterprise_uscc is not None:
        stmt = stmt.where(Voucher.enterprise_uscc == enterprise_uscc.strip().upper())
    if issued_from is not None:
        stmt = stmt.where(Voucher.issued_on >= issued_from)
    if issued_to is not None:
        stmt = stmt.where(Voucher.issued_on <= issued_to)
    order: list[Any] = [Voucher.applied_on, Voucher.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda v: (v.applied_on, v.id))


async def create_provider(session: AsyncSession, *, data: ProviderCreate) -> VoucherProvider:
    if await session.scalar(select(VoucherProvider.id).where(VoucherProvider.name == data.name)):
        raise ProviderExists(
            t(f"服务机构 {data.name} 已登记", f"provider {data.name} is registered")
        )
    provider = VoucherProvider(**data.model_dump())
    session.add(provider)
    await session.flush()
    return provider


async def get_provider(session: AsyncSession, *, provider_id: uuid.UUID) -> VoucherProvider:
    provider = await session.get(VoucherProvider, provider_id)
    if provider is None:
        raise ProviderNotFound(t(f"没有服务机构 {provider_id}", f"no provider {provider_id}"))
    return provider


async def revoke_provider(
    session: AsyncSession, *, provider_id: uuid.UUID, data: ProviderRevoke
) -> VoucherProvider:
    provider = await get_provider(session, provider_id=provider_id)
    if provider.revoked_on is not None:
        raise IllegalTransition(
            t(f"已于 {provider.revoked_on} 撤销", f"already revoked on {provider.revoked_on}"),
            extra={"current_status": "revoked", "allowed": []},
        )
    _not_before(data.revoked_on, provider.registered_on, "revoked_on", "registered_on")
    provider.revoked_on = data.revoked_on
    await session.flush()
    await session.refresh(provider)
    return provider


async def list_providers(
    session: AsyncSession, *, city: str | None = None, active_on: date | None = None
) -> list[VoucherProvider]:
    p = VoucherProvider
    stmt = select(p).order_by(p.name)
    if city is not None:
        stmt = stmt.where(p.city == city)
    if active_on is not None:
        stmt = stmt.where(
            p.registered_on <= active_on, p.revoked_on.is_(None) | (p.revoked_on > active_on)
        )
    return list((await session.scalars(stmt)).all())
