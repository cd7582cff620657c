from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.common import already
from enterprise_service.training.models import TrainingSession
from enterprise_service.training.schemas import TrainingSessionCancel, TrainingSessionCreate
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.corrections import not_withdrawn
from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows


class TrainingSessionNotFound(NotFound):
    code = "training_session_not_found"
    title = t("未找到培训活动", "Training session not found")


class TrainingSessionCancelled(Conflict):
    code = "already_ended"
    title = t("培训活动已取消", "The training session is already cancelled")


async def create_session(
    session: AsyncSession, *, principal: Principal, data: TrainingSessionCreate
) -> TrainingSession:
    scope.check_write(principal, data.city)
    row = TrainingSession(**data.model_dump())
    session.add(row)
    await session.flush()
    return row


async def get_session(
    session: AsyncSession, *, principal: Principal, session_id: uuid.UUID
) -> TrainingSession:
    row = await session.get(TrainingSession, session_id)
    if row is None or not scope.sees(principal, row.city):
        raise TrainingSessionNotFound(
            t(f"没有培训活动 {session_id}", f"no training session {session_id}")
        )
    return row


async def cancel_session(
    session: AsyncSession,
    *,
    principal: Principal,
    session_id: uuid.UUID,
    data: TrainingSessionCancel,
) -> TrainingSession:
    row = await get_session(session, principal=principal, session_id=session_id)
    already(TrainingSessionCancelled, "cancelled", row.cancelled_on)
    row.cancelled_on = data.cancelled_on
    await session.flush()
    await session.refresh(row)
    return row


async def list_sessions(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
) -> tuple[list[TrainingSession], str | None]:
    t = TrainingSession
    stmt = select(t)
    stmt = scope.where(stmt, principal, t.city, city=city).where(not_withdrawn(t.status))
    if held_from is not None:
        stmt = stmt.where(t.held_on >= held_from)
    if held_to is not None:
        stmt = stmt.where(t.held_on <= held_to)
    order: list[Any] = [t.held_on, t.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda x: (x.held_on, x.id))
