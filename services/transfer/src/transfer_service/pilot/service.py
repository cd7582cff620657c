from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from transfer_service.pilot.exceptions import AlreadyCancelled, PilotBaseNotFound, PilotNotFound
from transfer_service.pilot.models import Pilot, PilotBase
from transfer_service.pilot.schemas import PilotBaseCreate, PilotCreate


async def create_pilot(session: AsyncSession, *, principal: Principal, data: PilotCreate) -> Pilot:
    scope.check_write(principal, data.city)
    pilot = Pilot(**data.model_dump())
    session.add(pilot)
    await session.flush()
    return pilot


async def get_pilot(session: AsyncSession, *, principal: Principal, pilot_id: uuid.UUID) -> Pilot:
    pilot = await session.get(Pilot, pilot_id)
    if pilot is None or not scope.sees(principal, pilot.city):
        raise PilotNotFound(t(f"没有中试项目 {pilot_id}", f"no pilot {pilot_id}"))
    return pilot


async def cancel_pilot(
    session: AsyncSession, *, principal: Principal, pilot_id: uuid.UUID
) -> Pilot:
    pilot = await get_pilot(session, principal=principal, pilot_id=pilot_id)
    scope.check_write(principal, pilot.city)
    if pilot.status == "cancelled":
        raise AlreadyCancelled(
            t(f"中试项目 {pilot_id} 已取消", f"pilot {pilot_id} is already cancelled")
        )
    pilot.status = "cancelled"
    await session.flush()
    return pilot


async def list_pilots(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    kind: str | None = None,
    started_from: date | None = None,
    started_to: date | None = None,
) -> tuple[list[Pilot], str | None]:
    p = Pilot
    stmt = select(p)
    stmt = scope.where(stmt, principal, p.city, city=city)
    if kind is not None:
        stmt = stmt.where(p.kind == kind)
    if started_from is not None:
        stmt = stmt.where(p.started_on >= started_from)
    if started_to is not None:
        stmt = stmt.where(p.started_on <= started_to)
    order: list[Any] = [p.started_on, p.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.started_on, r.id))


async def create_pilot_base(
    session: AsyncSession, *, principal: Principal, data: PilotBaseCreate
) -> PilotBase:
    scope.check_write(principal, data.city)
    base = PilotBase(**data.model_dump())
    session.add(base)
    await session.flush()
    return base


async def get_pilot_base(
    session: AsyncSession, *, principal: Principal, base_id: uuid.UUID
) -> PilotBase:
    base = await session.get(PilotBase, base_id)
    if base is None or not scope.sees(principal, base.city):
        raise PilotBaseNotFound(t(f"没有中试基地 {base_id}", f"no pilot-scale base {base_id}"))
    return base


async def cancel_pilot_base(
    session: AsyncSession, *, principal: Principal, base_id: uuid.UUID
) -> PilotBase:
    base = await get_pilot_base(session, principal=principal, base_id=base_id)
    scope.check_write(principal, base.city)
    if base.status == "cancelled":
        raise AlreadyCancelled(
            t(f"中试基地 {base_id} 已取消", f"pilot-scale base {base_id} is already cancelled")
        )
    base.status = "cancelled"
    await session.flush()
    return base


async def list_pilot_bases(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    established_from: date | None = None,
    established_to: date | None = None,
) -> tuple[list[PilotBase], str | None]:
    b = PilotBase
    stmt = select(b)
    stmt = scope.where(stmt, principal, b.city, city=city)
    if established_from is not None:
        stmt = stmt.where(b.established_on >= established_from)
    if established_to is not None:
        stmt = stmt.where(b.established_on <= established_to)
    order: list[Any] = [b.established_on, b.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.established_on, r.id))
