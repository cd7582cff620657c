from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.errors import FieldError
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from transfer_service.recruitment.exceptions import (
    CooperationIntentionNotFound,
    IntentionAlreadyWithdrawn,
    IntentionCityMissing,
    RecruitmentEventNotFound,
)
from transfer_service.recruitment.models import CooperationIntention, RecruitmentEvent
from transfer_service.recruitment.schemas import (
    CooperationIntentionCreate,
    RecruitmentEventCreate,
)


async def create_event(
    session: AsyncSession, *, principal: Principal, data: RecruitmentEventCreate
) -> RecruitmentEvent:
    scope.check_write(principal, data.city)
    event = RecruitmentEvent(**data.model_dump())
    session.add(event)
    await session.flush()
    return event


async def get_event(
    session: AsyncSession, *, principal: Principal, event_id: uuid.UUID
) -> RecruitmentEvent:
    event = await session.get(RecruitmentEvent, event_id)
    if event is None or not scope.sees(principal, event.city):
        raise RecruitmentEventNotFound(
            t(f"没有招商活动 {event_id}", f"no recruitment event {event_id}")
        )
    return event


async def list_events(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
) -> tuple[list[RecruitmentEvent], str | None]:
    e = RecruitmentEvent
    stmt = select(e)
    stmt = scope.where(stmt, principal, e.city, city=city)
    if held_from is not None:
        stmt = stmt.where(e.held_on >= held_from)
    if held_to is not None:
        stmt = stmt.where(e.held_on <= held_to)
    order: list[Any] = [e.held_on, e.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.held_on, r.id))


async def create_intention(
    session: AsyncSession, *, principal: Principal, data: CooperationIntentionCreate
) -> CooperationIntention:
    city = data.city
    if data.event_id is not None:
        event = await session.get(RecruitmentEvent, data.event_id)
        if event is None:
            raise RecruitmentEventNotFound(
                t(f"没有招商活动 {data.event_id}", f"no recruitment event {data.event_id}")
            )
        city = city or event.city
    if city is None:
        raise IntentionCityMissing(
            errors=[
                FieldError(
                    field="body.city",
                    code="intention_city_missing",
                    message=t(
                        "请提供地市，或签约时所在的活动",
                        "give the city, or the event it was signed at",
                    ),
                )
            ]
        )
    scope.check_write(principal, city)
    intention = CooperationIntention(**(data.model_dump() | {"city": city}))
    session.add(intention)
    await session.flush()
    return intention


async def get_intention(
    session: AsyncSession, *, principal: Principal, intention_id: uuid.UUID
) -> CooperationIntention:
    intention = await session.get(CooperationIntention, intention_id)
    if intention is None or not scope.sees(principal, intention.city):
        raise CooperationIntentionNotFound(
            t(f"没有合作意向 {intention_id}", f"no cooperation intention {intention_id}")
        )
    return intention


async def withdraw_intention(
    session: AsyncSession, *, principal: Principal, intention_id: uuid.UUID
) -> CooperationIntention:
    intention = await get_intention(session, principal=principal, intention_id=intention_id)
    scope.check_write(principal, intention.city)
    if intention.status == "withdrawn":
        raise IntentionAlreadyWithdrawn(
            t(f"合作意向 {intention_id} 已撤回", f"intention {intention_id} is already withdrawn")
        )
    intention.status = "withdrawn"
    await session.flush()
    return intention


async def list_intentions(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    event_id: uuid.UUID | None = None,
    enterprise_uscc: str | None = None,
    signed_from: date | None = None,
    signed_to: date | None = None,
) -> tuple[list[CooperationIntention], str | None]:
    i = CooperationIntention
    stmt = select(i)
    stmt = scope.where(stmt, principal, i.city, city=city)
    if event_id is not None:
        stmt = stmt.where(i.event_id == event_id)
    if enterprise_uscc is not None:
        stmt = stmt.where(i.enterprise_uscc == enterprise_uscc)
    if signed_from is not None:
        stmt = stmt.where(i.signed_on >= signed_from)
    if signed_to is not None:
        stmt = stmt.where(i.signed_on <= signed_to)
    order: list[Any] = [i.signed_on, i.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.signed_on, r.id))
