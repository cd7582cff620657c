from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.corrections import WITHDRAWN, RecordWithdrawn, not_withdrawn
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from shared_kit.period_lock import assert_unlocked
from transfer_service.achievement.exceptions import (
    AchievementAlreadyRevoked,
    AchievementNotFound,
    AchievementRegistrationNoTaken,
)
from transfer_service.achievement.models import Achievement
from transfer_service.achievement.schemas import AchievementCreate
from transfer_service.db import SCHEMA


async def create_achievement(
    session: AsyncSession, *, principal: Principal, data: AchievementCreate
) -> Achievement:
    scope.check_write(principal, data.city)
    await assert_unlocked(session, schema=SCHEMA, records=[(data.city, data.registered_on)])
    achievement = Achievement(**data.model_dump())
    try:
        async with session.begin_nested():
            session.add(achievement)
            await session.flush()
    except IntegrityError as exc:
        raise AchievementRegistrationNoTaken(
            t(
                f"登记编号 {data.registration_no} 已被使用",
                f"registration number {data.registration_no} is already used",
            )
        ) from exc
    return achievement


async def get_achievement(
    session: AsyncSession, *, principal: Principal, achievement_id: uuid.UUID
) -> Achievement:
    achievement = await session.get(Achievement, achievement_id)
    if achievement is None or not scope.sees(principal, achievement.city):
        raise AchievementNotFound(
            t(f"没有成果登记 {achievement_id}", f"no achievement {achievement_id}")
        )
    return achievement


async def revoke_achievement(
    session: AsyncSession, *, principal: Principal, achievement_id: uuid.UUID
) -> Achievement:
    achievement = await get_achievement(session, principal=principal, achievement_id=achievement_id)
    scope.check_write(principal, achievement.city)
    if achievement.status == WITHDRAWN:
        raise RecordWithdrawn(t("该成果登记已撤回，不能撤销", "the achievement has been withdrawn"))
    if achievement.status == "revoked":
        raise AchievementAlreadyRevoked(
            t(
                f"成果 {achievement.registration_no} 已撤销",
                f"achievement {achievement.registration_no} is revoked",
            )
        )
    await assert_unlocked(
        session, schema=SCHEMA, records=[(achievement.city, achievement.registered_on)]
    )
    achievement.status = "revoked"
    await session.flush()
    return achievement


async def list_achievements(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    category: str | None = None,
    registered_from: date | None = None,
    registered_to: date | None = None,
) -> tuple[list[Achievement], str | None]:
    a = Achievement
    stmt = select(a)
    stmt = scope.where(stmt, principal, a.city, city=city).where(not_withdrawn(a.status))
    if category is not None:
        stmt = stmt.where(a.category == category)
    if registered_from is not None:
        stmt = stmt.where(a.registered_on >= registered_from)
    if registered_to is not None:
        stmt = stmt.where(a.registered_on <= registered_to)
    order: list[Any] = [a.registered_on, a.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.registered_on, r.id))
