from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.common import already, not_before
from enterprise_service.db import SCHEMA
from enterprise_service.enterprise import service as enterprise_service
from enterprise_service.enterprise.models import Enterprise
from enterprise_service.techsme.exceptions import (
    RegistrationExists,
    RegistrationNotFound,
    RegistrationRevoked,
)
from enterprise_service.techsme.models import TechSmeRegistration
from enterprise_service.techsme.schemas import TechSmeRegistrationCreate, TechSmeRevoke
from shared_kit.auth import Principal
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from shared_kit.period_lock import assert_unlocked


async def create_registration(
    session: AsyncSession, *, principal: Principal, data: TechSmeRegistrationCreate
) -> TechSmeRegistration:
    firm = await enterprise_service.require_registered(
        session, principal=principal, uscc=data.enterprise_uscc
    )
    await assert_unlocked(session, schema=SCHEMA, records=[(firm.city, data.registered_on)])
    r = TechSmeRegistration
    clash = await session.scalar(
        select(r.id).where(
            or_(
                (r.enterprise_uscc == data.enterprise_uscc) & (r.year == data.year),
                r.registration_no == data.registration_no,
            )
        )
    )
    if clash is not None:
        raise RegistrationExists(
            t(
                f"{data.enterprise_uscc} 已有 {data.year} 年的入库登记，或登记编号 "
                f"{data.registration_no} 已被使用",
                f"{data.enterprise_uscc} already has a {data.year} registration, or "
                f"{data.registration_no} is taken",
            )
        )
    reg = TechSmeRegistration(**data.model_dump())
    session.add(reg)
    await session.flush()
    return reg


async def get_registration(
    session: AsyncSession, *, principal: Principal, registration_id: uuid.UUID
) -> TechSmeRegistration:
    stmt = enterprise_service.scope_by_registry_city(
        select(TechSmeRegistration).where(TechSmeRegistration.id == registration_id),
        TechSmeRegistration.enterprise_uscc,
        principal=principal,
    )
    reg = await session.scalar(stmt)
    if reg is None:
        raise RegistrationNotFound(
            t(
                f"没有科技型中小企业入库登记 {registration_id}",
                f"no tech-SME registration {registration_id}",
            )
        )
    return reg


async def revoke_registration(
    session: AsyncSession, *, principal: Principal, registration_id: uuid.UUID, data: TechSmeRevoke
) -> TechSmeRegistration:
    reg = await get_registration(session, principal=principal, registration_id=registration_id)
    already(RegistrationRevoked, "revoked", reg.revoked_on)
    not_before(data.revoked_on, reg.registered_on, "revoked_on", "registered_on")
    city = await session.scalar(
        select(Enterprise.city).where(Enterprise.uscc == reg.enterprise_uscc)
    )
    await assert_unlocked(session, schema=SCHEMA, records=[(city, reg.registered_on)])
    reg.revoked_on = data.revoked_on
    reg.revoke_reason = data.reason
    await session.flush()
    await session.refresh(reg)
    return reg


async def list_registrations(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    year: int | None = None,
    batch: int | None = None,
    enterprise_uscc: str | None = None,
    registered_from: date | None = None,
    registered_to: date | None = None,
) -> tuple[list[TechSmeRegistration], str | None]:
    r = TechSmeRegistration
    stmt = enterprise_service.scope_by_registry_city(
        select(r), r.enterprise_uscc, principal=principal, city=city
    )
    if year is not None:
        stmt = stmt.where(r.year == year)
    if batch is not None:
        stmt = stmt.where(r.batch == batch)
    if enterprise_uscc is not None:
        stmt = stmt.where(r.enterprise_uscc == enterprise_uscc.strip().upper())
    if registered_from is not None:
        stmt = stmt.where(r.registered_on >= registered_from)
    if registered_to is not None:
        stmt = stmt.where(r.registered_on <= registered_to)
    order: list[Any] = [r.registered_on, r.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.registered_on, x.id))
